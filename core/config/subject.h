/* Subject files: one faulty model (or analytic function) to repair. The
 * space, faulty and fix values of a DNN subject come from the file; those of
 * an analytic subject come from its loader plugin (see core/run/subject_load). */
#ifndef DNNR_CONFIG_SUBJECT_H
#define DNNR_CONFIG_SUBJECT_H

#include <libconfig.h>

#include <dnnrepair/dnnrepair.h>

#include "util/error.h"

typedef enum dnnr_task {
    DNNR_TASK_ANALYTIC = 0,
    DNNR_TASK_CLASSIFICATION = 1,
    DNNR_TASK_REGRESSION = 2,
} dnnr_task;

typedef struct dnnr_subject {
    char *file;
    config_t cfg; /* kept open: the groups below point into it */
    const char *id, *description;
    dnnr_task task;
    const char *metric_name;
    int maximise;
    dnnr_metric_kind metric_kind;
    const char *loader;                /* dataset.loader */
    const config_setting_t *dataset;   /* the loader's options (and `loader`) */
    double split_test_size;            /* search/holdout split of the test part */
    int64_t split_seed;
    /* From the file for DNN subjects; filled by the loader for analytic ones.
     * `search_space` is what searchers see; `space` is the same parameters
     * with reference-only values added (a fix outside the study's space), so
     * every searched configuration is also a configuration of `space`.
     * Pinned parameters (`pinned = true`: not searched, as a fault the study
     * hard-coded) are the last ones of `space`; `search_space` holds the
     * first n_searched, so a searched configuration is the head of a full
     * one and the faulty values give the rest. */
    dnnr_space *search_space;
    dnnr_space *space;
    uint32_t n_searched;
    dnnr_value *faulty;
    dnnr_value *fix; /* NULL when the file gives none */
    double optimum;  /* analytic: f*; NaN otherwise */
    /* What multi-fidelity searchers may vary (`fidelity = { kind; min; max; }`);
     * kind NONE when the file gives none (DNN subjects then default to epochs
     * from 1 to the faulty configuration's). */
    dnnr_fidelity_kind fidelity_kind;
    double fidelity_min, fidelity_max;
    const config_setting_t *model, *training, *provenance, *paper, *validated;
} dnnr_subject;

/** Parse and check a subject file. */
int dnnr__subject_read(const char *path, dnnr_subject **out, dnnr_error *err);
void dnnr__subject_destroy(dnnr_subject *s);
/** Set the space and start of an analytic subject (copies them). */
int dnnr__subject_set_analytic(dnnr_subject *s, const dnnr_space *space, const dnnr_value *start,
                               double optimum, dnnr_error *err);
const char *dnnr__task_name(dnnr_task task);
/** Nonzero when @p name is a pinned parameter of @p s (in `space`, never searched). */
int dnnr__subject_pinned(const dnnr_subject *s, const char *name);

#endif
