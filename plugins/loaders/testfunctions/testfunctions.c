/* testfunctions: a loader offering analytic subjects (Branin, Hartmann,
 * Rosenbrock, Ackley, a mixed-type function and a multi-fidelity Branin), so
 * searchers can be tested in milliseconds and compared with other HPO
 * libraries on the functions they publish results for.
 *
 * Options (the subject file's `dataset = { loader = "testfunctions"; ... }`):
 *   function        required: branin, hartmann6, hartmann3, rosenbrock,
 *                   ackley, mixed or multifidelity (catalog.c has each one's
 *                   space, start configuration and f*)
 *   noise           std of Gaussian observation noise (>= 0, default 0)
 *   dim             rosenbrock (default 4) and ackley (default 5): 2..1000
 *   min_budget      multifidelity: the smallest budget (default 1)
 *   max_budget      multifidelity: the full budget (default 81)
 *   fidelity_noise  multifidelity: noise std at min_budget (default 1)
 *
 * Observation noise is drawn only from the stream evaluate() is given, so an
 * evaluation is a pure function of (configuration, fidelity, rng_key).
 *
 * multifidelity is Branin observed at a budget b in [min_budget, max_budget]
 * (a request's fidelity; 0 means max_budget):
 *   value = augmented_branin(x, distortion(b))
 *           + fidelity_noise * noise_scale(b) * Z1 + noise * Z2
 * where distortion and noise_scale fall from 1 at min_budget to exactly 0 at
 * max_budget (like 1/sqrt(b) and 1/b; functions.h). So the full-budget value
 * is exactly Branin (plus the ordinary observation noise, zero-mean), and
 * cheap budgets rank configurations roughly right, with a bias that moves the
 * minima and noise that blurs them.
 */
#include <math.h>
#include <stdint.h>

#include <dnnrepair/dnnrepair.h>

#include "catalog.h"
#include "functions.h"

struct dnnr_loader {
    const dnnr_host *host;
    const tf_function *fn;
    uint32_t dim;
    double noise;
    double min_budget, max_budget, fidelity_noise;

    dnnr_space space;
    dnnr_param *params;
    const dnnr_param **param_ptrs;
    char *names; /* dim * TF_NAME_MAX bytes, for "x1".."xd" */
    dnnr_value *start;
};

/* Read an option that only some functions take: @p present tells whether the
 * file set it, so a misplaced option gets a message that says where it
 * belongs instead of being silently ignored. */
static int option_float_if_set(const dnnr_host *host, const char *key, double *out, int *present)
{
    int rc = host->option_float(host->ctx, key, NAN, out);
    *present = rc == DNNR_OK && !isnan(*out);
    return rc;
}

static int read_dim(dnnr_loader *l)
{
    const dnnr_host *host = l->host;
    const int64_t absent = INT64_MIN;
    int64_t dim;
    int rc = host->option_int(host->ctx, "dim", absent, &dim);
    if (rc != DNNR_OK)
        return rc;
    if (l->fn->fixed_dim != 0) {
        if (dim != absent) {
            host->set_error(host->ctx,
                            "option 'dim' applies only to rosenbrock and ackley; "
                            "%s has %u parameters",
                            l->fn->name, (unsigned)l->fn->fixed_dim);
            return DNNR_EINVAL;
        }
        l->dim = l->fn->fixed_dim;
        return DNNR_OK;
    }
    if (dim == absent)
        dim = l->fn->default_dim;
    if (dim < TF_MIN_DIM || dim > TF_MAX_DIM) {
        host->set_error(host->ctx, "option 'dim' of %s must be between %d and %d; got %lld",
                        l->fn->name, TF_MIN_DIM, TF_MAX_DIM, (long long)dim);
        return DNNR_EINVAL;
    }
    l->dim = (uint32_t)dim;
    return DNNR_OK;
}

