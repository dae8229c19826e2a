/* --resume: rebuild each run's searcher from the journal. Asks and tells are
 * replayed in their original order (asks.jsonl says how many results each
 * ask had seen), so a deterministic searcher reaches exactly the state it had;
 * trials that were asked but never finished are dispatched again. Nothing
 * finished is run twice. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/host.h"
#include "run/run_state.h"
#include "space/space.h"
#include "util/alloc.h"

static char *line_key(const dnnr_json *line)
{
    const char *subject = dnnr__json_str(line, "subject");
    const char *searcher = dnnr__json_str(line, "searcher");
    if (!subject || !searcher)
        return NULL;
    return dnnr__asprintf("%s\x1f%s\x1f%.17g\x1f%.0f", subject, searcher,
                          dnnr__json_num(line, "budget"), dnnr__json_num(line, "repeat"));
}

static char *run_key(const run_state *run)
{
    return dnnr__asprintf("%s\x1f%s\x1f%.17g\x1f%lld", run->key.subject, run->key.searcher,
                          run->key.budget, (long long)run->key.repeat);
}

/* Open addressing from key strings to runs. */
typedef struct run_index {
    char **keys;
    run_state **runs;
    size_t size;
} run_index;

static run_state *index_find(const run_index *ix, const char *key)
{
    size_t i = dnnr__hash_string(0, key) & (ix->size - 1);
    for (; ix->keys[i]; i = (i + 1) & (ix->size - 1))
        if (strcmp(ix->keys[i], key) == 0)
            return ix->runs[i];
    return NULL;
}

static int append(const dnnr_json ***items, size_t *n, const dnnr_json *line)
{
    const dnnr_json **grown = dnnr__realloc((void *)*items, (*n + 1) * sizeof *grown);
    if (!grown)
        return DNNR_ENOMEM;
    grown[(*n)++] = line;
    *items = grown;
    return DNNR_OK;
}

static int by_trial(const void *a, const void *b)
{
    double x = dnnr__json_num(*(const dnnr_json *const *)a, "trial");
    double y = dnnr__json_num(*(const dnnr_json *const *)b, "trial");
    return (x > y) - (x < y);
}

static int by_tell(const void *a, const void *b)
{
    double x = dnnr__json_num(*(const dnnr_json *const *)a, "tell_index");
    double y = dnnr__json_num(*(const dnnr_json *const *)b, "tell_index");
    return (x > y) - (x < y);
}

static int assign_lines(run_index *ix, const dnnr_journal_lines *lines, int asks)
{
    for (size_t i = 0; i < lines->n; i++) {
        char *key = line_key(lines->items[i]);
        if (!key)
            continue;
        run_state *run = index_find(ix, key);
        dnnr__free(key);
        if (!run)
            continue; /* a run of an earlier version of the experiment file */
        replay_plan *p = &run->replay;
        const dnnr_json *searcher_failed = dnnr__json_get(lines->items[i], "searcher_failed");
        if (!asks && searcher_failed && searcher_failed->type == DNNR_JSON_BOOL &&
            searcher_failed->number)
            p->searcher_failed = 1;
        int rc = asks ? append(&p->asks, &p->n_asks, lines->items[i])
                      : append(&p->results, &p->n_results, lines->items[i]);
        if (rc)
            return rc;
    }
    return DNNR_OK;
}

int dnnr__replay_index(orchestrator *o, dnnr_error *err)
{
    char *trials = dnnr__asprintf("%s/trials.jsonl", o->out_dir);
    char *asks = dnnr__asprintf("%s/asks.jsonl", o->out_dir);
    int rc = (!trials || !asks) ? dnnr__error_set(err, DNNR_ENOMEM, "out of memory") : DNNR_OK;
    if (!rc)
        rc = dnnr__journal_read_lines(trials, &o->journal_trials, err);
    if (!rc)
        rc = dnnr__journal_read_lines(asks, &o->journal_asks, err);
    dnnr__free(trials);
    dnnr__free(asks);
    if (rc)
        return rc;
    run_index ix = {0};
    for (ix.size = 16; ix.size < 2 * o->n_runs; ix.size *= 2)
        ;
    ix.keys = dnnr__alloc(ix.size, sizeof *ix.keys);
    ix.runs = dnnr__alloc(ix.size, sizeof *ix.runs);
    rc = (!ix.keys || !ix.runs) ? DNNR_ENOMEM : DNNR_OK;
    for (size_t r = 0; r < o->n_runs && !rc; r++) {
        char *key = run_key(&o->runs[r]);
        if (!key) {
            rc = DNNR_ENOMEM;
            break;
        }
        size_t i = dnnr__hash_string(0, key) & (ix.size - 1);
        while (ix.keys[i])
            i = (i + 1) & (ix.size - 1);
        ix.keys[i] = key;
        ix.runs[i] = &o->runs[r];
    }
    if (!rc)
        rc = assign_lines(&ix, &o->journal_asks, 1);
    if (!rc)
        rc = assign_lines(&ix, &o->journal_trials, 0);
    for (size_t i = 0; ix.keys && i < ix.size; i++)
        dnnr__free(ix.keys[i]);
    dnnr__free(ix.keys);
    dnnr__free(ix.runs);
    for (size_t r = 0; r < o->n_runs && !rc; r++) {
        replay_plan *p = &o->runs[r].replay;
        if (p->n_asks)
            qsort((void *)p->asks, p->n_asks, sizeof *p->asks, by_trial);
        if (p->n_results)
            qsort((void *)p->results, p->n_results, sizeof *p->results, by_tell);
    }
    return rc ? dnnr__error_set(err, rc, "out of memory while reading the journal") : DNNR_OK;
}

