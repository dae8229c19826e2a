/* The idx loader: small IDX files written by the test (plain and gzip) load
 * with the right shapes and values; every kind of broken file gives an error
 * that names the file and what was expected; options and folder resolution
 * behave as documented. */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <dnnrepair/dnnrepair.h>

#include "host/host.h"
#include "idx_format.h"
#include "util/alloc.h"

const dnnr_plugin_desc *dnnr_plugin_idx_entry(void);

#define N_TRAIN 5
#define N_TEST 3
#define ROWS 4
#define COLS 3

/* ---- writing IDX files ---- */

typedef struct idx_spec {
    uint8_t magic[4];
    uint32_t n_dims;
    uint32_t dims[3];
    long payload; /* bytes of payload to write; -1: what the dims say */
    int gzip;
} idx_spec;

static char tmpdir[64];

static void make_tmpdir(void)
{
    strcpy(tmpdir, "/tmp/dnnr_test_idx_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void remove_tmpdir(void)
{
    DIR *d = opendir(tmpdir);
    if (!d)
        return;
    struct dirent *e;
    char path[512];
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", tmpdir, e->d_name);
        struct stat st;
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            /* one level of subfolders is all the tests make */
            DIR *sub = opendir(path);
            struct dirent *f;
            char inner[800];
            while (sub && (f = readdir(sub)))
                if (f->d_name[0] != '.') {
                    snprintf(inner, sizeof inner, "%s/%s", path, f->d_name);
                    unlink(inner);
                }
            if (sub)
                closedir(sub);
            rmdir(path);
        } else {
            unlink(path);
        }
    }
    closedir(d);
    rmdir(tmpdir);
}

/* Pixel i of the file: a pattern that spans 0..255. */
static uint8_t pixel(long i)
{
    return (uint8_t)((i * 37 + 11) % 256);
}

static void write_idx(const char *name, const idx_spec *s)
{
    uint8_t bytes[4096];
    size_t n = 0;
    memcpy(bytes, s->magic, 4);
    n = 4;
    long expected = 1;
    for (uint32_t d = 0; d < s->n_dims; d++) {
        bytes[n++] = (uint8_t)(s->dims[d] >> 24);
        bytes[n++] = (uint8_t)(s->dims[d] >> 16);
        bytes[n++] = (uint8_t)(s->dims[d] >> 8);
        bytes[n++] = (uint8_t)s->dims[d];
        expected *= s->dims[d];
    }
    long payload = s->payload < 0 ? expected : s->payload;
    ck_assert_int_le(n + (size_t)payload, sizeof bytes);
    /* labels (one dimension) count 0..9 upwards; images get the pattern */
    for (long i = 0; i < payload; i++)
        bytes[n++] = s->n_dims == 1 ? (uint8_t)(i % 10) : pixel(i);
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    if (s->gzip) {
        gzFile f = gzopen(path, "wb");
        ck_assert_ptr_nonnull(f);
        ck_assert_int_eq(gzwrite(f, bytes, (unsigned)n), (int)n);
        ck_assert_int_eq(gzclose(f), Z_OK);
    } else {
        FILE *f = fopen(path, "wb");
        ck_assert_ptr_nonnull(f);
        ck_assert_uint_eq(fwrite(bytes, 1, n, f), n);
        ck_assert_int_eq(fclose(f), 0);
    }
}

static idx_spec images_spec(uint32_t count, int gzip)
{
    return (idx_spec){{0, 0, 8, 3}, 3, {count, ROWS, COLS}, -1, gzip};
}

static idx_spec labels_spec(uint32_t count, int gzip)
{
    return (idx_spec){{0, 0, 8, 1}, 1, {count}, -1, gzip};
}

/* The four files under the default (gzip) names, or plain under "*.raw". */
static void write_set(int gzip)
{
    const char *sfx = gzip ? ".gz" : ".raw";
    char name[64];
    idx_spec s = images_spec(N_TRAIN, gzip);
    snprintf(name, sizeof name, "train-images-idx3-ubyte%s", sfx);
    write_idx(name, &s);
    s = labels_spec(N_TRAIN, gzip);
    snprintf(name, sizeof name, "train-labels-idx1-ubyte%s", sfx);
    write_idx(name, &s);
    s = images_spec(N_TEST, gzip);
    snprintf(name, sizeof name, "t10k-images-idx3-ubyte%s", sfx);
    write_idx(name, &s);
    s = labels_spec(N_TEST, gzip);
    snprintf(name, sizeof name, "t10k-labels-idx1-ubyte%s", sfx);
    write_idx(name, &s);
}

