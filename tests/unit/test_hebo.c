/* hebo: golden values of SEARCHERS.md D.3 (power transforms, kappa, MACE,
 * Kumaraswamy, Matern), the GP posterior against a hand-computed 2-point
 * case, the likelihood gradient against finite differences, NSGA-II's
 * sorting and crowding on a known front, and the ask/tell protocol. */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <dnnrepair/dnnrepair.h>

#include "acq.h"
#include "gp.h"
#include "host/host.h"
#include "kernel.h"
#include "registry/registry.h"
#include "nsga2.h"
#include "power.h"
#include "space/space.h"
#include "util/alloc.h"
#include "warp.h"

const dnnr_plugin_desc *dnnr_plugin_hebo_entry(void);

#define TOL 1e-6

static dnnr_host *make_host(const char *options)
{
    dnnr_error err = {{0}};
    dnnr_host *h = dnnr__host_create_simple("hebo", 7, options, &err);
    ck_assert_msg(h != NULL, "%s", err.msg);
    return h;
}

START_TEST(boxcox_golden)
{
    const double y[6] = {0.5, 1, 2, 3.5, 8, 20};
    const double expect[6] = {-1.4758180481, -0.8449615584, -0.2483821143,
                              0.2095360116,  0.8492940993,  1.5103316099};
    double out[6], work[12], lambda;
    ck_assert_int_eq(hebo_power_transform(y, 6, out, work, &lambda), HEBO_POWER_BOXCOX);
    ck_assert_double_eq_tol(lambda, -0.0805975828, TOL);
    for (int i = 0; i < 6; i++)
        ck_assert_double_eq_tol(out[i], expect[i], TOL);
}
END_TEST

START_TEST(yeojohnson_golden)
{
    const double y[6] = {-1.2, 0.3, 0.8, 2.5, 7.0, -0.4};
    const double expect[6] = {-1.5244363089, -0.1951093646, 0.0850667573,
                              0.7399493668,  1.6055335906,  -0.7110040412};
    double out[6], work[12], lambda;
    ck_assert_int_eq(hebo_power_transform(y, 6, out, work, &lambda), HEBO_POWER_YEOJOHNSON);
    ck_assert_double_eq_tol(lambda, -0.3485941542, TOL);
    for (int i = 0; i < 6; i++)
        ck_assert_double_eq_tol(out[i], expect[i], TOL);
}
END_TEST

START_TEST(power_falls_back_to_raw_on_constant_y)
{
    const double y[4] = {2, 2, 2, 2};
    double out[4], work[8];
    ck_assert_int_eq(hebo_power_transform(y, 4, out, work, NULL), HEBO_POWER_RAW);
    ck_assert_double_eq(out[0], 2.0);
}
END_TEST

START_TEST(kappa_golden)
{
    ck_assert_double_eq_tol(hebo_kappa(5, 1, 4, 0.5, 0.01), 3.651353, TOL);
    ck_assert_double_eq_tol(hebo_kappa(10, 1, 4, 0.5, 0.01), 4.013100, TOL);
    ck_assert_double_eq_tol(hebo_kappa(20, 4, 6, 0.5, 0.01), 3.865465, TOL);
    ck_assert_double_eq_tol(hebo_kappa(100, 8, 10, 0.5, 0.01), 4.928385, TOL);
    ck_assert_double_eq_tol(hebo_kappa(3, 8, 3, 0.5, 0.01), 2.625763, TOL);
}
END_TEST

START_TEST(mace_golden)
{
    static const double cases[4][7] = {
        {0, 1, 0, 2, -2, 0.9190638675, 0.6932269722},
        {0.5, 0.2, 0, 2.5, 0, 7.8235288763, 5.0830597636},
        {3, 0.3, 0, 2, 2.4, 55.8024933823, 53.2248903479},
        {-1, 0.5, 0, 3, -2.5, -0.0041390492, 0.0230239612},
    };
    for (int c = 0; c < 4; c++) {
        double out[3];
        hebo_mace(cases[c][0], cases[c][1], cases[c][2], cases[c][3], 1e-4, 0.0, 0.3, -0.7, out);
        for (int k = 0; k < 3; k++)
            ck_assert_msg(fabs(out[k] - cases[c][4 + k]) < TOL, "case %d objective %d: %.10f", c,
                          k, out[k]);
    }
}
END_TEST

