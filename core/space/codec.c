/* The configuration codec shared by every searcher (through dnnr_host):
 * [0,1]^d and one-hot encodings, sampling with Ray Tune's semantics, and
 * text forms. Encodings follow ConfigSpace: an integer occupies the centre
 * of its 1/(hi-lo+1)-wide cell, so decoding is a floor, not a rounding. */
#include "space/space.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double clamp01(double u)
{
    if (!(u >= 0.0)) /* also catches NaN */
        return 0.0;
    return u > 1.0 ? 1.0 : u;
}

static size_t param_dims(const dnnr_param *p, dnnr_encoding enc)
{
    return (p->kind == DNNR_PARAM_CATEGORICAL && enc == DNNR_ENCODE_ONEHOT) ? p->n_choices : 1;
}

size_t dnnr__space_dims(const dnnr_space *s, dnnr_encoding enc)
{
    size_t d = 0;
    for (uint32_t i = 0; i < s->n_params; i++)
        d += param_dims(s->params[i], enc);
    return d;
}

/* Position of a number within [lo, hi] on the parameter's scale. Integers
 * use the widened interval [lo - 0.5, hi + 0.5] so every value owns an
 * equal share of [0, 1] (on a log scale: equal shares of the log range). */
static double numeric_to_unit(const dnnr_param *p, double v)
{
    double lo = p->lo, hi = p->hi;
    if (p->kind == DNNR_PARAM_INTEGER) {
        lo -= 0.5;
        hi += 0.5;
    }
    if (hi <= lo)
        return 0.5;
    if (p->log)
        return (log(v) - log(lo)) / (log(hi) - log(lo));
    return (v - lo) / (hi - lo);
}

static double unit_to_numeric(const dnnr_param *p, double u)
{
    double lo = p->lo, hi = p->hi;
    if (p->kind == DNNR_PARAM_INTEGER) {
        lo -= 0.5;
        hi += 0.5;
    }
    double v = p->log ? exp(log(lo) + u * (log(hi) - log(lo))) : lo + u * (hi - lo);
    /* The ends map exactly onto the bounds (exp(log(x)) need not equal x). */
    if (u <= 0.0)
        v = lo;
    else if (u >= 1.0)
        v = hi;
    if (p->kind == DNNR_PARAM_INTEGER)
        v = round(v);
    return fmin(fmax(v, p->lo), p->hi);
}

int dnnr__space_encode(const dnnr_space *s, const dnnr_value *config, dnnr_encoding enc, double *out)
{
    size_t k = 0;
    for (uint32_t i = 0; i < s->n_params; i++) {
        const dnnr_param *p = s->params[i];
        if (!dnnr__value_valid(p, config[i]))
            return DNNR_EINVAL;
        switch (p->kind) {
        case DNNR_PARAM_CATEGORICAL:
            if (enc == DNNR_ENCODE_ONEHOT) {
                for (uint32_t c = 0; c < p->n_choices; c++)
                    out[k + c] = (c == (uint32_t)config[i].i) ? 1.0 : 0.0;
            } else {
                out[k] = ((double)config[i].i + 0.5) / p->n_choices;
            }
            break;
        case DNNR_PARAM_INTEGER:
            out[k] = numeric_to_unit(p, (double)config[i].i);
            break;
        case DNNR_PARAM_FLOAT:
            out[k] = numeric_to_unit(p, config[i].f);
            break;
        }
        k += param_dims(p, enc);
    }
    return DNNR_OK;
}

int dnnr__space_decode(const dnnr_space *s, const double *in, dnnr_encoding enc, dnnr_value *config)
{
    size_t k = 0;
    for (uint32_t i = 0; i < s->n_params; i++) {
        const dnnr_param *p = s->params[i];
        switch (p->kind) {
        case DNNR_PARAM_CATEGORICAL:
            if (enc == DNNR_ENCODE_ONEHOT) {
                uint32_t best = 0;
                for (uint32_t c = 1; c < p->n_choices; c++)
                    if (in[k + c] > in[k + best])
                        best = c;
                config[i].i = best;
            } else {
                int64_t c = (int64_t)floor(clamp01(in[k]) * p->n_choices);
                config[i].i = c >= (int64_t)p->n_choices ? (int64_t)p->n_choices - 1 : c;
            }
            break;
        case DNNR_PARAM_INTEGER:
            config[i].i = (int64_t)unit_to_numeric(p, clamp01(in[k]));
            break;
        case DNNR_PARAM_FLOAT:
            config[i].f = unit_to_numeric(p, clamp01(in[k]));
            break;
        }
        k += param_dims(p, enc);
    }
    return DNNR_OK;
}

