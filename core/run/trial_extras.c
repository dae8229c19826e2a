/* Trial extras on the wire and in the journal (trial_extras.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/trial_extras.h"

void dnnr__extras_copy(dnnr_trial_extras *out, const dnnr_trial_extras *in)
{
    memset(out, 0, sizeof *out);
    if (in && in->struct_size > sizeof(uint32_t)) {
        size_t n = in->struct_size < sizeof *out ? in->struct_size : sizeof *out;
        memcpy(out, in, n);
    }
    out->struct_size = sizeof *out;
}

unsigned dnnr__extras_count(const dnnr_trial_extras *x)
{
    return (x->batchnorm != DNNR_BN_NONE) + (x->clipvalue > 0) + (x->momentum > 0) +
           (x->gaussian_noise > 0) + (x->reduce_lr_factor > 0);
}

int dnnr__extras_equal(const dnnr_trial_extras *a, const dnnr_trial_extras *b)
{
    return a->batchnorm == b->batchnorm && a->clipvalue == b->clipvalue &&
           a->momentum == b->momentum && a->gaussian_noise == b->gaussian_noise &&
           a->reduce_lr_factor == b->reduce_lr_factor &&
           a->reduce_lr_patience == b->reduce_lr_patience && a->reduce_lr_min == b->reduce_lr_min;
}

void dnnr__extras_write(dnnr_buf *b, const dnnr_trial_extras *x)
{
    dnnr__buf_u32(b, x->batchnorm);
    dnnr__buf_f64(b, x->clipvalue);
    dnnr__buf_f64(b, x->momentum);
    dnnr__buf_f64(b, x->gaussian_noise);
    dnnr__buf_f64(b, x->reduce_lr_factor);
    dnnr__buf_u32(b, x->reduce_lr_patience);
    dnnr__buf_f64(b, x->reduce_lr_min);
}

void dnnr__extras_read(dnnr_reader *r, dnnr_trial_extras *x)
{
    memset(x, 0, sizeof *x);
    x->struct_size = sizeof *x;
    x->batchnorm = dnnr__read_u32(r);
    x->clipvalue = dnnr__read_f64(r);
    x->momentum = dnnr__read_f64(r);
    x->gaussian_noise = dnnr__read_f64(r);
    x->reduce_lr_factor = dnnr__read_f64(r);
    x->reduce_lr_patience = dnnr__read_u32(r);
    x->reduce_lr_min = dnnr__read_f64(r);
}

void dnnr__extras_format(dnnr_buf *b, const dnnr_trial_extras *x)
{
    if (dnnr__extras_count(x) == 0)
        return;
    dnnr__buf_put(b, ",", 1);
    dnnr__json_key(b, "extras");
    /* a leading member so the optional ones can all start with a comma */
    dnnr__buf_printf(b, "{\"edits\":%u", dnnr__extras_count(x));
    if (x->batchnorm == DNNR_BN_AFTER_HIDDEN)
        dnnr__json_field_string(b, "batchnorm", "after_hidden");
    if (x->clipvalue > 0)
        dnnr__json_field_number(b, "clipvalue", x->clipvalue);
    if (x->momentum > 0)
        dnnr__json_field_number(b, "momentum", x->momentum);
    if (x->gaussian_noise > 0)
        dnnr__json_field_number(b, "gaussian_noise", x->gaussian_noise);
    if (x->reduce_lr_factor > 0) {
        dnnr__json_field_number(b, "reduce_lr_factor", x->reduce_lr_factor);
        dnnr__json_field_number(b, "reduce_lr_patience", (double)x->reduce_lr_patience);
        dnnr__json_field_number(b, "reduce_lr_min", x->reduce_lr_min);
    }
    dnnr__buf_put(b, "}", 1);
}

/* A member's number, 0 when absent. */
static double member(const dnnr_json *obj, const char *key)
{
    const dnnr_json *v = dnnr__json_get(obj, key);
    return v && v->type == DNNR_JSON_NUMBER ? v->number : 0;
}

/* "name=<number>" with nothing after the number. */
static int number_arg(const char *arg, const char *name, double *out)
{
    size_t n = strlen(name);
    if (strncmp(arg, name, n) || arg[n] != '=')
        return 0;
    char *end;
    *out = strtod(arg + n + 1, &end);
    return end != arg + n + 1 && *end == '\0' ? 1 : -1;
}

int dnnr__extras_parse_arg(const char *arg, dnnr_trial_extras *x)
{
    if (!strcmp(arg, "batchnorm")) {
        x->batchnorm = DNNR_BN_AFTER_HIDDEN;
        return 0;
    }
    int rc;
    if ((rc = number_arg(arg, "clipvalue", &x->clipvalue)) != 0)
        return rc < 0;
    if ((rc = number_arg(arg, "momentum", &x->momentum)) != 0)
        return rc < 0;
    if ((rc = number_arg(arg, "gaussian_noise", &x->gaussian_noise)) != 0)
        return rc < 0;
    long long patience; /* signed: %u would wrap "-1" to 4294967295 */
    double factor, min_lr;
    int used = 0;
    if (sscanf(arg, "reduce_lr=%lf,%lld,%lf%n", &factor, &patience, &min_lr, &used) == 3 &&
        arg[used] == '\0' && patience >= 0 && patience <= UINT32_MAX) {
        x->reduce_lr_factor = factor;
        x->reduce_lr_patience = (uint32_t)patience;
        x->reduce_lr_min = min_lr;
        return 0;
    }
    return 1;
}

int dnnr__extras_parse(const dnnr_json *line, dnnr_trial_extras *x)
{
    dnnr__extras_copy(x, NULL);
    const dnnr_json *obj = line ? dnnr__json_get(line, "extras") : NULL;
    if (!obj)
        return 0;
    if (obj->type != DNNR_JSON_OBJECT)
        return 1;
    const char *bn = dnnr__json_str(obj, "batchnorm");
    if (bn && strcmp(bn, "after_hidden") != 0)
        return 1;
    x->batchnorm = bn ? DNNR_BN_AFTER_HIDDEN : DNNR_BN_NONE;
    x->clipvalue = member(obj, "clipvalue");
    x->momentum = member(obj, "momentum");
    x->gaussian_noise = member(obj, "gaussian_noise");
    x->reduce_lr_factor = member(obj, "reduce_lr_factor");
    double patience = member(obj, "reduce_lr_patience");
    if (!(patience >= 0 && patience <= 4294967295.0))
        return 1;
    x->reduce_lr_patience = (uint32_t)patience;
    x->reduce_lr_min = member(obj, "reduce_lr_min");
    return 0;
}
