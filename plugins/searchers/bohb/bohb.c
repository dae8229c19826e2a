/* bohb: BOHB (Falkner, Klein & Hutter, ICML 2018) as an ask/tell searcher,
 * with HpBandSter's semantics (SEARCHERS.md Part B).
 *
 * Hyperband brackets (hyperband.c) each run one successive-halving schedule
 * (bracket.c); the configurations that enter a bracket come from the KDE
 * model (config_generator.c), which learns from every finished trial at
 * every budget. Several brackets run at once: ask() serves the oldest
 * bracket that has a runnable slot and opens the next bracket when none
 * does, as HpBandSter's master does with several workers.
 *
 * `study_mode = true` reproduces the study's Ray Tune setup, HyperBandForBOHB
 * with max_t = 1: every bracket is a single trial at full fidelity, so BOHB
 * reduces to its KDE sampler. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <dnnrepair/dnnrepair.h>

#include "bracket.h"
#include "config_generator.h"
#include "encoding.h"
#include "hyperband.h"
#include "options.h"

struct dnnr_searcher {
    const dnnr_host *host;
    const dnnr_space *space;
    dnnr_fidelity_kind fidelity_kind;
    bohb_options opt;
    bohb_hyperband hb;
    /** Rung budgets in the subject's fidelity unit = hb budgets times this. */
    double budget_scale;
    bohb_generator gen;
    bohb_bracket **active; /**< oldest first */
    uint32_t n_active, active_capacity;
    uint64_t brackets_opened;
    uint32_t max_in_flight, in_flight;
    double *vector; /**< d entries of scratch */
    char note[160];
};

static void bohb_destroy(dnnr_searcher *s)
{
    if (!s)
        return;
    const dnnr_host *host = s->host;
    for (uint32_t i = 0; i < s->n_active; i++)
        bohb_bracket_destroy(s->active[i]);
    host->free(host->ctx, s->active);
    host->free(host->ctx, s->vector);
    bohb_generator_free(&s->gen);
    host->free(host->ctx, s);
}

static int build_brackets(dnnr_searcher *s)
{
    const bohb_options *o = &s->opt;
    int rc;
    s->budget_scale = 1.0;
    if (o->study_mode) {
        /* Ray with max_t = 1: milestone 1 is the whole training. */
        rc = bohb_hyperband_ray(1, o->eta, &s->hb);
        s->budget_scale = o->max_budget;
    } else if (o->rule == BOHB_RULE_RAY) {
        uint32_t max_t = (uint32_t)nearbyint(o->max_budget);
        rc = bohb_hyperband_ray(max_t, o->eta, &s->hb);
        s->budget_scale = o->max_budget / (double)max_t;
    } else {
        rc = bohb_hyperband_hpbandster(o->min_budget, o->max_budget, o->eta, &s->hb);
    }
    if (rc != 0) {
        s->host->set_error(s->host->ctx,
                           "bohb: no bracket schedule for min_budget %g, max_budget %g, eta %g",
                           o->min_budget, o->max_budget, o->eta);
        return DNNR_EINVAL;
    }
    return DNNR_OK;
}

static int bohb_create(const dnnr_searcher_init *init, dnnr_searcher **out)
{
    const dnnr_host *host = init->host;
    dnnr_searcher *s = host->alloc(host->ctx, 1, sizeof *s);
    if (!s) {
        host->set_error(host->ctx, "bohb: out of memory");
        return DNNR_ENOMEM;
    }
    s->host = host;
    s->space = init->space;
    s->fidelity_kind = init->fidelity_kind;
    s->max_in_flight = init->max_in_flight;
    int rc = bohb_options_read(init, &s->opt);
    if (rc == DNNR_OK)
        rc = build_brackets(s);
    if (rc != DNNR_OK) {
        host->free(host->ctx, s);
        return rc;
    }
    s->vector = host->alloc(host->ctx, s->space->n_params ? s->space->n_params : 1,
                            sizeof(double));
    rc = s->vector ? bohb_generator_init(&s->gen, host, s->space, s->hb.n_budgets,
                                         &s->opt.generator, host->rng_key(host->ctx, "bohb"))
                   : DNNR_ENOMEM;
    if (rc != DNNR_OK) {
        host->set_error(host->ctx, "bohb: out of memory");
        bohb_destroy(s);
        return rc;
    }
    *out = s;
    return DNNR_OK;
}

