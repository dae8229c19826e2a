#include "util/json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"

void dnnr__json_string(dnnr_buf *b, const char *s)
{
    dnnr__buf_put(b, "\"", 1);
    for (const unsigned char *c = (const unsigned char *)(s ? s : ""); *c; c++) {
        switch (*c) {
        case '"':
            dnnr__buf_put(b, "\\\"", 2);
            break;
        case '\\':
            dnnr__buf_put(b, "\\\\", 2);
            break;
        case '\n':
            dnnr__buf_put(b, "\\n", 2);
            break;
        case '\t':
            dnnr__buf_put(b, "\\t", 2);
            break;
        case '\r':
            dnnr__buf_put(b, "\\r", 2);
            break;
        default:
            if (*c < 0x20)
                dnnr__buf_printf(b, "\\u%04x", *c);
            else
                dnnr__buf_put(b, c, 1);
        }
    }
    dnnr__buf_put(b, "\"", 1);
}

void dnnr__json_number(dnnr_buf *b, double v)
{
    if (!isfinite(v))
        dnnr__buf_put(b, "null", 4);
    else if (v == floor(v) && fabs(v) < 1e15)
        dnnr__buf_printf(b, "%.0f", v);
    else
        dnnr__buf_printf(b, "%.17g", v);
}

void dnnr__json_key(dnnr_buf *b, const char *key)
{
    dnnr__json_string(b, key);
    dnnr__buf_put(b, ":", 1);
}

void dnnr__json_field_number(dnnr_buf *b, const char *key, double v)
{
    dnnr__buf_put(b, ",", 1);
    dnnr__json_key(b, key);
    dnnr__json_number(b, v);
}

void dnnr__json_field_string(dnnr_buf *b, const char *key, const char *s)
{
    dnnr__buf_put(b, ",", 1);
    dnnr__json_key(b, key);
    dnnr__json_string(b, s);
}

void dnnr__json_field_numbers(dnnr_buf *b, const char *key, const double *v, size_t n)
{
    dnnr__buf_put(b, ",", 1);
    dnnr__json_key(b, key);
    dnnr__buf_put(b, "[", 1);
    for (size_t i = 0; i < n; i++) {
        if (i)
            dnnr__buf_put(b, ",", 1);
        dnnr__json_number(b, v[i]);
    }
    dnnr__buf_put(b, "]", 1);
}

/* A recursive-descent parser over a bounded text, depth-limited so a hostile
 * journal cannot exhaust the stack. */
typedef struct parser {
    const char *p, *end, *start;
    int depth;
} parser;

static void skip_space(parser *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
        ps->p++;
}

static dnnr_json *parse_value(parser *ps);

static char *parse_string_raw(parser *ps)
{
    if (ps->p >= ps->end || *ps->p != '"')
        return NULL;
    ps->p++;
    dnnr_buf out = {0};
    while (ps->p < ps->end && *ps->p != '"') {
        char c = *ps->p++;
        if (c != '\\') {
            dnnr__buf_put(&out, &c, 1);
            continue;
        }
        if (ps->p >= ps->end)
            break;
        char e = *ps->p++, ch;
        switch (e) {
        case '"': case '\\': case '/':
            ch = e;
            break;
        case 'b':
            ch = '\b';
            break;
        case 'f':
            ch = '\f';
            break;
        case 'n':
            ch = '\n';
            break;
        case 'r':
            ch = '\r';
            break;
        case 't':
            ch = '\t';
            break;
        case 'u': {
            if (ps->end - ps->p < 4)
                goto bad;
            char hex[5] = {ps->p[0], ps->p[1], ps->p[2], ps->p[3], 0};
            unsigned long cp = strtoul(hex, NULL, 16);
            ps->p += 4;
            /* The writer only escapes control characters; others become '?'. */
            ch = cp < 0x80 ? (char)cp : '?';
            break;
        }
        default:
            goto bad;
        }
        dnnr__buf_put(&out, &ch, 1);
    }
    if (ps->p >= ps->end || *ps->p != '"' || out.failed) {
bad:
        dnnr__buf_free(&out);
        return NULL;
    }
    ps->p++;
    char *s = dnnr__strndup(out.data ? (const char *)out.data : "", out.len);
    dnnr__buf_free(&out);
    return s;
}

static dnnr_json *node(dnnr_json_type type)
{
    dnnr_json *j = dnnr__alloc(1, sizeof *j);
    if (j)
        j->type = type;
    return j;
}

