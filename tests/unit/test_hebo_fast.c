/* hebo's fast paths against the plain loops they replaced: the blocked
 * Cholesky, inverse and gradient, the batched prediction, the multi-column
 * triangular solve, the block cross kernel and the branch-free
 * non-dominated sort (bit for bit: they keep the arithmetic of the plain
 * loops), and vmath.h's exp, expm1 and log against libm (in ulps). */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <dnnrepair/dnnrepair.h>

#include "gp.h"
#include "host/host.h"
#include "kernel.h"
#include "linalg.h"
#include "nsga2.h"
#include "space/space.h"
#include "vmath.h"
#include "warp.h"

const dnnr_plugin_desc *dnnr_plugin_hebo_entry(void);

static dnnr_host *make_host_with(const char *options)
{
    dnnr_error err = {{0}};
    dnnr_host *h = dnnr__host_create_simple("hebo", 7, options, &err);
    ck_assert_msg(h != NULL, "%s", err.msg);
    return h;
}

static dnnr_host *make_host(void)
{
    dnnr_error err = {{0}};
    dnnr_host *h = dnnr__host_create_simple("hebo", 7, NULL, &err);
    ck_assert_msg(h != NULL, "%s", err.msg);
    return h;
}

/* A random SPD matrix of order n: B B^T / n + I. */
static void spd(double *k, size_t n, dnnr_rng *rng)
{
    double *b = malloc(n * n * sizeof *b);
    for (size_t i = 0; i < n * n; i++)
        b[i] = dnnr_rng_normal(rng);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            double s = 0;
            for (size_t q = 0; q < n; q++)
                s += b[i * n + q] * b[j * n + q];
            k[i * n + j] = s / (double)n + (i == j);
        }
    free(b);
}

/* The plain loops as they were before blocking (reference copies); the
 * kernel gradient's multiply-adds fused (fma) as kernel.c fuses them. */
static double ref_dot(const double *a, const double *b, size_t n)
{
    double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
    size_t k = 0;
    for (; k + 4 <= n; k += 4) {
        s0 += a[k] * b[k];
        s1 += a[k + 1] * b[k + 1];
        s2 += a[k + 2] * b[k + 2];
        s3 += a[k + 3] * b[k + 3];
    }
    for (; k < n; k++)
        s0 += a[k] * b[k];
    return (s0 + s1) + (s2 + s3);
}

static int ref_cholesky(double *a, size_t n)
{
    for (size_t j = 0; j < n; j++) {
        double *rj = a + j * n;
        double d = rj[j] - ref_dot(rj, rj, j);
        if (!(d > 0.0))
            return -1;
        d = sqrt(d);
        rj[j] = d;
        double inv = 1.0 / d;
        for (size_t i = j + 1; i < n; i++) {
            double *ri = a + i * n;
            ri[j] = (ri[j] - ref_dot(ri, rj, j)) * inv;
        }
    }
    return 0;
}

static void ref_chol_inverse(const double *l, size_t n, double *inv, double *m)
{
    memset(m, 0, n * n * sizeof *m);
    for (size_t i = 0; i < n; i++) {
        double *mi = m + i * n;
        const double *li = l + i * n;
        mi[i] = 1.0;
        for (size_t k = 0; k < i; k++)
            for (size_t j = 0; j <= k; j++)
                mi[j] -= li[k] * m[k * n + j];
        double inv_d = 1.0 / li[i];
        for (size_t j = 0; j <= i; j++)
            mi[j] *= inv_d;
    }
    memset(inv, 0, n * n * sizeof *inv);
    for (size_t k = 0; k < n; k++)
        for (size_t i = 0; i <= k; i++)
            for (size_t j = 0; j <= i; j++)
                inv[i * n + j] += m[k * n + i] * m[k * n + j];
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            inv[j * n + i] = inv[i * n + j];
}

