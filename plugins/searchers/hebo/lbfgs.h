/* Unbounded limited-memory BFGS with the stopping rules of scipy's
 * fmin_l_bfgs_b (maxiter, maxfun, factr, pgtol), which paramz uses for GPy. */
#ifndef HEBO_LBFGS_H
#define HEBO_LBFGS_H

#include <stddef.h>

#include <dnnrepair/dnnrepair.h>

/**
 * f(x) and, when @p grad is not NULL, its gradient; return +inf (or NaN)
 * where f cannot be evaluated. The line search asks for f alone at a trial
 * point and then, if it keeps the point, for f and the gradient at the same
 * x: an f that keeps the work of its last value (hebo_gp_objective does)
 * pays for that point once.
 */
typedef double (*hebo_fdf)(void *ctx, const double *x, double *grad);

typedef struct hebo_lbfgs_config {
    int max_iter;  /**< 200 */
    int max_eval;  /**< 200 (scipy's maxfun) */
    int memory;    /**< 10 */
    double factr;  /**< 1e7: stop when the relative decrease < factr * DBL_EPSILON */
    double pgtol;  /**< 1e-5: stop when max |g_i| <= pgtol */
} hebo_lbfgs_config;

void hebo_lbfgs_config_default(hebo_lbfgs_config *cfg);

/**
 * Minimise from @p x (overwritten by the best point found; @p fx its value).
 * Returns the number of evaluations, -1 when the start is not finite, or
 * DNNR_ENOMEM.
 */
int hebo_lbfgs(const dnnr_host *host, const hebo_lbfgs_config *cfg, hebo_fdf f, void *ctx,
               size_t n, double *x, double *fx);

#endif
