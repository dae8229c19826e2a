/* The one-sided Mann-Whitney U (Wilcoxon rank-sum) test, step for step as
 * scipy.stats.mannwhitneyu (scipy >= 1.7, method "auto", continuity on),
 * and the two uses patch minimisation makes of it. Ranks and the normal
 * tail come from core/stats, which already match scipy's rankdata and
 * norm.sf to the last bits. */
#include <math.h>

#include "minimise/minimise.h"
#include "stats/stats.h"
#include "util/alloc.h"

/* scipy's "auto": the exact distribution when a sample has at most this many
 * values and nothing ties. */
enum { EXACT_MAX_SMALL = 8 };
/* Beyond this many values of U the exact table is not built (scipy would;
 * the normal approximation is then excellent anyway). */
#define EXACT_MAX_CELLS 10000000.0

static void *core_alloc(void *ctx, size_t n, size_t size)
{
    (void)ctx;
    return dnnr__alloc(n, size);
}

static void core_free(void *ctx, void *p)
{
    (void)ctx;
    dnnr__free(p);
}

/*
 * P(U >= u) under the null for samples of m and n values without ties.
 * The frequencies of U are the coefficients of the Gaussian binomial
 * [m+n choose m]_q = prod_{k=1..m} (1 - q^(n+k)) / (1 - q^k), built one
 * factor at a time (each partial product is itself a polynomial). As scipy,
 * the tail is summed from the nearer end: sf(u) = cdf(mn - u) by symmetry.
 */
static int exact_sf(size_t m, size_t n, double u, double *p)
{
    if (m > n) {
        size_t t = m;
        m = n;
        n = t;
    }
    const size_t degree = m * n;
    double *c = dnnr__alloc(degree + m + 1, sizeof *c);
    if (!c)
        return DNNR_ENOMEM;
    c[0] = 1.0;
    size_t top = 0; /* degree of the partial product */
    for (size_t k = 1; k <= m; k++) {
        const size_t shift = n + k, hi = top + shift;
        for (size_t i = hi; i >= shift; i--) /* times (1 - q^(n+k)) */
            c[i] -= c[i - shift];
        for (size_t i = k; i <= hi; i++) /* over (1 - q^k): exact, integers in doubles */
            c[i] += c[i - k];
        top += n;
        for (size_t i = top + 1; i <= hi; i++)
            c[i] = 0.0; /* zero already; rounding can leave nothing else */
    }
    double total = 0.0;
    for (size_t i = 0; i <= degree; i++)
        total += c[i];
    const long long k = (long long)floor(u); /* scipy casts U to int */
    const long long kc = (long long)degree - k;
    double cdf = 0.0;
    if (k < kc) {
        for (long long i = 0; i <= k; i++)
            cdf += c[i] / total;
        *p = 1.0 - cdf + (k >= 0 ? c[k] / total : 0.0);
    } else {
        for (long long i = 0; i <= kc; i++)
            cdf += c[i] / total;
        *p = cdf;
    }
    if (*p > 1.0)
        *p = 1.0;
    if (*p < 0.0)
        *p = 0.0;
    dnnr__free(c);
    return DNNR_OK;
}

int dnnr__ranksum_test(const double *x, size_t nx, const double *y, size_t ny,
                       dnnr_ranksum_alternative alternative, dnnr_ranksum *out)
{
    *out = (dnnr_ranksum){.u1 = NAN, .z = NAN, .p = NAN};
    if (nx == 0 || ny == 0)
        return DNNR_EINVAL;
    for (size_t i = 0; i < nx; i++)
        if (isnan(x[i]))
            return DNNR_EINVAL;
    for (size_t i = 0; i < ny; i++)
        if (isnan(y[i]))
            return DNNR_EINVAL;
    const size_t n = nx + ny;
    double *pooled = dnnr__alloc(2 * n, sizeof *pooled);
    if (!pooled)
        return DNNR_ENOMEM;
    double *ranks = pooled + n;
    for (size_t i = 0; i < nx; i++)
        pooled[i] = x[i];
    for (size_t j = 0; j < ny; j++)
        pooled[nx + j] = y[j];
    const dnnr_stats_alloc mem = {NULL, core_alloc, core_free};
    double tie_term = 0.0;
    int rc = dnnr__rank_average(pooled, n, ranks, &tie_term, &mem);
    if (rc) {
        dnnr__free(pooled);
        return rc;
    }
    double r1 = 0.0;
    for (size_t i = 0; i < nx; i++)
        r1 += ranks[i];
    dnnr__free(pooled);

    const double n1 = (double)nx, n2 = (double)ny, nn = (double)n;
    out->u1 = r1 - n1 * (n1 + 1.0) / 2.0;
    const double u2 = n1 * n2 - out->u1;
    const double u = alternative == DNNR_RANKSUM_GREATER ? out->u1 : u2;
    out->ties = tie_term > 0.0;
    const int small = nx <= EXACT_MAX_SMALL || ny <= EXACT_MAX_SMALL;
    if (small && !out->ties && n1 * n2 <= EXACT_MAX_CELLS) {
        out->exact = 1;
        return exact_sf(nx, ny, u, &out->p);
    }
    const double mu = n1 * n2 / 2.0;
    const double s = sqrt(n1 * n2 / 12.0 * ((nn + 1.0) - tie_term / (nn * (nn - 1.0))));
    if (!(s > 0.0)) { /* every value equal: no evidence either way */
        out->p = 1.0;
        return DNNR_OK;
    }
    double numerator = u - mu;
    numerator -= 0.5; /* continuity: the p-value keeps the mass at U */
    out->z = numerator / s;
    out->p = dnnr__normal_sf(out->z);
    if (out->p > 1.0)
        out->p = 1.0;
    return DNNR_OK;
}

/* Failed trainings (NaN, or an infinity of either sign) are the worst value
 * of the metric's direction: +inf is no best score on a metric to maximise. */
static double *worst_filled(const double *v, size_t n, int maximise)
{
    double *w = dnnr__alloc(n + 1, sizeof *w);
    for (size_t i = 0; w && i < n; i++)
        w[i] = isfinite(v[i]) ? v[i] : maximise ? -INFINITY : INFINITY;
    return w;
}

/* p of "a is worse than b" (worse = 1) or "a is better than b" (worse = 0). */
static double one_sided_p(const double *a, size_t na, const double *b, size_t nb, int maximise,
                          int worse)
{
    double *x = worst_filled(a, na, maximise), *y = worst_filled(b, nb, maximise);
    double p = 1.0;
    dnnr_ranksum r;
    /* "worse" is "less" for a metric to maximise, "greater" for a loss. */
    dnnr_ranksum_alternative alt = (maximise == worse) ? DNNR_RANKSUM_LESS : DNNR_RANKSUM_GREATER;
    if (x && y && na && nb && dnnr__ranksum_test(x, na, y, nb, alt, &r) == DNNR_OK)
        p = r.p;
    dnnr__free(x);
    dnnr__free(y);
    return p;
}

int dnnr__minimise_accept(const double *candidate, size_t nc, const double *patch, size_t np,
                          int maximise, double alpha, double *p_out)
{
    double p = one_sided_p(candidate, nc, patch, np, maximise, 1);
    if (p_out)
        *p_out = p;
    return !(p < alpha);
}

int dnnr__minimise_better(const double *sample, size_t n, const double *faulty, size_t nf,
                          int maximise, double alpha, double *p_out)
{
    double p = one_sided_p(sample, n, faulty, nf, maximise, 0);
    if (p_out)
        *p_out = p;
    return p < alpha;
}
