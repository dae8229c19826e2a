/* The training engine: trains one resolved model on a data set with a
 * backend and reports what the trial produced. This is what a worker calls
 * for every trial.
 *
 * Keras (TF 2.3) semantics: fit(shuffle, batch_size, epochs,
 * validation_split) then evaluate() on each requested row set. Mini-batches
 * keep a partial last batch; the epoch's training loss is the batch-size
 * weighted mean of the batch losses (regularisation penalties included);
 * 'accuracy' is resolved from the output and label shapes.
 *
 * Outcomes, not errors: a model Keras would refuse (0 units, a pool leaving
 * no pixels, orthogonal on a bias, sparse CE on one-hot labels, ...) ends as
 * DNNR_TRIAL_INVALID, a NaN/Inf training loss as DNNR_TRIAL_DIVERGED, each
 * with the reason in `message`; dnnr__engine_train still returns DNNR_OK.
 *
 * Diverged trainings (job.score_diverged): by default the engine stops at
 * the first non-finite training loss and evaluates nothing. Keras has no
 * such stop (fit() without TerminateOnNaN trains on, and evaluate() scores
 * whatever model is left), and DeepCrime's killing criterion scores the
 * faulty program's trainings that way. With score_diverged the engine does
 * the same: it records where the loss first became non-finite, trains every
 * remaining step as usual, then evaluates. The status stays
 * DNNR_TRIAL_DIVERGED, so callers know the metrics came from a diverged
 * model. The NaN weights give NaN outputs, which the metrics score as TF
 * does: accuracy takes TF's arg-max (Eigen's reducer: index 0 with the
 * lowest float, replaced only by a greater value, so an all-NaN row is class
 * 0 and accuracy is the share of class 0), binary_accuracy counts NaN > 0.5
 * as 0 (the share of label 0), loss, mse and mae are NaN, and the angle
 * metric clips a NaN cosine to 0.99999 (float32), 0.004475 a row.
 * A negative return means the engine itself failed (out of memory, backend
 * failure, unreadable or corrupt warm-start file, cancellation); then
 * status is DNNR_TRIAL_CRASHED and `message` repeats the error.
 *
 * Determinism: initialisation, shuffling, data-fraction subsets and dropout
 * draw from counter-based streams derived from `seed` (initialisation
 * "init", shuffling "shuffle", dropout "dropout", fraction "fraction", the
 * extras' input noise "noise"), so a
 * trial is repeatable for a seed, backend and thread count.
 *
 * Indicators (flag DNNR_TRIAL_INDICATORS): after every epoch, one extra
 * forward/backward of the probe batch (the first batch_size training rows in
 * job order, inference mode: dropout off, batch norm on moving statistics;
 * mean loss plus regularisation; no update). Records the first and last
 * kernel gradient norms, the share of exactly-zero gradient entries over all
 * trainable tensors, NaN/Inf flags, |w| > 5 and per-weighted-layer kernel
 * gradient norms, weight norms and zero shares (AUTOTRAINER.md section 2).
 * The searcher decides which epochs it checks (AutoTrainer: e mod 3 = 0).
 *
 * Weights files (save_weights_path / warm_start_path): see weights.h. The
 * engine saves after a trial that ends OK (the core passes a path for
 * requests flagged DNNR_TRIAL_KEEP_WEIGHTS). Warm start loads every tensor
 * (shapes must match the model) and starts a fresh optimiser (state zero,
 * step counter 1); a missing, corrupt or mismatched file is an error.
 *
 * A trial's extras (extras.h) arrive in the spec: clipping and SGD momentum
 * in the update plans, GaussianNoise on the training batches, and the
 * ReduceLROnPlateau schedule after each epoch.
 *
 * Threads: the backend is created inside dnnr__engine_train (that is where
 * OpenMP starts), so call it only in worker processes. */
#ifndef DNNR_ENGINE_ENGINE_H
#define DNNR_ENGINE_ENGINE_H

#include <stdint.h>

#include <dnnrepair/backend.h>
#include <dnnrepair/loader.h>
#include <dnnrepair/trial.h>