/* The solves' dot product: ref_dot with fused multiply-adds. */
static double ref_dot_fma(const double *a, const double *b, size_t n)
{
    double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
    size_t k = 0;
    for (; k + 4 <= n; k += 4) {
        s0 = fma(a[k], b[k], s0);
        s1 = fma(a[k + 1], b[k + 1], s1);
        s2 = fma(a[k + 2], b[k + 2], s2);
        s3 = fma(a[k + 3], b[k + 3], s3);
    }
    for (; k < n; k++)
        s0 = fma(a[k], b[k], s0);
    return (s0 + s1) + (s2 + s3);
}

static void ref_solve_lower(const double *l, size_t n, double *b)
{
    for (size_t i = 0; i < n; i++)
        b[i] = (b[i] - ref_dot_fma(l + i * n, b, i)) / l[i * n + i];
}

/* Orders that exercise every block width and tail of the blocked loops. */
static const size_t orders[] = {1, 3, 4, 5, 16, 17, 31, 64, 101};

START_TEST(cholesky_and_inverse_match_plain_loops)
{
    size_t n = orders[_i];
    dnnr_rng rng;
    dnnr_rng_init(&rng, 11 + n);
    double *k = malloc(n * n * sizeof *k), *l = malloc(n * n * sizeof *l);
    double *r = malloc(n * n * sizeof *r), *inv = malloc(n * n * sizeof *inv);
    double *rinv = malloc(n * n * sizeof *rinv), *w = malloc(n * n * sizeof *w);
    spd(k, n, &rng);
    memcpy(l, k, n * n * sizeof *k);
    memcpy(r, k, n * n * sizeof *k);
    ck_assert_int_eq(hebo_cholesky(l, n), 0);
    ck_assert_int_eq(ref_cholesky(r, n), 0);
    for (size_t i = 0; i < n; i++) /* the lower triangle is the factor */
        ck_assert_mem_eq(l + i * n, r + i * n, (i + 1) * sizeof *l);
    hebo_chol_inverse(l, n, inv, w);
    ref_chol_inverse(l, n, rinv, w);
    ck_assert_mem_eq(inv, rinv, n * n * sizeof *inv);
    for (size_t i = 0; i < n; i++) /* and it is the inverse */
        for (size_t j = 0; j < n; j++) {
            double s = 0;
            for (size_t q = 0; q < n; q++)
                s += inv[i * n + q] * k[q * n + j];
            ck_assert_double_eq_tol(s, (double)(i == j), 1e-9);
        }
    free(k), free(l), free(r), free(inv), free(rinv), free(w);
}
END_TEST

START_TEST(multi_column_solve_matches_single_solves)
{
    size_t n = orders[_i];
    dnnr_rng rng;
    dnnr_rng_init(&rng, 5 + n);
    double *k = malloc(n * n * sizeof *k);
    spd(k, n, &rng);
    ck_assert_int_eq(hebo_cholesky(k, n), 0);
    for (size_t m = 1; m <= 13; m += 3) { /* 8-, 4- and 1-column paths */
        double *b = malloc(n * m * sizeof *b), *col = malloc(n * sizeof *col);
        for (size_t i = 0; i < n * m; i++)
            b[i] = dnnr_rng_normal(&rng);
        double *orig = malloc(n * m * sizeof *orig);
        memcpy(orig, b, n * m * sizeof *b);
        hebo_solve_lower_multi(k, n, b, m);
        for (size_t p = 0; p < m; p++) {
            for (size_t i = 0; i < n; i++)
                col[i] = orig[i * m + p];
            hebo_solve_lower(k, n, col);
            double ref[128];
            for (size_t i = 0; i < n; i++)
                ref[i] = orig[i * m + p];
            ref_solve_lower(k, n, ref);
            for (size_t i = 0; i < n; i++) {
                ck_assert_mem_eq(&b[i * m + p], &col[i], sizeof *col);
                ck_assert_mem_eq(&col[i], &ref[i], sizeof *col);
            }
        }
        free(b), free(col), free(orig);
    }
    free(k);
}
END_TEST