START_TEST(kumaraswamy_golden)
{
    double lo = -1 - HEBO_WARP_EPS, hi = 1 + HEBO_WARP_EPS;
    ck_assert_double_eq_tol(hebo_kumaraswamy(0, 1, 1, lo, hi, NULL, NULL), 0.5, TOL);
    ck_assert_double_eq_tol(hebo_kumaraswamy(0, 2, 1, lo, hi, NULL, NULL), 0.25, TOL);
    ck_assert_double_eq_tol(hebo_kumaraswamy(0.5, 0.5, 2, lo, hi, NULL, NULL), 0.9820507689, TOL);
    ck_assert_double_eq_tol(hebo_kumaraswamy(-0.5, 3, 0.7, lo, hi, NULL, NULL), 0.0109633429, TOL);
    /* derivatives against central differences */
    double dwa, dwb, h = 1e-6;
    hebo_kumaraswamy(0.3, 1.7, 0.6, lo, hi, &dwa, &dwb);
    double fa = (hebo_kumaraswamy(0.3, 1.7 + h, 0.6, lo, hi, NULL, NULL) -
                 hebo_kumaraswamy(0.3, 1.7 - h, 0.6, lo, hi, NULL, NULL)) / (2 * h);
    double fb = (hebo_kumaraswamy(0.3, 1.7, 0.6 + h, lo, hi, NULL, NULL) -
                 hebo_kumaraswamy(0.3, 1.7, 0.6 - h, lo, hi, NULL, NULL)) / (2 * h);
    ck_assert_double_eq_tol(dwa, fa, 1e-7);
    ck_assert_double_eq_tol(dwb, fb, 1e-7);
}
END_TEST

START_TEST(matern_golden)
{
    const double x[2] = {0.1, -0.3}, y[2] = {0.4, 0.2}, ls[2] = {0.5, 2.0};
    ck_assert_double_eq_tol(hebo_matern32(x, y, ls, 2, 0.5), 0.3447911291, 1e-9);
    /* linear part with variance 1: theta with the Matern switched off */
    double theta[HEBO_N_THETA(2)] = {1.0, 1e-300, 0.0, 0.5, 2.0, 1, 1, 1, 1};
    double k;
    hebo_kernel_cross(x, y, 1, 2, theta, &k);
    ck_assert_double_eq_tol(k, -0.02, 1e-12);
}
END_TEST

/* Two training points, one input, identity warp: the posterior in closed
 * form with a 2 x 2 inverse written out by hand. */
