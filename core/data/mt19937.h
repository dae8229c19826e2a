/* MT19937 exactly as numpy's legacy RandomState uses it, so data splits and
 * generated data sets select the study's exact rows. Plain C with no core
 * dependencies: loader plugins compile this file in as well. */
#ifndef DNNR_DATA_MT19937_H
#define DNNR_DATA_MT19937_H

#include <stdint.h>

typedef struct dnnr_mt19937 {
    uint32_t state[624];
    int index;
} dnnr_mt19937;

/** numpy.random.RandomState(seed) for an integer seed (init_genrand). */
void dnnr__mt19937_seed(dnnr_mt19937 *mt, uint32_t seed);
uint32_t dnnr__mt19937_next(dnnr_mt19937 *mt);
/** numpy's random_interval: uniform in [0, max] by masked rejection. */
uint64_t dnnr__mt19937_interval(dnnr_mt19937 *mt, uint64_t max);
/** RandomState.random_sample(): 53-bit double in [0, 1). */
double dnnr__mt19937_double(dnnr_mt19937 *mt);

#endif
