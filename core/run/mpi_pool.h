/* Running an experiment over MPI ranks. Rank 0 runs the orchestrator, every
 * searcher and the journal; the other ranks train trials, each in its own
 * forked worker as on one machine, and send the outcomes back. To rank 0's
 * orchestrator the other ranks are a pool of remote worker slots (`-j`
 * slots per rank, or the experiment's `workers`), used through the calls
 * below where a single machine uses run/worker.h.
 *
 * Every rank reads the same experiment file and opens the same subjects, so
 * a job names a subject by its index in the experiment and carries only the
 * trial's values; weights files (warm starts, kept weights) are paths in
 * the run folder, which the ranks must share (a cluster's shared file
 * system).
 *
 * A rank that dies costs its trials in flight only: rank 0 hears from every
 * rank at least once a second (results or heartbeats); a rank silent for
 * DNNR_MPI_TIMEOUT seconds (default 10) is lost and its trials are queued
 * again for the other ranks. Open MPI keeps the job alive after a rank dies
 * only when recovery is enabled (OMPI_MCA_orte_enable_recovery=1 or
 * `mpirun --enable-recovery`); otherwise mpirun ends every rank and the run
 * continues with --resume.
 *
 * Without MPI (DNNR_HAVE_MPI undefined) the calls are stubs: no session,
 * no pool, and the orchestrator forks its local workers as before. */
#ifndef DNNR_RUN_MPI_POOL_H
#define DNNR_RUN_MPI_POOL_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "config/experiment.h"
#include "registry/registry.h"
#include "run/outcome.h"
#include "run/subject_rt.h"
#include "util/buf.h"
#include "util/error.h"

/* ---- session (cmd_run) --------------------------------------------------- */

/**
 * Initialise MPI when the process was started by mpirun or srun with more
 * than one rank (else nothing: the program runs as without MPI). *rank and
 * *size are 0 and 1 without a session.
 */
int dnnr__mpi_begin(int *rank, int *size, dnnr_error *err);
/**
 * End the session: rank 0 tells the other ranks to leave; MPI_Finalize
 * unless a rank was lost (Open MPI's finalize may wait for it forever).
 */
void dnnr__mpi_end(void);
/** Record that a rank was lost (rank 0's pool), so the session ends without finalize. */
void dnnr__mpi_note_lost(void);

/**
 * The life of a rank other than 0: open the experiment's subjects, serve
 * trials until rank 0 says stop. `slots` trials at once; backend may be NULL.
 * e may be NULL when this rank could not read the experiment (err says why):
 * the rank tells rank 0 and waits to be let go. Returns DNNR_OK then too,
 * since a nonzero exit makes mpirun end every rank.
 */
int dnnr__mpi_rank_serve(dnnr_experiment *e, const dnnr_registry *reg, int slots,
                         const char *backend, const volatile sig_atomic_t *stop, dnnr_error *err);

/* ---- rank 0's pool of remote slots ---------------------------------------- */

typedef struct dnnr_mpi_pool dnnr_mpi_pool;

/**
 * Open the pool when an MPI session with other ranks is active; *out stays
 * NULL otherwise. rts (n_rts entries, filled later) maps a job's runtime to
 * its subject index; reg names a job's searcher for its monitor().
 * per_rank: the slots each rank offers.
 */
int dnnr__mpi_pool_open(const dnnr_registry *reg, dnnr_subject_rt *const *rts, size_t n_rts,
                        size_t per_rank, dnnr_mpi_pool **out, dnnr_error *err);
/** Number of slots (slot w lives on rank 1 + w % (ranks - 1), so a run's trials spread). */
size_t dnnr__mpi_pool_slots(const dnnr_mpi_pool *p);
/** Nonzero when slot w can take a trial (its rank is ready and alive, the slot idle). */
int dnnr__mpi_pool_free(const dnnr_mpi_pool *p, size_t w);
/** Slots with a trial in flight. */
size_t dnnr__mpi_pool_busy(const dnnr_mpi_pool *p);
/** Ranks that have not yet reported ready (still loading their data). */
size_t dnnr__mpi_pool_starting(const dnnr_mpi_pool *p);
/** Nonzero when every rank was lost or failed to start. */
int dnnr__mpi_pool_dead(const dnnr_mpi_pool *p);
/** Send a trial to slot w (timeout: seconds, 0 = none). */
int dnnr__mpi_pool_start(dnnr_mpi_pool *p, size_t w, const dnnr_trial_job *job, double timeout,
                         dnnr_error *err);
/**
 * Wait up to max_wait seconds for an event: returns a slot index with its
 * trial's outcome in *out (*lost = 0), or a slot whose rank was lost, its
 * trial to be queued again (*lost = 1); -1 if nothing happened.
 */
int dnnr__mpi_pool_wait(dnnr_mpi_pool *p, double max_wait, dnnr_outcome *out, int *lost);
/** Forget every trial in flight (the run stops; the ranks end them when told to leave). */
void dnnr__mpi_pool_abandon(dnnr_mpi_pool *p);
void dnnr__mpi_pool_close(dnnr_mpi_pool *p);

/* ---- wire format (mpi_wire.c) ---------------------------------------------- */

enum {
    DNNR_MPI_TAG_JOB = 101,    /* 0 -> rank: a trial */
    DNNR_MPI_TAG_STOP = 102,   /* 0 -> rank: leave (u32: a rank was lost, skip finalize) */
    DNNR_MPI_TAG_HELLO = 103,  /* rank -> 0: ready (u32 status, u32 slots, str message) */
    DNNR_MPI_TAG_RESULT = 104, /* rank -> 0: u64 job id, outcome */
    DNNR_MPI_TAG_BEAT = 105,   /* rank -> 0: alive */
};

/** A trial as a rank received it, owning what its dnnr_trial_job points to. */
typedef struct dnnr_mpi_job {
    uint64_t id;
    uint32_t subject;
    double timeout;
    char *searcher; /* plugin name for monitor(), "" for none */
    dnnr_value *config;
    uint32_t n_config;
    char *warm_start_path, *save_weights_path;
    uint8_t *monitor_state;
    dnnr_trial_job job; /* rt and searcher are left for the rank to set */
} dnnr_mpi_job;

void dnnr__mpi_job_encode(dnnr_buf *b, uint64_t id, uint32_t subject, const char *searcher,
                          double timeout, const dnnr_trial_job *job);
int dnnr__mpi_job_decode(const void *data, size_t len, dnnr_mpi_job *out);
void dnnr__mpi_job_clear(dnnr_mpi_job *j);
/** Seconds of silence after which rank 0 counts a rank as lost (DNNR_MPI_TIMEOUT). */
double dnnr__mpi_timeout(void);

/* MPI gives no descriptor to wait on, and its blocking calls spin on a core
 * a rank's workers need: ranks poll, sleeping DNNR_MPI_PAUSE_MIN ns at
 * first and a quarter longer each time up to DNNR_MPI_PAUSE_MAX, so a
 * message after t idle seconds is noticed within about t / 4 (1 ms at most)
 * while a long wait costs a thousand wake-ups a second. */
#define DNNR_MPI_PAUSE_MIN 20000L
#define DNNR_MPI_PAUSE_MAX 1000000L
/** Sleep ns nanoseconds; returns the next pause. */
long dnnr__mpi_pause(long ns);

#endif
