/* The synthetic loader: D1's data exactly as SUBJECTS.md describes it,
 * random_binary's shapes, values and determinism, and clear errors for a
 * missing or unknown generator and bad options. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <dnnrepair/dnnrepair.h>

#include "host/host.h"
#include "synthetic.h"
#include "util/alloc.h"

const dnnr_plugin_desc *dnnr_plugin_synthetic_entry(void);

typedef struct run {
    dnnr_host *host;
    const dnnr_loader_iface *iface;
    dnnr_loader *loader;
    int create_status;
} run;

static void create(run *r, const char *options)
{
    memset(r, 0, sizeof *r);
    dnnr_error err;
    r->host = dnnr__host_create_simple("synthetic", 3, options, &err);
    ck_assert_msg(r->host != NULL, "host: %s", err.msg);
    const dnnr_plugin_desc *d = dnnr_plugin_synthetic_entry();
    ck_assert_int_eq(d->kind, DNNR_KIND_LOADER);
    r->iface = d->iface;
    dnnr_loader_init init = {sizeof init, r->host, NULL, NULL};
    r->create_status = r->iface->create(&init, &r->loader);
}

static void finish(run *r)
{
    r->iface->destroy(r->loader);
    dnnr__host_destroy(r->host);
}

/* Rows [from, to) of x are all @p value and their targets are @p label.
 * Counts mismatches in a plain loop: one ck_assert per element would cost a
 * pipe write each in Check's fork mode. */
static void check_rows(const float *x, const float *y, uint64_t from, uint64_t to, float value,
                       float label)
{
    uint64_t wrong = 0;
    for (uint64_t row = from; row < to; row++) {
        wrong += y[row] != label;
        for (uint64_t f = 0; f < 128; f++)
            wrong += x[row * 128 + f] != value;
    }
    ck_assert_msg(wrong == 0, "rows %lu..%lu: %lu values differ from %g (label %g)",
                  (unsigned long)from, (unsigned long)to, (unsigned long)wrong, value, label);
}

START_TEST(d1_matches_the_spec)
{
    run r;
    create(&r, "generator = \"d1\";");
    ck_assert_int_eq(r.create_status, DNNR_OK);
    dnnr_error err;
    ck_assert_int_eq(dnnr__host_check_options(r.host, &err), DNNR_OK);
    dnnr_dataset d;
    ck_assert_int_eq(r.iface->load(r.loader, &d), DNNR_OK);
    ck_assert_uint_eq(d.struct_size, sizeof d);
    ck_assert_uint_eq(d.rank, 1);
    ck_assert_uint_eq(d.shape[0], 128);
    ck_assert_uint_eq(d.n_train, 20000);
    ck_assert_uint_eq(d.n_test, 200);
    ck_assert_int_eq(d.target_kind, DNNR_TARGET_CLASS_INDEX);
    ck_assert_uint_eq(d.y_dim, 1);
    ck_assert_uint_eq(d.n_classes, 2);
    ck_assert_str_eq(d.provenance, "original");
    check_rows(d.x_train, d.y_train, 0, 10000, 1.0f, 1.0f);
    check_rows(d.x_train, d.y_train, 10000, 20000, 0.0f, 0.0f);
    check_rows(d.x_test, d.y_test, 0, 100, 1.0f, 1.0f);
    check_rows(d.x_test, d.y_test, 100, 200, 0.0f, 0.0f);

    dnnr_dataset again; /* a second load hands out the same arrays */
    ck_assert_int_eq(r.iface->load(r.loader, &again), DNNR_OK);
    ck_assert_ptr_eq(again.x_train, d.x_train);
    finish(&r);
}
END_TEST

START_TEST(missing_or_unknown_generator)
{
    run r;
    create(&r, NULL);
    ck_assert_int_eq(r.create_status, DNNR_EINVAL);
    ck_assert_ptr_null(r.loader);
    ck_assert_ptr_nonnull(strstr(dnnr__host_last_error(r.host), "no `generator`"));
    ck_assert_ptr_nonnull(strstr(dnnr__host_last_error(r.host), "\"d1\""));
    finish(&r);

    create(&r, "generator = \"d42\";");
    ck_assert_int_eq(r.create_status, DNNR_EINVAL);
    ck_assert_ptr_nonnull(strstr(dnnr__host_last_error(r.host), "unknown generator \"d42\""));
    finish(&r);

    create(&r, "generator = 1;");
    ck_assert_int_eq(r.create_status, DNNR_EINVAL);
    finish(&r);
}
END_TEST

START_TEST(misspelt_option_is_reported)
{
    run r;
    create(&r, "generator = \"d1\"; sede = 4;");
    ck_assert_int_eq(r.create_status, DNNR_OK);
    dnnr_error err;
    ck_assert_int_eq(dnnr__host_check_options(r.host, &err), DNNR_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.msg, "sede"));
    finish(&r);
}
END_TEST

/* Load random_binary with @p options and seed @p seed into @p d (the run stays open). */
static void load_random(run *r, const char *options, dnnr_dataset *d)
{
    create(r, options);
    ck_assert_msg(r->create_status == DNNR_OK, "%s", dnnr__host_last_error(r->host));
    ck_assert_int_eq(r->iface->load(r->loader, d), DNNR_OK);
}