/* Epoch records from a journaled trial's curves and indicators. */
static int epochs_from_line(const dnnr_json *line, dnnr_outcome *out)
{
    static const char *const curves[] = {"train_loss", "train_metric", "val_loss", "val_metric"};
    size_t n = dnnr__json_length(dnnr__json_get(line, "train_loss"));
    for (size_t e = 0; e < n; e++) {
        dnnr_epoch_record rec = {.struct_size = sizeof rec, .epoch = (uint32_t)e};
        double *fields[] = {&rec.train_loss, &rec.train_metric, &rec.val_loss, &rec.val_metric};
        for (size_t c = 0; c < 4; c++) {
            const dnnr_json *v = dnnr__json_get(line, curves[c]);
            v = v ? v->child : NULL;
            for (size_t k = 0; v && k < e; k++)
                v = v->next;
            *fields[c] = (v && v->type == DNNR_JSON_NUMBER) ? v->number : NAN;
        }
        for (const dnnr_json *ind = dnnr__json_get(line, "indicators") ? dnnr__json_get(line, "indicators")->child : NULL;
             ind; ind = ind->next) {
            if (dnnr__json_num(ind, "epoch") != (double)e)
                continue;
            rec.checked = 1;
            rec.grad_norm_first = dnnr__json_num(ind, "grad_norm_first");
            rec.grad_norm_last = dnnr__json_num(ind, "grad_norm_last");
            rec.zero_grad_fraction = dnnr__json_num(ind, "zero_grad_fraction");
            rec.grad_nonfinite = dnnr__json_num(ind, "grad_nonfinite") > 0;
            rec.weight_nonfinite = dnnr__json_num(ind, "weight_nonfinite") > 0;
            rec.large_weight = dnnr__json_num(ind, "large_weight") > 0;
        }
        if (dnnr__outcome_add_epoch(out, &rec))
            return DNNR_ENOMEM;
    }
    return DNNR_OK;
}

/* Tell the searcher a journaled result, exactly as it was told the first time. */
static int tell_line(orchestrator *o, run_state *run, const dnnr_json *line, dnnr_value *config)
{
    const dnnr_space *space = run->rt->subject->space;
    if (dnnr__journal_config(dnnr__json_get(line, "config"), space, config))
        return DNNR_EPARSE;
    dnnr_outcome out;
    dnnr__outcome_init(&out);
    dnnr_trial_status status = DNNR_TRIAL_CRASHED;
    dnnr__trial_status_parse(dnnr__json_str(line, "status"), &status);
    out.status = status;
    snprintf(out.message, sizeof out.message, "%s",
             dnnr__json_str(line, "message") ? dnnr__json_str(line, "message") : "");
    int rc = epochs_from_line(line, &out);
    const dnnr_epoch_record **epochs = dnnr__alloc(out.n_epochs + 1, sizeof *epochs);
    if (rc || !epochs) {
        dnnr__outcome_clear(&out);
        dnnr__free(epochs);
        return DNNR_ENOMEM;
    }
    for (uint32_t i = 0; i < out.n_epochs; i++)
        epochs[i] = &out.epochs[i];
    double objective = dnnr__json_num(line, "objective");
    const dnnr_json *warm = dnnr__json_get(line, "warm_start");
    const dnnr_json *stopped = dnnr__json_get(line, "stopped_early");
    dnnr_trial_result res = {
        .struct_size = sizeof res, .trial_id = (uint64_t)dnnr__json_num(line, "trial"),
        .config = config, .fidelity = dnnr__json_num(line, "fidelity"),
        .warm_start = warm ? (int64_t)warm->number : -1, .status = status, .message = out.message,
        .objective = objective, .metric = dnnr__json_num(line, "metric"), .n_epochs = out.n_epochs,
        .epochs = epochs, .stopped_early = stopped && stopped->number > 0,
        .cost_seconds = dnnr__json_num(line, "cost_seconds"),
        .cost_units = dnnr__json_num(line, "cost_units")};
    if (!isfinite(res.fidelity))
        res.fidelity = 0;
    rc = dnnr__run_tell(o, run, &res);
    run->finished_trials++;
    o->trials_total++;
    if (status != DNNR_TRIAL_OK)
        run->failed_trials++;
    else if (objective < run->best_objective)
        run->best_objective = objective;
    if (run->budget.kind == DNNR_BUDGET_UNITS && isfinite(res.cost_units))
        run->budget.used += res.cost_units;
    double elapsed = dnnr__json_num(line, "run_elapsed");
    if (elapsed > run->elapsed_before)
        run->elapsed_before = elapsed;
    dnnr__outcome_clear(&out);
    dnnr__free(epochs);
    return rc;
}

