/* summary.csv and report.md. DNN subjects get the study's Table III per
 * budget (Faulty, each technique's mu (sigma) with significant cells in
 * bold, Fix), the paper's numbers beside ours where the subject carries
 * them, and the study's aggregate counts; analytic subjects a regret table. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/cells.h"
#include "util/alloc.h"
#include "util/json.h"

static void csv_number(dnnr_buf *b, double v)
{
    if (isfinite(v))
        dnnr__buf_printf(b, ",%.10g", v);
    else
        dnnr__buf_put(b, ",", 1);
}

/* Columns of every cell, in order of first appearance, less those the
 * summary has anyway (mu and sigma, which the stability metric repeats). */
static size_t column_union(const rep_cells *cells, const char **names)
{
    size_t n = 0;
    for (size_t i = 0; i < cells->n; i++)
        for (size_t k = 0; k < cells->items[i].n_columns; k++) {
            const char *name = cells->items[i].column_names[k];
            if (!strcmp(name, "mu") || !strcmp(name, "sigma"))
                continue;
            size_t j = 0;
            while (j < n && strcmp(names[j], name))
                j++;
            if (j == n && n < 4 * REP_MAX_COLUMNS)
                names[n++] = name;
        }
    return n;
}

void dnnr__rep_write_csv(dnnr_buf *b, const rep_model *m, const rep_cells *cells)
{
    const char *columns[4 * REP_MAX_COLUMNS];
    size_t n_columns = column_union(cells, columns);
    dnnr__buf_printf(b, "subject,searcher,budget,direction,repeats,trials,failed_trials,mu,sigma,"
                        "faulty_mean,fix_mean,optimum,regret_mean,regret_std");
    for (size_t k = 0; k < n_columns; k++)
        dnnr__buf_printf(b, ",%s", columns[k]);
    if (m->has_minimise)
        dnnr__rep_min_csv_header(b);
    dnnr__buf_put(b, "\n", 1);
    for (size_t i = 0; i < cells->n; i++) {
        const rep_cell *c = &cells->items[i];
        const rep_subject *s = &m->subjects[c->subject];
        dnnr__buf_printf(b, "%s,%s,%g,%s,%zu,%zu,%zu", s->id, c->searcher, c->budget,
                         s->maximise ? "max" : "min", c->n_values, c->trials, c->failed);
        const double fixed[] = {c->mu,          s->faulty_mean, s->fix_mean, s->optimum,
                                c->regret_mu,   c->regret_sigma};
        csv_number(b, c->mu);
        csv_number(b, c->sigma);
        for (size_t k = 1; k < sizeof fixed / sizeof fixed[0]; k++)
            csv_number(b, fixed[k]);
        for (size_t k = 0; k < n_columns; k++)
            csv_number(b, dnnr__rep_column(c, columns[k]));
        if (m->has_minimise)
            dnnr__rep_min_csv_row(b, c);
        dnnr__buf_put(b, "\n", 1);
    }
}

/* Distinct values over cells, sorted: budgets, or searchers of one budget. */
static size_t distinct_budgets(const rep_cells *cells, const rep_model *m, int analytic, double *out)
{
    size_t k = 0;
    for (size_t i = 0; i < cells->n; i++) {
        if (m->subjects[cells->items[i].subject].analytic != analytic)
            continue;
        double v = cells->items[i].budget;
        size_t j = 0;
        while (j < k && out[j] < v)
            j++;
        if (j < k && out[j] == v)
            continue;
        memmove(out + j + 1, out + j, (k - j) * sizeof *out);
        out[j] = v;
        k++;
    }
    return k;
}

static size_t distinct_names(const rep_cells *cells, const rep_model *m, int analytic, int subjects,
                             const char **out)
{
    size_t k = 0;
    for (size_t i = 0; i < cells->n; i++) {
        const rep_cell *c = &cells->items[i];
        if (m->subjects[c->subject].analytic != analytic)
            continue;
        const char *v = subjects ? m->subjects[c->subject].id : c->searcher;
        size_t j = 0;
        while (j < k && strcmp(out[j], v) < 0)
            j++;
        if (j < k && !strcmp(out[j], v))
            continue;
        memmove(out + j + 1, out + j, (k - j) * sizeof *out);
        out[j] = v;
        k++;
    }
    return k;
}

