/**
 * @file csv_columns.h
 * @brief Pick the label and feature columns by name.
 *
 * `features` is "all" (every column but the label and the `exclude` list)
 * or a comma-separated list of column names, in the order wanted;
 * `exclude` is a comma-separated list too. Names are compared exactly after
 * trimming spaces around the commas.
 */
#ifndef DNNR_CSV_COLUMNS_H
#define DNNR_CSV_COLUMNS_H

#include <dnnrepair/dnnrepair.h>

#include "csv_parse.h"

typedef struct csv_columns {
    uint32_t label;     /**< index of the label column */
    uint32_t *features; /**< host memory, n_features indices */
    uint32_t n_features;
} csv_columns;

/**
 * Resolve the options against the header @p names (n_names fields). Errors
 * name @p file and the unknown or repeated column, and list the header.
 */
int csv_columns_pick(const dnnr_host *host, const char *file, const csv_field *names,
                     uint32_t n_names, const char *label, const char *features,
                     const char *exclude, csv_columns *out);
void csv_columns_release(const dnnr_host *host, csv_columns *c);

#endif
