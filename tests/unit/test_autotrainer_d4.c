/* autotrainer's eg_lr_steps extension repairs D4 (issue #8; skipped with
 * exit 77 when Debian's dataset-fashion-mnist is missing). On a cut of D4's
 * data (3000 training and 1000 test images, test_autotrainer_fmnist.h) the
 * whole test takes seconds.
 *
 * D4's faulty configuration (MSE, SGD lr 3.0, RandomNormal(0, 1), no
 * activations) diverges in its first epoch: AutoTrainer detects EG at once.
 * The original EG list cannot cure it; with eg_lr_steps = 4 the list goes on
 * with lr 0.3, 0.03, 0.003, 0.0003, each clipped, trained from a fresh
 * initialisation. The patch (the run's best trial, as the host keeps it) is
 * then retrained R times and compared with R faulty trainings. The faulty
 * trainings diverge, so they are scored as Keras scores a NaN model (the
 * engine's score_diverged, DeepCrime's way and `subjects validate`'s): the
 * holdout's class-0 share. Counting them as "worst" instead would make any
 * finite patch significant; Keras' number is the honest opponent. The test
 * is the report's: one-sided rank-sum, patch better, p < 0.05 (with R = 5
 * and no overlap the exact p is 1/252, about 0.004, well below).
 */
#include "test_autotrainer_fmnist.h"

#include "config/subject.h"
#include "minimise/minimise.h"
#include "run/subject_rt.h"
#include "run/trial_extras.h"
#include "stats/stats.h"

#define R 5
/* Rows of the cut: enough for the patch to learn (a linear model by MSE
 * needs a few hundred steps) and a holdout of 200 rows, so accuracies are
 * not coarse 0.05 steps; about a second a training. */
#define N_TRAIN 3000
#define N_TEST 1000

static int param_index(const dnnr_space *space, const char *name)
{
    for (uint32_t i = 0; i < space->n_params; i++)
        if (!strcmp(space->params[i]->name, name))
            return (int)i;
    return -1;
}

/* R trainings of config + x on the cut subject, holdout metric each (NaN
 * when a training did not finish). Diverged ones are scored as Keras does. */
static void retrain(const dnnr_subject_rt *rt, const dnnr_value *config,
                    const dnnr_trial_extras *x, uint64_t seed, double *holdout, int *diverged)
{
    *diverged = 0;
    for (int i = 0; i < R; i++) {
        dnnr_trial_job job = {.rt = rt, .config = config,
                              .seed = dnnr_rng_derive(seed, (uint64_t)i), .warm_start = -1,
                              .score_diverged = 1, .extras = *x};
        dnnr_outcome out;
        dnnr__outcome_init(&out);
        dnnr__trial_execute(NULL, &job, &out);
        int ok = out.status == DNNR_TRIAL_OK || out.status == DNNR_TRIAL_DIVERGED;
        holdout[i] = ok ? out.holdout : NAN;
        *diverged += out.status == DNNR_TRIAL_DIVERGED;
        dnnr__outcome_clear(&out);
    }
}

START_TEST(d4_eg_lr_steps_repair_beats_the_faulty_model)
{
    run_cut("D4", 12, "eg_lr_steps = 4;", N_TRAIN, N_TEST);
    dnnr_journal_lines l = journal();
    const dnnr_json *t[MAXT];
    size_t n = trials(&l, t);
    ck_assert_uint_ge(n, 3);
    /* detection: the symptom is EG, from the diverged detection training */
    ck_assert_str_eq(dnnr__json_str(t[1], "status"), "diverged");
    ck_assert_msg(strstr(note(t[2]), "round 1: EG at epoch 0 of trial 1 (diverged, no weights)"),
                  "%s", note(t[2]));
    /* the patch: the best search-part accuracy, the lower trial on a tie */
    size_t best = 0;
    double best_m = -INFINITY;
    int lr_down = 0;
    for (size_t k = 1; k < n; k++) {
        double m = t[k] && !strcmp(dnnr__json_str(t[k], "status"), "ok")
                       ? dnnr__json_num(t[k], "metric")
                       : NAN;
        lr_down += strstr(note(t[k]), "Attempt lr_down#") != NULL;
        fprintf(stderr, "D4 eg_lr_steps, trial %zu: %s %.4f\n", k, dnnr__json_str(t[k], "status"),
                m);
        if (m > best_m) {
            best_m = m;
            best = k;
        }
    }
    ck_assert_int_ge(lr_down, 1);
    ck_assert_msg(strstr(note(t[best]), "Attempt lr_down#"), "patch: %s", note(t[best]));
    /* the patch's configuration and extras, as journaled */
    char path[512];
    snprintf(path, sizeof path, "%s/D4.cfg", workdir);
    dnnr_error err = {{0}};
    dnnr_subject *s = NULL;
    ck_assert_msg(dnnr__subject_read(path, &s, &err) == DNNR_OK, "%s", err.msg);
    uint32_t np = s->space->n_params;
    dnnr_value *patch = dnnr__alloc(np, sizeof *patch);
    ck_assert_int_eq(dnnr__journal_config(dnnr__json_get(t[best], "config"), s->space, patch), 0);
    dnnr_trial_extras px = {.struct_size = sizeof px}, none = {.struct_size = sizeof none};
    ck_assert_int_eq(dnnr__extras_parse(t[best], &px), 0);
    ck_assert(px.clipvalue >= 9 && px.clipvalue <= 10);
    int lr = param_index(s->space, "lr"); /* a tenfold step down at least */
    ck_assert_int_ge(lr, 0);
    ck_assert_double_le(patch[lr].f, 0.3 * (1 + 1e-12));
    /* R retrainings each */
    dnnr_registry *reg = dnnr__registry_create();
    const char *plugins[] = {DNNR_TEST_PLUGIN_DIR};
    dnnr__registry_discover(reg, plugins, 1);
    dnnr_subject_rt *rt = NULL;
    ck_assert_msg(dnnr__subject_rt_open(s, reg, "auto", 2, &rt, &err) == DNNR_OK, "%s", err.msg);
    double faulty[R], repaired[R];
    int fd, pd;
    retrain(rt, s->faulty, &none, 11, faulty, &fd);
    retrain(rt, patch, &px, 12, repaired, &pd);
    for (int i = 0; i < R; i++)
        fprintf(stderr, "D4 retraining %d: faulty %.4f (Keras' score of a NaN model), patch %.4f\n",
                i, faulty[i], repaired[i]);
    ck_assert_int_eq(fd, R); /* every faulty training diverges ... */
    ck_assert_int_eq(pd, 0); /* ... no patch training does */
    for (int i = 0; i < R; i++)
        ck_assert(isfinite(faulty[i]) && isfinite(repaired[i]));
    double p = 1;
    ck_assert_msg(dnnr__minimise_better(repaired, R, faulty, R, 1, 0.05, &p), "p = %g", p);
    fprintf(stderr, "D4 (%d rows): faulty mean %.4f, patch mean %.4f, one-sided rank-sum p %.4g\n",
            N_TRAIN, dnnr__mean(faulty, R), dnnr__mean(repaired, R), p);
    ck_assert_double_gt(dnnr__mean(repaired, R), dnnr__mean(faulty, R) + 0.2);
    dnnr__subject_rt_close(rt);
    dnnr__registry_destroy(reg);
    dnnr__free(patch);
    dnnr__subject_destroy(s);
    dnnr__journal_lines_free(&l);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("autotrainer_d4");
    TCase *tc = tcase_create("fashion_mnist");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, d4_eg_lr_steps_repair_beats_the_faulty_model);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
