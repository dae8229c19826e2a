/* focus: fault-localising, local-first repair (README.md in this folder).
 *
 * From the faulty configuration (trial 0) it ranks the parameters by how
 * suspect they are (the host's lint, the faulty run's gradient symptoms, a
 * taxonomy prior), tries single changes of the most suspect ones, then pairs
 * of the best, then a trust-region model-based search around the best
 * configuration. Candidates are screened at a reduced fidelity first when
 * the subject allows it, and only promising ones are trained in full.
 *
 * This file is the protocol glue: create/destroy, the ask loop over the
 * phases, tell's bookkeeping. plan.c keeps the phases' state. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <dnnrepair/dnnrepair.h>

#include "state.h"

static void focus_destroy(dnnr_searcher *s)
{
    if (!s)
        return;
    const dnnr_host *h = s->host;
    for (size_t i = 0; i < s->n_cands; i++)
        h->free(h->ctx, s->cands[i].config);
    h->free(h->ctx, s->cands);
    h->free(h->ctx, s->pend);
    h->free(h->ctx, s->obs);
    h->free(h->ctx, s->obs_trial);
    h->free(h->ctx, s->obs_used);
    h->free(h->ctx, s->pairs);
    h->free(h->ctx, s->moves);
    h->free(h->ctx, s->blocked);
    h->free(h->ctx, s->boosted);
    h->free(h->ctx, s->move_cand);
    focus_codec_free(&s->codec);
    focus_params_free(h, s->space, s->params);
    h->free(h->ctx, s->params);
    h->free(h->ctx, s->order);
    h->free(h->ctx, s->start);
    h->free(h->ctx, s);
}

static int focus_create(const dnnr_searcher_init *init, dnnr_searcher **out)
{
    const dnnr_host *h = init->host;
    *out = NULL;
    focus_options opt;
    int rc = focus_options_read(h, &opt);
    if (rc)
        return rc;
    dnnr_searcher *s = h->alloc(h->ctx, 1, sizeof *s);
    if (!s)
        return DNNR_ENOMEM;
    s->host = h;
    s->space = init->space;
    s->d = init->space->n_params;
    s->opt = opt;
    s->metric_kind = init->metric_kind;
    s->fidelity_kind = init->fidelity_kind;
    s->min_fidelity = init->min_fidelity;
    s->max_fidelity = init->max_fidelity;
    s->max_in_flight = init->max_in_flight ? init->max_in_flight : 1;
    /* SDK 1.1 members; a 1.0 host passes a shorter struct */
    const dnnr_param_hint *const *hints = DNNR_HAS(init, hints) ? init->hints : NULL;
    s->target = DNNR_HAS(init, target_objective) ? init->target_objective : NAN;
    s->start_y = s->best_y = s->baseline_y = NAN;
    s->key_region = h->rng_key(h->ctx, "focus.region");
    size_t nd = s->d ? s->d : 1;
    s->params = h->alloc(h->ctx, nd, sizeof *s->params);
    s->order = h->alloc(h->ctx, nd, sizeof *s->order);
    if (init->start)
        s->start = h->alloc(h->ctx, nd, sizeof *s->start);
    rc = DNNR_ENOMEM;
    if (!s->params || !s->order || (init->start && !s->start))
        goto fail;
    if (init->start)
        memcpy(s->start, init->start, s->d * sizeof *s->start);
    if ((rc = focus_params_init(h, s->space, hints, &s->opt, s->params)) ||
        (rc = focus_codec_init(&s->codec, h, s->space, s->params)))
        goto fail;
    /* Without a start there is no trial 0 to wait for: begin at once. */
    if (!init->start && (rc = focus_after_start(s, NULL)))
        goto fail;
    *out = s;
    return DNNR_OK;
fail:
    if (rc == DNNR_ENOMEM)
        h->set_error(h->ctx, "focus: out of memory");
    focus_destroy(s);
    return rc;
}

