/**
 * @file csv_labels.h
 * @brief Turn the label column's texts into targets.
 *
 * Classification without `positive`: scikit-learn's LabelEncoder, i.e. the
 * sorted distinct values get 0, 1, ... (numeric order when every value is a
 * number, byte order otherwise). With `positive`: that value is 1 and any
 * other is 0 (D2's `0 if Label == 's' else 1` is positive = "b").
 */
#ifndef DNNR_CSV_LABELS_H
#define DNNR_CSV_LABELS_H

#include <dnnrepair/dnnrepair.h>

#include "csv_parse.h"

/**
 * Class indices of @p n label fields into @p classes (n entries), and the
 * number of classes. @p positive is NULL for LabelEncoder. Errors (fewer
 * than two classes, `positive` never seen) name @p file and @p column.
 */
int csv_labels_encode(const dnnr_host *host, const char *file, const char *column,
                      const csv_field *labels, uint64_t n, const char *positive,
                      uint32_t *classes, uint32_t *n_classes);

#endif
