/* The study's protocol on a real subject (D1, the engine, the oneDNN
 * backend): reference trainings, a deterministic cost budget, failed trials
 * that cost themselves only, resume after SIGKILL; and the patch selection
 * rule on a hand-made journal. */
#include <check.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config/experiment.h"
#include "registry/registry.h"
#include "report/report.h"
#include "run/journal.h"
#include "run/orchestrator.h"
#include "util/alloc.h"
#include "util/io.h"
#include "util/json.h"

#include "run_harness.h"

static char workdir[256];

static void make_workdir(void) { harness_workdir(workdir, sizeof workdir, "proto"); }

static void write_experiment(const char *extra)
{
    char path[512];
    snprintf(path, sizeof path, "%s/exp.cfg", workdir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f,
            "name = \"protocol\";\nseed = 11;\nsubjects = [\"%s/configs/subjects/D1.cfg\"];\n"
            "searchers = ( \"random\" );\nplugin_paths = [\"%s\"];\nthreads = 1;\n%s\n",
            DNNR_TEST_SOURCE_DIR, DNNR_TEST_PLUGIN_DIR, extra);
    fclose(f);
}

static int run_experiment(const char *out_name, int resume, dnnr_error *err)
{
    return harness_run(workdir, out_name, resume, 0, err);
}

static dnnr_journal_lines journal(const char *out_name) { return harness_journal(workdir, out_name, 0); }

static int is(const dnnr_json *l, const char *key, const char *value)
{
    const char *v = dnnr__json_str(l, key);
    return v && !strcmp(v, value);
}

START_TEST(d1_pipeline_with_a_cost_budget)
{
    make_workdir();
    write_experiment("budgets = [3];\nbudget_mode = \"cost\";\nrepeats = 3;\neval_runs = 3;");
    dnnr_error err = {{0}};
    ck_assert_msg(run_experiment("out", 0, &err) == DNNR_OK, "%s", err.msg);
    dnnr_journal_lines l = journal("out");
    size_t faulty = 0, fix = 0, search = 0, failed = 0;
    double faulty_acc = 0, fix_acc = 0, cost[3] = {0, 0, 0};
    for (size_t i = 0; i < l.n; i++) {
        const dnnr_json *t = l.items[i];
        if (dnnr__json_get(t, "kind"))
            continue;
        if (is(t, "searcher", "#faulty")) {
            faulty++;
            faulty_acc += dnnr__json_num(t, "holdout");
            ck_assert_double_eq_tol(dnnr__json_num(t, "cost_units"), 1.0, 1e-12);
        } else if (is(t, "searcher", "#fix")) {
            fix++;
            fix_acc += dnnr__json_num(t, "holdout");
        } else {
            search++;
            failed += !is(t, "status", "ok");
            int r = (int)dnnr__json_num(t, "repeat");
            cost[r] += dnnr__json_num(t, "cost_units");
            if (dnnr__json_num(t, "trial") == 0) /* every run starts from the faulty model */
                ck_assert(is(dnnr__json_get(t, "config"), "act3", "softmax"));
        }
    }
    ck_assert_uint_eq(faulty, 3);
    ck_assert_uint_eq(fix, 3);
    ck_assert_double_lt(faulty_acc / 3, 0.7); /* softmax on one unit: always "true" */
    ck_assert_double_gt(fix_acc / 3, 0.95);
    /* A run asks while under budget, so it ends with at least 3 units spent. */
    for (int r = 0; r < 3; r++)
        ck_assert_double_ge(cost[r], 3.0);
    ck_assert_uint_ge(search, 6);
    dnnr__journal_lines_free(&l);

    char path[512];
    snprintf(path, sizeof path, "%s/out/summary.csv", workdir);
    char *csv = dnnr__read_file(path, NULL);
    ck_assert_ptr_nonnull(csv);
    ck_assert_ptr_nonnull(strstr(csv, ",p_wilcoxon,"));
    ck_assert_ptr_nonnull(strstr(csv, "\nD1,random,3,max,3,"));
    dnnr__free(csv);
    snprintf(path, sizeof path, "%s/out/report.md", workdir);
    char *md = dnnr__read_file(path, NULL);
    ck_assert_ptr_nonnull(strstr(md, "| D1 | accuracy (max) | "));
    /* The per-technique row ends with the mean training spent per run: the
     * journal's cost units, as summed above. */
    char spent[32];
    snprintf(spent, sizeof spent, " | %.1f |\n", (cost[0] + cost[1] + cost[2]) / 3);
    const char *row = strstr(md, "| random | x3 | ");
    ck_assert_ptr_nonnull(row);
    ck_assert_msg(strstr(row, spent) == strchr(row, '\n') - strlen(spent) + 1, "%s", row);
    dnnr__free(md);
    snprintf(path, sizeof path, "%s/out/plots/boxplots.svg", workdir);
    ck_assert_int_eq(access(path, R_OK), 0);

    /* `dnnrepair report` rebuilds every file byte for byte from trials.jsonl. */
    static const char *const files[] = {"report.md", "summary.csv", "plots/ir.svg",
                                        "plots/boxplots.svg", "plots/complexity.svg"};
    char *before[5];
    for (int i = 0; i < 5; i++) {
        snprintf(path, sizeof path, "%s/out/%s", workdir, files[i]);
        before[i] = dnnr__read_file(path, NULL);
        ck_assert_ptr_nonnull(before[i]);
        unlink(path);
    }
    dnnr_registry *reg = dnnr__registry_create();
    const char *dirs[] = {DNNR_TEST_PLUGIN_DIR};
    dnnr__registry_discover(reg, dirs, 1);
    snprintf(path, sizeof path, "%s/out", workdir);
    ck_assert_msg(dnnr__report_write(path, reg, &err) == DNNR_OK, "%s", err.msg);
    dnnr__registry_destroy(reg);
    for (int i = 0; i < 5; i++) {
        snprintf(path, sizeof path, "%s/out/%s", workdir, files[i]);
        char *after = dnnr__read_file(path, NULL);
        ck_assert_ptr_nonnull(after);
        ck_assert_msg(!strcmp(before[i], after), "%s differs after `report`", files[i]);
        dnnr__free(after);
        dnnr__free(before[i]);
    }
}
END_TEST

