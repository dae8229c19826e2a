/* Grouping runs into cells and asking the metric plugins about them. */
#include "report/cells.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "host/host.h"
#include "util/alloc.h"

/* A run with its subject's name beside it, so qsort needs no context. */
typedef struct run_ref {
    const char *subject;
    const rep_run *run;
} run_ref;

static int cmp_runs(const void *a, const void *b)
{
    const run_ref *p = a, *q = b;
    const rep_run *x = p->run, *y = q->run;
    int c = strcmp(p->subject, q->subject);
    if (!c)
        c = strcmp(x->searcher, y->searcher);
    if (!c)
        c = (x->budget > y->budget) - (x->budget < y->budget);
    if (!c)
        c = (x->repeat > y->repeat) - (x->repeat < y->repeat);
    return c;
}

static void summarise(rep_cell *c, const rep_subject *s)
{
    double sum = 0, sq = 0, rsum = 0, rsq = 0;
    size_t n = 0;
    for (size_t i = 0; i < c->n_values; i++) {
        double v = c->values[i];
        if (!isfinite(v))
            continue;
        double r = fabs(v - s->optimum);
        sum += v;
        sq += v * v;
        rsum += r;
        rsq += r * r;
        n++;
    }
    c->mu = n ? sum / (double)n : NAN;
    c->sigma = n ? sqrt(fmax(sq / (double)n - c->mu * c->mu, 0)) : NAN;
    c->regret_mu = n && isfinite(s->optimum) ? rsum / (double)n : NAN;
    c->regret_sigma = n && isfinite(s->optimum)
                          ? sqrt(fmax(rsq / (double)n - c->regret_mu * c->regret_mu, 0))
                          : NAN;
}

int dnnr__rep_cells_build(const rep_model *m, rep_cells *out)
{
    memset(out, 0, sizeof *out);
    run_ref *refs = dnnr__alloc(m->n_runs + 1, sizeof *refs);
    out->items = dnnr__alloc(m->n_runs + 1, sizeof *out->items);
    if (!refs || !out->items) {
        dnnr__free(refs);
        dnnr__free(out->items);
        return DNNR_ENOMEM;
    }
    for (size_t i = 0; i < m->n_runs; i++)
        refs[i] = (run_ref){m->subjects[m->runs[i].subject].id, &m->runs[i]};
    qsort(refs, m->n_runs, sizeof *refs, cmp_runs);
    const rep_run **order = dnnr__alloc(m->n_runs + 1, sizeof *order);
    for (size_t i = 0; order && i < m->n_runs; i++)
        order[i] = refs[i].run;
    dnnr__free(refs);
    if (!order)
        return DNNR_ENOMEM;
    for (size_t i = 0; i < m->n_runs;) {
        size_t j = i;
        while (j < m->n_runs && order[j]->subject == order[i]->subject &&
               order[j]->budget == order[i]->budget && !strcmp(order[j]->searcher, order[i]->searcher))
            j++;
        rep_cell *c = &out->items[out->n++];
        c->subject = order[i]->subject;
        c->searcher = order[i]->searcher;
        c->budget = order[i]->budget;
        c->n_values = j - i;
        c->values = dnnr__alloc(c->n_values, sizeof *c->values);
        c->patches = dnnr__alloc(c->n_values, sizeof *c->patches);
        c->patch_edits = dnnr__alloc(c->n_values, sizeof *c->patch_edits);
        if (!c->values || !c->patches || !c->patch_edits) {
            dnnr__free(order);
            return DNNR_ENOMEM;
        }
        for (size_t k = i; k < j; k++) {
            c->values[k - i] = order[k]->final;
            c->patches[k - i] = order[k]->patch;
            c->patch_edits[k - i] = order[k]->patch_edits;
            c->trials += order[k]->trials;
            c->failed += order[k]->failed;
        }
        summarise(c, &m->subjects[c->subject]);
        i = j;
    }
    dnnr__free(order);
    return DNNR_OK;
}

typedef struct sink_ctx {
    rep_cell *cell;
} sink_ctx;

static void put_column(void *ctx, const char *column, double value)
{
    rep_cell *c = ((sink_ctx *)ctx)->cell;
    for (size_t i = 0; i < c->n_columns; i++) {
        if (!strcmp(c->column_names[i], column)) {
            c->column_values[i] = value;
            return;
        }
    }
    if (c->n_columns == REP_MAX_COLUMNS)
        return;
    char *name = dnnr__strdup(column);
    if (!name)
        return;
    c->column_names[c->n_columns] = name;
    c->column_values[c->n_columns++] = value;
}

