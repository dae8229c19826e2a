/* Hyperband bracket arithmetic (SEARCHERS.md B.1, B.8). The formulas are
 * reproduced operation by operation from HpBandSter and Ray Tune, quirks
 * included (the floor before the multiplication, the truncation of a
 * logarithm ratio that is a hair off an integer, Ray's capped top
 * milestone), because tests and users compare bracket sizes with them. */
#include "hyperband.h"

#include <math.h>
#include <string.h>

uint32_t bohb_max_sh_iter(double min_budget, double max_budget, double eta)
{
    if (!(eta > 1.0) || !(min_budget > 0.0) || !(max_budget >= min_budget) ||
        !isfinite(max_budget))
        return 0;
    /* Python: -int(np.log(min/max) / np.log(eta)) + 1; int() truncates. */
    double ratio = log(min_budget / max_budget) / log(eta);
    double iters = -trunc(ratio) + 1.0;
    if (!(iters >= 1.0) || iters > BOHB_MAX_RUNGS)
        return 0;
    return (uint32_t)iters;
}

int bohb_hyperband_hpbandster(double min_budget, double max_budget, double eta,
                              bohb_hyperband *out)
{
    memset(out, 0, sizeof *out);
    uint32_t max_sh_iter = bohb_max_sh_iter(min_budget, max_budget, eta);
    if (max_sh_iter == 0)
        return -1;
    out->n_budgets = max_sh_iter;
    for (uint32_t i = 0; i < max_sh_iter; i++)
        out->budgets[i] = max_budget * pow(eta, -(double)(max_sh_iter - 1 - i));

    /* Bracket k of a cycle runs s = max_SH_iter - 1 - k: the most aggressive first. */
    out->n_brackets = max_sh_iter;
    for (uint32_t k = 0; k < max_sh_iter; k++) {
        uint32_t s = max_sh_iter - 1 - k;
        bohb_bracket_plan *plan = &out->brackets[k];
        /* HpBandSter: int(np.floor(max_SH_iter / (s+1)) * eta**s): floor first. */
        double n0 = floor((double)max_sh_iter / (double)(s + 1)) * pow(eta, (double)s);
        plan->n_rungs = s + 1;
        for (uint32_t i = 0; i <= s; i++) {
            double n = trunc(n0 * pow(eta, -(double)i));
            plan->n[i] = n < 1.0 ? 1u : (uint32_t)n;
            plan->budget_index[i] = max_sh_iter - 1 - s + i;
            plan->budget[i] = out->budgets[plan->budget_index[i]];
        }
    }
    return 0;
}

/* Position of @p value in the ascending ladder, inserting it when new. */
static uint32_t ladder_index(bohb_hyperband *hb, double value)
{
    uint32_t i = 0;
    while (i < hb->n_budgets && hb->budgets[i] < value)
        i++;
    if (i < hb->n_budgets && hb->budgets[i] == value)
        return i;
    memmove(&hb->budgets[i + 1], &hb->budgets[i], (hb->n_budgets - i) * sizeof hb->budgets[0]);
    hb->budgets[i] = value;
    hb->n_budgets++;
    return i;
}

int bohb_hyperband_ray(uint32_t max_t, double eta, bohb_hyperband *out)
{
    memset(out, 0, sizeof *out);
    if (max_t < 1 || !(eta > 1.0))
        return -1;
    /* Ray: int(np.round(np.log(max_t) / np.log(eta))) + 1; numpy rounds half to even. */
    double s_max_1 = nearbyint(log((double)max_t) / log(eta)) + 1.0;
    if (s_max_1 < 1.0 || s_max_1 > BOHB_MAX_RUNGS / 2)
        return -1;
    uint32_t n_brackets = (uint32_t)s_max_1;
    out->n_brackets = n_brackets;
    for (uint32_t k = 0; k < n_brackets; k++) {
        uint32_t s = n_brackets - 1 - k; /* Ray also fills the largest bracket first */
        bohb_bracket_plan *plan = &out->brackets[k];
        double n = ceil(s_max_1 / (double)(s + 1) * pow(eta, (double)s));
        double r = trunc((double)max_t * pow(eta, -(double)s));
        double cumulative = r;
        plan->n_rungs = s + 1;
        for (uint32_t i = 0; i <= s; i++) {
            if (i > 0) {
                n = ceil(n / eta);
                r = trunc(fmin(r * eta, (double)max_t - cumulative));
                cumulative = r;
            }
            plan->n[i] = n < 1.0 ? 1u : (uint32_t)n;
            plan->budget[i] = r < 1.0 ? 1.0 : r;
        }
    }
    /* The budget ladder is every distinct milestone; index the rungs into it. */
    for (uint32_t k = 0; k < n_brackets; k++)
        for (uint32_t i = 0; i < out->brackets[k].n_rungs; i++)
            (void)ladder_index(out, out->brackets[k].budget[i]);
    for (uint32_t k = 0; k < n_brackets; k++)
        for (uint32_t i = 0; i < out->brackets[k].n_rungs; i++)
            out->brackets[k].budget_index[i] = ladder_index(out, out->brackets[k].budget[i]);
    return 0;
}

const bohb_bracket_plan *bohb_hyperband_bracket(const bohb_hyperband *hb, uint64_t k)
{
    return &hb->brackets[k % hb->n_brackets];
}
