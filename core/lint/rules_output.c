/* Lint rules on the model's output: its activation against the task and
 * the loss, and (with the data set) the loss against the labels' shape, the
 * targets' range and the classes. Confidences are justified in README.md. */
#include <math.h>
#include <string.h>

#include "engine/keras.h"
#include "engine/loss.h"
#include "lint/lint_internal.h"

/* Loss families. */
typedef enum lfam {
    LF_PROB,  /* cross-entropies and KL: need probabilities */
    LF_POS,   /* poisson, MSLE: logarithms of the outputs and targets */
    LF_HINGE, /* margins on signed scores */
    LF_REG,   /* distances: MSE, MAE, MAPE, logcosh */
    LF_ANGLE, /* UnityEyes' angle */
} lfam;

static lfam loss_family(dnnr_loss l)
{
    switch (l) {
    case DNNR_LOSS_CATEGORICAL_CE:
    case DNNR_LOSS_SPARSE_CATEGORICAL_CE:
    case DNNR_LOSS_BINARY_CE:
    case DNNR_LOSS_KLD:
        return LF_PROB;
    case DNNR_LOSS_POISSON:
    case DNNR_LOSS_MSLE:
        return LF_POS;
    case DNNR_LOSS_HINGE:
    case DNNR_LOSS_SQUARED_HINGE:
    case DNNR_LOSS_CATEGORICAL_HINGE:
        return LF_HINGE;
    case DNNR_LOSS_ANGLE:
        return LF_ANGLE;
    default:
        return LF_REG;
    }
}

/* Activation kinds by output range. */
typedef enum arange {
    AR_SOFTMAX,  /* a distribution */
    AR_UNIT,     /* [0, 1]: sigmoid, hard_sigmoid */
    AR_SIGNED,   /* (-1, 1): tanh, softsign */
    AR_NONNEG,   /* [0, inf): relu, softplus, exponential */
    AR_UNBOUNDED /* linear; elu and selu are bounded below only */
} arange;

static arange act_range(dnnr_activation a, double *lo, double *hi)
{
    *lo = -INFINITY;
    *hi = INFINITY;
    switch (a) {
    case DNNR_ACT_SOFTMAX:
        *lo = 0.0, *hi = 1.0;
        return AR_SOFTMAX;
    case DNNR_ACT_SIGMOID:
    case DNNR_ACT_HARD_SIGMOID:
        *lo = 0.0, *hi = 1.0;
        return AR_UNIT;
    case DNNR_ACT_TANH:
    case DNNR_ACT_SOFTSIGN:
        *lo = -1.0, *hi = 1.0;
        return AR_SIGNED;
    case DNNR_ACT_RELU:
    case DNNR_ACT_SOFTPLUS:
    case DNNR_ACT_EXPONENTIAL:
        *lo = 0.0;
        return AR_NONNEG;
    case DNNR_ACT_ELU:
        *lo = -1.0;
        return AR_UNBOUNDED;
    case DNNR_ACT_SELU:
        *lo = -1.7581;
        return AR_UNBOUNDED;
    default:
        return AR_UNBOUNDED;
    }
}

static void where_out_act(lint_where *w, const lint_ctx *c)
{
    dnnr__lint_where_init(w, c, c->out_act_layer, "activation");
}

static void where_loss(lint_where *w, const lint_ctx *c)
{
    dnnr__lint_where_init(w, c, -1, "loss");
}

static void softmax_single_unit(lint_ctx *c)
{
    if (c->out_act != DNNR_ACT_SOFTMAX || c->k != 1)
        return;
    lint_where w;
    where_out_act(&w, c);
    dnnr__lint_add(c, "softmax-single-unit", 0.95, &w,
             "softmax over a single output unit always gives 1.0, so the model predicts the "
             "same value for every input; a single binary output needs sigmoid");
}