static int read_budgets(dnnr_loader *l)
{
    static const char *const keys[3] = {"min_budget", "max_budget", "fidelity_noise"};
    static const double defaults[3] = {1.0, 81.0, 1.0};
    const dnnr_host *host = l->host;
    double value[3];
    for (int i = 0; i < 3; i++) {
        int present;
        int rc = option_float_if_set(host, keys[i], &value[i], &present);
        if (rc != DNNR_OK)
            return rc;
        if (present && !l->fn->multifidelity) {
            host->set_error(host->ctx, "option '%s' applies only to function multifidelity, not %s",
                            keys[i], l->fn->name);
            return DNNR_EINVAL;
        }
        if (!present)
            value[i] = defaults[i];
    }
    l->min_budget = value[0];
    l->max_budget = value[1];
    l->fidelity_noise = value[2];
    if (!(l->min_budget > 0.0 && l->min_budget < l->max_budget && isfinite(l->max_budget))) {
        host->set_error(host->ctx,
                        "need 0 < min_budget < max_budget; got min_budget = %g, "
                        "max_budget = %g",
                        l->min_budget, l->max_budget);
        return DNNR_EINVAL;
    }
    if (!(l->fidelity_noise >= 0.0 && isfinite(l->fidelity_noise))) {
        host->set_error(host->ctx, "option 'fidelity_noise' must be >= 0; got %g",
                        l->fidelity_noise);
        return DNNR_EINVAL;
    }
    return DNNR_OK;
}

static int read_options(dnnr_loader *l)
{
    const dnnr_host *host = l->host;
    const char *name;
    int rc = host->option_string(host->ctx, "function", NULL, &name);
    if (rc != DNNR_OK)
        return rc;
    if (name == NULL) {
        host->set_error(host->ctx, "option 'function' is required: one of %s", tf_function_names);
        return DNNR_EINVAL;
    }
    l->fn = tf_function_find(name);
    if (l->fn == NULL) {
        host->set_error(host->ctx, "unknown function '%s'; expected one of %s", name,
                        tf_function_names);
        return DNNR_EINVAL;
    }
    rc = host->option_float(host->ctx, "noise", 0.0, &l->noise);
    if (rc != DNNR_OK)
        return rc;
    if (!(l->noise >= 0.0 && isfinite(l->noise))) {
        host->set_error(host->ctx, "option 'noise' must be >= 0; got %g", l->noise);
        return DNNR_EINVAL;
    }
    rc = read_dim(l);
    if (rc != DNNR_OK)
        return rc;
    return read_budgets(l);
}

static void tf_destroy(dnnr_loader *l)
{
    if (l == NULL)
        return;
    const dnnr_host *host = l->host;
    host->free(host->ctx, l->params);
    host->free(host->ctx, l->param_ptrs);
    host->free(host->ctx, l->names);
    host->free(host->ctx, l->start);
    host->free(host->ctx, l);
}

static int build_space(dnnr_loader *l)
{
    const dnnr_host *host = l->host;
    l->params = host->alloc(host->ctx, l->dim, sizeof *l->params);
    l->param_ptrs = host->alloc(host->ctx, l->dim, sizeof *l->param_ptrs);
    l->names = host->alloc(host->ctx, l->dim, TF_NAME_MAX);
    l->start = host->alloc(host->ctx, l->dim, sizeof *l->start);
    if (!l->params || !l->param_ptrs || !l->names || !l->start) {
        host->set_error(host->ctx, "out of memory for a %u-parameter space", (unsigned)l->dim);
        return DNNR_ENOMEM;
    }
    tf_function_describe(l->fn, l->dim, l->params, l->names, l->start);
    for (uint32_t i = 0; i < l->dim; i++)
        l->param_ptrs[i] = &l->params[i];
    l->space.struct_size = sizeof l->space;
    l->space.n_params = l->dim;
    l->space.params = l->param_ptrs;
    return DNNR_OK;
}

static int tf_create(const dnnr_loader_init *init, dnnr_loader **out)
{
    const dnnr_host *host = init->host;
    *out = NULL;
    dnnr_loader *l = host->alloc(host->ctx, 1, sizeof *l);
    if (l == NULL) {
        host->set_error(host->ctx, "out of memory");
        return DNNR_ENOMEM;
    }
    l->host = host;
    int rc = read_options(l);
    if (rc == DNNR_OK)
        rc = build_space(l);
    if (rc != DNNR_OK) {
        tf_destroy(l);
        return rc;
    }
    host->log(host->ctx, DNNR_LOG_DEBUG, "%s: %u parameters, f* = %.9g", l->fn->name,
              (unsigned)l->dim, l->fn->optimum);
    *out = l;
    return DNNR_OK;
}

