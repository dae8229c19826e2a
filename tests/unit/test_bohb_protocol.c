/* The bohb plugin through its searcher interface: the order of requests
 * (HpBandSter's schedule with one worker), several brackets in flight with
 * EAGAIN at the worker limit, epoch rounding, warm promotions, study mode,
 * single-fidelity subjects, crashed trials, options and repeatability. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <dnnrepair/dnnrepair.h>

#include "host/host.h"
#include "space/space.h"
#include "util/alloc.h"

const dnnr_plugin_desc *dnnr_plugin_bohb_entry(void);

#define MAX_LOG 4096

/* One issued request, as the test saw it. */
typedef struct issued {
    uint64_t id;
    dnnr_value config[2];
    double fidelity;
    int64_t warm_start;
    uint32_t flags;
    char note[160];
} issued;

typedef struct fixture {
    dnnr_space *space;
    dnnr_host *host;
    const dnnr_searcher_iface *iface;
    dnnr_searcher *searcher;
    uint64_t next_id;
    issued log[MAX_LOG];
    size_t n_log;
} fixture;

static int open_searcher(fixture *f, uint64_t seed, const char *options, dnnr_fidelity_kind kind,
                         double min_fidelity, double max_fidelity, uint32_t workers)
{
    dnnr_error err = {{0}};
    memset(f, 0, sizeof *f);
    f->space = dnnr__space_create();
    ck_assert_int_eq(dnnr__space_add_float(f->space, "x", -1, 1, 0, 0.5), DNNR_OK);
    ck_assert_int_eq(dnnr__space_add_float(f->space, "lr", 1e-4, 1, 1, 0.01), DNNR_OK);
    f->host = dnnr__host_create_simple("bohb", seed, options, &err);
    ck_assert_msg(f->host != NULL, "%s", err.msg);
    f->iface = dnnr_plugin_bohb_entry()->iface;
    f->next_id = 1;
    dnnr_searcher_init init = {
        .struct_size = sizeof init,
        .host = f->host,
        .space = f->space,
        .metric_kind = DNNR_METRIC_LOSS,
        .fidelity_kind = kind,
        .min_fidelity = min_fidelity,
        .max_fidelity = max_fidelity,
        .max_in_flight = workers,
    };
    return f->iface->create(&init, &f->searcher);
}

static void close_searcher(fixture *f)
{
    f->iface->destroy(f->searcher);
    dnnr__host_destroy(f->host);
    dnnr__space_destroy(f->space);
}

/* Ask once; on DNNR_OK the request is appended to the log. */
static int ask(fixture *f)
{
    ck_assert_uint_lt(f->n_log, MAX_LOG);
    issued *r = &f->log[f->n_log];
    dnnr_trial_request req = {.struct_size = sizeof req, .trial_id = f->next_id,
                              .config = r->config, .warm_start = -1};
    int rc = f->iface->ask(f->searcher, &req);
    if (rc != DNNR_OK)
        return rc;
    r->id = f->next_id++;
    r->fidelity = req.fidelity;
    r->warm_start = req.warm_start;
    r->flags = req.flags;
    ck_assert_ptr_nonnull(req.note);
    strncpy(r->note, req.note, sizeof r->note - 1);
    ck_assert(r->config[0].f >= -1 && r->config[0].f <= 1);
    ck_assert(r->config[1].f >= 1e-4 && r->config[1].f <= 1);
    f->n_log++;
    return DNNR_OK;
}

/* The objective every test uses: lower x is better. */
static double objective_of(const issued *r) { return r->config[0].f; }

static void tell(fixture *f, const issued *r, dnnr_trial_status status)
{
    dnnr_trial_result res = {
        .struct_size = sizeof res,
        .trial_id = r->id,
        .config = r->config,
        .fidelity = r->fidelity,
        .warm_start = r->warm_start,
        .status = status,
        .message = status == DNNR_TRIAL_OK ? "" : "diverged",
        .objective = status == DNNR_TRIAL_OK ? objective_of(r) : NAN,
        .metric = NAN,
    };
    ck_assert_int_eq(f->iface->tell(f->searcher, &res), DNNR_OK);
}

