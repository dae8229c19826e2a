/* autotrainer's ask/tell state machine on scripted results (a standalone
 * host, no training): detection, attempts warm-started from the seed,
 * not-applicable operators skipped, a potential that seeds round 2, the
 * "solved" rule, further runs, max_runs, N/A on a loss subject. */
#include <check.h>
#include <math.h>
#include <string.h>

#include "at.h"
#include "host/host.h"
#include "test_autotrainer_space.h"

const dnnr_plugin_desc *dnnr_plugin_autotrainer_entry(void);

typedef struct fx {
    dnnr_host *host;
    const dnnr_searcher_iface *it;
    dnnr_searcher *s;
    dnnr_value start[NP], req_cfg[NP];
    dnnr_trial_request req;
    uint64_t next_id;
    char note[4096];
} fx;

static void open_fx(fx *f, const char *options, dnnr_metric_kind kind)
{
    memset(f, 0, sizeof *f);
    dnnr_error err = {{0}};
    f->host = dnnr__host_create_simple("autotrainer", 9, options, &err);
    ck_assert_msg(f->host != NULL, "%s", err.msg);
    f->it = dnnr_plugin_autotrainer_entry()->iface;
    f->start[A1].i = f->start[A2].i = 5; /* relu */
    f->start[A3].i = 1;                  /* softmax */
    f->start[K1].i = f->start[K2].i = f->start[K3].i = 9;
    f->start[OPT].i = 1; /* rmsprop */
    f->start[BS].i = 1;
    f->start[LR].f = 0.001;
    f->start[EP].i = 2; /* 10 epochs: the first judged check is e = 3 (k = 4 >= 3) */
    dnnr_searcher_init init = {.struct_size = sizeof init, .host = f->host, .space = &space,
                               .start = f->start, .metric_kind = kind, .max_in_flight = 1};
    ck_assert_int_eq(f->it->create(&init, &f->s), DNNR_OK);
    f->next_id = 1;
}

static void close_fx(fx *f)
{
    f->it->destroy(f->s);
    dnnr__host_destroy(f->host);
}

static int ask(fx *f)
{
    /* A refused ask leaves the last request (and req_cfg) as they were. */
    static dnnr_value scratch[NP];
    dnnr_trial_request r = {.struct_size = sizeof r, .trial_id = f->next_id, .config = scratch,
                            .warm_start = -1};
    int rc = f->it->ask(f->s, &r);
    if (rc == DNNR_OK) {
        memcpy(f->req_cfg, scratch, sizeof scratch);
        r.config = f->req_cfg;
        f->req = r;
        f->next_id++;
        snprintf(f->note, sizeof f->note, "%s", f->req.note ? f->req.note : "");
    }
    return rc;
}

/* Tell the last request's result: four epochs, training accuracy rising by
 * 0.05 a step to acc (no slow convergence), every epoch with the given
 * zero-gradient share and the last with a NaN gradient if asked. */
static void tell(fx *f, double zero, int nan_grad, double acc, double objective)
{
    dnnr_epoch_record r[4];
    const dnnr_epoch_record *ep[4];
    for (int i = 0; i < 4; i++) {
        r[i] = (dnnr_epoch_record){.struct_size = sizeof r[i], .epoch = (uint32_t)i,
                                   .train_loss = 1, .train_metric = acc - 0.05 * (3 - i),
                                   .val_loss = NAN, .val_metric = NAN, .checked = 1,
                                   .grad_norm_first = 1, .grad_norm_last = 1,
                                   .zero_grad_fraction = zero,
                                   .grad_nonfinite = (uint32_t)(nan_grad && i == 3)};
        ep[i] = &r[i];
    }
    /* the monitor, given the request's state, agrees with the searcher */
    int reports = (zero >= 0.7 && acc < 0.7) || nan_grad;
    ck_assert_int_eq(f->it->monitor(f->req.monitor_state, f->req.monitor_state_size, ep, 3), 0);
    ck_assert_int_eq(f->it->monitor(f->req.monitor_state, f->req.monitor_state_size, ep, 4),
                     reports);
    dnnr_trial_result res = {.struct_size = sizeof res, .trial_id = f->req.trial_id,
                             .config = f->req_cfg, .warm_start = f->req.warm_start,
                             .status = DNNR_TRIAL_OK, .message = "", .objective = objective,
                             .metric = -objective, .n_epochs = 4, .epochs = ep};
    ck_assert_int_eq(f->it->tell(f->s, &res), DNNR_OK);
}

/* Tell the last request's result as a diverged training: the engine
 * stopped at a NaN loss in epoch 0 and kept no weights. */
