/* The npy loader: .npy files written by the test (versions 1.0 and 2.0, the
 * accepted dtypes) load with the right shapes and values, as given parts or
 * split here with the UnityEyes layout (image + head pose -> gaze); broken
 * files give errors naming the file and what was expected. */
#include "test_loader_harness.h"

#include "data/split.h"
#include "npy_format.h"

const dnnr_plugin_desc *dnnr_plugin_npy_entry(void);

/* Write a .npy file: the dict text is padded so data starts at a multiple of 64. */
static void write_npy(const char *name, int version, const char *descr, const char *shape,
                      const void *data, size_t data_len)
{
    char dict[256];
    int n = snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': %s, }",
                     descr, shape);
    size_t pre = version == 1 ? 10 : 12;
    size_t header_len = (size_t)n + 1;
    while ((pre + header_len) % 64)
        header_len++;
    static uint8_t bytes[1 << 16];
    ck_assert_uint_le(pre + header_len + data_len, sizeof bytes);
    memcpy(bytes, "\x93NUMPY", 6);
    bytes[6] = (uint8_t)version;
    bytes[7] = 0;
    bytes[8] = (uint8_t)header_len;
    bytes[9] = (uint8_t)(header_len >> 8);
    if (version != 1)
        bytes[10] = bytes[11] = 0;
    memset(bytes + pre, ' ', header_len);
    memcpy(bytes + pre, dict, (size_t)n);
    bytes[pre + header_len - 1] = '\n';
    memcpy(bytes + pre + header_len, data, data_len);
    write_bytes(name, bytes, pre + header_len + data_len);
}

#define N 10 /* UnityEyes-like rows: 3x4x1 images, head pose 2, gaze 2 */

static void write_eyes(int version)
{
    float img[N * 12], head[N * 2];
    double gaze[N * 2];
    for (int i = 0; i < N * 12; i++)
        img[i] = (float)i;
    for (int i = 0; i < N * 2; i++) {
        head[i] = -(float)i;
        gaze[i] = 0.5 * i;
    }
    write_npy("img.npy", version, "<f4", "(10, 3, 4, 1)", img, sizeof img);
    write_npy("head.npy", version, "<f4", "(10, 2)", head, sizeof head);
    write_npy("gaze.npy", version, "<f8", "(10, 2)", gaze, sizeof gaze);
}

static char options[1024];

static const char *opts(const char *more)
{
    snprintf(options, sizeof options, "dir = \"%s\"; %s", tmpdir, more);
    return options;
}

START_TEST(unityeyes_layout_split_here)
{
    make_tmpdir();
    write_eyes(1);
    loader_run r;
    loader_run_ok(&r, dnnr_plugin_npy_entry, opts("x = \"img.npy\"; y = \"gaze.npy\";"));
    const dnnr_dataset *d = &r.data;
    ck_assert_uint_eq(d->rank, 3);
    ck_assert_uint_eq(d->shape[0], 3);
    ck_assert_uint_eq(d->shape[1], 4);
    ck_assert_uint_eq(d->shape[2], 1);
    ck_assert_uint_eq(d->n_train, 8);
    ck_assert_uint_eq(d->n_test, 2);
    ck_assert_int_eq(d->target_kind, DNNR_TARGET_REAL);
    ck_assert_uint_eq(d->y_dim, 2);
    uint64_t perm[N];
    dnnr__permutation(42, N, perm); /* test rows first */
    int wrong = 0;
    for (int k = 0; k < 2; k++) {
        int row = (int)perm[k];
        for (int j = 0; j < 12; j++)
            wrong += d->x_test[k * 12 + j] != (float)(row * 12 + j);
        wrong += d->y_test[k * 2 + 1] != (float)(0.5 * (row * 2 + 1));
    }
    for (int k = 0; k < 8; k++)
        wrong += d->x_train[k * 12] != (float)(perm[k + 2] * 12);
    ck_assert_int_eq(wrong, 0);
    loader_run_finish(&r);
    remove_tmpdir();
}
END_TEST