static int new_cand(dnnr_searcher *s, cand_kind kind, const dnnr_value *config, size_t *idx)
{
    const dnnr_host *h = s->host;
    if (s->n_cands == s->cap_cands) {
        size_t cap = s->cap_cands ? 2 * s->cap_cands : 64;
        cand *c = h->realloc(h->ctx, s->cands, cap * sizeof *c);
        if (!c)
            return DNNR_ENOMEM;
        s->cands = c;
        s->cap_cands = cap;
    }
    dnnr_value *cfg = h->alloc(h->ctx, s->d ? s->d : 1, sizeof *cfg);
    if (!cfg)
        return DNNR_ENOMEM;
    memcpy(cfg, config, s->d * sizeof *cfg);
    *idx = s->n_cands++;
    s->cands[*idx] = (cand){.kind = kind, .stage = CS_NEW, .born = s->phase, .move = {-1, -1},
                            .config = cfg, .screen_y = NAN, .full_y = NAN,
                            .full_trial = UINT64_MAX};
    return DNNR_OK;
}

static int can_screen(const dnnr_searcher *s)
{
    return s->screening && focus_left(s) >= 1.0 + s->screen_cost;
}

/* Screening at fewer epochs says nothing about a change of the epochs. */
static int changes_epochs(const dnnr_searcher *s, const cand *c)
{
    if (s->fidelity_kind != DNNR_FIDELITY_EPOCHS || !s->start)
        return 0;
    for (size_t i = 0; i < s->d; i++)
        if (s->params[i].role == FOCUS_ROLE_EPOCHS && c->config[i].i != s->start[i].i)
            return 1;
    return 0;
}

static int hand_out(dnnr_searcher *s, size_t ci, int screen, dnnr_trial_request *req,
                    const char *prefix)
{
    const dnnr_host *h = s->host;
    if (s->n_pend == s->cap_pend) {
        size_t cap = s->cap_pend ? 2 * s->cap_pend : 8;
        pend *p = h->realloc(h->ctx, s->pend, cap * sizeof *p);
        if (!p)
            return DNNR_ENOMEM;
        s->pend = p;
        s->cap_pend = cap;
    }
    cand *c = &s->cands[ci];
    memcpy(req->config, c->config, s->d * sizeof *req->config);
    req->fidelity = screen ? s->screen_fid : 0.0;
    s->pend[s->n_pend++] = (pend){.id = req->trial_id, .cand = ci, .screen = screen,
                                  .cost = screen ? s->screen_cost : 1.0};
    c->stage = screen ? CS_SCREENING : CS_FULL;
    if (!screen)
        c->full_trial = req->trial_id;
    if (screen) {
        char fid[64];
        if (s->fidelity_kind == DNNR_FIDELITY_EPOCHS)
            focus_fmt(fid, sizeof fid, "%g/%g epochs", s->screen_fid, s->max_fidelity);
        else
            focus_fmt(fid, sizeof fid, "fidelity %g/%g", s->screen_fid, s->max_fidelity);
        focus_fmt(s->note, sizeof s->note, "screen at %s: %s%s", fid, prefix, c->why);
    } else {
        focus_fmt(s->note, sizeof s->note, "%s%s", prefix, c->why);
    }
    req->note = s->note;
    return DNNR_OK;
}

/* The candidate goes out screened when it may, in full otherwise. */
static int propose(dnnr_searcher *s, size_t ci, dnnr_trial_request *req)
{
    cand *c = &s->cands[ci];
    int region = c->kind == CK_REGION;
    c->direct = !can_screen(s) || changes_epochs(s, c) || (region && !s->opt.screen_region);
    return hand_out(s, ci, !c->direct, req, "");
}

static cand *best_in_stage(dnnr_searcher *s, cand_stage st, size_t *idx)
{
    cand *best = NULL;
    for (size_t i = 0; i < s->n_cands; i++) {
        cand *c = &s->cands[i];
        if (c->stage == st && c->kind != CK_BASELINE && (st != CS_SCREENED || c->screen_ok) &&
            (!best || c->screen_y < best->screen_y)) {
            best = c;
            *idx = i;
        }
    }
    return best;
}

