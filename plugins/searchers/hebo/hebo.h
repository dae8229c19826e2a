/* The hebo searcher's instance state, shared by the plugin glue (hebo.c) and
 * the suggestion algorithm (suggest.c). */
#ifndef HEBO_HEBO_H
#define HEBO_HEBO_H

#include <stddef.h>
#include <stdint.h>

#include <dnnrepair/dnnrepair.h>

#include "design.h"
#include "gp.h"
#include "nsga2.h"
#include "sobol.h"

/** Every constant of SEARCHERS.md A.10, overridable from the experiment file. */
typedef struct hebo_options {
    int64_t n_init;       /**< Sobol points after the start; default d + 1 */
    int64_t batch_size;   /**< HEBO's q (kappa schedule); default max_in_flight */
    int drop_failed;      /**< 1: HEBO's "drop"; 0 (default): failed = worst observed */
    int noisy_acq;        /**< MACE noise injection (default on) */
    int choice_operators; /**< categoricals as unordered choices in the GA (default off) */
    int warm_start;       /**< refits start from the previous fit's optimum (default on) */
    double kappa_upsilon; /**< 0.5 */
    double kappa_delta;   /**< 0.01 */
    double mace_eps;      /**< 1e-4 */
    int64_t topup_tries;  /**< unique Sobol top-up attempts, 4 */
    hebo_gp_config gp;
    hebo_nsga2_config ga;
} hebo_options;

typedef struct hebo_obs {
    double y;  /**< objective; NaN when the trial failed */
    int ok;    /**< finite objective */
} hebo_obs;

struct dnnr_searcher {
    const dnnr_host *host;
    const dnnr_space *space;
    hebo_options opt;
    hebo_design design;
    size_t d, max_in_flight, init_threshold;
    hebo_sobol *sobol; /* lifetime engine: initial design and every top-up */
    uint64_t key_fit, key_acq, key_ga, key_pick, key_pop;
    uint64_t n_suggest;

    size_t n_obs, cap_obs;
    hebo_obs *obs;
    dnnr_value *obs_cfg; /* n_obs x d */

    size_t n_pending, cap_pending;
    uint64_t *pending_id;
    dnnr_value *pending_cfg;

    double *warm_u; /* the last fit's unconstrained optimum (3 + 3 gp_dims) */
    int have_warm;

    size_t q_head, q_len, q_cap;
    dnnr_value *queue; /* suggestions not yet handed out */
    int queue_from_model;
};

/**
 * Fill s->queue with @p q new configurations (A.1). Returns DNNR_OK or a
 * negative status; on a model failure it falls back to Sobol points.
 */
int hebo_suggest(dnnr_searcher *s, size_t q);

/** Number of observations with a finite objective. */
size_t hebo_n_finite(const dnnr_searcher *s);

#endif