static void tell_start(fixture *f)
{
    dnnr_value start[2] = {{.f = 0.5}, {.f = 0.01}};
    dnnr_trial_result res = {.struct_size = sizeof res, .trial_id = 0, .config = start,
                             .fidelity = 0, .warm_start = -1, .status = DNNR_TRIAL_OK,
                             .message = "", .objective = 0.5, .metric = 0.5};
    ck_assert_int_eq(f->iface->tell(f->searcher, &res), DNNR_OK);
}

/* One worker: ask, tell, ask, ... for @p n trials. */
static void run_sequential(fixture *f, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        ck_assert_int_eq(ask(f), DNNR_OK);
        tell(f, &f->log[f->n_log - 1], DNNR_TRIAL_OK);
    }
}

static int same_config(const issued *a, const issued *b)
{
    return a->config[0].f == b->config[0].f && a->config[1].f == b->config[1].f;
}

START_TEST(descriptor)
{
    const dnnr_plugin_desc *d = dnnr_plugin_bohb_entry();
    ck_assert_str_eq(d->name, "bohb");
    ck_assert_int_eq(d->kind, DNNR_KIND_SEARCHER);
    ck_assert_uint_eq(d->sdk_major, DNNR_SDK_VERSION_MAJOR);
    const dnnr_searcher_iface *iface = d->iface;
    ck_assert(iface->create && iface->destroy && iface->ask && iface->tell);
    iface->destroy(NULL);
}
END_TEST

START_TEST(one_worker_follows_hpbandster_schedule)
{
    /* min 1, max 9, eta 3: brackets 9@1,3@3,1@9 | 3@3,1@9 | 3@9, then again. */
    fixture f;
    ck_assert_int_eq(open_searcher(&f, 1, NULL, DNNR_FIDELITY_BUDGET, 1, 9, 1), DNNR_OK);
    tell_start(&f);
    static const double expected[] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 3, 3, 3, 9, /* s = 2 */
                                      3, 3, 3, 9,                            /* s = 1 */
                                      9, 9, 9,                               /* s = 0 */
                                      1, 1, 1, 1, 1, 1, 1, 1, 1, 3, 3, 3, 9};
    size_t n = sizeof expected / sizeof expected[0];
    run_sequential(&f, n);
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(f.log[i].fidelity == expected[i], "trial %zu: fidelity %g, expected %g", i,
                      f.log[i].fidelity, expected[i]);
    /* Rung 1 of bracket 0 re-runs the three best of rung 0, best first. */
    issued *rung0 = &f.log[0], *rung1 = &f.log[9];
    int order[9];
    for (int i = 0; i < 9; i++)
        order[i] = i;
    for (int i = 0; i < 9; i++) /* selection sort by objective */
        for (int j = i + 1; j < 9; j++)
            if (objective_of(&rung0[order[j]]) < objective_of(&rung0[order[i]])) {
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
    for (int i = 0; i < 3; i++) {
        ck_assert(same_config(&rung1[i], &rung0[order[i]]));
        ck_assert_ptr_nonnull(strstr(rung1[i].note, "promoted"));
        ck_assert_int_eq(rung1[i].warm_start, -1); /* warm_promotions is off */
        ck_assert_uint_eq(rung1[i].flags, 0);
    }
    ck_assert(same_config(&f.log[12], &rung1[0]));
    close_searcher(&f);
}
END_TEST

