/* Patch minimisation end to end on D1 (the fix is act3 softmax -> sigmoid):
 * random search with a small cost budget and `minimise = true` ends with
 * minimised patches that keep act3's change, drop most others and stay
 * significantly better than the faulty model; every minimisation training
 * is a journaled trial; `dnnrepair minimise` on a finished run gives what
 * `minimise = true` gives; report columns appear only with #min runs; and a
 * run killed during minimisation resumes to the same result. */
#include <check.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/commands.h"
#include "minimise/minimise.h"
#include "report/report.h"

#include "run_harness.h"

static char workdir[256];

static void write_experiment(const char *name, const char *extra)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", workdir, name);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f,
            "name = \"minimise\";\nseed = 11;\nsubjects = [\"%s/configs/subjects/D1.cfg\"];\n"
            "searchers = ( \"random\" );\nplugin_paths = [\"%s\"];\nthreads = 1;\n"
            "budgets = [8];\nbudget_mode = \"cost\";\nrepeats = 2;\neval_runs = 5;\n%s\n",
            DNNR_TEST_SOURCE_DIR, DNNR_TEST_PLUGIN_DIR, extra);
    fclose(f);
}

static int is(const dnnr_json *l, const char *key, const char *value)
{
    const char *v = dnnr__json_str(l, key);
    return v && !strcmp(v, value);
}

static int in_list(const dnnr_json *arr, const char *name)
{
    for (const dnnr_json *e = arr ? arr->child : NULL; e; e = e->next)
        if (e->string && !strcmp(e->string, name))
            return 1;
    return 0;
}

static char *read_out(const char *out, const char *file)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s/%s", workdir, out, file);
    return dnnr__read_file(path, NULL);
}

/* The holdout metric of trial `trial` of a run, NaN when absent. */
static double holdout_of(const dnnr_journal_lines *l, const char *searcher, double repeat,
                         double trial)
{
    for (size_t i = 0; i < l->n; i++)
        if (is(l->items[i], "searcher", searcher) && !dnnr__json_get(l->items[i], "kind") &&
            dnnr__json_num(l->items[i], "repeat") == repeat &&
            dnnr__json_num(l->items[i], "trial") == trial)
            return dnnr__json_num(l->items[i], "holdout");
    return NAN;
}

/* What `minimise = true` must have produced in out (asserted), and how many
 * patches were minimised. With reuse, the full patch's reference is the
 * first five `final_runs` retrainings. */
