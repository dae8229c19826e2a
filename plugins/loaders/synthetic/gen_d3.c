/*
 * D3 (StackOverflow 45442843, DeepFD): a stand-in for the unpublished
 * data.csv (1 numeric feature, 2 classes; SUBJECTS.md D3 and section 2).
 *
 * What is known of the original: one feature, standardised with a
 * StandardScaler fitted on the whole table before splitting, a class label
 * LabelEncoded and one-hot encoded (2 columns), and the developer's fix
 * reaches holdout accuracy 1.00, so the classes are separable by the
 * feature; the faulty model scores 0.61. The stand-in keeps all of that:
 *   u = RandomState(42).random_sample(1000); label = 1 if u >= 0.4 else 0
 *   (about 60 % ones, a single threshold separates the classes);
 *   x = (u - mean(u)) / std(u) (population std, as StandardScaler).
 * train_test_split(0.2, 42) gives 800 train and 200 test rows. The size
 * (1000) is a guess: the original's is unknown.
 */
#include <math.h>

#include "gen_tables.h"

#include "data/mt19937.h"

#define D3_THRESHOLD 0.4

void gen_d3_table(float *x, float *label)
{
    double u[D3_ROWS], mean = 0.0, var = 0.0;
    dnnr_mt19937 mt;
    dnnr__mt19937_seed(&mt, 42);
    for (uint32_t i = 0; i < D3_ROWS; i++) {
        u[i] = dnnr__mt19937_double(&mt);
        mean += u[i];
    }
    mean /= D3_ROWS;
    for (uint32_t i = 0; i < D3_ROWS; i++)
        var += (u[i] - mean) * (u[i] - mean);
    double sd = sqrt(var / D3_ROWS);
    for (uint32_t i = 0; i < D3_ROWS; i++) {
        x[i] = (float)((u[i] - mean) / sd);
        label[i] = u[i] >= D3_THRESHOLD ? 1.0f : 0.0f;
    }
}

static int generate_d3(const dnnr_host *host, const void *params, synthetic_data *out)
{
    (void)params;
    float x[D3_ROWS], label[D3_ROWS], y[2 * D3_ROWS];
    gen_d3_table(x, label);
    for (uint32_t i = 0; i < D3_ROWS; i++) {
        y[2 * i] = 1.0f - label[i];
        y[2 * i + 1] = label[i];
    }
    int status = gen_table_split(host, "D3's stand-in rows", GEN_TABLE_TEST_SIZE, x, y,
                                 D3_ROWS, 1, 2, out);
    if (status != DNNR_OK)
        return status;
    dnnr_dataset *d = &out->dataset;
    d->rank = 1;
    d->shape[0] = 1;
    d->target_kind = DNNR_TARGET_ONE_HOT;
    d->n_classes = 2;
    d->provenance = "substitute: 1000 uniform draws of RandomState(42), class = draw >= 0.4, "
                    "standardised (DeepFD's data.csv for post 45442843 is not published)";
    return DNNR_OK;
}

const synthetic_generator synthetic_gen_d3 = {
    .name = "d3",
    .summary = "D3 stand-in: 1 standardised feature, 2 threshold-separated classes",
    .generate = generate_d3,
};
