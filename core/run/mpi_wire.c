/* A trial job as bytes between rank 0 and a training rank. Pointers into
 * rank 0's memory become what the other rank can resolve itself: the
 * subject's index in the experiment, the searcher's plugin name, paths. */
#include "run/mpi_pool.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "run/trial_extras.h"
#include "util/alloc.h"

double dnnr__mpi_timeout(void)
{
    const char *s = getenv("DNNR_MPI_TIMEOUT");
    double t = s ? strtod(s, NULL) : 0;
    return t > 0 ? t : 10.0;
}

long dnnr__mpi_pause(long ns)
{
    struct timespec ts = {0, ns};
    nanosleep(&ts, NULL);
    long next = ns + ns / 4;
    return next > DNNR_MPI_PAUSE_MAX ? DNNR_MPI_PAUSE_MAX : next;
}

void dnnr__mpi_job_encode(dnnr_buf *b, uint64_t id, uint32_t subject, const char *searcher,
                          double timeout, const dnnr_trial_job *job)
{
    uint32_t n = job->rt->subject->space->n_params;
    dnnr__buf_u64(b, id);
    dnnr__buf_u32(b, subject);
    dnnr__buf_f64(b, timeout);
    dnnr__buf_str(b, searcher);
    dnnr__buf_u32(b, n);
    for (uint32_t i = 0; i < n; i++) { /* the union's bytes: i or f, as the kind says */
        uint64_t raw;
        memcpy(&raw, &job->config[i], sizeof raw);
        dnnr__buf_u64(b, raw);
    }
    dnnr__buf_f64(b, job->fidelity);
    dnnr__buf_u64(b, job->seed);
    dnnr__buf_u64(b, (uint64_t)job->warm_start);
    dnnr__buf_u32(b, job->flags);
    dnnr__buf_u32(b, (uint32_t)job->score_diverged);
    dnnr__buf_str(b, job->warm_start_path);
    dnnr__buf_str(b, job->save_weights_path);
    dnnr__buf_u32(b, job->monitor_state ? job->monitor_state_size : 0);
    if (job->monitor_state)
        dnnr__buf_put(b, job->monitor_state, job->monitor_state_size);
    dnnr__extras_write(b, &job->extras);
}

/* A string from the message; "" becomes NULL when empty_is_null. */
static char *read_string(dnnr_reader *r, int empty_is_null, int *failed)
{
    uint32_t len;
    const char *s = dnnr__read_str(r, &len);
    if (r->failed || (empty_is_null && len == 0))
        return NULL;
    char *copy = dnnr__strndup(s, len);
    if (!copy)
        *failed = 1;
    return copy;
}

int dnnr__mpi_job_decode(const void *data, size_t len, dnnr_mpi_job *out)
{
    memset(out, 0, sizeof *out);
    dnnr_reader r;
    dnnr__reader_init(&r, data, len);
    int failed = 0;
    out->id = dnnr__read_u64(&r);
    out->subject = dnnr__read_u32(&r);
    out->timeout = dnnr__read_f64(&r);
    out->searcher = read_string(&r, 0, &failed);
    out->n_config = dnnr__read_u32(&r);
    if (!r.failed && (size_t)out->n_config * sizeof(uint64_t) <= r.left) {
        out->config = dnnr__alloc(out->n_config + 1, sizeof *out->config);
        failed |= !out->config;
        for (uint32_t i = 0; i < out->n_config && out->config; i++) {
            uint64_t raw = dnnr__read_u64(&r);
            memcpy(&out->config[i], &raw, sizeof raw);
        }
    } else {
        r.failed = 1;
    }
    double fidelity = dnnr__read_f64(&r);
    uint64_t seed = dnnr__read_u64(&r);
    int64_t warm_start = (int64_t)dnnr__read_u64(&r);
    uint32_t flags = dnnr__read_u32(&r);
    uint32_t score_diverged = dnnr__read_u32(&r);
    out->warm_start_path = read_string(&r, 1, &failed);
    out->save_weights_path = read_string(&r, 1, &failed);
    uint32_t monitor_size = dnnr__read_u32(&r);
    if (!r.failed && monitor_size > 0 && monitor_size <= r.left) {
        out->monitor_state = dnnr__alloc(monitor_size, 1);
        if (out->monitor_state)
            dnnr__read_bytes(&r, out->monitor_state, monitor_size);
        failed |= !out->monitor_state;
    } else if (monitor_size > 0) {
        r.failed = 1;
    }
    dnnr_trial_extras extras;
    dnnr__extras_read(&r, &extras);
    if (r.failed || failed || r.left != 0) {
        dnnr__mpi_job_clear(out);
        return failed && !r.failed ? DNNR_ENOMEM : DNNR_EPARSE;
    }
    out->job = (dnnr_trial_job){
        .config = out->config, .fidelity = fidelity, .seed = seed, .warm_start = warm_start,
        .flags = flags, .score_diverged = score_diverged != 0, .monitor_state = out->monitor_state,
        .monitor_state_size = out->monitor_state ? monitor_size : 0,
        .warm_start_path = out->warm_start_path, .save_weights_path = out->save_weights_path,
        .extras = extras};
    return DNNR_OK;
}

void dnnr__mpi_job_clear(dnnr_mpi_job *j)
{
    dnnr__free(j->searcher);
    dnnr__free(j->config);
    dnnr__free(j->warm_start_path);
    dnnr__free(j->save_weights_path);
    dnnr__free(j->monitor_state);
    memset(j, 0, sizeof *j);
}