static size_t check_minimised(const char *out, int reuse)
{
    dnnr_journal_lines l = harness_journal(workdir, out, 0);
    double faulty[16];
    size_t n_faulty = 0, minimised = 0, records = 0;
    for (size_t i = 0; i < l.n; i++)
        if (is(l.items[i], "searcher", "#faulty") && n_faulty < 16)
            faulty[n_faulty++] = dnnr__json_num(l.items[i], "holdout");
    ck_assert_uint_eq(n_faulty, 5);
    for (size_t i = 0; i < l.n; i++) {
        const dnnr_json *rec = l.items[i];
        if (!is(rec, "kind", "minimised"))
            continue;
        records++;
        ck_assert(is(rec, "searcher", "random#min") && is(rec, "base", "random"));
        double repeat = dnnr__json_num(rec, "repeat");
        /* Its trials: R = 5 per configuration, none trained twice, every one noted;
         * the kept configuration 5 more times as its confirmation. */
        size_t trials = 0, reference = 0, confirmation = 0;
        double cost = 0;
        for (size_t j = 0; j < l.n; j++) {
            const dnnr_json *t = l.items[j];
            if (dnnr__json_get(t, "kind") || !is(t, "searcher", "random#min") ||
                dnnr__json_num(t, "repeat") != repeat)
                continue;
            trials++;
            cost += dnnr__json_num(t, "cost_units");
            const char *note = dnnr__json_str(t, "note");
            ck_assert_ptr_nonnull(note);
            reference += !strncmp(note, "minimisation reference", 22);
            int confirming = strstr(note, "confirmation retraining") != NULL;
            confirmation += confirming;
            ck_assert_msg(!strncmp(note, "minimisation reference", 22) ||
                              !strncmp(note, "ddmin candidate", 15) ||
                              (!strncmp(note, "minimised patch", 15) && confirming),
                          "%s", note);
            size_t same = 0;
            for (size_t k = 0; k < l.n; k++) {
                const dnnr_json *u = l.items[k];
                if (dnnr__json_get(u, "kind") || !is(u, "searcher", "random#min") ||
                    dnnr__json_num(u, "repeat") != repeat ||
                    (strstr(dnnr__json_str(u, "note"), "confirmation retraining") != NULL) !=
                        confirming)
                    continue;
                const dnnr_json *a = dnnr__json_get(t, "config")->child;
                const dnnr_json *b = dnnr__json_get(u, "config")->child;
                int equal = 1;
                for (; a && b; a = a->next, b = b->next)
                    equal &= a->number == b->number && (!a->string || !strcmp(a->string, b->string));
                same += equal;
            }
            ck_assert_uint_eq(same, 5);
        }
        ck_assert_uint_eq(reference, reuse ? 0 : 5);
        ck_assert(is(rec, "reference", reuse ? "random#final" : "#min"));
        size_t k = 0;
        for (const dnnr_json *v = dnnr__json_get(rec, "patch_values")->child; v; v = v->next, k++)
            ck_assert_double_eq(v->number, holdout_of(&l, reuse ? "random#final" : "random#min",
                                                      repeat, (double)k));
        ck_assert_uint_eq(k, 5);
        ck_assert_uint_eq(trials, (size_t)dnnr__json_num(rec, "trials"));
        ck_assert_double_eq_tol(cost, dnnr__json_num(rec, "cost_units"), 1e-9);
        if (!is(rec, "stopped", "minimal"))
            continue; /* "no repair": only the reference was trained */
        minimised++;
        const dnnr_json *kept = dnnr__json_get(rec, "kept");
        const dnnr_json *changes = dnnr__json_get(rec, "changes");
        ck_assert(in_list(kept, "act3"));
        ck_assert_uint_lt(dnnr__json_length(kept), dnnr__json_length(changes));
        ck_assert_uint_le(dnnr__json_length(kept), 2);
        ck_assert(!is(dnnr__json_get(rec, "config"), "act3", "softmax"));
        double values[16];
        size_t nv = 0;
        for (const dnnr_json *v = dnnr__json_get(rec, "values")->child; v && nv < 16; v = v->next)
            values[nv++] = v->type == DNNR_JSON_NUMBER ? v->number : NAN;
        ck_assert_uint_eq(nv, 5);
        ck_assert(dnnr__minimise_better(values, nv, faulty, n_faulty, 1, 0.05, NULL));
        /* Fresh retrainings of the minimised patch, when it is smaller than the
         * patch: what the report's "still significant" reads. */
        const dnnr_json *confirm = dnnr__json_get(rec, "confirm_values");
        ck_assert_uint_eq(confirmation, dnnr__json_length(kept) > 0 ? 5 : 0);
        ck_assert_uint_eq(confirm ? dnnr__json_length(confirm) : 0, confirmation);
        ck_assert_uint_ge(dnnr__json_num(rec, "candidates"), 1);
    }
    ck_assert_uint_eq(records, 2);
    dnnr__journal_lines_free(&l);
    return minimised;
}

START_TEST(d1_minimised_patches_keep_act3_and_stay_significant)
{
    harness_workdir(workdir, sizeof workdir, "minimise");
    /* final_runs >= minimise_runs: the #final retrainings are the reference. */
    write_experiment("exp.cfg", "minimise = true;\nminimise_runs = 5;\nfinal_runs = 6;");
    dnnr_error err = {{0}};
    ck_assert_msg(harness_run(workdir, "out", 0, 2, &err) == DNNR_OK, "%s", err.msg);
    ck_assert_uint_ge(check_minimised("out", 1), 1);
    char *csv = read_out("out", "summary.csv"), *md = read_out("out", "report.md");
    ck_assert_ptr_nonnull(strstr(csv, ",min_runs,min_repairs,min_significant,complexity_before,"));
    ck_assert_ptr_null(strstr(csv, "random#min")); /* no cell of its own */
    ck_assert_ptr_nonnull(strstr(md, "### Patch minimisation"));
    ck_assert_ptr_nonnull(strstr(md, "| random | x8 | 2 | "));
    dnnr__free(csv);
    dnnr__free(md);
}
END_TEST

