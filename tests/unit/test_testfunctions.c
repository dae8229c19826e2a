/* The testfunctions loader: the math at known minima and at points computed
 * independently (Python's math module from the published coefficients), the
 * catalog's spaces and starts, and the plugin through a standalone host. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <dnnrepair/dnnrepair.h>

#include "catalog.h"
#include "functions.h"

#define PI 3.14159265358979323846
#define TOL 1e-9   /* against values computed to 15 digits elsewhere */
#define FSTAR 1e-5 /* against published optima, printed to 5-6 digits */

/* ---- the functions at their optima and at hand-computed points ---- */

START_TEST(branin_minima_and_points)
{
    const double argmins[3][2] = {{-PI, 12.275}, {PI, 2.275}, {3 * PI, 2.475}};
    for (int i = 0; i < 3; i++)
        ck_assert_double_eq_tol(tf_branin(argmins[i]), 0.397887, FSTAR);
    /* On x1 = pi the square's argument is x2 - 2.275 and the cosine part is
     * 10/(8 pi) = 5/(4 pi), which is also f*. */
    ck_assert_double_eq_tol(tf_branin((double[]){PI, 2.275}), 5.0 / (4.0 * PI), 1e-12);
    ck_assert_double_eq_tol(tf_branin((double[]){PI, 12.275}), 100.0 + 5.0 / (4.0 * PI), 1e-9);
    /* At the origin: (-6)^2 + 10 (1 - 1/(8 pi)) + 10. */
    ck_assert_double_eq_tol(tf_branin((double[]){0, 0}), 56.0 - 5.0 / (4.0 * PI), 1e-12);
    ck_assert_double_eq_tol(tf_branin((double[]){10, 15}), 145.872190879396, TOL);
    ck_assert_double_eq_tol(tf_branin((double[]){-5, 0}), 308.129096011607, TOL);
    ck_assert_double_eq_tol(tf_branin((double[]){2.5, 7.5}), 24.1299644136223, TOL);
}
END_TEST

START_TEST(branin_distortion)
{
    const double x[2] = {2.5, 7.5};
    ck_assert_double_eq(tf_branin_distorted(x, 0.0), tf_branin(x));
    ck_assert_double_eq_tol(tf_branin_distorted(x, 1.0), 30.3599274075567, TOL);
    ck_assert_double_eq_tol(tf_branin_distorted(x, 0.25), 25.6142129746059, TOL);
    /* Fully distorted, the minimum on x1 = pi moves down by 0.1 pi^2 in x2
     * and keeps its value. */
    double moved[2] = {PI, 2.275 - 0.1 * PI * PI};
    ck_assert_double_eq_tol(tf_branin_distorted(moved, 1.0), 5.0 / (4.0 * PI), 1e-12);
    ck_assert_double_gt(tf_branin_distorted((double[]){PI, 2.275}, 1.0), 1.0);
}
END_TEST

START_TEST(hartmann_minima_and_points)
{
    const double h6[6] = {0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573};
    const double h3[3] = {0.114614, 0.555649, 0.852547};
    ck_assert_double_eq_tol(tf_hartmann6(h6), -3.32237, FSTAR);
    ck_assert_double_eq_tol(tf_hartmann3(h3), -3.86278, FSTAR);
    ck_assert_double_eq_tol(tf_hartmann6((double[]){0.5, 0.5, 0.5, 0.5, 0.5, 0.5}),
                            -0.505314991702233, TOL);
    ck_assert_double_eq_tol(tf_hartmann6((double[]){0.1, 0.2, 0.3, 0.4, 0.5, 0.6}),
                            -1.40691057613853, TOL);
    /* At the fourth centre its own term is exactly -3.2. */
    ck_assert_double_eq_tol(
        tf_hartmann6((double[]){0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381}),
        -3.20279200739567, TOL);
    ck_assert_double_eq_tol(tf_hartmann3((double[]){0.5, 0.5, 0.5}), -0.628022015070594, TOL);
    ck_assert_double_eq_tol(tf_hartmann3((double[]){0.1, 0.5, 0.9}), -3.51907496104624, TOL);
}
END_TEST

