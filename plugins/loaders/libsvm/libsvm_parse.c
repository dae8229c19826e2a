/* svmlight line parsing; see libsvm_parse.h. */
#include "libsvm_parse.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* The next whitespace-separated token of line[*at..len). */
static int next_token(const char *line, size_t len, size_t *at, size_t *start, size_t *end)
{
    while (*at < len && is_space(line[*at]))
        (*at)++;
    if (*at >= len)
        return 0;
    *start = *at;
    while (*at < len && !is_space(line[*at]))
        (*at)++;
    *end = *at;
    return 1;
}

/* A whole token as a double (strtod needs a terminated copy). */
static int parse_double(const char *s, size_t n, double *out)
{
    char buf[64];
    if (n == 0 || n >= sizeof buf)
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    char *stop;
    *out = strtod(buf, &stop);
    return *stop == '\0' ? 0 : -1;
}

static int parse_index(const char *s, size_t n, uint64_t *out)
{
    if (n == 0 || n > 19)
        return -1;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    *out = v;
    return 0;
}

libsvm_line_kind libsvm_parse_line(const char *line, size_t len, int zero_based, double *label,
                                   libsvm_pair *pairs, size_t max_pairs, size_t *n_pairs,
                                   char *why, size_t why_len)
{
    *n_pairs = 0;
    const char *hash = memchr(line, '#', len);
    if (hash)
        len = (size_t)(hash - line); /* a comment runs to the line's end */
    size_t at = 0, s, e;
    if (!next_token(line, len, &at, &s, &e))
        return LIBSVM_EMPTY;
    if (memchr(line + s, ',', e - s)) {
        snprintf(why, why_len, "%zu: \"%.*s\": several labels: expected one label a row",
                 s + 1, (int)(e - s > 24 ? 24 : e - s), line + s);
        return LIBSVM_ERROR;
    }
    if (parse_double(line + s, e - s, label) != 0 || !isfinite(*label)) {
        snprintf(why, why_len, "%zu: \"%.*s\": expected a numeric label", s + 1,
                 (int)(e - s > 24 ? 24 : e - s), line + s);
        return LIBSVM_ERROR;
    }
    uint64_t previous = 0;
    while (next_token(line, len, &at, &s, &e)) {
        const char *colon = memchr(line + s, ':', e - s);
        if (!colon) {
            snprintf(why, why_len, "%zu: \"%.*s\": expected index:value", s + 1,
                     (int)(e - s > 24 ? 24 : e - s), line + s);
            return LIBSVM_ERROR;
        }
        size_t key_len = (size_t)(colon - (line + s));
        if (key_len == 3 && memcmp(line + s, "qid", 3) == 0 && *n_pairs == 0)
            continue;
        uint64_t index;
        double value;
        if (parse_index(line + s, key_len, &index) != 0 || (!zero_based && index == 0)) {
            snprintf(why, why_len, "%zu: index \"%.*s\": expected a whole number from %d",
                     s + 1, (int)(key_len > 24 ? 24 : key_len), line + s, zero_based ? 0 : 1);
            return LIBSVM_ERROR;
        }
        size_t value_len = e - s - key_len - 1;
        if (parse_double(colon + 1, value_len, &value) != 0) {
            snprintf(why, why_len, "%zu: value \"%.*s\": expected a number",
                     (size_t)(colon + 1 - line) + 1, (int)(value_len > 24 ? 24 : value_len),
                     colon + 1);
            return LIBSVM_ERROR;
        }
        if (!zero_based)
            index--;
        if (*n_pairs > 0 && index <= previous) {
            snprintf(why, why_len, "%zu: index %llu after %llu: expected increasing indices",
                     s + 1, (unsigned long long)index + (zero_based ? 0 : 1),
                     (unsigned long long)previous + (zero_based ? 0 : 1));
            return LIBSVM_ERROR;
        }
        if (*n_pairs == max_pairs) {
            snprintf(why, why_len, "%zu: more than %zu features in one row", s + 1,
                     max_pairs);
            return LIBSVM_ERROR;
        }
        pairs[(*n_pairs)++] = (libsvm_pair){index, (float)value};
        previous = index;
    }
    return LIBSVM_ROW;
}
