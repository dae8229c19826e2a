#include "run/searcher_proc.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "host/host.h"
#include "run/trial_extras.h"
#include "space/space.h"
#include "util/alloc.h"
#include "util/buf.h"

enum { CMD_ASK = 1, CMD_TELL = 2, CMD_QUIT = 3 };
#define MESSAGE_LIMIT (64u << 20)

struct dnnr_searcher_proc {
    pid_t pid;
    int fd;
    uint32_t n_params;
    double call_timeout;
    char label[128];
};

void dnnr__describe_wait_status(int status, char *buf, size_t len)
{
    if (WIFSIGNALED(status))
        snprintf(buf, len, "signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
    else if (WIFEXITED(status))
        snprintf(buf, len, "exit status %d", WEXITSTATUS(status));
    else
        snprintf(buf, len, "wait status %d", status);
}

int dnnr__wait_readable(int fd, double timeout)
{
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    int ms = timeout > 0 ? (int)fmin(timeout * 1000.0, 2e9) : -1;
    for (;;) {
        int rc = poll(&pfd, 1, ms);
        if (rc < 0 && errno == EINTR)
            continue;
        return rc != 0; /* errors count as readable: the read reports them */
    }
}

/* ---- the searcher process ---------------------------------------------- */

typedef struct child_state {
    const dnnr_searcher_proc_params *p;
    dnnr_budget_info budget;
    dnnr_host *host;
    dnnr_searcher *searcher;
    int fd;
} child_state;

static void child_budget(void *ctx, dnnr_budget_info *out) { *out = ((child_state *)ctx)->budget; }

static void reply_status(child_state *c, int rc, const char *message)
{
    dnnr_buf b = {0};
    dnnr__buf_u32(&b, (uint32_t)rc);
    dnnr__buf_str(&b, message);
    dnnr__msg_send(c->fd, &b);
    dnnr__buf_free(&b);
}

static void read_budget(dnnr_reader *r, dnnr_budget_info *b)
{
    b->struct_size = sizeof *b;
    b->kind = (dnnr_budget_kind)dnnr__read_u32(r);
    b->total = dnnr__read_f64(r);
    b->used = dnnr__read_f64(r);
}

static void write_budget(dnnr_buf *b, const dnnr_budget_info *info)
{
    dnnr__buf_u32(b, (uint32_t)info->kind);
    dnnr__buf_f64(b, info->total);
    dnnr__buf_f64(b, info->used);
}

static void child_ask(child_state *c, dnnr_reader *r)
{
    uint32_t n = c->p->space->n_params;
    dnnr_value *config = dnnr__alloc(n + 1, sizeof *config);
    if (!config) {
        reply_status(c, DNNR_ENOMEM, "out of memory");
        return;
    }
    dnnr__space_defaults(c->p->space, config);
    dnnr_trial_request req = {.struct_size = sizeof req, .config = config, .warm_start = -1};
    req.trial_id = dnnr__read_u64(r);
    dnnr__host_clear_error(c->host);
    int rc = c->p->iface->ask(c->searcher, &req);
    dnnr_buf b = {0};
    dnnr__buf_u32(&b, (uint32_t)rc);
    dnnr__buf_str(&b, rc < 0 && rc != DNNR_EAGAIN && rc != DNNR_EDONE
                          ? dnnr__host_last_error(c->host)
                          : "");
    dnnr__buf_put(&b, config, n * sizeof *config);
    dnnr__buf_f64(&b, req.fidelity);
    dnnr__buf_u64(&b, (uint64_t)req.warm_start);
    dnnr__buf_u32(&b, req.flags);
    dnnr__buf_str(&b, req.note);
    dnnr__buf_u32(&b, req.monitor_state ? req.monitor_state_size : 0);
    if (req.monitor_state)
        dnnr__buf_put(&b, req.monitor_state, req.monitor_state_size);
    dnnr_trial_extras extras;
    dnnr__extras_copy(&extras, req.extras);
    dnnr__extras_write(&b, &extras);
    dnnr__msg_send(c->fd, &b);
    dnnr__buf_free(&b);
    dnnr__free(config);
}

static void child_tell(child_state *c, dnnr_reader *r)
{
    uint32_t n = c->p->space->n_params;
    dnnr_value *config = dnnr__alloc(n + 1, sizeof *config);
    dnnr_trial_result res = {.struct_size = sizeof res, .config = config};
    res.trial_id = dnnr__read_u64(r);
    dnnr__read_bytes(r, config, n * sizeof *config);
    res.fidelity = dnnr__read_f64(r);
    res.warm_start = (int64_t)dnnr__read_u64(r);
    res.objective = dnnr__read_f64(r);
    dnnr_outcome o;
    if (!config || dnnr__outcome_read(r, &o) != DNNR_OK) {
        reply_status(c, DNNR_EPARSE, "malformed tell message");
        dnnr__free(config);
        return;
    }
    const dnnr_epoch_record **epochs = dnnr__alloc(o.n_epochs + 1, sizeof *epochs);
    if (!epochs) {
        reply_status(c, DNNR_ENOMEM, "out of memory");
        dnnr__outcome_clear(&o);
        dnnr__free(config);
        return;
    }
    for (uint32_t i = 0; i < o.n_epochs; i++)
        epochs[i] = &o.epochs[i];
    res.status = o.status;
    res.message = o.message;
    res.metric = o.metric;
    res.n_epochs = o.n_epochs;
    res.epochs = epochs;
    res.stopped_early = o.stopped_early;
    res.cost_seconds = o.cost_seconds;
    res.cost_units = o.cost_units;
    dnnr__host_clear_error(c->host);
    int rc = c->p->iface->tell(c->searcher, &res);
    reply_status(c, rc, rc ? dnnr__host_last_error(c->host) : "");
    dnnr__outcome_clear(&o);
    dnnr__free(epochs);
    dnnr__free(config);
}

static int child_create(child_state *c)
{
    const dnnr_searcher_proc_params *p = c->p;
    dnnr_error err = {{0}};
    dnnr_host_params hp = {.plugin_name = p->label, .seed = p->seed, .options = p->options,
                           .options_file = p->options_file, .budget = child_budget,
                           .budget_ctx = c, .verbosity = DNNR_LOG_WARN};
    c->host = dnnr__host_create(&hp, &err);
    if (!c->host) {
        reply_status(c, DNNR_ENOMEM, err.msg);
        return DNNR_ENOMEM;
    }
    dnnr_searcher_init init = {.struct_size = sizeof init, .host = c->host, .space = p->space,
                               .start = p->start, .metric_kind = p->metric_kind,
                               .fidelity_kind = p->fidelity_kind, .min_fidelity = p->min_fidelity,
                               .max_fidelity = p->max_fidelity, .max_in_flight = p->max_in_flight,
                               .hints = p->hints, .target_objective = p->target_objective};
    int rc = p->iface->create(&init, &c->searcher);
    if (rc) {
        if (dnnr__host_option_error(c->host, &err) == DNNR_OK)
            snprintf(err.msg, sizeof err.msg, "%s", dnnr__host_last_error(c->host));
        reply_status(c, rc, err.msg[0] ? err.msg : dnnr_strerror(rc));
        return rc;
    }
    if ((rc = dnnr__host_option_error(c->host, &err)) || (rc = dnnr__host_check_options(c->host, &err))) {
        reply_status(c, rc, err.msg);
        return rc;
    }
    reply_status(c, DNNR_OK, "");
    return DNNR_OK;
}

static void child_main(child_state *c)
{
    if (child_create(c) == DNNR_OK) {
        dnnr_buf msg = {0};
        while (dnnr__msg_recv(c->fd, &msg, MESSAGE_LIMIT) == DNNR_OK) {
            dnnr_reader r;
            dnnr__reader_init(&r, msg.data, msg.len);
            uint32_t cmd = dnnr__read_u32(&r);
            if (cmd == CMD_QUIT)
                break;
            read_budget(&r, &c->budget);
            if (cmd == CMD_ASK)
                child_ask(c, &r);
            else if (cmd == CMD_TELL)
                child_tell(c, &r);
        }
        dnnr__buf_free(&msg);
        c->p->iface->destroy(c->searcher);
    }
    dnnr__host_destroy(c->host);
    _exit(0);
}

/* ---- the orchestrator's side ------------------------------------------- */

/* The process is gone or hung: make sure it is dead and say how it ended. */
static int lost(dnnr_searcher_proc *sp, const char *during, int timed_out, dnnr_error *err)
{
    int status = 0;
    char how[160] = "";
    if (sp->pid > 0) {
        if (timed_out)
            kill(sp->pid, SIGKILL);
        waitpid(sp->pid, &status, 0);
        dnnr__describe_wait_status(status, how, sizeof how);
        sp->pid = -1;
    }
    if (sp->fd >= 0)
        close(sp->fd);
    sp->fd = -1;
    if (timed_out)
        return dnnr__error_set(err, DNNR_EINTERNAL, "searcher '%s' did not answer %s within %g s",
                               sp->label, during, sp->call_timeout);
    return dnnr__error_set(err, DNNR_EINTERNAL, "searcher '%s' crashed in %s: %s", sp->label,
                           during, how);
}

static int exchange(dnnr_searcher_proc *sp, const dnnr_buf *request, dnnr_buf *reply,
                    const char *during, dnnr_error *err)
{
    if (sp->fd < 0)
        return dnnr__error_set(err, DNNR_EINTERNAL, "searcher '%s' is not running", sp->label);
    if (dnnr__msg_send(sp->fd, request) != DNNR_OK)
        return lost(sp, during, 0, err);
    if (!dnnr__wait_readable(sp->fd, sp->call_timeout))
        return lost(sp, during, 1, err);
    if (dnnr__msg_recv(sp->fd, reply, MESSAGE_LIMIT) != DNNR_OK)
        return lost(sp, during, 0, err);
    return DNNR_OK;
}

static int reply_error(dnnr_reader *r, const char *label, dnnr_error *err)
{
    int rc = (int)dnnr__read_u32(r);
    uint32_t len;
    const char *msg = dnnr__read_str(r, &len);
    if (r->failed)
        return dnnr__error_set(err, DNNR_EPARSE, "searcher '%s': malformed reply", label);
    if (rc < 0 && rc != DNNR_EAGAIN && rc != DNNR_EDONE)
        dnnr__error_set(err, rc, "searcher '%s': %.*s", label, (int)len,
                        len ? msg : dnnr_strerror(rc));
    return rc;
}

int dnnr__searcher_proc_start(const dnnr_searcher_proc_params *p, dnnr_searcher_proc **out,
                              dnnr_error *err)
{
    int fds[2];
    dnnr_searcher_proc *sp = dnnr__alloc(1, sizeof *sp);
    if (!sp)
        return dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
        dnnr__free(sp);
        return dnnr__error_set(err, DNNR_EIO, "socketpair: %s", strerror(errno));
    }
    snprintf(sp->label, sizeof sp->label, "%s", p->label);
    sp->n_params = p->space->n_params;
    sp->call_timeout = p->call_timeout;
    fflush(NULL); /* the child must not flush the parent's buffered output again */
    sp->pid = fork();
    if (sp->pid < 0) {
        close(fds[0]);
        close(fds[1]);
        dnnr__free(sp);
        return dnnr__error_set(err, DNNR_EIO, "fork: %s", strerror(errno));
    }
    if (sp->pid == 0) {
        close(fds[0]);
        child_state c = {.p = p, .budget = p->budget, .fd = fds[1]};
        child_main(&c);
    }
    close(fds[1]);
    sp->fd = fds[0];
    dnnr_buf reply = {0};
    int rc;
    if (!dnnr__wait_readable(sp->fd, sp->call_timeout))
        rc = lost(sp, "create", 1, err);
    else if (dnnr__msg_recv(sp->fd, &reply, MESSAGE_LIMIT) != DNNR_OK)
        rc = lost(sp, "create", 0, err);
    else {
        dnnr_reader r;
        dnnr__reader_init(&r, reply.data, reply.len);
        rc = reply_error(&r, sp->label, err);
    }
    dnnr__buf_free(&reply);
    if (rc) {
        dnnr__searcher_proc_stop(sp);
        return rc;
    }
    *out = sp;
    return DNNR_OK;
}

