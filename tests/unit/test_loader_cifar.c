/* The cifar loader: batch files written by the test decode to NHWC floats
 * with the right labels; the validation drop follows numpy's permutation;
 * without CIFAR-10 the Fashion-MNIST substitute is padded and replicated;
 * broken batches give errors naming the file. */
#include "test_loader_harness.h"

#include <zlib.h>

#include "cifar_format.h"
#include "data/split.h"

const dnnr_plugin_desc *dnnr_plugin_cifar_entry(void);

/* Record r's byte at channel c, pixel p (p = row * 32 + col). */
static uint8_t pixel(int r, int c, int p)
{
    return (uint8_t)((r * 131 + c * 61 + p * 7) % 256);
}

/* A batch of n records whose labels start at label0; first_record numbers them globally. */
static void write_batch(const char *name, int first_record, int n, int label0)
{
    static uint8_t bytes[8 * CIFAR_RECORD_BYTES];
    ck_assert_int_le(n, 8);
    for (int i = 0; i < n; i++) {
        uint8_t *rec = bytes + (size_t)i * CIFAR_RECORD_BYTES;
        rec[0] = (uint8_t)((label0 + i) % 10);
        for (int c = 0; c < 3; c++)
            for (int p = 0; p < 1024; p++)
                rec[1 + c * 1024 + p] = pixel(first_record + i, c, p);
    }
    write_bytes(name, bytes, (size_t)n * CIFAR_RECORD_BYTES);
}

static void write_set(void)
{
    make_subdir("cifar-10-batches-bin");
    write_batch("cifar-10-batches-bin/b1.bin", 0, 3, 0);
    write_batch("cifar-10-batches-bin/b2.bin", 3, 2, 3);
    write_batch("cifar-10-batches-bin/test_batch.bin", 100, 2, 7);
}


static char options[1024];

static const char *opts(const char *more)
{
    snprintf(options, sizeof options, "dir = \"%s/cifar-10-batches-bin\"; %s", tmpdir, more);
    return options;
}

/* Sample k of x must be record r, channel-last, divided by scale. */
static int wrong_pixels(const float *x, int k, int r, float scale)
{
    int wrong = 0;
    for (int p = 0; p < 1024; p++)
        for (int c = 0; c < 3; c++)
            wrong += x[(size_t)k * 3072 + (size_t)p * 3 + (size_t)c] != (float)pixel(r, c, p) / scale;
    return wrong;
}

START_TEST(decodes_batches_channels_last)
{
    make_tmpdir();
    write_set();
    loader_run r;
    loader_run_ok(&r, dnnr_plugin_cifar_entry,
                  opts("train_files = \" b1.bin , b2.bin\";"));
    const dnnr_dataset *d = &r.data;
    ck_assert_uint_eq(d->rank, 3);
    ck_assert_uint_eq(d->shape[0], 32);
    ck_assert_uint_eq(d->shape[1], 32);
    ck_assert_uint_eq(d->shape[2], 3);
    ck_assert_uint_eq(d->n_train, 5);
    ck_assert_uint_eq(d->n_test, 2);
    ck_assert_int_eq(d->target_kind, DNNR_TARGET_ONE_HOT);
    ck_assert_uint_eq(d->y_dim, 10);
    ck_assert_str_eq(d->provenance, "original");
    int wrong = 0;
    for (int k = 0; k < 5; k++) {
        wrong += wrong_pixels(d->x_train, k, k, 255.0f);
        for (int c = 0; c < 10; c++)
            wrong += d->y_train[k * 10 + c] != (c == k ? 1.0f : 0.0f);
    }
    wrong += wrong_pixels(d->x_test, 1, 101, 255.0f);
    wrong += d->y_test[10 + 8] != 1.0f;
    ck_assert_int_eq(wrong, 0);
    loader_run_finish(&r);
    remove_tmpdir();
}
END_TEST

START_TEST(class_indices_raw_pixels_and_validation_drop)
{
    make_tmpdir();
    write_set();
    loader_run r;
    loader_run_ok(&r, dnnr_plugin_cifar_entry,
                  opts("train_files = \"b1.bin,b2.bin\"; one_hot = false; normalise = false; "
                       "drop_validation = 0.2; drop_validation_seed = 0;"));
    const dnnr_dataset *d = &r.data;
    ck_assert_int_eq(d->target_kind, DNNR_TARGET_CLASS_INDEX);
    ck_assert_uint_eq(d->y_dim, 1);
    ck_assert_uint_eq(d->n_train, 4); /* ceil(0.2 * 5) = 1 dropped */
    uint64_t perm[5];
    dnnr__permutation(0, 5, perm);
    int wrong = 0;
    for (int k = 0; k < 4; k++) {
        int rec = (int)perm[k + 1];
        wrong += wrong_pixels(d->x_train, k, rec, 1.0f);
        wrong += d->y_train[k] != (float)rec;
    }
    ck_assert_int_eq(wrong, 0);
    loader_run_finish(&r);
    remove_tmpdir();
}
END_TEST

