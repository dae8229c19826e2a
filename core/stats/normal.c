/* The standard normal tail as scipy computes it (cephes ndtr), so p-values
 * agree with scipy.stats.norm.sf to the last bits, not just to 1e-9: below
 * |x| = 1/sqrt(2) cephes uses erf, above it erfc. */
#include <math.h>

#include "stats/stats.h"

/* 1/sqrt(2); M_SQRT1_2 is POSIX, not C17, and plugins build without _GNU_SOURCE. */
static const double sqrt_half = 0.70710678118654752440;

static double normal_cdf(double a)
{
    const double x = a * sqrt_half;
    const double z = fabs(x);
    if (z < sqrt_half)
        return 0.5 + 0.5 * erf(x);
    double y = 0.5 * erfc(z);
    return x > 0 ? 1.0 - y : y;
}

double dnnr__normal_sf(double z) { return normal_cdf(-z); }

double dnnr__normal_two_sided_p(double z)
{
    if (isnan(z))
        return NAN;
    return 2.0 * dnnr__normal_sf(fabs(z));
}