static const char raw_names[] = "train_images = \"train-images-idx3-ubyte.raw\"; "
                                "train_labels = \"train-labels-idx1-ubyte.raw\"; "
                                "test_images = \"t10k-images-idx3-ubyte.raw\"; "
                                "test_labels = \"t10k-labels-idx1-ubyte.raw\"; ";

/* ---- running the plugin through a standalone host ---- */

typedef struct run {
    dnnr_host *host;
    const dnnr_loader_iface *iface;
    dnnr_loader *loader;
    dnnr_dataset data;
    int create_status, load_status;
} run;

static const dnnr_loader_iface *idx_iface(void)
{
    const dnnr_plugin_desc *d = dnnr_plugin_idx_entry();
    ck_assert_int_eq(d->kind, DNNR_KIND_LOADER);
    ck_assert_str_eq(d->name, "idx");
    return d->iface;
}

/* Create (and, when create succeeds, load) with @p options (libconfig text). */
static void run_loader(run *r, const char *options, const char *subject_file, const char *data_dir)
{
    memset(r, 0, sizeof *r);
    dnnr_error err;
    r->host = dnnr__host_create_simple("idx", 7, options, &err);
    ck_assert_msg(r->host != NULL, "host: %s", err.msg);
    r->iface = idx_iface();
    dnnr_loader_init init = {sizeof init, r->host, subject_file, data_dir};
    r->create_status = r->iface->create(&init, &r->loader);
    if (r->create_status != DNNR_OK) {
        ck_assert_ptr_null(r->loader);
        return;
    }
    ck_assert_int_eq(dnnr__host_check_options(r->host, &err), DNNR_OK);
    r->load_status = r->iface->load(r->loader, &r->data);
}

static void finish(run *r)
{
    r->iface->destroy(r->loader);
    dnnr__host_destroy(r->host);
}

static const char *error_of(const run *r)
{
    return dnnr__host_last_error(r->host);
}

/* Load with @p extra options on top of dir = tmpdir; expect a load error
 * mentioning @p file and @p words. */
static void expect_load_error(const char *extra, const char *file, const char *words)
{
    char options[1024];
    snprintf(options, sizeof options, "dir = \"%s\"; %s", tmpdir, extra);
    run r;
    run_loader(&r, options, NULL, NULL);
    ck_assert_int_eq(r.create_status, DNNR_OK);
    ck_assert_int_lt(r.load_status, 0);
    if (getenv("IDX_TEST_VERBOSE"))
        fprintf(stderr, "%s\n", error_of(&r));
    ck_assert_msg(strstr(error_of(&r), file) != NULL, "error \"%s\" should name %s", error_of(&r),
                  file);
    ck_assert_msg(strstr(error_of(&r), words) != NULL, "error \"%s\" should say \"%s\"",
                  error_of(&r), words);
    finish(&r);
}

/* ---- loading good files ---- */

static void check_images(const float *x, uint64_t count, float scale)
{
    uint64_t wrong = 0;
    for (uint64_t i = 0; i < count * ROWS * COLS; i++)
        wrong += x[i] != (float)pixel((long)i) / scale;
    ck_assert_uint_eq(wrong, 0);
}