int dnnr__searcher_proc_ask(dnnr_searcher_proc *sp, uint64_t trial_id, const dnnr_budget_info *budget,
                            dnnr_asked *out, dnnr_error *err)
{
    dnnr_buf request = {0}, reply = {0};
    dnnr__buf_u32(&request, CMD_ASK);
    write_budget(&request, budget);
    dnnr__buf_u64(&request, trial_id);
    int rc = exchange(sp, &request, &reply, "ask", err);
    dnnr__buf_free(&request);
    if (rc) {
        dnnr__buf_free(&reply);
        return rc;
    }
    dnnr_reader r;
    dnnr__reader_init(&r, reply.data, reply.len);
    rc = reply_error(&r, sp->label, err);
    dnnr__read_bytes(&r, out->config, sp->n_params * sizeof *out->config);
    out->fidelity = dnnr__read_f64(&r);
    out->warm_start = (int64_t)dnnr__read_u64(&r);
    out->flags = dnnr__read_u32(&r);
    uint32_t len;
    const char *note = dnnr__read_str(&r, &len);
    snprintf(out->note, sizeof out->note, "%.*s", (int)len, note);
    out->monitor_state_size = dnnr__read_u32(&r);
    out->monitor_state = NULL;
    if (!r.failed && out->monitor_state_size) {
        out->monitor_state = dnnr__alloc(out->monitor_state_size, 1);
        if (out->monitor_state)
            dnnr__read_bytes(&r, out->monitor_state, out->monitor_state_size);
        else if (rc == DNNR_OK)
            rc = dnnr__error_set(err, DNNR_ENOMEM, "out of memory for a monitor state");
    }
    if (rc == DNNR_OK)
        dnnr__extras_read(&r, &out->extras);
    /* every byte read: a reply that is longer than its fields is malformed too */
    if ((r.failed || r.left != 0) && rc == DNNR_OK)
        rc = dnnr__error_set(err, DNNR_EPARSE, "searcher '%s': malformed ask reply", sp->label);
    dnnr__buf_free(&reply);
    return rc;
}

