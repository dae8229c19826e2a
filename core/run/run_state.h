/* State shared by the orchestrator's files: one run_state per (subject,
 * searcher, budget, repeat), one trial_slot per trial in flight. Internal to
 * core/run. */
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

typedef struct replay_plan {
    const dnnr_json **asks;    /* this run's asks.jsonl lines, by trial id */
    size_t n_asks;
    const dnnr_json **results; /* this run's trials.jsonl lines, by tell_index */
    size_t n_results;
    int searcher_failed;       /* the journal says its searcher died */
} replay_plan;

typedef struct run_state {
    dnnr_run_key key;
    size_t index;
    dnnr_subject_rt *rt;
    const dnnr_searcher_spec *spec;
    const dnnr_searcher_iface *iface;
    uint64_t seed;
    dnnr_budget_info budget; /* used = evaluations dispatched or units charged */
    dnnr_searcher_proc *sp;
    run_phase phase;
    int blocked, asking_done, failed;
    uint64_t next_trial, tells, in_flight, finished_trials, failed_trials;
    double started, elapsed_before;
    double best_objective;
    replay_plan replay;
} run_state;

typedef struct trial_slot {
    run_state *run;
    uint64_t trial;
    dnnr_value *config;
    double fidelity;
    int64_t warm_start;
    uint32_t flags;
    char note[DNNR_MESSAGE_MAX];
    uint8_t *monitor_state;
    uint32_t monitor_state_size;
    double started_wall;
    dnnr_trial_job job;
} trial_slot;

typedef struct orchestrator {
    dnnr_experiment *e;
    const dnnr_registry *reg;
    const dnnr_run_options *opt;
    char *out_dir;
    dnnr_journal *journal;
    dnnr_subject_rt **rts;
    run_state *runs;
    size_t n_runs, next_pending, runs_done;
    dnnr_worker *workers;
    trial_slot **slots; /* slots[i] is what workers[i] runs */
    size_t n_workers;
    trial_slot **queue; /* dispatched, waiting for a free worker */
    size_t n_queue, cap_queue;
    dnnr_journal_lines journal_trials, journal_asks;
    uint64_t trials_total;
    int fatal;
    dnnr_error fatal_err;
} orchestrator;

/* replay.c */
int dnnr__replay_index(orchestrator *o, dnnr_error *err);
/** Rebuild a run's searcher state from the journal; re-dispatch unfinished trials. */
int dnnr__replay_run(orchestrator *o, run_state *run);

/* orchestrator.c, used by replay.c */
int dnnr__run_dispatch(orchestrator *o, trial_slot *slot, int journal_ask);
trial_slot *dnnr__slot_new(run_state *run, uint64_t trial);
void dnnr__slot_free(trial_slot *slot);
int dnnr__run_tell(orchestrator *o, run_state *run, const dnnr_trial_result *res);
void dnnr__run_budget(const run_state *run, dnnr_budget_info *out);

/* progress.c */
void dnnr__progress_run_done(const orchestrator *o, const run_state *run);
void dnnr__progress_update(const orchestrator *o);
void dnnr__progress_end(const orchestrator *o);

#endif
