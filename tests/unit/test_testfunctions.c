/* The testfunctions loader: the math at known minima and at points computed
 * independently (Python's math module from the published coefficients), the
 * catalog's spaces and starts, and the plugin through a standalone host. */
#include <check.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <dnnrepair/dnnrepair.h>

#include "catalog.h"
#include "config/subject.h"
#include "functions.h"
#include "host/host.h"
#include "registry/registry.h"
#include "space/space.h"
#include "util/alloc.h"

const dnnr_plugin_desc *dnnr_plugin_testfunctions_entry(void);

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
        tf_hartmann6((double[]){0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381}), -3.20279200739567,
        TOL);
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
            config[i].i =
                (int64_t)p->lo + (int64_t)dnnr_rng_below(rng, (uint64_t)(p->hi - p->lo) + 1);
        else if (p->log)
            config[i].f = exp(log(p->lo) + u * (log(p->hi) - log(p->lo)));
        else
            config[i].f = p->lo + u * (p->hi - p->lo);
    }
}

static const char *const all_functions[] = {"branin", "hartmann6", "hartmann3",    "rosenbrock",
                                            "ackley", "mixed",     "multifidelity"};
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
        ck_assert_msg(in_domain(&d->params[i], d->start[i]), "%s: start %s outside", d->fn->name,
                      d->params[i].name);
        ck_assert_msg(in_domain(&d->params[i], d->params[i].default_value), "default");
        for (uint32_t j = 0; j < i; j++)
            ck_assert_str_ne(d->params[i].name, d->params[j].name);
    }
    double at_start = tf_function_value(d->fn, d->dim, d->start, 0.0);
    double scale = fabs(d->fn->optimum) + 1.0;
    ck_assert_msg(at_start > d->fn->optimum + 0.5 * scale, "%s: start %g is not poor", d->fn->name,
                  at_start);
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

/* ---- the plugin through a standalone host ---- */

typedef struct loader_fixture {
    dnnr_host *host;
    const dnnr_loader_iface *iface;
    dnnr_loader *loader;
    dnnr_analytic subject;
} loader_fixture;

/* create() with @p options; on success also fetches the analytic subject. */
static int open_loader(loader_fixture *f, const char *options)
{
    dnnr_error err = {{0}};
    memset(f, 0, sizeof *f);
    f->host = dnnr__host_create_simple("testfunctions", 7, options, &err);
    ck_assert_msg(f->host != NULL, "%s", err.msg);
    f->iface = dnnr_plugin_testfunctions_entry()->iface;
    dnnr_loader_init init = {.struct_size = sizeof init, .host = f->host, .subject_file = "(test)"};
    int rc = f->iface->create(&init, &f->loader);
    if (rc == DNNR_OK) {
        f->subject.struct_size = sizeof f->subject;
        ck_assert_int_eq(f->iface->analytic(f->loader, &f->subject), DNNR_OK);
    }
    return rc;
}

static void close_loader(loader_fixture *f)
{
    f->iface->destroy(f->loader);
    dnnr__host_destroy(f->host);
}

static double evaluate(loader_fixture *f, const dnnr_value *config, double fidelity, uint64_t key)
{
    double value = NAN;
    int rc = f->iface->evaluate(f->loader, config, fidelity, key, &value);
    ck_assert_msg(rc == DNNR_OK, "evaluate: %s", dnnr__host_last_error(f->host));
    return value;
}

START_TEST(plugin_descriptor)
{
    const dnnr_plugin_desc *d = dnnr_plugin_testfunctions_entry();
    ck_assert_int_eq(d->kind, DNNR_KIND_LOADER);
    ck_assert_str_eq(d->name, "testfunctions");
    ck_assert_uint_ge(d->iface_size, sizeof(dnnr_loader_iface));
    const dnnr_loader_iface *iface = d->iface;
    ck_assert_ptr_nonnull(iface->analytic);
    ck_assert_ptr_nonnull(iface->evaluate);
    ck_assert_ptr_null(iface->load);
    iface->destroy(NULL);
}
END_TEST

/* The shared object: accepted by the registry, and it evaluates as the
 * statically linked plugin does. */
