#include "run/outcome.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/alloc.h"

static const char *const status_names[] = {"ok", "diverged", "invalid", "crashed", "timeout"};

const char *dnnr__trial_status_name(dnnr_trial_status s)
{
    return (unsigned)s < 5 ? status_names[s] : "unknown";
}

int dnnr__trial_status_parse(const char *name, dnnr_trial_status *out)
{
    for (unsigned i = 0; i < 5; i++) {
        if (name && strcmp(name, status_names[i]) == 0) {
            *out = (dnnr_trial_status)i;
            return DNNR_OK;
        }
    }
    return DNNR_EPARSE;
}

void dnnr__outcome_init(dnnr_outcome *o)
{
    memset(o, 0, sizeof *o);
    o->metric = NAN;
    o->holdout = NAN;
    o->cost_raw = NAN;
}

static void free_layers(dnnr_epoch_record *e)
{
    dnnr__free((void *)e->layer_grad_norm);
    dnnr__free((void *)e->layer_weight_norm);
    dnnr__free((void *)e->layer_zero_fraction);
}

void dnnr__outcome_clear(dnnr_outcome *o)
{
    for (uint32_t i = 0; i < o->n_epochs; i++)
        free_layers(&o->epochs[i]);
    dnnr__free(o->epochs);
    dnnr__outcome_init(o);
}

void dnnr__outcome_set(dnnr_outcome *o, dnnr_trial_status status, const char *fmt, ...)
{
    o->status = status;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(o->message, sizeof o->message, fmt, ap);
    va_end(ap);
}

static double *copy_layers(const double *src, uint32_t n, int *failed)
{
    if (!src || !n)
        return NULL;
    double *d = dnnr__alloc(n, sizeof *d);
    if (!d) {
        *failed = 1;
        return NULL;
    }
    memcpy(d, src, n * sizeof *d);
    return d;
}

int dnnr__outcome_add_epoch(dnnr_outcome *o, const dnnr_epoch_record *e)
{
    dnnr_epoch_record *grown = dnnr__realloc(o->epochs, (o->n_epochs + 1) * sizeof *grown);
    if (!grown)
        return DNNR_ENOMEM;
    o->epochs = grown;
    dnnr_epoch_record *d = &o->epochs[o->n_epochs];
    *d = *e;
    d->struct_size = sizeof *d;
    int failed = 0;
    d->layer_grad_norm = copy_layers(e->layer_grad_norm, e->n_layers, &failed);
    d->layer_weight_norm = copy_layers(e->layer_weight_norm, e->n_layers, &failed);
    d->layer_zero_fraction = copy_layers(e->layer_zero_fraction, e->n_layers, &failed);
    if (failed) {
        free_layers(d);
        return DNNR_ENOMEM;
    }
    o->n_epochs++;
    return DNNR_OK;
}

static void write_layers(dnnr_buf *b, const double *v, uint32_t n)
{
    dnnr__buf_u32(b, v ? n : 0);
    if (v)
        dnnr__buf_put(b, v, n * sizeof *v);
}

void dnnr__outcome_write_with(dnnr_buf *b, const dnnr_outcome *o,
                               const dnnr_epoch_record *const *epochs, uint32_t n_epochs)
{
    dnnr__buf_u32(b, (uint32_t)o->status);
    dnnr__buf_str(b, o->message);
    dnnr__buf_f64(b, o->metric);
    dnnr__buf_f64(b, o->holdout);
    dnnr__buf_f64(b, o->cost_seconds);
    dnnr__buf_f64(b, o->cost_units);
    dnnr__buf_f64(b, o->cost_raw);
    dnnr__buf_u32(b, o->stopped_early);
    dnnr__buf_u32(b, n_epochs);
    for (uint32_t i = 0; i < n_epochs; i++) {
        const dnnr_epoch_record *e = epochs[i];
        dnnr__buf_u32(b, e->epoch);
        const double scalars[] = {e->train_loss, e->train_metric, e->val_loss, e->val_metric,
                                  e->grad_norm_first, e->grad_norm_last, e->zero_grad_fraction};
        dnnr__buf_put(b, scalars, sizeof scalars);
        const uint32_t flags[] = {e->checked, e->grad_nonfinite, e->weight_nonfinite,
                                  e->large_weight, e->n_layers};
        dnnr__buf_put(b, flags, sizeof flags);
        write_layers(b, e->layer_grad_norm, e->n_layers);
        write_layers(b, e->layer_weight_norm, e->n_layers);
        write_layers(b, e->layer_zero_fraction, e->n_layers);
    }
}

