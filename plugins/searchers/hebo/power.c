#include "power.h"

#include <float.h>
#include <math.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_min.h>

double hebo_boxcox(double x, double lambda)
{
    return lambda == 0.0 ? log(x) : (pow(x, lambda) - 1.0) / lambda;
}

double hebo_yeojohnson(double x, double lambda)
{
    /* sklearn tests |lambda| < spacing(1) rather than == 0 */
    if (x >= 0.0)
        return fabs(lambda) < DBL_EPSILON ? log1p(x) : (pow(x + 1.0, lambda) - 1.0) / lambda;
    return fabs(lambda - 2.0) < DBL_EPSILON ? -log1p(-x)
                                            : -(pow(1.0 - x, 2.0 - lambda) - 1.0) / (2.0 - lambda);
}

static double pop_var(const double *v, size_t n)
{
    double mean = 0.0, var = 0.0;
    for (size_t i = 0; i < n; i++)
        mean += v[i];
    mean /= (double)n;
    for (size_t i = 0; i < n; i++)
        var += (v[i] - mean) * (v[i] - mean);
    return var / (double)n;
}

typedef struct nll_ctx {
    const double *x;
    size_t n;
    double *tmp;
    int yeo;
} nll_ctx;

/* Negative log-likelihoods exactly as scipy (boxcox_llf) and sklearn
 * (_yeo_johnson_optimize) write them. */
static double neg_loglik(double lambda, void *p)
{
    nll_ctx *c = p;
    size_t n = c->n;
    if (!c->yeo) {
        double sum_log = 0.0;
        for (size_t i = 0; i < n; i++) {
            double lx = log(c->x[i]);
            sum_log += lx;
            c->tmp[i] = lambda == 0.0 ? lx : pow(c->x[i], lambda) / lambda;
        }
        double var = pop_var(c->tmp, n);
        return -((lambda - 1.0) * sum_log - 0.5 * (double)n * log(var));
    }
    double sum_sl = 0.0;
    for (size_t i = 0; i < n; i++) {
        double x = c->x[i];
        c->tmp[i] = hebo_yeojohnson(x, lambda);
        sum_sl += (x > 0.0 ? 1.0 : (x < 0.0 ? -1.0 : 0.0)) * log1p(fabs(x));
    }
    double var = pop_var(c->tmp, n);
    if (var < DBL_MIN)
        return INFINITY;
    return -(-0.5 * (double)n * log(var) + (lambda - 1.0) * sum_sl);
}

/* scipy.optimize.bracket from (xa, xb) = (-2, 2): golden-ratio growth with
 * parabolic steps, growth limit 110. Leaves f(xb) < f(xa), f(xc). */
static int bracket(nll_ctx *c, double *pa, double *pb, double *pc, double *pfb)
{
    const double gold = 1.618034, tiny = 1e-21, grow_limit = 110.0;
    double xa = -2.0, xb = 2.0;
    double fa = neg_loglik(xa, c), fb = neg_loglik(xb, c);
    if (fa < fb) {
        double t = xa; xa = xb; xb = t;
        t = fa; fa = fb; fb = t;
    }
    double xc = xb + gold * (xb - xa), fc = neg_loglik(xc, c);
    for (int iter = 0; fc < fb; iter++) {
        if (iter > 1000)
            return -1;
        double tmp1 = (xb - xa) * (fb - fc), tmp2 = (xb - xc) * (fb - fa);
        double val = tmp2 - tmp1;
        double denom = fabs(val) < tiny ? 2.0 * tiny : 2.0 * val;
        double w = xb - ((xb - xc) * tmp2 - (xb - xa) * tmp1) / denom;
        double wlim = xb + grow_limit * (xc - xb), fw;
        if ((w - xc) * (xb - w) > 0.0) {
            fw = neg_loglik(w, c);
            if (fw < fc) {
                xa = xb; xb = w; fa = fb; fb = fw;
                break;
            } else if (fw > fb) {
                xc = w; fc = fw;
                break;
            }
            w = xc + gold * (xc - xb);
            fw = neg_loglik(w, c);
        } else if ((w - wlim) * (wlim - xc) >= 0.0) {
            w = wlim;
            fw = neg_loglik(w, c);
        } else if ((w - wlim) * (xc - w) > 0.0) {
            fw = neg_loglik(w, c);
            if (fw < fc) {
                xb = xc; xc = w; w = xc + gold * (xc - xb);
                fb = fc; fc = fw; fw = neg_loglik(w, c);
            }
        } else {
            w = xc + gold * (xc - xb);
            fw = neg_loglik(w, c);
        }
        xa = xb; xb = xc; xc = w;
        fa = fb; fb = fc; fc = fw;
    }
    (void)fa;
    *pa = xa;
    *pb = xb;
    *pc = xc;
    *pfb = fb;
    return 0;
}

