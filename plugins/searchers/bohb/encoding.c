/* ConfigSpace's vector form of a configuration (SEARCHERS.md B.3). */
#include "encoding.h"

#include <math.h>

/* The interval a numeric parameter's vector coordinate spans, already on the
 * log scale for log parameters. */
static void numeric_span(const dnnr_param *p, double *lo, double *hi)
{
    double a = p->lo, b = p->hi;
    if (p->kind == DNNR_PARAM_INTEGER) {
        a -= BOHB_INT_PAD;
        b += BOHB_INT_PAD;
    }
    if (p->log && a > 0.0 && b > 0.0) {
        a = log(a);
        b = log(b);
    }
    *lo = a;
    *hi = b;
}

double bohb_encode_param(const dnnr_param *p, dnnr_value v)
{
    if (p->kind == DNNR_PARAM_CATEGORICAL)
        return (double)v.i;
    double x = p->kind == DNNR_PARAM_INTEGER ? (double)v.i : v.f;
    double lo, hi;
    numeric_span(p, &lo, &hi);
    if (p->log && x > 0.0 && p->lo > 0.0)
        x = log(x);
    if (!(hi > lo))
        return 0.0; /* a one-value domain: every vector decodes to it */
    return (x - lo) / (hi - lo);
}

dnnr_value bohb_decode_param(const dnnr_param *p, double x)
{
    dnnr_value v;
    if (p->kind == DNNR_PARAM_CATEGORICAL) {
        double k = nearbyint(x);
        if (!(k >= 0.0))
            k = 0.0;
        if (k > (double)p->n_choices - 1.0)
            k = (double)p->n_choices - 1.0;
        v.i = (int64_t)k;
        return v;
    }
    double lo, hi;
    numeric_span(p, &lo, &hi);
    if (!(x >= 0.0))
        x = 0.0;
    if (x > 1.0)
        x = 1.0;
    double value = lo + x * (hi - lo);
    if (p->log && p->lo > 0.0)
        value = exp(value);
    if (p->kind == DNNR_PARAM_INTEGER) {
        value = nearbyint(value);
        value = fmin(fmax(value, p->lo), p->hi);
        v.i = (int64_t)value;
    } else {
        v.f = fmin(fmax(value, p->lo), p->hi);
    }
    return v;
}

void bohb_encode(const dnnr_space *space, const dnnr_value *config, double *out)
{
    for (uint32_t j = 0; j < space->n_params; j++)
        out[j] = bohb_encode_param(space->params[j], config[j]);
}

void bohb_decode(const dnnr_space *space, const double *vec, dnnr_value *config)
{
    for (uint32_t j = 0; j < space->n_params; j++)
        config[j] = bohb_decode_param(space->params[j], vec[j]);
}

void bohb_sample_prior(const dnnr_space *space, dnnr_rng *rng, double *out)
{
    for (uint32_t j = 0; j < space->n_params; j++) {
        const dnnr_param *p = space->params[j];
        if (p->kind == DNNR_PARAM_CATEGORICAL)
            out[j] = (double)dnnr_rng_below(rng, p->n_choices);
        else
            out[j] = dnnr_rng_uniform(rng);
    }
}