static void tell_diverged(fx *f)
{
    dnnr_epoch_record r = {.struct_size = sizeof r, .epoch = 0, .train_loss = NAN,
                           .train_metric = NAN, .val_loss = NAN, .val_metric = NAN};
    const dnnr_epoch_record *ep[1] = {&r};
    dnnr_trial_result res = {.struct_size = sizeof res, .trial_id = f->req.trial_id,
                             .config = f->req_cfg, .warm_start = f->req.warm_start,
                             .status = DNNR_TRIAL_DIVERGED, .message = "loss NaN",
                             .objective = NAN, .metric = NAN, .n_epochs = 1, .epochs = ep};
    ck_assert_int_eq(f->it->tell(f->s, &res), DNNR_OK);
}

START_TEST(detection_attempts_rounds_and_runs)
{
    fx f;
    open_fx(&f, "max_runs = 2;", DNNR_METRIC_ACCURACY);
    /* the host's trial 0 is ignored */
    dnnr_trial_result t0 = {.struct_size = sizeof t0, .trial_id = 0, .config = f.start,
                            .status = DNNR_TRIAL_OK, .message = "", .objective = -0.5};
    ck_assert_int_eq(f.it->tell(f.s, &t0), DNNR_OK);
    /* run 0: detection */
    ck_assert_int_eq(ask(&f), DNNR_OK);
    ck_assert_uint_eq(f.req.flags, DNNR_TRIAL_INDICATORS | DNNR_TRIAL_KEEP_WEIGHTS);
    ck_assert_int_eq(f.req.warm_start, -1);
    ck_assert_uint_eq(f.req.monitor_state_size, sizeof(at_params));
    ck_assert_mem_eq(f.req_cfg, f.start, sizeof f.start);
    ck_assert_ptr_nonnull(strstr(f.note, "run 0: detection"));
    ck_assert_int_eq(ask(&f), DNNR_EAGAIN); /* sequential */
    tell(&f, 0.9, 0, 0.5, -0.5); /* trial 1: dying ReLU at the first check */
    /* DR list: selu (warm start from trial 1) */
    ck_assert_int_eq(ask(&f), DNNR_OK);
    ck_assert_int_eq(f.req.warm_start, 1);
    ck_assert_str_eq(params[A1].choices[f.req_cfg[A1].i], "selu");
    ck_assert_ptr_nonnull(strstr(f.note, "round 1: DR at epoch 3 of trial 1"));
    ck_assert_ptr_nonnull(strstr(f.note, "Attempt selu#0"));
    tell(&f, 0.0, 1, 0.6, -0.6); /* trial 2: NaN gradient -> EG, a potential */
    /* bn (SDK 1.2 extras): the seed's configuration plus batch norm */
    ck_assert_int_eq(ask(&f), DNNR_OK);
    ck_assert_ptr_nonnull(strstr(f.note, "Attempt bn#0: +BatchNormalization"));
    ck_assert_ptr_nonnull(strstr(f.note, "trial 2 (selu#0): now EG (potential)"));
    ck_assert_int_eq(f.req.warm_start, 1);
    ck_assert_mem_eq(f.req_cfg, f.start, sizeof f.start);
    ck_assert_ptr_nonnull(f.req.extras);
    ck_assert_uint_eq(f.req.extras->batchnorm, DNNR_BN_AFTER_HIDDEN);
    tell(&f, 0.0, 1, 0.7, -0.7); /* trial 3: EG too, a better potential than trial 2 */
    /* initial x3 fail; each starts from the seed again: no batch norm */
    for (int k = 0; k < 3; k++) {
        ck_assert_int_eq(ask(&f), DNNR_OK);
        ck_assert_ptr_nonnull(strstr(f.note, "Attempt initial#"));
        ck_assert_uint_eq(f.req.extras->batchnorm, DNNR_BN_NONE);
        ck_assert_int_eq(f.req.warm_start, 1);
        tell(&f, 0.9, 0, 0.5, -0.5);
    }
    /* leaky: only ELU is expressible */
    ck_assert_int_eq(ask(&f), DNNR_OK);
    ck_assert_ptr_nonnull(strstr(f.note, "Attempt leaky#1"));
    ck_assert_ptr_nonnull(strstr(f.note, "leaky#0 n/a"));
    tell(&f, 0.9, 0, 0.5, -0.5);
    /* round 2: the best potential (trial 3, EG) seeds the EG list; its batch
     * norm stays in every attempt (changes accumulate) */
    ck_assert_int_eq(ask(&f), DNNR_OK);
    ck_assert_ptr_nonnull(strstr(f.note, "round 2: EG at epoch 3 of trial 3"));
    ck_assert_int_eq(f.req.warm_start, 3);
    ck_assert_str_eq(params[A1].choices[f.req_cfg[A1].i], "selu");
    ck_assert_uint_eq(f.req.extras->batchnorm, DNNR_BN_AFTER_HIDDEN);
    tell(&f, 0.0, 1, 0.6, -0.6); /* EG again */
    ck_assert_int_eq(ask(&f), DNNR_OK);
    ck_assert_ptr_nonnull(strstr(f.note, "Attempt relu#0"));
    tell(&f, 0.0, 1, 0.6, -0.6); /* EG again */
    /* gradient x2: clipvalue in [9, 10] on top of the batch norm, redrawn */
    double clip[2];
    for (int k = 0; k < 2; k++) {
        ck_assert_int_eq(ask(&f), DNNR_OK);
        ck_assert_ptr_nonnull(strstr(f.note, "Attempt gradient#"));
        ck_assert_ptr_nonnull(strstr(f.note, "clipvalue->"));
        ck_assert_uint_eq(f.req.extras->batchnorm, DNNR_BN_AFTER_HIDDEN);
        clip[k] = f.req.extras->clipvalue;
        ck_assert(clip[k] >= 9 && clip[k] <= 10);
        ck_assert_str_eq(params[A1].choices[f.req_cfg[A1].i], "relu"); /* the seed's */
        if (k == 0)
            tell(&f, 0.0, 1, 0.6, -0.6); /* EG again */
    }
    ck_assert(clip[0] != clip[1]);
    tell(&f, 0.0, 0, 0.9, -0.9); /* clean: solved */
    /* run 1 starts from the start configuration */
    ck_assert_int_eq(ask(&f), DNNR_OK);
    ck_assert_ptr_nonnull(strstr(f.note, "run 1: detection"));
    ck_assert_ptr_nonnull(strstr(f.note, "run ended: solved by trial"));
    ck_assert_mem_eq(f.req_cfg, f.start, sizeof f.start);
    tell(&f, 0.1, 0, 0.9, -0.9); /* nothing to report */
    ck_assert_int_eq(ask(&f), DNNR_EDONE); /* max_runs = 2 */
    close_fx(&f);
}
END_TEST

