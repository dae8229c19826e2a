/* focus: where the fault probably is.
 *
 * Three kinds of evidence per parameter, each in [0, 1], combined by a
 * noisy-OR (each is independent evidence that the start value is a fault):
 *   lint     the host's static suspicion (SDK 1.1 hints), x lint_weight
 *   dynamic  the faulty run's symptoms (AutoTrainer's detectors on trial 0's
 *            epoch records, a failed trial 0, a blocked output gradient),
 *            mapped to the roles that repair them, x dynamic_weight
 *   prior    the role's taxonomy prior (roles.c), x prior_scale
 * suspicion = 1 - (1 - lint)(1 - dynamic)(1 - prior). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../autotrainer/at.h"
#include "focus.h"

static const char *const symptom_names[FOCUS_N_SYMPTOMS] = {
    "vanishing_gradient", "exploding_gradient", "dying_relu",    "oscillating_loss",
    "slow_convergence",   "failed_start",       "output_blocked"};

const char *focus_symptom_name(focus_symptom s)
{
    return (unsigned)s < FOCUS_N_SYMPTOMS ? symptom_names[s] : "?";
}

/* Which roles repair which symptom, and how strongly: AutoTrainer's operator
 * lists (AUTOTRAINER.md 5.2) read as roles, plus the two symptoms it lacks. */
double focus_symptom_weight(focus_symptom s, focus_role r, int is_output)
{
    switch (s) {
    case FOCUS_SYM_VANISHING: /* selu, relu, bn: activations and initialisers */
        return r == FOCUS_ROLE_ACTIVATION    ? 0.6
               : r == FOCUS_ROLE_KERNEL_INIT ? 0.5
               : r == FOCUS_ROLE_LR          ? 0.4
               : r == FOCUS_ROLE_BIAS_INIT || r == FOCUS_ROLE_LAYERS || r == FOCUS_ROLE_OPTIMIZER
                   ? 0.2
                   : 0.0;
    case FOCUS_SYM_EXPLODING: /* gradient clipping, activations, learning rate */
        return r == FOCUS_ROLE_LR          ? 0.7
               : r == FOCUS_ROLE_KERNEL_INIT ? 0.4
               : r == FOCUS_ROLE_BATCH_SIZE || r == FOCUS_ROLE_ACTIVATION ||
                       r == FOCUS_ROLE_OPTIMIZER
                   ? 0.3
               : r == FOCUS_ROLE_LOSS ? 0.2
                                      : 0.0;
    case FOCUS_SYM_DYING: /* selu, leaky, initial, and a smaller step */
        return r == FOCUS_ROLE_ACTIVATION    ? 0.6
               : r == FOCUS_ROLE_LR          ? 0.4
               : r == FOCUS_ROLE_KERNEL_INIT ? 0.4
               : r == FOCUS_ROLE_BIAS_INIT   ? 0.3
                                             : 0.0;
    case FOCUS_SYM_OSCILLATING: /* adam, lr / 10, batch, momentum */
        return r == FOCUS_ROLE_LR           ? 0.7
               : r == FOCUS_ROLE_BATCH_SIZE || r == FOCUS_ROLE_OPTIMIZER ? 0.4
                                                                         : 0.0;
    case FOCUS_SYM_SLOW: /* optimizer, lr x 10, initial; and more epochs */
        return r == FOCUS_ROLE_LR          ? 0.6
               : r == FOCUS_ROLE_OPTIMIZER ? 0.5
               : r == FOCUS_ROLE_EPOCHS    ? 0.4
               : r == FOCUS_ROLE_BATCH_SIZE ? 0.3
               : r == FOCUS_ROLE_ACTIVATION || r == FOCUS_ROLE_KERNEL_INIT ? 0.2
                                                                           : 0.0;
    case FOCUS_SYM_FAILED: /* NaN loss or a model that does not build */
        return r == FOCUS_ROLE_LR          ? 0.6
               : r == FOCUS_ROLE_LOSS || r == FOCUS_ROLE_ACTIVATION ? 0.4
               : r == FOCUS_ROLE_OPTIMIZER ? 0.3
               : r == FOCUS_ROLE_KERNEL_INIT ? 0.2
                                             : 0.0;
    case FOCUS_SYM_OUTPUT_BLOCKED: /* nothing flows back from the output */
        if (r == FOCUS_ROLE_ACTIVATION)
            return is_output ? 0.8 : 0.3;
        return r == FOCUS_ROLE_LOSS ? 0.5
               : r == FOCUS_ROLE_KERNEL_INIT || r == FOCUS_ROLE_LR ? 0.2
                                                                   : 0.0;
    case FOCUS_N_SYMPTOMS:
        break;
    }
    return 0.0;
}

