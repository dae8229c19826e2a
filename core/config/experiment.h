/* Experiment files: subjects x searchers x budgets x repeats, with seeds,
 * workers and where results go. */
#ifndef DNNR_CONFIG_EXPERIMENT_H
#define DNNR_CONFIG_EXPERIMENT_H

#include <stddef.h>
#include <stdint.h>

#include <libconfig.h>

#include "config/subject.h"
#include "util/error.h"

/** What a DNN subject's budget counts (analytic subjects always count evaluations). */
typedef enum dnnr_budget_mode {
    DNNR_BUDGET_MODE_TIME = 0, /* k x the faulty model's mean training seconds */
    DNNR_BUDGET_MODE_COST = 1, /* k x the faulty model's training-cost units (deterministic) */
    DNNR_BUDGET_MODE_EVALUATIONS = 2, /* k trainings, whatever they cost (tests, quick looks) */
} dnnr_budget_mode;

typedef struct dnnr_searcher_spec {
    const char *plugin;               /* plugin name */
    const char *label;                /* unique name in reports; defaults to plugin */
    const config_setting_t *options;  /* may be NULL */
} dnnr_searcher_spec;

typedef struct dnnr_experiment {
    char *file;
    config_t cfg;
    const char *name;
    int64_t seed;
    dnnr_subject **subjects;
    size_t n_subjects;
    dnnr_searcher_spec *searchers;
    size_t n_searchers;
    double *budgets;
    size_t n_budgets;
    int64_t repeats;
    int64_t eval_runs;      /* R: reference trainings of faulty and fix */
    int64_t final_runs;     /* retrainings of each run's chosen patch (0: the study's rule) */
    int64_t workers;        /* default for -j */
    double trial_timeout;   /* seconds; 0 = none */
    dnnr_budget_mode budget_mode;
    char *output;           /* resolved output folder */
    char **plugin_paths;    /* resolved against the experiment file */
    size_t n_plugin_paths;
    const char **metrics;   /* metric plugin names */
    size_t n_metrics;
    const char *backend;    /* training backend plugin, or "auto" */
    int64_t threads;        /* per trial; 0 = the cores shared out among the workers */
    /* Patch minimisation (core/minimise/README.md): after each DNN search run,
     * ddmin over the changes of its chosen patch, as a run "<label>#min". */
    int minimise;            /* `minimise = true` */
    int64_t minimise_runs;   /* R: retrainings per candidate; default eval_runs */
    double minimise_alpha;   /* the oracle's level; default 0.05 */
    double minimise_budget;  /* cap per run in faulty trainings' cost units; 0 = none */
    int minimise_keep_repair; /* a candidate must stay better than faulty; default 1 */
    int minimise_confirm;     /* retrain the result R fresh times; default 1 */
} dnnr_experiment;

int dnnr__experiment_read(const char *path, dnnr_experiment **out, dnnr_error *err);
void dnnr__experiment_destroy(dnnr_experiment *e);

/**
 * Whether the minimisation settings can work: the oracle must be able to
 * reject, i.e. R retrainings against R must be able to reach p < alpha
 * (1 / C(2R, R) < alpha). Checked when reading a file with `minimise = true`
 * and by `dnnrepair minimise`, which turns minimisation on afterwards.
 */
int dnnr__experiment_check_minimise(const dnnr_experiment *e, dnnr_error *err);

#endif
