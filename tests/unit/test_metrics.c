/* The six metric plugins of the study's statistics, linked statically and
 * driven through their descriptors with a real host: columns for study-shaped
 * cells (STATISTICS.md 4.3, 4.5, 4.6), options and their errors, and cells
 * that lack what a metric needs. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dnnrepair/dnnrepair.h>

#include "host/host.h"
#include "space/space.h"
#include "util/alloc.h"

const dnnr_plugin_desc *dnnr_plugin_significance_entry(void);
const dnnr_plugin_desc *dnnr_plugin_improvement_entry(void);
const dnnr_plugin_desc *dnnr_plugin_stability_entry(void);
const dnnr_plugin_desc *dnnr_plugin_complexity_entry(void);
const dnnr_plugin_desc *dnnr_plugin_jaccard_entry(void);
const dnnr_plugin_desc *dnnr_plugin_effectsize_entry(void);

/* ---- a column sink that remembers what was put --------------------------- */

enum { MAX_COLUMNS = 16 };

typedef struct columns {
    int n;
    char name[MAX_COLUMNS][32];
    double value[MAX_COLUMNS];
} columns;

static void columns_put(void *ctx, const char *column, double value)
{
    columns *c = ctx;
    ck_assert_int_lt(c->n, MAX_COLUMNS);
    snprintf(c->name[c->n], sizeof c->name[c->n], "%s", column);
    c->value[c->n++] = value;
}

static double column(const columns *c, const char *name)
{
    for (int i = 0; i < c->n; i++)
        if (strcmp(c->name[i], name) == 0)
            return c->value[i];
    ck_abort_msg("no column %s", name);
    return NAN;
}

/* ---- running one plugin on one cell --------------------------------------- */

typedef struct metric_run {
    int create_rc, compute_rc;
    columns cols;
    char error[DNNR_ERROR_MAX];
} metric_run;

static metric_run run_metric(const dnnr_plugin_desc *desc, const char *options,
                             const dnnr_cell *cell)
{
    metric_run run = {0};
    ck_assert_int_eq(desc->kind, DNNR_KIND_METRIC);
    const dnnr_metric_iface *iface = desc->iface;
    dnnr_error err = {{0}};
    dnnr_host *host = dnnr__host_create_simple(desc->name, 1, options, &err);
    ck_assert_msg(host != NULL, "%s", err.msg);
    dnnr_metric_init init = {sizeof init, host};
    dnnr_metric *m = NULL;
    run.create_rc = iface->create(&init, &m);
    if (run.create_rc == DNNR_OK)
        run.create_rc = dnnr__host_check_options(host, &err);
    if (run.create_rc != DNNR_OK) {
        snprintf(run.error, sizeof run.error, "%s%s", dnnr__host_last_error(host), err.msg);
        iface->destroy(m);
        dnnr__host_destroy(host);
        return run;
    }
    dnnr_column_sink sink = {sizeof sink, &run.cols, columns_put};
    run.compute_rc = iface->compute(m, cell, &sink);
    iface->destroy(m);
    dnnr__host_destroy(host);
    return run;
}

static columns run_ok(const dnnr_plugin_desc *desc, const char *options, const dnnr_cell *cell)
{
    metric_run run = run_metric(desc, options, cell);
    ck_assert_msg(run.create_rc == DNNR_OK, "%s: %s", desc->name, run.error);
    ck_assert_int_eq(run.compute_rc, DNNR_OK);
    return run.cols;
}

/* ---- cells ------------------------------------------------------------------ */

static const double case_b_faulty[10] = {0.61, 0.58, 0.63, 0.60, 0.62,
                                         0.59, 0.64, 0.57, 0.60, 0.61};
static const double case_b_patched[10] = {0.70, 0.66, 0.72, 0.59, 0.69,
                                          0.71, 0.63, 0.68, 0.74, 0.65};
static const double fix_070[10] = {0.70, 0.70, 0.70, 0.70, 0.70, 0.70, 0.70, 0.70, 0.70, 0.70};

static dnnr_cell value_cell(const double *faulty, uint32_t nf, const double *fix, uint32_t nx,
                            const double *patched, uint32_t nr, int maximise)
{
    return (dnnr_cell){
        .struct_size = sizeof(dnnr_cell),
        .subject = "M1",
        .searcher = "random",
        .budget = 20,
        .maximise = maximise,
        .n_faulty = nf,
        .n_fix = nx,
        .faulty_values = faulty,
        .fix_values = fix,
        .n_repeats = nr,
        .patched_values = patched,
    };
}