START_TEST(loads_gzip_with_defaults)
{
    make_tmpdir();
    write_set(1);
    char options[256];
    snprintf(options, sizeof options, "dir = \"%s\";", tmpdir);
    run r;
    run_loader(&r, options, NULL, NULL);
    ck_assert_int_eq(r.create_status, DNNR_OK);
    ck_assert_msg(r.load_status == DNNR_OK, "%s", error_of(&r));
    const dnnr_dataset *d = &r.data;
    ck_assert_uint_eq(d->n_train, N_TRAIN);
    ck_assert_uint_eq(d->n_test, N_TEST);
    ck_assert_uint_eq(d->rank, 3);
    ck_assert_uint_eq(d->shape[0], ROWS);
    ck_assert_uint_eq(d->shape[1], COLS);
    ck_assert_uint_eq(d->shape[2], 1);
    ck_assert_int_eq(d->target_kind, DNNR_TARGET_ONE_HOT);
    ck_assert_uint_eq(d->y_dim, 10);
    ck_assert_uint_eq(d->n_classes, 10);
    ck_assert_str_eq(d->provenance, "original");
    check_images(d->x_train, N_TRAIN, 255.0f);
    check_images(d->x_test, N_TEST, 255.0f);
    uint64_t wrong = 0;
    for (uint64_t i = 0; i < N_TRAIN; i++)
        for (uint32_t c = 0; c < 10; c++)
            wrong += d->y_train[i * 10 + c] != (c == i % 10 ? 1.0f : 0.0f);
    ck_assert_uint_eq(wrong, 0);
    /* a second load() hands out the same arrays */
    dnnr_dataset again;
    ck_assert_int_eq(r.iface->load(r.loader, &again), DNNR_OK);
    ck_assert_ptr_eq(again.x_train, d->x_train);
    finish(&r);
    remove_tmpdir();
}
END_TEST

START_TEST(loads_plain_files_with_options)
{
    make_tmpdir();
    write_set(0);
    char options[1024];
    snprintf(options, sizeof options,
             "dir = \"%s\"; %s normalise = false; one_hot = false; flatten = true; "
             "provenance = \"substitute: test\";",
             tmpdir, raw_names);
    run r;
    run_loader(&r, options, NULL, NULL);
    ck_assert_msg(r.load_status == DNNR_OK, "%s", error_of(&r));
    const dnnr_dataset *d = &r.data;
    ck_assert_uint_eq(d->rank, 1);
    ck_assert_uint_eq(d->shape[0], ROWS * COLS);
    ck_assert_int_eq(d->target_kind, DNNR_TARGET_CLASS_INDEX);
    ck_assert_uint_eq(d->y_dim, 1);
    ck_assert_str_eq(d->provenance, "substitute: test");
    check_images(d->x_train, N_TRAIN, 1.0f);
    for (uint64_t i = 0; i < N_TEST; i++)
        ck_assert_float_eq(d->y_test[i], (float)(i % 10));
    finish(&r);
    remove_tmpdir();
}
END_TEST

START_TEST(channels_last_off_gives_rows_by_cols)
{
    make_tmpdir();
    write_set(1);
    char options[256];
    snprintf(options, sizeof options, "dir = \"%s\"; channels_last = false;", tmpdir);
    run r;
    run_loader(&r, options, NULL, NULL);
    ck_assert_msg(r.load_status == DNNR_OK, "%s", error_of(&r));
    ck_assert_uint_eq(r.data.rank, 2);
    ck_assert_uint_eq(r.data.shape[0], ROWS);
    ck_assert_uint_eq(r.data.shape[1], COLS);
    finish(&r);
    remove_tmpdir();
}
END_TEST

/* rows = N keeps the first N images (and labels) of each file; a limit
 * above a file's count keeps it whole. */
START_TEST(rows_limits_each_file)
{
    make_tmpdir();
    write_set(1);
    char options[256];
    snprintf(options, sizeof options, "dir = \"%s\"; rows = 2; one_hot = false;", tmpdir);
    run r;
    run_loader(&r, options, NULL, NULL);
    ck_assert_msg(r.load_status == DNNR_OK, "%s", error_of(&r));
    ck_assert_uint_eq(r.data.n_train, 2);
    ck_assert_uint_eq(r.data.n_test, 2);
    check_images(r.data.x_train, 2, 255.0f);
    check_images(r.data.x_test, 2, 255.0f);
    ck_assert_float_eq(r.data.y_train[1], 1.0f);
    ck_assert_float_eq(r.data.y_test[1], 1.0f);
    finish(&r);
    snprintf(options, sizeof options, "dir = \"%s\"; rows = 4;", tmpdir);
    run_loader(&r, options, NULL, NULL);
    ck_assert_msg(r.load_status == DNNR_OK, "%s", error_of(&r));
    ck_assert_uint_eq(r.data.n_train, 4);
    ck_assert_uint_eq(r.data.n_test, N_TEST);
    finish(&r);
    remove_tmpdir();
}
END_TEST

