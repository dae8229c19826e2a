/* JSON for trials.jsonl: a writer that appends to a dnnr_buf, and a small
 * parser for reading the journal back on --resume and for `report`. */
#ifndef DNNR_UTIL_JSON_H
#define DNNR_UTIL_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/* Writer: the caller places commas and braces; these write values. */
void dnnr__json_string(dnnr_buf *b, const char *s);
/** A number with round-trip precision; NaN and infinities become null. */
void dnnr__json_number(dnnr_buf *b, double v);
/** `"key":` */
void dnnr__json_key(dnnr_buf *b, const char *key);
/** `,"key":number` and `,"key":"string"`: one more member of an open object. */
void dnnr__json_field_number(dnnr_buf *b, const char *key, double v);
void dnnr__json_field_string(dnnr_buf *b, const char *key, const char *s);
/** `,"key":[v0,v1,...]`: an array of @p n numbers, as dnnr__json_number writes each. */
void dnnr__json_field_numbers(dnnr_buf *b, const char *key, const double *v, size_t n);

typedef enum dnnr_json_type {
    DNNR_JSON_NULL,
    DNNR_JSON_BOOL,
    DNNR_JSON_NUMBER,
    DNNR_JSON_STRING,
    DNNR_JSON_ARRAY,
    DNNR_JSON_OBJECT,
} dnnr_json_type;

typedef struct dnnr_json dnnr_json;
struct dnnr_json {
    dnnr_json_type type;
    double number;     /* NUMBER, BOOL (0/1) */
    char *string;      /* STRING */
    char *key;         /* set on members of an object */
    dnnr_json *child;  /* first element / member */
    dnnr_json *next;   /* next sibling */
};

/** Parse one JSON text; NULL on a syntax error (with *where set to the offset). */
dnnr_json *dnnr__json_parse(const char *text, size_t len, size_t *where);
void dnnr__json_free(dnnr_json *j);
/** Member of an object, or NULL. */
const dnnr_json *dnnr__json_get(const dnnr_json *obj, const char *key);
/** Number member (NaN when absent, null or not a number). */
double dnnr__json_num(const dnnr_json *obj, const char *key);
/** String member, or NULL. */
const char *dnnr__json_str(const dnnr_json *obj, const char *key);
size_t dnnr__json_length(const dnnr_json *array);

#endif
