/*
 * D2 (StackOverflow 41600519, DeepFD): a stand-in for the first 10,000
 * rows of the Kaggle Higgs Boson challenge's training.csv, which needs a
 * Kaggle account. With the file, use the csv loader instead (D2.cfg says
 * how). The stand-in keeps what the faulty program sees:
 *   - 31 raw, unscaled numeric columns (30 physics features + Weight) whose
 *     scales differ by orders of magnitude (masses ~100, angles ~1);
 *   - about 70 % of the rows carry the -999.0 missing-value sentinel in the
 *     seven jet columns (as rows with fewer than two jets do);
 *   - labels y = 0 for signal ('s', about 34 %) and 1 for background;
 *   - features shift weakly with the class, and Weight is small for signal
 *     and large for background (as in the challenge, where it nearly
 *     separates the classes).
 * All draws come from numpy's RandomState(42) uniform stream; normal values
 * use Box-Muller on two uniforms (not numpy's gauss: this is a stand-in).
 * train_test_split(test_size=0.3, random_state=42) gives 7,000 train and
 * 3,000 test rows, as the script's split.
 */
#include <math.h>

#include "gen_tables.h"

#include "data/mt19937.h"

#define D2_SIGNAL_SHARE 0.343
#define D2_NO_JETS_SHARE 0.70
#define D2_TEST_SIZE 0.3
#define D2_TWO_PI 6.283185307179586

/* The seven jet columns that hold -999.0 when a row has fewer than two jets. */
static int is_jet_column(uint32_t c)
{
    return c == 4 || c == 5 || c == 6 || c == 12 || c == 26 || c == 27 || c == 28;
}

static double normal(dnnr_mt19937 *mt)
{
    double u1 = dnnr__mt19937_double(mt), u2 = dnnr__mt19937_double(mt);
    return sqrt(-2.0 * log(1.0 - u1)) * cos(D2_TWO_PI * u2);
}

void gen_d2_table(float *x, float *label)
{
    /* Per-column scale and offset: three magnitudes, as in the physics features. */
    static const double scale[3] = {1.0, 10.0, 100.0};
    dnnr_mt19937 mt;
    dnnr__mt19937_seed(&mt, 42);
    for (uint32_t r = 0; r < D2_ROWS; r++) {
        int signal = dnnr__mt19937_double(&mt) < D2_SIGNAL_SHARE;
        int no_jets = dnnr__mt19937_double(&mt) < D2_NO_JETS_SHARE;
        float *row = x + (size_t)r * D2_COLUMNS;
        for (uint32_t c = 0; c + 1 < D2_COLUMNS; c++) {
            double s = scale[c % 3], shift = signal && c % 4 == 0 ? 0.4 : 0.0;
            double v = s * (1.0 + normal(&mt) * 0.8 + shift);
            row[c] = no_jets && is_jet_column(c) ? -999.0f : (float)v;
        }
        double u = dnnr__mt19937_double(&mt);
        row[D2_COLUMNS - 1] = (float)(signal ? 0.001 + 0.017 * u : 0.02 + 5.0 * u * u);
        label[r] = signal ? 0.0f : 1.0f;
    }
}

static int generate_d2(const dnnr_host *host, const void *params, synthetic_data *out)
{
    (void)params;
    float *x = host->alloc(host->ctx, (size_t)D2_ROWS * D2_COLUMNS, sizeof *x);
    float *label = host->alloc(host->ctx, D2_ROWS, sizeof *label);
    int status = DNNR_ENOMEM;
    if (!x || !label)
        host->set_error(host->ctx, "out of memory for D2's table");
    else {
        gen_d2_table(x, label);
        status = gen_table_split(host, "D2's 10,000 rows", D2_TEST_SIZE, x, label, D2_ROWS,
                                 D2_COLUMNS, 1, out);
    }
    host->free(host->ctx, x);
    host->free(host->ctx, label);
    if (status != DNNR_OK)
        return status;
    dnnr_dataset *d = &out->dataset;
    d->rank = 1;
    d->shape[0] = D2_COLUMNS;
    d->target_kind = DNNR_TARGET_CLASS_INDEX;
    d->n_classes = 2;
    d->provenance = "substitute: Higgs-shaped synthetic table (31 raw columns, -999 sentinels, "
                    "34% signal) for Kaggle's training.csv (needs a Kaggle account)";
    return DNNR_OK;
}

const synthetic_generator synthetic_gen_d2 = {
    .name = "d2",
    .summary = "D2 stand-in: Higgs-shaped table, 31 raw columns, binary labels",
    .generate = generate_d2,
};
