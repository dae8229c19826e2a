#define _POSIX_C_SOURCE 200809L
/* HEBO's suggest (SEARCHERS.md A.1, A.7, A.8): Sobol while the initial design
 * lasts; then power-transform y, fit the warped GP, run NSGA-II on MACE and
 * pick a batch from the Pareto set. */
#include <math.h>
#include <time.h>
#include <string.h>

#include "acq.h"
#include "hebo.h"
#include "power.h"

size_t hebo_n_finite(const dnnr_searcher *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n_obs; i++)
        n += s->obs[i].ok;
    return n;
}

/* Seen before: observed (failed ones too) or in flight, or earlier in rec. */
static int is_known(const dnnr_searcher *s, const dnnr_value *cfg, const dnnr_value *rec,
                    size_t n_rec)
{
    size_t d = s->d;
    for (size_t i = 0; i < s->n_obs; i++)
        if (hebo_config_equal(&s->design, cfg, s->obs_cfg + i * d))
            return 1;
    for (size_t i = 0; i < s->n_pending; i++)
        if (hebo_config_equal(&s->design, cfg, s->pending_cfg + i * d))
            return 1;
    for (size_t i = 0; i < n_rec; i++)
        if (hebo_config_equal(&s->design, cfg, rec + i * d))
            return 1;
    return 0;
}

static void sobol_config(dnnr_searcher *s, double *u, double *opt, dnnr_value *cfg)
{
    hebo_sobol_next(s->sobol, u);
    hebo_design_from_unit(&s->design, u, opt);
    hebo_design_decode(&s->design, opt, cfg);
}

static int ensure_queue(dnnr_searcher *s, size_t q)
{
    if (s->q_cap >= q)
        return DNNR_OK;
    void *p = s->host->realloc(s->host->ctx, s->queue, q * (s->d ? s->d : 1) * sizeof(dnnr_value));
    if (!p)
        return DNNR_ENOMEM;
    s->queue = p;
    s->q_cap = q;
    return DNNR_OK;
}

static int suggest_sobol(dnnr_searcher *s, size_t q)
{
    double u[512], opt[512];
    if (s->d > 512) /* the design caps d; see hebo.c */
        return DNNR_EINVAL;
    int rc = ensure_queue(s, q);
    if (rc)
        return rc;
    for (size_t i = 0; i < q; i++)
        sobol_config(s, u, opt, s->queue + i * s->d);
    s->q_head = 0;
    s->q_len = q;
    s->queue_from_model = 0;
    return DNNR_OK;
}

/* What the NSGA-II objective callback needs. */
typedef struct acq_ctx {
    dnnr_searcher *s;
    hebo_gp *gp;
    double tau, kappa, nu;
    dnnr_rng rng;
    double *gpx, *mu, *var; /* pop_size rows */
} acq_ctx;

static void predict_opt(acq_ctx *a, const double *opt, size_t m)
{
    size_t d = a->s->d, D = a->s->design.gp_dims;
    for (size_t r = 0; r < m; r++)
        hebo_design_gp_input(&a->s->design, opt + r * d, a->gpx + r * D);
    hebo_gp_predict(a->gp, a->gpx, m, a->mu, a->var);
}

static void mace_eval(void *ctx, const double *x, size_t m, double *f)
{
    acq_ctx *a = ctx;
    predict_opt(a, x, m);
    for (size_t r = 0; r < m; r++) {
        double xi1 = 0.0, xi2 = 0.0;
        if (a->s->opt.noisy_acq) {
            xi1 = dnnr_rng_normal(&a->rng);
            xi2 = dnnr_rng_normal(&a->rng);
        }
        hebo_mace(a->mu[r], sqrt(a->var[r]), a->tau, a->kappa, a->s->opt.mace_eps, a->nu, xi1,
                  xi2, f + 3 * r);
    }
}

/* Fit the GP on the included rows (A.4-A.5.6) into *out. Returns DNNR_OK,
 * DNNR_ENOMEM, or 1 when even the raw y cannot be fitted. */
