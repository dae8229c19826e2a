/*
 * The `csv` loader: one table with a header row as a data set.
 *
 *   dataset = { loader = "csv"; file = "higgs/training.csv"; label = "Label";
 *               positive = "b"; exclude = "EventId"; rows = 10000; test_size = 0.3; };
 *
 * Options:
 *   file         the CSV file (required; resolved as data_path.h says)
 *   label        the label column's name (required)
 *   features     "all" (default: every column but the label and `exclude`) or
 *                a comma-separated list of column names, in input order
 *   exclude      comma-separated column names left out of "all" ("")
 *   header       true; false: no header row, columns are named "0", "1", ...
 *   delimiter    ","
 *   label_kind   "class" (default) or "real" (a regression target)
 *   positive     binary classes: this value is 1, every other 0; unset:
 *                LabelEncoder (sorted distinct values are 0, 1, ...)
 *   one_hot      false: targets are class indices; true: one-hot rows
 *   standardise  false; true: StandardScaler fitted on all rows used (before
 *                the split, as D3 did): (x - mean) / std, std 0 leaves x - mean
 *   rows         0 = all; N: only the first N data rows (D2 uses 10000)
 *   test_size    0.2, seed 42: train_test_split of the rows (row_split.h)
 *   provenance   "original"; a stand-in file says "substitute: why"
 * Every feature cell must be a number; missing-value sentinels such as
 * -999.0 are numbers and kept as they are. Errors name file:line:column.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <dnnrepair/dnnrepair.h>

#include "csv_columns.h"
#include "csv_labels.h"
#include "csv_parse.h"
#include "data_path.h"
#include "row_split.h"

/** The most columns a file may have, and the file size accepted. */
#define CSV_MAX_COLUMNS 65536u
#define CSV_MAX_BYTES (4ull << 30)

typedef struct csv_options {
    const char *file, *label, *features, *exclude, *delimiter, *label_kind, *positive;
    const char *provenance;
    int header, one_hot, standardise;
    int64_t rows, seed;
    double test_size;
} csv_options;

struct dnnr_loader {
    const dnnr_host *host;
    csv_options opt;
    char *path; /* resolved file, host memory */
    int real_target;
    float *x[2], *y[2]; /* [0] train, [1] test */
    dnnr_dataset loaded;
    int is_loaded;
};

/* What one pass over the file collects before encoding and splitting. */
typedef struct csv_table {
    char *text;
    size_t text_len;
    csv_field *fields, *names;
    char *numbers; /* the names "0", "1", ... of a headerless file */
    uint32_t n_columns;
    csv_columns columns;
    float *x;          /* n_rows x n_features */
    csv_field *labels; /* n_rows, pointing into text */
    uint64_t n_rows, capacity;
} csv_table;

static void release_data(dnnr_loader *l)
{
    for (int i = 0; i < 2; i++) {
        l->host->free(l->host->ctx, l->x[i]);
        l->host->free(l->host->ctx, l->y[i]);
        l->x[i] = l->y[i] = NULL;
    }
}

static void csv_destroy(dnnr_loader *l)
{
    if (!l)
        return;
    release_data(l);
    l->host->free(l->host->ctx, l->path);
    l->host->free(l->host->ctx, l);
}

