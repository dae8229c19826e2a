/* Building and copying spaces. The public dnnr_space is the first member of
 * the core's own struct, so a space handed to plugins is the same object the
 * core frees. */
#include "space/space.h"

#include <math.h>
#include <string.h>

#include "util/alloc.h"

typedef struct space_impl {
    dnnr_space pub;
    dnnr_param **params; /* owned; pub.params aliases it */
    uint32_t capacity;
} space_impl;

dnnr_space *dnnr__space_create(void)
{
    space_impl *s = dnnr__alloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->pub.struct_size = sizeof(dnnr_space);
    return &s->pub;
}

static void param_free(dnnr_param *p)
{
    if (!p)
        return;
    dnnr__free((char *)p->name);
    for (uint32_t i = 0; i < p->n_choices && p->choices; i++)
        dnnr__free((char *)p->choices[i]);
    dnnr__free((void *)p->choices);
    dnnr__free(p);
}

void dnnr__space_destroy(dnnr_space *pub)
{
    if (!pub)
        return;
    space_impl *s = (space_impl *)pub;
    for (uint32_t i = 0; i < s->pub.n_params; i++)
        param_free(s->params[i]);
    dnnr__free(s->params);
    dnnr__free(s);
}

int dnnr__space_find(const dnnr_space *s, const char *name)
{
    for (uint32_t i = 0; i < s->n_params; i++)
        if (strcmp(s->params[i]->name, name) == 0)
            return (int)i;
    return -1;
}

int dnnr__param_choice(const dnnr_param *p, const char *choice)
{
    for (uint32_t i = 0; i < p->n_choices; i++)
        if (strcmp(p->choices[i], choice) == 0)
            return (int)i;
    return -1;
}

int dnnr__value_valid(const dnnr_param *p, dnnr_value v)
{
    switch (p->kind) {
    case DNNR_PARAM_CATEGORICAL:
        return v.i >= 0 && v.i < (int64_t)p->n_choices;
    case DNNR_PARAM_INTEGER:
        return (double)v.i >= p->lo && (double)v.i <= p->hi;
    case DNNR_PARAM_FLOAT:
        return isfinite(v.f) && v.f >= p->lo && v.f <= p->hi;
    }
    return 0;
}

static int check_param(const dnnr_space *s, const dnnr_param *p, dnnr_error *err)
{
    if (!p->name || !p->name[0])
        return dnnr__error_set(err, DNNR_EINVAL, "a parameter has no name");
    if (dnnr__space_find(s, p->name) >= 0)
        return dnnr__error_set(err, DNNR_EINVAL, "parameter '%s' is defined twice", p->name);
    if (p->kind == DNNR_PARAM_CATEGORICAL) {
        if (p->n_choices == 0 || !p->choices)
            return dnnr__error_set(err, DNNR_EINVAL, "parameter '%s': expected at least one choice",
                                   p->name);
        for (uint32_t i = 0; i < p->n_choices; i++) {
            if (!p->choices[i])
                return dnnr__error_set(err, DNNR_EINVAL, "parameter '%s': choice %u is missing",
                                       p->name, i);
            for (uint32_t j = 0; j < i; j++)
                if (strcmp(p->choices[i], p->choices[j]) == 0)
                    return dnnr__error_set(err, DNNR_EINVAL,
                                           "parameter '%s': choice '%s' is listed twice", p->name,
                                           p->choices[i]);
        }
    } else if (p->kind == DNNR_PARAM_INTEGER || p->kind == DNNR_PARAM_FLOAT) {
        if (!isfinite(p->lo) || !isfinite(p->hi) || p->lo > p->hi)
            return dnnr__error_set(err, DNNR_EINVAL,
                                   "parameter '%s': expected finite bounds with lo <= hi, got [%g, %g]",
                                   p->name, p->lo, p->hi);
        if (p->log && p->lo <= 0)
            return dnnr__error_set(err, DNNR_EINVAL,
                                   "parameter '%s': a log scale needs lo > 0, got lo = %g", p->name,
                                   p->lo);
    } else {
        return dnnr__error_set(err, DNNR_EINVAL, "parameter '%s': unknown kind %d", p->name,
                               (int)p->kind);
    }
    if (!dnnr__value_valid(p, p->default_value))
        return dnnr__error_set(err, DNNR_EINVAL, "parameter '%s': the default is outside its domain",
                               p->name);
    return DNNR_OK;
}

static dnnr_param *param_copy(const dnnr_param *src)
{
    dnnr_param *p = dnnr__alloc(1, sizeof *p);
    if (!p)
        return NULL;
    *p = *src;
    p->struct_size = sizeof *p;
    p->choices = NULL;
    p->n_choices = 0;
    p->name = dnnr__strdup(src->name);
    if (!p->name)
        goto fail;
    if (src->kind == DNNR_PARAM_CATEGORICAL) {
        char **choices = dnnr__alloc(src->n_choices, sizeof *choices);
        if (!choices)
            goto fail;
        p->choices = (const char *const *)choices;
        for (uint32_t i = 0; i < src->n_choices; i++) {
            choices[i] = dnnr__strdup(src->choices[i]);
            p->n_choices = i + 1;
            if (!choices[i])
                goto fail;
        }
    }
    return p;
fail:
    param_free(p);
    return NULL;
}

