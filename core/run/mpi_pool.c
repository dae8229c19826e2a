/* Rank 0's side of an MPI run: the other ranks' worker slots, the trials
 * sent to them, their results and heartbeats, and the loss of a rank that
 * falls silent. Rank 0 never blocks on a peer: jobs go out with MPI_Isend
 * and messages are taken with MPI_Improbe, so a dead rank cannot stall the
 * orchestrator. */
#include "run/mpi_pool.h"

#ifdef DNNR_HAVE_MPI
#include <mpi.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "run/worker.h"
#include "util/alloc.h"

typedef struct remote_slot {
    int rank;
    int busy;
    uint64_t job;    /* id of the trial in flight */
    dnnr_buf sent;   /* its bytes, alive until the send completes */
    MPI_Request req; /* MPI_REQUEST_NULL once completed */
} remote_slot;

typedef struct rank_state {
    int ready;    /* said hello: its subjects are open */
    int failed;   /* could not open its subjects: takes no trials */
    int lost;     /* fell silent or a send to it failed */
    double heard; /* monotonic seconds of its last message */
    uint64_t results; /* trials it returned */
} rank_state;

struct dnnr_mpi_pool {
    const dnnr_registry *reg;
    dnnr_subject_rt *const *rts;
    size_t n_rts;
    int size;
    size_t n_slots;
    remote_slot *slots;
    rank_state *ranks;
    uint64_t next_job;
    double timeout; /* seconds of silence that make a rank lost */
    double polled;  /* when rank 0 last listened */
    dnnr_buf msg;
};

int dnnr__mpi_pool_open(const dnnr_registry *reg, dnnr_subject_rt *const *rts, size_t n_rts,
                        size_t per_rank, dnnr_mpi_pool **out, dnnr_error *err)
{
    *out = NULL;
    int initialised = 0, size = 1;
    MPI_Initialized(&initialised);
    if (!initialised)
        return DNNR_OK;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (size < 2)
        return DNNR_OK;
    dnnr_mpi_pool *p = dnnr__alloc(1, sizeof *p);
    if (!p)
        return dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
    p->reg = reg;
    p->rts = rts;
    p->n_rts = n_rts;
    p->size = size;
    p->n_slots = (size_t)(size - 1) * (per_rank > 0 ? per_rank : 1);
    p->slots = dnnr__alloc(p->n_slots, sizeof *p->slots);
    p->ranks = dnnr__alloc((size_t)size, sizeof *p->ranks);
    if (!p->slots || !p->ranks) {
        dnnr__mpi_pool_close(p);
        return dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
    }
    for (size_t w = 0; w < p->n_slots; w++) {
        p->slots[w].rank = 1 + (int)(w % (size_t)(size - 1));
        p->slots[w].req = MPI_REQUEST_NULL;
    }
    p->timeout = dnnr__mpi_timeout();
    p->polled = dnnr__now();
    *out = p;
    return DNNR_OK;
}

size_t dnnr__mpi_pool_slots(const dnnr_mpi_pool *p)
{
    return p->n_slots;
}

static int rank_usable(const rank_state *r)
{
    return r->ready && !r->failed && !r->lost;
}

int dnnr__mpi_pool_free(const dnnr_mpi_pool *p, size_t w)
{
    return !p->slots[w].busy && rank_usable(&p->ranks[p->slots[w].rank]);
}

size_t dnnr__mpi_pool_busy(const dnnr_mpi_pool *p)
{
    size_t n = 0;
    for (size_t w = 0; w < p->n_slots; w++)
        n += p->slots[w].busy != 0;
    return n;
}

size_t dnnr__mpi_pool_starting(const dnnr_mpi_pool *p)
{
    size_t n = 0;
    for (int r = 1; r < p->size; r++)
        n += !p->ranks[r].ready && !p->ranks[r].failed && !p->ranks[r].lost;
    return n;
}

int dnnr__mpi_pool_dead(const dnnr_mpi_pool *p)
{
    for (int r = 1; r < p->size; r++)
        if (!p->ranks[r].failed && !p->ranks[r].lost)
            return 0;
    return 1;
}