static int read_options(const dnnr_host *host, csv_options *o)
{
    int s = host->option_string(host->ctx, "file", NULL, &o->file);
    if (s == DNNR_OK)
        s = host->option_string(host->ctx, "label", NULL, &o->label);
    if (s == DNNR_OK)
        s = host->option_string(host->ctx, "features", "all", &o->features);
    if (s == DNNR_OK)
        s = host->option_string(host->ctx, "exclude", "", &o->exclude);
    if (s == DNNR_OK)
        s = host->option_string(host->ctx, "delimiter", ",", &o->delimiter);
    if (s == DNNR_OK)
        s = host->option_string(host->ctx, "label_kind", "class", &o->label_kind);
    if (s == DNNR_OK)
        s = host->option_string(host->ctx, "positive", NULL, &o->positive);
    if (s == DNNR_OK)
        s = host->option_string(host->ctx, "provenance", "original", &o->provenance);
    if (s == DNNR_OK)
        s = host->option_bool(host->ctx, "header", 1, &o->header);
    if (s == DNNR_OK)
        s = host->option_bool(host->ctx, "one_hot", 0, &o->one_hot);
    if (s == DNNR_OK)
        s = host->option_bool(host->ctx, "standardise", 0, &o->standardise);
    if (s == DNNR_OK)
        s = host->option_int(host->ctx, "rows", 0, &o->rows);
    if (s == DNNR_OK)
        s = host->option_int(host->ctx, "seed", 42, &o->seed);
    if (s == DNNR_OK)
        s = host->option_float(host->ctx, "test_size", 0.2, &o->test_size);
    if (s != DNNR_OK)
        return s;
    const char *problem = NULL;
    if (!o->file || !*o->file)
        problem = "no `file` option: expected the CSV file's name";
    else if (!o->label || !*o->label)
        problem = "no `label` option: expected the label column's name";
    else if (strlen(o->delimiter) != 1 || o->delimiter[0] == '"' || o->delimiter[0] == '\n')
        problem = "delimiter: expected one character other than '\"' and a line break";
    else if (strcmp(o->label_kind, "class") != 0 && strcmp(o->label_kind, "real") != 0)
        problem = "label_kind: expected \"class\" or \"real\"";
    else if (strcmp(o->label_kind, "real") == 0 && (o->positive || o->one_hot))
        problem = "label_kind = \"real\" takes neither `positive` nor `one_hot`";
    else if (o->rows < 0)
        problem = "rows: expected 0 (all) or a positive count";
    else if (o->seed < 0 || o->seed > UINT32_MAX)
        problem = "seed: expected 0 to 4294967295 (numpy's RandomState seed)";
    else if (!(o->test_size > 0 && o->test_size < 1))
        problem = "test_size: expected a fraction in (0, 1)";
    if (problem) {
        host->set_error(host->ctx, "%s", problem);
        return DNNR_EINVAL;
    }
    return DNNR_OK;
}

static int csv_create(const dnnr_loader_init *init, dnnr_loader **out)
{
    const dnnr_host *host = init->host;
    *out = NULL;
    dnnr_loader *l = host->alloc(host->ctx, 1, sizeof *l);
    if (!l) {
        host->set_error(host->ctx, "out of memory");
        return DNNR_ENOMEM;
    }
    l->host = host;
    int status = read_options(host, &l->opt);
    if (status == DNNR_OK)
        status = data_path_resolve(host, "file", l->opt.file, init->data_dir, init->subject_file,
                                   DATA_PATH_FILE, 0, &l->path);
    if (status != DNNR_OK) {
        csv_destroy(l);
        return status;
    }
    l->real_target = strcmp(l->opt.label_kind, "real") == 0;
    *out = l;
    return DNNR_OK;
}

static void table_release(const dnnr_host *host, csv_table *t)
{
    host->free(host->ctx, t->text);
    host->free(host->ctx, t->fields);
    host->free(host->ctx, t->names);
    host->free(host->ctx, t->numbers);
    host->free(host->ctx, t->x);
    host->free(host->ctx, t->labels);
    csv_columns_release(host, &t->columns);
}

static int grow(dnnr_loader *l, csv_table *t)
{
    const dnnr_host *host = l->host;
    uint64_t cap = t->capacity ? t->capacity * 2 : 1024;
    float *x = host->realloc(host->ctx, t->x, (size_t)(cap * t->columns.n_features) * sizeof *x);
    if (x)
        t->x = x;
    csv_field *labels = x ? host->realloc(host->ctx, t->labels, (size_t)cap * sizeof *labels)
                          : NULL;
    if (!labels) {
        host->set_error(host->ctx, "%s: out of memory after %" PRIu64 " rows", l->path,
                        t->n_rows);
        return DNNR_ENOMEM;
    }
    t->labels = labels;
    t->capacity = cap;
    return DNNR_OK;
}

