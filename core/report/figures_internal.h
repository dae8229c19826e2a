/* What the three figure writers share: the cells indexed by subject,
 * technique and budget (in a fixed order, so the same cells give the same
 * bytes) and a few robust summaries that skip NaN. */
#ifndef DNNR_REPORT_FIGURES_INTERNAL_H
#define DNNR_REPORT_FIGURES_INTERNAL_H

#include <stddef.h>

#include "report/figures.h"
#include "report/svg.h"

typedef struct dnnr_fig_index {
    const char **subjects; /* in order of first appearance */
    size_t n_subjects;
    const char **techniques; /* in order of first appearance; colour i is technique i */
    size_t n_techniques;
    double *budgets; /* ascending, distinct */
    size_t n_budgets;
    const dnnr_fig_cell **grid; /* [subject][technique][budget], NULL where no cell */
} dnnr_fig_index;

/** The cell for (subject, technique, budget), or NULL. */
const dnnr_fig_cell *dnnr__fig_at(const dnnr_fig_index *ix, size_t subject, size_t technique,
                                  size_t budget);
/** The subject's first cell (its metric, direction and reference means), or NULL. */
const dnnr_fig_cell *dnnr__fig_subject_cell(const dnnr_fig_index *ix, size_t subject);
/** The first finite value of a field over the subject's cells (offset into dnnr_fig_cell), or NaN.
 */
double dnnr__fig_subject_value(const dnnr_fig_index *ix, size_t subject, size_t field_offset);

/** "x10" style label of a budget (the multiplier k), written into out. */
void dnnr__fig_budget_label(double budget, char *out, size_t cap);

/** Sort the finite values of v[0..n) into out (room for n); returns how many. */
size_t dnnr__fig_finite_sorted(const double *v, size_t n, double *out);
/** Quantile p of sorted[0..n) by linear interpolation (numpy's default); NaN when n == 0. */
double dnnr__fig_quantile(const double *sorted, size_t n, double p);

/* The figures, each into a fresh SVG document. */
int dnnr__fig_ir(const dnnr_fig_index *ix, dnnr_svg *s);
int dnnr__fig_complexity(const dnnr_fig_index *ix, dnnr_svg *s);
int dnnr__fig_boxplots(const dnnr_fig_index *ix, dnnr_svg *s);

#endif