/* D9's preprocessing bugs: x_train / 255 with x_test raw, and y_train / 255
 * (test labels as stored). */
START_TEST(train_only_scaling_and_label_divisor)
{
    make_tmpdir();
    write_set(1);
    char options[256];
    snprintf(options, sizeof options,
             "dir = \"%s\"; normalise = true; normalise_test = false; one_hot = false; "
             "train_label_divisor = 255.0;",
             tmpdir);
    run r;
    run_loader(&r, options, NULL, NULL);
    ck_assert_msg(r.load_status == DNNR_OK, "%s", error_of(&r));
    check_images(r.data.x_train, N_TRAIN, 255.0f);
    check_images(r.data.x_test, N_TEST, 1.0f);
    for (uint64_t i = 0; i < N_TRAIN; i++)
        ck_assert_float_eq(r.data.y_train[i], (float)((double)(i % 10) / 255.0));
    ck_assert_float_eq(r.data.y_train[3], (float)(3.0 / 255.0));
    for (uint64_t i = 0; i < N_TEST; i++)
        ck_assert_float_eq(r.data.y_test[i], (float)(i % 10));
    finish(&r);
    /* normalise_test follows normalise unless set */
    snprintf(options, sizeof options, "dir = \"%s\"; normalise = false;", tmpdir);
    run_loader(&r, options, NULL, NULL);
    ck_assert_msg(r.load_status == DNNR_OK, "%s", error_of(&r));
    check_images(r.data.x_test, N_TEST, 1.0f);
    finish(&r);
    remove_tmpdir();
}
END_TEST

START_TEST(unpacked_file_found_under_gz_name)
{
    /* The files exist only without ".gz" (as LeCun's unpacked MNIST) */
    make_tmpdir();
    idx_spec s = images_spec(N_TRAIN, 0);
    write_idx("train-images-idx3-ubyte", &s);
    s = labels_spec(N_TRAIN, 0);
    write_idx("train-labels-idx1-ubyte", &s);
    s = images_spec(N_TEST, 0);
    write_idx("t10k-images-idx3-ubyte", &s);
    s = labels_spec(N_TEST, 0);
    write_idx("t10k-labels-idx1-ubyte", &s);
    char options[256];
    snprintf(options, sizeof options, "dir = \"%s\";", tmpdir);
    run r;
    run_loader(&r, options, NULL, NULL);
    ck_assert_msg(r.load_status == DNNR_OK, "%s", error_of(&r));
    ck_assert_uint_eq(r.data.n_test, N_TEST);
    finish(&r);
    remove_tmpdir();
}
END_TEST

START_TEST(relative_dir_resolves_against_data_dir_then_subject)
{
    make_tmpdir();
    char sub[128], subject[160];
    snprintf(sub, sizeof sub, "%s/mnist", tmpdir);
    ck_assert_int_eq(mkdir(sub, 0700), 0);
    char saved[64];
    strcpy(saved, tmpdir);
    strcpy(tmpdir, sub); /* write_set writes into tmpdir */
    write_set(1);
    strcpy(tmpdir, saved);
    snprintf(subject, sizeof subject, "%s/M1.cfg", tmpdir);

    run r; /* $DNNR_DATA_DIR holds mnist/ */
    run_loader(&r, "dir = \"mnist\";", "/nonexistent/subjects/M1.cfg", tmpdir);
    ck_assert_msg(r.load_status == DNNR_OK, "%s", error_of(&r));
    finish(&r);

    /* $DNNR_DATA_DIR lacks it: the subject file's folder has it */
    run_loader(&r, "dir = \"mnist\";", subject, "/nonexistent");
    ck_assert_msg(r.load_status == DNNR_OK, "%s", error_of(&r));
    finish(&r);

    /* neither: the error names both folders tried */
    run_loader(&r, "dir = \"fashion\";", subject, tmpdir);
    ck_assert_int_eq(r.create_status, DNNR_ENOTFOUND);
    ck_assert_ptr_nonnull(strstr(error_of(&r), "fashion"));
    ck_assert_ptr_nonnull(strstr(error_of(&r), " and "));
    finish(&r);
    remove_tmpdir();
}
END_TEST

