/* DeepCrime's test: statsmodels GLM, Gaussian family and identity link, of
 * the pooled scores on an intercept and a 0/1 group indicator. With one
 * binary regressor the fit has a closed form: the coefficient is the
 * difference of the group means, the scale (Pearson chi^2 / residual df) is
 * the pooled variance, and statsmodels' default use_t=False makes the test
 * a Wald z against the normal distribution, not Student's t. */
#include <math.h>

#include "stats/stats.h"

int dnnr__glm_indicator_test(const double *a, size_t na, const double *b, size_t nb,
                             dnnr_glm_test *out)
{
    *out = (dnnr_glm_test){NAN, NAN, NAN, NAN};
    if (na == 0 || nb == 0 || na + nb < 3)
        return DNNR_EINVAL;
    for (size_t i = 0; i < na; i++)
        if (!isfinite(a[i]))
            return DNNR_EINVAL;
    for (size_t i = 0; i < nb; i++)
        if (!isfinite(b[i]))
            return DNNR_EINVAL;

    const double residual_df = (double)(na + nb - 2);
    const double scale = (dnnr__sum_sq_dev(a, na) + dnnr__sum_sq_dev(b, nb)) / residual_df;
    out->diff = dnnr__mean(b, nb) - dnnr__mean(a, na);
    out->se = sqrt(scale * (1.0 / (double)na + 1.0 / (double)nb));
    if (out->se > 0)
        out->z = out->diff / out->se;
    else /* identical values within each group: numpy's x/0 */
        out->z = out->diff > 0 ? INFINITY : out->diff < 0 ? -INFINITY : NAN;
    out->p = dnnr__normal_two_sided_p(out->z);
    return DNNR_OK;
}
