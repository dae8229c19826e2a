/*
 * The `npy` loader: NumPy .npy arrays as a data set.
 *
 *   Two files split here (UnityEyes, U1-U8):
 *   dataset = { loader = "npy"; dir = "UnityEyes"; x = "dataset_x_img.npy";
 *               x_extra = "dataset_x_head_angles_np.npy";
 *               y = "dataset_y_gaze_angles_np.npy"; drop_tail = 0.1; };
 *   Ready-made parts:
 *   dataset = { loader = "npy"; x_train = "xtr.npy"; y_train = "ytr.npy";
 *               x_test = "xte.npy"; y_test = "yte.npy"; y_kind = "one_hot"; };
 *
 * Options:
 *   dir          folder of the files (data_path.h); "" resolves each file alone
 *   x, y         one set of rows, split by test_size (0.2) and seed (42) as
 *                train_test_split does; or
 *   x_train, y_train, x_test, y_test: the parts as given
 *   x_extra (with x) or x_extra_train and x_extra_test: a second model input
 *                with one row per sample (UnityEyes' head pose). The engine
 *                takes one input tensor per sample, so each sample becomes
 *                the flattened x followed by the extra values (rank 1); a
 *                model must take it apart (see the report on dnnr_dataset)
 *   y_kind       "real" (default: regression targets, every value of a row),
 *                "class" (class indices) or "one_hot" (indices made one-hot)
 *   n_classes    0: the largest index + 1
 *   scale        1.0: x is multiplied by it (1/255 for raw pixels)
 *   drop_tail    0; f: the training part keeps its first int(n * (1 - f)) rows;
 *                the tail is what Keras' validation_split = f holds out (U1-U8: 0.1)
 *   provenance   "original"
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <dnnrepair/dnnrepair.h>

#include "data_path.h"
#include "npy_format.h"
#include "row_split.h"

#define NPY_MAX_BYTES (16ull << 30)

enum { A_X, A_Y, A_EXTRA, N_ARRAYS };

typedef struct npy_array {
    npy_header h;
    float *data;
    char *path;
} npy_array;

struct dnnr_loader {
    const dnnr_host *host;
    const char *data_dir, *subject_file;
    const char *dir, *names[2][N_ARRAYS]; /* [0] x/y/x_extra or train, [1] test */
    int split_here;
    const char *y_kind, *provenance;
    int64_t n_classes, seed;
    double scale, test_size, drop_tail;
    float *x[2], *y[2];
    dnnr_dataset loaded;
    int is_loaded;
};

static void release_data(dnnr_loader *l)
{
    for (int i = 0; i < 2; i++) {
        l->host->free(l->host->ctx, l->x[i]);
        l->host->free(l->host->ctx, l->y[i]);
        l->x[i] = l->y[i] = NULL;
    }
}

static void npy_destroy(dnnr_loader *l)
{
    if (!l)
        return;
    release_data(l);
    l->host->free(l->host->ctx, l);
}

static int read_file_options(dnnr_loader *l)
{
    const dnnr_host *host = l->host;
    static const char *const keys[3][N_ARRAYS] = {{"x", "y", "x_extra"},
                                                  {"x_train", "y_train", "x_extra_train"},
                                                  {"x_test", "y_test", "x_extra_test"}};
    const char *v[3][N_ARRAYS];
    for (int s = 0; s < 3; s++)
        for (int a = 0; a < N_ARRAYS; a++) {
            int status = host->option_string(host->ctx, keys[s][a], NULL, &v[s][a]);
            if (status != DNNR_OK)
                return status;
            if (v[s][a] && !*v[s][a])
                v[s][a] = NULL;
        }
    int one = v[0][A_X] || v[0][A_Y] || v[0][A_EXTRA];
    int parts = v[1][A_X] || v[1][A_Y] || v[2][A_X] || v[2][A_Y] || v[1][A_EXTRA] || v[2][A_EXTRA];
    const char *problem = NULL;
    if (one && parts)
        problem = "give either x and y (split here) or x_train, y_train, x_test and y_test, not both";
    else if (one && (!v[0][A_X] || !v[0][A_Y]))
        problem = "x and y: expected both file names";
    else if (!one && (!v[1][A_X] || !v[1][A_Y] || !v[2][A_X] || !v[2][A_Y]))
        problem = "expected x and y, or x_train, y_train, x_test and y_test";
    else if (!one && (!v[1][A_EXTRA] != !v[2][A_EXTRA]))
        problem = "x_extra_train and x_extra_test: expected both or neither";
    if (problem) {
        host->set_error(host->ctx, "%s", problem);
        return DNNR_EINVAL;
    }
    l->split_here = one;
    for (int a = 0; a < N_ARRAYS; a++) {
        l->names[0][a] = one ? v[0][a] : v[1][a];
        l->names[1][a] = one ? NULL : v[2][a];
    }
    return DNNR_OK;
}

