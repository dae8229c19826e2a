/* DeepCrime's killing criterion against STATISTICS.md 4.4: the GLM z-test
 * (normal, not t), the 3-decimal reading of its p-value, Cohen's d with the
 * pooled sd, and the one-sided decision rule for accuracy and loss. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats/stats.h"

static const double e1_original[20] = {0.9905, 0.9912, 0.9899, 0.9908, 0.9915, 0.9902, 0.9910,
                                       0.9907, 0.9901, 0.9913, 0.9909, 0.9904, 0.9911, 0.9906,
                                       0.9903, 0.9914, 0.9900, 0.9908, 0.9910, 0.9905};
static const double e1_mutant[20] = {0.9898, 0.9907, 0.9893, 0.9901, 0.9911, 0.9896, 0.9905,
                                     0.9899, 0.9894, 0.9909, 0.9902, 0.9897, 0.9906, 0.9900,
                                     0.9895, 0.9908, 0.9892, 0.9903, 0.9904, 0.9899};

START_TEST(e1_classification_is_killed)
{
    dnnr_killing k;
    /* DeepCrime's mutant is our faulty program, its original our fix */
    ck_assert_int_eq(dnnr__killing_criterion(e1_mutant, 20, e1_original, 20, 1, &k), DNNR_OK);
    ck_assert_double_eq_tol(k.mean_fix, 0.990710, 1e-12);
    ck_assert_double_eq_tol(k.mean_faulty, 0.990095, 1e-12);
    ck_assert_double_eq_tol(k.z, -3.763461, 1e-6);
    ck_assert_double_eq_tol(k.p, 1.6757807926e-4, 1e-13);
    ck_assert_double_eq(k.p3, 0.0);
    ck_assert_double_eq_tol(k.d, 1.190111, 1e-6);
    ck_assert_int_eq(k.killed, 1);
    /* the same numbers read as a loss: the faulty loss is lower, nothing killed */
    ck_assert_int_eq(dnnr__killing_criterion(e1_mutant, 20, e1_original, 20, 0, &k), DNNR_OK);
    ck_assert_int_eq(k.killed, 0);
}
END_TEST

START_TEST(five_plus_five_fixture)
{
    const double original[5] = {0.98, 0.97, 0.99, 0.98, 0.97};
    const double mutant[5] = {0.95, 0.96, 0.94, 0.96, 0.95};
    dnnr_glm_test glm;
    ck_assert_int_eq(dnnr__glm_indicator_test(original, 5, mutant, 5, &glm), DNNR_OK);
    ck_assert_double_eq_tol(glm.z, -4.91353814912, 1e-10);
    ck_assert_double_eq_tol(glm.p, 8.9447318249e-7, 1e-16);
    ck_assert_double_eq_tol(dnnr__cohens_d(original, 5, mutant, 5), 3.10759438427, 1e-10);
    dnnr_killing k;
    ck_assert_int_eq(dnnr__killing_criterion(mutant, 5, original, 5, 1, &k), DNNR_OK);
    ck_assert_double_eq_tol(k.d, 3.10759438427, 1e-10);
    ck_assert_int_eq(k.killed, 1);
}
END_TEST

/* Shift E1's original down by delta so the GLM p is target_p (bisection on delta). */
static void shifted_mutant(double target_p, double *mutant)
{
    double lo = 0.0, hi = 0.01;
    for (int it = 0; it < 200; it++) {
        double mid = 0.5 * (lo + hi);
        for (int i = 0; i < 20; i++)
            mutant[i] = e1_original[i] - mid;
        dnnr_glm_test glm;
        ck_assert_int_eq(dnnr__glm_indicator_test(e1_original, 20, mutant, 20, &glm), DNNR_OK);
        if (glm.p > target_p)
            lo = mid;
        else
            hi = mid;
    }
}

