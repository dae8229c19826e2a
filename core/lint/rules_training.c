/* Lint rules on the training setup: the learning rate against the
 * optimiser, epochs, and (with the data set) the number of parameter updates,
 * how far an adaptive optimiser can move the weights, the batch size against
 * the rows, and the scale of the inputs. Confidences are justified in
 * README.md. */
#include <math.h>
#include <string.h>

#include "engine/keras.h"
#include "lint/lint_internal.h"

/* Per optimiser: outside [lo, hi] the rate is unusual, outside [far_lo,
 * far_hi] it is far off (README.md gives the sources of these ranges). */
typedef struct lr_range {
    double far_lo, lo, hi, far_hi;
} lr_range;

static lr_range lr_range_of(dnnr_optimizer o)
{
    switch (o) {
    case DNNR_UPDATE_SGD:
        return (lr_range){1e-5, 5e-3, 0.3, 1.5};
    case DNNR_UPDATE_ADAGRAD:
        return (lr_range){1e-5, 1e-3, 0.5, 3.0};
    case DNNR_UPDATE_ADADELTA:
        return (lr_range){0.05, 0.3, 3.0, 20.0};
    default: /* rmsprop, adam, adamax, nadam */
        return (lr_range){1e-6, 1e-5, 0.02, 0.3};
    }
}

/* Optimisers whose per-step change of a weight is about lr at most. */
static int adaptive(dnnr_optimizer o)
{
    return o == DNNR_UPDATE_RMSPROP || o == DNNR_UPDATE_ADAM || o == DNNR_UPDATE_ADAMAX ||
           o == DNNR_UPDATE_NADAM;
}

static void learning_rate(lint_ctx *c)
{
    dnnr_template_field f;
    if (dnnr__model_template_field(c->t, -1, "lr", &f) != DNNR_OK || !f.present)
        return; /* the optimiser's Keras default */
    const dnnr_optimizer o = c->spec->optimizer;
    const double lr = c->spec->lr;
    const lr_range r = lr_range_of(o);
    const char *oname = dnnr__keras_optimizer_name(o);
    lint_where w;
    dnnr__lint_where_init(&w, c, -1, "lr");
    dnnr__lint_where_add(&w, c, -1, "optimizer");
    if (!(lr > 0.0) || !isfinite(lr)) {
        dnnr__lint_add(c, "lr-out-of-range", 1.0, &w, "learning rate %g: nothing can be learnt", lr);
        return;
    }
    if (lr > r.far_hi || lr < r.far_lo) {
        int high = lr > r.far_hi;
        double conf = (high ? lr > 10.0 * r.far_hi : lr < r.far_lo / 10.0) ? 0.95 : 0.85;
        dnnr__lint_add(c, "lr-out-of-range", conf, &w,
                 "learning rate %g is far %s the usual range for %s (%g to %g): %s", lr,
                 high ? "above" : "below", oname, r.lo, r.hi,
                 high ? "steps overshoot, so the loss oscillates or diverges"
                 : o == DNNR_UPDATE_ADADELTA
                     ? "Adadelta's step is lr times a ratio that starts near 1e-3; its working "
                       "rate is 1.0 (Keras 2's default), TF 2's default 0.001 barely moves the "
                       "weights"
                     : "the weights barely move in the epochs given");
    } else if (lr > r.hi || lr < r.lo) {
        dnnr__lint_add(c, "lr-out-of-range", 0.35, &w,
                 "learning rate %g is %s the usual range for %s (%g to %g): %s", lr,
                 lr > r.hi ? "above" : "below", oname, r.lo, r.hi,
                 lr > r.hi ? "training may oscillate" : "training may be slow to converge");
    }
}

static void epochs(lint_ctx *c)
{
    lint_where w;
    dnnr__lint_where_init(&w, c, -1, "epochs");
    if (c->spec->epochs <= 0)
        dnnr__lint_add(c, "no-training", 1.0, &w, "epochs = %lld: the model is never trained",
                 (long long)c->spec->epochs);
    else if (c->spec->epochs == 1)
        dnnr__lint_add(c, "single-epoch", 0.4, &w,
                 "a single epoch: every training row is seen once, rarely enough for a model "
                 "to converge");
}