static int tf_analytic(dnnr_loader *l, dnnr_analytic *out)
{
    out->space = &l->space;
    out->start = l->start;
    out->optimum = l->fn->optimum;
    if (l->fn->multifidelity) {
        out->fidelity_kind = DNNR_FIDELITY_BUDGET;
        out->min_fidelity = l->min_budget;
        out->max_fidelity = l->max_budget;
    } else {
        out->fidelity_kind = DNNR_FIDELITY_NONE;
        out->min_fidelity = 0.0;
        out->max_fidelity = 0.0;
    }
    return DNNR_OK;
}

/* The host hands over configurations from searchers; refuse one outside the
 * space rather than evaluate a function where it is undefined. */
static int check_config(const dnnr_loader *l, const dnnr_value *config)
{
    for (uint32_t i = 0; i < l->dim; i++) {
        const dnnr_param *p = &l->params[i];
        int ok;
        switch (p->kind) {
        case DNNR_PARAM_FLOAT:
            ok = config[i].f >= p->lo && config[i].f <= p->hi; /* false for NaN */
            break;
        case DNNR_PARAM_INTEGER:
            ok = (double)config[i].i >= p->lo && (double)config[i].i <= p->hi;
            break;
        case DNNR_PARAM_CATEGORICAL:
        default:
            ok = config[i].i >= 0 && config[i].i < (int64_t)p->n_choices;
            break;
        }
        if (!ok) {
            l->host->set_error(l->host->ctx, "%s: parameter %s is outside its domain", l->fn->name,
                               p->name);
            return DNNR_EINVAL;
        }
    }
    return DNNR_OK;
}

/* Map a request's fidelity to a budget in [min_budget, max_budget]. A budget
 * computed as max * eta^-k may land a rounding error outside: accept and clamp
 * that much. */
static int resolve_budget(const dnnr_loader *l, double fidelity, double *budget)
{
    const double slack = 1e-9;
    if (fidelity == 0.0) {
        *budget = l->max_budget;
        return DNNR_OK;
    }
    if (!(fidelity >= l->min_budget * (1.0 - slack) && fidelity <= l->max_budget * (1.0 + slack))) {
        l->host->set_error(l->host->ctx, "fidelity %g is outside the budget range [%g, %g]",
                           fidelity, l->min_budget, l->max_budget);
        return DNNR_EINVAL;
    }
    *budget = fmin(fmax(fidelity, l->min_budget), l->max_budget);
    return DNNR_OK;
}

/* Thread-safe: reads only the immutable instance; the noise stream is local. */
static int tf_evaluate(dnnr_loader *l, const dnnr_value *config, double fidelity, uint64_t rng_key,
                       double *out)
{
    int rc = check_config(l, config);
    if (rc != DNNR_OK)
        return rc;
    double distortion = 0.0, noise_scale = 0.0;
    if (l->fn->multifidelity) {
        double budget;
        rc = resolve_budget(l, fidelity, &budget);
        if (rc != DNNR_OK)
            return rc;
        distortion = tf_fidelity_distortion(budget, l->min_budget, l->max_budget);
        noise_scale = tf_fidelity_noise_scale(budget, l->min_budget, l->max_budget);
    } else if (fidelity != 0.0) {
        l->host->set_error(l->host->ctx, "%s has a single fidelity; got fidelity %g", l->fn->name,
                           fidelity);
        return DNNR_EINVAL;
    }
    double value = tf_function_value(l->fn, l->dim, config, distortion);
    if (l->noise > 0.0 || noise_scale > 0.0) {
        /* Always two draws in this order, so the observation noise of a key
         * does not depend on the budget. */
        dnnr_rng rng;
        dnnr_rng_init(&rng, rng_key);
        double z_fidelity = dnnr_rng_normal(&rng);
        double z_observation = dnnr_rng_normal(&rng);
        value += l->fidelity_noise * noise_scale * z_fidelity + l->noise * z_observation;
    }
    *out = value;
    return DNNR_OK;
}

static const dnnr_loader_iface testfunctions_iface = {
    .struct_size = sizeof(dnnr_loader_iface),
    .create = tf_create,
    .destroy = tf_destroy,
    .load = NULL,
    .analytic = tf_analytic,
    .evaluate = tf_evaluate,
};

DNNR_PLUGIN_DEFINE(testfunctions, DNNR_KIND_LOADER, "1.0.0",
                   "Analytic subjects: Branin, Hartmann, Rosenbrock, Ackley, mixed, multifidelity",
                   testfunctions_iface)