START_TEST(rosenbrock_minimum_and_points)
{
    double ones[7] = {1, 1, 1, 1, 1, 1, 1};
    for (size_t d = 2; d <= 7; d++)
        ck_assert_double_eq(tf_rosenbrock(ones, d), 0.0);
    ck_assert_double_eq_tol(tf_rosenbrock((double[]){0, 0}, 2), 1.0, 1e-15);
    /* The classical start: 100 (1 - 1.44)^2 + 2.2^2 = 24.2. */
    ck_assert_double_eq_tol(tf_rosenbrock((double[]){-1.2, 1}, 2), 24.2, 1e-12);
    /* Plus the middle term 100 (-1.2 - 1)^2 = 484. */
    ck_assert_double_eq_tol(tf_rosenbrock((double[]){-1.2, 1, -1.2, 1}, 4), 532.4, 1e-12);
}
END_TEST

START_TEST(ackley_minimum_and_points)
{
    double zeros[5] = {0};
    for (size_t d = 2; d <= 5; d++)
        ck_assert_double_eq_tol(tf_ackley(zeros, d), 0.0, 1e-12);
    ck_assert_double_ge(tf_ackley(zeros, 5), 0.0);
    /* (1, 0): both cosines are 1, so f = 20 - 20 exp(-0.2 sqrt(1/2)). */
    ck_assert_double_eq_tol(tf_ackley((double[]){1, 0}, 2), 20.0 - 20.0 * exp(-0.2 * sqrt(0.5)),
                            1e-12);
    ck_assert_double_eq_tol(tf_ackley((double[]){1, 0}, 2), 2.6375310921083, TOL);
    ck_assert_double_eq_tol(tf_ackley((double[]){0.5, -1.5, 2}, 3), 7.10206294190751, TOL);
    double far[5] = {16.384, 16.384, 16.384, 16.384, 16.384};
    ck_assert_double_eq_tol(tf_ackley(far, 5), 21.4890169105241, TOL);
}
END_TEST

START_TEST(mixed_minimum_and_terms)
{
    ck_assert_double_eq_tol(tf_mixed(1, 7, 1.5, 1e-3), 0.0, 1e-15);
    /* One term at a time. */
    ck_assert_double_eq_tol(tf_mixed(0, 7, -2.0, 1e-3), 1.0, 1e-15);
    ck_assert_double_eq_tol(tf_mixed(2, 7, 3.0, 1e-3), 0.5, 1e-15);
    ck_assert_double_eq_tol(tf_mixed(1, 17, 1.5, 1e-3), 10.0, 1e-12);
    ck_assert_double_eq_tol(tf_mixed(1, 7, -0.5, 1e-3), 4.0, 1e-12);
    ck_assert_double_eq_tol(tf_mixed(1, 7, 1.5, 1e-1), 4.0, 1e-12);
    /* The documented start: 1 + 3^2 + 0.1 * 13^2 + 2^2. */
    ck_assert_double_eq_tol(tf_mixed(0, 20, -5.0, 0.1), 30.9, 1e-12);
    /* The best x of kind b is poor for kind c: the categorical moves it. */
    ck_assert_double_gt(tf_mixed(2, 7, 1.5, 1e-3), tf_mixed(1, 7, 1.5, 1e-3) + 2.0);
    ck_assert_str_eq(tf_mixed_kinds[1], "b");
}
END_TEST

START_TEST(fidelity_schedule)
{
    ck_assert_double_eq_tol(tf_fidelity_distortion(1, 1, 81), 1.0, 1e-15);
    ck_assert_double_eq_tol(tf_fidelity_distortion(81, 1, 81), 0.0, 1e-15);
    ck_assert_double_eq_tol(tf_fidelity_distortion(9, 1, 81), 0.25, 1e-15);
    ck_assert_double_eq_tol(tf_fidelity_noise_scale(1, 1, 81), 1.0, 1e-15);
    ck_assert_double_eq_tol(tf_fidelity_noise_scale(81, 1, 81), 0.0, 1e-15);
    ck_assert_double_eq_tol(tf_fidelity_noise_scale(9, 1, 81), 0.1, 1e-15);
    double last_d = 2.0, last_s = 2.0;
    for (double b = 1; b <= 81; b *= 1.5) {
        double d = tf_fidelity_distortion(b, 1, 81), s = tf_fidelity_noise_scale(b, 1, 81);
        ck_assert_double_lt(d, last_d);
        ck_assert_double_lt(s, last_s);
        last_d = d;
        last_s = s;
    }
}
END_TEST

