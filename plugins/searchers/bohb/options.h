/* The bohb searcher's options (experiment file `options = { ... }`), their
 * defaults (SEARCHERS.md B.7, budgets from the subject's fidelity range) and
 * their validation. */
#ifndef DNNR_BOHB_OPTIONS_H
#define DNNR_BOHB_OPTIONS_H

#include <dnnrepair/searcher.h>

#include "config_generator.h"

/** Which bracket arithmetic to run. */
typedef enum bohb_bracket_rule {
    BOHB_RULE_HPBANDSTER = 0, /**< BOHB as published (default) */
    BOHB_RULE_RAY = 1,        /**< Ray Tune's HyperBandForBOHB, max_t = max_budget */
} bohb_bracket_rule;

typedef struct bohb_options {
    double eta;
    double min_budget, max_budget;
    bohb_bracket_rule rule;
    /** The study's Ray setup: max_t = 1, every trial at full fidelity, no halving. */
    int study_mode;
    /** Promotions continue from the lower rung's weights (epoch fidelity only). */
    int warm_promotions;
    bohb_generator_options generator;
} bohb_options;

/**
 * Read every option through host->option_*, defaults from @p init, and check
 * them. Returns DNNR_OK, or DNNR_EINVAL after host->set_error.
 */
int bohb_options_read(const dnnr_searcher_init *init, bohb_options *out);

#endif