START_TEST(plugin_shared_object)
{
    dnnr_registry *reg = dnnr__registry_create();
    ck_assert_ptr_nonnull(reg);
    dnnr_error err = {{0}};
    ck_assert_msg(dnnr__registry_load_file(reg, TESTFUNCTIONS_PLUGIN_FILE, &err) == DNNR_OK, "%s",
                  err.msg);
    const dnnr_plugin *p = dnnr__registry_find(reg, DNNR_KIND_LOADER, "testfunctions");
    ck_assert_ptr_nonnull(p);
    loader_fixture f;
    ck_assert_int_eq(open_loader(&f, "function = \"hartmann3\";"), DNNR_OK);
    f.iface->destroy(f.loader);
    f.iface = p->desc->iface;
    dnnr_loader_init init = {.struct_size = sizeof init, .host = f.host};
    ck_assert_int_eq(f.iface->create(&init, &f.loader), DNNR_OK);
    ck_assert_int_eq(f.iface->analytic(f.loader, &f.subject), DNNR_OK);
    ck_assert_double_eq_tol(evaluate(&f, f.subject.start, 0, 1), -0.628022015070594, TOL);
    close_loader(&f);
    dnnr__registry_destroy(reg);
}
END_TEST

/* Each subject: the start's documented value, f* at the argmin, and a space
 * and start the core accepts. */
static const struct {
    const char *options;
    uint32_t n_params;
    double at_start; /* from the table in catalog.c, computed independently */
    double argmin[6];
} subjects[] = {
    {"function = \"branin\";", 2, 145.872190879396, {PI, 2.275}},
    {"function = \"hartmann6\";",
     6,
     -0.505314991702233,
     {0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573}},
    {"function = \"hartmann3\";", 3, -0.628022015070594, {0.114614, 0.555649, 0.852547}},
    {"function = \"rosenbrock\";", 4, 532.4, {1, 1, 1, 1}},
    {"function = \"ackley\";", 5, 21.4890169105241, {0, 0, 0, 0, 0}},
    {"function = \"mixed\";", 4, 30.9, {0}},
    {"function = \"multifidelity\";", 2, 145.872190879396, {3 * PI, 2.475}},
};

START_TEST(plugin_subjects)
{
    loader_fixture f;
    ck_assert_int_eq(open_loader(&f, subjects[_i].options), DNNR_OK);
    dnnr_error err = {{0}};
    ck_assert_msg(dnnr__host_check_options(f.host, &err) == DNNR_OK, "%s", err.msg);
    const dnnr_analytic *a = &f.subject;
    ck_assert_uint_eq(a->space->n_params, subjects[_i].n_params);
    dnnr_space *copy = dnnr__space_copy(a->space);
    ck_assert_ptr_nonnull(copy);
    ck_assert_msg(dnnr__space_check_config(copy, a->start, &err) == DNNR_OK, "%s", err.msg);
    dnnr__space_destroy(copy);

    ck_assert_double_eq_tol(evaluate(&f, a->start, 0.0, 1), subjects[_i].at_start, TOL);
    dnnr_value best[6];
    if (strstr(subjects[_i].options, "mixed")) {
        best[0].i = 1, best[1].i = 7, best[2].f = 1.5, best[3].f = 1e-3;
    } else {
        for (uint32_t i = 0; i < a->space->n_params; i++)
            best[i].f = subjects[_i].argmin[i];
    }
    ck_assert_double_eq_tol(evaluate(&f, best, 0.0, 1), a->optimum, FSTAR);
    ck_assert_int_eq(a->fidelity_kind, strstr(subjects[_i].options, "multi") ? DNNR_FIDELITY_BUDGET
                                                                             : DNNR_FIDELITY_NONE);
    close_loader(&f);
}
END_TEST

/* The shipped subject files parse in the core, name only known options, and
 * give a start the core accepts. */
