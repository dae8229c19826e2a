/*
 * The `libsvm` loader: svmlight / libsvm sparse text files as a dense data set
 * (e.g. the usual exports of Reuters or RCV1).
 *
 *   dataset = { loader = "libsvm"; file = "reuters.svm"; n_features = 10000; };
 *   dataset = { loader = "libsvm"; train_file = "a.train"; test_file = "a.test"; };
 *
 * Options:
 *   file         one file, split by test_size (0.2) and seed (42) as
 *                train_test_split does; or train_file and test_file
 *   n_features   0: the largest index seen; N: samples have N values and a
 *                larger index is an error
 *   zero_based   false: indices start at 1 (svmlight); true: at 0
 *   label_kind   "class" (default: sorted distinct labels are classes 0, 1, ...,
 *                so -1/+1 become 0/1) or "real"
 *   one_hot      true: one-hot rows over the classes; false: class indices
 *   provenance   "original"
 * Errors name file:line:column.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <dnnrepair/dnnrepair.h>

#include "data_path.h"
#include "libsvm_parse.h"
#include "row_split.h"

#define LIBSVM_MAX_BYTES (8ull << 30)
/** Dense samples larger than this many values in all (4 GiB of floats) are refused. */
#define LIBSVM_MAX_DENSE (1ull << 30)

/* One file's rows in sparse form. */
typedef struct sparse_set {
    char *path;
    double *labels;
    uint64_t *row_start, *row_line; /* row_start has n_rows + 1 entries */
    libsvm_pair *pairs;
    uint64_t n_rows, n_pairs, rows_cap, pairs_cap;
    uint64_t width; /* largest index + 1 */
} sparse_set;

struct dnnr_loader {
    const dnnr_host *host;
    const char *data_dir, *subject_file;
    const char *names[2], *label_kind, *provenance;
    int split_here, zero_based, one_hot;
    int64_t n_features, seed;
    double test_size;
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

static void libsvm_destroy(dnnr_loader *l)
{
    if (!l)
        return;
    release_data(l);
    l->host->free(l->host->ctx, l);
}

static int read_options(dnnr_loader *l)
{
    const dnnr_host *host = l->host;
    const char *file = NULL;
    int s = host->option_string(host->ctx, "file", NULL, &file);
    if (s == DNNR_OK)
        s = host->option_string(host->ctx, "train_file", NULL, &l->names[0]);
    if (s == DNNR_OK)
        s = host->option_string(host->ctx, "test_file", NULL, &l->names[1]);
    if (s == DNNR_OK)
        s = host->option_int(host->ctx, "n_features", 0, &l->n_features);
    if (s == DNNR_OK)
        s = host->option_bool(host->ctx, "zero_based", 0, &l->zero_based);
    if (s == DNNR_OK)
        s = host->option_string(host->ctx, "label_kind", "class", &l->label_kind);
    if (s == DNNR_OK)
        s = host->option_bool(host->ctx, "one_hot", 1, &l->one_hot);
    if (s == DNNR_OK)
        s = host->option_float(host->ctx, "test_size", 0.2, &l->test_size);
    if (s == DNNR_OK)
        s = host->option_int(host->ctx, "seed", 42, &l->seed);
    if (s == DNNR_OK)
        s = host->option_string(host->ctx, "provenance", "original", &l->provenance);
    if (s != DNNR_OK)
        return s;
    const char *problem = NULL;
    int parts = (l->names[0] && *l->names[0]) || (l->names[1] && *l->names[1]);
    if (file && *file && parts)
        problem = "give either `file` (split here) or train_file and test_file, not both";
    else if (!(file && *file) && !(l->names[0] && *l->names[0] && l->names[1] && *l->names[1]))
        problem = "expected `file`, or train_file and test_file";
    else if (l->n_features < 0 || l->n_features > UINT32_MAX)
        problem = "n_features: expected 0 (from the data) or a feature count";
    else if (strcmp(l->label_kind, "class") && strcmp(l->label_kind, "real"))
        problem = "label_kind: expected \"class\" or \"real\"";
    else if (!(l->test_size > 0 && l->test_size < 1))
        problem = "test_size: expected a fraction in (0, 1)";
    else if (l->seed < 0 || l->seed > UINT32_MAX)
        problem = "seed: expected 0 to 4294967295";
    if (problem) {
        host->set_error(host->ctx, "%s", problem);
        return DNNR_EINVAL;
    }
    l->split_here = file && *file;
    if (l->split_here) {
        l->names[0] = file;
        l->names[1] = NULL;
    }
    return DNNR_OK;
}

static int libsvm_create(const dnnr_loader_init *init, dnnr_loader **out)
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
        libsvm_destroy(l);
        return status;
    }
    *out = l;
    return DNNR_OK;
}

