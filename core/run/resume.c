/* --resume: the journal's trials, found by run and trial id, and their
 * outcomes rebuilt so searchers can be told them again. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/host.h"
#include "run/run_state.h"
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

static int place(run_state *run, const dnnr_json *line)
{
    double t = dnnr__json_num(line, "trial");
    if (!(t >= 0 && t < 1e9))
        return DNNR_OK; /* not a trial line */
    size_t trial = (size_t)t;
    if (trial >= run->n_journaled) {
        size_t n = trial + 1 > 2 * run->n_journaled ? trial + 1 : 2 * run->n_journaled;
        const dnnr_json **grown = dnnr__realloc((void *)run->journaled, n * sizeof *grown);
        if (!grown)
            return DNNR_ENOMEM;
        memset((void *)(grown + run->n_journaled), 0, (n - run->n_journaled) * sizeof *grown);
        run->journaled = grown;
        run->n_journaled = n;
    }
    run->journaled[trial] = line;
    return DNNR_OK;
}

int dnnr__resume_index(orchestrator *o, dnnr_error *err)
{
    char *path = dnnr__asprintf("%s/trials.jsonl", o->out_dir);
    if (!path)
        return dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
    int rc = dnnr__journal_read_lines(path, &o->journal_lines, err);
    dnnr__free(path);
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
    for (size_t i = 0; i < o->journal_lines.n && !rc; i++) {
        char *key = line_key(o->journal_lines.items[i]);
        run_state *run = key ? index_find(&ix, key) : NULL;
        dnnr__free(key);
        if (run) /* lines of runs the experiment no longer has are left alone */
            rc = place(run, o->journal_lines.items[i]);
    }
    for (size_t i = 0; ix.keys && i < ix.size; i++)
        dnnr__free(ix.keys[i]);
    dnnr__free(ix.keys);
    dnnr__free(ix.runs);
    return rc ? dnnr__error_set(err, rc, "out of memory while reading the journal") : DNNR_OK;
}

const dnnr_json *dnnr__resume_lookup(const run_state *run, uint64_t trial)
{
    return trial < run->n_journaled ? run->journaled[trial] : NULL;
}

/* Epoch records from a journaled trial's curves and indicators. */
static int epochs_from_line(const dnnr_json *line, dnnr_outcome *out)
{
    static const char *const curves[] = {"train_loss", "train_metric", "val_loss", "val_metric"};
    const dnnr_json *at[4];
    for (size_t c = 0; c < 4; c++) {
        const dnnr_json *arr = dnnr__json_get(line, curves[c]);
        at[c] = arr ? arr->child : NULL;
    }
    const dnnr_json *indicators = dnnr__json_get(line, "indicators");
    size_t n = dnnr__json_length(dnnr__json_get(line, "train_loss"));
    for (size_t e = 0; e < n; e++) {
        dnnr_epoch_record rec = {.struct_size = sizeof rec, .epoch = (uint32_t)e};
        double *fields[] = {&rec.train_loss, &rec.train_metric, &rec.val_loss, &rec.val_metric};
        for (size_t c = 0; c < 4; c++) {
            *fields[c] = (at[c] && at[c]->type == DNNR_JSON_NUMBER) ? at[c]->number : NAN;
            at[c] = at[c] ? at[c]->next : NULL;
        }
        for (const dnnr_json *ind = indicators ? indicators->child : NULL; ind; ind = ind->next) {
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

int dnnr__resume_outcome(const dnnr_json *line, dnnr_outcome *out)
{
    dnnr__outcome_init(out);
    dnnr_trial_status status = DNNR_TRIAL_CRASHED;
    dnnr__trial_status_parse(dnnr__json_str(line, "status"), &status);
    out->status = status;
    const char *message = dnnr__json_str(line, "message");
    snprintf(out->message, sizeof out->message, "%s", message ? message : "");
    out->metric = dnnr__json_num(line, "metric");
    out->holdout = dnnr__json_num(line, "holdout");
    out->cost_seconds = dnnr__json_num(line, "cost_seconds");
    out->cost_units = dnnr__json_num(line, "cost_units");
    out->cost_raw = dnnr__json_num(line, "cost_raw");
    out->stopped_early = dnnr__json_num(line, "stopped_early") > 0;
    int rc = epochs_from_line(line, out);
    if (rc)
        dnnr__outcome_clear(out);
    return rc;
}
