/* The standard normal distribution and its truncation to an interval: what
 * BOHB's candidate sampler draws continuous parameters from (scipy's
 * truncnorm in HpBandSter). Plugins link nothing but libm, so the quantile
 * function is Wichura's AS 241 rather than GSL's. */
#ifndef DNNR_BOHB_TRUNCNORM_H
#define DNNR_BOHB_TRUNCNORM_H

#include <dnnrepair/rng.h>

/** Standard normal CDF. */
double bohb_normal_cdf(double x);

/** Standard normal quantile for p in (0, 1) (AS 241, ~1e-16 relative). */
double bohb_normal_quantile(double p);

/**
 * A standard normal draw conditioned on [a, b] (a < b; either may be
 * infinite). Inverse CDF, computed in the lower tail so that bounds far out
 * keep their precision; an exponential rejection sampler (Robert 1995) takes
 * over when both bounds lie so far out that the CDF underflows.
 */
double bohb_truncnorm_standard(dnnr_rng *rng, double a, double b);

/** A draw from N(mean, sd^2) truncated to [lo, hi]. */
double bohb_truncnorm(dnnr_rng *rng, double mean, double sd, double lo, double hi);

#endif
