/* benchmarks/search: simple regret of a searcher on the testfunctions
 * subjects, in process (no workers, one trial in flight), and hebo's suggest
 * time. One JSON object per line on stdout.
 *
 *   bench_search regret <hebo|random> <function> <dim|0> <seeds> <evals> [options]
 *       seeds: N for seeds 0..N-1, or A-B for seeds A..B-1 (one process per
 *       seed spreads a run over cores)
 *   bench_search suggest-time <dim> <observations> <repeats> [options]
 *       the first model-based ask after that many observations (a cold
 *       fit: n_init = observations - 1)
 *   bench_search suggest-time-run <dim> <observations> <repeats> [options]
 *       the ask after that many observations in a run with the default
 *       initial design (steady state: earlier fits happened), plus the mean
 *       and largest model-based ask time of the run
 *   bench_search gp-profile <n> <dims> <repeats>
 *       CPU time of the GP's pieces on n random rows of dims inputs (one
 *       objective evaluation and its parts, 100 predictions), the least
 *       over repeats: where a suggestion's time goes
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <dnnrepair/dnnrepair.h>

#include "gp.h"
#include "kernel.h"
#include "linalg.h"
#include "test_hebo_driver.h"

const dnnr_plugin_desc *dnnr_plugin_hebo_entry(void);
const dnnr_plugin_desc *dnnr_plugin_random_entry(void);

static int regret(int argc, char **argv)
{
    if (argc < 7)
        return 2;
    const dnnr_plugin_desc *desc = strcmp(argv[2], "hebo") == 0 ? dnnr_plugin_hebo_entry()
                                                                : dnnr_plugin_random_entry();
    const char *function = argv[3];
    int dim = atoi(argv[4]);
    int first = 0, seeds = atoi(argv[5]);
    const char *dash = strchr(argv[5], '-');
    if (dash) {
        first = atoi(argv[5]);
        seeds = atoi(dash + 1);
    }
    size_t evals = (size_t)atol(argv[6]);
    const char *options = argc > 7 ? argv[7] : NULL;
    double *r = calloc(evals, sizeof *r);
    if (!r)
        return 1;
    for (int seed = first; seed < seeds; seed++) {
        double seconds = 0;
        if (hebo_drive(desc, options, (uint64_t)seed + 1, function, dim, evals, r, &seconds) != 0)
            return 1;
        printf("{\"searcher\": \"%s\", \"function\": \"%s\", \"seed\": %d, \"ask_seconds\": %.3f, "
               "\"regret\": [",
               desc->name, function, seed, seconds);
        for (size_t t = 0; t < evals; t++)
            printf("%s%.10g", t ? ", " : "", r[t]);
        printf("]}\n");
        fflush(stdout);
    }
    free(r);
    return 0;
}

/* Time the first model-based ask after @p obs observations on Ackley-dim:
 * n_init makes the first obs - 1 suggestions Sobol points (plus the start). */
static int suggest_time(int argc, char **argv)
{
    if (argc < 5)
        return 2;
    int dim = atoi(argv[2]);
    int obs = atoi(argv[3]);
    int repeats = atoi(argv[4]);
    const char *extra = argc > 5 ? argv[5] : "";
    char options[512];
    snprintf(options, sizeof options, "n_init = %d; %s", obs - 1, extra);
    size_t evals = (size_t)obs + 1;
    double *r = calloc(evals, sizeof *r);
    for (int rep = 0; rep < repeats; rep++) {
        double total = 0, sobol_only = 0;
        /* obs evaluations are Sobol (cheap); the (obs+1)-th ask fits and runs MACE */
        hebo_drive(dnnr_plugin_hebo_entry(), options, (uint64_t)rep + 1, "ackley", dim,
                   (size_t)obs, r, &sobol_only);
        hebo_drive(dnnr_plugin_hebo_entry(), options, (uint64_t)rep + 1, "ackley", dim, evals, r,
                   &total);
        printf("{\"dim\": %d, \"observations\": %d, \"repeat\": %d, \"suggest_seconds\": %.4f}\n",
               dim, obs, rep, total - sobol_only);
        fflush(stdout);
    }
    free(r);
    return 0;
}

static double thread_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Least over @p reps of the CPU time of @p inner calls of a statement, per
 * call (us): on a shared machine the least is the cost, the rest is other
 * people's load. */
