/* Configurations in ConfigSpace's "vector" form, the space BOHB's KDE lives
 * in (SEARCHERS.md B.3). It differs from the host's DNNR_ENCODE_UNIT on
 * purpose: a categorical is its bare index 0..k-1 (the Aitchison-Aitken
 * kernel compares indices), and an integer spans [lo - 0.49999, hi + 0.49999]
 * exactly as ConfigSpace pads it. */
#ifndef DNNR_BOHB_ENCODING_H
#define DNNR_BOHB_ENCODING_H

#include <stdint.h>

#include <dnnrepair/rng.h>
#include <dnnrepair/space.h>

/** ConfigSpace's integer padding. */
#define BOHB_INT_PAD 0.49999

/** Vector value of parameter @p p at @p v. */
double bohb_encode_param(const dnnr_param *p, dnnr_value v);

/** Parameter value of vector entry @p x (rounded and clamped into the domain). */
dnnr_value bohb_decode_param(const dnnr_param *p, double x);

/** Encode a whole configuration into @p out (n_params entries). */
void bohb_encode(const dnnr_space *space, const dnnr_value *config, double *out);

/** Decode a whole vector into @p config. */
void bohb_decode(const dnnr_space *space, const double *vec, dnnr_value *config);

/**
 * ConfigSpace's sample_configuration, in vector form: uniform on [0, 1] per
 * numeric parameter (so log-uniform for log parameters), a uniform index per
 * categorical.
 */
void bohb_sample_prior(const dnnr_space *space, dnnr_rng *rng, double *out);

#endif