/* Classification: the output activation against the loss. */
static void classifier_output(lint_ctx *c)
{
    const dnnr_loss loss = c->spec->loss;
    const lfam fam = loss_family(loss);
    const char *lname = dnnr__keras_loss_name(loss), *aname = dnnr__lint_act_name(c->out_act);
    double lo, hi;
    const arange r = act_range(c->out_act, &lo, &hi);
    lint_where w;
    where_out_act(&w, c);
    if (fam == LF_PROB || fam == LF_POS) {
        if (r == AR_UNBOUNDED || r == AR_NONNEG)
            dnnr__lint_add(c, "unbounded-output-classifier", r == AR_UNBOUNDED ? 0.9 : 0.8, &w,
                     "%s output under %s: the outputs are not probabilities (Keras clips them "
                     "to [1e-7, 1 - 1e-7], which kills the gradient); a classifier needs "
                     "softmax (one label per row) or sigmoid",
                     aname, lname);
        else if (r == AR_SIGNED)
            dnnr__lint_add(c, "signed-output-classifier", 0.85, &w,
                     "%s output under %s: outputs in (-1, 1) are not probabilities (negative "
                     "ones make the logarithm undefined); a classifier needs softmax or sigmoid",
                     aname, lname);
        else if (c->out_act == DNNR_ACT_HARD_SIGMOID)
            dnnr__lint_add(c, "output-activation-loss-mismatch", 0.35, &w,
                     "hard_sigmoid output under %s: its gradient is zero wherever it "
                     "saturates, so confidently wrong outputs stop learning; use sigmoid or softmax",
                     lname);
        else if (c->out_act == DNNR_ACT_SIGMOID && c->k > 1 && loss != DNNR_LOSS_BINARY_CE &&
                 fam == LF_PROB)
            dnnr__lint_add(c, "output-activation-loss-mismatch", 0.3, &w,
                     "sigmoid over %lld units under %s: independent sigmoids are not a "
                     "distribution (Keras rescales them to sum to 1); one label per row "
                     "wants softmax",
                     (long long)c->k, lname);
        if (c->out_act == DNNR_ACT_SOFTMAX && c->k > 1 && loss == DNNR_LOSS_BINARY_CE) {
            dnnr__lint_where_add(&w, c, -1, "loss");
            dnnr__lint_add(c, "bce-softmax", c->k > 2 ? 0.5 : 0.4, &w,
                     "binary_crossentropy on a softmax over %lld units scores each unit as an "
                     "independent yes/no while softmax ties them together; use "
                     "categorical_crossentropy with softmax, or sigmoid units for multi-label "
                     "targets",
                     (long long)c->k);
        }
    } else if (fam == LF_REG) {
        if (r == AR_UNBOUNDED || r == AR_NONNEG)
            dnnr__lint_add(c, "unbounded-output-classifier", 0.5, &w,
                     "%s output regressed onto class labels with %s: an unbounded score, not a "
                     "probability; a classifier needs softmax or sigmoid (with a cross-entropy)",
                     aname, lname);
        else if (r == AR_SIGNED)
            dnnr__lint_add(c, "signed-output-classifier", 0.3, &w,
                     "%s output regressed onto 0/1 labels with %s: half its range is never a "
                     "label; a classifier needs softmax or sigmoid",
                     aname, lname);
    } else if (fam == LF_HINGE && (r == AR_SOFTMAX || r == AR_UNIT || r == AR_NONNEG)) {
        dnnr__lint_where_add(&w, c, -1, "loss");
        dnnr__lint_add(c, "hinge-on-probabilities", r == AR_NONNEG ? 0.5 : 0.7, &w,
                 "%s on %s outputs: hinge losses want signed scores (labels become -1/+1 "
                 "and the margin is 1), which %s outputs in [0, %s] cannot give; use a "
                 "cross-entropy with %s, or a linear/tanh output with the hinge",
                 lname, aname, aname, r == AR_NONNEG ? "inf)" : "1", aname);
    }
}

