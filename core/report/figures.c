/* dnnr__figures_write: index the cells once, then let each figure writer draw
 * its SVG into memory and write it atomically, so a failed run never leaves a
 * half-written figure behind. */
#include "report/figures.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/figures_internal.h"
#include "util/alloc.h"
#include "util/io.h"

const dnnr_fig_cell *dnnr__fig_at(const dnnr_fig_index *ix, size_t subject, size_t technique,
                                  size_t budget)
{
    return ix->grid[(subject * ix->n_techniques + technique) * ix->n_budgets + budget];
}

const dnnr_fig_cell *dnnr__fig_subject_cell(const dnnr_fig_index *ix, size_t subject)
{
    for (size_t t = 0; t < ix->n_techniques; t++)
        for (size_t b = 0; b < ix->n_budgets; b++)
            if (dnnr__fig_at(ix, subject, t, b))
                return dnnr__fig_at(ix, subject, t, b);
    return NULL;
}

double dnnr__fig_subject_value(const dnnr_fig_index *ix, size_t subject, size_t field_offset)
{
    for (size_t t = 0; t < ix->n_techniques; t++)
        for (size_t b = 0; b < ix->n_budgets; b++) {
            const dnnr_fig_cell *c = dnnr__fig_at(ix, subject, t, b);
            if (!c)
                continue;
            double v;
            memcpy(&v, (const char *)c + field_offset, sizeof v);
            if (isfinite(v))
                return v;
        }
    return NAN;
}

void dnnr__fig_budget_label(double budget, char *out, size_t cap)
{
    /* "×" (U+00D7): the study writes budgets as multiples of one training */
    if (budget == floor(budget) && fabs(budget) < 1e9)
        snprintf(out, cap, "\xc3\x97%.0f", budget);
    else
        snprintf(out, cap, "\xc3\x97%.3g", budget);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

size_t dnnr__fig_finite_sorted(const double *v, size_t n, double *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (v && isfinite(v[i]))
            out[k++] = v[i];
    qsort(out, k, sizeof *out, cmp_double);
    return k;
}

double dnnr__fig_quantile(const double *sorted, size_t n, double p)
{
    if (n == 0)
        return NAN;
    double pos = p * (double)(n - 1);
    size_t lo = (size_t)floor(pos);
    if (lo + 1 >= n)
        return sorted[n - 1];
    return sorted[lo] + (pos - (double)lo) * (sorted[lo + 1] - sorted[lo]);
}

static size_t find_name(const char **names, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(names[i], name))
            return i;
    return SIZE_MAX;
}

static size_t find_budget(const double *budgets, size_t n, double budget)
{
    for (size_t i = 0; i < n; i++)
        if (budgets[i] == budget)
            return i;
    return SIZE_MAX;
}

static void index_free(dnnr_fig_index *ix)
{
    dnnr__free(ix->subjects);
    dnnr__free(ix->techniques);
    dnnr__free(ix->budgets);
    dnnr__free(ix->grid);
    *ix = (dnnr_fig_index){0};
}

static int index_build(dnnr_fig_index *ix, const dnnr_fig_cell *cells, size_t n, dnnr_error *err)
{
    *ix = (dnnr_fig_index){0};
    for (size_t i = 0; i < n; i++)
        if (!cells[i].subject || !cells[i].searcher || !isfinite(cells[i].budget))
            return dnnr__error_set(err, DNNR_EINVAL,
                                   "figure cell %zu has no subject, searcher or finite budget", i);
    size_t room = n ? n : 1;
    ix->subjects = dnnr__alloc(room, sizeof *ix->subjects);
    ix->techniques = dnnr__alloc(room, sizeof *ix->techniques);
    ix->budgets = dnnr__alloc(room, sizeof *ix->budgets);
    if (!ix->subjects || !ix->techniques || !ix->budgets)
        goto nomem;
    for (size_t i = 0; i < n; i++) {
        if (find_name(ix->subjects, ix->n_subjects, cells[i].subject) == SIZE_MAX)
            ix->subjects[ix->n_subjects++] = cells[i].subject;
        if (find_name(ix->techniques, ix->n_techniques, cells[i].searcher) == SIZE_MAX)
            ix->techniques[ix->n_techniques++] = cells[i].searcher;
        if (find_budget(ix->budgets, ix->n_budgets, cells[i].budget) == SIZE_MAX)
            ix->budgets[ix->n_budgets++] = cells[i].budget;
    }
    qsort(ix->budgets, ix->n_budgets, sizeof *ix->budgets, cmp_double);
    size_t per_subject = ix->n_techniques * ix->n_budgets;
    if (per_subject && ix->n_subjects > SIZE_MAX / per_subject)
        goto nomem;
    ix->grid = dnnr__alloc(per_subject * ix->n_subjects + 1, sizeof *ix->grid);
    if (!ix->grid)
        goto nomem;
    for (size_t i = 0; i < n; i++) {
        size_t s = find_name(ix->subjects, ix->n_subjects, cells[i].subject);
        size_t t = find_name(ix->techniques, ix->n_techniques, cells[i].searcher);
        size_t b = find_budget(ix->budgets, ix->n_budgets, cells[i].budget);
        const dnnr_fig_cell **slot = &ix->grid[(s * ix->n_techniques + t) * ix->n_budgets + b];
        if (!*slot) /* a duplicate cell: the first one wins, as in the tables */
            *slot = &cells[i];
    }
    return DNNR_OK;
nomem:
    index_free(ix);
    return dnnr__error_set(err, DNNR_ENOMEM, "out of memory indexing the figure cells");
}

typedef int (*figure_fn)(const dnnr_fig_index *ix, dnnr_svg *s);

static int write_figure(const char *plots, const char *name, figure_fn draw,
                        const dnnr_fig_index *ix, dnnr_error *err)
{
    dnnr_svg s = {0};
    int rc = draw(ix, &s);
    char *path = rc ? NULL : dnnr__asprintf("%s/%s", plots, name);
    if (!rc && !path)
        rc = DNNR_ENOMEM;
    if (!rc)
        rc = dnnr__write_file_atomic(path, s.buf.data, s.buf.len);
    if (rc == DNNR_ENOMEM)
        dnnr__error_set(err, rc, "out of memory drawing %s", name);
    else if (rc)
        dnnr__error_set(err, rc, "cannot write %s", path ? path : name);
    dnnr__free(path);
    dnnr__svg_free(&s);
    return rc;
}

int dnnr__figures_write(const char *dir, const dnnr_fig_cell *cells, size_t n, dnnr_error *err)
{
    if (!dir || !*dir || (n && !cells))
        return dnnr__error_set(err, DNNR_EINVAL, "figures: no output folder or no cells");
    dnnr_fig_index ix;
    int rc = index_build(&ix, cells, n, err);
    if (rc)
        return rc;
    char *plots = dnnr__asprintf("%s/plots", dir);
    if (!plots) {
        index_free(&ix);
        return dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
    }
    rc = dnnr__mkdirs(plots);
    if (rc)
        dnnr__error_set(
            err, rc, rc == DNNR_ENOMEM ? "out of memory creating %s" : "cannot create %s", plots);
    if (!rc)
        rc = write_figure(plots, "ir.svg", dnnr__fig_ir, &ix, err);
    if (!rc)
        rc = write_figure(plots, "boxplots.svg", dnnr__fig_boxplots, &ix, err);
    if (!rc)
        rc = write_figure(plots, "complexity.svg", dnnr__fig_complexity, &ix, err);
    dnnr__free(plots);
    index_free(&ix);
    return rc;
}
