/**
 * @file csv_parse.h
 * @brief Split CSV text into records and fields (RFC 4180 quoting).
 *
 * Fields are separated by one delimiter byte; a field may be quoted with '"'
 * and then holds delimiters, line breaks and doubled quotes (""). Records
 * end at "\n" or "\r\n"; blank lines are skipped (as pandas does). Quoted
 * fields are unescaped in place, so the text buffer must be writable.
 *
 * Knows nothing about the plugin host, so tests and fuzzers can feed it bytes.
 */
#ifndef DNNR_CSV_PARSE_H
#define DNNR_CSV_PARSE_H

#include <stddef.h>
#include <stdint.h>

/** One field: its bytes (not terminated) and where it starts. */
typedef struct csv_field {
    const char *text;
    size_t len;
    uint64_t line;   /**< 1-based line of the field's first byte */
    uint64_t column; /**< 1-based byte column of the field's first byte */
} csv_field;

typedef struct csv_reader {
    char *p, *end;
    char delimiter;
    uint64_t line;       /**< line of *p */
    const char *line_at; /**< first byte of that line */
} csv_reader;

void csv_reader_init(csv_reader *r, char *text, size_t len, char delimiter);

/**
 * Read the next record into @p fields (at most @p max_fields; a record with
 * more sets *n_fields to max_fields + 1 and stops storing).
 * Returns 1 for a record, 0 at the end of the text, -1 on a syntax error
 * (an unterminated quote, text after a closing quote) with the reason and
 * position in @p why.
 */
int csv_next_record(csv_reader *r, csv_field *fields, size_t max_fields, size_t *n_fields,
                    char *why, size_t why_len);

/**
 * Parse a field as a finite or infinite double the way pandas/numpy read
 * it ("1.5", "-999.0", "1e-3", "nan", "inf"; surrounding spaces allowed).
 * Returns nonzero when the field is not a number (empty fields included).
 */
int csv_field_number(const csv_field *f, double *out);

/** Nonzero when @p f holds exactly the NUL-terminated @p s. */
int csv_field_is(const csv_field *f, const char *s);

#endif
