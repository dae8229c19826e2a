/* scikit-learn's train_test_split(test_size, random_state) on row indices:
 * the permutation of numpy's RandomState(seed), test rows first. The study
 * split every test set into a search part and a holdout part this way. */
#ifndef DNNR_DATA_SPLIT_H
#define DNNR_DATA_SPLIT_H

#include <stdint.h>

#include "util/error.h"

/** numpy.random.RandomState(seed).permutation(n) into out[0..n). */
void dnnr__permutation(uint32_t seed, uint64_t n, uint64_t *out);

typedef struct dnnr_split {
    uint64_t *train, *test; /* row indices, in permutation order */
    uint64_t n_train, n_test;
} dnnr_split;

/**
 * n_test = ceil(test_size * n), n_train = n - n_test, test = perm[:n_test],
 * train = perm[n_test:]. test_size must be in (0, 1) and leave both parts
 * non-empty.
 */
int dnnr__train_test_split(uint64_t n, double test_size, uint32_t seed, dnnr_split *out,
                           dnnr_error *err);
void dnnr__split_free(dnnr_split *s);

#endif