static int promoted_out(dnnr_searcher *s, size_t ci, dnnr_trial_request *req)
{
    char prefix[128];
    const cand *c = &s->cands[ci];
    focus_fmt(prefix, sizeof prefix, "promoted (screened %.4g, faulty %.4g): ", c->screen_y,
             s->baseline_y);
    return hand_out(s, ci, 0, req, prefix);
}

static void why_single(dnnr_searcher *s, size_t m, char *buf, size_t len)
{
    const focus_move *mv = &s->moves[m];
    const dnnr_param *p = s->space->params[mv->param];
    char text[160], why[200];
    focus_move_text(p, s->start[mv->param], mv->value, text, sizeof text);
    focus_param_why(s, mv->param, why, sizeof why);
    focus_fmt(buf, len, "single change %s (%ssuspicion %.2f: %s)", text,
              s->boosted[m] ? "a step further after a gain; " : "",
              s->params[mv->param].suspicion, why);
}

/* The next single change: a boosted step first, then the priority order. */
static size_t pick_move(dnnr_searcher *s)
{
    for (size_t m = 0; m < s->n_moves; m++)
        if (s->boosted[m] && s->move_cand[m] < 0 && !s->blocked[m])
            return m;
    while (s->next_move < s->n_moves) {
        size_t m = s->next_move++;
        if (s->move_cand[m] < 0 && !s->blocked[m])
            return m;
    }
    return SIZE_MAX;
}

static int next_single(dnnr_searcher *s, dnnr_trial_request *req)
{
    dnnr_value *cfg = req->config; /* the host's buffer serves as scratch */
    for (;;) {
        size_t m = pick_move(s);
        if (m == SIZE_MAX)
            break;
        memcpy(cfg, s->start, s->d * sizeof *cfg);
        cfg[s->moves[m].param] = s->moves[m].value;
        if (focus_known(s, cfg)) {
            s->blocked[m] = 1; /* never again */
            continue;
        }
        size_t ci;
        int rc = new_cand(s, CK_SINGLE, cfg, &ci);
        if (rc)
            return rc;
        cand *c = &s->cands[ci];
        c->move[0] = (int32_t)m;
        s->move_cand[m] = (int32_t)ci;
        why_single(s, m, c->why, sizeof c->why);
        return propose(s, ci, req);
    }
    return DNNR_ENOTFOUND;
}

static int next_pair(dnnr_searcher *s, dnnr_trial_request *req)
{
    while (s->next_pair < s->n_pairs) {
        int32_t a = s->pairs[2 * s->next_pair], b = s->pairs[2 * s->next_pair + 1];
        s->next_pair++;
        if (s->blocked[a] || s->blocked[b])
            continue;
        dnnr_value *cfg = req->config;
        memcpy(cfg, s->start, s->d * sizeof *cfg);
        cfg[s->moves[a].param] = s->moves[a].value;
        cfg[s->moves[b].param] = s->moves[b].value;
        if (focus_known(s, cfg))
            continue;
        size_t ci;
        int rc = new_cand(s, CK_PAIR, cfg, &ci);
        if (rc)
            return rc;
        cand *c = &s->cands[ci];
        c->move[0] = a;
        c->move[1] = b;
        char ta[160], tb[160];
        focus_move_text(s->space->params[s->moves[a].param], s->start[s->moves[a].param],
                        s->moves[a].value, ta, sizeof ta);
        focus_move_text(s->space->params[s->moves[b].param], s->start[s->moves[b].param],
                        s->moves[b].value, tb, sizeof tb);
        int32_t ca = s->move_cand[a], cb = s->move_cand[b];
        if (ca >= 0 && cb >= 0 && focus_improved(s, &s->cands[ca]) &&
            focus_improved(s, &s->cands[cb]))
            focus_fmt(c->why, sizeof c->why, "pair %s + %s (singles gave %.4g and %.4g, faulty %.4g)",
                     ta, tb, s->cands[ca].full_y, s->cands[cb].full_y, s->start_y);
        else
            focus_fmt(c->why, sizeof c->why, "pair %s + %s (top suspects %.2f and %.2f)", ta, tb,
                     s->params[s->moves[a].param].suspicion,
                     s->params[s->moves[b].param].suspicion);
        return propose(s, ci, req);
    }
    return DNNR_ENOTFOUND;
}

