/* The bohb searcher's pieces against SEARCHERS.md Part B and the golden
 * values of D.3: Hyperband bracket tables (HpBandSter's and Ray's), the
 * ConfigSpace vector encoding, the model's data threshold and discard rule,
 * proposals, and successive halving inside a bracket. The KDE and the
 * truncated normal are in test_bohb_kde.c, the plugin's protocol in
 * test_bohb_protocol.c, the comparisons with random search in
 * test_bohb_search.c and the engine run on D1 in test_bohb_d1.c. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <dnnrepair/dnnrepair.h>

#include "bracket.h"
#include "config_generator.h"
#include "encoding.h"
#include "host/host.h"
#include "hyperband.h"
#include "space/space.h"

static dnnr_host *make_host(void)
{
    dnnr_error err = {{0}};
    dnnr_host *host = dnnr__host_create_simple("bohb", 7, NULL, &err);
    ck_assert_msg(host != NULL, "%s", err.msg);
    return host;
}

/* ---- bracket arithmetic (B.1, B.8) ---- */

typedef struct bracket_case {
    double min, max, eta;
    uint32_t max_sh_iter;
    double budgets[6];
    uint32_t rungs[6][6]; /* bracket k of a cycle: configs per rung, 0-terminated */
} bracket_case;

/* SEARCHERS.md B.1's worked table. */
static const bracket_case hpbandster_cases[] = {
    {1, 81, 3, 5, {1, 3, 9, 27, 81},
     {{81, 27, 9, 3, 1}, {27, 9, 3, 1}, {9, 3, 1}, {6, 2}, {5}}},
    {1, 27, 3, 4, {1, 3, 9, 27}, {{27, 9, 3, 1}, {9, 3, 1}, {6, 2}, {4}}},
    {1, 9, 3, 3, {1, 3, 9}, {{9, 3, 1}, {3, 1}, {3}}},
    {1, 50, 3, 4, {50.0 / 27, 50.0 / 9, 50.0 / 3, 50}, {{27, 9, 3, 1}, {9, 3, 1}, {6, 2}, {4}}},
    {0.01, 1, 3, 5, {1.0 / 81, 1.0 / 27, 1.0 / 9, 1.0 / 3, 1},
     {{81, 27, 9, 3, 1}, {27, 9, 3, 1}, {9, 3, 1}, {6, 2}, {5}}},
    {1, 16, 2, 5, {1, 2, 4, 8, 16}, {{16, 8, 4, 2, 1}, {8, 4, 2, 1}, {4, 2, 1}, {4, 2}, {5}}},
};

START_TEST(hpbandster_bracket_tables)
{
    const bracket_case *c = &hpbandster_cases[_i];
    bohb_hyperband hb;
    ck_assert_int_eq(bohb_hyperband_hpbandster(c->min, c->max, c->eta, &hb), 0);
    ck_assert_uint_eq(hb.n_budgets, c->max_sh_iter);
    ck_assert_uint_eq(hb.n_brackets, c->max_sh_iter);
    for (uint32_t i = 0; i < hb.n_budgets; i++)
        ck_assert_double_eq_tol(hb.budgets[i], c->budgets[i], 1e-9 * c->max);
    for (uint32_t k = 0; k < hb.n_brackets; k++) {
        const bohb_bracket_plan *plan = bohb_hyperband_bracket(&hb, k);
        ck_assert_uint_eq(plan->n_rungs, c->max_sh_iter - k); /* s = max_SH_iter - 1 - k */
        for (uint32_t i = 0; i < plan->n_rungs; i++) {
            ck_assert_uint_eq(plan->n[i], c->rungs[k][i]);
            /* The rung budgets are the last s+1 entries of the ladder. */
            ck_assert_uint_eq(plan->budget_index[i], k + i);
            ck_assert_double_eq(plan->budget[i], hb.budgets[k + i]);
        }
    }
    /* The cycle repeats. */
    ck_assert_ptr_eq(bohb_hyperband_bracket(&hb, hb.n_brackets), &hb.brackets[0]);
}
END_TEST