int dnnr__space_add_param(dnnr_space *pub, const dnnr_param *p, dnnr_error *err)
{
    space_impl *s = (space_impl *)pub;
    int rc = check_param(pub, p, err);
    if (rc)
        return rc;
    if (s->pub.n_params == s->capacity) {
        uint32_t cap = s->capacity ? s->capacity * 2 : 8;
        dnnr_param **grown = dnnr__realloc(s->params, cap * sizeof *grown);
        if (!grown)
            return dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
        s->params = grown;
        s->capacity = cap;
    }
    dnnr_param *copy = param_copy(p);
    if (!copy)
        return dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
    s->params[s->pub.n_params++] = copy;
    s->pub.params = (const dnnr_param *const *)s->params;
    return DNNR_OK;
}

int dnnr__space_add_float(dnnr_space *s, const char *name, double lo, double hi, int log, double dflt)
{
    dnnr_param p = {.struct_size = sizeof p, .name = name, .kind = DNNR_PARAM_FLOAT,
                    .log = log != 0, .lo = lo, .hi = hi, .default_value.f = dflt};
    return dnnr__space_add_param(s, &p, NULL);
}

int dnnr__space_add_int(dnnr_space *s, const char *name, int64_t lo, int64_t hi, int log, int64_t dflt)
{
    dnnr_param p = {.struct_size = sizeof p, .name = name, .kind = DNNR_PARAM_INTEGER,
                    .log = log != 0, .lo = (double)lo, .hi = (double)hi, .default_value.i = dflt};
    return dnnr__space_add_param(s, &p, NULL);
}

int dnnr__space_add_categorical(dnnr_space *s, const char *name, const char *const *choices,
                                uint32_t n, uint32_t dflt)
{
    dnnr_param p = {.struct_size = sizeof p, .name = name, .kind = DNNR_PARAM_CATEGORICAL,
                    .n_choices = n, .choices = choices, .default_value.i = dflt};
    return dnnr__space_add_param(s, &p, NULL);
}

dnnr_space *dnnr__space_copy(const dnnr_space *src)
{
    dnnr_space *s = dnnr__space_create();
    if (!s)
        return NULL;
    for (uint32_t i = 0; i < src->n_params; i++) {
        if (dnnr__space_add_param(s, src->params[i], NULL) != DNNR_OK) {
            dnnr__space_destroy(s);
            return NULL;
        }
    }
    return s;
}

void dnnr__space_defaults(const dnnr_space *s, dnnr_value *config)
{
    for (uint32_t i = 0; i < s->n_params; i++)
        config[i] = s->params[i]->default_value;
}

int dnnr__space_check_config(const dnnr_space *s, const dnnr_value *config, dnnr_error *err)
{
    for (uint32_t i = 0; i < s->n_params; i++) {
        if (!dnnr__value_valid(s->params[i], config[i]))
            return dnnr__error_set(err, DNNR_EINVAL, "value of '%s' is outside its domain",
                                   s->params[i]->name);
    }
    return DNNR_OK;
}

int dnnr__space_admit(dnnr_space *pub, uint32_t k, const char *text, dnnr_value *out,
                      dnnr_error *err)
{
    space_impl *s = (space_impl *)pub;
    dnnr_param *p = s->params[k];
    if (dnnr__value_parse(p, text, out, NULL) == DNNR_OK)
        return DNNR_OK;
    if (p->kind == DNNR_PARAM_CATEGORICAL) {
        char **grown = dnnr__realloc((void *)p->choices, (p->n_choices + 1) * sizeof *grown);
        if (!grown)
            return dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
        p->choices = (const char *const *)grown;
        if (!(grown[p->n_choices] = dnnr__strdup(text)))
            return dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
        out->i = p->n_choices++;
        return DNNR_OK;
    }
    /* A number outside the bounds widens them; anything else stays an error. */
    dnnr_param wide = *p;
    wide.lo = -INFINITY;
    wide.hi = INFINITY;
    int rc = dnnr__value_parse(&wide, text, out, err);
    if (rc)
        return rc;
    double v = p->kind == DNNR_PARAM_INTEGER ? (double)out->i : out->f;
    if (v < p->lo && !(p->log && v <= 0))
        p->lo = v;
    else if (v > p->hi)
        p->hi = v;
    else
        return dnnr__error_set(err, DNNR_EINVAL, "'%s' cannot be admitted into '%s'", text, p->name);
    return DNNR_OK;
}