START_TEST(plugin_subject_files)
{
    static const char *const files[] = {"branin",  "hartmann6", "hartmann3",    "rosenbrock4",
                                        "ackley5", "mixed",     "multifidelity"};
    static const char *const ignore[] = {"loader", NULL};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/configs/subjects/analytic/%s.cfg", DNNR_TEST_SOURCE_DIR,
                 files[i]);
        dnnr_error err = {{0}};
        dnnr_subject *subject = NULL;
        ck_assert_msg(dnnr__subject_read(path, &subject, &err) == DNNR_OK, "%s", err.msg);
        ck_assert_str_eq(subject->loader, "testfunctions");
        dnnr_host_params params = {.plugin_name = "testfunctions",
                                   .seed = 1,
                                   .options = subject->dataset,
                                   .options_file = path,
                                   .ignore_keys = ignore,
                                   .verbosity = DNNR_LOG_WARN};
        dnnr_host *host = dnnr__host_create(&params, &err);
        ck_assert_ptr_nonnull(host);
        const dnnr_loader_iface *iface = dnnr_plugin_testfunctions_entry()->iface;
        dnnr_loader_init init = {.struct_size = sizeof init, .host = host, .subject_file = path};
        dnnr_loader *loader = NULL;
        ck_assert_msg(iface->create(&init, &loader) == DNNR_OK, "%s: %s", path,
                      dnnr__host_last_error(host));
        ck_assert_msg(dnnr__host_check_options(host, &err) == DNNR_OK, "%s", err.msg);
        dnnr_analytic a = {.struct_size = sizeof a};
        ck_assert_int_eq(iface->analytic(loader, &a), DNNR_OK);
        ck_assert_msg(dnnr__subject_set_analytic(subject, a.space, a.start, a.optimum, &err) ==
                          DNNR_OK,
                      "%s", err.msg);
        ck_assert_int_eq(subject->metric_kind, DNNR_METRIC_ANALYTIC);
        iface->destroy(loader);
        dnnr__host_destroy(host);
        dnnr__subject_destroy(subject);
    }
}
END_TEST

START_TEST(plugin_dim_option)
{
    loader_fixture f;
    ck_assert_int_eq(open_loader(&f, "function = \"rosenbrock\"; dim = 7;"), DNNR_OK);
    ck_assert_uint_eq(f.subject.space->n_params, 7);
    ck_assert_str_eq(f.subject.space->params[6]->name, "x7");
    ck_assert_double_eq_tol(evaluate(&f, f.subject.start, 0, 1), 3 * 24.2 + 3 * 484.0, 1e-9);
    close_loader(&f);
    ck_assert_int_eq(open_loader(&f, "function = \"ackley\"; dim = 2;"), DNNR_OK);
    ck_assert_uint_eq(f.subject.space->n_params, 2);
    close_loader(&f);
}
END_TEST

START_TEST(plugin_noise_is_repeatable_and_gaussian)
{
    loader_fixture f;
    ck_assert_int_eq(open_loader(&f, "function = \"branin\"; noise = 0.5;"), DNNR_OK);
    const dnnr_value x[2] = {{.f = 2.5}, {.f = 7.5}};
    const double exact = 24.1299644136223;
    ck_assert_double_eq(evaluate(&f, x, 0, 99), evaluate(&f, x, 0, 99));
    ck_assert_double_ne(evaluate(&f, x, 0, 99), evaluate(&f, x, 0, 100));
    const int n = 4000;
    double sum = 0, sum_sq = 0;
    for (int k = 0; k < n; k++) {
        double e = evaluate(&f, x, 0, 1000 + (uint64_t)k) - exact;
        sum += e;
        sum_sq += e * e;
    }
    double mean = sum / n, sd = sqrt(sum_sq / n - mean * mean);
    ck_assert_double_lt(fabs(mean), 4 * 0.5 / sqrt(n)); /* unbiased */
    ck_assert_double_eq_tol(sd, 0.5, 0.05);
    close_loader(&f);
}
END_TEST

/* Spearman rank correlation of a[0..n) and b[0..n) (no ties expected). */
static double spearman(const double *a, const double *b, int n)
{
    double sum_d2 = 0;
    for (int i = 0; i < n; i++) {
        int rank_a = 0, rank_b = 0;
        for (int j = 0; j < n; j++) {
            rank_a += a[j] < a[i];
            rank_b += b[j] < b[i];
        }
        sum_d2 += (double)(rank_a - rank_b) * (rank_a - rank_b);
    }
    return 1.0 - 6.0 * sum_d2 / ((double)n * ((double)n * n - 1.0));
}

