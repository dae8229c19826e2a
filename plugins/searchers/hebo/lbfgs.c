#include "lbfgs.h"

#include <float.h>
#include <math.h>
#include <string.h>

void hebo_lbfgs_config_default(hebo_lbfgs_config *cfg)
{
    *cfg = (hebo_lbfgs_config){
        .max_iter = 200, .max_eval = 200, .memory = 10, .factr = 1e7, .pgtol = 1e-5};
}

static double dot(const double *a, const double *b, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

static double max_abs(const double *a, size_t n)
{
    double m = 0.0;
    for (size_t i = 0; i < n; i++)
        m = fmax(m, fabs(a[i]));
    return m;
}

/* d = -H g by the two-loop recursion over the stored (s, y) pairs. */
static void direction(const double *g, size_t n, int stored, int newest, int memory,
                      const double *s, const double *y, const double *rho, double *alpha,
                      double *d)
{
    for (size_t i = 0; i < n; i++)
        d[i] = -g[i];
    int idx = newest;
    for (int k = 0; k < stored; k++) {
        alpha[idx] = rho[idx] * dot(s + (size_t)idx * n, d, n);
        for (size_t i = 0; i < n; i++)
            d[i] -= alpha[idx] * y[(size_t)idx * n + i];
        idx = (idx - 1 + memory) % memory;
    }
    if (stored > 0) {
        const double *yn = y + (size_t)newest * n;
        double gamma = dot(s + (size_t)newest * n, yn, n) / dot(yn, yn, n);
        for (size_t i = 0; i < n; i++)
            d[i] *= gamma;
    }
    idx = (newest - stored + 1 + memory) % memory;
    for (int k = 0; k < stored; k++) {
        double beta = rho[idx] * dot(y + (size_t)idx * n, d, n);
        for (size_t i = 0; i < n; i++)
            d[i] += (alpha[idx] - beta) * s[(size_t)idx * n + i];
        idx = (idx + 1) % memory;
    }
}

int hebo_lbfgs(const dnnr_host *host, const hebo_lbfgs_config *cfg, hebo_fdf f, void *ctx,
               size_t n, double *x, double *fx)
{
    int m = cfg->memory > 0 ? cfg->memory : 10;
    size_t total = (size_t)(2 * m) * n + 2 * (size_t)m + 6 * n;
    double *block = host->alloc(host->ctx, total, sizeof(double));
    if (!block)
        return DNNR_ENOMEM;
    double *s = block, *y = s + (size_t)m * n, *rho = y + (size_t)m * n, *alpha = rho + m;
    double *g = alpha + m, *d = g + n, *xt = d + n, *gt = xt + n, *gx = gt + n, *ggx = gx + n;

    int evals = 1;
    double fcur = f(ctx, x, g);
    if (!isfinite(fcur)) {
        host->free(host->ctx, block);
        return -1;
    }
    int stored = 0, newest = m - 1;
    const double c1 = 1e-4, c2 = 0.9;
    for (int iter = 0; iter < cfg->max_iter && evals < cfg->max_eval; iter++) {
        if (max_abs(g, n) <= cfg->pgtol)
            break;
        direction(g, n, stored, newest, m, s, y, rho, alpha, d);
        double slope = dot(g, d, n);
        if (!(slope < 0.0)) { /* lost descent: restart from steepest descent */
            stored = 0;
            for (size_t i = 0; i < n; i++)
                d[i] = -g[i];
            slope = dot(g, d, n);
        }
        /* First iteration: a unit step along -g can be huge; scale as scipy
         * does (step 1/|g|). */
        double step = (iter == 0 && stored == 0) ? fmin(1.0, 1.0 / sqrt(dot(g, g, n))) : 1.0;
        double lo = 0.0, hi = INFINITY, fnew = INFINITY, fgx = INFINITY;
        int accepted = 0;
        /* Weak-Wolfe bisection/expansion line search (Lewis and Overton). */
        for (int ls = 0; ls < 30 && evals < cfg->max_eval; ls++) {
            for (size_t i = 0; i < n; i++)
                xt[i] = x[i] + step * d[i];
            /* the value first; the gradient only where the curvature
             * condition needs it (an f that keeps its work pays once) */
            fnew = f(ctx, xt, NULL);
            evals++;
            if (!isfinite(fnew) || fnew > fcur + c1 * step * slope) {
                hi = step;
            } else if ((fnew = f(ctx, xt, gt), dot(gt, d, n) < c2 * slope)) {
                lo = step;
                accepted = 1; /* sufficient decrease holds; keep as fallback */
                memcpy(gx, xt, n * sizeof *x);
                memcpy(ggx, gt, n * sizeof *x);
                fgx = fnew;
            } else {
                accepted = 2;
                break;
            }
            step = isinf(hi) ? 2.0 * step : 0.5 * (lo + hi);
            if (accepted == 1 && !isinf(hi) && hi - lo < 1e-12)
                break;
        }
        if (accepted == 0)
            break;
        if (accepted == 1) {
            /* Back to the last point that decreased enough. Its value and
             * gradient were kept, so it is not evaluated again; it still
             * counts as the evaluation it used to be, so every run stops
             * where it did when it was recomputed. */
            memcpy(xt, gx, n * sizeof *x);
            memcpy(gt, ggx, n * sizeof *x);
            fnew = fgx;
            evals++;
            if (!isfinite(fnew))
                break;
        }
        newest = (newest + 1) % m;
        double *sn = s + (size_t)newest * n, *yn = y + (size_t)newest * n;
        for (size_t i = 0; i < n; i++) {
            sn[i] = xt[i] - x[i];
            yn[i] = gt[i] - g[i];
        }
        double sy = dot(sn, yn, n);
        if (sy > 1e-10 * dot(yn, yn, n)) {
            rho[newest] = 1.0 / sy;
            if (stored < m)
                stored++;
        } else { /* curvature condition failed: drop the pair */
            newest = (newest - 1 + m) % m;
        }
        double fprev = fcur;
        memcpy(x, xt, n * sizeof *x);
        memcpy(g, gt, n * sizeof *g);
        fcur = fnew;
        if ((fprev - fcur) / fmax(fmax(fabs(fprev), fabs(fcur)), 1.0) <= cfg->factr * DBL_EPSILON)
            break;
    }
    *fx = fcur;
    host->free(host->ctx, block);
    return evals;
}
