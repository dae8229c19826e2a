/* `dnnrepair lint --train`: one training of the configuration with gradient
 * indicators, read by AutoTrainer's detection rules (the plugin's own pure
 * indicators.c and rules.c, compiled into the core: see core/CMakeLists.txt),
 * so the dynamic symptoms (vanishing or exploding gradients, dying ReLUs,
 * oscillating loss, slow convergence) join the static findings. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "at.h"
#include "engine/template.h"
#include "lint/lint.h"
#include "run/outcome.h"
#include "run/subject_rt.h"
#include "util/alloc.h"

/* What each symptom suggests changing: training fields whose parameters the finding names. */
static const char *const symptom_keys[AT_N_PROBLEMS][3] = {
    [AT_EG] = {"lr", "optimizer", NULL},
    [AT_DR] = {"lr", NULL, NULL},
    [AT_OL] = {"lr", "batch_size", NULL},
    [AT_SC] = {"lr", "optimizer", NULL},
};

static const char *symptom_rule(at_problem p)
{
    switch (p) {
    case AT_VG:
        return "train-vanishing-gradient";
    case AT_EG:
        return "train-exploding-gradient";
    case AT_DR:
        return "train-dying-relu";
    case AT_OL:
        return "train-oscillating-loss";
    default:
        return "train-slow-convergence";
    }
}

static int append(dnnr_lint_report *r, const dnnr_lint_finding *f)
{
    dnnr_lint_finding *grown = dnnr__realloc(r->findings, (r->n + 1) * sizeof *grown);
    if (!grown)
        return DNNR_ENOMEM;
    r->findings = grown;
    r->findings[r->n++] = *f;
    return DNNR_OK;
}

static void name_params(dnnr_lint_finding *f, const struct dnnr_model_template *t,
                        const char *const *keys)
{
    for (int i = 0; i < 3 && keys[i]; i++) {
        const char *param = dnnr__model_template_ref(t, -1, keys[i]);
        if (param && f->n_params < 4)
            snprintf(f->params[f->n_params++], sizeof f->params[0], "%s", param);
    }
}

static void describe(char *buf, size_t len, at_problem p, uint32_t epoch, const at_features *f,
                     int regression)
{
    switch (p) {
    case AT_VG:
        snprintf(buf, len,
                 "AutoTrainer: vanishing gradient at epoch %u (first/last layer gradient norm "
                 "ratio %.3g, first layer's %.3g) while training stalls",
                 epoch + 1, f->ratio, f->g_first);
        break;
    case AT_EG:
        snprintf(buf, len,
                 "AutoTrainer: exploding gradient at epoch %u (%s)", epoch + 1,
                 f->nan_loss || f->nan_weight || f->nan_gradient
                     ? "a NaN/Inf loss, weight or gradient"
                     : "gradient norms or weights grew past the thresholds");
        break;
    case AT_DR:
        snprintf(buf, len,
                 "AutoTrainer: dying ReLU at epoch %u (%.0f%% of the gradient entries are "
                 "exactly zero) while training stalls",
                 epoch + 1, 100.0 * f->zero_frac);
        break;
    case AT_OL:
        snprintf(buf, len,
                 "AutoTrainer: oscillating loss at epoch %u (%u rises and falls of the training "
                 "accuracy beyond the threshold)",
                 epoch + 1, f->ol_pairs);
        break;
    default:
        snprintf(buf, len,
                 "AutoTrainer: slow convergence at epoch %u (best training %s %.3g, largest "
                 "one-epoch gain %.3g)",
                 epoch + 1, regression ? "loss" : "accuracy", f->max_train, f->d_train);
        break;
    }
}

int dnnr__lint_train(const dnnr_subject_rt *rt, const dnnr_value *config, uint64_t seed,
                     dnnr_lint_report *out, dnnr_lint_training *summary, dnnr_error *err)
{
    memset(summary, 0, sizeof *summary);
    dnnr_trial_job job = {.rt = rt, .config = config, .seed = dnnr_rng_derive(seed, 0),
                          .warm_start = -1, .flags = DNNR_TRIAL_INDICATORS};
    dnnr_outcome o;
    dnnr__outcome_init(&o);
    dnnr__trial_execute(NULL, &job, &o);
    summary->status = o.status;
    summary->metric = o.metric;
    summary->n_epochs = o.n_epochs;
    summary->seconds = o.cost_seconds;
    snprintf(summary->message, sizeof summary->message, "%.250s", o.message);
    summary->symptom = "none";
    int rc = DNNR_OK;
    dnnr_lint_finding f;
    memset(&f, 0, sizeof f);
    f.layer = -1;
    if (o.status != DNNR_TRIAL_OK) {
        f.rule = o.status == DNNR_TRIAL_DIVERGED ? "train-diverged"
                 : o.status == DNNR_TRIAL_INVALID ? "train-invalid"
                                                  : "train-failed";
        f.confidence = o.status == DNNR_TRIAL_INVALID ? 1.0 : o.status == DNNR_TRIAL_DIVERGED ? 0.9 : 0.5;
        snprintf(f.message, sizeof f.message, "the training ended %s: %.200s",
                 dnnr__trial_status_name(o.status), o.message);
        if (o.status == DNNR_TRIAL_DIVERGED)
            name_params(&f, rt->model, symptom_keys[AT_EG]);
        rc = append(out, &f);
    }
    const dnnr_epoch_record **epochs = dnnr__alloc(o.n_epochs + 1, sizeof *epochs);
    if (!epochs)
        rc = DNNR_ENOMEM;
    if (rc == DNNR_OK && o.n_epochs) {
        for (uint32_t i = 0; i < o.n_epochs; i++)
            epochs[i] = &o.epochs[i];
        at_params p;
        at_params_default(&p);
        p.epochs = o.n_epochs;
        p.regression = rt->subject->task == DNNR_TASK_REGRESSION;
        at_features feat;
        uint32_t at = 0;
        at_problem pr = at_scan(&p, epochs, o.n_epochs, &at, &feat);
        if (pr != AT_NONE) {
            memset(&f, 0, sizeof f);
            f.layer = -1;
            f.rule = symptom_rule(pr);
            f.confidence = 0.6;
            describe(f.message, sizeof f.message, pr, at, &feat, (int)p.regression);
            name_params(&f, rt->model, symptom_keys[pr]);
            summary->symptom = at_problem_name(pr);
            summary->symptom_epoch = at + 1;
            rc = append(out, &f);
        }
    }
    dnnr__free(epochs);
    dnnr__outcome_clear(&o);
    if (rc)
        return dnnr__error_set(err, rc, "out of memory");
    dnnr__lint_report_sort(out);
    return DNNR_OK;
}