START_TEST(descriptors)
{
    const dnnr_plugin_desc *all[] = {
        dnnr_plugin_significance_entry(), dnnr_plugin_improvement_entry(),
        dnnr_plugin_stability_entry(),    dnnr_plugin_complexity_entry(),
        dnnr_plugin_jaccard_entry(),      dnnr_plugin_effectsize_entry()};
    const char *names[] = {"significance", "improvement", "stability",
                           "complexity",   "jaccard",     "effectsize"};
    for (int i = 0; i < 6; i++) {
        ck_assert_str_eq(all[i]->name, names[i]);
        ck_assert_int_eq(all[i]->kind, DNNR_KIND_METRIC);
        ck_assert_uint_eq(all[i]->iface_size, sizeof(dnnr_metric_iface));
        const dnnr_metric_iface *iface = all[i]->iface;
        ck_assert(iface->create && iface->compute && iface->destroy);
        iface->destroy(NULL); /* MUST be a no-op */
    }
}
END_TEST

START_TEST(significance_study_case_b)
{
    dnnr_cell cell = value_cell(case_b_faulty, 10, fix_070, 10, case_b_patched, 10, 1);
    columns c = run_ok(dnnr_plugin_significance_entry(), NULL, &cell);
    ck_assert_double_eq_tol(column(&c, "p_wilcoxon"), 0.01240108578708306, 1e-15);
    ck_assert_double_eq(column(&c, "w"), 3.0);
    ck_assert_double_eq_tol(column(&c, "z"), -2.5005208, 1e-7);
    ck_assert_double_eq(column(&c, "significant"), 1.0);

    c = run_ok(dnnr_plugin_significance_entry(), "exact = true;", &cell);
    ck_assert_double_eq_tol(column(&c, "p_wilcoxon"), 0.009765625, 1e-15);
    ck_assert(isnan(column(&c, "z")));

    /* a stricter alpha turns the same cell non-significant */
    c = run_ok(dnnr_plugin_significance_entry(), "alpha = 0.01;", &cell);
    ck_assert_double_eq(column(&c, "significant"), 0.0);
}
END_TEST

START_TEST(significance_rounds_like_the_study)
{
    /* unrounded values that become study case B at 2 decimals */
    double faulty[10], patched[10];
    for (int i = 0; i < 10; i++) {
        faulty[i] = case_b_faulty[i] + 0.0013 * ((i % 3) - 1);
        patched[i] = case_b_patched[i] + 0.0041 * ((i % 2) ? 1 : -1);
    }
    dnnr_cell cell = value_cell(faulty, 10, fix_070, 10, patched, 10, 1);
    columns raw = run_ok(dnnr_plugin_significance_entry(), NULL, &cell);
    columns two = run_ok(dnnr_plugin_significance_entry(), "decimals = 2;", &cell);
    ck_assert_double_eq_tol(column(&two, "p_wilcoxon"), 0.01240108578708306, 1e-15);
    ck_assert(fabs(column(&raw, "p_wilcoxon") - column(&two, "p_wilcoxon")) > 1e-6);
}
END_TEST

START_TEST(significance_refusals_give_p_one)
{
    /* the notebook's except ValueError: p = 1 */
    dnnr_cell cell = value_cell(case_b_faulty, 10, fix_070, 10, case_b_faulty, 10, 1);
    columns c = run_ok(dnnr_plugin_significance_entry(), NULL, &cell);
    ck_assert_double_eq(column(&c, "p_wilcoxon"), 1.0);
    ck_assert_double_eq(column(&c, "significant"), 0.0);

    cell = value_cell(case_b_faulty, 9, fix_070, 10, case_b_patched, 10, 1);
    c = run_ok(dnnr_plugin_significance_entry(), NULL, &cell);
    ck_assert_double_eq(column(&c, "p_wilcoxon"), 1.0);
    ck_assert(isnan(column(&c, "w")));

    cell = value_cell(case_b_faulty, 10, fix_070, 10, case_b_patched, 0, 1);
    c = run_ok(dnnr_plugin_significance_entry(), NULL, &cell);
    ck_assert(isnan(column(&c, "p_wilcoxon")));
}
END_TEST

