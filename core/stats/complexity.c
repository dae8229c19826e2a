/* Patch complexity (STATISTICS.md 3.5): the share of hyperparameters a patch
 * changed from the faulty configuration. Every parameter of the space counts
 * in the denominator, the ones a subject holds fixed included, as the study
 * counted every config.* column. Any change counts 1, whatever its size. */
#include <math.h>

#include "stats/stats.h"

double dnnr__patch_complexity(const dnnr_space *space, const dnnr_value *faulty,
                              const dnnr_value *patch)
{
    if (!space || space->n_params == 0 || !faulty || !patch)
        return NAN;
    return (double)dnnr__config_changed_count(space, faulty, patch) / (double)space->n_params;
}

double dnnr__patch_complexity_edits(const dnnr_space *space, const dnnr_value *faulty,
                                    const dnnr_value *patch, unsigned edits)
{
    if (!space || space->n_params == 0 || !faulty || !patch)
        return NAN;
    /* edits the space cannot express (batch norm, clipping, ...) are changes
     * of hyperparameters the study's spaces did not list: they join both the
     * numerator and the denominator */
    double changed = (double)dnnr__config_changed_count(space, faulty, patch) + edits;
    return changed / ((double)space->n_params + edits);
}

double dnnr__fix_complexity(const dnnr_space *space, const dnnr_value *faulty,
                            const dnnr_value *fix)
{
    const double c = dnnr__patch_complexity(space, faulty, fix);
    /* A fault outside the search space (a weight regulariser, say) changes
     * no parameter; the study then drew its ground truth at 1/n. */
    if (c == 0.0)
        return 1.0 / (double)space->n_params;
    return c;
}
