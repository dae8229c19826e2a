/* Trial extras on a resolved model (extras.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <dnnrepair/rng.h>

#include "engine/extras.h"
#include "engine/keras.h"
#include "util/alloc.h"

/* Keras BatchNormalization defaults. */
#define BN_MOMENTUM 0.99
#define BN_EPSILON 1e-3
/* ReduceLROnPlateau's min_delta default ("min" mode: better = below best - 1e-4). */
#define PLATEAU_MIN_DELTA 1e-4

static int weighted(const dnnr_layer_spec *L)
{
    return L->kind == DNNR_LAYER_DENSE || L->kind == DNNR_LAYER_CONV2D;
}

/* AutoTrainer v1's placement: after every dense/conv layer but the model's
 * last one, unless a batch normalisation is already next. */
static int insert_batchnorm(dnnr_model_spec *spec, dnnr_error *err)
{
    uint32_t n = spec->n_layers, add = 0;
    for (uint32_t i = 0; i + 1 < n; i++)
        add += weighted(&spec->layers[i]) && spec->layers[i + 1].kind != DNNR_LAYER_BATCH_NORM;
    if (add == 0)
        return DNNR_OK;
    dnnr_layer_spec *out = dnnr__alloc((size_t)n + add, sizeof *out);
    if (!out)
        return dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
    uint32_t w = 0;
    for (uint32_t i = 0; i < n; i++) {
        const dnnr_layer_spec *L = &spec->layers[i];
        out[w++] = *L;
        if (i + 1 < n && weighted(L) && spec->layers[i + 1].kind != DNNR_LAYER_BATCH_NORM) {
            dnnr_layer_spec *bn = &out[w++];
            memset(bn, 0, sizeof *bn);
            bn->kind = DNNR_LAYER_BATCH_NORM;
            bn->momentum = BN_MOMENTUM;
            bn->epsilon = BN_EPSILON;
            bn->activation = DNNR_ACT_LINEAR;
            /* messages about it point at the layer it follows */
            bn->source_line = L->source_line;
            bn->template_layer = L->template_layer;
            bn->inserted = 1;
        }
    }
    dnnr__free(spec->layers);
    spec->layers = out;
    spec->n_layers = w;
    return DNNR_OK;
}

int dnnr__extras_apply(dnnr_model_spec *spec, const dnnr_trial_extras *x, char *why,
                       size_t why_len, dnnr_error *err)
{
    if (!x)
        return DNNR_OK;
    /* members a shorter (older) struct lacks read as 0 = no edit */
    dnnr_trial_extras e = {0};
    size_t n = x->struct_size < sizeof e ? x->struct_size : sizeof e;
    memcpy(&e, x, n);
    if (e.batchnorm > DNNR_BN_AFTER_HIDDEN) {
        snprintf(why, why_len, "extras: unknown batch normalisation placement %u", e.batchnorm);
        return 1;
    }
    if (!(e.clipvalue >= 0 && isfinite(e.clipvalue))) {
        snprintf(why, why_len, "extras: clipvalue must be finite and >= 0");
        return 1;
    }
    if (!(e.momentum >= 0 && e.momentum <= 1)) { /* Keras: "momentum must be between [0, 1]" */
        snprintf(why, why_len, "extras: momentum must be in [0, 1]");
        return 1;
    }
    if (e.momentum > 0 && spec->optimizer != DNNR_UPDATE_SGD) {
        snprintf(why, why_len, "extras: momentum applies to the sgd optimiser only, not %s",
                 dnnr__keras_optimizer_name(spec->optimizer));
        return 1;
    }
    if (!(e.gaussian_noise >= 0 && isfinite(e.gaussian_noise))) {
        snprintf(why, why_len, "extras: gaussian_noise must be finite and >= 0");
        return 1;
    }
    if (!(e.reduce_lr_factor >= 0 && e.reduce_lr_factor < 1) || !(e.reduce_lr_min >= 0)) {
        /* Keras: "ReduceLROnPlateau does not support a factor >= 1.0" */
        snprintf(why, why_len, "extras: reduce_lr_factor must be in [0, 1) and reduce_lr_min >= 0");
        return 1;
    }
    spec->clipvalue = e.clipvalue;
    spec->momentum = e.momentum;
    spec->gaussian_noise = e.gaussian_noise;
    spec->reduce_lr_factor = e.reduce_lr_factor;
    spec->reduce_lr_patience = e.reduce_lr_patience;
    spec->reduce_lr_min = e.reduce_lr_min;
    return e.batchnorm == DNNR_BN_AFTER_HIDDEN ? insert_batchnorm(spec, err) : DNNR_OK;
}

void dnnr__extras_noise(const dnnr_model_spec *spec, uint64_t key, uint64_t step, float *x,
                        int64_t count)
{
    if (!(spec->gaussian_noise > 0))
        return;
    dnnr_rng rng;
    dnnr_rng_init(&rng, dnnr_rng_derive(key, step));
    /* A two-input model's side features (the head pose) are another Input:
     * the noise layer sits before the first layer of the main one only. */
    int64_t row = count, main = count;
    const dnnr_layer_spec *first = spec->n_layers ? &spec->layers[0] : NULL;
    if (first && first->kind == DNNR_LAYER_INPUT && first->side > 0) {
        main = first->shape[0] * (first->shape_rank == 3 ? first->shape[1] * first->shape[2] : 1);
        row = main + first->side;
    }
    for (int64_t i = 0; i < count; i++)
        if (i % row < main)
            x[i] += (float)(spec->gaussian_noise * dnnr_rng_normal(&rng));
}

void dnnr__plateau_init(dnnr__plateau *p)
{
    p->best = INFINITY;
    p->wait = 0;
}

double dnnr__plateau_step(dnnr__plateau *p, const dnnr_model_spec *spec, double value, double lr)
{
    /* a NaN loss is no improvement (Keras: NaN < best is false), so it waits */
    if (!(spec->reduce_lr_factor > 0))
        return lr;
    if (value < p->best - PLATEAU_MIN_DELTA) {
        p->best = value;
        p->wait = 0;
        return lr;
    }
    if (++p->wait < spec->reduce_lr_patience)
        return lr;
    /* Keras compares the float32 variable with float32(min_lr) */
    float old = (float)lr;
    if (old > (float)spec->reduce_lr_min) {
        double next = (double)old * spec->reduce_lr_factor;
        lr = next > spec->reduce_lr_min ? next : spec->reduce_lr_min;
        lr = (double)(float)lr;
        p->wait = 0; /* cooldown 0 */
    }
    return lr;
}
