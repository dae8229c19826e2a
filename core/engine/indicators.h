/* AutoTrainer's training indicators (AUTOTRAINER.md section 2), measured on
 * a probe batch without changing the weights. */
#ifndef DNNR_ENGINE_INDICATORS_H
#define DNNR_ENGINE_INDICATORS_H

#include <dnnrepair/trial.h>

#include "engine/network.h"

typedef struct dnnr__probe {
    const float *x, *y; /* n rows */
    int64_t n;
    uint32_t y_dim;
    dnnr_loss loss;
    int fused;
    float *out, *grad; /* host scratch, n x outputs each */
} dnnr__probe;

/**
 * One inference-mode forward and backward of the probe batch (loss plus
 * regularisation), then the indicator members of @p rec; @p layer_arrays
 * holds 3 x weighted-layer doubles that rec's per-layer pointers will use.
 */
int dnnr__indicators_measure(dnnr__net *net, const dnnr__probe *probe, dnnr_epoch_record *rec,
                             double *layer_arrays, dnnr_error *err);

#endif
