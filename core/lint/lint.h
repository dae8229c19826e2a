/* The static model lint: rules over a subject's resolved model, training
 * setup and data set that flag likely faults before anything is trained,
 * each with a confidence, the template line and the search-space parameters
 * involved. `dnnrepair lint` prints them; searchers get them as per-parameter
 * hints (dnnr_param_hint, SDK 1.1). README.md in this folder documents every
 * rule: what it looks at, why, and its confidence. */
#ifndef DNNR_LINT_LINT_H
#define DNNR_LINT_LINT_H

#include <stddef.h>
#include <stdint.h>

#include <dnnrepair/dnnrepair.h>

#include "config/subject.h"
#include "util/error.h"

struct dnnr_model_template;

/** One finding. */
typedef struct dnnr_lint_finding {
    const char *rule;  /**< stable id, e.g. "softmax-single-unit" (static storage) */
    double confidence; /**< in [0, 1]: how likely the finding is a real fault */
    uint32_t line;     /**< template line, 0 if none (data findings) */
    int32_t layer;     /**< template layer index, -1 for training and data findings */
    char message[256];
    uint32_t n_params;
    char params[4][64]; /**< names of the space parameters involved (none: outside the space) */
} dnnr_lint_finding;

/** The findings of one run, sorted by confidence (highest first), then line. */
typedef struct dnnr_lint_report {
    size_t n;
    dnnr_lint_finding *findings;
} dnnr_lint_report;

/**
 * Lint configuration @p config (values of s->space, the full space) of a
 * data-set subject whose template @p t was parsed and checked against
 * s->space. @p data may be NULL: the rules that need the data set (label
 * shapes, parameter updates, target ranges, input scales) are then skipped.
 * Fills @p out (free with dnnr__lint_report_clear, also after a failure);
 * DNNR_OK, DNNR_EINVAL when the configuration does not resolve, DNNR_ENOMEM.
 */
int dnnr__lint_run(const dnnr_subject *s, const struct dnnr_model_template *t,
                   const dnnr_dataset *data, const dnnr_value *config, dnnr_lint_report *out,
                   dnnr_error *err);
void dnnr__lint_report_clear(dnnr_lint_report *r);
/** Restore the report's order (confidence, highest first; then line; then rule id). */
void dnnr__lint_report_sort(dnnr_lint_report *r);

/**
 * Hints for s->search_space at s->faulty: each parameter's role (see
 * dnnr_param_hint::role: from the template field(s) it is referenced in;
 * "other" when they disagree, "unused" when none), suspicion = the highest
 * confidence of the findings naming it (0 when none), reasons = their rule
 * ids, comma-separated, most confident first.
 */
typedef struct dnnr_lint_hints dnnr_lint_hints;
int dnnr__lint_hints_make(const dnnr_subject *s, const struct dnnr_model_template *t,
                          const dnnr_dataset *data, dnnr_lint_hints **out, dnnr_error *err);
/** search_space->n_params entries, valid until dnnr__lint_hints_free. */
const dnnr_param_hint *const *dnnr__lint_hints_array(const dnnr_lint_hints *h);
void dnnr__lint_hints_free(dnnr_lint_hints *h);

/** What `lint --train`'s training gave. */
typedef struct dnnr_lint_training {
    dnnr_trial_status status;
    char message[256];
    double metric; /**< on the search part */
    double seconds;
    uint32_t n_epochs;
    const char *symptom;    /**< AutoTrainer's problem name, "none" when none */
    uint32_t symptom_epoch; /**< 1-based epoch of its detection */
} dnnr_lint_training;

struct dnnr_subject_rt;

/**
 * Train @p config of an opened data-set subject once, in this process, with
 * gradient indicators, and append to @p out (then re-sorted) what went
 * wrong: a failed training, and the first problem AutoTrainer's detection
 * rules (default thresholds) report. @p summary gets the training's result.
 * DNNR_OK or DNNR_ENOMEM; a failed training is a finding, not an error.
 */
int dnnr__lint_train(const struct dnnr_subject_rt *rt, const dnnr_value *config, uint64_t seed,
                     dnnr_lint_report *out, dnnr_lint_training *summary, dnnr_error *err);

/** The role of parameter @p name in @p t (the vocabulary of dnnr_param_hint::role). */
const char *dnnr__lint_param_role(const struct dnnr_model_template *t, const char *name);

#endif
