/* improvement: the study's Improvement Rate of a cell (STATISTICS.md 3.3),
 * IR = (mu_patch - mu_faulty) / (mu_fix - mu_faulty). The loss form the
 * notebook wrote is the same number, so IR > 0 always means "toward the fix".
 *
 * Options:
 *   decimals  int, default -1 (no rounding): round every value as Python's
 *             round(x, decimals) before the means; the study used 2.
 *
 * Columns: ir (NaN without faulty or fix samples, or when their means agree).
 */
#include <math.h>
#include <stdint.h>

#include <dnnrepair/dnnrepair.h>

#include "stats/stats.h"

struct dnnr_metric {
    const dnnr_host *host;
    int64_t decimals;
};

static int improvement_create(const dnnr_metric_init *init, dnnr_metric **out)
{
    const dnnr_host *host = init->host;
    *out = NULL;
    int64_t decimals;
    int rc = host->option_int(host->ctx, "decimals", -1, &decimals);
    if (rc != DNNR_OK)
        return rc;
    if (decimals < -1 || decimals > 15) {
        host->set_error(host->ctx, "option 'decimals' must be -1 (off) or 0..15; got %lld",
                        (long long)decimals);
        return DNNR_EINVAL;
    }
    dnnr_metric *m = host->alloc(host->ctx, 1, sizeof *m);
    if (!m) {
        host->set_error(host->ctx, "out of memory");
        return DNNR_ENOMEM;
    }
    *m = (dnnr_metric){host, decimals};
    *out = m;
    return DNNR_OK;
}

static void improvement_destroy(dnnr_metric *m)
{
    if (m)
        m->host->free(m->host->ctx, m);
}

static double rounded_mean(const double *v, uint32_t n, int decimals)
{
    if (n == 0 || !v)
        return NAN;
    double sum = 0;
    for (uint32_t i = 0; i < n; i++)
        sum += dnnr__round_decimals(v[i], decimals);
    return sum / n;
}

static int improvement_compute(dnnr_metric *m, const dnnr_cell *cell, const dnnr_column_sink *sink)
{
    const int decimals = (int)m->decimals;
    const double mu_p = rounded_mean(cell->patched_values, cell->n_repeats, decimals);
    const double mu_f = rounded_mean(cell->faulty_values, cell->n_faulty, decimals);
    const double mu_g = rounded_mean(cell->fix_values, cell->n_fix, decimals);
    sink->put(sink->ctx, "ir", dnnr__improvement_rate(mu_p, mu_f, mu_g));
    return DNNR_OK;
}

static const dnnr_metric_iface improvement_iface = {
    sizeof(dnnr_metric_iface),
    improvement_create,
    improvement_destroy,
    improvement_compute,
};

DNNR_PLUGIN_DEFINE(improvement, DNNR_KIND_METRIC, "1.0.0",
                   "Improvement rate (mu_patch - mu_faulty) / (mu_fix - mu_faulty)",
                   improvement_iface)
