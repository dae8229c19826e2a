/* The csv loader: tables written by the test load with the chosen columns,
 * encoded labels, scikit-learn's split and optional standardisation; broken
 * tables give errors naming file:line:column and what was expected. */
#include "test_loader_harness.h"

#include <math.h>

#include "csv_parse.h"

const dnnr_plugin_desc *dnnr_plugin_csv_entry(void);

#define N_ROWS 20

/* Row i: id, a = i, b = 10 * i (row 3 holds the -999 sentinel), label. */
static const char *label_of(int i)
{
    static const char *const names[] = {"s", "b", "x"};
    return names[i % 3];
}

static void write_table(const char *name, int crlf)
{
    char text[4096];
    size_t n = (size_t)snprintf(text, sizeof text, "EventId,a,\"b\",Label%s", crlf ? "\r\n" : "\n");
    for (int i = 0; i < N_ROWS; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "%d,%d,%s,%s%s", 100000 + i, i,
                              i == 3 ? "-999.0" : (i % 2 ? "1e1" : "0"), label_of(i),
                              crlf ? "\r\n" : "\n");
    write_text(name, text);
}

static char options[2048];

/* file = tmpdir/name plus more options */
static const char *opts(const char *name, const char *more)
{
    snprintf(options, sizeof options, "file = \"%s/%s\"; %s", tmpdir, name, more);
    return options;
}

START_TEST(loads_table_with_label_encoder_and_split)
{
    make_tmpdir();
    write_table("t.csv", 0);
    loader_run r;
    loader_run_ok(&r, dnnr_plugin_csv_entry,
                  opts("t.csv", "label = \"Label\"; exclude = \"EventId\";"));
    const dnnr_dataset *d = &r.data;
    ck_assert_uint_eq(d->rank, 1);
    ck_assert_uint_eq(d->shape[0], 2);
    ck_assert_uint_eq(d->n_train, 16);
    ck_assert_uint_eq(d->n_test, 4);
    ck_assert_int_eq(d->target_kind, DNNR_TARGET_CLASS_INDEX);
    ck_assert_uint_eq(d->n_classes, 3);
    ck_assert_str_eq(d->provenance, "original");
    /* RandomState(42).permutation(20)[:4] = [0, 17, 15, 1] is the test part */
    const int test_rows[4] = {0, 17, 15, 1};
    for (int k = 0; k < 4; k++)
        ck_assert_float_eq(d->x_test[2 * k], (float)test_rows[k]);
    /* LabelEncoder: sorted b < s < x */
    int wrong = 0;
    for (uint64_t k = 0; k < d->n_train; k++) {
        int row = (int)d->x_train[2 * k];
        const char *lab = label_of(row);
        float want = lab[0] == 'b' ? 0.f : lab[0] == 's' ? 1.f : 2.f;
        wrong += d->y_train[k] != want;
        wrong += row == 3 ? d->x_train[2 * k + 1] != -999.0f
                          : d->x_train[2 * k + 1] != (row % 2 ? 10.0f : 0.0f);
    }
    ck_assert_int_eq(wrong, 0);
    /* every row appears once */
    int seen[N_ROWS] = {0};
    for (uint64_t k = 0; k < d->n_train; k++)
        seen[(int)d->x_train[2 * k]]++;
    for (uint64_t k = 0; k < d->n_test; k++)
        seen[(int)d->x_test[2 * k]]++;
    for (int i = 0; i < N_ROWS; i++)
        ck_assert_int_eq(seen[i], 1);
    dnnr_dataset again;
    ck_assert_int_eq(r.iface->load(r.loader, &again), DNNR_OK);
    ck_assert_ptr_eq(again.x_train, d->x_train);
    loader_run_finish(&r);
    remove_tmpdir();
}
END_TEST

START_TEST(feature_list_positive_one_hot_rows)
{
    make_tmpdir();
    write_table("t.csv", 1); /* CRLF line ends */
    loader_run r;
    loader_run_ok(&r, dnnr_plugin_csv_entry,
                  opts("t.csv", "label = \"Label\"; features = \" b , a\"; positive = \"b\"; "
                                "one_hot = true; rows = 10; test_size = 0.3; seed = 1; "
                                "provenance = \"substitute: test\";"));
    const dnnr_dataset *d = &r.data;
    ck_assert_uint_eq(d->n_train + d->n_test, 10);
    ck_assert_uint_eq(d->n_test, 3);
    ck_assert_uint_eq(d->y_dim, 2);
    ck_assert_uint_eq(d->n_classes, 2);
    ck_assert_int_eq(d->target_kind, DNNR_TARGET_ONE_HOT);
    ck_assert_str_eq(d->provenance, "substitute: test");
    int wrong = 0;
    for (uint64_t k = 0; k < d->n_train; k++) {
        int row = (int)d->x_train[2 * k + 1]; /* a is the second feature now */
        ck_assert_int_lt(row, 10);
        int positive = strcmp(label_of(row), "b") == 0;
        wrong += d->y_train[2 * k + 1] != (float)positive;
        wrong += d->y_train[2 * k] != (float)!positive;
    }
    ck_assert_int_eq(wrong, 0);
    loader_run_finish(&r);
    remove_tmpdir();
}
END_TEST

