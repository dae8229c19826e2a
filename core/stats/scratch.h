/* Private to core/stats: scratch memory through the caller's allocator, or
 * malloc when it gave none (tools and tests). */
#ifndef DNNR_STATS_SCRATCH_H
#define DNNR_STATS_SCRATCH_H

#include <stdlib.h>

#include "stats/stats.h"

static inline void *dnnr__scratch_alloc(const dnnr_stats_alloc *mem, size_t n, size_t size)
{
    if (mem && mem->alloc)
        return mem->alloc(mem->ctx, n, size);
    return calloc(n ? n : 1, size ? size : 1);
}

static inline void dnnr__scratch_free(const dnnr_stats_alloc *mem, void *p)
{
    if (mem && mem->free)
        mem->free(mem->ctx, p);
    else
        free(p);
}

#endif
