/* What SDK 1.1 gives a searcher at create() and in trial 0, end to end on
 * D1 through the orchestrator: the fix's level as target_objective (search
 * runs wait for the fix references; none when the fix is not shown better), gradient indicators in the faulty start
 * trial, and the lint's per-parameter hints. A fixture searcher writes what
 * it got into its first request's note. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run_harness.h"

static char workdir[256];

/* The note of the probe's own trial (trial 1), read back from the journal. */
static char *probe_note(int eval_runs)
{
    harness_workdir(workdir, sizeof workdir, "hints");
    char path[512];
    snprintf(path, sizeof path, "%s/exp.cfg", workdir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f,
            "name = \"hints\";\nseed = 5;\nsubjects = [\"%s/configs/subjects/D1.cfg\"];\n"
            "searchers = ( \"hint_probe\" );\nplugin_paths = [\"%s\", \"%s\"];\nthreads = 1;\n"
            "budgets = [3];\nbudget_mode = \"cost\";\nrepeats = 1;\neval_runs = %d;\n",
            DNNR_TEST_SOURCE_DIR, DNNR_TEST_PLUGIN_DIR, DNNR_TEST_BUILD_DIR "/test-plugins/good",
            eval_runs);
    fclose(f);
    dnnr_error err = {{0}};
    ck_assert_msg(harness_run(workdir, "out", 0, 0, &err) == DNNR_OK, "%s", err.msg);
    dnnr_journal_lines lines = harness_journal(workdir, "out", 1);
    char *note = NULL;
    for (size_t i = 0; i < lines.n; i++) {
        const char *searcher = dnnr__json_str(lines.items[i], "searcher");
        if (searcher && !strcmp(searcher, "hint_probe") &&
            dnnr__json_num(lines.items[i], "trial") == 1)
            note = dnnr__strdup(dnnr__json_str(lines.items[i], "note"));
    }
    dnnr__journal_lines_free(&lines);
    ck_assert_msg(note != NULL, "the probe's trial 1 is not in the journal");
    return note;
}

START_TEST(target_is_the_fix_level_and_trial0_has_indicators)
{
    char *note = probe_note(4);
    /* D1's fix (sigmoid output) scores 1.0 on the search part: the objective
     * is the negated accuracy. */
    double target = NAN;
    ck_assert_msg(sscanf(note, "target=%lf", &target) == 1, "%s", note);
    ck_assert_msg(target < -0.9 && target >= -1.0, "target %g: %s", target, note);
    const char *checked = strstr(note, "checked=");
    ck_assert_ptr_nonnull(checked);
    ck_assert_msg(atoi(checked + 8) >= 1, "trial 0 carried no indicators: %s", note);
    dnnr__free(note);
}
END_TEST

/* Two references each cannot show the fix better than the faulty model
 * (the one-sided rank-sum's smallest p is 1/6): then there is no target. */
START_TEST(no_target_without_evidence_that_the_fix_is_better)
{
    char *note = probe_note(2);
    ck_assert_msg(!strncmp(note, "target=nan ", 11), "%s", note);
    dnnr__free(note);
}
END_TEST

/* D1's fault (softmax over one unit) is act3: the lint hands it the role
 * "activation" and a high suspicion; a parameter it does not flag gets 0. */
START_TEST(hints_carry_the_lint_suspicion)
{
    char *note = probe_note(2);
    const char *act3 = strstr(note, "act3:activation:");
    ck_assert_msg(act3 != NULL, "%s", note);
    ck_assert_msg(atof(act3 + strlen("act3:activation:")) >= 0.8, "%s", note);
    ck_assert_msg(strstr(note, "batch_size:batch_size:0.00;") != NULL, "%s", note);
    dnnr__free(note);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("searcher_hints");
    TCase *tc = tcase_create("d1");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, target_is_the_fix_level_and_trial0_has_indicators);
    tcase_add_test(tc, hints_carry_the_lint_suspicion);
    tcase_add_test(tc, no_target_without_evidence_that_the_fix_is_better);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *r = srunner_create(suite());
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
