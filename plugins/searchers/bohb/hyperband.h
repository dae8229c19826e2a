/* Hyperband's bracket arithmetic: how many configurations each rung of each
 * successive-halving bracket holds, and at which budget.
 *
 * Two rules exist and they disagree (SEARCHERS.md B.1 and B.8):
 *  - HpBandSter's, which BOHB is defined by: n0 = floor(max_SH_iter/(s+1)) * eta^s;
 *  - Ray Tune's HyperBandForBOHB, which the study ran (with max_t = 1):
 *    n0 = ceil((s_max+1)/(s+1) * eta^s) and a top milestone capped at
 *    max_t - r_prev.
 * Both are pure arithmetic, so they live here apart from any scheduling. */
#ifndef DNNR_BOHB_HYPERBAND_H
#define DNNR_BOHB_HYPERBAND_H

#include <stdint.h>

/** Enough for eta >= 2 over any budget ratio a double can express. */
#define BOHB_MAX_RUNGS 64

/** One successive-halving bracket: rung i runs n[i] configurations at budget[i]. */
typedef struct bohb_bracket_plan {
    uint32_t n_rungs;
    uint32_t n[BOHB_MAX_RUNGS];
    double budget[BOHB_MAX_RUNGS];
    uint32_t budget_index[BOHB_MAX_RUNGS]; /**< position in the global budget ladder */
} bohb_bracket_plan;

/** Every bracket of one Hyperband cycle, in the order they are opened. */
typedef struct bohb_hyperband {
    uint32_t n_budgets;               /**< HpBandSter's max_SH_iter */
    double budgets[BOHB_MAX_RUNGS];   /**< ascending */
    uint32_t n_brackets;              /**< brackets per cycle */
    bohb_bracket_plan brackets[BOHB_MAX_RUNGS]; /**< bracket k of a cycle */
} bohb_hyperband;

/**
 * HpBandSter's max_SH_iter = -trunc(ln(min/max)/ln eta) + 1, computed exactly
 * as Python does (so min 1, max 1000, eta 10 gives 3, not 4).
 * Returns 0 when the inputs are unusable (eta <= 1, min <= 0, min > max) or
 * the ladder would exceed BOHB_MAX_RUNGS.
 */
uint32_t bohb_max_sh_iter(double min_budget, double max_budget, double eta);

/** HpBandSter's brackets (B.1). Returns 0, or -1 on unusable inputs. */
int bohb_hyperband_hpbandster(double min_budget, double max_budget, double eta,
                              bohb_hyperband *out);

/**
 * Ray Tune's HyperBandScheduler brackets (B.8) for max_t (in whole
 * iterations, >= 1). Budgets are the milestones, in iterations. Returns 0, or
 * -1 on unusable inputs.
 */
int bohb_hyperband_ray(uint32_t max_t, double eta, bohb_hyperband *out);

/** The bracket that the k-th opened bracket (k = 0, 1, ...) runs. */
const bohb_bracket_plan *bohb_hyperband_bracket(const bohb_hyperband *hb, uint64_t k);

#endif
