/*
 * The `idx` loader: MNIST-style IDX files (raw or gzip) as a data set.
 *
 *   dataset = { loader = "idx"; dir = "mnist"; };
 *
 * Options (all optional):
 *   dir            folder of the four files (see idx_paths.h for how it is
 *                  resolved); unset: Debian's Fashion-MNIST, a substitute
 *   train_images   "train-images-idx3-ubyte.gz"   train_labels "train-labels-idx1-ubyte.gz"
 *   test_images    "t10k-images-idx3-ubyte.gz"    test_labels  "t10k-labels-idx1-ubyte.gz"
 *   normalise      true: pixels / 255 as Keras scripts do; false: 0..255
 *   normalise_test the test images' scaling; default: as `normalise`. D9's
 *                  script scales x_train only: normalise_test = false keeps
 *                  its raw 0..255 test images
 *   train_label_divisor  1; d > 0: training labels become label / d (D9's
 *                  bug y_train = y_train / 255; sparse cross-entropy then
 *                  truncates them to class 0, as TensorFlow's cast does).
 *                  Needs one_hot = false; test labels stay as stored
 *   one_hot        true: DNNR_TARGET_ONE_HOT rows of n_classes; false: class indices
 *   n_classes      10; every label must be below it
 *   channels_last  true: samples are rows x cols x 1 (Keras channels_last);
 *                  false: rows x cols
 *   flatten        false; true: samples are rows*cols vectors (as D4's
 *                  reshape(N, 784)), whatever channels_last says
 *   rows           0 = all; N: only the first N images of the training file
 *                  and the first N of the test file (a quick subset, e.g.
 *                  for a test that trains every subject once)
 *   provenance     "original" when dir is set; unset dir: the substitute note
 */
#include <inttypes.h>
#include <string.h>

#include <dnnrepair/dnnrepair.h>

#include "idx_paths.h"
#include "idx_read.h"
#include "row_limit.h"

#define IDX_SUBSTITUTE_NOTE "substitute: Fashion-MNIST (Debian dataset-fashion-mnist) for MNIST"

enum { PART_TRAIN_IMAGES, PART_TRAIN_LABELS, PART_TEST_IMAGES, PART_TEST_LABELS, N_PARTS };

static const char *const part_option[N_PARTS] = {"train_images", "train_labels", "test_images",
                                                 "test_labels"};
static const char *const part_default[N_PARTS] = {
    "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz"};

struct dnnr_loader {
    const dnnr_host *host;
    char *dir; /* resolved folder, host memory */
    const char *names[N_PARTS];
    int normalise, normalise_test, one_hot, channels_last, flatten;
    uint32_t n_classes;
    int64_t rows;         /* 0: all */
    double label_divisor; /* training labels only */
    const char *provenance;
    float *x[2], *y[2];  /* [0] train, [1] test; host memory */
    dnnr_dataset loaded; /* what load() handed out, for a repeated call */
};

static void idx_destroy(dnnr_loader *l)
{
    if (!l)
        return;
    const dnnr_host *host = l->host;
    for (int i = 0; i < 2; i++) {
        host->free(host->ctx, l->x[i]);
        host->free(host->ctx, l->y[i]);
    }
    host->free(host->ctx, l->dir);
    host->free(host->ctx, l);
}

static int read_options(dnnr_loader *l, const char **dir)
{
    const dnnr_host *host = l->host;
    int64_t n_classes = 10;
    int status = host->option_string(host->ctx, "dir", NULL, dir);
    for (int p = 0; p < N_PARTS && status == DNNR_OK; p++)
        status = host->option_string(host->ctx, part_option[p], part_default[p], &l->names[p]);
    if (status == DNNR_OK)
        status = host->option_bool(host->ctx, "normalise", 1, &l->normalise);
    if (status == DNNR_OK)
        status = host->option_bool(host->ctx, "normalise_test", l->normalise, &l->normalise_test);
    if (status == DNNR_OK)
        status = host->option_float(host->ctx, "train_label_divisor", 1.0, &l->label_divisor);
    if (status == DNNR_OK)
        status = host->option_bool(host->ctx, "one_hot", 1, &l->one_hot);
    if (status == DNNR_OK)
        status = host->option_bool(host->ctx, "channels_last", 1, &l->channels_last);
    if (status == DNNR_OK)
        status = host->option_bool(host->ctx, "flatten", 0, &l->flatten);
    if (status == DNNR_OK)
        status = host->option_int(host->ctx, "n_classes", 10, &n_classes);
    if (status == DNNR_OK)
        status = row_limit_option(host, &l->rows);
    if (status == DNNR_OK) {
        const char *dflt = (*dir && **dir) ? "original" : IDX_SUBSTITUTE_NOTE;
        status = host->option_string(host->ctx, "provenance", dflt, &l->provenance);
    }
    if (status != DNNR_OK)
        return status;
    /* Labels are single bytes, so more than 256 classes cannot occur. */
    if (n_classes < 2 || n_classes > 256) {
        host->set_error(host->ctx, "n_classes = %" PRId64 ": expected 2 to 256", n_classes);
        return DNNR_EINVAL;
    }
    l->n_classes = (uint32_t)n_classes;
    if (!(l->label_divisor > 0 && l->label_divisor < 1e300)) {
        host->set_error(host->ctx, "train_label_divisor = %g: expected a positive number",
                        l->label_divisor);
        return DNNR_EINVAL;
    }
    if (l->label_divisor != 1.0 && l->one_hot) {
        host->set_error(host->ctx, "train_label_divisor = %g needs one_hot = false: a divided "
                                   "label is no class index to one-hot encode",
                        l->label_divisor);
        return DNNR_EINVAL;
    }
    for (int p = 0; p < N_PARTS; p++) {
        if (!l->names[p] || !*l->names[p]) {
            host->set_error(host->ctx, "%s is empty: expected a file name", part_option[p]);
            return DNNR_EINVAL;
        }
    }
    return DNNR_OK;
}