START_TEST(a_problem_handled_before_ends_the_run)
{
    fx f;
    open_fx(&f, "max_runs = 2; order = \"paper\"; scheduling = \"paper\";", DNNR_METRIC_ACCURACY);
    ck_assert_int_eq(ask(&f), DNNR_OK);
    tell(&f, 0.9, 0, 0.5, -0.5); /* DR */
    ck_assert_int_eq(ask(&f), DNNR_OK);
    tell(&f, 0.0, 1, 0.6, -0.6); /* EG: the paper switches at once */
    ck_assert_int_eq(ask(&f), DNNR_OK);
    ck_assert_ptr_nonnull(strstr(f.note, "round 2: EG at epoch 3"));
    tell(&f, 0.9, 0, 0.65, -0.65); /* a potential back to DR, handled in round 1 */
    ck_assert_int_eq(ask(&f), DNNR_OK);
    ck_assert_msg(strstr(f.note, "run 1: detection") &&
                      strstr(f.note, "improved but still has a problem (trial 3, now DR)"),
                  "%s", f.note);
    close_fx(&f);
}
END_TEST

START_TEST(loss_subjects_are_na_unless_extended)
{
    fx f;
    open_fx(&f, NULL, DNNR_METRIC_LOSS);
    ck_assert_int_eq(ask(&f), DNNR_EDONE);
    close_fx(&f);
    open_fx(&f, "regression = true;", DNNR_METRIC_LOSS);
    ck_assert_int_eq(ask(&f), DNNR_OK);
    at_params p;
    memcpy(&p, f.req.monitor_state, sizeof p);
    ck_assert_uint_eq(p.regression, 1);
    ck_assert_uint_eq(p.epochs, 10);
    close_fx(&f);
}
END_TEST

/* The original's retraining monitor uses the default table (theta 0.7) even
 * when the detection used the user's (0.6); faithful = false keeps the
 * user's. */
START_TEST(retraining_uses_the_default_table_when_faithful)
{
    for (int faithful = 1; faithful >= 0; faithful--) {
        fx f;
        open_fx(&f, faithful ? "theta = 0.6; max_runs = 1;"
                             : "theta = 0.6; max_runs = 1; faithful = false;",
                DNNR_METRIC_ACCURACY);
        ck_assert_int_eq(ask(&f), DNNR_OK);
        at_params p;
        memcpy(&p, f.req.monitor_state, sizeof p);
        ck_assert_double_eq(p.theta, 0.6);
        tell(&f, 0.9, 0, 0.5, -0.5);
        ck_assert_int_eq(ask(&f), DNNR_OK);
        memcpy(&p, f.req.monitor_state, sizeof p);
        ck_assert_double_eq(p.theta, faithful ? 0.7 : 0.6);
        close_fx(&f);
    }
}
END_TEST

