/* A minimisation run ("<label>#min", ROLE_MINIMISE): delta debugging over
 * the changes a search run's chosen patch makes to the faulty configuration
 * (core/minimise/README.md). It has no searcher process; the orchestrator
 * calls dnnr__minimise_step whenever every trial it placed has been told.
 *
 * Determinism, so --resume replays it: the candidates come from ddmin, a
 * pure function of the verdicts; a verdict is a pure function of the
 * candidate's and the reference's holdout values, read by trial id; the
 * budget check sums the run's costs in trial order. Each candidate's R
 * trials take the next R trial ids, so a resumed run asks for the same
 * configurations under the same ids and place_trial finds them journaled. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "minimise/minimise.h"
#include "run/run_state.h"
#include "run/trial_extras.h"
#include "util/alloc.h"
#include "util/json.h"

typedef enum stage {
    STAGE_REFERENCE_TODO, /* the full patch's R retrainings are still to place */
    STAGE_REFERENCE,      /* they are placed */
    STAGE_SEARCH,         /* ddmin's next candidate is to place */
    STAGE_CANDIDATE,      /* a candidate's R trials are placed */
    STAGE_CONFIRM,        /* the result's R fresh retrainings are placed */
    STAGE_DONE,
} stage;

struct dnnr_minimise_run {
    stage stage;
    size_t runs;          /* R */
    uint32_t n_changes;
    uint32_t *changes;    /* parameters where the patch differs from the faulty configuration */
    dnnr_ddmin *dd;
    uint64_t first;       /* first trial id of what is in flight */
    double *reference;    /* the full patch's R holdout values */
    double *best;         /* those of the smallest passing set so far */
    size_t n_best;
    double *faulty;       /* the faulty model's reference trainings (the empty set's values) */
    size_t n_faulty;
    uint32_t candidates;  /* candidates trained, the reference excluded */
    double *confirm;      /* the result's R fresh retrainings (n_confirm 0: none run) */
    size_t n_confirm;
    const char *why;      /* how ddmin ended, for the record */
};

void dnnr__minimise_observe(run_state *run, uint64_t trial, const dnnr_outcome *out)
{
    if (trial >= run->n_samples) {
        size_t n = trial + 1 > 2 * run->n_samples ? (size_t)trial + 1 : 2 * run->n_samples;
        double *samples = dnnr__realloc(run->samples, n * sizeof *samples);
        if (!samples)
            return;
        run->samples = samples;
        double *costs = dnnr__realloc(run->sample_costs, n * sizeof *costs);
        if (!costs)
            return;
        run->sample_costs = costs;
        for (size_t i = run->n_samples; i < n; i++) {
            samples[i] = NAN;
            costs[i] = 0;
        }
        run->n_samples = n;
    }
    /* only reference trainings score a diverged model (orchestrator.c); a
     * retraining whose search metric is not finite is diverged, whatever
     * its holdout */
    int scored = out->status == DNNR_TRIAL_OK ||
                 (out->status == DNNR_TRIAL_DIVERGED && run->role == ROLE_FAULTY);
    run->samples[trial] = scored && isfinite(out->holdout) ? out->holdout : NAN;
    run->sample_costs[trial] = isfinite(out->cost_units) ? out->cost_units : 0;
}

/* R values of trials first..first+R-1 (NaN where none arrived). */
static void read_samples(const run_state *run, uint64_t first, size_t r, double *out)
{
    for (size_t i = 0; i < r; i++)
        out[i] = first + i < run->n_samples ? run->samples[first + i] : NAN;
}

static int value_differs(const dnnr_param *p, dnnr_value a, dnnr_value b)
{
    return p->kind == DNNR_PARAM_FLOAT ? a.f != b.f : a.i != b.i;
}

