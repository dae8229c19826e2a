/* summary.csv and report.md from trials.jsonl. Cells are sorted (subject,
 * searcher, budget), so the files depend on the set of trials only, not on
 * the order workers finished them in. */
#include "report/report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "run/journal.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/io.h"
#include "util/json.h"

#define MAX_REPEATS 4096

typedef struct cell {
    const char *subject, *searcher;
    double budget;
    int maximise;
    double optimum;
    double best[MAX_REPEATS]; /* best metric per repeat, NaN if none succeeded */
    int has[MAX_REPEATS];
    size_t n_repeats;
    size_t trials, failed;
} cell;

static int cmp_cell(const void *a, const void *b)
{
    const cell *x = *(cell *const *)a, *y = *(cell *const *)b;
    int c = strcmp(x->subject, y->subject);
    if (!c)
        c = strcmp(x->searcher, y->searcher);
    if (!c)
        c = (x->budget > y->budget) - (x->budget < y->budget);
    return c;
}

static cell *find_cell(cell ***cells, size_t *n, const dnnr_json *line)
{
    const char *subject = dnnr__json_str(line, "subject");
    const char *searcher = dnnr__json_str(line, "searcher");
    double budget = dnnr__json_num(line, "budget");
    if (!subject || !searcher)
        return NULL;
    for (size_t i = 0; i < *n; i++)
        if (!strcmp((*cells)[i]->subject, subject) && !strcmp((*cells)[i]->searcher, searcher) &&
            (*cells)[i]->budget == budget)
            return (*cells)[i];
    cell **grown = dnnr__realloc(*cells, (*n + 1) * sizeof *grown);
    cell *c = grown ? dnnr__alloc(1, sizeof *c) : NULL;
    if (!c) {
        if (grown)
            *cells = grown;
        return NULL;
    }
    const char *direction = dnnr__json_str(line, "direction");
    *c = (cell){.subject = subject, .searcher = searcher, .budget = budget,
                .maximise = direction && strcmp(direction, "max") == 0,
                .optimum = dnnr__json_num(line, "optimum")};
    grown[(*n)++] = c;
    *cells = grown;
    return c;
}

static void add_trial(cell *c, const dnnr_json *line)
{
    double repeat = dnnr__json_num(line, "repeat");
    if (!(repeat >= 0 && repeat < MAX_REPEATS))
        return;
    size_t r = (size_t)repeat;
    if (r + 1 > c->n_repeats)
        c->n_repeats = r + 1;
    c->trials++;
    const char *status = dnnr__json_str(line, "status");
    double metric = dnnr__json_num(line, "metric");
    if (!status || strcmp(status, "ok") != 0 || !isfinite(metric)) {
        c->failed++;
        return;
    }
    if (!c->has[r] || (c->maximise ? metric > c->best[r] : metric < c->best[r]))
        c->best[r] = metric;
    c->has[r] = 1;
}

/* Mean and population standard deviation over the repeats that have a value. */
static void stats(const cell *c, int regret, double *mean, double *sd, size_t *n)
{
    double sum = 0, sq = 0;
    *n = 0;
    for (size_t r = 0; r < c->n_repeats; r++) {
        if (!c->has[r])
            continue;
        double v = regret ? fabs(c->best[r] - c->optimum) : c->best[r];
        sum += v;
        sq += v * v;
        (*n)++;
    }
    *mean = *n ? sum / (double)*n : NAN;
    *sd = *n ? sqrt(fmax(sq / (double)*n - *mean * *mean, 0)) : NAN;
}

static void csv_number(dnnr_buf *b, double v)
{
    if (isfinite(v))
        dnnr__buf_printf(b, ",%.10g", v);
    else
        dnnr__buf_put(b, ",", 1);
}

static void write_summary(dnnr_buf *b, cell **cells, size_t n)
{
    dnnr__buf_printf(b, "subject,searcher,budget,direction,repeats,trials,failed_trials,"
                        "best_mean,best_std,optimum,regret_mean,regret_std\n");
    for (size_t i = 0; i < n; i++) {
        const cell *c = cells[i];
        double mean, sd, rmean = NAN, rsd = NAN;
        size_t k;
        stats(c, 0, &mean, &sd, &k);
        if (isfinite(c->optimum))
            stats(c, 1, &rmean, &rsd, &k);
        dnnr__buf_printf(b, "%s,%s,%g,%s,%zu,%zu,%zu", c->subject, c->searcher, c->budget,
                         c->maximise ? "max" : "min", c->n_repeats, c->trials, c->failed);
        csv_number(b, mean);
        csv_number(b, sd);
        csv_number(b, c->optimum);
        csv_number(b, rmean);
        csv_number(b, rsd);
        dnnr__buf_put(b, "\n", 1);
    }
}

static const cell *lookup(cell **cells, size_t n, const char *subject, const char *searcher,
                          double budget)
{
    for (size_t i = 0; i < n; i++)
        if (cells[i]->budget == budget && !strcmp(cells[i]->subject, subject) &&
            !strcmp(cells[i]->searcher, searcher))
            return cells[i];
    return NULL;
}

