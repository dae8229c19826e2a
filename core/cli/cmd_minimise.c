/* `dnnrepair minimise RUN_DIR`: minimise every search run's patch of an
 * existing run folder. It resumes the experiment with `minimise` turned on:
 * every journaled trial is replayed, not run again, so only the
 * minimisation trials ("<label>#min") train, and a minimisation killed
 * half-way continues the same way. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "config/experiment.h"
#include "run/journal.h"
#include "run/orchestrator.h"
#include "util/alloc.h"
#include "util/json.h"

static int usage(int code)
{
    printf("usage: dnnrepair minimise RUN_DIR [-j N] [--experiment FILE] [--backend NAME]\n\n"
           "Minimises the patch of every search run in RUN_DIR (a folder `dnnrepair run` wrote):\n"
           "delta debugging over the hyperparameters each patch changes, every candidate\n"
           "retrained `minimise_runs` times (default: eval_runs) and kept unless significantly\n"
           "worse than the full patch (one-sided Mann-Whitney U at `minimise_alpha`, 0.05).\n"
           "The experiment is resumed with `minimise` on: journaled trials are replayed, only\n"
           "the minimisation trials run; the report gains its minimisation columns.\n\n"
           "  --experiment FILE  the experiment file (default: the one RUN_DIR's journal names)\n"
           "  -j N               run N trials at once (default: the experiment's `workers`)\n"
           "  --backend NAME     training backend: auto (default), onednn, cuda\n");
    return code;
}

/* The experiment file the journal's "experiment" record names, or NULL. */
static char *journal_experiment_file(const char *dir, dnnr_error *err)
{
    char *path = dnnr__asprintf("%s/trials.jsonl", dir);
    if (!path) {
        dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
        return NULL;
    }
    dnnr_journal_lines lines = {0};
    int rc = dnnr__journal_read_lines(path, &lines, err);
    char *file = NULL;
    for (size_t i = 0; !rc && i < lines.n && !file; i++) {
        const char *kind = dnnr__json_str(lines.items[i], "kind");
        const char *named = dnnr__json_str(lines.items[i], "file");
        if (kind && !strcmp(kind, "experiment") && named)
            file = dnnr__strdup(named);
    }
    if (!rc && !file)
        dnnr__error_set(err, DNNR_ENOTFOUND,
                        "%s: the journal does not name its experiment file (written before "
                        "dnnrepair recorded it); give it with --experiment FILE",
                        path);
    dnnr__journal_lines_free(&lines);
    dnnr__free(path);
    return file;
}

int dnnr__cmd_minimise(int argc, char **argv, const volatile sig_atomic_t *stop)
{
    const char *dir = NULL, *file = NULL, *backend = NULL;
    int workers = 0;
    for (int i = 1; i < argc; i++) {
        if (dnnr__is_help(argv[i]))
            return usage(0);
        if (dnnr__cli_trial_option(argc, argv, &i, &backend, &workers))
            continue;
        if (!strcmp(argv[i], "--experiment") && i + 1 < argc)
            file = argv[++i];
        else if (argv[i][0] != '-' && !dir)
            dir = argv[i];
        else {
            fprintf(stderr, "minimise: unexpected argument '%s'\n", argv[i]);
            return usage(2);
        }
    }
    if (!dir)
        return usage(2);
    if (!dnnr__cli_workers_ok("minimise", workers))
        return 2;
    dnnr_error err = {{0}};
    char *named = file ? NULL : journal_experiment_file(dir, &err);
    if (!file && !named) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    dnnr_experiment *e = NULL;
    int rc = dnnr__experiment_read(file ? file : named, &e, &err);
    dnnr__free(named);
    if (!rc) {
        e->minimise = 1;
        rc = dnnr__experiment_check_minimise(e, &err);
    }
    if (rc) {
        fprintf(stderr, "%s\n", err.msg);
        dnnr__experiment_destroy(e);
        return 1;
    }
    dnnr_registry *reg = dnnr__cli_registry((const char *const *)e->plugin_paths, e->n_plugin_paths, 0);
    dnnr_run_options opt = {.out_dir = dir, .resume = 1, .workers = workers, .backend = backend,
                            .progress = stderr, .progress_live = isatty(STDERR_FILENO),
                            .stop = stop};
    rc = reg ? dnnr__experiment_run(e, reg, &opt, &err)
             : dnnr__error_set(&err, DNNR_ENOMEM, "out of memory");
    if (rc)
        fprintf(stderr, "%s\n", err.msg);
    else
        fprintf(stderr, "minimised patches in %s (report.md, summary.csv, trials.jsonl)\n", dir);
    dnnr__registry_destroy(reg);
    dnnr__experiment_destroy(e);
    return rc == DNNR_ECANCELLED ? 130 : rc ? 1 : 0;
}