START_TEST(gp_posterior_hand_case)
{
    dnnr_host *h = make_host(NULL);
    hebo_gp_config cfg;
    hebo_gp_config_default(&cfg);
    const double x[2] = {-0.5, 0.5}, y[2] = {3.0, 1.0};
    const double lo = -1 - HEBO_WARP_EPS, hi = 1 + HEBO_WARP_EPS;
    hebo_gp *gp = hebo_gp_create(h, &cfg, 2, 1, x, &lo, &hi, y);
    ck_assert_ptr_nonnull(gp);
    double *th = hebo_gp_theta(gp);
    const double lin = 0.5, mat = 1.2, noise = 0.1, ls = 0.7;
    th[HEBO_TH_LIN] = lin;
    th[HEBO_TH_MAT] = mat;
    th[HEBO_TH_NOISE] = noise;
    th[HEBO_TH_LS(0)] = ls;
    th[HEBO_TH_A(1, 0)] = 1.0;
    th[HEBO_TH_B(1, 0)] = 1.0;
    ck_assert_int_eq(hebo_gp_condition(gp), 0);
    double xs = 0.1, mu, var;
    hebo_gp_predict(gp, &xs, 1, &mu, &var);

    double w[2], ws = (xs - lo) / (hi - lo);
    for (int i = 0; i < 2; i++)
        w[i] = (x[i] - lo) / (hi - lo);
#define KF(a, b)                                                                                  \
    (lin * (a) * (b) + mat * (1 + sqrt(3) * fabs((a) - (b)) / ls) *                               \
                           exp(-sqrt(3) * fabs((a) - (b)) / ls))
    double k11 = KF(w[0], w[0]) + noise, k22 = KF(w[1], w[1]) + noise, k12 = KF(w[0], w[1]);
    double det = k11 * k22 - k12 * k12;
    double i11 = k22 / det, i22 = k11 / det, i12 = -k12 / det;
    double ys[2] = {1.0, -1.0}; /* (y - 2) / 1: mean 2, population std 1 */
    double ks[2] = {KF(ws, w[0]), KF(ws, w[1])};
    double a1 = i11 * ys[0] + i12 * ys[1], a2 = i12 * ys[0] + i22 * ys[1];
    double mu_ref = (ks[0] * a1 + ks[1] * a2) * 1.0 + 2.0;
    double quad = ks[0] * (i11 * ks[0] + i12 * ks[1]) + ks[1] * (i12 * ks[0] + i22 * ks[1]);
    double var_ref = KF(ws, ws) - quad + noise;
#undef KF
    ck_assert_double_eq_tol(mu, mu_ref, 1e-10);
    ck_assert_double_eq_tol(var, var_ref, 1e-10);
    ck_assert_double_eq_tol(hebo_gp_noise(gp), noise, 1e-12);
    hebo_gp_destroy(gp);
    dnnr__host_destroy(h);
}
END_TEST

/* The analytic gradient of the negative log posterior (likelihood, priors,
 * Jacobians, warping chain rule) against central differences. */
START_TEST(gp_gradient_matches_finite_differences)
{
    dnnr_host *h = make_host(NULL);
    hebo_gp_config cfg;
    hebo_gp_config_default(&cfg);
    enum { N = 7, D = 3 };
    double x[N * D], y[N], lo[D], hi[D];
    dnnr_rng rng;
    dnnr_rng_init(&rng, 42);
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < D; j++)
            x[i * D + j] = 2 * dnnr_rng_uniform(&rng) - 1;
        x[i * D + 2] = (double)(i % 2); /* a one-hot-like column */
        y[i] = sin(3 * x[i * D]) + x[i * D + 1] * x[i * D + 1] + 0.3 * x[i * D + 2];
    }
    for (int j = 0; j < D; j++) {
        lo[j] = (j == 2 ? 0 : -1) - HEBO_WARP_EPS;
        hi[j] = 1 + HEBO_WARP_EPS;
    }
    hebo_gp *gp = hebo_gp_create(h, &cfg, N, D, x, lo, hi, y);
    ck_assert_ptr_nonnull(gp);
    size_t nt = hebo_gp_n_params(gp);
    double u[HEBO_N_THETA(D)], g[HEBO_N_THETA(D)], up[HEBO_N_THETA(D)];
    for (size_t i = 0; i < nt; i++)
        u[i] = 0.8 * dnnr_rng_normal(&rng) - 0.3;
    double f0 = hebo_gp_objective(gp, u, g);
    ck_assert(isfinite(f0));
    for (size_t i = 0; i < nt; i++) {
        double step = 1e-5;
        memcpy(up, u, sizeof u);
        up[i] = u[i] + step;
        double fp = hebo_gp_objective(gp, up, NULL);
        up[i] = u[i] - step;
        double fm = hebo_gp_objective(gp, up, NULL);
        double fd = (fp - fm) / (2 * step);
        ck_assert_msg(fabs(fd - g[i]) < 1e-5 * fmax(1.0, fabs(fd)), "param %zu: %g vs %g", i,
                      g[i], fd);
    }
    /* and the fit lowers the objective from the initial values */
    hebo_gp_theta_to_u(gp, hebo_gp_theta(gp), u);
    double f_init = hebo_gp_objective(gp, u, NULL);
    ck_assert_int_eq(hebo_gp_fit(gp, &rng), 0);
    hebo_gp_theta_to_u(gp, hebo_gp_theta(gp), u);
    ck_assert(hebo_gp_objective(gp, u, NULL) < f_init);
    hebo_gp_destroy(gp);
    dnnr__host_destroy(h);
}
END_TEST

