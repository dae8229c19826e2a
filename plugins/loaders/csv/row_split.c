/* train_test_split on rows with host memory; see row_split.h. */
#include "row_split.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "data/mt19937.h"

int row_split_make(const dnnr_host *host, const char *what, uint64_t n, double test_size,
                   uint32_t seed, row_split *out)
{
    memset(out, 0, sizeof *out);
    if (!(test_size > 0 && test_size < 1)) {
        host->set_error(host->ctx, "test_size = %g: expected a fraction in (0, 1)", test_size);
        return DNNR_EINVAL;
    }
    /* scikit-learn computes ceil(test_size * n) in double precision. */
    uint64_t n_test = (uint64_t)ceil(test_size * (double)n);
    if (n_test == 0 || n_test >= n) {
        host->set_error(host->ctx,
                        "%s: splitting %" PRIu64 " rows with test_size %g leaves an empty part: "
                        "expected more rows",
                        what, n, test_size);
        return DNNR_EINVAL;
    }
    uint64_t *perm = host->alloc(host->ctx, n, sizeof *perm);
    uint64_t *train = host->alloc(host->ctx, n - n_test, sizeof *train);
    if (!perm || !train) {
        host->free(host->ctx, perm);
        host->free(host->ctx, train);
        host->set_error(host->ctx, "%s: out of memory for a split of %" PRIu64 " rows", what, n);
        return DNNR_ENOMEM;
    }
    dnnr_mt19937 mt;
    dnnr__mt19937_seed(&mt, seed);
    for (uint64_t i = 0; i < n; i++)
        perm[i] = i;
    /* numpy's legacy shuffle: Fisher-Yates from the last index down. */
    for (uint64_t i = n; i-- > 1;) {
        uint64_t j = dnnr__mt19937_interval(&mt, i);
        uint64_t t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
    memcpy(train, perm + n_test, (size_t)(n - n_test) * sizeof *train);
    /* the test part is the front of perm: keep perm itself for it */
    out->test = perm;
    out->train = train;
    out->n_test = n_test;
    out->n_train = n - n_test;
    return DNNR_OK;
}

void row_split_release(const dnnr_host *host, row_split *s)
{
    host->free(host->ctx, s->train);
    host->free(host->ctx, s->test);
    memset(s, 0, sizeof *s);
}

float *row_gather(const dnnr_host *host, const float *src, uint64_t row_len, const uint64_t *rows,
                  uint64_t n)
{
    uint64_t count = n * row_len;
    float *out = host->alloc(host->ctx, count ? (size_t)count : 1, sizeof *out);
    if (!out) {
        host->set_error(host->ctx, "out of memory for %" PRIu64 " rows of %" PRIu64 " values", n,
                        row_len);
        return NULL;
    }
    for (uint64_t i = 0; i < n; i++)
        memcpy(out + i * row_len, src + rows[i] * row_len, (size_t)row_len * sizeof *out);
    return out;
}

int row_split_keep_train(const dnnr_host *host, const char *what, float **x, uint64_t x_len,
                         float **y, uint64_t y_len, uint64_t *n, double test_size, uint32_t seed)
{
    row_split s;
    int status = row_split_make(host, what, *n, test_size, seed, &s);
    if (status != DNNR_OK)
        return status;
    float *kept_x = row_gather(host, *x, x_len, s.train, s.n_train);
    float *kept_y = kept_x ? row_gather(host, *y, y_len, s.train, s.n_train) : NULL;
    if (!kept_y) {
        host->free(host->ctx, kept_x);
        row_split_release(host, &s);
        return DNNR_ENOMEM;
    }
    host->free(host->ctx, *x);
    host->free(host->ctx, *y);
    *x = kept_x;
    *y = kept_y;
    *n = s.n_train;
    row_split_release(host, &s);
    return DNNR_OK;
}
