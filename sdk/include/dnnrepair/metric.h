/**
 * @file metric.h
 * @brief The metric plugin kind: statistics of one report cell.
 *
 * A cell is one (subject, searcher, budget) with its repeats. A metric plugin
 * turns the cell into named numeric columns of summary.csv and report.md
 * (e.g. "p_wilcoxon", "ir", "sigma").
 */
#ifndef DNNREPAIR_METRIC_H
#define DNNREPAIR_METRIC_H

#include <stdint.h>

#include "host.h"
#include "space.h"

/** One report cell. Host-owned, valid during compute(). @since 1.0 */
typedef struct dnnr_cell {
    uint32_t struct_size;
    const char *subject, *searcher;
    double budget;      /**< the budget multiplier (k) or evaluation count */
    int maximise;       /**< nonzero when higher metric values are better */
    const dnnr_space *space;
    const dnnr_value *faulty; /**< faulty configuration; may be NULL */
    const dnnr_value *fix;    /**< ground-truth fix; may be NULL */
    uint32_t n_faulty, n_fix;
    const double *faulty_values, *fix_values; /**< reference metric samples */
    uint32_t n_repeats;
    const double *patched_values;     /**< final value per repeat */
    const dnnr_value *const *patches; /**< best patch per repeat; entries may be NULL */
    /**
     * @since 1.2. Per repeat: the edits the patch's trial extras make beyond
     * its configuration (dnnr_trial_extras: batch norm, clipping, momentum,
     * noise, a schedule; one each), 0 = none; NULL when unknown. Read only
     * when struct_size covers it.
     */
    const uint32_t *patch_edits;
} dnnr_cell;

/** Where compute() writes its columns. @since 1.0 */
typedef struct dnnr_column_sink {
    uint32_t struct_size;
    void *ctx;
    /** Add a column; NaN means "not applicable". The name is copied. */
    void (*put)(void *ctx, const char *column, double value);
} dnnr_column_sink;

/** Everything a metric instance starts from. @since 1.0 */
typedef struct dnnr_metric_init {
    uint32_t struct_size;
    const dnnr_host *host;
} dnnr_metric_init;

/** A metric instance; defined by the plugin. */
typedef struct dnnr_metric dnnr_metric;

/** The metric kind's function table. @since 1.0 */
typedef struct dnnr_metric_iface {
    uint32_t struct_size;
    int (*create)(const dnnr_metric_init *init, dnnr_metric **out); /**< Required. */
    void (*destroy)(dnnr_metric *m);                                /**< NULL is a no-op. */
    /** Write this metric's columns for @p cell. Required. */
    int (*compute)(dnnr_metric *m, const dnnr_cell *cell, const dnnr_column_sink *sink);
} dnnr_metric_iface;

#endif
