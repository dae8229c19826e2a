#include "gp.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "kernel.h"
#include "linalg.h"
#include "vmath.h"
#include "warp.h"

#define LN_2PI 1.8378770664093453
/* Points per batch of hebo_gp_predict: two vectors of four side by side. */
#define PRED_CHUNK 8

struct hebo_gp {
    const dnnr_host *host;
    hebo_gp_config cfg;
    size_t n, dims, n_theta;
    double *x, *col_lo, *col_hi; /* inputs and warping ranges */
    double *y;                   /* standardised targets */
    double y_mean, y_std;
    double *theta;
    /* workspace, sized once */
    double *w, *dwa, *dwb; /* warped inputs and their a/b derivatives (n x D) */
    double *log_u;         /* ln of the normalised inputs, fixed for the model's life */
    double *wt;            /* warped inputs transposed (D x n): kernel scratch, then prediction */
    double *k, *e, *l, *g, *minv_work, *work, *alpha, *g_w, *theta_tmp, *g_theta;
    double *pred_k, *pred_w, *pred_wt; /* a chunk of predictions: n x C, C x D, D x C */
    /* The objective's last u whose warped inputs, K, L and alpha are still
     * in place: a gradient asked for at that u starts from them. */
    double *cache_u, cache_half_logdet;
    int cache_ok;
    int conditioned;
};

void hebo_gp_config_default(hebo_gp_config *cfg)
{
    *cfg = (hebo_gp_config){
        .lin_var_init = 1.0,
        .mat_var_init = 0.5,
        .mat_var_shape = 0.5,
        .mat_var_rate = 1.0,
        .noise_init = 1.0,
        .noise_prior_mu = -4.63,
        .noise_prior_sigma = 0.5,
        .ls_floor = 0.02,
        .warp_hi = 10.0,
        .warp_prior_mu = 0.0,
        .warp_prior_sigma = 0.75,
        .restarts = 10,
        .max_iter = 200,
        .ftol = 1e7 * DBL_EPSILON,
        .refit_restarts = 0,
    };
}

/* ln of the inputs normalised to their columns' ranges (@p count values,
 * rows of @p dims), in a clone like the warp's loops: vmath.h's fused
 * multiply-adds are calls to fma() outside one. */
HEBO_BODY void log_unit_body(const double *x, const double *lo, const double *hi, size_t count,
                             size_t dims, double *out)
{
    for (size_t i = 0; i < count; i++) {
        size_t j = i % dims;
        out[i] = hebo_log1((x[i] - lo[j]) / (hi[j] - lo[j]));
    }
}

HEBO_CLONES(log_unit, (const double *x, const double *lo, const double *hi, size_t count,
            size_t dims, double *out), (x, lo, hi, count, dims, out))
static void log_unit(const double *x, const double *lo, const double *hi, size_t count,
                     size_t dims, double *out)
{
    if (HEBO_HAVE_AVX2())
        log_unit_avx2(x, lo, hi, count, dims, out);
    else
        log_unit_base(x, lo, hi, count, dims, out);
}

static double *take(double **cursor, size_t count)
{
    double *p = *cursor;
    *cursor += count;
    return p;
}