START_TEST(hpbandster_floating_point_trap)
{
    /* ln(1/1000)/ln(10) = -2.9999999999999996 truncates to -2: 3 budgets, not 4. */
    ck_assert_uint_eq(bohb_max_sh_iter(1, 1000, 10), 3);
    bohb_hyperband hb;
    ck_assert_int_eq(bohb_hyperband_hpbandster(1, 1000, 10, &hb), 0);
    ck_assert_double_eq_tol(hb.budgets[0], 10.0, 1e-9);
    ck_assert_uint_eq(hb.brackets[0].n[0], 100);
    /* min = max: one bracket of one configuration. */
    ck_assert_int_eq(bohb_hyperband_hpbandster(5, 5, 3, &hb), 0);
    ck_assert_uint_eq(hb.n_brackets, 1);
    ck_assert_uint_eq(hb.brackets[0].n[0], 1);
    /* Unusable inputs. */
    ck_assert_int_eq(bohb_hyperband_hpbandster(1, 81, 1.0, &hb), -1);
    ck_assert_int_eq(bohb_hyperband_hpbandster(0, 81, 3, &hb), -1);
    ck_assert_int_eq(bohb_hyperband_hpbandster(9, 3, 3, &hb), -1);
}
END_TEST

START_TEST(ray_bracket_table)
{
    /* B.8: max_t = 81, eta = 3 (n@milestone). */
    static const uint32_t n[5][5] = {{81, 27, 9, 3, 1}, {34, 12, 4, 2}, {15, 5, 2}, {8, 3}, {5}};
    static const double r[5][5] = {{1, 3, 9, 27, 54}, {3, 9, 27, 54}, {9, 27, 54}, {27, 54}, {81}};
    bohb_hyperband hb;
    ck_assert_int_eq(bohb_hyperband_ray(81, 3, &hb), 0);
    ck_assert_uint_eq(hb.n_brackets, 5);
    for (uint32_t k = 0; k < 5; k++) {
        ck_assert_uint_eq(hb.brackets[k].n_rungs, 5 - k);
        for (uint32_t i = 0; i < hb.brackets[k].n_rungs; i++) {
            ck_assert_uint_eq(hb.brackets[k].n[i], n[k][i]);
            ck_assert_double_eq(hb.brackets[k].budget[i], r[k][i]);
            ck_assert_double_eq(hb.budgets[hb.brackets[k].budget_index[i]], r[k][i]);
        }
    }
    /* Ladder: the distinct milestones 1 3 9 27 54 81. */
    ck_assert_uint_eq(hb.n_budgets, 6);
    ck_assert_double_eq(hb.budgets[4], 54);
    /* max_t = 1 (the study): every bracket is one trial at milestone 1. */
    ck_assert_int_eq(bohb_hyperband_ray(1, 3, &hb), 0);
    ck_assert_uint_eq(hb.n_brackets, 1);
    ck_assert_uint_eq(hb.brackets[0].n_rungs, 1);
    ck_assert_uint_eq(hb.brackets[0].n[0], 1);
    ck_assert_double_eq(hb.brackets[0].budget[0], 1);
}
END_TEST

/* ---- the ConfigSpace vector form (B.3) ---- */

static const char *const kinds[3] = {"a", "b", "c"};

static dnnr_space *mixed_space(void)
{
    dnnr_space *s = dnnr__space_create();
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(dnnr__space_add_float(s, "x", -5, 5, 0, 0), DNNR_OK);
    ck_assert_int_eq(dnnr__space_add_categorical(s, "kind", kinds, 3, 0), DNNR_OK);
    ck_assert_int_eq(dnnr__space_add_int(s, "n", 1, 20, 0, 7), DNNR_OK);
    ck_assert_int_eq(dnnr__space_add_float(s, "lr", 1e-5, 1e-1, 1, 1e-3), DNNR_OK);
    ck_assert_int_eq(dnnr__space_add_int(s, "batch", 1, 1024, 1, 32), DNNR_OK);
    return s;
}

