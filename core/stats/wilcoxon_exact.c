/* The exact null distribution of R+ (the rank sum of the positive
 * differences among n distinct non-zero ones): every sign pattern is equally
 * likely. Built as scipy's _get_wilcoxon_distr does, in probabilities halved
 * at each step, so large n cannot overflow a count. */
#include <math.h>

#include "stats/scratch.h"
#include "stats/stats.h"

int dnnr__wilcoxon_exact_p(size_t n, double r_plus, const dnnr_stats_alloc *mem, double *p)
{
    *p = NAN;
    if (n > DNNR_WILCOXON_EXACT_MAX_N || !(r_plus >= 0))
        return n > DNNR_WILCOXON_EXACT_MAX_N ? DNNR_EUNSUPPORTED : DNNR_EINVAL;
    const size_t max_sum = n * (n + 1) / 2;
    double *pmf = dnnr__scratch_alloc(mem, max_sum + 1, sizeof *pmf);
    if (!pmf)
        return DNNR_ENOMEM;
    /* pmf over 0..k(k+1)/2 after k ranks: rank k is either negative (sum
     * unchanged) or positive (sum + k), each with probability 1/2. Walk
     * downwards so each old entry is read before it is overwritten. */
    pmf[0] = 1.0;
    for (size_t k = 1; k <= n; k++) {
        const size_t top = k * (k + 1) / 2, prev_top = (k - 1) * k / 2;
        for (size_t s = top + 1; s-- > 0;) {
            double stay = s <= prev_top ? pmf[s] : 0.0;
            double moved = s >= k && s - k <= prev_top ? pmf[s - k] : 0.0;
            pmf[s] = 0.5 * stay + 0.5 * moved;
        }
    }
    /* scipy: r_plus = int(r_plus), which truncates a tied half rank */
    size_t r = (size_t)r_plus;
    if (r > max_sum)
        r = max_sum;
    if (r == max_sum / 2) {
        *p = 1.0; /* the centre of the distribution */
    } else {
        double p_less = 0.0, p_greater = 0.0;
        for (size_t s = 0; s <= r; s++)
            p_less += pmf[s];
        for (size_t s = r; s <= max_sum; s++)
            p_greater += pmf[s];
        *p = fmin(1.0, 2.0 * fmin(p_less, p_greater));
    }
    dnnr__scratch_free(mem, pmf);
    return DNNR_OK;
}
