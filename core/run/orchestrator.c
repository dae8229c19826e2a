/* The orchestrator's loop. Determinism is by construction: each run tells
 * its searcher results in trial order, and asks for trial k exactly when
 * k - W + 1 results have been told, W being the experiment's `workers`.
 * What a searcher sees therefore depends on the experiment file alone, not
 * on which worker finished first or on -j; and --resume rebuilds a
 * searcher's state by walking the same steps with journaled results standing
 * in for trials that already ran. */
#include "run/orchestrator.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/host.h"
#include "lint/lint.h"
#include "minimise/minimise.h"
#include "config/cfg_json.h"
#include "report/report.h"
#include "run/mpi_pool.h"
#include "run/run_state.h"
#include "run/trial_extras.h"
#include "space/space.h"
#include "util/alloc.h"
#include "util/io.h"

uint64_t dnnr__run_seed(int64_t experiment_seed, const char *subject, const char *searcher,
                        double budget, int64_t repeat)
{
    char text[64];
    uint64_t h = dnnr__hash_string(0, subject);
    h = dnnr__hash_string(h, "\x1f");
    h = dnnr__hash_string(h, searcher);
    snprintf(text, sizeof text, "\x1f%.17g\x1f%lld", budget, (long long)repeat);
    h = dnnr__hash_string(h, text);
    return dnnr_rng_derive((uint64_t)experiment_seed, h);
}

/* ---- budgets ------------------------------------------------------------ */

/* A time budget is charged the wall-clock seconds of each finished trial
 * plus the searcher's own seconds in ask and tell: with one trial in flight
 * that is the run's wall clock, and it stays fair when runs share workers. */
static void run_budget(const run_state *run, dnnr_budget_info *out)
{
    *out = run->budget;
    if (out->kind == DNNR_BUDGET_SECONDS)
        out->used += run->overhead;
}

static int budget_left(const run_state *run)
{
    dnnr_budget_info b;
    run_budget(run, &b);
    return b.used < b.total;
}

/* ---- trials ------------------------------------------------------------- */

static trial_slot *slot_new(run_state *run)
{
    trial_slot *slot = dnnr__alloc(1, sizeof *slot);
    if (!slot)
        return NULL;
    const dnnr_subject *s = run->rt->subject;
    slot->config = dnnr__alloc(s->space->n_params + 1, sizeof *slot->config);
    if (!slot->config) {
        dnnr__free(slot);
        return NULL;
    }
    /* A searcher fills only the head (its search space): the pinned
     * parameters behind it keep their faulty values. */
    if (s->faulty)
        memcpy(slot->config, s->faulty, s->space->n_params * sizeof *slot->config);
    slot->run = run;
    slot->trial = run->next_trial;
    slot->warm_start = -1;
    dnnr__outcome_init(&slot->outcome);
    return slot;
}

static void slot_free(trial_slot *slot)
{
    if (!slot)
        return;
    dnnr__free(slot->weights_in);
    dnnr__free(slot->weights_out);
    dnnr__outcome_clear(&slot->outcome);
    dnnr__free(slot->config);
    dnnr__free(slot->monitor_state);
    dnnr__free(slot);
}

static void set_fatal(orchestrator *o, const dnnr_error *err)
{
    if (!o->fatal)
        o->fatal_err = *err;
    o->fatal = 1;
}

static int push(trial_slot ***items, size_t *n, size_t *cap, trial_slot *slot)
{
    if (*n == *cap) {
        size_t grown_cap = *cap ? *cap * 2 : 16;
        trial_slot **grown = dnnr__realloc(*items, grown_cap * sizeof *grown);
        if (!grown)
            return DNNR_ENOMEM;
        *items = grown;
        *cap = grown_cap;
    }
    (*items)[(*n)++] = slot;
    return DNNR_OK;
}

static void journal_trial(orchestrator *o, const trial_slot *slot, int searcher_failed)
{
    run_state *run = slot->run;
    const dnnr_outcome *out = &slot->outcome;
    dnnr_trial_record rec = {
        .key = run->key, .trial = slot->trial, .space = run->rt->subject->space,
        .config = slot->config, .fidelity = slot->fidelity, .warm_start = slot->warm_start,
        .note = slot->note, .extras = &slot->extras,
        .objective = out->status == DNNR_TRIAL_OK ? dnnr__objective(run->rt->subject, out->metric)
                                                  : NAN,
        .outcome = out, .started = slot->started_wall, .finished = dnnr__wall_clock(),
        .run_elapsed = run->started > 0 ? dnnr__now() - run->started : 0,
        .maximise = run->rt->subject->maximise, .optimum = run->rt->subject->optimum,
        .searcher_failed = searcher_failed};
    dnnr_error err;
    if (dnnr__journal_append_trial(o->journal, &rec, &err)) {
        dnnr__error_prefix(&err, "%s", o->out_dir);
        set_fatal(o, &err);
    }
}

/* Bookkeeping for a trial whose outcome is known (run now or journaled). */
/* Keep the study's choice of patch up to date (see run_state), and the
 * samples of retraining runs. */
static void track_patch(run_state *run, uint64_t trial, const dnnr_value *config,
                        const dnnr_outcome *out, const dnnr_trial_extras *extras)
{
    const dnnr_subject *s = run->rt->subject;
    if (run->role == ROLE_FINAL || run->role == ROLE_MINIMISE || run->role == ROLE_FAULTY) {
        dnnr__minimise_observe(run, trial, out);
        return;
    }
    if (run->role != ROLE_SEARCH || run->rt->analytic || trial == 0 || !config ||
        out->status != DNNR_TRIAL_OK || !isfinite(out->metric))
        return;
    int better = !run->patch ||
                 (s->maximise ? out->metric > run->patch_metric : out->metric < run->patch_metric) ||
                 (out->metric == run->patch_metric && trial < run->patch_trial);
    if (!better)
        return;
    if (!run->patch && !(run->patch = dnnr__alloc(s->space->n_params + 1, sizeof *run->patch)))
        return;
    memcpy(run->patch, config, s->space->n_params * sizeof *run->patch);
    run->patch_extras = *extras;
    run->patch_metric = out->metric;
    run->patch_trial = trial;
}

