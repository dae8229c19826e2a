/* Average ranks as scipy.stats.rankdata: sort, then give each run of equal
 * values the mean of the positions it spans. */
#include <stdlib.h>

#include "stats/scratch.h"
#include "stats/stats.h"

typedef struct indexed_value {
    double value;
    size_t index;
} indexed_value;

static int compare_values(const void *pa, const void *pb)
{
    const indexed_value *a = pa, *b = pb;
    if (a->value < b->value)
        return -1;
    if (a->value > b->value)
        return 1;
    return (a->index > b->index) - (a->index < b->index);
}

int dnnr__rank_average(const double *x, size_t n, double *ranks, double *tie_term,
                       const dnnr_stats_alloc *mem)
{
    if (tie_term)
        *tie_term = 0.0;
    if (n == 0)
        return DNNR_OK;
    indexed_value *sorted = dnnr__scratch_alloc(mem, n, sizeof *sorted);
    if (!sorted)
        return DNNR_ENOMEM;
    for (size_t i = 0; i < n; i++)
        sorted[i] = (indexed_value){x[i], i};
    qsort(sorted, n, sizeof *sorted, compare_values);

    for (size_t start = 0; start < n;) {
        size_t end = start + 1;
        while (end < n && sorted[end].value == sorted[start].value)
            end++;
        /* positions start+1 .. end share their mean */
        double rank = 0.5 * ((double)(start + 1) + (double)end);
        for (size_t k = start; k < end; k++)
            ranks[sorted[k].index] = rank;
        double t = (double)(end - start);
        if (tie_term && end - start > 1)
            *tie_term += t * (t * t - 1.0);
        start = end;
    }
    dnnr__scratch_free(mem, sorted);
    return DNNR_OK;
}
