/* autotrainer end to end: the real orchestrator, engine and oneDNN backend on
 * D1 (a dying-ReLU report at the first check, attempts warm-started from the
 * detection weights, every attempt journaled) and D7 (N/A in the study's
 * mode, repaired by the regression extension). Seconds on 2 cores. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run_harness.h"

static char workdir[256];

static void run(const char *subject, const char *searchers, int budget)
{
    snprintf(workdir, sizeof workdir, "/tmp/dnnr_at_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(workdir));
    char path[512];
    snprintf(path, sizeof path, "%s/exp.cfg", workdir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f,
            "name = \"at\";\nseed = 5;\nsubjects = [\"%s/configs/subjects/%s.cfg\"];\n"
            "searchers = ( %s );\nplugin_paths = [\"%s\"];\nthreads = 1;\nbudgets = [%d];\n"
            "budget_mode = \"evaluations\";\nrepeats = 1;\neval_runs = 1;\n",
            DNNR_TEST_SOURCE_DIR, subject, searchers, DNNR_TEST_PLUGIN_DIR, budget);
    fclose(f);
    dnnr_error err = {{0}};
    int rc = harness_run(workdir, "out", 0, 0, &err);
    ck_assert_msg(rc == DNNR_OK, "%s", err.msg);
}

static dnnr_journal_lines journal(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/out/trials.jsonl", workdir);
    dnnr_journal_lines lines;
    dnnr_error err;
    ck_assert_int_eq(dnnr__journal_read_lines(path, &lines, &err), DNNR_OK);
    return lines;
}

/* The trials of one searcher label, indexed by trial number. */
#define MAXT 64
static size_t trials(const dnnr_journal_lines *l, const char *label, const dnnr_json **t)
{
    size_t n = 0;
    memset(t, 0, MAXT * sizeof *t);
    for (size_t i = 0; i < l->n; i++) {
        const char *s = dnnr__json_str(l->items[i], "searcher");
        if (dnnr__json_get(l->items[i], "kind") || !s || strcmp(s, label))
            continue;
        int k = (int)dnnr__json_num(l->items[i], "trial");
        if (k >= 0 && k < MAXT) {
            t[k] = l->items[i];
            n = (size_t)k + 1 > n ? (size_t)k + 1 : n;
        }
    }
    return n;
}

static const char *note(const dnnr_json *t)
{
    const char *s = dnnr__json_str(t, "note");
    return s ? s : "";
}

START_TEST(d1_reports_dying_relu_and_journals_every_attempt)
{
    run("D1", "{ name = \"autotrainer\"; options = { max_runs = 1; }; }", 12);
    dnnr_journal_lines l = journal();
    const dnnr_json *t[MAXT];
    size_t n = trials(&l, "autotrainer", t);
    /* D1 trains one epoch: the check after it is past 0.3*E, accuracy is low
     * and a softmax over one unit has zero gradients everywhere. */
    ck_assert_uint_ge(n, 3);
    ck_assert_ptr_nonnull(strstr(note(t[1]), "detection training"));
    ck_assert_int_eq((int)dnnr__json_num(t[1], "warm_start"), -1);
    for (size_t k = 2; k < n; k++) {
        ck_assert_ptr_nonnull(t[k]);
        ck_assert_msg(strstr(note(t[k]), "DR at epoch 0 of trial 1"), "%s",
                      note(t[k]));
        ck_assert_ptr_nonnull(strstr(note(t[k]), " z=1 "));
    }
    /* selu: hidden activations changed, the output kept, seed weights reused */
    ck_assert_ptr_nonnull(strstr(note(t[2]), "Attempt selu#0"));
    ck_assert_int_eq((int)dnnr__json_num(t[2], "warm_start"), 1);
    const dnnr_json *c = dnnr__json_get(t[2], "config");
    ck_assert_str_eq(dnnr__json_str(c, "act1"), "selu");
    ck_assert_str_eq(dnnr__json_str(c, "act3"), "softmax");
    /* bn (SDK 1.2 extras): batch norm after the hidden layers, warm-started
     * from the seed (the inserted layers fresh), journaled with the trial */
    ck_assert_msg(strstr(note(t[3]), "Attempt bn#0: +BatchNormalization"), "%s", note(t[3]));
    ck_assert_int_eq((int)dnnr__json_num(t[3], "warm_start"), 1);
    ck_assert_str_eq(dnnr__json_str(t[3], "status"), "ok");
    const dnnr_json *x = dnnr__json_get(t[3], "extras");
    ck_assert_ptr_nonnull(x);
    ck_assert_str_eq(dnnr__json_str(x, "batchnorm"), "after_hidden");
    ck_assert_ptr_null(dnnr__json_get(t[2], "extras")); /* selu made no extra edit */
    /* one run of the DR list: selu, bn, initial x3, leaky (ELU only): 6 trainings */
    ck_assert_uint_eq(n, 8);
    dnnr__journal_lines_free(&l);
}
END_TEST

START_TEST(d7_is_na_in_the_study_mode_and_repaired_by_the_extension)
{
    run("D7",
        "\"autotrainer\", { name = \"autotrainer\"; label = \"at_reg\"; "
        "options = { regression = true; max_runs = 1; }; }",
        12);
    dnnr_journal_lines l = journal();
    const dnnr_json *t[MAXT];
    /* the study's mode: no trial besides the host's start trial */
    ck_assert_uint_eq(trials(&l, "autotrainer", t), 1);
    size_t n = trials(&l, "at_reg", t);
    ck_assert_uint_ge(n, 3);
    double faulty = dnnr__json_num(t[0], "metric"), best = INFINITY;
    ck_assert_ptr_nonnull(strstr(note(t[2]), "SC at epoch 60 of trial 1"));
    ck_assert(dnnr__json_get(t[1], "stopped_early")->number == 1);
    for (size_t k = 1; k < n; k++)
        if (t[k] && dnnr__json_num(t[k], "metric") < best)
            best = dnnr__json_num(t[k], "metric");
    /* faulty MAE about 6.5 (lr 0.001 is too slow), the developer's fix 0.13 */
    ck_assert_msg(best < faulty / 5, "faulty %g best %g", faulty, best);
    dnnr__journal_lines_free(&l);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("autotrainer_e2e");
    TCase *tc = tcase_create("subjects");
    tcase_set_timeout(tc, 240);
    tcase_add_test(tc, d1_reports_dying_relu_and_journals_every_attempt);
    tcase_add_test(tc, d7_is_na_in_the_study_mode_and_repaired_by_the_extension);
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
