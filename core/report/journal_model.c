/* Reading the journal for reports, and the study's patch selection
 * (SUBJECTS.md 3.6): drop the faulty start trial, take the trial with the
 * best search-part metric (NaN ignored, the first wins ties), report its
 * holdout metric, and replace it by the faulty mean when it is NaN or worse.
 * Analytic subjects report the best value found, start included. Only
 * full-fidelity trials count. */
#include "report/journal_model.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "run/journal.h"
#include "run/trial_extras.h"
#include "space/space.h"
#include "util/alloc.h"

static double mean_of(const double *v, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += v[i];
    return n ? s / (double)n : NAN;
}

static int find_subject(const rep_model *m, const char *id)
{
    for (size_t i = 0; i < m->n_subjects; i++)
        if (!strcmp(m->subjects[i].id, id))
            return (int)i;
    return -1;
}

static int add_subject(rep_model *m, const char *id, const dnnr_json *record)
{
    rep_subject *grown = dnnr__realloc(m->subjects, (m->n_subjects + 1) * sizeof *grown);
    if (!grown)
        return -1;
    m->subjects = grown;
    rep_subject *s = &m->subjects[m->n_subjects];
    memset(s, 0, sizeof *s);
    s->id = id;
    s->optimum = NAN;
    s->max_fidelity = NAN;
    s->faulty_mean = s->fix_mean = NAN;
    if (record) {
        const char *direction = dnnr__json_str(record, "direction");
        const char *task = dnnr__json_str(record, "task");
        s->maximise = direction && !strcmp(direction, "max");
        s->analytic = task && !strcmp(task, "analytic");
        s->metric = dnnr__json_str(record, "metric");
        s->optimum = dnnr__json_num(record, "optimum");
        s->max_fidelity = dnnr__json_num(record, "max_fidelity");
        const dnnr_json *paper = dnnr__json_get(record, "paper");
        s->paper = paper && paper->type == DNNR_JSON_OBJECT ? paper : NULL;
    }
    return (int)m->n_subjects++;
}

/* The subject's space from its record, so metric plugins can compare
 * configurations. Pinned parameters (never searched) are left out: patch
 * complexity and Jaccard count the study's config columns, and a fix that
 * changes only a pinned parameter then changes none, as the study saw it. */
static void read_space(rep_subject *s, const dnnr_json *record)
{
    const dnnr_json *params = dnnr__json_get(record, "params");
    s->space = dnnr__space_create();
    if (!s->space || !params)
        return;
    for (const dnnr_json *p = params->child; p; p = p->next) {
        const dnnr_json *pinned = dnnr__json_get(p, "pinned");
        if (pinned && pinned->type == DNNR_JSON_BOOL && pinned->number)
            continue;
        const char *type = dnnr__json_str(p, "type");
        dnnr_param def = {.struct_size = sizeof def, .name = dnnr__json_str(p, "name")};
        const char *choices[256];
        if (type && !strcmp(type, "categorical")) {
            def.kind = DNNR_PARAM_CATEGORICAL;
            for (const dnnr_json *c = dnnr__json_get(p, "choices")->child; c && def.n_choices < 256;
                 c = c->next)
                choices[def.n_choices++] = c->string ? c->string : "";
            def.choices = choices;
        } else {
            def.kind = type && !strcmp(type, "integer") ? DNNR_PARAM_INTEGER : DNNR_PARAM_FLOAT;
            def.lo = dnnr__json_num(p, "lo");
            def.hi = dnnr__json_num(p, "hi");
            def.log = dnnr__json_num(p, "log") > 0;
            if (def.kind == DNNR_PARAM_INTEGER)
                def.default_value.i = (int64_t)def.lo;
            else
                def.default_value.f = def.lo;
        }
        if (dnnr__space_add_param(s->space, &def, NULL) != DNNR_OK) {
            dnnr__space_destroy(s->space);
            s->space = NULL;
            return;
        }
    }
    uint32_t n = s->space->n_params;
    s->faulty = dnnr__alloc(n + 1, sizeof *s->faulty);
    if (s->faulty && dnnr__journal_config(dnnr__json_get(record, "faulty"), s->space, s->faulty)) {
        dnnr__free(s->faulty);
        s->faulty = NULL;
    }
    const dnnr_json *fix = dnnr__json_get(record, "fix");
    if (fix && fix->type == DNNR_JSON_OBJECT) {
        s->fix = dnnr__alloc(n + 1, sizeof *s->fix);
        if (s->fix && dnnr__journal_config(fix, s->space, s->fix)) {
            dnnr__free(s->fix);
            s->fix = NULL;
        }
    }
}

