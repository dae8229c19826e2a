/*
 * D7 (StackOverflow 51181393, DeepFD): the line y = 5x.
 *
 * x = numpy.linspace(1, 2, 100) as a (100, 1) column, y = 5x; no
 * preprocessing; train_test_split(0.2, 42) gives 80 train and 20 test rows.
 * Nothing is random, so the data are the original.
 */
#include "gen_tables.h"

void gen_d7_table(float *x, float *y)
{
    /* numpy's linspace: start + i * step with step = (stop - start) / (num - 1),
     * and the last value set to stop exactly. */
    const double step = (2.0 - 1.0) / (double)(D7_ROWS - 1);
    for (uint32_t i = 0; i < D7_ROWS; i++) {
        double v = i + 1 == D7_ROWS ? 2.0 : 1.0 + (double)i * step;
        x[i] = (float)v;
        y[i] = (float)(5.0 * v);
    }
}

static int generate_d7(const dnnr_host *host, const void *params, synthetic_data *out)
{
    (void)params;
    float x[D7_ROWS], y[D7_ROWS];
    gen_d7_table(x, y);
    int status = gen_table_split(host, "D7's 100 rows", GEN_TABLE_TEST_SIZE, x, y, D7_ROWS, 1,
                                 1, out);
    if (status != DNNR_OK)
        return status;
    dnnr_dataset *d = &out->dataset;
    d->rank = 1;
    d->shape[0] = 1;
    d->target_kind = DNNR_TARGET_REAL;
    d->n_classes = 0;
    d->provenance = "original";
    return DNNR_OK;
}

const synthetic_generator synthetic_gen_d7 = {
    .name = "d7",
    .summary = "D7: x = linspace(1, 2, 100), y = 5x (regression)",
    .generate = generate_d7,
};
