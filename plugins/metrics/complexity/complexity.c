/* complexity: how many hyperparameters the patches changed (STATISTICS.md
 * 3.5): per repeat, changed parameters (patch against the faulty
 * configuration, with the study's int/float casting rules) over all
 * parameters of the space, fixed ones included; averaged over the repeats
 * that found a patch. A repeat whose final value is not strictly better than
 * the faulty mean was clamped by the study and has no patch.
 * A patch that also makes trial extras (SDK 1.2 hosts: batch norm, clipping,
 * momentum, noise, an lr schedule) counts each edit as one more changed
 * parameter of a space one parameter larger: (changed + edits) / (n + edits).
 *
 * No options.
 *
 * Columns: complexity (mean over patches; NaN when there is none or the cell
 * has no faulty configuration), complexity_fix (faulty against fix, floored
 * at 1/n as the study drew it; NaN without a fix), n_patches.
 */
#include <math.h>
#include <stdint.h>

#include <dnnrepair/dnnrepair.h>

#include "stats/stats.h"

struct dnnr_metric {
    const dnnr_host *host;
};

static int complexity_create(const dnnr_metric_init *init, dnnr_metric **out)
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

static void complexity_destroy(dnnr_metric *m)
{
    if (m)
        m->host->free(m->host->ctx, m);
}

/* The patch of repeat r, or NULL when that repeat found none. */
static const dnnr_value *patch_of(const dnnr_cell *cell, uint32_t r)
{
    if (!cell->patches || !cell->patches[r])
        return NULL;
    if (cell->n_faulty == 0 || !cell->patched_values)
        return cell->patches[r]; /* nothing to judge the value against */
    const double mu_f = dnnr__mean(cell->faulty_values, cell->n_faulty);
    return dnnr__patch_exists(cell->patched_values[r], mu_f, cell->maximise) ? cell->patches[r]
                                                                             : NULL;
}

static int complexity_compute(dnnr_metric *m, const dnnr_cell *cell, const dnnr_column_sink *sink)
{
    double sum = 0, fix = NAN;
    uint32_t n_patches = 0;
    const int usable = cell->space && cell->space->n_params > 0 && cell->faulty;
    if (usable) {
        for (uint32_t r = 0; r < cell->n_repeats; r++) {
            const dnnr_value *patch = patch_of(cell, r);
            const unsigned edits =
                DNNR_HAS(cell, patch_edits) && cell->patch_edits ? cell->patch_edits[r] : 0;
            if (patch) {
                sum += dnnr__patch_complexity_edits(cell->space, cell->faulty, patch, edits);
                n_patches++;
            }
        }
        if (cell->fix)
            fix = dnnr__fix_complexity(cell->space, cell->faulty, cell->fix);
    }
    sink->put(sink->ctx, "complexity", n_patches ? sum / n_patches : NAN);
    sink->put(sink->ctx, "complexity_fix", fix);
    sink->put(sink->ctx, "n_patches", usable ? (double)n_patches : NAN);
    return DNNR_OK;
}

static const dnnr_metric_iface complexity_iface = {
    sizeof(dnnr_metric_iface),
    complexity_create,
    complexity_destroy,
    complexity_compute,
};

DNNR_PLUGIN_DEFINE(complexity, DNNR_KIND_METRIC, "1.0.0",
                   "Share of hyperparameters the patches changed from the faulty configuration",
                   complexity_iface)