/* ---- broken files ---- */

START_TEST(missing_file_is_named)
{
    make_tmpdir();
    write_set(1);
    expect_load_error("test_labels = \"nope.gz\";", "nope", "cannot open");
    remove_tmpdir();
}
END_TEST

START_TEST(truncated_images)
{
    make_tmpdir();
    write_set(0);
    idx_spec s = images_spec(N_TRAIN, 0);
    s.payload = N_TRAIN * ROWS * COLS - 7;
    write_idx("train-images-idx3-ubyte.raw", &s);
    expect_load_error(raw_names, "train-images-idx3-ubyte.raw", "truncated");
    remove_tmpdir();
}
END_TEST

START_TEST(truncated_gzip_images)
{
    make_tmpdir();
    write_set(1);
    idx_spec s = images_spec(N_TRAIN, 1);
    s.payload = N_TRAIN * ROWS * COLS - 1;
    write_idx("train-images-idx3-ubyte.gz", &s);
    expect_load_error("", "train-images-idx3-ubyte.gz", "truncated");
    remove_tmpdir();
}
END_TEST

START_TEST(cut_gzip_stream)
{
    /* A gzip file cut in the middle of its compressed stream */
    make_tmpdir();
    write_set(1);
    char path[512];
    snprintf(path, sizeof path, "%s/t10k-images-idx3-ubyte.gz", tmpdir);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(truncate(path, st.st_size - 12), 0);
    expect_load_error("", "t10k-images-idx3-ubyte.gz", "compressed stream ends early");
    remove_tmpdir();
}
END_TEST

START_TEST(corrupt_gzip_data)
{
    /* Garbage inside the compressed stream: zlib's error, never a crash */
    make_tmpdir();
    write_set(1);
    char path[512];
    snprintf(path, sizeof path, "%s/train-images-idx3-ubyte.gz", tmpdir);
    FILE *f = fopen(path, "r+b");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fseek(f, 14, SEEK_SET), 0);
    for (int i = 0; i < 8; i++)
        fputc(0xFF, f);
    ck_assert_int_eq(fclose(f), 0);
    expect_load_error("", "train-images-idx3-ubyte.gz", "train-images-idx3-ubyte.gz: ");
    remove_tmpdir();
}
END_TEST

START_TEST(trailing_bytes)
{
    make_tmpdir();
    write_set(0);
    idx_spec s = labels_spec(N_TEST, 0);
    s.payload = N_TEST + 2;
    write_idx("t10k-labels-idx1-ubyte.raw", &s);
    expect_load_error(raw_names, "t10k-labels-idx1-ubyte.raw", "after the data");
    remove_tmpdir();
}
END_TEST

START_TEST(wrong_magic)
{
    make_tmpdir();
    write_set(1);
    idx_spec s = images_spec(N_TRAIN, 1);
    s.magic[2] = 0x0D; /* float elements */
    write_idx("train-images-idx3-ubyte.gz", &s);
    expect_load_error("", "train-images-idx3-ubyte.gz", "expected 0x00000803");
    remove_tmpdir();
}
END_TEST

START_TEST(labels_file_given_as_images)
{
    make_tmpdir();
    write_set(1);
    expect_load_error("train_images = \"train-labels-idx1-ubyte.gz\";",
                      "train-labels-idx1-ubyte.gz", "wrong number of dimensions");
    remove_tmpdir();
}
END_TEST

START_TEST(zero_dimension)
{
    make_tmpdir();
    write_set(1);
    idx_spec s = images_spec(N_TEST, 1);
    s.dims[1] = 0;
    s.payload = 0;
    write_idx("t10k-images-idx3-ubyte.gz", &s);
    expect_load_error("", "t10k-images-idx3-ubyte.gz", "dimension 1 is 0");
    remove_tmpdir();
}
END_TEST