START_TEST(vector_encoding)
{
    dnnr_space *s = mixed_space();
    const dnnr_param *const *p = s->params;
    /* float: linear position; log float: position of the log. */
    ck_assert_double_eq_tol(bohb_encode_param(p[0], (dnnr_value){.f = 2.5}), 0.75, 1e-15);
    ck_assert_double_eq_tol(bohb_encode_param(p[3], (dnnr_value){.f = 1e-3}), 0.5, 1e-12);
    /* categorical: the bare index. */
    ck_assert_double_eq(bohb_encode_param(p[1], (dnnr_value){.i = 2}), 2.0);
    /* integer: on [lo - 0.49999, hi + 0.49999]. */
    ck_assert_double_eq_tol(bohb_encode_param(p[2], (dnnr_value){.i = 1}),
                            0.49999 / 19.99998, 1e-15);
    ck_assert_double_eq_tol(bohb_encode_param(p[2], (dnnr_value){.i = 20}),
                            19.49999 / 19.99998, 1e-15);
    double lo = log(0.50001), hi = log(1024.49999);
    ck_assert_double_eq_tol(bohb_encode_param(p[4], (dnnr_value){.i = 32}),
                            (log(32) - lo) / (hi - lo), 1e-15);
    /* Every integer owns an equal share of [0, 1]: decode rounds. */
    for (int64_t n = 1; n <= 20; n++) {
        double centre = bohb_encode_param(p[2], (dnnr_value){.i = n});
        ck_assert_int_eq(bohb_decode_param(p[2], centre + 0.49 / 19.99998).i, n);
        ck_assert_int_eq(bohb_decode_param(p[2], centre - 0.49 / 19.99998).i, n);
    }
    ck_assert_int_eq(bohb_decode_param(p[2], 0.0).i, 1);
    ck_assert_int_eq(bohb_decode_param(p[2], 1.0).i, 20);
    ck_assert_int_eq(bohb_decode_param(p[2], 7.0).i, 20); /* clamped */
    /* Categorical vectors round to the nearest index, clamped. */
    ck_assert_int_eq(bohb_decode_param(p[1], 1.4).i, 1);
    ck_assert_int_eq(bohb_decode_param(p[1], 1.6).i, 2);
    ck_assert_int_eq(bohb_decode_param(p[1], -3).i, 0);
    ck_assert_int_eq(bohb_decode_param(p[1], 9).i, 2);
    /* Round trip. */
    dnnr_value config[5] = {{.f = -1.25}, {.i = 1}, {.i = 13}, {.f = 3e-4}, {.i = 100}}, back[5];
    double vec[5];
    bohb_encode(s, config, vec);
    bohb_decode(s, vec, back);
    ck_assert_double_eq_tol(back[0].f, -1.25, 1e-12);
    ck_assert_int_eq(back[1].i, 1);
    ck_assert_int_eq(back[2].i, 13);
    ck_assert_double_eq_tol(back[3].f, 3e-4, 1e-15);
    ck_assert_int_eq(back[4].i, 100);
    dnnr__space_destroy(s);
}
END_TEST

START_TEST(prior_sample_is_uniform_in_vector_space)
{
    dnnr_space *s = mixed_space();
    dnnr_rng rng;
    dnnr_rng_init(&rng, 99);
    enum { N = 30000 };
    int cat_count[3] = {0}, low_lr = 0;
    double vec[5];
    for (int i = 0; i < N; i++) {
        bohb_sample_prior(s, &rng, vec);
        for (int j = 0; j < 5; j++)
            if (j != 1)
                ck_assert(vec[j] >= 0.0 && vec[j] < 1.0);
        cat_count[(int)vec[1]]++;
        low_lr += vec[3] < 0.25; /* lr below 1e-4: a quarter of the decades */
    }
    for (int k = 0; k < 3; k++)
        ck_assert_int_lt(abs(cat_count[k] - N / 3), 500); /* ~6 sigma */
    ck_assert_int_lt(abs(low_lr - N / 4), 500);
    dnnr__space_destroy(s);
}
END_TEST