void dnnr__minimise_activate(orchestrator *o, run_state *run)
{
    const run_state *base = run->base;
    const dnnr_space *space = run->rt->subject->space;
    if (!base->patch) { /* no patch, nothing to minimise */
        run->asking_done = 1;
        return;
    }
    struct dnnr_minimise_run *m = dnnr__alloc(1, sizeof *m);
    if (!m) {
        run->failed = 1;
        return;
    }
    run->mini = m;
    m->runs = (size_t)o->e->minimise_runs;
    m->changes = dnnr__alloc(space->n_params + 1, sizeof *m->changes);
    m->reference = dnnr__alloc(m->runs, sizeof *m->reference);
    size_t n_refs = 0;
    for (size_t i = 0; i < o->n_runs; i++)
        n_refs += o->runs[i].role == ROLE_FAULTY && o->runs[i].rt == run->rt;
    m->best = dnnr__alloc(m->runs + n_refs + 1, sizeof *m->best);
    m->faulty = dnnr__alloc(n_refs + 1, sizeof *m->faulty);
    m->confirm = dnnr__alloc(m->runs, sizeof *m->confirm);
    if (!m->changes || !m->reference || !m->best || !m->faulty || !m->confirm) {
        run->failed = 1;
        return;
    }
    /* In run order, so the sample is the same live and resumed. */
    for (size_t i = 0; i < o->n_runs; i++)
        if (o->runs[i].role == ROLE_FAULTY && o->runs[i].rt == run->rt)
            read_samples(&o->runs[i], 0, 1, &m->faulty[m->n_faulty++]);
    for (uint32_t i = 0; i < space->n_params; i++)
        if (value_differs(space->params[i], run->rt->subject->faulty[i], base->patch[i]))
            m->changes[m->n_changes++] = i;
    if (dnnr__ddmin_create(m->n_changes, &m->dd)) {
        run->failed = 1;
        return;
    }
    m->stage = STAGE_REFERENCE_TODO;
    if (run->final) { /* final_runs >= R: its first R retrainings are the reference */
        read_samples(run->final, 0, m->runs, m->reference);
        m->stage = STAGE_REFERENCE;
    }
}

void dnnr__minimise_free(run_state *run)
{
    struct dnnr_minimise_run *m = run->mini;
    if (!m)
        return;
    dnnr__ddmin_destroy(m->dd);
    dnnr__free(m->changes);
    dnnr__free(m->reference);
    dnnr__free(m->best);
    dnnr__free(m->faulty);
    dnnr__free(m->confirm);
    dnnr__free(m);
    run->mini = NULL;
}

/* "{act3, lr}" for the kept changes of a subset. */
static void subset_names(const run_state *run, const uint8_t *subset, char *buf, size_t len)
{
    const struct dnnr_minimise_run *m = run->mini;
    const dnnr_space *space = run->rt->subject->space;
    size_t used = (size_t)snprintf(buf, len, "{");
    int first = 1;
    for (uint32_t k = 0; k < m->n_changes && used < len; k++) {
        if (!subset[k])
            continue;
        used += (size_t)snprintf(buf + used, len - used, "%s%s", first ? "" : ", ",
                                 space->params[m->changes[k]]->name);
        first = 0;
    }
    if (used < len)
        snprintf(buf + used, len - used, "}");
}

/* R trials of the faulty configuration with the subset's changes applied
 * (subset NULL: all of them, the full patch). Returns how many were placed. */
static size_t place_candidate(orchestrator *o, run_state *run, const uint8_t *subset,
                              uint32_t size)
{
    struct dnnr_minimise_run *m = run->mini;
    const dnnr_subject *s = run->rt->subject;
    char names[384];
    if (subset)
        subset_names(run, subset, names, sizeof names);
    m->first = run->next_trial;
    size_t placed = 0;
    for (size_t r = 0; r < m->runs && !run->failed; r++) {
        trial_slot *slot = dnnr__run_slot_new(run);
        if (!slot)
            break;
        memcpy(slot->config, s->faulty, s->space->n_params * sizeof *slot->config);
        for (uint32_t k = 0; k < m->n_changes; k++)
            if (!subset || subset[k])
                slot->config[m->changes[k]] = run->base->patch[m->changes[k]];
        /* ddmin minimises the configuration's changes; the patch's extras
         * (edits the space cannot express) stay in every candidate */
        slot->extras = run->base->patch_extras;
        if (subset && m->stage == STAGE_CONFIRM)
            snprintf(slot->note, sizeof slot->note,
                     "minimised patch faulty + %s (%u of %u changes), confirmation retraining "
                     "%zu of %zu",
                     names, size, m->n_changes, r + 1, m->runs);
        else if (subset)
            snprintf(slot->note, sizeof slot->note,
                     "ddmin candidate %u: faulty + %s (%u of %u changes), retraining %zu of %zu",
                     m->candidates + 1, names, size, m->n_changes, r + 1, m->runs);
        else
            snprintf(slot->note, sizeof slot->note,
                     "minimisation reference: the patch chosen in trial %llu (%u changes), "
                     "retraining %zu of %zu",
                     (unsigned long long)run->base->patch_trial, m->n_changes, r + 1, m->runs);
        if (!dnnr__run_place_trial(o, run, slot))
            break;
        placed++;
    }
    if (placed < m->runs)
        run->failed = 1; /* out of memory, or the journal disagrees: the run stops here */
    return placed;
}