static int fit_model(dnnr_searcher *s, const double *gpx, const double *y, size_t n,
                     uint64_t round, hebo_gp **out)
{
    const dnnr_host *h = s->host;
    *out = NULL;
    double *yt = h->alloc(h->ctx, 3 * n, sizeof *yt); /* output and the transform's scratch */
    if (!yt)
        return DNNR_ENOMEM;
    hebo_power_transform(y, n, yt, yt + n, NULL);
    int rc = 1;
    for (int attempt = 0; attempt < 2 && rc == 1; attempt++) {
        const double *target = attempt == 0 ? yt : y;
        hebo_gp *gp = hebo_gp_create(h, &s->opt.gp, n, s->design.gp_dims, gpx, s->design.gp_lo,
                                     s->design.gp_hi, target);
        if (!gp) {
            rc = DNNR_ENOMEM;
            break;
        }
        dnnr_rng rng;
        dnnr_rng_init(&rng, dnnr_rng_derive(s->key_fit, 2 * round + (uint64_t)attempt));
        /* Warm start: the previous fit's optimum, a good guess once the
         * model has seen most of its data (HEBO itself refits cold). */
        const double *warm = s->opt.warm_start && s->have_warm ? s->warm_u : NULL;
        int fit = hebo_gp_fit_warm(gp, &rng, warm, s->warm_u);
        if (fit == 0) {
            s->have_warm = 1;
            *out = gp;
            rc = DNNR_OK;
        } else {
            hebo_gp_destroy(gp);
            if (fit == DNNR_ENOMEM)
                rc = DNNR_ENOMEM;
        }
    }
    h->free(h->ctx, yt);
    return rc;
}

/* The model-based batch; returns DNNR_OK, DNNR_ENOMEM, or 1 when the model
 * could not be built (the caller falls back to Sobol). */