#include "engine/loss.h"
#include "engine/spec.h"
#include "util/error.h"

#define DNNR_ENGINE_MAX_EVALS 4

/** Rows of the data set's test part (e.g. the search or the holdout part). */
typedef struct dnnr_row_set {
    const uint64_t *rows;
    uint64_t n;
} dnnr_row_set;

/** What evaluate() gives on one row set. NaN where not applicable. */
typedef struct dnnr_eval_metrics {
    double loss;     /**< the training loss function plus regularisation (Keras evaluate) */
    double accuracy; /**< Keras 'accuracy' (see outcome.accuracy_kind) */
    double mse, mae; /**< Keras 'mse' / 'mae' metrics */
    double angle;    /**< UnityEyes mean angular error; 2 outputs and 2 targets only */
    uint64_t rows;
} dnnr_eval_metrics;

typedef int (*dnnr_engine_monitor)(void *ctx, const dnnr_epoch_record *const *epochs, uint32_t n);

typedef struct dnnr_train_job {
    const dnnr_model_spec *spec;
    const dnnr_dataset *data;
    /** Training rows (indices into the train part) in order; NULL = all of them. */
    const uint64_t *train_rows;
    uint64_t n_train_rows;
    /** Row sets of the test part to evaluate after training (at most DNNR_ENGINE_MAX_EVALS). */
    const dnnr_row_set *evals;
    uint32_t n_evals;
    /** The backend and the host table for its instance (errors are read from it). */
    const dnnr_backend_iface *backend;
    const dnnr_host *backend_host;
    /** 0 = all cores. Small models (D1's 128-50-50-1) train fastest on 1 thread: give each
     *  worker 1 thread and run more workers; large ones (Reuters, the MNIST CNN) scale. */
    uint32_t threads;
    uint64_t seed;
    /** EPOCHS: train `fidelity` epochs instead of spec->epochs; FRACTION: use that share of
     *  the training rows; NONE or fidelity <= 0: the spec as it is. */
    dnnr_fidelity_kind fidelity_kind;
    double fidelity;
    uint32_t flags; /**< dnnr_trial_flags */
    const char *warm_start_path;   /**< NULL: fresh initialisation */
    const char *save_weights_path; /**< NULL: not saved */
    dnnr_engine_monitor monitor;   /**< NULL: none; nonzero return stops after that epoch */
    void *monitor_ctx;
    const volatile int *cancel;    /**< NULL, or nonzero to stop (returns DNNR_ECANCELLED) */
    /** Benchmark mode when > 0: ignore the epoch count and train whole steps, epoch after
     *  epoch, until this many seconds of training have passed (then evaluate as usual). */
    double bench_seconds;
    /** Train on past a non-finite loss and evaluate, as Keras does (see the file comment). */
    int score_diverged;
} dnnr_train_job;

typedef struct dnnr_train_outcome {
    dnnr_trial_status status;
    char message[512];
    dnnr_accuracy_kind accuracy_kind;
    uint32_t n_evals;
    dnnr_eval_metrics eval[DNNR_ENGINE_MAX_EVALS];
    uint32_t n_epochs;            /**< epochs run */
    dnnr_epoch_record **epochs;   /**< n_epochs records, owned by the outcome */
    uint32_t stopped_early;       /**< the monitor stopped training */
    double seconds;               /**< wall-clock seconds of fit(), evaluation excluded */
    uint64_t samples, steps;      /**< training samples and optimiser steps of fit() */
    double flops_per_sample;      /**< forward FLOPs of one sample */
    /** samples x epochs x 3 x forward FLOPs (forward + backward, Keras-independent); the
     *  core divides by the faulty model's value to get budget units. */
    double cost_units;
} dnnr_train_outcome;

/** Train and evaluate; see the file comment. @p out is reset first. */
int dnnr__engine_train(const dnnr_train_job *job, dnnr_train_outcome *out, dnnr_error *err);
/** Free what the outcome owns (its epoch records); safe on a zeroed or freed outcome. */
void dnnr__engine_outcome_free(dnnr_train_outcome *out);

#endif