START_TEST(extra_input_is_appended_and_tail_dropped)
{
    make_tmpdir();
    write_eyes(2);
    loader_run r;
    loader_run_ok(&r, dnnr_plugin_npy_entry,
                  opts("x = \"img.npy\"; x_extra = \"head.npy\"; y = \"gaze.npy\"; "
                       "drop_tail = 0.1; scale = 0.5;"));
    const dnnr_dataset *d = &r.data;
    ck_assert_uint_eq(d->rank, 1);
    ck_assert_uint_eq(d->shape[0], 14);
    ck_assert_uint_eq(d->n_train, 7); /* int(8 * 0.9) */
    uint64_t perm[N];
    dnnr__permutation(42, N, perm);
    int wrong = 0;
    for (int k = 0; k < 7; k++) {
        int row = (int)perm[k + 2];
        wrong += d->x_train[k * 14 + 11] != 0.5f * (float)(row * 12 + 11);
        wrong += d->x_train[k * 14 + 12] != 0.5f * -(float)(row * 2);
        wrong += d->x_train[k * 14 + 13] != 0.5f * -(float)(row * 2 + 1);
        wrong += d->y_train[k * 2] != (float)(0.5 * row * 2); /* targets are not scaled */
    }
    ck_assert_int_eq(wrong, 0);
    loader_run_finish(&r);
    remove_tmpdir();
}
END_TEST

START_TEST(given_parts_with_class_labels)
{
    make_tmpdir();
    uint8_t xtr[4 * 3], xte[2 * 3];
    for (int i = 0; i < 12; i++)
        xtr[i] = (uint8_t)(i * 20);
    for (int i = 0; i < 6; i++)
        xte[i] = (uint8_t)(255 - i);
    int64_t ytr[4] = {0, 2, 1, 2}, yte[2] = {1, 0};
    int32_t yte4[2] = {1, 0};
    write_npy("xtr.npy", 1, "|u1", "(4, 3)", xtr, sizeof xtr);
    write_npy("xte.npy", 1, "|u1", "(2, 3)", xte, sizeof xte);
    write_npy("ytr.npy", 1, "<i8", "(4,)", ytr, sizeof ytr);
    write_npy("yte.npy", 1, "<i8", "(2, 1)", yte, sizeof yte);
    write_npy("yte4.npy", 1, "<i4", "(2,)", yte4, sizeof yte4);
    loader_run r;
    loader_run_ok(&r, dnnr_plugin_npy_entry,
                  opts("x_train = \"xtr.npy\"; y_train = \"ytr.npy\"; x_test = \"xte.npy\"; "
                       "y_test = \"yte.npy\"; y_kind = \"one_hot\"; scale = 0.00392156862745098;"));
    const dnnr_dataset *d = &r.data;
    ck_assert_uint_eq(d->n_train, 4);
    ck_assert_uint_eq(d->n_test, 2);
    ck_assert_uint_eq(d->rank, 1);
    ck_assert_uint_eq(d->shape[0], 3);
    ck_assert_uint_eq(d->n_classes, 3);
    ck_assert_uint_eq(d->y_dim, 3);
    ck_assert_int_eq(d->target_kind, DNNR_TARGET_ONE_HOT);
    ck_assert_float_eq_tol(d->x_test[0], 1.0f, 1e-6f);
    ck_assert_float_eq(d->y_train[1 * 3 + 2], 1.0f);
    ck_assert_float_eq(d->y_test[0 * 3 + 1], 1.0f);
    loader_run_finish(&r);
    loader_run_ok(&r, dnnr_plugin_npy_entry,
                  opts("x_train = \"xtr.npy\"; y_train = \"ytr.npy\"; x_test = \"xte.npy\"; "
                       "y_test = \"yte4.npy\"; y_kind = \"class\"; n_classes = 5;"));
    ck_assert_uint_eq(r.data.n_classes, 5);
    ck_assert_uint_eq(r.data.y_dim, 1);
    ck_assert_float_eq(r.data.y_test[0], 1.0f);
    ck_assert_float_eq(r.data.x_train[1], 20.0f);
    loader_run_finish(&r);
    remove_tmpdir();
}
END_TEST