static int journaled(const orchestrator *o, const run_state *run)
{
    for (size_t i = 0; i < o->journal_lines.n; i++) {
        const dnnr_json *l = o->journal_lines.items[i];
        const char *kind = dnnr__json_str(l, "kind"), *sub = dnnr__json_str(l, "subject"),
                   *label = dnnr__json_str(l, "searcher");
        if (kind && !strcmp(kind, "minimised") && sub && !strcmp(sub, run->key.subject) && label &&
            !strcmp(label, run->key.searcher) && dnnr__json_num(l, "budget") == run->key.budget &&
            dnnr__json_num(l, "repeat") == (double)run->key.repeat)
            return 1;
    }
    return 0;
}

static void names_of(dnnr_buf *b, const char *key, const run_state *run, const uint8_t *subset)
{
    const struct dnnr_minimise_run *m = run->mini;
    dnnr__buf_put(b, ",", 1);
    dnnr__json_key(b, key);
    dnnr__buf_put(b, "[", 1);
    int first = 1;
    for (uint32_t k = 0; k < m->n_changes; k++) {
        if (subset && !subset[k])
            continue;
        if (!first)
            dnnr__buf_put(b, ",", 1);
        dnnr__json_string(b, run->rt->subject->space->params[m->changes[k]]->name);
        first = 0;
    }
    dnnr__buf_put(b, "]", 1);
}

static double charged(const run_state *run)
{
    double sum = 0; /* in trial order: the same sum live and resumed */
    for (size_t i = 0; i < run->n_samples; i++)
        sum += run->sample_costs[i];
    return sum;
}

/* The result as one journal line, so reports need nothing else; written
 * once (a resumed run that replays to its end finds it). */
static void finish(orchestrator *o, run_state *run, const char *why)
{
    struct dnnr_minimise_run *m = run->mini;
    m->stage = STAGE_DONE;
    run->asking_done = 1;
    if (journaled(o, run))
        return;
    const dnnr_subject *s = run->rt->subject;
    uint32_t kept = 0;
    const uint8_t *subset = dnnr__ddmin_current(m->dd, &kept);
    dnnr_error err;
    dnnr_value *config = dnnr__alloc(s->space->n_params + 1, sizeof *config);
    if (!config) { /* as when the line itself cannot be built (journal.c) */
        dnnr__error_set(&err, DNNR_ENOMEM, "out of memory while journaling trials.jsonl");
        dnnr__run_set_fatal(o, &err);
        return;
    }
    memcpy(config, s->faulty, s->space->n_params * sizeof *config);
    for (uint32_t k = 0; k < m->n_changes; k++)
        if (subset[k])
            config[m->changes[k]] = run->base->patch[m->changes[k]];
    dnnr_buf b = {0};
    dnnr__buf_printf(&b, "%s", "{\"kind\":\"minimised\"");
    dnnr__json_field_string(&b, "subject", run->key.subject);
    dnnr__json_field_string(&b, "searcher", run->key.searcher);
    dnnr__json_field_number(&b, "budget", run->key.budget);
    dnnr__json_field_number(&b, "repeat", (double)run->key.repeat);
    dnnr__json_field_string(&b, "base", run->base->key.searcher);
    dnnr__json_field_number(&b, "patch_trial", (double)run->base->patch_trial);
    /* ddmin keeps the patch's trial extras in every candidate: they count in
     * both complexities */
    dnnr__json_field_number(&b, "patch_edits", (double)dnnr__extras_count(&run->base->patch_extras));
    dnnr__json_field_number(&b, "runs", (double)m->runs);
    dnnr__json_field_number(&b, "alpha", o->e->minimise_alpha);
    dnnr__json_field_number(&b, "cap", o->e->minimise_budget > 0 ? o->e->minimise_budget : NAN);
    dnnr__json_field_string(&b, "reference", run->final ? run->final->key.searcher : "#min");
    dnnr__json_field_string(&b, "stopped", why);
    dnnr__json_field_number(&b, "candidates", (double)dnnr__ddmin_tests(m->dd));
    dnnr__json_field_number(&b, "trained_candidates", (double)m->candidates);
    dnnr__json_field_number(&b, "trials", (double)run->next_trial);
    dnnr__json_field_number(&b, "cost_units", charged(run));
    names_of(&b, "changes", run, NULL);
    names_of(&b, "kept", run, subset);
    dnnr__buf_put(&b, ",", 1);
    dnnr__json_key(&b, "config");
    dnnr__journal_format_config(&b, s->space, config);
    dnnr__json_field_numbers(&b, "patch_values", m->reference, m->runs);
    dnnr__json_field_numbers(&b, "values", m->best, m->n_best);
    if (m->n_confirm)
        dnnr__json_field_numbers(&b, "confirm_values", m->confirm, m->n_confirm);
    dnnr__buf_put(&b, "}", 1);
    if (dnnr__journal_append_line(o->journal, &b, &err))
        dnnr__run_set_fatal(o, &err);
    dnnr__buf_free(&b);
    dnnr__free(config);
}

