/* Training a data-set subject's configurations. The orchestrator loads the
 * data once; workers inherit it through fork and load the backend plugin
 * themselves, so no OpenMP or CUDA state ever exists in the orchestrator. */
#include "run/dnn_subject.h"

#include <math.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/engine.h"
#include "engine/extras.h"
#include "engine/template.h"
#include "host/host.h"
#include "lint/lint.h"
#include "util/alloc.h"

const dnnr_plugin *dnnr__backend_choose(const dnnr_registry *reg, const char *name, dnnr_error *err)
{
    if (name && strcmp(name, "auto") != 0) {
        const dnnr_plugin *p = dnnr__registry_find(reg, DNNR_KIND_BACKEND, name);
        if (!p)
            dnnr__error_set(err, DNNR_ENOTFOUND, "no backend plugin named '%s' (see `dnnrepair plugins`)",
                            name);
        return p;
    }
    const dnnr_plugin *best = NULL;
    int best_score = 0;
    for (size_t i = 0; i < dnnr__registry_count(reg); i++) {
        const dnnr_plugin *p = dnnr__registry_at(reg, i);
        if (p->desc->kind != DNNR_KIND_BACKEND)
            continue;
        const dnnr_backend_iface *iface = p->desc->iface;
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0) {
            int score = iface->probe();
            _exit(score < 0 ? 0 : score > 250 ? 250 : score);
        }
        int status = 0;
        if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
            continue;
        if (WEXITSTATUS(status) > best_score) {
            best_score = WEXITSTATUS(status);
            best = p;
        }
    }
    if (!best)
        dnnr__error_set(err, DNNR_ENOTFOUND, "no usable backend plugin was found");
    return best;
}

int dnnr__dnn_open(dnnr_subject_rt *rt, const dnnr_registry *reg, const char *backend,
                   dnnr_error *err)
{
    dnnr_subject *s = rt->subject;
    if (!rt->loader_iface->load)
        return dnnr__error_set(err, DNNR_EINVAL, "%s: loader '%s' provides no data set", s->file,
                               s->loader);
    rt->dataset.struct_size = sizeof rt->dataset;
    int rc = rt->loader_iface->load(rt->loader, &rt->dataset);
    if (rc)
        return dnnr__error_set(err, rc, "%s: loader '%s': %s", s->file, s->loader,
                               dnnr__host_last_error(rt->host));
    rc = dnnr__train_test_split(rt->dataset.n_test, s->split_test_size, (uint32_t)s->split_seed,
                                &rt->parts, err);
    if (rc) {
        dnnr__error_prefix(err, "%s: splitting the test part into search and holdout rows", s->file);
        return rc;
    }
    rc = dnnr__model_template_parse(s->model, s->training, s->file, &rt->model, err);
    if (!rc)
        rc = dnnr__model_template_check(rt->model, s->space, err);
    if (rc)
        return rc;
    const dnnr_plugin *p = dnnr__backend_choose(reg, backend, err);
    if (!p)
        return DNNR_ENOTFOUND;
    rt->backend = p->desc->iface;
    rt->backend_name = p->desc->name;
    rt->backend_sdk_minor = p->desc->sdk_minor;
    /* The faulty model's cost is the unit of the deterministic budget. */
    dnnr_model_spec *spec = NULL;
    rc = dnnr__model_resolve(rt->model, s->space, s->faulty, &spec, err);
    if (rc)
        return rc;
    rt->faulty_epochs = spec->epochs;
    dnnr__model_spec_destroy(spec);
    rt->fidelity_kind = s->fidelity_kind ? s->fidelity_kind : DNNR_FIDELITY_EPOCHS;
    rt->fidelity_min = s->fidelity_kind ? s->fidelity_min : 1;
    rt->fidelity_max = s->fidelity_kind ? s->fidelity_max : (double)rt->faulty_epochs;
    return DNNR_OK;
}

void dnnr__dnn_close(dnnr_subject_rt *rt)
{
    dnnr__lint_hints_free(rt->lint_hints);
    rt->lint_hints = NULL;
    rt->hints = NULL;
    dnnr__model_template_destroy(rt->model);
    dnnr__split_free(&rt->parts);
}

/* The subject's metric from the engine's evaluation of one row set. */
static double pick_metric(const char *name, const dnnr_eval_metrics *m)
{
    if (!strcmp(name, "accuracy"))
        return m->accuracy;
    if (!strcmp(name, "mse"))
        return m->mse;
    if (!strcmp(name, "mae"))
        return m->mae;
    if (!strcmp(name, "angle") || !strcmp(name, "angle_loss"))
        return m->angle;
    return m->loss; /* "loss" */
}

