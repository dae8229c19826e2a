/* focus: the phases' bookkeeping — what trial 0 teaches, promotions after
 * screening, the pairs, the trust region's size, the budget. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state.h"

/* A host without a budget (a standalone test host) is taken to allow this
 * many full trainings, so the phases still share something sensible. */
#define FOCUS_ASSUMED_BUDGET 50.0

static void budget_equiv(const dnnr_searcher *s, double *total, double *used)
{
    dnnr_budget_info b = {.struct_size = sizeof b};
    s->host->budget(s->host->ctx, &b);
    double unit = 1.0;
    if (b.kind == DNNR_BUDGET_SECONDS)
        unit = s->start_seconds > 0 ? s->start_seconds : 1.0;
    if (!(b.total > 0) || !isfinite(b.total)) {
        *total = FOCUS_ASSUMED_BUDGET;
        *used = s->told_cost;
        return;
    }
    *total = b.total / unit;
    *used = b.used / unit;
}

static double in_flight(const dnnr_searcher *s)
{
    double c = 0;
    for (size_t i = 0; i < s->n_pend; i++)
        c += s->pend[i].cost;
    return c;
}

double focus_spent_share(const dnnr_searcher *s)
{
    double total, used;
    budget_equiv(s, &total, &used);
    return (used + in_flight(s)) / total;
}

double focus_left(const dnnr_searcher *s)
{
    double total, used;
    budget_equiv(s, &total, &used);
    return total - used - in_flight(s);
}

int focus_known(const dnnr_searcher *s, const dnnr_value *config)
{
    const dnnr_host *h = s->host;
    if (s->start && h->config_equal(h->ctx, s->space, s->start, config))
        return 1;
    for (size_t i = 0; i < s->n_cands; i++)
        if (h->config_equal(h->ctx, s->space, s->cands[i].config, config))
            return 1;
    return 0;
}

int focus_observe(dnnr_searcher *s, const dnnr_value *config, double y, uint64_t trial)
{
    const dnnr_host *h = s->host;
    if (s->n_obs == s->cap_obs) {
        size_t cap = s->cap_obs ? 2 * s->cap_obs : 32;
        focus_obs *o = h->realloc(h->ctx, s->obs, cap * sizeof *o);
        if (!o)
            return DNNR_ENOMEM;
        s->obs = o;
        uint64_t *t = h->realloc(h->ctx, s->obs_trial, cap * sizeof *t);
        if (!t)
            return DNNR_ENOMEM;
        s->obs_trial = t;
        unsigned char *u = h->realloc(h->ctx, s->obs_used, cap);
        if (!u)
            return DNNR_ENOMEM;
        s->obs_used = u;
        s->cap_obs = cap;
    }
    size_t i = s->n_obs++;
    s->obs[i] = (focus_obs){.config = config, .y = y};
    s->obs_trial[i] = trial;
    s->obs_used[i] = 0;
    if (isfinite(y) && (!isfinite(s->best_y) || y < s->best_y)) {
        s->best_y = y;
        s->best_obs = i;
    }
    if (!isfinite(s->best_y) && i == 0)
        s->best_obs = 0; /* a failed start stays the centre until something works */
    return DNNR_OK;
}

void focus_param_why(const dnnr_searcher *s, uint32_t i, char *buf, size_t len)
{
    const focus_param *fp = &s->params[i];
    size_t n = 0;
    buf[0] = 0;
    if (fp->lint > 0 && n < len)
        n += (size_t)snprintf(buf + n, len - n, "%s", fp->reasons[0] ? fp->reasons : "lint");
    for (int k = 0; k < FOCUS_N_SYMPTOMS && n < len; k++)
        if ((s->sym.present & (1u << k)) &&
            focus_symptom_weight((focus_symptom)k, fp->role, fp->is_output) > 0)
            n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? ", " : "",
                                  focus_symptom_name((focus_symptom)k));
    if (n == 0)
        focus_fmt(buf, len, "prior %s", focus_role_name(fp->role));
}

