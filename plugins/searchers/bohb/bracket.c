/* Successive halving inside one bracket (SEARCHERS.md B.2). */
#include "bracket.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Slots and their vectors in one block: n slots, then n x d doubles. */
static bohb_slot *alloc_stage(const dnnr_host *host, uint32_t n, size_t d)
{
    size_t bytes = n * sizeof(bohb_slot) + n * (d ? d : 1) * sizeof(double);
    bohb_slot *slots = host->alloc(host->ctx, 1, bytes);
    if (!slots)
        return NULL;
    double *vectors = (double *)(slots + n);
    for (uint32_t i = 0; i < n; i++) {
        slots[i].state = BOHB_SLOT_WAITING;
        slots[i].vector = vectors + i * (d ? d : 1);
        slots[i].previous_trial = -1;
        slots[i].loss = INFINITY;
    }
    return slots;
}

bohb_bracket *bohb_bracket_create(const dnnr_host *host, const bohb_bracket_plan *plan,
                                  uint64_t number, size_t d)
{
    bohb_bracket *b = host->alloc(host->ctx, 1, sizeof *b);
    if (!b)
        return NULL;
    b->host = host;
    b->plan = plan;
    b->number = number;
    b->d = d;
    b->n_slots = plan->n[0];
    b->slots = alloc_stage(host, b->n_slots, d);
    if (!b->slots) {
        host->free(host->ctx, b);
        return NULL;
    }
    return b;
}

void bohb_bracket_destroy(bohb_bracket *b)
{
    if (!b)
        return;
    b->host->free(b->host->ctx, b->slots);
    b->host->free(b->host->ctx, b);
}

void bohb_bracket_start(bohb_bracket *b, int i, uint64_t trial_id)
{
    b->slots[i].state = BOHB_SLOT_RUNNING;
    b->slots[i].trial_id = trial_id;
    b->n_running++;
}

int bohb_bracket_find(const bohb_bracket *b, uint64_t trial_id)
{
    for (uint32_t i = 0; i < b->n_slots; i++)
        if (b->slots[i].state == BOHB_SLOT_RUNNING && b->slots[i].trial_id == trial_id)
            return (int)i;
    return -1;
}

int bohb_bracket_may_promote(const bohb_bracket *b)
{
    return b->stage + 1 < b->plan->n_rungs;
}

/* Rank by loss; ties by slot order (HpBandSter leaves them arbitrary). */
static int compare_slots(const void *a, const void *b)
{
    const bohb_slot *x = *(const bohb_slot *const *)a, *y = *(const bohb_slot *const *)b;
    if (x->loss < y->loss)
        return -1;
    if (x->loss > y->loss)
        return 1;
    return (x > y) - (x < y);
}

static int stage_complete(const bohb_bracket *b)
{
    for (uint32_t i = 0; i < b->n_slots; i++)
        if (b->slots[i].state != BOHB_SLOT_DONE)
            return 0;
    return 1;
}

static int advance(bohb_bracket *b)
{
    if (!bohb_bracket_may_promote(b)) {
        b->finished = 1;
        return 0;
    }
    const dnnr_host *host = b->host;
    uint32_t n_next = b->plan->n[b->stage + 1];
    bohb_slot **ranked = host->alloc(host->ctx, b->n_slots ? b->n_slots : 1, sizeof *ranked);
    bohb_slot *next = alloc_stage(host, n_next, b->d);
    if (!ranked || !next) {
        host->free(host->ctx, ranked);
        host->free(host->ctx, next);
        return -1;
    }
    /* Crashed configurations (non-finite loss) are never candidates. */
    uint32_t n_candidates = 0;
    for (uint32_t i = 0; i < b->n_slots; i++)
        if (isfinite(b->slots[i].loss))
            ranked[n_candidates++] = &b->slots[i];
    qsort(ranked, n_candidates, sizeof *ranked, compare_slots);
    uint32_t n_promoted = n_candidates < n_next ? n_candidates : n_next;
    for (uint32_t i = 0; i < n_promoted; i++) {
        next[i].sampled = 1;
        memcpy(next[i].vector, ranked[i]->vector, b->d * sizeof(double));
        next[i].previous_trial = (int64_t)ranked[i]->trial_id;
    }
    /* Slots n_promoted.. stay unsampled: fresh configurations fill them. */
    host->free(host->ctx, ranked);
    host->free(host->ctx, b->slots);
    b->slots = next;
    b->n_slots = n_next;
    b->stage++;
    return 0;
}

int bohb_bracket_next(bohb_bracket *b)
{
    /* A stage left complete by an earlier out-of-memory gets promoted now. */
    if (!b->finished && stage_complete(b) && advance(b) != 0)
        return -1;
    if (b->finished)
        return -1;
    for (uint32_t i = 0; i < b->n_slots; i++)
        if (b->slots[i].state == BOHB_SLOT_WAITING)
            return (int)i;
    return -1;
}

int bohb_bracket_finish(bohb_bracket *b, int i, double loss)
{
    bohb_slot *slot = &b->slots[i];
    if (slot->state == BOHB_SLOT_RUNNING)
        b->n_running--;
    slot->state = BOHB_SLOT_DONE;
    slot->loss = isfinite(loss) ? loss : INFINITY;
    if (!stage_complete(b))
        return 0;
    return advance(b);
}
