/* The random searcher: Ray Tune's BasicVariantGenerator semantics (every
 * parameter drawn independently with the right marginal), repeatability from
 * the seed, max_trials, and the searcher protocol (no EAGAIN, tell counts). */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <dnnrepair/dnnrepair.h>

#include "host/host.h"
#include "registry/registry.h"
#include "space/space.h"
#include "util/alloc.h"

const dnnr_plugin_desc *dnnr_plugin_random_entry(void);

/* Chi-square critical values at p = 0.001 for the degrees of freedom used:
 * a correct sampler fails one of these checks once in a thousand seeds, and
 * the seed is fixed, so the suite is deterministic. */
#define CHI2_DF2 13.816
#define CHI2_DF9 27.877
#define CHI2_DF19 43.820
#define CHI2_DF29 58.301
#define CHI2_DF99 148.230
/* Kolmogorov-Smirnov: sqrt(n) * D above this has p < 0.001. */
#define KS_CRIT 1.949

enum { P_FLOAT, P_LOGFLOAT, P_INT, P_LOGINT, P_CAT, N_PARAMS };

static const char *const colours[3] = {"red", "green", "blue"};

static dnnr_space *make_space(void)
{
    dnnr_space *s = dnnr__space_create();
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(dnnr__space_add_float(s, "x", -2.0, 3.0, 0, 0.0), DNNR_OK);
    ck_assert_int_eq(dnnr__space_add_float(s, "lr", 1e-4, 1.0, 1, 1e-2), DNNR_OK);
    ck_assert_int_eq(dnnr__space_add_int(s, "units", 1, 10, 0, 5), DNNR_OK);
    ck_assert_int_eq(dnnr__space_add_int(s, "batch", 1, 100, 1, 32), DNNR_OK);
    ck_assert_int_eq(dnnr__space_add_categorical(s, "colour", colours, 3, 0), DNNR_OK);
    return s;
}

typedef struct fixture {
    dnnr_space *space;
    dnnr_host *host;
    const dnnr_searcher_iface *iface;
    dnnr_searcher *searcher;
} fixture;

/* A searcher over make_space() with @p options; returns create()'s status. */
static int open_searcher(fixture *f, uint64_t seed, const char *options)
{
    dnnr_error err = {{0}};
    memset(f, 0, sizeof *f);
    f->space = make_space();
    f->host = dnnr__host_create_simple("random", seed, options, &err);
    ck_assert_msg(f->host != NULL, "%s", err.msg);
    f->iface = dnnr_plugin_random_entry()->iface;
    dnnr_searcher_init init = {
        .struct_size = sizeof init,
        .host = f->host,
        .space = f->space,
        .start = NULL,
        .metric_kind = DNNR_METRIC_ANALYTIC,
        .fidelity_kind = DNNR_FIDELITY_NONE,
        .max_in_flight = 4,
    };
    return f->iface->create(&init, &f->searcher);
}

static void close_searcher(fixture *f)
{
    f->iface->destroy(f->searcher);
    dnnr__host_destroy(f->host);
    dnnr__space_destroy(f->space);
}

static int ask(fixture *f, dnnr_value config[N_PARAMS])
{
    dnnr_trial_request req = {.struct_size = sizeof req, .config = config, .warm_start = -1};
    return f->iface->ask(f->searcher, &req);
}

START_TEST(descriptor)
{
    const dnnr_plugin_desc *d = dnnr_plugin_random_entry();
    ck_assert_int_eq(d->kind, DNNR_KIND_SEARCHER);
    ck_assert_str_eq(d->name, "random");
    ck_assert_uint_eq(d->sdk_major, DNNR_SDK_VERSION_MAJOR);
    ck_assert_uint_ge(d->iface_size, sizeof(dnnr_searcher_iface));
    const dnnr_searcher_iface *iface = d->iface;
    ck_assert_ptr_nonnull(iface->create);
    ck_assert_ptr_nonnull(iface->ask);
    ck_assert_ptr_nonnull(iface->tell);
    iface->destroy(NULL); /* MUST be a no-op */
}
END_TEST

/* The shared object itself: accepted by the registry, and its dlopened
 * table samples exactly as the statically linked one. */