/* A diverged detection (D4's case), faithful otherwise: the original EG list
 * comes first, unchanged (clipping and bn fail untrained on the NaN seed);
 * eg_lr_steps then adds lr_down tries that train from a fresh
 * initialisation at lr / 10, lr / 100, each clipped. Without the option the
 * run ends after bn. */
START_TEST(eg_lr_steps_follow_the_eg_list_on_a_diverged_seed)
{
    for (int steps = 0; steps <= 2; steps += 2) {
        fx f;
        open_fx(&f, steps ? "max_runs = 1; eg_lr_steps = 2;" : "max_runs = 1;",
                DNNR_METRIC_ACCURACY);
        ck_assert_int_eq(ask(&f), DNNR_OK);
        tell_diverged(&f); /* trial 1: EG, no weights */
        static const char *const trained[] = {"selu#0", "relu#0", "tanh#0"};
        for (int k = 0; k < 3; k++) {
            ck_assert_int_eq(ask(&f), DNNR_OK);
            ck_assert_msg(strstr(f.note, trained[k]) != NULL, "%s", f.note);
            ck_assert_int_eq(f.req.warm_start, -1);
            ck_assert_ptr_null(strstr(f.note, "lr_down"));
            tell_diverged(&f); /* EG again */
        }
        if (!steps) { /* bn fails untrained: the list is done, so is the run */
            ck_assert_int_eq(ask(&f), DNNR_EDONE);
            close_fx(&f);
            continue;
        }
        const double lr[2] = {0.001 / 10, 0.001 / 100};
        for (int k = 0; k < 2; k++) {
            ck_assert_int_eq(ask(&f), DNNR_OK);
            ck_assert_msg(strstr(f.note, k ? "Attempt lr_down#1" : "Attempt lr_down#0"), "%s",
                          f.note);
            if (k == 0)
                ck_assert_ptr_nonnull(strstr(f.note, "bn#0 fails untrained (NaN seed kept)"));
            ck_assert_int_eq(f.req.warm_start, -1); /* trains although faithful */
            ck_assert_double_eq_tol(f.req_cfg[LR].f, lr[k], 1e-15);
            ck_assert_ptr_nonnull(f.req.extras);
            ck_assert(f.req.extras->clipvalue >= 9 && f.req.extras->clipvalue <= 10);
            /* only the lr changed in the configuration */
            dnnr_value want[NP];
            memcpy(want, f.start, sizeof want);
            want[LR].f = f.req_cfg[LR].f;
            ck_assert_mem_eq(f.req_cfg, want, sizeof want);
            if (k == 0)
                tell_diverged(&f);
        }
        tell(&f, 0.0, 0, 0.9, -0.9); /* no symptom: solved */
        ck_assert_int_eq(ask(&f), DNNR_EDONE);
        close_fx(&f);
    }
}
END_TEST

START_TEST(bad_options_are_refused)
{
    dnnr_error err = {{0}};
    static const char *const bad[] = {"g = 0;", "order = \"fast\";", "gamma = -1.0;",
                                      "max_rounds = 0;", "eg_lr_steps = 7;",
                                      "eg_lr_steps = -1;"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        dnnr_host *h = dnnr__host_create_simple("autotrainer", 1, bad[i], &err);
        ck_assert_ptr_nonnull(h);
        dnnr_value start[NP] = {{0}};
        dnnr_searcher_init init = {.struct_size = sizeof init, .host = h, .space = &space,
                                   .start = start, .metric_kind = DNNR_METRIC_ACCURACY};
        dnnr_searcher *s = NULL;
        const dnnr_searcher_iface *it = dnnr_plugin_autotrainer_entry()->iface;
        ck_assert_int_lt(it->create(&init, &s), 0);
        ck_assert_ptr_null(s);
        dnnr__host_destroy(h);
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("autotrainer_flow");
    TCase *tc = tcase_create("flow");
    tcase_add_test(tc, detection_attempts_rounds_and_runs);
    tcase_add_test(tc, a_problem_handled_before_ends_the_run);
    tcase_add_test(tc, loss_subjects_are_na_unless_extended);
    tcase_add_test(tc, retraining_uses_the_default_table_when_faithful);
    tcase_add_test(tc, eg_lr_steps_follow_the_eg_list_on_a_diverged_seed);
    tcase_add_test(tc, bad_options_are_refused);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