hebo_gp *hebo_gp_create(const dnnr_host *host, const hebo_gp_config *cfg, size_t n, size_t dims,
                        const double *x, const double *col_lo, const double *col_hi,
                        const double *y)
{
    if (n == 0 || dims == 0 || dims > 4096)
        return NULL;
    hebo_gp *gp = host->alloc(host->ctx, 1, sizeof *gp);
    if (!gp)
        return NULL;
    size_t nt = HEBO_N_THETA(dims);
    size_t total = n * dims * 6 + 2 * dims + n + nt + n * dims * 3 + 5 * n * n +
                   (2 * n * dims + n) + n + 2 * nt + n * PRED_CHUNK + 2 * PRED_CHUNK * dims + nt;
    double *block = host->alloc(host->ctx, total, sizeof(double));
    if (!block) {
        host->free(host->ctx, gp);
        return NULL;
    }
    gp->host = host;
    gp->cfg = *cfg;
    gp->n = n;
    gp->dims = dims;
    gp->n_theta = nt;
    double *c = block;
    gp->x = take(&c, n * dims);
    gp->col_lo = take(&c, dims);
    gp->col_hi = take(&c, dims);
    gp->y = take(&c, n);
    gp->theta = take(&c, nt);
    gp->w = take(&c, n * dims);
    gp->log_u = take(&c, n * dims);
    gp->wt = take(&c, n * dims);
    gp->dwa = take(&c, n * dims);
    gp->dwb = take(&c, n * dims);
    gp->k = take(&c, n * n);
    gp->e = take(&c, n * n);
    gp->l = take(&c, n * n);
    gp->g = take(&c, n * n);
    gp->minv_work = take(&c, n * n);
    gp->work = take(&c, 2 * n * dims + n);
    gp->alpha = take(&c, n);
    gp->g_w = take(&c, n * dims);
    gp->theta_tmp = take(&c, nt);
    gp->g_theta = take(&c, nt);
    gp->pred_k = take(&c, n * PRED_CHUNK);
    gp->pred_w = take(&c, PRED_CHUNK * dims);
    gp->pred_wt = take(&c, PRED_CHUNK * dims);
    gp->cache_u = take(&c, nt);
    memcpy(gp->x, x, n * dims * sizeof *x);
    memcpy(gp->col_lo, col_lo, dims * sizeof *x);
    memcpy(gp->col_hi, col_hi, dims * sizeof *x);
    log_unit(x, col_lo, col_hi, n * dims, dims, gp->log_u);

    /* The GP standardises its targets itself (mean, population std). */
    double mean = 0.0, var = 0.0;
    for (size_t i = 0; i < n; i++)
        mean += y[i];
    mean /= (double)n;
    for (size_t i = 0; i < n; i++)
        var += (y[i] - mean) * (y[i] - mean);
    double sd = sqrt(var / (double)n);
    if (!(sd > 0.0) || !isfinite(sd))
        sd = 1.0; /* constant y: sklearn's StandardScaler keeps scale 1 */
    gp->y_mean = mean;
    gp->y_std = sd;
    for (size_t i = 0; i < n; i++)
        gp->y[i] = (y[i] - mean) / sd;
    hebo_gp_initial_theta(gp, gp->theta);
    return gp;
}

void hebo_gp_destroy(hebo_gp *gp)
{
    if (!gp)
        return;
    gp->host->free(gp->host->ctx, gp->x);
    gp->host->free(gp->host->ctx, gp);
}

size_t hebo_gp_n_params(const hebo_gp *gp) { return gp->n_theta; }
double *hebo_gp_theta(hebo_gp *gp) { return gp->theta; }
const hebo_gp_config *hebo_gp_cfg(const hebo_gp *gp) { return &gp->cfg; }
size_t hebo_gp_dims(const hebo_gp *gp) { return gp->dims; }
const dnnr_host *hebo_gp_host(const hebo_gp *gp) { return gp->host; }
double hebo_gp_noise(const hebo_gp *gp)
{
    return gp->theta[HEBO_TH_NOISE] * gp->y_std * gp->y_std;
}

void hebo_gp_initial_theta(const hebo_gp *gp, double *theta)
{
    size_t n = gp->n, dims = gp->dims;
    theta[HEBO_TH_LIN] = gp->cfg.lin_var_init;
    theta[HEBO_TH_MAT] = gp->cfg.mat_var_init;
    theta[HEBO_TH_NOISE] = gp->cfg.noise_init;
    for (size_t j = 0; j < dims; j++) {
        double mean = 0.0, var = 0.0;
        for (size_t i = 0; i < n; i++)
            mean += gp->x[i * dims + j];
        mean /= (double)n;
        for (size_t i = 0; i < n; i++) {
            double d = gp->x[i * dims + j] - mean;
            var += d * d;
        }
        double sd = sqrt(var / (double)n);
        theta[HEBO_TH_LS(j)] = sd > gp->cfg.ls_floor ? sd : gp->cfg.ls_floor;
        theta[HEBO_TH_A(dims, j)] = 1.0;
        theta[HEBO_TH_B(dims, j)] = 1.0;
    }
}

