/*
 * The `cifar` loader: CIFAR-10's binary batches as a data set.
 *
 *   dataset = { loader = "cifar"; dir = "cifar-10-batches-bin"; one_hot = false;
 *               drop_validation = 0.2; drop_validation_seed = 0; };
 *
 * Options (all optional):
 *   dir            folder of the batch files, resolved as data_path.h says;
 *                  default "cifar-10-batches-bin". When it is left unset and
 *                  that folder does not exist, the loader falls back to
 *                  Fashion-MNIST made CIFAR-shaped (cifar_substitute.h) and
 *                  says so in the provenance and the log. A `dir` that is set
 *                  and missing is an error.
 *   train_files    "data_batch_1.bin,...,data_batch_5.bin" (comma-separated, spaces
 *                  around the names ignored)
 *   test_file      "test_batch.bin"
 *   normalise      true: pixels / 255 (float32), as the Keras scripts do
 *   one_hot        true: one-hot rows of 10 (D5); false: class indices (C1-C3)
 *   drop_validation       0 (keep all); f in (0, 1): keep only the train part
 *   drop_validation_seed  of train_test_split(f, seed) of the training set
 *                         (C1-C3: 0.2 and 0, leaving 40,000 images)
 *   rows           0 = all; N: only the first N training and the first N
 *                  test images are read (a quick subset, e.g. for a test
 *                  that trains every subject once); drop_validation then
 *                  splits those N
 *   substitute_dir "/usr/share/datasets/fashion-mnist"
 *   provenance     "original" / the substitute note
 * Samples are 32 x 32 x 3 (height, width, channels).
 */
#include <inttypes.h>
#include <string.h>

#include <dnnrepair/dnnrepair.h>

#include "cifar_format.h"
#include "cifar_substitute.h"
#include "data_path.h"
#include "row_limit.h"
#include "row_split.h"

#define CIFAR_DEFAULT_DIR "cifar-10-batches-bin"
#define CIFAR_DEFAULT_TRAIN                                                                     \
    "data_batch_1.bin,data_batch_2.bin,data_batch_3.bin,data_batch_4.bin,data_batch_5.bin"
/** A batch file holds 10,000 records (30.7 MB); allow ten times that. */
#define CIFAR_MAX_FILE_BYTES (100000ull * CIFAR_RECORD_BYTES)

struct dnnr_loader {
    const dnnr_host *host;
    char *dir;       /* resolved batch folder, or NULL when substituting */
    char *sub_dir;   /* resolved substitute folder */
    const char *train_files, *test_file, *provenance;
    int normalise, one_hot;
    double drop_validation;
    int64_t drop_seed, rows; /* rows 0: all */
    float *x[2], *y[2];
    uint64_t n[2];
    dnnr_dataset loaded;
    int is_loaded;
};

static void release_data(dnnr_loader *l)
{
    for (int i = 0; i < 2; i++) {
        l->host->free(l->host->ctx, l->x[i]);
        l->host->free(l->host->ctx, l->y[i]);
        l->x[i] = l->y[i] = NULL;
        l->n[i] = 0;
    }
}

static void cifar_destroy(dnnr_loader *l)
{
    if (!l)
        return;
    release_data(l);
    l->host->free(l->host->ctx, l->dir);
    l->host->free(l->host->ctx, l->sub_dir);
    l->host->free(l->host->ctx, l);
}

static int read_options(dnnr_loader *l, const char **dir, const char **sub_dir)
{
    const dnnr_host *host = l->host;
    const char *provenance = NULL;
    int s = host->option_string(host->ctx, "dir", NULL, dir);
    if (s == DNNR_OK)
        s = host->option_string(host->ctx, "train_files", CIFAR_DEFAULT_TRAIN, &l->train_files);
    if (s == DNNR_OK)
        s = host->option_string(host->ctx, "test_file", "test_batch.bin", &l->test_file);
    if (s == DNNR_OK)
        s = host->option_bool(host->ctx, "normalise", 1, &l->normalise);
    if (s == DNNR_OK)
        s = host->option_bool(host->ctx, "one_hot", 1, &l->one_hot);
    if (s == DNNR_OK)
        s = host->option_float(host->ctx, "drop_validation", 0.0, &l->drop_validation);
    if (s == DNNR_OK)
        s = host->option_int(host->ctx, "drop_validation_seed", 0, &l->drop_seed);
    if (s == DNNR_OK)
        s = row_limit_option(host, &l->rows);
    if (s == DNNR_OK)
        s = host->option_string(host->ctx, "substitute_dir", CIFAR_SUBSTITUTE_DIR, sub_dir);
    if (s == DNNR_OK)
        s = host->option_string(host->ctx, "provenance", NULL, &provenance);
    if (s != DNNR_OK)
        return s;
    l->provenance = provenance;
    if (!(l->drop_validation >= 0 && l->drop_validation < 1)) {
        host->set_error(host->ctx, "drop_validation = %g: expected 0 (none) or a fraction in (0, 1)",
                        l->drop_validation);
        return DNNR_EINVAL;
    }
    if (l->drop_seed < 0 || l->drop_seed > UINT32_MAX) {
        host->set_error(host->ctx, "drop_validation_seed: expected 0 to 4294967295");
        return DNNR_EINVAL;
    }
    if (!*l->train_files || !*l->test_file) {
        host->set_error(host->ctx, "train_files and test_file: expected file names");
        return DNNR_EINVAL;
    }
    return DNNR_OK;
}