static int push_value(double **v, size_t *n, double x)
{
    double *grown = dnnr__realloc(*v, (*n + 1) * sizeof *grown);
    if (!grown)
        return DNNR_ENOMEM;
    grown[(*n)++] = x;
    *v = grown;
    return DNNR_OK;
}

static rep_run *find_run(rep_model *m, size_t subject, const char *searcher, double budget,
                         int64_t repeat)
{
    for (size_t i = m->n_runs; i-- > 0;) { /* trials of a run are mostly adjacent */
        rep_run *r = &m->runs[i];
        if (r->subject == subject && r->budget == budget && r->repeat == repeat &&
            !strcmp(r->searcher, searcher))
            return r;
    }
    rep_run *grown = dnnr__realloc(m->runs, (m->n_runs + 1) * sizeof *grown);
    if (!grown)
        return NULL;
    m->runs = grown;
    rep_run *r = &m->runs[m->n_runs++];
    *r = (rep_run){.subject = subject, .searcher = searcher, .budget = budget, .repeat = repeat,
                   .final = NAN};
    return r;
}

typedef struct choice {
    double search, holdout;
    const dnnr_json *line;
    double trial;
} choice;

/* A trial's total fidelity: with warm starts (BOHB's promotions), its own
 * epochs come on top of those of the trial it continued. */
static double total_fidelity(const rep_run *run, const dnnr_json *l, int depth)
{
    double fidelity = dnnr__json_num(l, "fidelity");
    double parent = dnnr__json_num(l, "warm_start");
    if (!(fidelity > 0) || !(parent >= 0) || depth > 64)
        return fidelity;
    for (size_t i = 0; i < run->trials; i++)
        if (dnnr__json_num(run->lines[i], "trial") == parent)
            return fidelity + total_fidelity(run, run->lines[i], depth + 1);
    return fidelity;
}

/* The study's rule for one run; returns the chosen line (or NULL). */
static const dnnr_json *select_patch(const rep_model *m, const rep_run *run, double *final)
{
    const rep_subject *s = &m->subjects[run->subject];
    choice best = {.line = NULL};
    for (size_t i = 0; i < run->trials; i++) {
        const dnnr_json *l = run->lines[i];
        double trial = dnnr__json_num(l, "trial"), metric = dnnr__json_num(l, "metric");
        const char *status = dnnr__json_str(l, "status");
        if ((!s->analytic && trial == 0) || !status || strcmp(status, "ok") || !isfinite(metric))
            continue;
        /* A low-fidelity value (BOHB's cheap rungs) is no patch's result. */
        double fidelity = total_fidelity(run, l, 0);
        if (fidelity > 0 && isfinite(s->max_fidelity) && fidelity < s->max_fidelity)
            continue;
        int better = !best.line || (s->maximise ? metric > best.search : metric < best.search) ||
                     (metric == best.search && trial < best.trial);
        if (better)
            best = (choice){metric, dnnr__json_num(l, "holdout"), l, trial};
    }
    if (s->analytic) {
        *final = best.line ? best.search : NAN;
        return best.line;
    }
    /* With final retrainings, the run's value is their mean. */
    double value = best.line ? best.holdout : NAN;
    if (run->n_final)
        value = mean_of(run->final_values, run->n_final);
    int worse = isfinite(value) && isfinite(s->faulty_mean) &&
                (s->maximise ? value < s->faulty_mean : value > s->faulty_mean);
    *final = (!isfinite(value) || worse) ? s->faulty_mean : value;
    return best.line;
}

