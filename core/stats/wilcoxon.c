/* The Wilcoxon signed-rank test, step for step as scipy.stats.wilcoxon
 * (scipy 1.4 for the approximation the study used; scipy 1.5-1.14 for the
 * exact and "auto" methods): same subtraction in doubles, same ranking of
 * |d|, same order of floating-point operations in the variance. */
#include <math.h>
#include <stdbool.h>

#include "stats/scratch.h"
#include "stats/stats.h"

/* scipy 1.9-1.14 "auto": the exact distribution up to this many pairs. */
enum { AUTO_EXACT_MAX_N = 50 };

static void set_nan(dnnr_wilcoxon *out)
{
    out->w = out->r_plus = out->r_minus = out->z = out->p = NAN;
}

/* Mean, tie-corrected sd, z and two-sided p of the normal approximation. */
static void approximate(size_t count, double tie_term, dnnr_wilcoxon *out)
{
    const double n = (double)count;
    const double mean = n * (n + 1.0) * 0.25;
    double var24 = n * (n + 1.0) * (2.0 * n + 1.0);
    var24 -= 0.5 * tie_term;
    const double se = sqrt(var24 / 24.0);
    /* correction=False: no continuity term (scipy's default since 0.x) */
    out->z = (out->w - mean) / se;
    out->p = dnnr__normal_two_sided_p(out->z);
}

int dnnr__wilcoxon(const double *x, const double *y, size_t n, dnnr_wilcoxon_method method,
                   const dnnr_stats_alloc *mem, dnnr_wilcoxon *out)
{
    *out = (dnnr_wilcoxon){.n = n, .method_used = DNNR_WILCOXON_APPROX};
    set_nan(out);
    if (n == 0)
        return DNNR_EINVAL;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i]) || !isfinite(y[i]))
            return DNNR_EINVAL;

    bool exact =
        method == DNNR_WILCOXON_EXACT || (method == DNNR_WILCOXON_AUTO && n <= AUTO_EXACT_MAX_N);
    for (size_t i = 0; i < n; i++)
        out->n_zero += x[i] - y[i] == 0.0;
    if (out->n_zero > 0)
        exact = false; /* scipy: "Exact p-value calculation does not work if there are zeros" */
    if (exact && n > DNNR_WILCOXON_EXACT_MAX_N)
        return DNNR_EUNSUPPORTED;
    if (!exact && out->n_zero == n)
        return DNNR_EINVAL; /* scipy's ValueError: every x - y is zero */

    /* |d| of the kept differences; the sign array remembers the direction. */
    double *abs_d = dnnr__scratch_alloc(mem, 2 * n, sizeof *abs_d);
    if (!abs_d)
        return DNNR_ENOMEM;
    double *ranks = abs_d + n;
    double *d = dnnr__scratch_alloc(mem, n, sizeof *d);
    if (!d) {
        dnnr__scratch_free(mem, abs_d);
        return DNNR_ENOMEM;
    }
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        double di = x[i] - y[i];
        if (di == 0.0 && !exact)
            continue; /* zero_method="wilcox" */
        d[count] = di;
        abs_d[count] = fabs(di);
        count++;
    }
    double tie_term = 0.0;
    int rc = dnnr__rank_average(abs_d, count, ranks, &tie_term, mem);
    if (rc == DNNR_OK) {
        double r_plus = 0.0, r_minus = 0.0;
        for (size_t i = 0; i < count; i++) {
            if (d[i] > 0)
                r_plus += ranks[i];
            else if (d[i] < 0)
                r_minus += ranks[i];
        }
        out->n_used = count;
        out->has_ties = tie_term > 0.0;
        out->r_plus = r_plus;
        out->r_minus = r_minus;
        out->w = fmin(r_plus, r_minus);
        if (exact) {
            out->method_used = DNNR_WILCOXON_EXACT;
            rc = dnnr__wilcoxon_exact_p(count, r_plus, mem, &out->p);
        } else {
            approximate(count, tie_term, out);
        }
    }
    dnnr__scratch_free(mem, d);
    dnnr__scratch_free(mem, abs_d);
    if (rc != DNNR_OK)
        set_nan(out);
    return rc;
}
