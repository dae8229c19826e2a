/* Zeller's ddmin (Zeller & Hildebrandt, "Simplifying and Isolating
 * Failure-Inducing Input", TSE 2002) as a state machine: the caller asks
 * for a subset, judges it however it likes (here: R retrainings and a rank
 * test) and reports the verdict. Nothing here depends on time or chance, so
 * replaying the same verdicts yields the same subsets: --resume relies on it.
 *
 * Complements are tried before chunks: a patch found by HPO changes most
 * hyperparameters for no reason, so dropping a large part of it (keeping a
 * complement) is the likely success and shrinks the set fastest. */
#include <string.h>

#include "minimise/minimise.h"
#include "util/alloc.h"

typedef enum phase {
    PHASE_COMPLEMENT, /* the current set less chunk i */
    PHASE_CHUNK,      /* chunk i alone */
    PHASE_EMPTY,      /* one change left: is it needed at all? */
    PHASE_DONE,
} phase;

struct dnnr_ddmin {
    uint32_t n;           /* changes in all */
    uint8_t *current;     /* the smallest passing set so far */
    uint32_t current_size;
    uint32_t *members;    /* the current set's changes, ascending */
    uint32_t granularity; /* chunks the current set is split into */
    phase phase;
    uint32_t index;       /* chunk of this phase being tried */
    uint8_t *candidate;
    uint32_t candidate_size;
    int pending;          /* candidate handed out, verdict awaited */
    uint8_t *seen;        /* judged subsets, n flags each */
    uint8_t *seen_pass;
    uint32_t n_seen, cap_seen;
};

static void set_current(dnnr_ddmin *d, const uint8_t *set)
{
    memcpy(d->current, set, d->n);
    d->current_size = 0;
    for (uint32_t k = 0; k < d->n; k++)
        if (set[k])
            d->members[d->current_size++] = k;
    d->index = 0;
    if (d->current_size == 0) {
        d->phase = PHASE_DONE;
    } else if (d->current_size == 1) {
        d->phase = PHASE_EMPTY;
    } else {
        d->phase = PHASE_COMPLEMENT;
        if (d->granularity < 2)
            d->granularity = 2;
        if (d->granularity > d->current_size)
            d->granularity = d->current_size;
    }
}

/* Chunk i of g over the current members: positions [i*m/g, (i+1)*m/g). */
static void chunk_bounds(const dnnr_ddmin *d, uint32_t i, uint32_t *lo, uint32_t *hi)
{
    uint64_t m = d->current_size, g = d->granularity;
    *lo = (uint32_t)(i * m / g);
    *hi = (uint32_t)((i + 1) * m / g);
}

/* The candidate of (phase, index), or 0 when the phase is exhausted. */
static int build_candidate(dnnr_ddmin *d)
{
    memset(d->candidate, 0, d->n);
    d->candidate_size = 0;
    if (d->phase == PHASE_EMPTY)
        return d->index == 0; /* the empty set */
    if (d->index >= d->granularity)
        return 0;
    uint32_t lo, hi;
    chunk_bounds(d, d->index, &lo, &hi);
    for (uint32_t pos = 0; pos < d->current_size; pos++) {
        int in_chunk = pos >= lo && pos < hi;
        if (in_chunk == (d->phase == PHASE_CHUNK)) {
            d->candidate[d->members[pos]] = 1;
            d->candidate_size++;
        }
    }
    return 1;
}

/* Every candidate of the phase failed: the next phase, a finer split, or the end. */
static void next_phase(dnnr_ddmin *d)
{
    d->index = 0;
    if (d->phase == PHASE_EMPTY) {
        d->phase = PHASE_DONE;
    } else if (d->phase == PHASE_COMPLEMENT && d->granularity > 2) {
        /* With two chunks each chunk is the other's complement: tried already. */
        d->phase = PHASE_CHUNK;
    } else if (d->granularity < d->current_size) {
        uint32_t g = 2 * d->granularity;
        d->granularity = g < d->current_size ? g : d->current_size;
        d->phase = PHASE_COMPLEMENT;
    } else {
        d->phase = PHASE_DONE; /* every single change is needed: 1-minimal */
    }
}

