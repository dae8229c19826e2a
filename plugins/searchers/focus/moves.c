/* focus: single changes of one parameter.
 *
 * A developer's fix changes one or two hyperparameters, so the search tries
 * the alternatives of the most suspect parameters one at a time:
 *   - categoricals: alternative values in a prior order per role (output
 *     activation by task, losses compatible with the task first, common
 *     optimisers and initialisers first), nearest indices for unknown roles;
 *     numeric-valued categoricals (batch sizes, epochs, units) step to their
 *     neighbours on the ordered scale;
 *   - log-like numbers (the learning rate even when declared linear, log
 *     parameters, wide positive ranges): x10, /10, x100, /100, x3, /3,
 *     clamped to the bounds; when the symptoms favour a direction, its
 *     x10 and x100 come first;
 *   - other floats: +-10 % and +-25 % of the range; integers: +-1, +-2.
 * A move's priority is the parameter's suspicion times decay^k for its k-th
 * alternative, so the best guesses of several suspects interleave before
 * the long tail of the most suspect one. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "focus.h"

static const char *const act_output_cls[] = {"sigmoid", "softmax", "linear", "tanh",
                                             "hard_sigmoid", "relu", NULL};
static const char *const act_output_reg[] = {"linear", "relu", "softplus", "elu", "selu",
                                             "tanh", "sigmoid", NULL};
static const char *const act_hidden[] = {"relu", "tanh", "elu", "selu", "sigmoid", "softplus",
                                         "softsign", "linear", "hard_sigmoid", NULL};
static const char *const loss_cls[] = {"binary_crossentropy", "categorical_crossentropy",
                                       "sparse_categorical_crossentropy", "hinge",
                                       "squared_hinge", "categorical_hinge",
                                       "kullback_leibler_divergence", "mean_squared_error", NULL};
static const char *const loss_reg[] = {"mean_squared_error", "mean_absolute_error", "logcosh",
                                       "mean_squared_logarithmic_error",
                                       "mean_absolute_percentage_error", "poisson", NULL};
static const char *const optimizers[] = {"adam", "rmsprop", "sgd", "nadam", "adamax",
                                         "adagrad", "adadelta", NULL};
static const char *const kernel_inits[] = {"he_uniform", "glorot_uniform", "he_normal",
                                           "glorot_normal", "lecun_normal", "lecun_uniform",
                                           "truncated_normal", "orthogonal", "random_normal",
                                           "random_uniform", NULL};
static const char *const bias_inits[] = {"zeros", "constant", "random_normal", "random_uniform",
                                         "truncated_normal", NULL};
/* Choices that are rarely right and come last whatever their index. */
static const char *const act_last[] = {"softmax", "exponential", NULL};
static const char *const init_last[] = {"zeros", "ones", "constant", NULL};

static int in_list(const char *const *list, const char *s)
{
    for (; list && *list; list++)
        if (!strcmp(*list, s))
            return 1;
    return 0;
}

static const char *const *prior_list(const focus_param *fp, dnnr_metric_kind kind,
                                     const char *const **last)
{
    int regression = kind == DNNR_METRIC_LOSS;
    *last = NULL;
    switch (fp->role) {
    case FOCUS_ROLE_ACTIVATION:
        if (fp->is_output)
            return regression ? act_output_reg : act_output_cls;
        *last = act_last;
        return act_hidden;
    case FOCUS_ROLE_LOSS:
        *last = regression ? loss_cls : loss_reg; /* the other task's losses */
        return regression ? loss_reg : loss_cls;
    case FOCUS_ROLE_OPTIMIZER:
        return optimizers;
    case FOCUS_ROLE_KERNEL_INIT:
        *last = init_last;
        return kernel_inits;
    case FOCUS_ROLE_BIAS_INIT:
        return bias_inits;
    default:
        return NULL;
    }
}

static int already(const focus_move *out, size_t n, const dnnr_param *p, dnnr_value v)
{
    for (size_t k = 0; k < n; k++)
        if (p->kind == DNNR_PARAM_FLOAT ? out[k].value.f == v.f : out[k].value.i == v.i)
            return 1;
    return 0;
}