static void ref_kernel_grad(const double *w, size_t n, size_t dims, const double *theta,
                            const double *k, const double *e, const double *g, double *g_theta,
                            double *g_w, double *work)
{
    double lin = theta[HEBO_TH_LIN], mat = theta[HEBO_TH_MAT], noise = theta[HEBO_TH_NOISE];
    double *gw_lin = work, *ew = work + n * dims, *es = work + 2 * n * dims;
    double tr_gk = 0.0, tr_g = 0.0;
    for (size_t i = 0; i < n; i++) {
        tr_g += g[i * n + i];
        for (size_t q = 0; q < n; q++)
            tr_gk += g[i * n + q] * k[i * n + q];
    }
    memset(gw_lin, 0, 2 * n * dims * sizeof *work);
    for (size_t i = 0; i < n; i++) {
        double *gwi = gw_lin + i * dims, *ewi = ew + i * dims;
        double rowsum = 0.0;
        for (size_t q = 0; q < n; q++) {
            double gik = g[i * n + q];
            double eik = gik * (-3.0 * mat * e[i * n + q]);
            rowsum += eik;
            for (size_t j = 0; j < dims; j++) {
                gwi[j] = fma(gik, w[q * dims + j], gwi[j]);
                ewi[j] = fma(eik, w[q * dims + j], ewi[j]);
            }
        }
        es[i] = rowsum;
    }
    double g_lin = 0.0;
    for (size_t i = 0; i < n * dims; i++)
        g_lin += w[i] * gw_lin[i];
    g_lin *= 0.5;
    double g_noise = 0.5 * tr_g;
    g_theta[HEBO_TH_LIN] = g_lin;
    g_theta[HEBO_TH_NOISE] = g_noise;
    g_theta[HEBO_TH_MAT] = (0.5 * tr_gk - lin * g_lin - noise * g_noise) / mat;
    for (size_t j = 0; j < dims; j++) {
        double l = theta[HEBO_TH_LS(j)];
        double inv_l2 = 1.0 / (l * l);
        double acc = 0.0;
        for (size_t i = 0; i < n; i++) {
            double wij = w[i * dims + j];
            acc += wij * wij * es[i] - wij * ew[i * dims + j];
            g_w[i * dims + j] =
                lin * gw_lin[i * dims + j] + inv_l2 * (wij * es[i] - ew[i * dims + j]);
        }
        g_theta[HEBO_TH_LS(j)] = -acc * inv_l2 / l;
    }
}

START_TEST(kernel_gradient_matches_plain_loops)
{
    static const size_t ds[] = {1, 3, 4, 5, 16, 17, 21};
    static const size_t ns[] = {1, 7, 33};
    for (size_t a = 0; a < 7; a++)
        for (size_t b = 0; b < 3; b++) {
            size_t d = ds[a], n = ns[b], nt = HEBO_N_THETA(d);
            dnnr_rng rng;
            dnnr_rng_init(&rng, 31 * d + n);
            double *w = malloc(n * d * sizeof *w), *wt = malloc(n * d * sizeof *w);
            double *k = malloc(n * n * sizeof *k), *e = malloc(n * n * sizeof *e);
            double *g = malloc(n * n * sizeof *g), *theta = malloc(nt * sizeof *theta);
            double *gt = malloc(nt * sizeof *gt), *rgt = malloc(nt * sizeof *gt);
            double *gw = malloc(n * d * sizeof *gw), *rgw = malloc(n * d * sizeof *gw);
            double *work = malloc((2 * n * d + n) * sizeof *work);
            for (size_t i = 0; i < n * d; i++)
                w[i] = dnnr_rng_uniform(&rng);
            theta[HEBO_TH_LIN] = 0.6;
            theta[HEBO_TH_MAT] = 1.4;
            theta[HEBO_TH_NOISE] = 0.05;
            for (size_t j = 0; j < d; j++)
                theta[HEBO_TH_LS(j)] = 0.3 + 0.05 * (double)j;
            hebo_kernel_matrix(w, n, d, theta, k, e, wt);
            for (size_t i = 0; i < n; i++)
                for (size_t j = 0; j <= i; j++)
                    g[i * n + j] = g[j * n + i] = dnnr_rng_normal(&rng);
            for (size_t i = 0; i < nt; i++)
                gt[i] = rgt[i] = 0.0;
            ref_kernel_grad(w, n, d, theta, k, e, g, rgt, rgw, work);
            hebo_kernel_grad(w, n, d, theta, k, e, g, gt, gw, work);
            ck_assert_mem_eq(gt, rgt, (3 + d) * sizeof *gt);
            ck_assert_mem_eq(gw, rgw, n * d * sizeof *gw);
            free(w), free(wt), free(k), free(e), free(g), free(theta), free(gt), free(rgt);
            free(gw), free(rgw), free(work);
        }
}
END_TEST