START_TEST(random_binary_shape_and_values)
{
    run r;
    dnnr_dataset d;
    load_random(&r,
                "generator = \"random_binary\"; n_train = 300; n_test = 50; features = 200; "
                "n_classes = 7; density = 0.1;",
                &d);
    ck_assert_uint_eq(d.n_train, 300);
    ck_assert_uint_eq(d.n_test, 50);
    ck_assert_uint_eq(d.rank, 1);
    ck_assert_uint_eq(d.shape[0], 200);
    ck_assert_int_eq(d.target_kind, DNNR_TARGET_ONE_HOT);
    ck_assert_uint_eq(d.y_dim, 7);
    ck_assert_uint_eq(d.n_classes, 7);
    ck_assert_ptr_nonnull(strstr(d.provenance, "substitute"));
    double ones = 0;
    uint64_t not_binary = 0;
    for (uint64_t i = 0; i < 300 * 200; i++) {
        not_binary += d.x_train[i] != 0.0f && d.x_train[i] != 1.0f;
        ones += d.x_train[i];
    }
    ck_assert_uint_eq(not_binary, 0);
    /* 60,000 Bernoulli(0.1) draws: mean 6,000, sd about 73 */
    ck_assert_double_gt(ones, 5600);
    ck_assert_double_lt(ones, 6400);
    int seen[7] = {0};
    for (uint64_t row = 0; row < 300; row++) {
        int hot = -1;
        for (int c = 0; c < 7; c++) {
            if (d.y_train[row * 7 + c] == 1.0f) {
                ck_assert_int_eq(hot, -1);
                hot = c;
            } else {
                ck_assert_float_eq(d.y_train[row * 7 + c], 0.0f);
            }
        }
        ck_assert_int_ge(hot, 0);
        seen[hot] = 1;
    }
    for (int c = 0; c < 7; c++)
        ck_assert_int_eq(seen[c], 1);
    finish(&r);
}
END_TEST

START_TEST(random_binary_is_a_function_of_the_seed)
{
    const char *options = "generator = \"random_binary\"; n_train = 20; n_test = 5; "
                          "features = 30; n_classes = 3;";
    run a, b;
    dnnr_dataset da, db;
    load_random(&a, options, &da);
    load_random(&b, options, &db); /* same plugin name and seed: same key */
    ck_assert_mem_eq(da.x_train, db.x_train, 20 * 30 * sizeof(float));
    ck_assert_mem_eq(da.y_test, db.y_test, 5 * 3 * sizeof(float));
    finish(&a);
    finish(&b);
}
END_TEST

START_TEST(random_binary_bad_options)
{
    static const char *const bad[] = {
        "generator = \"random_binary\"; n_train = 0;",
        "generator = \"random_binary\"; n_classes = 1;",
        "generator = \"random_binary\"; density = 1.5;",
        "generator = \"random_binary\"; features = \"many\";",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        run r;
        create(&r, bad[i]);
        ck_assert_int_eq(r.create_status, DNNR_EINVAL);
        ck_assert_ptr_null(r.loader);
        finish(&r);
    }
}
END_TEST

/* Every allocation can fail: each failure ends in DNNR_ENOMEM, nothing leaks. */
START_TEST(out_of_memory_loop)
{
    static const char *const options[] = {
        "generator = \"d1\";",
        "generator = \"random_binary\"; n_train = 10; n_test = 4; features = 6;",
    };
    const dnnr_loader_iface *iface = dnnr_plugin_synthetic_entry()->iface;
    for (size_t o = 0; o < sizeof options / sizeof options[0]; o++) {
        for (int n = 0;; n++) {
            ck_assert_int_lt(n, 100);
            dnnr_error err;
            dnnr_host *host = dnnr__host_create_simple("synthetic", 3, options[o], &err);
            ck_assert_ptr_nonnull(host);
            dnnr_loader_init init = {sizeof init, host, NULL, NULL};
            dnnr_loader *l = NULL;
            dnnr_dataset d;
            dnnr__alloc_fault(n, 1);
            int status = iface->create(&init, &l);
            if (status == DNNR_OK)
                status = iface->load(l, &d);
            int faults = dnnr__alloc_fault(-1, 0);
            iface->destroy(l);
            dnnr__host_destroy(host);
            if (faults == 0) {
                ck_assert_int_eq(status, DNNR_OK);
                break;
            }
            ck_assert_msg(status == DNNR_OK || status == DNNR_ENOMEM, "%s fault %d: %s", options[o],
                          n, dnnr_status_name(status));
        }
    }
}
END_TEST

START_TEST(generator_table)
{
    ck_assert_ptr_nonnull(synthetic_find("d1"));
    ck_assert_ptr_null(synthetic_find("D1")); /* names are exact */
    ck_assert_ptr_null(synthetic_find(NULL));
    ck_assert_ptr_nonnull(synthetic_find("random_binary"));
    char names[96];
    synthetic_list_names(names, sizeof names);
    ck_assert_str_eq(names, "\"d1\", \"d2\", \"d3\", \"d6\", \"d7\", \"d8\", \"random_binary\"");
    synthetic_list_names(names, 3); /* a short buffer stays terminated */
    ck_assert_uint_eq(strlen(names), 2);
}
END_TEST

static Suite *synthetic_suite(void)
{
    Suite *s = suite_create("synthetic");
    TCase *tc = tcase_create("d1");
    tcase_add_test(tc, d1_matches_the_spec);
    tcase_add_test(tc, missing_or_unknown_generator);
    tcase_add_test(tc, misspelt_option_is_reported);
    tcase_add_test(tc, generator_table);
    tcase_add_test(tc, random_binary_shape_and_values);
    tcase_add_test(tc, random_binary_is_a_function_of_the_seed);
    tcase_add_test(tc, random_binary_bad_options);
    tcase_add_test(tc, out_of_memory_loop);
    tcase_set_timeout(tc, 10);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(synthetic_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