/* Points on known fronts: 0-2 on the first (a 2-objective line), 3-4
 * dominated once, 5 dominated by everything, 6 a duplicate of 1. */
START_TEST(nsga2_sort_and_crowding)
{
    const double f[7 * 2] = {0, 4, 1, 2, 4, 0, 2, 4, 4, 3, 5, 5, 1, 2};
    int rank[7];
    unsigned char work[HEBO_NDS_WORK(7)];
    hebo_nondominated_rank(f, 7, 2, rank, work);
    const int expect[7] = {0, 0, 0, 1, 1, 2, 0};
    for (int i = 0; i < 7; i++)
        ck_assert_int_eq(rank[i], expect[i]);

    /* front {0, 1, 2, 6}: sorted on f1: 0(0) 1(1) 6(1, dup) 2(4); norm 4 each */
    size_t idx[4] = {0, 1, 2, 6}, cw[8];
    double cd[4];
    hebo_crowding(f, idx, 4, 2, cd, cw);
    ck_assert(isinf(cd[0]) && isinf(cd[2]));
    /* point 1: f1 neighbours 0 and 4 -> 4/4; f2 neighbours 0 and 4 -> 4/4; mean 1 */
    ck_assert_double_eq_tol(cd[1], 1.0, 1e-12);
    ck_assert_double_eq(cd[3], 0.0); /* duplicate */
    size_t two[2] = {3, 4};
    hebo_crowding(f, two, 2, 2, cd, cw);
    ck_assert(isinf(cd[0]) && isinf(cd[1]));
}
END_TEST

/* A 3-objective front with interior points: crowding from pymoo's formula. */
START_TEST(crowding_three_objectives)
{
    const double f[4 * 3] = {0, 3, 1, 1, 2, 0, 2, 1, 3, 3, 0, 2};
    size_t idx[4] = {0, 1, 2, 3}, cw[8];
    double cd[4];
    hebo_crowding(f, idx, 4, 3, cd, cw);
    /* obj0 order 0,1,2,3 (norm 3): p1 (2-0)/3, p2 (3-1)/3; obj1 order 3,2,1,0 (norm 3): p2
     * (2-0)/3, p1 (3-1)/3; obj2 order 1,0,3,2 (norm 3): p0 (2-0)/3, p3 (3-1)/3, p1, p2 inf. */
    ck_assert(isinf(cd[0]) && isinf(cd[1]) && isinf(cd[2]) && isinf(cd[3]));
    const double g[5 * 2] = {0, 10, 1, 6, 3, 3, 6, 1, 10, 0};
    size_t i5[5] = {0, 1, 2, 3, 4}, w5[10];
    double c5[5];
    hebo_crowding(g, i5, 5, 2, c5, w5);
    ck_assert_double_eq_tol(c5[1], (3.0 / 10 + 7.0 / 10) / 2, 1e-12);
    ck_assert_double_eq_tol(c5[2], (5.0 / 10 + 5.0 / 10) / 2, 1e-12);
}
END_TEST

static void zdt1(void *ctx, const double *x, size_t m, double *f)
{
    (void)ctx;
    for (size_t r = 0; r < m; r++) {
        const double *v = x + r * 3;
        double g = 1 + 9 * (v[1] + v[2]) / 2;
        f[2 * r] = v[0];
        f[2 * r + 1] = g * (1 - sqrt(v[0] / g));
    }
}