static int measure_one(const dnnr_plugin *p, rep_cells *cells, const rep_model *m, dnnr_error *err)
{
    const dnnr_metric_iface *iface = p->desc->iface;
    dnnr_host *host = dnnr__host_create_simple(p->desc->name, 0, NULL, err);
    if (!host)
        return DNNR_ENOMEM;
    dnnr_metric_init init = {.struct_size = sizeof init, .host = host};
    dnnr_metric *metric = NULL;
    int rc = iface->create(&init, &metric);
    if (rc) {
        dnnr__error_set(err, rc, "metric '%s': %s", p->desc->name, dnnr__host_last_error(host));
        dnnr__host_destroy(host);
        return rc;
    }
    for (size_t i = 0; i < cells->n && !rc; i++) {
        rep_cell *c = &cells->items[i];
        const rep_subject *s = &m->subjects[c->subject];
        if (s->analytic || s->n_faulty == 0)
            continue; /* the study's statistics compare against the faulty model's runs */
        sink_ctx ctx = {c};
        dnnr_column_sink sink = {.struct_size = sizeof sink, .ctx = &ctx, .put = put_column};
        dnnr_cell cell = {
            .struct_size = sizeof cell, .subject = s->id, .searcher = c->searcher,
            .budget = c->budget, .maximise = s->maximise, .space = s->space, .faulty = s->faulty,
            .fix = s->fix, .n_faulty = (uint32_t)s->n_faulty, .n_fix = (uint32_t)s->n_fix,
            .faulty_values = s->faulty_values, .fix_values = s->fix_values,
            .n_repeats = (uint32_t)c->n_values, .patched_values = c->values,
            .patches = s->space ? c->patches : NULL, .patch_edits = c->patch_edits};
        rc = iface->compute(metric, &cell, &sink);
        if (rc)
            dnnr__error_set(err, rc, "metric '%s' on %s x %s x %g: %s", p->desc->name, s->id,
                            c->searcher, c->budget, dnnr__host_last_error(host));
    }
    iface->destroy(metric);
    dnnr__host_destroy(host);
    return rc;
}

static int cmp_plugins(const void *a, const void *b)
{
    return strcmp((*(const dnnr_plugin *const *)a)->desc->name,
                  (*(const dnnr_plugin *const *)b)->desc->name);
}

int dnnr__rep_cells_measure(rep_cells *cells, const rep_model *m, const dnnr_registry *reg,
                            const char *const *names, size_t n_names, dnnr_error *err)
{
    if (!reg)
        return DNNR_OK;
    size_t n = dnnr__registry_count(reg), k = 0;
    const dnnr_plugin **chosen = dnnr__alloc(n + n_names + 1, sizeof *chosen);
    if (!chosen)
        return DNNR_ENOMEM;
    int rc = DNNR_OK;
    if (n_names) {
        for (size_t i = 0; i < n_names && !rc; i++) {
            chosen[k] = dnnr__registry_find(reg, DNNR_KIND_METRIC, names[i]);
            if (!chosen[k++])
                rc = dnnr__error_set(err, DNNR_ENOTFOUND, "no metric plugin named '%s'", names[i]);
        }
    } else { /* every metric found, in name order so reports are stable */
        for (size_t i = 0; i < n; i++)
            if (dnnr__registry_at(reg, i)->desc->kind == DNNR_KIND_METRIC)
                chosen[k++] = dnnr__registry_at(reg, i);
        qsort(chosen, k, sizeof *chosen, cmp_plugins);
    }
    for (size_t i = 0; i < k && !rc; i++)
        rc = measure_one(chosen[i], cells, m, err);
    dnnr__free(chosen);
    return rc;
}

double dnnr__rep_column(const rep_cell *c, const char *name)
{
    for (size_t i = 0; i < c->n_columns; i++)
        if (!strcmp(c->column_names[i], name))
            return c->column_values[i];
    return NAN;
}

void dnnr__rep_cells_free(rep_cells *cells)
{
    for (size_t i = 0; i < cells->n; i++) {
        for (size_t k = 0; k < cells->items[i].n_columns; k++)
            dnnr__free(cells->items[i].column_names[k]);
        dnnr__free(cells->items[i].values);
        dnnr__free((void *)cells->items[i].patches);
        dnnr__free(cells->items[i].patch_edits);
    }
    dnnr__free(cells->items);
    memset(cells, 0, sizeof *cells);
}