int dnnr__searcher_proc_tell(dnnr_searcher_proc *sp, const dnnr_budget_info *budget,
                             const dnnr_trial_result *res, dnnr_error *err)
{
    dnnr_buf request = {0}, reply = {0};
    dnnr__buf_u32(&request, CMD_TELL);
    write_budget(&request, budget);
    dnnr__buf_u64(&request, res->trial_id);
    dnnr__buf_put(&request, res->config, sp->n_params * sizeof *res->config);
    dnnr__buf_f64(&request, res->fidelity);
    dnnr__buf_u64(&request, (uint64_t)res->warm_start);
    dnnr__buf_f64(&request, res->objective);
    dnnr_outcome o;
    dnnr__outcome_init(&o);
    o.status = res->status;
    snprintf(o.message, sizeof o.message, "%s", res->message ? res->message : "");
    o.metric = res->metric;
    o.cost_seconds = res->cost_seconds;
    o.cost_units = res->cost_units;
    o.stopped_early = res->stopped_early;
    dnnr__outcome_write_with(&request, &o, res->epochs, res->n_epochs);
    int rc = exchange(sp, &request, &reply, "tell", err);
    dnnr__buf_free(&request);
    if (!rc) {
        dnnr_reader r;
        dnnr__reader_init(&r, reply.data, reply.len);
        rc = reply_error(&r, sp->label, err);
    }
    dnnr__buf_free(&reply);
    return rc;
}

int dnnr__searcher_proc_alive(const dnnr_searcher_proc *sp) { return sp && sp->fd >= 0; }

void dnnr__searcher_proc_stop(dnnr_searcher_proc *sp)
{
    if (!sp)
        return;
    if (sp->fd >= 0) {
        dnnr_buf quit = {0};
        dnnr__buf_u32(&quit, CMD_QUIT);
        dnnr__msg_send(sp->fd, &quit);
        dnnr__buf_free(&quit);
        close(sp->fd);
    }
    if (sp->pid > 0) {
        int status;
        /* Give destroy() a moment, then insist. */
        for (int i = 0; i < 200 && waitpid(sp->pid, &status, WNOHANG) == 0; i++)
            usleep(5000);
        if (waitpid(sp->pid, &status, WNOHANG) == 0) {
            kill(sp->pid, SIGKILL);
            waitpid(sp->pid, &status, 0);
        }
    }
    dnnr__free(sp);
}
