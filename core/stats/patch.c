/* When a repeat counts as having found a patch (STATISTICS.md 3.1): the
 * study replaced a NaN or worse-than-faulty final value by the faulty mean
 * and then treated that repeat as patchless for complexity and AJ. A value
 * equal to the faulty mean is therefore no patch. "Equal" allows for
 * rounding: whoever clamped may have summed the faulty runs in another order,
 * so a value within 1e-9 (relative) of the mean counts as clamped. */
#include <math.h>

#include "stats/stats.h"

int dnnr__patch_exists(double value, double mean_faulty, int maximise)
{
    if (!isfinite(value) || isnan(mean_faulty))
        return 0;
    const double slack = 1e-9 * fmax(1.0, fabs(mean_faulty));
    return maximise ? value > mean_faulty + slack : value < mean_faulty - slack;
}