/* The fidelity a request carries for a rung budget. Epochs are whole: a
 * budget of 1.85 epochs trains 2 (rounding up never gives a rung less than
 * its share). */
static double request_fidelity(const dnnr_searcher *s, double budget)
{
    if (s->fidelity_kind == DNNR_FIDELITY_NONE || s->opt.study_mode)
        return 0.0; /* the subject's full fidelity */
    double value = budget * s->budget_scale;
    if (s->fidelity_kind == DNNR_FIDELITY_EPOCHS) {
        value = ceil(value - 1e-9);
        if (value < 1.0)
            value = 1.0;
    }
    return value;
}

/* The ladder index of a told trial's fidelity: the nearest rung budget on a
 * log scale; 0 (full fidelity, e.g. the start configuration) is the top. */
static uint32_t ladder_index_of(const dnnr_searcher *s, double fidelity)
{
    uint32_t top = s->hb.n_budgets - 1;
    if (!(fidelity > 0.0) || s->opt.study_mode || s->fidelity_kind == DNNR_FIDELITY_NONE)
        return top;
    uint32_t best = top;
    double best_distance = INFINITY;
    for (uint32_t i = 0; i <= top; i++) {
        double distance = fabs(log(fidelity / (s->hb.budgets[i] * s->budget_scale)));
        if (distance < best_distance) {
            best_distance = distance;
            best = i;
        }
    }
    return best;
}

static int open_bracket(dnnr_searcher *s)
{
    const dnnr_host *host = s->host;
    if (s->n_active == s->active_capacity) {
        uint32_t capacity = s->active_capacity ? 2 * s->active_capacity : 8;
        bohb_bracket **active = host->realloc(host->ctx, s->active, capacity * sizeof *active);
        if (!active)
            return DNNR_ENOMEM;
        s->active = active;
        s->active_capacity = capacity;
    }
    const bohb_bracket_plan *plan = bohb_hyperband_bracket(&s->hb, s->brackets_opened);
    bohb_bracket *b = bohb_bracket_create(host, plan, s->brackets_opened, s->space->n_params);
    if (!b)
        return DNNR_ENOMEM;
    s->active[s->n_active++] = b;
    s->brackets_opened++;
    return DNNR_OK;
}

static const char *pick_name(bohb_pick pick)
{
    switch (pick) {
    case BOHB_PICK_MODEL:
        return "model";
    case BOHB_PICK_UNBOUNDED:
        return "model (unbounded ratio)";
    case BOHB_PICK_FALLBACK:
        return "random (model fallback)";
    default:
        return "random";
    }
}

