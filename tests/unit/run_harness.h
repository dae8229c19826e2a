/* Running whole experiments from tests: a scratch folder, an in-process run
 * of workdir/exp.cfg into workdir/OUT, and its journal read back. Shared by
 * the suites that exercise the orchestrator end to end. */
#ifndef DNNR_TESTS_RUN_HARNESS_H
#define DNNR_TESTS_RUN_HARNESS_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/experiment.h"
#include "registry/registry.h"
#include "run/journal.h"
#include "run/orchestrator.h"
#include "util/alloc.h"
#include "util/io.h"
#include "util/json.h"

/* A fresh folder under /tmp, named after the suite. */
static inline void harness_workdir(char *dir, size_t len, const char *suite)
{
    snprintf(dir, len, "/tmp/dnnr_%s_XXXXXX", suite);
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

/* Run dir/exp.cfg into dir/out_name (workers = 0: the file's). */
static inline int harness_run(const char *dir, const char *out_name, int resume, int workers,
                              dnnr_error *err)
{
    char exp_path[512], out[512];
    snprintf(exp_path, sizeof exp_path, "%s/exp.cfg", dir);
    snprintf(out, sizeof out, "%s/%s", dir, out_name);
    dnnr_experiment *e = NULL;
    int rc = dnnr__experiment_read(exp_path, &e, err);
    if (rc)
        return rc;
    dnnr_registry *reg = dnnr__registry_create();
    dnnr__registry_discover(reg, (const char *const *)e->plugin_paths, e->n_plugin_paths);
    dnnr_run_options opt = {.out_dir = out, .resume = resume, .workers = workers};
    rc = dnnr__experiment_run(e, reg, &opt, err);
    dnnr__registry_destroy(reg);
    dnnr__experiment_destroy(e);
    return rc;
}

/* dir/out_name/trials.jsonl; with only_trials, the experiment and subject
 * records are dropped. */
static inline dnnr_journal_lines harness_journal(const char *dir, const char *out_name,
                                                 int only_trials)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s/trials.jsonl", dir, out_name);
    dnnr_journal_lines lines;
    dnnr_error err;
    ck_assert_int_eq(dnnr__journal_read_lines(path, &lines, &err), DNNR_OK);
    size_t kept = 0;
    for (size_t i = 0; i < lines.n; i++) {
        if (only_trials && dnnr__json_get(lines.items[i], "kind"))
            dnnr__json_free(lines.items[i]);
        else
            lines.items[kept++] = lines.items[i];
    }
    lines.n = kept;
    return lines;
}

/* Trials journaled so far in a trials.jsonl (metadata lines have no "trial"). */
static inline size_t harness_trial_count(const char *path)
{
    char *text = dnnr__read_file(path, NULL);
    size_t n = 0;
    for (char *c = text; c && (c = strstr(c, "\"trial\":")); c++)
        n++;
    dnnr__free(text);
    return n;
}

#endif