/* A fixture GP: n rows of D inputs, the last column one-hot-like. */
typedef struct fixture {
    dnnr_host *h;
    hebo_gp *gp;
    size_t n, d;
    double *x;
} fixture;

static void fixture_make(fixture *fx, size_t n, size_t d, uint64_t seed)
{
    fx->h = make_host();
    fx->n = n;
    fx->d = d;
    hebo_gp_config cfg;
    hebo_gp_config_default(&cfg);
    fx->x = malloc(n * d * sizeof *fx->x);
    double *y = malloc(n * sizeof *y), lo[16], hi[16];
    dnnr_rng rng;
    dnnr_rng_init(&rng, seed);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < d; j++)
            fx->x[i * d + j] = 2 * dnnr_rng_uniform(&rng) - 1;
        fx->x[i * d + d - 1] = (double)(i % 2);
        y[i] = sin(3 * fx->x[i * d]) + fx->x[i * d + 1] * fx->x[i * d + 1] +
               0.3 * fx->x[i * d + d - 1] + 0.05 * dnnr_rng_normal(&rng);
    }
    for (size_t j = 0; j < d; j++) {
        lo[j] = (j == d - 1 ? 0 : -1) - HEBO_WARP_EPS;
        hi[j] = 1 + HEBO_WARP_EPS;
    }
    fx->gp = hebo_gp_create(fx->h, &cfg, n, d, fx->x, lo, hi, y);
    ck_assert_ptr_nonnull(fx->gp);
    double *th = hebo_gp_theta(fx->gp);
    for (size_t j = 0; j < d; j++) {
        th[HEBO_TH_LS(j)] = 0.3 + 0.2 * (double)j;
        th[HEBO_TH_A(d, j)] = 0.7 + 0.3 * (double)j;
        th[HEBO_TH_B(d, j)] = 1.6 - 0.2 * (double)j;
    }
    th[HEBO_TH_NOISE] = 0.02;
    free(y);
}

static void fixture_free(fixture *fx)
{
    hebo_gp_destroy(fx->gp);
    free(fx->x);
    dnnr__host_destroy(fx->h);
}

START_TEST(batched_prediction_matches_pointwise)
{
    fixture fx;
    fixture_make(&fx, 37, 5, 3);
    ck_assert_int_eq(hebo_gp_condition(fx.gp), 0);
    enum { M = 23 }; /* two full chunks of 8 and a tail of 7 */
    double xs[M * 5], mu[M], var[M], mu1[M], var1[M];
    dnnr_rng rng;
    dnnr_rng_init(&rng, 9);
    for (size_t i = 0; i < M * 5; i++)
        xs[i] = 2 * dnnr_rng_uniform(&rng) - 1;
    for (size_t r = 0; r < M; r++)
        xs[r * 5 + 4] = (double)(r % 2);
    memcpy(xs + 5 * 5, fx.x + 2 * 5, 5 * sizeof *xs); /* a training point: smallest variance */
    hebo_gp_predict(fx.gp, xs, M, mu, var);
    hebo_gp_predict_pointwise(fx.gp, xs, M, mu1, var1);
    ck_assert_mem_eq(mu, mu1, sizeof mu);
    ck_assert_mem_eq(var, var1, sizeof var);
    for (size_t r = 0; r < M; r++) { /* and each prediction alone */
        double m1, v1;
        hebo_gp_predict(fx.gp, xs + r * 5, 1, &m1, &v1);
        ck_assert_double_eq_tol(m1, mu[r], 1e-12 * fmax(1.0, fabs(m1)));
        ck_assert_double_eq_tol(v1, var[r], 1e-12 * fmax(1.0, fabs(v1)));
    }
    fixture_free(&fx);
}
END_TEST

