/*
 * D1 (StackOverflow 31880720, DeepFD): constant vectors.
 *
 * Train: 10,000 rows of 128 ones (label 1) then 10,000 rows of 128 zeros
 * (label 0). Test: 100 rows of ones (1) then 100 rows of zeros (0). Nothing
 * is random, so the data set is the original, not a substitute.
 *
 * Targets: the Keras model has one sigmoid/softmax output unit trained on
 * boolean labels, so each row holds one value, 1 or 0:
 * DNNR_TARGET_CLASS_INDEX with y_dim = 1 and n_classes = 2. With one output
 * unit, Keras's 'accuracy' is binary_accuracy (output > 0.5 against the 0/1
 * target); the engine must pick it from the shapes (SUBJECTS.md 3.7).
 */
#include "synthetic.h"

#define D1_FEATURES 128u
#define D1_TRAIN_PER_CLASS 10000u
#define D1_TEST_PER_CLASS 100u

/* The first @p per_class rows become ones with label 1; the rest stay zero. */
static void fill_ones_then_zeros(float *x, float *y, uint64_t per_class)
{
    for (uint64_t row = 0; row < per_class; row++) {
        for (uint32_t f = 0; f < D1_FEATURES; f++)
            x[row * D1_FEATURES + f] = 1.0f;
        y[row] = 1.0f;
    }
}

static int generate_d1(const dnnr_host *host, const void *params, synthetic_data *out)
{
    int status = synthetic_data_alloc(host, out, 2 * D1_TRAIN_PER_CLASS, 2 * D1_TEST_PER_CLASS,
                                      D1_FEATURES, 1);
    if (status != DNNR_OK)
        return status;
    fill_ones_then_zeros(out->x_train, out->y_train, D1_TRAIN_PER_CLASS);
    fill_ones_then_zeros(out->x_test, out->y_test, D1_TEST_PER_CLASS);
    dnnr_dataset *d = &out->dataset;
    d->rank = 1;
    d->shape[0] = D1_FEATURES;
    d->target_kind = DNNR_TARGET_CLASS_INDEX;
    d->n_classes = 2;
    d->provenance = "original";
    return DNNR_OK;
}

const synthetic_generator synthetic_gen_d1 = {
    .name = "d1",
    .summary = "D1: 128-d constant vectors, ones -> 1, zeros -> 0",
    .generate = generate_d1,
};
