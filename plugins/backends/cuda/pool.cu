/* Max and average pooling on NHWC as CUDA kernels with TF's rules (the
 * onednn backend's): 'same' padding is excluded from both the max and the
 * average, and the first maximum of a window (in h, then w order) wins and
 * takes the whole gradient. The forward pass records, per output element,
 * the winning input's index within its sample (the int32 `ws` operand of the
 * contract). The backward pass gathers instead of scattering: one thread per
 * input element sums the gradients of the windows that cover it, in output
 * order, so overlapping windows need no atomics and the sum order is fixed.
 * (cuDNN's pooling backward wants x and y, not the contract's ws, and does
 * not promise TF's first-maximum rule, hence kernels of our own.) */
#include "cuda.h"

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

__device__ static void window(const geometry &g, int64_t oh, int64_t ow, int64_t *h0,
                              int64_t *h1, int64_t *w0, int64_t *w1)
{
    *h0 = oh * g.sh - g.pt;
    *w0 = ow * g.sw - g.pl;
    *h1 = *h0 + g.kh < g.h ? *h0 + g.kh : g.h;
    *w1 = *w0 + g.kw < g.w ? *w0 + g.kw : g.w;
    if (*h0 < 0)
        *h0 = 0;
    if (*w0 < 0)
        *w0 = 0;
}

__global__ static void pool_fwd_kernel(geometry g, int is_max, const float *x, float *y,
                                       int32_t *ws)
{
    const int64_t total = g.n * g.oh * g.ow * g.c;
    for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < total;
         i += (int64_t)gridDim.x * blockDim.x) {
        int64_t c = i % g.c, r = i / g.c, ow = r % g.ow, oh = (r / g.ow) % g.oh, n = r / (g.ow * g.oh);
        int64_t h0, h1, w0, w1;
        window(g, oh, ow, &h0, &h1, &w0, &w1);
        const float *xs = x + n * g.h * g.w * g.c;
        int32_t best = (int32_t)((h0 * g.w + w0) * g.c + c);
        float acc = xs[best];
        for (int64_t a = h0; a < h1; a++)
            for (int64_t bb = w0; bb < w1; bb++) {
                if (a == h0 && bb == w0)
                    continue;
                int32_t at = (int32_t)((a * g.w + bb) * g.c + c);
                float v = xs[at];
                if (is_max) {
                    if (v > acc) { /* the first maximum wins */
                        acc = v;
                        best = at;
                    }
                } else {
                    acc += v;
                }
            }
        if (is_max) {
            y[i] = acc;
            ws[i] = best;
        } else {
            y[i] = acc * (1.0f / (float)((h1 - h0) * (w1 - w0)));
        }
    }
}

/* Output positions o whose window [o*s - p, o*s - p + k) holds input
 * position i: o in [ceil((i + p - k + 1) / s), floor((i + p) / s)]. */
__device__ static void covering(int64_t i, int64_t k, int64_t s, int64_t p, int64_t out,
                                int64_t *lo, int64_t *hi)
{
    int64_t a = i + p - k + 1;
    *lo = a <= 0 ? 0 : (a + s - 1) / s;
    *hi = (i + p) / s;
    if (*hi > out - 1)
        *hi = out - 1;
}

__global__ static void pool_bwd_kernel(geometry g, int is_max, const float *dy, const int32_t *ws,
                                       float *dx)
{
    const int64_t total = g.n * g.h * g.w * g.c;
    for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < total;
         i += (int64_t)gridDim.x * blockDim.x) {
        int64_t c = i % g.c, r = i / g.c, wi = r % g.w, hi = (r / g.w) % g.h, n = r / (g.w * g.h);
        const int32_t self = (int32_t)((hi * g.w + wi) * g.c + c);
        int64_t oh0, oh1, ow0, ow1;
        covering(hi, g.kh, g.sh, g.pt, g.oh, &oh0, &oh1);
        covering(wi, g.kw, g.sw, g.pl, g.ow, &ow0, &ow1);
        float acc = 0;
        for (int64_t oh = oh0; oh <= oh1; oh++)
            for (int64_t ow = ow0; ow <= ow1; ow++) {
                int64_t o = ((n * g.oh + oh) * g.ow + ow) * g.c + c;
                if (is_max) {
                    if (ws[o] == self)
                        acc += dy[o];
                } else {
                    int64_t h0, h1, w0, w1;
                    window(g, oh, ow, &h0, &h1, &w0, &w1);
                    acc += dy[o] * (1.0f / (float)((h1 - h0) * (w1 - w0)));
                }
            }
        dx[i] = acc;
    }
}

static int pool_run(dnnr_backend *b, dnnr_plan *p, dnnr_buffer *const *ops,
                    const dnnr_run_args *args)
{
    (void)args;
    geometry g = geometry_of(&p->d);
    const int is_max = p->d.algorithm == DNNR_POOL_MAX;
    if (p->d.op == DNNR_OP_POOL_FWD) /* x, y, ws */
        pool_fwd_kernel<<<cuda_grid(g.n * g.oh * g.ow * g.c), CUDA_THREADS, 0, b->stream>>>(
            g, is_max, (const float *)ops[0]->data, (float *)ops[1]->data,
            (int32_t *)ops[2]->data);
    else /* dy, ws, dx */
        pool_bwd_kernel<<<cuda_grid(g.n * g.h * g.w * g.c), CUDA_THREADS, 0, b->stream>>>(
            g, is_max, (const float *)ops[0]->data, (const int32_t *)ops[1]->data,
            (float *)ops[2]->data);
    return DNNR_OK;
}

extern "C" int cuda_pool_plan(dnnr_backend *b, dnnr_plan *p)
{
    const dnnr_op_desc *d = &p->d;
    geometry g = geometry_of(d);
    if (d->n_dims[0] != 4 || d->n_dims[2] != 4 || g.kh < 1 || g.kw < 1 || g.sh < 1 || g.sw < 1 ||
        g.oh < 1 || g.ow < 1 || d->dims[2][3] != g.c || d->dims[2][0] != g.n ||
        d->algorithm > DNNR_POOL_AVG || g.h * g.w * g.c > INT32_MAX || g.pt < 0 || g.pl < 0)
        return cuda_bad(b, "pool: invalid geometry");
    const size_t f = sizeof(float), nx = f * (size_t)(g.n * g.h * g.w * g.c),
                 ny = f * (size_t)(g.n * g.oh * g.ow * g.c);
    const int is_max = d->algorithm == DNNR_POOL_MAX;
    p->n_operands = 3;
    if (d->op == DNNR_OP_POOL_FWD) {
        p->need[0] = nx;
        p->need[1] = ny;
        p->need[2] = is_max ? ny : 0;
    } else {
        p->need[0] = ny;
        p->need[1] = is_max ? ny : 0;
        p->need[2] = nx;
    }
    p->run = pool_run;
    return DNNR_OK;
}
