/* autotrainer: the plugin's options (README.md lists them with their
 * defaults). Every option is read in create(), so the host reports typos. */
#include <string.h>

#include "at.h"

typedef struct float_opt {
    const char *key;
    size_t offset;
    int positive; /* must be > 0 */
} float_opt;

#define F(name, pos) {#name, offsetof(at_params, name), pos}

static const float_opt floats[] = {
    F(beta1, 1),     F(beta2, 1),    F(beta3, 1),     F(gamma, 1),       F(zeta, 1),
    F(eta, 1),       F(delta, 1),    F(theta, 0),     F(judgment, 0),    F(nan_loss_limit, 1),
    F(reg_delta, 1), F(reg_zeta, 1), F(reg_diverge, 1), F(reg_target, 0),
};

static int pick(const dnnr_host *h, const char *key, const char *dflt, const char *const *names,
                int n, int *out)
{
    const char *v;
    int rc = h->option_string(h->ctx, key, dflt, &v);
    if (rc)
        return rc;
    for (int i = 0; i < n; i++)
        if (!strcmp(v, names[i])) {
            *out = i;
            return DNNR_OK;
        }
    h->set_error(h->ctx, "option '%s': unknown value '%s'", key, v);
    return DNNR_EINVAL;
}

int at_options_read(const dnnr_host *h, at_options *o)
{
    *o = (at_options){0};
    at_params_default(&o->params);
    for (size_t i = 0; i < sizeof floats / sizeof floats[0]; i++) {
        double *slot = (double *)((char *)&o->params + floats[i].offset);
        int rc = h->option_float(h->ctx, floats[i].key, *slot, slot);
        if (rc)
            return rc;
        if (!(*slot >= 0) || (floats[i].positive && *slot == 0)) {
            h->set_error(h->ctx, "option '%s' must be %s; got %g", floats[i].key,
                         floats[i].positive ? "> 0" : ">= 0", *slot);
            return DNNR_EINVAL;
        }
    }
    int64_t g, T, eg_lr_steps;
    int rc = h->option_int(h->ctx, "g", 3, &g);
    rc = rc ? rc : h->option_int(h->ctx, "T", 1, &T);
    rc = rc ? rc : h->option_int(h->ctx, "max_rounds", 10, &o->max_rounds);
    rc = rc ? rc : h->option_int(h->ctx, "max_runs", 0, &o->max_runs);
    rc = rc ? rc : h->option_bool(h->ctx, "faithful", 1, &o->faithful);
    rc = rc ? rc : h->option_bool(h->ctx, "regression", 0, &o->regression);
    rc = rc ? rc : h->option_int(h->ctx, "eg_lr_steps", 0, &eg_lr_steps);
    if (rc)
        return rc;
    /* Six tenfold steps already span a factor of 10^6, the widest lr range
     * a subject's space holds (1e-6 .. 10). */
    if (eg_lr_steps < 0 || eg_lr_steps > 6) {
        h->set_error(h->ctx, "option 'eg_lr_steps' must be in [0, 6]; got %lld",
                     (long long)eg_lr_steps);
        return DNNR_EINVAL;
    }
    o->eg_lr_steps = (uint32_t)eg_lr_steps;
    if (g < 1 || g > 1000 || T < 1 || T > 1000000 || o->max_rounds < 1 || o->max_runs < 0) {
        h->set_error(h->ctx, "options: g in [1, 1000], T >= 1, max_rounds >= 1 and max_runs >= 0 "
                             "(0 = unlimited)");
        return DNNR_EINVAL;
    }
    o->params.g = (uint32_t)g;
    o->params.T = (uint32_t)T;
    static const char *const rules[] = {"code", "paper"};
    static const char *const orders[] = {"balance", "structure", "efficiency", "paper"};
    int r, s, sched;
    rc = pick(h, "rules", "code", rules, 2, &r);
    rc = rc ? rc : pick(h, "order", "balance", orders, 4, &s);
    rc = rc ? rc : pick(h, "scheduling", "code", rules, 2, &sched);
    if (rc)
        return rc;
    o->params.paper_rules = (uint32_t)r;
    o->strategy = (at_strategy)s;
    o->paper_scheduling = sched;
    return DNNR_OK;
}
