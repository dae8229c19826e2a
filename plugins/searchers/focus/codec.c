/* focus: the search's unit encoding.
 *
 * It is the host's DNNR_ENCODE_UNIT (one dimension per parameter in [0, 1])
 * with one change: a float the suspicion pass found log-like but the space
 * declares linear (the benchmark's lr in [1e-6, 10], uniform as Ray Tune
 * sampled it) is placed on a log scale, so a trust region around lr = 1e-3
 * spans factors rather than [0, 2]. Numeric dimensions (floats, integers,
 * numeric-valued categoricals) form the region's box; the other categoricals
 * are searched by Hamming distance. */
#include <math.h>

#include "focus.h"

static int relog(const focus_codec *c, size_t i)
{
    const dnnr_param *p = c->space->params[i];
    return p->kind == DNNR_PARAM_FLOAT && !p->log && c->params[i].log_like && p->lo > 0;
}

int focus_codec_init(focus_codec *c, const dnnr_host *h, const dnnr_space *space,
                     const focus_param *params)
{
    *c = (focus_codec){.host = h, .space = space, .d = space->n_params, .params = params};
    c->scratch = h->alloc(h->ctx, c->d ? c->d : 1, sizeof *c->scratch);
    return c->scratch ? DNNR_OK : DNNR_ENOMEM;
}

void focus_codec_free(focus_codec *c)
{
    if (c->host)
        c->host->free(c->host->ctx, c->scratch);
    c->scratch = NULL;
}

int focus_codec_numeric(const focus_codec *c, size_t i)
{
    const dnnr_param *p = c->space->params[i];
    return p->kind != DNNR_PARAM_CATEGORICAL || c->params[i].ordinal;
}

void focus_codec_encode(const focus_codec *c, const dnnr_value *config, double *u)
{
    c->host->space_encode(c->host->ctx, c->space, config, DNNR_ENCODE_UNIT, u);
    for (size_t i = 0; i < c->d; i++)
        if (relog(c, i)) {
            const dnnr_param *p = c->space->params[i];
            double v = config[i].f > p->lo ? config[i].f : p->lo;
            u[i] = (log(v) - log(p->lo)) / (log(p->hi) - log(p->lo));
            u[i] = u[i] < 0 ? 0 : u[i] > 1 ? 1 : u[i];
        }
}

void focus_codec_decode(const focus_codec *c, const double *u, dnnr_value *config)
{
    c->host->space_decode(c->host->ctx, c->space, u, DNNR_ENCODE_UNIT, config);
    for (size_t i = 0; i < c->d; i++)
        if (relog(c, i)) {
            const dnnr_param *p = c->space->params[i];
            double t = u[i] < 0 ? 0 : u[i] > 1 ? 1 : u[i];
            double v = exp(log(p->lo) + t * (log(p->hi) - log(p->lo)));
            config[i].f = v < p->lo ? p->lo : v > p->hi ? p->hi : v;
        }
}

size_t focus_codec_gp_dims(const focus_codec *c)
{
    size_t n = 0;
    for (size_t i = 0; i < c->d; i++)
        n += focus_codec_numeric(c, i) ? 1 : c->space->params[i]->n_choices;
    return n;
}

static size_t choice_of(const dnnr_param *p, double u)
{
    double k = floor(u * (double)p->n_choices);
    if (!(k >= 0))
        k = 0;
    if (k > (double)p->n_choices - 1)
        k = (double)p->n_choices - 1;
    return (size_t)k;
}

void focus_codec_gp_input(const focus_codec *c, const double *u, double *gpx)
{
    size_t col = 0;
    for (size_t i = 0; i < c->d; i++) {
        const dnnr_param *p = c->space->params[i];
        if (focus_codec_numeric(c, i)) {
            gpx[col++] = 2.0 * u[i] - 1.0;
            continue;
        }
        size_t k = choice_of(p, u[i]);
        for (uint32_t j = 0; j < p->n_choices; j++)
            gpx[col++] = j == k ? 1.0 : 0.0;
    }
}

void focus_codec_gp_bounds(const focus_codec *c, double *lo, double *hi)
{
    /* HEBO's warping range, padded by 1e-6 (warp.h's HEBO_WARP_EPS) */
    const double eps = 1e-6;
    size_t col = 0;
    for (size_t i = 0; i < c->d; i++) {
        int num = focus_codec_numeric(c, i);
        size_t w = num ? 1 : c->space->params[i]->n_choices;
        for (size_t j = 0; j < w; j++, col++) {
            lo[col] = (num ? -1.0 : 0.0) - eps;
            hi[col] = 1.0 + eps;
        }
    }
}