/* The faulty and fixed programs' reference trainings are scored as Keras
 * scores them even when their loss becomes NaN (engine.h, score_diverged):
 * the study ran the programs themselves, and their Faulty column, cost unit
 * and significance tests come from such trainings (D4's faulty program
 * always diverges and scores 0.10). Searched trials and a patch's
 * retrainings are not: a diverged model is no repair. */
static int is_reference(const run_state *run)
{
    return run->role == ROLE_FAULTY || run->role == ROLE_FIX;
}

/* A reference training's search-part metric, kept for the searchers'
 * target (a failed training is NaN, the worst value). Out of memory only
 * loses the target, never the run. */
static void keep_reference_metric(run_state *run, const dnnr_outcome *out)
{
    dnnr_subject_rt *rt = run->rt;
    double **values = run->role == ROLE_FIX ? &rt->fix_search : &rt->faulty_search;
    size_t *n = run->role == ROLE_FIX ? &rt->n_fix_search : &rt->n_faulty_search;
    double *grown = dnnr__realloc(*values, (*n + 1) * sizeof **values);
    if (!grown)
        return;
    int scored = out->status == DNNR_TRIAL_OK || out->status == DNNR_TRIAL_DIVERGED;
    grown[(*n)++] = scored && isfinite(out->metric) ? out->metric : NAN;
    *values = grown;
}

static void count_outcome(orchestrator *o, run_state *run, const dnnr_outcome *out)
{
    run->finished_trials++;
    o->trials_total++;
    if (out->status != DNNR_TRIAL_OK) {
        run->failed_trials++;
    } else {
        double objective = dnnr__objective(run->rt->subject, out->metric);
        if (objective < run->best_objective)
            run->best_objective = objective;
    }
    if (run->budget.kind == DNNR_BUDGET_UNITS && isfinite(out->cost_units))
        run->budget.used += out->cost_units;
    if (run->budget.kind == DNNR_BUDGET_SECONDS && isfinite(out->cost_seconds))
        run->budget.used += out->cost_seconds;
    if (run->role == ROLE_FAULTY || run->role == ROLE_FIX)
        keep_reference_metric(run, out);
    if (run->role == ROLE_FAULTY) {
        dnnr_subject_rt *rt = run->rt;
        if (!(rt->faulty_cost > 0) && out->cost_raw > 0)
            rt->faulty_cost = out->cost_raw;
        rt->faulty_seconds += out->cost_seconds;
        if (--rt->faulty_refs_left == 0) /* T: the mean of the faulty trainings */
            rt->faulty_seconds /= (double)o->e->eval_runs;
    }
    if (run->role == ROLE_FIX)
        run->rt->fix_refs_left--;
}

/* A worker's outcome, before it is journaled: costs relative to the faulty
 * model, and the reason of a budget timeout. */
static void settle_outcome(trial_slot *slot)
{
    dnnr_outcome *out = &slot->outcome;
    const dnnr_subject_rt *rt = slot->run->rt;
    double unit = rt->faulty_cost > 0 ? rt->faulty_cost
                                      : (slot->run->role == ROLE_FAULTY ? out->cost_raw : NAN);
    out->cost_units = out->cost_raw / unit;
    if (slot->budget_limited && out->status == DNNR_TRIAL_TIMEOUT)
        dnnr__outcome_set(out, DNNR_TRIAL_TIMEOUT, "the run's time budget ran out during training");
}

static void tell(orchestrator *o, run_state *run, trial_slot *slot)
{
    const dnnr_outcome *out = &slot->outcome;
    run->tells++;
    run->blocked = 0;
    if (!dnnr__searcher_proc_alive(run->sp))
        return;
    const dnnr_epoch_record **epochs = dnnr__alloc(out->n_epochs + 1, sizeof *epochs);
    if (!epochs)
        return;
    for (uint32_t i = 0; i < out->n_epochs; i++)
        epochs[i] = &out->epochs[i];
    dnnr_trial_result res = {
        .struct_size = sizeof res, .trial_id = slot->trial, .config = slot->config,
        .fidelity = slot->fidelity, .warm_start = slot->warm_start, .status = out->status,
        .message = out->message,
        .objective = out->status == DNNR_TRIAL_OK ? dnnr__objective(run->rt->subject, out->metric)
                                                  : NAN,
        .metric = out->metric, .n_epochs = out->n_epochs, .epochs = epochs,
        .stopped_early = out->stopped_early, .cost_seconds = out->cost_seconds,
        .cost_units = out->cost_units};
    dnnr_budget_info b;
    run_budget(run, &b);
    dnnr_error err;
    double t0 = dnnr__now();
    int rc = dnnr__searcher_proc_tell(run->sp, &b, &res, &err);
    run->overhead += dnnr__now() - t0;
    if (rc) {
        if (o->opt->progress)
            fprintf(o->opt->progress, "%s; its run ends here\n", err.msg);
        run->failed = 1;
        dnnr__searcher_proc_stop(run->sp);
        run->sp = NULL;
    }
    dnnr__free(epochs);
}

/* The searcher died or failed deciding the next trial: record that trial as
 * crashed, so the loss is visible and --resume never asks again, and end
 * the run's asking. */
static void searcher_failed(orchestrator *o, run_state *run, const dnnr_error *why)
{
    trial_slot *slot = slot_new(run);
    if (slot) {
        memcpy(slot->config, run->rt->subject->faulty,
               run->rt->subject->space->n_params * sizeof *slot->config);
        snprintf(slot->note, sizeof slot->note, "no configuration: the searcher failed");
        slot->started_wall = dnnr__wall_clock();
        dnnr__outcome_set(&slot->outcome, DNNR_TRIAL_CRASHED, "%s", why->msg);
        journal_trial(o, slot, 1);
        track_patch(run, slot->trial, slot->config, &slot->outcome, &slot->extras);
        count_outcome(o, run, &slot->outcome);
        run->next_trial++;
        slot_free(slot);
    }
    if (o->opt->progress)
        fprintf(o->opt->progress, "%s; its run ends here\n", why->msg);
    run->failed = 1;
    dnnr__searcher_proc_stop(run->sp);
    run->sp = NULL;
}

static int journaled_searcher_failure(const dnnr_json *line)
{
    const dnnr_json *flag = line ? dnnr__json_get(line, "searcher_failed") : NULL;
    return flag && flag->type == DNNR_JSON_BOOL && flag->number;
}

/* A trial has its configuration: take its result from the journal when a
 * resumed run already ran it, else queue it for a worker. */