START_TEST(plugin_multifidelity)
{
    loader_fixture f;
    ck_assert_int_eq(open_loader(&f, "function = \"multifidelity\";"), DNNR_OK);
    ck_assert_int_eq(f.subject.fidelity_kind, DNNR_FIDELITY_BUDGET);
    ck_assert_double_eq(f.subject.min_fidelity, 1.0);
    ck_assert_double_eq(f.subject.max_fidelity, 81.0);

    enum { N = 300 };
    static const double budgets[] = {1, 3, 9, 27, 81};
    double truth[N], observed[5][N];
    dnnr_rng rng;
    dnnr_rng_init(&rng, 5);
    for (int i = 0; i < N; i++) {
        dnnr_value x[2] = {{.f = -5 + 15 * dnnr_rng_uniform(&rng)},
                           {.f = 15 * dnnr_rng_uniform(&rng)}};
        truth[i] = tf_branin((double[]){x[0].f, x[1].f});
        for (int b = 0; b < 5; b++)
            observed[b][i] = evaluate(&f, x, budgets[b], (uint64_t)i);
        /* Full budget (and fidelity 0, its synonym) is Branin exactly. */
        ck_assert_double_eq(observed[4][i], truth[i]);
        ck_assert_double_eq(evaluate(&f, x, 0.0, (uint64_t)i), truth[i]);
    }
    /* Cheap budgets rank roughly right, better as the budget grows. */
    double last = -1.0;
    for (int b = 0; b < 5; b++) {
        double rho = spearman(observed[b], truth, N);
        ck_assert_msg(rho > 0.7 && rho > last, "budget %g: rho %g", budgets[b], rho);
        if (b < 4)
            ck_assert_msg(rho < 1.0, "budget %g is exact", budgets[b]);
        last = rho;
    }

    /* At the smallest budget: mean = the distorted Branin, std = fidelity_noise. */
    const dnnr_value x[2] = {{.f = 2.5}, {.f = 7.5}};
    double sum = 0, sum_sq = 0;
    for (int k = 0; k < 4000; k++) {
        double e = evaluate(&f, x, 1.0, (uint64_t)k) - 30.3599274075567;
        sum += e;
        sum_sq += e * e;
    }
    double mean = sum / 4000, sd = sqrt(sum_sq / 4000 - mean * mean);
    ck_assert_double_lt(fabs(mean), 4 * 1.0 / sqrt(4000));
    ck_assert_double_eq_tol(sd, 1.0, 0.1);

    /* Budgets outside the range are refused; rounding slack is not. */
    double out;
    ck_assert_int_eq(f.iface->evaluate(f.loader, x, 0.5, 1, &out), DNNR_EINVAL);
    ck_assert_ptr_nonnull(strstr(dnnr__host_last_error(f.host), "outside the budget range"));
    ck_assert_int_eq(f.iface->evaluate(f.loader, x, 82, 1, &out), DNNR_EINVAL);
    ck_assert_int_eq(f.iface->evaluate(f.loader, x, 81 * 3 * (1.0 / 3), 1, &out), DNNR_OK);
    ck_assert_int_eq(f.iface->evaluate(f.loader, x, 1 - 1e-12, 1, &out), DNNR_OK);
    close_loader(&f);

    ck_assert_int_eq(open_loader(&f, "function = \"multifidelity\"; min_budget = 3; "
                                     "max_budget = 27.0; fidelity_noise = 0.0;"),
                     DNNR_OK);
    ck_assert_double_eq(f.subject.min_fidelity, 3.0);
    ck_assert_double_eq(f.subject.max_fidelity, 27.0);
    /* No fidelity noise: the bias alone, full at min_budget, gone at max_budget. */
    ck_assert_double_eq_tol(evaluate(&f, x, 3, 1), 30.3599274075567, TOL);
    ck_assert_double_eq_tol(evaluate(&f, x, 27, 1), 24.1299644136223, TOL);
    close_loader(&f);
}
END_TEST

