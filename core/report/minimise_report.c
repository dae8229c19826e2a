/* Patch minimisation in the report: per cell and per technique and budget,
 * the complexity and AJ of the patches before and after ddmin, the share of
 * minimised patches still significantly better than the faulty model, and
 * what minimisation cost. Everything comes from the "#min" trials and their
 * "minimised" records; a journal without them gets none of this, so older
 * reports stay byte for byte what they were. */
#include <math.h>
#include <string.h>

#include "minimise/minimise.h"
#include "report/cells.h"
#include "run/journal.h"
#include "stats/stats.h"
#include "util/alloc.h"

static rep_cell *cell_of(rep_cells *cells, const rep_run *run)
{
    for (size_t i = 0; i < cells->n; i++) {
        rep_cell *c = &cells->items[i];
        if (c->subject == run->subject && c->budget == run->budget &&
            !strcmp(c->searcher, run->searcher))
            return c;
    }
    return NULL;
}

/* The configuration of the run's trial `trial`, into config. */
static int trial_config(const rep_run *run, double trial, const dnnr_space *space,
                        dnnr_value *config)
{
    for (size_t i = 0; i < run->trials; i++)
        if (dnnr__json_num(run->lines[i], "trial") == trial)
            return dnnr__journal_config(dnnr__json_get(run->lines[i], "config"), space, config);
    return DNNR_ENOTFOUND;
}

/* A JSON array of numbers (null: a failed training, NaN). */
static size_t read_numbers(const dnnr_json *arr, double *out, size_t cap)
{
    size_t n = 0;
    for (const dnnr_json *e = arr ? arr->child : NULL; e && n < cap; e = e->next)
        out[n++] = e->type == DNNR_JSON_NUMBER ? e->number : NAN;
    return n;
}

/* @p edits: the patch's trial extras, kept by every ddmin candidate. */
static void add_repair(rep_min *acc, const rep_subject *s, const dnnr_value *patch,
                       const dnnr_value *minimised, unsigned edits)
{
    acc->cx_before += dnnr__patch_complexity_edits(s->space, s->faulty, patch, edits);
    acc->cx_after += dnnr__patch_complexity_edits(s->space, s->faulty, minimised, edits);
    if (s->fix) {
        acc->aj_before += dnnr__patch_jaccard(s->space, s->faulty, s->fix, patch, DNNR_AJ_STUDY);
        acc->aj_after += dnnr__patch_jaccard(s->space, s->faulty, s->fix, minimised, DNNR_AJ_STUDY);
        acc->aji_before +=
            dnnr__patch_jaccard(s->space, s->faulty, s->fix, patch, DNNR_AJ_INTENDED);
        acc->aji_after +=
            dnnr__patch_jaccard(s->space, s->faulty, s->fix, minimised, DNNR_AJ_INTENDED);
        acc->n_aj++;
    }
}

static int measure_run(rep_min *acc, const rep_model *m, const rep_run *run)
{
    const rep_subject *s = &m->subjects[run->subject];
    acc->trials += run->min_trials;
    acc->cost += run->min_cost;
    const dnnr_json *rec = run->minimised;
    if (!rec)
        return DNNR_OK; /* interrupted before its end: cost only */
    acc->runs++;
    const char *stopped = dnnr__json_str(rec, "stopped");
    if (!stopped || !strcmp(stopped, "no repair") || !s->space || !s->faulty)
        return DNNR_OK;
    uint32_t n = s->space->n_params;
    dnnr_value *patch = dnnr__alloc(n + 1, sizeof *patch);
    dnnr_value *minimised = dnnr__alloc(n + 1, sizeof *minimised);
    /* Fresh confirmation retrainings when the run made them: the values that
     * chose the patch would overstate it. */
    const dnnr_json *judged = dnnr__json_get(rec, "confirm_values");
    if (!judged)
        judged = dnnr__json_get(rec, "values");
    size_t cap = dnnr__json_length(judged) + 1;
    double *values = dnnr__alloc(cap, sizeof *values);
    int rc = patch && minimised && values ? DNNR_OK : DNNR_ENOMEM;
    if (!rc && !trial_config(run, dnnr__json_num(rec, "patch_trial"), s->space, patch) &&
        !dnnr__journal_config(dnnr__json_get(rec, "config"), s->space, minimised)) {
        acc->repairs++;
        acc->candidates += dnnr__json_num(rec, "candidates");
        double edits = dnnr__json_num(rec, "patch_edits"); /* absent before SDK 1.2: none */
        add_repair(acc, s, patch, minimised,
                   isfinite(edits) && edits > 0 ? (unsigned)edits : 0);
        size_t nv = read_numbers(judged, values, cap);
        double alpha = dnnr__json_num(rec, "alpha");
        acc->significant += s->n_faulty && nv &&
                            dnnr__minimise_better(values, nv, s->faulty_values, s->n_faulty,
                                                  s->maximise, isfinite(alpha) ? alpha : 0.05,
                                                  NULL);
    }
    dnnr__free(patch);
    dnnr__free(minimised);
    dnnr__free(values);
    return rc;
}