static int known_cb(void *ctx, const dnnr_value *config) { return focus_known(ctx, config); }

static int next_region(dnnr_searcher *s, dnnr_trial_request *req)
{
    const dnnr_host *h = s->host;
    if (!s->tr.active)
        focus_region_begin(s);
    int64_t hamming = 0;
    if (s->opt.tr_hamming > 0) {
        hamming = llround((double)s->opt.tr_hamming * s->tr.length / s->opt.tr_length);
        hamming = hamming < 1 ? 1 : hamming;
    }
    const dnnr_value *center = s->n_obs ? s->obs[s->tr.center].config : s->start;
    dnnr_value *cfg = req->config; /* the host's buffer serves as scratch */
    int from_model = 0, rc = DNNR_ENOTFOUND;
    uint64_t key = dnnr_rng_derive(s->key_region, s->n_region++);
    if (center) {
        focus_proposal_ctx pc = {.host = h, .codec = &s->codec, .opt = &s->opt, .obs = s->obs,
                                 .n_obs = s->n_obs, .center = center, .length = s->tr.length,
                                 .hamming = hamming, .key = key, .q = s->max_in_flight,
                                 .known = known_cb, .known_ctx = s};
        rc = focus_region_propose(&pc, cfg, &from_model);
        if (rc && rc != DNNR_ENOTFOUND)
            return rc;
    }
    char why[200];
    if (rc == DNNR_OK) {
        focus_fmt(why, sizeof why, "trust region around trial %llu (length %.3g, hamming %lld): %s",
                 (unsigned long long)(s->n_obs ? s->obs_trial[s->tr.center] : 0), s->tr.length,
                 (long long)hamming,
                 from_model ? "MACE Pareto pick" : "random pick (no model yet)");
    } else {
        /* The region is exhausted: a random configuration not tried yet. */
        dnnr_rng rng;
        dnnr_rng_init(&rng, dnnr_rng_derive(key, 2));
        for (int t = 0; t < 256 && rc; t++) {
            h->space_sample(h->ctx, s->space, &rng, cfg);
            if (!focus_known(s, cfg))
                rc = DNNR_OK;
        }
        if (rc)
            return DNNR_ENOTFOUND;
        focus_fmt(why, sizeof why, "random sample (trust region exhausted)");
    }
    size_t ci;
    if ((rc = new_cand(s, CK_REGION, cfg, &ci)))
        return rc;
    focus_fmt(s->cands[ci].why, sizeof s->cands[ci].why, "%s", why);
    return propose(s, ci, req);
}