START_TEST(header_cut_short)
{
    make_tmpdir();
    write_set(0);
    char path[512];
    snprintf(path, sizeof path, "%s/train-labels-idx1-ubyte.raw", tmpdir);
    ck_assert_int_eq(truncate(path, 6), 0);
    expect_load_error(raw_names, "train-labels-idx1-ubyte.raw", "header cut short");
    ck_assert_int_eq(truncate(path, 2), 0);
    expect_load_error(raw_names, "train-labels-idx1-ubyte.raw", "expected an IDX header");
    remove_tmpdir();
}
END_TEST

START_TEST(label_count_differs_from_image_count)
{
    make_tmpdir();
    write_set(1);
    idx_spec s = labels_spec(N_TRAIN + 1, 1);
    write_idx("train-labels-idx1-ubyte.gz", &s);
    expect_load_error("", "train-labels-idx1-ubyte.gz", "one label per image");
    remove_tmpdir();
}
END_TEST

START_TEST(label_out_of_range)
{
    make_tmpdir();
    write_set(1);
    /* labels count 0..9, so with 4 classes row 4 holds label 4 */
    expect_load_error("n_classes = 4;", "train-labels-idx1-ubyte.gz", "label 4 in row 4");
    remove_tmpdir();
}
END_TEST

START_TEST(image_sizes_differ)
{
    make_tmpdir();
    write_set(1);
    idx_spec s = {{0, 0, 8, 3}, 3, {N_TEST, COLS, ROWS}, -1, 1};
    write_idx("t10k-images-idx3-ubyte.gz", &s);
    expect_load_error("", "t10k-images-idx3-ubyte.gz", "expected one image size");
    remove_tmpdir();
}
END_TEST

/* Mutated files (bytes flipped, mostly in the header, and cut at random
 * lengths) load or fail with an error, never crash or read out of bounds
 * (the ASan build checks the reads). A deterministic stand-in for the fuzz
 * target. */
START_TEST(mutated_files_never_crash)
{
    make_tmpdir();
    write_set(0);
    char path[512];
    snprintf(path, sizeof path, "%s/train-images-idx3-ubyte.raw", tmpdir);
    uint8_t good[4096];
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    size_t len = fread(good, 1, sizeof good, f);
    fclose(f);
    char options[1024];
    snprintf(options, sizeof options, "dir = \"%s\"; %s", tmpdir, raw_names);
    uint32_t state = 12345u;
    int failures = 0;
    for (int i = 0; i < 300; i++) {
        uint8_t bytes[4096];
        memcpy(bytes, good, len);
        size_t n = len;
        for (int flips = 0; flips < 3; flips++) {
            state = state * 1664525u + 1013904223u;
            size_t at = (state >> 8) % (i % 2 ? 16 : n); /* odd rounds: the header only */
            state = state * 1664525u + 1013904223u;
            bytes[at] = (uint8_t)(state >> 24);
        }
        if (i % 3 == 0) {
            state = state * 1664525u + 1013904223u;
            n = (state >> 8) % (len + 1);
        }
        f = fopen(path, "wb");
        ck_assert_ptr_nonnull(f);
        ck_assert_uint_eq(fwrite(bytes, 1, n, f), n);
        fclose(f);
        run r;
        run_loader(&r, options, NULL, NULL);
        ck_assert_int_eq(r.create_status, DNNR_OK);
        ck_assert_int_le(r.load_status, DNNR_OK);
        if (r.load_status < 0) {
            failures++;
            ck_assert_ptr_nonnull(strstr(error_of(&r), "train-images-idx3-ubyte.raw"));
        }
        finish(&r);
    }
    ck_assert_int_gt(failures, 100); /* most mutations break the file */
    remove_tmpdir();
}
END_TEST

/* ---- options ---- */

