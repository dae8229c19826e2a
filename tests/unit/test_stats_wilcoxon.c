/* The Wilcoxon signed-rank test against STATISTICS.md section 4 (scipy's
 * documentation example, small-n exact/normal tables, the study-shaped
 * cases) and against scipy.stats.wilcoxon itself on random vectors with ties
 * and zeros (tests/fixtures/stats/wilcoxon.txt, from gen_wilcoxon.py). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats/stats.h"

#define TOL 1e-9

static dnnr_wilcoxon run(const double *x, const double *y, size_t n, dnnr_wilcoxon_method m)
{
    dnnr_wilcoxon res;
    ck_assert_int_eq(dnnr__wilcoxon(x, y, n, m, NULL, &res), DNNR_OK);
    return res;
}

/* Paired test on differences d against zeros. */
static dnnr_wilcoxon run_d(const double *d, size_t n, dnnr_wilcoxon_method m)
{
    double zeros[64] = {0};
    ck_assert_uint_le(n, 64);
    return run(d, zeros, n, m);
}

START_TEST(darwin_zea_mays)
{
    /* 4.1: scipy's documentation example, n = 15, no ties, no zeros */
    const double d[15] = {6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75};
    dnnr_wilcoxon e = run_d(d, 15, DNNR_WILCOXON_EXACT);
    ck_assert_double_eq(e.w, 24.0);
    ck_assert_double_eq(e.r_plus, 96.0);
    ck_assert_double_eq_tol(e.p, 0.041259765625, 1e-15);
    ck_assert_int_eq(e.method_used, DNNR_WILCOXON_EXACT);
    ck_assert(isnan(e.z));

    dnnr_wilcoxon a = run_d(d, 15, DNNR_WILCOXON_APPROX);
    ck_assert_double_eq(a.w, 24.0);
    ck_assert_double_eq_tol(a.z, -2.0446626, 1e-7);
    ck_assert_double_eq_tol(a.p, 0.04088813291185591, 1e-15);
    ck_assert_int_eq(a.method_used, DNNR_WILCOXON_APPROX);

    /* auto (scipy 1.9-1.14 default) takes the exact route at n = 15 */
    ck_assert_double_eq_tol(run_d(d, 15, DNNR_WILCOXON_AUTO).p, 0.041259765625, 1e-15);
}
END_TEST

/* 4.2: n distinct |d| = 1..n; the ranks summing to T (greedy from the top) negative. */
static void small_n_case(size_t n, int t, double exact_p, double normal_p)
{
    double d[16];
    int left = t;
    for (size_t r = n; r >= 1; r--) {
        d[r - 1] = (double)r;
        if ((int)r <= left) {
            d[r - 1] = -(double)r;
            left -= (int)r;
        }
    }
    ck_assert_int_eq(left, 0);
    dnnr_wilcoxon e = run_d(d, n, DNNR_WILCOXON_EXACT);
    ck_assert_double_eq(e.w, (double)t);
    ck_assert_msg(fabs(e.p - exact_p) < 1e-15, "n=%zu T=%d exact p %.17g", n, t, e.p);
    dnnr_wilcoxon a = run_d(d, n, DNNR_WILCOXON_APPROX);
    ck_assert_msg(fabs(a.p - normal_p) < 5e-7, "n=%zu T=%d normal p %.17g", n, t, a.p);
}

START_TEST(exact_versus_normal_small_n)
{
    small_n_case(5, 0, 0.0625, 0.043114);
    small_n_case(6, 0, 0.03125, 0.027708);
    small_n_case(6, 1, 0.0625, 0.046399);
    small_n_case(10, 0, 0.001953125, 0.005062);
    small_n_case(10, 3, 0.009765625, 0.012515);
    small_n_case(10, 5, 0.01953125, 0.021824);
    small_n_case(10, 8, 0.048828125, 0.046853);
    small_n_case(10, 9, 0.064453125, 0.059336);
    small_n_case(10, 10, 0.083984375, 0.074462);
}
END_TEST

START_TEST(study_case_b_no_ties)
{
    const double f[10] = {0.61, 0.58, 0.63, 0.60, 0.62, 0.59, 0.64, 0.57, 0.60, 0.61};
    const double p[10] = {0.70, 0.66, 0.72, 0.59, 0.69, 0.71, 0.63, 0.68, 0.74, 0.65};
    dnnr_wilcoxon a = run(f, p, 10, DNNR_WILCOXON_APPROX);
    ck_assert_double_eq(a.w, 3.0);
    ck_assert_double_eq_tol(a.z, -2.5005208, 1e-7);
    ck_assert_double_eq_tol(a.p, 0.01240108578708306, 1e-15);
    ck_assert_double_eq_tol(run(f, p, 10, DNNR_WILCOXON_EXACT).p, 0.009765625, 1e-15);
}
END_TEST