/* With the data: parameter updates, their reach, the batch against the rows. */
static void updates(lint_ctx *c)
{
    const lint_data *d = &c->data;
    const int64_t batch = c->spec->batch_size, ep = c->spec->epochs;
    lint_where w;
    if (batch <= 0) {
        dnnr__lint_where_init(&w, c, -1, "batch_size");
        dnnr__lint_add(c, "batch-size-invalid", 1.0, &w, "batch_size %lld: Keras refuses it",
                 (long long)batch);
        return;
    }
    if (d->n_fit == 0 || ep <= 0)
        return;
    const uint64_t steps = (d->n_fit + (uint64_t)batch - 1) / (uint64_t)batch;
    const double total = (double)steps * (double)ep;
    if (total < 300.0) {
        dnnr__lint_where_init(&w, c, -1, "epochs");
        dnnr__lint_where_add(&w, c, -1, "batch_size");
        dnnr__lint_add(c, "too-few-updates", total < 50.0 ? 0.8 : total < 150.0 ? 0.6 : 0.4, &w,
                 "%.0f parameter updates in all (%llu rows / batch %lld = %llu steps x %lld "
                 "epochs): too few for the weights to converge; train more epochs or use "
                 "smaller batches",
                 total, (unsigned long long)d->n_fit, (long long)batch,
                 (unsigned long long)steps, (long long)ep);
    }
    if (batch >= (int64_t)d->n_fit && d->n_fit > 1) {
        dnnr__lint_where_init(&w, c, -1, "batch_size");
        dnnr__lint_add(c, "batch-size-exceeds-rows", 0.6, &w,
                 "batch_size %lld >= the %llu training rows: one full-batch update per epoch",
                 (long long)batch, (unsigned long long)d->n_fit);
    } else if (batch == 1 && d->n_fit >= 1000) {
        dnnr__lint_where_init(&w, c, -1, "batch_size");
        dnnr__lint_add(c, "batch-size-one", 0.3, &w,
                 "batch_size 1 over %llu rows: every step follows one row's gradient, so "
                 "training is noisy and slow (adaptive optimisers' statistics suffer most); "
                 "batches of 32 to 256 are usual",
                 (unsigned long long)d->n_fit);
    }
    if (!adaptive(c->spec->optimizer))
        return;
    const double reach = c->spec->lr * total;
    const char *oname = dnnr__keras_optimizer_name(c->spec->optimizer);
    dnnr__lint_where_init(&w, c, -1, "lr");
    dnnr__lint_where_add(&w, c, -1, "epochs");
    dnnr__lint_where_add(&w, c, -1, "batch_size");
    if (reach < 0.05) {
        dnnr__lint_add(c, "weights-barely-move", reach < 0.01 ? 0.85 : 0.7, &w,
                 "%s moves each weight by about lr per update at most: lr %g x %.0f updates = "
                 "%.3g, so the weights end where they were initialised",
                 oname, c->spec->lr, total, reach);
        return;
    }
    /* A one-layer regression can only reach targets as far as its steps carry it. */
    int weighted = 0;
    for (uint32_t i = 0; i < c->spec->n_layers; i++)
        weighted += dnnr__lint_is_weighted(c->spec->layers[i].kind);
    if (c->s->task != DNNR_TASK_REGRESSION || weighted != 1 || d->in_rank != 1 ||
        d->target_kind != DNNR_TARGET_REAL || c->out_act != DNNR_ACT_LINEAR)
        return;
    const double span = reach * (1.0 + d->x_row_l1);
    const double ratio = span > 0.0 ? d->y_abs_mean / span : INFINITY;
    if (ratio >= 2.0)
        dnnr__lint_add(c, "step-budget-too-small", ratio >= 4.0 ? 0.75 : 0.6, &w,
                 "%s moves each weight by about lr per update: lr %g x %.0f updates lets this "
                 "one-layer model's output move by ~%.3g (inputs' mean |x| sum %.3g), but the "
                 "targets' mean magnitude is %.3g",
                 oname, c->spec->lr, total, span, d->x_row_l1, d->y_abs_mean);
}

static void inputs(lint_ctx *c)
{
    if (c->data.x_abs_max <= 100.0)
        return;
    lint_where w;
    dnnr__lint_where_init(&w, c, -2, NULL);
    dnnr__lint_add(c, "unscaled-inputs", 0.35, &w,
             "input values reach |x| = %.4g: unscaled inputs saturate sigmoid/tanh units and "
             "make the first layer's gradients large; standardise or rescale them (data "
             "preprocessing, outside the search space)",
             c->data.x_abs_max);
}

void dnnr__lint_rules_training(lint_ctx *c)
{
    learning_rate(c);
    epochs(c);
    if (c->data.present) {
        updates(c);
        inputs(c);
    }
}