static int read_options(dnnr_loader *l)
{
    const dnnr_host *host = l->host;
    int s = host->option_string(host->ctx, "dir", "", &l->dir);
    if (s == DNNR_OK)
        s = read_file_options(l);
    if (s == DNNR_OK)
        s = host->option_string(host->ctx, "y_kind", "real", &l->y_kind);
    if (s == DNNR_OK)
        s = host->option_int(host->ctx, "n_classes", 0, &l->n_classes);
    if (s == DNNR_OK)
        s = host->option_float(host->ctx, "scale", 1.0, &l->scale);
    if (s == DNNR_OK)
        s = host->option_float(host->ctx, "test_size", 0.2, &l->test_size);
    if (s == DNNR_OK)
        s = host->option_int(host->ctx, "seed", 42, &l->seed);
    if (s == DNNR_OK)
        s = host->option_float(host->ctx, "drop_tail", 0.0, &l->drop_tail);
    if (s == DNNR_OK)
        s = host->option_string(host->ctx, "provenance", "original", &l->provenance);
    if (s != DNNR_OK)
        return s;
    const char *problem = NULL;
    if (strcmp(l->y_kind, "real") && strcmp(l->y_kind, "class") && strcmp(l->y_kind, "one_hot"))
        problem = "y_kind: expected \"real\", \"class\" or \"one_hot\"";
    else if (l->n_classes < 0 || l->n_classes > 1000000)
        problem = "n_classes: expected 0 (from the data) to 1000000";
    else if (!isfinite(l->scale))
        problem = "scale: expected a finite number";
    else if (!(l->test_size > 0 && l->test_size < 1))
        problem = "test_size: expected a fraction in (0, 1)";
    else if (l->seed < 0 || l->seed > UINT32_MAX)
        problem = "seed: expected 0 to 4294967295";
    else if (!(l->drop_tail >= 0 && l->drop_tail < 1))
        problem = "drop_tail: expected 0 (none) or a fraction in (0, 1)";
    if (problem) {
        host->set_error(host->ctx, "%s", problem);
        return DNNR_EINVAL;
    }
    return DNNR_OK;
}

static int npy_create(const dnnr_loader_init *init, dnnr_loader **out)
{
    const dnnr_host *host = init->host;
    *out = NULL;
    dnnr_loader *l = host->alloc(host->ctx, 1, sizeof *l);
    if (!l) {
        host->set_error(host->ctx, "out of memory");
        return DNNR_ENOMEM;
    }
    l->host = host;
    l->data_dir = init->data_dir;
    l->subject_file = init->subject_file;
    int status = read_options(l);
    if (status != DNNR_OK) {
        npy_destroy(l);
        return status;
    }
    *out = l;
    return DNNR_OK;
}

static void array_release(const dnnr_host *host, npy_array *a)
{
    host->free(host->ctx, a->data);
    host->free(host->ctx, a->path);
    memset(a, 0, sizeof *a);
}