/* ---- the configuration generator (B.4, B.6) ---- */

static dnnr_space *cube_space(int d)
{
    dnnr_space *s = dnnr__space_create();
    for (int j = 0; j < d; j++) {
        char name[8] = {'x', (char)('0' + j), 0};
        ck_assert_int_eq(dnnr__space_add_float(s, name, 0, 1, 0, 0.5), DNNR_OK);
    }
    return s;
}

START_TEST(model_threshold)
{
    /* d = 3: 7 observations give no model (bad set of 3 <= d); 8 give the
     * first one (good 4, bad 4). */
    dnnr_host *host = make_host();
    dnnr_space *s = cube_space(3);
    bohb_generator_options opt;
    bohb_generator_defaults(&opt);
    opt.min_points_in_model = 2; /* raised to d + 1 */
    bohb_generator gen;
    ck_assert_int_eq(bohb_generator_init(&gen, host, s, 3, &opt, 1), DNNR_OK);
    ck_assert_uint_eq(gen.opt.min_points_in_model, 4);
    for (int i = 0; i < 7; i++) {
        double v[3] = {i / 7.0, (i * 3 % 7) / 7.0, (i * 5 % 7) / 7.0};
        ck_assert_int_eq(bohb_generator_observe(&gen, v, 1, (double)i), DNNR_OK);
    }
    ck_assert_int_eq(gen.budgets[1].has_model, 0);
    ck_assert_int_eq(gen.largest_model, -1);
    double v[3] = {0.5, 0.25, 0.75};
    ck_assert_int_eq(bohb_generator_observe(&gen, v, 1, NAN), DNNR_OK); /* a crash: +inf */
    ck_assert_double_eq(gen.budgets[1].losses[7], INFINITY);
    ck_assert_int_eq(gen.budgets[1].has_model, 1);
    ck_assert_uint_eq(gen.budgets[1].good.n, 4);
    ck_assert_uint_eq(gen.budgets[1].bad.n, 4);
    ck_assert_int_eq(gen.largest_model, 1);
    /* The good KDE holds the four lowest losses (rows 0..3). */
    for (size_t i = 0; i < 4; i++)
        ck_assert_double_eq(gen.budgets[1].good.data[i * 3], i / 7.0);

    /* Budget 0 is below the model's budget: discarded, not even stored. */
    ck_assert_int_eq(bohb_generator_observe(&gen, v, 0, 1.0), DNNR_OK);
    ck_assert_uint_eq(gen.budgets[0].n, 0);
    /* A larger budget is stored; its model takes over once it has 8 points. */
    for (int i = 0; i < 8; i++) {
        double w[3] = {0.1 * i, 0.5, 0.9 - 0.1 * i};
        ck_assert_int_eq(bohb_generator_observe(&gen, w, 2, -(double)i), DNNR_OK);
    }
    ck_assert_int_eq(gen.largest_model, 2);
    bohb_generator_free(&gen);
    dnnr__space_destroy(s);
    dnnr__host_destroy(host);
}
END_TEST

START_TEST(ratio_follows_python_max)
{
    ck_assert_double_eq(bohb_generator_ratio(2.0, 1.0), 0.5);
    ck_assert_double_eq(bohb_generator_ratio(0.0, 0.0), 1.0);   /* both floored */
    ck_assert_double_eq(bohb_generator_ratio(1.0, NAN), 1e-32); /* NaN g -> 1e-32 */
    ck_assert(isnan(bohb_generator_ratio(NAN, 1.0)));           /* NaN l stays */
    ck_assert(isinf(bohb_generator_ratio(1.0, INFINITY)));
}
END_TEST

