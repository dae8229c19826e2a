/* The bohb searcher's density model and sampler: statsmodels'
 * KDEMultivariate as BOHB uses it (SEARCHERS.md B.5; golden values of D.3
 * and statsmodels' own answers from tests/fixtures/bohb/kde_oracle.py), and
 * the normal quantile and truncated normal behind the proposals (B.6). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dnnrepair/dnnrepair.h>

#include "host/host.h"
#include "kde.h"
#include "truncnorm.h"

static dnnr_host *make_host(void)
{
    dnnr_error err = {{0}};
    dnnr_host *host = dnnr__host_create_simple("bohb", 7, NULL, &err);
    ck_assert_msg(host != NULL, "%s", err.msg);
    return host;
}

/* ---- the KDE (B.5, golden values D.3) ---- */

static const double golden_rows[7][3] = {{0.10, 0, 0.20}, {0.15, 1, 0.25}, {0.30, 0, 0.90},
                                         {0.22, 2, 0.40}, {0.12, 0, 0.35}, {0.50, 1, 0.60},
                                         {0.05, 0, 0.10}};
static const uint8_t c_u_c[3] = {0, 1, 0};

START_TEST(kde_golden_values)
{
    dnnr_host *host = make_host();
    bohb_kde kde;
    ck_assert_int_eq(bohb_kde_fit(&kde, &golden_rows[0][0], 7, 3, c_u_c, 0.0, host), 0);
    ck_assert_double_eq_tol(kde.bandwidth[0], 0.1141606311, 1e-10);
    ck_assert_double_eq_tol(kde.bandwidth[1], 0.5847445837, 1e-10);
    ck_assert_double_eq_tol(kde.bandwidth[2], 0.2023990918, 1e-10);
    ck_assert_uint_eq(kde.levels[1], 3);
    ck_assert_double_eq_tol(bohb_kde_pdf(&kde, (double[]){0.12, 0, 0.3}), 1.4052016615, 1e-9);
    ck_assert_double_eq_tol(bohb_kde_pdf(&kde, (double[]){0.4, 2, 0.5}), 0.3320599448, 1e-9);
    ck_assert_double_eq_tol(bohb_kde_pdf(&kde, (double[]){0.9, 1, 0.9}), 0.0002942971, 1e-12);
    bohb_kde_free(&kde, host);

    /* The same with BOHB's floor: nothing changes, every bandwidth is above it. */
    ck_assert_int_eq(bohb_kde_fit(&kde, &golden_rows[0][0], 7, 3, c_u_c, 1e-3, host), 0);
    ck_assert_double_eq_tol(bohb_kde_pdf(&kde, (double[]){0.12, 0, 0.3}), 1.4052016615, 1e-9);
    bohb_kde_free(&kde, host);
    dnnr__host_destroy(host);
}
END_TEST

START_TEST(kde_single_level_quirk)
{
    dnnr_host *host = make_host();
    double rows[7][3];
    memcpy(rows, golden_rows, sizeof rows);
    for (int i = 0; i < 7; i++)
        rows[i][1] = 1;
    bohb_kde kde;
    ck_assert_int_eq(bohb_kde_fit(&kde, &rows[0][0], 7, 3, c_u_c, 1e-3, host), 0);
    ck_assert_double_eq(kde.bandwidth[1], 1e-3); /* std 0, clipped */
    ck_assert_uint_eq(kde.levels[1], 1);
    ck_assert_double_eq_tol(bohb_kde_pdf(&kde, (double[]){0.12, 1, 0.3}), 3.8289552983, 1e-9);
    /* L = 1: the "other category" branch divides by zero. */
    double pdf = bohb_kde_pdf(&kde, (double[]){0.12, 0, 0.3});
    ck_assert(isinf(pdf) && pdf > 0);
    bohb_kde_free(&kde, host);
    dnnr__host_destroy(host);
}
END_TEST

START_TEST(kde_bandwidths_are_not_capped)
{
    /* Categories 0 and 4 alternating: std 2, so h > 1 and the matching kernel
     * 1 - h is negative; statsmodels does not cap normal_reference. */
    dnnr_host *host = make_host();
    double rows[6][1] = {{0}, {4}, {0}, {4}, {0}, {4}};
    const uint8_t cat[1] = {1};
    bohb_kde kde;
    ck_assert_int_eq(bohb_kde_fit(&kde, &rows[0][0], 6, 1, cat, 1e-3, host), 0);
    double h = 1.06 * 2.0 * pow(6.0, -1.0 / 5.0);
    ck_assert_double_eq_tol(kde.bandwidth[0], h, 1e-12);
    ck_assert_double_gt(kde.bandwidth[0], 1.0);
    /* x = 0: three rows match (1 - h), three do not (h / (2 - 1)). */
    ck_assert_double_eq_tol(bohb_kde_pdf(&kde, (double[]){0}), (3 * (1 - h) + 3 * h) / 6, 1e-12);
    ck_assert_double_eq_tol(bohb_kde_pdf(&kde, (double[]){2}), h, 1e-12);
    bohb_kde_free(&kde, host);
    dnnr__host_destroy(host);
}
END_TEST

/* The fixture file holds statsmodels' answers for random data (see
 * tests/fixtures/bohb/kde_oracle.py): header "n d vartypes", n rows, the
 * bandwidths, then "m" points each followed by its pdf. */