/* rows = N reads the first N training images (across batch files, stopping
 * inside the second here) and the first N test images. */
START_TEST(rows_limits_train_and_test)
{
    make_tmpdir();
    write_set();
    loader_run r;
    loader_run_ok(&r, dnnr_plugin_cifar_entry,
                  opts("train_files = \"b1.bin,b2.bin,missing.bin\"; rows = 4; one_hot = false;"));
    const dnnr_dataset *d = &r.data;
    ck_assert_uint_eq(d->n_train, 4);
    ck_assert_uint_eq(d->n_test, 2);
    int wrong = 0;
    for (int k = 0; k < 4; k++)
        wrong += wrong_pixels(d->x_train, k, k, 255.0f) + (d->y_train[k] != (float)k);
    ck_assert_int_eq(wrong, 0);
    loader_run_finish(&r);
    loader_run_ok(&r, dnnr_plugin_cifar_entry, opts("train_files = \"b1.bin,b2.bin\"; rows = 1;"));
    ck_assert_uint_eq(r.data.n_train, 1);
    ck_assert_uint_eq(r.data.n_test, 1);
    ck_assert_int_eq(wrong_pixels(r.data.x_test, 0, 100, 255.0f), 0);
    loader_run_finish(&r);
    loader_expect_error(dnnr_plugin_cifar_entry, opts("rows = -1;"),
                        "rows = -1: expected 0 (all) or a positive count", NULL);
    remove_tmpdir();
}
END_TEST

/* A gzip IDX file of unsigned bytes: magic, dims, then value(i) for each byte. */
static void write_idx_gz(const char *name, const uint32_t *dims, int n_dims, int labels)
{
    char path[512];
    gzFile f = gzopen(tmp_path(path, sizeof path, name), "wb");
    ck_assert_ptr_nonnull(f);
    uint8_t head[4 + 12] = {0, 0, 8, (uint8_t)n_dims};
    size_t total = 1, n = 4;
    for (int i = 0; i < n_dims; i++) {
        head[n++] = (uint8_t)(dims[i] >> 24);
        head[n++] = (uint8_t)(dims[i] >> 16);
        head[n++] = (uint8_t)(dims[i] >> 8);
        head[n++] = (uint8_t)dims[i];
        total *= dims[i];
    }
    ck_assert_int_eq(gzwrite(f, head, (unsigned)n), (int)n);
    for (size_t i = 0; i < total; i++) {
        uint8_t v = labels ? (uint8_t)(i % 10) : (uint8_t)(i % 251);
        ck_assert_int_eq(gzwrite(f, &v, 1), 1);
    }
    ck_assert_int_eq(gzclose(f), Z_OK);
}

START_TEST(substitute_when_cifar_is_absent)
{
    make_tmpdir();
    make_subdir("fm");
    uint32_t img[3] = {3, 28, 28}, lab[1] = {3}, timg[3] = {2, 28, 28}, tlab[1] = {2};
    write_idx_gz("fm/train-images-idx3-ubyte.gz", img, 3, 0);
    write_idx_gz("fm/train-labels-idx1-ubyte.gz", lab, 1, 1);
    write_idx_gz("fm/t10k-images-idx3-ubyte.gz", timg, 3, 0);
    write_idx_gz("fm/t10k-labels-idx1-ubyte.gz", tlab, 1, 1);
    snprintf(options, sizeof options, "substitute_dir = \"%s/fm\"; one_hot = false;", tmpdir);
    loader_run r;
    loader_run_start(&r, dnnr_plugin_cifar_entry, options, NULL, tmpdir);
    ck_assert_msg(r.load_status == DNNR_OK, "%s", loader_run_error(&r));
    const dnnr_dataset *d = &r.data;
    ck_assert_uint_eq(d->n_train, 3);
    ck_assert_uint_eq(d->n_test, 2);
    ck_assert_uint_eq(d->shape[2], 3);
    ck_assert_ptr_nonnull(strstr(d->provenance, "substitute: Fashion-MNIST"));
    int wrong = 0;
    for (int k = 0; k < 3; k++) {
        wrong += d->y_train[k] != (float)k;
        for (int row = 0; row < 32; row++)
            for (int col = 0; col < 32; col++) {
                const float *px = d->x_train + (size_t)k * 3072 + (size_t)(row * 32 + col) * 3;
                int inside = row >= 2 && row < 30 && col >= 2 && col < 30;
                size_t i = (size_t)k * 784 + (size_t)(row - 2) * 28 + (size_t)(col - 2);
                float want = inside ? (float)(i % 251) / 255.0f : 0.0f;
                wrong += px[0] != want || px[1] != want || px[2] != want;
            }
    }
    ck_assert_int_eq(wrong, 0);
    loader_run_finish(&r);
    /* rows limits the substitute too */
    snprintf(options, sizeof options, "substitute_dir = \"%s/fm\"; rows = 2;", tmpdir);
    loader_run_start(&r, dnnr_plugin_cifar_entry, options, NULL, tmpdir);
    ck_assert_msg(r.load_status == DNNR_OK, "%s", loader_run_error(&r));
    ck_assert_uint_eq(r.data.n_train, 2);
    ck_assert_uint_eq(r.data.n_test, 2);
    loader_run_finish(&r);
    /* an explicit dir that is missing is an error, never a silent substitute */
    loader_run_start(&r, dnnr_plugin_cifar_entry, "dir = \"cifar10\";", NULL, tmpdir);
    ck_assert_int_eq(r.create_status, DNNR_ENOTFOUND);
    ck_assert_ptr_nonnull(strstr(loader_run_error(&r), "cifar10"));
    loader_run_finish(&r);
    /* neither CIFAR-10 nor the substitute: say both */
    loader_run_start(&r, dnnr_plugin_cifar_entry, "substitute_dir = \"/nonexistent\";", NULL,
                     tmpdir);
    ck_assert_int_eq(r.create_status, DNNR_ENOTFOUND);
    ck_assert_ptr_nonnull(strstr(loader_run_error(&r), "dataset-fashion-mnist"));
    loader_run_finish(&r);
    remove_tmpdir();
}
END_TEST