int dnnr__rep_cells_minimise(rep_cells *cells, const rep_model *m)
{
    int rc = DNNR_OK;
    for (size_t i = 0; i < m->n_runs && !rc && m->has_minimise; i++) {
        rep_cell *c = cell_of(cells, &m->runs[i]);
        if (c && !m->subjects[c->subject].analytic)
            rc = measure_run(&c->min, m, &m->runs[i]);
    }
    return rc;
}

static void number(dnnr_buf *b, double v)
{
    if (isfinite(v))
        dnnr__buf_printf(b, ",%.10g", v);
    else
        dnnr__buf_put(b, ",", 1);
}

static double ratio(double sum, size_t n) { return n ? sum / (double)n : NAN; }

void dnnr__rep_min_csv_header(dnnr_buf *b)
{
    dnnr__buf_printf(b, ",min_runs,min_repairs,min_significant,complexity_before,complexity_after,"
                        "aj_study_before,aj_study_after,aj_intended_before,aj_intended_after,"
                        "min_candidates,min_trials,min_cost_units");
}

void dnnr__rep_min_csv_row(dnnr_buf *b, const rep_cell *c)
{
    const rep_min *x = &c->min;
    dnnr__buf_printf(b, ",%zu,%zu,%zu", x->runs, x->repairs, x->significant);
    number(b, ratio(x->cx_before, x->repairs));
    number(b, ratio(x->cx_after, x->repairs));
    number(b, ratio(x->aj_before, x->n_aj));
    number(b, ratio(x->aj_after, x->n_aj));
    number(b, ratio(x->aji_before, x->n_aj));
    number(b, ratio(x->aji_after, x->n_aj));
    number(b, ratio(x->candidates, x->repairs));
    dnnr__buf_printf(b, ",%zu", x->trials);
    number(b, x->cost);
}

static void pool(rep_min *to, const rep_min *x)
{
    to->runs += x->runs;
    to->repairs += x->repairs;
    to->significant += x->significant;
    to->trials += x->trials;
    to->cost += x->cost;
    to->candidates += x->candidates;
    to->cx_before += x->cx_before;
    to->cx_after += x->cx_after;
    to->aj_before += x->aj_before;
    to->aj_after += x->aj_after;
    to->aji_before += x->aji_before;
    to->aji_after += x->aji_after;
    to->n_aj += x->n_aj;
}

void dnnr__rep_min_markdown(dnnr_buf *b, const rep_model *m, const rep_cells *cells,
                            const double *budgets, size_t n_budgets, const char **searchers,
                            size_t n_searchers)
{
    if (!m->has_minimise)
        return;
    dnnr__buf_printf(
        b, "\n### Patch minimisation\n\nEach run's patch was minimised by delta debugging "
           "(ddmin) over the hyperparameters it changes: a candidate keeps a subset of the "
           "changes and passes unless its retrainings are significantly worse than the full "
           "patch's (one-sided Mann-Whitney U), and, with `minimise_keep_repair` (the default), "
           "only while they stay significantly better than the faulty model's. A patch whose "
           "retrainings are not significantly better than the faulty model's reference "
           "trainings is no repair and is not minimised. *Still significant*: the minimised "
           "patch's fresh confirmation retrainings (`minimise_confirm`; the retrainings that "
           "judged it when there are none) are significantly better than the faulty references "
           "(one-sided Mann-Whitney U, p < the run's `minimise_alpha`). Complexity and AJ are means over the minimised patches, before "
           "-> after; cost counts every minimisation training in faulty trainings' cost units, "
           "per run.\n\n"
           "| technique | budget | runs | minimised | complexity | AJ (study) | AJ (intended) | "
           "still significant | candidates | cost |\n"
           "|---|---|---|---|---|---|---|---|---|---|\n");
    for (size_t k = 0; k < n_searchers; k++) {
        for (size_t j = 0; j < n_budgets; j++) {
            rep_min x = {0};
            for (size_t i = 0; i < cells->n; i++) {
                const rep_cell *c = &cells->items[i];
                if (!m->subjects[c->subject].analytic && c->budget == budgets[j] &&
                    !strcmp(c->searcher, searchers[k]))
                    pool(&x, &c->min);
            }
            dnnr__buf_printf(b,
                             "| %s | x%g | %zu | %zu | %.2f -> %.2f | %.2f -> %.2f | "
                             "%.2f -> %.2f | %zu/%zu | %.1f | %.1f |\n",
                             searchers[k], budgets[j], x.runs, x.repairs,
                             ratio(x.cx_before, x.repairs), ratio(x.cx_after, x.repairs),
                             ratio(x.aj_before, x.n_aj), ratio(x.aj_after, x.n_aj),
                             ratio(x.aji_before, x.n_aj), ratio(x.aji_after, x.n_aj),
                             x.significant, x.repairs, ratio(x.candidates, x.repairs),
                             ratio(x.cost, x.runs));
        }
    }
}