START_TEST(significance_needs_improvement)
{
    /* patched significantly WORSE than faulty: p small, IR < 0, not significant */
    dnnr_cell cell = value_cell(case_b_patched, 10, fix_070, 10, case_b_faulty, 10, 1);
    columns c = run_ok(dnnr_plugin_significance_entry(), NULL, &cell);
    ck_assert_double_lt(column(&c, "p_wilcoxon"), 0.05);
    ck_assert_double_eq(column(&c, "significant"), 0.0);
    /* read as losses, the same lower values are an improvement toward a low fix */
    const double low_fix[3] = {0.5, 0.5, 0.5};
    cell = value_cell(case_b_patched, 10, low_fix, 3, case_b_faulty, 10, 0);
    c = run_ok(dnnr_plugin_significance_entry(), NULL, &cell);
    ck_assert_double_eq(column(&c, "significant"), 1.0);
    /* without fix runs the direction decides */
    cell = value_cell(case_b_patched, 10, NULL, 0, case_b_faulty, 10, 0);
    c = run_ok(dnnr_plugin_significance_entry(), NULL, &cell);
    ck_assert_double_eq(column(&c, "significant"), 1.0);
}
END_TEST

START_TEST(significance_u1_two_decimal_artefact)
{
    /* STATISTICS.md 4.6, U1 HEBO: every repeat clamped to the faulty mean
     * 0.184 (a loss), yet the cell is significant with IR > 0 once the
     * values are rounded to 2 decimals: 0.184 -> 0.18 is at or below every
     * faulty run, so all non-zero differences share a sign. */
    const double faulty[10] = {0.18, 0.19, 0.18, 0.19, 0.18, 0.19, 0.19, 0.18, 0.18, 0.18};
    const double clamped[10] = {0.184, 0.184, 0.184, 0.184, 0.184,
                                0.184, 0.184, 0.184, 0.184, 0.184};
    const double fix[1] = {0.044};
    dnnr_cell cell = value_cell(faulty, 10, fix, 1, clamped, 10, 0);
    columns c = run_ok(dnnr_plugin_significance_entry(), "decimals = 2;", &cell);
    /* n' = 4, one tie group of 4: sd = sqrt((180 - 30)/24) = 2.5, z = (0 - 5)/2.5 */
    ck_assert_double_eq_tol(column(&c, "z"), -2.0, 1e-12);
    ck_assert_double_eq_tol(column(&c, "p_wilcoxon"), 0.04550026389635839, 1e-12);
    ck_assert_double_eq(column(&c, "significant"), 1.0);
    c = run_ok(dnnr_plugin_improvement_entry(), "decimals = 2;", &cell);
    ck_assert_double_gt(column(&c, "ir"), 0.0);
    /* unrounded, the clamped values are no improvement at all */
    c = run_ok(dnnr_plugin_significance_entry(), NULL, &cell);
    ck_assert_double_eq(column(&c, "significant"), 0.0);
}
END_TEST

START_TEST(option_errors)
{
    dnnr_cell cell = value_cell(case_b_faulty, 10, fix_070, 10, case_b_patched, 10, 1);
    metric_run run = run_metric(dnnr_plugin_significance_entry(), "exact = 1;", &cell);
    ck_assert_int_eq(run.create_rc, DNNR_EINVAL);
    ck_assert_msg(strstr(run.error, "exact") != NULL, "%s", run.error);
    run = run_metric(dnnr_plugin_significance_entry(), "decimals = 20;", &cell);
    ck_assert_int_eq(run.create_rc, DNNR_EINVAL);
    ck_assert_msg(strstr(run.error, "decimals") != NULL, "%s", run.error);
    run = run_metric(dnnr_plugin_significance_entry(), "alpha = 1.5;", &cell);
    ck_assert_int_eq(run.create_rc, DNNR_EINVAL);
    run = run_metric(dnnr_plugin_significance_entry(), "exakt = true;", &cell);
    ck_assert_int_eq(run.create_rc, DNNR_EINVAL); /* a typo is never ignored */
    ck_assert_msg(strstr(run.error, "exakt") != NULL, "%s", run.error);
    run = run_metric(dnnr_plugin_improvement_entry(), "decimals = -2;", &cell);
    ck_assert_int_eq(run.create_rc, DNNR_EINVAL);
    run = run_metric(dnnr_plugin_stability_entry(), "decimals = \"two\";", &cell);
    ck_assert_int_eq(run.create_rc, DNNR_EINVAL);
    run = run_metric(dnnr_plugin_complexity_entry(), "decimals = 2;", &cell);
    ck_assert_int_eq(run.create_rc, DNNR_EINVAL); /* complexity has no options */
}
END_TEST