static void add(focus_symptoms *s, focus_symptom which) { s->present |= 1u << which; }

void focus_symptoms_detect(const dnnr_trial_result *res, dnnr_metric_kind kind,
                           focus_symptoms *out)
{
    *out = (focus_symptoms){0};
    if (!res)
        return;
    if (res->status != DNNR_TRIAL_OK || !isfinite(res->objective)) {
        add(out, FOCUS_SYM_FAILED);
        if (res->status == DNNR_TRIAL_DIVERGED)
            add(out, FOCUS_SYM_EXPLODING); /* a NaN loss is AutoTrainer's EG */
    }
    uint32_t n = res->n_epochs;
    if (n == 0 || !res->epochs || kind == DNNR_METRIC_ANALYTIC)
        return;
    at_params p;
    at_params_default(&p);
    p.epochs = n;
    p.regression = kind == DNNR_METRIC_LOSS;
    at_features f;
    uint32_t at = 0;
    switch (at_scan(&p, res->epochs, n, &at, &f)) {
    case AT_VG:
        add(out, FOCUS_SYM_VANISHING);
        break;
    case AT_EG:
        add(out, FOCUS_SYM_EXPLODING);
        break;
    case AT_DR:
        add(out, FOCUS_SYM_DYING);
        break;
    case AT_OL:
        add(out, FOCUS_SYM_OSCILLATING);
        break;
    case AT_SC:
        add(out, FOCUS_SYM_SLOW);
        break;
    case AT_NONE:
    case AT_N_PROBLEMS:
        break;
    }
    out->at_epoch = at;
    /* The last kernel's gradient entirely zero at the last checked epoch: the
     * loss sends nothing back (softmax over one unit, a saturated output),
     * so the fault sits at the output, whatever the hidden layers do. */
    for (uint32_t e = n; e-- > 0;) {
        const dnnr_epoch_record *r = res->epochs[e];
        if (!r || !r->checked || r->grad_nonfinite)
            continue;
        double last = r->grad_norm_last;
        double zero = r->n_layers && r->layer_zero_fraction
                          ? r->layer_zero_fraction[r->n_layers - 1]
                          : NAN;
        if (last == 0.0 || zero >= 0.999) {
            add(out, FOCUS_SYM_OUTPUT_BLOCKED);
            /* Gradients everywhere are zero or tiny because none leaves the
             * output: the hidden layers' dying or vanishing gradients are
             * explained away rather than blamed on them. */
            out->present &= ~((1u << FOCUS_SYM_DYING) | (1u << FOCUS_SYM_VANISHING));
        }
        break;
    }
}

/* Trailing number of a name (act3 -> 3), -1 if none. */
static long trailing_number(const char *name)
{
    size_t n = strlen(name), i = n;
    while (i > 0 && name[i - 1] >= '0' && name[i - 1] <= '9')
        i--;
    return i < n ? strtol(name + i, NULL, 10) : -1;
}

/* Choices that all read as numbers, strictly increasing: an ordered scale
 * (batch sizes, epochs, units written as strings). */
static double *ordinal_values(const dnnr_host *h, const dnnr_param *p)
{
    if (p->kind != DNNR_PARAM_CATEGORICAL || p->n_choices < 2)
        return NULL;
    double *v = h->alloc(h->ctx, p->n_choices, sizeof *v);
    if (!v)
        return NULL;
    for (uint32_t c = 0; c < p->n_choices; c++) {
        char *end = NULL;
        v[c] = strtod(p->choices[c], &end);
        if (!end || end == p->choices[c] || *end || !isfinite(v[c]) || (c && v[c] <= v[c - 1])) {
            h->free(h->ctx, v);
            return NULL;
        }
    }
    return v;
}

