/* The Vargha-Delaney A12 effect size, as the study's notebook computes it
 * (it computed A12 per patch but reported none): from the rank sum of the
 * first sample in the pooled average ranking. */
#include <math.h>

#include "stats/scratch.h"
#include "stats/stats.h"

int dnnr__vargha_delaney_a12(const double *a, size_t m, const double *b, size_t n,
                             const dnnr_stats_alloc *mem, double *a12)
{
    *a12 = NAN;
    if (m == 0 || n == 0)
        return DNNR_EINVAL;
    double *pooled = dnnr__scratch_alloc(mem, 2 * (m + n), sizeof *pooled);
    if (!pooled)
        return DNNR_ENOMEM;
    double *ranks = pooled + m + n;
    for (size_t i = 0; i < m; i++)
        pooled[i] = a[i];
    for (size_t j = 0; j < n; j++)
        pooled[m + j] = b[j];
    int rc = dnnr__rank_average(pooled, m + n, ranks, NULL, mem);
    if (rc == DNNR_OK) {
        double r1 = 0.0;
        for (size_t i = 0; i < m; i++)
            r1 += ranks[i];
        const double dm = (double)m, dn = (double)n;
        *a12 = (2.0 * r1 - dm * (dm + 1.0)) / (2.0 * dm * dn);
    }
    dnnr__scratch_free(mem, pooled);
    return rc;
}

dnnr_a12_magnitude dnnr__a12_magnitude(double a12)
{
    /* Hess & Kromrey's bounds on the scaled |2A - 1|; the notebook's
     * bisect_left makes each upper bound inclusive. */
    const double scaled = fabs(2.0 * a12 - 1.0);
    if (scaled <= 0.147)
        return DNNR_A12_NEGLIGIBLE;
    if (scaled <= 0.33)
        return DNNR_A12_SMALL;
    if (scaled <= 0.474)
        return DNNR_A12_MEDIUM;
    return DNNR_A12_LARGE;
}

const char *dnnr__a12_magnitude_name(dnnr_a12_magnitude m)
{
    switch (m) {
    case DNNR_A12_NEGLIGIBLE:
        return "negligible";
    case DNNR_A12_SMALL:
        return "small";
    case DNNR_A12_MEDIUM:
        return "medium";
    case DNNR_A12_LARGE:
        return "large";
    }
    return "unknown";
}