START_TEST(several_brackets_in_flight)
{
    fixture f;
    ck_assert_int_eq(open_searcher(&f, 2, NULL, DNNR_FIDELITY_BUDGET, 1, 9, 14), DNNR_OK);
    for (int i = 0; i < 9; i++)
        ck_assert_int_eq(ask(&f), DNNR_OK);
    /* Bracket 0's first rung is all out: bracket 1 (3@3) opens, then 2 (3@9). */
    for (int i = 0; i < 5; i++)
        ck_assert_int_eq(ask(&f), DNNR_OK);
    ck_assert_double_eq(f.log[9].fidelity, 3);
    ck_assert_double_eq(f.log[11].fidelity, 3);
    ck_assert_double_eq(f.log[12].fidelity, 9);
    ck_assert_double_eq(f.log[13].fidelity, 9);
    ck_assert_int_eq(ask(&f), DNNR_EAGAIN); /* 14 in flight = workers */
    /* Finishing bracket 1's three trials promotes one: that is served first. */
    for (int i = 9; i < 12; i++)
        tell(&f, &f.log[i], DNNR_TRIAL_OK);
    ck_assert_int_eq(ask(&f), DNNR_OK);
    ck_assert_double_eq(f.log[14].fidelity, 9);
    ck_assert_ptr_nonnull(strstr(f.log[14].note, "bracket 1"));
    ck_assert_ptr_nonnull(strstr(f.log[14].note, "promoted"));
    /* The next free slot opens bracket 2's last slot. */
    ck_assert_int_eq(ask(&f), DNNR_OK);
    ck_assert_ptr_nonnull(strstr(f.log[15].note, "bracket 2"));
    ck_assert_int_eq(ask(&f), DNNR_OK);
    ck_assert_ptr_nonnull(strstr(f.log[16].note, "bracket 3")); /* next cycle */
    ck_assert_double_eq(f.log[16].fidelity, 1);
    close_searcher(&f);
}
END_TEST

START_TEST(epoch_budgets_round_up)
{
    /* min 1, max 50: budgets 1.852, 5.556, 16.67, 50 epochs -> 2, 6, 17, 50. */
    fixture f;
    ck_assert_int_eq(open_searcher(&f, 3, NULL, DNNR_FIDELITY_EPOCHS, 1, 50, 1), DNNR_OK);
    run_sequential(&f, 27 + 9 + 3 + 1);
    ck_assert_double_eq(f.log[0].fidelity, 2);
    ck_assert_double_eq(f.log[27].fidelity, 6);
    ck_assert_double_eq(f.log[36].fidelity, 17);
    ck_assert_double_eq(f.log[39].fidelity, 50);
    close_searcher(&f);
}
END_TEST

START_TEST(warm_promotions_continue_from_the_lower_rung)
{
    fixture f;
    ck_assert_int_eq(open_searcher(&f, 4, "warm_promotions = true;", DNNR_FIDELITY_EPOCHS, 1, 9, 1),
                     DNNR_OK);
    run_sequential(&f, 13 + 4 + 3);
    for (size_t i = 0; i < 9; i++) { /* rung 0: fresh, may be promoted */
        ck_assert_int_eq(f.log[i].warm_start, -1);
        ck_assert_uint_eq(f.log[i].flags, DNNR_TRIAL_KEEP_WEIGHTS);
    }
    for (size_t i = 9; i < 12; i++) { /* rung 1: continues the same config's rung-0 trial */
        ck_assert_int_ge(f.log[i].warm_start, 1);
        const issued *from = &f.log[f.log[i].warm_start - 1];
        ck_assert_uint_eq(from->id, (uint64_t)f.log[i].warm_start);
        ck_assert(same_config(from, &f.log[i]));
        ck_assert_double_eq(from->fidelity, 1);
        /* 1 epoch kept + 2 more = the rung's 3 epochs. */
        ck_assert_double_eq(f.log[i].fidelity, 2);
        ck_assert_uint_eq(f.log[i].flags, DNNR_TRIAL_KEEP_WEIGHTS);
    }
    /* The last rung continues too (3 + 6 = 9 epochs), but keeps nothing: it is
     * never promoted. */
    ck_assert_int_ge(f.log[12].warm_start, 10);
    ck_assert_double_eq(f.log[f.log[12].warm_start - 1].fidelity, 2);
    ck_assert_double_eq(f.log[12].fidelity, 6);
    ck_assert_uint_eq(f.log[12].flags, 0);
    /* The s = 0 bracket has one rung: nothing kept, nothing continued. */
    for (size_t i = 17; i < 20; i++) {
        ck_assert_int_eq(f.log[i].warm_start, -1);
        ck_assert_uint_eq(f.log[i].flags, 0);
    }
    close_searcher(&f);
}
END_TEST

