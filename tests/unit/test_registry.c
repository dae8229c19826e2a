/* The plugin host: version refusals name the file and both versions, broken
 * plugins are refused with a reason, a plugin built against the frozen SDK
 * 1.0 headers keeps loading, and names stay unique. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "registry/registry.h"

#define PLUGINS DNNR_TEST_BUILD_DIR "/test-plugins"
#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)
/* "SDK 1.1" for the host this test is built with. */
#define HOST_SDK "SDK " STRINGIFY(DNNR_SDK_VERSION_MAJOR) "." STRINGIFY(DNNR_SDK_VERSION_MINOR)

static void expect_refusal(const char *file, int status, const char *needle)
{
    dnnr_registry *reg = dnnr__registry_create();
    dnnr_error err = {{0}};
    char path[512];
    snprintf(path, sizeof path, PLUGINS "/bad/%s", file);
    ck_assert_int_eq(dnnr__registry_load_file(reg, path, &err), status);
    ck_assert_msg(strstr(err.msg, file) != NULL, "message does not name the file: %s", err.msg);
    ck_assert_msg(strstr(err.msg, needle) != NULL, "'%s' not in: %s", needle, err.msg);
    ck_assert_uint_eq(dnnr__registry_count(reg), 0);
    ck_assert_uint_eq(dnnr__registry_warning_count(reg), 1);
    dnnr__registry_destroy(reg);
}

START_TEST(refuses_other_major)
{
    expect_refusal("wrong_major.so", DNNR_EVERSION,
                   "plugin 'wrong_major' was built for SDK 2.0, this dnnrepair has " HOST_SDK " "
                   "(upgrade dnnrepair)");
}
END_TEST

START_TEST(refuses_newer_minor)
{
    expect_refusal("newer_minor.so", DNNR_EVERSION,
                   "plugin 'newer_minor' was built for SDK 1.99, this dnnrepair has " HOST_SDK " "
                   "(upgrade dnnrepair)");
}
END_TEST

START_TEST(refuses_missing_entry) { expect_refusal("no_entry.so", DNNR_ENOTFOUND, "no entry point dnnr_plugin_entry"); }
END_TEST

START_TEST(refuses_null_descriptor) { expect_refusal("null_desc.so", DNNR_EINVAL, "dnnr_plugin_entry returned NULL"); }
END_TEST

START_TEST(refuses_short_table)
{
    expect_refusal("short_iface.so", DNNR_EVERSION, "its searcher table has 16 bytes, SDK 1.0 needs at least");
}
END_TEST

START_TEST(dlopen_errors_are_reported)
{
    dnnr_registry *reg = dnnr__registry_create();
    dnnr_error err;
    char path[] = "/tmp/dnnr_not_a_plugin_XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, "garbage", 7), 7);
    close(fd);
    ck_assert_int_eq(dnnr__registry_load_file(reg, path, &err), DNNR_EINVAL);
    ck_assert_msg(strstr(err.msg, "cannot load plugin: ") != NULL, "%s", err.msg);
    ck_assert_int_eq(dnnr__registry_load_file(reg, "/nonexistent/x.so", &err), DNNR_ENOTFOUND);
    ck_assert_str_eq(err.msg, "/nonexistent/x.so: no such plugin file");
    unlink(path);
    dnnr__registry_destroy(reg);
}
END_TEST

START_TEST(frozen_sdk_1_0_plugin_loads)
{
    dnnr_registry *reg = dnnr__registry_create();
    dnnr_error err = {{0}};
    ck_assert_msg(dnnr__registry_load_file(reg, PLUGINS "/frozen/frozen_v1.so", &err) == DNNR_OK,
                  "%s", err.msg);
    const dnnr_plugin *p = dnnr__registry_find(reg, DNNR_KIND_SEARCHER, "frozen_v1");
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(p->desc->sdk_major, 1);
    /* Loading the same file twice is a no-op, not a duplicate. */
    ck_assert_int_eq(dnnr__registry_load_file(reg, PLUGINS "/frozen/frozen_v1.so", &err), DNNR_OK);
    ck_assert_uint_eq(dnnr__registry_count(reg), 1);
    dnnr__registry_destroy(reg);
}
END_TEST

START_TEST(frozen_sdk_1_1_plugin_loads)
{
    dnnr_registry *reg = dnnr__registry_create();
    dnnr_error err = {{0}};
    ck_assert_msg(dnnr__registry_load_file(reg, PLUGINS "/frozen/frozen_v1_1.so", &err) == DNNR_OK,
                  "%s", err.msg);
    const dnnr_plugin *p = dnnr__registry_find(reg, DNNR_KIND_SEARCHER, "frozen_v1_1");
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(p->desc->sdk_major, 1);
    ck_assert_uint_eq(p->desc->sdk_minor, 1);
    dnnr__registry_destroy(reg);
}
END_TEST

START_TEST(scan_and_duplicates)
{
    dnnr_registry *reg = dnnr__registry_create();
    ck_assert_int_eq(dnnr__registry_scan_dir(reg, PLUGINS "/bad"), DNNR_OK);
    ck_assert_uint_eq(dnnr__registry_count(reg), 0);
    ck_assert_uint_eq(dnnr__registry_warning_count(reg), 5);
    ck_assert_int_eq(dnnr__registry_scan_dir(reg, PLUGINS "/good"), DNNR_OK);
    ck_assert_ptr_nonnull(dnnr__registry_find(reg, DNNR_KIND_SEARCHER, "crashy"));
    ck_assert_ptr_nonnull(dnnr__registry_find(reg, DNNR_KIND_LOADER, "slow_branin"));
    ck_assert_ptr_null(dnnr__registry_find(reg, DNNR_KIND_LOADER, "crashy"));
    /* A second plugin with a taken name is refused, naming both files. */
    dnnr_error err;
    const dnnr_plugin *crashy = dnnr__registry_find(reg, DNNR_KIND_SEARCHER, "crashy");
    ck_assert_int_eq(dnnr__registry_add_static(reg, crashy->desc, &err), DNNR_EINVAL);
    ck_assert_msg(strstr(err.msg, "a searcher plugin named 'crashy' is already loaded from") &&
                      strstr(err.msg, "crashy_searcher.so"),
                  "%s", err.msg);
    dnnr__registry_destroy(reg);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("registry");
    TCase *tc = tcase_create("abi");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, refuses_other_major);
    tcase_add_test(tc, refuses_newer_minor);
    tcase_add_test(tc, refuses_missing_entry);
    tcase_add_test(tc, refuses_null_descriptor);
    tcase_add_test(tc, refuses_short_table);
    tcase_add_test(tc, dlopen_errors_are_reported);
    tcase_add_test(tc, frozen_sdk_1_0_plugin_loads);
    tcase_add_test(tc, frozen_sdk_1_1_plugin_loads);
    tcase_add_test(tc, scan_and_duplicates);
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