START_TEST(bad_options_fail_create)
{
    run r;
    run_loader(&r, "dir = \"/tmp\"; n_classes = 1;", NULL, NULL);
    ck_assert_int_eq(r.create_status, DNNR_EINVAL);
    ck_assert_ptr_nonnull(strstr(error_of(&r), "n_classes"));
    finish(&r);

    run_loader(&r, "dir = \"/tmp\"; normalise = \"yes\";", NULL, NULL);
    ck_assert_int_eq(r.create_status, DNNR_EINVAL);
    finish(&r);

    run_loader(&r, "dir = \"/tmp\"; test_labels = \"\";", NULL, NULL);
    ck_assert_int_eq(r.create_status, DNNR_EINVAL);
    ck_assert_ptr_nonnull(strstr(error_of(&r), "test_labels"));
    finish(&r);

    run_loader(&r, "dir = \"/tmp\"; rows = -3;", NULL, NULL);
    ck_assert_int_eq(r.create_status, DNNR_EINVAL);
    ck_assert_str_eq(error_of(&r), "rows = -3: expected 0 (all) or a positive count");
    finish(&r);

    run_loader(&r, "dir = \"/tmp\"; rows = \"many\";", NULL, NULL);
    ck_assert_int_eq(r.create_status, DNNR_EINVAL);
    ck_assert_ptr_nonnull(strstr(error_of(&r), "rows"));
    finish(&r);

    run_loader(&r, "dir = \"/tmp\"; one_hot = false; train_label_divisor = 0.0;", NULL, NULL);
    ck_assert_int_eq(r.create_status, DNNR_EINVAL);
    ck_assert_str_eq(error_of(&r), "train_label_divisor = 0: expected a positive number");
    finish(&r);

    run_loader(&r, "dir = \"/tmp\"; train_label_divisor = 255.0;", NULL, NULL);
    ck_assert_int_eq(r.create_status, DNNR_EINVAL);
    ck_assert_ptr_nonnull(strstr(error_of(&r), "needs one_hot = false"));
    finish(&r);
}
END_TEST

START_TEST(misspelt_option_is_reported)
{
    dnnr_error err;
    dnnr_host *host = dnnr__host_create_simple("idx", 1, "dir = \"/tmp\"; normalize = true;", &err);
    ck_assert_ptr_nonnull(host);
    const dnnr_loader_iface *iface = idx_iface();
    dnnr_loader_init init = {sizeof init, host, NULL, NULL};
    dnnr_loader *l = NULL;
    ck_assert_int_eq(iface->create(&init, &l), DNNR_OK);
    ck_assert_int_eq(dnnr__host_check_options(host, &err), DNNR_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.msg, "normalize"));
    iface->destroy(l);
    dnnr__host_destroy(host);
}
END_TEST

/* Every allocation the plugin makes can fail: each failure must end in
 * DNNR_ENOMEM with nothing leaked (LeakSanitizer checks in the ASan build). */
START_TEST(out_of_memory_loop)
{
    make_tmpdir();
    write_set(1);
    char options[256];
    snprintf(options, sizeof options, "dir = \"%s\";", tmpdir);
    const dnnr_loader_iface *iface = idx_iface();
    for (int n = 0;; n++) {
        ck_assert_int_lt(n, 200);
        dnnr_error err;
        dnnr_host *host = dnnr__host_create_simple("idx", 7, options, &err);
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
        ck_assert_msg(status == DNNR_OK || status == DNNR_ENOMEM, "fault %d: status %s", n,
                      dnnr_status_name(status));
    }
    remove_tmpdir();
}
END_TEST

/* ---- the header parser on raw bytes ---- */

START_TEST(parse_header_bytes)
{
    idx_header h;
    char why[200];
    const uint8_t good[] = {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0, 0, 28};
    ck_assert_int_eq(idx_parse_header(good, sizeof good, 3, 1u << 20, &h, why, sizeof why), 0);
    ck_assert_uint_eq(h.dims[0], 2);
    ck_assert_uint_eq(h.payload_bytes, 2 * 28 * 28);
    ck_assert_uint_eq(h.header_bytes, 16);
    /* too short for the dimensions */
    ck_assert_int_ne(idx_parse_header(good, 10, 3, 1u << 20, &h, why, sizeof why), 0);
    /* payload over the cap; huge sizes must not overflow */
    ck_assert_int_ne(idx_parse_header(good, sizeof good, 3, 1000, &h, why, sizeof why), 0);
    ck_assert_ptr_nonnull(strstr(why, "more than 1000 bytes"));
    const uint8_t huge[] = {0, 0, 8, 3, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255};
    ck_assert_int_ne(idx_parse_header(huge, sizeof huge, 3, UINT64_MAX, &h, why, sizeof why), 0);
    /* not IDX at all */
    const uint8_t text[] = {'P', 'K', 3, 4};
    ck_assert_int_ne(idx_parse_header(text, sizeof text, 1, 100, &h, why, sizeof why), 0);
    ck_assert_ptr_nonnull(strstr(why, "not an IDX file"));
}
END_TEST