/* Classification: a distance loss on labels. */
static void classifier_loss(lint_ctx *c)
{
    const dnnr_loss loss = c->spec->loss;
    double lo, hi;
    const arange r = act_range(c->out_act, &lo, &hi);
    const int prob = r == AR_SOFTMAX || r == AR_UNIT;
    double conf = 0.0;
    const char *why = "";
    switch (loss) {
    case DNNR_LOSS_MAE:
        conf = 0.6;
        why = "its gradient does not grow with the error, so a classifier trained with it "
              "underfits, badly so with many classes";
        break;
    case DNNR_LOSS_MAPE:
        conf = 0.75;
        why = "it divides by the label, which is 0 for every wrong class";
        break;
    case DNNR_LOSS_MSLE:
        conf = 0.5;
        why = "a regression loss on log-counts, not a classification loss";
        break;
    case DNNR_LOSS_MSE:
    case DNNR_LOSS_LOGCOSH:
        conf = prob ? 0.35 : 0.5;
        why = "a regression loss: with saturating outputs its gradient vanishes exactly when "
              "the prediction is confidently wrong, so learning is slow";
        break;
    default:
        return;
    }
    lint_where w;
    where_loss(&w, c);
    dnnr__lint_add(c, "regression-loss-for-classifier", conf, &w,
             "%s for classification: %s; the matched loss is a cross-entropy "
             "(categorical/sparse with softmax, binary with sigmoid)",
             dnnr__keras_loss_name(loss), why);
}

static void cce_single_unit(lint_ctx *c)
{
    const dnnr_loss loss = c->spec->loss;
    if (c->k != 1 || (loss != DNNR_LOSS_CATEGORICAL_CE && loss != DNNR_LOSS_SPARSE_CATEGORICAL_CE &&
                      loss != DNNR_LOSS_CATEGORICAL_HINGE))
        return;
    lint_where w;
    where_loss(&w, c);
    dnnr__lint_where_add(&w, c, c->out_layer, dnnr__lint_units_key(&c->spec->layers[c->out_layer]));
    dnnr__lint_add(c, "categorical-loss-single-unit", 0.9, &w,
             "%s over a single output unit: the one-column distribution is always 1, so the "
             "loss is constant and nothing is learnt; one binary output wants "
             "binary_crossentropy with sigmoid",
             dnnr__keras_loss_name(loss));
}

/* Classification with the data: labels against the loss and the outputs. */
static void classifier_labels(lint_ctx *c)
{
    const lint_data *d = &c->data;
    const dnnr_loss loss = c->spec->loss;
    char why[256];
    int fused = dnnr__loss_fused(loss, c->out_act);
    lint_where w;
    if (dnnr__loss_compatible(loss, fused, c->k, d->y_dim, why, sizeof why)) {
        where_loss(&w, c);
        dnnr__lint_where_add(&w, c, c->out_layer, dnnr__lint_units_key(&c->spec->layers[c->out_layer]));
        dnnr__lint_add(c, "loss-label-shape", 1.0, &w, "%s (%s labels); Keras refuses to train this",
                 why, d->target_kind == DNNR_TARGET_ONE_HOT ? "one-hot" : "class-index");
    }
    if (d->target_kind == DNNR_TARGET_CLASS_INDEX && d->n_classes > (c->k == 1 ? 2 : c->k)) {
        dnnr__lint_where_init(&w, c, c->out_layer, dnnr__lint_units_key(&c->spec->layers[c->out_layer]));
        dnnr__lint_add(c, "fewer-outputs-than-classes", 1.0, &w,
                 "%lld output unit%s for %u classes: labels beyond the last unit can never be "
                 "predicted (sparse losses reject them)",
                 (long long)c->k, c->k == 1 ? "" : "s", d->n_classes);
    }
    if (d->target_kind == DNNR_TARGET_ONE_HOT && d->multi_hot_share > 0.01 &&
        (c->out_act == DNNR_ACT_SOFTMAX || loss == DNNR_LOSS_CATEGORICAL_CE ||
         loss == DNNR_LOSS_KLD)) {
        where_out_act(&w, c);
        dnnr__lint_where_add(&w, c, -1, "loss");
        dnnr__lint_add(c, "multi-hot-labels-softmax", 0.6, &w,
                 "%.0f%% of the training label rows are not one-hot (several or no 1s) but "
                 "the model treats them as one class per row (%s, %s); multi-label targets "
                 "want sigmoid units with binary_crossentropy",
                 100.0 * d->multi_hot_share, dnnr__lint_act_name(c->out_act),
                 dnnr__keras_loss_name(loss));
    }
    if (d->n_train && d->classes_seen == 1) {
        dnnr__lint_where_init(&w, c, -2, NULL);
        dnnr__lint_add(c, "single-class-labels", 0.95, &w,
                 "every training label is the same class: the model can only learn a "
                 "constant (data preprocessing, outside the search space)");
    } else if (d->n_train && d->majority_share >= 0.99) {
        dnnr__lint_where_init(&w, c, -2, NULL);
        dnnr__lint_add(c, "class-imbalance", 0.5, &w,
                 "%.1f%% of the training labels are one class: predicting it always scores "
                 "that accuracy (data, outside the search space)",
                 100.0 * d->majority_share);
    }
}