static int place_trial(orchestrator *o, run_state *run, trial_slot *slot)
{
    const dnnr_json *line = dnnr__resume_lookup(run, slot->trial);
    const dnnr_space *space = run->rt->subject->space;
    if (line) {
        dnnr_value *journaled = dnnr__alloc(space->n_params + 1, sizeof *journaled);
        dnnr_trial_extras extras;
        int same = journaled &&
                   dnnr__journal_config(dnnr__json_get(line, "config"), space, journaled) == DNNR_OK &&
                   dnnr__config_equal(space, journaled, slot->config) &&
                   dnnr__extras_parse(line, &extras) == 0 &&
                   dnnr__extras_equal(&extras, &slot->extras);
        dnnr__free(journaled);
        if (!same) {
            if (o->opt->progress)
                fprintf(o->opt->progress,
                        "cannot resume %s x %s x %g x r%lld at trial %llu: the searcher asked for "
                        "another configuration or other extras than the journal holds (is it deterministic?)\n",
                        run->key.subject, run->key.searcher, run->key.budget,
                        (long long)run->key.repeat, (unsigned long long)slot->trial);
            run->failed = 1;
            slot_free(slot);
            return 0;
        }
        if (dnnr__resume_outcome(line, &slot->outcome) != DNNR_OK) {
            slot_free(slot);
            return 0;
        }
        slot->done = 1;
        track_patch(run, slot->trial, slot->config, &slot->outcome, &slot->extras);
        count_outcome(o, run, &slot->outcome);
    } else if (push(&o->queue, &o->n_queue, &o->cap_queue, slot)) {
        slot_free(slot);
        return 0;
    }
    if (push(&run->open, &run->n_open, &run->cap_open, slot))
        return 0; /* out of memory: the slot stays owned by the queue or leaks no further */
    run->next_trial++;
    if (run->budget.kind == DNNR_BUDGET_EVALUATIONS)
        run->budget.used += 1;
    return 1;
}

trial_slot *dnnr__run_slot_new(run_state *run) { return slot_new(run); }

int dnnr__run_place_trial(orchestrator *o, run_state *run, trial_slot *slot)
{
    return place_trial(o, run, slot);
}

void dnnr__run_set_fatal(orchestrator *o, const dnnr_error *err) { set_fatal(o, err); }

/* Ask the searcher for the next trial. Returns 1 if a trial was placed. */
static int ask_one(orchestrator *o, run_state *run)
{
    if (journaled_searcher_failure(dnnr__resume_lookup(run, run->next_trial))) {
        /* It died here before; asking again would only kill it again. */
        dnnr_outcome out;
        dnnr__resume_outcome(dnnr__resume_lookup(run, run->next_trial), &out);
        count_outcome(o, run, &out);
        dnnr__outcome_clear(&out);
        run->next_trial++;
        run->failed = 1;
        return 0;
    }
    trial_slot *slot = slot_new(run);
    if (!slot)
        return 0;
    dnnr_asked asked = {.config = slot->config};
    dnnr_budget_info b;
    run_budget(run, &b);
    dnnr_error err;
    double t0 = dnnr__now();
    int rc = dnnr__searcher_proc_ask(run->sp, slot->trial, &b, &asked, &err);
    run->overhead += dnnr__now() - t0;
    if (rc == DNNR_EAGAIN || rc == DNNR_EDONE) {
        run->blocked = rc == DNNR_EAGAIN;
        run->asking_done = rc == DNNR_EDONE;
        slot_free(slot);
        return 0;
    }
    slot->monitor_state = asked.monitor_state;
    slot->monitor_state_size = asked.monitor_state_size;
    if (rc == DNNR_OK && dnnr__space_check_config(run->rt->subject->search_space, slot->config, &err))
        rc = dnnr__error_set(&err, DNNR_EINVAL, "searcher '%s' proposed an invalid configuration: %s",
                             run->spec->label, err.msg);
    if (rc) {
        slot_free(slot);
        searcher_failed(o, run, &err);
        return 0;
    }
    slot->fidelity = asked.fidelity;
    slot->warm_start = asked.warm_start;
    slot->flags = asked.flags;
    slot->extras = asked.extras;
    memcpy(slot->note, asked.note, sizeof slot->note);
    return place_trial(o, run, slot);
}

static int may_ask(const orchestrator *o, const run_state *run)
{
    return run->phase == RUN_ACTIVE && !run->blocked && !run->asking_done && !run->failed &&
           run->sp && budget_left(run) && run->next_trial < run->tells + o->window;
}

static void finish_if_done(orchestrator *o, run_state *run)
{
    if (run->phase != RUN_ACTIVE || run->n_open > 0)
        return;
    /* Nothing open: a searcher asking to wait would wait forever. */
    if (!(run->asking_done || run->failed || run->blocked || !run->sp || !budget_left(run)))
        return;
    dnnr__searcher_proc_stop(run->sp);
    run->sp = NULL;
    run->phase = RUN_DONE;
    o->runs_done++;
    dnnr__progress_run_done(o, run);
}

/* Tell results in trial order, asking after each tell for the trials the
 * window now allows. A minimisation run has no searcher: once its trials
 * are all told it decides the next candidate itself. */
static void advance(orchestrator *o, run_state *run)
{
    do {
        for (;;) {
            while (may_ask(o, run) && !o->fatal)
                if (!ask_one(o, run))
                    break;
            if (run->n_open == 0 || !run->open[0]->done || o->fatal)
                break;
            trial_slot *slot = run->open[0];
            memmove(run->open, run->open + 1, (run->n_open - 1) * sizeof *run->open);
            run->n_open--;
            tell(o, run, slot);
            slot_free(slot);
        }
    } while (run->role == ROLE_MINIMISE && !o->fatal && dnnr__minimise_step(o, run));
    finish_if_done(o, run);
}

/* ---- run lifecycle ------------------------------------------------------ */

/* What the lint suspects of each parameter, handed to every searcher of a
 * data-set subject: made here, once per experiment, since only searchers
 * read it (dnnr__subject_rt_close frees it). */
static int attach_hints(dnnr_subject_rt *rt, dnnr_error *err)
{
    if (rt->analytic)
        return DNNR_OK;
    int rc = dnnr__lint_hints_make(rt->subject, rt->model, &rt->dataset, &rt->lint_hints, err);
    if (!rc)
        rt->hints = dnnr__lint_hints_array(rt->lint_hints);
    return rc;
}