int focus_params_init(const dnnr_host *h, const dnnr_space *space, const dnnr_param_hint *const *hints,
                      const focus_options *o, focus_param *params)
{
    uint32_t d = space->n_params;
    long best_act = -2;
    uint32_t n_act = 0, out_act = 0;
    for (uint32_t i = 0; i < d; i++) {
        const dnnr_param *p = space->params[i];
        focus_param *fp = &params[i];
        *fp = (focus_param){0};
        const dnnr_param_hint *hint = hints ? hints[i] : NULL;
        focus_role by_name = focus_role_from_name(p->name);
        fp->role = by_name;
        if (hint && hint->role) {
            fp->role = focus_role_parse(hint->role);
            /* A role this version does not know (from a newer lint) yields
             * to the name; the lint's own "other" (fields of different
             * kinds) is kept. */
            if (fp->role == FOCUS_ROLE_OTHER && strcmp(hint->role, "other") != 0)
                fp->role = by_name;
        }
        if (hint && isfinite(hint->suspicion))
            fp->lint = hint->suspicion < 0 ? 0 : hint->suspicion > 1 ? 1 : hint->suspicion;
        if (hint && hint->reasons && hint->reasons[0])
            focus_fmt(fp->reasons, sizeof fp->reasons, "%s", hint->reasons);
        fp->prior = o->role_prior[fp->role];
        fp->ord_value = NULL;
        if (p->kind == DNNR_PARAM_CATEGORICAL) {
            fp->ord_value = ordinal_values(h, p);
            fp->ordinal = fp->ord_value != NULL;
        } else if (p->lo > 0 && p->hi > p->lo) {
            fp->log_like = p->log || (p->kind == DNNR_PARAM_FLOAT &&
                                      (fp->role == FOCUS_ROLE_LR || p->hi / p->lo >= 1e3));
        }
        if (fp->role == FOCUS_ROLE_ACTIVATION) {
            long k = trailing_number(p->name);
            n_act++;
            if (k >= best_act) {
                best_act = k;
                out_act = i;
            }
        }
    }
    /* The highest-numbered of several activations is the output layer's;
     * a lone one is ambiguous and stays a hidden one. */
    if (n_act >= 2)
        params[out_act].is_output = 1;
    focus_suspicion_update(space, o, NULL, params);
    return DNNR_OK;
}

void focus_params_free(const dnnr_host *h, const dnnr_space *space, focus_param *params)
{
    if (!params)
        return;
    for (uint32_t i = 0; i < space->n_params; i++) {
        h->free(h->ctx, params[i].ord_value);
        params[i].ord_value = NULL;
    }
}

static double clamp01(double v) { return v < 0 ? 0 : v > 1 ? 1 : v; }

void focus_suspicion_update(const dnnr_space *space, const focus_options *o,
                            const focus_symptoms *sym, focus_param *params)
{
    for (uint32_t i = 0; i < space->n_params; i++) {
        focus_param *fp = &params[i];
        double keep = 1.0;
        int up = 0, down = 0;
        if (sym)
            for (int s = 0; s < FOCUS_N_SYMPTOMS; s++) {
                if (!(sym->present & (1u << s)))
                    continue;
                keep *= 1.0 - focus_symptom_weight((focus_symptom)s, fp->role, fp->is_output);
                up |= s == FOCUS_SYM_SLOW || s == FOCUS_SYM_VANISHING;
                down |= s == FOCUS_SYM_EXPLODING || s == FOCUS_SYM_OSCILLATING ||
                        s == FOCUS_SYM_FAILED;
            }
        fp->dynamic = clamp01(o->dynamic_weight * (1.0 - keep));
        /* a smaller step is the safe first try when anything blows up */
        fp->lr_direction = down ? -1 : up ? 1 : 0;
        if (fp->role == FOCUS_ROLE_UNUSED) {
            fp->suspicion = 0.0;
            continue;
        }
        double l = clamp01(o->lint_weight * fp->lint), pr = clamp01(o->prior_scale * fp->prior);
        fp->suspicion = 1.0 - (1.0 - l) * (1.0 - fp->dynamic) * (1.0 - pr);
    }
}

void focus_rank(const dnnr_space *space, const focus_param *params, uint32_t *order)
{
    uint32_t d = space->n_params;
    for (uint32_t i = 0; i < d; i++)
        order[i] = i;
    /* insertion sort: stable, d is small */
    for (uint32_t i = 1; i < d; i++) {
        uint32_t v = order[i], j = i;
        while (j > 0 && params[order[j - 1]].suspicion < params[v].suspicion) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = v;
    }
}