/* paramz Logexp and Logistic transformations. */
static double softplus(double u) { return u > 36.0 ? u : log1p(exp(u)); }
static double sigmoid(double u) { return 1.0 / (1.0 + exp(-u)); }
static double softplus_inv(double t) { return t > 36.0 ? t : log(expm1(t)); }

static int is_positive_param(size_t idx, size_t dims) { return idx < 3 + dims; }

void hebo_gp_theta_to_u(const hebo_gp *gp, const double *theta, double *u)
{
    double hi = gp->cfg.warp_hi;
    for (size_t i = 0; i < gp->n_theta; i++)
        u[i] = is_positive_param(i, gp->dims) ? softplus_inv(theta[i])
                                              : log(theta[i] / (hi - theta[i]));
}

void hebo_gp_u_to_theta(const hebo_gp *gp, const double *u, double *theta)
{
    double hi = gp->cfg.warp_hi;
    for (size_t i = 0; i < gp->n_theta; i++)
        theta[i] = is_positive_param(i, gp->dims) ? softplus(u[i]) : hi * sigmoid(u[i]);
}

/* ln LogGaussian(t; mu, s) and its derivative in t. */
static double log_lognormal(double t, double mu, double s, double *dt)
{
    double z = (log(t) - mu) / s;
    *dt = -1.0 / t - z / (s * t);
    return -log(t * s) - 0.5 * LN_2PI - 0.5 * z * z;
}

static double log_gamma_pdf(double t, double shape, double rate, double *dt)
{
    *dt = (shape - 1.0) / t - rate;
    return shape * log(rate) - lgamma(shape) + (shape - 1.0) * log(t) - rate * t;
}

/* Kumaraswamy on ln u: u^a = exp(a ln u) and (1 - u^a)^b =
 * exp(b ln(1 - u^a)), four columns at a time with vmath.h (the objective
 * warps n x D inputs per evaluation, NSGA-II D per candidate). @p src holds
 * ln u, or, with @p src_is_x, the inputs x themselves, normalised with
 * lo and hi first. Rows of @p dims; @p dwa and @p dwb (may be NULL) receive
 * the derivatives in a and b. A column tail goes through lane 0 of the same
 * code, so every value is the same bits whichever way it is reached. Same
 * values as hebo_kumaraswamy (warp.c) to round-off. */
#define WARP_V4(lu, av, bv, w, dwa, dwb)                                                          \
    do {                                                                                          \
        hebo_v4 al_ = (av) * (lu), ua_, om_, lom_, bl_, pb_;                                      \
        hebo_v4_exp_expm1(&ua_, &om_, &al_);                                                      \
        om_ = -om_;                                                                               \
        hebo_v4_log(&lom_, &om_);                                                                 \
        bl_ = (bv) * lom_;                                                                        \
        hebo_v4_exp(&pb_, &bl_);                                                                  \
        (w) = 1.0 - pb_;                                                                          \
        (dwa) = (bv) * (pb_ / om_) * ua_ * (lu);                                                  \
        (dwb) = -pb_ * lom_;                                                                      \
    } while (0)

