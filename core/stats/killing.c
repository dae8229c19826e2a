/* DeepCrime's statistical killing of a mutant (here: the faulty program
 * against its fix, which is DeepCrime's "original"). The p-value goes
 * through the 3-decimal text of statsmodels' summary table, because that is
 * what DeepCrime parses: a true p of 0.0496 reads 0.050 and is not killed. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "stats/stats.h"

double dnnr__p_three_decimals(double p)
{
    if (isnan(p))
        return NAN;
    char text[64];
    snprintf(text, sizeof text, "%.3f", p);
    return strtod(text, NULL);
}

int dnnr__killing_criterion(const double *faulty, size_t nf, const double *fix, size_t nx,
                            int maximise, dnnr_killing *out)
{
    *out = (dnnr_killing){NAN, NAN, NAN, NAN, NAN, NAN, 0};
    /* fix = group 0 (DeepCrime's original), faulty = group 1 (the mutant) */
    dnnr_glm_test glm;
    int rc = dnnr__glm_indicator_test(fix, nx, faulty, nf, &glm);
    if (rc != DNNR_OK)
        return rc;
    out->mean_faulty = dnnr__mean(faulty, nf);
    out->mean_fix = dnnr__mean(fix, nx);
    out->z = glm.z;
    out->p = glm.p;
    out->p3 = dnnr__p_three_decimals(glm.p);
    out->d = dnnr__cohens_d(fix, nx, faulty, nf);
    /* Two-sided p, one-sided effect: a significant improvement is not a kill.
     * NaN fails both comparisons, as in numpy. */
    const int significant = out->p3 < DNNR_KILLING_ALPHA;
    const int degraded = maximise ? out->d >= DNNR_KILLING_EFFECT : out->d <= -DNNR_KILLING_EFFECT;
    out->killed = significant && degraded;
    return DNNR_OK;
}