/* Distinct names (subjects or searchers) of one budget's cells, sorted. */
static size_t distinct(cell **cells, size_t n, double budget, int searchers, const char **out)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (cells[i]->budget != budget)
            continue;
        const char *name = searchers ? cells[i]->searcher : cells[i]->subject;
        size_t j = 0;
        while (j < k && strcmp(out[j], name) < 0)
            j++;
        if (j < k && !strcmp(out[j], name))
            continue;
        memmove(out + j + 1, out + j, (k - j) * sizeof *out);
        out[j] = name;
        k++;
    }
    return k;
}

static void write_cell(dnnr_buf *b, const cell *c)
{
    if (!c) {
        dnnr__buf_printf(b, " - |");
        return;
    }
    double mean, sd, rmean, rsd;
    size_t k;
    stats(c, 0, &mean, &sd, &k);
    dnnr__buf_printf(b, " %.4g (%.2g)", mean, sd);
    if (isfinite(c->optimum)) {
        stats(c, 1, &rmean, &rsd, &k);
        dnnr__buf_printf(b, " [%.3g]", rmean);
    }
    if (c->failed)
        dnnr__buf_printf(b, ", %zu failed", c->failed);
    dnnr__buf_printf(b, " |");
}

/* One table per budget: a row per subject, a column per searcher. */
static int write_markdown(dnnr_buf *b, cell **cells, size_t n)
{
    const char **subjects = dnnr__alloc(n + 1, sizeof *subjects);
    const char **searchers = dnnr__alloc(n + 1, sizeof *searchers);
    if (!subjects || !searchers) {
        dnnr__free(subjects);
        dnnr__free(searchers);
        return DNNR_ENOMEM;
    }
    dnnr__buf_printf(b, "# dnnrepair report\n\n");
    dnnr__buf_printf(b, "Best value per run, mean (population std) over repeats. For analytic "
                        "subjects the mean regret |best - f*| follows in brackets. Built from "
                        "trials.jsonl alone; `dnnrepair report DIR` rebuilds it.\n");
    for (size_t i = 0; i < n; i++) {
        double budget = cells[i]->budget;
        if (i > 0 && cells[i - 1]->budget == budget)
            continue;
        int seen = 0;
        for (size_t j = 0; j < i; j++)
            seen |= cells[j]->budget == budget;
        if (seen)
            continue;
        size_t n_subjects = distinct(cells, n, budget, 0, subjects);
        size_t n_searchers = distinct(cells, n, budget, 1, searchers);
        dnnr__buf_printf(b, "\n## Budget %g\n\n| subject |", budget);
        for (size_t k = 0; k < n_searchers; k++)
            dnnr__buf_printf(b, " %s |", searchers[k]);
        dnnr__buf_printf(b, "\n|---|");
        for (size_t k = 0; k < n_searchers; k++)
            dnnr__buf_printf(b, "---|");
        for (size_t s = 0; s < n_subjects; s++) {
            const cell *any = NULL;
            for (size_t k = 0; k < n_searchers && !any; k++)
                any = lookup(cells, n, subjects[s], searchers[k], budget);
            dnnr__buf_printf(b, "\n| %s (%s) |", subjects[s], any && any->maximise ? "max" : "min");
            for (size_t k = 0; k < n_searchers; k++)
                write_cell(b, lookup(cells, n, subjects[s], searchers[k], budget));
        }
        dnnr__buf_printf(b, "\n");
    }
    dnnr__free(subjects);
    dnnr__free(searchers);
    return DNNR_OK;
}

int dnnr__report_write(const char *dir, dnnr_error *err)
{
    char *trials = dnnr__asprintf("%s/trials.jsonl", dir);
    if (!trials)
        return dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
    dnnr_journal_lines lines;
    int rc = dnnr__journal_read_lines(trials, &lines, err);
    dnnr__free(trials);
    if (rc)
        return rc;
    cell **cells = NULL;
    size_t n = 0;
    for (size_t i = 0; i < lines.n; i++) {
        cell *c = find_cell(&cells, &n, lines.items[i]);
        if (c)
            add_trial(c, lines.items[i]);
    }
    if (n)
        qsort(cells, n, sizeof *cells, cmp_cell);
    dnnr_buf csv = {0}, md = {0};
    write_summary(&csv, cells, n);
    if (write_markdown(&md, cells, n))
        md.failed = 1;
    char *csv_path = dnnr__asprintf("%s/summary.csv", dir);
    char *md_path = dnnr__asprintf("%s/report.md", dir);
    if (!csv_path || !md_path || csv.failed || md.failed)
        rc = dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
    else if (dnnr__write_file_atomic(csv_path, csv.data, csv.len) ||
             dnnr__write_file_atomic(md_path, md.data, md.len))
        rc = dnnr__error_set(err, DNNR_EIO, "%s: cannot write the report files", dir);
    dnnr__free(csv_path);
    dnnr__free(md_path);
    dnnr__buf_free(&csv);
    dnnr__buf_free(&md);
    for (size_t i = 0; i < n; i++)
        dnnr__free(cells[i]);
    dnnr__free(cells);
    dnnr__journal_lines_free(&lines);
    return rc;
}