HEBO_BODY void warp_body(const double *src, int src_is_x, const double *lo, const double *hi,
                         size_t rows, size_t dims, const double *a, const double *b, double *w,
                         double *dwa, double *dwb)
{
    for (size_t i = 0; i < rows; i++) {
        const double *si = src + i * dims;
        size_t j = 0;
        for (; j + 4 <= dims; j += 4) {
            hebo_v4 lu = HEBO_V4_LOAD(si + j), wv, da, db;
            if (src_is_x) {
                hebo_v4 u = (lu - HEBO_V4_LOAD(lo + j)) / (HEBO_V4_LOAD(hi + j) - HEBO_V4_LOAD(lo + j));
                hebo_v4_log(&lu, &u);
            }
            WARP_V4(lu, HEBO_V4_LOAD(a + j), HEBO_V4_LOAD(b + j), wv, da, db);
            HEBO_V4_STORE(w + i * dims + j, wv);
            if (dwa) {
                HEBO_V4_STORE(dwa + i * dims + j, da);
                HEBO_V4_STORE(dwb + i * dims + j, db);
            }
        }
        for (; j < dims; j++) {
            hebo_v4 lu = HEBO_V4_SET1(si[j]), wv, da, db;
            if (src_is_x) {
                hebo_v4 u = HEBO_V4_SET1((si[j] - lo[j]) / (hi[j] - lo[j]));
                hebo_v4_log(&lu, &u);
            }
            WARP_V4(lu, HEBO_V4_SET1(a[j]), HEBO_V4_SET1(b[j]), wv, da, db);
            w[i * dims + j] = wv[0];
            if (dwa) {
                dwa[i * dims + j] = da[0];
                dwb[i * dims + j] = db[0];
            }
        }
    }
}

HEBO_CLONES(warp, (const double *src, int src_is_x, const double *lo, const double *hi, size_t rows,
            size_t dims, const double *a, const double *b, double *w, double *dwa, double *dwb),
            (src, src_is_x, lo, hi, rows, dims, a, b, w, dwa, dwb))
static void warp(const hebo_gp *gp, const double *src, int src_is_x, size_t rows,
                 const double *theta, double *w, double *dwa, double *dwb)
{
    const double *a = theta + HEBO_TH_A(gp->dims, 0), *b = theta + HEBO_TH_B(gp->dims, 0);
    if (HEBO_HAVE_AVX2())
        warp_avx2(src, src_is_x, gp->col_lo, gp->col_hi, rows, gp->dims, a, b, w, dwa, dwb);
    else
        warp_base(src, src_is_x, gp->col_lo, gp->col_hi, rows, gp->dims, a, b, w, dwa, dwb);
}

/* Warped training inputs and their derivatives for the current theta. */
static void warp_inputs(hebo_gp *gp, const double *theta, int with_grad)
{
    warp(gp, gp->log_u, 0, gp->n, theta, gp->w, with_grad ? gp->dwa : NULL,
         with_grad ? gp->dwb : NULL);
}

/* Factor K and set alpha = K^-1 y; returns ln|K|/2 or NAN. */
static double factor(hebo_gp *gp, const double *theta)
{
    size_t n = gp->n;
    hebo_kernel_matrix(gp->w, n, gp->dims, theta, gp->k, gp->e, gp->wt);
    if (hebo_jitchol(gp->k, n, gp->l, NULL) != 0)
        return NAN;
    memcpy(gp->alpha, gp->y, n * sizeof *gp->alpha);
    hebo_solve_lower(gp->l, n, gp->alpha);
    hebo_solve_lower_t(gp->l, n, gp->alpha);
    double half_logdet = 0.0;
    for (size_t i = 0; i < n; i++)
        half_logdet += log(gp->l[i * n + i]);
    return half_logdet;
}