/* NSGA-II on ZDT1 (3 variables) reaches the true front f2 = 1 - sqrt(f1). */
START_TEST(nsga2_solves_zdt1)
{
    dnnr_host *h = make_host(NULL);
    hebo_nsga2_config cfg;
    hebo_nsga2_config_default(&cfg);
    cfg.n_gen = 60;
    const double lb[3] = {0, 0, 0}, ub[3] = {1, 1, 1};
    hebo_nsga2_problem pb = {.n_var = 3, .n_obj = 2, .lb = lb, .ub = ub, .eval = zdt1};
    double init[100 * 3];
    dnnr_rng rng;
    dnnr_rng_init(&rng, 3);
    for (int i = 0; i < 300; i++)
        init[i] = dnnr_rng_uniform(&rng);
    double *front;
    size_t n;
    ck_assert_int_eq(hebo_nsga2_run(h, &cfg, &pb, init, 100, &rng, &front, &n), DNNR_OK);
    ck_assert_uint_ge(n, 20);
    double worst_gap = 0;
    for (size_t i = 0; i < n; i++) {
        double f[2];
        zdt1(NULL, front + 3 * i, 1, f);
        worst_gap = fmax(worst_gap, f[1] - (1 - sqrt(f[0])));
    }
    ck_assert_double_lt(worst_gap, 0.1);
    h->free(h->ctx, front);
    dnnr__host_destroy(h);
}
END_TEST

static const char *const kinds[3] = {"a", "b", "c"};

/* The protocol on a mixed space: valid configurations, no repeats, failed
 * trials accepted, several in flight, options read. */
static const char *const protocol_options[2] = {
    "generations = 20; fit_restarts = 3; failed = \"worst\";",
    "generations = 20; fit_restarts = 2; failed = \"drop\"; categorical_operators = \"choice\";",
};

START_TEST(protocol_mixed_space_with_failures)
{
    dnnr_space *sp = dnnr__space_create();
    ck_assert_int_eq(dnnr__space_add_float(sp, "x", -5, 5, 0, 0), DNNR_OK);
    ck_assert_int_eq(dnnr__space_add_float(sp, "lr", 1e-5, 1e-1, 1, 1e-2), DNNR_OK);
    ck_assert_int_eq(dnnr__space_add_int(sp, "n", 1, 20, 0, 3), DNNR_OK);
    ck_assert_int_eq(dnnr__space_add_int(sp, "batch", 1, 256, 1, 32), DNNR_OK);
    ck_assert_int_eq(dnnr__space_add_categorical(sp, "kind", kinds, 3, 0), DNNR_OK);
    dnnr_host *h = make_host(protocol_options[_i]);
    const dnnr_searcher_iface *si = dnnr_plugin_hebo_entry()->iface;
    dnnr_value start[5] = {{.f = 0}, {.f = 1e-2}, {.i = 3}, {.i = 32}, {.i = 0}};
    dnnr_searcher_init init = {.struct_size = sizeof init, .host = h, .space = sp,
                               .start = start, .max_in_flight = 3};
    dnnr_searcher *s;
    ck_assert_int_eq(si->create(&init, &s), DNNR_OK);
    dnnr_error err = {{0}};
    ck_assert_int_eq(dnnr__host_check_options(h, &err), DNNR_OK);
    enum { T = 30 };
    dnnr_value seen[T][5];
    dnnr_trial_result res = {.struct_size = sizeof res, .message = "", .warm_start = -1};
    res.trial_id = 0;
    res.config = start;
    res.objective = 5.0;
    ck_assert_int_eq(si->tell(s, &res), DNNR_OK);
    for (int t = 1; t < T; t += 3) {
        for (int k = 0; k < 3 && t + k < T; k++) {
            dnnr_trial_request req = {.struct_size = sizeof req, .trial_id = (uint64_t)(t + k),
                                      .config = seen[t + k], .warm_start = -1};
            ck_assert_int_eq(si->ask(s, &req), DNNR_OK);
            ck_assert_int_eq(dnnr__space_check_config(sp, seen[t + k], &err), DNNR_OK);
        }
        for (int k = 0; k < 3 && t + k < T; k++) {
            dnnr_value *c = seen[t + k];
            res.trial_id = (uint64_t)(t + k);
            res.config = c;
            int fail = (t + k) % 7 == 0;
            res.status = fail ? DNNR_TRIAL_DIVERGED : DNNR_TRIAL_OK;
            res.objective = fail ? NAN
                                 : c[0].f * c[0].f + (double)c[2].i * 0.1 + (double)c[4].i +
                                       pow(log10(c[1].f) + 3, 2);
            ck_assert_int_eq(si->tell(s, &res), DNNR_OK);
        }
    }
    for (int a = 1; a < T; a++)
        for (int b = 1; b < a; b++)
            ck_assert_msg(memcmp(seen[a], seen[b], sizeof seen[a]) != 0, "trial %d repeats %d", a,
                          b);
    si->destroy(s);
    dnnr__host_destroy(h);
    dnnr__space_destroy(sp);
}
END_TEST

