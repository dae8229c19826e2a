/**
 * @file libsvm_parse.h
 * @brief The svmlight / libsvm sparse text format, one line at a time.
 *
 * A line is "label idx:val idx:val ... [# comment]": a numeric label, then
 * features with 1-based (or, by option, 0-based) strictly increasing
 * indices. An optional "qid:n" after the label is skipped. Blank lines and
 * lines starting with '#' hold no row.
 *
 * Knows nothing about files or the host, so tests and fuzzers can feed it bytes.
 */
#ifndef DNNR_LIBSVM_PARSE_H
#define DNNR_LIBSVM_PARSE_H

#include <stddef.h>
#include <stdint.h>

typedef struct libsvm_pair {
    uint64_t index; /* 0-based after parsing */
    float value;
} libsvm_pair;

/** What libsvm_parse_line found. */
typedef enum libsvm_line_kind { LIBSVM_EMPTY = 0, LIBSVM_ROW = 1, LIBSVM_ERROR = -1 } libsvm_line_kind;

/**
 * Parse line[0..len) (no line break). Pairs go to @p pairs (at most
 * @p max_pairs; more is an error). On LIBSVM_ERROR @p why holds
 * "COLUMN: what was expected" (1-based byte column), for "file:line:" to prefix.
 */
libsvm_line_kind libsvm_parse_line(const char *line, size_t len, int zero_based, double *label,
                                   libsvm_pair *pairs, size_t max_pairs, size_t *n_pairs,
                                   char *why, size_t why_len);

#endif
