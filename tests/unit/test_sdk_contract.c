/* The SDK's binary contract. Layouts of v1 structs are frozen: these
 * assertions fail the build if a member moves (SQLite's iVersion lesson).
 * The tests check the MUST rules plugins and host follow. */
#include <check.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <dnnrepair/dnnrepair.h>

#include "host/host.h"
#include "registry/registry.h"
#include "util/alloc.h"

/* Frozen v1.x layouts on LP64 (the platforms dnnrepair supports). */
_Static_assert(sizeof(void *) == 8, "LP64 expected");
_Static_assert(offsetof(dnnr_plugin_desc, struct_size) == 0, "desc layout");
_Static_assert(offsetof(dnnr_plugin_desc, sdk_major) == 4, "desc layout");
_Static_assert(offsetof(dnnr_plugin_desc, sdk_minor) == 6, "desc layout");
_Static_assert(offsetof(dnnr_plugin_desc, kind) == 8, "desc layout");
_Static_assert(offsetof(dnnr_plugin_desc, name) == 16, "desc layout");
_Static_assert(offsetof(dnnr_plugin_desc, version) == 24, "desc layout");
_Static_assert(offsetof(dnnr_plugin_desc, summary) == 32, "desc layout");
_Static_assert(offsetof(dnnr_plugin_desc, iface) == 40, "desc layout");
_Static_assert(offsetof(dnnr_plugin_desc, iface_size) == 48, "desc layout");
_Static_assert(offsetof(dnnr_searcher_iface, create) == 8, "searcher table");
_Static_assert(offsetof(dnnr_searcher_iface, destroy) == 16, "searcher table");
_Static_assert(offsetof(dnnr_searcher_iface, ask) == 24, "searcher table");
_Static_assert(offsetof(dnnr_searcher_iface, tell) == 32, "searcher table");
_Static_assert(offsetof(dnnr_searcher_iface, monitor) == 40, "searcher table");
_Static_assert(offsetof(dnnr_loader_iface, load) == 24, "loader table");
_Static_assert(offsetof(dnnr_loader_iface, analytic) == 32, "loader table");
_Static_assert(offsetof(dnnr_loader_iface, evaluate) == 40, "loader table");
_Static_assert(offsetof(dnnr_metric_iface, compute) == 24, "metric table");
_Static_assert(offsetof(dnnr_host, ctx) == 8, "host table");
_Static_assert(offsetof(dnnr_host, log) == 16, "host table");
_Static_assert(offsetof(dnnr_host, set_error) == 24, "host table");
_Static_assert(offsetof(dnnr_host, alloc) == 32, "host table");
_Static_assert(offsetof(dnnr_host, rng_key) == 56, "host table");
_Static_assert(offsetof(dnnr_host, option_int) == 64, "host table");
_Static_assert(offsetof(dnnr_host, budget) == 96, "host table");
_Static_assert(offsetof(dnnr_host, space_dims) == 112, "host table");
_Static_assert(offsetof(dnnr_host, config_format) == 152, "host table");
_Static_assert(offsetof(dnnr_trial_request, config) == 16, "request layout");
_Static_assert(offsetof(dnnr_trial_request, fidelity) == 24, "request layout");
_Static_assert(offsetof(dnnr_trial_request, warm_start) == 32, "request layout");
_Static_assert(offsetof(dnnr_trial_request, flags) == 40, "request layout");
_Static_assert(offsetof(dnnr_trial_request, note) == 48, "request layout");
_Static_assert(offsetof(dnnr_trial_request, monitor_state) == 56, "request layout");
_Static_assert(offsetof(dnnr_trial_result, status) == 40, "result layout");
_Static_assert(offsetof(dnnr_trial_result, objective) == 56, "result layout");
_Static_assert(offsetof(dnnr_param, kind) == 16, "param layout");
_Static_assert(offsetof(dnnr_param, lo) == 24, "param layout");
_Static_assert(offsetof(dnnr_space, params) == 8, "space layout");
_Static_assert(offsetof(dnnr_searcher_init, start) == 24, "searcher init layout");
_Static_assert(offsetof(dnnr_searcher_init, max_in_flight) == 56, "searcher init layout");
/* Appended in 1.1: a 1.0 plugin's init ends before them. */
_Static_assert(offsetof(dnnr_searcher_init, hints) == 64, "searcher init layout (1.1)");
_Static_assert(offsetof(dnnr_searcher_init, target_objective) == 72, "searcher init layout (1.1)");
_Static_assert(offsetof(dnnr_param_hint, role) == 8, "param hint layout (1.1)");
_Static_assert(offsetof(dnnr_param_hint, suspicion) == 16, "param hint layout (1.1)");
_Static_assert(offsetof(dnnr_param_hint, reasons) == 24, "param hint layout (1.1)");
/* Appended in 1.2: a 1.0/1.1 plugin's request ends before extras (the host
 * zeroes the request, so such a plugin leaves it NULL). */
