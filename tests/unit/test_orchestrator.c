/* The orchestrator end to end on analytic subjects: a searcher crashing in
 * ask costs one trial; crashing and hanging trials cost themselves only; the
 * same file gives the same trials; a run killed with SIGKILL resumes without
 * losing or repeating a trial and ends with the results of an uninterrupted
 * run; the report is rebuilt byte for byte from trials.jsonl. */
#include <check.h>
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

#define GOOD_PLUGINS DNNR_TEST_BUILD_DIR "/test-plugins/good"

static char workdir[256];

static void make_workdir(void) { harness_workdir(workdir, sizeof workdir, "orch"); }

static void write_text(const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", workdir, name);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static void write_subject(const char *options)
{
    char text[1024];
    snprintf(text, sizeof text,
             "id = \"slow\";\ntask = \"analytic\";\n"
             "metric = { name = \"value\"; direction = \"min\"; };\n"
             "dataset = { loader = \"slow_branin\"; %s };\n",
             options);
    write_text("slow.cfg", text);
}

static void write_experiment(const char *searchers, const char *extra)
{
    char text[2048];
    snprintf(text, sizeof text,
             "name = \"t\";\nseed = 7;\nsubjects = [\"slow.cfg\"];\nsearchers = ( %s );\n"
             "plugin_paths = [\"%s\", \"%s\"];\n%s\n",
             searchers, GOOD_PLUGINS, DNNR_TEST_PLUGIN_DIR, extra);
    write_text("exp.cfg", text);
}

static int run_experiment(const char *out_name, int resume, int workers, dnnr_error *err)
{
    return harness_run(workdir, out_name, resume, workers, err);
}

static dnnr_journal_lines read_trials(const char *out_name)
{
    return harness_journal(workdir, out_name, 1);
}

/* What identifies a trial and its result, without timestamps and costs. */
static char *signature(const dnnr_json *t)
{
    dnnr_buf b = {0};
    dnnr__buf_printf(&b, "%s|%s|%g|%g|%g|%s|%.17g|", dnnr__json_str(t, "subject"),
                     dnnr__json_str(t, "searcher"), dnnr__json_num(t, "budget"),
                     dnnr__json_num(t, "repeat"), dnnr__json_num(t, "trial"),
                     dnnr__json_str(t, "status"), dnnr__json_num(t, "metric"));
    for (const dnnr_json *c = dnnr__json_get(t, "config")->child; c; c = c->next)
        dnnr__buf_printf(&b, "%s=%.17g,", c->key, c->number);
    dnnr__buf_put(&b, "", 1);
    return (char *)b.data;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static char **signatures(const dnnr_journal_lines *lines)
{
    char **s = dnnr__alloc(lines->n + 1, sizeof *s);
    for (size_t i = 0; i < lines->n; i++)
        s[i] = signature(lines->items[i]);
    qsort(s, lines->n, sizeof *s, cmp_str);
    return s;
}

static void free_signatures(char **s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dnnr__free(s[i]);
    dnnr__free(s);
}

static void assert_same_trials(const char *a, const char *b)
{
    dnnr_journal_lines la = read_trials(a), lb = read_trials(b);
    ck_assert_uint_eq(la.n, lb.n);
    char **sa = signatures(&la), **sb = signatures(&lb);
    for (size_t i = 0; i < la.n; i++) {
        ck_assert_str_eq(sa[i], sb[i]);
        if (i)
            ck_assert_msg(strcmp(sa[i - 1], sa[i]) != 0, "duplicate trial %s", sa[i]);
    }
    free_signatures(sa, la.n);
    free_signatures(sb, lb.n);
    dnnr__journal_lines_free(&la);
    dnnr__journal_lines_free(&lb);
}

static size_t count_where(const dnnr_journal_lines *l, const char *searcher, const char *status)
{
    size_t n = 0;
    for (size_t i = 0; i < l->n; i++)
        n += (!searcher || !strcmp(dnnr__json_str(l->items[i], "searcher"), searcher)) &&
             (!status || !strcmp(dnnr__json_str(l->items[i], "status"), status));
    return n;
}

START_TEST(searcher_crash_costs_one_trial)
{
    make_workdir();
    write_subject("");
    write_experiment("\"random\", { name = \"crashy\"; options = { crash_at = 3; }; }",
                     "budgets = [8];\nrepeats = 2;");
    dnnr_error err = {{0}};
    ck_assert_msg(run_experiment("out", 0, 1, &err) == DNNR_OK, "%s", err.msg);
    dnnr_journal_lines l = read_trials("out");
    ck_assert_uint_eq(count_where(&l, "random", "ok"), 16);
    /* crashy: trial 0 (start) and the trials of asks 1 and 2, then its 3rd ask dies. */
    ck_assert_uint_eq(count_where(&l, "crashy", "ok"), 2 * 3);
    ck_assert_uint_eq(count_where(&l, "crashy", "crashed"), 2);
    for (size_t i = 0; i < l.n; i++) {
        if (strcmp(dnnr__json_str(l.items[i], "status"), "crashed"))
            continue;
        ck_assert_msg(strstr(dnnr__json_str(l.items[i], "message"),
                             "searcher 'crashy' crashed in ask: signal 11"),
                      "%s", dnnr__json_str(l.items[i], "message"));
        ck_assert_double_eq(dnnr__json_num(l.items[i], "trial"), 3);
    }
    dnnr__journal_lines_free(&l);
    char path[512];
    snprintf(path, sizeof path, "%s/out/report.md", workdir);
    ck_assert_int_eq(access(path, R_OK), 0);
}
END_TEST

START_TEST(crashing_and_hanging_trials_cost_themselves_only)
{
    make_workdir();
    write_subject("crash_above = 6.0; hang_above = 13.0;");
    write_experiment("\"random\"", "budgets = [20];\nrepeats = 1;\ntrial_timeout = 0.5;");
    dnnr_error err = {{0}};
    ck_assert_msg(run_experiment("out", 0, 2, &err) == DNNR_OK, "%s", err.msg);
    dnnr_journal_lines l = read_trials("out");
    ck_assert_uint_eq(l.n, 20);
    size_t crashed = count_where(&l, NULL, "crashed"), timeout = count_where(&l, NULL, "timeout");
    ck_assert_uint_ge(crashed, 1); /* the start configuration (10, 15) crashes */
    ck_assert_uint_ge(timeout, 1);
    ck_assert_uint_ge(count_where(&l, NULL, "ok"), 5);
    for (size_t i = 0; i < l.n; i++) {
        const char *status = dnnr__json_str(l.items[i], "status");
        const char *msg = dnnr__json_str(l.items[i], "message");
        if (!strcmp(status, "crashed"))
            ck_assert_msg(strstr(msg, "the worker died: signal 11"), "%s", msg);
        if (!strcmp(status, "timeout"))
            ck_assert_msg(strstr(msg, "no result within the trial timeout"), "%s", msg);
    }
    dnnr__journal_lines_free(&l);
}
END_TEST

START_TEST(same_file_same_trials_and_report_rebuilds)
{
    make_workdir();
    write_subject("");
    write_experiment("\"random\", { name = \"random\"; label = \"random_b\"; }",
                     "budgets = [10, 15];\nrepeats = 2;");
    dnnr_error err = {{0}};
    ck_assert_msg(run_experiment("a", 0, 1, &err) == DNNR_OK, "%s", err.msg);
    ck_assert_msg(run_experiment("b", 0, 2, &err) == DNNR_OK, "%s", err.msg);
    assert_same_trials("a", "b");
    /* Running into a folder that holds a run needs --resume. */
    ck_assert_int_eq(run_experiment("a", 0, 1, &err), DNNR_EINVAL);
    ck_assert_msg(strstr(err.msg, "already holds a run"), "%s", err.msg);
    /* report.md and summary.csv come from trials.jsonl alone, byte for byte. */
    char dir[512], md[512], csv[512];
    snprintf(dir, sizeof dir, "%s/a", workdir);
    snprintf(md, sizeof md, "%s/a/report.md", workdir);
    snprintf(csv, sizeof csv, "%s/a/summary.csv", workdir);
    char *md1 = dnnr__read_file(md, NULL), *csv1 = dnnr__read_file(csv, NULL);
    unlink(md);
    unlink(csv);
    ck_assert_int_eq(dnnr__report_write(dir, NULL, &err), DNNR_OK);
    char *md2 = dnnr__read_file(md, NULL), *csv2 = dnnr__read_file(csv, NULL);
    ck_assert_str_eq(md1, md2);
    ck_assert_str_eq(csv1, csv2);
    ck_assert_ptr_nonnull(strstr(csv1, "slow,random_b,15,min,2,30,0,"));
    dnnr__free(md1);
    dnnr__free(md2);
    dnnr__free(csv1);
    dnnr__free(csv2);
}
END_TEST

static size_t lines_in(const char *path) { return harness_trial_count(path); }

/* Kill a run with SIGKILL once `kill_after` trials are journaled, resume it,
 * and compare with an uninterrupted run. */
static void kill_and_resume(int workers, size_t kill_after)
{
    make_workdir();
    write_subject("delay_ms = 4.0;");
    write_experiment("\"random\", { name = \"hello\"; }", "budgets = [20];\nrepeats = 3;");
    dnnr_error err = {{0}};
    ck_assert_msg(run_experiment("whole", 0, workers, &err) == DNNR_OK, "%s", err.msg);
    size_t total = lines_in(strcat(strcpy((char[512]){0}, workdir), "/whole/trials.jsonl"));
    ck_assert_uint_eq(total, 2 * 20 * 3);

    char journal[512];
    snprintf(journal, sizeof journal, "%s/killed/trials.jsonl", workdir);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        dnnr_error child_err;
        _exit(run_experiment("killed", 0, workers, &child_err) == DNNR_OK ? 0 : 1);
    }
    while (lines_in(journal) < kill_after)
        usleep(1000);
    kill(pid, SIGKILL);
    int status;
    waitpid(pid, &status, 0);
    ck_assert(WIFSIGNALED(status));
    size_t before = lines_in(journal);
    ck_assert_uint_lt(before, total);

    ck_assert_msg(run_experiment("killed", 1, workers, &err) == DNNR_OK, "%s", err.msg);
    ck_assert_uint_eq(lines_in(journal), total);
    assert_same_trials("whole", "killed");
    char a[512], b[512];
    snprintf(a, sizeof a, "%s/whole/summary.csv", workdir);
    snprintf(b, sizeof b, "%s/killed/summary.csv", workdir);
    char *sa = dnnr__read_file(a, NULL), *sb = dnnr__read_file(b, NULL);
    ck_assert_str_eq(sa, sb);
    dnnr__free(sa);
    dnnr__free(sb);
}

START_TEST(journal_write_failure_stops_cleanly_and_resumes)
{
    make_workdir();
    write_subject("");
    write_experiment("\"hello\"", "budgets = [15];\nrepeats = 2;");
    dnnr_error err = {{0}};
    ck_assert_msg(run_experiment("whole", 0, 1, &err) == DNNR_OK, "%s", err.msg);
    /* The 12th write or fsync of the journal fails: the run stops with the
     * error, and what was journaled before stays a valid journal. */
    dnnr__io_fault(11, 1);
    int rc = run_experiment("faulty", 0, 1, &err);
    dnnr__io_fault(-1, 0);
    ck_assert_int_eq(rc, DNNR_EIO);
    ck_assert_msg(strstr(err.msg, "cannot append to trials.jsonl"), "%s", err.msg);
    dnnr_journal_lines partial = read_trials("faulty");
    ck_assert_uint_lt(partial.n, 30);
    dnnr__journal_lines_free(&partial);
    ck_assert_msg(run_experiment("faulty", 1, 1, &err) == DNNR_OK, "%s", err.msg);
    assert_same_trials("whole", "faulty");
}
END_TEST

START_TEST(resume_after_sigkill_one_worker) { kill_and_resume(1, 57); }
END_TEST

START_TEST(resume_after_sigkill_two_workers) { kill_and_resume(2, 33); }
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("orchestrator");
    TCase *tc = tcase_create("runs");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, searcher_crash_costs_one_trial);
    tcase_add_test(tc, crashing_and_hanging_trials_cost_themselves_only);
    tcase_add_test(tc, same_file_same_trials_and_report_rebuilds);
    tcase_add_test(tc, journal_write_failure_stops_cleanly_and_resumes);
    tcase_add_test(tc, resume_after_sigkill_one_worker);
    tcase_add_test(tc, resume_after_sigkill_two_workers);
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