double hebo_gp_objective(hebo_gp *gp, const double *u, double *grad)
{
    size_t n = gp->n, dims = gp->dims, nt = gp->n_theta;
    double *theta = gp->theta_tmp;
    const hebo_gp_config *cfg = &gp->cfg;
    hebo_gp_u_to_theta(gp, u, theta);
    for (size_t i = 0; i < nt; i++)
        if (!(theta[i] > 0.0) || !isfinite(theta[i]))
            return INFINITY;
    /* The line search asks for the value alone, then for the gradient at
     * the points it keeps: the second call reuses the first's work. The
     * warp's derivatives are kept either way, for that second call. */
    double half_logdet;
    if (gp->cache_ok && memcmp(u, gp->cache_u, nt * sizeof *u) == 0) {
        half_logdet = gp->cache_half_logdet;
    } else {
        gp->cache_ok = 0;
        warp_inputs(gp, theta, 1);
        half_logdet = factor(gp, theta);
        if (isnan(half_logdet))
            return INFINITY;
        memcpy(gp->cache_u, u, nt * sizeof *u);
        gp->cache_half_logdet = half_logdet;
        gp->cache_ok = 1;
    }
    double quad = 0.0;
    for (size_t i = 0; i < n; i++)
        quad += gp->y[i] * gp->alpha[i];
    double loglik = -0.5 * quad - half_logdet - 0.5 * (double)n * LN_2PI;

    /* Log priors plus the log-Jacobian of the transform, for the priored
     * parameters only (what GPy adds). d/du ln sigmoid(u) = 1 - sigmoid(u);
     * for the scaled logistic, d/du ln(hi s (1 - s)) = 1 - 2 s. */
    double logprior = 0.0, dmat, dnoise;
    logprior += log_gamma_pdf(theta[HEBO_TH_MAT], cfg->mat_var_shape, cfg->mat_var_rate, &dmat);
    logprior += log_lognormal(theta[HEBO_TH_NOISE], cfg->noise_prior_mu,
                              cfg->noise_prior_sigma, &dnoise);
    double s_mat = sigmoid(u[HEBO_TH_MAT]), s_noise = sigmoid(u[HEBO_TH_NOISE]);
    logprior += log(s_mat) + log(s_noise);
    if (grad)
        memset(grad, 0, nt * sizeof *grad);
    for (size_t j = 0; j < dims; j++) {
        for (int ab = 0; ab < 2; ab++) {
            size_t idx = ab ? HEBO_TH_B(dims, j) : HEBO_TH_A(dims, j);
            double dt;
            logprior += log_lognormal(theta[idx], cfg->warp_prior_mu, cfg->warp_prior_sigma, &dt);
            double s = sigmoid(u[idx]);
            logprior += log(cfg->warp_hi * s * (1.0 - s));
            if (grad) /* d(-prior)/du, likelihood part added below */
                grad[idx] = -(dt * cfg->warp_hi * s * (1.0 - s) + (1.0 - 2.0 * s));
        }
    }
    double value = -(loglik + logprior);
    if (!grad)
        return value;

    /* G = alpha alpha^T - K^-1 */
    hebo_chol_inverse(gp->l, n, gp->g, gp->minv_work);
    for (size_t i = 0; i < n; i++)
        for (size_t q = 0; q < n; q++)
            gp->g[i * n + q] = gp->alpha[i] * gp->alpha[q] - gp->g[i * n + q];
    double *g_theta = gp->g_theta;
    hebo_kernel_grad(gp->w, n, dims, theta, gp->k, gp->e, gp->g, g_theta, gp->g_w, gp->work);

    /* dL/du = -(dloglik/dtheta + dprior/dtheta) dtheta/du (+ Jacobian terms) */
    for (size_t i = 0; i < 3 + dims; i++) {
        double dl = g_theta[i];
        if (i == HEBO_TH_MAT)
            dl += dmat;
        if (i == HEBO_TH_NOISE)
            dl += dnoise;
        double s = sigmoid(u[i]);
        grad[i] = -dl * s;
        if (i == HEBO_TH_MAT || i == HEBO_TH_NOISE)
            grad[i] -= 1.0 - s;
    }
    /* Chain rule through the warping: per column, sums over the rows in
     * ascending order, accumulated row-major (the columns vectorise) in the
     * a and b slots of g_theta, which kernel_grad leaves unused. */
    double *ga = g_theta + HEBO_TH_A(dims, 0), *gb = g_theta + HEBO_TH_B(dims, 0);
    for (size_t j = 0; j < dims; j++)
        ga[j] = gb[j] = 0.0;
    for (size_t i = 0; i < n; i++) {
        const double *gwi = gp->g_w + i * dims, *dai = gp->dwa + i * dims;
        const double *dbi = gp->dwb + i * dims;
        for (size_t j = 0; j < dims; j++) {
            ga[j] += gwi[j] * dai[j];
            gb[j] += gwi[j] * dbi[j];
        }
    }
    for (size_t j = 0; j < dims; j++) {
        size_t ia = HEBO_TH_A(dims, j), ib = HEBO_TH_B(dims, j);
        double sa = sigmoid(u[ia]), sb = sigmoid(u[ib]);
        grad[ia] -= ga[j] * cfg->warp_hi * sa * (1.0 - sa);
        grad[ib] -= gb[j] * cfg->warp_hi * sb * (1.0 - sb);
    }
    return value;
}

