/* autotrainer: the repair operators as changes of a configuration (§5.1).
 *
 * AutoTrainer edits a Keras model and its training dictionary. Here a repair
 * changes the values of the subject's search space:
 *   hidden activations  = act<k> for every k below the highest (the output)
 *   hidden initialisers = ki<k> / bi<k> likewise
 *   optimiser, lr, batch size = the `optimizer`, `lr`, `batch_size` parameters,
 * and, through the SDK 1.2 trial extras, what the space cannot say: batch
 * normalisation, gradient clipping, SGD momentum, ReduceLROnPlateau and
 * GaussianNoise. Activations missing from the vocabulary stay "not
 * applicable": the operator is skipped without a retraining.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "at.h"

const char *at_op_name(at_op op)
{
    static const char *const names[] = {"selu",     "relu",     "tanh",      "leaky",   "bn",
                                        "gradient", "initial",  "batch",     "lr",      "ReduceLR",
                                        "adam",     "momentum", "optimizer", "GN",      "lr_down"};
    return (unsigned)op < AT_N_OPS ? names[op] : "?";
}

int at_param_index(const dnnr_space *s, const char *name)
{
    for (uint32_t i = 0; i < s->n_params; i++)
        if (!strcmp(s->params[i]->name, name))
            return (int)i;
    return -1;
}

int at_choice_index(const dnnr_param *p, const char *choice)
{
    if (p->kind != DNNR_PARAM_CATEGORICAL)
        return -1;
    for (uint32_t c = 0; c < p->n_choices; c++)
        if (!strcmp(p->choices[c], choice))
            return (int)c;
    return -1;
}

/* k when name is <prefix><k> with k a positive decimal, else 0. */
static int suffix_of(const char *name, const char *prefix)
{
    size_t n = strlen(prefix);
    if (strncmp(name, prefix, n) || name[n] < '1' || name[n] > '9')
        return 0;
    char *end;
    long k = strtol(name + n, &end, 10);
    return *end == '\0' && k > 0 && k < 1000 ? (int)k : 0;
}

int at_highest_suffix(const dnnr_space *s, const char *prefix)
{
    int hi = 0;
    for (uint32_t i = 0; i < s->n_params; i++) {
        int k = suffix_of(s->params[i]->name, prefix);
        hi = k > hi ? k : hi;
    }
    return hi;
}

/* A categorical's choice read as a number, or an integer's value. */
static double numeric_value(const dnnr_param *p, dnnr_value v)
{
    if (p->kind == DNNR_PARAM_CATEGORICAL)
        return v.i >= 0 && (uint32_t)v.i < p->n_choices ? atof(p->choices[v.i]) : 0;
    return p->kind == DNNR_PARAM_INTEGER ? (double)v.i : v.f;
}

uint32_t at_config_epochs(const dnnr_space *s, const dnnr_value *config)
{
    int i = at_param_index(s, "epochs");
    if (i < 0)
        return 0;
    double e = numeric_value(s->params[i], config[i]);
    return e >= 1 && e < 1e9 ? (uint32_t)e : 0;
}

/* Set every hidden <prefix><k> (k below the highest) to @p choice. Returns
 * the number changed, or -1 when one of them lacks the choice. */
static int set_hidden(const dnnr_space *s, dnnr_value *config, const char *prefix,
                      const char *choice)
{
    int hi = at_highest_suffix(s, prefix), changed = 0;
    for (uint32_t i = 0; i < s->n_params; i++) {
        int k = suffix_of(s->params[i]->name, prefix);
        if (k == 0 || k == hi)
            continue;
        int c = at_choice_index(s->params[i], choice);
        if (c < 0)
            return -1;
        config[i].i = c;
        changed++;
    }
    return changed;
}

static int n_hidden(const dnnr_space *s, const char *prefix)
{
    int hi = at_highest_suffix(s, prefix), n = 0;
    for (uint32_t i = 0; i < s->n_params; i++) {
        int k = suffix_of(s->params[i]->name, prefix);
        n += k != 0 && k != hi;
    }
    return n;
}

static void na(at_op_out *out, at_apply how, const char *why)
{
    out->outcome = how;
    snprintf(out->what, sizeof out->what, "%s", why);
}