START_TEST(warm_promotions_need_epochs)
{
    fixture f;
    ck_assert_int_eq(open_searcher(&f, 4, "warm_promotions = true;", DNNR_FIDELITY_BUDGET, 1, 9, 1),
                     DNNR_OK);
    run_sequential(&f, 13);
    for (size_t i = 0; i < 13; i++) {
        ck_assert_int_eq(f.log[i].warm_start, -1);
        ck_assert_uint_eq(f.log[i].flags, 0);
    }
    close_searcher(&f);
}
END_TEST

START_TEST(study_mode_is_full_fidelity_kde_sampling)
{
    fixture f;
    ck_assert_int_eq(open_searcher(&f, 5, "study_mode = true; warm_promotions = true;",
                                   DNNR_FIDELITY_EPOCHS, 1, 20, 1),
                     DNNR_OK);
    tell_start(&f);
    run_sequential(&f, 60);
    int model_picks = 0;
    for (size_t i = 0; i < 60; i++) {
        ck_assert_double_eq(f.log[i].fidelity, 0); /* the subject's whole training */
        ck_assert_int_eq(f.log[i].warm_start, -1);
        ck_assert_uint_eq(f.log[i].flags, 0);
        ck_assert_ptr_null(strstr(f.log[i].note, "promoted"));
        model_picks += strstr(f.log[i].note, ": model") != NULL;
    }
    /* d = 2: the first model needs 6 observations; then 2/3 are model picks. */
    ck_assert_int_gt(model_picks, 25);
    /* Several workers: one trial per bracket, never EAGAIN below the limit. */
    close_searcher(&f);
    ck_assert_int_eq(open_searcher(&f, 5, "study_mode = true;", DNNR_FIDELITY_EPOCHS, 1, 20, 8),
                     DNNR_OK);
    for (int i = 0; i < 8; i++)
        ck_assert_int_eq(ask(&f), DNNR_OK);
    ck_assert_int_eq(ask(&f), DNNR_EAGAIN);
    close_searcher(&f);
}
END_TEST

START_TEST(single_fidelity_subjects_run_full_trials)
{
    fixture f;
    ck_assert_int_eq(open_searcher(&f, 6, NULL, DNNR_FIDELITY_NONE, 0, 0, 1), DNNR_OK);
    tell_start(&f);
    run_sequential(&f, 30);
    for (size_t i = 0; i < 30; i++)
        ck_assert_double_eq(f.log[i].fidelity, 0);
    close_searcher(&f);
}
END_TEST

START_TEST(crashed_trials_are_never_promoted)
{
    fixture f;
    ck_assert_int_eq(open_searcher(&f, 7, NULL, DNNR_FIDELITY_BUDGET, 1, 9, 3), DNNR_OK);
    /* Rung 0: all but trial 5 diverge. */
    for (size_t i = 0; i < 9; i++) {
        ck_assert_int_eq(ask(&f), DNNR_OK);
        tell(&f, &f.log[i], i == 4 ? DNNR_TRIAL_OK : DNNR_TRIAL_DIVERGED);
    }
    for (size_t i = 9; i < 12; i++)
        ck_assert_int_eq(ask(&f), DNNR_OK);
    ck_assert(same_config(&f.log[9], &f.log[4]));
    ck_assert_ptr_nonnull(strstr(f.log[9].note, "promoted from trial 5"));
    for (size_t i = 10; i < 12; i++) { /* fresh configurations fill the gaps */
        ck_assert_double_eq(f.log[i].fidelity, 3);
        ck_assert_ptr_null(strstr(f.log[i].note, "promoted"));
    }
    close_searcher(&f);
}
END_TEST

