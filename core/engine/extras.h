/* A trial's extras (SDK 1.2 dnnr_trial_extras): edits of the resolved model
 * and of its training that the configuration cannot express. The model edits
 * happen here, once, on the spec; the training edits are copied into the
 * spec and read by the network (clipping, momentum: backend plans) and by
 * the training loop (the noise and the plateau schedule below). */
#ifndef DNNR_ENGINE_EXTRAS_H
#define DNNR_ENGINE_EXTRAS_H

#include <stddef.h>
#include <stdint.h>

#include <dnnrepair/trial.h>

#include "engine/spec.h"
#include "util/error.h"

/**
 * Apply @p x (NULL = none) to @p spec. Returns 0; 1 when Keras would refuse
 * the edit (momentum outside [0, 1] or with another optimiser than SGD, a
 * ReduceLROnPlateau factor >= 1, ...; reason in @p why); or a negative error.
 */
int dnnr__extras_apply(dnnr_model_spec *spec, const dnnr_trial_extras *x, char *why,
                       size_t why_len, dnnr_error *err);

/** GaussianNoise(spec->gaussian_noise) added to @p count inputs of training step @p step. */
void dnnr__extras_noise(const dnnr_model_spec *spec, uint64_t key, uint64_t step, float *x,
                        int64_t count);

/** ReduceLROnPlateau's state between epochs (Keras callbacks.py, TF 2.3). */
typedef struct dnnr__plateau {
    double best; /* lowest monitored value so far; +inf at the start */
    int64_t wait;
} dnnr__plateau;

void dnnr__plateau_init(dnnr__plateau *p);
/** After an epoch whose monitored loss was @p value: the learning rate to go on with. */
double dnnr__plateau_step(dnnr__plateau *p, const dnnr_model_spec *spec, double value, double lr);

#endif
