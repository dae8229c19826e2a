/* Lint rules on the layers: widths and shapes Keras refuses, kernel
 * initialisers, hidden activations, missing nonlinearities, deep saturating
 * stacks, dropout rates and weight regularisers. Confidences are justified
 * in README.md. */
#include <math.h>
#include <string.h>

#include "engine/keras.h"
#include "lint/lint_internal.h"

/* E|w| and E[w^2] of a kernel initialiser (TF 2.3 definitions; the
 * truncated variance-scaling normals are corrected to their target sd). */
static void init_moments(dnnr_initializer init, double fi, double fo, double *abs_mean,
                         double *sq_mean)
{
    double sd = 0.0, a = 0.0; /* normal sd, or uniform half-width */
    switch (init) {
    case DNNR_INIT_ZEROS:
    case DNNR_INIT_CONSTANT:
        break;
    case DNNR_INIT_ONES:
        *abs_mean = *sq_mean = 1.0;
        return;
    case DNNR_INIT_RANDOM_NORMAL:
        sd = 0.05;
        break;
    case DNNR_INIT_RANDOM_UNIFORM:
        a = 0.05;
        break;
    case DNNR_INIT_TRUNCATED_NORMAL:
        sd = 0.05 * 0.8796;
        break;
    case DNNR_INIT_ORTHOGONAL:
        sd = sqrt(1.0 / fmax(1.0, fmax(fi, fo)));
        break;
    case DNNR_INIT_LECUN_UNIFORM:
        a = sqrt(3.0 / fmax(1.0, fi));
        break;
    case DNNR_INIT_LECUN_NORMAL:
        sd = sqrt(1.0 / fmax(1.0, fi));
        break;
    case DNNR_INIT_GLOROT_NORMAL:
        sd = sqrt(2.0 / fmax(1.0, fi + fo));
        break;
    case DNNR_INIT_GLOROT_UNIFORM:
        a = sqrt(6.0 / fmax(1.0, fi + fo));
        break;
    case DNNR_INIT_HE_NORMAL:
        sd = sqrt(2.0 / fmax(1.0, fi));
        break;
    case DNNR_INIT_HE_UNIFORM:
        a = sqrt(6.0 / fmax(1.0, fi));
        break;
    case DNNR_INIT_NORMAL_1:
        sd = 1.0;
        break;
    case DNNR_INIT_NORMAL_0_1:
        sd = 0.1;
        break;
    default:
        break;
    }
    if (a > 0.0) {
        *abs_mean = a / 2.0;
        *sq_mean = a * a / 3.0;
    } else {
        *abs_mean = sd * 0.7978845608;
        *sq_mean = sd * sd;
    }
}

static int fixed_scale_init(dnnr_initializer init)
{
    return init == DNNR_INIT_RANDOM_NORMAL || init == DNNR_INIT_RANDOM_UNIFORM ||
           init == DNNR_INIT_TRUNCATED_NORMAL || init == DNNR_INIT_NORMAL_1 ||
           init == DNNR_INIT_NORMAL_0_1;
}

static void widths_and_shapes(lint_ctx *c, uint32_t i, int *collapsed)
{
    const dnnr_layer_spec *L = &c->spec->layers[i];
    const lint_layer *v = &c->layers[i];
    lint_where w;
    if (dnnr__lint_is_weighted(L->kind) && L->units <= 0) {
        dnnr__lint_where_init(&w, c, (int32_t)i, dnnr__lint_units_key(L));
        dnnr__lint_add(c, "zero-units", 1.0, &w, "%s layer with %lld %s: Keras refuses to build it",
                 L->kind == DNNR_LAYER_CONV2D ? "a conv2d" : "a dense", (long long)L->units,
                 dnnr__lint_units_key(L));
    }
    if (!*collapsed && v->known && v->out_rank == 3 && (v->out[0] <= 0 || v->out[1] <= 0)) {
        *collapsed = 1;
        const char *size = L->kind == DNNR_LAYER_CONV2D ? "kernel_size" : "pool_size";
        dnnr__lint_where_init(&w, c, (int32_t)i, size);
        dnnr__lint_where_add(&w, c, (int32_t)i, "strides");
        dnnr__lint_add(c, "shape-collapse", 1.0, &w,
                 "the %lldx%lld window leaves no pixels of the feature map here (output "
                 "%lldx%lld); Keras refuses to build the model",
                 (long long)L->kernel[0], (long long)L->kernel[1], (long long)v->out[0],
                 (long long)v->out[1]);
    }
}