START_TEST(model_proposals_concentrate_on_good_region)
{
    /* Losses = distance to (0.2, 0.8): once a model exists, model-based
     * proposals land much nearer the good region than uniform ones do. */
    dnnr_host *host = make_host();
    dnnr_space *s = cube_space(2);
    bohb_generator_options opt;
    bohb_generator_defaults(&opt);
    opt.random_fraction = 0.0;
    bohb_generator gen;
    ck_assert_int_eq(bohb_generator_init(&gen, host, s, 1, &opt, 5), DNNR_OK);
    double v[2];
    ck_assert_int_eq(bohb_generator_propose(&gen, v), BOHB_PICK_RANDOM); /* no model yet */
    dnnr_rng rng;
    dnnr_rng_init(&rng, 11);
    for (int i = 0; i < 40; i++) {
        v[0] = dnnr_rng_uniform(&rng);
        v[1] = dnnr_rng_uniform(&rng);
        ck_assert_int_eq(bohb_generator_observe(&gen, v, 0, hypot(v[0] - 0.2, v[1] - 0.8)),
                         DNNR_OK);
    }
    double total = 0;
    for (int i = 0; i < 200; i++) {
        bohb_pick pick = bohb_generator_propose(&gen, v);
        ck_assert(pick == BOHB_PICK_MODEL || pick == BOHB_PICK_UNBOUNDED);
        ck_assert(v[0] >= 0 && v[0] <= 1 && v[1] >= 0 && v[1] <= 1);
        total += hypot(v[0] - 0.2, v[1] - 0.8);
    }
    /* Uniform points average ~0.45 from (0.2, 0.8). */
    ck_assert_double_lt(total / 200, 0.2);
    bohb_generator_free(&gen);
    dnnr__space_destroy(s);
    dnnr__host_destroy(host);
}
END_TEST

START_TEST(categorical_unseen_by_bad_kde_is_taken_at_once)
{
    /* Every bad row has kind 0 (L = 1): any candidate of another kind makes
     * g = +inf, and HpBandSter accepts it immediately when l is finite. */
    dnnr_host *host = make_host();
    dnnr_space *s = dnnr__space_create();
    ck_assert_int_eq(dnnr__space_add_categorical(s, "kind", kinds, 3, 0), DNNR_OK);
    ck_assert_int_eq(dnnr__space_add_float(s, "x", 0, 1, 0, 0.5), DNNR_OK);
    bohb_generator_options opt;
    bohb_generator_defaults(&opt);
    opt.random_fraction = 0.0;
    bohb_generator gen;
    ck_assert_int_eq(bohb_generator_init(&gen, host, s, 1, &opt, 8), DNNR_OK);
    for (int i = 0; i < 20; i++) {
        double v[2] = {i < 3 ? (double)(1 + i % 2) : 0.0, i / 20.0};
        ck_assert_int_eq(bohb_generator_observe(&gen, v, 0, (double)i), DNNR_OK);
    }
    ck_assert_uint_eq(gen.budgets[0].bad.levels[0], 1);
    int unbounded = 0;
    for (int i = 0; i < 50; i++) {
        double v[2];
        bohb_pick pick = bohb_generator_propose(&gen, v);
        if (pick == BOHB_PICK_UNBOUNDED) {
            unbounded++;
            ck_assert_double_ne(v[0], 0.0);
        }
    }
    ck_assert_int_gt(unbounded, 40);
    bohb_generator_free(&gen);
    dnnr__space_destroy(s);
    dnnr__host_destroy(host);
}
END_TEST

/* ---- successive halving in one bracket (B.2) ---- */