static int cifar_create(const dnnr_loader_init *init, dnnr_loader **out)
{
    const dnnr_host *host = init->host;
    *out = NULL;
    dnnr_loader *l = host->alloc(host->ctx, 1, sizeof *l);
    if (!l) {
        host->set_error(host->ctx, "out of memory");
        return DNNR_ENOMEM;
    }
    l->host = host;
    const char *dir = NULL, *sub_dir = NULL;
    int status = read_options(l, &dir, &sub_dir);
    if (status == DNNR_OK) {
        int explicit_dir = dir && *dir;
        status = data_path_resolve(host, "dir", explicit_dir ? dir : CIFAR_DEFAULT_DIR,
                                   init->data_dir, init->subject_file, DATA_PATH_DIR,
                                   !explicit_dir, &l->dir);
        if (status == DNNR_ENOTFOUND && !explicit_dir) {
            /* the offline default: no CIFAR-10 anywhere, so the stand-in */
            status = data_path_resolve(host, "substitute_dir", sub_dir, init->data_dir,
                                       init->subject_file, DATA_PATH_DIR, 0, &l->sub_dir);
            if (status == DNNR_ENOTFOUND)
                host->set_error(host->ctx,
                                "no CIFAR-10 folder \"%s\" and no substitute: expected a `dir` "
                                "option or Debian's dataset-fashion-mnist package in %s",
                                CIFAR_DEFAULT_DIR, sub_dir);
        }
    }
    if (status != DNNR_OK) {
        cifar_destroy(l);
        return status;
    }
    if (!l->provenance)
        l->provenance = l->dir ? "original" : CIFAR_SUBSTITUTE_NOTE;
    *out = l;
    return DNNR_OK;
}

/* Append the records of one batch file to part @p part. */
static int read_batch(dnnr_loader *l, int part, const char *name, size_t name_len,
                      uint8_t **labels)
{
    const dnnr_host *host = l->host;
    char file[256];
    if (name_len == 0 || name_len >= sizeof file) {
        host->set_error(host->ctx, "train_files: an empty or overlong file name");
        return DNNR_EINVAL;
    }
    memcpy(file, name, name_len);
    file[name_len] = '\0';
    char *path = data_path_join(host, l->dir, file);
    char *bytes = NULL;
    size_t len = 0;
    int status = path ? data_file_read(host, path, CIFAR_MAX_FILE_BYTES, &bytes, &len)
                      : DNNR_ENOMEM;
    if (status == DNNR_OK && (len == 0 || len % CIFAR_RECORD_BYTES != 0)) {
        host->set_error(host->ctx,
                        "%s: %zu bytes: expected a whole number of %u-byte records (1 label byte + "
                        "32x32x3 pixels); the file is truncated or not a CIFAR-10 binary batch",
                        path, len, CIFAR_RECORD_BYTES);
        status = DNNR_EPARSE;
    }
    uint64_t n = len / CIFAR_RECORD_BYTES, before = l->n[part];
    if (l->rows > 0 && before + n > (uint64_t)l->rows) /* read_part stops at the limit */
        n = (uint64_t)l->rows - before;
    if (status == DNNR_OK) {
        float *x = host->realloc(host->ctx, l->x[part],
                                 (size_t)(before + n) * CIFAR_PIXELS * sizeof *x);
        if (x)
            l->x[part] = x;
        uint8_t *lab = x ? host->realloc(host->ctx, *labels, (size_t)(before + n)) : NULL;
        if (lab)
            *labels = lab;
        else {
            host->set_error(host->ctx, "%s: out of memory for %" PRIu64 " images", path,
                            before + n);
            status = DNNR_ENOMEM;
        }
    }
    if (status == DNNR_OK) {
        uint8_t bad = 0;
        uint64_t at = cifar_decode((const uint8_t *)bytes, n, l->normalise,
                                   l->x[part] + before * CIFAR_PIXELS, *labels + before, &bad);
        if (at < n) {
            host->set_error(host->ctx,
                            "%s: record %" PRIu64 " (byte %" PRIu64 ") has label %u: expected 0 "
                            "to 9",
                            path, at, at * CIFAR_RECORD_BYTES, bad);
            status = DNNR_EPARSE;
        } else {
            l->n[part] = before + n;
        }
    }
    if (!path)
        host->set_error(host->ctx, "out of memory");
    host->free(host->ctx, bytes);
    host->free(host->ctx, path);
    return status;
}