static int idx_create(const dnnr_loader_init *init, dnnr_loader **out)
{
    const dnnr_host *host = init->host;
    *out = NULL;
    dnnr_loader *l = host->alloc(host->ctx, 1, sizeof *l);
    if (!l) {
        host->set_error(host->ctx, "out of memory");
        return DNNR_ENOMEM;
    }
    l->host = host;
    const char *dir = NULL;
    int status = read_options(l, &dir);
    if (status == DNNR_OK)
        status = idx_resolve_dir(host, dir, init->data_dir, init->subject_file, &l->dir);
    if (status != DNNR_OK) {
        idx_destroy(l);
        return status;
    }
    *out = l;
    return DNNR_OK;
}

/* Read one of the four files into @p array, naming the resolved path in errors. */
static int read_part(dnnr_loader *l, int part, idx_array *array)
{
    const dnnr_host *host = l->host;
    char *path = idx_resolve_file(host, l->dir, l->names[part]);
    if (!path) {
        host->set_error(host->ctx, "out of memory");
        return DNNR_ENOMEM;
    }
    uint32_t dims = (part == PART_TRAIN_IMAGES || part == PART_TEST_IMAGES) ? 3 : 1;
    int status = idx_read_file(host, path, dims, array);
    host->free(host->ctx, path);
    return status;
}

/* The first @p count images as floats, scaled when @p normalise. */
static int images_to_floats(dnnr_loader *l, const idx_array *images, uint64_t count, int normalise,
                            float **out)
{
    const dnnr_host *host = l->host;
    uint64_t n = count * images->header.dims[1] * images->header.dims[2];
    float *x = host->alloc(host->ctx, n ? n : 1, sizeof *x);
    if (!x) {
        host->set_error(host->ctx, "out of memory for %" PRIu64 " pixels", n);
        return DNNR_ENOMEM;
    }
    /* float32 division, as numpy's x.astype('float32') / 255 computes it */
    for (uint64_t i = 0; i < n; i++)
        x[i] = normalise ? (float)images->data[i] / 255.0f : (float)images->data[i];
    *out = x;
    return DNNR_OK;
}

/* The first @p n labels as targets, divided by @p divisor (1: as stored). */
static int labels_to_floats(dnnr_loader *l, const idx_array *labels, int part, uint64_t n,
                            double divisor, float **out)
{
    const dnnr_host *host = l->host;
    uint32_t y_dim = l->one_hot ? l->n_classes : 1;
    for (uint64_t i = 0; i < n; i++) {
        if (labels->data[i] >= l->n_classes) {
            host->set_error(host->ctx,
                            "%s/%s: label %u in row %" PRIu64 ": expected 0 to %" PRIu32
                            " (n_classes = %" PRIu32 ")",
                            l->dir, l->names[part], labels->data[i], i, l->n_classes - 1,
                            l->n_classes);
            return DNNR_EPARSE;
        }
    }
    float *y = host->alloc(host->ctx, n ? n * y_dim : 1, sizeof *y);
    if (!y) {
        host->set_error(host->ctx, "out of memory for %" PRIu64 " labels", n);
        return DNNR_ENOMEM;
    }
    for (uint64_t i = 0; i < n; i++) {
        if (l->one_hot)
            y[i * y_dim + labels->data[i]] = 1.0f; /* alloc zeroes the rest */
        else /* numpy divides in float64; Keras then feeds float32 */
            y[i] = (float)((double)labels->data[i] / divisor);
    }
    *out = y;
    return DNNR_OK;
}

