/* Parse the IDX header from bytes; see idx_format.h. */
#include "idx_format.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static uint32_t read_be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

int idx_check_magic(const uint8_t magic[IDX_MAGIC_BYTES], uint32_t expected_dims, char *why,
                    size_t why_len)
{
    uint32_t found = read_be32(magic);
    uint32_t expected = (IDX_TYPE_UBYTE << 8) | expected_dims;
    if (found == expected)
        return 0;
    const char *what = "";
    if (magic[0] != 0 || magic[1] != 0)
        what = "not an IDX file";
    else if (magic[2] != IDX_TYPE_UBYTE)
        what = "element type is not unsigned byte";
    else
        what = "wrong number of dimensions";
    snprintf(why, why_len,
             "bad magic number 0x%08" PRIx32 " (%s): expected 0x%08" PRIx32
             " (unsigned bytes, %" PRIu32 " dimension%s)",
             found, what, expected, expected_dims, expected_dims == 1 ? "" : "s");
    return 1;
}

int idx_parse_dims(const uint8_t *dim_bytes, uint32_t n_dims, uint64_t max_payload, idx_header *out,
                   char *why, size_t why_len)
{
    if (n_dims == 0 || n_dims > IDX_MAX_DIMS) {
        snprintf(why, why_len, "%" PRIu32 " dimensions: expected 1 to %u", n_dims, IDX_MAX_DIMS);
        return 1;
    }
    memset(out, 0, sizeof *out);
    out->n_dims = n_dims;
    out->header_bytes = IDX_MAGIC_BYTES + 4ull * n_dims;
    uint64_t payload = 1;
    for (uint32_t d = 0; d < n_dims; d++) {
        uint32_t size = read_be32(dim_bytes + 4u * d);
        if (size == 0) {
            snprintf(why, why_len, "dimension %" PRIu32 " is 0: expected a positive size", d);
            return 1;
        }
        /* Check against the limit before multiplying so the product never
         * overflows: every factor is at least 1. */
        if (payload > max_payload / size) {
            snprintf(why, why_len,
                     "dimension sizes multiply to more than %" PRIu64
                     " bytes: expected a smaller data set",
                     max_payload);
            return 1;
        }
        payload *= size;
        out->dims[d] = size;
    }
    out->payload_bytes = payload;
    return 0;
}

int idx_parse_header(const uint8_t *bytes, size_t len, uint32_t expected_dims, uint64_t max_payload,
                     idx_header *out, char *why, size_t why_len)
{
    if (len < IDX_MAGIC_BYTES) {
        snprintf(why, why_len, "%zu bytes: expected at least the %u-byte magic number", len,
                 IDX_MAGIC_BYTES);
        return 1;
    }
    if (idx_check_magic(bytes, expected_dims, why, why_len))
        return 1;
    if (len < IDX_MAGIC_BYTES + 4ull * expected_dims) {
        snprintf(why, why_len, "header cut short: expected %u bytes of dimensions",
                 4u * expected_dims);
        return 1;
    }
    return idx_parse_dims(bytes + IDX_MAGIC_BYTES, expected_dims, max_payload, out, why, why_len);
}
