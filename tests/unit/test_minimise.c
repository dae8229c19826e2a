/* Patch minimisation, the pure parts: ddmin on synthetic oracles (which
 * subset it ends with, 1-minimality, how many candidates it judges, never
 * the same one twice), the one-sided Mann-Whitney U against scipy, the
 * acceptance criterion on crafted samples, and the experiment options. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/experiment.h"
#include "minimise/minimise.h"
#include "report/report.h"
#include "util/alloc.h"
#include "util/io.h"

/* ---- ddmin ---------------------------------------------------------------- */

typedef int (*oracle_fn)(const uint8_t *subset, uint32_t n, const void *ctx);

typedef struct trace {
    uint32_t tests;
    uint8_t asked[512][16]; /* every subset asked, to prove none is asked twice */
} trace;

/* Run ddmin to its end; the result (n flags) goes to out. */
static uint32_t run_ddmin(uint32_t n, oracle_fn oracle, const void *ctx, uint8_t *out, trace *t)
{
    dnnr_ddmin *d = NULL;
    ck_assert_int_eq(dnnr__ddmin_create(n, &d), DNNR_OK);
    const uint8_t *subset;
    uint32_t size;
    t->tests = 0;
    while (dnnr__ddmin_next(d, &subset, &size) == DNNR_OK) {
        uint32_t kept = 0;
        for (uint32_t k = 0; k < n; k++)
            kept += subset[k];
        ck_assert_uint_eq(kept, size);
        ck_assert_uint_lt(size, n); /* the whole set is the patch: never asked */
        /* the same subset again returns the same, until a verdict */
        const uint8_t *again;
        uint32_t again_size;
        ck_assert_int_eq(dnnr__ddmin_next(d, &again, &again_size), DNNR_OK);
        ck_assert(again == subset && again_size == size);
        for (uint32_t i = 0; i < t->tests; i++)
            ck_assert_msg(memcmp(t->asked[i], subset, n) != 0, "a subset was asked twice");
        ck_assert_uint_lt(t->tests, 512);
        memcpy(t->asked[t->tests++], subset, n);
        dnnr__ddmin_verdict(d, oracle(subset, n, ctx));
    }
    ck_assert_uint_eq(dnnr__ddmin_tests(d), t->tests);
    ck_assert_uint_eq(dnnr__ddmin_changes(d), n);
    uint32_t size_out;
    const uint8_t *current = dnnr__ddmin_current(d, &size_out);
    memcpy(out, current, n);
    dnnr__ddmin_destroy(d);
    return size_out;
}

/* 1-minimal: the result passes and dropping any one change fails. */
static void assert_one_minimal(const uint8_t *result, uint32_t n, oracle_fn oracle, const void *ctx)
{
    uint8_t probe[16];
    for (uint32_t k = 0; k < n; k++) {
        if (!result[k])
            continue;
        memcpy(probe, result, n);
        probe[k] = 0;
        ck_assert_msg(!oracle(probe, n, ctx), "change %u could be dropped", k);
    }
}

typedef struct needs {
    uint32_t a, b; /* changes that must be kept; b = UINT32_MAX for one */
    int either;    /* pass when either is kept, not both */
} needs;

static int needs_oracle(const uint8_t *subset, uint32_t n, const void *ctx)
{
    (void)n;
    const needs *x = ctx;
    int a = subset[x->a], b = x->b < 16 ? subset[x->b] : 1;
    return x->either ? (a || b) : (a && b);
}

static int all_oracle(const uint8_t *subset, uint32_t n, const void *ctx)
{
    (void)ctx;
    for (uint32_t k = 0; k < n; k++)
        if (!subset[k])
            return 0;
    return 1;
}

static int any_oracle(const uint8_t *subset, uint32_t n, const void *ctx)
{
    (void)subset, (void)n, (void)ctx;
    return 1;
}

/* Zeller & Hildebrandt's worst case for ddmin: |c|^2 + 3|c| tests. */
static uint32_t worst_case(uint32_t n) { return n * n + 3 * n; }