/* Column c's name for messages: the header's text or its index. */
static void column_name(const csv_table *t, uint32_t c, char *buf, size_t len)
{
    const csv_field *f = &t->names[c];
    snprintf(buf, len, "%.*s", (int)(f->len > 48 ? 48 : f->len), f->text);
}

/* One data record into row n_rows of the table. */
static int take_record(dnnr_loader *l, csv_table *t, size_t n_fields)
{
    const dnnr_host *host = l->host;
    const csv_field *f = t->fields;
    if (n_fields != t->n_columns) {
        host->set_error(host->ctx, "%s:%" PRIu64 ": %s%zu fields: expected %" PRIu32 " (as %s)",
                        l->path, f[0].line, n_fields > t->n_columns ? "more than " : "",
                        n_fields > t->n_columns ? (size_t)t->n_columns : n_fields, t->n_columns,
                        l->opt.header ? "the header" : "the first row");
        return DNNR_EPARSE;
    }
    if (t->n_rows == t->capacity) {
        int status = grow(l, t);
        if (status != DNNR_OK)
            return status;
    }
    float *row = t->x + t->n_rows * t->columns.n_features;
    for (uint32_t j = 0; j < t->columns.n_features; j++) {
        const csv_field *cell = &f[t->columns.features[j]];
        double v;
        if (csv_field_number(cell, &v) != 0) {
            char name[64];
            column_name(t, t->columns.features[j], name, sizeof name);
            host->set_error(host->ctx,
                            "%s:%" PRIu64 ":%" PRIu64 ": column '%s': \"%.*s\": expected a number",
                            l->path, cell->line, cell->column, name,
                            (int)(cell->len > 32 ? 32 : cell->len), cell->text);
            return DNNR_EPARSE;
        }
        row[j] = (float)v;
    }
    t->labels[t->n_rows++] = f[t->columns.label];
    return DNNR_OK;
}

/* Header names, or "0", "1", ... kept in a small side buffer when there is none. */
static int read_header(dnnr_loader *l, csv_table *t, csv_reader *r, size_t *first_fields)
{
    const dnnr_host *host = l->host;
    char why[256];
    size_t n = 0;
    int got = csv_next_record(r, t->fields, CSV_MAX_COLUMNS, &n, why, sizeof why);
    if (got < 0) {
        host->set_error(host->ctx, "%s:%s", l->path, why);
        return DNNR_EPARSE;
    }
    if (got == 0) {
        host->set_error(host->ctx, "%s: empty file: expected %s", l->path,
                        l->opt.header ? "a header row and data rows" : "data rows");
        return DNNR_EPARSE;
    }
    if (n > CSV_MAX_COLUMNS) {
        host->set_error(host->ctx, "%s:1: more than %u columns: expected fewer", l->path,
                        CSV_MAX_COLUMNS);
        return DNNR_EPARSE;
    }
    t->n_columns = (uint32_t)n;
    t->names = host->alloc(host->ctx, n, sizeof *t->names);
    if (!t->names) {
        host->set_error(host->ctx, "%s: out of memory", l->path);
        return DNNR_ENOMEM;
    }
    if (l->opt.header) {
        memcpy(t->names, t->fields, n * sizeof *t->names);
        *first_fields = 0;
        return DNNR_OK;
    }
    t->numbers = host->alloc(host->ctx, n, 6);
    if (!t->numbers) {
        host->set_error(host->ctx, "%s: out of memory", l->path);
        return DNNR_ENOMEM;
    }
    for (uint32_t c = 0; c < t->n_columns; c++) {
        int len = snprintf(t->numbers + 6 * (size_t)c, 6, "%" PRIu32, c);
        t->names[c] = (csv_field){t->numbers + 6 * (size_t)c, (size_t)len, 0, 0};
    }
    *first_fields = n; /* the first record is data, still in t->fields */
    return DNNR_OK;
}