static void initialisers(lint_ctx *c, uint32_t i)
{
    const dnnr_layer_spec *L = &c->spec->layers[i];
    const lint_layer *v = &c->layers[i];
    if (!dnnr__lint_is_weighted(L->kind))
        return;
    lint_where w;
    dnnr_initializer ki = L->kernel_init;
    if ((ki == DNNR_INIT_ZEROS || ki == DNNR_INIT_CONSTANT || ki == DNNR_INIT_ONES) &&
        L->units >= 2) {
        dnnr__lint_where_init(&w, c, (int32_t)i, "kernel_initializer");
        dnnr__lint_add(c, "constant-kernel-init", ki == DNNR_INIT_ONES ? 0.85 : 0.9, &w,
                 "kernel initialiser '%s' gives all %lld %s the same weights: they compute the "
                 "same output and get the same gradient, so they stay identical (no symmetry "
                 "breaking)%s; use glorot_uniform or he_uniform",
                 dnnr__keras_initializer_name(ki), (long long)L->units,
                 L->kind == DNNR_LAYER_CONV2D ? "filters" : "units",
                 ki == DNNR_INIT_ONES ? " and the sums of the inputs start large"
                                      : " and, with zeros, the layers above get no gradient");
    }
    if (L->use_bias && L->bias_init == DNNR_INIT_ORTHOGONAL) {
        dnnr__lint_where_init(&w, c, (int32_t)i, "bias_initializer");
        dnnr__lint_add(c, "orthogonal-bias", 1.0, &w,
                 "bias initialiser 'orthogonal' needs a matrix; Keras refuses it on a 1-D bias");
    }
    if (fixed_scale_init(ki) && v->fan_in > 0) {
        double abs_mean = 0.0, sq_mean = 0.0;
        init_moments(ki, (double)v->fan_in, (double)v->fan_out, &abs_mean, &sq_mean);
        double gain = sqrt(sq_mean * (double)v->fan_in);
        if (gain > 10.0) {
            dnnr__lint_where_init(&w, c, (int32_t)i, "kernel_initializer");
            dnnr__lint_add(c, "init-scale-large", 0.3, &w,
                     "kernel initialiser '%s' does not scale with the fan-in (%lld): unit-scale "
                     "inputs give pre-activations of standard deviation ~%.0f, which saturate "
                     "sigmoid/tanh and make large early steps; fan-scaled initialisers "
                     "(glorot, he, lecun) keep it near 1",
                     dnnr__keras_initializer_name(ki), (long long)v->fan_in, gain);
        }
    }
}

/* The width of what spec layer i activates (its units, or the last axis reaching an activation layer). */
static int64_t activated_width(const lint_ctx *c, uint32_t i)
{
    const dnnr_layer_spec *L = &c->spec->layers[i];
    if (dnnr__lint_is_weighted(L->kind))
        return L->units;
    if (i == 0 || !c->layers[i - 1].known)
        return -1;
    const lint_layer *p = &c->layers[i - 1];
    return p->out_rank == 1 ? p->out[0] : p->out[2];
}