START_TEST(header_parser_cases)
{
    char why[256];
    npy_header h;
    uint8_t buf[256];
    /* a Python 2 style header: "L" suffixes, double quotes, no trailing comma */
    const char *dict = "{\"descr\": \"|b1\", \"shape\": (2L, 1L), \"fortran_order\": False}\n";
    size_t n = strlen(dict);
    memcpy(buf, "\x93NUMPY\x01\x00", 8);
    buf[8] = (uint8_t)n;
    buf[9] = 0;
    memcpy(buf + 10, dict, n);
    buf[10 + n] = 1;
    buf[11 + n] = 0;
    ck_assert_msg(npy_parse(buf, 12 + n, &h, why, sizeof why) == 0, "%s", why);
    ck_assert_uint_eq(h.rank, 2);
    ck_assert_uint_eq(h.count, 2);
    float out[2];
    npy_to_float(&h, buf + h.data_offset, 2, out);
    ck_assert_float_eq(out[0], 1.0f);
    ck_assert_float_eq(out[1], 0.0f);
    /* a scalar "()" parses (the loader refuses it) */
    const char *scalar = "{'descr': '<i8', 'fortran_order': False, 'shape': (), }";
    n = strlen(scalar);
    buf[8] = (uint8_t)n;
    memcpy(buf + 10, scalar, n);
    int64_t minus = -3;
    memcpy(buf + 10 + n, &minus, 8);
    ck_assert_msg(npy_parse(buf, 18 + n, &h, why, sizeof why) == 0, "%s", why);
    ck_assert_uint_eq(h.rank, 0);
    npy_to_float(&h, buf + h.data_offset, 1, out);
    ck_assert_float_eq(out[0], -3.0f);
    char text[64];
    h.rank = 1;
    h.shape[0] = 7;
    npy_shape_text(&h, text, sizeof text);
    ck_assert_str_eq(text, "(7,)");
}
END_TEST

/* One broken x file against a good y: the error names it and says why. */
static void expect_x(const char *descr, const char *shape, size_t bytes, const char *w1,
                     const char *w2)
{
    static uint8_t data[4096];
    write_npy("bad.npy", 1, descr, shape, data, bytes);
    loader_expect_error(dnnr_plugin_npy_entry, opts("x = \"bad.npy\"; y = \"gaze.npy\";"),
                        "bad.npy", w1, w2, NULL);
}

START_TEST(broken_files_are_named)
{
    make_tmpdir();
    write_eyes(1);
    expect_x("<f4", "(10, 2)", 79, "truncated", "needs 80 data bytes, 79 follow");
    expect_x("<f4", "(10, 2)", 81, "size mismatch", "needs 80");
    expect_x(">f4", "(10, 2)", 80, "dtype '>f4'", "little-endian");
    expect_x("|O", "(10, 2)", 80, "dtype '|O'", "expected");
    expect_x("<f4", "[10, 2]", 80, "shape", "tuple");
    expect_x("<f4", "(10 2)", 80, "shape", "expected ',' or ')'");
    expect_x("<f4", "(10, -2)", 80, "shape", "non-negative");
    expect_x("<f4", "(4, 2)", 32, "expected 4 rows", "gaze.npy");
    expect_x("<f4", "(10, 0)", 0, "expected non-empty rows", "(10, 0)");
    expect_x("<f4", "(99999999999, 99999999999, 99999999999)", 0, "overflows", "shape");
    expect_x("<f4", "()", 4, "a scalar", "one row per sample");
    expect_x("<f4", "(10, 1, 1, 1, 1, 1)", 40, "6 dimensions", "at most 5");
    write_bytes("bad.npy", "\x93NUMPX\x01\x00\x00\x00", 10);
    loader_expect_error(dnnr_plugin_npy_entry, opts("x = \"bad.npy\"; y = \"gaze.npy\";"),
                        "bad.npy", "magic", NULL);
    write_bytes("bad.npy", "\x93NUMPY\x04\x00\x00\x00", 10);
    loader_expect_error(dnnr_plugin_npy_entry, opts("x = \"bad.npy\"; y = \"gaze.npy\";"),
                        "bad.npy", "version 4.0", NULL);
    write_bytes("bad.npy", "\x93NUMPY\x01\x00\xff\x00{", 11);
    loader_expect_error(dnnr_plugin_npy_entry, opts("x = \"bad.npy\"; y = \"gaze.npy\";"),
                        "bad.npy", "truncated", "255", NULL);
    write_bytes("bad.npy", "\x93NUMPY\x01\x00\x04\x00{'a'", 14);
    loader_expect_error(dnnr_plugin_npy_entry, opts("x = \"bad.npy\"; y = \"gaze.npy\";"),
                        "bad.npy", "expected 'key': value", NULL);
    static const char fortran[] = "{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }";
    char buf[128];
    memcpy(buf, "\x93NUMPY\x01\x00", 8);
    buf[8] = (char)strlen(fortran);
    buf[9] = 0;
    memcpy(buf + 10, fortran, strlen(fortran));
    write_bytes("bad.npy", buf, 10 + strlen(fortran) + 4);
    loader_expect_error(dnnr_plugin_npy_entry, opts("x = \"bad.npy\"; y = \"gaze.npy\";"),
                        "bad.npy", "C order", NULL);
    /* class labels that are not indices */
    float ybad[10] = {0, 1, 2.5f, 1, 0, 0, 1, 1, 0, 0};
    write_npy("ybad.npy", 1, "<f4", "(10,)", ybad, sizeof ybad);
    loader_expect_error(dnnr_plugin_npy_entry,
                        opts("x = \"img.npy\"; y = \"ybad.npy\"; y_kind = \"class\";"), "ybad.npy",
                        "row 2 holds 2.5", "class index", NULL);
    loader_expect_error(dnnr_plugin_npy_entry,
                        opts("x = \"img.npy\"; y = \"gaze.npy\"; y_kind = \"class\";"), "gaze.npy",
                        "one class index per row", NULL);
    remove_tmpdir();
}
END_TEST