static dnnr_json *parse_container(parser *ps, int object)
{
    dnnr_json *j = node(object ? DNNR_JSON_OBJECT : DNNR_JSON_ARRAY);
    if (!j || ++ps->depth > 64)
        goto fail;
    ps->p++;
    dnnr_json **tail = &j->child;
    skip_space(ps);
    if (ps->p < ps->end && *ps->p == (object ? '}' : ']')) {
        ps->p++;
        ps->depth--;
        return j;
    }
    for (;;) {
        char *key = NULL;
        if (object) {
            skip_space(ps);
            key = parse_string_raw(ps);
            skip_space(ps);
            if (!key || ps->p >= ps->end || *ps->p != ':') {
                dnnr__free(key);
                goto fail;
            }
            ps->p++;
        }
        dnnr_json *v = parse_value(ps);
        if (!v) {
            dnnr__free(key);
            goto fail;
        }
        v->key = key;
        *tail = v;
        tail = &v->next;
        skip_space(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == (object ? '}' : ']')) {
            ps->p++;
            ps->depth--;
            return j;
        }
        goto fail;
    }
fail:
    dnnr__json_free(j);
    return NULL;
}

static dnnr_json *parse_value(parser *ps)
{
    skip_space(ps);
    if (ps->p >= ps->end)
        return NULL;
    char c = *ps->p;
    if (c == '{' || c == '[')
        return parse_container(ps, c == '{');
    if (c == '"') {
        char *s = parse_string_raw(ps);
        dnnr_json *j = s ? node(DNNR_JSON_STRING) : NULL;
        if (!j) {
            dnnr__free(s);
            return NULL;
        }
        j->string = s;
        return j;
    }
    static const struct { const char *word; dnnr_json_type type; double v; } words[] = {
        {"null", DNNR_JSON_NULL, 0}, {"true", DNNR_JSON_BOOL, 1}, {"false", DNNR_JSON_BOOL, 0}};
    for (size_t i = 0; i < 3; i++) {
        size_t n = strlen(words[i].word);
        if ((size_t)(ps->end - ps->p) >= n && memcmp(ps->p, words[i].word, n) == 0) {
            ps->p += n;
            dnnr_json *j = node(words[i].type);
            if (j)
                j->number = words[i].v;
            return j;
        }
    }
    char number[64];
    size_t n = 0;
    while (ps->p + n < ps->end && n < sizeof number - 1 && strchr("+-0123456789.eE", ps->p[n]))
        n++;
    if (n == 0)
        return NULL;
    memcpy(number, ps->p, n);
    number[n] = '\0';
    char *end;
    double v = strtod(number, &end);
    if (end != number + n)
        return NULL;
    ps->p += n;
    dnnr_json *j = node(DNNR_JSON_NUMBER);
    if (j)
        j->number = v;
    return j;
}

dnnr_json *dnnr__json_parse(const char *text, size_t len, size_t *where)
{
    parser ps = {.p = text, .end = text + len, .start = text};
    dnnr_json *j = parse_value(&ps);
    skip_space(&ps);
    if (j && ps.p != ps.end) {
        dnnr__json_free(j);
        j = NULL;
    }
    if (!j && where)
        *where = (size_t)(ps.p - text);
    return j;
}

void dnnr__json_free(dnnr_json *j)
{
    while (j) {
        dnnr_json *next = j->next;
        dnnr__json_free(j->child);
        dnnr__free(j->string);
        dnnr__free(j->key);
        dnnr__free(j);
        j = next;
    }
}

const dnnr_json *dnnr__json_get(const dnnr_json *obj, const char *key)
{
    if (!obj || obj->type != DNNR_JSON_OBJECT)
        return NULL;
    for (const dnnr_json *m = obj->child; m; m = m->next)
        if (m->key && strcmp(m->key, key) == 0)
            return m;
    return NULL;
}

double dnnr__json_num(const dnnr_json *obj, const char *key)
{
    const dnnr_json *m = dnnr__json_get(obj, key);
    return (m && (m->type == DNNR_JSON_NUMBER || m->type == DNNR_JSON_BOOL)) ? m->number : NAN;
}

const char *dnnr__json_str(const dnnr_json *obj, const char *key)
{
    const dnnr_json *m = dnnr__json_get(obj, key);
    return (m && m->type == DNNR_JSON_STRING) ? m->string : NULL;
}

size_t dnnr__json_length(const dnnr_json *array)
{
    size_t n = 0;
    for (const dnnr_json *m = array ? array->child : NULL; m; m = m->next)
        n++;
    return n;
}
