/* Model templates: checks against a space and resolution of "$name" fields
 * for one configuration into a dnnr_model_spec, repeats expanded. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/keras.h"
#include "engine/template_internal.h"
#include "util/alloc.h"

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
                               t->file, f->line, dnnr__template_keys[k].name, f->ref);
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
            if (dnnr__template_convert(k, &r, dst, why, sizeof why) != 0)
                return dnnr__error_set(err, DNNR_EINVAL, "%s:%u: '%s' = '$%s': choice '%s' is not valid here; expected %s",
                                       t->file, f->line, dnnr__template_keys[k].name, f->ref, param->choices[c], why);
        }
        return DNNR_OK;
    }
    if (param->kind == DNNR_PARAM_INTEGER) {
        r.kind = R_INT;
        r.i[0] = config ? config[p].i : (int64_t)param->lo;
    } else {
        r.kind = R_FLOAT;
        r.f = config ? config[p].f : param->lo;
        if (!config && dnnr__template_keys[k].type == F_INT)
            r.f = 0.5; /* a float parameter never fits an integer field */
    }
    if (dnnr__template_convert(k, &r, dst, why, sizeof why) != 0)
        return dnnr__error_set(err, DNNR_EINVAL, "%s:%u: '%s' = '$%s' (%s parameter): expected %s",
                               t->file, f->line, dnnr__template_keys[k].name, f->ref,
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
static int resolve_layer(const dnnr_model_template *t, uint32_t index, const dnnr_space *space,
                         const dnnr_value *config, dnnr_layer_spec *out, int64_t *repeat,
                         dnnr_error *err)
{
    const tlayer *L = &t->layers[index];
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
    out->template_layer = index;
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
    if (v[K_SHAPE].present) {
        out->shape_rank = v[K_SHAPE].n;
        memcpy(out->shape, v[K_SHAPE].i, sizeof out->shape);
    }
    out->side = v[K_SIDE].present ? v[K_SIDE].i[0] : 0;
    out->side_first = v[K_SIDE_FIRST].present ? (int)v[K_SIDE_FIRST].i[0] : 1;
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
        rc = resolve_layer(t, l, space, config, &once[l], &repeats[l], err);
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
