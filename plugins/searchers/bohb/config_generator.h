/* BOHB's configuration generator (HpBandSter's config_generators/bohb.py;
 * SEARCHERS.md B.4 and B.6): it keeps every finished job's vector and loss
 * per budget, fits a good and a bad KDE on the largest budget that has
 * enough data, and proposes the candidate with the smallest bad/good density
 * ratio among num_samples draws around the good points; a random_fraction of
 * proposals stays purely random. */
#ifndef DNNR_BOHB_CONFIG_GENERATOR_H
#define DNNR_BOHB_CONFIG_GENERATOR_H

#include <stddef.h>
#include <stdint.h>

#include <dnnrepair/host.h>
#include <dnnrepair/rng.h>
#include <dnnrepair/space.h>

#include "kde.h"

/** The generator's settings (SEARCHERS.md B.7). */
typedef struct bohb_generator_options {
    double top_n_percent;    /**< 15 */
    uint32_t num_samples;    /**< 64 */
    double random_fraction;  /**< 1/3 */
    double bandwidth_factor; /**< 3 */
    double min_bandwidth;    /**< 1e-3 */
    uint32_t min_points_in_model; /**< 0 = d + 1; smaller values are raised to d + 1 */
} bohb_generator_options;

/** The defaults of the table in SEARCHERS.md B.7. */
void bohb_generator_defaults(bohb_generator_options *opt);

/** Observations and the fitted model of one budget. */
typedef struct bohb_budget_data {
    size_t n, capacity;
    double *vectors; /**< n x d */
    double *losses;  /**< n; +inf for crashed jobs */
    int has_model;
    bohb_kde good, bad;
} bohb_budget_data;

typedef struct bohb_generator {
    const dnnr_host *host;
    const dnnr_space *space;
    bohb_generator_options opt;
    size_t d;
    uint8_t *is_cat;         /**< d flags: the KDE's 'u' columns */
    uint32_t n_budgets;
    bohb_budget_data *budgets; /**< one per rung of the budget ladder */
    int largest_model;       /**< index of the largest modelled budget, -1 = none */
    dnnr_rng rng;
    double *scratch;         /**< 2 x d: the current and the best candidate */
    struct ranked_row *order; /**< sort buffer */
    size_t order_capacity;
} bohb_generator;

/** What the last proposal was; for the trial's note. */
typedef enum bohb_pick {
    BOHB_PICK_RANDOM = 0,      /**< no model yet, or the random fraction */
    BOHB_PICK_MODEL = 1,       /**< the best ratio among the candidates */
    BOHB_PICK_UNBOUNDED = 2,   /**< a candidate the bad KDE gave density +inf/NaN ratio */
    BOHB_PICK_FALLBACK = 3,    /**< the model produced nothing usable: random */
} bohb_pick;

/**
 * Set up for @p space and a ladder of @p n_budgets budgets. min_points_in_model
 * is settled here (raised to d + 1). Returns 0 or DNNR_ENOMEM.
 */
int bohb_generator_init(bohb_generator *gen, const dnnr_host *host, const dnnr_space *space,
                        uint32_t n_budgets, const bohb_generator_options *opt, uint64_t rng_key);

/** Free everything; a zeroed generator is a no-op. */
void bohb_generator_free(bohb_generator *gen);

/**
 * Learn a finished job: its vector, the ladder index of its budget and its
 * loss (non-finite = crashed, stored as +inf). Refits that budget's model.
 * Returns 0 or DNNR_ENOMEM.
 */
int bohb_generator_observe(bohb_generator *gen, const double *vector, uint32_t budget_index,
                           double loss);

/** Propose a configuration in vector form into @p out (d entries). */
bohb_pick bohb_generator_propose(bohb_generator *gen, double *out);

/** B.6's score: max(1e-32, g(x)) / max(l(x), 1e-32), with Python's NaN handling. */
double bohb_generator_ratio(double good_pdf, double bad_pdf);

#endif