static int read_part(dnnr_loader *l, int part, uint8_t **labels)
{
    if (!l->dir)
        return cifar_substitute_read(l->host, l->sub_dir, part, l->normalise, (uint64_t)l->rows,
                                     &l->x[part], labels, &l->n[part]);
    const char *list = part == 0 ? l->train_files : l->test_file;
    int status = DNNR_OK;
    while (status == DNNR_OK) {
        while (*list == ' ')
            list++;
        const char *comma = strchr(list, ',');
        size_t len = comma ? (size_t)(comma - list) : strlen(list);
        while (len > 0 && list[len - 1] == ' ')
            len--;
        status = read_batch(l, part, list, len, labels);
        if (!comma || (l->rows > 0 && l->n[part] >= (uint64_t)l->rows))
            break;
        list = comma + 1;
    }
    return status;
}

static int make_targets(dnnr_loader *l, int part, const uint8_t *labels)
{
    const dnnr_host *host = l->host;
    uint32_t y_dim = l->one_hot ? CIFAR_CLASSES : 1;
    uint64_t n = l->n[part];
    float *y = host->alloc(host->ctx, n ? (size_t)n * y_dim : 1, sizeof *y);
    if (!y) {
        host->set_error(host->ctx, "out of memory for %" PRIu64 " labels", n);
        return DNNR_ENOMEM;
    }
    for (uint64_t i = 0; i < n; i++) {
        if (l->one_hot)
            y[i * y_dim + labels[i]] = 1.0f;
        else
            y[i] = (float)labels[i];
    }
    l->y[part] = y;
    return DNNR_OK;
}

static int cifar_load(dnnr_loader *l, dnnr_dataset *out)
{
    const dnnr_host *host = l->host;
    if (l->is_loaded) {
        *out = l->loaded;
        return DNNR_OK;
    }
    int status = DNNR_OK;
    for (int part = 0; part < 2 && status == DNNR_OK; part++) {
        uint8_t *labels = NULL;
        status = read_part(l, part, &labels);
        if (status == DNNR_OK)
            status = make_targets(l, part, labels);
        host->free(host->ctx, labels);
    }
    if (status == DNNR_OK && l->drop_validation > 0)
        status = row_split_keep_train(host, "training set", &l->x[0], CIFAR_PIXELS, &l->y[0],
                                      l->one_hot ? CIFAR_CLASSES : 1, &l->n[0],
                                      l->drop_validation, (uint32_t)l->drop_seed);
    if (status != DNNR_OK) {
        release_data(l);
        return status;
    }
    dnnr_dataset *d = &l->loaded;
    memset(d, 0, sizeof *d);
    d->struct_size = sizeof *d;
    d->rank = 3;
    d->shape[0] = CIFAR_SIDE;
    d->shape[1] = CIFAR_SIDE;
    d->shape[2] = CIFAR_CHANNELS;
    d->n_train = l->n[0];
    d->n_test = l->n[1];
    d->x_train = l->x[0];
    d->x_test = l->x[1];
    d->y_train = l->y[0];
    d->y_test = l->y[1];
    d->target_kind = l->one_hot ? DNNR_TARGET_ONE_HOT : DNNR_TARGET_CLASS_INDEX;
    d->y_dim = l->one_hot ? CIFAR_CLASSES : 1;
    d->n_classes = CIFAR_CLASSES;
    d->provenance = l->provenance;
    l->is_loaded = 1;
    *out = *d;
    host->log(host->ctx, l->dir ? DNNR_LOG_INFO : DNNR_LOG_WARN,
              "%s: %" PRIu64 " train and %" PRIu64 " test images (%s)",
              l->dir ? l->dir : l->sub_dir, d->n_train, d->n_test, l->provenance);
    return DNNR_OK;
}

static const dnnr_loader_iface cifar_iface = {
    .struct_size = sizeof(dnnr_loader_iface),
    .create = cifar_create,
    .destroy = cifar_destroy,
    .load = cifar_load,
};

DNNR_PLUGIN_DEFINE(cifar, DNNR_KIND_LOADER, "1.0.0",
                   "CIFAR-10 binary batches (offline: Fashion-MNIST made CIFAR-shaped)",
                   cifar_iface)