START_TEST(ray_bracket_rule)
{
    /* Ray's arithmetic for max_t = 9: 9@1 3@3 1@6 | 5@3 2@6 | 3@9 (B.8 rules). */
    fixture f;
    ck_assert_int_eq(open_searcher(&f, 8, "bracket_rule = \"ray\";", DNNR_FIDELITY_EPOCHS, 1, 9, 1),
                     DNNR_OK);
    run_sequential(&f, 9 + 3 + 1 + 5 + 2 + 3);
    static const double expected[] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 3, 3, 3, 6,
                                      3, 3, 3, 3, 3, 6, 6, 9, 9, 9};
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++)
        ck_assert_msg(f.log[i].fidelity == expected[i], "trial %zu: %g, expected %g", i,
                      f.log[i].fidelity, expected[i]);
    close_searcher(&f);
}
END_TEST

START_TEST(same_seed_same_trials)
{
    fixture a, b;
    ck_assert_int_eq(open_searcher(&a, 9, NULL, DNNR_FIDELITY_BUDGET, 1, 27, 1), DNNR_OK);
    ck_assert_int_eq(open_searcher(&b, 9, NULL, DNNR_FIDELITY_BUDGET, 1, 27, 1), DNNR_OK);
    run_sequential(&a, 120);
    run_sequential(&b, 120);
    for (size_t i = 0; i < 120; i++) {
        ck_assert(same_config(&a.log[i], &b.log[i]));
        ck_assert_double_eq(a.log[i].fidelity, b.log[i].fidelity);
    }
    close_searcher(&b);
    ck_assert_int_eq(open_searcher(&b, 10, NULL, DNNR_FIDELITY_BUDGET, 1, 27, 1), DNNR_OK);
    run_sequential(&b, 10);
    ck_assert(!same_config(&a.log[0], &b.log[0]));
    close_searcher(&a);
    close_searcher(&b);
}
END_TEST

START_TEST(bad_options)
{
    static const char *const bad[] = {
        "eta = 1.0;",           "eta = \"three\";",         "min_budget = 0.0;",
        "max_budget = 0.5;",    "top_n_percent = 100.0;",  "num_samples = 0;",
        "random_fraction = 1.5;", "bandwidth_factor = 0.0;", "min_bandwidth = -1.0;",
        "min_points_in_model = -2;", "bracket_rule = \"textbook\";",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        fixture f;
        int rc = open_searcher(&f, 1, bad[i], DNNR_FIDELITY_BUDGET, 1, 9, 1);
        ck_assert_msg(rc == DNNR_EINVAL, "%s: %d", bad[i], rc);
        f.searcher = NULL;
        close_searcher(&f);
    }
    /* A typo is reported once create() returns. */
    fixture f;
    ck_assert_int_eq(open_searcher(&f, 1, "etta = 2.0;", DNNR_FIDELITY_BUDGET, 1, 9, 1), DNNR_OK);
    dnnr_error err = {{0}};
    ck_assert_int_eq(dnnr__host_check_options(f.host, &err), DNNR_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.msg, "etta"));
    close_searcher(&f);
    /* Every documented option is read. */
    ck_assert_int_eq(open_searcher(&f, 1,
                                   "eta = 2.0; min_budget = 2.0; max_budget = 16.0; top_n_percent = 20.0;"
                                   "num_samples = 32; random_fraction = 0.5; bandwidth_factor = 2.0;"
                                   "min_bandwidth = 0.01; min_points_in_model = 5; study_mode = false;"
                                   "warm_promotions = false; bracket_rule = \"hpbandster\";",
                                   DNNR_FIDELITY_BUDGET, 1, 27, 1),
                     DNNR_OK);
    ck_assert_int_eq(dnnr__host_check_options(f.host, &err), DNNR_OK);
    run_sequential(&f, 8);
    ck_assert_double_eq(f.log[0].fidelity, 2); /* 16 / 2^3 */
    close_searcher(&f);
}
END_TEST