START_TEST(cross_block_matches_cross_t)
{
    enum { N = 21, D = 7, M = 13 };
    dnnr_rng rng;
    dnnr_rng_init(&rng, 4);
    double w[N * D], wt[D * N], ws[M * D], wst[D * M], theta[HEBO_N_THETA(D)];
    for (size_t i = 0; i < N * D; i++)
        w[i] = dnnr_rng_uniform(&rng);
    for (size_t i = 0; i < M * D; i++)
        ws[i] = dnnr_rng_uniform(&rng);
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < D; j++)
            wt[j * N + i] = w[i * D + j];
    for (size_t r = 0; r < M; r++)
        for (size_t j = 0; j < D; j++)
            wst[j * M + r] = ws[r * D + j];
    theta[HEBO_TH_LIN] = 0.7;
    theta[HEBO_TH_MAT] = 1.3;
    theta[HEBO_TH_NOISE] = 0.1;
    for (size_t j = 0; j < D; j++)
        theta[HEBO_TH_LS(j)] = 0.2 + 0.1 * (double)j;
    double block[N * M], one[N];
    hebo_kernel_cross_block(w, N, D, wst, M, theta, block);
    for (size_t r = 0; r < M; r++) {
        hebo_kernel_cross_t(ws + r * D, wt, N, D, theta, one);
        for (size_t i = 0; i < N; i++)
            ck_assert_mem_eq(&block[i * M + r], &one[i], sizeof *one);
    }
}
END_TEST

/* The objective at the model's current hyperparameters. */
static double nll_now(hebo_gp *gp)
{
    double u[HEBO_N_THETA(16)];
    hebo_gp_theta_to_u(gp, hebo_gp_theta(gp), u);
    return hebo_gp_objective(gp, u, NULL);
}

/* Warm-started refits: on the same data the warm fit cannot end above the
 * optimum it starts from; with one more row it runs HEBO's initial-value
 * run as well, so it ends no higher than that run alone, and close to a
 * full 10-run cold fit. */
START_TEST(warm_started_fit_is_no_worse)
{
    enum { N = 30, D = 4 };
    fixture fx;
    fixture_make(&fx, N + 1, D, 21);
    hebo_gp_config cfg;
    hebo_gp_config_default(&cfg);
    cfg.ftol = 1e-6;
    double lo[D], hi[D], y[N + 1];
    for (size_t j = 0; j < D; j++) {
        lo[j] = (j == D - 1 ? 0 : -1) - HEBO_WARP_EPS;
        hi[j] = 1 + HEBO_WARP_EPS;
    }
    for (size_t i = 0; i <= N; i++)
        y[i] = sin(3 * fx.x[i * D]) + fx.x[i * D + 1] * fx.x[i * D + 1] + 0.3 * fx.x[i * D + 3];
    /* cold on N rows */
    hebo_gp *cold = hebo_gp_create(fx.h, &cfg, N, D, fx.x, lo, hi, y);
    dnnr_rng rng;
    dnnr_rng_init(&rng, 1);
    double warm_u[HEBO_N_THETA(D)];
    ck_assert_int_eq(hebo_gp_fit_warm(cold, &rng, NULL, warm_u), 0);
    double f_cold = nll_now(cold);
    /* warm on the same rows, the warm start alone */
    cfg.refit_restarts = 1;
    hebo_gp *same = hebo_gp_create(fx.h, &cfg, N, D, fx.x, lo, hi, y);
    ck_assert_int_eq(hebo_gp_fit_warm(same, &rng, warm_u, NULL), 0);
    ck_assert_double_le(nll_now(same), f_cold);
    /* one more row: warm (warm start + initial values) vs the initial-value
     * run alone vs a cold 10-run fit */
    cfg.refit_restarts = 2;
    hebo_gp *warm = hebo_gp_create(fx.h, &cfg, N + 1, D, fx.x, lo, hi, y);
    ck_assert_int_eq(hebo_gp_fit_warm(warm, &rng, warm_u, NULL), 0);
    cfg.restarts = 1;
    hebo_gp *init_only = hebo_gp_create(fx.h, &cfg, N + 1, D, fx.x, lo, hi, y);
    ck_assert_int_eq(hebo_gp_fit(init_only, &rng), 0);
    cfg.restarts = 10;
    hebo_gp *full = hebo_gp_create(fx.h, &cfg, N + 1, D, fx.x, lo, hi, y);
    ck_assert_int_eq(hebo_gp_fit(full, &rng), 0);
    double f_warm = nll_now(warm), f_init = nll_now(init_only), f_full = nll_now(full);
    ck_assert_double_le(f_warm, f_init);
    ck_assert_msg(f_warm <= f_full + 1.0, "warm %g vs 10 cold runs %g", f_warm, f_full);
    hebo_gp_destroy(cold);
    hebo_gp_destroy(same);
    hebo_gp_destroy(warm);
    hebo_gp_destroy(init_only);
    hebo_gp_destroy(full);
    fixture_free(&fx);
}
END_TEST