START_TEST(single_culprit_among_twelve)
{
    for (uint32_t culprit = 0; culprit < 12; culprit++) {
        needs x = {culprit, UINT32_MAX, 0};
        uint8_t result[16];
        trace t;
        uint32_t size = run_ddmin(12, needs_oracle, &x, result, &t);
        ck_assert_uint_eq(size, 1);
        ck_assert_uint_eq(result[culprit], 1);
        assert_one_minimal(result, 12, needs_oracle, &x);
        /* Two complements per halving (12 -> 6 -> 3 -> 2 -> 1), then the empty set:
         * at most 2 ceil(log2 12) + 1. */
        ck_assert_msg(t.tests <= 2 * 4 + 1, "culprit %u: %u tests", culprit, t.tests);
    }
}
END_TEST

START_TEST(two_interacting_culprits)
{
    needs x = {3, 9, 0};
    uint8_t result[16];
    trace t;
    uint32_t size = run_ddmin(12, needs_oracle, &x, result, &t);
    ck_assert_uint_eq(size, 2);
    ck_assert(result[3] && result[9]);
    assert_one_minimal(result, 12, needs_oracle, &x);
    ck_assert_uint_le(t.tests, worst_case(12));
    /* Either of two suffices: one of them, alone. */
    needs y = {3, 9, 1};
    size = run_ddmin(12, needs_oracle, &y, result, &t);
    ck_assert_uint_eq(size, 1);
    ck_assert(result[3] || result[9]);
    ck_assert_uint_le(t.tests, worst_case(12));
}
END_TEST

START_TEST(nothing_removable)
{
    uint8_t result[16];
    trace t;
    uint32_t size = run_ddmin(12, all_oracle, NULL, result, &t);
    ck_assert_uint_eq(size, 12);
    assert_one_minimal(result, 12, all_oracle, NULL);
    /* Every granularity 2, 4, 8, 12 tried: complements, then chunks when g > 2;
     * at 12 the 4 single changes and their 4 complements that were chunks at
     * 8 come from the cache. */
    ck_assert_uint_eq(t.tests, 2 + (4 + 4) + (8 + 8) + (12 + 12) - 8);
    ck_assert_uint_le(t.tests, worst_case(12));
}
END_TEST

START_TEST(everything_removable)
{
    uint8_t result[16];
    trace t;
    uint32_t size = run_ddmin(12, any_oracle, NULL, result, &t);
    ck_assert_uint_eq(size, 0); /* the empty set (the faulty model) passed */
    /* 12 -> 6 -> 3 -> 2 -> 1 -> 0, one passing complement each. */
    ck_assert_uint_eq(t.tests, 5);
    size = run_ddmin(1, any_oracle, NULL, result, &t);
    ck_assert_uint_eq(size, 0);
    ck_assert_uint_eq(t.tests, 1);
    size = run_ddmin(0, any_oracle, NULL, result, &t);
    ck_assert_uint_eq(size, 0);
    ck_assert_uint_eq(t.tests, 0);
}
END_TEST

/* A noisy oracle: deterministic in the subset, otherwise arbitrary. */
static int hash_oracle(const uint8_t *subset, uint32_t n, const void *ctx)
{
    uint32_t h = *(const uint32_t *)ctx;
    for (uint32_t k = 0; k < n; k++)
        h = (h ^ subset[k]) * 16777619u + k;
    return (h >> 7) % 3 != 0;
}

START_TEST(replaying_verdicts_gives_the_same_candidates)
{
    for (uint32_t seed = 1; seed < 40; seed++) {
        uint8_t a[16], b[16];
        trace ta, tb;
        uint32_t na = run_ddmin(10, hash_oracle, &seed, a, &ta);
        uint32_t nb = run_ddmin(10, hash_oracle, &seed, b, &tb);
        ck_assert_uint_eq(na, nb);
        ck_assert_uint_eq(ta.tests, tb.tests);
        ck_assert(!memcmp(a, b, 10));
        for (uint32_t i = 0; i < ta.tests; i++)
            ck_assert(!memcmp(ta.asked[i], tb.asked[i], 10));
        assert_one_minimal(a, 10, hash_oracle, &seed);
        ck_assert_uint_le(ta.tests, worst_case(10));
    }
}
END_TEST