static const struct {
    const char *options;
    const char *message; /* a piece of the expected error */
} bad_options[] = {
    {"function = \"brannin\";", "unknown function 'brannin'; expected one of branin,"},
    {"", "option 'function' is required"},
    {"functon = \"branin\";", "option 'function' is required"},
    {"function = 3;", "expected a string"},
    {"function = \"rosenbrock\"; dim = 1;", "'dim' of rosenbrock must be between 2 and 1000"},
    {"function = \"ackley\"; dim = 1001;", "between 2 and 1000; got 1001"},
    {"function = \"ackley\"; dim = 2.5;", "expected an integer"},
    {"function = \"branin\"; dim = 3;", "'dim' applies only to rosenbrock and ackley"},
    {"function = \"branin\"; noise = -1.0;", "'noise' must be >= 0"},
    {"function = \"branin\"; noise = \"high\";", "expected a number"},
    {"function = \"hartmann6\"; max_budget = 27.0;", "applies only to function multifidelity"},
    {"function = \"multifidelity\"; min_budget = 81; max_budget = 9;", "min_budget < max_budget"},
    {"function = \"multifidelity\"; min_budget = 0;", "min_budget < max_budget"},
    {"function = \"multifidelity\"; fidelity_noise = -2;", "'fidelity_noise' must be >= 0"},
};

START_TEST(plugin_bad_options)
{
    loader_fixture f;
    ck_assert_int_eq(open_loader(&f, bad_options[_i].options), DNNR_EINVAL);
    ck_assert_ptr_null(f.loader);
    const char *msg = dnnr__host_last_error(f.host);
    ck_assert_msg(strstr(msg, bad_options[_i].message) != NULL, "'%s' lacks '%s'", msg,
                  bad_options[_i].message);
    close_loader(&f);
}
END_TEST

START_TEST(plugin_unknown_option_is_reported)
{
    loader_fixture f;
    ck_assert_int_eq(open_loader(&f, "function = \"branin\"; functon = \"ackley\";"), DNNR_OK);
    dnnr_error err = {{0}};
    ck_assert_int_eq(dnnr__host_check_options(f.host, &err), DNNR_EINVAL);
    ck_assert_msg(strstr(err.msg, "functon") != NULL, "%s", err.msg);
    close_loader(&f);
}
END_TEST

START_TEST(plugin_refuses_bad_configurations)
{
    loader_fixture f;
    double out;
    ck_assert_int_eq(open_loader(&f, "function = \"branin\";"), DNNR_OK);
    dnnr_value x[2] = {{.f = 11.0}, {.f = 1.0}};
    ck_assert_int_eq(f.iface->evaluate(f.loader, x, 0, 1, &out), DNNR_EINVAL);
    ck_assert_ptr_nonnull(strstr(dnnr__host_last_error(f.host), "x1 is outside"));
    x[0].f = NAN;
    ck_assert_int_eq(f.iface->evaluate(f.loader, x, 0, 1, &out), DNNR_EINVAL);
    x[0].f = 1.0;
    ck_assert_int_eq(f.iface->evaluate(f.loader, x, 3, 1, &out), DNNR_EINVAL);
    ck_assert_ptr_nonnull(strstr(dnnr__host_last_error(f.host), "single fidelity"));
    close_loader(&f);

    ck_assert_int_eq(open_loader(&f, "function = \"mixed\";"), DNNR_OK);
    dnnr_value m[4] = {{.i = 3}, {.i = 7}, {.f = 1.5}, {.f = 1e-3}};
    ck_assert_int_eq(f.iface->evaluate(f.loader, m, 0, 1, &out), DNNR_EINVAL);
    ck_assert_ptr_nonnull(strstr(dnnr__host_last_error(f.host), "kind is outside"));
    m[0].i = 1;
    m[1].i = 0;
    ck_assert_int_eq(f.iface->evaluate(f.loader, m, 0, 1, &out), DNNR_EINVAL);
    m[1].i = 7;
    m[3].f = 0.5;
    ck_assert_int_eq(f.iface->evaluate(f.loader, m, 0, 1, &out), DNNR_EINVAL);
    close_loader(&f);
}
END_TEST

/* evaluate() MUST be thread-safe: four threads evaluating at once get the
 * values a single thread gets. */
enum { N_THREADS = 4, N_POINTS = 2000 };

typedef struct eval_job {
    loader_fixture *f;
    const dnnr_value (*points)[2];
    double values[N_POINTS];
} eval_job;