static int suggest_model(dnnr_searcher *s, size_t q)
{
    const dnnr_host *h = s->host;
    size_t d = s->d, D = s->design.gp_dims, N = s->opt.ga.pop_size;
    uint64_t round = s->n_suggest;
    /* Rows that enter the model: finite ones, plus failed ones at the worst
     * observed value unless the options say drop (HEBO's own behaviour). */
    double worst = -INFINITY;
    for (size_t i = 0; i < s->n_obs; i++)
        if (s->obs[i].ok)
            worst = fmax(worst, s->obs[i].y);
    size_t n = 0;
    for (size_t i = 0; i < s->n_obs; i++)
        n += s->obs[i].ok || !s->opt.drop_failed;

    size_t rec_cap = N + q;
    size_t doubles = n * D + n + N * d + (N + rec_cap) * (D + 2) + rec_cap * d + 3 * d + 64;
    double *buf = h->alloc(h->ctx, doubles, sizeof(double));
    dnnr_value *rec = h->alloc(h->ctx, rec_cap * (d ? d : 1), sizeof *rec);
    size_t *pick = h->alloc(h->ctx, rec_cap, sizeof *pick);
    double *pareto = NULL;
    hebo_gp *gp = NULL;
    int rc = DNNR_ENOMEM;
    if (!buf || !rec || !pick)
        goto done;
    double *gpx = buf, *y = gpx + n * D, *pop = y + n, *work = pop + N * d;
    double *opt = work + (N + rec_cap) * (D + 2) + rec_cap * d, *u = opt + d, *best_x = u + d;
    size_t row = 0;
    double best_y = INFINITY;
    for (size_t i = 0; i < s->n_obs; i++) {
        if (!(s->obs[i].ok || !s->opt.drop_failed))
            continue;
        hebo_design_encode(&s->design, s->obs_cfg + i * d, opt);
        hebo_design_gp_input(&s->design, opt, gpx + row * D);
        y[row] = s->obs[i].ok ? s->obs[i].y : worst;
        if (s->obs[i].ok && s->obs[i].y < best_y) {
            best_y = s->obs[i].y;
            memcpy(best_x, opt, d * sizeof *opt);
        }
        row++;
    }
    struct timespec t0, t1, t2;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    rc = fit_model(s, gpx, y, n, round, &gp);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (rc != DNNR_OK)
        goto done;
    rc = DNNR_ENOMEM;
    acq_ctx a = {.s = s, .gp = gp};
    a.gpx = work;
    a.mu = a.gpx + (N + rec_cap) * D;
    a.var = a.mu + (N + rec_cap);
    predict_opt(&a, best_x, 1);
    a.tau = a.mu[0];
    size_t q_kappa = s->opt.batch_size > 0 ? (size_t)s->opt.batch_size : s->max_in_flight;
    a.kappa = hebo_kappa(hebo_n_finite(s), q_kappa, d, s->opt.kappa_upsilon, s->opt.kappa_delta);
    a.nu = sqrt(2.0 * hebo_gp_noise(gp));
    dnnr_rng_init(&a.rng, dnnr_rng_derive(s->key_acq, round));

    /* Initial population: best_x, then a fresh scrambled Sobol sequence. */
    hebo_sobol *fresh = hebo_sobol_create(h, d, dnnr_rng_derive(s->key_pop, round));
    if (!fresh)
        goto done;
    memcpy(pop, best_x, d * sizeof *pop);
    for (size_t i = 1; i < N; i++) {
        hebo_sobol_next(fresh, u);
        hebo_design_from_unit(&s->design, u, pop + i * d);
    }
    hebo_sobol_destroy(fresh);
    hebo_nsga2_problem pb = {.n_var = d,
                             .n_obj = 3,
                             .lb = s->design.lb,
                             .ub = s->design.ub,
                             .is_int = s->design.discrete,
                             .is_choice = s->opt.choice_operators ? s->design.is_categorical : NULL,
                             .eval = mace_eval,
                             .ctx = &a};
    dnnr_rng ga_rng;
    dnnr_rng_init(&ga_rng, dnnr_rng_derive(s->key_ga, round));
    size_t n_front = 0;
    if (hebo_nsga2_run(h, &s->opt.ga, &pb, pop, N, &ga_rng, &pareto, &n_front) != DNNR_OK)
        goto done;

    clock_gettime(CLOCK_MONOTONIC, &t2);
    h->log(h->ctx, DNNR_LOG_DEBUG, "hebo: %zu rows, GP fit %.3f s, NSGA-II %.3f s, %zu on the front", n,
                (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec),
                (double)(t2.tv_sec - t1.tv_sec) + 1e-9 * (double)(t2.tv_nsec - t1.tv_nsec), n_front);
    /* A.8: decode, drop duplicates and known points, top up with Sobol. */
    size_t n_rec = 0;
    for (size_t i = 0; i < n_front && n_rec < rec_cap; i++) {
        dnnr_value *c = rec + n_rec * d;
        hebo_design_decode(&s->design, pareto + i * d, c);
        if (!is_known(s, c, rec, n_rec))
            n_rec++;
    }
    for (int64_t tries = 0; n_rec < q; tries++) {
        dnnr_value *c = rec + n_rec * d;
        sobol_config(s, u, opt, c);
        if (tries >= s->opt.topup_tries * (int64_t)q || !is_known(s, c, rec, n_rec))
            n_rec++;
    }
    /* q distinct random picks; for q > 2 force max-sigma and min-mu in. */
    dnnr_rng pick_rng;
    dnnr_rng_init(&pick_rng, dnnr_rng_derive(s->key_pick, round));
    for (size_t i = 0; i < n_rec; i++)
        pick[i] = i;
    for (size_t i = 0; i < q; i++) {
        size_t j = i + (size_t)dnnr_rng_below(&pick_rng, n_rec - i);
        size_t t = pick[i];
        pick[i] = pick[j];
        pick[j] = t;
    }
    if (q > 2) {
        size_t arg_sigma = 0, arg_mu = 0;
        double max_var = -INFINITY, min_mu = INFINITY;
        for (size_t i = 0; i < n_rec; i++) {
            hebo_design_encode(&s->design, rec + i * d, opt);
            predict_opt(&a, opt, 1);
            if (a.var[0] > max_var) {
                max_var = a.var[0];
                arg_sigma = i;
            }
            if (a.mu[0] < min_mu) {
                min_mu = a.mu[0];
                arg_mu = i;
            }
        }
        int has_sigma = 0, has_mu = 0;
        for (size_t i = 0; i < q; i++) {
            has_sigma |= pick[i] == arg_sigma;
            has_mu |= pick[i] == arg_mu;
        }
        if (!has_sigma)
            pick[0] = arg_sigma;
        if (!has_mu)
            pick[1] = arg_mu;
    }
    rc = ensure_queue(s, q);
    if (rc)
        goto done;
    for (size_t i = 0; i < q; i++)
        memcpy(s->queue + i * d, rec + pick[i] * d, d * sizeof *rec);
    s->q_head = 0;
    s->q_len = q;
    s->queue_from_model = 1;
    rc = DNNR_OK;
done:
    hebo_gp_destroy(gp);
    h->free(h->ctx, pareto);
    h->free(h->ctx, pick);
    h->free(h->ctx, rec);
    h->free(h->ctx, buf);
    return rc;
}

int hebo_suggest(dnnr_searcher *s, size_t q)
{
    s->n_suggest++; /* derives this suggestion's random streams */
    if (q == 0)
        q = 1;
    if (hebo_n_finite(s) < s->init_threshold)
        return suggest_sobol(s, q);
    int rc = suggest_model(s, q);
    if (rc == 1) {
        s->host->log(s->host->ctx, DNNR_LOG_WARN,
                     "hebo: the GP could not be fitted; using Sobol points");
        return suggest_sobol(s, q);
    }
    return rc;
}