static void setup_screening(dnnr_searcher *s)
{
    dnnr_budget_info b = {.struct_size = sizeof b};
    s->host->budget(s->host->ctx, &b);
    s->screening = 0;
    if (!s->opt.screening || b.kind == DNNR_BUDGET_EVALUATIONS)
        return; /* a screen would cost a whole evaluation */
    double lo = s->min_fidelity, hi = s->max_fidelity, f;
    switch (s->fidelity_kind) {
    case DNNR_FIDELITY_EPOCHS:
        if (hi < 3)
            return;
        f = round(hi * s->opt.screen_fraction);
        break;
    case DNNR_FIDELITY_FRACTION:
    case DNNR_FIDELITY_BUDGET:
        if (!(hi > 0))
            return;
        f = hi * s->opt.screen_fraction;
        break;
    default:
        return;
    }
    if (f < lo)
        f = lo;
    if (!(f > 0) || !(f < hi))
        return;
    s->screening = 1;
    s->screen_fid = f;
    s->screen_cost = f / hi;
}

int focus_after_start(dnnr_searcher *s, const dnnr_trial_result *res)
{
    const dnnr_host *h = s->host;
    s->start_told = 1;
    if (res) {
        s->start_y = res->status == DNNR_TRIAL_OK && isfinite(res->objective) ? res->objective : NAN;
        s->start_seconds = res->cost_seconds;
        focus_symptoms_detect(res, s->metric_kind, &s->sym);
    }
    focus_suspicion_update(s->space, &s->opt, &s->sym, s->params);
    focus_rank(s->space, s->params, s->order);
    int rc;
    if (s->start) {
        rc = focus_singles(h, s->space, s->params, &s->opt, s->metric_kind, s->start, &s->moves,
                           &s->n_moves);
        if (rc)
            return rc;
    } else {
        s->phase = PH_REGION; /* no start to change: the model-based search alone */
    }
    size_t nm = s->n_moves ? s->n_moves : 1;
    s->blocked = h->alloc(h->ctx, nm, 1);
    s->boosted = h->alloc(h->ctx, nm, 1);
    s->move_cand = h->alloc(h->ctx, nm, sizeof *s->move_cand);
    if (!s->blocked || !s->boosted || !s->move_cand)
        return DNNR_ENOMEM;
    for (size_t m = 0; m < s->n_moves; m++)
        s->move_cand[m] = -1;
    if (res && s->start && (rc = focus_observe(s, s->start, s->start_y, res->trial_id)))
        return rc;
    setup_screening(s);
    for (uint32_t k = 0; k < s->space->n_params && k < 5; k++) {
        uint32_t i = s->order[k];
        char why[200];
        focus_param_why(s, i, why, sizeof why);
        h->log(h->ctx, DNNR_LOG_DEBUG, "focus: suspect %u: %s (%s) %.2f: %s", k + 1,
               s->space->params[i]->name, focus_role_name(s->params[i].role),
               s->params[i].suspicion, why);
    }
    return DNNR_OK;
}

void focus_block(dnnr_searcher *s, size_t m)
{
    const focus_move *mv = &s->moves[m];
    s->blocked[m] = 1;
    if (mv->direction == 0)
        return;
    for (size_t k = 0; k < s->n_moves; k++)
        if (s->moves[k].param == mv->param && s->moves[k].direction == mv->direction &&
            s->moves[k].magnitude >= mv->magnitude)
            s->blocked[k] = 1;
}

void focus_boost(dnnr_searcher *s, size_t m)
{
    const focus_move *mv = &s->moves[m];
    if (mv->direction == 0)
        return;
    size_t next = SIZE_MAX;
    for (size_t k = 0; k < s->n_moves; k++)
        if (s->moves[k].param == mv->param && s->moves[k].direction == mv->direction &&
            s->moves[k].magnitude > mv->magnitude &&
            (next == SIZE_MAX || s->moves[k].magnitude < s->moves[next].magnitude))
            next = k;
    if (next != SIZE_MAX && !s->blocked[next] && s->move_cand[next] < 0)
        s->boosted[next] = 1;
}

void focus_decide(dnnr_searcher *s, cand *c)
{
    if (c->stage != CS_SCREENED || !s->baseline_known)
        return;
    if (!c->screen_ok) {
        c->stage = CS_DONE; /* failed even briefly: evidence against the change */
        return;
    }
    if (!isfinite(s->baseline_y) || c->screen_y < s->baseline_y - s->opt.screen_margin) {
        c->stage = CS_PROMOTED;
        if (c->kind == CK_SINGLE)
            focus_boost(s, (size_t)c->move[0]);
    }
}

