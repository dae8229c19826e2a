/* Internals of model templates, shared by template.c (parsing),
 * template_field.c (field types and conversion) and resolve.c. */
#ifndef DNNR_ENGINE_TEMPLATE_INTERNAL_H
#define DNNR_ENGINE_TEMPLATE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "engine/template.h"

/* F_PAIR: [a, b] (or one integer for both); F_SHAPE: [h, w, c] or [n]. */
typedef enum ftype { F_INT, F_FLOAT, F_STRING, F_BOOL, F_PAIR, F_SHAPE } ftype;

/* What a string field names, so literals and choices are checked early. */
typedef enum fvocab { V_NONE, V_ACT, V_INIT, V_REG, V_PADDING, V_LOSS, V_OPT } fvocab;

typedef enum fkey {
    K_UNITS, K_FILTERS, K_ACTIVATION, K_KINIT, K_BINIT, K_KREG, K_USE_BIAS, K_RATE,
    K_KERNEL_SIZE, K_POOL_SIZE, K_STRIDES, K_PADDING, K_MOMENTUM, K_EPSILON, K_SHAPE, K_SIDE,
    K_SIDE_FIRST, K_REPEAT, K_NAME,
    K_LAYER_COUNT_,
    K_LOSS = K_LAYER_COUNT_, K_OPTIMIZER, K_LR, K_BATCH_SIZE, K_EPOCHS, K_VALIDATION_SPLIT,
    K_SHUFFLE, K_COUNT_
} fkey;

#define L(kind) (1u << (kind))
#define WEIGHTED (L(DNNR_LAYER_DENSE) | L(DNNR_LAYER_CONV2D))
#define POOLS (L(DNNR_LAYER_MAX_POOL2D) | L(DNNR_LAYER_AVG_POOL2D))
#define ALL ((1u << DNNR_LAYER_KIND_COUNT_) - 1u)

struct dnnr__template_key {
    const char *name;
    ftype type;
    fvocab vocab;
    unsigned layers; /* which layer kinds accept it (0: a training key) */
};

/* Every key: its name, type, vocabulary and the layer kinds that accept it. */
extern const struct dnnr__template_key dnnr__template_keys[K_COUNT_];
extern const char *const dnnr__template_kind_names[DNNR_LAYER_KIND_COUNT_];

typedef struct field {
    int present;
    uint32_t line;
    char *ref; /* parameter name (without '$'), or NULL for a literal */
    /* the literal, or a resolved value */
    int64_t i[3];
    int n; /* F_SHAPE: how many of i[] */
    double f;
    char *s;
} field;

typedef struct tlayer {
    dnnr_layer_kind kind;
    uint32_t line;
    field f[K_LAYER_COUNT_];
} tlayer;

struct dnnr_model_template {
    char *file;
    uint32_t n_layers;
    tlayer *layers;
    uint32_t training_line;
    field train[K_COUNT_]; /* indices K_LOSS.. used */
};

/* A value about to be converted: a literal string, integer or float. */
typedef struct raw {
    enum { R_STRING, R_INT, R_FLOAT, R_BOOL, R_INTS } kind;
    const char *s;
    int64_t i[3];
    int n; /* R_INTS: a list of 1 to 3 integers */
    double f;
} raw;

/* Convert @p r to key @p k's type into @p dst; -1 with what was expected in @p why. */
int dnnr__template_convert(fkey k, const raw *r, field *dst, char *why, size_t why_len);

#endif
