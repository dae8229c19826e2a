#include "run/subject_rt.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "config/cfgutil.h"
#include "host/host.h"
#include "run/dnn_subject.h"
#include "util/alloc.h"

static const char *const dataset_reserved_keys[] = {"loader", NULL};

double dnnr__objective(const dnnr_subject *s, double metric)
{
    return s->maximise ? -metric : metric;
}

static int open_analytic(dnnr_subject_rt *rt, dnnr_error *err)
{
    dnnr_subject *s = rt->subject;
    if (!rt->loader_iface->analytic || !rt->loader_iface->evaluate)
        return dnnr__error_set(err, DNNR_EINVAL,
                               "%s: loader '%s' does not provide analytic subjects", s->file,
                               s->loader);
    rt->info.struct_size = sizeof rt->info;
    int rc = rt->loader_iface->analytic(rt->loader, &rt->info);
    if (rc)
        return dnnr__error_set(err, rc, "%s: loader '%s': %s", s->file, s->loader,
                               dnnr__host_last_error(rt->host));
    rt->analytic = 1;
    rt->faulty_cost = 1.0; /* an evaluation is the unit */
    rt->fidelity_kind = rt->info.fidelity_kind;
    rt->fidelity_min = rt->info.min_fidelity;
    rt->fidelity_max = rt->info.max_fidelity;
    return dnnr__subject_set_analytic(s, rt->info.space, rt->info.start, rt->info.optimum, err);
}

int dnnr__subject_rt_open(dnnr_subject *s, const dnnr_registry *reg, const char *backend,
                          uint32_t threads, dnnr_subject_rt **out, dnnr_error *err)
{
    const dnnr_plugin *p = dnnr__registry_find(reg, DNNR_KIND_LOADER, s->loader);
    if (!p)
        return dnnr__error_set(err, DNNR_ENOTFOUND,
                               "%s: no loader plugin named '%s' (see `dnnrepair plugins`)", s->file,
                               s->loader);
    dnnr_subject_rt *rt = dnnr__alloc(1, sizeof *rt);
    if (!rt)
        return dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
    rt->subject = s;
    rt->threads = threads;
    rt->loader_plugin = p;
    rt->loader_iface = p->desc->iface;
    dnnr_host_params hp = {.plugin_name = s->loader, .seed = 0, .options = s->dataset,
                           .options_file = s->file, .ignore_keys = dataset_reserved_keys,
                           .verbosity = DNNR_LOG_WARN};
    rt->host = dnnr__host_create(&hp, err);
    int rc = rt->host ? DNNR_OK : DNNR_ENOMEM;
    if (!rc) {
        dnnr_loader_init init = {.struct_size = sizeof init, .host = rt->host,
                                 .subject_file = s->file, .data_dir = getenv("DNNR_DATA_DIR")};
        rc = rt->loader_iface->create(&init, &rt->loader);
        if (rc) {
            /* The loader judged its options: point at the dataset group. */
            if (dnnr__host_option_error(rt->host, err) == DNNR_OK)
                dnnr__error_set(err, rc, "%s:%d: dataset: loader '%s': %s", s->file,
                                dnnr__cfg_line(s->dataset), s->loader,
                                dnnr__host_last_error(rt->host));
            /* A missing option is often a misspelt one: say so. */
            dnnr_error typo, first = *err;
            if (dnnr__host_check_options(rt->host, &typo) != DNNR_OK)
                dnnr__error_set(err, rc, "%.500s; %.500s", first.msg, typo.msg);
            rt->loader = NULL;
        }
    }
    if (!rc)
        rc = dnnr__host_option_error(rt->host, err);
    if (!rc)
        rc = dnnr__host_check_options(rt->host, err);
    if (!rc) {
        if (s->task == DNNR_TASK_ANALYTIC)
            rc = open_analytic(rt, err);
        else
            rc = dnnr__dnn_open(rt, reg, backend, err);
    }
    if (rc) {
        dnnr__subject_rt_close(rt);
        return rc;
    }
    *out = rt;
    return DNNR_OK;
}

void dnnr__subject_rt_close(dnnr_subject_rt *rt)
{
    if (!rt)
        return;
    if (!rt->analytic)
        dnnr__dnn_close(rt);
    dnnr__free(rt->faulty_search);
    dnnr__free(rt->fix_search);
    if (rt->loader)
        rt->loader_iface->destroy(rt->loader);
    dnnr__host_destroy(rt->host);
    dnnr__free(rt);
}

static void execute_analytic(const dnnr_trial_job *job, dnnr_outcome *out)
{
    const dnnr_subject_rt *rt = job->rt;
    double value = NAN;
    dnnr__host_clear_error(rt->host);
    int rc = rt->loader_iface->evaluate(rt->loader, job->config, job->fidelity, job->seed, &value);
    if (rc) {
        dnnr__outcome_set(out, DNNR_TRIAL_INVALID, "%s", dnnr__host_last_error(rt->host));
        return;
    }
    if (!isfinite(value)) {
        dnnr__outcome_set(out, DNNR_TRIAL_DIVERGED, "the function value is not finite");
        return;
    }
    out->status = DNNR_TRIAL_OK;
    out->metric = value;
    /* An evaluation costs one unit; at a lower fidelity, its share of the full one. */
    out->cost_raw = 1.0;
    if (rt->info.fidelity_kind != DNNR_FIDELITY_NONE && job->fidelity > 0 && rt->info.max_fidelity > 0)
        out->cost_raw = job->fidelity / rt->info.max_fidelity;
}

void dnnr__trial_execute(void *ctx, const void *job_ptr, dnnr_outcome *out)
{
    const dnnr_trial_job *job = job_ptr;
    if (job->rt->analytic)
        execute_analytic(job, out);
    else
        dnnr__dnn_execute(job, out);
}
