/**
 * @file space.h
 * @brief Hyperparameter spaces and configurations.
 *
 * A space is an ordered list of named parameters. A configuration is an array
 * of dnnr_value aligned with the space: entry i holds parameter i's value.
 * Categorical values are stored as the index of the choice.
 *
 * Spaces handed to a plugin are owned by the host and stay valid until the
 * plugin instance is destroyed. Encoding to [0,1]^d or one-hot, decoding,
 * sampling and formatting are host services (dnnr_host::space_*), so every
 * searcher shares one implementation.
 */
#ifndef DNNREPAIR_SPACE_H
#define DNNREPAIR_SPACE_H

#include <stdint.h>

/** Kinds of parameter. @since 1.0 */
typedef enum dnnr_param_kind {
    DNNR_PARAM_CATEGORICAL = 0, /**< one of a list of strings; value.i = index */
    DNNR_PARAM_INTEGER = 1,     /**< integer in [lo, hi] inclusive; value.i */
    DNNR_PARAM_FLOAT = 2,       /**< real in [lo, hi]; value.f */
} dnnr_param_kind;

/** One parameter's value. Which member is live depends on the kind. @since 1.0 */
typedef union dnnr_value {
    int64_t i; /**< categorical index or integer value */
    double f;  /**< float value */
} dnnr_value;

/** One parameter. @since 1.0 */
typedef struct dnnr_param {
    uint32_t struct_size; /**< sizeof(dnnr_param) of the writer */
    const char *name;     /**< unique within its space, e.g. "act3" or "lr" */
    dnnr_param_kind kind;
    /** Integer and float: sample and encode on a log scale (requires lo > 0). */
    uint32_t log;
    double lo, hi;        /**< integer and float bounds, inclusive */
    uint32_t n_choices;   /**< categorical: number of choices (>= 1) */
    const char *const *choices; /**< categorical: the choices' names */
    dnnr_value default_value;   /**< a valid value of this parameter */
} dnnr_param;

/** An ordered set of parameters. @since 1.0 */
typedef struct dnnr_space {
    uint32_t struct_size;
    uint32_t n_params;
    const dnnr_param *const *params; /**< n_params pointers */
} dnnr_space;

/** How a configuration is turned into a real vector. @since 1.0 */
typedef enum dnnr_encoding {
    /**
     * One dimension per parameter, each in [0, 1]. Float: linear (or log)
     * position between lo and hi. Integer: (v - lo + 0.5) / (hi - lo + 1),
     * on a log scale when log is set (ConfigSpace's rule). Categorical:
     * (index + 0.5) / n_choices. Decoding inverts this, rounding integers and
     * clamping anything outside [0, 1].
     */
    DNNR_ENCODE_UNIT = 0,
    /**
     * As DNNR_ENCODE_UNIT, except that a categorical with n choices takes n
     * dimensions holding a one-hot vector; decoding takes the arg-max (first
     * wins ties).
     */
    DNNR_ENCODE_ONEHOT = 1,
} dnnr_encoding;

#endif
