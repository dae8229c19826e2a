/* The libsvm loader: sparse files written by the test densify with the right
 * values, classes in sorted-label order, one-hot or indices; broken lines give
 * errors naming file:line:column. */
#include "test_loader_harness.h"

#include "data/split.h"
#include "libsvm_parse.h"

const dnnr_plugin_desc *dnnr_plugin_libsvm_entry(void);

static char options[1024];

static const char *opts(const char *fmt_file, const char *more)
{
    snprintf(options, sizeof options, "file = \"%s/%s\"; %s", tmpdir, fmt_file, more);
    return options;
}

/* Row i: label (i % 3) * 10 + 3 (so classes 3, 13, 23), feature i+1 = i, feature 7 = -1. */
static void write_rows(const char *name, int n)
{
    char text[4096];
    size_t k = (size_t)snprintf(text, sizeof text, "# exported for a test\n\n");
    for (int i = 0; i < n; i++)
        k += (size_t)snprintf(text + k, sizeof text - k, "%d %sqid:1 %d:%d%s # row %d\n",
                              (i % 3) * 10 + 3, i == 0 ? "" : "", i + 1, i,
                              i + 1 < 7 ? " 7:-1" : "", i);
    write_text(name, text);
}

START_TEST(densifies_and_splits_one_file)
{
    make_tmpdir();
    write_rows("a.svm", 10);
    loader_run r;
    loader_run_ok(&r, dnnr_plugin_libsvm_entry, opts("a.svm", ""));
    const dnnr_dataset *d = &r.data;
    ck_assert_uint_eq(d->rank, 1);
    ck_assert_uint_eq(d->shape[0], 10); /* largest index 10 */
    ck_assert_uint_eq(d->n_train, 8);
    ck_assert_uint_eq(d->n_test, 2);
    ck_assert_uint_eq(d->n_classes, 3);
    ck_assert_uint_eq(d->y_dim, 3);
    ck_assert_int_eq(d->target_kind, DNNR_TARGET_ONE_HOT);
    uint64_t perm[10];
    dnnr__permutation(42, 10, perm);
    int wrong = 0;
    for (int k = 0; k < 8; k++) {
        int i = (int)perm[k + 2];
        const float *x = d->x_train + k * 10;
        for (int j = 0; j < 10; j++) {
            float want = j == i ? (float)i : (j == 6 && i + 1 < 7) ? -1.0f : 0.0f;
            wrong += x[j] != want;
        }
        for (int c = 0; c < 3; c++)
            wrong += d->y_train[k * 3 + c] != (c == i % 3 ? 1.0f : 0.0f);
    }
    ck_assert_int_eq(wrong, 0);
    loader_run_finish(&r);
    remove_tmpdir();
}
END_TEST

START_TEST(train_and_test_files_binary_labels)
{
    make_tmpdir();
    write_text("tr.svm", "+1 1:0.5 3:2\n-1 2:1\n+1\n");
    write_text("te.svm", "-1 0:4\r\n+1 1:1\n");
    loader_run r;
    snprintf(options, sizeof options,
             "train_file = \"%s/tr.svm\"; test_file = \"%s/te.svm\"; zero_based = true; "
             "one_hot = false; n_features = 5;",
             tmpdir, tmpdir);
    loader_run_ok(&r, dnnr_plugin_libsvm_entry, options);
    const dnnr_dataset *d = &r.data;
    ck_assert_uint_eq(d->n_train, 3);
    ck_assert_uint_eq(d->n_test, 2);
    ck_assert_uint_eq(d->shape[0], 5);
    ck_assert_int_eq(d->target_kind, DNNR_TARGET_CLASS_INDEX);
    ck_assert_float_eq(d->y_train[0], 1.0f); /* -1 < +1: -1 is class 0 */
    ck_assert_float_eq(d->y_train[1], 0.0f);
    ck_assert_float_eq(d->x_train[1], 0.5f);
    ck_assert_float_eq(d->x_train[3], 2.0f);
    ck_assert_float_eq(d->x_test[0], 4.0f);
    ck_assert_float_eq(d->x_train[2 * 5 + 1], 0.0f); /* a row with no features */
    loader_run_finish(&r);
    loader_run_ok(&r, dnnr_plugin_libsvm_entry,
                  opts("tr.svm", "label_kind = \"real\"; test_size = 0.34;"));
    ck_assert_int_eq(r.data.target_kind, DNNR_TARGET_REAL);
    ck_assert_uint_eq(r.data.n_classes, 0);
    ck_assert_uint_eq(r.data.n_test, 2);
    loader_run_finish(&r);
    remove_tmpdir();
}
END_TEST

