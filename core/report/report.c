/* Reports from trials.jsonl alone: summary.csv, report.md and the figures.
 * Cells are sorted (subject, searcher, budget) and metrics run in name
 * order, so the files depend on the set of trials only, never on the order
 * workers finished them in. */
#include "report/report.h"

#include <math.h>
#include <string.h>

#include "report/cells.h"
#include "report/figures.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/io.h"
#include "util/json.h"

static int write_figures(const char *dir, const rep_model *m, const rep_cells *cells, dnnr_error *err)
{
    dnnr_fig_cell *figs = dnnr__alloc(cells->n + 1, sizeof *figs);
    if (!figs)
        return dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
    size_t n = 0;
    for (size_t i = 0; i < cells->n; i++) {
        const rep_cell *c = &cells->items[i];
        const rep_subject *s = &m->subjects[c->subject];
        if (s->analytic)
            continue;
        figs[n++] = (dnnr_fig_cell){
            .subject = s->id, .searcher = c->searcher, .budget = c->budget,
            .maximise = s->maximise, .metric = s->metric, .values = c->values,
            .n_values = c->n_values, .faulty_mean = s->faulty_mean, .fix_mean = s->fix_mean,
            .ir = dnnr__rep_column(c, "ir"), .complexity = dnnr__rep_column(c, "complexity"),
            .fix_complexity = dnnr__rep_column(c, "complexity_fix"),
            .significant = dnnr__rep_column(c, "significant") == 1.0};
    }
    int rc = dnnr__figures_write(dir, figs, n, err);
    dnnr__free(figs);
    return rc;
}

/* The experiment's `metrics`, as the journal recorded them (empty = all). */
static size_t metric_names(const rep_model *m, const char **names, size_t cap)
{
    const dnnr_json *list = m->experiment ? dnnr__json_get(m->experiment, "metrics") : NULL;
    size_t n = 0;
    for (const dnnr_json *e = list ? list->child : NULL; e && n < cap; e = e->next)
        if (e->type == DNNR_JSON_STRING)
            names[n++] = e->string;
    return n;
}

int dnnr__report_write(const char *dir, const dnnr_registry *reg, dnnr_error *err)
{
    char *trials = dnnr__asprintf("%s/trials.jsonl", dir);
    if (!trials)
        return dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
    rep_model m;
    int rc = dnnr__rep_model_read(trials, &m, err);
    dnnr__free(trials);
    if (rc)
        return rc;
    rep_cells cells = {0};
    const char *names[64];
    size_t n_names = metric_names(&m, names, 64);
    rc = dnnr__rep_cells_build(&m, &cells);
    if (!rc)
        rc = dnnr__rep_cells_minimise(&cells, &m);
    if (rc)
        dnnr__error_set(err, rc, "out of memory");
    else
        rc = dnnr__rep_cells_measure(&cells, &m, reg, names, n_names, err);
    dnnr_buf csv = {0}, md = {0};
    char *csv_path = dnnr__asprintf("%s/summary.csv", dir);
    char *md_path = dnnr__asprintf("%s/report.md", dir);
    if (!rc) {
        dnnr__rep_write_csv(&csv, &m, &cells);
        dnnr__rep_write_markdown(&md, &m, &cells);
        if (!csv_path || !md_path || csv.failed || md.failed)
            rc = dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
        else if (dnnr__write_file_atomic(csv_path, csv.data, csv.len) ||
                 dnnr__write_file_atomic(md_path, md.data, md.len))
            rc = dnnr__error_set(err, DNNR_EIO, "%s: cannot write the report files", dir);
    }
    if (!rc)
        rc = write_figures(dir, &m, &cells, err);
    dnnr__free(csv_path);
    dnnr__free(md_path);
    dnnr__buf_free(&csv);
    dnnr__buf_free(&md);
    dnnr__rep_cells_free(&cells);
    dnnr__rep_model_free(&m);
    return rc;
}