START_TEST(bracket_promotes_the_best_and_refills_crashes)
{
    dnnr_host *host = make_host();
    bohb_hyperband hb;
    ck_assert_int_eq(bohb_hyperband_hpbandster(1, 9, 3, &hb), 0);
    bohb_bracket *b = bohb_bracket_create(host, &hb.brackets[0], 0, 1); /* 9, 3, 1 */
    ck_assert_ptr_nonnull(b);
    for (uint64_t t = 0; t < 9; t++) {
        int i = bohb_bracket_next(b);
        ck_assert_int_eq(i, (int)t);
        b->slots[i].vector[0] = (double)t;
        b->slots[i].sampled = 1;
        bohb_bracket_start(b, i, 100 + t);
    }
    ck_assert_int_eq(bohb_bracket_next(b), -1); /* stage 0 waits */
    /* Losses: trial 100+t gets 9 - t, except 108, 107 crash: best finite are 106, 105, 104. */
    for (uint64_t t = 0; t < 9; t++) {
        int i = bohb_bracket_find(b, 100 + t);
        ck_assert_int_ge(i, 0);
        ck_assert_int_eq(bohb_bracket_finish(b, i, t >= 7 ? NAN : 9.0 - (double)t), 0);
        if (t < 8)
            ck_assert_uint_eq(b->stage, 0);
    }
    ck_assert_uint_eq(b->stage, 1);
    ck_assert_uint_eq(b->n_slots, 3);
    const int64_t expected[3] = {106, 105, 104};
    for (int i = 0; i < 3; i++) {
        ck_assert(b->slots[i].sampled);
        ck_assert_int_eq(b->slots[i].previous_trial, expected[i]);
        ck_assert_double_eq(b->slots[i].vector[0], (double)(expected[i] - 100));
    }
    /* Stage 1: two crash, so only one is promoted ... */
    for (int i = 0; i < 3; i++)
        bohb_bracket_start(b, bohb_bracket_next(b), 200 + (uint64_t)i);
    ck_assert_int_eq(bohb_bracket_finish(b, bohb_bracket_find(b, 200), INFINITY), 0);
    ck_assert_int_eq(bohb_bracket_finish(b, bohb_bracket_find(b, 201), 0.5), 0);
    ck_assert_int_eq(bohb_bracket_finish(b, bohb_bracket_find(b, 202), NAN), 0);
    ck_assert_uint_eq(b->stage, 2);
    ck_assert_int_eq(b->slots[0].previous_trial, 201);
    ck_assert(!bohb_bracket_may_promote(b));
    bohb_bracket_start(b, 0, 300);
    ck_assert_int_eq(bohb_bracket_finish(b, 0, 0.1), 0);
    ck_assert(b->finished);
    ck_assert_int_eq(bohb_bracket_next(b), -1);
    bohb_bracket_destroy(b);

    /* All crashed at stage 0 of a 3,1 bracket: the next stage is one fresh slot. */
    b = bohb_bracket_create(host, &hb.brackets[1], 1, 1);
    for (uint64_t t = 0; t < 3; t++)
        bohb_bracket_start(b, bohb_bracket_next(b), t);
    for (uint64_t t = 0; t < 3; t++)
        bohb_bracket_finish(b, bohb_bracket_find(b, t), NAN);
    ck_assert_uint_eq(b->stage, 1);
    ck_assert_uint_eq(b->n_slots, 1);
    ck_assert(!b->slots[0].sampled);
    ck_assert_int_eq(b->slots[0].previous_trial, -1);
    bohb_bracket_destroy(b);
    dnnr__host_destroy(host);
}
END_TEST

static Suite *bohb_suite(void)
{
    Suite *s = suite_create("bohb");
    TCase *tc = tcase_create("brackets");
    tcase_set_timeout(tc, 10);
    tcase_add_loop_test(tc, hpbandster_bracket_tables, 0,
                        (int)(sizeof hpbandster_cases / sizeof hpbandster_cases[0]));
    tcase_add_test(tc, hpbandster_floating_point_trap);
    tcase_add_test(tc, ray_bracket_table);
    tcase_add_test(tc, bracket_promotes_the_best_and_refills_crashes);
    suite_add_tcase(s, tc);

    tc = tcase_create("encoding");
    tcase_set_timeout(tc, 10);
    tcase_add_test(tc, vector_encoding);
    tcase_add_test(tc, prior_sample_is_uniform_in_vector_space);
    suite_add_tcase(s, tc);

    tc = tcase_create("generator");
    tcase_set_timeout(tc, 10);
    tcase_add_test(tc, model_threshold);
    tcase_add_test(tc, ratio_follows_python_max);
    tcase_add_test(tc, model_proposals_concentrate_on_good_region);
    tcase_add_test(tc, categorical_unseen_by_bad_kde_is_taken_at_once);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(bohb_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