/* ---- the catalog: spaces, starts and f* ---- */

typedef struct described {
    const tf_function *fn;
    uint32_t dim;
    dnnr_param params[TF_MAX_DIM];
    char names[TF_MAX_DIM * TF_NAME_MAX];
    dnnr_value start[TF_MAX_DIM];
} described;

static described *describe(const char *name, uint32_t dim)
{
    described *d = calloc(1, sizeof *d);
    ck_assert_ptr_nonnull(d);
    d->fn = tf_function_find(name);
    ck_assert_ptr_nonnull(d->fn);
    d->dim = d->fn->fixed_dim ? d->fn->fixed_dim : dim;
    tf_function_describe(d->fn, d->dim, d->params, d->names, d->start);
    return d;
}

static int in_domain(const dnnr_param *p, dnnr_value v)
{
    switch (p->kind) {
    case DNNR_PARAM_FLOAT:
        return v.f >= p->lo && v.f <= p->hi;
    case DNNR_PARAM_INTEGER:
        return v.i >= p->lo && v.i <= p->hi;
    case DNNR_PARAM_CATEGORICAL:
        return v.i >= 0 && v.i < (int64_t)p->n_choices;
    }
    return 0;
}

/* A uniform draw of every parameter, with a fixed stream. */
static void draw(const described *d, dnnr_rng *rng, dnnr_value *config)
{
    for (uint32_t i = 0; i < d->dim; i++) {
        const dnnr_param *p = &d->params[i];
        double u = dnnr_rng_uniform(rng);
        if (p->kind == DNNR_PARAM_CATEGORICAL)
            config[i].i = (int64_t)dnnr_rng_below(rng, p->n_choices);
        else if (p->kind == DNNR_PARAM_INTEGER)
            config[i].i = (int64_t)p->lo + (int64_t)dnnr_rng_below(rng, (uint64_t)(p->hi - p->lo) + 1);
        else if (p->log)
            config[i].f = exp(log(p->lo) + u * (log(p->hi) - log(p->lo)));
        else
            config[i].f = p->lo + u * (p->hi - p->lo);
    }
}

static const char *const all_functions[] = {"branin", "hartmann6", "hartmann3", "rosenbrock",
                                            "ackley", "mixed", "multifidelity"};
#define N_FUNCTIONS (sizeof all_functions / sizeof all_functions[0])

START_TEST(catalog_start_is_valid_and_poor)
{
    described *d = describe(all_functions[_i], 0);
    if (d->fn->fixed_dim == 0) {
        free(d);
        d = describe(all_functions[_i], tf_function_find(all_functions[_i])->default_dim);
    }
    for (uint32_t i = 0; i < d->dim; i++) {
        ck_assert_uint_eq(d->params[i].struct_size, sizeof(dnnr_param));
        ck_assert_ptr_nonnull(d->params[i].name);
        ck_assert_msg(in_domain(&d->params[i], d->start[i]), "%s: start %s outside",
                      d->fn->name, d->params[i].name);
        ck_assert_msg(in_domain(&d->params[i], d->params[i].default_value), "default");
        for (uint32_t j = 0; j < i; j++)
            ck_assert_str_ne(d->params[i].name, d->params[j].name);
    }
    double at_start = tf_function_value(d->fn, d->dim, d->start, 0.0);
    double scale = fabs(d->fn->optimum) + 1.0;
    ck_assert_msg(at_start > d->fn->optimum + 0.5 * scale, "%s: start %g is not poor",
                  d->fn->name, at_start);
    free(d);
}
END_TEST

