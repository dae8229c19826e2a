/* The regret tests' statistic: a searcher's median simple regret after
 * REGRET_EVALS evaluations (the start included) over REGRET_SEEDS seeds, on
 * a testfunctions subject, run by test_hebo_driver.h's in-process loop. A
 * searcher passes its regret test when this is below random search's. */
#ifndef DNNR_TEST_REGRET_H
#define DNNR_TEST_REGRET_H

#include <check.h>
#include <stdlib.h>

#include <dnnrepair/dnnrepair.h>

#include "test_hebo_driver.h"

enum { REGRET_SEEDS = 10, REGRET_EVALS = 50 };

static int regret_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Seeds 1..REGRET_SEEDS; @p options are the searcher's (may be NULL). */
static double regret_median(const dnnr_plugin_desc *searcher, const char *options,
                            const char *function)
{
    double final[REGRET_SEEDS], trace[REGRET_EVALS];
    for (int seed = 0; seed < REGRET_SEEDS; seed++) {
        ck_assert_int_eq(hebo_drive(searcher, options, (uint64_t)seed + 1, function, 0,
                                    REGRET_EVALS, trace, NULL),
                         0);
        for (int t = 1; t < REGRET_EVALS; t++) /* best-so-far never rises */
            ck_assert(trace[t] <= trace[t - 1]);
        final[seed] = trace[REGRET_EVALS - 1];
    }
    qsort(final, REGRET_SEEDS, sizeof *final, regret_cmp_double);
    return 0.5 * (final[REGRET_SEEDS / 2 - 1] + final[REGRET_SEEDS / 2]);
}

#endif
