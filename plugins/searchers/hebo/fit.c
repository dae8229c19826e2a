/* MAP fit of the GP hyperparameters (SEARCHERS.md A.5.4): L-BFGS on the
 * unconstrained parameters, one run from the initial values and the others
 * from paramz-style random draws (u ~ N(0,1), priored parameters drawn from
 * their priors); the lowest objective wins. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "gp.h"
#include "kernel.h"
#include "lbfgs.h"

/* Marsaglia and Tsang, with the shape < 1 boost; @p scale = 1 / rate. */
static double gamma_draw(dnnr_rng *rng, double shape, double scale)
{
    if (shape < 1.0) {
        double u = dnnr_rng_uniform(rng);
        return gamma_draw(rng, shape + 1.0, scale) * pow(u > 0.0 ? u : 1e-300, 1.0 / shape);
    }
    double d = shape - 1.0 / 3.0, c = 1.0 / sqrt(9.0 * d);
    for (;;) {
        double z, v;
        do {
            z = dnnr_rng_normal(rng);
            v = 1.0 + c * z;
        } while (v <= 0.0);
        v = v * v * v;
        double u = dnnr_rng_uniform(rng);
        if (u < 1.0 - 0.0331 * z * z * z * z || log(u) < 0.5 * z * z + d * (1.0 - v + log(v)))
            return scale * d * v;
    }
}

static double clip_open(double v, double hi)
{
    double lo_lim = 1e-8, hi_lim = hi * (1.0 - 1e-8);
    return v < lo_lim ? lo_lim : (v > hi_lim ? hi_lim : v);
}

static void random_start(hebo_gp *gp, dnnr_rng *rng, double *theta)
{
    const hebo_gp_config *cfg = hebo_gp_cfg(gp);
    size_t nt = hebo_gp_n_params(gp), dims = hebo_gp_dims(gp);
    /* every u ~ N(0, 1), mapped to theta */
    for (size_t i = 0; i < nt; i++)
        theta[i] = dnnr_rng_normal(rng);
    double *tmp = theta; /* convert in place: u_to_theta reads index by index */
    hebo_gp_u_to_theta(gp, tmp, theta);
    theta[HEBO_TH_MAT] = gamma_draw(rng, cfg->mat_var_shape, 1.0 / cfg->mat_var_rate);
    if (!(theta[HEBO_TH_MAT] > 1e-12))
        theta[HEBO_TH_MAT] = 1e-12;
    theta[HEBO_TH_NOISE] = exp(cfg->noise_prior_mu + cfg->noise_prior_sigma * dnnr_rng_normal(rng));
    for (size_t j = 0; j < dims; j++) {
        theta[HEBO_TH_A(dims, j)] = clip_open(
            exp(cfg->warp_prior_mu + cfg->warp_prior_sigma * dnnr_rng_normal(rng)), cfg->warp_hi);
        theta[HEBO_TH_B(dims, j)] = clip_open(
            exp(cfg->warp_prior_mu + cfg->warp_prior_sigma * dnnr_rng_normal(rng)), cfg->warp_hi);
    }
}

static double objective_cb(void *ctx, const double *u, double *grad)
{
    return hebo_gp_objective(ctx, u, grad);
}

int hebo_gp_fit(hebo_gp *gp, dnnr_rng *rng) { return hebo_gp_fit_warm(gp, rng, NULL, NULL); }

int hebo_gp_fit_warm(hebo_gp *gp, dnnr_rng *rng, const double *warm_u, double *best_u_out)
{
    const hebo_gp_config *cfg = hebo_gp_cfg(gp);
    const dnnr_host *host = hebo_gp_host(gp);
    size_t nt = hebo_gp_n_params(gp);
    double *buf = host->alloc(host->ctx, 3 * nt, sizeof(double));
    if (!buf)
        return DNNR_ENOMEM;
    double *theta = buf, *u = buf + nt, *best_u = buf + 2 * nt;
    hebo_lbfgs_config lc;
    hebo_lbfgs_config_default(&lc);
    lc.max_iter = lc.max_eval = cfg->max_iter;
    lc.factr = cfg->ftol / DBL_EPSILON;
    double best = INFINITY;
    int restarts = cfg->restarts > 0 ? cfg->restarts : 1;
    if (warm_u && cfg->refit_restarts > 0)
        restarts = cfg->refit_restarts;
    for (int r = 0; r < restarts; r++) {
        /* Cold: HEBO's initial values, then random draws. Warm: the warm
         * start, then HEBO's initial values, then random draws. */
        int kind = warm_u ? (r < 2 ? 1 - r : 2) : (r < 1 ? 0 : 2); /* 1 warm, 0 initial */
        if (kind == 1) {
            memcpy(u, warm_u, nt * sizeof *u);
        } else if (kind == 0) {
            hebo_gp_initial_theta(gp, theta);
            hebo_gp_theta_to_u(gp, theta, u);
        } else {
            random_start(gp, rng, theta);
            hebo_gp_theta_to_u(gp, theta, u);
        }
        double fx;
        int ne = hebo_lbfgs(host, &lc, objective_cb, gp, nt, u, &fx);
        if (ne == DNNR_ENOMEM) {
            host->free(host->ctx, buf);
            return DNNR_ENOMEM;
        }
        host->log(host->ctx, DNNR_LOG_DEBUG, "hebo: fit run %d%s: %d evaluations, -log posterior %g",
                  r, kind == 1 ? " (warm)" : "", ne, fx);
        if (ne < 0 || !isfinite(fx))
            continue; /* a failed restart is ignored, as paramz's robust mode does */
        if (fx < best) {
            best = fx;
            memcpy(best_u, u, nt * sizeof *u);
        }
    }
    int rc = 0;
    if (isfinite(best)) {
        hebo_gp_u_to_theta(gp, best_u, hebo_gp_theta(gp));
        if (best_u_out)
            memcpy(best_u_out, best_u, nt * sizeof *best_u);
    } else {
        hebo_gp_initial_theta(gp, hebo_gp_theta(gp));
        rc = -1;
    }
    host->free(host->ctx, buf);
    if (hebo_gp_condition(gp) != 0)
        rc = -1;
    return rc;
}
