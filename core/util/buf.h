/* Byte buffers for the messages workers and searcher processes exchange with
 * the orchestrator, and a bounds-checked reader: a short or corrupt message
 * fails cleanly instead of reading past its end. */
#ifndef DNNR_UTIL_BUF_H
#define DNNR_UTIL_BUF_H

#include <stddef.h>
#include <stdint.h>

typedef struct dnnr_buf {
    uint8_t *data;
    size_t len, cap;
    int failed; /* an allocation failed; the content is incomplete */
} dnnr_buf;

void dnnr__buf_free(dnnr_buf *b);
void dnnr__buf_put(dnnr_buf *b, const void *p, size_t n);
void dnnr__buf_u32(dnnr_buf *b, uint32_t v);
void dnnr__buf_u64(dnnr_buf *b, uint64_t v);
void dnnr__buf_f64(dnnr_buf *b, double v);
/** Length-prefixed string (NULL is written as ""). */
void dnnr__buf_str(dnnr_buf *b, const char *s);
void dnnr__buf_printf(dnnr_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

typedef struct dnnr_reader {
    const uint8_t *p;
    size_t left;
    int failed; /* read past the end */
} dnnr_reader;

void dnnr__reader_init(dnnr_reader *r, const void *data, size_t len);
int dnnr__read_bytes(dnnr_reader *r, void *out, size_t n);
uint32_t dnnr__read_u32(dnnr_reader *r);
uint64_t dnnr__read_u64(dnnr_reader *r);
double dnnr__read_f64(dnnr_reader *r);
/** A pointer into the message (not terminated: *len is its length). */
const char *dnnr__read_str(dnnr_reader *r, uint32_t *len);

/** Write one framed message (u32 length + payload), retrying on EINTR. */
int dnnr__msg_send(int fd, const dnnr_buf *b);
/**
 * Read one framed message into b (replacing its content). Returns DNNR_OK,
 * DNNR_EIO on EOF or error; limit bounds the accepted length.
 */
int dnnr__msg_recv(int fd, dnnr_buf *b, size_t limit);

#endif
