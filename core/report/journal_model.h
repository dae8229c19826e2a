/* trials.jsonl read back as the report needs it: the experiment record, each
 * subject (space, faulty and fix configurations, the paper's numbers), the
 * reference trainings, and every run with the study's choice of its patch. */
#ifndef DNNR_REPORT_JOURNAL_MODEL_H
#define DNNR_REPORT_JOURNAL_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include <dnnrepair/dnnrepair.h>

#include "util/error.h"
#include "util/json.h"

typedef struct rep_subject {
    const char *id, *metric;
    int maximise, analytic;
    double optimum;
    double max_fidelity;       /* trials below it are not candidate patches (NaN: unknown) */
    dnnr_space *space;         /* NULL when the journal has no subject record */
    dnnr_value *faulty, *fix;  /* NULL when unknown */
    const dnnr_json *paper;    /* the subject file's `paper` group, or NULL */
    double *faulty_values, *fix_values; /* reference holdout metrics */
    size_t n_faulty, n_fix;
    double faulty_mean, fix_mean;       /* NaN without references */
} rep_subject;

typedef struct rep_run {
    size_t subject;
    const char *searcher;
    double budget;
    int64_t repeat;
    size_t trials, failed;
    const dnnr_json **lines; /* its trials, journal order */
    double *final_values;    /* holdout metrics of the chosen patch's final retrainings */
    size_t n_final;
    double final;            /* the study's value: chosen patch's holdout, clamped */
    dnnr_value *patch;       /* the chosen trial's configuration, or NULL */
    uint32_t patch_edits;    /* the edits of the chosen trial's extras (SDK 1.2), 0 = none */
    /* Patch minimisation ("<label>#min"): its trials' count and cost units,
     * and its result record (NULL when it has none, e.g. interrupted). */
    size_t min_trials;
    double min_cost;
    const dnnr_json *minimised;
} rep_run;

typedef struct rep_model {
    dnnr_json **lines;
    size_t n_lines;
    const dnnr_json *experiment;
    rep_subject *subjects;
    size_t n_subjects;
    rep_run *runs;
    size_t n_runs;
    int has_minimise;        /* the journal has #min trials or records */
} rep_model;

int dnnr__rep_model_read(const char *trials_path, rep_model *m, dnnr_error *err);
void dnnr__rep_model_free(rep_model *m);

#endif
