/* The synthetic loader's D6, D7 and D8 generators (and the D2, D3 stand-ins)
 * against SUBJECTS.md: numpy RandomState(42) draws (its check values),
 * the formulas, and train_test_split(0.2, 42) sizes and row order. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <dnnrepair/dnnrepair.h>

#include "gen_tables.h"
#include "host/host.h"
#include "synthetic.h"

const dnnr_plugin_desc *dnnr_plugin_synthetic_entry(void);

typedef struct run {
    dnnr_host *host;
    const dnnr_loader_iface *iface;
    dnnr_loader *loader;
    dnnr_dataset d;
} run;

static void load(run *r, const char *generator)
{
    memset(r, 0, sizeof *r);
    char options[64];
    snprintf(options, sizeof options, "generator = \"%s\";", generator);
    dnnr_error err;
    r->host = dnnr__host_create_simple("synthetic", 3, options, &err);
    ck_assert_msg(r->host != NULL, "host: %s", err.msg);
    r->iface = dnnr_plugin_synthetic_entry()->iface;
    dnnr_loader_init init = {sizeof init, r->host, NULL, NULL};
    ck_assert_int_eq(r->iface->create(&init, &r->loader), DNNR_OK);
    ck_assert_int_eq(dnnr__host_check_options(r->host, &err), DNNR_OK);
    ck_assert_int_eq(r->iface->load(r->loader, &r->d), DNNR_OK);
    ck_assert_uint_eq(r->d.struct_size, sizeof r->d);
}

static void finish(run *r)
{
    r->iface->destroy(r->loader);
    dnnr__host_destroy(r->host);
}

/* Row @p i of the split table equals row @p src of the raw table. */
static int same_row(const float *a, uint64_t i, const float *b, uint64_t src, uint64_t width)
{
    return memcmp(a + i * width, b + src * width, width * sizeof *a) == 0;
}

START_TEST(d6_draws_match_numpy)
{
    float x[2 * D6_ROWS], label[D6_ROWS];
    gen_d6_table(x, label);
    /* class_1[0..3] in rows 0 and 2, class_2[0..3] in rows 1 and 3. */
    const double c1[4] = {0.27490802, 0.39014286, 0.34639879, 0.31973170};
    const double c2[4] = {0.57159367, 0.68317201, 0.66767426, 0.52028916};
    ck_assert_double_eq_tol(x[0], c1[0], 1e-7);
    ck_assert_double_eq_tol(x[1], c1[1], 1e-7);
    ck_assert_double_eq_tol(x[4], c1[2], 1e-7);
    ck_assert_double_eq_tol(x[5], c1[3], 1e-7);
    ck_assert_double_eq_tol(x[2], c2[0], 1e-7);
    ck_assert_double_eq_tol(x[3], c2[1], 1e-7);
    ck_assert_double_eq_tol(x[6], c2[2], 1e-7);
    ck_assert_double_eq_tol(x[7], c2[3], 1e-7);
    int bad = 0;
    for (uint32_t i = 0; i < D6_ROWS; i++) {
        float lo = i % 2 ? 0.5f : 0.2f, hi = i % 2 ? 0.7f : 0.4f;
        bad += label[i] != (float)(i % 2);
        bad += !(x[2 * i] >= lo && x[2 * i] <= hi && x[2 * i + 1] >= lo && x[2 * i + 1] <= hi);
    }
    ck_assert_int_eq(bad, 0);
}
END_TEST