static void apply(dnnr_ddmin *d, int passes)
{
    if (!passes) {
        d->index++;
        return;
    }
    /* Reduce to the candidate: a complement keeps g - 1 chunks' worth of
     * granularity, a chunk starts again at 2. */
    if (d->phase == PHASE_COMPLEMENT)
        d->granularity = d->granularity > 2 ? d->granularity - 1 : 2;
    else
        d->granularity = 2;
    set_current(d, d->candidate);
}

static int lookup(const dnnr_ddmin *d, const uint8_t *set, int *passes)
{
    for (uint32_t k = 0; k < d->n_seen; k++)
        if (!memcmp(d->seen + (size_t)k * d->n, set, d->n)) {
            *passes = d->seen_pass[k];
            return 1;
        }
    return 0;
}

static int remember(dnnr_ddmin *d, const uint8_t *set, int passes)
{
    if (d->n_seen == d->cap_seen) {
        uint32_t cap = d->cap_seen ? 2 * d->cap_seen : 16;
        uint8_t *seen = dnnr__realloc(d->seen, (size_t)cap * (d->n ? d->n : 1));
        if (!seen)
            return DNNR_ENOMEM;
        d->seen = seen;
        uint8_t *pass = dnnr__realloc(d->seen_pass, cap);
        if (!pass)
            return DNNR_ENOMEM;
        d->seen_pass = pass;
        d->cap_seen = cap;
    }
    memcpy(d->seen + (size_t)d->n_seen * d->n, set, d->n);
    d->seen_pass[d->n_seen++] = (uint8_t)(passes != 0);
    return DNNR_OK;
}

int dnnr__ddmin_create(uint32_t n, dnnr_ddmin **out)
{
    *out = NULL;
    dnnr_ddmin *d = dnnr__alloc(1, sizeof *d);
    if (!d)
        return DNNR_ENOMEM;
    d->n = n;
    d->current = dnnr__alloc(n + 1, 1);
    d->candidate = dnnr__alloc(n + 1, 1);
    d->members = dnnr__alloc(n + 1, sizeof *d->members);
    uint8_t *all = dnnr__alloc(n + 1, 1);
    int rc = d->current && d->candidate && d->members && all ? DNNR_OK : DNNR_ENOMEM;
    if (!rc) {
        memset(all, 1, n);
        rc = remember(d, all, 1); /* the patch itself passes by definition */
    }
    if (!rc) {
        d->granularity = 2;
        set_current(d, all);
    }
    dnnr__free(all);
    if (rc) {
        dnnr__ddmin_destroy(d);
        return rc;
    }
    *out = d;
    return DNNR_OK;
}

void dnnr__ddmin_destroy(dnnr_ddmin *d)
{
    if (!d)
        return;
    dnnr__free(d->current);
    dnnr__free(d->candidate);
    dnnr__free(d->members);
    dnnr__free(d->seen);
    dnnr__free(d->seen_pass);
    dnnr__free(d);
}

int dnnr__ddmin_next(dnnr_ddmin *d, const uint8_t **subset, uint32_t *size)
{
    while (!d->pending) {
        if (d->phase == PHASE_DONE)
            return DNNR_EDONE;
        if (!build_candidate(d)) {
            next_phase(d);
            continue;
        }
        int passes;
        if (lookup(d, d->candidate, &passes))
            apply(d, passes); /* judged before: never train a candidate twice */
        else
            d->pending = 1;
    }
    *subset = d->candidate;
    *size = d->candidate_size;
    return DNNR_OK;
}

void dnnr__ddmin_verdict(dnnr_ddmin *d, int passes)
{
    if (!d->pending)
        return;
    d->pending = 0;
    /* Out of memory only costs the cache: the subset may be asked again. */
    (void)remember(d, d->candidate, passes);
    apply(d, passes);
}

const uint8_t *dnnr__ddmin_current(const dnnr_ddmin *d, uint32_t *size)
{
    if (size)
        *size = d->current_size;
    return d->current;
}

uint32_t dnnr__ddmin_tests(const dnnr_ddmin *d) { return d->n_seen ? d->n_seen - 1 : 0; }

uint32_t dnnr__ddmin_changes(const dnnr_ddmin *d) { return d->n; }