/* Resolve, read, parse and convert one file (scaled when it is an input). */
static int read_array(dnnr_loader *l, const char *name, double scale, npy_array *out)
{
    const dnnr_host *host = l->host;
    memset(out, 0, sizeof *out);
    int status;
    if (*l->dir) {
        char *dir = NULL;
        status = data_path_resolve(host, "dir", l->dir, l->data_dir, l->subject_file,
                                   DATA_PATH_DIR, 0, &dir);
        if (status != DNNR_OK)
            return status;
        out->path = data_path_join(host, dir, name);
        host->free(host->ctx, dir);
        status = out->path ? DNNR_OK : DNNR_ENOMEM;
        if (!out->path)
            host->set_error(host->ctx, "out of memory");
    } else {
        status = data_path_resolve(host, "file", name, l->data_dir, l->subject_file,
                                   DATA_PATH_FILE, 0, &out->path);
    }
    char *bytes = NULL;
    size_t len = 0;
    if (status == DNNR_OK)
        status = data_file_read(host, out->path, NPY_MAX_BYTES, &bytes, &len);
    char why[256];
    if (status == DNNR_OK && npy_parse((const uint8_t *)bytes, len, &out->h, why, sizeof why)) {
        host->set_error(host->ctx, "%s: %s", out->path, why);
        status = DNNR_EPARSE;
    }
    if (status == DNNR_OK && out->h.rank == 0) {
        host->set_error(host->ctx, "%s: a scalar: expected an array with one row per sample",
                        out->path);
        status = DNNR_EPARSE;
    }
    if (status == DNNR_OK) {
        out->data = host->alloc(host->ctx, out->h.count ? (size_t)out->h.count : 1, sizeof(float));
        if (!out->data) {
            host->set_error(host->ctx, "%s: out of memory for %" PRIu64 " values", out->path,
                            out->h.count);
            status = DNNR_ENOMEM;
        }
    }
    if (status == DNNR_OK) {
        npy_to_float(&out->h, (const uint8_t *)bytes + out->h.data_offset, out->h.count,
                     out->data);
        if (scale != 1.0)
            for (uint64_t i = 0; i < out->h.count; i++)
                out->data[i] = (float)(out->data[i] * scale);
    }
    host->free(host->ctx, bytes);
    if (status != DNNR_OK)
        array_release(host, out);
    return status;
}

/* Values in one row of @p a: the product of its shape after the first. */
static uint64_t row_values(const npy_array *a)
{
    uint64_t n = 1;
    for (uint32_t i = 1; i < a->h.rank; i++)
        n *= a->h.shape[i];
    return n;
}

/* Every array of one part has the same number of rows, and the rows are not empty. */
static int check_rows(dnnr_loader *l, const npy_array *arr)
{
    const dnnr_host *host = l->host;
    for (int a = 0; a < N_ARRAYS; a++) {
        if (!arr[a].data)
            continue;
        char shape[160];
        npy_shape_text(&arr[a].h, shape, sizeof shape);
        if (arr[a].h.shape[0] != arr[A_X].h.shape[0]) {
            host->set_error(host->ctx, "%s: shape %s: expected %" PRIu64 " rows, as %s has",
                            arr[a].path, shape, arr[A_X].h.shape[0], arr[A_X].path);
            return DNNR_EPARSE;
        }
        if (row_values(&arr[a]) == 0 || arr[a].h.shape[0] == 0) {
            host->set_error(host->ctx, "%s: shape %s: expected non-empty rows", arr[a].path,
                            shape);
            return DNNR_EPARSE;
        }
    }
    return DNNR_OK;
}

/* The class index in y's row i, checked; -1 when it is not one. */
static int64_t class_of(const npy_array *y, uint64_t i)
{
    float v = y->data[i];
    if (!(v >= 0.0f) || v != floorf(v) || v > 1e9f)
        return -1;
    return (int64_t)v;
}

/* Class targets: every y value an index, below n_classes (set from the data when 0). */
static int check_classes(dnnr_loader *l, npy_array *ys[2], uint32_t *n_classes)
{
    const dnnr_host *host = l->host;
    int64_t largest = -1;
    for (int p = 0; p < 2 && ys[p]; p++) {
        const npy_array *y = ys[p];
        if (row_values(y) != 1) {
            char shape[160];
            npy_shape_text(&y->h, shape, sizeof shape);
            host->set_error(host->ctx, "%s: shape %s: expected one class index per row (y_kind "
                            "= \"%s\")", y->path, shape, l->y_kind);
            return DNNR_EPARSE;
        }
        for (uint64_t i = 0; i < y->h.shape[0]; i++) {
            int64_t c = class_of(y, i);
            if (c < 0 || (l->n_classes > 0 && c >= l->n_classes)) {
                if (l->n_classes > 0)
                    host->set_error(host->ctx,
                                    "%s: row %" PRIu64 " holds %g: expected a class index 0 to "
                                    "%" PRId64 " (n_classes = %" PRId64 ")",
                                    y->path, i, (double)y->data[i], l->n_classes - 1,
                                    l->n_classes);
                else
                    host->set_error(host->ctx,
                                    "%s: row %" PRIu64 " holds %g: expected a class index (a "
                                    "whole number from 0)",
                                    y->path, i, (double)y->data[i]);
                return DNNR_EPARSE;
            }
            if (c > largest)
                largest = c;
        }
    }
    *n_classes = l->n_classes > 0 ? (uint32_t)l->n_classes : (uint32_t)(largest + 1);
    if (*n_classes < 2) {
        host->set_error(host->ctx, "%s: only class 0 occurs: expected at least 2 classes",
                        ys[0]->path);
        return DNNR_EPARSE;
    }
    return DNNR_OK;
}

