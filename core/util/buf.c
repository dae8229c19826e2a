#include "util/buf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <dnnrepair/status.h>

#include "util/alloc.h"

void dnnr__buf_free(dnnr_buf *b)
{
    dnnr__free(b->data);
    *b = (dnnr_buf){0};
}

static int reserve(dnnr_buf *b, size_t extra)
{
    if (b->failed)
        return 0;
    if (b->len + extra <= b->cap)
        return 1;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra)
        cap *= 2;
    uint8_t *grown = dnnr__realloc(b->data, cap);
    if (!grown) {
        b->failed = 1;
        return 0;
    }
    b->data = grown;
    b->cap = cap;
    return 1;
}

void dnnr__buf_put(dnnr_buf *b, const void *p, size_t n)
{
    if (n && reserve(b, n)) {
        memcpy(b->data + b->len, p, n);
        b->len += n;
    }
}

void dnnr__buf_u32(dnnr_buf *b, uint32_t v) { dnnr__buf_put(b, &v, sizeof v); }
void dnnr__buf_u64(dnnr_buf *b, uint64_t v) { dnnr__buf_put(b, &v, sizeof v); }
void dnnr__buf_f64(dnnr_buf *b, double v) { dnnr__buf_put(b, &v, sizeof v); }

void dnnr__buf_str(dnnr_buf *b, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    dnnr__buf_u32(b, (uint32_t)n);
    dnnr__buf_put(b, s, n);
}

void dnnr__buf_printf(dnnr_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !reserve(b, (size_t)n + 1))
        return;
    va_start(ap, fmt);
    vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void dnnr__reader_init(dnnr_reader *r, const void *data, size_t len)
{
    *r = (dnnr_reader){.p = data, .left = len};
}

int dnnr__read_bytes(dnnr_reader *r, void *out, size_t n)
{
    if (r->failed || n > r->left) {
        r->failed = 1;
        memset(out, 0, n);
        return DNNR_EPARSE;
    }
    memcpy(out, r->p, n);
    r->p += n;
    r->left -= n;
    return DNNR_OK;
}

uint32_t dnnr__read_u32(dnnr_reader *r)
{
    uint32_t v;
    dnnr__read_bytes(r, &v, sizeof v);
    return v;
}

uint64_t dnnr__read_u64(dnnr_reader *r)
{
    uint64_t v;
    dnnr__read_bytes(r, &v, sizeof v);
    return v;
}

double dnnr__read_f64(dnnr_reader *r)
{
    double v;
    dnnr__read_bytes(r, &v, sizeof v);
    return v;
}

const char *dnnr__read_str(dnnr_reader *r, uint32_t *len)
{
    uint32_t n = dnnr__read_u32(r);
    if (r->failed || n > r->left) {
        r->failed = 1;
        *len = 0;
        return "";
    }
    const char *s = (const char *)r->p;
    r->p += n;
    r->left -= n;
    *len = n;
    return s;
}

/* Pipes bypass dnnr__write_all so I/O fault injection aimed at files never
 * hits the messages between processes. */
static int write_full(int fd, const void *p, size_t n)
{
    const uint8_t *at = p;
    while (n) {
        ssize_t w = write(fd, at, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return DNNR_EIO;
        at += w;
        n -= (size_t)w;
    }
    return DNNR_OK;
}

int dnnr__msg_send(int fd, const dnnr_buf *b)
{
    if (b->failed)
        return DNNR_ENOMEM;
    uint32_t n = (uint32_t)b->len;
    if (write_full(fd, &n, sizeof n) || write_full(fd, b->data, b->len))
        return DNNR_EIO;
    return DNNR_OK;
}

static int read_full(int fd, void *p, size_t n)
{
    uint8_t *at = p;
    while (n) {
        ssize_t got = read(fd, at, n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return DNNR_EIO;
        at += got;
        n -= (size_t)got;
    }
    return DNNR_OK;
}

int dnnr__msg_recv(int fd, dnnr_buf *b, size_t limit)
{
    uint32_t n;
    b->len = 0;
    if (read_full(fd, &n, sizeof n) || n > limit || !reserve(b, n ? n : 1))
        return DNNR_EIO;
    if (read_full(fd, b->data, n))
        return DNNR_EIO;
    b->len = n;
    return DNNR_OK;
}
