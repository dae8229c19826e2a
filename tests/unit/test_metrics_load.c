/* The six metric plugins as shared objects: each loads through the registry
 * (descriptor checks included), and computes with the copy of core/stats it
 * carries, giving the numbers the linked-in statistics give. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dnnrepair/dnnrepair.h>

#include "host/host.h"
#include "registry/registry.h"
#include "stats/stats.h"

static const char *const names[] = {"significance", "improvement", "stability",
                                    "complexity",   "jaccard",     "effectsize"};

typedef struct sink_values {
    int n;
    char name[8][32];
    double value[8];
} sink_values;

static void put(void *ctx, const char *column, double value)
{
    sink_values *s = ctx;
    ck_assert_int_lt(s->n, 8);
    snprintf(s->name[s->n], sizeof s->name[0], "%s", column);
    s->value[s->n++] = value;
}

static double get(const sink_values *s, const char *column)
{
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->name[i], column) == 0)
            return s->value[i];
    ck_abort_msg("no column %s", column);
    return NAN;
}

START_TEST(load_and_compute)
{
    const double faulty[10] = {0.61, 0.58, 0.63, 0.60, 0.62, 0.59, 0.64, 0.57, 0.60, 0.61};
    const double patched[10] = {0.70, 0.66, 0.72, 0.59, 0.69, 0.71, 0.63, 0.68, 0.74, 0.65};
    const double fix[3] = {0.70, 0.70, 0.70};
    const dnnr_cell cell = {.struct_size = sizeof(dnnr_cell),
                            .subject = "B",
                            .searcher = "random",
                            .maximise = 1,
                            .n_faulty = 10,
                            .n_fix = 3,
                            .faulty_values = faulty,
                            .fix_values = fix,
                            .n_repeats = 10,
                            .patched_values = patched};
    dnnr_registry *reg = dnnr__registry_create();
    ck_assert_ptr_nonnull(reg);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char path[4096];
        dnnr_error err = {{0}};
        snprintf(path, sizeof path, "%s/%s.so", DNNR_TEST_PLUGIN_DIR, names[i]);
        ck_assert_msg(dnnr__registry_load_file(reg, path, &err) == DNNR_OK, "%s", err.msg);
        const dnnr_plugin *p = dnnr__registry_find(reg, DNNR_KIND_METRIC, names[i]);
        ck_assert_ptr_nonnull(p);
        const dnnr_metric_iface *iface = p->desc->iface;
        dnnr_host *host = dnnr__host_create_simple(names[i], 1, NULL, &err);
        ck_assert_ptr_nonnull(host);
        dnnr_metric_init init = {sizeof init, host};
        dnnr_metric *m = NULL;
        ck_assert_int_eq(iface->create(&init, &m), DNNR_OK);
        sink_values out = {0};
        dnnr_column_sink sink = {sizeof sink, &out, put};
        ck_assert_int_eq(iface->compute(m, &cell, &sink), DNNR_OK);
        ck_assert_int_gt(out.n, 0);
        if (strcmp(names[i], "significance") == 0) {
            ck_assert_double_eq_tol(get(&out, "p_wilcoxon"), 0.01240108578708306, 1e-15);
            ck_assert_double_eq(get(&out, "significant"), 1.0);
        } else if (strcmp(names[i], "improvement") == 0) {
            ck_assert_double_eq_tol(get(&out, "ir"), (0.677 - 0.605) / (0.70 - 0.605), 1e-12);
        } else if (strcmp(names[i], "stability") == 0) {
            ck_assert_double_eq_tol(get(&out, "sigma"), dnnr__stddev_pop(patched, 10), 1e-15);
        } else if (strcmp(names[i], "effectsize") == 0) {
            double a12;
            ck_assert_int_eq(dnnr__vargha_delaney_a12(patched, 10, faulty, 10, NULL, &a12),
                             DNNR_OK);
            ck_assert_double_eq_tol(get(&out, "a12"), a12, 1e-15);
        } else {
            /* no configurations in this cell: not applicable */
            ck_assert(isnan(out.value[0]));
        }
        iface->destroy(m);
        dnnr__host_destroy(host);
    }
    ck_assert_uint_eq(dnnr__registry_warning_count(reg), 0);
    dnnr__registry_destroy(reg);
}
END_TEST

static Suite *load_suite(void)
{
    Suite *s = suite_create("metrics_load");
    TCase *tc = tcase_create("dlopen");
    tcase_set_timeout(tc, 10);
    tcase_add_test(tc, load_and_compute);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(load_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