static const double m1_faulty[10] = {0.85, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85};
static const double m1_fix[10] = {0.99, 0.99, 0.99, 0.99, 0.99, 0.99, 0.99, 0.99, 0.99, 0.99};
static const double m1_hebo[10] = {0.9585, 0.9585, 0.9585, 0.85,   0.9585,
                                   0.96,   0.9625, 0.9635, 0.8725, 0.9585};

START_TEST(improvement_m1_hebo)
{
    dnnr_cell cell = value_cell(m1_faulty, 10, m1_fix, 10, m1_hebo, 10, 1);
    columns c = run_ok(dnnr_plugin_improvement_entry(), "decimals = 2;", &cell);
    ck_assert_double_eq_tol(column(&c, "ir"), 0.642857142857, 1e-9);
    c = run_ok(dnnr_plugin_improvement_entry(), NULL, &cell);
    ck_assert_double_eq_tol(column(&c, "ir"), (0.9401 - 0.85) / 0.14, 1e-9);
    /* D7 random, a loss: the same formula */
    const double d7_f[1] = {6.71}, d7_g[1] = {0.13}, d7_p[1] = {0.91};
    cell = value_cell(d7_f, 1, d7_g, 1, d7_p, 1, 0);
    c = run_ok(dnnr_plugin_improvement_entry(), NULL, &cell);
    ck_assert_double_eq_tol(column(&c, "ir"), 0.881458966565, 1e-9);
    cell = value_cell(d7_f, 1, NULL, 0, d7_p, 1, 0);
    c = run_ok(dnnr_plugin_improvement_entry(), NULL, &cell);
    ck_assert(isnan(column(&c, "ir")));
}
END_TEST

START_TEST(stability_table_iii)
{
    const double m2_random[10] = {0.11,   0.11,  0.11,   0.11,  0.8975,
                                  0.9345, 0.984, 0.4585, 0.463, 0.11};
    dnnr_cell cell = value_cell(m1_faulty, 10, m1_fix, 10, m2_random, 10, 1);
    columns c = run_ok(dnnr_plugin_stability_entry(), NULL, &cell);
    ck_assert_double_eq_tol(column(&c, "mu"), 0.429, 5e-4);
    ck_assert_double_eq_tol(column(&c, "sigma"), 0.360, 5e-4);
    cell.n_repeats = 0;
    c = run_ok(dnnr_plugin_stability_entry(), NULL, &cell);
    ck_assert(isnan(column(&c, "sigma")));
}
END_TEST

START_TEST(effectsize_orientation)
{
    dnnr_cell cell = value_cell(case_b_faulty, 10, fix_070, 10, case_b_patched, 10, 1);
    columns c = run_ok(dnnr_plugin_effectsize_entry(), NULL, &cell);
    const double acc = column(&c, "a12");
    ck_assert_double_gt(acc, 0.5); /* the patches are better */
    ck_assert_double_eq(column(&c, "a12_magnitude"), (double)3);
    /* the same numbers as losses: higher patched values are worse */
    cell.maximise = 0;
    c = run_ok(dnnr_plugin_effectsize_entry(), NULL, &cell);
    ck_assert_double_eq_tol(column(&c, "a12"), 1.0 - acc, 1e-12);
}
END_TEST

/* ---- configurations: complexity and AJ ------------------------------------------ */

static const char *const acts[] = {"relu", "softmax", "linear", "tanh"};

