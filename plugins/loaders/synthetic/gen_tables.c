/* The split shared by the whole-table generators; see gen_tables.h. */
#include <string.h>

#include "gen_tables.h"
#include "row_split.h"

static void copy_rows(float *dst, const float *src, uint64_t width, const uint64_t *rows,
                      uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
        memcpy(dst + i * width, src + rows[i] * width, (size_t)width * sizeof *dst);
}

int gen_table_split(const dnnr_host *host, const char *what, double test_size, const float *x,
                    const float *y, uint64_t n, uint64_t features, uint32_t y_dim,
                    synthetic_data *out)
{
    row_split parts;
    int status = row_split_make(host, what, n, test_size, GEN_TABLE_SEED, &parts);
    if (status != DNNR_OK)
        return status;
    status = synthetic_data_alloc(host, out, parts.n_train, parts.n_test, features, y_dim);
    if (status == DNNR_OK) {
        copy_rows(out->x_train, x, features, parts.train, parts.n_train);
        copy_rows(out->y_train, y, y_dim, parts.train, parts.n_train);
        copy_rows(out->x_test, x, features, parts.test, parts.n_test);
        copy_rows(out->y_test, y, y_dim, parts.test, parts.n_test);
    }
    row_split_release(host, &parts);
    return status;
}