START_TEST(bad_options)
{
    make_tmpdir();
    write_eyes(1);
    loader_expect_error(dnnr_plugin_npy_entry, "", "expected x and y", NULL);
    loader_expect_error(dnnr_plugin_npy_entry, "x = \"a\";", "expected both", NULL);
    loader_expect_error(dnnr_plugin_npy_entry, "x = \"a\"; y = \"b\"; x_train = \"c\";",
                        "not both", NULL);
    loader_expect_error(dnnr_plugin_npy_entry,
                        "x_train = \"a\"; y_train = \"b\"; x_test = \"c\"; y_test = \"d\"; "
                        "x_extra_train = \"e\";",
                        "x_extra_test", NULL);
    loader_expect_error(dnnr_plugin_npy_entry, opts("x = \"img.npy\"; y = \"gaze.npy\"; "
                                                    "y_kind = \"ordinal\";"),
                        "y_kind", NULL);
    loader_expect_error(dnnr_plugin_npy_entry, opts("x = \"img.npy\"; y = \"gaze.npy\"; "
                                                    "drop_tail = 1.0;"),
                        "drop_tail", NULL);
    loader_expect_error(dnnr_plugin_npy_entry, opts("x = \"nope.npy\"; y = \"gaze.npy\";"),
                        "nope.npy", "cannot open", NULL);
    loader_expect_error(dnnr_plugin_npy_entry, "x = \"/nonexistent/x.npy\"; y = \"y.npy\";",
                        "/nonexistent/x.npy", "no such file", NULL);
    /* parts with different sample shapes */
    float a[2 * 12] = {0}, b[2 * 6] = {0}, y[2] = {0, 1};
    write_npy("a.npy", 1, "<f4", "(2, 3, 4)", a, sizeof a);
    write_npy("b.npy", 1, "<f4", "(2, 3, 2)", b, sizeof b);
    write_npy("y.npy", 1, "<f4", "(2,)", y, sizeof y);
    loader_expect_error(dnnr_plugin_npy_entry,
                        opts("x_train = \"a.npy\"; y_train = \"y.npy\"; x_test = \"b.npy\"; "
                             "y_test = \"y.npy\";"),
                        "b.npy", "(2, 3, 2)", "(2, 3, 4)", NULL);
    remove_tmpdir();
}
END_TEST

START_TEST(out_of_memory_at_every_allocation)
{
    make_tmpdir();
    write_eyes(1);
    loader_oom_loop(dnnr_plugin_npy_entry,
                    opts("x = \"img.npy\"; x_extra = \"head.npy\"; y = \"gaze.npy\";"), NULL);
    remove_tmpdir();
}
END_TEST

START_TEST(damaged_arrays_never_crash)
{
    make_tmpdir();
    write_eyes(1);
    size_t len;
    uint8_t *bytes = read_back("head.npy", &len);
    /* the header has its padding spaces: a damaged space may still parse */
    loader_damage_file(dnnr_plugin_npy_entry,
                       opts("x = \"img.npy\"; x_extra = \"head.npy\"; y = \"gaze.npy\";"),
                       "head.npy", bytes, len, 5, 1);
    free(bytes);
    remove_tmpdir();
}
END_TEST

static Suite *npy_suite(void)
{
    Suite *s = suite_create("loader_npy");
    TCase *tc = tcase_create("npy");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, unityeyes_layout_split_here);
    tcase_add_test(tc, extra_input_is_appended_and_tail_dropped);
    tcase_add_test(tc, given_parts_with_class_labels);
    tcase_add_test(tc, header_parser_cases);
    tcase_add_test(tc, broken_files_are_named);
    tcase_add_test(tc, bad_options);
    tcase_add_test(tc, damaged_arrays_never_crash);
    tcase_add_test(tc, out_of_memory_at_every_allocation);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(npy_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