#define TIME_US(reps, inner, stmt)                                                                \
    ({                                                                                            \
        double t_[64];                                                                            \
        for (int r_ = 0; r_ < (reps); r_++) {                                                     \
            double a_ = thread_seconds();                                                         \
            for (int i_ = 0; i_ < (inner); i_++) {                                                \
                stmt;                                                                             \
            }                                                                                     \
            t_[r_] = (thread_seconds() - a_) * 1e6 / (inner);                                    \
        }                                                                                         \
        qsort(t_, (size_t)(reps), sizeof *t_, cmp_double);                                       \
        t_[0];                                                                                    \
    })

static int gp_profile(int argc, char **argv)
{
    if (argc < 5)
        return 2;
    size_t n = (size_t)atol(argv[2]), D = (size_t)atol(argv[3]);
    int reps = atoi(argv[4]);
    if (n < 2 || D < 1 || D > 512 || reps < 1 || reps > 64)
        return 2;
    dnnr_error err = {{0}};
    dnnr_host *h = dnnr__host_create_simple("hebo", 1, NULL, &err);
    if (!h)
        return 1;
    hebo_gp_config cfg;
    hebo_gp_config_default(&cfg);
    size_t nt = HEBO_N_THETA(D), m = 100;
    double *x = calloc(n * D, sizeof *x), *y = calloc(n, sizeof *y), *lo = calloc(D, sizeof *lo);
    double *hi = calloc(D, sizeof *hi), *u = calloc(nt, sizeof *u), *g = calloc(nt, sizeof *g);
    double *xs = calloc(m * D, sizeof *xs), *mu = calloc(m, sizeof *mu), *var = calloc(m, sizeof *var);
    double *k = calloc(n * n, sizeof *k), *e = calloc(n * n, sizeof *e), *l = calloc(n * n, sizeof *l);
    double *inv = calloc(n * n, sizeof *inv), *work = calloc(n * n + 2 * n * D + n, sizeof *work);
    double *wt = calloc(n * D, sizeof *wt), *gt = calloc(nt, sizeof *gt), *gw = calloc(n * D, sizeof *gw);
    dnnr_rng rng;
    dnnr_rng_init(&rng, 5);
    for (size_t i = 0; i < n * D; i++)
        x[i] = 2 * dnnr_rng_uniform(&rng) - 1;
    for (size_t i = 0; i < m * D; i++)
        xs[i] = 2 * dnnr_rng_uniform(&rng) - 1;
    for (size_t i = 0; i < n; i++)
        y[i] = sin(3 * x[i * D]) + x[i * D + (D > 1)] * x[i * D + (D > 1)];
    for (size_t j = 0; j < D; j++) {
        lo[j] = -1 - 1e-6;
        hi[j] = 1 + 1e-6;
    }
    hebo_gp *gp = hebo_gp_create(h, &cfg, n, D, x, lo, hi, y);
    if (!gp)
        return 1;
    double *th = hebo_gp_theta(gp);
    for (size_t j = 0; j < D; j++) {
        th[HEBO_TH_LS(j)] = 0.5 + 0.1 * (double)(j % 5);
        th[HEBO_TH_A(D, j)] = 0.8 + 0.05 * (double)(j % 7);
        th[HEBO_TH_B(D, j)] = 1.3 - 0.05 * (double)(j % 3);
    }
    th[HEBO_TH_NOISE] = 0.01;
    hebo_gp_theta_to_u(gp, th, u);
    /* the parts, on the (unwarped) inputs themselves */
    int inner = (int)(2e6 / ((double)n * (double)n * (double)(D + n))) + 1;
    double t_kernel = TIME_US(reps, inner, hebo_kernel_matrix(x, n, D, th, k, e, wt));
    double t_chol = TIME_US(reps, inner, hebo_jitchol(k, n, l, NULL));
    double t_inv = TIME_US(reps, inner, hebo_chol_inverse(l, n, inv, work));
    for (size_t i = 0; i < n * n; i++)
        inv[i] = -inv[i];
    double t_grad = TIME_US(reps, inner, hebo_kernel_grad(x, n, D, th, k, e, inv, gt, gw, work));
    /* two points in turn: the objective keeps its last point's work for a
     * gradient asked there, and that is not what is timed here */
    double *u2 = calloc(nt, sizeof *u2), f = 0;
    for (size_t i = 0; i < nt; i++)
        u2[i] = u[i] + 1e-9;
    int flip = 0;
    double t_obj = TIME_US(reps, inner, f = hebo_gp_objective(gp, (flip ^= 1) ? u2 : u, g));
    double t_val = TIME_US(reps, inner, f += hebo_gp_objective(gp, (flip ^= 1) ? u2 : u, NULL));
    hebo_gp_condition(gp);
    double t_pred = TIME_US(reps, 1, hebo_gp_predict(gp, xs, m, mu, var));
    double t_fit = TIME_US(1, 1, hebo_gp_fit(gp, &rng));
    printf("{\"n\": %zu, \"dims\": %zu, \"objective_us\": %.1f, \"value_only_us\": %.1f, "
           "\"kernel_matrix_us\": %.1f, \"cholesky_us\": %.1f, \"inverse_us\": %.1f, "
           "\"kernel_grad_us\": %.1f, \"predict_100_us\": %.1f, \"fit_ms\": %.1f, \"f\": %.6g}\n",
           n, D, t_obj, t_val, t_kernel, t_chol, t_inv, t_grad, t_pred, t_fit / 1000.0, f);
    hebo_gp_destroy(gp);
    free(x), free(y), free(lo), free(hi), free(u), free(g), free(xs), free(mu), free(var);
    free(k), free(e), free(l), free(inv), free(work), free(wt), free(gt), free(gw), free(u2);
    dnnr__host_destroy(h);
    return 0;
}