START_TEST(minimise_command_adds_columns_to_a_finished_run)
{
    harness_workdir(workdir, sizeof workdir, "minimise");
    write_experiment("exp.cfg", "minimise_runs = 5;");
    dnnr_error err = {{0}};
    ck_assert_msg(harness_run(workdir, "out", 0, 2, &err) == DNNR_OK, "%s", err.msg);
    char *csv = read_out("out", "summary.csv"), *md = read_out("out", "report.md");
    ck_assert_ptr_null(strstr(csv, "min_runs"));
    ck_assert_ptr_null(strstr(md, "minimisation"));
    dnnr_journal_lines old = harness_journal(workdir, "out", 1);
    size_t n_before = old.n;
    dnnr__journal_lines_free(&old);

    char dir[512];
    snprintf(dir, sizeof dir, "%s/out", workdir);
    char *argv[] = {"minimise", dir, "-j", "2", NULL};
    ck_assert_int_eq(dnnr__cmd_minimise(4, argv, NULL), 0);
    ck_assert_uint_ge(check_minimised("out", 0), 1);
    /* Only minimisation trials were added; the search's lines are untouched. */
    dnnr_journal_lines l = harness_journal(workdir, "out", 1);
    size_t added = 0;
    for (size_t i = 0; i < l.n; i++)
        added += is(l.items[i], "searcher", "random#min");
    ck_assert_uint_eq(l.n - added, n_before);
    dnnr__journal_lines_free(&l);
    char *csv2 = read_out("out", "summary.csv"), *md2 = read_out("out", "report.md");
    ck_assert_ptr_nonnull(strstr(csv2, ",min_runs,"));
    ck_assert_ptr_nonnull(strstr(md2, "### Patch minimisation"));
    /* What was there before is still there, byte for byte. */
    ck_assert(!strncmp(md, md2, strlen(md)));

    /* `dnnrepair report` rebuilds the files with the columns byte for byte. */
    dnnr_registry *reg = dnnr__registry_create();
    const char *dirs[] = {DNNR_TEST_PLUGIN_DIR};
    dnnr__registry_discover(reg, dirs, 1);
    ck_assert_msg(dnnr__report_write(dir, reg, &err) == DNNR_OK, "%s", err.msg);
    dnnr__registry_destroy(reg);
    char *csv3 = read_out("out", "summary.csv"), *md3 = read_out("out", "report.md");
    ck_assert_str_eq(csv2, csv3);
    ck_assert_str_eq(md2, md3);
    /* The same as a run with minimise = true from the start. */
    write_experiment("exp.cfg", "minimise = true;\nminimise_runs = 5;");
    ck_assert_msg(harness_run(workdir, "direct", 0, 1, &err) == DNNR_OK, "%s", err.msg);
    char *csv4 = read_out("direct", "summary.csv");
    ck_assert_str_eq(csv3, csv4);
    char *files[] = {csv, md, csv2, md2, csv3, md3, csv4};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        dnnr__free(files[i]);
}
END_TEST