START_TEST(shared_object_loads_and_agrees)
{
    dnnr_registry *reg = dnnr__registry_create();
    ck_assert_ptr_nonnull(reg);
    dnnr_error err = {{0}};
    ck_assert_msg(dnnr__registry_load_file(reg, RANDOM_PLUGIN_FILE, &err) == DNNR_OK, "%s",
                  err.msg);
    const dnnr_plugin *p = dnnr__registry_find(reg, DNNR_KIND_SEARCHER, "random");
    ck_assert_ptr_nonnull(p);
    ck_assert_ptr_ne(p->desc, dnnr_plugin_random_entry());

    fixture f;
    ck_assert_int_eq(open_searcher(&f, 11, NULL), DNNR_OK);
    dnnr_value from_static[N_PARAMS], from_shared[N_PARAMS];
    ck_assert_int_eq(ask(&f, from_static), DNNR_OK);
    f.iface->destroy(f.searcher);
    f.iface = p->desc->iface;
    dnnr__host_destroy(f.host);
    f.host = dnnr__host_create_simple("random", 11, NULL, &err);
    dnnr_searcher_init init = {.struct_size = sizeof init, .host = f.host, .space = f.space};
    ck_assert_int_eq(f.iface->create(&init, &f.searcher), DNNR_OK);
    ck_assert_int_eq(ask(&f, from_shared), DNNR_OK);
    ck_assert(dnnr__config_equal(f.space, from_static, from_shared));
    close_searcher(&f);
    dnnr__registry_destroy(reg);
}
END_TEST

static double chi_square(const long *observed, const double *expected, int bins)
{
    double chi2 = 0.0;
    for (int b = 0; b < bins; b++) {
        double diff = (double)observed[b] - expected[b];
        chi2 += diff * diff / expected[b];
    }
    return chi2;
}