/* The run a "<label><suffix>" line belongs to: <label>'s run of the same
 * budget and repeat, once that run has appeared (its trials come first). */
static rep_run *base_run(rep_model *m, size_t subject, const char *base, double budget,
                         int64_t repeat)
{
    const char *label = NULL;
    for (size_t i = 0; i < m->n_runs && !label; i++)
        if (!strcmp(m->runs[i].searcher, base))
            label = m->runs[i].searcher; /* a string the journal owns */
    return label ? find_run(m, subject, label, budget, repeat) : NULL;
}

static int has_suffix(const char *s, const char *suffix, size_t *base_len)
{
    size_t len = strlen(s), n = strlen(suffix);
    *base_len = len > n ? len - n : 0;
    return len > n && !strcmp(s + len - n, suffix);
}

/* A minimisation's trials and its result record (core/run/minimise_run.c). */
static int classify_minimise(rep_model *m, int s, const dnnr_json *l, const char *searcher,
                             int record)
{
    size_t len;
    if (!has_suffix(searcher, "#min", &len))
        return DNNR_OK;
    char base[256];
    snprintf(base, sizeof base, "%.*s", (int)len, searcher);
    m->has_minimise = 1;
    rep_run *run = base_run(m, (size_t)s, base, dnnr__json_num(l, "budget"),
                            (int64_t)dnnr__json_num(l, "repeat"));
    if (!run)
        return DNNR_OK;
    if (record) {
        run->minimised = l;
    } else {
        double cost = dnnr__json_num(l, "cost_units");
        run->min_trials++;
        run->min_cost += isfinite(cost) ? cost : 0;
    }
    return DNNR_OK;
}

static int classify(rep_model *m, const dnnr_json *l)
{
    const char *kind = dnnr__json_str(l, "kind");
    const char *id = dnnr__json_str(l, "subject");
    if (kind && !strcmp(kind, "experiment")) {
        m->experiment = l;
        return DNNR_OK;
    }
    if (!id)
        return DNNR_OK;
    int s = find_subject(m, id);
    if (kind && !strcmp(kind, "subject")) {
        if (s < 0 && (s = add_subject(m, id, l)) < 0)
            return DNNR_ENOMEM;
        read_space(&m->subjects[s], l);
        return DNNR_OK;
    }
    if (kind && !strcmp(kind, "minimised") && s >= 0 && dnnr__json_str(l, "searcher"))
        return classify_minimise(m, s, l, dnnr__json_str(l, "searcher"), 1);
    if (kind)
        return DNNR_OK; /* a record of a later version: ignored */
    if (s < 0 && (s = add_subject(m, id, NULL)) < 0)
        return DNNR_ENOMEM;
    rep_subject *sub = &m->subjects[s];
    const char *searcher = dnnr__json_str(l, "searcher");
    if (!searcher)
        return DNNR_OK;
    const char *status = dnnr__json_str(l, "status");
    double holdout = dnnr__json_num(l, "holdout");
    int ok = status && !strcmp(status, "ok") && isfinite(holdout);
    /* reference trainings that diverged are scored as Keras scores them
     * (orchestrator.c, is_reference): a finite holdout counts */
    int reference_ok = ok || (status && !strcmp(status, "diverged") && isfinite(holdout));
    if (!strcmp(searcher, "#faulty"))
        return reference_ok ? push_value(&sub->faulty_values, &sub->n_faulty, holdout) : DNNR_OK;
    if (!strcmp(searcher, "#fix"))
        return reference_ok ? push_value(&sub->fix_values, &sub->n_fix, holdout) : DNNR_OK;
    size_t len;
    if (has_suffix(searcher, "#final", &len)) {
        /* Final retrainings of a run's patch: they belong to that run. */
        char base[256];
        snprintf(base, sizeof base, "%.*s", (int)len, searcher);
        rep_run *run = base_run(m, (size_t)s, base, dnnr__json_num(l, "budget"),
                                (int64_t)dnnr__json_num(l, "repeat"));
        return (run && ok) ? push_value(&run->final_values, &run->n_final, holdout) : DNNR_OK;
    }
    if (has_suffix(searcher, "#min", &len))
        return classify_minimise(m, s, l, searcher, 0);
    if (!sub->metric) { /* no subject record: what the trial line says */
        const char *direction = dnnr__json_str(l, "direction");
        sub->maximise = direction && !strcmp(direction, "max");
        sub->optimum = dnnr__json_num(l, "optimum");
        sub->analytic = isfinite(sub->optimum);
    }
    rep_run *run = find_run(m, (size_t)s, searcher, dnnr__json_num(l, "budget"),
                            (int64_t)dnnr__json_num(l, "repeat"));
    const dnnr_json **grown = run ? dnnr__realloc((void *)run->lines, (run->trials + 1) * sizeof *grown) : NULL;
    if (!grown)
        return DNNR_ENOMEM;
    run->lines = grown;
    run->lines[run->trials] = l;
    run->trials++;
    run->failed += !(status && !strcmp(status, "ok"));
    return DNNR_OK;
}