/* A small space: act1, act2, lr, ki1, bi1, epochs (6 parameters). */
static dnnr_space *small_space(void)
{
    static const char *const inits[] = {"glorot_uniform", "zeros", "ones"};
    dnnr_space *s = dnnr__space_create();
    ck_assert_int_eq(dnnr__space_add_categorical(s, "act1", acts, 4, 0), DNNR_OK);
    ck_assert_int_eq(dnnr__space_add_categorical(s, "act2", acts, 4, 1), DNNR_OK);
    ck_assert_int_eq(dnnr__space_add_float(s, "lr", 1e-6, 10.0, 1, 1.0), DNNR_OK);
    ck_assert_int_eq(dnnr__space_add_categorical(s, "ki1", inits, 3, 0), DNNR_OK);
    ck_assert_int_eq(dnnr__space_add_categorical(s, "bi1", inits, 3, 1), DNNR_OK);
    ck_assert_int_eq(dnnr__space_add_int(s, "epochs", 1, 50, 0, 12), DNNR_OK);
    return s;
}

START_TEST(complexity_and_jaccard_over_repeats)
{
    dnnr_space *s = small_space();
    /* fix = defaults; fault: lr 1.0 -> 0.001 (M1-like) */
    dnnr_value fix[6], faulty[6], p0[6], p1[6], p2[6], p3[6];
    dnnr__space_defaults(s, fix);
    memcpy(faulty, fix, sizeof fix);
    faulty[2].f = 0.001;
    /* p0: restores lr only                    -> complexity 1/6, AJ 0 (study) / 1 (intended):
     *     as coded, a patch equal to the fix has no operator at all
     * p1: changes act1 only, keeps faulty lr  -> complexity 1/6, AJ 1 (study) / 0 (intended)
     * p2: lr and bi1 and epochs               -> complexity 3/6, AJ 1 / 1
     * p3: a clamped repeat (value = faulty mean): no patch */
    memcpy(p0, faulty, sizeof faulty);
    p0[2].f = 1.0;
    memcpy(p1, faulty, sizeof faulty);
    p1[0].i = 3;
    memcpy(p2, faulty, sizeof faulty);
    p2[2].f = 0.5;
    p2[4].i = 2;
    p2[5].i = 30;
    memcpy(p3, faulty, sizeof faulty);
    p3[0].i = 2;
    const dnnr_value *patches[5] = {p0, p1, p2, p3, NULL};
    /* p3's value is the faulty mean, clamped; repeat 4 reports no patch at all */
    const double patched[5] = {0.95, 0.90, 0.97, 0.85, 0.99};
    dnnr_cell cell = value_cell(m1_faulty, 10, m1_fix, 10, patched, 5, 1);
    cell.space = s;
    cell.faulty = faulty;
    cell.fix = fix;
    cell.patches = patches;

    columns c = run_ok(dnnr_plugin_complexity_entry(), NULL, &cell);
    ck_assert_double_eq(column(&c, "n_patches"), 3.0);
    ck_assert_double_eq_tol(column(&c, "complexity"), (1.0 / 6 + 1.0 / 6 + 3.0 / 6) / 3, 1e-15);
    ck_assert_double_eq_tol(column(&c, "complexity_fix"), 1.0 / 6, 1e-15);
    /* SDK 1.2: p1 also inserted batch norm and clipped gradients (2 edits):
     * (1 + 2) / (6 + 2); a cell from an older host (struct_size before the
     * member) is read as before */
    const uint32_t edits[5] = {0, 2, 0, 1, 0};
    cell.patch_edits = edits;
    c = run_ok(dnnr_plugin_complexity_entry(), NULL, &cell);
    ck_assert_double_eq_tol(column(&c, "complexity"), (1.0 / 6 + 3.0 / 8 + 3.0 / 6) / 3, 1e-15);
    cell.struct_size = offsetof(dnnr_cell, patch_edits);
    c = run_ok(dnnr_plugin_complexity_entry(), NULL, &cell);
    ck_assert_double_eq_tol(column(&c, "complexity"), (1.0 / 6 + 1.0 / 6 + 3.0 / 6) / 3, 1e-15);
    cell.struct_size = sizeof cell;
    cell.patch_edits = NULL;

    c = run_ok(dnnr_plugin_jaccard_entry(), NULL, &cell);
    ck_assert_double_eq_tol(column(&c, "aj_study"), 2.0 / 3, 1e-15);
    ck_assert_double_eq_tol(column(&c, "aj_intended"), 2.0 / 3, 1e-15);
    /* only p0 and p2 left: the two rules now disagree */
    patches[1] = NULL;
    c = run_ok(dnnr_plugin_jaccard_entry(), NULL, &cell);
    ck_assert_double_eq_tol(column(&c, "aj_study"), 0.5, 1e-15);
    ck_assert_double_eq_tol(column(&c, "aj_intended"), 1.0, 1e-15);
    patches[1] = p1;

    /* a fault outside the space: faulty = fix, AJ 0 for every patch, GT 1/n */
    cell.faulty = fix;
    cell.patched_values = (const double[5]){0.95, 0.95, 0.95, 0.95, 0.95};
    c = run_ok(dnnr_plugin_jaccard_entry(), NULL, &cell);
    ck_assert_double_eq(column(&c, "aj_study"), 0.0);
    ck_assert_double_eq(column(&c, "aj_intended"), 0.0);
    c = run_ok(dnnr_plugin_complexity_entry(), NULL, &cell);
    ck_assert_double_eq_tol(column(&c, "complexity_fix"), 1.0 / 6, 1e-15);

    /* no configurations in the cell: not applicable */
    cell.faulty = NULL;
    c = run_ok(dnnr_plugin_complexity_entry(), NULL, &cell);
    ck_assert(isnan(column(&c, "complexity")) && isnan(column(&c, "n_patches")));
    c = run_ok(dnnr_plugin_jaccard_entry(), NULL, &cell);
    ck_assert(isnan(column(&c, "aj_study")));
    dnnr__space_destroy(s);
}
END_TEST