START_TEST(standardise_and_real_labels_headerless)
{
    make_tmpdir();
    /* no header, ';' delimiter, a quoted field with the delimiter and a quote inside */
    write_text("h.csv", "1;\"x;\"\"y\";0.5\n2;z;1.5\n\n3;z;2.5\n4;z;-1\n5;z;0\n");
    loader_run r;
    loader_run_ok(&r, dnnr_plugin_csv_entry,
                  opts("h.csv", "header = false; delimiter = \";\"; label = \"2\"; exclude = \"1\"; "
                                "label_kind = \"real\"; standardise = true;"));
    const dnnr_dataset *d = &r.data;
    ck_assert_int_eq(d->target_kind, DNNR_TARGET_REAL);
    ck_assert_uint_eq(d->n_classes, 0);
    ck_assert_uint_eq(d->n_train + d->n_test, 5);
    double sum = 0, sq = 0;
    for (uint64_t k = 0; k < d->n_train; k++) {
        sum += d->x_train[k];
        sq += d->x_train[k] * d->x_train[k];
    }
    for (uint64_t k = 0; k < d->n_test; k++) {
        sum += d->x_test[k];
        sq += d->x_test[k] * d->x_test[k];
    }
    ck_assert_double_eq_tol(sum / 5, 0.0, 1e-6);
    ck_assert_double_eq_tol(sq / 5, 1.0, 1e-5);
    /* x = 1..5 standardised: (x - 3) / sqrt(2); targets travel with their rows */
    const float y_of[5] = {0.5f, 1.5f, 2.5f, -1.0f, 0.0f};
    for (uint64_t k = 0; k < d->n_train; k++) {
        int row = (int)lround(d->x_train[k] * sqrt(2.0) + 3.0) - 1;
        ck_assert_float_eq(d->y_train[k], y_of[row]);
    }
    loader_run_finish(&r);
    remove_tmpdir();
}
END_TEST

START_TEST(tokenizer_quotes_and_positions)
{
    char text[] = "a,\"b,\"\"c\"\"\nd\",e\r\n\n,\n";
    csv_reader r;
    csv_reader_init(&r, text, strlen(text), ',');
    csv_field f[4];
    size_t n;
    char why[128];
    ck_assert_int_eq(csv_next_record(&r, f, 4, &n, why, sizeof why), 1);
    ck_assert_uint_eq(n, 3);
    ck_assert_int_eq(csv_field_is(&f[1], "b,\"c\"\nd"), 1);
    ck_assert_uint_eq(f[2].line, 2);
    ck_assert_uint_eq(f[2].column, 4);
    ck_assert_int_eq(csv_next_record(&r, f, 4, &n, why, sizeof why), 1);
    ck_assert_uint_eq(n, 2); /* "," is two empty fields */
    ck_assert_uint_eq(f[0].line, 4);
    ck_assert_int_eq(csv_next_record(&r, f, 4, &n, why, sizeof why), 0);
    double v;
    csv_field num = {" -999.0 ", 8, 1, 1};
    ck_assert_int_eq(csv_field_number(&num, &v), 0);
    ck_assert_double_eq(v, -999.0);
    csv_field bad = {"1.5x", 4, 1, 1};
    ck_assert_int_ne(csv_field_number(&bad, &v), 0);
    csv_field empty = {"", 0, 1, 1};
    ck_assert_int_ne(csv_field_number(&empty, &v), 0);
}
END_TEST

/* ---- broken tables and options ---- */

static void expect(const char *table, const char *extra, const char *w1, const char *w2)
{
    write_text("bad.csv", table);
    char o[1024];
    snprintf(o, sizeof o, "file = \"%s/bad.csv\"; label = \"y\"; %s", tmpdir, extra);
    loader_expect_error(dnnr_plugin_csv_entry, o, "bad.csv", w1, w2, NULL);
}

START_TEST(broken_tables_name_file_line_column)
{
    make_tmpdir();
    expect("a,y\n1,p\n2x,q\n3,p\n", "", "bad.csv:3:1", "expected a number");
    expect("a,b,y\n1,2,p\n1,2,3,4\n", "", "bad.csv:3", "expected 3");
    expect("a,b,y\n1,2,p\n1,q\n", "", "bad.csv:3: 2 fields", "expected 3");
    expect("a,y\n1,\"p\n2,q\n", "", "unterminated", "closing");
    expect("a,y\n1,\"p\"x\n", "", "after a closing quote", "delimiter");
    expect("a,y\n1,,\n", "", "bad.csv:2", "expected 2");
    expect("", "", "empty file", "header");
    expect("a,y\n", "", "0 data rows", "at least 2");
    expect("a,y\n1,p\n2,p\n", "", "1 distinct value", "at least 2");
    expect("a,y\n1,p\n2,q\n", "positive = \"r\";", "never occurs", "y");
    expect("a,y\n1,p\n2,q\n", "features = \"a,zz\";", "'zz'", "expected one of a,y");
    expect("a,y\n1,p\n2,q\n", "features = \"a,a\";", "twice", "once");
    expect("a,y\n1,p\n2,q\n", "exclude = \"a\";", "no feature columns", "at least one");
    expect("a,y\n1,p\n2,q\n", "label_kind = \"real\";", "\"p\"", "expected a number");
    expect("a,y\n1,p\n2,q\n", "test_size = 0.9;", "empty part", "expected more rows");
    remove_tmpdir();
}
END_TEST