/* selu / relu / tanh (§5.1): hidden activations and initialiser settings.
 * The initialisers only matter for re-created layers (a NaN seed). */
static void activation_op(const at_op_ctx *c, dnnr_value *config, const char *act,
                          const char *kinit, const char *binit, at_op_out *out)
{
    if (n_hidden(c->space, "act") == 0) {
        if (c->faithful) {
            out->unchanged = 1;
            snprintf(out->what, sizeof out->what,
                     "no hidden activation: retrains unchanged (as the original)");
        } else
            na(out, AT_NA_OPERATOR, "no hidden activation parameter");
        return;
    }
    if (set_hidden(c->space, config, "act", act) < 0) {
        char why[128];
        snprintf(why, sizeof why, "'%s' not in the vocabulary", act);
        na(out, AT_NA_OPERATOR, why);
        return;
    }
    /* Missing initialiser choices leave those settings as they were. */
    int k = set_hidden(c->space, config, "ki", kinit);
    int b = set_hidden(c->space, config, "bi", binit);
    snprintf(out->what, sizeof out->what, "hidden act->%s, ki->%s%s, bi->%s%s", act, kinit,
             k < 0 ? " (absent)" : "", binit, b < 0 ? " (absent)" : "");
}

static void leaky_op(const at_op_ctx *c, uint32_t j, dnnr_value *config, at_op_out *out)
{
    /* LeakyReLU(0.3), ELU(1.0), ThresholdedReLU(1.0): only ELU is in the
     * study's vocabulary ("elu"); a vocabulary that has the others is used. */
    static const char *const acts[3][3] = {{"leaky_relu", "LeakyReLU", "leakyrelu"},
                                           {"elu", "ELU", "elu"},
                                           {"thresholded_relu", "ThresholdedReLU",
                                            "thresholdedrelu"}};
    if (j > 2) {
        na(out, AT_NA_OPERATOR, "only three advanced activations");
        return;
    }
    int idx = at_param_index(c->space, "act1");
    const char *act = NULL;
    for (int v = 0; v < 3 && idx >= 0; v++)
        if (at_choice_index(c->space->params[idx], acts[j][v]) >= 0) {
            act = acts[j][v];
            break;
        }
    if (!act || n_hidden(c->space, "act") == 0 || set_hidden(c->space, config, "act", act) < 0) {
        char why[128];
        snprintf(why, sizeof why, "'%s' not in the vocabulary", acts[j][1]);
        na(out, AT_NA_TRY, why);
        return;
    }
    snprintf(out->what, sizeof out->what, "hidden act->%s", act);
    if (c->faithful) { /* the original's loop also sets the output layer to linear */
        char out_name[16];
        snprintf(out_name, sizeof out_name, "act%d", at_highest_suffix(c->space, "act"));
        int o = at_param_index(c->space, out_name);
        int lin = o >= 0 ? at_choice_index(c->space->params[o], "linear") : -1;
        if (lin >= 0) {
            config[o].i = lin;
            strncat(out->what, "; output act->linear (the original's defect)",
                    sizeof out->what - strlen(out->what) - 1);
        }
    }
}

static const char *const init_pool[6] = {"he_uniform",     "lecun_uniform", "glorot_normal",
                                         "glorot_uniform", "he_normal",     "lecun_normal"};

static void initial_op(const at_op_ctx *c, dnnr_value *config, at_op_out *out)
{
    const char *k = init_pool[dnnr_rng_below(c->rng, 6)];
    const char *b = init_pool[dnnr_rng_below(c->rng, 6)];
    if (n_hidden(c->space, "ki") + n_hidden(c->space, "bi") == 0) {
        if (c->faithful) {
            out->unchanged = 1;
            snprintf(out->what, sizeof out->what,
                     "no hidden initialiser: retrains unchanged (as the original)");
        } else
            na(out, AT_NA_OPERATOR, "no hidden initialiser parameter");
        return;
    }
    int nk = set_hidden(c->space, config, "ki", k);
    int nb = set_hidden(c->space, config, "bi", b);
    out->reinit = !c->faithful;
    snprintf(out->what, sizeof out->what, "hidden ki->%s%s, bi->%s%s; %s", k,
             nk < 0 ? " (absent)" : "", b, nb < 0 ? " (absent)" : "",
             c->faithful ? "weights kept (the original's no-op)" : "re-initialised");
}