static void lose_rank(dnnr_mpi_pool *p, int rank, const char *why)
{
    if (p->ranks[rank].lost)
        return;
    p->ranks[rank].lost = 1;
    dnnr__mpi_note_lost();
    fprintf(stderr, "MPI rank %d lost (%s); its trials in flight run again on other ranks\n", rank,
            why);
}

/* The searcher's plugin name, which the rank looks up for monitor(). */
static const char *searcher_name(const dnnr_mpi_pool *p, const dnnr_searcher_iface *iface)
{
    for (size_t i = 0; iface && i < dnnr__registry_count(p->reg); i++) {
        const dnnr_plugin *pl = dnnr__registry_at(p->reg, i);
        if (pl->desc->kind == DNNR_KIND_SEARCHER && pl->desc->iface == iface)
            return pl->desc->name;
    }
    return "";
}

int dnnr__mpi_pool_start(dnnr_mpi_pool *p, size_t w, const dnnr_trial_job *job, double timeout,
                         dnnr_error *err)
{
    remote_slot *s = &p->slots[w];
    uint32_t subject = 0;
    while (subject < p->n_rts && p->rts[subject] != job->rt)
        subject++;
    if (subject == p->n_rts)
        return dnnr__error_set(err, DNNR_EINTERNAL, "a trial of no subject of the experiment");
    if (s->req != MPI_REQUEST_NULL) /* the previous job was answered, so it was received */
        MPI_Wait(&s->req, MPI_STATUS_IGNORE);
    s->sent.len = 0;
    s->job = ++p->next_job;
    dnnr__mpi_job_encode(&s->sent, s->job, subject, searcher_name(p, job->searcher), timeout, job);
    if (s->sent.failed)
        return dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
    if (MPI_Isend(s->sent.data, (int)s->sent.len, MPI_BYTE, s->rank, DNNR_MPI_TAG_JOB,
                  MPI_COMM_WORLD, &s->req) != MPI_SUCCESS) {
        s->req = MPI_REQUEST_NULL;
        lose_rank(p, s->rank, "sending a trial failed"); /* the trial is queued again */
    }
    s->busy = 1;
    return DNNR_OK;
}

static void on_hello(dnnr_mpi_pool *p, int rank, dnnr_reader *r)
{
    uint32_t status = dnnr__read_u32(r);
    (void)dnnr__read_u32(r); /* its slots: the same -j as ours */
    uint32_t len;
    const char *msg = dnnr__read_str(r, &len);
    if (r->failed || status != DNNR_OK) {
        p->ranks[rank].failed = 1;
        fprintf(stderr, "MPI rank %d takes no trials: %.*s\n", rank, (int)len,
                r->failed ? "malformed hello" : msg);
        return;
    }
    p->ranks[rank].ready = 1;
}

/* A result: the slot it belongs to, or -1 for one no longer awaited. */
static int on_result(dnnr_mpi_pool *p, int rank, dnnr_reader *r, dnnr_outcome *out)
{
    uint64_t id = dnnr__read_u64(r);
    for (size_t w = 0; w < p->n_slots && !r->failed; w++) {
        remote_slot *s = &p->slots[w];
        if (s->rank != rank || !s->busy || s->job != id)
            continue;
        if (dnnr__outcome_read(r, out) != DNNR_OK) {
            dnnr__outcome_init(out);
            dnnr__outcome_set(out, DNNR_TRIAL_CRASHED, "MPI rank %d sent a malformed result", rank);
        }
        s->busy = 0;
        p->ranks[rank].results++;
        return (int)w;
    }
    return -1;
}

/* Take one message if one is waiting: returns 1 if one was taken, and the
 * slot of a finished trial in *slot. */
