/* Means and deviations, summed in input order as numpy does for short
 * arrays (numpy's pairwise summation only changes blocks above 8 values by
 * rounding noise, far below the 1e-9 the tests ask). */
#include <math.h>

#include "stats/stats.h"

double dnnr__mean(const double *x, size_t n)
{
    if (n == 0)
        return NAN;
    double sum = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += x[i];
    return sum / (double)n;
}

double dnnr__sum_sq_dev(const double *x, size_t n)
{
    if (n == 0)
        return 0.0;
    double mean = dnnr__mean(x, n), ss = 0.0;
    for (size_t i = 0; i < n; i++)
        ss += (x[i] - mean) * (x[i] - mean);
    return ss;
}

double dnnr__stddev_pop(const double *x, size_t n)
{
    if (n == 0)
        return NAN;
    return sqrt(dnnr__sum_sq_dev(x, n) / (double)n);
}

double dnnr__stddev_sample(const double *x, size_t n)
{
    if (n < 2)
        return NAN;
    return sqrt(dnnr__sum_sq_dev(x, n) / (double)(n - 1));
}