static void hidden_activation(lint_ctx *c, uint32_t i)
{
    const dnnr_layer_spec *L = &c->spec->layers[i];
    if ((int32_t)i >= c->out_layer || (!dnnr__lint_is_weighted(L->kind) && L->kind != DNNR_LAYER_ACTIVATION))
        return;
    lint_where w;
    dnnr__lint_where_init(&w, c, (int32_t)i, "activation");
    switch (L->activation) {
    case DNNR_ACT_EXPONENTIAL:
        dnnr__lint_add(c, "exponential-hidden", 0.75, &w,
                 "exponential activation in a hidden layer: exp() is unbounded, so activations "
                 "and gradients grow exponentially with the pre-activations and overflow; use "
                 "relu (or elu/selu)");
        break;
    case DNNR_ACT_HARD_SIGMOID:
        dnnr__lint_add(c, "hard-sigmoid-hidden", 0.55, &w,
                 "hard_sigmoid activation in a hidden layer: its gradient is exactly zero "
                 "outside [-2.5, 2.5] and at most 0.2 inside, and its outputs are not "
                 "zero-centred, so units stop learning and deep stacks vanish; use relu");
        break;
    case DNNR_ACT_SOFTMAX: {
        int64_t width = activated_width(c, i);
        if (width == 1)
            dnnr__lint_add(c, "softmax-single-unit", 0.95, &w,
                     "softmax over a single unit always gives 1.0: everything above this layer "
                     "sees a constant");
        else
            dnnr__lint_add(c, "softmax-hidden", 0.7, &w,
                     "softmax in a hidden layer squashes the %s into a distribution that sums "
                     "to 1: most units get tiny values and gradients; softmax belongs on the "
                     "output, hidden layers want relu",
                     L->kind == DNNR_LAYER_CONV2D ? "channels at each pixel" : "units");
        break;
    }
    default:
        break;
    }
}

/* A hidden weighted layer with no nonlinearity before the next weighted one. */
static void linear_hidden(lint_ctx *c, uint32_t i)
{
    const dnnr_layer_spec *L = &c->spec->layers[i];
    if (!dnnr__lint_is_weighted(L->kind) || (int32_t)i >= c->out_layer ||
        c->layers[i].eff_act != DNNR_ACT_LINEAR)
        return;
    lint_where w;
    dnnr__lint_where_init(&w, c, (int32_t)i, "activation");
    int pooled = 0;
    uint32_t j = i + 1;
    for (; j < c->spec->n_layers && !dnnr__lint_is_weighted(c->spec->layers[j].kind); j++) {
        if (c->spec->layers[j].kind == DNNR_LAYER_ACTIVATION)
            dnnr__lint_where_add(&w, c, (int32_t)j, "activation");
        else if (c->spec->layers[j].kind == DNNR_LAYER_MAX_POOL2D)
            pooled = 1;
    }
    if (j >= c->spec->n_layers)
        return;
    dnnr__lint_add(c, "linear-hidden-layer", pooled ? 0.25 : 0.45, &w,
             "this hidden %s layer has no activation before the next weighted layer%s: "
             "consecutive linear maps compose into one, so it adds no expressive power; give it "
             "a nonlinearity (relu)",
             L->kind == DNNR_LAYER_CONV2D ? "conv2d" : "dense",
             pooled ? " (only a max-pooling, a weak nonlinearity, in between)" : "");
}

static void saturating_stack(lint_ctx *c)
{
    uint32_t sig = 0, tanh_like = 0;
    int32_t first = -1;
    lint_where w;
    memset(&w, 0, sizeof w);
    for (int32_t i = 0; i < c->out_layer; i++) {
        const lint_layer *v = &c->layers[i];
        if (!dnnr__lint_is_weighted(c->spec->layers[i].kind))
            continue;
        int s = v->eff_act == DNNR_ACT_SIGMOID || v->eff_act == DNNR_ACT_HARD_SIGMOID;
        int t = v->eff_act == DNNR_ACT_TANH || v->eff_act == DNNR_ACT_SOFTSIGN;
        if (!s && !t)
            continue;
        sig += (uint32_t)s;
        tanh_like += (uint32_t)t;
        if (first < 0) {
            first = v->act_layer;
            dnnr__lint_where_init(&w, c, v->act_layer, "activation");
        } else {
            dnnr__lint_where_add(&w, c, v->act_layer, "activation");
        }
    }
    if (sig >= 3)
        dnnr__lint_add(c, "saturating-deep-stack", 0.3, &w,
                 "%u hidden layers with sigmoid-like activations (derivative at most 0.25): "
                 "gradients shrink at least 4x per layer on the way down, so the first "
                 "layers barely learn (vanishing gradients); relu-family activations avoid it",
                 sig);
    else if (sig + tanh_like >= 5)
        dnnr__lint_add(c, "saturating-deep-stack", 0.2, &w,
                 "%u hidden layers with saturating activations (sigmoid/tanh family): "
                 "vanishing gradients are likely at this depth; relu-family activations avoid it",
                 sig + tanh_like);
}

