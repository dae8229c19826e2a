/* Trial workers: each trial runs in a forked process that reports its
 * outcome through a pipe. A crash, an abort or a hang (past the per-trial
 * timeout, then SIGKILL) costs that trial only and is recorded with its
 * cause. The orchestrator never initialises OpenMP or CUDA, so forking it is
 * safe; backends are loaded inside the worker. */
#ifndef DNNR_RUN_WORKER_H
#define DNNR_RUN_WORKER_H

#include <stddef.h>
#include <sys/types.h>

#include "run/outcome.h"
#include "util/buf.h"
#include "util/error.h"

/** Runs in the worker process: fill out (status, metric, costs, epochs). */
typedef void (*dnnr_trial_fn)(void *ctx, const void *job, dnnr_outcome *out);

typedef struct dnnr_worker {
    pid_t pid;     /* 0 = idle */
    int fd;
    double started; /* monotonic seconds */
    double deadline;  /* monotonic seconds; 0 = none */
    dnnr_buf received;
    void *tag;     /* the caller's: which trial this is */
} dnnr_worker;

/** Monotonic clock in seconds. */
double dnnr__now(void);
/** Wall clock (Unix time) in seconds. */
double dnnr__wall_clock(void);

/** Fork a worker running fn(ctx, job). timeout in seconds, 0 = none. */
int dnnr__worker_start(dnnr_worker *w, dnnr_trial_fn fn, void *ctx, const void *job, double timeout,
                       void *tag, dnnr_error *err);
/**
 * Wait until some busy worker of ws[0..n) has finished (or timed out), at most
 * max_wait seconds (< 0: no limit). Returns its index, or -1 if none did.
 * The finished worker's outcome is in *out and the worker is idle again.
 */
int dnnr__workers_wait(dnnr_worker *ws, size_t n, double max_wait, dnnr_outcome *out);
/** Kill a busy worker and reap it (used when a run is abandoned). */
void dnnr__worker_kill(dnnr_worker *w);

#endif