_Static_assert(offsetof(dnnr_trial_request, monitor_state_size) == 64, "request layout");
_Static_assert(offsetof(dnnr_trial_request, extras) == 72, "request layout (1.2)");
_Static_assert(sizeof(dnnr_trial_request) == 80, "request layout (1.2)");
_Static_assert(offsetof(dnnr_trial_extras, batchnorm) == 4, "extras layout (1.2)");
_Static_assert(offsetof(dnnr_trial_extras, clipvalue) == 8, "extras layout (1.2)");
_Static_assert(offsetof(dnnr_trial_extras, momentum) == 16, "extras layout (1.2)");
_Static_assert(offsetof(dnnr_trial_extras, gaussian_noise) == 24, "extras layout (1.2)");
_Static_assert(offsetof(dnnr_trial_extras, reduce_lr_factor) == 32, "extras layout (1.2)");
_Static_assert(offsetof(dnnr_trial_extras, reduce_lr_patience) == 40, "extras layout (1.2)");
_Static_assert(offsetof(dnnr_trial_extras, reduce_lr_min) == 48, "extras layout (1.2)");
_Static_assert(sizeof(dnnr_trial_extras) == 56, "extras layout (1.2)");
_Static_assert(offsetof(dnnr_cell, patches) == 104, "cell layout");
_Static_assert(offsetof(dnnr_cell, patch_edits) == 112, "cell layout (1.2)");
_Static_assert(DNNR_BN_AFTER_HIDDEN == 1, "enum values are frozen (1.2)");
_Static_assert(DNNR_OP_GRAD_CLIP == 18, "enum values are frozen (1.2)");
_Static_assert(DNNR_UPDATE_SGD_MOMENTUM == 7, "enum values are frozen (1.2)");

START_TEST(status_names_come_from_one_map)
{
    ck_assert_str_eq(dnnr_status_name(DNNR_OK), "OK");
    ck_assert_str_eq(dnnr_status_name(DNNR_ENOMEM), "ENOMEM");
    ck_assert_str_eq(dnnr_strerror(DNNR_EAGAIN), "no request now; ask again after a result arrives");
    ck_assert_str_eq(dnnr_status_name(12345), "UNKNOWN");
}
END_TEST

START_TEST(has_checks_struct_size)
{
    dnnr_trial_request r = {.struct_size = (uint32_t)offsetof(dnnr_trial_request, note)};
    ck_assert(DNNR_HAS(&r, flags));
    ck_assert(!DNNR_HAS(&r, note));
    r.struct_size = sizeof r;
    ck_assert(DNNR_HAS(&r, monitor_state_size));
}
END_TEST

START_TEST(rng_streams_are_counter_based)
{
    /* Philox4x32-10 known-answer: key 0, counter 0 (Random123's first vector). */
    uint32_t block[4];
    dnnr_philox4x32(0, 0, block);
    ck_assert_uint_eq(block[0], 0x6627e8d5u);
    ck_assert_uint_eq(block[1], 0xe169c58du);
    ck_assert_uint_eq(block[2], 0xbc57ac4cu);
    ck_assert_uint_eq(block[3], 0x9b00dbd8u);
    /* The same key gives the same stream; forking copies the position. */
    dnnr_rng a, b;
    dnnr_rng_init(&a, 99);
    dnnr_rng_init(&b, 99);
    for (int i = 0; i < 10; i++)
        ck_assert_uint_eq(dnnr_rng_u64(&a), dnnr_rng_u64(&b));
    double sum = 0;
    for (int i = 0; i < 100000; i++)
        sum += dnnr_rng_uniform(&a);
    ck_assert_double_eq_tol(sum / 100000, 0.5, 0.01);
    ck_assert_uint_ne(dnnr_rng_derive(1, 0), dnnr_rng_derive(1, 1));
}
END_TEST

START_TEST(host_table_is_complete_and_versioned)
{
    dnnr_error err;
    dnnr_host *h = dnnr__host_create_simple("probe", 1, "a = 1; b = \"x\";", &err);
    ck_assert_ptr_nonnull(h);
    ck_assert_uint_eq(h->struct_size, sizeof(dnnr_host));
    ck_assert_uint_eq(h->sdk_major, DNNR_SDK_VERSION_MAJOR);
    void *const *fns = (void *const *)((const char *)h + offsetof(dnnr_host, log));
    size_t n = (sizeof(dnnr_host) - offsetof(dnnr_host, log)) / sizeof(void *);
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(fns[i] != NULL, "host function %zu is NULL", i);
    int64_t a;
    double b;
    ck_assert_int_eq(h->option_int(h->ctx, "a", 0, &a), DNNR_OK);
    ck_assert_int_eq(a, 1);
    ck_assert_int_eq(h->option_float(h->ctx, "b", 0, &b), DNNR_EINVAL);
    ck_assert_str_eq(dnnr__host_last_error(h), "(options):1: option 'b' of probe: expected a number");
    ck_assert_uint_eq(h->rng_key(h->ctx, "s"), h->rng_key(h->ctx, "s"));
    ck_assert_uint_ne(h->rng_key(h->ctx, "s"), h->rng_key(h->ctx, "t"));
    dnnr__host_destroy(h);
    dnnr__host_destroy(NULL); /* destroy(NULL) is a no-op */
}
END_TEST

/* Every allocation of dnnr__host_create failing in turn: ENOMEM, no crash,
 * no leak (LeakSanitizer checks the last part under the sanitiser build). */
START_TEST(host_create_survives_every_failed_allocation)
{
    for (int k = 0;; k++) {
        dnnr_error err = {{0}};
        dnnr__alloc_fault(k, 0);
        dnnr_host *h = dnnr__host_create_simple("probe", 1, "a = 1;", &err);
        int injected = dnnr__alloc_fault(-1, 0);
        if (!injected) {
            ck_assert_ptr_nonnull(h);
            dnnr__host_destroy(h);
            break;
        }
        ck_assert_ptr_null(h);
        ck_assert_str_eq(err.msg, "out of memory");
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("sdk_contract");
    TCase *tc = tcase_create("contract");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, status_names_come_from_one_map);
    tcase_add_test(tc, has_checks_struct_size);
    tcase_add_test(tc, rng_streams_are_counter_based);
    tcase_add_test(tc, host_table_is_complete_and_versioned);
    tcase_add_test(tc, host_create_survives_every_failed_allocation);
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
