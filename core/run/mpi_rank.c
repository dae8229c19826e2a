/* The life of an MPI rank other than 0: open the experiment's subjects as
 * rank 0 does (its own data, plugins, backend and threads), say hello, then
 * run each trial rank 0 sends in a forked worker, exactly as a single
 * machine would, and send the outcome back. A heartbeat every second tells
 * rank 0 this rank is alive while its trials train. */
#include "run/mpi_pool.h"

#ifdef DNNR_HAVE_MPI
#include <mpi.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "run/worker.h"
#include "util/alloc.h"

typedef struct rank_ctx {
    dnnr_experiment *e;
    const dnnr_registry *reg;
    dnnr_subject_rt **rts;
    size_t n_slots;
    dnnr_worker *workers;
    dnnr_mpi_job *jobs; /* jobs[i] runs in workers[i] */
    dnnr_buf msg, out;
    double sent;  /* when rank 0 last got a message from us */
    int stopping; /* interrupted: take no more trials */
} rank_ctx;

static void send_to_root(rank_ctx *c, int tag, const dnnr_buf *b)
{
    MPI_Send(b->data, (int)b->len, MPI_BYTE, 0, tag, MPI_COMM_WORLD);
    c->sent = dnnr__now();
}

static void send_result(rank_ctx *c, uint64_t id, const dnnr_outcome *o)
{
    c->out.len = 0;
    dnnr__buf_u64(&c->out, id);
    dnnr__outcome_write(&c->out, o);
    if (c->out.failed) { /* out of memory: the trial is reported crashed */
        dnnr_outcome crashed;
        dnnr__outcome_init(&crashed);
        dnnr__outcome_set(&crashed, DNNR_TRIAL_CRASHED, "out of memory sending the result");
        dnnr__buf_free(&c->out);
        dnnr__buf_u64(&c->out, id);
        dnnr__outcome_write(&c->out, &crashed);
    }
    send_to_root(c, DNNR_MPI_TAG_RESULT, &c->out);
}

static void send_failure(rank_ctx *c, uint64_t id, const char *why)
{
    dnnr_outcome o;
    dnnr__outcome_init(&o);
    dnnr__outcome_set(&o, DNNR_TRIAL_CRASHED, "%s", why);
    send_result(c, id, &o);
}

/* A job from rank 0: into a free local worker. */
static void start_job(rank_ctx *c, const dnnr_buf *b)
{
    size_t i = 0;
    while (i < c->n_slots && c->workers[i].pid > 0)
        i++;
    dnnr_mpi_job job;
    int rc = dnnr__mpi_job_decode(b->data, b->len, &job);
    if (rc) {
        uint64_t id = 0;
        if (b->len >= sizeof id)
            memcpy(&id, b->data, sizeof id);
        send_failure(c, id, "the trial arrived malformed");
        return;
    }
    const dnnr_plugin *searcher =
        job.searcher[0] ? dnnr__registry_find(c->reg, DNNR_KIND_SEARCHER, job.searcher) : NULL;
    const char *problem = NULL;
    if (i == c->n_slots)
        problem = "rank 0 sent more trials than this rank has workers";
    else if (job.subject >= c->e->n_subjects ||
             job.n_config != c->rts[job.subject]->subject->space->n_params)
        problem = "the trial does not match this rank's experiment (same file on every rank?)";
    if (problem) {
        send_failure(c, job.id, problem);
        dnnr__mpi_job_clear(&job);
        return;
    }
    c->jobs[i] = job;
    c->jobs[i].job.rt = c->rts[job.subject];
    c->jobs[i].job.searcher = searcher ? searcher->desc->iface : NULL;
    dnnr_error err;
    if (dnnr__worker_start(&c->workers[i], dnnr__trial_execute, NULL, &c->jobs[i].job,
                           c->jobs[i].timeout, NULL, &err)) {
        send_failure(c, job.id, err.msg);
        dnnr__mpi_job_clear(&c->jobs[i]);
    }
}

/* Take rank 0's messages; returns 1 when told to stop. */
static int take_messages(rank_ctx *c)
{
    for (;;) {
        int flag = 0, count = 0;
        MPI_Message m;
        MPI_Status st;
        if (MPI_Improbe(0, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &m, &st) != MPI_SUCCESS)
            return 1; /* rank 0 is unreachable: nothing left to work for */
        if (!flag)
            return 0;
        MPI_Get_count(&st, MPI_BYTE, &count);
        if (count > 0 && c->msg.cap < (size_t)count) {
            uint8_t *grown = dnnr__realloc(c->msg.data, (size_t)count);
            if (!grown) {
                MPI_Mrecv(NULL, 0, MPI_BYTE, &m, MPI_STATUS_IGNORE);
                continue;
            }
            c->msg.data = grown;
            c->msg.cap = (size_t)count;
        }
        MPI_Mrecv(c->msg.data, count, MPI_BYTE, &m, MPI_STATUS_IGNORE);
        c->msg.len = (size_t)count;
        if (st.MPI_TAG == DNNR_MPI_TAG_STOP) {
            uint32_t lost = 0;
            if (count >= (int)sizeof lost)
                memcpy(&lost, c->msg.data, sizeof lost);
            if (lost)
                dnnr__mpi_note_lost();
            return 1;
        }
        if (st.MPI_TAG == DNNR_MPI_TAG_JOB && !c->stopping)
            start_job(c, &c->msg);
    }
}

