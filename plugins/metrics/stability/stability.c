/* stability: how much the final value of a cell varies over its repeats
 * (STATISTICS.md 3.4): mu and the population standard deviation sigma
 * (numpy's default ddof = 0), as Table III prints them.
 *
 * Options:
 *   decimals  int, default -1 (no rounding). Table III used the unrounded
 *             values; the notebook's "average stability" used 2 decimals.
 *
 * Columns: sigma, mu (NaN for a cell without repeats).
 */
#include <math.h>
#include <stdint.h>

#include <dnnrepair/dnnrepair.h>

#include "stats/stats.h"

struct dnnr_metric {
    const dnnr_host *host;
    int64_t decimals;
};

static int stability_create(const dnnr_metric_init *init, dnnr_metric **out)
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

static void stability_destroy(dnnr_metric *m)
{
    if (m)
        m->host->free(m->host->ctx, m);
}

static int stability_compute(dnnr_metric *m, const dnnr_cell *cell, const dnnr_column_sink *sink)
{
    const dnnr_host *host = m->host;
    const uint32_t n = cell->n_repeats;
    double mu = NAN, sigma = NAN;
    if (n > 0) {
        double *v = host->alloc(host->ctx, n, sizeof *v);
        if (!v) {
            host->set_error(host->ctx, "out of memory");
            return DNNR_ENOMEM;
        }
        for (uint32_t i = 0; i < n; i++)
            v[i] = dnnr__round_decimals(cell->patched_values[i], (int)m->decimals);
        mu = dnnr__mean(v, n);
        sigma = dnnr__stddev_pop(v, n);
        host->free(host->ctx, v);
    }
    sink->put(sink->ctx, "sigma", sigma);
    sink->put(sink->ctx, "mu", mu);
    return DNNR_OK;
}

static const dnnr_metric_iface stability_iface = {
    sizeof(dnnr_metric_iface),
    stability_create,
    stability_destroy,
    stability_compute,
};

DNNR_PLUGIN_DEFINE(stability, DNNR_KIND_METRIC, "1.0.0",
                   "Mean and population standard deviation of the repeats' final values",
                   stability_iface)