/* The fit options: accepted in range, refused out of it. */
START_TEST(fit_options_are_checked)
{
    static const char *const opts[] = {
        "fit_warm_start = false; fit_refit_restarts = 0; fit_ftol = 0.0;",
        "fit_warm_start = true; fit_refit_restarts = 1; fit_ftol = 1e-4;",
        "fit_refit_restarts = -1;",
        "fit_ftol = -1e-6;",
    };
    dnnr_space *sp = dnnr__space_create();
    ck_assert_int_eq(dnnr__space_add_float(sp, "x", -5, 5, 0, 0), DNNR_OK);
    const dnnr_searcher_iface *si = dnnr_plugin_hebo_entry()->iface;
    for (int i = 0; i < 4; i++) {
        dnnr_host *h = make_host_with(opts[i]);
        dnnr_searcher_init init = {.struct_size = sizeof init, .host = h, .space = sp,
                                   .max_in_flight = 1};
        dnnr_searcher *s = NULL;
        ck_assert_int_eq(si->create(&init, &s), i < 2 ? DNNR_OK : DNNR_EINVAL);
        si->destroy(s);
        dnnr__host_destroy(h);
    }
    dnnr__space_destroy(sp);
}
END_TEST

/* Ranks by definition: peel the points nobody left dominates. */
static void ref_rank(const double *f, size_t n, size_t no, int *rank)
{
    for (size_t i = 0; i < n; i++)
        rank[i] = -1;
    for (int front = 0;; front++) {
        int any = 0;
        int *next = malloc(n * sizeof *next);
        for (size_t i = 0; i < n; i++) {
            next[i] = 0;
            if (rank[i] >= 0)
                continue;
            int dominated = 0;
            for (size_t j = 0; j < n && !dominated; j++) {
                if (j == i || rank[j] >= 0)
                    continue;
                int jb = 0, ib = 0;
                for (size_t k = 0; k < no; k++) {
                    jb |= f[j * no + k] < f[i * no + k];
                    ib |= f[i * no + k] < f[j * no + k];
                }
                dominated = jb && !ib;
            }
            next[i] = !dominated;
        }
        for (size_t i = 0; i < n; i++)
            if (rank[i] < 0 && next[i]) {
                rank[i] = front;
                any = 1;
            }
        free(next);
        if (!any)
            break;
    }
    for (size_t i = 0; i < n; i++)
        if (rank[i] < 0)
            rank[i] = (int)n;
}

