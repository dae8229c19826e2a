/* CSV tokenizer; see csv_parse.h. */
#include "csv_parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void csv_reader_init(csv_reader *r, char *text, size_t len, char delimiter)
{
    r->p = text;
    r->end = text + len;
    r->delimiter = delimiter;
    r->line = 1;
    r->line_at = text;
}

static void new_line(csv_reader *r, const char *next)
{
    r->line++;
    r->line_at = next;
}

/* Skip blank lines ("\n" or "\r\n" alone). */
static void skip_blank_lines(csv_reader *r)
{
    for (;;) {
        if (r->p < r->end && *r->p == '\n') {
            r->p++;
            new_line(r, r->p);
        } else if (r->end - r->p >= 2 && r->p[0] == '\r' && r->p[1] == '\n') {
            r->p += 2;
            new_line(r, r->p);
        } else {
            return;
        }
    }
}

/* A quoted field starting at r->p (the opening quote): unescape in place. */
static int read_quoted(csv_reader *r, csv_field *f, char *why, size_t why_len)
{
    uint64_t line = r->line, column = (uint64_t)(r->p - r->line_at) + 1;
    char *out = r->p; /* unescaped bytes overwrite the field from its start */
    f->text = out;
    r->p++;
    for (;;) {
        if (r->p >= r->end) {
            snprintf(why, why_len, "%llu:%llu: unterminated quoted field: expected a closing '\"'",
                     (unsigned long long)line, (unsigned long long)column);
            return -1;
        }
        char c = *r->p++;
        if (c == '"') {
            if (r->p < r->end && *r->p == '"') {
                *out++ = '"';
                r->p++;
                continue;
            }
            break;
        }
        if (c == '\n')
            new_line(r, r->p);
        *out++ = c;
    }
    f->len = (size_t)(out - f->text);
    if (r->p < r->end && *r->p != r->delimiter && *r->p != '\n' && *r->p != '\r') {
        snprintf(why, why_len,
                 "%llu:%llu: '%c' after a closing quote: expected the delimiter or a line end",
                 (unsigned long long)r->line, (unsigned long long)(r->p - r->line_at) + 1,
                 *r->p);
        return -1;
    }
    return 0;
}

int csv_next_record(csv_reader *r, csv_field *fields, size_t max_fields, size_t *n_fields,
                    char *why, size_t why_len)
{
    *n_fields = 0;
    skip_blank_lines(r);
    if (r->p >= r->end)
        return 0;
    for (;;) {
        csv_field f = {r->p, 0, r->line, (uint64_t)(r->p - r->line_at) + 1};
        if (r->p < r->end && *r->p == '"') {
            if (read_quoted(r, &f, why, why_len) != 0)
                return -1;
        } else {
            while (r->p < r->end && *r->p != r->delimiter && *r->p != '\n' &&
                   !(*r->p == '\r' && r->p + 1 < r->end && r->p[1] == '\n'))
                r->p++;
            f.len = (size_t)(r->p - f.text);
        }
        if (*n_fields < max_fields)
            fields[*n_fields] = f;
        if (*n_fields <= max_fields)
            (*n_fields)++;
        if (r->p < r->end && *r->p == r->delimiter) {
            r->p++;
            continue;
        }
        /* end of the record: a line break or the end of the text */
        if (r->p < r->end && *r->p == '\r')
            r->p++;
        if (r->p < r->end && *r->p == '\n') {
            r->p++;
            new_line(r, r->p);
        }
        return 1;
    }
}

int csv_field_number(const csv_field *f, double *out)
{
    char buf[64];
    size_t start = 0, len = f->len;
    while (start < len && (f->text[start] == ' ' || f->text[start] == '\t'))
        start++;
    while (len > start && (f->text[len - 1] == ' ' || f->text[len - 1] == '\t'))
        len--;
    if (len == start || len - start >= sizeof buf)
        return -1;
    memcpy(buf, f->text + start, len - start);
    buf[len - start] = '\0';
    /* strtod also takes hex floats and "infinity"; both are numbers to numpy too
     * (numpy accepts "inf"/"infinity"/"nan" in any case) */
    char *stop = NULL;
    double v = strtod(buf, &stop);
    if (stop == buf || *stop != '\0')
        return -1;
    *out = v;
    return 0;
}

int csv_field_is(const csv_field *f, const char *s)
{
    size_t n = strlen(s);
    return f->len == n && memcmp(f->text, s, n) == 0;
}