static void set_release(const dnnr_host *host, sparse_set *s)
{
    host->free(host->ctx, s->path);
    host->free(host->ctx, s->labels);
    host->free(host->ctx, s->row_start);
    host->free(host->ctx, s->row_line);
    host->free(host->ctx, s->pairs);
    memset(s, 0, sizeof *s);
}

/* Room for one more row of up to @p max_pairs pairs. */
static int reserve(const dnnr_host *host, sparse_set *s, uint64_t max_pairs)
{
    if (s->n_rows + 1 >= s->rows_cap) {
        uint64_t cap = s->rows_cap ? s->rows_cap * 2 : 1024;
        double *labels = host->realloc(host->ctx, s->labels, (size_t)cap * sizeof *labels);
        if (labels)
            s->labels = labels;
        uint64_t *start = labels ? host->realloc(host->ctx, s->row_start,
                                                 (size_t)cap * sizeof *start)
                                 : NULL;
        if (start)
            s->row_start = start;
        uint64_t *line = start ? host->realloc(host->ctx, s->row_line, (size_t)cap * sizeof *line)
                               : NULL;
        if (!line)
            return DNNR_ENOMEM;
        s->row_line = line;
        s->rows_cap = cap;
    }
    if (s->n_pairs + max_pairs > s->pairs_cap) {
        uint64_t cap = s->pairs_cap ? s->pairs_cap * 2 : 65536;
        while (cap < s->n_pairs + max_pairs)
            cap *= 2;
        libsvm_pair *pairs = host->realloc(host->ctx, s->pairs, (size_t)cap * sizeof *pairs);
        if (!pairs)
            return DNNR_ENOMEM;
        s->pairs = pairs;
        s->pairs_cap = cap;
    }
    return DNNR_OK;
}

/* Colons on the line bound its pairs. */
static uint64_t count_colons(const char *p, size_t n)
{
    uint64_t k = 0;
    for (const char *c = p; (c = memchr(c, ':', n - (size_t)(c - p))); c++)
        k++;
    return k;
}

static int read_set(dnnr_loader *l, const char *name, sparse_set *s)
{
    const dnnr_host *host = l->host;
    memset(s, 0, sizeof *s);
    int status = data_path_resolve(host, "file", name, l->data_dir, l->subject_file,
                                   DATA_PATH_FILE, 0, &s->path);
    char *text = NULL;
    size_t len = 0;
    if (status == DNNR_OK)
        status = data_file_read(host, s->path, LIBSVM_MAX_BYTES, &text, &len);
    uint64_t line_no = 0;
    char why[200];
    for (size_t at = 0; status == DNNR_OK && at < len;) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t end = nl ? (size_t)(nl - text) : len;
        line_no++;
        uint64_t bound = count_colons(text + at, end - at);
        status = reserve(host, s, bound);
        if (status != DNNR_OK) {
            host->set_error(host->ctx, "%s: out of memory at line %" PRIu64, s->path, line_no);
            break;
        }
        size_t n_pairs = 0;
        s->row_start[s->n_rows] = s->n_pairs;
        libsvm_line_kind kind =
            libsvm_parse_line(text + at, end - at, l->zero_based, &s->labels[s->n_rows],
                              s->pairs + s->n_pairs, (size_t)bound, &n_pairs, why, sizeof why);
        if (kind == LIBSVM_ERROR) {
            host->set_error(host->ctx, "%s:%" PRIu64 ":%s", s->path, line_no, why);
            status = DNNR_EPARSE;
        } else if (kind == LIBSVM_ROW) {
            for (size_t i = 0; i < n_pairs; i++)
                if (s->pairs[s->n_pairs + i].index + 1 > s->width)
                    s->width = s->pairs[s->n_pairs + i].index + 1;
            s->row_line[s->n_rows++] = line_no;
            s->n_pairs += n_pairs;
            s->row_start[s->n_rows] = s->n_pairs;
        }
        at = nl ? end + 1 : len;
    }
    host->free(host->ctx, text);
    if (status == DNNR_OK && s->n_rows == 0) {
        host->set_error(host->ctx, "%s: no rows: expected lines \"label index:value ...\"",
                        s->path);
        status = DNNR_EPARSE;
    }
    if (status != DNNR_OK)
        set_release(host, s);
    return status;
}

