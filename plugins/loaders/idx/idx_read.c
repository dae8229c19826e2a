/* Read and check one IDX file; see idx_read.h. */
#include "idx_read.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

/* gzread takes an unsigned count but returns an int: read in chunks that fit. */
#define IDX_READ_CHUNK (1u << 30)

/*
 * Read up to @p want bytes; stops early only at the end of the data.
 * Returns the count read, or -1 on a read or decompression error.
 */
static int64_t read_fully(gzFile file, uint8_t *buf, uint64_t want)
{
    uint64_t got = 0;
    while (got < want) {
        uint64_t left = want - got;
        unsigned chunk = left > IDX_READ_CHUNK ? IDX_READ_CHUNK : (unsigned)left;
        int n = gzread(file, buf + got, chunk);
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        got += (uint64_t)n;
    }
    return (int64_t)got;
}

/* zlib's reason, without the "path: " it puts in front (our messages have it). */
static const char *gz_reason(gzFile file, const char *path)
{
    int code = 0;
    const char *text = gzerror(file, &code);
    if (code == Z_ERRNO)
        return strerror(errno);
    if (!text || !*text)
        return "unknown error";
    size_t len = strlen(path);
    if (strncmp(text, path, len) == 0 && strncmp(text + len, ": ", 2) == 0)
        text += len + 2;
    return text;
}

static void format_dims(const idx_header *h, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (uint32_t d = 0; d < h->n_dims && used < len; d++) {
        int n = snprintf(buf + used, len - used, "%s%" PRIu32, d ? "x" : "", h->dims[d]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

static int read_header(const dnnr_host *host, gzFile file, const char *path, uint32_t expected_dims,
                       idx_header *out)
{
    uint8_t bytes[IDX_MAGIC_BYTES + 4 * IDX_MAX_DIMS];
    char why[200];
    int64_t got = read_fully(file, bytes, IDX_MAGIC_BYTES);
    if (got < 0) {
        host->set_error(host->ctx, "%s: cannot read (corrupt or unreadable): %s", path,
                        gz_reason(file, path));
        return DNNR_EIO;
    }
    if (got < (int64_t)IDX_MAGIC_BYTES) {
        host->set_error(host->ctx,
                        "%s: file is %" PRId64 " bytes long: expected an IDX header "
                        "(magic number 0x%08x)",
                        path, got, (IDX_TYPE_UBYTE << 8) | expected_dims);
        return DNNR_EPARSE;
    }
    if (idx_check_magic(bytes, expected_dims, why, sizeof why)) {
        host->set_error(host->ctx, "%s: %s", path, why);
        return DNNR_EPARSE;
    }
    uint64_t dim_bytes = 4ull * expected_dims;
    got = read_fully(file, bytes + IDX_MAGIC_BYTES, dim_bytes);
    if (got < 0) {
        host->set_error(host->ctx, "%s: cannot read (corrupt or unreadable): %s", path,
                        gz_reason(file, path));
        return DNNR_EIO;
    }
    if ((uint64_t)got < dim_bytes) {
        host->set_error(host->ctx,
                        "%s: header cut short after %" PRId64 " of %" PRIu64
                        " dimension bytes: expected %" PRIu32 " big-endian 32-bit size%s",
                        path, got, dim_bytes, expected_dims, expected_dims == 1 ? "" : "s");
        return DNNR_EPARSE;
    }
    if (idx_parse_dims(bytes + IDX_MAGIC_BYTES, expected_dims, IDX_MAX_PAYLOAD, out, why,
                       sizeof why)) {
        host->set_error(host->ctx, "%s: %s", path, why);
        return DNNR_EPARSE;
    }
    return DNNR_OK;
}

static int read_payload(const dnnr_host *host, gzFile file, const char *path, idx_array *out)
{
    const idx_header *h = &out->header;
    char dims[80];
    format_dims(h, dims, sizeof dims);
    out->data = host->alloc(host->ctx, h->payload_bytes, 1);
    if (!out->data) {
        host->set_error(host->ctx, "%s: out of memory for %" PRIu64 " bytes of data", path,
                        h->payload_bytes);
        return DNNR_ENOMEM;
    }
    int64_t got = read_fully(file, out->data, h->payload_bytes);
    if (got < 0) {
        host->set_error(host->ctx, "%s: cannot read (corrupt or unreadable): %s", path,
                        gz_reason(file, path));
        return DNNR_EIO;
    }
    if ((uint64_t)got < h->payload_bytes) {
        int code = Z_OK;
        gzerror(file, &code);
        /* a gzip stream cut short says so; a plain short file does not */
        host->set_error(host->ctx,
                        "%s: truncated: the header says %s = %" PRIu64
                        " bytes of data, but only %" PRId64 " follow%s",
                        path, dims, h->payload_bytes, got,
                        code == Z_BUF_ERROR ? " (the compressed stream ends early)" : "");
        return DNNR_EPARSE;
    }
    uint8_t extra;
    got = read_fully(file, &extra, 1);
    if (got < 0) {
        host->set_error(host->ctx, "%s: cannot read (corrupt or unreadable): %s", path,
                        gz_reason(file, path));
        return DNNR_EIO;
    }
    if (got > 0) {
        host->set_error(host->ctx,
                        "%s: unexpected bytes after the data: the header says %s = %" PRIu64
                        " bytes of data, and the file is longer",
                        path, dims, h->payload_bytes);
        return DNNR_EPARSE;
    }
    return DNNR_OK;
}

int idx_read_file(const dnnr_host *host, const char *path, uint32_t expected_dims, idx_array *out)
{
    memset(out, 0, sizeof *out);
    errno = 0;
    gzFile file = gzopen(path, "rb");
    if (!file) {
        host->set_error(host->ctx, "%s: cannot open: %s", path,
                        errno ? strerror(errno) : "out of memory");
        return errno == ENOENT ? DNNR_ENOTFOUND : DNNR_EIO;
    }
    int status = read_header(host, file, path, expected_dims, &out->header);
    if (status == DNNR_OK)
        status = read_payload(host, file, path, out);
    gzclose(file);
    if (status != DNNR_OK)
        idx_array_release(host, out);
    return status;
}

void idx_array_release(const dnnr_host *host, idx_array *array)
{
    host->free(host->ctx, array->data);
    memset(array, 0, sizeof *array);
}
