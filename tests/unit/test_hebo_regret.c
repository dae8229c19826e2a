/* hebo against random search, end to end (SEARCHERS.md D.2): on Branin and
 * Hartmann6, over 10 seeds, hebo's median simple regret after 50 evaluations
 * (the start included) must be below random's.
 *
 * To keep the default suite fast this runs HEBO with 3 fit restarts and 25
 * NSGA-II generations instead of 10 and 100; everything else is the default.
 * benchmarks/search runs the full settings. */
#include <check.h>
#include <stdlib.h>

#include <dnnrepair/dnnrepair.h>

#include "test_hebo_driver.h"

const dnnr_plugin_desc *dnnr_plugin_hebo_entry(void);
const dnnr_plugin_desc *dnnr_plugin_random_entry(void);

enum { SEEDS = 10, EVALS = 50 };
#define FAST_HEBO "fit_restarts = 3; generations = 25;"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median_regret(const dnnr_plugin_desc *searcher, const char *options,
                            const char *function)
{
    double final[SEEDS], trace[EVALS];
    for (int seed = 0; seed < SEEDS; seed++) {
        ck_assert_int_eq(hebo_drive(searcher, options, (uint64_t)seed + 1, function, 0, EVALS,
                                    trace, NULL),
                         0);
        for (int t = 1; t < EVALS; t++) /* best-so-far never rises */
            ck_assert(trace[t] <= trace[t - 1]);
        final[seed] = trace[EVALS - 1];
    }
    qsort(final, SEEDS, sizeof *final, cmp_double);
    return 0.5 * (final[SEEDS / 2 - 1] + final[SEEDS / 2]);
}

static void beats_random(const char *function)
{
    double hebo = median_regret(dnnr_plugin_hebo_entry(), FAST_HEBO, function);
    double random = median_regret(dnnr_plugin_random_entry(), NULL, function);
    ck_assert_msg(hebo < random, "%s: hebo median regret %g, random %g", function, hebo, random);
}

START_TEST(branin_beats_random) { beats_random("branin"); }
END_TEST

START_TEST(hartmann6_beats_random) { beats_random("hartmann6"); }
END_TEST

int main(void)
{
    Suite *s = suite_create("hebo_regret");
    TCase *tc = tcase_create("regret");
    tcase_set_timeout(tc, 240);
    tcase_add_test(tc, branin_beats_random);
    tcase_add_test(tc, hartmann6_beats_random);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