START_TEST(d6_loads_split_and_one_hot)
{
    run r;
    load(&r, "d6");
    ck_assert_uint_eq(r.d.n_train, 160);
    ck_assert_uint_eq(r.d.n_test, 40);
    ck_assert_uint_eq(r.d.shape[0], 2);
    ck_assert_int_eq(r.d.target_kind, DNNR_TARGET_ONE_HOT);
    ck_assert_uint_eq(r.d.y_dim, 2);
    float x[2 * D6_ROWS], label[D6_ROWS];
    gen_d6_table(x, label);
    /* RandomState(42).permutation(200)[:6] = 95, 15, 30, 158, 128, 115 (test rows first). */
    const uint64_t first[6] = {95, 15, 30, 158, 128, 115};
    for (int i = 0; i < 6; i++) {
        ck_assert(same_row(r.d.x_test, (uint64_t)i, x, first[i], 2));
        ck_assert_float_eq(r.d.y_test[2 * i + 1], label[first[i]]);
        ck_assert_float_eq(r.d.y_test[2 * i], 1.0f - label[first[i]]);
    }
    finish(&r);
}
END_TEST

START_TEST(d7_is_the_line)
{
    float x[D7_ROWS], y[D7_ROWS];
    gen_d7_table(x, y);
    ck_assert_float_eq(x[0], 1.0f);
    ck_assert_float_eq(x[D7_ROWS - 1], 2.0f);
    ck_assert_double_eq_tol(x[1], 1.0 + 1.0 / 99.0, 1e-7);
    for (uint32_t i = 0; i < D7_ROWS; i++)
        ck_assert_double_eq_tol(y[i], 5.0 * x[i], 1e-5);
    run r;
    load(&r, "d7");
    ck_assert_uint_eq(r.d.n_train, 80);
    ck_assert_uint_eq(r.d.n_test, 20);
    ck_assert_int_eq(r.d.target_kind, DNNR_TARGET_REAL);
    ck_assert_uint_eq(r.d.n_classes, 0);
    ck_assert_str_eq(r.d.provenance, "original");
    /* RandomState(42).permutation(100)[:6] = 83, 53, 70, 45, 44, 39. */
    const uint64_t first[6] = {83, 53, 70, 45, 44, 39};
    for (int i = 0; i < 6; i++) {
        ck_assert_float_eq(r.d.x_test[i], x[first[i]]);
        ck_assert_float_eq(r.d.y_test[i], y[first[i]]);
    }
    finish(&r);
}
END_TEST

START_TEST(d8_draws_match_numpy)
{
    float *x = calloc((size_t)D8_ROWS * D8_BITS, sizeof *x);
    float *y = calloc((size_t)D8_ROWS * D8_BITS, sizeof *y);
    ck_assert(x && y);
    gen_d8_table(x, y);
    const int x0[D8_BITS] = {0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 1, 1, 1, 0};
    for (uint32_t b = 0; b < D8_BITS; b++)
        ck_assert_float_eq(x[b], (float)x0[b]);
    /* Y[0]: r = 4 -> bit 2 set only. */
    for (uint32_t b = 0; b < D8_BITS; b++)
        ck_assert_float_eq(y[b], b == 2 ? 1.0f : 0.0f);
    long sums[3] = {0, 0, 0}, arg[3] = {0, 0, 0}, above = 0;
    for (uint32_t r = 0; r < D8_ROWS; r++) {
        const float *row = y + (size_t)r * D8_BITS;
        int at = 0;
        for (uint32_t k = 0; k < D8_BITS; k++) {
            if (k < 3)
                sums[k] += row[k] == 1.0f;
            else
                above += row[k] != 0.0f;
            if (row[k] > row[at])
                at = (int)k;
        }
        ck_assert_int_lt(at, 3);
        arg[at]++;
    }
    ck_assert_int_eq(above, 0);
    ck_assert_int_eq(sums[0], 4322);
    ck_assert_int_eq(sums[1], 4196);
    ck_assert_int_eq(sums[2], 4398);
    ck_assert_int_eq(arg[0], 5734);
    ck_assert_int_eq(arg[1], 2776);
    ck_assert_int_eq(arg[2], 1490);

    run r;
    load(&r, "d8");
    ck_assert_uint_eq(r.d.n_train, 8000);
    ck_assert_uint_eq(r.d.n_test, 2000);
    ck_assert_uint_eq(r.d.shape[0], 20);
    ck_assert_uint_eq(r.d.y_dim, 20);
    ck_assert_int_eq(r.d.target_kind, DNNR_TARGET_ONE_HOT);
    /* RandomState(42).permutation(10000)[:6] = 6252, 4684, 1731, 4742, 4521, 6340. */
    const uint64_t first[6] = {6252, 4684, 1731, 4742, 4521, 6340};
    for (int i = 0; i < 6; i++) {
        ck_assert(same_row(r.d.x_test, (uint64_t)i, x, first[i], D8_BITS));
        ck_assert(same_row(r.d.y_test, (uint64_t)i, y, first[i], D8_BITS));
    }
    finish(&r);
    free(x);
    free(y);
}
END_TEST