START_TEST(kde_matches_statsmodels_oracle)
{
    FILE *f = fopen(DNNR_TEST_FIXTURES "/bohb/kde_oracle.txt", "r");
    ck_assert_msg(f != NULL, "missing fixture kde_oracle.txt");
    dnnr_host *host = make_host();
    int cases = 0;
    size_t n, d;
    char types[32];
    while (fscanf(f, "%zu %zu %31s", &n, &d, types) == 3) {
        ck_assert_uint_eq(strlen(types), d);
        double *rows = calloc(n * d, sizeof *rows), *x = calloc(d, sizeof *x);
        uint8_t *is_cat = calloc(d, 1);
        for (size_t j = 0; j < d; j++)
            is_cat[j] = types[j] == 'u';
        for (size_t i = 0; i < n * d; i++)
            ck_assert_int_eq(fscanf(f, "%lf", &rows[i]), 1);
        bohb_kde kde;
        ck_assert_int_eq(bohb_kde_fit(&kde, rows, n, d, is_cat, 0.0, host), 0);
        for (size_t j = 0; j < d; j++) {
            double bw;
            ck_assert_int_eq(fscanf(f, "%lf", &bw), 1);
            ck_assert_double_eq_tol(kde.bandwidth[j], bw, 1e-12 * fmax(1.0, bw));
        }
        size_t m;
        ck_assert_int_eq(fscanf(f, "%zu", &m), 1);
        for (size_t k = 0; k < m; k++) {
            for (size_t j = 0; j < d; j++)
                ck_assert_int_eq(fscanf(f, "%lf", &x[j]), 1);
            double expected;
            ck_assert_int_eq(fscanf(f, "%lf", &expected), 1);
            double got = bohb_kde_pdf(&kde, x);
            ck_assert_msg(fabs(got - expected) <= 1e-9 * fmax(1e-3, fabs(expected)),
                          "case %d point %zu: pdf %.15g, statsmodels %.15g", cases, k, got,
                          expected);
        }
        bohb_kde_free(&kde, host);
        free(rows);
        free(x);
        free(is_cat);
        cases++;
    }
    fclose(f);
    ck_assert_int_ge(cases, 4);
    dnnr__host_destroy(host);
}
END_TEST

/* ---- the truncated normal ---- */

START_TEST(normal_quantile_inverts_cdf)
{
    const double ps[] = {1e-300, 1e-20, 1e-8, 0.001, 0.02425, 0.3, 0.5, 0.7, 0.975, 0.999999};
    for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++) {
        double z = bohb_normal_quantile(ps[i]);
        ck_assert_double_eq_tol(bohb_normal_cdf(z) / ps[i], 1.0, 1e-12);
    }
    ck_assert_double_eq_tol(bohb_normal_quantile(0.975), 1.959963984540054, 1e-14);
    ck_assert_double_eq(bohb_normal_quantile(0.5), 0.0);
}
END_TEST

START_TEST(truncated_normal_moments)
{
    /* N(0,1) on [a, b]: mean (phi(a) - phi(b)) / (Phi(b) - Phi(a)). */
    const double bounds[][2] = {{-1, 2}, {0, 333}, {-166, 166}, {3, 5}, {40, 41}, {-41, -40}};
    dnnr_rng rng;
    dnnr_rng_init(&rng, 3);
    for (size_t c = 0; c < sizeof bounds / sizeof bounds[0]; c++) {
        double a = bounds[c][0], b = bounds[c][1];
        double sum = 0;
        enum { N = 20000 };
        for (int i = 0; i < N; i++) {
            double z = bohb_truncnorm_standard(&rng, a, b);
            ck_assert(z >= a && z <= b);
            sum += z;
        }
        double mean;
        if (a >= 38) /* far tail: the mean sits about 1/a above a */
            mean = a + 1.0 / a;
        else if (b <= -38)
            mean = b - 1.0 / fabs(b);
        else {
            double pa = exp(-a * a / 2), pb = exp(-b * b / 2);
            mean = (pa - pb) / sqrt(2 * 3.14159265358979) /
                   (bohb_normal_cdf(b) - bohb_normal_cdf(a));
        }
        ck_assert_msg(fabs(sum / N - mean) < 0.03, "[%g, %g]: mean %g, expected %g", a, b,
                      sum / N, mean);
    }
    /* The scaled form keeps draws inside [0, 1]. */
    for (int i = 0; i < 1000; i++) {
        double x = bohb_truncnorm(&rng, 0.999, 0.003, 0.0, 1.0);
        ck_assert(x >= 0.0 && x <= 1.0);
    }
}
END_TEST

static Suite *bohb_kde_suite(void)
{
    Suite *s = suite_create("bohb_kde");
    TCase *tc = tcase_create("kde");
    tcase_set_timeout(tc, 10);
    tcase_add_test(tc, kde_golden_values);
    tcase_add_test(tc, kde_single_level_quirk);
    tcase_add_test(tc, kde_bandwidths_are_not_capped);
    tcase_add_test(tc, kde_matches_statsmodels_oracle);
    suite_add_tcase(s, tc);

    tc = tcase_create("truncnorm");
    tcase_set_timeout(tc, 10);
    tcase_add_test(tc, normal_quantile_inverts_cdf);
    tcase_add_test(tc, truncated_normal_moments);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(bohb_kde_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
