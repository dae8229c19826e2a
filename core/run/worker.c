#include "run/worker.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "run/searcher_proc.h"
#include "util/alloc.h"

double dnnr__now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

double dnnr__wall_clock(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void worker_child(int fd, dnnr_trial_fn fn, void *ctx, const void *job)
{
    dnnr_outcome o;
    dnnr__outcome_init(&o);
    double start = dnnr__now();
    fn(ctx, job, &o);
    if (!(o.cost_seconds > 0))
        o.cost_seconds = dnnr__now() - start;
    dnnr_buf b = {0};
    dnnr__outcome_write(&b, &o);
    int rc = dnnr__msg_send(fd, &b);
    _exit(rc == DNNR_OK ? 0 : 3);
}

int dnnr__worker_start(dnnr_worker *w, dnnr_trial_fn fn, void *ctx, const void *job, double timeout,
                       void *tag, dnnr_error *err)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        return dnnr__error_set(err, DNNR_EIO, "pipe: %s", strerror(errno));
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return dnnr__error_set(err, DNNR_EIO, "fork: %s", strerror(errno));
    }
    if (pid == 0) {
        close(fds[0]);
        worker_child(fds[1], fn, ctx, job);
    }
    close(fds[1]);
    fcntl(fds[0], F_SETFL, O_NONBLOCK); /* drain() reads until EAGAIN */
    w->pid = pid;
    w->fd = fds[0];
    w->started = dnnr__now();
    w->deadline = timeout > 0 ? w->started + timeout : 0;
    w->received.len = 0;
    w->tag = tag;
    return DNNR_OK;
}

/* Reap the worker and turn what it sent (or how it died) into an outcome. */
static void finish(dnnr_worker *w, int timed_out, dnnr_outcome *out)
{
    int status = 0;
    if (timed_out)
        kill(w->pid, SIGKILL);
    while (waitpid(w->pid, &status, 0) < 0 && errno == EINTR)
        ;
    close(w->fd);
    double elapsed = dnnr__now() - w->started;
    dnnr__outcome_init(out);
    dnnr_reader r;
    uint32_t declared = 0;
    if (w->received.len >= sizeof declared)
        memcpy(&declared, w->received.data, sizeof declared);
    if (timed_out) {
        dnnr__outcome_set(out, DNNR_TRIAL_TIMEOUT, "no result within the trial timeout (%.1f s)",
                          w->deadline - w->started);
    } else if (WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
               w->received.len == sizeof declared + declared) {
        dnnr__reader_init(&r, w->received.data + sizeof declared, declared);
        if (dnnr__outcome_read(&r, out) != DNNR_OK)
            dnnr__outcome_set(out, DNNR_TRIAL_CRASHED, "the worker sent a malformed result");
    } else {
        char how[160];
        dnnr__describe_wait_status(status, how, sizeof how);
        dnnr__outcome_set(out, DNNR_TRIAL_CRASHED, "the worker died: %s", how);
    }
    if (out->status != DNNR_TRIAL_OK || !(out->cost_seconds > 0))
        out->cost_seconds = elapsed;
    w->pid = 0;
    w->fd = -1;
    w->received.len = 0;
}

void dnnr__worker_kill(dnnr_worker *w)
{
    if (w->pid <= 0)
        return;
    dnnr_outcome o;
    finish(w, 1, &o);
    dnnr__outcome_clear(&o);
}

/* Drain what is readable; returns 1 at end of file. */
static int drain(dnnr_worker *w)
{
    uint8_t chunk[65536];
    for (;;) {
        ssize_t n = read(w->fd, chunk, sizeof chunk);
        if (n > 0) {
            dnnr__buf_put(&w->received, chunk, (size_t)n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return 0;
        return 1; /* EOF, or an error: either way the worker is done with the pipe */
    }
}

int dnnr__workers_wait(dnnr_worker *ws, size_t n, double max_wait, dnnr_outcome *out)
{
    double until = max_wait >= 0 ? dnnr__now() + max_wait : 0;
    struct pollfd *pfds = dnnr__alloc(n + 1, sizeof *pfds);
    size_t *index = dnnr__alloc(n + 1, sizeof *index);
    int found = -1;
    while (pfds && index && found < 0) {
        double now = dnnr__now(), wait = max_wait >= 0 ? until - now : 1e9;
        size_t k = 0;
        for (size_t i = 0; i < n; i++) {
            if (ws[i].pid <= 0)
                continue;
            if (ws[i].deadline > 0 && ws[i].deadline <= now) {
                finish(&ws[i], 1, out);
                found = (int)i;
                break;
            }
            if (ws[i].deadline > 0)
                wait = fmin(wait, ws[i].deadline - now);
            pfds[k] = (struct pollfd){.fd = ws[i].fd, .events = POLLIN};
            index[k++] = i;
        }
        if (found >= 0 || k == 0 || wait < 0)
            break;
        int rc = poll(pfds, k, (int)fmin(ceil(fmax(wait, 0) * 1000.0), 2e9));
        if (rc < 0 && errno != EINTR)
            break;
        for (size_t j = 0; j < k && rc > 0; j++) {
            if (pfds[j].revents && drain(&ws[index[j]])) {
                finish(&ws[index[j]], 0, out);
                found = (int)index[j];
                break;
            }
        }
        if (max_wait >= 0 && dnnr__now() >= until && found < 0)
            break;
    }
    dnnr__free(pfds);
    dnnr__free(index);
    return found;
}
