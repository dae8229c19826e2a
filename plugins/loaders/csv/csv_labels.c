/* Label encoding for the csv loader; see csv_labels.h. */
#include "csv_labels.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

typedef struct label_entry {
    const csv_field *field;
    double number;
    uint64_t row;
} label_entry;

/* Numbers first, then bytes. The mode is chosen for the whole column: in byte
 * mode every number is 0, so the text alone decides (qsort has no context). */
static int compare_entries(const void *a, const void *b)
{
    const label_entry *x = a, *y = b;
    if (x->number < y->number)
        return -1;
    if (x->number > y->number)
        return 1;
    size_t n = x->field->len < y->field->len ? x->field->len : y->field->len;
    int c = memcmp(x->field->text, y->field->text, n);
    if (c)
        return c;
    if (x->field->len != y->field->len)
        return x->field->len < y->field->len ? -1 : 1;
    return x->row < y->row ? -1 : x->row > y->row; /* stable: equal labels by row */
}

static int same_class(const label_entry *x, const label_entry *y, int numeric)
{
    if (numeric)
        return x->number == y->number;
    return x->field->len == y->field->len &&
           memcmp(x->field->text, y->field->text, x->field->len) == 0;
}

static int encode_positive(const dnnr_host *host, const char *file, const char *column,
                           const csv_field *labels, uint64_t n, const char *positive,
                           uint32_t *classes, uint32_t *n_classes)
{
    uint64_t seen = 0;
    for (uint64_t i = 0; i < n; i++) {
        classes[i] = csv_field_is(&labels[i], positive) ? 1u : 0u;
        seen += classes[i];
    }
    if (seen == 0) {
        host->set_error(host->ctx,
                        "%s: positive = \"%s\" never occurs in column '%s': expected one of its "
                        "values",
                        file, positive, column);
        return DNNR_EINVAL;
    }
    *n_classes = 2;
    return DNNR_OK;
}

int csv_labels_encode(const dnnr_host *host, const char *file, const char *column,
                      const csv_field *labels, uint64_t n, const char *positive,
                      uint32_t *classes, uint32_t *n_classes)
{
    if (positive)
        return encode_positive(host, file, column, labels, n, positive, classes, n_classes);
    label_entry *entries = host->alloc(host->ctx, n ? (size_t)n : 1, sizeof *entries);
    if (!entries) {
        host->set_error(host->ctx, "%s: out of memory for %" PRIu64 " labels", file, n);
        return DNNR_ENOMEM;
    }
    int numeric = 1;
    for (uint64_t i = 0; i < n; i++) {
        entries[i] = (label_entry){&labels[i], 0.0, i};
        if (numeric && (csv_field_number(&labels[i], &entries[i].number) != 0 ||
                        entries[i].number != entries[i].number)) /* NaN is no class */
            numeric = 0;
    }
    if (!numeric)
        for (uint64_t i = 0; i < n; i++)
            entries[i].number = 0.0;
    qsort(entries, (size_t)n, sizeof *entries, compare_entries);
    uint32_t k = 0;
    for (uint64_t i = 0; i < n; i++) {
        if (i > 0 && !same_class(&entries[i - 1], &entries[i], numeric))
            k++;
        classes[entries[i].row] = k;
    }
    uint32_t count = n ? k + 1 : 0;
    host->free(host->ctx, entries);
    if (count < 2) {
        host->set_error(host->ctx,
                        "%s: column '%s' holds %" PRIu32 " distinct value%s: expected at least "
                        "2 classes (or label_kind = \"real\")",
                        file, column, count, count == 1 ? "" : "s");
        return DNNR_EPARSE;
    }
    *n_classes = count;
    return DNNR_OK;
}
