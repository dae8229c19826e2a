/**
 * @file idx_format.h
 * @brief The IDX header (MNIST's file format), parsed from bytes.
 *
 * An IDX file is: two zero bytes, a type byte, a dimension-count byte, then
 * one big-endian uint32 per dimension, then the payload in row-major order.
 * MNIST and Fashion-MNIST use type 0x08 (unsigned byte): images have three
 * dimensions (count, rows, columns), labels one (count).
 *
 * This part knows nothing about files or the plugin host, so it can be fed
 * raw bytes by tests and fuzzers.
 */
#ifndef DNNR_IDX_FORMAT_H
#define DNNR_IDX_FORMAT_H

#include <stddef.h>
#include <stdint.h>

/** The only element type the loader accepts (unsigned byte). */
#define IDX_TYPE_UBYTE 0x08u
/** The largest dimension count the loader accepts. */
#define IDX_MAX_DIMS 4u
/** Header bytes before the dimensions. */
#define IDX_MAGIC_BYTES 4u

/** A parsed header. */
typedef struct idx_header {
    uint32_t n_dims;
    uint32_t dims[IDX_MAX_DIMS];
    uint64_t header_bytes;  /**< magic plus dimensions */
    uint64_t payload_bytes; /**< product of the dimensions (one byte each) */
} idx_header;

/**
 * Check the 4 magic bytes: element type unsigned byte and exactly
 * @p expected_dims dimensions. On failure writes the reason into @p why
 * (e.g. "bad magic 0x00000903: expected 0x00000803 (unsigned bytes, 3
 * dimensions)") and returns nonzero.
 */
int idx_check_magic(const uint8_t magic[IDX_MAGIC_BYTES], uint32_t expected_dims, char *why,
                    size_t why_len);

/**
 * Read the dimensions that follow a checked magic. @p dim_bytes holds
 * 4 * n_dims bytes. Fails (reason in @p why) on a zero dimension, or when
 * the payload size overflows or exceeds @p max_payload.
 */
int idx_parse_dims(const uint8_t *dim_bytes, uint32_t n_dims, uint64_t max_payload, idx_header *out,
                   char *why, size_t why_len);

/**
 * Parse a whole header from memory: magic plus dimensions.
 * Returns nonzero (reason in @p why) on any problem, including @p len too
 * short to hold the header.
 */
int idx_parse_header(const uint8_t *bytes, size_t len, uint32_t expected_dims, uint64_t max_payload,
                     idx_header *out, char *why, size_t why_len);

#endif