START_TEST(branch_free_sort_matches_definition)
{
    static const size_t sizes[] = {1, 2, 7, 200, 203};
    for (size_t no = 1; no <= 5; no++) /* 5 objectives take the general path */
        for (size_t t = 0; t < sizeof sizes / sizeof *sizes; t++) {
            size_t n = sizes[t];
            dnnr_rng rng;
            dnnr_rng_init(&rng, 100 * no + n);
            double *f = malloc(n * no * sizeof *f);
            for (size_t i = 0; i < n * no; i++) /* few distinct values: ties everywhere */
                f[i] = (double)dnnr_rng_below(&rng, 6);
            int *rank = malloc(n * sizeof *rank), *ref = malloc(n * sizeof *ref);
            unsigned char *work = malloc(HEBO_NDS_WORK(n));
            hebo_nondominated_rank(f, n, no, rank, work);
            ref_rank(f, n, no, ref);
            ck_assert_mem_eq(rank, ref, n * sizeof *rank);
            free(f), free(rank), free(ref), free(work);
        }
}
END_TEST

static void two_spheres(void *ctx, const double *x, size_t m, double *f)
{
    (void)ctx;
    for (size_t r = 0; r < m; r++) {
        const double *v = x + 3 * r;
        f[2 * r] = v[0] * v[0] + v[1] * v[1] + v[2] * v[2];
        f[2 * r + 1] = (v[0] - 1) * (v[0] - 1) + v[1] * v[1] + (v[2] - 0.5) * (v[2] - 0.5);
    }
}

/* NSGA-II reads its stream ahead in whole Philox blocks and writes the
 * position back: whatever part of a block was drawn before the run, the
 * stream afterwards is a consistent position (its buffer is the block
 * before its counter, partly used) no earlier than where it started, and
 * the run is repeatable from the same position. */
START_TEST(nsga2_leaves_its_stream_consistent)
{
    dnnr_host *h = make_host();
    hebo_nsga2_config cfg;
    hebo_nsga2_config_default(&cfg);
    cfg.pop_size = 20;
    cfg.n_gen = 5;
    const double lb[3] = {-1, -1, -1}, ub[3] = {1, 1, 1};
    hebo_nsga2_problem pb = {.n_var = 3, .n_obj = 2, .lb = lb, .ub = ub, .eval = two_spheres};
    double init[20 * 3];
    for (int i = 0; i < 60; i++)
        init[i] = sin(1.7 * i);
    for (int skip = 0; skip <= 5; skip++) {
        dnnr_rng a, b;
        dnnr_rng_init(&a, 41);
        for (int w = 0; w < skip; w++)
            dnnr_rng_u32(&a);
        b = a;
        uint64_t start = a.counter;
        double *fa, *fb;
        size_t na, nb;
        ck_assert_int_eq(hebo_nsga2_run(h, &cfg, &pb, init, 20, &a, &fa, &na), DNNR_OK);
        ck_assert_int_eq(hebo_nsga2_run(h, &cfg, &pb, init, 20, &b, &fb, &nb), DNNR_OK);
        ck_assert_uint_eq(na, nb);
        ck_assert_mem_eq(fa, fb, na * 3 * sizeof *fa);
        ck_assert(a.counter == b.counter && a.used == b.used);
        ck_assert_uint_gt(a.counter, start);
        ck_assert_uint_ge(a.used, 1);
        ck_assert_uint_le(a.used, 4);
        uint32_t block[4];
        dnnr_philox4x32(a.key, a.counter - 1, block);
        ck_assert_mem_eq(a.buffer, block, sizeof block);
        h->free(h->ctx, fa);
        h->free(h->ctx, fb);
    }
    dnnr__host_destroy(h);
}
END_TEST

/* Distance in units in the last place of @p ref (libm, within 1 ulp itself). */
static double ulps(double got, double ref)
{
    if (isnan(ref))
        return isnan(got) ? 0.0 : INFINITY;
    if (isinf(ref) || ref == 0.0)
        return got == ref ? 0.0 : INFINITY;
    double ulp = nextafter(fabs(ref), INFINITY) - fabs(ref);
    return fabs(got - ref) / ulp;
}

/* x = lo + (hi - lo) u, or log-uniform magnitudes with random sign when hi < 0 */
static double draw(dnnr_rng *rng, double lo, double hi)
{
    if (hi < 0) /* 10^U(lo, -hi), either sign */
        return (dnnr_rng_uniform(rng) < 0.5 ? -1 : 1) * pow(10, lo + (-hi - lo) * dnnr_rng_uniform(rng));
    return lo + (hi - lo) * dnnr_rng_uniform(rng);
}

