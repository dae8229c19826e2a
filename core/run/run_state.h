/* State shared by the orchestrator's files: one run_state per (subject,
 * searcher, budget, repeat), one trial_slot per trial between its ask and its
 * tell. Internal to core/run. */
#ifndef DNNR_RUN_RUN_STATE_H
#define DNNR_RUN_RUN_STATE_H

#include "config/experiment.h"
#include "registry/registry.h"
#include "run/journal.h"
#include "run/orchestrator.h"
#include "run/searcher_proc.h"
#include "run/subject_rt.h"
#include "run/worker.h"

typedef enum run_phase { RUN_PENDING, RUN_ACTIVE, RUN_DONE } run_phase;

/* A search run; one reference training of the faulty model or the fix (the
 * study's Faulty and Fix columns, and the unit of time budgets); the final
 * retrainings of a search run's chosen patch (`final_runs`); or the
 * minimisation of that patch (`minimise`, core/run/minimise_run.c). */
typedef enum run_role { ROLE_SEARCH, ROLE_FAULTY, ROLE_FIX, ROLE_FINAL, ROLE_MINIMISE } run_role;

#define DNNR_FAULTY_LABEL "#faulty"
#define DNNR_FIX_LABEL "#fix"
#define DNNR_FINAL_SUFFIX "#final"
#define DNNR_MIN_SUFFIX "#min"

typedef struct trial_slot {
    struct run_state *run;
    uint64_t trial;
    dnnr_value *config;
    double fidelity;
    int64_t warm_start;
    uint32_t flags;
    char note[DNNR_MESSAGE_MAX];
    uint8_t *monitor_state;
    uint32_t monitor_state_size;
    dnnr_trial_extras extras; /* zeroed: none */
    double started_wall;
    int budget_limited;  /* its timeout is what was left of the run's time budget */
    char *weights_in, *weights_out; /* warm start from / keep weights at (NULL: none) */
    dnnr_trial_job job;
    int done;            /* outcome holds the result, waiting for its turn to be told */
    dnnr_outcome outcome;
} trial_slot;

typedef struct run_state {
    dnnr_run_key key;
    run_role role;
    double overhead;       /* seconds spent in the searcher's ask and tell (time budgets) */
    dnnr_subject_rt *rt;
    const dnnr_searcher_spec *spec;
    const dnnr_searcher_iface *iface;
    uint64_t seed;
    dnnr_budget_info budget; /* used = evaluations dispatched or units charged */
    dnnr_searcher_proc *sp;
    run_phase phase;
    int blocked, asking_done, failed;
    uint64_t next_trial, tells, finished_trials, failed_trials;
    double started; /* monotonic seconds when the run was activated */
    double best_objective;
    trial_slot **open;     /* asked and not yet told, in trial order */
    size_t n_open, cap_open;
    const dnnr_json **journaled; /* --resume: this run's trials.jsonl lines by trial id */
    size_t n_journaled;
    /* The study's choice so far (DNN search runs): best search metric, the
     * faulty start excluded, the lowest trial id on ties. */
    dnnr_value *patch;
    dnnr_trial_extras patch_extras; /* the patch trial's extras (zeroed: none) */
    double patch_metric;
    uint64_t patch_trial;
    struct run_state *base; /* ROLE_FINAL, ROLE_MINIMISE: the search run whose patch it retrains */
    char *owned_label;      /* ROLE_FINAL: "<label>#final"; ROLE_MINIMISE: "<label>#min" */
    /* ROLE_FAULTY, ROLE_FINAL, ROLE_MINIMISE: each trial's holdout metric
     * (NaN: failed) and cost units, by trial id, whatever order the workers
     * finish in (minimise_run.c reads them). */
    double *samples, *sample_costs;
    size_t n_samples;
    struct run_state *final;          /* ROLE_MINIMISE: the #final run it reuses, or NULL */
    struct dnnr_minimise_run *mini;   /* ROLE_MINIMISE: its ddmin state */
} run_state;

typedef struct orchestrator {
    dnnr_experiment *e;
    const dnnr_registry *reg;
    const dnnr_run_options *opt;
    char *out_dir;
    dnnr_journal *journal;
    dnnr_subject_rt **rts;
    run_state *runs;
    size_t n_runs, next_pending, runs_done;
    uint64_t window;    /* trials a run may have between ask and tell */
    dnnr_worker *workers;
    trial_slot **slots; /* slots[i] is what workers[i] runs */
    size_t n_workers;
    struct dnnr_mpi_pool *mpi; /* under MPI: the other ranks' slots replace workers */
    trial_slot **queue; /* asked, waiting for a free worker */
    size_t n_queue, cap_queue;
    dnnr_journal_lines journal_lines;
    uint64_t trials_total;
    int fatal;
    dnnr_error fatal_err;
} orchestrator;

/* resume.c */
/** Read out_dir/trials.jsonl and give each run its journaled trials. */
int dnnr__resume_index(orchestrator *o, dnnr_error *err);
/** The journaled line of a run's trial, or NULL. */
const dnnr_json *dnnr__resume_lookup(const run_state *run, uint64_t trial);
/** Rebuild a trial's outcome (status, metric, curves, indicators, costs) from its line. */
int dnnr__resume_outcome(const dnnr_json *line, dnnr_outcome *out);

/* orchestrator.c, for minimise_run.c */
trial_slot *dnnr__run_slot_new(run_state *run);
/** Give a slot its place: from the journal when resumed, else queued. 0 when it was dropped. */
int dnnr__run_place_trial(orchestrator *o, run_state *run, trial_slot *slot);
void dnnr__run_set_fatal(orchestrator *o, const dnnr_error *err);

/* minimise_run.c: a ROLE_MINIMISE run, driven by the orchestrator's events. */
/** Record a ROLE_FAULTY, ROLE_FINAL or ROLE_MINIMISE trial's holdout metric and cost. */
void dnnr__minimise_observe(run_state *run, uint64_t trial, const dnnr_outcome *out);
/** The run's ddmin state, before its first step (asking_done when there is nothing to do). */
void dnnr__minimise_activate(orchestrator *o, run_state *run);
/**
 * With every trial of the run told: judge the candidate they trained, then
 * place the next one's trials, or journal the result and end the asking.
 * Returns 1 when trials were placed.
 */
int dnnr__minimise_step(orchestrator *o, run_state *run);
void dnnr__minimise_free(run_state *run);

/* progress.c */
void dnnr__progress_run_done(const orchestrator *o, const run_state *run);
void dnnr__progress_update(const orchestrator *o);
void dnnr__progress_end(const orchestrator *o);

#endif