/* The fix's level as an objective: the mean search-part metric of its
 * reference trainings (search runs start after them). NaN without a fix,
 * and NaN when the fix is not significantly better than the faulty model on
 * the search part (one-sided rank-sum, p < 0.05): a level within the faulty
 * model's noise (D8's) would stop a searcher at a patch that is no repair. */
static double fix_target(const dnnr_subject_rt *rt)
{
    if (rt->analytic || rt->n_fix_search == 0 || rt->n_faulty_search == 0)
        return NAN;
    int maximise = dnnr__objective(rt->subject, 1.0) < 0;
    if (!dnnr__minimise_better(rt->fix_search, rt->n_fix_search, rt->faulty_search,
                               rt->n_faulty_search, maximise, 0.05, NULL))
        return NAN;
    double sum = 0;
    size_t n = 0;
    for (size_t i = 0; i < rt->n_fix_search; i++)
        if (isfinite(rt->fix_search[i]))
            sum += rt->fix_search[i], n++;
    return n ? dnnr__objective(rt->subject, sum / (double)n) : NAN;
}

static int start_searcher(orchestrator *o, run_state *run, dnnr_error *err)
{
    const dnnr_subject_rt *rt = run->rt;
    dnnr_searcher_proc_params p = {
        .iface = run->iface, .label = run->spec->label, .options = run->spec->options,
        .options_file = o->e->file, .seed = run->seed, .space = rt->subject->search_space,
        .start = rt->subject->faulty, .metric_kind = rt->subject->metric_kind,
        .fidelity_kind = rt->fidelity_kind, .min_fidelity = rt->fidelity_min,
        .max_fidelity = rt->fidelity_max,
        .max_in_flight = (uint32_t)o->window, .call_timeout = 600, .budget = run->budget,
        .hints = rt->hints,
        .target_objective = fix_target(rt)};
    return dnnr__searcher_proc_start(&p, &run->sp, err);
}

/* A DNN run's budget: k evaluations, k faulty trainings' cost units, or k
 * times the faulty model's mean training seconds T. */
static void set_dnn_budget(const orchestrator *o, run_state *run)
{
    double k = run->key.budget;
    switch (o->e->budget_mode) {
    case DNNR_BUDGET_MODE_EVALUATIONS:
        run->budget.kind = DNNR_BUDGET_EVALUATIONS;
        run->budget.total = k;
        break;
    case DNNR_BUDGET_MODE_COST:
        run->budget.kind = DNNR_BUDGET_UNITS;
        run->budget.total = k;
        break;
    case DNNR_BUDGET_MODE_TIME:
        run->budget.kind = DNNR_BUDGET_SECONDS;
        run->budget.total = k * run->rt->faulty_seconds;
        break;
    }
}

/* A reference training: the faulty model or the fix, once, no searcher. */
static void activate_reference(orchestrator *o, run_state *run)
{
    const dnnr_subject *s = run->rt->subject;
    run->asking_done = 1;
    trial_slot *slot = slot_new(run);
    if (slot) {
        memcpy(slot->config, run->role == ROLE_FAULTY ? s->faulty : s->fix,
               s->space->n_params * sizeof *slot->config);
        snprintf(slot->note, sizeof slot->note, "reference training of the %s model",
                 run->role == ROLE_FAULTY ? "faulty" : "fixed");
        place_trial(o, run, slot);
    }
    advance(o, run);
}

/* `final_runs` retrainings of the patch the search run chose, on fresh
 * seeds: a stronger claim than one training's holdout value. */
static void activate_final(orchestrator *o, run_state *run)
{
    const run_state *base = run->base;
    const dnnr_subject *s = run->rt->subject;
    run->asking_done = 1;
    for (int64_t k = 0; base->patch && k < o->e->final_runs; k++) {
        trial_slot *slot = slot_new(run);
        if (!slot)
            break;
        memcpy(slot->config, base->patch, s->space->n_params * sizeof *slot->config);
        slot->extras = base->patch_extras; /* the patch is its configuration and its extras */
        snprintf(slot->note, sizeof slot->note,
                 "final retraining %lld of %lld of the patch chosen in trial %llu",
                 (long long)k + 1, (long long)o->e->final_runs,
                 (unsigned long long)base->patch_trial);
        if (!place_trial(o, run, slot))
            break;
    }
    advance(o, run);
}

static void activate(orchestrator *o, run_state *run)
{
    dnnr_error err;
    run->phase = RUN_ACTIVE;
    run->started = dnnr__now();
    if (run->role == ROLE_FINAL) {
        activate_final(o, run);
        return;
    }
    if (run->role == ROLE_MINIMISE) {
        dnnr__minimise_activate(o, run);
        advance(o, run);
        return;
    }
    if (run->role != ROLE_SEARCH) {
        activate_reference(o, run);
        return;
    }
    if (!run->rt->analytic)
        set_dnn_budget(o, run);
    else if (run->rt->info.fidelity_kind != DNNR_FIDELITY_NONE)
        run->budget.kind = DNNR_BUDGET_UNITS; /* a low-fidelity evaluation costs its share */
    if (start_searcher(o, run, &err)) {
        searcher_failed(o, run, &err);
        finish_if_done(o, run);
        return;
    }
    /* Trial 0 is the start (faulty) configuration, decided by the host; its
     * gradient indicators tell searchers how the faulty model trains. */
    trial_slot *slot = slot_new(run);
    if (slot) {
        if (!run->rt->analytic)
            slot->flags |= DNNR_TRIAL_INDICATORS;
        memcpy(slot->config, run->rt->subject->faulty,
               run->rt->subject->space->n_params * sizeof *slot->config);
        snprintf(slot->note, sizeof slot->note, "start configuration");
        place_trial(o, run, slot);
    }
    advance(o, run);
}

/* Weights a trial keeps live in the run folder, one file per trial:
 * weights/<subject>/<searcher>/b<budget>-r<repeat>-t<trial>.bin. */
static char *weights_path(const orchestrator *o, const run_state *run, int64_t trial)
{
    return dnnr__asprintf("%s/weights/%s/%s/b%g-r%lld-t%lld.bin", o->out_dir, run->key.subject,
                          run->key.searcher, run->key.budget, (long long)run->key.repeat,
                          (long long)trial);
}

