/**
 * @file row_split.h
 * @brief The study's row split and row gathering, on host memory (shared by
 * the loaders that split one table into train and test parts).
 *
 * row_split_make() is scikit-learn's train_test_split(test_size,
 * random_state=seed) on row indices: n_test = ceil(test_size * n),
 * perm = numpy.random.RandomState(seed).permutation(n) (core/data/mt19937),
 * test = perm[:n_test], train = perm[n_test:], both in permutation order.
 * SUBJECTS.md §3.8 gives the test vectors.
 */
#ifndef DNNR_LOADERS_ROW_SPLIT_H
#define DNNR_LOADERS_ROW_SPLIT_H

#include <stdint.h>

#include <dnnrepair/dnnrepair.h>

typedef struct row_split {
    uint64_t *train, *test; /* row indices, host memory */
    uint64_t n_train, n_test;
} row_split;

/**
 * Split rows 0..n-1. @p test_size must be in (0, 1) and leave both parts
 * non-empty; errors go through host->set_error naming @p what (e.g.
 * "data.csv: 7 rows").
 */
int row_split_make(const dnnr_host *host, const char *what, uint64_t n, double test_size,
                   uint32_t seed, row_split *out);
void row_split_release(const dnnr_host *host, row_split *s);

/**
 * Rows @p rows[0..n) of @p src (rows of @p row_len floats) in a new host
 * array, or NULL when out of memory (error recorded). n == 0 gives a
 * one-element array, so an empty part still has a non-NULL pointer.
 */
float *row_gather(const dnnr_host *host, const float *src, uint64_t row_len, const uint64_t *rows,
                  uint64_t n);

/**
 * Keep only the train part of train_test_split(test_size, seed) of the
 * @p *n rows of @p *x (x_len floats a row) and @p *y (y_len floats a row),
 * in permutation order; the arrays are replaced. This is how the study
 * trained CIFAR (C1-C3) on 40,000 of 50,000 images and Reuters on 7,185 of
 * 8,982 documents: the 'validation' part was never used.
 */
int row_split_keep_train(const dnnr_host *host, const char *what, float **x, uint64_t x_len,
                         float **y, uint64_t y_len, uint64_t *n, double test_size, uint32_t seed);

#endif
