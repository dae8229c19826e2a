/**
 * @file idx_read.h
 * @brief Read one IDX file, plain or gzip-compressed, into memory.
 */
#ifndef DNNR_IDX_READ_H
#define DNNR_IDX_READ_H

#include <dnnrepair/dnnrepair.h>

#include "idx_format.h"

/** The payload cap: MNIST's train images are 47 MB, so 1 GiB is ample. */
#define IDX_MAX_PAYLOAD (1ull << 30)

/** A file's header and its payload bytes (host->alloc). */
typedef struct idx_array {
    idx_header header;
    uint8_t *data;
} idx_array;

/**
 * Read @p path (gzip is detected from the content, so either form works
 * under any name) and check it strictly: magic number, @p expected_dims
 * dimensions, and exactly as many payload bytes as the dimensions say.
 * On failure calls host->set_error with the path and what was expected and
 * returns a negative dnnr_status; @p out is then empty.
 */
int idx_read_file(const dnnr_host *host, const char *path, uint32_t expected_dims, idx_array *out);

/** Release what idx_read_file allocated; an empty array is a no-op. */
void idx_array_release(const dnnr_host *host, idx_array *array);

#endif