static void batch_op(const at_op_ctx *c, uint32_t j, dnnr_value *config, at_op_out *out)
{
    int i = at_param_index(c->space, "batch_size");
    if (i < 0 || j > 3) {
        na(out, AT_NA_OPERATOR, i < 0 ? "no batch_size parameter" : "only four batch sizes");
        return;
    }
    const dnnr_param *p = c->space->params[i];
    long target = 32L << j;
    if ((long)numeric_value(p, config[i]) == target) { /* abandons the remaining tries */
        na(out, AT_NA_OPERATOR, "batch size already this value");
        return;
    }
    char t[24];
    snprintf(t, sizeof t, "%ld", target);
    if (p->kind == DNNR_PARAM_CATEGORICAL) {
        int ch = at_choice_index(p, t);
        if (ch < 0) {
            na(out, AT_NA_TRY, "batch size not a choice");
            return;
        }
        config[i].i = ch;
    } else if (p->kind == DNNR_PARAM_INTEGER && target >= p->lo && target <= p->hi) {
        config[i].i = target;
    } else {
        na(out, AT_NA_TRY, "batch size out of range");
        return;
    }
    snprintf(out->what, sizeof out->what, "batch_size->%ld", target);
}

/* The optimiser's name in the configuration ("" when absent). */
static const char *optimizer_name(const dnnr_space *s, const dnnr_value *config)
{
    int i = at_param_index(s, "optimizer");
    if (i < 0 || s->params[i]->kind != DNNR_PARAM_CATEGORICAL)
        return "";
    return s->params[i]->choices[config[i].i];
}

static int set_lr(const dnnr_space *s, dnnr_value *config, double lr)
{
    int i = at_param_index(s, "lr");
    if (i < 0 || s->params[i]->kind != DNNR_PARAM_FLOAT || lr < s->params[i]->lo ||
        lr > s->params[i]->hi)
        return -1;
    config[i].f = lr;
    return 0;
}

static void lr_op(const at_op_ctx *c, uint32_t j, dnnr_value *config, at_op_out *out)
{
    int i = at_param_index(c->space, "lr");
    if (i < 0 || c->space->params[i]->kind != DNNR_PARAM_FLOAT || j > 2) {
        na(out, AT_NA_OPERATOR, i < 0 ? "no lr parameter" : "only three lr steps");
        return;
    }
    double base = strcmp(optimizer_name(c->space, config), "sgd") ? 0.001 : 0.01;
    double target = base * pow(10, c->problem == AT_SC ? (double)j : -(double)j);
    /* The original compares its float32 lr with a double: equality almost
     * never holds, so try 0 usually re-runs at the original lr. */
    if ((double)(float)config[i].f == target) {
        na(out, AT_NA_OPERATOR, "lr already this value");
        return;
    }
    if (set_lr(c->space, config, target) < 0) {
        na(out, AT_NA_TRY, "lr out of range");
        return;
    }
    snprintf(out->what, sizeof out->what, "lr->%g (base %g %s10^%u)", target, base,
             c->problem == AT_SC ? "x" : "/", j);
}

/* A new optimiser object with Keras defaults: the old one's clipvalue and
 * momentum go with it (the original builds e.g. Adam() afresh). */
static int set_optimizer(const dnnr_space *s, dnnr_value *config, dnnr_trial_extras *x,
                         const char *name, double lr)
{
    int i = at_param_index(s, "optimizer");
    int ch = i >= 0 ? at_choice_index(s->params[i], name) : -1;
    if (ch < 0)
        return -1;
    config[i].i = ch;
    set_lr(s, config, lr); /* an lr outside the space keeps the old one */
    x->clipvalue = 0;
    x->momentum = 0;
    return 0;
}

/* A uniform draw in [lo, hi] rounded to 2 decimals, as the original's round(.., 2). */
static double draw2(dnnr_rng *rng, double lo, double hi)
{
    return round((lo + (hi - lo) * dnnr_rng_uniform(rng)) * 100) / 100;
}

