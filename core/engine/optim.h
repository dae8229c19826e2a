/* Per-step optimiser coefficients (TF 2.3). The element-wise update itself
 * is the backend's DNNR_OP_UPDATE (formulas in the SDK's backend.h). */
#ifndef DNNR_ENGINE_OPTIM_H
#define DNNR_ENGINE_OPTIM_H

#include <stdint.h>

#include <dnnrepair/backend.h>

#include "engine/spec.h"

/** Optimiser state the engine keeps between steps (beyond the per-entry state). */
typedef struct dnnr__optim_clock {
    uint64_t step;       /**< iterations done */
    double nadam_m_cache; /**< Nadam's product of momentum schedules, starts at 1 */
} dnnr__optim_clock;

void dnnr__optim_clock_init(dnnr__optim_clock *c);

/** Advance to the next iteration and fill the run args of its update. */
void dnnr__optim_next(dnnr__optim_clock *c, dnnr_optimizer opt, double lr, dnnr_run_args *args);

/** The update descriptor's constants (alpha, beta, epsilon) for @p opt. */
void dnnr__optim_describe(dnnr_optimizer opt, dnnr_op_desc *d);

#endif
