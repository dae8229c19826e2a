/* Model templates: parsing, with literal checks and file:line errors. Each
 * field is stored as its literal or its "$name" reference (resolve.c turns
 * them into a spec). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/keras.h"
#include "engine/template_internal.h"
#include "util/alloc.h"

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
        if (strcmp(dnnr__template_keys[k].name, name) == 0)
            return k;
    return -1;
}

static void key_list(char *buf, size_t len, unsigned layer_mask, int training)
{
    buf[0] = 0;
    for (int k = 0; k < K_COUNT_; k++) {
        int ok = training ? dnnr__template_keys[k].layers == 0 : (dnnr__template_keys[k].layers & layer_mask) != 0;
        if (!ok)
            continue;
        size_t used = strlen(buf);
        snprintf(buf + used, len - used, "%s%s", used ? ", " : "", dnnr__template_keys[k].name);
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
                                       t->file, f->line, where, dnnr__template_keys[k].name);
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
    case CONFIG_TYPE_LIST: {
        int len = config_setting_length(s), ints = len >= 1 && len <= 3;
        for (int e = 0; ints && e < len; e++) {
            int te = config_setting_type(config_setting_get_elem(s, (unsigned)e));
            ints = te == CONFIG_TYPE_INT || te == CONFIG_TYPE_INT64;
        }
        if (ints) {
            r.kind = R_INTS;
            r.n = len;
            for (int e = 0; e < len; e++)
                r.i[e] = config_setting_get_int64(config_setting_get_elem(s, (unsigned)e));
            break;
        }
        r.kind = R_STRING;
        r.s = "(a list)";
        break;
    }
    default:
        r.kind = R_STRING;
        r.s = "(a group)";
        break;
    }
    char why[1024];
    if (dnnr__template_convert(k, &r, f, why, sizeof why) != 0)
        return dnnr__error_set(err, DNNR_EPARSE, "%s:%u: %s '%s': expected %s or \"$name\"",
                               t->file, f->line, where, dnnr__template_keys[k].name, why);
    if (dnnr__template_keys[k].type == F_STRING) {
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
                               "activation, batch_normalization, input, concatenate)",
                               t->file, L->line, index + 1);
    int kind = -1;
    for (int k = 0; k < DNNR_LAYER_KIND_COUNT_; k++)
        if (strcmp(type, dnnr__template_kind_names[k]) == 0)
            kind = k;
    if (kind < 0)
        return dnnr__error_set(err, DNNR_EPARSE,
                               "%s:%u: model entry %u: unknown layer type '%s'; expected dense, "
                               "conv2d, max_pooling2d, average_pooling2d, dropout, flatten, "
                               "activation, batch_normalization, input or concatenate",
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
        if (k < 0 || !(dnnr__template_keys[k].layers & L(kind))) {
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
                    {DNNR_LAYER_ACTIVATION, K_ACTIVATION}, {DNNR_LAYER_INPUT, K_SHAPE}};
    for (size_t q = 0; q < sizeof required / sizeof required[0]; q++)
        if (required[q].kind == L->kind && !L->f[required[q].key].present)
            return dnnr__error_set(err, DNNR_EPARSE, "%s:%u: %s: missing required key '%s'",
                                   t->file, L->line, where, dnnr__template_keys[required[q].key].name);
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
                                 file, t->training_line, dnnr__template_keys[required[q]].name);
    if (rc == DNNR_ENOMEM)
        dnnr__error_set(err, rc, "out of memory");
    if (rc != DNNR_OK) {
        dnnr__model_template_destroy(t);
        return rc;
    }
    *out = t;
    return DNNR_OK;
}


uint32_t dnnr__model_template_n_layers(const dnnr_model_template *t)
{
    return t ? t->n_layers : 0;
}

uint32_t dnnr__model_template_line(const dnnr_model_template *t, int32_t layer)
{
    if (!t)
        return 0;
    if (layer < 0)
        return layer == -1 ? t->training_line : 0;
    return (uint32_t)layer < t->n_layers ? t->layers[layer].line : 0;
}

int dnnr__model_template_field(const dnnr_model_template *t, int32_t layer, const char *key,
                               dnnr_template_field *out)
{
    memset(out, 0, sizeof *out);
    if (!t || !key || layer < -1 || (layer >= 0 && (uint32_t)layer >= t->n_layers))
        return DNNR_EINVAL;
    const field *f;
    uint32_t owner_line;
    if (layer == -1) {
        int k = find_key(key, K_LAYER_COUNT_, K_COUNT_);
        if (k < 0)
            return DNNR_EINVAL;
        f = &t->train[k];
        owner_line = t->training_line;
    } else {
        const tlayer *L = &t->layers[layer];
        int k = find_key(key, 0, K_LAYER_COUNT_);
        if (k < 0 || !(dnnr__template_keys[k].layers & L(L->kind)))
            return DNNR_EINVAL;
        f = &L->f[k];
        owner_line = L->line;
    }
    out->present = f->present;
    out->line = f->present ? f->line : owner_line;
    out->param = f->present ? f->ref : NULL;
    return DNNR_OK;
}

const char *dnnr__model_template_ref(const dnnr_model_template *t, int32_t layer, const char *key)
{
    dnnr_template_field f;
    return dnnr__model_template_field(t, layer, key, &f) == DNNR_OK ? f.param : NULL;
}

const char *dnnr__model_template_key(size_t i, int *training)
{
    if (i >= K_COUNT_)
        return NULL;
    if (training)
        *training = i >= K_LAYER_COUNT_;
    return dnnr__template_keys[i].name;
}