static int open_subjects(rank_ctx *c, const char *backend, dnnr_error *err)
{
    uint32_t threads = (uint32_t)c->e->threads;
    if (threads == 0) { /* as on one machine: the cores this rank may use (mpirun may have
                         * bound it: --bind-to none) shared among its workers */
        cpu_set_t set;
        long cores = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set)
                                                                 : sysconf(_SC_NPROCESSORS_ONLN);
        threads = (uint32_t)(cores > (long)c->n_slots ? cores / (long)c->n_slots : 1);
    }
    c->rts = dnnr__alloc(c->e->n_subjects + 1, sizeof *c->rts);
    c->workers = dnnr__alloc(c->n_slots, sizeof *c->workers);
    c->jobs = dnnr__alloc(c->n_slots, sizeof *c->jobs);
    if (!c->rts || !c->workers || !c->jobs)
        return dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
    int rc = DNNR_OK;
    for (size_t s = 0; s < c->e->n_subjects && !rc; s++)
        rc = dnnr__subject_rt_open(c->e->subjects[s], c->reg, backend ? backend : c->e->backend,
                                   threads, &c->rts[s], err);
    return rc;
}

static void serve(rank_ctx *c, const volatile sig_atomic_t *stop)
{
    dnnr_buf beat = {0};
    long pause_ns = DNNR_MPI_PAUSE_MIN;
    while (!take_messages(c) && !(stop && *stop)) {
        int busy = 0;
        for (size_t i = 0; i < c->n_slots; i++)
            busy |= c->workers[i].pid > 0;
        dnnr_outcome out;
        int w = busy ? dnnr__workers_wait(c->workers, c->n_slots, 0.001, &out) : -1;
        if (w >= 0) {
            send_result(c, c->jobs[w].id, &out);
            dnnr__outcome_clear(&out);
            dnnr__mpi_job_clear(&c->jobs[w]);
        }
        if (busy) {
            pause_ns = DNNR_MPI_PAUSE_MIN; /* the next job follows a result closely */
        } else { /* idle: poll for a job */
            pause_ns = dnnr__mpi_pause(pause_ns);
        }
        if (dnnr__now() - c->sent >= 1.0)
            send_to_root(c, DNNR_MPI_TAG_BEAT, &beat);
    }
    if (!(stop && *stop))
        return;
    /* A signal: mpirun forwards Ctrl-C to every rank, so rank 0 is likely
     * stopping too and will say so; wait for its word a little, with the
     * trials ended, so the ranks finalize together. Interrupted alone,
     * this rank leaves as a lost one (rank 0 notices the silence). */
    c->stopping = 1;
    for (size_t i = 0; i < c->n_slots; i++)
        dnnr__worker_kill(&c->workers[i]);
    for (double until = dnnr__now() + 5.0; dnnr__now() < until;) {
        if (take_messages(c))
            return;
        struct timespec ts = {0, 10000000};
        nanosleep(&ts, NULL);
    }
    dnnr__mpi_note_lost();
}

int dnnr__mpi_rank_serve(dnnr_experiment *e, const dnnr_registry *reg, int slots,
                         const char *backend, const volatile sig_atomic_t *stop, dnnr_error *err)
{
    rank_ctx c = {.e = e, .reg = reg,
                  .n_slots = (size_t)(slots > 0 ? slots : e && e->workers > 0 ? e->workers : 1)};
    int rc = e ? open_subjects(&c, backend, err) : DNNR_EINVAL; /* no e: err says why */
    dnnr_buf hello = {0};
    dnnr__buf_u32(&hello, (uint32_t)rc);
    dnnr__buf_u32(&hello, (uint32_t)c.n_slots);
    dnnr__buf_str(&hello, rc ? err->msg : "");
    send_to_root(&c, DNNR_MPI_TAG_HELLO, &hello);
    dnnr__buf_free(&hello);
    if (!rc) {
        serve(&c, stop);
    } else {
        while (!take_messages(&c) && !(stop && *stop)) { /* stay for rank 0's word to leave */
            struct timespec ts = {0, 10000000};
            nanosleep(&ts, NULL);
        }
    }
    for (size_t i = 0; c.workers && i < c.n_slots; i++) {
        dnnr__worker_kill(&c.workers[i]); /* trials rank 0 no longer waits for */
        dnnr__buf_free(&c.workers[i].received);
        dnnr__mpi_job_clear(&c.jobs[i]);
    }
    for (size_t s = 0; c.rts && e && s < e->n_subjects; s++)
        dnnr__subject_rt_close(c.rts[s]);
    dnnr__buf_free(&c.msg);
    dnnr__buf_free(&c.out);
    dnnr__free(c.rts);
    dnnr__free(c.workers);
    dnnr__free(c.jobs);
    /* A rank that could not open its subjects told rank 0, which says so;
     * a nonzero exit would make mpirun end every rank. */
    return DNNR_OK;
}

#else
typedef int dnnr__mpi_rank_unused; /* built without MPI: stubs in mpi_session.c */
#endif