/* Part @p part from the rows rows[0..n) of arr (all rows in order when rows is NULL). */
static int build_part(dnnr_loader *l, const npy_array *arr, const uint64_t *rows, uint64_t n,
                      uint32_t y_dim, int part)
{
    const dnnr_host *host = l->host;
    uint64_t xv = row_values(&arr[A_X]), ev = arr[A_EXTRA].data ? row_values(&arr[A_EXTRA]) : 0;
    uint64_t yv = row_values(&arr[A_Y]), width = xv + ev;
    l->x[part] = host->alloc(host->ctx, n ? (size_t)(n * width) : 1, sizeof(float));
    l->y[part] = host->alloc(host->ctx, n ? (size_t)(n * y_dim) : 1, sizeof(float));
    if (!l->x[part] || !l->y[part]) {
        host->set_error(host->ctx, "out of memory for %" PRIu64 " samples", n);
        return DNNR_ENOMEM;
    }
    int one_hot = strcmp(l->y_kind, "one_hot") == 0;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t r = rows ? rows[i] : i;
        float *x = l->x[part] + i * width, *y = l->y[part] + i * y_dim;
        memcpy(x, arr[A_X].data + r * xv, (size_t)xv * sizeof *x);
        if (ev)
            memcpy(x + xv, arr[A_EXTRA].data + r * ev, (size_t)ev * sizeof *x);
        if (one_hot)
            y[class_of(&arr[A_Y], r)] = 1.0f;
        else
            memcpy(y, arr[A_Y].data + r * yv, (size_t)yv * sizeof *y);
    }
    return DNNR_OK;
}

/* Train and test files must describe samples of one shape. */
static int check_same_samples(dnnr_loader *l, npy_array arr[2][N_ARRAYS])
{
    for (int a = 0; a < N_ARRAYS; a++) {
        if (!arr[0][a].data)
            continue;
        const npy_header *h0 = &arr[0][a].h, *h1 = &arr[1][a].h;
        /* targets and extra inputs are flat rows: (n,) and (n, 1) agree */
        int same = a == A_X ? h0->rank == h1->rank
                            : row_values(&arr[0][a]) == row_values(&arr[1][a]);
        for (uint32_t i = 1; a == A_X && same && i < h0->rank; i++)
            same = h0->shape[i] == h1->shape[i];
        if (!same) {
            char s0[160], s1[160];
            npy_shape_text(h0, s0, sizeof s0);
            npy_shape_text(h1, s1, sizeof s1);
            l->host->set_error(l->host->ctx,
                               "%s: shape %s: expected rows shaped as in %s, shape %s",
                               arr[1][a].path, s1, arr[0][a].path, s0);
            return DNNR_EPARSE;
        }
    }
    return DNNR_OK;
}

/* The sample shape: x's row shape, or a flat row of x and the extra input. */
static int describe_samples(dnnr_loader *l, const npy_array *arr, dnnr_dataset *d)
{
    if (arr[A_EXTRA].data) {
        d->rank = 1;
        d->shape[0] = (uint32_t)(row_values(&arr[A_X]) + row_values(&arr[A_EXTRA]));
        return DNNR_OK;
    }
    const npy_header *h = &arr[A_X].h;
    if (h->rank > 5) {
        l->host->set_error(l->host->ctx, "%s: %" PRIu32 " dimensions: expected at most 5 (rows "
                           "and up to 4 per sample)", arr[A_X].path, h->rank);
        return DNNR_EPARSE;
    }
    d->rank = h->rank == 1 ? 1 : h->rank - 1;
    d->shape[0] = 1;
    for (uint32_t i = 1; i < h->rank; i++)
        d->shape[i - 1] = (uint32_t)h->shape[i];
    return DNNR_OK;
}

static int read_part(dnnr_loader *l, int part, npy_array *arr)
{
    int status = DNNR_OK;
    for (int a = 0; a < N_ARRAYS && status == DNNR_OK; a++)
        if (l->names[part][a])
            status = read_array(l, l->names[part][a], a == A_Y ? 1.0 : l->scale, &arr[a]);
    if (status == DNNR_OK) {
        for (int a = 0; a < N_ARRAYS && status == DNNR_OK; a++)
            if (arr[a].data && row_values(&arr[a]) > UINT32_MAX) {
                l->host->set_error(l->host->ctx, "%s: rows of more than 2^32 values",
                                   arr[a].path);
                status = DNNR_EPARSE;
            }
    }
    return status == DNNR_OK ? check_rows(l, arr) : status;
}