/* Steady state: a run with the default initial design on Ackley-dim; the
 * CPU time of the ask that follows @p obs observations (the model has been
 * fitted before, so a warm start has something to start from), and the
 * mean and largest ask time over the model-based asks up to it. */
static int suggest_time_run(int argc, char **argv)
{
    if (argc < 5)
        return 2;
    int dim = atoi(argv[2]);
    int obs = atoi(argv[3]);
    int repeats = atoi(argv[4]);
    const char *options = argc > 5 ? argv[5] : "";
    if (dim < 1 || obs < dim + 3 || repeats < 1)
        return 2;
    size_t evals = (size_t)obs + 1;
    double *r = calloc(evals, sizeof *r), *ask = calloc(evals, sizeof *ask);
    if (!r || !ask)
        return 1;
    for (int rep = 0; rep < repeats; rep++) {
        if (hebo_drive_timed(dnnr_plugin_hebo_entry(), options, (uint64_t)rep + 1, "ackley", dim,
                             evals, r, NULL, ask) != 0)
            return 1;
        /* the first model-based ask follows dim + 2 observations (start + d + 1 Sobol) */
        double sum = 0.0, top = 0.0;
        size_t first = (size_t)dim + 2, count = 0;
        for (size_t t = first; t < evals; t++, count++) {
            sum += ask[t];
            top = ask[t] > top ? ask[t] : top;
        }
        printf("{\"dim\": %d, \"observations\": %d, \"repeat\": %d, \"suggest_seconds\": %.4f, "
               "\"mean_model_ask\": %.4f, \"max_model_ask\": %.4f, \"regret\": %.6g}\n",
               dim, obs, rep, ask[evals - 1], sum / (double)count, top, r[evals - 1]);
        fflush(stdout);
    }
    free(r);
    free(ask);
    return 0;
}

int main(int argc, char **argv)
{
    int rc = 2;
    if (argc > 1 && strcmp(argv[1], "regret") == 0)
        rc = regret(argc, argv);
    else if (argc > 1 && strcmp(argv[1], "suggest-time") == 0)
        rc = suggest_time(argc, argv);
    else if (argc > 1 && strcmp(argv[1], "suggest-time-run") == 0)
        rc = suggest_time_run(argc, argv);
    else if (argc > 1 && strcmp(argv[1], "gp-profile") == 0)
        rc = gp_profile(argc, argv);
    if (rc == 2)
        fprintf(stderr, "usage: bench_search regret <hebo|random> <function> <dim|0> <seeds> "
                        "<evals> [options]\n       bench_search suggest-time <dim> <obs> "
                        "<repeats> [options]\n       bench_search suggest-time-run <dim> <obs> <repeats> "
                        "[options]\n       bench_search gp-profile <n> <dims> <repeats>\n");
    return rc;
}
