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

#include "test_regret.h"

const dnnr_plugin_desc *dnnr_plugin_hebo_entry(void);
const dnnr_plugin_desc *dnnr_plugin_random_entry(void);

#define FAST_HEBO "fit_restarts = 3; generations = 25;"

static void beats_random(const char *function)
{
    double hebo = regret_median(dnnr_plugin_hebo_entry(), FAST_HEBO, function);
    double random = regret_median(dnnr_plugin_random_entry(), NULL, function);
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
