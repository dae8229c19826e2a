/* A subject made ready to run: its loader plugin instantiated (with the
 * dataset group's options), an analytic subject's space and start taken from
 * the loader, a data set loaded. Trials execute against it in workers. */
#ifndef DNNR_RUN_SUBJECT_RT_H
#define DNNR_RUN_SUBJECT_RT_H

#include <dnnrepair/dnnrepair.h>

#include "config/subject.h"
#include "data/split.h"
#include "registry/registry.h"
#include "run/outcome.h"
#include "util/error.h"

typedef struct dnnr_subject_rt {
    dnnr_subject *subject; /* borrowed */
    const dnnr_plugin *loader_plugin;
    const dnnr_loader_iface *loader_iface;
    dnnr_loader *loader;
    dnnr_host *host;
    int analytic;
    dnnr_analytic info;   /* analytic subjects */
    /* Data-set subjects. */
    dnnr_dataset dataset;
    dnnr_split parts;     /* of the test set: train = search part, test = holdout part */
    struct dnnr_model_template *model;
    const dnnr_backend_iface *backend;
    const char *backend_name;
    uint32_t backend_sdk_minor; /* the SDK minor its plugin was built against */
    uint32_t threads;     /* per trial; 0 = all cores */
    int64_t faulty_epochs;
    /* What a trial's fidelity means here (from the loader, the subject file,
     * or epochs 1..faulty epochs by default). */
    dnnr_fidelity_kind fidelity_kind;
    double fidelity_min, fidelity_max;
    /* Filled as the faulty model's reference trainings finish. */
    double faulty_cost;     /* its raw training cost: the unit of cost budgets (1 if analytic) */
    double faulty_seconds;  /* mean training seconds T: the unit of time budgets */
    size_t faulty_refs_left; /* reference trainings still to finish before runs start */
    /* The reference trainings' search-part metrics (NaN for a failed one),
     * filled as they finish: the fix's level is the searchers' target
     * (dnnr_searcher_init::target_objective) when it beats the faulty one. */
    size_t fix_refs_left;
    double *faulty_search, *fix_search;
    size_t n_faulty_search, n_fix_search;
    /* What the static lint says about each search-space parameter, set by
     * the orchestrator for its searchers (NULL elsewhere and for analytic
     * subjects). */
    struct dnnr_lint_hints *lint_hints;
    const dnnr_param_hint *const *hints; /* search_space->n_params, or NULL */
} dnnr_subject_rt;

/** What one trial asks the subject to do. */
typedef struct dnnr_trial_job {
    const dnnr_subject_rt *rt;
    const dnnr_value *config;
    double fidelity;
    uint64_t seed; /* the trial's own stream key */
    int64_t warm_start;
    uint32_t flags;
    const void *monitor_state;
    uint32_t monitor_state_size;
    const dnnr_searcher_iface *searcher; /* for its monitor(), may be NULL */
    const char *warm_start_path;  /* weights to continue from, or NULL */
    const char *save_weights_path; /* where to keep the trained weights, or NULL */
    /* Train on past a NaN loss and score the model as Keras does (engine.h); the
     * outcome stays "diverged" with its metrics. `subjects validate` sets it:
     * DeepCrime's criterion scores the faulty program so. Repair runs do not:
     * a diverged model is no repair, and the study's own scoring of one is an
     * artefact (UNITY's angle floor, SUBJECTS.md section 6). */
    int score_diverged;
    dnnr_trial_extras extras;      /* the request's edits on top of config (zeroed: none) */
} dnnr_trial_job;

/**
 * Instantiate the subject's loader; for analytic subjects set the space; for
 * data-set subjects load the data, split the test part into search and
 * holdout rows, parse the model template and pick the backend (`backend`:
 * a plugin name, or "auto" for the best one usable here).
 */
int dnnr__subject_rt_open(dnnr_subject *s, const dnnr_registry *reg, const char *backend,
                          uint32_t threads, dnnr_subject_rt **out, dnnr_error *err);
void dnnr__subject_rt_close(dnnr_subject_rt *rt);
/** Run one trial (in a worker process): a dnnr_trial_fn over dnnr_trial_job. */
void dnnr__trial_execute(void *ctx, const void *job, dnnr_outcome *out);
/** The objective searchers minimise for a metric value. */
double dnnr__objective(const dnnr_subject *s, double metric);

#endif
