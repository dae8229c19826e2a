/**
 * @file loader.h
 * @brief The loader plugin kind: data sets and analytic subjects.
 *
 * A subject file names its loader in `dataset = { loader = "NAME"; ... }`;
 * the other keys of that group are the loader's options, read through
 * host->option_* (unknown keys are errors). A loader offers either
 *  - load(): a data set (tensors, labels/targets, train and test parts), or
 *  - analytic() + evaluate(): a whole analytic subject, whose space, start
 *    configuration and known optimum come from the loader (testfunctions).
 */
#ifndef DNNREPAIR_LOADER_H
#define DNNREPAIR_LOADER_H

#include <stdint.h>

#include "host.h"
#include "space.h"
#include "trial.h"

/** How targets are stored. @since 1.0 */
typedef enum dnnr_target_kind {
    DNNR_TARGET_CLASS_INDEX = 0, /**< y_dim = 1, value = class index (as float) */
    DNNR_TARGET_ONE_HOT = 1,     /**< y_dim = n_classes, one-hot rows */
    DNNR_TARGET_REAL = 2,        /**< y_dim real-valued regression targets */
} dnnr_target_kind;

/**
 * A data set. Arrays are row-major float32 and owned by the loader instance,
 * valid until destroy(). Samples have shape `shape[0..rank)` (images are
 * height x width x channels).
 * @since 1.0
 */
typedef struct dnnr_dataset {
    uint32_t struct_size;
    uint32_t rank;
    uint32_t shape[4];
    uint64_t n_train, n_test;
    const float *x_train, *x_test;
    dnnr_target_kind target_kind;
    uint32_t y_dim;
    uint32_t n_classes; /**< 0 for regression */
    const float *y_train, *y_test;
    /** Where the data came from: "original" or "substitute: why". */
    const char *provenance;
} dnnr_dataset;

/** An analytic subject: a function to minimise over a space. @since 1.0 */
typedef struct dnnr_analytic {
    uint32_t struct_size;
    const dnnr_space *space;  /**< loader-owned, valid until destroy() */
    const dnnr_value *start;  /**< the start ("faulty") configuration */
    double optimum;           /**< the known minimum value f* */
    dnnr_fidelity_kind fidelity_kind; /**< DNNR_FIDELITY_BUDGET or NONE */
    double min_fidelity, max_fidelity;
} dnnr_analytic;

/** Everything a loader instance starts from. @since 1.0 */
typedef struct dnnr_loader_init {
    uint32_t struct_size;
    const dnnr_host *host;
    const char *subject_file; /**< the subject file naming this loader */
    const char *data_dir;     /**< $DNNR_DATA_DIR or NULL */
} dnnr_loader_init;

/** A loader instance; defined by the plugin. */
typedef struct dnnr_loader dnnr_loader;

/** The loader kind's function table. @since 1.0 */
typedef struct dnnr_loader_iface {
    uint32_t struct_size;
    /** Read options and prepare; cheap (no data read yet). Required. */
    int (*create)(const dnnr_loader_init *init, dnnr_loader **out);
    /** Free the instance and everything it handed out; NULL is a no-op. Required. */
    void (*destroy)(dnnr_loader *l);
    /** Optional (data-set loaders): read the data. Errors name the file. */
    int (*load)(dnnr_loader *l, dnnr_dataset *out);
    /** Optional (analytic loaders): describe the subject. */
    int (*analytic)(dnnr_loader *l, dnnr_analytic *out);
    /**
     * Optional (analytic loaders): the function value at @p config.
     * @p fidelity is 0 for full fidelity. Observation noise, if any, MUST be
     * drawn from the stream @p rng_key only, so evaluations are repeatable.
     * MUST be thread-safe (several workers may evaluate at once).
     */
    int (*evaluate)(dnnr_loader *l, const dnnr_value *config, double fidelity, uint64_t rng_key,
                    double *out);
} dnnr_loader_iface;

#endif
