/* Report cells: one (subject, searcher, budget) with its repeats' final
 * values and the columns the metric plugins computed for it. */
#ifndef DNNR_REPORT_CELLS_H
#define DNNR_REPORT_CELLS_H

#include "registry/registry.h"
#include "util/buf.h"
#include "report/journal_model.h"

#define REP_MAX_COLUMNS 32

/* Patch minimisation in one cell (minimise_report.c): sums over the runs
 * whose "#min" record says their patch was a repair and was minimised. */
typedef struct rep_min {
    size_t runs;        /* runs with a minimisation record */
    size_t repairs;     /* of them, patches significantly better than faulty: minimised */
    size_t significant; /* of those, minimised patches still significantly better */
    size_t trials;      /* #min trainings, every run */
    double cost;        /* their cost units (faulty trainings) */
    double candidates;  /* candidates judged, summed over repairs */
    double cx_before, cx_after;    /* complexity sums */
    double aj_before, aj_after;    /* AJ (study rule) sums, over n_aj */
    double aji_before, aji_after;  /* AJ (intended rule) sums, over n_aj */
    size_t n_aj;                   /* repairs of subjects with a fix */
} rep_min;

typedef struct rep_cell {
    size_t subject;
    const char *searcher;
    double budget;
    double *values;              /* final value per repeat, repeat order */
    const dnnr_value **patches;  /* chosen configuration per repeat (may be NULL) */
    uint32_t *patch_edits;       /* its trial extras' edits per repeat (0 = none) */
    size_t n_values;
    size_t trials, failed;
    double mu, sigma;            /* over repeats, population std */
    double regret_mu, regret_sigma; /* analytic subjects */
    size_t n_columns;
    char *column_names[REP_MAX_COLUMNS];
    double column_values[REP_MAX_COLUMNS];
    rep_min min;
} rep_cell;

typedef struct rep_cells {
    rep_cell *items;
    size_t n;
} rep_cells;

/** Group runs into cells sorted by (subject, searcher, budget). */
int dnnr__rep_cells_build(const rep_model *m, rep_cells *out);
/** Run each metric plugin (all found when names is empty) on the cells with references. */
int dnnr__rep_cells_measure(rep_cells *cells, const rep_model *m, const dnnr_registry *reg,
                            const char *const *names, size_t n_names, dnnr_error *err);
void dnnr__rep_cells_free(rep_cells *cells);
/** A column's value, NaN when absent. */
double dnnr__rep_column(const rep_cell *c, const char *name);

/* minimise_report.c */
/** Fill each cell's rep_min from the runs' minimisation records. */
int dnnr__rep_cells_minimise(rep_cells *cells, const rep_model *m);
/** summary.csv's minimisation header and a cell's values (journals with #min runs only). */
void dnnr__rep_min_csv_header(dnnr_buf *b);
void dnnr__rep_min_csv_row(dnnr_buf *b, const rep_cell *c);
/** report.md's minimisation table per technique and budget. */
void dnnr__rep_min_markdown(dnnr_buf *b, const rep_model *m, const rep_cells *cells,
                            const double *budgets, size_t n_budgets, const char **searchers,
                            size_t n_searchers);

/* tables.c */
void dnnr__rep_write_csv(dnnr_buf *b, const rep_model *m, const rep_cells *cells);
void dnnr__rep_write_markdown(dnnr_buf *b, const rep_model *m, const rep_cells *cells);

#endif