static int npy_load(dnnr_loader *l, dnnr_dataset *out)
{
    const dnnr_host *host = l->host;
    if (l->is_loaded) {
        *out = l->loaded;
        return DNNR_OK;
    }
    npy_array arr[2][N_ARRAYS];
    memset(arr, 0, sizeof arr);
    row_split s = {0};
    dnnr_dataset *d = &l->loaded;
    memset(d, 0, sizeof *d);
    int status = read_part(l, 0, arr[0]);
    if (status == DNNR_OK && !l->split_here)
        status = read_part(l, 1, arr[1]);
    if (status == DNNR_OK && !l->split_here)
        status = check_same_samples(l, arr);
    if (status == DNNR_OK)
        status = describe_samples(l, arr[0], d);
    uint32_t n_classes = 0, y_dim = (uint32_t)row_values(&arr[0][A_Y]);
    if (status == DNNR_OK && strcmp(l->y_kind, "real") != 0) {
        npy_array *ys[2] = {&arr[0][A_Y], l->split_here ? NULL : &arr[1][A_Y]};
        status = check_classes(l, ys, &n_classes);
        y_dim = strcmp(l->y_kind, "one_hot") == 0 ? n_classes : 1;
    }
    if (status == DNNR_OK && l->split_here) {
        status = row_split_make(host, arr[0][A_X].path, arr[0][A_X].h.shape[0], l->test_size,
                                (uint32_t)l->seed, &s);
        if (status == DNNR_OK)
            status = build_part(l, arr[0], s.train, s.n_train, y_dim, 0);
        if (status == DNNR_OK)
            status = build_part(l, arr[0], s.test, s.n_test, y_dim, 1);
        d->n_train = s.n_train;
        d->n_test = s.n_test;
    } else if (status == DNNR_OK) {
        d->n_train = arr[0][A_X].h.shape[0];
        d->n_test = arr[1][A_X].h.shape[0];
        status = build_part(l, arr[0], NULL, d->n_train, y_dim, 0);
        if (status == DNNR_OK)
            status = build_part(l, arr[1], NULL, d->n_test, y_dim, 1);
    }
    /* Keras' validation_split: split_at = int(n * (1 - f)); the tail is not trained on */
    if (status == DNNR_OK && l->drop_tail > 0)
        d->n_train = (uint64_t)((double)d->n_train * (1.0 - l->drop_tail));
    if (status == DNNR_OK && d->n_train == 0) {
        host->set_error(host->ctx, "%s: no training rows left: expected more rows",
                        arr[0][A_X].path);
        status = DNNR_EPARSE;
    }
    if (status == DNNR_OK) {
        d->struct_size = sizeof *d;
        d->x_train = l->x[0];
        d->x_test = l->x[1];
        d->y_train = l->y[0];
        d->y_test = l->y[1];
        d->target_kind = strcmp(l->y_kind, "real") == 0    ? DNNR_TARGET_REAL
                         : strcmp(l->y_kind, "class") == 0 ? DNNR_TARGET_CLASS_INDEX
                                                           : DNNR_TARGET_ONE_HOT;
        d->y_dim = y_dim;
        d->n_classes = n_classes;
        d->provenance = l->provenance;
        l->is_loaded = 1;
        *out = *d;
        host->log(host->ctx, DNNR_LOG_INFO, "%s: %" PRIu64 " train and %" PRIu64 " test rows (%s)",
                  arr[0][A_X].path, d->n_train, d->n_test, l->provenance);
    } else {
        release_data(l);
    }
    row_split_release(host, &s);
    for (int p = 0; p < 2; p++)
        for (int a = 0; a < N_ARRAYS; a++)
            array_release(host, &arr[p][a]);
    return status;
}

static const dnnr_loader_iface npy_iface = {
    .struct_size = sizeof(dnnr_loader_iface),
    .create = npy_create,
    .destroy = npy_destroy,
    .load = npy_load,
};

DNNR_PLUGIN_DEFINE(npy, DNNR_KIND_LOADER, "1.0.0",
                   "NumPy .npy arrays (given parts or one set split here; UnityEyes layout)",
                   npy_iface)