static size_t push(focus_move *out, size_t n, size_t max, const dnnr_param *p, dnnr_value start,
                   dnnr_value v, int direction, double magnitude)
{
    if (n >= max)
        return n;
    if (p->kind == DNNR_PARAM_FLOAT ? v.f == start.f : v.i == start.i)
        return n;
    if (already(out, n, p, v))
        return n;
    out[n] = (focus_move){.value = v, .rank = (uint32_t)n, .direction = direction,
                          .magnitude = magnitude};
    return n + 1;
}

/* Unordered categoricals: the role's prior list, then the remaining choices
 * nearest index first, then the "last" list. */
static size_t categorical(const dnnr_param *p, const focus_param *fp, dnnr_metric_kind kind,
                          dnnr_value start, focus_move *out, size_t max)
{
    const char *const *last = NULL;
    const char *const *list = prior_list(fp, kind, &last);
    size_t n = 0;
    for (const char *const *c = list; c && *c; c++)
        for (uint32_t k = 0; k < p->n_choices; k++)
            if (!strcmp(p->choices[k], *c) && !in_list(last, *c))
                n = push(out, n, max, p, start, (dnnr_value){.i = k}, 0, 1);
    for (int pass = 0; pass < 2; pass++)
        for (int64_t off = 1; off < (int64_t)p->n_choices; off++)
            for (int sign = 1; sign >= -1; sign -= 2) {
                int64_t k = start.i + sign * off;
                if (k < 0 || k >= (int64_t)p->n_choices)
                    continue;
                if (in_list(last, p->choices[k]) != pass)
                    continue;
                n = push(out, n, max, p, start, (dnnr_value){.i = k}, 0, 1);
            }
    return n;
}

/* Which way a number is tried first. */
static int preferred_direction(const focus_param *fp)
{
    switch (fp->role) {
    case FOCUS_ROLE_LR:
        return fp->lr_direction ? fp->lr_direction : -1;
    case FOCUS_ROLE_BATCH_SIZE:
    case FOCUS_ROLE_RATE:
    case FOCUS_ROLE_REGULARIZER:
        return -1;
    default:
        return 1;
    }
}

static size_t ordinal(const dnnr_param *p, const focus_param *fp, dnnr_value start,
                      focus_move *out, size_t max)
{
    int dir = preferred_direction(fp);
    size_t n = 0;
    for (int64_t off = 1; off < (int64_t)p->n_choices; off++)
        for (int s = 0; s < 2; s++) {
            int sign = s == 0 ? dir : -dir;
            int64_t k = start.i + sign * off;
            if (k >= 0 && k < (int64_t)p->n_choices)
                n = push(out, n, max, p, start, (dnnr_value){.i = k}, sign, (double)off);
        }
    return n;
}

static dnnr_value number(const dnnr_param *p, double v)
{
    v = v < p->lo ? p->lo : v > p->hi ? p->hi : v;
    if (p->kind == DNNR_PARAM_INTEGER)
        return (dnnr_value){.i = (int64_t)llround(v)};
    return (dnnr_value){.f = v};
}