/* The reference is in: is the patch a repair at all? One that is not
 * significantly better than the faulty model has nothing to keep. */
static int reference_ready(orchestrator *o, run_state *run)
{
    struct dnnr_minimise_run *m = run->mini;
    memcpy(m->best, m->reference, m->runs * sizeof *m->best);
    m->n_best = m->runs;
    m->stage = STAGE_SEARCH;
    if (m->n_faulty && !dnnr__minimise_better(m->reference, m->runs, m->faulty, m->n_faulty,
                                              run->rt->subject->maximise, o->e->minimise_alpha,
                                              NULL)) {
        finish(o, run, "no repair");
        return 0;
    }
    return 1;
}

/* A candidate passes when it is no significant loss against the full patch
 * and, with minimise_keep_repair (the default), still significantly better
 * than the faulty model: a smaller patch that is no longer a repair is no
 * minimisation of a repair. The empty set (the faulty model) never passes
 * the second test. */
static void judge(orchestrator *o, run_state *run, const double *values, size_t n)
{
    struct dnnr_minimise_run *m = run->mini;
    int maximise = run->rt->subject->maximise;
    int passes = dnnr__minimise_accept(values, n, m->reference, m->runs, maximise,
                                       o->e->minimise_alpha, NULL);
    if (passes && o->e->minimise_keep_repair && m->n_faulty)
        passes = dnnr__minimise_better(values, n, m->faulty, m->n_faulty, maximise,
                                       o->e->minimise_alpha, NULL);
    if (passes) {
        memcpy(m->best, values, n * sizeof *m->best);
        m->n_best = n;
    }
    dnnr__ddmin_verdict(m->dd, passes);
}

/* ddmin has ended: retrain what it kept R more times on fresh seeds, so
 * whether the minimised patch is still a repair is measured on trainings
 * that did not choose it. Nothing to confirm when everything was kept (the
 * reference trainings are that patch's) or nothing (the faulty model). */
static int confirm(orchestrator *o, run_state *run, const char *why)
{
    struct dnnr_minimise_run *m = run->mini;
    uint32_t kept = 0;
    const uint8_t *subset = dnnr__ddmin_current(m->dd, &kept);
    if (!o->e->minimise_confirm || kept == 0 || kept == m->n_changes) {
        finish(o, run, why);
        return 0;
    }
    m->why = why;
    m->stage = STAGE_CONFIRM;
    return place_candidate(o, run, subset, kept) > 0;
}

int dnnr__minimise_step(orchestrator *o, run_state *run)
{
    struct dnnr_minimise_run *m = run->mini;
    if (!m || run->asking_done || run->failed || run->n_open > 0 || o->fatal ||
        m->stage == STAGE_DONE)
        return 0;
    if (m->stage == STAGE_REFERENCE_TODO) {
        if (m->n_changes == 0) { /* the patch is the faulty configuration */
            finish(o, run, "no repair");
            return 0;
        }
        m->stage = STAGE_REFERENCE;
        return place_candidate(o, run, NULL, m->n_changes) > 0;
    }
    if (m->stage == STAGE_REFERENCE) {
        if (!run->final)
            read_samples(run, m->first, m->runs, m->reference);
        if (!reference_ready(o, run))
            return 0;
    } else if (m->stage == STAGE_CONFIRM) {
        read_samples(run, m->first, m->runs, m->confirm);
        m->n_confirm = m->runs;
        finish(o, run, m->why);
        return 0;
    } else if (m->stage == STAGE_CANDIDATE) {
        double *values = dnnr__alloc(m->runs, sizeof *values);
        if (!values) {
            run->failed = 1;
            return 0;
        }
        read_samples(run, m->first, m->runs, values);
        m->candidates++;
        judge(o, run, values, m->runs);
        dnnr__free(values);
        m->stage = STAGE_SEARCH;
    }
    const uint8_t *subset;
    uint32_t size;
    for (;;) {
        /* The cap is checked before each candidate: one started runs its R trials. */
        if (o->e->minimise_budget > 0 && charged(run) >= o->e->minimise_budget)
            return confirm(o, run, "budget");
        if (dnnr__ddmin_next(m->dd, &subset, &size) != DNNR_OK)
            return confirm(o, run, "minimal");
        if (size > 0)
            break;
        /* The empty set is the faulty model: its reference trainings judge
         * it, no training needed (they are the same configuration). */
        if (m->n_faulty)
            judge(o, run, m->faulty, m->n_faulty);
        else
            dnnr__ddmin_verdict(m->dd, 0);
    }
    m->stage = STAGE_CANDIDATE;
    return place_candidate(o, run, subset, size) > 0;
}
