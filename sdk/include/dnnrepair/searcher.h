/**
 * @file searcher.h
 * @brief The searcher plugin kind: ask/tell repair techniques.
 *
 * Protocol. The host calls create() once per run (subject x searcher x budget
 * x repeat), then alternates ask() and tell():
 *  - ask() fills one request. The host asks again while workers are free; a
 *    searcher with several trials in flight simply answers several asks.
 *    Returning DNNR_EAGAIN means "wait for a result"; DNNR_EDONE ends the run
 *    early (e.g. a plan is exhausted). The host never asks while the budget
 *    is spent.
 *  - tell() receives every trial that was asked for, exactly once, in
 *    completion order, including failed ones (status != OK).
 * The first trial of every run is the subject's start (faulty) configuration:
 * the host asks for it itself and tells its result like any other, so a
 * searcher MUST NOT re-submit init->start on its own unless it wants a repeat.
 * Since 1.1 the host trains it with DNNR_TRIAL_INDICATORS, so its result
 * carries the faulty run's gradient indicators.
 *
 * A searcher minimises dnnr_trial_result::objective. All randomness MUST come
 * from streams keyed by host->rng_key, so runs are repeatable.
 */
#ifndef DNNREPAIR_SEARCHER_H
#define DNNREPAIR_SEARCHER_H

#include <stddef.h>
#include <stdint.h>

#include "host.h"
#include "space.h"
#include "trial.h"

/** What the subject's metric measures. @since 1.0 */
typedef enum dnnr_metric_kind {
    DNNR_METRIC_ANALYTIC = 0, /**< an analytic function value (minimised) */
    DNNR_METRIC_ACCURACY = 1, /**< classification accuracy (maximised) */
    DNNR_METRIC_LOSS = 2,     /**< a loss or error (minimised) */
} dnnr_metric_kind;

/**
 * What the host knows about one search-space parameter before the search:
 * the role it plays in the model and how suspect its start value is. The
 * host fills it from its static model lint (`dnnrepair lint`).
 * @since 1.1
 */
typedef struct dnnr_param_hint {
    uint32_t struct_size;
    /**
     * What the parameter sets: "activation", "kernel_initializer",
     * "bias_initializer", "regularizer", "loss", "optimizer", "lr",
     * "batch_size", "epochs", "layers" (a repeat count), "units", "rate",
     * "shape" (kernel, pool, strides, padding), "other" or "unused". Never NULL.
     */
    const char *role;
    /** In [0, 1]: the lint's confidence that the start value is a fault; 0 = not flagged. */
    double suspicion;
    /** The lint rules that flagged it, comma-separated, or "". Never NULL. */
    const char *reasons;
} dnnr_param_hint;

/** Everything a searcher instance starts from. @since 1.0 */
typedef struct dnnr_searcher_init {
    uint32_t struct_size;
    const dnnr_host *host;
    const dnnr_space *space;
    /** The start (faulty) configuration, evaluated as trial 0; may be NULL. */
    const dnnr_value *start;
    dnnr_metric_kind metric_kind;
    dnnr_fidelity_kind fidelity_kind;
    double min_fidelity, max_fidelity; /**< 0 and 0 when single-fidelity */
    uint32_t max_in_flight;            /**< workers the host runs at once */
    /**
     * @since 1.1. One hint per parameter of @p space, or NULL when the host
     * has none (analytic subjects). Read only when struct_size covers it.
     */
    const dnnr_param_hint *const *hints;
    /**
     * @since 1.1. An objective the searcher may stop at (DNNR_EDONE) once a
     * full-fidelity trial reaches it, e.g. the fixed model's level; NaN when
     * none is known.
     */
    double target_objective;
} dnnr_searcher_init;

/** A searcher instance; defined by the plugin. */
typedef struct dnnr_searcher dnnr_searcher;

/** The searcher kind's function table. @since 1.0 */
typedef struct dnnr_searcher_iface {
    uint32_t struct_size;
    /**
     * Make an instance. On failure return a negative status after
     * host->set_error; the host then never calls destroy(). Required.
     */
    int (*create)(const dnnr_searcher_init *init, dnnr_searcher **out);
    /** Free the instance; NULL MUST be a no-op. Required. */
    void (*destroy)(dnnr_searcher *s);
    /** Fill @p req; DNNR_OK, DNNR_EAGAIN, DNNR_EDONE or an error. Required. */
    int (*ask)(dnnr_searcher *s, dnnr_trial_request *req);
    /** Learn from a finished trial. Required. */
    int (*tell)(dnnr_searcher *s, const dnnr_trial_result *res);
    /**
     * Optional. Runs in the worker process after each training epoch of a
     * trial whose request carried monitor_state: return nonzero to stop the
     * training there (the trial then ends OK, stopped_early set). MUST be a
     * pure function of its arguments: it has no instance and no host.
     */
    int (*monitor)(const void *state, size_t state_size, const dnnr_epoch_record *const *epochs,
                   uint32_t n_epochs);
} dnnr_searcher_iface;

#endif