static const char *const one_choice[1] = {"only"};
static const char *const two_choices[2] = {"p", "q"};

/* Degenerate parameters (lo == hi, one choice) and a space of 6
 * configurations asked 12 times: the top-up must end (duplicates are then
 * unavoidable) and every configuration stays valid. An empty space ends the
 * run. */
START_TEST(tiny_and_degenerate_spaces)
{
    dnnr_space *sp = dnnr__space_create();
    ck_assert_int_eq(dnnr__space_add_float(sp, "fixed", 2, 2, 0, 2), DNNR_OK);
    ck_assert_int_eq(dnnr__space_add_categorical(sp, "one", one_choice, 1, 0), DNNR_OK);
    ck_assert_int_eq(dnnr__space_add_int(sp, "k", 1, 3, 0, 1), DNNR_OK);
    ck_assert_int_eq(dnnr__space_add_categorical(sp, "pq", two_choices, 2, 0), DNNR_OK);
    dnnr_host *h = make_host("generations = 10; fit_restarts = 2; n_init = 2;");
    const dnnr_searcher_iface *si = dnnr_plugin_hebo_entry()->iface;
    dnnr_searcher_init init = {.struct_size = sizeof init, .host = h, .space = sp,
                               .max_in_flight = 1};
    dnnr_searcher *s;
    ck_assert_int_eq(si->create(&init, &s), DNNR_OK);
    dnnr_error err = {{0}};
    for (int t = 0; t < 12; t++) {
        dnnr_value c[4];
        dnnr_trial_request req = {.struct_size = sizeof req, .trial_id = (uint64_t)t, .config = c,
                                  .warm_start = -1};
        ck_assert_int_eq(si->ask(s, &req), DNNR_OK);
        ck_assert_int_eq(dnnr__space_check_config(sp, c, &err), DNNR_OK);
        ck_assert_double_eq(c[0].f, 2.0);
        ck_assert_int_eq(c[1].i, 0);
        dnnr_trial_result res = {.struct_size = sizeof res, .trial_id = (uint64_t)t, .config = c,
                                 .message = "", .warm_start = -1,
                                 .objective = (double)(c[2].i - 2) * (double)(c[2].i - 2) +
                                              (double)c[3].i};
        ck_assert_int_eq(si->tell(s, &res), DNNR_OK);
    }
    si->destroy(s);
    dnnr__host_destroy(h);
    dnnr__space_destroy(sp);

    dnnr_space *empty = dnnr__space_create();
    h = make_host(NULL);
    init.host = h;
    init.space = empty;
    ck_assert_int_eq(si->create(&init, &s), DNNR_OK);
    dnnr_trial_request req = {.struct_size = sizeof req, .config = NULL, .warm_start = -1};
    ck_assert_int_eq(si->ask(s, &req), DNNR_EDONE);
    si->destroy(s);
    si->destroy(NULL);
    dnnr__host_destroy(h);
    dnnr__space_destroy(empty);
}
END_TEST