/* Paths for a warm start and for keeping weights; a warm start from a trial
 * that kept none is refused as an invalid trial. */
static int prepare_weights(const orchestrator *o, trial_slot *slot)
{
    run_state *run = slot->run;
    if (slot->flags & DNNR_TRIAL_KEEP_WEIGHTS) {
        slot->weights_out = weights_path(o, run, (int64_t)slot->trial);
        char *dir = slot->weights_out ? dnnr__strdup(slot->weights_out) : NULL;
        char *slash = dir ? strrchr(dir, '/') : NULL;
        if (slash)
            *slash = '\0';
        if (!dir || dnnr__mkdirs(dir)) {
            dnnr__free(dir);
            return DNNR_EIO;
        }
        dnnr__free(dir);
    }
    if (slot->warm_start >= 0) {
        slot->weights_in = weights_path(o, run, slot->warm_start);
        if (!slot->weights_in || access(slot->weights_in, R_OK) != 0) {
            dnnr__outcome_set(&slot->outcome, DNNR_TRIAL_INVALID,
                              "warm start from trial %lld, which kept no weights (ask with "
                              "DNNR_TRIAL_KEEP_WEIGHTS)",
                              (long long)slot->warm_start);
            return DNNR_EINVAL;
        }
    }
    return DNNR_OK;
}

/* Start the first queued trial on @p worker: DNNR_OK; 1 when the trial
 * ended before it started (journaled; the worker is still free); or the
 * error that kept the worker from starting (the trial is journaled as
 * crashed). */
static int start_queued(orchestrator *o, size_t worker)
{
    trial_slot *slot = o->queue[0];
    memmove(o->queue, o->queue + 1, (o->n_queue - 1) * sizeof *o->queue);
    o->n_queue--;
    run_state *run = slot->run;
    slot->job = (dnnr_trial_job){
        .rt = run->rt, .config = slot->config, .fidelity = slot->fidelity,
        .seed = dnnr_rng_derive(run->seed, slot->trial), .warm_start = slot->warm_start,
        .flags = slot->flags, .monitor_state = slot->monitor_state,
        .monitor_state_size = slot->monitor_state_size, .searcher = run->iface,
        .extras = slot->extras, .score_diverged = is_reference(run)};
    slot->started_wall = dnnr__wall_clock();
    if (!run->rt->analytic && prepare_weights(o, slot) != DNNR_OK) {
        if (slot->outcome.status == DNNR_TRIAL_OK)
            dnnr__outcome_set(&slot->outcome, DNNR_TRIAL_CRASHED, "cannot prepare the weights folder");
        slot->done = 1;
        journal_trial(o, slot, 0);
        track_patch(run, slot->trial, slot->config, &slot->outcome, &slot->extras);
        count_outcome(o, run, &slot->outcome);
        advance(o, run);
        return 1; /* ended before it started: the worker is still free */
    }
    slot->job.warm_start_path = slot->weights_in;
    slot->job.save_weights_path = slot->weights_out;
    double timeout = o->e->trial_timeout;
    if (run->budget.kind == DNNR_BUDGET_SECONDS) {
        /* The study's runs ended when their time did, trials included. */
        dnnr_budget_info b;
        run_budget(run, &b);
        double left = fmax(b.total - b.used, 1e-3);
        if (timeout <= 0 || left < timeout) {
            timeout = left;
            slot->budget_limited = 1;
        }
    }
    dnnr_error err;
    int rc = o->mpi ? dnnr__mpi_pool_start(o->mpi, worker, &slot->job, timeout, &err)
                    : dnnr__worker_start(&o->workers[worker], dnnr__trial_execute, NULL,
                                         &slot->job, timeout, slot, &err);
    if (rc) {
        dnnr__outcome_set(&slot->outcome, DNNR_TRIAL_CRASHED, "%s", err.msg);
        slot->done = 1;
        settle_outcome(slot);
        journal_trial(o, slot, 0);
        track_patch(run, slot->trial, slot->config, &slot->outcome, &slot->extras);
        count_outcome(o, run, &slot->outcome);
        advance(o, run);
        return rc;
    }
    o->slots[worker] = slot;
    return DNNR_OK;
}

static int worker_free(const orchestrator *o, size_t w)
{
    return o->mpi ? dnnr__mpi_pool_free(o->mpi, w) : o->workers[w].pid <= 0;
}

/* Fill free workers with queued trials, activating runs while none is queued. */
static void fill(orchestrator *o)
{
    for (size_t w = 0; w < o->n_workers && !o->fatal && !(o->opt->stop && *o->opt->stop);) {
        if (!worker_free(o, w)) {
            w++;
            continue;
        }
        /* Runs start in order; a subject's runs wait for its faulty model's
         * reference trainings, which define their budgets and cost unit. */
        while (o->n_queue == 0 && o->next_pending < o->n_runs && !o->fatal &&
               !(o->opt->stop && *o->opt->stop)) {
            run_state *next = &o->runs[o->next_pending];
            if (next->role != ROLE_FAULTY && next->rt->faulty_refs_left > 0)
                break;
            if (next->role == ROLE_SEARCH && next->rt->fix_refs_left > 0)
                break; /* the fix's level is the searchers' target */
            if ((next->role == ROLE_FINAL || next->role == ROLE_MINIMISE) &&
                next->base->phase != RUN_DONE)
                break; /* its patch is not chosen yet */
            if (next->role == ROLE_MINIMISE && next->final && next->final->phase != RUN_DONE)
                break; /* it reuses the final retrainings */
            o->next_pending++;
            activate(o, next);
        }
        if (o->n_queue == 0)
            break;
        /* A trial can end before it starts (a warm start from a trial that
         * kept no weights): the worker is then still free and takes the next
         * one, else the queue would be left with nothing running. A worker
         * that could not start (fork or pipe failed) is left for this round,
         * so one failure cannot crash every queued trial in turn. */
        if (start_queued(o, w) < 0)
            w++;
    }
}

static int busy_workers(const orchestrator *o)
{
    if (o->mpi)
        return (int)dnnr__mpi_pool_busy(o->mpi);
    int n = 0;
    for (size_t w = 0; w < o->n_workers; w++)
        n += o->workers[w].pid > 0;
    return n;
}

