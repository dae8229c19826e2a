/* focus: one proposal of the trust-region phase.
 *
 * TuRBO's local step (Eriksson et al., NeurIPS 2019) with HEBO's surrogate
 * and acquisition (the static library dnnr_hebo_model that
 * plugins/searchers/hebo builds):
 *   1. fit HEBO's warped GP (Linear + Matern-3/2 ARD, MAP) on every
 *      full-fidelity observation, y power-transformed, failed trials at the
 *      worst finite value so the model learns to avoid them;
 *   2. draw candidates in the region: a box of side length x (ARD weight) per
 *      numeric dimension around the centre, each numeric dimension perturbed
 *      with probability min(1, 20 / dims) (TuRBO), and up to `hamming`
 *      categoricals changed to another choice;
 *   3. score them with MACE (LCB, -log EI, -log PI with noise injection) and
 *      pick at random among the non-dominated ones, skipping configurations
 *      already proposed.
 * Without a model (too few points, or a fit that fails) the pick is a random
 * candidate of the region. The region's size and centre live in plan.c. */
#include <math.h>
#include <string.h>

#include "../hebo/acq.h"
#include "../hebo/gp.h"
#include "../hebo/kernel.h"
#include "../hebo/nsga2.h"
#include "../hebo/power.h"
#include "focus.h"

typedef struct model {
    hebo_gp *gp;
    double tau, kappa, nu;
} model;

/* Fit on the observations; 0 with *m set, 1 when no model, DNNR_ENOMEM. */
static int fit(const focus_proposal_ctx *pc, const double *uc, dnnr_rng *rng, model *m)
{
    const dnnr_host *h = pc->host;
    const focus_codec *c = pc->codec;
    size_t d = c->d, D = focus_codec_gp_dims(c), n = 0, n_finite = 0;
    double worst = -INFINITY;
    for (size_t i = 0; i < pc->n_obs; i++)
        if (isfinite(pc->obs[i].y)) {
            n_finite++;
            worst = fmax(worst, pc->obs[i].y);
        }
    if (n_finite < (size_t)(pc->opt->min_model_points > 2 ? pc->opt->min_model_points : 2))
        return 1;
    n = pc->n_obs;
    double *buf = h->alloc(h->ctx, n * D + 5 * n + 2 * D + d + 2, sizeof(double));
    if (!buf)
        return DNNR_ENOMEM;
    double *gpx = buf, *y = gpx + n * D, *yt = y + n, *work = yt + n, *lo = work + 3 * n;
    double *hi = lo + D, *u = hi + D;
    focus_codec_gp_bounds(c, lo, hi);
    for (size_t i = 0; i < n; i++) {
        focus_codec_encode(c, pc->obs[i].config, u);
        focus_codec_gp_input(c, u, gpx + i * D);
        y[i] = isfinite(pc->obs[i].y) ? pc->obs[i].y : worst;
    }
    hebo_power_transform(y, n, yt, work, NULL);
    hebo_gp_config cfg;
    hebo_gp_config_default(&cfg);
    cfg.restarts = (int)pc->opt->fit_restarts;
    cfg.max_iter = (int)pc->opt->fit_max_iter;
    int rc = 1;
    for (int attempt = 0; attempt < 2 && rc == 1; attempt++) {
        hebo_gp *gp = hebo_gp_create(h, &cfg, n, D, gpx, lo, hi, attempt == 0 ? yt : y);
        if (!gp) {
            rc = DNNR_ENOMEM;
            break;
        }
        int f = hebo_gp_fit(gp, rng);
        if (f == 0) {
            m->gp = gp;
            rc = 0;
        } else {
            hebo_gp_destroy(gp);
            if (f == DNNR_ENOMEM)
                rc = DNNR_ENOMEM;
        }
    }
    if (rc == 0) {
        double mu, var;
        focus_codec_gp_input(c, uc, gpx); /* row 0 is scratch now */
        hebo_gp_predict(m->gp, gpx, 1, &mu, &var);
        m->tau = mu;
        m->kappa = hebo_kappa(n_finite, pc->q ? pc->q : 1, d, 0.5, 0.01);
        m->nu = sqrt(2.0 * hebo_gp_noise(m->gp));
    }
    h->free(h->ctx, buf);
    return rc;
}