START_TEST(ddmin_survives_out_of_memory)
{
    for (int fail_at = 0;; fail_at++) {
        dnnr__alloc_fault(fail_at, 1);
        dnnr_ddmin *d = NULL;
        int rc = dnnr__ddmin_create(12, &d);
        dnnr__alloc_fault(-1, 0);
        if (rc == DNNR_OK) {
            dnnr__ddmin_destroy(d);
            break;
        }
        ck_assert_int_eq(rc, DNNR_ENOMEM);
        ck_assert_ptr_null(d);
    }
}
END_TEST

/* ---- the rank-sum test against scipy ----------------------------------- */

typedef struct scipy_case {
    const char *name;
    double x[12], y[20];
    size_t nx, ny;
    double u1, p_less, p_greater;
    int exact;
} scipy_case;

/* scipy 1.17.1: mannwhitneyu(x, y, alternative=...), defaults otherwise. */
static const scipy_case scipy_cases[] = {
    {"exact5", {0.61, 0.58, 0.63, 0.60, 0.62}, {0.70, 0.66, 0.72, 0.59, 0.69}, 5, 5, 4.0,
     0.047619047619047616, 0.9722222222222222, 1},
    {"ties10",
     {0.61, 0.58, 0.63, 0.60, 0.62, 0.59, 0.64, 0.57, 0.60, 0.61},
     {0.70, 0.66, 0.72, 0.59, 0.69, 0.71, 0.63, 0.68, 0.74, 0.65},
     10, 10, 9.0, 0.001084258032052655, 0.9991605318626013, 0},
    {"distinct10",
     {0.11, 0.52, 0.33, 0.94, 0.25, 0.76, 0.47, 0.18, 0.69, 0.30},
     {0.41, 0.82, 0.63, 0.24, 0.95, 0.56, 0.77, 0.38, 0.99, 0.60},
     10, 10, 29.0, 0.06061225150645831, 0.9479450551698866, 0},
    {"tied5", {0.525, 0.525, 0.525, 0.525, 0.525}, {1.0, 1.0, 1.0, 0.975, 1.0}, 5, 5, 0.0,
     0.0027918084031893827, 0.9986599141359658, 0},
    {"inf", {-INFINITY, 0.9, 0.91, 0.95, -INFINITY, 0.97}, {0.93, 0.94, 0.96, 0.92, 0.98, 0.99, 0.95},
     6, 7, 8.5, 0.04280583969305701, 0.9687171986595956, 0},
    {"unequal", {3.1, 2.2, 5.5}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 3, 12, 10.0,
     0.14725274725274728, 0.8835164835164835, 1},
    {"exact8x20", {1, 2, 3, 4, 5, 6, 7, 8.5},
     {3.25, 4.25, 5.25, 6.25, 7.25, 8.25, 9.25, 10.25, 11.25, 12.25, 13.25, 14.25, 15.25, 16.25,
      17.25, 18.25, 19.25, 20.25, 21.25, 22.25},
     8, 20, 16.0, 0.00025578286447851663, 0.9998040606736259, 1},
};

START_TEST(ranksum_agrees_with_scipy)
{
    const scipy_case *c = &scipy_cases[_i];
    dnnr_ranksum less, greater;
    ck_assert_int_eq(dnnr__ranksum_test(c->x, c->nx, c->y, c->ny, DNNR_RANKSUM_LESS, &less), DNNR_OK);
    ck_assert_int_eq(dnnr__ranksum_test(c->x, c->nx, c->y, c->ny, DNNR_RANKSUM_GREATER, &greater),
                     DNNR_OK);
    ck_assert_double_eq(less.u1, c->u1);
    ck_assert_double_eq(greater.u1, c->u1);
    ck_assert_int_eq(less.exact, c->exact);
    ck_assert_msg(fabs(less.p - c->p_less) <= 1e-12 * c->p_less, "%s less: %.17g, scipy %.17g",
                  c->name, less.p, c->p_less);
    ck_assert_msg(fabs(greater.p - c->p_greater) <= 1e-12 * c->p_greater,
                  "%s greater: %.17g, scipy %.17g", c->name, greater.p, c->p_greater);
}
END_TEST