static int receive(dnnr_mpi_pool *p, dnnr_outcome *out, int *slot)
{
    int flag = 0, count = 0;
    MPI_Message m;
    MPI_Status st;
    if (MPI_Improbe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &m, &st) != MPI_SUCCESS ||
        !flag)
        return 0;
    MPI_Get_count(&st, MPI_BYTE, &count);
    if (count > 0 && p->msg.cap < (size_t)count) {
        uint8_t *grown = dnnr__realloc(p->msg.data, (size_t)count);
        if (!grown) { /* take it into nothing: lost as a crash would be */
            MPI_Mrecv(NULL, 0, MPI_BYTE, &m, MPI_STATUS_IGNORE);
            return 1;
        }
        p->msg.data = grown;
        p->msg.cap = (size_t)count;
    }
    if (MPI_Mrecv(p->msg.data, count, MPI_BYTE, &m, MPI_STATUS_IGNORE) != MPI_SUCCESS)
        return 1;
    int rank = st.MPI_SOURCE;
    if (rank <= 0 || rank >= p->size || p->ranks[rank].lost)
        return 1; /* a lost rank's late words change nothing */
    p->ranks[rank].heard = dnnr__now();
    dnnr_reader r;
    dnnr__reader_init(&r, p->msg.data, (size_t)count);
    if (st.MPI_TAG == DNNR_MPI_TAG_HELLO)
        on_hello(p, rank, &r);
    else if (st.MPI_TAG == DNNR_MPI_TAG_RESULT)
        *slot = on_result(p, rank, &r, out);
    return 1;
}

/* Ranks silent for longer than the timeout are lost. Time rank 0 spent not
 * listening (a long searcher call) does not count against them. */
static void check_silence(dnnr_mpi_pool *p, double now)
{
    double gap = now - p->polled;
    for (int r = 1; r < p->size; r++) {
        rank_state *s = &p->ranks[r];
        if (gap > 1.0)
            s->heard += gap;
        if (rank_usable(s) && now - s->heard > p->timeout) {
            char why[64];
            snprintf(why, sizeof why, "silent for %.0f s", now - s->heard);
            lose_rank(p, r, why);
        }
    }
    p->polled = now;
}

static int take_lost_slot(dnnr_mpi_pool *p)
{
    for (size_t w = 0; w < p->n_slots; w++) {
        if (p->slots[w].busy && p->ranks[p->slots[w].rank].lost) {
            p->slots[w].busy = 0;
            return (int)w;
        }
    }
    return -1;
}

int dnnr__mpi_pool_wait(dnnr_mpi_pool *p, double max_wait, dnnr_outcome *out, int *lost)
{
    double until = dnnr__now() + (max_wait >= 0 ? max_wait : 1e9);
    long pause_ns = DNNR_MPI_PAUSE_MIN;
    *lost = 0;
    for (;;) {
        double now = dnnr__now();
        check_silence(p, now);
        int w = take_lost_slot(p);
        if (w >= 0) {
            *lost = 1;
            return w;
        }
        int slot = -1;
        while (slot < 0 && receive(p, out, &slot)) /* drain, so heartbeats stay current */
            ;
        if (slot >= 0)
            return slot;
        for (size_t k = 0; k < p->n_slots; k++) {
            int done = 0;
            if (p->slots[k].req != MPI_REQUEST_NULL)
                MPI_Test(&p->slots[k].req, &done, MPI_STATUS_IGNORE);
        }
        if (dnnr__now() >= until)
            return -1;
        pause_ns = dnnr__mpi_pause(pause_ns);
    }
}

void dnnr__mpi_pool_abandon(dnnr_mpi_pool *p)
{
    for (size_t w = 0; w < p->n_slots; w++)
        p->slots[w].busy = 0;
}

void dnnr__mpi_pool_close(dnnr_mpi_pool *p)
{
    if (!p)
        return;
    if (p->ranks) { /* where the trials went: one line for the log */
        fprintf(stderr, "MPI: trials trained per rank:");
        for (int r = 1; r < p->size; r++)
            fprintf(stderr, " %d: %llu%s", r, (unsigned long long)p->ranks[r].results,
                    p->ranks[r].lost ? " (lost)" : p->ranks[r].failed ? " (failed)" : "");
        fprintf(stderr, "\n");
    }
    for (size_t w = 0; p->slots && w < p->n_slots; w++) {
        remote_slot *s = &p->slots[w];
        int done = 1;
        if (s->req != MPI_REQUEST_NULL)
            MPI_Test(&s->req, &done, MPI_STATUS_IGNORE);
        if (!done) /* a lost rank's: MPI may still read the bytes, so they stay */
            MPI_Request_free(&s->req);
        else
            dnnr__buf_free(&s->sent);
    }
    dnnr__buf_free(&p->msg);
    dnnr__free(p->slots);
    dnnr__free(p->ranks);
    dnnr__free(p);
}

#else
typedef int dnnr__mpi_pool_unused; /* built without MPI: stubs in mpi_session.c */
#endif
