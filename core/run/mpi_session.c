/* The MPI session of one dnnrepair process: initialised only when a launcher
 * started several ranks, so `dnnrepair` started by hand never touches MPI.
 * Without MPI this file holds the stubs of run/mpi_pool.h. */
#include "run/mpi_pool.h"

#include <stdlib.h>
#include <string.h>

#ifdef DNNR_HAVE_MPI
#include <mpi.h>

/* Process-wide because MPI_Init and MPI_Finalize are: whether this process
 * initialised MPI, and whether a rank was lost (finalize would then wait on
 * it). The program's only file-scope state besides main()'s signal flag. */
static struct {
    int active;
    int lost;
} session;

/* The launcher's rank count, from the variables Open MPI, MPICH/Hydra and
 * PMIx launchers (srun --mpi=pmix) set; 1 when started by hand. */
static long launched_size(void)
{
    static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE",
                                       "SLURM_NTASKS"};
    for (size_t i = 0; i < sizeof vars / sizeof *vars; i++) {
        const char *v = getenv(vars[i]);
        /* SLURM_NTASKS alone (sbatch without srun/mpirun) is no MPI launch. */
        if (v && !(i == 3 && !getenv("PMIX_RANK") && !getenv("PMI_RANK")))
            return strtol(v, NULL, 10);
    }
    return 1;
}

int dnnr__mpi_begin(int *rank, int *size, dnnr_error *err)
{
    *rank = 0;
    *size = 1;
    if (launched_size() <= 1)
        return DNNR_OK;
    if (MPI_Init(NULL, NULL) != MPI_SUCCESS)
        return dnnr__error_set(err, DNNR_EIO, "MPI_Init failed");
    session.active = 1;
    /* A dead peer must come back as an error code, not abort this rank. */
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_rank(MPI_COMM_WORLD, rank);
    MPI_Comm_size(MPI_COMM_WORLD, size);
    return DNNR_OK;
}

void dnnr__mpi_note_lost(void)
{
    session.lost = 1;
}

void dnnr__mpi_end(void)
{
    if (!session.active)
        return;
    int rank = 0, size = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (rank == 0) {
        /* Everyone leaves, whether the run finished or failed before its
         * pool existed. Nonblocking: a lost rank never receives it. */
        uint32_t lost = (uint32_t)session.lost;
        for (int r = 1; r < size; r++) {
            MPI_Request req;
            if (MPI_Isend(&lost, 1, MPI_UINT32_T, r, DNNR_MPI_TAG_STOP, MPI_COMM_WORLD, &req) ==
                MPI_SUCCESS)
                MPI_Request_free(&req);
        }
    }
    session.active = 0;
    if (!session.lost)
        MPI_Finalize();
}

#else /* !DNNR_HAVE_MPI */

int dnnr__mpi_begin(int *rank, int *size, dnnr_error *err)
{
    (void)err;
    *rank = 0;
    *size = 1;
    return DNNR_OK;
}

void dnnr__mpi_end(void) {}
void dnnr__mpi_note_lost(void) {}

int dnnr__mpi_rank_serve(dnnr_experiment *e, const dnnr_registry *reg, int slots,
                         const char *backend, const volatile sig_atomic_t *stop, dnnr_error *err)
{
    (void)e, (void)reg, (void)slots, (void)backend, (void)stop;
    return dnnr__error_set(err, DNNR_EINTERNAL, "built without MPI");
}

int dnnr__mpi_pool_open(const dnnr_registry *reg, dnnr_subject_rt *const *rts, size_t n_rts,
                        size_t per_rank, dnnr_mpi_pool **out, dnnr_error *err)
{
    (void)reg, (void)rts, (void)n_rts, (void)per_rank, (void)err;
    *out = NULL;
    return DNNR_OK;
}

/* Never called without a pool; defined so the orchestrator links. */
size_t dnnr__mpi_pool_slots(const dnnr_mpi_pool *p) { return (void)p, 0; }
int dnnr__mpi_pool_free(const dnnr_mpi_pool *p, size_t w) { return (void)p, (void)w, 0; }
size_t dnnr__mpi_pool_busy(const dnnr_mpi_pool *p) { return (void)p, 0; }
size_t dnnr__mpi_pool_starting(const dnnr_mpi_pool *p) { return (void)p, 0; }
int dnnr__mpi_pool_dead(const dnnr_mpi_pool *p) { return (void)p, 0; }
int dnnr__mpi_pool_start(dnnr_mpi_pool *p, size_t w, const dnnr_trial_job *job, double timeout,
                         dnnr_error *err)
{
    (void)p, (void)w, (void)job, (void)timeout;
    return dnnr__error_set(err, DNNR_EINTERNAL, "built without MPI");
}
int dnnr__mpi_pool_wait(dnnr_mpi_pool *p, double max_wait, dnnr_outcome *out, int *lost)
{
    (void)p, (void)max_wait, (void)out;
    *lost = 0;
    return -1;
}
void dnnr__mpi_pool_abandon(dnnr_mpi_pool *p) { (void)p; }
void dnnr__mpi_pool_close(dnnr_mpi_pool *p) { (void)p; }

#endif