/* Images and labels of one part must agree on the number of samples. */
static int check_counts(dnnr_loader *l, int images_part, const idx_array *images,
                        const idx_array *labels)
{
    if (images->header.dims[0] == labels->header.dims[0])
        return DNNR_OK;
    l->host->set_error(l->host->ctx,
                       "%s/%s holds %" PRIu32 " labels but %s/%s holds %" PRIu32
                       " images: expected one label per image",
                       l->dir, l->names[images_part + 1], labels->header.dims[0], l->dir,
                       l->names[images_part], images->header.dims[0]);
    return DNNR_EPARSE;
}

/* Read the images and labels of train (half 0) or test (half 1). */
static int load_half(dnnr_loader *l, int half, idx_header *image_header, uint64_t *count)
{
    int images_part = half == 0 ? PART_TRAIN_IMAGES : PART_TEST_IMAGES;
    idx_array images = {0}, labels = {0}; /* released on every path below */
    int status = read_part(l, images_part, &images);
    if (status != DNNR_OK)
        return status;
    status = read_part(l, images_part + 1, &labels);
    if (status == DNNR_OK)
        status = check_counts(l, images_part, &images, &labels);
    uint64_t n = images.header.dims[0];
    n = row_limit(l->rows, n);
    if (status == DNNR_OK)
        status = images_to_floats(l, &images, n, half == 0 ? l->normalise : l->normalise_test,
                                  &l->x[half]);
    if (status == DNNR_OK)
        status = labels_to_floats(l, &labels, images_part + 1, n,
                                  half == 0 ? l->label_divisor : 1.0, &l->y[half]);
    *image_header = images.header;
    *count = n;
    idx_array_release(l->host, &images);
    idx_array_release(l->host, &labels);
    return status;
}

static void describe(const dnnr_loader *l, const idx_header *h, uint64_t n_train, uint64_t n_test,
                     dnnr_dataset *out)
{
    memset(out, 0, sizeof *out);
    out->struct_size = sizeof *out;
    uint32_t rows = h->dims[1], cols = h->dims[2];
    if (l->flatten) {
        out->rank = 1;
        out->shape[0] = rows * cols;
    } else if (l->channels_last) {
        out->rank = 3;
        out->shape[0] = rows;
        out->shape[1] = cols;
        out->shape[2] = 1;
    } else {
        out->rank = 2;
        out->shape[0] = rows;
        out->shape[1] = cols;
    }
    out->n_train = n_train;
    out->n_test = n_test;
    out->x_train = l->x[0];
    out->x_test = l->x[1];
    out->y_train = l->y[0];
    out->y_test = l->y[1];
    out->target_kind = l->one_hot ? DNNR_TARGET_ONE_HOT : DNNR_TARGET_CLASS_INDEX;
    out->y_dim = l->one_hot ? l->n_classes : 1;
    out->n_classes = l->n_classes;
    out->provenance = l->provenance;
}

static int idx_load(dnnr_loader *l, dnnr_dataset *out)
{
    const dnnr_host *host = l->host;
    if (l->x[0]) { /* loaded before: hand out the same arrays again */
        *out = l->loaded;
        return DNNR_OK;
    }
    idx_header train, test;
    uint64_t n_train = 0, n_test = 0;
    int status = load_half(l, 0, &train, &n_train);
    if (status == DNNR_OK)
        status = load_half(l, 1, &test, &n_test);
    if (status == DNNR_OK && (train.dims[1] != test.dims[1] || train.dims[2] != test.dims[2])) {
        host->set_error(host->ctx,
                        "%s/%s has %" PRIu32 "x%" PRIu32 " images but %s/%s has %" PRIu32
                        "x%" PRIu32 ": expected one image size",
                        l->dir, l->names[PART_TRAIN_IMAGES], train.dims[1], train.dims[2], l->dir,
                        l->names[PART_TEST_IMAGES], test.dims[1], test.dims[2]);
        status = DNNR_EPARSE;
    }
    if (status != DNNR_OK) {
        for (int i = 0; i < 2; i++) {
            host->free(host->ctx, l->x[i]);
            host->free(host->ctx, l->y[i]);
            l->x[i] = l->y[i] = NULL;
        }
        return status;
    }
    describe(l, &train, n_train, n_test, &l->loaded);
    *out = l->loaded;
    host->log(host->ctx, DNNR_LOG_INFO, "%s: %" PRIu64 " train and %" PRIu64 " test images (%s)",
              l->dir, n_train, n_test, l->provenance);
    return DNNR_OK;
}

static const dnnr_loader_iface idx_iface = {
    .struct_size = sizeof(dnnr_loader_iface),
    .create = idx_create,
    .destroy = idx_destroy,
    .load = idx_load,
};

DNNR_PLUGIN_DEFINE(idx, DNNR_KIND_LOADER, "1.0.0",
                   "MNIST-style IDX image files, plain or gzip (MNIST, Fashion-MNIST)", idx_iface)
