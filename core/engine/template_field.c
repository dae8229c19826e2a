/* Model template fields: the key table and the one converter that turns a
 * literal, a categorical choice or a numeric parameter into a field's type. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/keras.h"
#include "engine/template_internal.h"

const struct dnnr__template_key dnnr__template_keys[K_COUNT_] = {
    [K_UNITS] = {"units", F_INT, V_NONE, L(DNNR_LAYER_DENSE)},
    [K_FILTERS] = {"filters", F_INT, V_NONE, L(DNNR_LAYER_CONV2D)},
    [K_ACTIVATION] = {"activation", F_STRING, V_ACT, WEIGHTED | L(DNNR_LAYER_ACTIVATION)},
    [K_KINIT] = {"kernel_initializer", F_STRING, V_INIT, WEIGHTED},
    [K_BINIT] = {"bias_initializer", F_STRING, V_INIT, WEIGHTED},
    [K_KREG] = {"kernel_regularizer", F_STRING, V_REG, WEIGHTED},
    [K_USE_BIAS] = {"use_bias", F_BOOL, V_NONE, WEIGHTED},
    [K_RATE] = {"rate", F_FLOAT, V_NONE, L(DNNR_LAYER_DROPOUT)},
    [K_KERNEL_SIZE] = {"kernel_size", F_PAIR, V_NONE, L(DNNR_LAYER_CONV2D)},
    [K_POOL_SIZE] = {"pool_size", F_PAIR, V_NONE, POOLS},
    [K_STRIDES] = {"strides", F_PAIR, V_NONE, POOLS | L(DNNR_LAYER_CONV2D)},
    [K_PADDING] = {"padding", F_STRING, V_PADDING, POOLS | L(DNNR_LAYER_CONV2D)},
    [K_MOMENTUM] = {"momentum", F_FLOAT, V_NONE, L(DNNR_LAYER_BATCH_NORM)},
    [K_EPSILON] = {"epsilon", F_FLOAT, V_NONE, L(DNNR_LAYER_BATCH_NORM)},
    [K_SHAPE] = {"shape", F_SHAPE, V_NONE, L(DNNR_LAYER_INPUT)},
    [K_SIDE] = {"side", F_INT, V_NONE, L(DNNR_LAYER_INPUT)},
    [K_SIDE_FIRST] = {"side_first", F_BOOL, V_NONE, L(DNNR_LAYER_CONCATENATE)},
    [K_REPEAT] = {"repeat", F_INT, V_NONE, ALL},
    [K_NAME] = {"name", F_STRING, V_NONE, ALL},
    [K_LOSS] = {"loss", F_STRING, V_LOSS, 0},
    [K_OPTIMIZER] = {"optimizer", F_STRING, V_OPT, 0},
    [K_LR] = {"lr", F_FLOAT, V_NONE, 0},
    [K_BATCH_SIZE] = {"batch_size", F_INT, V_NONE, 0},
    [K_EPOCHS] = {"epochs", F_INT, V_NONE, 0},
    [K_VALIDATION_SPLIT] = {"validation_split", F_FLOAT, V_NONE, 0},
    [K_SHUFFLE] = {"shuffle", F_BOOL, V_NONE, 0},
};

const char *const dnnr__template_kind_names[DNNR_LAYER_KIND_COUNT_] = {
    "dense",      "conv2d",     "max_pooling2d",       "average_pooling2d", "dropout",
    "flatten",    "activation", "batch_normalization", "input",             "concatenate"};

static int vocab_ok(fvocab v, const char *s)
{
    union {
        dnnr_activation a;
        dnnr_initializer i;
        dnnr_regularizer r;
        dnnr_loss l;
        dnnr_optimizer o;
    } u;
    switch (v) {
    case V_NONE:
        return 1;
    case V_ACT:
        return dnnr__keras_activation(s, &u.a) == 0;
    case V_INIT:
        return dnnr__keras_initializer(s, &u.i) == 0;
    case V_REG:
        return dnnr__keras_regularizer(s, &u.r) == 0;
    case V_PADDING:
        return strcmp(s, "valid") == 0 || strcmp(s, "same") == 0;
    case V_LOSS:
        return dnnr__keras_loss(s, &u.l) == 0;
    case V_OPT:
        return dnnr__keras_optimizer(s, &u.o) == 0;
    }
    return 0;
}

static const char *vocab_list(fvocab v)
{
    switch (v) {
    case V_ACT:
        return dnnr__keras_names("activation");
    case V_INIT:
        return dnnr__keras_names("initializer");
    case V_REG:
        return dnnr__keras_names("regularizer");
    case V_PADDING:
        return "valid, same";
    case V_LOSS:
        return dnnr__keras_names("loss");
    case V_OPT:
        return dnnr__keras_names("optimizer");
    default:
        return "";
    }
}

static int parse_int_text(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    double d = strtod(s, &end);
    if (end == s || *end || errno || d != floor(d) || fabs(d) > 9e15)
        return -1;
    *out = (int64_t)d;
    return 0;
}

/* A shape: [n] or [h, w, c] of positive integers ("36x60x1" and "36,60,1"
 * also work). */