/* bn (S1): BatchNormalization after every hidden dense/conv layer's output. */
static void bn_op(const at_op_ctx *c, dnnr_trial_extras *x, at_op_out *out)
{
    if (!c->extras) {
        na(out, AT_NA_OPERATOR, "not expressible: batch norm (host SDK < 1.2)");
        return;
    }
    if (x->batchnorm == DNNR_BN_AFTER_HIDDEN) { /* "unless one already follows" */
        out->unchanged = 1;
        snprintf(out->what, sizeof out->what, "batch norm already after the hidden layers: "
                                              "retrains unchanged (as the original)");
        return;
    }
    x->batchnorm = DNNR_BN_AFTER_HIDDEN;
    snprintf(out->what, sizeof out->what,
             "+BatchNormalization after each hidden dense/conv output (fresh)");
}

/* gradient (S3): same optimiser plus clipvalue c ~ U[9, 10]. */
static void gradient_op(const at_op_ctx *c, dnnr_trial_extras *x, at_op_out *out)
{
    double v = draw2(c->rng, 9, 10);
    if (!c->extras) {
        na(out, AT_NA_OPERATOR, "not expressible: clipvalue (host SDK < 1.2)");
        return;
    }
    if (x->clipvalue > 0) {
        na(out, AT_NA_OPERATOR, "the optimiser already clips");
        return;
    }
    x->clipvalue = v;
    snprintf(out->what, sizeof out->what, "clipvalue->%.2f", v);
}

/* momentum (S7): SGD(lr 0.01, momentum m ~ U[0.01, 0.9]). */
static void momentum_op(const at_op_ctx *c, dnnr_value *config, dnnr_trial_extras *x,
                        at_op_out *out)
{
    double m = draw2(c->rng, 0.01, 0.9);
    if (!c->extras) {
        na(out, AT_NA_OPERATOR, "not expressible: momentum (host SDK < 1.2)");
        return;
    }
    if (set_optimizer(c->space, config, x, "sgd", 0.01) < 0) {
        na(out, AT_NA_OPERATOR, "sgd not a choice");
        return;
    }
    x->momentum = m;
    snprintf(out->what, sizeof out->what, "optimizer->sgd, lr->0.01, momentum->%.2f", m);
}

/* ReduceLR (S6) and GN: the faithful mode keeps the original's no-ops;
 * otherwise they become real through the extras. */
static void reducelr_op(const at_op_ctx *c, dnnr_trial_extras *x, at_op_out *out)
{
    if (c->faithful) {
        out->unchanged = 1;
        snprintf(out->what, sizeof out->what, "retrains unchanged (the original's ReduceLR no-op)");
    } else if (!c->extras) {
        na(out, AT_NA_OPERATOR, "not expressible: lr schedule (host SDK < 1.2)");
    } else if (x->reduce_lr_factor > 0) {
        na(out, AT_NA_OPERATOR, "ReduceLROnPlateau already present");
    } else {
        x->reduce_lr_factor = 0.2; /* the original's callback: val_loss, 0.2, 5, 0.001 */
        x->reduce_lr_patience = 5;
        x->reduce_lr_min = 0.001;
        snprintf(out->what, sizeof out->what,
                 "+ReduceLROnPlateau(factor 0.2, patience 5, min_lr 0.001)");
    }
}

static void gn_op(const at_op_ctx *c, dnnr_trial_extras *x, at_op_out *out)
{
    if (c->faithful) {
        out->unchanged = 1;
        snprintf(out->what, sizeof out->what, "retrains unchanged (the original's GN no-op)");
    } else if (!c->extras) {
        na(out, AT_NA_OPERATOR, "not expressible: GaussianNoise (host SDK < 1.2)");
    } else if (x->gaussian_noise > 0) {
        na(out, AT_NA_OPERATOR, "GaussianNoise already present");
    } else {
        x->gaussian_noise = 0.1;
        snprintf(out->what, sizeof out->what, "+GaussianNoise(0.1) on the input");
    }
}

static void optimizer_op(const at_op_ctx *c, dnnr_value *config, dnnr_trial_extras *x,
                         at_op_out *out)
{
    static const char *const pool[5] = {"sgd", "adam", "nadam", "adamax", "rmsprop"};
    const char *cur = optimizer_name(c->space, config);
    const char *cand[5];
    uint32_t n = 0;
    for (uint32_t k = 0; k < 5; k++)
        if (strcmp(pool[k], cur))
            cand[n++] = pool[k];
    const char *pick = cand[dnnr_rng_below(c->rng, n)];
    double lr = strcmp(pick, "sgd") ? 0.001 : 0.01; /* Keras defaults */
    if (set_optimizer(c->space, config, x, pick, lr) < 0) {
        na(out, AT_NA_TRY, "drawn optimiser not a choice");
        return;
    }
    snprintf(out->what, sizeof out->what, "optimizer->%s, lr->%g", pick, lr);
}

