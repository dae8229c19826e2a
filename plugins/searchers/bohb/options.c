/* Reading and checking the bohb searcher's options. */
#include "options.h"

#include <math.h>
#include <string.h>

#include <dnnrepair/status.h>

#define READ(call)                                                                             \
    do {                                                                                       \
        if ((call) != DNNR_OK)                                                                 \
            return DNNR_EINVAL;                                                                \
    } while (0)

static int invalid(const dnnr_host *host, const char *what, double value)
{
    host->set_error(host->ctx, "bohb: option %s = %g is out of range", what, value);
    return DNNR_EINVAL;
}

int bohb_options_read(const dnnr_searcher_init *init, bohb_options *out)
{
    const dnnr_host *host = init->host;
    void *ctx = host->ctx;
    memset(out, 0, sizeof *out);
    bohb_generator_defaults(&out->generator);
    bohb_generator_options *gen = &out->generator;

    /* Single-fidelity subjects get one nominal budget: every bracket is then
     * one configuration at full fidelity, which is what HpBandSter does with
     * min_budget = max_budget. */
    int multi = init->fidelity_kind != DNNR_FIDELITY_NONE && init->max_fidelity > 0.0;
    double dflt_max = multi ? init->max_fidelity : 1.0;
    double dflt_min = multi && init->min_fidelity > 0.0 ? init->min_fidelity : dflt_max;

    int64_t num_samples = 0, min_points = 0;
    const char *rule = NULL;
    READ(host->option_float(ctx, "eta", 3.0, &out->eta));
    READ(host->option_float(ctx, "min_budget", dflt_min, &out->min_budget));
    READ(host->option_float(ctx, "max_budget", dflt_max, &out->max_budget));
    READ(host->option_string(ctx, "bracket_rule", "hpbandster", &rule));
    READ(host->option_bool(ctx, "study_mode", 0, &out->study_mode));
    READ(host->option_bool(ctx, "warm_promotions", 0, &out->warm_promotions));
    READ(host->option_float(ctx, "top_n_percent", gen->top_n_percent, &gen->top_n_percent));
    READ(host->option_int(ctx, "num_samples", gen->num_samples, &num_samples));
    READ(host->option_float(ctx, "random_fraction", gen->random_fraction,
                            &gen->random_fraction));
    READ(host->option_float(ctx, "bandwidth_factor", gen->bandwidth_factor,
                            &gen->bandwidth_factor));
    READ(host->option_float(ctx, "min_bandwidth", gen->min_bandwidth, &gen->min_bandwidth));
    READ(host->option_int(ctx, "min_points_in_model", 0, &min_points));

    if (!(out->eta > 1.0) || !isfinite(out->eta))
        return invalid(host, "eta", out->eta);
    if (!(out->min_budget > 0.0) || !isfinite(out->min_budget))
        return invalid(host, "min_budget", out->min_budget);
    if (!(out->max_budget >= out->min_budget) || !isfinite(out->max_budget))
        return invalid(host, "max_budget", out->max_budget);
    if (init->fidelity_kind == DNNR_FIDELITY_FRACTION && out->max_budget > 1.0)
        return invalid(host, "max_budget (a data fraction)", out->max_budget);
    if (!(gen->top_n_percent > 0.0 && gen->top_n_percent < 100.0))
        return invalid(host, "top_n_percent", gen->top_n_percent);
    if (num_samples < 1 || num_samples > 1000000)
        return invalid(host, "num_samples", (double)num_samples);
    gen->num_samples = (uint32_t)num_samples;
    if (!(gen->random_fraction >= 0.0 && gen->random_fraction <= 1.0))
        return invalid(host, "random_fraction", gen->random_fraction);
    if (!(gen->bandwidth_factor > 0.0) || !isfinite(gen->bandwidth_factor))
        return invalid(host, "bandwidth_factor", gen->bandwidth_factor);
    if (!(gen->min_bandwidth > 0.0) || !isfinite(gen->min_bandwidth))
        return invalid(host, "min_bandwidth", gen->min_bandwidth);
    if (min_points < 0 || min_points > 1000000)
        return invalid(host, "min_points_in_model", (double)min_points);
    gen->min_points_in_model = (uint32_t)min_points; /* raised to d + 1 by the generator */

    if (strcmp(rule, "hpbandster") == 0) {
        out->rule = BOHB_RULE_HPBANDSTER;
    } else if (strcmp(rule, "ray") == 0) {
        out->rule = BOHB_RULE_RAY;
        if (nearbyint(out->max_budget) < 1.0)
            return invalid(host, "max_budget (the ray rule's max_t)", out->max_budget);
    } else {
        host->set_error(ctx, "bohb: option bracket_rule = \"%s\": expected \"hpbandster\" or \"ray\"",
                        rule);
        return DNNR_EINVAL;
    }
    if (out->warm_promotions && init->fidelity_kind != DNNR_FIDELITY_EPOCHS) {
        host->log(ctx, DNNR_LOG_INFO,
                  "warm_promotions applies to epoch fidelity only; promotions retrain");
        out->warm_promotions = 0;
    }
    return DNNR_OK;
}