static int convert_shape(const raw *r, field *dst, char *why, size_t why_len)
{
    int64_t v[3] = {0, 0, 0};
    int n = 0;
    if (r->kind == R_INTS) {
        n = r->n;
        memcpy(v, r->i, sizeof v);
    } else if (r->kind == R_INT) {
        n = 1;
        v[0] = r->i[0];
    } else if (r->kind == R_STRING) {
        const char *p = r->s;
        while (n < 4 && *p) {
            char *end;
            errno = 0;
            long long x = strtoll(p, &end, 10);
            if (end == p || errno || n == 3) {
                n = 0;
                break;
            }
            v[n++] = x;
            p = end;
            if (*p == 'x' || *p == ',')
                p++;
            else if (*p) {
                n = 0;
                break;
            }
        }
    }
    int ok = n == 1 || n == 3;
    int64_t size = 1; /* bounded so that sizes derived from it cannot overflow */
    for (int d = 0; ok && d < n; d++) {
        ok = v[d] >= 1 && v[d] <= (1 << 24);
        size *= ok ? v[d] : 1;
        ok = ok && size <= (int64_t)1 << 31;
    }
    if (!ok) {
        snprintf(why, why_len, "a shape [features] or [height, width, channels] of positive "
                               "integers");
        return -1;
    }
    memcpy(dst->i, v, sizeof v);
    dst->n = n;
    return 0;
}

/* Convert @p r to the type of key @p k into @p dst; on failure write what was
 * expected into @p why and return -1. */
int dnnr__template_convert(fkey k, const raw *r, field *dst, char *why, size_t why_len)
{
    const struct dnnr__template_key *ki = &dnnr__template_keys[k];
    switch (ki->type) {
    case F_INT:
        if (r->kind == R_INT) {
            dst->i[0] = r->i[0];
            return 0;
        }
        if (r->kind == R_FLOAT && r->f == floor(r->f) && fabs(r->f) < 9e15) {
            dst->i[0] = (int64_t)r->f;
            return 0;
        }
        if (r->kind == R_STRING && parse_int_text(r->s, &dst->i[0]) == 0)
            return 0;
        snprintf(why, why_len, "an integer");
        return -1;
    case F_FLOAT:
        if (r->kind == R_INT || r->kind == R_FLOAT) {
            dst->f = r->kind == R_INT ? (double)r->i[0] : r->f;
            return 0;
        }
        if (r->kind == R_STRING) {
            char *end;
            errno = 0;
            dst->f = strtod(r->s, &end);
            if (end != r->s && !*end && !errno)
                return 0;
        }
        snprintf(why, why_len, "a number");
        return -1;
    case F_BOOL:
        if (r->kind == R_BOOL || r->kind == R_INT) {
            dst->i[0] = r->i[0] != 0;
            return 0;
        }
        if (r->kind == R_STRING && (!strcmp(r->s, "true") || !strcmp(r->s, "false"))) {
            dst->i[0] = strcmp(r->s, "true") == 0;
            return 0;
        }
        snprintf(why, why_len, "true or false");
        return -1;
    case F_PAIR:
        if ((r->kind == R_INTS && r->n == 2) || r->kind == R_INT) {
            dst->i[0] = r->i[0];
            dst->i[1] = r->kind == R_INTS ? r->i[1] : r->i[0];
            return 0;
        }
        if (r->kind == R_STRING) {
            long long a, b;
            char c, extra;
            if (sscanf(r->s, "%lld %c %lld %c", &a, &c, &b, &extra) == 3 && (c == ',' || c == 'x')) {
                dst->i[0] = a;
                dst->i[1] = b;
                return 0;
            }
            if (parse_int_text(r->s, &dst->i[0]) == 0) {
                dst->i[1] = dst->i[0];
                return 0;
            }
        }
        snprintf(why, why_len, "an integer or a pair [a, b]");
        return -1;
    case F_SHAPE:
        return convert_shape(r, dst, why, why_len);
    case F_STRING:
        if (r->kind == R_STRING && vocab_ok(ki->vocab, r->s)) {
            dst->s = (char *)r->s; /* borrowed; the caller copies if it must */
            return 0;
        }
        if (r->kind == R_STRING)
            snprintf(why, why_len, "one of: %s (got '%s')", vocab_list(ki->vocab), r->s);
        else
            snprintf(why, why_len, "a string%s%s", ki->vocab != V_NONE ? ", one of: " : "",
                     vocab_list(ki->vocab));
        return -1;
    }
    return -1;
}