START_TEST(study_case_c_zeros_and_ties)
{
    const double f[10] = {0.85, 0.84, 0.86, 0.85, 0.85, 0.86, 0.84, 0.85, 0.85, 0.85};
    const double p[10] = {0.85, 0.85, 0.98, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85};
    for (int m = DNNR_WILCOXON_APPROX; m <= DNNR_WILCOXON_AUTO; m++) {
        /* zeros force the approximation whatever was asked */
        dnnr_wilcoxon a = run(f, p, 10, (dnnr_wilcoxon_method)m);
        ck_assert_int_eq(a.method_used, DNNR_WILCOXON_APPROX);
        ck_assert_uint_eq(a.n_zero, 6);
        ck_assert_uint_eq(a.n_used, 4);
        ck_assert(a.has_ties);
        ck_assert_double_eq(a.w, 2.0);
        ck_assert_double_eq_tol(a.z, -1.1338934, 1e-7);
        ck_assert_double_eq_tol(a.p, 0.25683925795785656, 1e-15);
    }
}
END_TEST

START_TEST(study_case_d_ties_without_zeros)
{
    const double d[10] = {0.05, 0.05, 0.03, 0.10, 0.10, 0.10, -0.03, 0.07, 0.02, 0.08};
    dnnr_wilcoxon a = run_d(d, 10, DNNR_WILCOXON_APPROX);
    ck_assert_double_eq(a.r_plus, 52.5);
    ck_assert_double_eq(a.r_minus, 2.5);
    ck_assert_double_eq(a.w, 2.5);
    ck_assert_double_eq_tol(a.z, -2.5582226, 1e-7);
    ck_assert_double_eq_tol(a.p, 0.010520873699622686, 1e-15);
    /* scipy 1.5-1.14 "auto": exact on int(R+) = 52 */
    dnnr_wilcoxon e = run_d(d, 10, DNNR_WILCOXON_AUTO);
    ck_assert_int_eq(e.method_used, DNNR_WILCOXON_EXACT);
    ck_assert(e.has_ties);
    ck_assert_double_eq_tol(e.p, 0.009765625, 1e-15);
}
END_TEST

START_TEST(study_case_e_all_zero_is_an_error)
{
    const double x[10] = {0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5};
    dnnr_wilcoxon res;
    for (int m = DNNR_WILCOXON_APPROX; m <= DNNR_WILCOXON_AUTO; m++) {
        ck_assert_int_eq(dnnr__wilcoxon(x, x, 10, (dnnr_wilcoxon_method)m, NULL, &res),
                         DNNR_EINVAL);
        ck_assert(isnan(res.p));
    }
    ck_assert_int_eq(dnnr__wilcoxon(x, x, 0, DNNR_WILCOXON_APPROX, NULL, &res), DNNR_EINVAL);
    const double bad[2] = {1.0, NAN};
    ck_assert_int_eq(dnnr__wilcoxon(bad, x, 2, DNNR_WILCOXON_APPROX, NULL, &res), DNNR_EINVAL);
}
END_TEST

START_TEST(study_case_f_all_positive)
{
    double d[10];
    for (int i = 0; i < 10; i++)
        d[i] = (i + 1) / 100.0;
    ck_assert_double_eq_tol(run_d(d, 10, DNNR_WILCOXON_APPROX).p, 0.005062032126267864, 1e-15);
    ck_assert_double_eq_tol(run_d(d, 10, DNNR_WILCOXON_EXACT).p, 0.001953125, 1e-15);
    /* five pairs all one way: the study's warning case, still "significant" */
    ck_assert_double_eq_tol(run_d(d, 5, DNNR_WILCOXON_APPROX).p, 0.043114, 5e-7);
}
END_TEST

START_TEST(exact_above_limit_is_unsupported)
{
    enum { N = DNNR_WILCOXON_EXACT_MAX_N + 1 };
    double *x = calloc(N, sizeof *x), *y = calloc(N, sizeof *y);
    for (int i = 0; i < N; i++)
        x[i] = i + 1;
    dnnr_wilcoxon res;
    ck_assert_int_eq(dnnr__wilcoxon(x, y, N, DNNR_WILCOXON_EXACT, NULL, &res), DNNR_EUNSUPPORTED);
    ck_assert_int_eq(dnnr__wilcoxon(x, y, N, DNNR_WILCOXON_AUTO, NULL, &res), DNNR_OK);
    ck_assert_int_eq(res.method_used, DNNR_WILCOXON_APPROX);
    free(x);
    free(y);
}
END_TEST

/* An allocator that fails once its countdown runs out and counts live blocks. */
typedef struct counting_alloc {
    int countdown, live;
} counting_alloc;

static void *counting_alloc_fn(void *ctx, size_t n, size_t size)
{
    counting_alloc *c = ctx;
    if (c->countdown-- <= 0)
        return NULL;
    c->live++;
    return calloc(n, size);
}

static void counting_free_fn(void *ctx, void *p)
{
    counting_alloc *c = ctx;
    if (p)
        c->live--;
    free(p);
}