static int read_table(dnnr_loader *l, csv_table *t)
{
    const dnnr_host *host = l->host;
    int status = data_file_read(host, l->path, CSV_MAX_BYTES, &t->text, &t->text_len);
    if (status != DNNR_OK)
        return status;
    t->fields = host->alloc(host->ctx, CSV_MAX_COLUMNS + 1, sizeof *t->fields);
    if (!t->fields) {
        host->set_error(host->ctx, "%s: out of memory", l->path);
        return DNNR_ENOMEM;
    }
    csv_reader r;
    csv_reader_init(&r, t->text, t->text_len, l->opt.delimiter[0]);
    size_t n_fields = 0;
    status = read_header(l, t, &r, &n_fields);
    if (status == DNNR_OK)
        status = csv_columns_pick(host, l->path, t->names, t->n_columns, l->opt.label,
                                  l->opt.features, l->opt.exclude, &t->columns);
    if (status == DNNR_OK && n_fields > 0)
        status = take_record(l, t, n_fields);
    char why[256];
    while (status == DNNR_OK && (l->opt.rows == 0 || t->n_rows < (uint64_t)l->opt.rows)) {
        int got = csv_next_record(&r, t->fields, t->n_columns, &n_fields, why, sizeof why);
        if (got == 0)
            break;
        if (got < 0) {
            host->set_error(host->ctx, "%s:%s", l->path, why);
            status = DNNR_EPARSE;
        } else {
            status = take_record(l, t, n_fields);
        }
    }
    if (status == DNNR_OK && t->n_rows < 2) {
        host->set_error(host->ctx, "%s: %" PRIu64 " data rows: expected at least 2", l->path,
                        t->n_rows);
        status = DNNR_EPARSE;
    }
    return status;
}

/* Targets of every row (n_rows x y_dim) from the label fields. */
static int make_targets(dnnr_loader *l, const csv_table *t, float **y, uint32_t *y_dim,
                        uint32_t *n_classes)
{
    const dnnr_host *host = l->host;
    uint64_t n = t->n_rows;
    if (l->real_target) {
        float *v = host->alloc(host->ctx, (size_t)n, sizeof *v);
        if (!v) {
            host->set_error(host->ctx, "%s: out of memory", l->path);
            return DNNR_ENOMEM;
        }
        for (uint64_t i = 0; i < n; i++) {
            double d;
            if (csv_field_number(&t->labels[i], &d) != 0) {
                host->set_error(host->ctx,
                                "%s:%" PRIu64 ":%" PRIu64 ": column '%s': \"%.*s\": expected a "
                                "number (label_kind = \"real\")",
                                l->path, t->labels[i].line, t->labels[i].column, l->opt.label,
                                (int)(t->labels[i].len > 32 ? 32 : t->labels[i].len),
                                t->labels[i].text);
                host->free(host->ctx, v);
                return DNNR_EPARSE;
            }
            v[i] = (float)d;
        }
        *y = v;
        *y_dim = 1;
        *n_classes = 0;
        return DNNR_OK;
    }
    uint32_t *classes = host->alloc(host->ctx, (size_t)n, sizeof *classes);
    if (!classes) {
        host->set_error(host->ctx, "%s: out of memory", l->path);
        return DNNR_ENOMEM;
    }
    int status = csv_labels_encode(host, l->path, l->opt.label, t->labels, n, l->opt.positive,
                                   classes, n_classes);
    *y_dim = l->opt.one_hot ? *n_classes : 1;
    float *v = status == DNNR_OK ? host->alloc(host->ctx, (size_t)n * *y_dim, sizeof *v) : NULL;
    if (status == DNNR_OK && !v) {
        host->set_error(host->ctx, "%s: out of memory", l->path);
        status = DNNR_ENOMEM;
    }
    for (uint64_t i = 0; status == DNNR_OK && i < n; i++) {
        if (l->opt.one_hot)
            v[i * *y_dim + classes[i]] = 1.0f; /* alloc zeroes the rest */
        else
            v[i] = (float)classes[i];
    }
    host->free(host->ctx, classes);
    *y = v;
    return status;
}