static size_t numeric(const dnnr_param *p, const focus_param *fp, dnnr_value start,
                      focus_move *out, size_t max)
{
    int dir = preferred_direction(fp);
    double x = p->kind == DNNR_PARAM_FLOAT ? start.f : (double)start.i;
    size_t n = 0;
    if (fp->log_like && x > 0) {
        /* (factor, 1 = the preferred direction / -1 = the other). With no
         * symptom to go by, the two directions alternate; when one points
         * the way (a learning rate too small for slow convergence), both of
         * its steps come before the other direction, as AutoTrainer's x10
         * tries do. */
        static const struct { double f; int same; } alternate[] = {
            {10, 1}, {10, -1}, {100, 1}, {100, -1}, {3, 1}, {3, -1}};
        static const struct { double f; int same; } directed[] = {
            {10, 1}, {100, 1}, {10, -1}, {3, 1}, {100, -1}, {3, -1}};
        int has_dir = fp->role == FOCUS_ROLE_LR && fp->lr_direction != 0;
        for (size_t k = 0; k < 6; k++) {
            double f = has_dir ? directed[k].f : alternate[k].f;
            int sign = (has_dir ? directed[k].same : alternate[k].same) * dir;
            double v = sign > 0 ? x * f : x / f;
            n = push(out, n, max, p, start, number(p, v), sign, f);
        }
        return n;
    }
    double range = p->hi - p->lo;
    if (p->kind == DNNR_PARAM_INTEGER) {
        double steps[] = {1, 2, floor(0.25 * range)};
        for (size_t f = 0; f < 3; f++)
            for (int s = 0; s < 2 && steps[f] >= 1; s++) {
                int sign = s == 0 ? dir : -dir;
                n = push(out, n, max, p, start, number(p, x + sign * steps[f]), sign,
                         steps[f] / (range > 0 ? range : 1));
            }
        return n;
    }
    static const double shares[] = {0.1, 0.25};
    for (size_t f = 0; f < 2; f++)
        for (int s = 0; s < 2; s++) {
            int sign = s == 0 ? dir : -dir;
            n = push(out, n, max, p, start, number(p, x + sign * shares[f] * range), sign,
                     shares[f]);
        }
    return n;
}

size_t focus_alternatives(const dnnr_param *p, const focus_param *info, dnnr_metric_kind kind,
                          dnnr_value start, focus_move *out, size_t max)
{
    if (max == 0)
        return 0;
    if (p->kind == DNNR_PARAM_CATEGORICAL)
        return info->ordinal ? ordinal(p, info, start, out, max)
                             : categorical(p, info, kind, start, out, max);
    if (!(p->hi > p->lo))
        return 0;
    return numeric(p, info, start, out, max);
}

static int by_priority(const void *a, const void *b)
{
    const focus_move *x = a, *y = b;
    if (x->priority != y->priority)
        return x->priority > y->priority ? -1 : 1;
    if (x->param != y->param)
        return x->param < y->param ? -1 : 1;
    return (x->rank > y->rank) - (x->rank < y->rank);
}

int focus_singles(const dnnr_host *h, const dnnr_space *space, const focus_param *params,
                  const focus_options *o, dnnr_metric_kind kind, const dnnr_value *start,
                  focus_move **out, size_t *n_out)
{
    size_t per = o->moves_per_param > 0 ? (size_t)o->moves_per_param : 0;
    size_t cap = (size_t)space->n_params * per + 1;
    focus_move *m = h->alloc(h->ctx, cap, sizeof *m);
    if (!m)
        return DNNR_ENOMEM;
    size_t n = 0;
    for (uint32_t i = 0; i < space->n_params; i++) {
        if (!(params[i].suspicion > 0))
            continue; /* unused parameters change nothing */
        size_t k = focus_alternatives(space->params[i], &params[i], kind, start[i], m + n, per);
        for (size_t j = 0; j < k; j++) {
            m[n + j].param = i;
            m[n + j].priority = params[i].suspicion * pow(o->move_decay, (double)j);
        }
        n += k;
    }
    qsort(m, n, sizeof *m, by_priority);
    *out = m;
    *n_out = n;
    return DNNR_OK;
}

static void value_text(const dnnr_param *p, dnnr_value v, char *buf, size_t len)
{
    if (p->kind == DNNR_PARAM_CATEGORICAL)
        focus_fmt(buf, len, "%s",
                 v.i >= 0 && (uint64_t)v.i < p->n_choices ? p->choices[v.i] : "?");
    else if (p->kind == DNNR_PARAM_INTEGER)
        focus_fmt(buf, len, "%lld", (long long)v.i);
    else
        focus_fmt(buf, len, "%.6g", v.f);
}

void focus_move_text(const dnnr_param *p, dnnr_value from, dnnr_value to, char *buf, size_t len)
{
    char a[64], b[64];
    value_text(p, from, a, sizeof a);
    value_text(p, to, b, sizeof b);
    focus_fmt(buf, len, "%s: %s->%s", p->name, a, b);
}