/* Fail the k-th allocation inside compute() for k = 0, 1, ... until it
 * succeeds: each failure is DNNR_ENOMEM with a message, and LeakSanitizer
 * (sanitizer build) sees no block left behind. */
static void compute_under_oom(const dnnr_plugin_desc *desc, const char *options,
                              const dnnr_cell *cell)
{
    const dnnr_metric_iface *iface = desc->iface;
    dnnr_error err = {{0}};
    int succeeded = 0, failures = 0;
    for (int k = 0; k < 20 && !succeeded; k++) {
        dnnr_host *host = dnnr__host_create_simple(desc->name, 1, options, &err);
        ck_assert_msg(host != NULL, "%s", err.msg);
        dnnr_metric_init init = {sizeof init, host};
        dnnr_metric *m = NULL;
        ck_assert_int_eq(iface->create(&init, &m), DNNR_OK);
        columns cols = {0};
        dnnr_column_sink sink = {sizeof sink, &cols, columns_put};
        dnnr__alloc_fault(k, 0);
        int rc = iface->compute(m, cell, &sink);
        int injected = dnnr__alloc_fault(-1, 0);
        if (rc == DNNR_OK) {
            succeeded = 1;
        } else {
            ck_assert_int_eq(rc, DNNR_ENOMEM);
            ck_assert_int_gt(injected, 0);
            ck_assert_ptr_nonnull(strstr(dnnr__host_last_error(host), "out of memory"));
            failures++;
        }
        iface->destroy(m);
        dnnr__host_destroy(host);
    }
    ck_assert(succeeded);
    ck_assert_int_gt(failures, 0);
}

START_TEST(out_of_memory)
{
    dnnr_cell cell = value_cell(case_b_faulty, 10, fix_070, 10, case_b_patched, 10, 1);
    compute_under_oom(dnnr_plugin_significance_entry(), NULL, &cell);
    compute_under_oom(dnnr_plugin_significance_entry(), "exact = true;", &cell);
    compute_under_oom(dnnr_plugin_stability_entry(), NULL, &cell);
    compute_under_oom(dnnr_plugin_effectsize_entry(), NULL, &cell);
}
END_TEST

static Suite *metrics_suite(void)
{
    Suite *s = suite_create("metrics");
    TCase *tc = tcase_create("plugins");
    tcase_set_timeout(tc, 10);
    tcase_add_test(tc, descriptors);
    tcase_add_test(tc, significance_study_case_b);
    tcase_add_test(tc, significance_rounds_like_the_study);
    tcase_add_test(tc, significance_refusals_give_p_one);
    tcase_add_test(tc, significance_needs_improvement);
    tcase_add_test(tc, significance_u1_two_decimal_artefact);
    tcase_add_test(tc, option_errors);
    tcase_add_test(tc, improvement_m1_hebo);
    tcase_add_test(tc, stability_table_iii);
    tcase_add_test(tc, effectsize_orientation);
    tcase_add_test(tc, complexity_and_jaccard_over_repeats);
    tcase_add_test(tc, out_of_memory);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(metrics_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