size_t focus_settle(dnnr_searcher *s, phase ph)
{
    if (s->settled[ph] || !s->screening)
        return 0;
    if (s->baseline_asked && !s->baseline_known)
        return 0;
    size_t promoted = 0;
    for (size_t i = 0; i < s->n_cands; i++) {
        const cand *c = &s->cands[i];
        if (c->born != ph || c->kind == CK_BASELINE || c->direct)
            continue;
        if (c->stage == CS_SCREENING)
            return 0; /* not all in yet */
        promoted += c->stage == CS_PROMOTED || c->stage == CS_FULL ||
                    (c->stage == CS_DONE && c->screen_ok);
    }
    s->settled[ph] = 1;
    if (promoted)
        return 0;
    /* Nothing beat the faulty screen: the best screens go on anyway, as
     * the top k of successive halving. */
    size_t n = 0;
    for (int64_t k = 0; k < s->opt.promote_top; k++) {
        cand *best = NULL;
        for (size_t i = 0; i < s->n_cands; i++) {
            cand *c = &s->cands[i];
            if (c->born == ph && c->stage == CS_SCREENED && c->screen_ok &&
                (!best || c->screen_y < best->screen_y))
                best = c;
        }
        if (!best)
            break;
        best->stage = CS_PROMOTED;
        n++;
    }
    return n;
}

/* ---- pairs ---- */

int focus_improved(const dnnr_searcher *s, const cand *c)
{
    return c->full_ok && (!isfinite(s->start_y) || c->full_y < s->start_y);
}

static int add_pair(dnnr_searcher *s, int32_t a, int32_t b, size_t cap)
{
    if (s->n_pairs >= cap || a == b || s->moves[a].param == s->moves[b].param)
        return 0;
    for (size_t i = 0; i < s->n_pairs; i++) {
        int32_t x = s->pairs[2 * i], y = s->pairs[2 * i + 1];
        if ((x == a && y == b) || (x == b && y == a))
            return 0;
    }
    s->pairs[2 * s->n_pairs] = a;
    s->pairs[2 * s->n_pairs + 1] = b;
    s->n_pairs++;
    return 1;
}

/* Failures (screened or full) block their move (focus_block); a change
 * that made the model worse than the faulty one is not paired either. */
static int usable(const dnnr_searcher *s, size_t m)
{
    if (s->blocked[m])
        return 0;
    int32_t c = s->move_cand[m];
    return c < 0 || !s->cands[c].full_ok || !(s->cands[c].full_y > s->start_y);
}

int focus_build_pairs(dnnr_searcher *s)
{
    const dnnr_host *h = s->host;
    size_t cap = s->opt.pairs > 0 ? (size_t)s->opt.pairs : 0;
    s->n_pairs = s->next_pair = 0;
    if (cap == 0 || s->n_moves < 2)
        return DNNR_OK;
    s->pairs = h->alloc(h->ctx, 2 * cap, sizeof *s->pairs);
    if (!s->pairs)
        return DNNR_ENOMEM;
    /* (a) improving single changes, best first, combined two by two */
    enum { TOP = 4 };
    int32_t top[TOP];
    size_t n_top = 0;
    for (;;) {
        int32_t best = -1;
        for (size_t m = 0; m < s->n_moves; m++) {
            int32_t c = s->move_cand[m];
            if (c < 0 || !focus_improved(s, &s->cands[c]))
                continue;
            int taken = 0;
            for (size_t k = 0; k < n_top; k++)
                taken |= top[k] == (int32_t)m;
            if (!taken && (best < 0 || s->cands[c].full_y < s->cands[s->move_cand[best]].full_y))
                best = (int32_t)m;
        }
        if (best < 0 || n_top == TOP)
            break;
        top[n_top++] = best;
    }
    /* pairs (i, j) by the sum of their ranks: (0,1), (0,2), (1,2), (0,3), ... */
    for (size_t sum = 1; sum < 2 * TOP; sum++)
        for (size_t i = 0; i < n_top; i++) {
            size_t j = sum - i;
            if (j > i && j < n_top)
                add_pair(s, top[i], top[j], cap);
        }
    /* (b) the top moves of the most suspect parameters, crossed */
    enum { PER = 2, MAXS = 8 };
    int32_t sm[MAXS][PER];
    size_t ns = 0, per[MAXS] = {0};
    for (uint32_t k = 0; k < s->space->n_params && ns < (size_t)s->opt.pair_suspects && ns < MAXS;
         k++) {
        uint32_t p = s->order[k];
        if (!(s->params[p].suspicion > 0))
            break;
        for (size_t m = 0; m < s->n_moves && per[ns] < PER; m++)
            if (s->moves[m].param == p && usable(s, m))
                sm[ns][per[ns]++] = (int32_t)m;
        if (per[ns])
            ns++;
    }
    size_t n_cross = 0;
    int32_t cross[MAXS * MAXS * PER * PER][2];
    double prio[MAXS * MAXS * PER * PER];
    for (size_t a = 0; a < ns; a++)
        for (size_t b = a + 1; b < ns; b++)
            for (size_t i = 0; i < per[a]; i++)
                for (size_t j = 0; j < per[b]; j++) {
                    cross[n_cross][0] = sm[a][i];
                    cross[n_cross][1] = sm[b][j];
                    prio[n_cross++] = s->moves[sm[a][i]].priority * s->moves[sm[b][j]].priority;
                }
    for (size_t i = 1; i < n_cross; i++) /* stable, by decreasing priority */
        for (size_t j = i; j > 0 && prio[j - 1] < prio[j]; j--) {
            double tp = prio[j];
            prio[j] = prio[j - 1];
            prio[j - 1] = tp;
            int32_t t0 = cross[j][0], t1 = cross[j][1];
            cross[j][0] = cross[j - 1][0];
            cross[j][1] = cross[j - 1][1];
            cross[j - 1][0] = t0;
            cross[j - 1][1] = t1;
        }
    for (size_t i = 0; i < n_cross; i++)
        add_pair(s, cross[i][0], cross[i][1], cap);
    return DNNR_OK;
}