/* lr_down (the eg_lr_steps extension): try j divides the seed's lr by
 * 10^(j+1) and clips as the gradient operator does. An lr that has thrown
 * the weights far enough to overflow is the classic exploding-gradient
 * cause AutoTrainer's EG list never touches (its lr operator serves OL and
 * SC only); clipping alone bounds each step but not their sum, a smaller
 * step alone may still overflow in the first updates: together they are
 * the textbook remedy. Relative to the seed's lr, not the OL/SC bases, so
 * the steps walk down from wherever the fault put the lr. */
static void lr_down_op(const at_op_ctx *c, uint32_t j, dnnr_value *config, dnnr_trial_extras *x,
                       at_op_out *out)
{
    double clip = draw2(c->rng, 9, 10);
    int i = at_param_index(c->space, "lr");
    if (i < 0 || c->space->params[i]->kind != DNNR_PARAM_FLOAT) {
        na(out, AT_NA_OPERATOR, "no lr parameter");
        return;
    }
    double old = config[i].f, target = old / pow(10, (double)j + 1);
    if (set_lr(c->space, config, target) < 0) { /* the next tries are smaller still */
        na(out, AT_NA_OPERATOR, "lr below the parameter's range");
        return;
    }
    int n = snprintf(out->what, sizeof out->what, "lr->%g (seed's %g /10^%u)", target, old, j + 1);
    if (c->extras && x->clipvalue == 0) {
        x->clipvalue = clip;
        snprintf(out->what + n, sizeof out->what - (size_t)n, ", clipvalue->%.2f", clip);
    } else if (c->extras)
        snprintf(out->what + n, sizeof out->what - (size_t)n, ", clipvalue %.2f kept",
                 x->clipvalue);
}

void at_op_apply(const at_op_ctx *c, at_op op, uint32_t j, dnnr_value *config,
                 dnnr_trial_extras *x, at_op_out *out)
{
    *out = (at_op_out){.outcome = AT_APPLIED};
    switch (op) {
    case AT_OP_SELU:
        activation_op(c, config, "selu", "lecun_uniform", "lecun_uniform", out);
        return;
    case AT_OP_RELU:
        activation_op(c, config, "relu", "he_uniform", "zeros", out);
        return;
    case AT_OP_TANH:
        activation_op(c, config, "tanh", "he_uniform", "zeros", out);
        return;
    case AT_OP_LEAKY:
        leaky_op(c, j, config, out);
        return;
    case AT_OP_BN:
        bn_op(c, x, out);
        return;
    case AT_OP_GRADIENT:
        gradient_op(c, x, out);
        return;
    case AT_OP_INITIAL:
        initial_op(c, config, out);
        return;
    case AT_OP_BATCH:
        batch_op(c, j, config, out);
        return;
    case AT_OP_LR:
        lr_op(c, j, config, out);
        return;
    case AT_OP_REDUCELR:
        reducelr_op(c, x, out);
        return;
    case AT_OP_ADAM:
        if (!strcmp(optimizer_name(c->space, config), "adam"))
            na(out, AT_NA_OPERATOR, "already Adam");
        else if (set_optimizer(c->space, config, x, "adam", 0.001) < 0)
            na(out, AT_NA_OPERATOR, "adam not a choice");
        else
            snprintf(out->what, sizeof out->what, "optimizer->adam, lr->0.001");
        return;
    case AT_OP_MOMENTUM:
        momentum_op(c, config, x, out);
        return;
    case AT_OP_OPTIMIZER:
        optimizer_op(c, config, x, out);
        return;
    case AT_OP_GN:
        gn_op(c, x, out);
        return;
    case AT_OP_LR_DOWN:
        lr_down_op(c, j, config, x, out);
        return;
    case AT_N_OPS:
        break;
    }
    na(out, AT_NA_OPERATOR, "unknown operator");
}