START_TEST(bad_options_and_paths)
{
    make_tmpdir();
    loader_expect_error(dnnr_plugin_csv_entry, "label = \"y\";", "no `file`", NULL);
    loader_expect_error(dnnr_plugin_csv_entry, "file = \"x.csv\";", "no `label`", NULL);
    loader_expect_error(dnnr_plugin_csv_entry, "file = \"/nonexistent/x.csv\"; label = \"y\";",
                        "/nonexistent/x.csv", "no such file", NULL);
    loader_expect_error(dnnr_plugin_csv_entry,
                        "file = \"x.csv\"; label = \"y\"; delimiter = \",,\";", "delimiter",
                        "one character", NULL);
    loader_expect_error(dnnr_plugin_csv_entry,
                        "file = \"x.csv\"; label = \"y\"; label_kind = \"ordinal\";", "label_kind",
                        NULL);
    loader_expect_error(dnnr_plugin_csv_entry, "file = \"x.csv\"; label = \"y\"; rows = -1;",
                        "rows", NULL);
    loader_expect_error(dnnr_plugin_csv_entry, "file = \"x.csv\"; label = \"y\"; seed = -3;",
                        "seed", NULL);
    loader_expect_error(dnnr_plugin_csv_entry, "file = \"x.csv\"; label = \"y\"; test_size = 1.0;",
                        "test_size", NULL);
    loader_expect_error(dnnr_plugin_csv_entry, "file = \"x.csv\"; label = 3;", "label",
                        "a string", NULL);
    /* a relative file resolves under $DNNR_DATA_DIR, then beside the subject file */
    make_subdir("higgs");
    write_table("higgs/training.csv", 0);
    char subject[256];
    snprintf(subject, sizeof subject, "%s/D2.cfg", tmpdir);
    loader_run r;
    loader_run_start(&r, dnnr_plugin_csv_entry, "file = \"higgs/training.csv\"; label = \"Label\";",
                     NULL, tmpdir);
    ck_assert_msg(r.load_status == DNNR_OK, "%s", loader_run_error(&r));
    loader_run_finish(&r);
    loader_run_start(&r, dnnr_plugin_csv_entry, "file = \"higgs/training.csv\"; label = \"Label\";",
                     subject, "/nonexistent");
    ck_assert_msg(r.load_status == DNNR_OK, "%s", loader_run_error(&r));
    loader_run_finish(&r);
    loader_run_start(&r, dnnr_plugin_csv_entry, "file = \"higgs/test.csv\"; label = \"Label\";",
                     subject, "/nonexistent");
    ck_assert_int_eq(r.create_status, DNNR_ENOTFOUND);
    ck_assert_ptr_nonnull(strstr(loader_run_error(&r), " and "));
    loader_run_finish(&r);
    remove_tmpdir();
}
END_TEST

START_TEST(out_of_memory_at_every_allocation)
{
    make_tmpdir();
    write_table("t.csv", 0);
    loader_oom_loop(dnnr_plugin_csv_entry,
                    opts("t.csv", "label = \"Label\"; exclude = \"EventId\"; one_hot = true; "
                                  "standardise = true;"),
                    NULL);
    remove_tmpdir();
}
END_TEST

START_TEST(damaged_tables_never_crash)
{
    make_tmpdir();
    write_table("t.csv", 1);
    size_t len;
    uint8_t *bytes = read_back("t.csv", &len);
    loader_damage_file(dnnr_plugin_csv_entry,
                       opts("t.csv", "label = \"Label\"; exclude = \"EventId\";"), "t.csv",
                       bytes, len, 11, 0);
    free(bytes);
    remove_tmpdir();
}
END_TEST

static Suite *csv_suite(void)
{
    Suite *s = suite_create("loader_csv");
    TCase *tc = tcase_create("csv");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, loads_table_with_label_encoder_and_split);
    tcase_add_test(tc, feature_list_positive_one_hot_rows);
    tcase_add_test(tc, standardise_and_real_labels_headerless);
    tcase_add_test(tc, tokenizer_quotes_and_positions);
    tcase_add_test(tc, broken_tables_name_file_line_column);
    tcase_add_test(tc, bad_options_and_paths);
    tcase_add_test(tc, damaged_tables_never_crash);
    tcase_add_test(tc, out_of_memory_at_every_allocation);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(csv_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
