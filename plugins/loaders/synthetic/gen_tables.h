/**
 * @file gen_tables.h
 * @brief The whole-table generators (D3, D6, D7, D8) and the split they share.
 *
 * These StackOverflow scripts draw one table and then call scikit-learn's
 * train_test_split(test_size=0.2, random_state=42) to get train and test
 * parts; the subject's own `split` later cuts the test part into search and
 * holdout rows. The raw tables are exposed so tests can check SUBJECTS.md's
 * values before the split reorders the rows.
 */
#ifndef DNNR_SYNTHETIC_GEN_TABLES_H
#define DNNR_SYNTHETIC_GEN_TABLES_H

#include <stdint.h>

#include "synthetic.h"

/** The scripts' first split: train_test_split(test_size=0.2, random_state=42)
 * (D2's uses test_size 0.3). */
#define GEN_TABLE_TEST_SIZE 0.2
#define GEN_TABLE_SEED 42u

/**
 * Split the @p n rows of @p x (@p features floats a row) and @p y (@p y_dim
 * floats a row) by train_test_split(test_size, random_state=42) into
 * @p out's train and test arrays (synthetic_data_alloc), rows in
 * permutation order as scikit-learn returns them.
 */
int gen_table_split(const dnnr_host *host, const char *what, double test_size, const float *x,
                    const float *y, uint64_t n, uint64_t features, uint32_t y_dim,
                    synthetic_data *out);

/* D6: 200 rows of 2 features; labels 0/1 after LabelEncoder (x: 400, label: 200). */
#define D6_ROWS 200u
void gen_d6_table(float *x, float *label);

/* D7: x = linspace(1, 2, 100), y = 5x (x: 100, y: 100). */
#define D7_ROWS 100u
void gen_d7_table(float *x, float *y);

/* D8: 10,000 rows of 20 bits; targets = bits of (value mod 7) (x, y: 200,000 each). */
#define D8_ROWS 10000u
#define D8_BITS 20u
void gen_d8_table(float *x, float *y);

/* D2 stand-in: 10,000 Higgs-shaped rows of 31 columns; labels 0/1 (x: 310,000, label: 10,000). */
#define D2_ROWS 10000u
#define D2_COLUMNS 31u
void gen_d2_table(float *x, float *label);

/* D3 stand-in: D3_ROWS rows of 1 standardised feature; labels 0/1 (x, label: D3_ROWS). */
#define D3_ROWS 1000u
void gen_d3_table(float *x, float *label);

#endif
