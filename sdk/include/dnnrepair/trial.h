/**
 * @file trial.h
 * @brief Trial requests and results: what a searcher asks for and gets back.
 */
#ifndef DNNREPAIR_TRIAL_H
#define DNNREPAIR_TRIAL_H

#include <stdint.h>

#include "space.h"

/** What a fidelity value counts. @since 1.0 */
typedef enum dnnr_fidelity_kind {
    DNNR_FIDELITY_NONE = 0,     /**< single fidelity; requests carry 0 */
    DNNR_FIDELITY_EPOCHS = 1,   /**< training epochs */
    DNNR_FIDELITY_FRACTION = 2, /**< fraction of the training data, in (0, 1] */
    DNNR_FIDELITY_BUDGET = 3,   /**< an analytic function's evaluation budget */
} dnnr_fidelity_kind;

/** Flags of a trial request. @since 1.0 */
enum dnnr_trial_flags {
    /** Record gradient/weight indicators at the epochs the engine checks. */
    DNNR_TRIAL_INDICATORS = 1u << 0,
    /** Keep the trained weights so a later request can warm-start from them. */
    DNNR_TRIAL_KEEP_WEIGHTS = 1u << 1,
};

/** Where dnnr_trial_extras::batchnorm inserts layers. @since 1.2 */
typedef enum dnnr_bn_placement {
    DNNR_BN_NONE = 0,
    /**
     * After the output (after a fused activation) of every dense and
     * convolution layer except the model's last layer, unless a batch
     * normalisation already follows it (AutoTrainer v1's placement). The
     * name is for the usual case, where the last layer is the output's
     * dense layer; a model ending in a separate activation layer gets one
     * after its output dense layer too, as in v1.
     */
    DNNR_BN_AFTER_HIDDEN = 1,
} dnnr_bn_placement;

/**
 * Training and model edits on top of the configuration, for repairs the
 * search space cannot express (AutoTrainer's operators). Zero members mean
 * "no edit", so a zeroed struct changes nothing. Keras (TF 2.3) semantics:
 *  - batchnorm: BatchNormalization(momentum 0.99, epsilon 1e-3), gamma 1,
 *    beta 0, moving mean 0, moving variance 1; batch statistics in
 *    training, moving statistics in inference. A warm start loads the old
 *    layers' weights and leaves the inserted layers fresh.
 *  - clipvalue > 0: every gradient (regulariser terms included) is clipped
 *    element-wise to [-c, c] before the optimiser, and so are the indicator
 *    gradients (the optimiser's clipvalue).
 *  - momentum > 0: SGD(momentum = m): v = m v - lr g; w += v. Only with the
 *    sgd optimiser (a trial asking it of another one is INVALID).
 *  - gaussian_noise > 0: GaussianNoise(stddev) on the model's input, in
 *    training only.
 *  - reduce_lr_factor in (0, 1): ReduceLROnPlateau(factor, patience,
 *    min_lr, min_delta 1e-4, cooldown 0) on the validation loss, or on the
 *    training loss when the subject holds out no validation data.
 * @since 1.2
 */
typedef struct dnnr_trial_extras {
    uint32_t struct_size;
    uint32_t batchnorm; /**< dnnr_bn_placement */
    double clipvalue;
    double momentum;
    double gaussian_noise;
    double reduce_lr_factor;
    uint32_t reduce_lr_patience;
    double reduce_lr_min;
} dnnr_trial_extras;

/**
 * One trial the searcher wants run. The host fills trial_id and points config
 * at an array of space->n_params values; ask() MUST fill every entry of config
 * and MAY set the other members, which the host resets before each ask().
 * @since 1.0
 */
typedef struct dnnr_trial_request {
    uint32_t struct_size;
    uint64_t trial_id;  /**< set by the host; unique within a run */
    dnnr_value *config; /**< host-owned; the searcher writes the configuration */
    /**
     * Fidelity (see dnnr_fidelity_kind); 0 = the subject's full fidelity.
     * With a warm start and DNNR_FIDELITY_EPOCHS it counts the epochs trained
     * on top of the loaded weights (3 then 6 more make 9).
     */
    double fidelity;
    /** Continue from the weights kept by this earlier trial; -1 = train from scratch. */
    int64_t warm_start;
    uint32_t flags; /**< dnnr_trial_flags */
    /** Why this trial (recorded in trials.jsonl); copied when ask returns; may be NULL. */
    const char *note;
    /**
     * Opaque state handed to the searcher's monitor() in the worker after each
     * epoch (copied when ask returns). NULL = no monitoring.
     */
    const void *monitor_state;
    uint32_t monitor_state_size;
    /**
     * @since 1.2. Edits on top of the configuration (copied when ask
     * returns); NULL = none. The host journals them with the trial; tell()
     * does not repeat them, the searcher keeps what it asked.
     */
    const dnnr_trial_extras *extras;
} dnnr_trial_request;

/** How a trial ended. @since 1.0 */
typedef enum dnnr_trial_status {
    DNNR_TRIAL_OK = 0,
    DNNR_TRIAL_DIVERGED = 1, /**< NaN or Inf loss */
    DNNR_TRIAL_INVALID = 2,  /**< the configuration cannot be built or trained */
    DNNR_TRIAL_CRASHED = 3,  /**< the worker died (signal) or failed */
    DNNR_TRIAL_TIMEOUT = 4,  /**< the per-trial time limit ran out */
} dnnr_trial_status;

/**
 * What one epoch left behind. The train/validation members are always set
 * (NaN when not measured). The gradient members are set only when the request
 * asked for indicators and `checked` is nonzero.
 * @since 1.0
 */
typedef struct dnnr_epoch_record {
    uint32_t struct_size;
    uint32_t epoch; /**< 0-based */
    double train_loss, train_metric, val_loss, val_metric;
    uint32_t checked;          /**< gradient indicators were computed */
    double grad_norm_first;    /**< L2 norm of the first kernel's gradient */
    double grad_norm_last;     /**< L2 norm of the last kernel's gradient */
    double zero_grad_fraction; /**< exactly-zero gradient entries / all entries */
    uint32_t grad_nonfinite;   /**< any NaN/Inf gradient */
    uint32_t weight_nonfinite; /**< any NaN/Inf weight */
    uint32_t large_weight;     /**< any |weight| > 5 */
    uint32_t n_layers;         /**< weighted layers, input side first */
    const double *layer_grad_norm;     /**< n_layers kernel gradient norms */
    const double *layer_weight_norm;   /**< n_layers kernel norms */
    const double *layer_zero_fraction; /**< n_layers zero-gradient shares */
} dnnr_epoch_record;

/**
 * A finished trial, as tell() sees it. Everything it points to is host-owned
 * and valid only during the tell() call.
 * @since 1.0
 */
typedef struct dnnr_trial_result {
    uint32_t struct_size;
    uint64_t trial_id;
    const dnnr_value *config;
    double fidelity;
    int64_t warm_start;
    dnnr_trial_status status;
    const char *message; /**< why, when status is not OK; else "" */
    /** The value every searcher minimises (metric, negated when higher is better); NaN unless OK. */
    double objective;
    /** The subject's metric on the search part, as reported; NaN unless OK. */
    double metric;
    uint32_t n_epochs;
    const dnnr_epoch_record *const *epochs; /**< n_epochs records */
    uint32_t stopped_early; /**< the searcher's monitor stopped it after epoch n_epochs-1 */
    double cost_seconds;    /**< wall-clock seconds of the training */
    double cost_units;      /**< training-cost units (1 = one full faulty training) */
} dnnr_trial_result;

#endif