typedef struct monitor_ctx {
    const dnnr_trial_job *job;
} monitor_ctx;

static int call_monitor(void *ctx, const dnnr_epoch_record *const *epochs, uint32_t n)
{
    const dnnr_trial_job *job = ((monitor_ctx *)ctx)->job;
    return job->searcher->monitor(job->monitor_state, job->monitor_state_size, epochs, n);
}

void dnnr__dnn_execute(const dnnr_trial_job *job, dnnr_outcome *out)
{
    const dnnr_subject_rt *rt = job->rt;
    const dnnr_subject *s = rt->subject;
    dnnr_error err = {{0}};
    dnnr_model_spec *spec = NULL;
    if (dnnr__model_resolve(rt->model, s->space, job->config, &spec, &err)) {
        dnnr__outcome_set(out, DNNR_TRIAL_INVALID, "%s", err.msg);
        return;
    }
    char why[256];
    int erc = dnnr__extras_apply(spec, &job->extras, why, sizeof why, &err);
    if (erc == 0 && rt->backend_sdk_minor < 2 && (spec->clipvalue > 0 || spec->momentum > 0)) {
        /* a backend older than SDK 1.2 may not check the new operation and
         * update algorithm: it could run plain SGD unclipped without a word */
        snprintf(why, sizeof why, "extras: backend '%s' was built against SDK 1.%u, which has "
                 "no gradient clipping or SGD momentum", rt->backend_name, rt->backend_sdk_minor);
        erc = 1;
    }
    if (erc) {
        if (erc == 1)
            dnnr__outcome_set(out, DNNR_TRIAL_INVALID, "%s", why);
        else
            dnnr__outcome_set(out, DNNR_TRIAL_CRASHED, "%s", err.msg);
        dnnr__model_spec_destroy(spec);
        return;
    }
    dnnr_host *backend_host = dnnr__host_create_simple(rt->backend_name, job->seed, NULL, &err);
    dnnr_row_set evals[2] = {{rt->parts.train, rt->parts.n_train}, {rt->parts.test, rt->parts.n_test}};
    monitor_ctx mctx = {job};
    int monitored = job->searcher && job->searcher->monitor && job->monitor_state;
    dnnr_train_job tj = {
        .spec = spec, .data = &rt->dataset, .evals = evals, .n_evals = 2,
        .backend = rt->backend, .backend_host = backend_host, .threads = rt->threads,
        .seed = job->seed, .fidelity_kind = job->fidelity > 0 ? rt->fidelity_kind : DNNR_FIDELITY_NONE,
        .fidelity = job->fidelity, .flags = job->flags, .warm_start_path = job->warm_start_path,
        .save_weights_path = job->save_weights_path, .monitor = monitored ? call_monitor : NULL,
        .monitor_ctx = &mctx, .score_diverged = job->score_diverged};
    dnnr_train_outcome to;
    memset(&to, 0, sizeof to);
    int rc = backend_host ? dnnr__engine_train(&tj, &to, &err) : DNNR_ENOMEM;
    if (rc && to.status == DNNR_TRIAL_OK)
        dnnr__outcome_set(out, DNNR_TRIAL_CRASHED, "%s", err.msg);
    else
        dnnr__outcome_set(out, to.status, "%s", to.message);
    /* A diverged training evaluated as Keras would (score_diverged) keeps its
     * status, so its metrics stay marked as a diverged model's. */
    int scored_diverged = out->status == DNNR_TRIAL_DIVERGED && to.n_evals == 2;
    if (out->status == DNNR_TRIAL_OK || scored_diverged) {
        out->metric = pick_metric(s->metric_name, &to.eval[0]);
        out->holdout = pick_metric(s->metric_name, &to.eval[1]);
        if (out->status == DNNR_TRIAL_OK && !isfinite(out->metric))
            dnnr__outcome_set(out, DNNR_TRIAL_DIVERGED, "the %s on the search part is not finite",
                              s->metric_name);
    }
    for (uint32_t i = 0; i < to.n_epochs; i++)
        dnnr__outcome_add_epoch(out, to.epochs[i]);
    out->stopped_early = to.stopped_early;
    out->cost_seconds = to.seconds;
    out->cost_raw = to.cost_units; /* the orchestrator normalises to the faulty model's */
    dnnr__engine_outcome_free(&to);
    dnnr__host_destroy(backend_host);
    dnnr__model_spec_destroy(spec);
}