/* f* is a lower bound (checked on many random points) and is attained near
 * the published argmin (checked by the function tests above). */
START_TEST(catalog_optimum_is_a_lower_bound)
{
    described *d = describe(all_functions[_i], 6);
    dnnr_rng rng;
    dnnr_rng_init(&rng, 0xC0FFEEu + (uint64_t)_i);
    dnnr_value config[TF_MAX_DIM];
    for (int n = 0; n < 20000; n++) {
        draw(d, &rng, config);
        double v = tf_function_value(d->fn, d->dim, config, 0.0);
        ck_assert_msg(v >= d->fn->optimum - 1e-12, "%s: %.17g below f* %.17g", d->fn->name, v,
                      d->fn->optimum);
    }
    free(d);
}
END_TEST

START_TEST(catalog_argmins_reach_optimum)
{
    struct {
        const char *name;
        uint32_t dim;
        double x[6];
    } cases[] = {
        {"branin", 2, {PI, 2.275}},
        {"multifidelity", 2, {-PI, 12.275}},
        {"hartmann6", 6, {0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573}},
        {"hartmann3", 3, {0.114614, 0.555649, 0.852547}},
        {"rosenbrock", 5, {1, 1, 1, 1, 1}},
        {"ackley", 3, {0, 0, 0}},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        described *d = describe(cases[c].name, cases[c].dim);
        dnnr_value config[6];
        for (uint32_t i = 0; i < d->dim; i++)
            config[i].f = cases[c].x[i];
        ck_assert_double_eq_tol(tf_function_value(d->fn, d->dim, config, 0.0), d->fn->optimum,
                                FSTAR);
        free(d);
    }
    described *d = describe("mixed", 0);
    dnnr_value best[4] = {{.i = 1}, {.i = 7}, {.f = 1.5}, {.f = 1e-3}};
    ck_assert_double_eq_tol(tf_function_value(d->fn, 4, best, 0.0), d->fn->optimum, 1e-15);
    ck_assert_str_eq(d->params[0].name, "kind");
    ck_assert_uint_eq(d->params[3].log, 1);
    free(d);
}
END_TEST

START_TEST(catalog_names)
{
    for (size_t i = 0; i < N_FUNCTIONS; i++) {
        ck_assert_ptr_nonnull(tf_function_find(all_functions[i]));
        ck_assert_ptr_nonnull(strstr(tf_function_names, all_functions[i]));
    }
    ck_assert_ptr_null(tf_function_find("branin2"));
    ck_assert_ptr_null(tf_function_find(""));
    described *d = describe("rosenbrock", 12);
    ck_assert_uint_eq(d->dim, 12);
    ck_assert_str_eq(d->params[0].name, "x1");
    ck_assert_str_eq(d->params[11].name, "x12");
    free(d);
}
END_TEST

static Suite *testfunctions_suite(void)
{
    Suite *s = suite_create("testfunctions");
    TCase *math = tcase_create("math");
    tcase_set_timeout(math, 10);
    tcase_add_test(math, branin_minima_and_points);
    tcase_add_test(math, branin_distortion);
    tcase_add_test(math, hartmann_minima_and_points);
    tcase_add_test(math, rosenbrock_minimum_and_points);
    tcase_add_test(math, ackley_minimum_and_points);
    tcase_add_test(math, mixed_minimum_and_terms);
    tcase_add_test(math, fidelity_schedule);
    suite_add_tcase(s, math);

    TCase *catalog = tcase_create("catalog");
    tcase_set_timeout(catalog, 20);
    tcase_add_loop_test(catalog, catalog_start_is_valid_and_poor, 0, (int)N_FUNCTIONS);
    tcase_add_loop_test(catalog, catalog_optimum_is_a_lower_bound, 0, (int)N_FUNCTIONS);
    tcase_add_test(catalog, catalog_argmins_reach_optimum);
    tcase_add_test(catalog, catalog_names);
    suite_add_tcase(s, catalog);

    return s;
}

int main(void)
{
    SRunner *runner = srunner_create(testfunctions_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
