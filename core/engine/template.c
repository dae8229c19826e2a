/* Model templates: parsing (literal checks, file:line errors) and
 * resolution against a configuration. Each field is stored as its literal or
 * its "$name" reference; one converter turns either into the field's type,
 * so literals, categorical choices and numeric parameters obey one rule. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/keras.h"
#include "engine/template.h"
#include "util/alloc.h"

typedef enum ftype { F_INT, F_FLOAT, F_STRING, F_BOOL, F_PAIR } ftype;

/* What a string field names, so literals and choices are checked early. */
typedef enum fvocab { V_NONE, V_ACT, V_INIT, V_REG, V_PADDING, V_LOSS, V_OPT } fvocab;

typedef enum fkey {
    K_UNITS, K_FILTERS, K_ACTIVATION, K_KINIT, K_BINIT, K_KREG, K_USE_BIAS, K_RATE,
    K_KERNEL_SIZE, K_POOL_SIZE, K_STRIDES, K_PADDING, K_MOMENTUM, K_EPSILON, K_REPEAT, K_NAME,
    K_LAYER_COUNT_,
    K_LOSS = K_LAYER_COUNT_, K_OPTIMIZER, K_LR, K_BATCH_SIZE, K_EPOCHS, K_VALIDATION_SPLIT,
    K_SHUFFLE, K_COUNT_
} fkey;

#define L(kind) (1u << (kind))
#define WEIGHTED (L(DNNR_LAYER_DENSE) | L(DNNR_LAYER_CONV2D))
#define POOLS (L(DNNR_LAYER_MAX_POOL2D) | L(DNNR_LAYER_AVG_POOL2D))
#define ALL 0xffu