START_TEST(broken_batches_name_the_file)
{
    make_tmpdir();
    write_set();
    static uint8_t bytes[2 * CIFAR_RECORD_BYTES];
    write_bytes("cifar-10-batches-bin/cut.bin", bytes, CIFAR_RECORD_BYTES + 100);
    loader_expect_error(dnnr_plugin_cifar_entry, opts("train_files = \"b1.bin,cut.bin\";"),
                        "cut.bin", "3173 bytes", "whole number of 3073-byte records", NULL);
    write_bytes("cifar-10-batches-bin/empty.bin", bytes, 0);
    loader_expect_error(dnnr_plugin_cifar_entry, opts("train_files = \"b1.bin\"; test_file = \"empty.bin\";"), "empty.bin",
                        "0 bytes", NULL);
    bytes[CIFAR_RECORD_BYTES] = 10; /* second record's label */
    write_bytes("cifar-10-batches-bin/label.bin", bytes, 2 * CIFAR_RECORD_BYTES);
    loader_expect_error(dnnr_plugin_cifar_entry, opts("train_files = \"label.bin\";"),
                        "label.bin", "record 1", "label 10", "expected 0 to 9", NULL);
    loader_expect_error(dnnr_plugin_cifar_entry, opts("train_files = \"b1.bin,nope.bin\";"),
                        "nope.bin", "cannot open", NULL);
    loader_expect_error(dnnr_plugin_cifar_entry, opts("train_files = \"b1.bin,\";"),
                        "empty or overlong", NULL);
    loader_expect_error(dnnr_plugin_cifar_entry, opts("drop_validation = 1.5;"), "drop_validation",
                        NULL);
    loader_expect_error(dnnr_plugin_cifar_entry, opts("normalise = 1;"), "normalise",
                        "true or false", NULL);
    remove_tmpdir();
}
END_TEST

START_TEST(decode_stops_at_bad_label)
{
    static uint8_t bytes[3 * CIFAR_RECORD_BYTES];
    bytes[2 * CIFAR_RECORD_BYTES] = 255;
    static float x[3 * CIFAR_PIXELS];
    uint8_t labels[3], bad = 0;
    ck_assert_uint_eq(cifar_decode(bytes, 3, 1, x, labels, &bad), 2);
    ck_assert_uint_eq(bad, 255);
    ck_assert_uint_eq(cifar_decode(bytes, 2, 1, x, labels, &bad), 2);
}
END_TEST

START_TEST(out_of_memory_at_every_allocation)
{
    make_tmpdir();
    write_set();
    loader_oom_loop(dnnr_plugin_cifar_entry,
                    opts("train_files = \"b1.bin,b2.bin\"; drop_validation = 0.2;"), NULL);
    remove_tmpdir();
}
END_TEST

START_TEST(damaged_batches_never_crash)
{
    make_tmpdir();
    write_set();
    size_t len;
    uint8_t *bytes = read_back("cifar-10-batches-bin/b2.bin", &len);
    loader_damage_file(dnnr_plugin_cifar_entry, opts("train_files = \"b1.bin,b2.bin\";"),
                       "cifar-10-batches-bin/b2.bin", bytes, len, 331, 1);
    free(bytes);
    remove_tmpdir();
}
END_TEST

static Suite *cifar_suite(void)
{
    Suite *s = suite_create("loader_cifar");
    TCase *tc = tcase_create("cifar");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, decodes_batches_channels_last);
    tcase_add_test(tc, class_indices_raw_pixels_and_validation_drop);
    tcase_add_test(tc, rows_limits_train_and_test);
    tcase_add_test(tc, substitute_when_cifar_is_absent);
    tcase_add_test(tc, broken_batches_name_the_file);
    tcase_add_test(tc, decode_stops_at_bad_label);
    tcase_add_test(tc, damaged_batches_never_crash);
    tcase_add_test(tc, out_of_memory_at_every_allocation);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(cifar_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
