#include "data/split.h"

#include <math.h>

#include "data/mt19937.h"
#include "util/alloc.h"

void dnnr__permutation(uint32_t seed, uint64_t n, uint64_t *out)
{
    dnnr_mt19937 mt;
    dnnr__mt19937_seed(&mt, seed);
    for (uint64_t i = 0; i < n; i++)
        out[i] = i;
    /* numpy's legacy shuffle: Fisher-Yates from the last index down. */
    for (uint64_t i = n; i-- > 1;) {
        uint64_t j = dnnr__mt19937_interval(&mt, i);
        uint64_t t = out[i];
        out[i] = out[j];
        out[j] = t;
    }
}

int dnnr__train_test_split(uint64_t n, double test_size, uint32_t seed, dnnr_split *out,
                           dnnr_error *err)
{
    *out = (dnnr_split){0};
    if (!(test_size > 0 && test_size < 1))
        return dnnr__error_set(err, DNNR_EINVAL, "test_size must be in (0, 1), got %g", test_size);
    /* sklearn computes ceil(test_size * n) in double precision. */
    uint64_t n_test = (uint64_t)ceil(test_size * (double)n);
    if (n_test == 0 || n_test >= n)
        return dnnr__error_set(err, DNNR_EINVAL,
                               "splitting %llu rows with test_size %g leaves an empty part",
                               (unsigned long long)n, test_size);
    uint64_t *perm = dnnr__alloc(n, sizeof *perm);
    uint64_t *train = dnnr__alloc(n - n_test, sizeof *train);
    uint64_t *test = dnnr__alloc(n_test, sizeof *test);
    if (!perm || !train || !test) {
        dnnr__free(perm);
        dnnr__free(train);
        dnnr__free(test);
        return dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
    }
    dnnr__permutation(seed, n, perm);
    for (uint64_t i = 0; i < n_test; i++)
        test[i] = perm[i];
    for (uint64_t i = n_test; i < n; i++)
        train[i - n_test] = perm[i];
    dnnr__free(perm);
    *out = (dnnr_split){.train = train, .test = test, .n_train = n - n_test, .n_test = n_test};
    return DNNR_OK;
}

void dnnr__split_free(dnnr_split *s)
{
    dnnr__free(s->train);
    dnnr__free(s->test);
    *s = (dnnr_split){0};
}