static double chi_square_uniform(const long *observed, int bins, long n)
{
    double expected[100];
    ck_assert_int_le(bins, 100);
    for (int b = 0; b < bins; b++)
        expected[b] = (double)n / bins;
    return chi_square(observed, expected, bins);
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* sqrt(n) times the KS distance of sorted u[0..n) from U(0, 1). */
static double ks_uniform(double *u, long n)
{
    qsort(u, (size_t)n, sizeof *u, compare_double);
    double d = 0.0;
    for (long i = 0; i < n; i++) {
        double above = (double)(i + 1) / (double)n - u[i];
        double below = u[i] - (double)i / (double)n;
        d = fmax(d, fmax(above, below));
    }
    return sqrt((double)n) * d;
}

#define N_DRAWS 20000L

START_TEST(marginals_are_ray_tune_s)
{
    fixture f;
    ck_assert_int_eq(open_searcher(&f, 20240611u, NULL), DNNR_OK);
    long float_bins[20] = {0}, log_bins[20] = {0}, int_bins[10] = {0}, logint_bins[100] = {0};
    long cat_bins[3] = {0}, joint_bins[30] = {0};
    double *u_float = calloc(N_DRAWS, sizeof *u_float);
    double *u_log = calloc(N_DRAWS, sizeof *u_log);
    ck_assert(u_float && u_log);

    for (long n = 0; n < N_DRAWS; n++) {
        dnnr_value c[N_PARAMS];
        /* Never EAGAIN: any number of trials may be in flight, no tell needed. */
        ck_assert_int_eq(ask(&f, c), DNNR_OK);

        ck_assert(c[P_FLOAT].f >= -2.0 && c[P_FLOAT].f <= 3.0);
        u_float[n] = (c[P_FLOAT].f + 2.0) / 5.0;
        float_bins[(int)fmin(19, floor(u_float[n] * 20))]++;

        ck_assert(c[P_LOGFLOAT].f >= 1e-4 && c[P_LOGFLOAT].f <= 1.0);
        u_log[n] = (log(c[P_LOGFLOAT].f) - log(1e-4)) / (log(1.0) - log(1e-4));
        log_bins[(int)fmin(19, floor(u_log[n] * 20))]++;

        ck_assert(c[P_INT].i >= 1 && c[P_INT].i <= 10);
        int_bins[c[P_INT].i - 1]++;

        ck_assert(c[P_LOGINT].i >= 1 && c[P_LOGINT].i <= 100);
        logint_bins[c[P_LOGINT].i - 1]++;

        ck_assert(c[P_CAT].i >= 0 && c[P_CAT].i < 3);
        cat_bins[c[P_CAT].i]++;
        joint_bins[(c[P_INT].i - 1) * 3 + c[P_CAT].i]++;
    }

    double chi2;
    ck_assert_msg((chi2 = chi_square_uniform(float_bins, 20, N_DRAWS)) < CHI2_DF19, "float %g",
                  chi2);
    ck_assert_msg((chi2 = ks_uniform(u_float, N_DRAWS)) < KS_CRIT, "float KS %g", chi2);
    ck_assert_msg((chi2 = chi_square_uniform(log_bins, 20, N_DRAWS)) < CHI2_DF19, "log %g", chi2);
    ck_assert_msg((chi2 = ks_uniform(u_log, N_DRAWS)) < KS_CRIT, "log KS %g", chi2);
    /* Integers: uniform over [lo, hi], both ends included. */
    ck_assert_msg((chi2 = chi_square_uniform(int_bins, 10, N_DRAWS)) < CHI2_DF9, "int %g", chi2);
    ck_assert_int_gt(int_bins[0], 0);
    ck_assert_int_gt(int_bins[9], 0);
    /* Log integers as Ray's lograndint over [lo, hi + 1): P(k) = ln((k+1)/k) / ln(101). */
    double expected[100];
    for (int k = 1; k <= 100; k++)
        expected[k - 1] = N_DRAWS * log((k + 1.0) / k) / log(101.0);
    ck_assert_msg((chi2 = chi_square(logint_bins, expected, 100)) < CHI2_DF99, "logint %g", chi2);
    ck_assert_int_gt(logint_bins[99], 0);
    ck_assert_msg((chi2 = chi_square_uniform(cat_bins, 3, N_DRAWS)) < CHI2_DF2, "cat %g", chi2);
    /* Independence: the (units, colour) pairs are uniform over all 30 cells. */
    ck_assert_msg((chi2 = chi_square_uniform(joint_bins, 30, N_DRAWS)) < CHI2_DF29, "joint %g",
                  chi2);

    free(u_float);
    free(u_log);
    close_searcher(&f);
}
END_TEST

/* The check above must be able to fail: a sampler that favours the low half
 * of the range is caught. */
START_TEST(chi_square_catches_a_biased_sampler)
{
    long bins[20] = {0};
    dnnr_rng rng;
    dnnr_rng_init(&rng, 7);
    for (long n = 0; n < N_DRAWS; n++) {
        double u = dnnr_rng_uniform(&rng);
        u = u * u * 0.1 + u * 0.9; /* mildly biased toward 0 */
        bins[(int)fmin(19, floor(u * 20))]++;
    }
    ck_assert_double_gt(chi_square_uniform(bins, 20, N_DRAWS), CHI2_DF19);
}
END_TEST

#define N_SEQ 50

static void sequence(uint64_t seed, dnnr_value out[N_SEQ][N_PARAMS])
{
    fixture f;
    ck_assert_int_eq(open_searcher(&f, seed, NULL), DNNR_OK);
    for (int i = 0; i < N_SEQ; i++)
        ck_assert_int_eq(ask(&f, out[i]), DNNR_OK);
    close_searcher(&f);
}

START_TEST(same_seed_same_trials)
{
    static dnnr_value a[N_SEQ][N_PARAMS], b[N_SEQ][N_PARAMS], c[N_SEQ][N_PARAMS];
    sequence(42, a);
    sequence(42, b);
    sequence(43, c);
    dnnr_space *space = make_space();
    int same_as_other_seed = 0, repeats_within = 0;
    for (int i = 0; i < N_SEQ; i++) {
        ck_assert_msg(dnnr__config_equal(space, a[i], b[i]), "trial %d differs", i);
        same_as_other_seed += a[i][P_FLOAT].f == c[i][P_FLOAT].f;
        if (i > 0)
            repeats_within += a[i][P_FLOAT].f == a[i - 1][P_FLOAT].f;
    }
    ck_assert_int_eq(same_as_other_seed, 0);
    ck_assert_int_eq(repeats_within, 0);
    dnnr__space_destroy(space);
}
END_TEST

START_TEST(max_trials_ends_with_edone)
{
    fixture f;
    ck_assert_int_eq(open_searcher(&f, 1, "max_trials = 5;"), DNNR_OK);
    dnnr_error err = {{0}};
    ck_assert_int_eq(dnnr__host_check_options(f.host, &err), DNNR_OK);
    dnnr_value c[N_PARAMS];
    for (int i = 0; i < 5; i++)
        ck_assert_int_eq(ask(&f, c), DNNR_OK);
    ck_assert_int_eq(ask(&f, c), DNNR_EDONE);
    ck_assert_int_eq(ask(&f, c), DNNR_EDONE); /* and stays done */
    close_searcher(&f);
}
END_TEST

START_TEST(tell_accepts_every_outcome)
{
    fixture f;
    ck_assert_int_eq(open_searcher(&f, 3, "max_trials = 0;"), DNNR_OK);
    dnnr_value c[N_PARAMS];
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(ask(&f, c), DNNR_OK);
    dnnr_trial_result ok = {.struct_size = sizeof ok,
                            .trial_id = 1,
                            .config = c,
                            .message = "",
                            .objective = 0.5,
                            .metric = 0.5,
                            .warm_start = -1};
    dnnr_trial_result crashed = ok;
    crashed.status = DNNR_TRIAL_CRASHED;
    crashed.message = "signal 11";
    crashed.objective = crashed.metric = NAN;
    ck_assert_int_eq(f.iface->tell(f.searcher, &ok), DNNR_OK);
    ck_assert_int_eq(f.iface->tell(f.searcher, &crashed), DNNR_OK);
    /* Results change nothing: the next sample is the one a fresh run gives. */
    dnnr_value after_tell[N_PARAMS];
    ck_assert_int_eq(ask(&f, after_tell), DNNR_OK);
    close_searcher(&f);

    ck_assert_int_eq(open_searcher(&f, 3, NULL), DNNR_OK);
    dnnr_value untold[N_PARAMS];
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(ask(&f, untold), DNNR_OK);
    ck_assert(dnnr__config_equal(f.space, after_tell, untold));
    close_searcher(&f);
}
END_TEST

START_TEST(bad_options)
{
    fixture f;
    ck_assert_int_eq(open_searcher(&f, 1, "max_trials = -1;"), DNNR_EINVAL);
    ck_assert_ptr_nonnull(strstr(dnnr__host_last_error(f.host), "max_trials"));
    f.searcher = NULL; /* destroy is never called after a failed create */
    close_searcher(&f);

    ck_assert_int_eq(open_searcher(&f, 1, "max_trials = \"ten\";"), DNNR_EINVAL);
    ck_assert_ptr_nonnull(strstr(dnnr__host_last_error(f.host), "expected an integer"));
    f.searcher = NULL;
    close_searcher(&f);

    /* A typo is reported once create() returns. */
    ck_assert_int_eq(open_searcher(&f, 1, "max_trial = 5;"), DNNR_OK);
    dnnr_error err = {{0}};
    ck_assert_int_eq(dnnr__host_check_options(f.host, &err), DNNR_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.msg, "max_trial"));
    close_searcher(&f);
}
END_TEST