START_TEST(ranksum_edge_cases)
{
    dnnr_ranksum r;
    double same[4] = {0.5, 0.5, 0.5, 0.5};
    ck_assert_int_eq(dnnr__ranksum_test(same, 4, same, 4, DNNR_RANKSUM_LESS, &r), DNNR_OK);
    ck_assert_double_eq(r.p, 1.0); /* all tied: no evidence */
    double nan[2] = {0.1, NAN};
    ck_assert_int_eq(dnnr__ranksum_test(nan, 2, same, 4, DNNR_RANKSUM_LESS, &r), DNNR_EINVAL);
    ck_assert_int_eq(dnnr__ranksum_test(same, 0, same, 4, DNNR_RANKSUM_LESS, &r), DNNR_EINVAL);
    /* Exact 1 vs 1: P(U >= 1) = 1/2. */
    double a = 1, b = 2;
    ck_assert_int_eq(dnnr__ranksum_test(&b, 1, &a, 1, DNNR_RANKSUM_GREATER, &r), DNNR_OK);
    ck_assert_double_eq_tol(r.p, 0.5, 1e-15);
}
END_TEST

/* ---- the acceptance criterion ------------------------------------------- */

START_TEST(acceptance_on_crafted_samples)
{
    const double patch[5] = {0.98, 1.00, 0.99, 1.00, 0.97};
    const double same[5] = {0.99, 0.98, 1.00, 0.97, 1.00};
    const double broken[5] = {0.525, 0.525, 0.525, 0.525, 0.525};
    const double better[5] = {1.00, 1.00, 1.00, 1.00, 1.00};
    const double most_failed[5] = {NAN, NAN, NAN, NAN, 1.00};
    const double some_failed[5] = {NAN, 0.99, NAN, NAN, 1.00};
    const double one_failed[5] = {NAN, 0.99, 0.98, 1.00, 0.97};
    const double worse_by_noise[5] = {0.97, 0.99, 0.96, 1.00, 0.98};
    double p;
    ck_assert(dnnr__minimise_accept(same, 5, patch, 5, 1, 0.05, &p));
    ck_assert_double_ge(p, 0.05);
    ck_assert(!dnnr__minimise_accept(broken, 5, patch, 5, 1, 0.05, &p));
    ck_assert_double_lt(p, 0.01);
    ck_assert(dnnr__minimise_accept(better, 5, patch, 5, 1, 0.05, NULL));
    /* Failed trainings are the worst values: four of five fail, p = 0.040... */
    ck_assert(!dnnr__minimise_accept(most_failed, 5, patch, 5, 1, 0.05, NULL));
    /* ...but with R = 5 three failures beside two top values are no evidence
     * (p = 0.119): the test's power grows with R. */
    ck_assert(dnnr__minimise_accept(some_failed, 5, patch, 5, 1, 0.05, &p));
    ck_assert_double_eq_tol(p, 0.11868430253878076, 1e-12);
    ck_assert(dnnr__minimise_accept(one_failed, 5, patch, 5, 1, 0.05, NULL));
    ck_assert(dnnr__minimise_accept(worse_by_noise, 5, patch, 5, 1, 0.05, NULL));
    /* The identical sample passes (p = 1 with every value tied across). */
    ck_assert(dnnr__minimise_accept(patch, 5, patch, 5, 1, 0.05, &p));
    /* A loss: higher is worse. */
    const double loss_patch[5] = {0.10, 0.12, 0.11, 0.09, 0.13};
    const double loss_high[5] = {0.50, 0.55, 0.60, 0.52, 0.58};
    const double loss_low[5] = {0.01, 0.02, 0.03, 0.02, 0.01};
    ck_assert(!dnnr__minimise_accept(loss_high, 5, loss_patch, 5, 0, 0.05, NULL));
    ck_assert(dnnr__minimise_accept(loss_low, 5, loss_patch, 5, 0, 0.05, NULL));
    /* A stricter level rejects less (p = 0.0175 here). */
    const double slightly[5] = {0.96, 0.97, 0.95, 0.98, 0.94};
    double p2;
    int at_05 = dnnr__minimise_accept(slightly, 5, patch, 5, 1, 0.05, &p);
    int at_001 = dnnr__minimise_accept(slightly, 5, patch, 5, 1, 0.001, &p2);
    ck_assert_double_eq(p, p2);
    ck_assert(!at_05 && at_001);

    /* Better than the faulty model. */
    ck_assert(dnnr__minimise_better(patch, 5, broken, 5, 1, 0.05, &p));
    ck_assert(!dnnr__minimise_better(broken, 5, broken, 5, 1, 0.05, &p));
    ck_assert_double_eq(p, 1.0);
    ck_assert(!dnnr__minimise_better(broken, 5, patch, 5, 1, 0.05, NULL));
    ck_assert(dnnr__minimise_better(loss_low, 5, loss_high, 5, 0, 0.05, NULL));
    ck_assert(!dnnr__minimise_better(loss_high, 5, loss_low, 5, 0, 0.05, NULL));

    /* Infinite values are failed trainings too, the worst whichever their
     * sign: +inf on a metric to maximise (or -inf on a loss) is not a best. */
    const double inf_up[5] = {INFINITY, INFINITY, INFINITY, INFINITY, INFINITY};
    const double inf_down[5] = {-INFINITY, -INFINITY, -INFINITY, -INFINITY, -INFINITY};
    ck_assert(!dnnr__minimise_accept(inf_up, 5, patch, 5, 1, 0.05, &p));
    ck_assert_double_lt(p, 0.01);
    ck_assert(!dnnr__minimise_accept(inf_down, 5, loss_patch, 5, 0, 0.05, NULL));
    ck_assert(!dnnr__minimise_better(inf_up, 5, broken, 5, 1, 0.05, NULL));
    ck_assert(!dnnr__minimise_better(inf_down, 5, loss_high, 5, 0, 0.05, NULL));
}
END_TEST