START_TEST(out_of_memory_fails_cleanly)
{
    const double f[10] = {0.61, 0.58, 0.63, 0.60, 0.62, 0.59, 0.64, 0.57, 0.60, 0.61};
    const double p[10] = {0.70, 0.66, 0.72, 0.59, 0.69, 0.71, 0.63, 0.68, 0.74, 0.65};
    for (int m = DNNR_WILCOXON_APPROX; m <= DNNR_WILCOXON_EXACT; m++) {
        int ok = 0;
        for (int budget = 0; budget < 10 && !ok; budget++) {
            counting_alloc c = {budget, 0};
            dnnr_stats_alloc mem = {&c, counting_alloc_fn, counting_free_fn};
            dnnr_wilcoxon res;
            int rc = dnnr__wilcoxon(f, p, 10, (dnnr_wilcoxon_method)m, &mem, &res);
            ck_assert_int_eq(c.live, 0);
            if (rc == DNNR_OK)
                ok = 1;
            else
                ck_assert_int_eq(rc, DNNR_ENOMEM);
        }
        ck_assert(ok);
    }
}
END_TEST

/* ---- agreement with scipy on the generated fixtures ---------------------- */

static size_t read_numbers(char *line, const char *tag, double *out, size_t cap)
{
    size_t len = strlen(tag);
    ck_assert_msg(strncmp(line, tag, len) == 0 && line[len] == ' ', "expected '%s' line", tag);
    size_t n = 0;
    char *s = line + len, *end;
    for (;;) {
        double v = strtod(s, &end);
        if (end == s)
            break;
        ck_assert_uint_lt(n, cap);
        out[n++] = v;
        s = end;
    }
    return n;
}

static dnnr_wilcoxon_method method_named(const char *name)
{
    if (strcmp(name, "exact") == 0)
        return DNNR_WILCOXON_EXACT;
    if (strcmp(name, "auto") == 0)
        return DNNR_WILCOXON_AUTO;
    ck_assert_str_eq(name, "approx");
    return DNNR_WILCOXON_APPROX;
}

START_TEST(agrees_with_scipy_fixtures)
{
    FILE *f = fopen(DNNR_TEST_FIXTURES "/stats/wilcoxon.txt", "r");
    ck_assert_msg(f != NULL, "cannot open the fixture file");
    static char line[1 << 16];
    static double x[256], y[256];
    int cases = 0, errors = 0;
    double max_p = 0, max_z = 0, max_w = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#')
            continue;
        char name[128], method[16];
        size_t n;
        ck_assert_int_eq(sscanf(line, "case %127s %15s %zu", name, method, &n), 3);
        ck_assert(fgets(line, sizeof line, f));
        ck_assert_uint_eq(read_numbers(line, "x", x, 256), n);
        ck_assert(fgets(line, sizeof line, f));
        ck_assert_uint_eq(read_numbers(line, "y", y, 256), n);
        ck_assert(fgets(line, sizeof line, f));

        dnnr_wilcoxon res;
        int rc = dnnr__wilcoxon(x, y, n, method_named(method), NULL, &res);
        if (strncmp(line, "expect error", 12) == 0) {
            ck_assert_msg(rc == DNNR_EINVAL, "%s %s: scipy raised, we returned %d", name, method,
                          rc);
            errors++;
        } else {
            double want[3];
            ck_assert_uint_eq(read_numbers(line + 7, "ok", want, 3), 3);
            ck_assert_msg(rc == DNNR_OK, "%s %s: status %d", name, method, rc);
            double dw = fabs(res.w - want[0]), dp = fabs(res.p - want[2]);
            ck_assert_msg(dw <= TOL, "%s %s: W %.17g, scipy %.17g", name, method, res.w, want[0]);
            ck_assert_msg(dp <= TOL, "%s %s: p %.17g, scipy %.17g", name, method, res.p, want[2]);
            if (!isnan(want[1])) {
                double dz = fabs(res.z - want[1]);
                ck_assert_msg(dz <= TOL, "%s %s: z %.17g, scipy %.17g", name, method, res.z,
                              want[1]);
                max_z = fmax(max_z, dz);
            }
            max_w = fmax(max_w, dw);
            max_p = fmax(max_p, dp);
        }
        cases++;
    }
    fclose(f);
    ck_assert_int_ge(cases, 300);
    ck_assert_int_ge(errors, 3);
    printf("wilcoxon vs scipy: %d cases, max |dW| %.3g, max |dz| %.3g, max |dp| %.3g\n", cases,
           max_w, max_z, max_p);
}
END_TEST

static Suite *wilcoxon_suite(void)
{
    Suite *s = suite_create("stats_wilcoxon");
    TCase *tc = tcase_create("golden");
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, darwin_zea_mays);
    tcase_add_test(tc, exact_versus_normal_small_n);
    tcase_add_test(tc, study_case_b_no_ties);
    tcase_add_test(tc, study_case_c_zeros_and_ties);
    tcase_add_test(tc, study_case_d_ties_without_zeros);
    tcase_add_test(tc, study_case_e_all_zero_is_an_error);
    tcase_add_test(tc, study_case_f_all_positive);
    tcase_add_test(tc, exact_above_limit_is_unsupported);
    tcase_add_test(tc, out_of_memory_fails_cleanly);
    suite_add_tcase(s, tc);
    TCase *fx = tcase_create("scipy");
    tcase_set_timeout(fx, 30);
    tcase_add_test(fx, agrees_with_scipy_fixtures);
    suite_add_tcase(s, fx);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(wilcoxon_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