/* An index at or past n_features is an error naming its line. */
static int check_width(dnnr_loader *l, const sparse_set *s, uint64_t width)
{
    for (uint64_t r = 0; r < s->n_rows; r++)
        for (uint64_t p = s->row_start[r]; p < s->row_start[r + 1]; p++)
            if (s->pairs[p].index >= width) {
                l->host->set_error(l->host->ctx,
                                   "%s:%" PRIu64 ": feature index %" PRIu64
                                   ": expected at most %" PRIu64 " (n_features)",
                                   s->path, s->row_line[r],
                                   s->pairs[p].index + (l->zero_based ? 0 : 1),
                                   width - (l->zero_based ? 1 : 0));
                return DNNR_EPARSE;
            }
    return DNNR_OK;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Sorted distinct labels of all sets: the classes, in LabelEncoder order. */
static int collect_classes(dnnr_loader *l, const sparse_set *sets, int n_sets, double **classes,
                           uint32_t *n_classes)
{
    const dnnr_host *host = l->host;
    uint64_t total = 0;
    for (int i = 0; i < n_sets; i++)
        total += sets[i].n_rows;
    double *all = host->alloc(host->ctx, (size_t)total, sizeof *all);
    if (!all) {
        host->set_error(host->ctx, "out of memory for %" PRIu64 " labels", total);
        return DNNR_ENOMEM;
    }
    uint64_t k = 0;
    for (int i = 0; i < n_sets; i++)
        for (uint64_t r = 0; r < sets[i].n_rows; r++)
            all[k++] = sets[i].labels[r];
    qsort(all, (size_t)total, sizeof *all, compare_doubles);
    uint64_t distinct = 0;
    for (uint64_t i = 0; i < total; i++)
        if (i == 0 || all[i] != all[distinct - 1])
            all[distinct++] = all[i];
    if (distinct < 2 || distinct > 1000000) {
        host->set_error(host->ctx, "%s: %" PRIu64 " distinct labels: expected 2 to 1000000 "
                        "classes (or label_kind = \"real\")", sets[0].path, distinct);
        host->free(host->ctx, all);
        return DNNR_EPARSE;
    }
    *classes = all;
    *n_classes = (uint32_t)distinct;
    return DNNR_OK;
}

static uint32_t class_index(const double *classes, uint32_t n, double label)
{
    uint32_t lo = 0, hi = n - 1;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (classes[mid] < label)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Dense rows rows[0..n) (all in order when NULL) of @p s into part @p part. */
static int densify(dnnr_loader *l, const sparse_set *s, const uint64_t *rows, uint64_t n,
                   uint64_t width, const double *classes, uint32_t n_classes, int part)
{
    const dnnr_host *host = l->host;
    uint32_t y_dim = classes && l->one_hot ? n_classes : 1;
    l->x[part] = host->alloc(host->ctx, n ? (size_t)(n * width) : 1, sizeof(float));
    l->y[part] = host->alloc(host->ctx, n ? (size_t)(n * y_dim) : 1, sizeof(float));
    if (!l->x[part] || !l->y[part]) {
        host->set_error(host->ctx, "out of memory for %" PRIu64 " rows of %" PRIu64 " values", n,
                        width);
        return DNNR_ENOMEM;
    }
    for (uint64_t i = 0; i < n; i++) {
        uint64_t r = rows ? rows[i] : i;
        float *x = l->x[part] + i * width;
        for (uint64_t p = s->row_start[r]; p < s->row_start[r + 1]; p++)
            x[s->pairs[p].index] = s->pairs[p].value;
        if (!classes)
            l->y[part][i] = (float)s->labels[r];
        else if (l->one_hot)
            l->y[part][i * y_dim + class_index(classes, n_classes, s->labels[r])] = 1.0f;
        else
            l->y[part][i] = (float)class_index(classes, n_classes, s->labels[r]);
    }
    return DNNR_OK;
}

static int libsvm_load(dnnr_loader *l, dnnr_dataset *out)
{
    const dnnr_host *host = l->host;
    if (l->is_loaded) {
        *out = l->loaded;
        return DNNR_OK;
    }
    sparse_set sets[2];
    memset(sets, 0, sizeof sets);
    int n_sets = l->split_here ? 1 : 2;
    double *classes = NULL;
    uint32_t n_classes = 0;
    row_split split = {0};
    int status = DNNR_OK;
    for (int i = 0; i < n_sets && status == DNNR_OK; i++)
        status = read_set(l, l->names[i], &sets[i]);
    uint64_t width = (uint64_t)l->n_features, rows = sets[0].n_rows + sets[1].n_rows;
    if (status == DNNR_OK && width == 0)
        width = sets[0].width > sets[1].width ? sets[0].width : sets[1].width;
    for (int i = 0; i < n_sets && status == DNNR_OK; i++)
        status = check_width(l, &sets[i], width);
    if (status == DNNR_OK && (width == 0 || rows > LIBSVM_MAX_DENSE / width)) {
        host->set_error(host->ctx, "%s: %" PRIu64 " rows of %" PRIu64 " features: expected "
                        "at most %llu dense values in all", sets[0].path, rows, width,
                        (unsigned long long)LIBSVM_MAX_DENSE);
        status = DNNR_EPARSE;
    }
    if (status == DNNR_OK && strcmp(l->label_kind, "class") == 0)
        status = collect_classes(l, sets, n_sets, &classes, &n_classes);
    dnnr_dataset *d = &l->loaded;
    memset(d, 0, sizeof *d);
    if (status == DNNR_OK && l->split_here) {
        status = row_split_make(host, sets[0].path, sets[0].n_rows, l->test_size,
                                (uint32_t)l->seed, &split);
        if (status == DNNR_OK)
            status = densify(l, &sets[0], split.train, split.n_train, width, classes, n_classes, 0);
        if (status == DNNR_OK)
            status = densify(l, &sets[0], split.test, split.n_test, width, classes, n_classes, 1);
        d->n_train = split.n_train;
        d->n_test = split.n_test;
    } else if (status == DNNR_OK) {
        status = densify(l, &sets[0], NULL, sets[0].n_rows, width, classes, n_classes, 0);
        if (status == DNNR_OK)
            status = densify(l, &sets[1], NULL, sets[1].n_rows, width, classes, n_classes, 1);
        d->n_train = sets[0].n_rows;
        d->n_test = sets[1].n_rows;
    }
    if (status == DNNR_OK) {
        d->struct_size = sizeof *d;
        d->rank = 1;
        d->shape[0] = (uint32_t)width;
        d->x_train = l->x[0];
        d->x_test = l->x[1];
        d->y_train = l->y[0];
        d->y_test = l->y[1];
        d->target_kind = !classes      ? DNNR_TARGET_REAL
                         : l->one_hot ? DNNR_TARGET_ONE_HOT
                                      : DNNR_TARGET_CLASS_INDEX;
        d->y_dim = classes && l->one_hot ? n_classes : 1;
        d->n_classes = n_classes;
        d->provenance = l->provenance;
        l->is_loaded = 1;
        *out = *d;
        host->log(host->ctx, DNNR_LOG_INFO,
                  "%s: %" PRIu64 " train and %" PRIu64 " test rows, %" PRIu64
                  " features, %" PRIu32 " classes (%s)",
                  sets[0].path, d->n_train, d->n_test, width, n_classes, l->provenance);
    } else {
        release_data(l);
    }
    row_split_release(host, &split);
    host->free(host->ctx, classes);
    for (int i = 0; i < 2; i++)
        set_release(host, &sets[i]);
    return status;
}

static const dnnr_loader_iface libsvm_iface = {
    .struct_size = sizeof(dnnr_loader_iface),
    .create = libsvm_create,
    .destroy = libsvm_destroy,
    .load = libsvm_load,
};

DNNR_PLUGIN_DEFINE(libsvm, DNNR_KIND_LOADER, "1.0.0",
                   "svmlight/libsvm sparse text files as dense samples, multi-class one-hot",
                   libsvm_iface)
