/* bohb end to end on the testfunctions loader's multi-fidelity Branin
 * (noise and bias shrink with the budget), against the random searcher:
 * BOHB must reach random search's final median regret at no more than half
 * of random's cost. Each run is seeded, so the suite is deterministic; the
 * seed count makes the medians stable rather than lucky.
 *
 * HpBandSter's own BOHB on the same subject and budget (cost 30, one
 * worker) gives regret quantiles q10/q25/median 0.017/0.087/0.525 over 51
 * seeds, this plugin 0.029/0.095/0.262 over 201; a Mann-Whitney test finds
 * no difference (p = 0.15). See tests/fixtures/bohb/hpbandster_reference.*. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <dnnrepair/dnnrepair.h>

#include "host/host.h"
#include "test_bohb_driver.h"

const dnnr_plugin_desc *dnnr_plugin_bohb_entry(void);
const dnnr_plugin_desc *dnnr_plugin_random_entry(void);
const dnnr_plugin_desc *dnnr_plugin_testfunctions_entry(void);

#define N_SEEDS 51
#define RANDOM_BUDGET 60.0 /* full-fidelity evaluations */
#ifndef STUDY_BUDGET
#define STUDY_BUDGET 300.0
#endif

static const char *const multifidelity =
    "function = \"multifidelity\"; min_budget = 1.0; max_budget = 81.0;";

/* One trace per seed of @p searcher run until @p budget is spent; returns the
 * share of its trials that ran at full fidelity. */
static double collect(const driver_subject *s, const dnnr_plugin_desc *searcher,
                      const char *options, uint32_t workers, double budget,
                      driver_trace traces[N_SEEDS])
{
    size_t n_full = 0, n_trials = 0;
    for (int seed = 0; seed < N_SEEDS; seed++) {
        driver_params p = {.searcher = searcher, .options = options,
                           .seed = 1000 + (uint64_t)seed, .workers = workers, .budget = budget};
        driver_run(s, &p, &traces[seed]);
        n_full += traces[seed].n_full;
        n_trials += traces[seed].n_trials;
    }
    return (double)n_full / (double)n_trials;
}

/* Median regret over seeds of the incumbent after spending @p cost. A run
 * with a larger budget passes through the same states (one worker, seeded),
 * so one trace answers every smaller cost. */
static double median_at(const driver_subject *s, const driver_trace traces[N_SEEDS], double cost)
{
    double regrets[N_SEEDS];
    for (int seed = 0; seed < N_SEEDS; seed++)
        regrets[seed] = driver_incumbent_at(&traces[seed], cost) - s->analytic.optimum;
    return driver_median(regrets, N_SEEDS);
}

static void free_traces(driver_trace traces[N_SEEDS])
{
    for (int seed = 0; seed < N_SEEDS; seed++)
        driver_trace_free(&traces[seed]);
}

/* Median regret over seeds after spending @p budget. */
static double median_regret(const driver_subject *s, const dnnr_plugin_desc *searcher,
                            const char *options, uint32_t workers, double budget,
                            double *full_share)
{
    driver_trace traces[N_SEEDS];
    double share = collect(s, searcher, options, workers, budget, traces);
    if (full_share)
        *full_share = share;
    double median = median_at(s, traces, budget);
    free_traces(traces);
    return median;
}

START_TEST(bohb_reaches_random_regret_at_half_the_cost)
{
    driver_subject s;
    driver_subject_open(&s, dnnr_plugin_testfunctions_entry(), multifidelity);
    ck_assert_int_eq(s.analytic.fidelity_kind, DNNR_FIDELITY_BUDGET);
    double random_final =
        median_regret(&s, dnnr_plugin_random_entry(), NULL, 1, RANDOM_BUDGET, NULL);
    driver_trace traces[N_SEEDS];
    double full_share =
        collect(&s, dnnr_plugin_bohb_entry(), NULL, 1, RANDOM_BUDGET / 2, traces);
    double bohb_half = median_at(&s, traces, RANDOM_BUDGET / 2);
    /* The cost at which BOHB's median first reaches random's final median. */
    double reach = NAN;
    for (double c = 1.0; c <= RANDOM_BUDGET / 2 && isnan(reach); c += 1.0)
        if (median_at(&s, traces, c) <= random_final)
            reach = c;
    free_traces(traces);
    fprintf(stderr,
            "multifidelity Branin, %d seeds: random median regret %.4f at cost %.0f; "
            "bohb %.4f at cost %.0f (%.0f%% of its trials at full fidelity); "
            "bohb reaches random's final median at cost %.0f\n",
            N_SEEDS, random_final, RANDOM_BUDGET, bohb_half, RANDOM_BUDGET / 2,
            100 * full_share, reach);
    ck_assert_double_lt(full_share, 0.5); /* most of BOHB's trials were cheap ones */
    ck_assert_double_le(bohb_half, random_final);
    driver_subject_close(&s);
}
END_TEST

START_TEST(bohb_with_parallel_workers_still_beats_random)
{
    /* Four workers: several brackets in flight at once. */
    driver_subject s;
    driver_subject_open(&s, dnnr_plugin_testfunctions_entry(), multifidelity);
    double random_final =
        median_regret(&s, dnnr_plugin_random_entry(), NULL, 4, RANDOM_BUDGET, NULL);
    double bohb_half = median_regret(&s, dnnr_plugin_bohb_entry(), NULL, 4, RANDOM_BUDGET / 2, NULL);
    fprintf(stderr, "4 workers: random %.4f at cost %.0f; bohb %.4f at cost %.0f\n", random_final,
            RANDOM_BUDGET, bohb_half, RANDOM_BUDGET / 2);
    ck_assert_double_le(bohb_half, random_final);
    driver_subject_close(&s);
}
END_TEST

START_TEST(study_mode_runs_everything_at_full_fidelity)
{
    /* The study's configuration: a KDE sampler at full fidelity. On Branin it
     * is no better than random search up to ~150 evaluations (51 seeds:
     * 0.44 vs 0.45 at 60, 0.32 vs 0.27 at 100, 0.17 vs 0.16 at 150; HpBandSter
     * itself behaves alike, see tests/fixtures/bohb/hpbandster_reference.py),
     * which is why the study saw little from BOHB. Its model does pay off
     * later: at 300 evaluations it must beat random search. */
    driver_subject s;
    driver_subject_open(&s, dnnr_plugin_testfunctions_entry(), multifidelity);
    double full_share;
    const double budget = STUDY_BUDGET;
    double study =
        median_regret(&s, dnnr_plugin_bohb_entry(), "study_mode = true;", 1, budget, &full_share);
    double random_final = median_regret(&s, dnnr_plugin_random_entry(), NULL, 1, budget, NULL);
    fprintf(stderr, "study mode: median regret %.4f at cost %.0f (random %.4f)\n", study, budget,
            random_final);
    ck_assert_double_eq(full_share, 1.0);
    ck_assert_double_le(study, random_final);
    driver_subject_close(&s);
}
END_TEST

static Suite *bohb_search_suite(void)
{
    Suite *s = suite_create("bohb_search");
    TCase *tc = tcase_create("multifidelity");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, bohb_reaches_random_regret_at_half_the_cost);
    tcase_add_test(tc, bohb_with_parallel_workers_still_beats_random);
    tcase_add_test(tc, study_mode_runs_everything_at_full_fidelity);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(bohb_search_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
