/* hebo: the paper/challenge HEBO (Cowen-Rivers et al., JAIR 2022) as a
 * dnnrepair searcher. See SEARCHERS.md Part A and README.md here.
 *
 * Protocol glue: options, observations, in-flight trials and the queue of
 * suggestions; the algorithm itself lives in suggest.c. */
#include <math.h>
#include <string.h>

#include <dnnrepair/dnnrepair.h>

#include "hebo.h"
#include "kernel.h"

/* Larger spaces would need heap buffers in suggest.c; no subject comes close. */
#define HEBO_MAX_PARAMS 512
/* The kernel keeps per-column scratch on the stack (kernel.c, gp.c). */
#define HEBO_MAX_GP_DIMS 4096

static int read_float(const dnnr_host *h, const char *key, double *v)
{
    return h->option_float(h->ctx, key, *v, v);
}

static int read_int(const dnnr_host *h, const char *key, int64_t *v)
{
    return h->option_int(h->ctx, key, *v, v);
}

static int read_options(const dnnr_host *h, hebo_options *o, size_t d, uint32_t max_in_flight)
{
    hebo_gp_config_default(&o->gp);
    hebo_nsga2_config_default(&o->ga);
    o->n_init = (int64_t)d + 1;
    o->batch_size = max_in_flight ? max_in_flight : 1;
    o->kappa_upsilon = 0.5;
    o->kappa_delta = 0.01;
    o->mace_eps = 1e-4;
    o->topup_tries = 4;
    /* Refits start from the previous optimum and stop earlier than HEBO's
     * (README.md, "Choices where HEBO leaves room"); fit_warm_start = false,
     * fit_ftol = 2.2e-9 give HEBO's own fit. */
    o->warm_start = 1;
    o->gp.refit_restarts = 2;
    o->gp.ftol = 1e-6;
    int64_t restarts = o->gp.restarts, max_iter = o->gp.max_iter;
    int64_t refit_restarts = o->gp.refit_restarts;
    int64_t pop = (int64_t)o->ga.pop_size, gens = (int64_t)o->ga.n_gen;
    const char *failed = "worst";
    int rc = 0;
    rc |= read_int(h, "n_init", &o->n_init);
    rc |= read_int(h, "batch_size", &o->batch_size);
    rc |= h->option_string(h->ctx, "failed", failed, &failed);
    rc |= h->option_bool(h->ctx, "noisy_acquisition", 1, &o->noisy_acq);
    const char *cat_ops = "ordinal";
    rc |= h->option_string(h->ctx, "categorical_operators", cat_ops, &cat_ops);
    rc |= read_float(h, "kappa_upsilon", &o->kappa_upsilon);
    rc |= read_float(h, "kappa_delta", &o->kappa_delta);
    rc |= read_float(h, "mace_eps", &o->mace_eps);
    rc |= read_int(h, "topup_tries", &o->topup_tries);
    rc |= read_float(h, "linear_variance", &o->gp.lin_var_init);
    rc |= read_float(h, "matern_variance", &o->gp.mat_var_init);
    rc |= read_float(h, "matern_variance_prior_shape", &o->gp.mat_var_shape);
    rc |= read_float(h, "matern_variance_prior_rate", &o->gp.mat_var_rate);
    rc |= read_float(h, "noise_variance", &o->gp.noise_init);
    rc |= read_float(h, "noise_prior_mu", &o->gp.noise_prior_mu);
    rc |= read_float(h, "noise_prior_sigma", &o->gp.noise_prior_sigma);
    rc |= read_float(h, "lengthscale_floor", &o->gp.ls_floor);
    rc |= read_float(h, "warp_upper", &o->gp.warp_hi);
    rc |= read_float(h, "warp_prior_mu", &o->gp.warp_prior_mu);
    rc |= read_float(h, "warp_prior_sigma", &o->gp.warp_prior_sigma);
    rc |= read_int(h, "fit_restarts", &restarts);
    rc |= read_int(h, "fit_max_iter", &max_iter);
    rc |= h->option_bool(h->ctx, "fit_warm_start", o->warm_start, &o->warm_start);
    rc |= read_int(h, "fit_refit_restarts", &refit_restarts);
    rc |= read_float(h, "fit_ftol", &o->gp.ftol);
    rc |= read_int(h, "population", &pop);
    rc |= read_int(h, "generations", &gens);
    rc |= read_float(h, "sbx_eta", &o->ga.sbx_eta);
    rc |= read_float(h, "sbx_prob", &o->ga.sbx_prob);
    rc |= read_float(h, "sbx_var_prob", &o->ga.sbx_var_prob);
    rc |= read_float(h, "pm_eta", &o->ga.pm_eta);
    if (rc)
        return DNNR_EINVAL;
    if (strcmp(cat_ops, "ordinal") == 0 || strcmp(cat_ops, "choice") == 0) {
        o->choice_operators = cat_ops[0] == 'c';
    } else {
        h->set_error(h->ctx,
                     "option categorical_operators: expected \"ordinal\" or \"choice\", got \"%s\"",
                     cat_ops);
        return DNNR_EINVAL;
    }
    if (strcmp(failed, "worst") == 0)
        o->drop_failed = 0;
    else if (strcmp(failed, "drop") == 0)
        o->drop_failed = 1;
    else {
        h->set_error(h->ctx, "option failed: expected \"worst\" or \"drop\", got \"%s\"", failed);
        return DNNR_EINVAL;
    }
    /* HEBO's rand_sample rule: a user value r means max(2, r)... of points
     * after the start here, so at least 1. */
    if (o->n_init < 1 || o->batch_size < 1 || restarts < 1 || max_iter < 1 || pop < 4 ||
        gens < 1 || pop > 100000 || !(o->gp.warp_hi > 0.0) || !(o->kappa_delta > 0.0) ||
        !(o->gp.noise_prior_sigma > 0.0) || !(o->gp.warp_prior_sigma > 0.0) ||
        !(o->gp.mat_var_shape > 0.0) || !(o->gp.mat_var_rate > 0.0) || refit_restarts < 0 ||
        refit_restarts > 1000000 || !(o->gp.ftol >= 0.0)) {
        h->set_error(h->ctx, "an option is out of range (n_init, batch_size, fit_restarts, "
                             "fit_max_iter, generations >= 1; population >= 4; priors > 0; "
                             "fit_refit_restarts, fit_ftol >= 0)");
        return DNNR_EINVAL;
    }
    o->gp.restarts = (int)restarts;
    o->gp.max_iter = (int)max_iter;
    o->gp.refit_restarts = (int)refit_restarts;
    o->ga.pop_size = (size_t)pop;
    o->ga.n_gen = (size_t)gens;
    return DNNR_OK;
}

