/* Cohen's d exactly as DeepCrime's stats.py: (mean(a) - mean(b)) over the
 * pooled standard deviation with ddof = 1. DeepCrime has no guard for a zero
 * pooled sd; numpy then gives +-inf, or NaN for 0/0, and we give the same. */
#include <math.h>

#include "stats/stats.h"

double dnnr__cohens_d(const double *a, size_t na, const double *b, size_t nb)
{
    if (na == 0 || nb == 0 || na + nb < 3)
        return NAN;
    const double pooled_var =
        (dnnr__sum_sq_dev(a, na) + dnnr__sum_sq_dev(b, nb)) / (double)(na + nb - 2);
    const double s_pooled = sqrt(pooled_var);
    const double diff = dnnr__mean(a, na) - dnnr__mean(b, nb);
    if (s_pooled > 0)
        return diff / s_pooled;
    return diff > 0 ? INFINITY : diff < 0 ? -INFINITY : NAN;
}
