/* The paper-HEBO surrogate (GPy InputWarpedGP, SEARCHERS.md A.5): Kumaraswamy
 * warping of every input column, Linear + Matern-3/2 ARD kernel, Gaussian
 * noise, MAP hyperparameters under the priors below, zero mean on
 * standardised y. */
#ifndef HEBO_GP_H
#define HEBO_GP_H

#include <stddef.h>

#include <dnnrepair/dnnrepair.h>

/** Priors, initial values and bounds; every entry overridable by options. */
typedef struct hebo_gp_config {
    double lin_var_init;      /**< 1.0 */
    double mat_var_init;      /**< 0.5 */
    double mat_var_shape;     /**< Gamma prior shape, 0.5 */
    double mat_var_rate;      /**< Gamma prior rate, 1.0 */
    double noise_init;        /**< 1.0 (GPy default) */
    double noise_prior_mu;    /**< LogGaussian mu, -4.63 */
    double noise_prior_sigma; /**< LogGaussian sigma, 0.5 */
    double ls_floor;          /**< lengthscale init floor, 0.02 */
    double warp_hi;           /**< a, b live in (0, warp_hi), 10 */
    double warp_prior_mu;     /**< LogGaussian mu, 0 */
    double warp_prior_sigma;  /**< LogGaussian sigma, 0.75 */
    int restarts;             /**< optimisation runs in all, 10 */
    int max_iter;             /**< L-BFGS iterations and evaluations per run, 200 */
    /**
     * A run stops when an iteration lowers the objective by less than this
     * share of it (scipy's factr * machine epsilon); 1e7 * DBL_EPSILON.
     */
    double ftol;
    /**
     * Runs in all when hebo_gp_fit_warm gets a warm start: the warm start,
     * HEBO's initial values, then random draws. 0 means restarts.
     */
    int refit_restarts;
} hebo_gp_config;

/** The defaults of SEARCHERS.md A.5.2 and A.5.4. */
void hebo_gp_config_default(hebo_gp_config *cfg);

typedef struct hebo_gp hebo_gp;

/**
 * A model on @p n rows of @p dims inputs (@p x, row-major, numeric columns in
 * [-1, 1], one-hot columns in {0, 1}) with targets @p y (copied and
 * standardised). @p col_lo and @p col_hi are each column's warping range
 * (padding included). Hyperparameters start at their initial values.
 */
hebo_gp *hebo_gp_create(const dnnr_host *host, const hebo_gp_config *cfg, size_t n, size_t dims,
                        const double *x, const double *col_lo, const double *col_hi,
                        const double *y);
void hebo_gp_destroy(hebo_gp *gp);

size_t hebo_gp_n_params(const hebo_gp *gp);
/** Constrained hyperparameters (3 + 3D; layout in kernel.h). */
double *hebo_gp_theta(hebo_gp *gp);

/** Constrained theta -> unconstrained u and back (softplus, scaled logistic). */
void hebo_gp_theta_to_u(const hebo_gp *gp, const double *theta, double *u);
void hebo_gp_u_to_theta(const hebo_gp *gp, const double *u, double *theta);

/**
 * Negative log posterior L(u) (A.5.3) and its gradient (may be NULL).
 * Returns +inf when K cannot be factored even with jitter.
 */
double hebo_gp_objective(hebo_gp *gp, const double *u, double *grad);

/**
 * MAP fit with restarts (fit.c); ends conditioned. Returns 0, -1 when no run
 * worked (or K cannot be factored), or DNNR_ENOMEM.
 */
int hebo_gp_fit(hebo_gp *gp, dnnr_rng *rng);

/**
 * As hebo_gp_fit, but when @p warm_u (unconstrained, hebo_gp_n_params
 * entries; may be NULL) is given, the runs are: one from @p warm_u
 * (typically the previous fit's optimum), one from HEBO's initial values,
 * then random draws, refit_restarts runs in all (restarts when 0). Without
 * @p warm_u it is exactly hebo_gp_fit. @p best_u (may be NULL) receives the
 * winning run's unconstrained optimum, the warm start for the next fit.
 */
int hebo_gp_fit_warm(hebo_gp *gp, dnnr_rng *rng, const double *warm_u, double *best_u);

/** Factor K at the current theta for prediction. Returns 0 or -1. */
int hebo_gp_condition(hebo_gp *gp);

/**
 * Predictive mean and variance of y (noise included, as GPy), in the units of
 * the y given to create, variance floored at FLT_EPSILON. @p x is m x dims.
 */
void hebo_gp_predict(hebo_gp *gp, const double *x, size_t m, double *mean, double *var);

/**
 * As hebo_gp_predict, one point at a time (the original loop). The batched
 * hebo_gp_predict gives the same bits; the tests compare the two.
 */
void hebo_gp_predict_pointwise(hebo_gp *gp, const double *x, size_t m, double *mean, double *var);

/** Noise variance in the units of y: sigma_n^2 * std_y^2. */
double hebo_gp_noise(const hebo_gp *gp);

/* Internals shared with fit.c. */
const hebo_gp_config *hebo_gp_cfg(const hebo_gp *gp);
const dnnr_host *hebo_gp_host(const hebo_gp *gp);
size_t hebo_gp_dims(const hebo_gp *gp);
/** Initial values of A.5.2 (lengthscale = column std floored) into @p theta. */
void hebo_gp_initial_theta(const hebo_gp *gp, double *theta);

#endif