static void stop_workers(orchestrator *o)
{
    /* Trials in flight are not journaled: --resume runs them again. */
    if (o->mpi) {
        dnnr__mpi_pool_abandon(o->mpi);
        memset(o->slots, 0, o->n_workers * sizeof *o->slots);
    }
    for (size_t i = 0; i < o->n_workers; i++) {
        if (o->workers[i].pid > 0) {
            dnnr__worker_kill(&o->workers[i]);
            o->slots[i] = NULL; /* still owned by its run's open list */
        }
    }
}

/* MPI: a lost rank's trial goes back to the front of the queue, to start
 * afresh on another rank (its job and weights paths are made again). */
static void requeue(orchestrator *o, trial_slot *slot)
{
    dnnr__free(slot->weights_in);
    dnnr__free(slot->weights_out);
    slot->weights_in = slot->weights_out = NULL;
    slot->budget_limited = 0;
    if (push(&o->queue, &o->n_queue, &o->cap_queue, slot)) {
        dnnr_error err;
        dnnr__error_set(&err, DNNR_ENOMEM, "out of memory");
        set_fatal(o, &err);
        return;
    }
    memmove(o->queue + 1, o->queue, (o->n_queue - 1) * sizeof *o->queue);
    o->queue[0] = slot;
}

/* MPI: nothing runs, yet trials wait; ranks still loading their data will
 * take them, and when every rank is gone the run stops, resumable. */
static int waiting_for_ranks(orchestrator *o)
{
    if (!o->mpi || (o->n_queue == 0 && o->next_pending >= o->n_runs))
        return 0;
    if (dnnr__mpi_pool_dead(o->mpi)) {
        dnnr_error err;
        dnnr__error_set(&err, DNNR_EIO, "every MPI rank that trains was lost or failed to start; "
                                        "continue with --resume");
        set_fatal(o, &err);
        return 0;
    }
    return dnnr__mpi_pool_starting(o->mpi) > 0;
}

static void loop(orchestrator *o)
{
    for (;;) {
        fill(o);
        if (o->fatal || (busy_workers(o) == 0 && !waiting_for_ranks(o)))
            break;
        dnnr_outcome out;
        int lost = 0;
        int w = o->mpi ? dnnr__mpi_pool_wait(o->mpi, 1.0, &out, &lost)
                       : dnnr__workers_wait(o->workers, o->n_workers, 1.0, &out);
        if (w >= 0 && lost) {
            requeue(o, o->slots[w]);
            o->slots[w] = NULL;
        } else if (w >= 0) {
            trial_slot *slot = o->slots[w];
            o->slots[w] = NULL;
            slot->outcome = out;
            slot->done = 1;
            settle_outcome(slot);
            journal_trial(o, slot, 0);
            track_patch(slot->run, slot->trial, slot->config, &slot->outcome, &slot->extras);
            count_outcome(o, slot->run, &slot->outcome);
            advance(o, slot->run);
        }
        dnnr__progress_update(o);
        if (o->opt->stop && *o->opt->stop) {
            stop_workers(o);
            break;
        }
    }
}

/* ---- setup and teardown ------------------------------------------------- */

static const dnnr_searcher_iface *searcher_iface(const dnnr_registry *reg,
                                                 const dnnr_searcher_spec *spec, const char *file,
                                                 dnnr_error *err)
{
    const dnnr_plugin *p = dnnr__registry_find(reg, DNNR_KIND_SEARCHER, spec->plugin);
    if (!p) {
        dnnr__error_set(err, DNNR_ENOTFOUND,
                        "%s: no searcher plugin named '%s' (see `dnnrepair plugins`)", file,
                        spec->plugin);
        return NULL;
    }
    return p->desc->iface;
}

int dnnr__experiment_check_searchers(const dnnr_experiment *e, const dnnr_registry *reg,
                                     dnnr_error *err)
{
    const dnnr_subject *s = e->subjects[0];
    for (size_t i = 0; i < e->n_searchers; i++) {
        const dnnr_searcher_iface *iface = searcher_iface(reg, &e->searchers[i], e->file, err);
        if (!iface)
            return DNNR_ENOTFOUND;
        dnnr_searcher_proc_params p = {
            .iface = iface, .label = e->searchers[i].label, .options = e->searchers[i].options,
            .options_file = e->file, .seed = 1, .space = s->search_space, .start = s->faulty,
            .metric_kind = s->metric_kind, .max_in_flight = 1, .call_timeout = 60,
            .budget = {.struct_size = sizeof(dnnr_budget_info), .total = 1}};
        dnnr_searcher_proc *sp = NULL;
        int rc = dnnr__searcher_proc_start(&p, &sp, err);
        dnnr__searcher_proc_stop(sp);
        if (rc)
            return rc;
    }
    return DNNR_OK;
}

static void init_run(run_state *run, const dnnr_experiment *e, dnnr_subject_rt *rt, run_role role,
                     const char *label, double budget, int64_t repeat)
{
    run->rt = rt;
    run->role = role;
    run->key = (dnnr_run_key){.subject = rt->subject->id, .searcher = label, .budget = budget,
                              .repeat = repeat};
    run->seed = dnnr__run_seed(e->seed, run->key.subject, label, budget, repeat);
    run->best_objective = INFINITY;
    /* Analytic subjects count evaluations, the start trial included; DNN
     * runs get theirs once the faulty model's references are in. */
    run->budget = (dnnr_budget_info){.struct_size = sizeof(dnnr_budget_info),
                                     .kind = DNNR_BUDGET_EVALUATIONS,
                                     .total = role == ROLE_SEARCH  ? budget
                                              : role == ROLE_FINAL ? (double)e->final_runs
                                                                   : 1};
    if (role == ROLE_MINIMISE) /* its cap counts faulty trainings' cost units */
        run->budget = (dnnr_budget_info){
            .struct_size = sizeof(dnnr_budget_info), .kind = DNNR_BUDGET_UNITS,
            .total = e->minimise_budget > 0 ? e->minimise_budget : INFINITY};
}

/* Per subject: R reference trainings of the faulty model, R of the fix
 * (DNN subjects), then every searcher x budget x repeat. */