static const dnnr_json *result_of(const replay_plan *p, double trial)
{
    for (size_t i = 0; i < p->n_results; i++)
        if (dnnr__json_num(p->results[i], "trial") == trial)
            return p->results[i];
    return NULL;
}

static void replay_failed(orchestrator *o, run_state *run, const char *why, uint64_t trial)
{
    if (o->opt->progress)
        fprintf(o->opt->progress, "cannot resume %s/%s/%g/%lld at trial %llu: %s\n",
                run->key.subject, run->key.searcher, run->key.budget, (long long)run->key.repeat,
                (unsigned long long)trial, why);
    run->failed = 1;
}

int dnnr__replay_run(orchestrator *o, run_state *run)
{
    const replay_plan *p = &run->replay;
    const dnnr_space *space = run->rt->subject->space;
    dnnr_value *config = dnnr__alloc(space->n_params + 1, sizeof *config);
    dnnr_value *journaled = dnnr__alloc(space->n_params + 1, sizeof *journaled);
    size_t told = 0;
    int rc = (!config || !journaled) ? DNNR_ENOMEM : DNNR_OK;
    for (size_t a = 0; a < p->n_asks && !rc && !run->failed; a++) {
        const dnnr_json *ask = p->asks[a];
        uint64_t trial = (uint64_t)dnnr__json_num(ask, "trial");
        double tells_before = dnnr__json_num(ask, "tells_before");
        while ((double)told < tells_before && told < p->n_results && !rc)
            rc = tell_line(o, run, p->results[told++], config);
        if (rc || dnnr__journal_config(dnnr__json_get(ask, "config"), space, journaled)) {
            replay_failed(o, run, "its journal entry is unreadable", trial);
            break;
        }
        trial_slot *slot = dnnr__slot_new(run, trial);
        if (!slot) {
            rc = DNNR_ENOMEM;
            break;
        }
        if (trial == 0) {
            memcpy(slot->config, run->rt->subject->faulty, space->n_params * sizeof *config);
            snprintf(slot->note, sizeof slot->note, "start configuration");
        } else {
            dnnr_asked asked = {.config = slot->config};
            dnnr_budget_info b;
            dnnr__run_budget(run, &b);
            dnnr_error err;
            if (dnnr__searcher_proc_ask(run->sp, trial, &b, &asked, &err) != DNNR_OK ||
                !dnnr__config_equal(space, slot->config, journaled)) {
                dnnr__free(asked.monitor_state);
                dnnr__slot_free(slot);
                replay_failed(o, run,
                              "the searcher did not ask for the same configuration again "
                              "(is it deterministic?)",
                              trial);
                break;
            }
            slot->fidelity = asked.fidelity;
            slot->warm_start = asked.warm_start;
            slot->flags = asked.flags;
            memcpy(slot->note, asked.note, sizeof slot->note);
            slot->monitor_state = asked.monitor_state;
            slot->monitor_state_size = asked.monitor_state_size;
        }
        run->next_trial = trial + 1;
        if (result_of(p, (double)trial)) {
            if (run->budget.kind == DNNR_BUDGET_EVALUATIONS)
                run->budget.used += 1;
            dnnr__slot_free(slot);
        } else {
            dnnr__run_dispatch(o, slot, 0); /* was in flight when the run stopped */
        }
    }
    while (!rc && !run->failed && told < p->n_results)
        rc = tell_line(o, run, p->results[told++], config);
    dnnr__free(config);
    dnnr__free(journaled);
    return rc;
}
