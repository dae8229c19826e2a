/**
 * @file row_limit.h
 * @brief The `rows` option of the file loaders (idx, cifar, textcat): only
 * the first N training and N test samples, 0 = all, so a copy of a subject
 * file trains in seconds (quick trainings, tests).
 */
#ifndef DNNR_LOADERS_ROW_LIMIT_H
#define DNNR_LOADERS_ROW_LIMIT_H

#include <inttypes.h>
#include <stdint.h>

#include <dnnrepair/dnnrepair.h>

/** Read and check `rows` (default 0); errors go through host->set_error. */
static inline int row_limit_option(const dnnr_host *host, int64_t *rows)
{
    int s = host->option_int(host->ctx, "rows", 0, rows);
    if (s == DNNR_OK && *rows < 0) {
        host->set_error(host->ctx, "rows = %" PRId64 ": expected 0 (all) or a positive count",
                        *rows);
        return DNNR_EINVAL;
    }
    return s;
}

/** @p n samples under the limit @p rows (0 = no limit). */
static inline uint64_t row_limit(int64_t rows, uint64_t n)
{
    return rows > 0 && (uint64_t)rows < n ? (uint64_t)rows : n;
}

#endif
