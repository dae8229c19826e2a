/* The report's figures as standalone SVG files (no external tools): the
 * study's Figure 1 (improvement rate by technique and budget), Figure 2
 * (per-subject boxplots of the patched metric against the faulty and fixed
 * models) and Figure 3 (patch complexity by technique, with the developers'
 * fixes for comparison). */
#ifndef DNNR_REPORT_FIGURES_H
#define DNNR_REPORT_FIGURES_H

#include <stddef.h>

#include "util/error.h"

/** One report cell: a (subject, searcher, budget) with its repeats. */
typedef struct dnnr_fig_cell {
    const char *subject;
    const char *searcher;
    double budget;          /* the multiplier k (10, 20, 50, ...) */
    int maximise;           /* higher metric is better */
    const char *metric;     /* "accuracy", "loss", ... for axis labels */
    const double *values;   /* the final value of each repeat (study's rule) */
    size_t n_values;
    double faulty_mean, fix_mean; /* reference means (NaN when unknown) */
    double ir;              /* improvement rate of the cell (NaN when unknown) */
    double complexity;      /* mean patch complexity in [0, 1] (NaN when unknown) */
    double fix_complexity;  /* the developers' fix's complexity (NaN when unknown) */
    int significant;        /* Wilcoxon p < 0.05 and IR > 0 */
} dnnr_fig_cell;

/**
 * Write dir/plots/ir.svg, dir/plots/boxplots.svg and dir/plots/complexity.svg
 * (creating dir/plots). Output depends only on the cells (same input, same
 * bytes). Cells with NaN values are drawn as "n/a" or left out, never as
 * garbage coordinates.
 */
int dnnr__figures_write(const char *dir, const dnnr_fig_cell *cells, size_t n, dnnr_error *err);

#endif
