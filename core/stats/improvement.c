/* The study's Improvement Rate: how far the patch moved the metric from the
 * faulty model's toward the fix's. The notebook's "sign reversal for
 * losses", (mu_F - mu_P)/(mu_F - mu_G), is algebraically this same ratio,
 * so one formula serves accuracy and loss. */
#include <math.h>

#include "stats/stats.h"

double dnnr__improvement_rate(double mean_patched, double mean_faulty, double mean_fix)
{
    const double span = mean_fix - mean_faulty;
    if (span == 0.0 || isnan(span))
        return NAN; /* the notebook divided by zero here */
    return (mean_patched - mean_faulty) / span;
}
