/* focus: options. Every constant of the searcher can be set from the
 * experiment file (`options = { screening = false; pairs = 3; }`); README.md
 * lists them with their defaults and why. */
#include <stdio.h>

#include "focus.h"

static int rd_f(const dnnr_host *h, const char *key, double *v)
{
    return h->option_float(h->ctx, key, *v, v);
}

static int rd_i(const dnnr_host *h, const char *key, int64_t *v)
{
    return h->option_int(h->ctx, key, *v, v);
}

static int rd_b(const dnnr_host *h, const char *key, int *v)
{
    return h->option_bool(h->ctx, key, *v, v);
}

int focus_options_read(const dnnr_host *h, focus_options *o)
{
    *o = (focus_options){
        .screening = 1,
        .screen_fraction = 1.0 / 3.0,
        .screen_margin = 0.0,
        .promote_top = 2,
        .screen_region = 0,
        .singles_share = 0.5,
        .pairs_share = 0.7,
        .moves_per_param = 6,
        .move_decay = 0.7,
        .pairs = 6,
        .pair_suspects = 3,
        .prior_scale = 0.5,
        .lint_weight = 1.0,
        .dynamic_weight = 1.0,
        .tr_length = 0.4,
        .tr_length_min = 1.0 / 64.0,
        .tr_length_max = 1.0,
        .tr_success = 2,
        .tr_failure = 3,
        .tr_hamming = 2,
        .candidates = 512,
        .fit_restarts = 3,
        .fit_max_iter = 200,
        .min_model_points = 3,
        .stop_at_target = 1,
    };
    for (int r = 0; r < FOCUS_N_ROLES; r++)
        o->role_prior[r] = focus_role_prior_default((focus_role)r);
    int rc = 0;
    rc |= rd_b(h, "screening", &o->screening);
    rc |= rd_f(h, "screen_fraction", &o->screen_fraction);
    rc |= rd_f(h, "screen_margin", &o->screen_margin);
    rc |= rd_i(h, "promote_top", &o->promote_top);
    rc |= rd_b(h, "screen_region", &o->screen_region);
    rc |= rd_f(h, "singles_share", &o->singles_share);
    rc |= rd_f(h, "pairs_share", &o->pairs_share);
    rc |= rd_i(h, "moves_per_param", &o->moves_per_param);
    rc |= rd_f(h, "move_decay", &o->move_decay);
    rc |= rd_i(h, "pairs", &o->pairs);
    rc |= rd_i(h, "pair_suspects", &o->pair_suspects);
    rc |= rd_f(h, "prior_scale", &o->prior_scale);
    rc |= rd_f(h, "lint_weight", &o->lint_weight);
    rc |= rd_f(h, "dynamic_weight", &o->dynamic_weight);
    for (int r = 0; r < FOCUS_N_ROLES; r++) {
        char key[64];
        snprintf(key, sizeof key, "prior_%s", focus_role_name((focus_role)r));
        rc |= rd_f(h, key, &o->role_prior[r]);
    }
    rc |= rd_f(h, "tr_length", &o->tr_length);
    rc |= rd_f(h, "tr_length_min", &o->tr_length_min);
    rc |= rd_f(h, "tr_length_max", &o->tr_length_max);
    rc |= rd_i(h, "tr_success", &o->tr_success);
    rc |= rd_i(h, "tr_failure", &o->tr_failure);
    rc |= rd_i(h, "tr_hamming", &o->tr_hamming);
    rc |= rd_i(h, "candidates", &o->candidates);
    rc |= rd_i(h, "fit_restarts", &o->fit_restarts);
    rc |= rd_i(h, "fit_max_iter", &o->fit_max_iter);
    rc |= rd_i(h, "min_model_points", &o->min_model_points);
    rc |= rd_b(h, "stop_at_target", &o->stop_at_target);
    if (rc)
        return DNNR_EINVAL;
    int bad_prior = 0;
    for (int r = 0; r < FOCUS_N_ROLES; r++)
        bad_prior |= !(o->role_prior[r] >= 0.0 && o->role_prior[r] <= 1.0);
    if (!(o->screen_fraction > 0.0 && o->screen_fraction < 1.0) || o->promote_top < 0 ||
        !(o->singles_share >= 0.0 && o->singles_share <= 1.0) ||
        !(o->pairs_share >= o->singles_share && o->pairs_share <= 1.0) ||
        o->moves_per_param < 0 || o->moves_per_param > 64 ||
        !(o->move_decay > 0.0 && o->move_decay <= 1.0) || o->pairs < 0 ||
        o->pair_suspects < 0 || !(o->prior_scale >= 0.0 && o->prior_scale <= 1.0) ||
        !(o->lint_weight >= 0.0 && o->lint_weight <= 1.0) ||
        !(o->dynamic_weight >= 0.0 && o->dynamic_weight <= 1.0) || bad_prior ||
        !(o->tr_length_min > 0.0 && o->tr_length_min <= o->tr_length &&
          o->tr_length <= o->tr_length_max && o->tr_length_max <= 4.0) ||
        o->tr_success < 1 || o->tr_failure < 1 || o->tr_hamming < 0 || o->candidates < 1 ||
        o->candidates > 100000 || o->fit_restarts < 1 || o->fit_max_iter < 1 ||
        o->min_model_points < 2 || !(o->screen_margin >= 0.0)) {
        h->set_error(h->ctx,
                     "focus: an option is out of range (screen_fraction in (0,1); shares in "
                     "[0,1] with singles_share <= pairs_share; move_decay in (0,1]; weights, "
                     "prior_scale and prior_<role> in [0,1]; 0 < tr_length_min <= tr_length <= "
                     "tr_length_max <= 4; counts >= 1; min_model_points >= 2)");
        return DNNR_EINVAL;
    }
    return DNNR_OK;
}