static const rep_cell *find_cell(const rep_cells *cells, const rep_model *m, const char *subject,
                                 const char *searcher, double budget)
{
    for (size_t i = 0; i < cells->n; i++) {
        const rep_cell *c = &cells->items[i];
        if (c->budget == budget && !strcmp(c->searcher, searcher) &&
            !strcmp(m->subjects[c->subject].id, subject))
            return c;
    }
    return NULL;
}

static const rep_subject *subject_named(const rep_model *m, const char *id)
{
    for (size_t i = 0; i < m->n_subjects; i++)
        if (!strcmp(m->subjects[i].id, id))
            return &m->subjects[i];
    return NULL;
}

/* Two decimals as the study printed, three for angles (radians). */
static int decimals(const rep_subject *s) { return s->metric && strstr(s->metric, "angle") ? 3 : 2; }

static void dnn_table(dnnr_buf *b, const rep_model *m, const rep_cells *cells, double budget,
                      const char **subjects, size_t n_subjects, const char **searchers,
                      size_t n_searchers)
{
    dnnr__buf_printf(b, "\n### Budget x%g\n\n| subject | metric | Faulty |", budget);
    for (size_t k = 0; k < n_searchers; k++)
        dnnr__buf_printf(b, " %s |", searchers[k]);
    dnnr__buf_printf(b, " Fix |\n|---|---|---|");
    for (size_t k = 0; k <= n_searchers; k++)
        dnnr__buf_printf(b, "---|");
    dnnr__buf_put(b, "\n", 1);
    for (size_t i = 0; i < n_subjects; i++) {
        const rep_subject *s = subject_named(m, subjects[i]);
        int d = decimals(s);
        dnnr__buf_printf(b, "| %s | %s (%s) | %.*f |", s->id, s->metric, s->maximise ? "max" : "min",
                         d, s->faulty_mean);
        for (size_t k = 0; k < n_searchers; k++) {
            const rep_cell *c = find_cell(cells, m, s->id, searchers[k], budget);
            if (!c || !isfinite(c->mu)) {
                dnnr__buf_printf(b, " - |");
                continue;
            }
            int bold = dnnr__rep_column(c, "significant") == 1.0;
            dnnr__buf_printf(b, " %s%.*f (%.*f)%s |", bold ? "**" : "", d, c->mu, d, c->sigma,
                             bold ? "**" : "");
        }
        if (isfinite(s->fix_mean))
            dnnr__buf_printf(b, " %.*f |\n", d, s->fix_mean);
        else
            dnnr__buf_printf(b, " - |\n");
    }
}

/* The paper's Table III cells, as the subject file carries them. */
static void paper_value(dnnr_buf *b, const dnnr_json *v)
{
    if (!v) {
        dnnr__buf_printf(b, " - |");
    } else if (v->type == DNNR_JSON_STRING) {
        dnnr__buf_printf(b, " %s |", v->string);
    } else if (v->type == DNNR_JSON_NUMBER) {
        dnnr__buf_printf(b, " %.2f |", v->number);
    } else if (v->type == DNNR_JSON_ARRAY && dnnr__json_length(v) >= 2) {
        dnnr__buf_printf(b, " %.2f (%.2f) |", v->child->number, v->child->next->number);
    } else {
        dnnr__buf_printf(b, " ? |");
    }
}