static void *evaluate_all(void *arg)
{
    eval_job *job = arg;
    for (int i = 0; i < N_POINTS; i++) {
        double budget = 1.0 + (double)(i % 81);
        int rc = job->f->iface->evaluate(job->f->loader, job->points[i], budget, (uint64_t)i,
                                         &job->values[i]);
        if (rc != DNNR_OK)
            job->values[i] = NAN;
    }
    return NULL;
}

START_TEST(plugin_evaluate_is_thread_safe)
{
    loader_fixture f;
    ck_assert_int_eq(open_loader(&f, "function = \"multifidelity\"; noise = 0.3;"), DNNR_OK);
    static dnnr_value points[N_POINTS][2];
    dnnr_rng rng;
    dnnr_rng_init(&rng, 9);
    for (int i = 0; i < N_POINTS; i++) {
        points[i][0].f = -5 + 15 * dnnr_rng_uniform(&rng);
        points[i][1].f = 15 * dnnr_rng_uniform(&rng);
    }
    static eval_job serial, jobs[N_THREADS];
    serial.f = &f;
    serial.points = (const dnnr_value(*)[2])points;
    evaluate_all(&serial);
    pthread_t threads[N_THREADS];
    for (int t = 0; t < N_THREADS; t++) {
        jobs[t].f = &f;
        jobs[t].points = serial.points;
        for (int i = 0; i < N_POINTS; i++)
            jobs[t].values[i] = NAN; /* so a skipped write cannot pass */
        ck_assert_int_eq(pthread_create(&threads[t], NULL, evaluate_all, &jobs[t]), 0);
    }
    for (int t = 0; t < N_THREADS; t++) {
        ck_assert_int_eq(pthread_join(threads[t], NULL), 0);
        for (int i = 0; i < N_POINTS; i++) {
            ck_assert(!isnan(serial.values[i]));
            ck_assert_double_eq(jobs[t].values[i], serial.values[i]);
        }
    }
    close_loader(&f);
}
END_TEST

/* Out of memory anywhere in create(): DNNR_ENOMEM and no leak (LSan). */
START_TEST(plugin_create_out_of_memory)
{
    int enomem_seen = 0;
    for (int countdown = 0; countdown < 20; countdown++) {
        dnnr_error err = {{0}};
        dnnr_host *host =
            dnnr__host_create_simple("testfunctions", 1, "function = \"ackley\"; dim = 3;", &err);
        ck_assert_ptr_nonnull(host);
        const dnnr_loader_iface *iface = dnnr_plugin_testfunctions_entry()->iface;
        dnnr_loader_init init = {.struct_size = sizeof init, .host = host};
        dnnr_loader *loader = NULL;
        dnnr__alloc_fault(countdown, 1);
        int rc = iface->create(&init, &loader);
        dnnr__alloc_fault(-1, 0);
        iface->destroy(loader);
        dnnr__host_destroy(host);
        if (rc == DNNR_OK) {
            ck_assert_int_gt(enomem_seen, 0);
            return;
        }
        ck_assert_int_eq(rc, DNNR_ENOMEM);
        ck_assert_ptr_null(loader);
        enomem_seen++;
    }
    ck_abort_msg("create never succeeded");
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

    TCase *plugin = tcase_create("plugin");
    tcase_set_timeout(plugin, 20);
    tcase_add_test(plugin, plugin_descriptor);
    tcase_add_test(plugin, plugin_shared_object);
    tcase_add_loop_test(plugin, plugin_subjects, 0, (int)(sizeof subjects / sizeof subjects[0]));
    tcase_add_test(plugin, plugin_subject_files);
    tcase_add_test(plugin, plugin_dim_option);
    tcase_add_test(plugin, plugin_noise_is_repeatable_and_gaussian);
    tcase_add_test(plugin, plugin_multifidelity);
    tcase_add_loop_test(plugin, plugin_bad_options, 0,
                        (int)(sizeof bad_options / sizeof bad_options[0]));
    tcase_add_test(plugin, plugin_unknown_option_is_reported);
    tcase_add_test(plugin, plugin_refuses_bad_configurations);
    tcase_add_test(plugin, plugin_evaluate_is_thread_safe);
    tcase_add_test(plugin, plugin_create_out_of_memory);
    suite_add_tcase(s, plugin);

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
