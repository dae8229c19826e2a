/* A network built from a resolved spec on a backend device: nodes (one per
 * backend operation: a dense layer with an activation is two nodes), their
 * activation buffers sized for the largest batch, parameters with optimiser
 * state, and per-batch-size plans made on first use and kept. */
#ifndef DNNR_ENGINE_NETWORK_H
#define DNNR_ENGINE_NETWORK_H

#include <stddef.h>
#include <stdint.h>

#include "engine/backend.h"
#include "engine/spec.h"
#include "util/error.h"

typedef struct dnnr__net dnnr__net;

/** One parameter tensor, input side first: kernel, bias, (BN: gamma, beta, moving mean, moving var). */
typedef struct dnnr__param {
    dnnr_buffer *w, *g, *s1, *s2;
    int64_t count;
    int rank;
    int64_t shape[4];
    int trainable;
    int is_kernel;        /* dense or conv kernel */
    uint32_t layer;       /* index of its weighted layer (0 = nearest the input) */
    uint32_t spec_layer;  /* index of its layer in the spec */
    int role;             /* 0 kernel/gamma, 1 bias/beta, 2 moving mean, 3 moving variance */
    dnnr_regularizer reg; /* kernels only */
    dnnr_plan *update;
    dnnr_plan *clip;      /* the optimiser's clipvalue (spec->clipvalue > 0), else NULL */
} dnnr__param;

typedef struct dnnr__net_params {
    const dnnr_model_spec *spec;
    uint32_t in_rank;     /* 1 (features) or 3 (H, W, C) */
    int64_t in_shape[3];
    int64_t max_batch;
    dnnr__device *dev;
    uint64_t init_key;    /* initialisation stream */
} dnnr__net_params;

/**
 * Build and initialise. Returns DNNR_OK; 1 when Keras would refuse the model
 * (reason in @p why: 0 units, a pool leaving no pixels, orthogonal on a
 * bias, an op the backend cannot plan); or a negative error.
 */
int dnnr__net_create(const dnnr__net_params *p, dnnr__net **out, char *why, size_t why_len,
                     dnnr_error *err);
void dnnr__net_destroy(dnnr__net *net);

int64_t dnnr__net_outputs(const dnnr__net *net);
int64_t dnnr__net_input_size(const dnnr__net *net);
/** The activation of the last node (DNNR_ACT_LINEAR when the last node is not one). */
dnnr_activation dnnr__net_last_activation(const dnnr__net *net);
/** Forward multiply-adds x 2 per sample. */
double dnnr__net_flops(const dnnr__net *net);
uint32_t dnnr__net_n_params(const dnnr__net *net);
dnnr__param *dnnr__net_param(dnnr__net *net, uint32_t i);
uint32_t dnnr__net_n_weighted_layers(const dnnr__net *net);

/** Make the plans for batch size @p n now (so training never plans mid-loop). */
int dnnr__net_prepare(dnnr__net *net, int64_t n, dnnr_error *err);

/**
 * Forward n rows of @p x (n x input size, host). Training mode applies
 * dropout (from @p dropout_key) and batch statistics (updating moving ones).
 */
int dnnr__net_forward(dnnr__net *net, int64_t n, const float *x, int training,
                      uint64_t dropout_key, dnnr_error *err);
/** Download the output (or, with @p logits, the last activation's input). */
int dnnr__net_output(dnnr__net *net, int64_t n, int logits, float *out, dnnr_error *err);
/**
 * Backward from d(loss)/d(output) (or d/d(logits) with @p logits), filling
 * every parameter's gradient. Uses the state of the last forward; with
 * @p training 0 dropout passes gradients through unchanged.
 */
int dnnr__net_backward(dnnr__net *net, int64_t n, const float *grad, int logits, int training,
                       dnnr_error *err);
/**
 * Apply the optimiser to every trainable parameter with per-step @p args
 * (lr and coefficients). @p penalty gets the regularisation penalty of the
 * weights before the update.
 */
int dnnr__net_update(dnnr__net *net, const dnnr_run_args *args, double *penalty, dnnr_error *err);
/** The regularisation penalty of the current weights. */
int dnnr__net_penalty(dnnr__net *net, double *penalty, dnnr_error *err);
/** Host scratch of the largest parameter's size (for reading tensors). */
float *dnnr__net_scratch(dnnr__net *net);
dnnr__device *dnnr__net_device(dnnr__net *net);
const dnnr_model_spec *dnnr__net_spec(const dnnr__net *net);

#endif
