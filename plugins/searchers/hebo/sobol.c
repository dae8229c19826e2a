#include "sobol.h"

#include <math.h>

#include <gsl/gsl_qrng.h>

struct hebo_sobol {
    const dnnr_host *host;
    size_t dims;
    gsl_qrng *q; /* NULL above Halton's limit: plain uniform draws */
    dnnr_rng rng;
    double *shift;
};

hebo_sobol *hebo_sobol_create(const dnnr_host *host, size_t dims, uint64_t key)
{
    hebo_sobol *s = host->alloc(host->ctx, 1, sizeof *s);
    if (!s)
        return NULL;
    s->host = host;
    s->dims = dims;
    dnnr_rng_init(&s->rng, key);
    s->shift = host->alloc(host->ctx, dims ? dims : 1, sizeof *s->shift);
    if (!s->shift) {
        host->free(host->ctx, s);
        return NULL;
    }
    for (size_t j = 0; j < dims; j++)
        s->shift[j] = dnnr_rng_uniform(&s->rng);
    if (dims >= 1 && dims <= 40)
        s->q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)dims);
    else if (dims >= 1 && dims <= 1229)
        s->q = gsl_qrng_alloc(gsl_qrng_halton, (unsigned)dims);
    else
        s->q = NULL;
    return s;
}

void hebo_sobol_destroy(hebo_sobol *s)
{
    if (!s)
        return;
    if (s->q)
        gsl_qrng_free(s->q);
    s->host->free(s->host->ctx, s->shift);
    s->host->free(s->host->ctx, s);
}

void hebo_sobol_next(hebo_sobol *s, double *out)
{
    if (!s->q) {
        for (size_t j = 0; j < s->dims; j++)
            out[j] = dnnr_rng_uniform(&s->rng);
        return;
    }
    gsl_qrng_get(s->q, out);
    for (size_t j = 0; j < s->dims; j++) {
        double v = out[j] + s->shift[j];
        out[j] = v - floor(v);
    }
}