/* ---- experiment options -------------------------------------------------- */

static char dir[256];

static int read_experiment(const char *body, dnnr_experiment **e, dnnr_error *err)
{
    snprintf(dir, sizeof dir, "/tmp/dnnr_minopt_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[512];
    snprintf(path, sizeof path, "%s/exp.cfg", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "subjects = [\"%s/configs/subjects/D1.cfg\"];\nsearchers = ( \"random\" );\n"
               "budgets = [2];\n%s",
            DNNR_TEST_SOURCE_DIR, body);
    fclose(f);
    *e = NULL;
    return dnnr__experiment_read(path, e, err);
}

START_TEST(options_and_defaults)
{
    dnnr_experiment *e;
    dnnr_error err = {{0}};
    ck_assert_msg(read_experiment("eval_runs = 7;\n", &e, &err) == DNNR_OK, "%s", err.msg);
    ck_assert_int_eq(e->minimise, 0);
    ck_assert_int_eq(e->minimise_runs, 7); /* the references' sample size */
    ck_assert_double_eq(e->minimise_alpha, 0.05);
    ck_assert_double_eq(e->minimise_budget, 0);
    ck_assert_int_eq(e->minimise_keep_repair, 1);
    ck_assert_int_eq(e->minimise_confirm, 1);
    dnnr__experiment_destroy(e);
    ck_assert_msg(read_experiment("minimise = true;\nminimise_runs = 6;\nminimise_alpha = 0.1;\n"
                                  "minimise_budget = 40;\nminimise_keep_repair = false;\n"
                                  "minimise_confirm = false;\n",
                                  &e, &err) == DNNR_OK,
                  "%s", err.msg);
    ck_assert_int_eq(e->minimise, 1);
    ck_assert_int_eq(e->minimise_runs, 6);
    ck_assert_double_eq(e->minimise_alpha, 0.1);
    ck_assert_double_eq(e->minimise_budget, 40);
    ck_assert_int_eq(e->minimise_keep_repair, 0);
    ck_assert_int_eq(e->minimise_confirm, 0);
    ck_assert_int_eq(dnnr__experiment_check_minimise(e, &err), DNNR_OK);
    dnnr__experiment_destroy(e);
}
END_TEST

static const struct {
    const char *body, *message; /* the message after "<dir>/exp.cfg:" */
} bad_options[] = {
    {"minimise = 1;\n", "4: 'minimise': expected true or false, got an integer"},
    {"minimise_runs = 1;\n", "4: minimise_runs: expected an integer >= 2"},
    {"minimise = true;\nminimise_runs = 3;\n",
     "5: minimise_runs: 3 retrainings per candidate can never show a loss at minimise_alpha 0.05"},
    {"minimise = true;\neval_runs = 2;\n", "4: minimise_runs: 2 retrainings per candidate"},
    {"minimise_alpha = 1.5;\n", "4: minimise_alpha: expected a level between 0 and 1 (exclusive)"},
    {"minimise_alpha = \"low\";\n", "4: 'minimise_alpha': expected a number, got a string"},
    {"minimise_budget = -3;\n",
     "4: minimise_budget: expected a positive number of faulty trainings' cost units"},
    {"minimise_runz = 5;\n", "4: unknown key 'minimise_runz'"},
    {"minimise_confirm = 1;\n", "4: 'minimise_confirm': expected true or false, got an integer"},
};

START_TEST(bad_options_name_file_and_line)
{
    dnnr_experiment *e;
    dnnr_error err = {{0}};
    ck_assert_int_lt(read_experiment(bad_options[_i].body, &e, &err), 0);
    ck_assert_ptr_null(e);
    char prefix[600];
    snprintf(prefix, sizeof prefix, "%s/exp.cfg:%s", dir, bad_options[_i].message);
    ck_assert_msg(!strncmp(err.msg, prefix, strlen(prefix)), "got '%s', expected '%s'", err.msg,
                  prefix);
}
END_TEST

/* ---- the report, on a journal written by hand ----------------------------- */

static void trial(FILE *f, const char *searcher, int repeat, int trial_id, const char *config,
                  double holdout)
{
    fprintf(f,
            "{\"subject\":\"S\",\"searcher\":\"%s\",\"budget\":%d,\"repeat\":%d,\"trial\":%d,"
            "\"config\":%s,\"status\":\"ok\",\"metric\":%g,\"holdout\":%g,"
            "\"cost_units\":1,\"direction\":\"max\",\"optimum\":null}\n",
            searcher, searcher[0] == '#' && searcher[1] == 'f' ? 0 : 10, repeat, trial_id, config,
            holdout, holdout);
}

#define FAULTY "{\"act\":\"a\",\"lr\":0.1,\"ki\":\"x\",\"unit1\":2}"
#define PATCH "{\"act\":\"b\",\"lr\":0.7,\"ki\":\"y\",\"unit1\":2}"
#define FIXED "{\"act\":\"b\",\"lr\":0.1,\"ki\":\"x\",\"unit1\":2}"

static char *report_file(const char *out, const char *name)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", out, name);
    return dnnr__read_file(path, NULL);
}