static void hebo_destroy(dnnr_searcher *s);

static int hebo_create(const dnnr_searcher_init *init, dnnr_searcher **out)
{
    const dnnr_host *h = init->host;
    const dnnr_space *space = init->space;
    if (space->n_params > HEBO_MAX_PARAMS) {
        h->set_error(h->ctx, "hebo handles at most %d parameters, the space has %u",
                     HEBO_MAX_PARAMS, space->n_params);
        return DNNR_EUNSUPPORTED;
    }
    dnnr_searcher *s = h->alloc(h->ctx, 1, sizeof *s);
    if (!s)
        return DNNR_ENOMEM;
    s->host = h;
    s->space = space;
    s->d = space->n_params;
    s->max_in_flight = init->max_in_flight ? init->max_in_flight : 1;
    int rc = read_options(h, &s->opt, s->d, (uint32_t)s->max_in_flight);
    if (rc) {
        h->free(h->ctx, s);
        return rc;
    }
    /* The start configuration is trial 0; n_init Sobol points follow it. */
    s->init_threshold = (size_t)s->opt.n_init + (init->start ? 1 : 0);
    rc = hebo_design_init(&s->design, h, space);
    if (rc) {
        h->free(h->ctx, s);
        return rc;
    }
    if (s->design.gp_dims > HEBO_MAX_GP_DIMS) {
        h->set_error(h->ctx, "hebo handles at most %d GP inputs (numeric parameters plus all "
                             "categorical choices); the space has %zu",
                     HEBO_MAX_GP_DIMS, s->design.gp_dims);
        hebo_design_free(&s->design, h);
        h->free(h->ctx, s);
        return DNNR_EUNSUPPORTED;
    }
    s->key_fit = h->rng_key(h->ctx, "hebo.fit");
    s->key_acq = h->rng_key(h->ctx, "hebo.acquisition");
    s->key_ga = h->rng_key(h->ctx, "hebo.nsga2");
    s->key_pick = h->rng_key(h->ctx, "hebo.batch");
    s->key_pop = h->rng_key(h->ctx, "hebo.population");
    s->sobol = hebo_sobol_create(h, s->d, h->rng_key(h->ctx, "hebo.sobol"));
    s->warm_u = h->alloc(h->ctx, HEBO_N_THETA(s->design.gp_dims), sizeof *s->warm_u);
    if (!s->sobol || !s->warm_u) {
        hebo_destroy(s);
        return DNNR_ENOMEM;
    }
    *out = s;
    return DNNR_OK;
}

