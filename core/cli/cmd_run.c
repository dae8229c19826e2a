/* `dnnrepair run` and `dnnrepair report`. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "config/experiment.h"
#include "report/report.h"
#include "run/mpi_pool.h"
#include "run/orchestrator.h"

static int run_usage(int code)
{
    printf("usage: dnnrepair run EXPERIMENT.cfg [--out DIR] [--resume] [-j N] [--backend NAME]\n\n"
           "Runs every subject x searcher x budget x repeat of the experiment. Results go to\n"
           "DIR (default: the experiment's `output`): trials.jsonl (every finished trial,\n"
           "fsync'ed as it finishes), summary.csv and report.md.\n\n"
           "  --out DIR   where results go\n"
           "  --resume    continue a killed or interrupted run in DIR without repeating or\n"
           "              losing a trial\n"
           "  -j N        run N trials at once (default: the experiment's `workers`)\n"
           "  --backend NAME  training backend: auto (default: the best usable), onednn, cuda\n");
    return code;
}

int dnnr__cmd_run(int argc, char **argv, const volatile sig_atomic_t *stop)
{
    const char *file = NULL, *out = NULL, *backend = NULL;
    int resume = 0, workers = 0;
    for (int i = 1; i < argc; i++) {
        if (dnnr__is_help(argv[i]))
            return run_usage(0);
        if (dnnr__cli_trial_option(argc, argv, &i, &backend, &workers))
            continue;
        if (!strcmp(argv[i], "--resume"))
            resume = 1;
        else if (!strcmp(argv[i], "--out") && i + 1 < argc)
            out = argv[++i];
        else if (argv[i][0] != '-' && !file)
            file = argv[i];
        else {
            fprintf(stderr, "run: unexpected argument '%s'\n", argv[i]);
            return run_usage(2);
        }
    }
    if (!file)
        return run_usage(2);
    if (!dnnr__cli_workers_ok("run", workers))
        return 2;
    dnnr_error err = {{0}};
    int rank = 0, ranks = 1;
    if (dnnr__mpi_begin(&rank, &ranks, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    dnnr_experiment *e = NULL;
    if (dnnr__experiment_read(file, &e, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        if (rank > 0) /* rank 0 hears why this rank takes no trials */
            dnnr__mpi_rank_serve(NULL, NULL, workers, backend, stop, &err);
        dnnr__mpi_end();
        return rank > 0 ? 0 : 1;
    }
    dnnr_registry *reg = dnnr__cli_registry((const char *const *)e->plugin_paths, e->n_plugin_paths, 0);
    int rc = reg ? DNNR_OK : DNNR_ENOMEM;
    if (rank > 0) { /* under MPI: train what rank 0 sends */
        if (rc)
            dnnr__error_set(&err, rc, "out of memory");
        dnnr__mpi_rank_serve(rc ? NULL : e, reg, workers, backend, stop, &err);
        dnnr__registry_destroy(reg);
        dnnr__experiment_destroy(e);
        dnnr__mpi_end();
        return 0;
    }
    dnnr_run_options opt = {.out_dir = out, .resume = resume, .workers = workers, .backend = backend,
                            .progress = stderr, .progress_live = isatty(STDERR_FILENO),
                            .stop = stop};
    if (!rc)
        rc = dnnr__experiment_run(e, reg, &opt, &err);
    if (rc)
        fprintf(stderr, "%s\n", err.msg);
    else
        fprintf(stderr, "results in %s (summary.csv, report.md, trials.jsonl)\n",
                out ? out : e->output);
    dnnr__registry_destroy(reg);
    dnnr__experiment_destroy(e);
    dnnr__mpi_end();
    return rc == DNNR_ECANCELLED ? 130 : rc ? 1 : 0;
}

int dnnr__cmd_report(int argc, char **argv)
{
    if (argc != 2 || dnnr__is_help(argv[1])) {
        printf("usage: dnnrepair report DIR\n\n"
               "Rebuilds DIR/summary.csv, DIR/report.md and DIR/plots/*.svg from DIR/trials.jsonl\n"
               "alone (metric plugins are found as for `run`).\n");
        return argc == 2 ? 0 : 2;
    }
    dnnr_error err = {{0}};
    dnnr_registry *reg = dnnr__cli_registry(NULL, 0, 0);
    int rc = reg ? dnnr__report_write(argv[1], reg, &err) : DNNR_ENOMEM;
    dnnr__registry_destroy(reg);
    if (rc) {
        fprintf(stderr, "%s\n", rc == DNNR_ENOMEM && !err.msg[0] ? "out of memory" : err.msg);
        return 1;
    }
    return 0;
}