void dnnr__outcome_write(dnnr_buf *b, const dnnr_outcome *o)
{
    const dnnr_epoch_record **epochs = dnnr__alloc(o->n_epochs + 1, sizeof *epochs);
    if (!epochs) {
        b->failed = 1;
        return;
    }
    for (uint32_t i = 0; i < o->n_epochs; i++)
        epochs[i] = &o->epochs[i];
    dnnr__outcome_write_with(b, o, epochs, o->n_epochs);
    dnnr__free(epochs);
}

static const uint8_t *read_layers(dnnr_reader *r, uint32_t expected)
{
    uint32_t n = dnnr__read_u32(r);
    if (n == 0)
        return NULL;
    if (n != expected || (size_t)n * sizeof(double) > r->left) {
        r->failed = 1;
        return NULL;
    }
    const uint8_t *v = r->p; /* may be unaligned: callers copy the bytes */
    r->p += n * sizeof(double);
    r->left -= n * sizeof(double);
    return v;
}

int dnnr__outcome_read(dnnr_reader *r, dnnr_outcome *o)
{
    dnnr__outcome_init(o);
    o->status = (dnnr_trial_status)dnnr__read_u32(r);
    uint32_t len;
    const char *msg = dnnr__read_str(r, &len);
    snprintf(o->message, sizeof o->message, "%.*s", (int)len, msg);
    o->metric = dnnr__read_f64(r);
    o->holdout = dnnr__read_f64(r);
    o->cost_seconds = dnnr__read_f64(r);
    o->cost_units = dnnr__read_f64(r);
    o->cost_raw = dnnr__read_f64(r);
    o->stopped_early = dnnr__read_u32(r);
    uint32_t n = dnnr__read_u32(r);
    if (o->status > DNNR_TRIAL_TIMEOUT)
        r->failed = 1;
    for (uint32_t i = 0; i < n && !r->failed; i++) {
        dnnr_epoch_record e = {.struct_size = sizeof e};
        e.epoch = dnnr__read_u32(r);
        double s[7];
        dnnr__read_bytes(r, s, sizeof s);
        e.train_loss = s[0];
        e.train_metric = s[1];
        e.val_loss = s[2];
        e.val_metric = s[3];
        e.grad_norm_first = s[4];
        e.grad_norm_last = s[5];
        e.zero_grad_fraction = s[6];
        uint32_t f[5];
        dnnr__read_bytes(r, f, sizeof f);
        e.checked = f[0];
        e.grad_nonfinite = f[1];
        e.weight_nonfinite = f[2];
        e.large_weight = f[3];
        e.n_layers = f[4];
        if (r->failed || e.n_layers > 100000)
            break;
        /* Unaligned data in the message: copy through an aligned scratch. */
        double *scratch[3] = {NULL, NULL, NULL};
        for (int k = 0; k < 3; k++) {
            const uint8_t *v = read_layers(r, e.n_layers);
            if (v && (scratch[k] = dnnr__alloc(e.n_layers, sizeof(double))))
                memcpy(scratch[k], v, e.n_layers * sizeof(double));
        }
        e.layer_grad_norm = scratch[0];
        e.layer_weight_norm = scratch[1];
        e.layer_zero_fraction = scratch[2];
        int rc = r->failed ? DNNR_EPARSE : dnnr__outcome_add_epoch(o, &e);
        for (int k = 0; k < 3; k++)
            dnnr__free(scratch[k]);
        if (rc)
            r->failed = 1;
    }
    if (r->failed) {
        dnnr__outcome_clear(o);
        return DNNR_EPARSE;
    }
    return DNNR_OK;
}