/* ---- the offline default: Debian's Fashion-MNIST, when installed ---- */

START_TEST(fashion_mnist_default)
{
    struct stat st;
    if (stat("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz", &st) != 0)
        return; /* package not installed here: nothing to check */
    run r;
    run_loader(&r, NULL, NULL, NULL);
    ck_assert_msg(r.load_status == DNNR_OK, "%s", error_of(&r));
    ck_assert_uint_eq(r.data.n_train, 60000);
    ck_assert_uint_eq(r.data.n_test, 10000);
    ck_assert_uint_eq(r.data.shape[0], 28);
    ck_assert_ptr_nonnull(strstr(r.data.provenance, "substitute: Fashion-MNIST"));
    /* every pixel in [0, 1], some of them 1, and every label row one-hot
     * (counted in plain loops: a ck_assert per value is a pipe write each) */
    uint64_t outside = 0, full = 0, not_one_hot = 0;
    for (uint64_t i = 0; i < 10000ull * 784; i++) {
        outside += !(r.data.x_test[i] >= 0.0f && r.data.x_test[i] <= 1.0f);
        full += r.data.x_test[i] == 1.0f;
    }
    for (uint64_t i = 0; i < 10000; i++) {
        float sum = 0;
        for (int c = 0; c < 10; c++)
            sum += r.data.y_test[i * 10 + c];
        not_one_hot += sum != 1.0f;
    }
    ck_assert_uint_eq(outside, 0);
    ck_assert_uint_gt(full, 0);
    ck_assert_uint_eq(not_one_hot, 0);
    finish(&r);
}
END_TEST

static Suite *idx_suite(void)
{
    Suite *s = suite_create("idx");
    TCase *good = tcase_create("good files");
    tcase_add_test(good, loads_gzip_with_defaults);
    tcase_add_test(good, loads_plain_files_with_options);
    tcase_add_test(good, channels_last_off_gives_rows_by_cols);
    tcase_add_test(good, rows_limits_each_file);
    tcase_add_test(good, train_only_scaling_and_label_divisor);
    tcase_add_test(good, unpacked_file_found_under_gz_name);
    tcase_add_test(good, relative_dir_resolves_against_data_dir_then_subject);
    tcase_set_timeout(good, 10);
    suite_add_tcase(s, good);

    TCase *bad = tcase_create("broken files");
    tcase_add_test(bad, missing_file_is_named);
    tcase_add_test(bad, truncated_images);
    tcase_add_test(bad, truncated_gzip_images);
    tcase_add_test(bad, cut_gzip_stream);
    tcase_add_test(bad, corrupt_gzip_data);
    tcase_add_test(bad, trailing_bytes);
    tcase_add_test(bad, wrong_magic);
    tcase_add_test(bad, labels_file_given_as_images);
    tcase_add_test(bad, zero_dimension);
    tcase_add_test(bad, header_cut_short);
    tcase_add_test(bad, label_count_differs_from_image_count);
    tcase_add_test(bad, label_out_of_range);
    tcase_add_test(bad, image_sizes_differ);
    tcase_add_test(bad, mutated_files_never_crash);
    tcase_set_timeout(bad, 30);
    suite_add_tcase(s, bad);

    TCase *options = tcase_create("options and parser");
    tcase_add_test(options, bad_options_fail_create);
    tcase_add_test(options, misspelt_option_is_reported);
    tcase_add_test(options, parse_header_bytes);
    tcase_add_test(options, out_of_memory_loop);
    tcase_set_timeout(options, 10);
    suite_add_tcase(s, options);

    TCase *fashion = tcase_create("fashion-mnist default");
    tcase_add_test(fashion, fashion_mnist_default);
    tcase_set_timeout(fashion, 60);
    suite_add_tcase(s, fashion);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(idx_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
