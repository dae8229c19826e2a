/* Running an experiment: every (subject, searcher, budget, repeat) run, its
 * trials spread over -j workers, every finished trial journaled before the
 * next decision, and a killed experiment resumable without repeating or
 * losing a trial. */
#ifndef DNNR_RUN_ORCHESTRATOR_H
#define DNNR_RUN_ORCHESTRATOR_H

#include <signal.h>
#include <stdio.h>

#include "config/experiment.h"
#include "registry/registry.h"
#include "util/error.h"

typedef struct dnnr_run_options {
    const char *out_dir;             /* NULL: the experiment's `output` */
    int resume;                      /* continue the journal in out_dir */
    int workers;                     /* 0: the experiment's `workers` */
    const char *backend;             /* NULL: the experiment's `backend` */
    FILE *progress;                  /* NULL: no progress */
    int progress_live;               /* a terminal: rewrite one status line */
    const volatile sig_atomic_t *stop; /* set by a signal handler: stop dispatching */
} dnnr_run_options;

/** Seed of one run, from the experiment seed and the run's identity. */
uint64_t dnnr__run_seed(int64_t experiment_seed, const char *subject, const char *searcher,
                        double budget, int64_t repeat);

/** Run (or resume) the experiment, then write the report files. */
int dnnr__experiment_run(dnnr_experiment *e, dnnr_registry *reg, const dnnr_run_options *o,
                         dnnr_error *err);

/**
 * Start and stop every searcher of the experiment once in its own process,
 * on the first subject's space: catches unknown or mistyped options before
 * anything runs.
 */
int dnnr__experiment_check_searchers(const dnnr_experiment *e, const dnnr_registry *reg,
                                     dnnr_error *err);

#endif