/* StandardScaler on all rows: population std; a constant column only loses its mean. */
static void standardise(float *x, uint64_t n, uint32_t d)
{
    for (uint32_t j = 0; j < d; j++) {
        double sum = 0.0, sq = 0.0;
        for (uint64_t i = 0; i < n; i++)
            sum += x[i * d + j];
        double mean = sum / (double)n;
        for (uint64_t i = 0; i < n; i++) {
            double c = x[i * d + j] - mean;
            sq += c * c;
        }
        double std = sqrt(sq / (double)n);
        double scale = std > 0.0 ? std : 1.0;
        for (uint64_t i = 0; i < n; i++)
            x[i * d + j] = (float)((x[i * d + j] - mean) / scale);
    }
}

static int csv_load(dnnr_loader *l, dnnr_dataset *out)
{
    const dnnr_host *host = l->host;
    if (l->is_loaded) {
        *out = l->loaded;
        return DNNR_OK;
    }
    csv_table t = {0};
    float *y = NULL;
    uint32_t y_dim = 0, n_classes = 0;
    row_split split = {0};
    int status = read_table(l, &t);
    if (status == DNNR_OK)
        status = make_targets(l, &t, &y, &y_dim, &n_classes);
    uint32_t d = t.columns.n_features;
    if (status == DNNR_OK && l->opt.standardise)
        standardise(t.x, t.n_rows, d);
    if (status == DNNR_OK)
        status = row_split_make(host, l->path, t.n_rows, l->opt.test_size,
                                (uint32_t)l->opt.seed, &split);
    if (status == DNNR_OK) {
        l->x[0] = row_gather(host, t.x, d, split.train, split.n_train);
        l->x[1] = row_gather(host, t.x, d, split.test, split.n_test);
        l->y[0] = row_gather(host, y, y_dim, split.train, split.n_train);
        l->y[1] = row_gather(host, y, y_dim, split.test, split.n_test);
        if (!l->x[0] || !l->x[1] || !l->y[0] || !l->y[1])
            status = DNNR_ENOMEM;
    }
    if (status == DNNR_OK) {
        dnnr_dataset *ds = &l->loaded;
        memset(ds, 0, sizeof *ds);
        ds->struct_size = sizeof *ds;
        ds->rank = 1;
        ds->shape[0] = d;
        ds->n_train = split.n_train;
        ds->n_test = split.n_test;
        ds->x_train = l->x[0];
        ds->x_test = l->x[1];
        ds->y_train = l->y[0];
        ds->y_test = l->y[1];
        ds->target_kind = l->real_target  ? DNNR_TARGET_REAL
                          : l->opt.one_hot ? DNNR_TARGET_ONE_HOT
                                           : DNNR_TARGET_CLASS_INDEX;
        ds->y_dim = y_dim;
        ds->n_classes = n_classes;
        ds->provenance = l->opt.provenance;
        l->is_loaded = 1;
        *out = *ds;
        host->log(host->ctx, DNNR_LOG_INFO,
                  "%s: %" PRIu64 " rows of %" PRIu32 " features, %" PRIu32
                  " classes: %" PRIu64 " train, %" PRIu64 " test (%s)",
                  l->path, t.n_rows, d, n_classes, split.n_train, split.n_test,
                  l->opt.provenance);
    } else {
        release_data(l);
    }
    row_split_release(host, &split);
    host->free(host->ctx, y);
    table_release(host, &t);
    return status;
}

static const dnnr_loader_iface csv_iface = {
    .struct_size = sizeof(dnnr_loader_iface),
    .create = csv_create,
    .destroy = csv_destroy,
    .load = csv_load,
};

DNNR_PLUGIN_DEFINE(csv, DNNR_KIND_LOADER, "1.0.0",
                   "CSV tables with a header: chosen feature columns, encoded labels, split",
                   csv_iface)