static int build_runs(orchestrator *o, dnnr_error *err)
{
    dnnr_experiment *e = o->e;
    size_t searches = e->n_searchers * e->n_budgets * (size_t)e->repeats;
    size_t per_subject = 3 * searches + 2 * (size_t)e->eval_runs;
    o->runs = dnnr__alloc(e->n_subjects * per_subject + 1, sizeof *o->runs);
    if (!o->runs)
        return dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
    size_t k = 0;
    for (size_t s = 0; s < e->n_subjects; s++) {
        dnnr_subject_rt *rt = o->rts[s];
        if (!rt->analytic) {
            rt->faulty_refs_left = (size_t)e->eval_runs;
            rt->fix_refs_left = rt->subject->fix ? (size_t)e->eval_runs : 0;
            for (int64_t r = 0; r < e->eval_runs; r++)
                init_run(&o->runs[k++], e, rt, ROLE_FAULTY, DNNR_FAULTY_LABEL, 0, r);
            for (int64_t r = 0; r < e->eval_runs && rt->subject->fix; r++)
                init_run(&o->runs[k++], e, rt, ROLE_FIX, DNNR_FIX_LABEL, 0, r);
        }
        for (size_t m = 0; m < e->n_searchers; m++)
            for (size_t b = 0; b < e->n_budgets; b++)
                for (int64_t r = 0; r < e->repeats; r++) {
                    run_state *run = &o->runs[k++];
                    init_run(run, e, rt, ROLE_SEARCH, e->searchers[m].label, e->budgets[b], r);
                    run->spec = &e->searchers[m];
                    run->iface = searcher_iface(o->reg, run->spec, e->file, err);
                    if (!run->iface)
                        return DNNR_ENOTFOUND;
                }
        /* After the subject's searches: their patches' final retrainings. */
        size_t first_search = k - searches;
        for (size_t i = 0; i < searches && e->final_runs > 0 && !rt->analytic; i++) {
            run_state *base = &o->runs[first_search + i];
            run_state *run = &o->runs[k++];
            run->owned_label = dnnr__asprintf("%s%s", base->key.searcher, DNNR_FINAL_SUFFIX);
            if (!run->owned_label)
                return dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
            init_run(run, e, rt, ROLE_FINAL, run->owned_label, base->key.budget, base->key.repeat);
            run->base = base;
        }
        /* Then the minimisation of each patch, reusing its final retrainings
         * when there are enough of them. */
        int reuse = e->final_runs > 0 && e->final_runs >= e->minimise_runs;
        for (size_t i = 0; i < searches && e->minimise && !rt->analytic; i++) {
            run_state *base = &o->runs[first_search + i];
            run_state *run = &o->runs[k++];
            run->owned_label = dnnr__asprintf("%s%s", base->key.searcher, DNNR_MIN_SUFFIX);
            if (!run->owned_label)
                return dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
            init_run(run, e, rt, ROLE_MINIMISE, run->owned_label, base->key.budget,
                     base->key.repeat);
            run->base = base;
            if (reuse)
                run->final = &o->runs[first_search + searches + i];
        }
    }
    o->n_runs = k;
    return DNNR_OK;
}

/* The experiment and each subject as the journal's first lines, so reports
 * (and `dnnrepair report`) need nothing but trials.jsonl. */
static void format_subject(dnnr_buf *b, const dnnr_subject *s, double max_fidelity)
{
    dnnr__buf_printf(b, "%s", "{\"kind\":\"subject\"");
    dnnr__json_field_string(b, "subject", s->id);
    dnnr__json_field_string(b, "task", dnnr__task_name(s->task));
    dnnr__json_field_string(b, "direction", s->maximise ? "max" : "min");
    dnnr__json_field_string(b, "metric", s->metric_name);
    dnnr__json_field_number(b, "optimum", s->optimum);
    dnnr__json_field_number(b, "max_fidelity", max_fidelity);
    dnnr__buf_printf(b, "%s", ",\"params\":[");
    for (uint32_t i = 0; i < s->space->n_params; i++) {
        const dnnr_param *p = s->space->params[i];
        static const char *const kinds[] = {"categorical", "integer", "float"};
        dnnr__buf_printf(b, "%s{\"name\":", i ? "," : "");
        dnnr__json_string(b, p->name);
        dnnr__buf_printf(b, ",\"type\":\"%s\"", kinds[p->kind]);
        if (i >= s->n_searched)
            dnnr__buf_printf(b, "%s", ",\"pinned\":true");
        if (p->kind == DNNR_PARAM_CATEGORICAL) {
            dnnr__buf_printf(b, "%s", ",\"choices\":[");
            for (uint32_t c = 0; c < p->n_choices; c++) {
                if (c)
                    dnnr__buf_printf(b, "%s", ",");
                dnnr__json_string(b, p->choices[c]);
            }
            dnnr__buf_printf(b, "%s", "]");
        } else {
            dnnr__buf_printf(b, ",\"lo\":%.17g,\"hi\":%.17g,\"log\":%s", p->lo, p->hi,
                             p->log ? "true" : "false");
        }
        dnnr__buf_printf(b, "%s", "}");
    }
    dnnr__buf_printf(b, "%s", "],\"faulty\":");
    dnnr__journal_format_config(b, s->space, s->faulty);
    dnnr__buf_printf(b, "%s", ",\"fix\":");
    if (s->fix)
        dnnr__journal_format_config(b, s->space, s->fix);
    else
        dnnr__buf_printf(b, "%s", "null");
    dnnr__buf_printf(b, "%s", ",\"paper\":");
    dnnr__cfg_to_json(b, s->paper);
    dnnr__buf_printf(b, "%s", "}");
}

static int journal_has_kind(const orchestrator *o, const char *kind, const char *subject)
{
    for (size_t i = 0; i < o->journal_lines.n; i++) {
        const dnnr_json *l = o->journal_lines.items[i];
        const char *k = dnnr__json_str(l, "kind"), *sub = dnnr__json_str(l, "subject");
        if (k && !strcmp(k, kind) && (!subject || (sub && !strcmp(sub, subject))))
            return 1;
    }
    return 0;
}