/* Regression: the loss and the output range against the targets. */
static void regression_output(lint_ctx *c)
{
    const lint_data *d = &c->data;
    const dnnr_loss loss = c->spec->loss;
    const lfam fam = loss_family(loss);
    const char *lname = dnnr__keras_loss_name(loss);
    lint_where w;
    if (fam == LF_PROB || fam == LF_HINGE) {
        where_loss(&w, c);
        dnnr__lint_add(c, "classification-loss-for-regression", 0.8, &w,
                 "%s on real-valued targets: a classification loss, meaningless for "
                 "regression; use a distance (mean_squared_error, mean_absolute_error) or the "
                 "task's own loss",
                 lname);
    } else if (fam == LF_POS) {
        where_loss(&w, c);
        if (d->present && d->below_0 > 0.01)
            dnnr__lint_add(c, "log-loss-negative-targets", 0.85, &w,
                     "%s takes the logarithm of the targets, but %.0f%% of them are negative "
                     "(min %.3g): Keras clips them to 0, so the loss cannot tell them apart",
                     lname, 100.0 * d->below_0, d->y_min);
        else if (!d->present)
            dnnr__lint_add(c, "log-loss-negative-targets", 0.25, &w,
                     "%s assumes non-negative targets (it takes their logarithm); check the "
                     "target range",
                     lname);
    }
    double lo, hi;
    const arange r = act_range(c->out_act, &lo, &hi);
    if (r == AR_UNBOUNDED && lo == -INFINITY)
        return;
    where_out_act(&w, c);
    if (d->present) {
        double below = lo >= 0.0 ? d->below_0 : lo >= -1.0 ? d->below_m1 : d->below_selu;
        double above = hi <= 1.0 ? d->above_1 : 0.0;
        if (below + above > 0.01)
            dnnr__lint_add(c, "bounded-output-regression", 0.8, &w,
                     "%s output can only give values in [%.4g, %.4g], but %.0f%% of the "
                     "regression targets (range [%.3g, %.3g]) lie outside it; a regression "
                     "output is usually linear",
                     dnnr__lint_act_name(c->out_act), lo, hi, 100.0 * (below + above), d->y_min,
                     d->y_max);
    } else if (r != AR_UNBOUNDED) {
        dnnr__lint_add(c, "bounded-output-regression", r == AR_NONNEG ? 0.2 : 0.35, &w,
                 "%s output bounds the regression's predictions to [%.4g, %.4g]; check the "
                 "target range (a regression output is usually linear)",
                 dnnr__lint_act_name(c->out_act), lo, hi);
    }
}

void dnnr__lint_rules_output(lint_ctx *c)
{
    if (c->out_layer < 0)
        return;
    softmax_single_unit(c);
    if (c->s->task == DNNR_TASK_CLASSIFICATION) {
        classifier_output(c);
        classifier_loss(c);
        cce_single_unit(c);
        if (c->data.present)
            classifier_labels(c);
    } else if (c->s->task == DNNR_TASK_REGRESSION) {
        regression_output(c);
        if (c->data.present) {
            char why[256];
            lint_where w;
            int fused = dnnr__loss_fused(c->spec->loss, c->out_act);
            if (dnnr__loss_compatible(c->spec->loss, fused, c->k, c->data.y_dim, why, sizeof why)) {
                where_loss(&w, c);
                dnnr__lint_add(c, "loss-label-shape", 1.0, &w, "%s; Keras refuses to train this", why);
            }
        }
    }
}