START_TEST(line_parser_cases)
{
    libsvm_pair pairs[4];
    size_t n;
    double label;
    char why[200];
    const char *line = "  2.5\tqid:3 4:1e-3 9:-2 # comment 11:1";
    ck_assert_int_eq(libsvm_parse_line(line, strlen(line), 0, &label, pairs, 4, &n, why,
                                       sizeof why),
                     LIBSVM_ROW);
    ck_assert_double_eq(label, 2.5);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(pairs[0].index, 3);
    ck_assert_float_eq(pairs[1].value, -2.0f);
    ck_assert_int_eq(libsvm_parse_line("   # only", 9, 0, &label, pairs, 4, &n, why, sizeof why),
                     LIBSVM_EMPTY);
    ck_assert_int_eq(libsvm_parse_line("1 1:1 2:2", 9, 0, &label, pairs, 1, &n, why, sizeof why),
                     LIBSVM_ERROR);
    ck_assert_ptr_nonnull(strstr(why, "more than 1"));
}
END_TEST

static void expect(const char *text, const char *more, const char *w1, const char *w2)
{
    write_text("bad.svm", text);
    loader_expect_error(dnnr_plugin_libsvm_entry, opts("bad.svm", more), "bad.svm", w1, w2, NULL);
}

START_TEST(broken_files_name_line_and_column)
{
    make_tmpdir();
    expect("1 1:1\nx 2:1\n", "", "bad.svm:2:1:", "numeric label");
    expect("1 1:1\n2 3:1 2:1\n", "", "bad.svm:2:7:", "increasing");
    expect("1 1:1\n2 3:1 3:1\n", "", "index 3 after 3", "increasing");
    expect("1 0:1\n2 1:1\n", "", "bad.svm:1:3:", "from 1");
    expect("1 1:1\n2 a:1\n", "", "index \"a\"", "whole number");
    expect("1 1:1\n2 1:zz\n", "", "value \"zz\"", "a number");
    expect("1 1:1\n2 5\n", "", "\"5\"", "index:value");
    expect("1,2 1:1\n2 1:1\n", "", "several labels", "one label");
    expect("1 1:1\n2 9:1\n", "n_features = 4;", "bad.svm:2", "at most 4");
    expect("1 1:1\n1 2:1\n", "", "1 distinct labels", "classes");
    expect("# nothing\n\n", "", "no rows", "label index:value");
    expect("1 1:1\n2 2:1\n", "test_size = 0.9;", "empty part", "expected more rows");
    expect("1 1:1\n2 4000000000:1\n", "", "dense values", "at most");
    loader_expect_error(dnnr_plugin_libsvm_entry, "", "expected `file`", NULL);
    loader_expect_error(dnnr_plugin_libsvm_entry, "file = \"a\"; train_file = \"b\";",
                        "not both", NULL);
    loader_expect_error(dnnr_plugin_libsvm_entry, "file = \"a\"; label_kind = \"x\";",
                        "label_kind", NULL);
    loader_expect_error(dnnr_plugin_libsvm_entry, "file = \"/nonexistent/a.svm\";",
                        "/nonexistent/a.svm", "no such file", NULL);
    remove_tmpdir();
}
END_TEST

START_TEST(out_of_memory_at_every_allocation)
{
    make_tmpdir();
    write_rows("a.svm", 10);
    loader_oom_loop(dnnr_plugin_libsvm_entry, opts("a.svm", ""), NULL);
    remove_tmpdir();
}
END_TEST

START_TEST(damaged_files_never_crash)
{
    make_tmpdir();
    write_rows("a.svm", 10);
    size_t len;
    uint8_t *bytes = read_back("a.svm", &len);
    loader_damage_file(dnnr_plugin_libsvm_entry, opts("a.svm", ""), "a.svm", bytes, len, 7, 0);
    free(bytes);
    remove_tmpdir();
}
END_TEST

static Suite *libsvm_suite(void)
{
    Suite *s = suite_create("loader_libsvm");
    TCase *tc = tcase_create("libsvm");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, densifies_and_splits_one_file);
    tcase_add_test(tc, train_and_test_files_binary_labels);
    tcase_add_test(tc, line_parser_cases);
    tcase_add_test(tc, broken_files_name_line_and_column);
    tcase_add_test(tc, damaged_files_never_crash);
    tcase_add_test(tc, out_of_memory_at_every_allocation);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(libsvm_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