static void hebo_destroy(dnnr_searcher *s)
{
    if (!s)
        return;
    const dnnr_host *h = s->host;
    hebo_sobol_destroy(s->sobol);
    h->free(h->ctx, s->warm_u);
    hebo_design_free(&s->design, h);
    h->free(h->ctx, s->obs);
    h->free(h->ctx, s->obs_cfg);
    h->free(h->ctx, s->pending_id);
    h->free(h->ctx, s->pending_cfg);
    h->free(h->ctx, s->queue);
    h->free(h->ctx, s);
}

/* Grow a pair of parallel arrays to hold @p need rows. */
static int grow(const dnnr_host *h, void **a, size_t a_size, void **b, size_t b_size, size_t *cap,
                size_t need)
{
    if (need <= *cap)
        return DNNR_OK;
    size_t n = *cap ? 2 * *cap : 16;
    while (n < need)
        n *= 2;
    void *na = h->realloc(h->ctx, *a, n * a_size);
    if (!na)
        return DNNR_ENOMEM;
    *a = na;
    void *nb = h->realloc(h->ctx, *b, n * b_size);
    if (!nb)
        return DNNR_ENOMEM;
    *b = nb;
    *cap = n;
    return DNNR_OK;
}

static int hebo_ask(dnnr_searcher *s, dnnr_trial_request *req)
{
    const dnnr_host *h = s->host;
    size_t d = s->d;
    if (d == 0)
        return DNNR_EDONE; /* an empty space has nothing to search */
    if (s->q_head >= s->q_len) {
        /* A fresh batch for the free workers (at least one). */
        size_t q = s->n_pending < s->max_in_flight ? s->max_in_flight - s->n_pending : 1;
        int rc = hebo_suggest(s, q);
        if (rc) {
            h->set_error(h->ctx, "hebo: suggestion failed (%s)", dnnr_strerror(rc));
            return rc;
        }
    }
    int rc = grow(h, (void **)&s->pending_id, sizeof *s->pending_id, (void **)&s->pending_cfg,
                  d * sizeof(dnnr_value), &s->cap_pending, s->n_pending + 1);
    if (rc)
        return rc;
    const dnnr_value *cfg = s->queue + s->q_head * d;
    memcpy(req->config, cfg, d * sizeof *cfg);
    req->note = s->queue_from_model ? "hebo: MACE Pareto set" : "hebo: Sobol design";
    s->q_head++;
    s->pending_id[s->n_pending] = req->trial_id;
    memcpy(s->pending_cfg + s->n_pending * d, cfg, d * sizeof *cfg);
    s->n_pending++;
    return DNNR_OK;
}

static int hebo_tell(dnnr_searcher *s, const dnnr_trial_result *res)
{
    const dnnr_host *h = s->host;
    size_t d = s->d;
    for (size_t i = 0; i < s->n_pending; i++)
        if (s->pending_id[i] == res->trial_id) {
            s->n_pending--;
            s->pending_id[i] = s->pending_id[s->n_pending];
            memmove(s->pending_cfg + i * d, s->pending_cfg + s->n_pending * d,
                    d * sizeof(dnnr_value));
            break;
        }
    /* Suggestions computed before this result are stale: recompute on the next ask. */
    s->q_head = s->q_len = 0;
    /* A failed trial is kept in both modes: it counts as known, so it is not
     * suggested again; suggest.c decides whether it enters the model. */
    int ok = res->status == DNNR_TRIAL_OK && isfinite(res->objective);
    int rc = grow(h, (void **)&s->obs, sizeof *s->obs, (void **)&s->obs_cfg,
                  (d ? d : 1) * sizeof(dnnr_value), &s->cap_obs, s->n_obs + 1);
    if (rc)
        return rc;
    s->obs[s->n_obs] = (hebo_obs){.y = ok ? res->objective : NAN, .ok = ok};
    if (d)
        memcpy(s->obs_cfg + s->n_obs * d, res->config, d * sizeof(dnnr_value));
    s->n_obs++;
    return DNNR_OK;
}

static const dnnr_searcher_iface hebo_iface = {
    .struct_size = sizeof(dnnr_searcher_iface),
    .create = hebo_create,
    .destroy = hebo_destroy,
    .ask = hebo_ask,
    .tell = hebo_tell,
    .monitor = NULL,
};

DNNR_PLUGIN_DEFINE(hebo, DNNR_KIND_SEARCHER, "1.0.0",
                   "HEBO (paper/NeurIPS-2020 variant): warped GP, MACE, NSGA-II", hebo_iface)
