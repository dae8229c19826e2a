/* Keras (TF 2.3) weight initialisers. */
#ifndef DNNR_ENGINE_INIT_H
#define DNNR_ENGINE_INIT_H

#include <stddef.h>
#include <stdint.h>

#include <dnnrepair/rng.h>

#include "engine/spec.h"

/** Keras' fans: rank 1 -> (n, n); rank 2 -> (s0, s1); conv -> area x (in, out). */
void dnnr__init_fans(int rank, const int64_t *shape, double *fan_in, double *fan_out);

/**
 * Fill @p w (the product of @p shape values, Keras layout) with initialiser
 * @p kind drawing from @p rng. Returns 0, DNNR_ENOMEM, or 1 when Keras would
 * refuse the shape (orthogonal on a 1-D tensor), with the reason in @p why.
 */
int dnnr__init_fill(dnnr_initializer kind, float *w, int rank, const int64_t *shape,
                    dnnr_rng *rng, char *why, size_t why_len);

#endif