/* ---- trust region ---- */

void focus_region_begin(dnnr_searcher *s)
{
    s->tr = (focus_region){.length = s->opt.tr_length, .active = 1};
    s->tr.center = s->n_obs ? s->best_obs : 0;
    s->tr.center_y = s->n_obs ? s->obs[s->tr.center].y : NAN;
    if (s->n_obs)
        s->obs_used[s->tr.center] = 1;
}

static void restart(dnnr_searcher *s)
{
    size_t pick = SIZE_MAX;
    for (int pass = 0; pass < 2 && pick == SIZE_MAX; pass++) {
        for (size_t i = 0; i < s->n_obs; i++)
            if (!s->obs_used[i] && isfinite(s->obs[i].y) &&
                (pick == SIZE_MAX || s->obs[i].y < s->obs[pick].y))
                pick = i;
        if (pick == SIZE_MAX) /* every centre used: start over from the best */
            memset(s->obs_used, 0, s->n_obs);
    }
    if (pick == SIZE_MAX)
        pick = s->best_obs;
    s->tr.center = pick;
    s->tr.center_y = s->obs[pick].y;
    s->obs_used[pick] = 1;
    s->tr.length = s->opt.tr_length;
    s->tr.succ = s->tr.fail = 0;
    s->tr.restarts++;
    s->host->log(s->host->ctx, DNNR_LOG_DEBUG,
                 "focus: trust region collapsed; restart %lld around trial %llu",
                 (long long)s->tr.restarts, (unsigned long long)s->obs_trial[pick]);
}

void focus_region_result(dnnr_searcher *s, size_t i, int from_region)
{
    if (!s->tr.active)
        return;
    double y = s->obs[i].y, c = s->tr.center_y;
    /* The centre follows every improvement, but only one by more than
     * 0.1 % of |c| counts as a success (TuRBO's margin), so noise-sized
     * gains do not grow the region. */
    int better = isfinite(y) && (!isfinite(c) || y < c - 1e-3 * fabs(c));
    if (isfinite(y) && (!isfinite(c) || y < c)) {
        s->tr.center = i;
        s->tr.center_y = y;
        s->obs_used[i] = 1;
    }
    if (!from_region)
        return;
    if (better) {
        s->tr.succ++;
        s->tr.fail = 0;
    } else {
        s->tr.fail++;
        s->tr.succ = 0;
    }
    if (s->tr.succ >= s->opt.tr_success) {
        s->tr.length = fmin(2.0 * s->tr.length, s->opt.tr_length_max);
        s->tr.succ = 0;
    }
    if (s->tr.fail >= s->opt.tr_failure) {
        s->tr.length *= 0.5;
        s->tr.fail = 0;
    }
    if (s->tr.length < s->opt.tr_length_min)
        restart(s);
}