START_TEST(vmath_matches_libm)
{
    dnnr_rng rng;
    dnnr_rng_init(&rng, 77);
    double worst_exp = 0, worst_expm1 = 0, worst_log = 0;
    for (int i = 0; i < 200000; i++) {
        double x = draw(&rng, -750, 712);
        worst_exp = fmax(worst_exp, ulps(hebo_exp1(x), exp(x)));
        x = draw(&rng, -18, -0.5); /* tiny to moderate, both signs */
        worst_exp = fmax(worst_exp, ulps(hebo_exp1(x), exp(x)));
        worst_expm1 = fmax(worst_expm1, ulps(hebo_expm1_1(x), expm1(x)));
        x = draw(&rng, -60, 8);
        worst_expm1 = fmax(worst_expm1, ulps(hebo_expm1_1(x), expm1(x)));
        x = pow(10, draw(&rng, -322, 308));
        worst_log = fmax(worst_log, ulps(hebo_log1(x), log(x)));
        x = 1 + draw(&rng, -16, -0.3);
        worst_log = fmax(worst_log, ulps(hebo_log1(x), log(x)));
    }
    ck_assert_msg(worst_exp <= 2 && worst_expm1 <= 2 && worst_log <= 2,
                  "exp %g, expm1 %g, log %g ulp", worst_exp, worst_expm1, worst_log);
    ck_assert_double_eq(hebo_exp1(0), 1);
    ck_assert_double_eq(hebo_exp1(-800), 0);
    ck_assert(isinf(hebo_exp1(800)) && isnan(hebo_exp1(NAN)));
    ck_assert_double_eq(hebo_expm1_1(-800), -1);
    ck_assert(hebo_log1(1) == 0 && isinf(hebo_log1(INFINITY)) && hebo_log1(0) == -INFINITY);
    ck_assert(isnan(hebo_log1(-1)) && isnan(hebo_log1(NAN)));
    ck_assert_double_eq_tol(hebo_log1(0x1p-1074), -744.44007192138126, 1e-12);
    /* four lanes give the bits of four scalars */
    const double xs[4] = {-3.25, 0.125, -700.5, 1e-9};
    hebo_v4 v = HEBO_V4_LOAD(xs), y;
    hebo_v4_exp(&y, &v);
    for (int t = 0; t < 4; t++)
        ck_assert_double_eq(y[t], hebo_exp1(xs[t]));
}
END_TEST

static Suite *hebo_fast_suite(void)
{
    Suite *s = suite_create("hebo_fast");
    TCase *la = tcase_create("linalg");
    tcase_set_timeout(la, 30);
    size_t n_orders = sizeof orders / sizeof *orders;
    tcase_add_loop_test(la, cholesky_and_inverse_match_plain_loops, 0, (int)n_orders);
    tcase_add_loop_test(la, multi_column_solve_matches_single_solves, 0, (int)n_orders);
    suite_add_tcase(s, la);
    TCase *gp = tcase_create("gp");
    tcase_set_timeout(gp, 30);
    tcase_add_test(gp, batched_prediction_matches_pointwise);
    tcase_add_test(gp, cross_block_matches_cross_t);
    tcase_add_test(gp, kernel_gradient_matches_plain_loops);
    tcase_add_test(gp, warm_started_fit_is_no_worse);
    tcase_add_test(gp, fit_options_are_checked);
    suite_add_tcase(s, gp);
    TCase *ga = tcase_create("nsga2");
    tcase_set_timeout(ga, 30);
    tcase_add_test(ga, branch_free_sort_matches_definition);
    tcase_add_test(ga, nsga2_leaves_its_stream_consistent);
    suite_add_tcase(s, ga);
    TCase *vm = tcase_create("vmath");
    tcase_set_timeout(vm, 30);
    tcase_add_test(vm, vmath_matches_libm);
    suite_add_tcase(s, vm);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(hebo_fast_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