START_TEST(three_decimal_rounding_boundary)
{
    const struct {
        double p, printed;
        int killed;
    } rows[] = {{0.04940, 0.049, 1}, {0.04960, 0.050, 0}, {0.05040, 0.050, 0}};
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        double mutant[20];
        shifted_mutant(rows[r].p, mutant);
        dnnr_killing k;
        ck_assert_int_eq(dnnr__killing_criterion(mutant, 20, e1_original, 20, 1, &k), DNNR_OK);
        ck_assert_double_eq_tol(k.p, rows[r].p, 1e-9);
        ck_assert_double_eq(k.p3, rows[r].printed);
        ck_assert_double_eq_tol(k.d, 0.62, 0.01);
        ck_assert_msg(k.killed == rows[r].killed, "p %.5f: killed %d", rows[r].p, k.killed);
    }
    ck_assert_double_eq(dnnr__p_three_decimals(0.0496), 0.05);
    ck_assert_double_eq(dnnr__p_three_decimals(0.0004), 0.0);
    ck_assert_double_eq(dnnr__p_three_decimals(0.0005), 0.001); /* 0.0005 is stored above */
    ck_assert(isnan(dnnr__p_three_decimals(NAN)));
}
END_TEST

START_TEST(regression_loss_rise_is_killed)
{
    /* losses around 0.045; the faulty program's are 0.004 higher */
    double fix[20], faulty[20];
    for (int i = 0; i < 20; i++)
        fix[i] = 0.045 + 0.0012 * ((i * 7) % 5 - 2);
    for (int i = 0; i < 20; i++)
        faulty[i] = fix[(i + 3) % 20] + 0.004;
    dnnr_killing k;
    ck_assert_int_eq(dnnr__killing_criterion(faulty, 20, fix, 20, 0, &k), DNNR_OK);
    ck_assert_double_eq(k.p3, 0.0);
    ck_assert_double_lt(k.d, -0.5);
    ck_assert_int_eq(k.killed, 1);
    /* the classification rule wants a positive d: not killed */
    ck_assert_int_eq(dnnr__killing_criterion(faulty, 20, fix, 20, 1, &k), DNNR_OK);
    ck_assert_int_eq(k.killed, 0);
}
END_TEST

START_TEST(effect_bound_is_inclusive_and_one_sided)
{
    /* three points per group, sd 1 each: d is the difference of the means, exactly */
    const double fix[3] = {0.0, 1.0, 2.0};
    const double at_bound[3] = {-0.5, 0.5, 1.5};
    ck_assert_double_eq(dnnr__cohens_d(fix, 3, at_bound, 3), 0.5);
    /* an improvement: negative d under the classification rule */
    const double better[3] = {100.0, 101.0, 102.0};
    dnnr_killing k;
    ck_assert_int_eq(dnnr__killing_criterion(better, 3, fix, 3, 1, &k), DNNR_OK);
    ck_assert_double_eq(k.p3, 0.0);
    ck_assert_double_lt(k.d, 0.0);
    ck_assert_int_eq(k.killed, 0);
}
END_TEST

START_TEST(zero_spread_and_bad_input)
{
    const double a[3] = {0.75, 0.75, 0.75}, b[3] = {0.5, 0.5, 0.5};
    ck_assert(isinf(dnnr__cohens_d(a, 3, b, 3)) && dnnr__cohens_d(a, 3, b, 3) > 0);
    ck_assert(isnan(dnnr__cohens_d(a, 3, a, 3)));
    dnnr_killing k;
    ck_assert_int_eq(dnnr__killing_criterion(b, 3, a, 3, 1, &k), DNNR_OK);
    ck_assert_double_eq(k.p, 0.0);
    ck_assert_int_eq(k.killed, 1);
    ck_assert_int_eq(dnnr__killing_criterion(a, 3, a, 3, 1, &k), DNNR_OK);
    ck_assert_int_eq(k.killed, 0); /* 0/0: NaN compares false, as in numpy */

    ck_assert_int_eq(dnnr__killing_criterion(a, 1, b, 1, 1, &k), DNNR_EINVAL);
    ck_assert_int_eq(dnnr__killing_criterion(a, 0, b, 3, 1, &k), DNNR_EINVAL);
    const double bad[2] = {0.5, INFINITY};
    ck_assert_int_eq(dnnr__killing_criterion(bad, 2, b, 3, 1, &k), DNNR_EINVAL);
    ck_assert(isnan(k.p));
}
END_TEST

