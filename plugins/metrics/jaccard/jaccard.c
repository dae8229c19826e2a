/* jaccard: the Asymmetric Jaccard of repair operators (STATISTICS.md 3.6):
 * the share of the fault's operators (act, batch_size, epochs, loss, lr,
 * optimizer, ki, kr; from the parameters where faulty and fix differ) that a
 * patch also touches. Averaged over the repeats that found a patch (final
 * value strictly better than the faulty mean).
 *
 * Two columns, because the study's code and its description disagree:
 *   aj_study     the patch's operators are those where it differs from the
 *                FIX, as the notebook codes it (the replication value):
 *                a patch that keeps the faulty value still scores, and one
 *                identical to the fix scores 0;
 *   aj_intended  those where it differs from the FAULTY configuration, what
 *                the paper describes.
 * A fault outside the search space (faulty = fix on every parameter) gives 0.
 * NaN when the cell has no faulty or fix configuration, or no patch.
 *
 * No options.
 */
#include <math.h>
#include <stdint.h>

#include <dnnrepair/dnnrepair.h>

#include "stats/stats.h"

struct dnnr_metric {
    const dnnr_host *host;
};

static int jaccard_create(const dnnr_metric_init *init, dnnr_metric **out)
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

static void jaccard_destroy(dnnr_metric *m)
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
        return cell->patches[r];
    const double mu_f = dnnr__mean(cell->faulty_values, cell->n_faulty);
    return dnnr__patch_exists(cell->patched_values[r], mu_f, cell->maximise) ? cell->patches[r]
                                                                             : NULL;
}

static int jaccard_compute(dnnr_metric *m, const dnnr_cell *cell, const dnnr_column_sink *sink)
{
    double study = 0, intended = 0;
    uint32_t n_patches = 0;
    if (cell->space && cell->faulty && cell->fix) {
        for (uint32_t r = 0; r < cell->n_repeats; r++) {
            const dnnr_value *patch = patch_of(cell, r);
            if (!patch)
                continue;
            study +=
                dnnr__patch_jaccard(cell->space, cell->faulty, cell->fix, patch, DNNR_AJ_STUDY);
            intended +=
                dnnr__patch_jaccard(cell->space, cell->faulty, cell->fix, patch, DNNR_AJ_INTENDED);
            n_patches++;
        }
    }
    sink->put(sink->ctx, "aj_study", n_patches ? study / n_patches : NAN);
    sink->put(sink->ctx, "aj_intended", n_patches ? intended / n_patches : NAN);
    return DNNR_OK;
}

static const dnnr_metric_iface jaccard_iface = {
    sizeof(dnnr_metric_iface),
    jaccard_create,
    jaccard_destroy,
    jaccard_compute,
};

DNNR_PLUGIN_DEFINE(jaccard, DNNR_KIND_METRIC, "1.0.0",
                   "Asymmetric Jaccard of the patches' repair operators against the fix's",
                   jaccard_iface)
