/* Array helpers shared by the generators; see synthetic.h. */
#include <inttypes.h>
#include <string.h>

#include "synthetic.h"

static float *alloc_rows(const dnnr_host *host, uint64_t rows, uint64_t width)
{
    if (width != 0 && rows > SIZE_MAX / width)
        return NULL;
    return host->alloc(host->ctx, (size_t)(rows * width), sizeof(float));
}

int synthetic_data_alloc(const dnnr_host *host, synthetic_data *out, uint64_t n_train,
                         uint64_t n_test, uint64_t features, uint32_t y_dim)
{
    out->x_train = alloc_rows(host, n_train, features);
    out->y_train = alloc_rows(host, n_train, y_dim);
    out->x_test = alloc_rows(host, n_test, features);
    out->y_test = alloc_rows(host, n_test, y_dim);
    if (!out->x_train || !out->y_train || !out->x_test || !out->y_test) {
        synthetic_data_release(host, out);
        host->set_error(host->ctx,
                        "out of memory for %" PRIu64 " + %" PRIu64 " rows of %" PRIu64 " features",
                        n_train, n_test, features);
        return DNNR_ENOMEM;
    }
    dnnr_dataset *d = &out->dataset;
    d->struct_size = sizeof *d;
    d->n_train = n_train;
    d->n_test = n_test;
    d->x_train = out->x_train;
    d->y_train = out->y_train;
    d->x_test = out->x_test;
    d->y_test = out->y_test;
    d->y_dim = y_dim;
    return DNNR_OK;
}

void synthetic_data_release(const dnnr_host *host, synthetic_data *data)
{
    host->free(host->ctx, data->x_train);
    host->free(host->ctx, data->y_train);
    host->free(host->ctx, data->x_test);
    host->free(host->ctx, data->y_test);
    memset(data, 0, sizeof *data);
}