int hebo_gp_condition(hebo_gp *gp)
{
    gp->cache_ok = 0; /* w, K, L and alpha now belong to gp->theta */
    warp_inputs(gp, gp->theta, 0); /* factor() leaves w transposed in wt for prediction */
    gp->conditioned = !isnan(factor(gp, gp->theta));
    return gp->conditioned ? 0 : -1;
}

void hebo_gp_predict_pointwise(hebo_gp *gp, const double *x, size_t m, double *mean, double *var)
{
    size_t n = gp->n, dims = gp->dims;
    double wstar[4096];
    double *ks = gp->work; /* n doubles; the gradient workspace is idle now */
    const double *theta = gp->theta;
    for (size_t r = 0; r < m; r++) {
        warp(gp, x + r * dims, 1, 1, theta, wstar, NULL, NULL);
        hebo_kernel_cross_t(wstar, gp->wt, n, dims, theta, ks);
        double mu = 0.0;
        for (size_t i = 0; i < n; i++)
            mu += ks[i] * gp->alpha[i];
        hebo_solve_lower(gp->l, n, ks);
        double explained = 0.0;
        for (size_t i = 0; i < n; i++)
            explained += ks[i] * ks[i];
        double s2 = hebo_kernel_diag(wstar, dims, theta) - explained + theta[HEBO_TH_NOISE];
        mean[r] = mu * gp->y_std + gp->y_mean;
        s2 *= gp->y_std * gp->y_std;
        var[r] = s2 > FLT_EPSILON ? s2 : FLT_EPSILON;
    }
}

/* Batched: PRED_CHUNK points at a time share every training row of the
 * cross kernel and every row of L in the triangular solve. Every sum runs
 * in the order of hebo_gp_predict_pointwise, so the results are the same
 * bits. */
void hebo_gp_predict(hebo_gp *gp, const double *x, size_t m, double *mean, double *var)
{
    size_t n = gp->n, dims = gp->dims;
    const double *theta = gp->theta;
    double *kb = gp->pred_k, *pw = gp->pred_w, *pwt = gp->pred_wt;
    for (size_t c0 = 0; c0 < m; c0 += PRED_CHUNK) {
        size_t cm = m - c0 < PRED_CHUNK ? m - c0 : PRED_CHUNK;
        warp(gp, x + c0 * dims, 1, cm, theta, pw, NULL, NULL);
        for (size_t r = 0; r < cm; r++)
            for (size_t j = 0; j < dims; j++)
                pwt[j * cm + r] = pw[r * dims + j];
        hebo_kernel_cross_block(gp->w, n, dims, pwt, cm, theta, kb);
        double mu[PRED_CHUNK] = {0}, explained[PRED_CHUNK] = {0};
        for (size_t i = 0; i < n; i++)
            for (size_t r = 0; r < cm; r++)
                mu[r] += kb[i * cm + r] * gp->alpha[i];
        hebo_solve_lower_multi(gp->l, n, kb, cm);
        for (size_t i = 0; i < n; i++)
            for (size_t r = 0; r < cm; r++)
                explained[r] += kb[i * cm + r] * kb[i * cm + r];
        for (size_t r = 0; r < cm; r++) {
            double s2 = hebo_kernel_diag(pw + r * dims, dims, theta) - explained[r] +
                        theta[HEBO_TH_NOISE];
            mean[c0 + r] = mu[r] * gp->y_std + gp->y_mean;
            s2 *= gp->y_std * gp->y_std;
            var[c0 + r] = s2 > FLT_EPSILON ? s2 : FLT_EPSILON;
        }
    }
}