void dnnr__space_sample(const dnnr_space *s, dnnr_rng *rng, dnnr_value *config)
{
    for (uint32_t i = 0; i < s->n_params; i++) {
        const dnnr_param *p = s->params[i];
        double u = dnnr_rng_uniform(rng);
        switch (p->kind) {
        case DNNR_PARAM_CATEGORICAL:
            config[i].i = (int64_t)dnnr_rng_below(rng, p->n_choices);
            break;
        case DNNR_PARAM_INTEGER:
            if (p->log) {
                /* Ray's lograndint: floor(exp(U(ln lo, ln(hi + 1)))). */
                double v = floor(exp(log(p->lo) + u * (log(p->hi + 1.0) - log(p->lo))));
                config[i].i = (int64_t)fmin(fmax(v, p->lo), p->hi);
            } else {
                config[i].i = (int64_t)p->lo +
                              (int64_t)dnnr_rng_below(rng, (uint64_t)(p->hi - p->lo) + 1);
            }
            break;
        case DNNR_PARAM_FLOAT:
            config[i].f = p->log ? exp(log(p->lo) + u * (log(p->hi) - log(p->lo)))
                                 : p->lo + u * (p->hi - p->lo);
            config[i].f = fmin(fmax(config[i].f, p->lo), p->hi);
            break;
        }
    }
}

int dnnr__config_equal(const dnnr_space *s, const dnnr_value *a, const dnnr_value *b)
{
    for (uint32_t i = 0; i < s->n_params; i++) {
        if (s->params[i]->kind == DNNR_PARAM_FLOAT ? a[i].f != b[i].f : a[i].i != b[i].i)
            return 0;
    }
    return 1;
}

int dnnr__value_format(const dnnr_param *p, dnnr_value v, char *buf, size_t len)
{
    switch (p->kind) {
    case DNNR_PARAM_CATEGORICAL:
        if (v.i < 0 || v.i >= (int64_t)p->n_choices)
            return snprintf(buf, len, "?");
        return snprintf(buf, len, "%s", p->choices[v.i]);
    case DNNR_PARAM_INTEGER:
        return snprintf(buf, len, "%" PRId64, v.i);
    case DNNR_PARAM_FLOAT:
        return snprintf(buf, len, "%.17g", v.f);
    }
    return snprintf(buf, len, "?");
}

int dnnr__config_format(const dnnr_space *s, const dnnr_value *config, char *buf, size_t len)
{
    size_t used = 0;
    for (uint32_t i = 0; i < s->n_params; i++) {
        char value[128];
        dnnr__value_format(s->params[i], config[i], value, sizeof value);
        int n = snprintf(used < len ? buf + used : NULL, used < len ? len - used : 0, "%s%s=%s",
                         i ? ", " : "", s->params[i]->name, value);
        if (n < 0)
            return n;
        used += (size_t)n;
    }
    if (len > 0 && s->n_params == 0)
        buf[0] = '\0';
    return (int)used;
}

int dnnr__value_parse(const dnnr_param *p, const char *text, dnnr_value *out, dnnr_error *err)
{
    char *end = NULL;
    errno = 0;
    switch (p->kind) {
    case DNNR_PARAM_CATEGORICAL: {
        int c = dnnr__param_choice(p, text);
        if (c < 0)
            return dnnr__error_set(err, DNNR_EINVAL, "'%s' is not a choice of '%s'", text, p->name);
        out->i = c;
        return DNNR_OK;
    }
    case DNNR_PARAM_INTEGER:
        out->i = strtoll(text, &end, 10);
        break;
    case DNNR_PARAM_FLOAT:
        out->f = strtod(text, &end);
        break;
    }
    if (end == text || *end != '\0' || errno == ERANGE)
        return dnnr__error_set(err, DNNR_EINVAL, "'%s' is not %s for '%s'", text,
                               p->kind == DNNR_PARAM_INTEGER ? "an integer" : "a number", p->name);
    if (!dnnr__value_valid(p, *out))
        return dnnr__error_set(err, DNNR_EINVAL, "%s = %s is outside [%g, %g]", p->name, text,
                               p->lo, p->hi);
    return DNNR_OK;
}

int dnnr__config_assign(const dnnr_space *s, dnnr_value *config, const char *assignment,
                        dnnr_error *err)
{
    const char *eq = strchr(assignment, '=');
    if (!eq)
        return dnnr__error_set(err, DNNR_EINVAL, "expected NAME=VALUE, got '%s'", assignment);
    char name[128];
    snprintf(name, sizeof name, "%.*s", (int)(eq - assignment), assignment);
    int k = dnnr__space_find(s, name);
    if (k < 0)
        return dnnr__error_set(err, DNNR_EINVAL, "'%s' is not a parameter of the space", name);
    return dnnr__value_parse(s->params[k], eq + 1, &config[k], err);
}