/* Out of memory in create(): DNNR_ENOMEM, nothing leaked (LeakSanitizer).
 * Faults are persistent so the plugin's own allocation is reached even when
 * the host absorbs an earlier failure. */
START_TEST(create_out_of_memory)
{
    int enomem_seen = 0;
    for (int countdown = 0;; countdown++) {
        fixture f;
        memset(&f, 0, sizeof f);
        f.space = make_space();
        dnnr_error err = {{0}};
        f.host = dnnr__host_create_simple("random", 1, NULL, &err);
        ck_assert_ptr_nonnull(f.host);
        f.iface = dnnr_plugin_random_entry()->iface;
        dnnr_searcher_init init = {.struct_size = sizeof init, .host = f.host, .space = f.space};
        dnnr__alloc_fault(countdown, 1);
        int rc = f.iface->create(&init, &f.searcher);
        dnnr__alloc_fault(-1, 0);
        if (rc == DNNR_OK) {
            close_searcher(&f);
            break;
        }
        ck_assert_int_eq(rc, DNNR_ENOMEM);
        ck_assert_ptr_null(f.searcher);
        enomem_seen++;
        f.searcher = NULL;
        close_searcher(&f);
        ck_assert_int_lt(countdown, 10);
    }
    ck_assert_int_gt(enomem_seen, 0);
}
END_TEST

static Suite *random_suite(void)
{
    Suite *s = suite_create("random");
    TCase *tc = tcase_create("random");
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, descriptor);
    tcase_add_test(tc, shared_object_loads_and_agrees);
    tcase_add_test(tc, marginals_are_ray_tune_s);
    tcase_add_test(tc, chi_square_catches_a_biased_sampler);
    tcase_add_test(tc, same_seed_same_trials);
    tcase_add_test(tc, max_trials_ends_with_edone);
    tcase_add_test(tc, tell_accepts_every_outcome);
    tcase_add_test(tc, bad_options);
    tcase_add_test(tc, create_out_of_memory);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *runner = srunner_create(random_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
