/* A searcher instance living in its own process. The orchestrator talks to
 * it over a socket (ask, tell, quit), so a searcher that crashes or hangs
 * costs the trial it was deciding, never the experiment. The process is
 * forked from the orchestrator, which never initialises OpenMP or CUDA. */
#ifndef DNNR_RUN_SEARCHER_PROC_H
#define DNNR_RUN_SEARCHER_PROC_H

#include <libconfig.h>
#include <sys/types.h>

#include <dnnrepair/dnnrepair.h>

#include "run/outcome.h"
#include "util/error.h"

typedef struct dnnr_searcher_proc_params {
    const dnnr_searcher_iface *iface;
    const char *label;               /* the searcher's name in logs */
    const config_setting_t *options; /* may be NULL */
    const char *options_file;
    uint64_t seed;
    const dnnr_space *space;
    const dnnr_value *start;
    dnnr_metric_kind metric_kind;
    dnnr_fidelity_kind fidelity_kind;
    double min_fidelity, max_fidelity;
    uint32_t max_in_flight;
    double call_timeout; /* seconds for one ask or tell; 0 = none */
    dnnr_budget_info budget;
    const dnnr_param_hint *const *hints; /* space->n_params, or NULL */
    double target_objective;             /* NaN when none */
} dnnr_searcher_proc_params;

/** A request as the searcher made it. */
typedef struct dnnr_asked {
    dnnr_value *config; /* caller-provided, space->n_params entries */
    double fidelity;
    int64_t warm_start;
    uint32_t flags;
    char note[DNNR_MESSAGE_MAX];
    uint8_t *monitor_state; /* owned (dnnr__free) */
    uint32_t monitor_state_size;
    dnnr_trial_extras extras; /* zeroed: none */
} dnnr_asked;

typedef struct dnnr_searcher_proc dnnr_searcher_proc;

/** Fork the process and create the searcher in it; errors carry the plugin's message. */
int dnnr__searcher_proc_start(const dnnr_searcher_proc_params *p, dnnr_searcher_proc **out,
                              dnnr_error *err);
/**
 * Ask for one trial. Returns DNNR_OK, DNNR_EAGAIN, DNNR_EDONE, a plugin
 * error, or DNNR_EINTERNAL when the process died or hung (it is gone then;
 * err says how it ended).
 */
int dnnr__searcher_proc_ask(dnnr_searcher_proc *sp, uint64_t trial_id, const dnnr_budget_info *budget,
                            dnnr_asked *out, dnnr_error *err);
int dnnr__searcher_proc_tell(dnnr_searcher_proc *sp, const dnnr_budget_info *budget,
                             const dnnr_trial_result *res, dnnr_error *err);
/** Nonzero while the process is alive. */
int dnnr__searcher_proc_alive(const dnnr_searcher_proc *sp);
/** Destroy the searcher and reap the process; NULL is a no-op. */
void dnnr__searcher_proc_stop(dnnr_searcher_proc *sp);

/** "signal 11 (Segmentation fault)" or "exit status 3" for a waitpid status. */
void dnnr__describe_wait_status(int status, char *buf, size_t len);
/** Wait up to timeout seconds (<= 0: forever) for fd to be readable: 1 ready, 0 timed out. */
int dnnr__wait_readable(int fd, double timeout);

#endif
