/*
 * D6 (StackOverflow 50306988, DeepFD): two uniform clusters in the plane.
 *
 * The script (numpy.random.seed(42) at import, dataset_size = 200):
 *   class_1 = uniform(low=0.2, high=0.4, size=200)
 *   class_2 = uniform(low=0.7, high=0.5, size=200)   low > high: 0.7 - 0.2u
 *   for i in 0, 2, ..., 198: row [class_1[i], class_1[i+1]] label 1,
 *                            row [class_2[i], class_2[i+1]] label 2
 * numpy's uniform(low, high) is low + (high - low) * random_sample(), drawn
 * from the legacy MT19937 (core/data/mt19937). Labels {1, 2} -> LabelEncoder
 * {0, 1} -> one-hot (2 columns); train_test_split(0.2, 42) gives 160 train
 * and 40 test rows.
 *
 * The original ran the generator inside a Ray worker, so its realised data
 * were probably not these (SUBJECTS.md, D6 and section 6); RandomState(42)
 * is the deterministic reading, hence the provenance note.
 */
#include "gen_tables.h"

#include "data/mt19937.h"

void gen_d6_table(float *x, float *label)
{
    double class_1[D6_ROWS], class_2[D6_ROWS];
    dnnr_mt19937 mt;
    dnnr__mt19937_seed(&mt, 42);
    for (uint32_t i = 0; i < D6_ROWS; i++)
        class_1[i] = 0.2 + (0.4 - 0.2) * dnnr__mt19937_double(&mt);
    for (uint32_t i = 0; i < D6_ROWS; i++)
        class_2[i] = 0.7 + (0.5 - 0.7) * dnnr__mt19937_double(&mt);
    for (uint32_t i = 0; i < D6_ROWS; i += 2) {
        float *a = x + 2 * i, *b = x + 2 * (i + 1);
        a[0] = (float)class_1[i];
        a[1] = (float)class_1[i + 1];
        label[i] = 0.0f; /* label 1 -> LabelEncoder 0 */
        b[0] = (float)class_2[i];
        b[1] = (float)class_2[i + 1];
        label[i + 1] = 1.0f; /* label 2 -> 1 */
    }
}

static int generate_d6(const dnnr_host *host, const void *params, synthetic_data *out)
{
    (void)params;
    float x[2 * D6_ROWS], label[D6_ROWS], y[2 * D6_ROWS];
    gen_d6_table(x, label);
    for (uint32_t i = 0; i < D6_ROWS; i++) {
        y[2 * i] = label[i] == 0.0f ? 1.0f : 0.0f;
        y[2 * i + 1] = label[i] == 0.0f ? 0.0f : 1.0f;
    }
    int status = gen_table_split(host, "D6's 200 rows", GEN_TABLE_TEST_SIZE, x, y, D6_ROWS, 2,
                                 2, out);
    if (status != DNNR_OK)
        return status;
    dnnr_dataset *d = &out->dataset;
    d->rank = 1;
    d->shape[0] = 2;
    d->target_kind = DNNR_TARGET_ONE_HOT;
    d->n_classes = 2;
    d->provenance = "original formula, numpy RandomState(42) draws (the paper's Ray workers "
                    "probably drew other values)";
    return DNNR_OK;
}

const synthetic_generator synthetic_gen_d6 = {
    .name = "d6",
    .summary = "D6: two uniform clusters, 200 points, one-hot labels",
    .generate = generate_d6,
};