START_TEST(d3_stand_in_is_standardised_and_separable)
{
    float x[D3_ROWS], label[D3_ROWS];
    gen_d3_table(x, label);
    double mean = 0, var = 0, max0 = -INFINITY, min1 = INFINITY;
    long ones = 0;
    for (uint32_t i = 0; i < D3_ROWS; i++) {
        mean += x[i];
        ones += label[i] == 1.0f;
        if (label[i] == 1.0f)
            min1 = fmin(min1, x[i]);
        else
            max0 = fmax(max0, x[i]);
    }
    mean /= D3_ROWS;
    for (uint32_t i = 0; i < D3_ROWS; i++)
        var += (x[i] - mean) * (x[i] - mean);
    ck_assert_double_eq_tol(mean, 0.0, 1e-5);
    ck_assert_double_eq_tol(var / D3_ROWS, 1.0, 1e-4);
    ck_assert(max0 < min1); /* one threshold separates the classes */
    ck_assert_int_gt(ones, 550);
    ck_assert_int_lt(ones, 650);
    run r;
    load(&r, "d3");
    ck_assert_uint_eq(r.d.n_train, 800);
    ck_assert_uint_eq(r.d.n_test, 200);
    ck_assert_uint_eq(r.d.y_dim, 2);
    ck_assert(strncmp(r.d.provenance, "substitute:", 11) == 0);
    finish(&r);
}
END_TEST

START_TEST(d2_stand_in_has_higgs_shape)
{
    run r;
    load(&r, "d2");
    /* train_test_split(test_size=0.3, 42) of the first 10,000 rows. */
    ck_assert_uint_eq(r.d.n_train, 7000);
    ck_assert_uint_eq(r.d.n_test, 3000);
    ck_assert_uint_eq(r.d.shape[0], 31);
    ck_assert_int_eq(r.d.target_kind, DNNR_TARGET_CLASS_INDEX);
    long sentinels = 0, signal = 0;
    for (uint64_t i = 0; i < r.d.n_train; i++) {
        signal += r.d.y_train[i] == 0.0f;
        for (uint32_t c = 0; c < 31; c++)
            sentinels += r.d.x_train[i * 31 + c] == -999.0f;
    }
    /* About 70 % of rows x 7 jet columns, about 34 % signal. */
    ck_assert_int_gt(sentinels, 7000 * 7 * 60 / 100);
    ck_assert_int_lt(sentinels, 7000 * 7 * 80 / 100);
    ck_assert_int_gt(signal, 7000 * 30 / 100);
    ck_assert_int_lt(signal, 7000 * 38 / 100);
    ck_assert(strncmp(r.d.provenance, "substitute:", 11) == 0);
    finish(&r);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("synthetic_d678");
    TCase *t = tcase_create("generators");
    tcase_add_test(t, d6_draws_match_numpy);
    tcase_add_test(t, d6_loads_split_and_one_hot);
    tcase_add_test(t, d7_is_the_line);
    tcase_add_test(t, d8_draws_match_numpy);
    tcase_add_test(t, d3_stand_in_is_standardised_and_separable);
    tcase_add_test(t, d2_stand_in_has_higgs_shape);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
