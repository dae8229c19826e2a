/* Trial extras as the host moves and keeps them (core/run/trial_extras.c):
 * an older plugin's shorter struct, the pipe format, the journal's JSON read
 * back as --resume and the report read it, the edit count behind patch
 * complexity, and `dnnrepair train --extra`. */
#include <check.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "run/trial_extras.h"
#include "util/json.h"

static const dnnr_trial_extras all = {.struct_size = sizeof all,
                                      .batchnorm = DNNR_BN_AFTER_HIDDEN,
                                      .clipvalue = 9.37,
                                      .momentum = 0.45,
                                      .gaussian_noise = 0.1,
                                      .reduce_lr_factor = 0.2,
                                      .reduce_lr_patience = 5,
                                      .reduce_lr_min = 0.001};

START_TEST(copy_count_and_equal)
{
    dnnr_trial_extras x;
    dnnr__extras_copy(&x, NULL);
    ck_assert_uint_eq(x.struct_size, sizeof x);
    ck_assert_uint_eq(dnnr__extras_count(&x), 0);
    dnnr__extras_copy(&x, &all);
    ck_assert_uint_eq(dnnr__extras_count(&x), 5);
    ck_assert(dnnr__extras_equal(&x, &all));
    /* a struct that ends before momentum: the rest reads as "no edit" */
    dnnr_trial_extras shorter = all;
    shorter.struct_size = offsetof(dnnr_trial_extras, momentum);
    dnnr__extras_copy(&x, &shorter);
    ck_assert(x.clipvalue == 9.37 && x.momentum == 0 && x.reduce_lr_factor == 0);
    ck_assert_uint_eq(dnnr__extras_count(&x), 2);
    ck_assert(!dnnr__extras_equal(&x, &all));
    x = all;
    x.reduce_lr_patience = 6; /* every member takes part */
    ck_assert(!dnnr__extras_equal(&x, &all));
}
END_TEST

START_TEST(wire_round_trip)
{
    dnnr_buf b = {0};
    dnnr__extras_write(&b, &all);
    dnnr_reader r;
    dnnr__reader_init(&r, b.data, b.len);
    dnnr_trial_extras x;
    dnnr__extras_read(&r, &x);
    ck_assert(!r.failed && r.left == 0);
    ck_assert(dnnr__extras_equal(&x, &all));
    /* a short message fails the reader */
    dnnr__reader_init(&r, b.data, b.len - 1);
    dnnr__extras_read(&r, &x);
    ck_assert(r.failed);
    dnnr__buf_free(&b);
}
END_TEST

static dnnr_json *line_with(const dnnr_trial_extras *x)
{
    dnnr_buf b = {0};
    dnnr__buf_put(&b, "{\"trial\":3", 10);
    dnnr__extras_format(&b, x);
    dnnr__buf_put(&b, "}", 1);
    dnnr_json *j = dnnr__json_parse((const char *)b.data, b.len, NULL);
    ck_assert_ptr_nonnull(j);
    dnnr__buf_free(&b);
    return j;
}

START_TEST(journal_round_trip)
{
    dnnr_trial_extras x;
    dnnr_json *j = line_with(&all);
    const dnnr_json *obj = dnnr__json_get(j, "extras");
    ck_assert_ptr_nonnull(obj);
    ck_assert_double_eq(dnnr__json_num(obj, "edits"), 5);
    ck_assert_str_eq(dnnr__json_str(obj, "batchnorm"), "after_hidden");
    ck_assert_int_eq(dnnr__extras_parse(j, &x), 0);
    ck_assert(dnnr__extras_equal(&x, &all));
    dnnr__json_free(j);
    /* none: no member at all (older journals read the same) */
    dnnr_trial_extras none;
    dnnr__extras_copy(&none, NULL);
    j = line_with(&none);
    ck_assert_ptr_null(dnnr__json_get(j, "extras"));
    x = all;
    ck_assert_int_eq(dnnr__extras_parse(j, &x), 0);
    ck_assert(dnnr__extras_equal(&x, &none));
    dnnr__json_free(j);
    /* malformed: refused */
    static const char *const bad[] = {"{\"extras\":3}", "{\"extras\":{\"batchnorm\":\"before\"}}",
                                      "{\"extras\":{\"reduce_lr_patience\":-1}}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        j = dnnr__json_parse(bad[i], strlen(bad[i]), NULL);
        ck_assert_ptr_nonnull(j);
        ck_assert_int_ne(dnnr__extras_parse(j, &x), 0);
        dnnr__json_free(j);
    }
}
END_TEST

START_TEST(command_line_edits)
{
    dnnr_trial_extras x;
    dnnr__extras_copy(&x, NULL);
    ck_assert_int_eq(dnnr__extras_parse_arg("batchnorm", &x), 0);
    ck_assert_int_eq(dnnr__extras_parse_arg("clipvalue=9.37", &x), 0);
    ck_assert_int_eq(dnnr__extras_parse_arg("momentum=0.45", &x), 0);
    ck_assert_int_eq(dnnr__extras_parse_arg("gaussian_noise=0.1", &x), 0);
    ck_assert_int_eq(dnnr__extras_parse_arg("reduce_lr=0.2,5,0.001", &x), 0);
    ck_assert(dnnr__extras_equal(&x, &all));
    static const char *const bad[] = {"clipvalue", "clipvalue=", "clipvalue=1x", "momentum=",
                                      "reduce_lr=0.2,5", "reduce_lr=0.2,5,0.001,", "bn",
                                      "batchnorm=1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(dnnr__extras_parse_arg(bad[i], &x) != 0, "%s accepted", bad[i]);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("trial_extras");
    TCase *tc = tcase_create("extras");
    tcase_add_test(tc, copy_count_and_equal);
    tcase_add_test(tc, wire_round_trip);
    tcase_add_test(tc, journal_round_trip);
    tcase_add_test(tc, command_line_edits);
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
