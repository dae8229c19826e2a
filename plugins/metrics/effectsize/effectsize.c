/* effectsize: the Vargha-Delaney A12 of the patched values against the
 * faulty runs (STATISTICS.md 3.7; the study's notebook computed it per patch
 * but reported none). Oriented so that A12 > 0.5 means the patches are
 * better: the first sample is the patched list for a metric to maximise and
 * the faulty list for a loss, as in the notebook.
 *
 * No options.
 *
 * Columns: a12 (NaN without faulty runs or repeats), a12_magnitude (Hess &
 * Kromrey on |2A - 1|: 0 negligible <= 0.147 < 1 small <= 0.33 < 2 medium
 * <= 0.474 < 3 large).
 */
#include <math.h>
#include <stdint.h>

#include <dnnrepair/dnnrepair.h>

#include "stats/stats.h"

struct dnnr_metric {
    const dnnr_host *host;
};

static int effectsize_create(const dnnr_metric_init *init, dnnr_metric **out)
{
    const dnnr_host *host = init->host;
    dnnr_metric *m = host->alloc(host->ctx, 1, sizeof *m);
    *out = NULL;
    if (!m) {
        host->set_error(host->ctx, "out of memory");
        return DNNR_ENOMEM;
    }
    m->host = host;
    *out = m;
    return DNNR_OK;
}

static void effectsize_destroy(dnnr_metric *m)
{
    if (m)
        m->host->free(m->host->ctx, m);
}

static int effectsize_compute(dnnr_metric *m, const dnnr_cell *cell, const dnnr_column_sink *sink)
{
    const dnnr_host *host = m->host;
    double a12 = NAN;
    if (cell->n_repeats > 0 && cell->n_faulty > 0) {
        const dnnr_stats_alloc mem = {host->ctx, host->alloc, host->free};
        const double *first = cell->maximise ? cell->patched_values : cell->faulty_values;
        const double *second = cell->maximise ? cell->faulty_values : cell->patched_values;
        const uint32_t n_first = cell->maximise ? cell->n_repeats : cell->n_faulty;
        const uint32_t n_second = cell->maximise ? cell->n_faulty : cell->n_repeats;
        int rc = dnnr__vargha_delaney_a12(first, n_first, second, n_second, &mem, &a12);
        if (rc == DNNR_ENOMEM) {
            host->set_error(host->ctx, "out of memory");
            return rc;
        }
    }
    sink->put(sink->ctx, "a12", a12);
    sink->put(sink->ctx, "a12_magnitude", isnan(a12) ? NAN : (double)dnnr__a12_magnitude(a12));
    return DNNR_OK;
}

static const dnnr_metric_iface effectsize_iface = {
    sizeof(dnnr_metric_iface),
    effectsize_create,
    effectsize_destroy,
    effectsize_compute,
};

DNNR_PLUGIN_DEFINE(effectsize, DNNR_KIND_METRIC, "1.0.0",
                   "Vargha-Delaney A12 of the patched values against the faulty runs",
                   effectsize_iface)