static void paper_table(dnnr_buf *b, const rep_model *m, double budget, const char **subjects,
                        size_t n_subjects)
{
    static const char *const columns[] = {"faulty", "random", "autotrainer", "hebo", "bohb", "fix"};
    char key[32];
    snprintf(key, sizeof key, "x%g", budget);
    int any = 0;
    for (size_t i = 0; i < n_subjects; i++) {
        const rep_subject *s = subject_named(m, subjects[i]);
        const dnnr_json *row = s->paper ? dnnr__json_get(s->paper, key) : NULL;
        if (!row)
            continue;
        if (!any)
            dnnr__buf_printf(b, "\nThe paper's numbers for x%g (ICST'23, Table III):\n\n"
                                "| subject | Faulty | Random | AutoTrainer | HEBO | BOHB | Fix |\n"
                                "|---|---|---|---|---|---|---|\n",
                             budget);
        any = 1;
        dnnr__buf_printf(b, "| %s |", s->id);
        for (size_t k = 0; k < sizeof columns / sizeof columns[0]; k++)
            paper_value(b, dnnr__json_get(row, columns[k]));
        dnnr__buf_put(b, "\n", 1);
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
    if (!n)
        return NAN;
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* What a technique's runs trained, in faulty trainings (cost units): a
 * searcher that stops once it reaches the fix's level spends less than its
 * budget, and this is where that shows. NaN without DNN runs. */
static double mean_spent(const rep_model *m, const char *searcher, double budget)
{
    double sum = 0;
    size_t runs = 0;
    for (size_t i = 0; i < m->n_runs; i++) {
        const rep_run *run = &m->runs[i];
        if (m->subjects[run->subject].analytic || run->budget != budget ||
            strcmp(run->searcher, searcher))
            continue;
        for (size_t t = 0; t < run->trials; t++) {
            double cost = dnnr__json_num(run->lines[t], "cost_units");
            sum += isfinite(cost) ? cost : 0;
        }
        runs++;
    }
    return runs ? sum / (double)runs : NAN;
}

/* Per technique and budget: significant cells, median IR, mean complexity,
 * AJ and the training spent. */
static void aggregates(dnnr_buf *b, const rep_model *m, const rep_cells *cells, const double *budgets,
                       size_t n_budgets, const char **searchers, size_t n_searchers)
{
    dnnr__buf_printf(b, "\n### Per technique\n\n| technique | budget | significant | median IR | "
                        "mean complexity | mean AJ (study) | mean AJ (intended) | mean spent |\n"
                        "|---|---|---|---|---|---|---|---|\n");
    double *irs = dnnr__alloc(cells->n + 1, sizeof *irs);
    if (!irs)
        return;
    for (size_t k = 0; k < n_searchers; k++) {
        for (size_t j = 0; j < n_budgets; j++) {
            size_t significant = 0, n_ir = 0, n_cx = 0, n_aj = 0, n_aji = 0;
            double cx = 0, aj = 0, aji = 0;
            for (size_t i = 0; i < cells->n; i++) {
                const rep_cell *c = &cells->items[i];
                if (m->subjects[c->subject].analytic || c->budget != budgets[j] ||
                    strcmp(c->searcher, searchers[k]))
                    continue;
                significant += dnnr__rep_column(c, "significant") == 1.0;
                double v;
                if (isfinite(v = dnnr__rep_column(c, "ir")))
                    irs[n_ir++] = v;
                if (isfinite(v = dnnr__rep_column(c, "complexity")))
                    cx += v, n_cx++;
                if (isfinite(v = dnnr__rep_column(c, "aj_study")))
                    aj += v, n_aj++;
                if (isfinite(v = dnnr__rep_column(c, "aj_intended")))
                    aji += v, n_aji++;
            }
            dnnr__buf_printf(b, "| %s | x%g | %zu | %.2f | %.2f | %.2f | %.2f | %.1f |\n",
                             searchers[k], budgets[j], significant, median(irs, n_ir),
                             n_cx ? cx / (double)n_cx : NAN, n_aj ? aj / (double)n_aj : NAN,
                             n_aji ? aji / (double)n_aji : NAN,
                             mean_spent(m, searchers[k], budgets[j]));
        }
    }
    dnnr__free(irs);
}

static void analytic_table(dnnr_buf *b, const rep_model *m, const rep_cells *cells, double budget,
                           const char **subjects, size_t n_subjects, const char **searchers,
                           size_t n_searchers)
{
    dnnr__buf_printf(b, "\n### Budget %g evaluations\n\n| subject |", budget);
    for (size_t k = 0; k < n_searchers; k++)
        dnnr__buf_printf(b, " %s |", searchers[k]);
    dnnr__buf_printf(b, "\n|---|");
    for (size_t k = 0; k < n_searchers; k++)
        dnnr__buf_printf(b, "---|");
    dnnr__buf_put(b, "\n", 1);
    for (size_t i = 0; i < n_subjects; i++) {
        const rep_subject *s = subject_named(m, subjects[i]);
        dnnr__buf_printf(b, "| %s (%s) |", s->id, s->maximise ? "max" : "min");
        for (size_t k = 0; k < n_searchers; k++) {
            const rep_cell *c = find_cell(cells, m, s->id, searchers[k], budget);
            if (!c) {
                dnnr__buf_printf(b, " - |");
                continue;
            }
            dnnr__buf_printf(b, " %.4g (%.2g)", c->mu, c->sigma);
            if (isfinite(c->regret_mu))
                dnnr__buf_printf(b, " [%.3g]", c->regret_mu);
            if (c->failed)
                dnnr__buf_printf(b, ", %zu failed", c->failed);
            dnnr__buf_printf(b, " |");
        }
        dnnr__buf_put(b, "\n", 1);
    }
}

static void section(dnnr_buf *b, const rep_model *m, const rep_cells *cells, int analytic)
{
    size_t cap = cells->n + 1;
    double *budgets = dnnr__alloc(cap, sizeof *budgets);
    const char **subjects = dnnr__alloc(cap, sizeof *subjects);
    const char **searchers = dnnr__alloc(cap, sizeof *searchers);
    if (budgets && subjects && searchers) {
        size_t n_budgets = distinct_budgets(cells, m, analytic, budgets);
        size_t n_subjects = distinct_names(cells, m, analytic, 1, subjects);
        size_t n_searchers = distinct_names(cells, m, analytic, 0, searchers);
        if (n_budgets && analytic)
            dnnr__buf_printf(b, "\n## Analytic subjects\n\nBest value per run, mean (population "
                                "std) over repeats; the mean regret |best - f*| in brackets.\n");
        if (n_budgets && !analytic)
            dnnr__buf_printf(b,
                             "\n## Repair (Table III)\n\nThe final value of a run is the holdout "
                             "metric of its best search-part trial, the faulty start excluded, and "
                             "never worse than the faulty mean (the study's rule). Cells give mean "
                             "(population std) over repeats; **bold** = Wilcoxon p < 0.05 against "
                             "the faulty model's runs and IR > 0. Faulty and Fix are the means of "
                             "their reference trainings on the holdout part.\n");
        double finals = m->experiment ? dnnr__json_num(m->experiment, "final_runs") : NAN;
        if (n_budgets && !analytic && finals > 0)
            dnnr__buf_printf(b, "\nHere each run's value is the mean holdout metric of %.0f "
                                "retrainings of its chosen patch on fresh seeds (`final_runs`), "
                                "then floored at the faulty mean as above.\n",
                             finals);
        for (size_t j = 0; j < n_budgets; j++) {
            if (analytic) {
                analytic_table(b, m, cells, budgets[j], subjects, n_subjects, searchers, n_searchers);
            } else {
                dnn_table(b, m, cells, budgets[j], subjects, n_subjects, searchers, n_searchers);
                paper_table(b, m, budgets[j], subjects, n_subjects);
            }
        }
        if (n_budgets && !analytic) {
            aggregates(b, m, cells, budgets, n_budgets, searchers, n_searchers);
            dnnr__rep_min_markdown(b, m, cells, budgets, n_budgets, searchers, n_searchers);
        }
    }
    dnnr__free(budgets);
    dnnr__free((void *)subjects);
    dnnr__free((void *)searchers);
}

void dnnr__rep_write_markdown(dnnr_buf *b, const rep_model *m, const rep_cells *cells)
{
    const char *name = m->experiment ? dnnr__json_str(m->experiment, "name") : NULL;
    dnnr__buf_printf(b, "# dnnrepair report%s%s\n\nBuilt from trials.jsonl alone; `dnnrepair report "
                        "DIR` rebuilds it byte for byte. Figures: plots/ir.svg, "
                        "plots/boxplots.svg, plots/complexity.svg.\n",
                     name ? ": " : "", name ? name : "");
    section(b, m, cells, 0);
    section(b, m, cells, 1);
}
