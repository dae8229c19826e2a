/*
 * D8 (StackOverflow 56380303, DeepFD): binary numbers modulo 7.
 *
 * X = numpy.random.randint(2, size=(10000, 20)) after numpy.random.seed(42);
 * for each row v, n = sum_i v[i] 2^i (column i is bit i), r = n mod 7, and
 * the target is the 20-d 0/1 vector whose position k is (r >> k) & 1. The
 * model trains it with softmax + categorical cross-entropy, and categorical
 * accuracy compares argmax(y_true) (the lowest set bit; 0 when r = 0) with
 * argmax(y_pred): the target kind is "one-hot" with 20 columns although the
 * rows are multi-hot or all zero, exactly as Keras sees them.
 *
 * numpy's legacy randint(2) draws each value as one 32-bit MT19937 output
 * masked to its lowest bit (masked rejection with mask 1 never rejects).
 * train_test_split(0.2, 42) gives 8,000 train and 2,000 test rows. The
 * original drew inside a Ray worker (SUBJECTS.md, D8), hence the note.
 */
#include "gen_tables.h"

#include "data/mt19937.h"

void gen_d8_table(float *x, float *y)
{
    dnnr_mt19937 mt;
    dnnr__mt19937_seed(&mt, 42);
    for (uint32_t row = 0; row < D8_ROWS; row++) {
        uint32_t n = 0;
        for (uint32_t bit = 0; bit < D8_BITS; bit++) {
            uint32_t v = dnnr__mt19937_next(&mt) & 1u;
            x[row * D8_BITS + bit] = (float)v;
            n |= v << bit;
        }
        uint32_t r = n % 7u;
        for (uint32_t k = 0; k < D8_BITS; k++)
            y[row * D8_BITS + k] = (float)((r >> k) & 1u);
    }
}

static int generate_d8(const dnnr_host *host, const void *params, synthetic_data *out)
{
    (void)params;
    size_t cells = (size_t)D8_ROWS * D8_BITS;
    float *x = host->alloc(host->ctx, cells, sizeof *x);
    float *y = host->alloc(host->ctx, cells, sizeof *y);
    int status = DNNR_ENOMEM;
    if (!x || !y)
        host->set_error(host->ctx, "out of memory for D8's table");
    else {
        gen_d8_table(x, y);
        status = gen_table_split(host, "D8's 10,000 rows", GEN_TABLE_TEST_SIZE, x, y,
                                 D8_ROWS, D8_BITS, D8_BITS, out);
    }
    host->free(host->ctx, x);
    host->free(host->ctx, y);
    if (status != DNNR_OK)
        return status;
    dnnr_dataset *d = &out->dataset;
    d->rank = 1;
    d->shape[0] = D8_BITS;
    d->target_kind = DNNR_TARGET_ONE_HOT;
    d->n_classes = D8_BITS;
    d->provenance = "original formula, numpy RandomState(42) draws (the paper's Ray workers "
                    "probably drew other values)";
    return DNNR_OK;
}

const synthetic_generator synthetic_gen_d8 = {
    .name = "d8",
    .summary = "D8: 20-bit numbers, target = bits of (value mod 7)",
    .generate = generate_d8,
};