static const struct keyinfo {
    const char *name;
    ftype type;
    fvocab vocab;
    unsigned layers; /* which layer kinds accept it (0: a training key) */
} keys[K_COUNT_] = {
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

static const char *const kind_names[] = {"dense", "conv2d", "max_pooling2d", "average_pooling2d",
                                         "dropout", "flatten", "activation",
                                         "batch_normalization"};

typedef struct field {
    int present;
    uint32_t line;
    char *ref; /* parameter name (without '$'), or NULL for a literal */
    /* the literal, or a resolved value */
    int64_t i[2];
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
    enum { R_STRING, R_INT, R_FLOAT, R_BOOL, R_PAIR } kind;
    const char *s;
    int64_t i[2];
    double f;
} raw;

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

/* Convert @p r to the type of key @p k into @p dst; on failure write what was
 * expected into @p why and return -1. */
static int convert(fkey k, const raw *r, field *dst, char *why, size_t why_len)
{
    const struct keyinfo *ki = &keys[k];
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
        if (r->kind == R_PAIR || r->kind == R_INT) {
            dst->i[0] = r->i[0];
            dst->i[1] = r->kind == R_PAIR ? r->i[1] : r->i[0];
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

static void field_free(field *f)
{
    dnnr__free(f->ref);
    dnnr__free(f->s);
}

void dnnr__model_template_destroy(dnnr_model_template *t)
{
    if (!t)
        return;
    for (uint32_t l = 0; t->layers && l < t->n_layers; l++)
        for (int k = 0; k < K_LAYER_COUNT_; k++)
            field_free(&t->layers[l].f[k]);
    for (int k = K_LAYER_COUNT_; k < K_COUNT_; k++)
        field_free(&t->train[k]);
    dnnr__free(t->layers);
    dnnr__free(t->file);
    dnnr__free(t);
}

static int find_key(const char *name, int first, int last)
{
    for (int k = first; k < last; k++)
        if (strcmp(keys[k].name, name) == 0)
            return k;
    return -1;
}

static void key_list(char *buf, size_t len, unsigned layer_mask, int training)
{
    buf[0] = 0;
    for (int k = 0; k < K_COUNT_; k++) {
        int ok = training ? keys[k].layers == 0 : (keys[k].layers & layer_mask) != 0;
        if (!ok)
            continue;
        size_t used = strlen(buf);
        snprintf(buf + used, len - used, "%s%s", used ? ", " : "", keys[k].name);
    }
}

/* Read one setting into field f of key k. */
static int read_field(const dnnr_model_template *t, const config_setting_t *s, fkey k, field *f,
                      const char *where, dnnr_error *err)
{
    f->present = 1;
    f->line = (uint32_t)config_setting_source_line(s);
    raw r = {0};
    switch (config_setting_type(s)) {
    case CONFIG_TYPE_STRING:
        r.kind = R_STRING;
        r.s = config_setting_get_string(s);
        if (r.s[0] == '$') {
            if (!r.s[1])
                return dnnr__error_set(err, DNNR_EPARSE, "%s:%u: %s '%s': empty parameter name after '$'",
                                       t->file, f->line, where, keys[k].name);
            f->ref = dnnr__strdup(r.s + 1);
            return f->ref ? DNNR_OK : DNNR_ENOMEM;
        }
        break;
    case CONFIG_TYPE_INT:
    case CONFIG_TYPE_INT64:
        r.kind = R_INT;
        r.i[0] = config_setting_get_int64(s);
        break;
    case CONFIG_TYPE_FLOAT:
        r.kind = R_FLOAT;
        r.f = config_setting_get_float(s);
        break;
    case CONFIG_TYPE_BOOL:
        r.kind = R_BOOL;
        r.i[0] = config_setting_get_bool(s);
        break;
    case CONFIG_TYPE_ARRAY:
    case CONFIG_TYPE_LIST:
        if (config_setting_length(s) == 2) {
            const config_setting_t *a = config_setting_get_elem(s, 0),
                                   *b = config_setting_get_elem(s, 1);
            int ta = config_setting_type(a), tb = config_setting_type(b);
            if ((ta == CONFIG_TYPE_INT || ta == CONFIG_TYPE_INT64) &&
                (tb == CONFIG_TYPE_INT || tb == CONFIG_TYPE_INT64)) {
                r.kind = R_PAIR;
                r.i[0] = config_setting_get_int64(a);
                r.i[1] = config_setting_get_int64(b);
                break;
            }
        }
        r.kind = R_STRING;
        r.s = "(a list)";
        break;
    default:
        r.kind = R_STRING;
        r.s = "(a group)";
        break;
    }
    char why[1024];
    if (convert(k, &r, f, why, sizeof why) != 0)
        return dnnr__error_set(err, DNNR_EPARSE, "%s:%u: %s '%s': expected %s or \"$name\"",
                               t->file, f->line, where, keys[k].name, why);
    if (keys[k].type == F_STRING) {
        f->s = dnnr__strdup(f->s);
        if (!f->s)
            return DNNR_ENOMEM;
    }
    return DNNR_OK;
}

static int parse_layer(dnnr_model_template *t, const config_setting_t *g, uint32_t index,
                       dnnr_error *err)
{
    tlayer *L = &t->layers[index];
    L->line = (uint32_t)config_setting_source_line(g);
    if (!config_setting_is_group(g))
        return dnnr__error_set(err, DNNR_EPARSE, "%s:%u: model entry %u: expected a group { type = ...; }",
                               t->file, L->line, index + 1);
    const char *type = NULL;
    if (!config_setting_lookup_string(g, "type", &type))
        return dnnr__error_set(err, DNNR_EPARSE,
                               "%s:%u: model entry %u: expected a string 'type' (one of dense, "
                               "conv2d, max_pooling2d, average_pooling2d, dropout, flatten, "
                               "activation, batch_normalization)",
                               t->file, L->line, index + 1);
    int kind = -1;
    for (int k = 0; k < 8; k++)
        if (strcmp(type, kind_names[k]) == 0)
            kind = k;
    if (kind < 0)
        return dnnr__error_set(err, DNNR_EPARSE,
                               "%s:%u: model entry %u: unknown layer type '%s'; expected dense, "
                               "conv2d, max_pooling2d, average_pooling2d, dropout, flatten, "
                               "activation or batch_normalization",
                               t->file, L->line, index + 1, type);
    L->kind = (dnnr_layer_kind)kind;
    char where[64];
    snprintf(where, sizeof where, "layer %u (%s)", index + 1, type);
    for (int e = 0; e < config_setting_length(g); e++) {
        const config_setting_t *s = config_setting_get_elem(g, (unsigned)e);
        const char *name = config_setting_name(s);
        if (strcmp(name, "type") == 0)
            continue;
        int k = find_key(name, 0, K_LAYER_COUNT_);
        if (k < 0 || !(keys[k].layers & L(kind))) {
            char list[512];
            key_list(list, sizeof list, L(kind), 0);
            return dnnr__error_set(err, DNNR_EPARSE, "%s:%d: %s: unknown key '%s'; expected one of: type, %s",
                                   t->file, config_setting_source_line(s), where, name, list);
        }
        int rc = read_field(t, s, (fkey)k, &L->f[k], where, err);
        if (rc)
            return rc;
    }
    static const struct {
        dnnr_layer_kind kind;
        fkey key;
    } required[] = {{DNNR_LAYER_DENSE, K_UNITS},         {DNNR_LAYER_CONV2D, K_FILTERS},
                    {DNNR_LAYER_CONV2D, K_KERNEL_SIZE},  {DNNR_LAYER_DROPOUT, K_RATE},
                    {DNNR_LAYER_ACTIVATION, K_ACTIVATION}};
    for (size_t q = 0; q < sizeof required / sizeof required[0]; q++)
        if (required[q].kind == L->kind && !L->f[required[q].key].present)
            return dnnr__error_set(err, DNNR_EPARSE, "%s:%u: %s: missing required key '%s'",
                                   t->file, L->line, where, keys[required[q].key].name);
    return DNNR_OK;
}

int dnnr__model_template_parse(const config_setting_t *model, const config_setting_t *training,
                               const char *file, dnnr_model_template **out, dnnr_error *err)
{
    *out = NULL;
    if (!file)
        file = "(subject)";
    if (!model || !config_setting_is_list(model))
        return dnnr__error_set(err, DNNR_EPARSE, "%s:%d: expected 'model' to be a list ( {...}, ... ) of layers",
                               file, model ? config_setting_source_line(model) : 0);
    if (!training || !config_setting_is_group(training))
        return dnnr__error_set(err, DNNR_EPARSE, "%s:%d: expected a 'training' group { loss = ...; }",
                               file, training ? config_setting_source_line(training) : 0);
    dnnr_model_template *t = dnnr__alloc(1, sizeof *t);
    if (!t)
        return dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
    t->file = dnnr__strdup(file);
    t->n_layers = (uint32_t)config_setting_length(model);
    t->layers = dnnr__alloc(t->n_layers ? t->n_layers : 1, sizeof *t->layers);
    int rc = (!t->file || !t->layers) ? DNNR_ENOMEM : DNNR_OK;
    if (rc == DNNR_OK && t->n_layers == 0)
        rc = dnnr__error_set(err, DNNR_EPARSE, "%s:%d: 'model' has no layers", file,
                             config_setting_source_line(model));
    for (uint32_t l = 0; rc == DNNR_OK && l < t->n_layers; l++)
        rc = parse_layer(t, config_setting_get_elem(model, l), l, err);
    t->training_line = (uint32_t)config_setting_source_line(training);
    for (int e = 0; rc == DNNR_OK && e < config_setting_length(training); e++) {
        const config_setting_t *s = config_setting_get_elem(training, (unsigned)e);
        int k = find_key(config_setting_name(s), K_LAYER_COUNT_, K_COUNT_);
        if (k < 0) {
            char list[256];
            key_list(list, sizeof list, 0, 1);
            rc = dnnr__error_set(err, DNNR_EPARSE, "%s:%d: training: unknown key '%s'; expected one of: %s",
                                 file, config_setting_source_line(s), config_setting_name(s), list);
            break;
        }
        rc = read_field(t, s, (fkey)k, &t->train[k], "training", err);
    }
    static const fkey required[] = {K_LOSS, K_OPTIMIZER, K_BATCH_SIZE, K_EPOCHS};
    for (size_t q = 0; rc == DNNR_OK && q < sizeof required / sizeof required[0]; q++)
        if (!t->train[required[q]].present)
            rc = dnnr__error_set(err, DNNR_EPARSE, "%s:%u: training: missing required key '%s'",
                                 file, t->training_line, keys[required[q]].name);
    if (rc == DNNR_ENOMEM)
        dnnr__error_set(err, rc, "out of memory");
    if (rc != DNNR_OK) {
        dnnr__model_template_destroy(t);
        return rc;
    }
    *out = t;
    return DNNR_OK;
}

static int find_param(const dnnr_space *space, const char *name)
{
    for (uint32_t p = 0; space && p < space->n_params; p++)
        if (strcmp(space->params[p]->name, name) == 0)
            return (int)p;
    return -1;
}

/* The value of field f (key k) under config, converted into *dst. With
 * config NULL, every value the parameter can take is tried (check mode). */
static int field_value(const dnnr_model_template *t, fkey k, const field *f,
                       const dnnr_space *space, const dnnr_value *config, field *dst,
                       dnnr_error *err)
{
    if (!f->ref) {
        *dst = *f;
        return DNNR_OK;
    }
    int p = find_param(space, f->ref);
    if (p < 0)
        return dnnr__error_set(err, DNNR_EINVAL, "%s:%u: '%s' refers to '$%s', which is not a parameter of the space",
                               t->file, f->line, keys[k].name, f->ref);
    const dnnr_param *param = space->params[p];
    char why[1024];
    raw r = {0};
    int64_t first = 0, last = 0;
    if (param->kind == DNNR_PARAM_CATEGORICAL) {
        if (config) {
            first = last = config[p].i;
            if (first < 0 || first >= (int64_t)param->n_choices)
                return dnnr__error_set(err, DNNR_EINVAL, "%s:%u: '$%s' has choice index %lld out of range",
                                       t->file, f->line, f->ref, (long long)first);
        } else {
            last = (int64_t)param->n_choices - 1;
        }
        for (int64_t c = first; c <= last; c++) {
            r.kind = R_STRING;
            r.s = param->choices[c];
            if (convert(k, &r, dst, why, sizeof why) != 0)
                return dnnr__error_set(err, DNNR_EINVAL, "%s:%u: '%s' = '$%s': choice '%s' is not valid here; expected %s",
                                       t->file, f->line, keys[k].name, f->ref, param->choices[c], why);
        }
        return DNNR_OK;
    }
    if (param->kind == DNNR_PARAM_INTEGER) {
        r.kind = R_INT;
        r.i[0] = config ? config[p].i : (int64_t)param->lo;
    } else {
        r.kind = R_FLOAT;
        r.f = config ? config[p].f : param->lo;
        if (!config && keys[k].type == F_INT)
            r.f = 0.5; /* a float parameter never fits an integer field */
    }
    if (convert(k, &r, dst, why, sizeof why) != 0)
        return dnnr__error_set(err, DNNR_EINVAL, "%s:%u: '%s' = '$%s' (%s parameter): expected %s",
                               t->file, f->line, keys[k].name, f->ref,
                               param->kind == DNNR_PARAM_INTEGER ? "an integer" : "a float", why);
    return DNNR_OK;
}

int dnnr__model_template_check(const dnnr_model_template *t, const dnnr_space *space,
                               dnnr_error *err)
{
    field tmp;
    for (uint32_t l = 0; l < t->n_layers; l++)
        for (int k = 0; k < K_LAYER_COUNT_; k++)
            if (t->layers[l].f[k].present) {
                int rc = field_value(t, (fkey)k, &t->layers[l].f[k], space, NULL, &tmp, err);
                if (rc)
                    return rc;
            }
    for (int k = K_LAYER_COUNT_; k < K_COUNT_; k++)
        if (t->train[k].present) {
            int rc = field_value(t, (fkey)k, &t->train[k], space, NULL, &tmp, err);
            if (rc)
                return rc;
        }
    return DNNR_OK;
}

void dnnr__model_spec_destroy(dnnr_model_spec *spec)
{
    if (!spec)
        return;
    dnnr__free(spec->layers);
    dnnr__free(spec->file);
    dnnr__free(spec);
}

/* Resolved fields of one layer (defaults where absent). */
static int resolve_layer(const dnnr_model_template *t, const tlayer *L, const dnnr_space *space,
                         const dnnr_value *config, dnnr_layer_spec *out, int64_t *repeat,
                         dnnr_error *err)
{
    field v[K_LAYER_COUNT_];
    memset(v, 0, sizeof v);
    for (int k = 0; k < K_LAYER_COUNT_; k++)
        if (L->f[k].present) {
            int rc = field_value(t, (fkey)k, &L->f[k], space, config, &v[k], err);
            if (rc)
                return rc;
            v[k].present = 1;
        }
    memset(out, 0, sizeof *out);
    out->kind = L->kind;
    out->source_line = L->line;
    out->units = L->kind == DNNR_LAYER_CONV2D ? v[K_FILTERS].i[0] : v[K_UNITS].i[0];
    out->activation = DNNR_ACT_LINEAR;
    if (v[K_ACTIVATION].present)
        dnnr__keras_activation(v[K_ACTIVATION].s, &out->activation);
    out->kernel_init = DNNR_INIT_GLOROT_UNIFORM;
    if (v[K_KINIT].present)
        dnnr__keras_initializer(v[K_KINIT].s, &out->kernel_init);
    out->bias_init = DNNR_INIT_ZEROS;
    if (v[K_BINIT].present)
        dnnr__keras_initializer(v[K_BINIT].s, &out->bias_init);
    out->kernel_reg = DNNR_REG_NONE;
    if (v[K_KREG].present)
        dnnr__keras_regularizer(v[K_KREG].s, &out->kernel_reg);
    out->use_bias = v[K_USE_BIAS].present ? (int)v[K_USE_BIAS].i[0] : 1;
    out->rate = v[K_RATE].f;
    const field *size = L->kind == DNNR_LAYER_CONV2D ? &v[K_KERNEL_SIZE] : &v[K_POOL_SIZE];
    out->kernel[0] = size->present ? size->i[0] : 2;
    out->kernel[1] = size->present ? size->i[1] : 2;
    int pool = L->kind == DNNR_LAYER_MAX_POOL2D || L->kind == DNNR_LAYER_AVG_POOL2D;
    out->strides[0] = v[K_STRIDES].present ? v[K_STRIDES].i[0] : (pool ? out->kernel[0] : 1);
    out->strides[1] = v[K_STRIDES].present ? v[K_STRIDES].i[1] : (pool ? out->kernel[1] : 1);
    out->same_padding = v[K_PADDING].present && strcmp(v[K_PADDING].s, "same") == 0;
    out->momentum = v[K_MOMENTUM].present ? v[K_MOMENTUM].f : 0.99;
    out->epsilon = v[K_EPSILON].present ? v[K_EPSILON].f : 1e-3;
    *repeat = v[K_REPEAT].present ? v[K_REPEAT].i[0] : 1;
    if (*repeat < 0 || *repeat > 1000)
        return dnnr__error_set(err, DNNR_EINVAL, "%s:%u: repeat = %lld; expected 0..1000", t->file,
                               L->f[K_REPEAT].line, (long long)*repeat);
    return DNNR_OK;
}

int dnnr__model_resolve(const dnnr_model_template *t, const dnnr_space *space,
                        const dnnr_value *config, dnnr_model_spec **out, dnnr_error *err)
{
    *out = NULL;
    dnnr_model_spec *spec = dnnr__alloc(1, sizeof *spec);
    if (!spec)
        return dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
    spec->file = dnnr__strdup(t->file);
    dnnr_layer_spec *once = dnnr__alloc(t->n_layers, sizeof *once);
    int64_t *repeats = dnnr__alloc(t->n_layers, sizeof *repeats);
    int rc = (!spec->file || !once || !repeats) ? DNNR_ENOMEM : DNNR_OK;
    int64_t total = 0;
    for (uint32_t l = 0; rc == DNNR_OK && l < t->n_layers; l++) {
        rc = resolve_layer(t, &t->layers[l], space, config, &once[l], &repeats[l], err);
        total += repeats[l];
    }
    if (rc == DNNR_OK) {
        spec->layers = dnnr__alloc(total ? (size_t)total : 1, sizeof *spec->layers);
        if (!spec->layers)
            rc = DNNR_ENOMEM;
    }
    for (uint32_t l = 0; rc == DNNR_OK && l < t->n_layers; l++)
        for (int64_t r = 0; r < repeats[l]; r++)
            spec->layers[spec->n_layers++] = once[l];
    field v[K_COUNT_];
    memset(v, 0, sizeof v);
    for (int k = K_LAYER_COUNT_; rc == DNNR_OK && k < K_COUNT_; k++)
        if (t->train[k].present) {
            rc = field_value(t, (fkey)k, &t->train[k], space, config, &v[k], err);
            v[k].present = 1;
        }
    if (rc == DNNR_OK) {
        dnnr__keras_loss(v[K_LOSS].s, &spec->loss);
        dnnr__keras_optimizer(v[K_OPTIMIZER].s, &spec->optimizer);
        spec->lr = v[K_LR].present ? v[K_LR].f
                                   : (spec->optimizer == DNNR_UPDATE_SGD ? 0.01 : 0.001);
        spec->batch_size = v[K_BATCH_SIZE].i[0];
        spec->epochs = v[K_EPOCHS].i[0];
        spec->validation_split = v[K_VALIDATION_SPLIT].f;
        spec->shuffle = v[K_SHUFFLE].present ? (int)v[K_SHUFFLE].i[0] : 1;
    }
    dnnr__free(once);
    dnnr__free(repeats);
    if (rc == DNNR_ENOMEM)
        dnnr__error_set(err, rc, "out of memory");
    if (rc != DNNR_OK) {
        dnnr__model_spec_destroy(spec);
        return rc;
    }
    *out = spec;
    return DNNR_OK;
}