static void issue(dnnr_searcher *s, bohb_bracket *b, int i, dnnr_trial_request *req)
{
    bohb_slot *slot = &b->slots[i];
    const bohb_bracket_plan *plan = b->plan;
    const char *origin;
    if (slot->sampled) {
        origin = "promoted";
    } else {
        origin = pick_name(bohb_generator_propose(&s->gen, slot->vector));
        slot->sampled = 1;
    }
    bohb_decode(s->space, slot->vector, req->config);
    req->fidelity = request_fidelity(s, plan->budget[b->stage]);
    if (s->opt.warm_promotions) {
        /* The engine trains `fidelity` epochs on top of the kept weights, so a
         * continued trial asks for the difference between the rungs: the
         * configuration ends with exactly the rung's epochs, and the cost
         * charged is what was trained. Rungs that round to the same epoch
         * count (eta near 1) retrain from scratch instead. */
        if (slot->previous_trial >= 0 && b->stage > 0) {
            double trained = request_fidelity(s, plan->budget[b->stage - 1]);
            if (req->fidelity - trained >= 1.0) {
                req->warm_start = slot->previous_trial;
                req->fidelity -= trained;
            }
        }
        if (bohb_bracket_may_promote(b))
            req->flags |= DNNR_TRIAL_KEEP_WEIGHTS;
    }
    if (slot->previous_trial >= 0)
        snprintf(s->note, sizeof s->note, "bracket %llu (s=%u) rung %u/%u budget %g: %s from trial %lld",
                 (unsigned long long)b->number, plan->n_rungs - 1, b->stage + 1, plan->n_rungs,
                 plan->budget[b->stage] * s->budget_scale, origin, (long long)slot->previous_trial);
    else
        snprintf(s->note, sizeof s->note, "bracket %llu (s=%u) rung %u/%u budget %g: %s",
                 (unsigned long long)b->number, plan->n_rungs - 1, b->stage + 1, plan->n_rungs,
                 plan->budget[b->stage] * s->budget_scale, origin);
    req->note = s->note;
    bohb_bracket_start(b, i, req->trial_id);
    s->in_flight++;
}

static int bohb_ask(dnnr_searcher *s, dnnr_trial_request *req)
{
    if (s->max_in_flight > 0 && s->in_flight >= s->max_in_flight)
        return DNNR_EAGAIN;
    for (uint32_t k = 0; k < s->n_active; k++) {
        int i = bohb_bracket_next(s->active[k]);
        if (i >= 0) {
            issue(s, s->active[k], i, req);
            return DNNR_OK;
        }
    }
    /* Every open bracket waits for results: open the next one. */
    int rc = open_bracket(s);
    if (rc != DNNR_OK) {
        s->host->set_error(s->host->ctx, "bohb: out of memory");
        return rc;
    }
    bohb_bracket *b = s->active[s->n_active - 1];
    issue(s, b, bohb_bracket_next(b), req);
    return DNNR_OK;
}

static void drop_finished(dnnr_searcher *s)
{
    uint32_t kept = 0;
    for (uint32_t k = 0; k < s->n_active; k++) {
        if (s->active[k]->finished)
            bohb_bracket_destroy(s->active[k]);
        else
            s->active[kept++] = s->active[k];
    }
    s->n_active = kept;
}

static int bohb_tell(dnnr_searcher *s, const dnnr_trial_result *res)
{
    double loss = res->status == DNNR_TRIAL_OK && isfinite(res->objective) ? res->objective
                                                                          : INFINITY;
    bohb_bracket *owner = NULL;
    int slot = -1;
    for (uint32_t k = 0; k < s->n_active && slot < 0; k++) {
        slot = bohb_bracket_find(s->active[k], res->trial_id);
        if (slot >= 0)
            owner = s->active[k];
    }
    /* The model sees every finished job, at its budget; trials it did not ask
     * for (the start configuration) count at the budget of their fidelity. */
    uint32_t budget_index = owner ? owner->plan->budget_index[owner->stage]
                                  : ladder_index_of(s, res->fidelity);
    bohb_encode(s->space, res->config, s->vector);
    int rc = bohb_generator_observe(&s->gen, s->vector, budget_index, loss);
    if (owner) {
        s->in_flight--;
        if (bohb_bracket_finish(owner, slot, loss) != 0)
            rc = DNNR_ENOMEM;
        drop_finished(s);
    }
    if (rc != DNNR_OK)
        s->host->set_error(s->host->ctx, "bohb: out of memory");
    return rc;
}

static const dnnr_searcher_iface bohb_iface = {
    .struct_size = sizeof(dnnr_searcher_iface),
    .create = bohb_create,
    .destroy = bohb_destroy,
    .ask = bohb_ask,
    .tell = bohb_tell,
    .monitor = NULL,
};

DNNR_PLUGIN_DEFINE(bohb, DNNR_KIND_SEARCHER, "1.0.0",
                   "BOHB: Hyperband brackets with a KDE configuration model (HpBandSter)",
                   bohb_iface)