/* TuRBO's box: each numeric dimension's side is L x its lengthscale over
 * the lengthscales' geometric mean (clamped), so the box is longer along
 * the directions the model finds flat. */
static void box_weights(const focus_codec *c, hebo_gp *gp, double *w)
{
    size_t D = gp ? hebo_gp_dims(gp) : 0, col = 0, n_num = 0;
    double log_sum = 0.0;
    const double *theta = gp ? hebo_gp_theta(gp) : NULL;
    for (size_t i = 0; i < c->d; i++) {
        w[i] = 1.0;
        if (!focus_codec_numeric(c, i)) {
            col += c->space->params[i]->n_choices;
            continue;
        }
        if (theta && col < D) {
            double ls = theta[HEBO_TH_LS(col)];
            if (isfinite(ls) && ls > 0) {
                w[i] = ls;
                log_sum += log(ls);
                n_num++;
            }
        }
        col++;
    }
    if (!n_num)
        return;
    double gmean = exp(log_sum / (double)n_num);
    for (size_t i = 0; i < c->d; i++)
        if (focus_codec_numeric(c, i)) {
            double v = w[i] / gmean;
            w[i] = v < 0.25 ? 0.25 : v > 4.0 ? 4.0 : v;
        }
}

/* One candidate around @p uc into @p u. */
static void candidate(const focus_proposal_ctx *pc, const double *uc, const double *w,
                      dnnr_rng *rng, double *u)
{
    const focus_codec *c = pc->codec;
    size_t d = c->d, n_num = 0, n_cat = 0;
    for (size_t i = 0; i < d; i++) {
        if (!(c->params[i].suspicion > 0))
            continue; /* unused parameters stay put */
        if (focus_codec_numeric(c, i))
            n_num++;
        else if (c->space->params[i]->n_choices > 1)
            n_cat++;
    }
    memcpy(u, uc, d * sizeof *u);
    double p = n_num ? fmin(1.0, 20.0 / (double)n_num) : 0.0;
    size_t changed = 0;
    for (size_t i = 0; i < d; i++) {
        if (!(c->params[i].suspicion > 0) || !focus_codec_numeric(c, i))
            continue;
        if (dnnr_rng_uniform(rng) >= p)
            continue;
        double half = 0.5 * pc->length * w[i];
        double lo = fmax(0.0, uc[i] - half), hi = fmin(1.0, uc[i] + half);
        u[i] = lo + (hi - lo) * dnnr_rng_uniform(rng);
        changed++;
    }
    int64_t radius = pc->hamming < (int64_t)n_cat ? pc->hamming : (int64_t)n_cat;
    uint64_t k = radius > 0 ? dnnr_rng_below(rng, (uint64_t)radius + 1) : 0;
    if (!changed && k == 0 && n_cat && radius > 0)
        k = 1;
    if (!changed && k == 0 && n_num) { /* always move somewhere */
        uint64_t pick = dnnr_rng_below(rng, n_num);
        for (size_t i = 0; i < d; i++)
            if (c->params[i].suspicion > 0 && focus_codec_numeric(c, i) && pick-- == 0) {
                double half = 0.5 * pc->length * w[i];
                double lo = fmax(0.0, uc[i] - half), hi = fmin(1.0, uc[i] + half);
                u[i] = lo + (hi - lo) * dnnr_rng_uniform(rng);
                break;
            }
    }
    for (uint64_t j = 0; j < k; j++) {
        /* the j-th change: a categorical not yet changed, uniformly */
        uint64_t pick = dnnr_rng_below(rng, n_cat - j);
        for (size_t i = 0; i < d; i++) {
            const dnnr_param *pp = c->space->params[i];
            if (!(c->params[i].suspicion > 0) || focus_codec_numeric(c, i) || pp->n_choices < 2 ||
                u[i] != uc[i])
                continue;
            if (pick-- > 0)
                continue;
            size_t cur = (size_t)floor(uc[i] * pp->n_choices);
            size_t other = (size_t)dnnr_rng_below(rng, pp->n_choices - 1);
            if (other >= cur)
                other++;
            u[i] = ((double)other + 0.5) / (double)pp->n_choices;
            break;
        }
    }
}