START_TEST(unequal_group_sizes)
{
    /* pooled variance weights each group by its df; z is the pooled t */
    const double a[3] = {1.0, 2.0, 3.0}, b[5] = {2.0, 3.0, 4.0, 5.0, 6.0};
    dnnr_glm_test glm;
    ck_assert_int_eq(dnnr__glm_indicator_test(a, 3, b, 5, &glm), DNNR_OK);
    /* SS_a = 2, SS_b = 10, s^2 = 12/6 = 2, se = sqrt(2 (1/3 + 1/5)) */
    ck_assert_double_eq_tol(glm.diff, 2.0, 1e-15);
    ck_assert_double_eq_tol(glm.se, sqrt(2.0 * (1.0 / 3 + 1.0 / 5)), 1e-15);
    ck_assert_double_eq_tol(glm.p, erfc(fabs(glm.z) / sqrt(2.0)), 1e-15);
    ck_assert_double_eq_tol(dnnr__cohens_d(a, 3, b, 5), -2.0 / sqrt(2.0), 1e-15);
}
END_TEST

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

/* gen_killing.py: z, p and d from scipy/numpy on random samples, equal and unequal sizes. */
START_TEST(agrees_with_scipy_fixtures)
{
    FILE *f = fopen(DNNR_TEST_FIXTURES "/stats/killing.txt", "r");
    ck_assert_msg(f != NULL, "cannot open the fixture file");
    static char line[1 << 14];
    double a[64], b[64], want[3], max_z = 0, max_p = 0, max_d = 0;
    int cases = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#')
            continue;
        char name[64];
        size_t na, nb;
        ck_assert_int_eq(sscanf(line, "case %63s %zu %zu", name, &na, &nb), 3);
        ck_assert(fgets(line, sizeof line, f));
        ck_assert_uint_eq(read_numbers(line, "a", a, 64), na);
        ck_assert(fgets(line, sizeof line, f));
        ck_assert_uint_eq(read_numbers(line, "b", b, 64), nb);
        ck_assert(fgets(line, sizeof line, f));
        ck_assert_uint_eq(read_numbers(line, "expect", want, 3), 3);
        dnnr_glm_test glm;
        ck_assert_int_eq(dnnr__glm_indicator_test(a, na, b, nb, &glm), DNNR_OK);
        double d = dnnr__cohens_d(a, na, b, nb);
        /* z and d are O(1..10): compare relative; p absolutely */
        double dz = fabs(glm.z - want[0]) / fmax(1.0, fabs(want[0]));
        double dd = fabs(d - want[2]) / fmax(1.0, fabs(want[2]));
        double dp = fabs(glm.p - want[1]);
        ck_assert_msg(dz < 1e-9 && dd < 1e-9 && dp < 1e-9,
                      "%s: z %.17g/%.17g p %.17g/%.17g d %.17g/%.17g", name, glm.z, want[0], glm.p,
                      want[1], d, want[2]);
        max_z = fmax(max_z, dz);
        max_p = fmax(max_p, dp);
        max_d = fmax(max_d, dd);
        cases++;
    }
    fclose(f);
    ck_assert_int_ge(cases, 50);
    printf("glm/cohen vs scipy: %d cases, max rel |dz| %.3g, max |dp| %.3g, max rel |dd| %.3g\n",
           cases, max_z, max_p, max_d);
}
END_TEST

static Suite *killing_suite(void)
{
    Suite *s = suite_create("stats_killing");
    TCase *tc = tcase_create("deepcrime");
    tcase_set_timeout(tc, 10);
    tcase_add_test(tc, e1_classification_is_killed);
    tcase_add_test(tc, five_plus_five_fixture);
    tcase_add_test(tc, three_decimal_rounding_boundary);
    tcase_add_test(tc, regression_loss_rise_is_killed);
    tcase_add_test(tc, effect_bound_is_inclusive_and_one_sided);
    tcase_add_test(tc, zero_spread_and_bad_input);
    tcase_add_test(tc, unequal_group_sizes);
    tcase_add_test(tc, agrees_with_scipy_fixtures);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(killing_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