static int focus_ask(dnnr_searcher *s, dnnr_trial_request *req)
{
    if (s->d == 0)
        return DNNR_EDONE; /* an empty space has nothing to change */
    if (!s->start_told)
        return DNNR_EAGAIN; /* trial 0's symptoms decide where to look */
    if (s->target_hit && s->opt.stop_at_target)
        return DNNR_EDONE;
    for (int step = 0; step < 8; step++) {
        size_t ci;
        if (best_in_stage(s, CS_PROMOTED, &ci))
            return promoted_out(s, ci, req);
        if (s->screening && s->phase != PH_REGION && !can_screen(s) &&
            best_in_stage(s, CS_SCREENED, &ci) && s->baseline_known &&
            !(s->cands[ci].screen_y > s->baseline_y)) {
            /* too little budget left to screen: the best screen that did
             * not lose to the faulty one goes on */
            return promoted_out(s, ci, req);
        }
        if (s->screening && s->start && !s->baseline_asked && can_screen(s)) {
            int rc = new_cand(s, CK_BASELINE, s->start, &ci);
            if (rc)
                return rc;
            focus_fmt(s->cands[ci].why, sizeof s->cands[ci].why,
                     "the faulty configuration (baseline for promotions)");
            s->baseline_asked = 1;
            return hand_out(s, ci, 1, req, "");
        }
        int rc = DNNR_ENOTFOUND;
        if (s->phase == PH_SINGLES && focus_spent_share(s) < s->opt.singles_share)
            rc = next_single(s, req);
        else if (s->phase == PH_PAIRS && focus_spent_share(s) < s->opt.pairs_share)
            rc = next_pair(s, req);
        else if (s->phase == PH_REGION)
            rc = next_region(s, req);
        if (rc != DNNR_ENOTFOUND)
            return rc;
        if (s->phase == PH_REGION)
            return s->n_pend ? DNNR_EAGAIN : DNNR_EDONE;
        /* The phase's list is done (or its budget share spent). */
        if (focus_settle(s, s->phase))
            continue;
        if (s->n_pend)
            return DNNR_EAGAIN; /* the next phase builds on these results */
        if (s->phase == PH_SINGLES) {
            if ((rc = focus_build_pairs(s)))
                return rc;
            s->phase = PH_PAIRS;
        } else {
            s->phase = PH_REGION;
        }
    }
    s->host->set_error(s->host->ctx, "focus: no progress in ask (internal error)");
    return DNNR_EINTERNAL;
}

static int focus_tell(dnnr_searcher *s, const dnnr_trial_result *res)
{
    size_t k = 0;
    while (k < s->n_pend && s->pend[k].id != res->trial_id)
        k++;
    if (k == s->n_pend) {
        /* Not ours: the host's trial 0, the faulty start. */
        if (!s->start_told)
            return focus_after_start(s, res);
        return DNNR_OK;
    }
    pend p = s->pend[k];
    s->pend[k] = s->pend[--s->n_pend];
    s->told_cost += p.cost;
    cand *c = &s->cands[p.cand];
    int ok = res->status == DNNR_TRIAL_OK && isfinite(res->objective);
    double y = ok ? res->objective : NAN;
    if (p.screen) {
        c->screen_ok = ok;
        c->screen_y = y;
        c->stage = CS_SCREENED;
        if (!ok && c->kind == CK_SINGLE)
            focus_block(s, (size_t)c->move[0]);
        if (c->kind == CK_BASELINE) {
            c->stage = CS_DONE;
            s->baseline_known = 1;
            s->baseline_y = y;
            for (size_t i = 0; i < s->n_cands; i++)
                focus_decide(s, &s->cands[i]);
        } else {
            focus_decide(s, c);
        }
        return DNNR_OK;
    }
    c->full_ok = ok;
    c->full_y = y;
    c->stage = CS_DONE;
    /* A failure, or a result worse than the faulty model's, is evidence
     * against the change and the larger steps the same way (screens are
     * too noisy for "worse": only their failures count). */
    if (c->kind == CK_SINGLE && (!ok || y > s->start_y))
        focus_block(s, (size_t)c->move[0]);
    if (c->kind == CK_SINGLE && focus_improved(s, c))
        focus_boost(s, (size_t)c->move[0]);
    int rc = focus_observe(s, c->config, y, res->trial_id);
    if (rc)
        return rc;
    focus_region_result(s, s->n_obs - 1, c->kind == CK_REGION);
    if (ok && isfinite(s->target) && y <= s->target)
        s->target_hit = 1;
    return DNNR_OK;
}

static const dnnr_searcher_iface focus_iface = {
    .struct_size = sizeof(dnnr_searcher_iface),
    .create = focus_create,
    .destroy = focus_destroy,
    .ask = focus_ask,
    .tell = focus_tell,
    .monitor = NULL,
};

DNNR_PLUGIN_DEFINE(focus, DNNR_KIND_SEARCHER, "1.0.0",
                   "Fault-localising local-first repair: suspect parameters, single changes, "
                   "pairs, then trust-region BO; low-fidelity screening",
                   focus_iface)