static void dropout_rate(lint_ctx *c, uint32_t i)
{
    const dnnr_layer_spec *L = &c->spec->layers[i];
    if (L->kind != DNNR_LAYER_DROPOUT)
        return;
    lint_where w;
    dnnr__lint_where_init(&w, c, (int32_t)i, "rate");
    if (L->rate < 0.0 || L->rate >= 1.0)
        dnnr__lint_add(c, "dropout-rate", 1.0, &w,
                 "dropout rate %.3g is outside [0, 1): Keras refuses it", L->rate);
    else if (L->rate >= 0.8)
        dnnr__lint_add(c, "dropout-rate", L->rate >= 0.9 ? 0.7 : 0.45, &w,
                 "dropout rate %.3g drops %.0f%% of the units at every step: the signal and "
                 "the gradient reaching the next layer are mostly noise; rates above 0.5 are rare",
                 L->rate, 100.0 * L->rate);
}

/* Keras' 'l1', 'l2' and 'l1_l2' all weigh 0.01: huge on wide layers. */
static void regulariser(lint_ctx *c, uint32_t i)
{
    const dnnr_layer_spec *L = &c->spec->layers[i];
    const lint_layer *v = &c->layers[i];
    if (!dnnr__lint_is_weighted(L->kind) || L->kernel_reg == DNNR_REG_NONE)
        return;
    static const char *const names[] = {"none", "l1", "l2", "l1_l2"};
    const char *name = names[L->kernel_reg];
    lint_where w;
    dnnr__lint_where_init(&w, c, (int32_t)i, "kernel_regularizer");
    if (v->n_weights < 0) {
        dnnr__lint_add(c, "strong-regularizer", 0.3, &w,
                 "kernel_regularizer '%s' weighs the penalty by 0.01 per weight, which "
                 "dominates the loss on wide layers (the layer's size is unknown without the "
                 "data set)",
                 name);
        return;
    }
    double abs_mean = 0.0, sq_mean = 0.0;
    init_moments(L->kernel_init, (double)v->fan_in, (double)v->fan_out, &abs_mean, &sq_mean);
    double n = (double)v->n_weights, penalty = 0.0;
    if (L->kernel_reg == DNNR_REG_L1 || L->kernel_reg == DNNR_REG_L1_L2)
        penalty += DNNR_KERAS_REG_FACTOR * n * abs_mean;
    if (L->kernel_reg == DNNR_REG_L2 || L->kernel_reg == DNNR_REG_L1_L2)
        penalty += DNNR_KERAS_REG_FACTOR * n * sq_mean;
    double scale = c->s->task == DNNR_TASK_CLASSIFICATION ? log((double)(c->k > 2 ? c->k : 2)) : 1.0;
    double ratio = penalty / scale;
    if (ratio < 1.0)
        return;
    dnnr__lint_add(c, "strong-regularizer", ratio >= 10.0 ? 0.75 : 0.45, &w,
             "kernel_regularizer '%s' (factor 0.01) on %.0f weights adds a penalty of ~%.3g "
             "at initialisation, %.0fx the data loss's scale (~%.2g): training mostly shrinks "
             "the weights instead of fitting the data",
             name, n, penalty, ratio, scale);
}

void dnnr__lint_rules_layers(lint_ctx *c)
{
    int collapsed = 0;
    for (uint32_t i = 0; i < c->spec->n_layers; i++) {
        widths_and_shapes(c, i, &collapsed);
        initialisers(c, i);
        hidden_activation(c, i);
        linear_hidden(c, i);
        dropout_rate(c, i);
        regulariser(c, i);
    }
    saturating_stack(c);
}