/* One short session (create, 8 ask/tell rounds with model suggestions,
 * destroy); returns the first failing status. */
static int oom_session(dnnr_host *h, const dnnr_space *sp)
{
    const dnnr_searcher_iface *si = dnnr_plugin_hebo_entry()->iface;
    dnnr_searcher_init init = {.struct_size = sizeof init, .host = h, .space = sp,
                               .max_in_flight = 2};
    dnnr_searcher *s = NULL;
    int rc = si->create(&init, &s);
    for (int t = 0; t < 8 && rc == DNNR_OK; t++) {
        dnnr_value c[3];
        dnnr_trial_request req = {.struct_size = sizeof req, .trial_id = (uint64_t)t, .config = c,
                                  .warm_start = -1};
        rc = si->ask(s, &req);
        if (rc != DNNR_OK)
            break;
        dnnr_trial_result res = {.struct_size = sizeof res, .trial_id = (uint64_t)t, .config = c,
                                 .message = "", .warm_start = -1,
                                 .objective = c[0].f * c[0].f + (double)c[1].i + (double)c[2].i};
        rc = si->tell(s, &res);
    }
    if (s)
        si->destroy(s);
    return rc;
}

/* Out of memory at every allocation in turn (SQLite's faultsim, through the
 * host's allocator): each failing pass reports DNNR_ENOMEM, and LeakSanitizer
 * (sanitizer build) sees nothing left behind. */
START_TEST(out_of_memory_everywhere)
{
    dnnr_space *sp = dnnr__space_create();
    ck_assert_int_eq(dnnr__space_add_float(sp, "x", -5, 5, 0, 0), DNNR_OK);
    ck_assert_int_eq(dnnr__space_add_int(sp, "n", 1, 4, 0, 1), DNNR_OK);
    ck_assert_int_eq(dnnr__space_add_categorical(sp, "pq", two_choices, 2, 0), DNNR_OK);
    int finished = 0;
    for (int countdown = 0; countdown < 5000 && !finished; countdown++) {
        dnnr_host *h = make_host("generations = 4; population = 12; fit_restarts = 2; n_init = 3;");
        dnnr__alloc_fault(countdown, 1);
        int rc = oom_session(h, sp);
        int faults = dnnr__alloc_fault(-1, 0);
        dnnr__host_destroy(h);
        if (faults == 0) {
            ck_assert_int_eq(rc, DNNR_OK);
            finished = 1;
        } else {
            ck_assert_msg(rc == DNNR_ENOMEM, "countdown %d: status %d", countdown, rc);
        }
    }
    ck_assert(finished);
    dnnr__space_destroy(sp);
}
END_TEST

/* 10 ask/tell rounds on a 2-float space; the configurations into @p out. */
static void run_rounds(const dnnr_searcher_iface *si, const dnnr_space *sp, dnnr_value out[10][2])
{
    dnnr_host *h = make_host("generations = 10; fit_restarts = 2;");
    dnnr_searcher_init init = {.struct_size = sizeof init, .host = h, .space = sp,
                               .max_in_flight = 1};
    dnnr_searcher *s;
    ck_assert_int_eq(si->create(&init, &s), DNNR_OK);
    for (int t = 0; t < 10; t++) {
        dnnr_trial_request req = {.struct_size = sizeof req, .trial_id = (uint64_t)t,
                                  .config = out[t], .warm_start = -1};
        ck_assert_int_eq(si->ask(s, &req), DNNR_OK);
        double a = out[t][0].f, b = out[t][1].f;
        dnnr_trial_result res = {.struct_size = sizeof res, .trial_id = (uint64_t)t,
                                 .config = out[t], .message = "", .warm_start = -1,
                                 .objective = (a - 1) * (a - 1) + 3 * (b + 2) * (b + 2)};
        ck_assert_int_eq(si->tell(s, &res), DNNR_OK);
    }
    si->destroy(s);
    dnnr__host_destroy(h);
}