static int write_metadata(orchestrator *o, dnnr_error *err)
{
    int rc = DNNR_OK;
    if (!journal_has_kind(o, "experiment", NULL)) {
        dnnr_buf b = {0};
        dnnr__buf_printf(&b, "%s", "{\"kind\":\"experiment\",");
        dnnr__json_key(&b, "name");
        dnnr__json_string(&b, o->e->name);
        dnnr__buf_printf(&b,
                         ",\"seed\":%lld,\"repeats\":%lld,\"eval_runs\":%lld,\"workers\":%lld,"
                         "\"final_runs\":%lld,",
                         (long long)o->e->seed, (long long)o->e->repeats,
                         (long long)o->e->eval_runs, (long long)o->e->workers,
                         (long long)o->e->final_runs);
        static const char *const modes[] = {"time", "cost", "evaluations"};
        dnnr__buf_printf(&b, "\"budget_mode\":\"%s\",\"metrics\":[", modes[o->e->budget_mode]);
        for (size_t i = 0; i < o->e->n_metrics; i++) {
            if (i)
                dnnr__buf_printf(&b, "%s", ",");
            dnnr__json_string(&b, o->e->metrics[i]);
        }
        dnnr__buf_printf(&b, "%s", "]");
        /* Where the file is, so `dnnrepair minimise DIR` can resume the run. */
        char *file = realpath(o->e->file, NULL);
        dnnr__json_field_string(&b, "file", file ? file : o->e->file);
        free(file);
        dnnr__buf_printf(&b, "%s", "}");
        rc = dnnr__journal_append_line(o->journal, &b, err);
        dnnr__buf_free(&b);
    }
    for (size_t i = 0; i < o->e->n_subjects && !rc; i++) {
        if (journal_has_kind(o, "subject", o->e->subjects[i]->id))
            continue;
        dnnr_buf b = {0};
        const dnnr_subject_rt *rt = o->rts[i];
        format_subject(&b, o->e->subjects[i], rt->fidelity_max);
        rc = dnnr__journal_append_line(o->journal, &b, err);
        dnnr__buf_free(&b);
    }
    return rc;
}

static int prepare_output(orchestrator *o, dnnr_error *err)
{
    const char *dir = o->opt->out_dir ? o->opt->out_dir : o->e->output;
    o->out_dir = dnnr__strdup(dir);
    char *trials = dnnr__asprintf("%s/trials.jsonl", dir);
    if (!o->out_dir || !trials) {
        dnnr__free(trials);
        return dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
    }
    FILE *f = fopen(trials, "r");
    int exists = f != NULL;
    if (f)
        fclose(f);
    dnnr__free(trials);
    if (exists && !o->opt->resume)
        return dnnr__error_set(err, DNNR_EINVAL,
                               "%s already holds a run (trials.jsonl); continue it with --resume "
                               "or choose another folder with --out",
                               dir);
    return dnnr__journal_open(dir, &o->journal, err);
}

static void teardown(orchestrator *o)
{
    for (size_t w = 0; w < o->n_workers; w++) {
        if (o->workers && o->workers[w].pid > 0)
            dnnr__worker_kill(&o->workers[w]);
        if (o->workers)
            dnnr__buf_free(&o->workers[w].received);
    }
    dnnr__mpi_pool_close(o->mpi);
    /* Every slot not yet told sits in its run's open list (the queue and the
     * workers only borrow it). */
    for (size_t i = 0; i < o->n_runs; i++) {
        dnnr__searcher_proc_stop(o->runs[i].sp);
        for (size_t k = 0; k < o->runs[i].n_open; k++)
            slot_free(o->runs[i].open[k]);
        dnnr__free(o->runs[i].open);
        dnnr__free((void *)o->runs[i].journaled);
        dnnr__free(o->runs[i].patch);
        dnnr__free(o->runs[i].owned_label);
        dnnr__free(o->runs[i].samples);
        dnnr__free(o->runs[i].sample_costs);
        dnnr__minimise_free(&o->runs[i]);
    }
    for (size_t s = 0; o->rts && s < o->e->n_subjects; s++)
        dnnr__subject_rt_close(o->rts[s]);
    dnnr__journal_lines_free(&o->journal_lines);
    dnnr__journal_close(o->journal);
    dnnr__free(o->queue);
    dnnr__free(o->rts);
    dnnr__free(o->runs);
    dnnr__free(o->workers);
    dnnr__free(o->slots);
    dnnr__free(o->out_dir);
}

int dnnr__experiment_run(dnnr_experiment *e, dnnr_registry *reg, const dnnr_run_options *opt,
                         dnnr_error *err)
{
    orchestrator o = {.e = e, .reg = reg, .opt = opt};
    o.n_workers = (size_t)(opt->workers > 0 ? opt->workers : e->workers);
    o.window = (uint64_t)e->workers; /* from the file, so -j never changes what runs */
    o.rts = dnnr__alloc(e->n_subjects, sizeof *o.rts);
    /* Under MPI with other ranks, they train: their slots stand for workers. */
    int rc = o.rts ? dnnr__mpi_pool_open(reg, o.rts, e->n_subjects, o.n_workers, &o.mpi, err)
                   : DNNR_OK;
    if (o.mpi)
        o.n_workers = dnnr__mpi_pool_slots(o.mpi);
    o.workers = dnnr__alloc(o.n_workers, sizeof *o.workers);
    o.slots = dnnr__alloc(o.n_workers, sizeof *o.slots);
    if (!rc && (!o.rts || !o.workers || !o.slots))
        rc = dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
    uint32_t threads = (uint32_t)e->threads;
    if (threads == 0) { /* share the cores out among the workers */
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        threads = (uint32_t)(cores > (long)o.n_workers ? cores / (long)o.n_workers : 1);
    }
    for (size_t s = 0; s < e->n_subjects && !rc; s++) {
        rc = dnnr__subject_rt_open(e->subjects[s], reg, opt->backend ? opt->backend : e->backend,
                                   threads, &o.rts[s], err);
        if (!rc)
            rc = attach_hints(o.rts[s], err);
    }
    if (!rc)
        rc = dnnr__experiment_check_searchers(e, reg, err);
    if (!rc)
        rc = prepare_output(&o, err);
    if (!rc)
        rc = build_runs(&o, err);
    if (!rc && opt->resume)
        rc = dnnr__resume_index(&o, err);
    if (!rc)
        rc = write_metadata(&o, err);
    if (!rc) {
        loop(&o);
        dnnr__progress_end(&o);
        if (o.fatal)
            rc = dnnr__error_set(err, DNNR_EIO, "%s", o.fatal_err.msg);
        else if (opt->stop && *opt->stop)
            rc = dnnr__error_set(err, DNNR_ECANCELLED,
                                 "interrupted: %zu of %zu runs finished; continue with --resume",
                                 o.runs_done, o.n_runs);
    }
    if (!rc)
        rc = dnnr__report_write(o.out_dir, reg, err);
    teardown(&o);
    return rc;
}