int dnnr__rep_model_read(const char *trials_path, rep_model *m, dnnr_error *err)
{
    memset(m, 0, sizeof *m);
    dnnr_journal_lines lines;
    int rc = dnnr__journal_read_lines(trials_path, &lines, err);
    if (rc)
        return rc;
    m->lines = lines.items;
    m->n_lines = lines.n;
    for (size_t i = 0; i < m->n_lines && !rc; i++)
        rc = classify(m, m->lines[i]);
    for (size_t i = 0; i < m->n_subjects; i++) {
        rep_subject *s = &m->subjects[i];
        s->faulty_mean = mean_of(s->faulty_values, s->n_faulty);
        s->fix_mean = mean_of(s->fix_values, s->n_fix);
        if (!s->metric)
            s->metric = s->analytic ? "value" : "metric";
    }
    for (size_t i = 0; i < m->n_runs && !rc; i++) {
        rep_run *run = &m->runs[i];
        const rep_subject *s = &m->subjects[run->subject];
        const dnnr_json *chosen = select_patch(m, run, &run->final);
        if (chosen && s->space) {
            run->patch = dnnr__alloc(s->space->n_params + 1, sizeof *run->patch);
            if (run->patch &&
                dnnr__journal_config(dnnr__json_get(chosen, "config"), s->space, run->patch)) {
                dnnr__free(run->patch);
                run->patch = NULL;
            }
            dnnr_trial_extras x;
            if (dnnr__extras_parse(chosen, &x) == 0)
                run->patch_edits = dnnr__extras_count(&x);
        }
    }
    if (rc) {
        dnnr__rep_model_free(m);
        return dnnr__error_set(err, rc, "out of memory while reading %s", trials_path);
    }
    return DNNR_OK;
}

void dnnr__rep_model_free(rep_model *m)
{
    for (size_t i = 0; i < m->n_subjects; i++) {
        dnnr__space_destroy(m->subjects[i].space);
        dnnr__free(m->subjects[i].faulty);
        dnnr__free(m->subjects[i].fix);
        dnnr__free(m->subjects[i].faulty_values);
        dnnr__free(m->subjects[i].fix_values);
    }
    for (size_t i = 0; i < m->n_runs; i++) {
        dnnr__free(m->runs[i].patch);
        dnnr__free((void *)m->runs[i].lines);
        dnnr__free(m->runs[i].final_values);
    }
    dnnr_journal_lines lines = {m->lines, m->n_lines};
    dnnr__journal_lines_free(&lines);
    dnnr__free(m->subjects);
    dnnr__free(m->runs);
    memset(m, 0, sizeof *m);
}
