/* A resolved model: what the engine trains. Made by dnnr__model_resolve
 * (template.h) from a template and a configuration; every name is already
 * mapped to its Keras meaning (keras.h), every `repeat` expanded. */
#ifndef DNNR_ENGINE_SPEC_H
#define DNNR_ENGINE_SPEC_H

#include <stdint.h>

#include <dnnrepair/backend.h>

typedef enum dnnr_layer_kind {
    DNNR_LAYER_DENSE = 0,
    DNNR_LAYER_CONV2D = 1,
    DNNR_LAYER_MAX_POOL2D = 2,
    DNNR_LAYER_AVG_POOL2D = 3,
    DNNR_LAYER_DROPOUT = 4,
    DNNR_LAYER_FLATTEN = 5,
    DNNR_LAYER_ACTIVATION = 6,
    DNNR_LAYER_BATCH_NORM = 7,
    DNNR_LAYER_INPUT = 8,       /**< first layer only: the sample's main input shape (and side features) */
    DNNR_LAYER_CONCATENATE = 9, /**< joins the side features with the (flat) activations */
    DNNR_LAYER_KIND_COUNT_
} dnnr_layer_kind;

/** Activations: the element-wise ones share dnnr_eltwise_alg's values. */
typedef enum dnnr_activation {
    DNNR_ACT_LINEAR = DNNR_ELTWISE_LINEAR,
    DNNR_ACT_RELU = DNNR_ELTWISE_RELU,
    DNNR_ACT_ELU = DNNR_ELTWISE_ELU,
    DNNR_ACT_SELU = DNNR_ELTWISE_SELU,
    DNNR_ACT_SOFTPLUS = DNNR_ELTWISE_SOFTPLUS,
    DNNR_ACT_SOFTSIGN = DNNR_ELTWISE_SOFTSIGN,
    DNNR_ACT_TANH = DNNR_ELTWISE_TANH,
    DNNR_ACT_SIGMOID = DNNR_ELTWISE_SIGMOID,
    DNNR_ACT_HARD_SIGMOID = DNNR_ELTWISE_HARD_SIGMOID,
    DNNR_ACT_EXPONENTIAL = DNNR_ELTWISE_EXP,
    DNNR_ACT_SOFTMAX = 100,
} dnnr_activation;

typedef enum dnnr_loss {
    DNNR_LOSS_MSE = 0,
    DNNR_LOSS_MAE,
    DNNR_LOSS_MAPE,
    DNNR_LOSS_MSLE,
    DNNR_LOSS_SQUARED_HINGE,
    DNNR_LOSS_HINGE,
    DNNR_LOSS_CATEGORICAL_HINGE,
    DNNR_LOSS_LOGCOSH,
    DNNR_LOSS_CATEGORICAL_CE,
    DNNR_LOSS_SPARSE_CATEGORICAL_CE,
    DNNR_LOSS_BINARY_CE,
    DNNR_LOSS_KLD,
    DNNR_LOSS_POISSON,
    DNNR_LOSS_ANGLE, /**< UnityEyes angle_loss_fn */
    DNNR_LOSS_COUNT_
} dnnr_loss;

/** Optimisers share dnnr_update_alg's values. */
typedef dnnr_update_alg dnnr_optimizer;

typedef enum dnnr_initializer {
    DNNR_INIT_ZEROS = 0,
    DNNR_INIT_ONES,
    DNNR_INIT_CONSTANT, /**< Constant(0), also 'initialiser_const' */
    DNNR_INIT_RANDOM_NORMAL, /**< N(0, 0.05), also 'normal' */
    DNNR_INIT_RANDOM_UNIFORM,
    DNNR_INIT_TRUNCATED_NORMAL,
    DNNR_INIT_ORTHOGONAL,
    DNNR_INIT_LECUN_UNIFORM,
    DNNR_INIT_GLOROT_NORMAL, /**< also 'initialiser_xavier' */
    DNNR_INIT_GLOROT_UNIFORM,
    DNNR_INIT_HE_NORMAL,
    DNNR_INIT_LECUN_NORMAL,
    DNNR_INIT_HE_UNIFORM,
    DNNR_INIT_NORMAL_1,   /**< D4's 'RandomNormal' = RandomNormal(0, 1) */
    DNNR_INIT_NORMAL_0_1, /**< UNITY's 'initialiser_normal' = RandomNormal(0, 0.1) */
    DNNR_INIT_COUNT_
} dnnr_initializer;

typedef enum dnnr_regularizer {
    DNNR_REG_NONE = 0,
    DNNR_REG_L1,    /**< L1(0.01) */
    DNNR_REG_L2,    /**< L2(0.01) */
    DNNR_REG_L1_L2, /**< L1L2(0.01, 0.01) */
} dnnr_regularizer;

typedef struct dnnr_layer_spec {
    dnnr_layer_kind kind;
    uint32_t source_line;   /**< where the template declares it (0 = unknown) */
    int64_t units;          /**< dense units or conv filters */
    int64_t kernel[2];      /**< conv kernel or pool size */
    int64_t strides[2];
    int same_padding;       /**< 0 = 'valid', 1 = 'same' */
    dnnr_activation activation;
    dnnr_initializer kernel_init, bias_init;
    dnnr_regularizer kernel_reg;
    int use_bias;
    double rate;             /**< dropout */
    double momentum, epsilon; /**< batch norm (Keras 0.99, 0.001) */
    /* Two-input models (Keras' functional Input + Concatenate) as one sample
     * row: the main input, `side` features after it. `input` gives the main
     * input's shape; `concatenate` joins the side features, before the
     * activations (side_first, as UnityEyes' Concatenate([head_pose, x]))
     * or after them. */
    int64_t shape[3];        /**< input: the main input's shape */
    int shape_rank;          /**< input: 1 or 3 */
    int64_t side;            /**< input: side features at the end of each sample row */
    int side_first;          /**< concatenate */
    uint32_t template_layer;  /**< index of the template layer it comes from (repeat copies share it) */
    int inserted;             /**< added by a trial's extras (extras.h): fresh on a warm start */
} dnnr_layer_spec;

typedef struct dnnr_model_spec {
    uint32_t n_layers;
    dnnr_layer_spec *layers;
    dnnr_loss loss;
    dnnr_optimizer optimizer;
    double lr;
    int64_t batch_size, epochs;
    double validation_split; /**< Keras: the last share of the training rows is held out */
    int shuffle;
    char *file;              /**< the template's file, for messages */
    /** Training edits of a trial's extras (extras.h, SDK dnnr_trial_extras); 0 = none. */
    double clipvalue, momentum, gaussian_noise;
    double reduce_lr_factor, reduce_lr_min;
    int64_t reduce_lr_patience;
} dnnr_model_spec;

void dnnr__model_spec_destroy(dnnr_model_spec *spec);

#endif
