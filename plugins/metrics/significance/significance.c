/* significance: the repair study's success test of a cell (STATISTICS.md
 * 3.2): the Wilcoxon signed-rank test of the faulty runs against the
 * per-repeat patch values, paired by position, and "significant" = p < alpha
 * and IR > 0.
 *
 * Options:
 *   exact     bool, default false: the exact distribution (scipy
 *             method="exact"; zero differences still force the normal
 *             approximation). false is scipy 1.4's computation, the study's.
 *   decimals  int, default -1 (no rounding): round the faulty, fix and
 *             patched values as Python's round(x, decimals) first. The
 *             study's lists were 2-decimal (decimals = 2).
 *   alpha     float, default 0.05.
 *
 * Columns: p_wilcoxon, w (min(R+, R-)), z (NaN under the exact method),
 * significant (1 or 0). As in the study's notebook, a test scipy refuses
 * (lists of different lengths, every difference zero) gives p = 1.
 */
#include <math.h>
#include <stdint.h>

#include <dnnrepair/dnnrepair.h>

#include "stats/stats.h"

struct dnnr_metric {
    const dnnr_host *host;
    int exact;
    int64_t decimals;
    double alpha;
};

static int significance_create(const dnnr_metric_init *init, dnnr_metric **out)
{
    const dnnr_host *host = init->host;
    *out = NULL;
    int exact;
    int64_t decimals;
    double alpha;
    int rc = host->option_bool(host->ctx, "exact", 0, &exact);
    if (rc == DNNR_OK)
        rc = host->option_int(host->ctx, "decimals", -1, &decimals);
    if (rc == DNNR_OK)
        rc = host->option_float(host->ctx, "alpha", 0.05, &alpha);
    if (rc != DNNR_OK)
        return rc;
    if (decimals < -1 || decimals > 15) {
        host->set_error(host->ctx, "option 'decimals' must be -1 (off) or 0..15; got %lld",
                        (long long)decimals);
        return DNNR_EINVAL;
    }
    if (!(alpha > 0 && alpha < 1)) {
        host->set_error(host->ctx, "option 'alpha' must be in (0, 1); got %g", alpha);
        return DNNR_EINVAL;
    }
    dnnr_metric *m = host->alloc(host->ctx, 1, sizeof *m);
    if (!m) {
        host->set_error(host->ctx, "out of memory");
        return DNNR_ENOMEM;
    }
    *m = (dnnr_metric){host, exact, decimals, alpha};
    *out = m;
    return DNNR_OK;
}

static void significance_destroy(dnnr_metric *m)
{
    if (m)
        m->host->free(m->host->ctx, m);
}

/* Mean of v rounded to `decimals` (Python's round); NaN for none. */
static double rounded_mean(const double *v, uint32_t n, int decimals)
{
    if (n == 0 || !v)
        return NAN;
    double sum = 0;
    for (uint32_t i = 0; i < n; i++)
        sum += dnnr__round_decimals(v[i], decimals);
    return sum / n;
}

/* IR > 0, or without a fix sample, a move in the metric's good direction. */
static int improved(const dnnr_cell *cell, int decimals)
{
    const double mu_p = rounded_mean(cell->patched_values, cell->n_repeats, decimals);
    const double mu_f = rounded_mean(cell->faulty_values, cell->n_faulty, decimals);
    const double mu_g = rounded_mean(cell->fix_values, cell->n_fix, decimals);
    const double ir = dnnr__improvement_rate(mu_p, mu_f, mu_g);
    if (!isnan(ir))
        return ir > 0;
    return cell->maximise ? mu_p > mu_f : mu_p < mu_f;
}

static int significance_compute(dnnr_metric *m, const dnnr_cell *cell, const dnnr_column_sink *sink)
{
    const dnnr_host *host = m->host;
    const uint32_t n = cell->n_repeats;
    if (n == 0 || cell->n_faulty == 0) {
        sink->put(sink->ctx, "p_wilcoxon", NAN);
        sink->put(sink->ctx, "w", NAN);
        sink->put(sink->ctx, "z", NAN);
        sink->put(sink->ctx, "significant", NAN);
        return DNNR_OK;
    }
    double p = 1.0, w = NAN, z = NAN;
    if (cell->n_faulty != n) {
        host->log(host->ctx, DNNR_LOG_WARN,
                  "%s/%s: %u faulty runs but %u repeats: the paired test needs equal "
                  "numbers, p = 1",
                  cell->subject, cell->searcher, cell->n_faulty, n);
    } else {
        const int decimals = (int)m->decimals;
        double *x = host->alloc(host->ctx, 2 * (size_t)n, sizeof *x);
        if (!x) {
            host->set_error(host->ctx, "out of memory");
            return DNNR_ENOMEM;
        }
        double *y = x + n;
        for (uint32_t i = 0; i < n; i++) {
            x[i] = dnnr__round_decimals(cell->faulty_values[i], decimals);
            y[i] = dnnr__round_decimals(cell->patched_values[i], decimals);
        }
        const dnnr_stats_alloc mem = {host->ctx, host->alloc, host->free};
        dnnr_wilcoxon res;
        int rc = dnnr__wilcoxon(x, y, n, m->exact ? DNNR_WILCOXON_EXACT : DNNR_WILCOXON_APPROX,
                                &mem, &res);
        host->free(host->ctx, x);
        if (rc == DNNR_ENOMEM) {
            host->set_error(host->ctx, "out of memory");
            return rc;
        }
        if (rc == DNNR_OK) {
            p = res.p;
            w = res.w;
            z = res.z;
        } /* otherwise scipy would raise (all zero, NaN values): p stays 1 */
    }
    sink->put(sink->ctx, "p_wilcoxon", p);
    sink->put(sink->ctx, "w", w);
    sink->put(sink->ctx, "z", z);
    sink->put(sink->ctx, "significant", p < m->alpha && improved(cell, (int)m->decimals));
    return DNNR_OK;
}

static const dnnr_metric_iface significance_iface = {
    sizeof(dnnr_metric_iface),
    significance_create,
    significance_destroy,
    significance_compute,
};

DNNR_PLUGIN_DEFINE(significance, DNNR_KIND_METRIC, "1.0.0",
                   "Wilcoxon signed-rank test of faulty against patched values (scipy 1.4)",
                   significance_iface)
