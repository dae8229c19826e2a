/* Keras (TF 2.3) losses and metrics, evaluated on the host over one batch
 * of network outputs. Labels broadcast as TF does: a loss sees
 * max(k, y_dim) columns, an output or label with one column repeats. */
#ifndef DNNR_ENGINE_LOSS_H
#define DNNR_ENGINE_LOSS_H

#include <stddef.h>
#include <stdint.h>

#include "engine/spec.h"

/**
 * Keras computes cross-entropies from logits when the model's last op is the
 * matching activation (categorical/sparse CE after softmax, binary CE after
 * sigmoid): no clipping, gradient p - t. Nonzero when that applies.
 */
int dnnr__loss_fused(dnnr_loss loss, dnnr_activation last_activation);

/**
 * 0 when @p loss accepts k outputs and labels of y_dim columns; 1 (Keras
 * would raise) with the reason in @p why.
 */
int dnnr__loss_compatible(dnnr_loss loss, int fused, int64_t k, uint32_t y_dim, char *why,
                          size_t why_len);

/** 0 when every label in y (n x 1) is a class index in [0, k); else 1 with why. */
int dnnr__loss_check_labels(dnnr_loss loss, const float *y, uint64_t n, uint32_t y_dim, int64_t k,
                            char *why, size_t why_len);

/**
 * Mean loss over n rows. @p in holds the outputs (n x k), or the logits when
 * @p fused. When @p grad is not NULL it receives d(mean loss)/d(in).
 */
double dnnr__loss_batch(dnnr_loss loss, int fused, const float *in, const float *y, int64_t n,
                        int64_t k, uint32_t y_dim, float *grad);

/** The activation the fused path skips, applied on the host (for metrics). */
void dnnr__loss_activate(dnnr_activation act, const float *z, float *p, int64_t n, int64_t k);

/** How Keras resolves 'accuracy' from shapes. */
typedef enum dnnr_accuracy_kind {
    DNNR_ACC_BINARY = 0,      /**< 1 output: p > 0.5 equals the label */
    DNNR_ACC_SPARSE = 1,      /**< labels (N,1), k > 1: argmax equals the label */
    DNNR_ACC_CATEGORICAL = 2, /**< argmax equals argmax of the labels */
} dnnr_accuracy_kind;

dnnr_accuracy_kind dnnr__accuracy_kind(int64_t k, uint32_t y_dim);
const char *dnnr__accuracy_name(dnnr_accuracy_kind kind);

/** Running sums of the metrics over evaluated rows. */
typedef struct dnnr_metric_sums {
    double loss, correct, squared_error, absolute_error, angle;
    uint64_t rows;
} dnnr_metric_sums;

/** Add n rows of outputs p (n x k) with labels y; loss_mean is their mean loss. */
void dnnr__metrics_add(dnnr_metric_sums *s, const float *p, const float *y, int64_t n, int64_t k,
                       uint32_t y_dim, double loss_mean);

/**
 * UnityEyes' angle metric for one row: (theta, phi) to unit vectors, cosine
 * clipped to +-0.99999 (as a float32, like Keras), acos. A NaN cosine becomes
 * 0.99999 (TF on GPU, which the study's numbers reflect): 0.004475. @p dp, when not NULL, gets d/d(p0, p1).
 */
double dnnr__angle(const float *p, const float *t, double *dp);

#endif