START_TEST(report_columns_only_with_min_runs)
{
    char out[256];
    snprintf(out, sizeof out, "/tmp/dnnr_minrep_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(out));
    char path[600];
    snprintf(path, sizeof path, "%s/trials.jsonl", out);
    FILE *f = fopen(path, "w");
    fprintf(f, "{\"kind\":\"subject\",\"subject\":\"S\",\"task\":\"classification\","
               "\"direction\":\"max\",\"metric\":\"accuracy\",\"optimum\":null,\"params\":["
               "{\"name\":\"act\",\"type\":\"categorical\",\"choices\":[\"a\",\"b\",\"c\"]},"
               "{\"name\":\"lr\",\"type\":\"float\",\"lo\":0,\"hi\":1,\"log\":false},"
               "{\"name\":\"ki\",\"type\":\"categorical\",\"choices\":[\"x\",\"y\"]},"
               "{\"name\":\"unit1\",\"type\":\"integer\",\"lo\":1,\"hi\":4,\"log\":false}],"
               "\"faulty\":" FAULTY ",\"fix\":" FIXED ",\"paper\":null}\n");
    for (int r = 0; r < 3; r++)
        trial(f, "#faulty", r, 0, FAULTY, 0.5);
    for (int r = 0; r < 2; r++) {
        trial(f, "r", r, 0, FAULTY, 0.5);
        trial(f, "r", r, 1, PATCH, 0.9);
    }
    fclose(f);
    ck_assert_int_eq(dnnr__report_write(out, NULL, &(dnnr_error){{0}}), DNNR_OK);
    char *csv = report_file(out, "summary.csv"), *md = report_file(out, "report.md");
    ck_assert_ptr_null(strstr(csv, "min_"));
    ck_assert_ptr_null(strstr(md, "minimisation"));

    /* Repeat 0 minimised to {act} (3 candidates, 4 trainings); repeat 1's
     * patch was no repair (3 trainings, the reference). */
    f = fopen(path, "a");
    for (int t = 0; t < 4; t++)
        trial(f, "r#min", 0, t, t < 3 ? PATCH : FIXED, 1.0);
    for (int t = 0; t < 3; t++)
        trial(f, "r#min", 1, t, PATCH, 0.5);
    fprintf(f, "{\"kind\":\"minimised\",\"subject\":\"S\",\"searcher\":\"r#min\",\"budget\":10,"
               "\"repeat\":0,\"base\":\"r\",\"patch_trial\":1,\"runs\":3,\"alpha\":0.05,"
               "\"stopped\":\"minimal\",\"candidates\":3,\"config\":" FIXED ","
               "\"values\":[1,1,1]}\n");
    fprintf(f, "{\"kind\":\"minimised\",\"subject\":\"S\",\"searcher\":\"r#min\",\"budget\":10,"
               "\"repeat\":1,\"base\":\"r\",\"patch_trial\":1,\"runs\":3,\"alpha\":0.05,"
               "\"stopped\":\"no repair\",\"candidates\":0,\"config\":" PATCH ","
               "\"values\":[0.5,0.5,0.5]}\n");
    fclose(f);
    ck_assert_int_eq(dnnr__report_write(out, NULL, &(dnnr_error){{0}}), DNNR_OK);
    char *csv2 = report_file(out, "summary.csv"), *md2 = report_file(out, "report.md");
    /* The columns come last; what was there keeps its bytes. */
    const char *nl = strchr(csv, '\n');
    ck_assert(!strncmp(csv, csv2, (size_t)(nl - csv)));
    ck_assert_ptr_nonnull(strstr(csv2, ",min_runs,min_repairs,min_significant,complexity_before,"
                                       "complexity_after,aj_study_before,aj_study_after,"
                                       "aj_intended_before,aj_intended_after,min_candidates,"
                                       "min_trials,min_cost_units\n"));
    /* 2 runs, 1 repair, still significant (3 x 1.0 against 3 x 0.5: p = 0.023);
     * complexity 3/4 -> 1/4; AJ as coded 0 (the patch's act equals the fix's),
     * as intended 1 -> 1; 3 candidates; 7 trainings of cost 1. */
    ck_assert_msg(strstr(csv2, ",2,1,1,0.75,0.25,0,0,1,1,3,7,7\n"), "%s", csv2);
    ck_assert_ptr_null(strstr(csv2, "r#min"));
    ck_assert(!strncmp(md, md2, strlen(md)));
    ck_assert_ptr_nonnull(strstr(md2, "| r | x10 | 2 | 1 | 0.75 -> 0.25 | 0.00 -> 0.00 | "
                                      "1.00 -> 1.00 | 1/1 | 3.0 | 3.5 |\n"));
    dnnr__free(csv);
    dnnr__free(md);
    dnnr__free(csv2);
    dnnr__free(md2);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("minimise");
    TCase *tc = tcase_create("ddmin");
    tcase_add_test(tc, single_culprit_among_twelve);
    tcase_add_test(tc, two_interacting_culprits);
    tcase_add_test(tc, nothing_removable);
    tcase_add_test(tc, everything_removable);
    tcase_add_test(tc, replaying_verdicts_gives_the_same_candidates);
    tcase_add_test(tc, ddmin_survives_out_of_memory);
    suite_add_tcase(s, tc);
    tc = tcase_create("oracle");
    tcase_add_loop_test(tc, ranksum_agrees_with_scipy, 0,
                        sizeof scipy_cases / sizeof scipy_cases[0]);
    tcase_add_test(tc, ranksum_edge_cases);
    tcase_add_test(tc, acceptance_on_crafted_samples);
    suite_add_tcase(s, tc);
    tc = tcase_create("options");
    tcase_add_test(tc, options_and_defaults);
    tcase_add_loop_test(tc, bad_options_name_file_and_line, 0,
                        sizeof bad_options / sizeof bad_options[0]);
    suite_add_tcase(s, tc);
    tc = tcase_create("report");
    tcase_add_test(tc, report_columns_only_with_min_runs);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