static double optimise_lambda(const double *x, size_t n, int yeo, double *tmp)
{
    nll_ctx c = {x, n, tmp, yeo};
    double a, b, m, fb;
    double result = NAN;
    if (bracket(&c, &a, &m, &b, &fb) == 0 && isfinite(fb)) {
        if (a > b) {
            double t = a; a = b; b = t;
        }
        gsl_function fn = {neg_loglik, &c};
        gsl_min_fminimizer *s = gsl_min_fminimizer_alloc(gsl_min_fminimizer_brent);
        gsl_error_handler_t *old = gsl_set_error_handler_off();
        if (s && gsl_min_fminimizer_set_with_values(s, &fn, m, fb, a, neg_loglik(a, &c), b,
                                                    neg_loglik(b, &c)) == GSL_SUCCESS) {
            for (int it = 0; it < 500; it++) {
                if (gsl_min_fminimizer_iterate(s) != GSL_SUCCESS)
                    break;
                double lo = gsl_min_fminimizer_x_lower(s), hi = gsl_min_fminimizer_x_upper(s);
                if (gsl_min_test_interval(lo, hi, 1e-11, 1.48e-8) == GSL_SUCCESS)
                    break;
            }
            result = gsl_min_fminimizer_x_minimum(s);
        }
        gsl_set_error_handler(old);
        gsl_min_fminimizer_free(s);
    }
    return result;
}

double hebo_boxcox_lambda(const double *x, size_t n, double *work)
{
    return optimise_lambda(x, n, 0, work);
}

double hebo_yeojohnson_lambda(const double *x, size_t n, double *work)
{
    return optimise_lambda(x, n, 1, work);
}

/* Transform with lambda, then standardise (mean 0, population std 1). Returns
 * the *sample* std of the result (torch's std), the test HEBO applies. */
static double apply_standardised(const double *x, size_t n, double lambda, int yeo, double *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = yeo ? hebo_yeojohnson(x[i], lambda) : hebo_boxcox(x[i], lambda);
    double mean = 0.0;
    for (size_t i = 0; i < n; i++)
        mean += out[i];
    mean /= (double)n;
    double sd = sqrt(pop_var(out, n));
    if (!(sd > 0.0))
        sd = 1.0; /* sklearn's scaler leaves a zero-variance column unscaled */
    double ss = 0.0;
    for (size_t i = 0; i < n; i++) {
        out[i] = (out[i] - mean) / sd;
        ss += out[i] * out[i];
    }
    double sample_sd = n > 1 ? sqrt(ss / (double)(n - 1)) : NAN;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(out[i]))
            return NAN;
    return sample_sd;
}

hebo_power_kind hebo_power_transform(const double *y, size_t n, double *out, double *work,
                                     double *lambda_out)
{
    if (lambda_out)
        *lambda_out = NAN;
    double *scaled = work, *tmp = work + n;
    if (n == 0)
        return HEBO_POWER_RAW;
    double sd = sqrt(pop_var(y, n));
    double ymin = INFINITY;
    for (size_t i = 0; i < n; i++) {
        scaled[i] = y[i] / sd;
        ymin = fmin(ymin, y[i]);
    }
    if (sd > 0.0 && isfinite(sd)) {
        if (ymin > 0.0) {
            double lambda = hebo_boxcox_lambda(scaled, n, tmp);
            double s = isfinite(lambda) ? apply_standardised(scaled, n, lambda, 0, out) : NAN;
            if (s >= 0.5) {
                if (lambda_out)
                    *lambda_out = lambda;
                return HEBO_POWER_BOXCOX;
            }
        }
        double lambda = hebo_yeojohnson_lambda(scaled, n, tmp);
        double s = isfinite(lambda) ? apply_standardised(scaled, n, lambda, 1, out) : NAN;
        if (s >= 0.5) {
            if (lambda_out)
                *lambda_out = lambda;
            return HEBO_POWER_YEOJOHNSON;
        }
    }
    for (size_t i = 0; i < n; i++)
        out[i] = y[i];
    return HEBO_POWER_RAW;
}