/* The minimisation's trials and records, timestamps and seconds aside, sorted. */
static char **signatures(const char *out, size_t *n)
{
    dnnr_journal_lines l = harness_journal(workdir, out, 0);
    char **s = dnnr__alloc(l.n + 1, sizeof *s);
    *n = 0;
    for (size_t i = 0; i < l.n; i++) {
        const dnnr_json *t = l.items[i];
        const char *label = dnnr__json_str(t, "searcher");
        if (!label || !strstr(label, "#min"))
            continue;
        dnnr_buf b = {0};
        if (is(t, "kind", "minimised")) {
            static const char *const keys[] = {"stopped", "candidates", "trials", "cost_units",
                                               "patch_trial"};
            dnnr__buf_printf(&b, "record r%g", dnnr__json_num(t, "repeat"));
            for (size_t k = 0; k < 5; k++)
                dnnr__buf_printf(&b, "|%s=%s%.17g", keys[k],
                                 dnnr__json_str(t, keys[k]) ? dnnr__json_str(t, keys[k]) : "",
                                 dnnr__json_num(t, keys[k]));
            for (const dnnr_json *v = dnnr__json_get(t, "kept")->child; v; v = v->next)
                dnnr__buf_printf(&b, "|%s", v->string);
            for (const dnnr_json *v = dnnr__json_get(t, "values")->child; v; v = v->next)
                dnnr__buf_printf(&b, "|%.17g", v->number);
        } else {
            dnnr__buf_printf(&b, "trial r%g t%g|%s|%s|%.17g|%.17g", dnnr__json_num(t, "repeat"),
                             dnnr__json_num(t, "trial"), dnnr__json_str(t, "status"),
                             dnnr__json_str(t, "note"), dnnr__json_num(t, "holdout"),
                             dnnr__json_num(t, "cost_units"));
        }
        dnnr__buf_put(&b, "", 1);
        s[(*n)++] = (char *)b.data;
    }
    dnnr__journal_lines_free(&l);
    for (size_t i = 1; i < *n; i++) /* insertion sort: a few dozen lines */
        for (size_t j = i; j > 0 && strcmp(s[j - 1], s[j]) > 0; j--) {
            char *t = s[j];
            s[j] = s[j - 1];
            s[j - 1] = t;
        }
    return s;
}

static size_t min_lines(const char *path)
{
    char *text = dnnr__read_file(path, NULL);
    size_t n = 0;
    for (char *c = text; c && (c = strstr(c, "#min\"")); c++)
        n++;
    dnnr__free(text);
    return n;
}

START_TEST(resume_after_sigkill_during_minimisation)
{
    harness_workdir(workdir, sizeof workdir, "minimise");
    write_experiment("exp.cfg", "minimise = true;\nminimise_runs = 5;");
    dnnr_error err = {{0}};
    ck_assert_msg(harness_run(workdir, "whole", 0, 2, &err) == DNNR_OK, "%s", err.msg);
    size_t total = 0;
    char **whole = signatures("whole", &total);
    char path[512];
    snprintf(path, sizeof path, "%s/killed/trials.jsonl", workdir);
    pid_t pid = fork();
    if (pid == 0) {
        dnnr_error child_err;
        _exit(harness_run(workdir, "killed", 0, 2, &child_err) == DNNR_OK ? 0 : 1);
    }
    /* Past the reference and into the candidates of the first minimisation. */
    while (min_lines(path) < 12)
        usleep(1000);
    kill(pid, SIGKILL);
    int status;
    waitpid(pid, &status, 0);
    ck_assert(WIFSIGNALED(status));
    ck_assert_uint_lt(min_lines(path), total);
    ck_assert_msg(harness_run(workdir, "killed", 1, 1, &err) == DNNR_OK, "%s", err.msg);
    size_t n = 0;
    char **killed = signatures("killed", &n);
    ck_assert_uint_eq(n, total);
    for (size_t i = 0; i < n; i++) {
        ck_assert_str_eq(whole[i], killed[i]); /* nothing lost, nothing twice */
        dnnr__free(whole[i]);
        dnnr__free(killed[i]);
    }
    dnnr__free(whole);
    dnnr__free(killed);
}
END_TEST

/* Three cases, so ctest can run the quick one by default (CK_RUN_CASE=d1)
 * and the others under the `slow` label. */
static Suite *suite(void)
{
    Suite *s = suite_create("minimise_e2e");
    TCase *tc = tcase_create("d1");
    tcase_set_timeout(tc, 240);
    tcase_add_test(tc, d1_minimised_patches_keep_act3_and_stay_significant);
    suite_add_tcase(s, tc);
    tc = tcase_create("command");
    tcase_set_timeout(tc, 240);
    tcase_add_test(tc, minimise_command_adds_columns_to_a_finished_run);
    suite_add_tcase(s, tc);
    tc = tcase_create("resume");
    tcase_set_timeout(tc, 240);
    tcase_add_test(tc, resume_after_sigkill_during_minimisation);
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
