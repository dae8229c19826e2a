/* The Keras vocabulary: names as Keras (and the benchmark's scripts) spell
 * them, mapped to the engine's enums, plus Keras' constants. */
#ifndef DNNR_ENGINE_KERAS_H
#define DNNR_ENGINE_KERAS_H

#include "engine/spec.h"

/* Each returns 0 and sets *out, or -1 for an unknown name. */
int dnnr__keras_activation(const char *name, dnnr_activation *out);
int dnnr__keras_loss(const char *name, dnnr_loss *out);
int dnnr__keras_optimizer(const char *name, dnnr_optimizer *out);
int dnnr__keras_initializer(const char *name, dnnr_initializer *out);
int dnnr__keras_regularizer(const char *name, dnnr_regularizer *out);

const char *dnnr__keras_activation_name(dnnr_activation a);
const char *dnnr__keras_loss_name(dnnr_loss l);
const char *dnnr__keras_optimizer_name(dnnr_optimizer o);
const char *dnnr__keras_initializer_name(dnnr_initializer i);

/** Comma-separated list of the accepted names, for error messages. */
const char *dnnr__keras_names(const char *what);

#define DNNR_KERAS_EPSILON 1e-7 /* backend.epsilon() */
#define DNNR_KERAS_REG_FACTOR 0.01

#endif
