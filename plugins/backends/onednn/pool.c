/* Max and average pooling on NHWC, as OpenMP loops (memory-bound, and TF's
 * exact rules are easier to state here than to coax out of a primitive):
 * 'same' padding is excluded from both the max and the average, the first
 * maximum of a window wins and takes the whole gradient (TF's CPU kernel). */
#include <string.h>

#include "onednn.h"

typedef struct geometry {
    int64_t n, h, w, c, oh, ow, kh, kw, sh, sw, pt, pl;
} geometry;

static geometry geometry_of(const dnnr_op_desc *d)
{
    geometry g = {d->dims[0][0], d->dims[0][1], d->dims[0][2], d->dims[0][3], d->dims[2][1],
                  d->dims[2][2], d->kernel[0], d->kernel[1], d->stride[0], d->stride[1],
                  d->padding[0], d->padding[2]};
    return g;
}

static void window(const geometry *g, int64_t oh, int64_t ow, int64_t *h0, int64_t *h1,
                   int64_t *w0, int64_t *w1)
{
    *h0 = oh * g->sh - g->pt;
    *w0 = ow * g->sw - g->pl;
    *h1 = *h0 + g->kh < g->h ? *h0 + g->kh : g->h;
    *w1 = *w0 + g->kw < g->w ? *w0 + g->kw : g->w;
    if (*h0 < 0)
        *h0 = 0;
    if (*w0 < 0)
        *w0 = 0;
}

static int pool_fwd(dnnr_backend *b, dnnr_plan *p, dnnr_buffer *const *ops,
                    const dnnr_run_args *args)
{
    (void)b;
    (void)args;
    geometry g = geometry_of(&p->d);
    const float *x = ops[0]->data;
    float *y = ops[1]->data;
    int32_t *ws = (int32_t *)ops[2]->data;
    int is_max = p->d.algorithm == DNNR_POOL_MAX;
    /* channels innermost: every window position is one contiguous, vectorisable pass */
#pragma omp parallel for collapse(2) schedule(static) if (g.n * g.oh * g.ow * g.c > ONEDNN_PAR_MIN)
    for (int64_t n = 0; n < g.n; n++) {
        for (int64_t oh = 0; oh < g.oh; oh++) {
            const float *xs = x + n * g.h * g.w * g.c;
            for (int64_t ow = 0; ow < g.ow; ow++) {
                int64_t h0, h1, w0, w1;
                window(&g, oh, ow, &h0, &h1, &w0, &w1);
                float *restrict yo = y + ((n * g.oh + oh) * g.ow + ow) * g.c;
                int32_t *restrict wo = ws + ((n * g.oh + oh) * g.ow + ow) * g.c;
                const int32_t first = (int32_t)((h0 * g.w + w0) * g.c);
                for (int64_t c = 0; c < g.c; c++)
                    yo[c] = xs[first + c];
                if (is_max)
                    for (int64_t c = 0; c < g.c; c++)
                        wo[c] = first + (int32_t)c;
                for (int64_t i = h0; i < h1; i++)
                    for (int64_t j = w0; j < w1; j++) {
                        if (i == h0 && j == w0)
                            continue;
                        const int32_t at = (int32_t)((i * g.w + j) * g.c);
                        const float *restrict xr = xs + at;
                        if (is_max) {
                            for (int64_t c = 0; c < g.c; c++)
                                if (xr[c] > yo[c]) { /* the first maximum wins */
                                    yo[c] = xr[c];
                                    wo[c] = at + (int32_t)c;
                                }
                        } else {
                            for (int64_t c = 0; c < g.c; c++)
                                yo[c] += xr[c];
                        }
                    }
                if (!is_max) {
                    float inv = 1.0f / (float)((h1 - h0) * (w1 - w0));
                    for (int64_t c = 0; c < g.c; c++)
                        yo[c] *= inv;
                }
            }
        }
    }
    return DNNR_OK;
}

static int pool_bwd(dnnr_backend *b, dnnr_plan *p, dnnr_buffer *const *ops,
                    const dnnr_run_args *args)
{
    (void)b;
    (void)args;
    geometry g = geometry_of(&p->d);
    const float *dy = ops[0]->data;
    const int32_t *ws = (const int32_t *)ops[1]->data;
    float *dx = ops[2]->data;
    int is_max = p->d.algorithm == DNNR_POOL_MAX;
    /* One sample per iteration: windows of one sample may overlap, samples
     * never do, so the scatter has no races. */
#pragma omp parallel for schedule(static) if (g.n * g.h * g.w * g.c > ONEDNN_PAR_MIN)
    for (int64_t n = 0; n < g.n; n++) {
        float *dxs = dx + n * g.h * g.w * g.c;
        memset(dxs, 0, sizeof(float) * (size_t)(g.h * g.w * g.c));
        for (int64_t oh = 0; oh < g.oh; oh++)
            for (int64_t ow = 0; ow < g.ow; ow++) {
                int64_t o = ((n * g.oh + oh) * g.ow + ow) * g.c;
                if (is_max) {
                    for (int64_t c = 0; c < g.c; c++)
                        dxs[ws[o + c]] += dy[o + c];
                    continue;
                }
                int64_t h0, h1, w0, w1;
                window(&g, oh, ow, &h0, &h1, &w0, &w1);
                float scale = 1.0f / (float)((h1 - h0) * (w1 - w0));
                for (int64_t i = h0; i < h1; i++)
                    for (int64_t j = w0; j < w1; j++)
                        for (int64_t c = 0; c < g.c; c++)
                            dxs[(i * g.w + j) * g.c + c] += dy[o + c] * scale;
            }
    }
    return DNNR_OK;
}

int onednn_pool_plan(dnnr_backend *b, dnnr_plan *p)
{
    const dnnr_op_desc *d = &p->d;
    geometry g = geometry_of(d);
    if (d->n_dims[0] != 4 || d->n_dims[2] != 4 || g.kh < 1 || g.kw < 1 || g.sh < 1 || g.sw < 1 ||
        g.oh < 1 || g.ow < 1 || d->dims[2][3] != g.c || d->algorithm > DNNR_POOL_AVG ||
        g.h * g.w * g.c > INT32_MAX) {
        b->host->set_error(b->host->ctx, "pool: invalid geometry");
        return DNNR_EINVAL;
    }
    p->n_operands = 3;
    p->run = d->op == DNNR_OP_POOL_FWD ? pool_fwd : pool_bwd;
    return DNNR_OK;
}