/* The shared object: accepted by the registry, and it suggests exactly what
 * the statically linked plugin suggests. */
START_TEST(shared_object_loads_and_agrees)
{
    dnnr_registry *reg = dnnr__registry_create();
    ck_assert_ptr_nonnull(reg);
    dnnr_error err = {{0}};
    ck_assert_msg(dnnr__registry_load_file(reg, HEBO_PLUGIN_FILE, &err) == DNNR_OK, "%s",
                  err.msg);
    const dnnr_plugin *p = dnnr__registry_find(reg, DNNR_KIND_SEARCHER, "hebo");
    ck_assert_ptr_nonnull(p);
    ck_assert_ptr_ne(p->desc, dnnr_plugin_hebo_entry());
    dnnr_space *sp = dnnr__space_create();
    ck_assert_int_eq(dnnr__space_add_float(sp, "a", -5, 5, 0, 0), DNNR_OK);
    ck_assert_int_eq(dnnr__space_add_float(sp, "b", -5, 5, 0, 0), DNNR_OK);
    dnnr_value from_static[10][2], from_shared[10][2];
    run_rounds(dnnr_plugin_hebo_entry()->iface, sp, from_static);
    run_rounds(p->desc->iface, sp, from_shared);
    ck_assert_mem_eq(from_static, from_shared, sizeof from_static);
    dnnr__space_destroy(sp);
    dnnr__registry_destroy(reg);
}
END_TEST

START_TEST(bad_option_is_refused)
{
    dnnr_space *sp = dnnr__space_create();
    ck_assert_int_eq(dnnr__space_add_float(sp, "x", -5, 5, 0, 0), DNNR_OK);
    dnnr_host *h = make_host("failed = \"ignore\";");
    const dnnr_searcher_iface *si = dnnr_plugin_hebo_entry()->iface;
    dnnr_searcher_init init = {.struct_size = sizeof init, .host = h, .space = sp,
                               .max_in_flight = 1};
    dnnr_searcher *s = NULL;
    ck_assert_int_eq(si->create(&init, &s), DNNR_EINVAL);
    dnnr__host_destroy(h);
    dnnr__space_destroy(sp);
}
END_TEST

static Suite *hebo_suite(void)
{
    Suite *s = suite_create("hebo");
    TCase *golden = tcase_create("golden");
    tcase_add_test(golden, boxcox_golden);
    tcase_add_test(golden, yeojohnson_golden);
    tcase_add_test(golden, power_falls_back_to_raw_on_constant_y);
    tcase_add_test(golden, kappa_golden);
    tcase_add_test(golden, mace_golden);
    tcase_add_test(golden, kumaraswamy_golden);
    tcase_add_test(golden, matern_golden);
    suite_add_tcase(s, golden);
    TCase *gp = tcase_create("gp");
    tcase_set_timeout(gp, 30);
    tcase_add_test(gp, gp_posterior_hand_case);
    tcase_add_test(gp, gp_gradient_matches_finite_differences);
    suite_add_tcase(s, gp);
    TCase *ga = tcase_create("nsga2");
    tcase_set_timeout(ga, 30);
    tcase_add_test(ga, nsga2_sort_and_crowding);
    tcase_add_test(ga, crowding_three_objectives);
    tcase_add_test(ga, nsga2_solves_zdt1);
    suite_add_tcase(s, ga);
    TCase *proto = tcase_create("protocol");
    tcase_set_timeout(proto, 60);
    tcase_add_loop_test(proto, protocol_mixed_space_with_failures, 0, 2);
    tcase_add_test(proto, tiny_and_degenerate_spaces);
    tcase_add_test(proto, bad_option_is_refused);
    tcase_add_test(proto, shared_object_loads_and_agrees);
    tcase_add_test(proto, out_of_memory_everywhere);
    suite_add_tcase(s, proto);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(hebo_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