static size_t trial_lines(const char *path) { return harness_trial_count(path); }

/* What identifies a trial's result, timestamps and seconds aside. */
static char *signature(const dnnr_json *t)
{
    dnnr_buf b = {0};
    dnnr__buf_printf(&b, "%s|%g|%g|%s|%.17g|%.17g|%.17g|", dnnr__json_str(t, "searcher"),
                     dnnr__json_num(t, "repeat"), dnnr__json_num(t, "trial"),
                     dnnr__json_str(t, "status"), dnnr__json_num(t, "metric"),
                     dnnr__json_num(t, "holdout"), dnnr__json_num(t, "cost_units"));
    for (const dnnr_json *c = dnnr__json_get(t, "config")->child; c; c = c->next)
        dnnr__buf_printf(&b, "%s=%s%.17g,", c->key, c->string ? c->string : "", c->number);
    dnnr__buf_put(&b, "", 1);
    return (char *)b.data;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static char **sorted_signatures(const char *out_name, size_t *n)
{
    dnnr_journal_lines l = journal(out_name);
    char **s = dnnr__alloc(l.n + 1, sizeof *s);
    *n = 0;
    for (size_t i = 0; i < l.n; i++)
        if (!dnnr__json_get(l.items[i], "kind"))
            s[(*n)++] = signature(l.items[i]);
    qsort(s, *n, sizeof *s, cmp_str);
    dnnr__journal_lines_free(&l);
    return s;
}

START_TEST(d1_resume_after_sigkill)
{
    make_workdir();
    write_experiment("budgets = [5];\nbudget_mode = \"evaluations\";\nrepeats = 2;\neval_runs = 2;");
    dnnr_error err = {{0}};
    ck_assert_msg(run_experiment("whole", 0, &err) == DNNR_OK, "%s", err.msg);
    char journal_path[512];
    snprintf(journal_path, sizeof journal_path, "%s/killed/trials.jsonl", workdir);
    pid_t pid = fork();
    if (pid == 0) {
        dnnr_error child_err;
        _exit(run_experiment("killed", 0, &child_err) == DNNR_OK ? 0 : 1);
    }
    while (trial_lines(journal_path) < 7)
        usleep(1000);
    kill(pid, SIGKILL);
    int status;
    waitpid(pid, &status, 0);
    ck_assert(WIFSIGNALED(status));
    ck_assert_uint_lt(trial_lines(journal_path), 14);
    ck_assert_msg(run_experiment("killed", 1, &err) == DNNR_OK, "%s", err.msg);
    size_t na, nb;
    char **a = sorted_signatures("whole", &na), **b = sorted_signatures("killed", &nb);
    ck_assert_uint_eq(na, 4 + 2 * 5);
    ck_assert_uint_eq(na, nb);
    for (size_t i = 0; i < na; i++) {
        ck_assert_str_eq(a[i], b[i]);
        if (i)
            ck_assert_str_ne(b[i - 1], b[i]);
    }
    for (size_t i = 0; i < na; i++) {
        dnnr__free(a[i]);
        dnnr__free(b[i]);
    }
    dnnr__free(a);
    dnnr__free(b);
}
END_TEST

START_TEST(failed_trials_are_reported_and_runs_go_on)
{
    make_workdir();
    /* Random search over D1's space hits NaN losses and configurations Keras
     * rejects (orthogonal biases, sparse CE on its labels) within a few trials. */
    write_experiment("budgets = [12];\nbudget_mode = \"evaluations\";\nrepeats = 1;\neval_runs = 1;");
    dnnr_error err = {{0}};
    ck_assert_msg(run_experiment("out", 0, &err) == DNNR_OK, "%s", err.msg);
    dnnr_journal_lines l = journal("out");
    size_t searched = 0, bad = 0;
    for (size_t i = 0; i < l.n; i++) {
        const dnnr_json *t = l.items[i];
        if (dnnr__json_get(t, "kind") || !is(t, "searcher", "random"))
            continue;
        searched++;
        if (is(t, "status", "diverged") || is(t, "status", "invalid")) {
            bad++;
            ck_assert_uint_gt(strlen(dnnr__json_str(t, "message")), 10);
            ck_assert(isnan(dnnr__json_num(t, "metric")));
        }
    }
    ck_assert_uint_eq(searched, 12);
    ck_assert_uint_ge(bad, 1);
    dnnr__journal_lines_free(&l);
}
END_TEST

static void trial_line(FILE *f, const char *searcher, int budget, int repeat, int trial,
                       const char *status, const char *metric, const char *holdout)
{
    fprintf(f,
            "{\"subject\":\"S\",\"searcher\":\"%s\",\"budget\":%d,\"repeat\":%d,"
            "\"trial\":%d,\"config\":{},\"status\":\"%s\",\"metric\":%s,\"holdout\":%s,"
            "\"direction\":\"max\",\"optimum\":null}\n",
            searcher, budget, repeat, trial, status, metric, holdout);
}

/* The study's selection on a journal written by hand: the faulty start is
 * excluded, the best search value wins (first on ties), its holdout value is
 * reported, and a result worse than the faulty mean is replaced by it. */
START_TEST(patch_selection_rule)
{
    make_workdir();
    char dir[512], path[600];
    snprintf(dir, sizeof dir, "%s/hand", workdir);
    dnnr__mkdirs(dir);
    snprintf(path, sizeof path, "%s/trials.jsonl", dir);
    FILE *f = fopen(path, "w");
    fprintf(f, "{\"kind\":\"subject\",\"subject\":\"S\",\"task\":\"classification\","
               "\"direction\":\"max\",\"metric\":\"accuracy\",\"optimum\":null,\"params\":[],"
               "\"faulty\":{},\"fix\":null,\"paper\":null}\n");
    trial_line(f, "#faulty", 0, 0, 0, "ok", "0.5", "0.40");
    trial_line(f, "#faulty", 0, 1, 0, "ok", "0.5", "0.60");
    /* repeat 0: the start is the best search value but is excluded; trials 1
     * and 2 tie on search, the first (holdout 0.7) wins. */
    trial_line(f, "r", 10, 0, 0, "ok", "0.99", "0.99");
    trial_line(f, "r", 10, 0, 1, "ok", "0.80", "0.70");
    trial_line(f, "r", 10, 0, 2, "ok", "0.80", "0.95");
    trial_line(f, "r", 10, 0, 3, "diverged", "null", "null");
    /* repeat 1: the best patch's holdout (0.3) is worse than the faulty mean 0.5. */
    trial_line(f, "r", 10, 1, 0, "ok", "0.5", "0.5");
    trial_line(f, "r", 10, 1, 1, "ok", "0.90", "0.30");
    trial_line(f, "r", 10, 1, 2, "ok", "0.70", "0.99");
    fclose(f);
    dnnr_error err = {{0}};
    ck_assert_msg(dnnr__report_write(dir, NULL, &err) == DNNR_OK, "%s", err.msg);
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    char *csv = dnnr__read_file(path, NULL);
    /* finals 0.70 and 0.50: mean 0.6, population std 0.1 */
    ck_assert_msg(strstr(csv, "\nS,r,10,max,2,7,1,0.6,0.1,0.5,"), "%s", csv);
    dnnr__free(csv);
}
END_TEST

START_TEST(warm_start_continues_from_kept_weights)
{
    make_workdir();
    char path[512];
    snprintf(path, sizeof path, "%s/exp.cfg", workdir);
    FILE *f = fopen(path, "w");
    fprintf(f,
            "name = \"warm\";\nsubjects = [\"%s/configs/subjects/D1.cfg\"];\n"
            "searchers = ( \"warm\" );\nplugin_paths = [\"%s\", \"%s\"];\nthreads = 1;\n"
            "budgets = [10];\nbudget_mode = \"evaluations\";\neval_runs = 1;\nfinal_runs = 1;\n",
            DNNR_TEST_SOURCE_DIR, DNNR_TEST_PLUGIN_DIR, DNNR_TEST_BUILD_DIR "/test-plugins/good");
    fclose(f);
    dnnr_error err = {{0}};
    ck_assert_msg(run_experiment("out", 0, &err) == DNNR_OK, "%s", err.msg);
    dnnr_journal_lines l = journal("out");
    const dnnr_json *t[5] = {NULL};
    for (size_t i = 0; i < l.n; i++)
        if (!dnnr__json_get(l.items[i], "kind") && is(l.items[i], "searcher", "warm"))
            t[(int)dnnr__json_num(l.items[i], "trial")] = l.items[i];
    ck_assert(t[1] && t[2] && t[3] && t[4]);
    ck_assert(is(t[1], "status", "ok") && is(t[2], "status", "ok"));
    ck_assert_double_eq(dnnr__json_num(t[2], "warm_start"), 1);
    /* trial 4's extras: journaled, and its warm start loaded trial 1's dense
     * weights around the inserted batch norms */
    ck_assert(is(t[4], "status", "ok"));
    ck_assert_double_eq(dnnr__json_num(t[4], "warm_start"), 1);
    const dnnr_json *x = dnnr__json_get(t[4], "extras");
    ck_assert_ptr_nonnull(x);
    ck_assert(is(x, "batchnorm", "after_hidden"));
    ck_assert_double_eq(dnnr__json_num(x, "clipvalue"), 9.5);
    ck_assert_double_eq(dnnr__json_num(x, "edits"), 2);
    ck_assert_ptr_null(dnnr__json_get(t[1], "extras"));
    ck_assert_ptr_null(dnnr__json_get(t[2], "extras"));
    /* Continuing from trained weights starts where trial 1 ended, far below
     * the loss of a fresh start. */
    double fresh = dnnr__json_get(t[1], "train_loss")->child->number;
    double continued = dnnr__json_get(t[2], "train_loss")->child->number;
    ck_assert_msg(continued < 0.5 * fresh, "fresh %g, continued %g", fresh, continued);
    ck_assert(is(t[3], "status", "invalid"));
    ck_assert_ptr_nonnull(strstr(dnnr__json_str(t[3], "message"), "kept no weights"));
    snprintf(path, sizeof path, "%s/out/weights/D1/warm/b10-r0-t1.bin", workdir);
    ck_assert_int_eq(access(path, R_OK), 0);
    /* the final retraining of the chosen patch keeps the patch's extras */
    const dnnr_json *final = NULL;
    for (size_t i = 0; i < l.n; i++)
        if (!dnnr__json_get(l.items[i], "kind") && is(l.items[i], "searcher", "warm#final"))
            final = l.items[i];
    ck_assert_ptr_nonnull(final);
    const char *note = dnnr__json_str(final, "note");
    int chosen = atoi(strstr(note, "trial ") + 6);
    ck_assert(chosen == 1 || chosen == 2 || chosen == 4);
    ck_assert_int_eq(dnnr__json_get(final, "extras") != NULL, chosen == 4);
    size_t lines = l.n;
    dnnr__journal_lines_free(&l);
    /* --resume replays every ask: the configurations and the extras must
     * match the journal's, so nothing is trained again */
    ck_assert_msg(run_experiment("out", 1, &err) == DNNR_OK, "%s", err.msg);
    l = journal("out");
    ck_assert_uint_eq(l.n, lines);
    dnnr__journal_lines_free(&l);
}
END_TEST

/* A searcher built against the frozen SDK 1.1 headers runs on this host: its
 * requests end before 1.2's extras, which the journal then leaves out. */
START_TEST(sdk_1_1_searcher_runs)
{
    make_workdir();
    char path[512];
    snprintf(path, sizeof path, "%s/exp.cfg", workdir);
    FILE *f = fopen(path, "w");
    fprintf(f,
            "name = \"v11\";\nsubjects = [\"%s/configs/subjects/D1.cfg\"];\n"
            "searchers = ( \"frozen_v1_1\" );\nplugin_paths = [\"%s\", \"%s\"];\nthreads = 1;\n"
            "budgets = [3];\nbudget_mode = \"evaluations\";\neval_runs = 1;\n",
            DNNR_TEST_SOURCE_DIR, DNNR_TEST_PLUGIN_DIR, DNNR_TEST_BUILD_DIR "/test-plugins/frozen");
    fclose(f);
    dnnr_error err = {{0}};
    ck_assert_msg(run_experiment("out", 0, &err) == DNNR_OK, "%s", err.msg);
    dnnr_journal_lines l = journal("out");
    size_t asked = 0;
    for (size_t i = 0; i < l.n; i++) {
        const dnnr_json *t = l.items[i];
        if (dnnr__json_get(t, "kind") || !is(t, "searcher", "frozen_v1_1") ||
            dnnr__json_num(t, "trial") == 0)
            continue;
        asked++;
        ck_assert(is(t, "status", "ok"));
        ck_assert_ptr_null(dnnr__json_get(t, "extras"));
        /* the 1.1 init's hints reached it: the first parameter's role */
        ck_assert_msg(strlen(dnnr__json_str(t, "note")) > 0 && !is(t, "note", "none"), "%s",
                      dnnr__json_str(t, "note"));
    }
    ck_assert_uint_eq(asked, 2);
    dnnr__journal_lines_free(&l);
}
END_TEST

START_TEST(final_retrainings_of_the_chosen_patch)
{
    make_workdir();
    write_experiment("budgets = [4];\nbudget_mode = \"evaluations\";\nrepeats = 2;\neval_runs = 2;\n"
                     "final_runs = 3;");
    dnnr_error err = {{0}};
    ck_assert_msg(run_experiment("out", 0, &err) == DNNR_OK, "%s", err.msg);
    dnnr_journal_lines l = journal("out");
    double faulty = 0, values[2];
    int n_faulty = 0;
    for (size_t i = 0; i < l.n; i++)
        if (!dnnr__json_get(l.items[i], "kind") && is(l.items[i], "searcher", "#faulty")) {
            faulty += dnnr__json_num(l.items[i], "holdout");
            n_faulty++;
        }
    faulty /= n_faulty;
    for (int r = 0; r < 2; r++) {
        /* The study's choice among this repeat's trials 1.. (best search metric, first on ties). */
        const dnnr_json *chosen = NULL;
        size_t finals = 0;
        double sum = 0;
        for (size_t i = 0; i < l.n; i++) {
            const dnnr_json *t = l.items[i];
            if (dnnr__json_get(t, "kind") || dnnr__json_num(t, "repeat") != r)
                continue;
            if (is(t, "searcher", "random") && dnnr__json_num(t, "trial") > 0 && is(t, "status", "ok") &&
                (!chosen || dnnr__json_num(t, "metric") > dnnr__json_num(chosen, "metric")))
                chosen = t;
            if (is(t, "searcher", "random#final")) {
                finals++;
                sum += dnnr__json_num(t, "holdout");
            }
        }
        ck_assert_ptr_nonnull(chosen);
        ck_assert_uint_eq(finals, 3);
        for (size_t i = 0; i < l.n; i++) {
            const dnnr_json *t = l.items[i];
            if (dnnr__json_get(t, "kind") || dnnr__json_num(t, "repeat") != r ||
                !is(t, "searcher", "random#final"))
                continue;
            /* the same configuration as the chosen trial */
            const dnnr_json *a = dnnr__json_get(t, "config")->child;
            const dnnr_json *b = dnnr__json_get(chosen, "config")->child;
            for (; a && b; a = a->next, b = b->next)
                ck_assert(a->type == b->type && a->number == b->number &&
                          (!a->string || !strcmp(a->string, b->string)));
        }
        values[r] = sum / 3 < faulty ? faulty : sum / 3; /* floored at the faulty mean */
    }
    dnnr__journal_lines_free(&l);
    char path[512];
    snprintf(path, sizeof path, "%s/out/report.md", workdir);
    char *md = dnnr__read_file(path, NULL);
    ck_assert_ptr_nonnull(strstr(md, "mean holdout metric of 3 retrainings"));
    ck_assert_ptr_null(strstr(md, "random#final"));
    dnnr__free(md);
    snprintf(path, sizeof path, "%s/out/summary.csv", workdir);
    char *csv = dnnr__read_file(path, NULL);
    const char *row = strstr(csv, "\nD1,random,4,max,2,");
    ck_assert_ptr_nonnull(row);
    const char *field = row + 1;
    for (int k = 0; k < 7; k++) /* mu is the 8th column */
        field = strchr(field, ',') + 1;
    ck_assert_double_eq_tol(strtod(field, NULL), (values[0] + values[1]) / 2, 1e-9);
    dnnr__free(csv);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("protocol");
    TCase *tc = tcase_create("d1");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, patch_selection_rule);
    tcase_add_test(tc, d1_pipeline_with_a_cost_budget);
    tcase_add_test(tc, failed_trials_are_reported_and_runs_go_on);
    tcase_add_test(tc, d1_resume_after_sigkill);
    tcase_add_test(tc, warm_start_continues_from_kept_weights);
    tcase_add_test(tc, sdk_1_1_searcher_runs);
    tcase_add_test(tc, final_retrainings_of_the_chosen_patch);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