int focus_region_propose(const focus_proposal_ctx *pc, dnnr_value *out, int *from_model)
{
    const dnnr_host *h = pc->host;
    const focus_codec *c = pc->codec;
    size_t d = c->d, D = focus_codec_gp_dims(c);
    size_t N = pc->opt->candidates > 0 ? (size_t)pc->opt->candidates : 1;
    *from_model = 0;
    dnnr_rng rng;
    dnnr_rng_init(&rng, pc->key);
    double *buf = h->alloc(h->ctx, N * d + N * D + 6 * N + 2 * d + 1, sizeof(double));
    int *rank = h->alloc(h->ctx, N, sizeof *rank);
    size_t *order = h->alloc(h->ctx, N, sizeof *order);
    unsigned char *nds = h->alloc(h->ctx, HEBO_NDS_WORK(N), 1);
    model m = {0};
    int rc = DNNR_ENOMEM;
    if (!buf || !rank || !order || !nds)
        goto done;
    double *cu = buf, *cx = cu + N * d, *mu = cx + N * D, *var = mu + N, *f = var + N;
    double *key = f + 3 * N, *uc = key + N, *w = uc + d;
    focus_codec_encode(c, pc->center, uc);
    dnnr_rng fit_rng;
    dnnr_rng_init(&fit_rng, dnnr_rng_derive(pc->key, 1));
    rc = fit(pc, uc, &fit_rng, &m);
    if (rc < 0)
        goto done;
    box_weights(c, m.gp, w);
    for (size_t r = 0; r < N; r++) {
        candidate(pc, uc, w, &rng, cu + r * d);
        key[r] = dnnr_rng_uniform(&rng);
        rank[r] = 0;
    }
    if (m.gp) {
        for (size_t r = 0; r < N; r++)
            focus_codec_gp_input(c, cu + r * d, cx + r * D);
        hebo_gp_predict(m.gp, cx, N, mu, var);
        for (size_t r = 0; r < N; r++) {
            /* Two draws as call arguments would come in an order each
             * compiler picks, so the same seed could propose differently
             * from build to build. The order is fixed here as GCC had it
             * (xi2 first), which keeps the proposals as they were. */
            double xi2 = dnnr_rng_normal(&rng);
            double xi1 = dnnr_rng_normal(&rng);
            hebo_mace(mu[r], sqrt(var[r]), m.tau, m.kappa, 1e-4, m.nu, xi1, xi2, f + 3 * r);
        }
        hebo_nondominated_rank(f, N, 3, rank, nds);
        *from_model = 1;
    }
    /* by front, then at random within a front */
    for (size_t r = 0; r < N; r++)
        order[r] = r;
    for (size_t i = 1; i < N; i++) {
        size_t v = order[i], j = i;
        while (j > 0 && (rank[order[j - 1]] > rank[v] ||
                         (rank[order[j - 1]] == rank[v] && key[order[j - 1]] > key[v]))) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = v;
    }
    rc = DNNR_ENOTFOUND;
    for (size_t i = 0; i < N; i++) {
        focus_codec_decode(c, cu + order[i] * d, out);
        if (!pc->known(pc->known_ctx, out)) {
            rc = DNNR_OK;
            break;
        }
    }
done:
    hebo_gp_destroy(m.gp);
    h->free(h->ctx, nds);
    h->free(h->ctx, order);
    h->free(h->ctx, rank);
    h->free(h->ctx, buf);
    return rc;
}