/* Out of memory anywhere in create(), ask() or tell(): an error status, no
 * crash, nothing leaked (LeakSanitizer). */
START_TEST(out_of_memory)
{
    int enomem_seen = 0;
    for (int countdown = 0; countdown < 400; countdown++) {
        fixture f;
        dnnr__alloc_fault(-1, 0);
        dnnr_error err = {{0}};
        memset(&f, 0, sizeof f);
        f.space = dnnr__space_create();
        dnnr__space_add_float(f.space, "x", -1, 1, 0, 0.5);
        dnnr__space_add_float(f.space, "lr", 1e-4, 1, 1, 0.01);
        f.host = dnnr__host_create_simple("bohb", 1, NULL, &err);
        ck_assert_ptr_nonnull(f.host);
        f.iface = dnnr_plugin_bohb_entry()->iface;
        f.next_id = 1;
        dnnr_searcher_init init = {.struct_size = sizeof init, .host = f.host, .space = f.space,
                                   .fidelity_kind = DNNR_FIDELITY_BUDGET, .min_fidelity = 1,
                                   .max_fidelity = 9, .max_in_flight = 1};
        dnnr__alloc_fault(countdown, 1);
        int rc = f.iface->create(&init, &f.searcher);
        int failed = rc != DNNR_OK;
        if (rc == DNNR_OK) {
            for (int i = 0; i < 40 && !failed; i++) {
                rc = ask(&f);
                if (rc == DNNR_OK) {
                    const issued *r = &f.log[f.n_log - 1];
                    dnnr_trial_result res = {.struct_size = sizeof res, .trial_id = r->id,
                                             .config = r->config, .fidelity = r->fidelity,
                                             .warm_start = -1, .status = DNNR_TRIAL_OK,
                                             .message = "", .objective = r->config[0].f};
                    rc = f.iface->tell(f.searcher, &res);
                }
                failed = rc != DNNR_OK;
            }
        }
        int injected = dnnr__alloc_fault(-1, 0);
        if (failed) {
            ck_assert_int_eq(rc, DNNR_ENOMEM);
            enomem_seen++;
        }
        if (f.searcher)
            f.iface->destroy(f.searcher);
        dnnr__host_destroy(f.host);
        dnnr__space_destroy(f.space);
        if (!failed && injected == 0)
            break; /* every allocation of the run succeeded: all were covered */
    }
    ck_assert_int_gt(enomem_seen, 3);
}
END_TEST

static Suite *bohb_protocol_suite(void)
{
    Suite *s = suite_create("bohb_protocol");
    TCase *tc = tcase_create("protocol");
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, descriptor);
    tcase_add_test(tc, one_worker_follows_hpbandster_schedule);
    tcase_add_test(tc, several_brackets_in_flight);
    tcase_add_test(tc, epoch_budgets_round_up);
    tcase_add_test(tc, warm_promotions_continue_from_the_lower_rung);
    tcase_add_test(tc, warm_promotions_need_epochs);
    tcase_add_test(tc, study_mode_is_full_fidelity_kde_sampling);
    tcase_add_test(tc, single_fidelity_subjects_run_full_trials);
    tcase_add_test(tc, crashed_trials_are_never_promoted);
    tcase_add_test(tc, ray_bracket_rule);
    tcase_add_test(tc, same_seed_same_trials);
    tcase_add_test(tc, bad_options);
    tcase_add_test(tc, out_of_memory);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(bohb_protocol_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
