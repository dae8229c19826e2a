/* Optimiser updates (TF 2.3 formulas, listed with dnnr_update_alg in the SDK
 * header) fused with the Keras kernel regularisers in one kernel per
 * optimiser: each thread reads w, adds l1 sign(w) + 2 l2 w to g (written
 * back, as the onednn backend does), updates the state and w, and adds its
 * share of the penalty l1 sum|w| + l2 sum w^2 (of the weights before the
 * update). Penalty sums are deterministic: per-block tree sums of a grid
 * whose size depends on the element count only, then one block adds the
 * block sums in a fixed order. */
#include "cuda.h"

/* DNNR_OP_GRAD_CLIP runs update_kernel with this pseudo optimiser: the
 * regulariser's gradient is added, g is clipped to [-a, a], w is kept. */
#define CLIP_ONLY 1000

typedef struct coeffs {
    float a, b, eps, lr, c1, c2, c3, mu_t, mu_t1, l1, l2;
} coeffs;

template <int ALG, int REG>
__global__ static void update_kernel(float *w, float *g, float *s1, float *s2, int64_t n,
                                     coeffs k, double *partial)
{
    __shared__ double sh[CUDA_THREADS];
    double pen = 0;
    for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n;
         i += (int64_t)gridDim.x * blockDim.x) {
        float wi = w[i], gi = g[i];
        if (REG) {
            pen += (double)k.l1 * fabsf(wi) + (double)k.l2 * wi * wi;
            gi += k.l1 * (float)((wi > 0) - (wi < 0)) + 2 * k.l2 * wi;
            g[i] = gi;
        }
        switch (ALG) {
        case CLIP_ONLY:
            g[i] = gi < -k.a ? -k.a : (gi > k.a ? k.a : gi);
            break;
        case DNNR_UPDATE_SGD:
            wi -= k.lr * gi;
            break;
        case DNNR_UPDATE_SGD_MOMENTUM: { /* Keras SGD(momentum) */
            float v = k.a * s1[i] - k.lr * gi;
            s1[i] = v;
            wi += v;
            break;
        }
        case DNNR_UPDATE_RMSPROP: {
            float v = k.a * s1[i] + (1 - k.a) * gi * gi;
            s1[i] = v;
            wi -= k.lr * gi / (sqrtf(v) + k.eps);
            break;
        }
        case DNNR_UPDATE_ADAGRAD: {
            float v = s1[i] + gi * gi;
            s1[i] = v;
            wi -= k.lr * gi / (sqrtf(v) + k.eps);
            break;
        }
        case DNNR_UPDATE_ADADELTA: {
            float v = k.a * s1[i] + (1 - k.a) * gi * gi;
            float u = sqrtf(s2[i] + k.eps) / sqrtf(v + k.eps) * gi;
            s1[i] = v;
            s2[i] = k.a * s2[i] + (1 - k.a) * u * u;
            wi -= k.lr * u;
            break;
        }
        case DNNR_UPDATE_ADAM: {
            float m = k.a * s1[i] + (1 - k.a) * gi, v = k.b * s2[i] + (1 - k.b) * gi * gi;
            s1[i] = m;
            s2[i] = v;
            wi -= k.lr * m / (sqrtf(v) + k.eps);
            break;
        }
        case DNNR_UPDATE_ADAMAX: {
            float m = k.a * s1[i] + (1 - k.a) * gi;
            float decayed = k.b * s2[i], ag = fabsf(gi), v = decayed > ag ? decayed : ag;
            s1[i] = m;
            s2[i] = v;
            wi -= k.lr * m / (v + k.eps);
            break;
        }
        default: { /* NADAM */
            float m = k.a * s1[i] + (1 - k.a) * gi, v = k.b * s2[i] + (1 - k.b) * gi * gi;
            s1[i] = m;
            s2[i] = v;
            float m_bar = (1 - k.mu_t) * gi / k.c1 + k.mu_t1 * m / k.c2;
            wi -= k.lr * m_bar / (sqrtf(v / k.c3) + k.eps);
            break;
        }
        }
        w[i] = wi;
    }
    if (!REG)
        return;
    sh[threadIdx.x] = pen;
    __syncthreads();
    for (int s = CUDA_THREADS / 2; s > 0; s >>= 1) {
        if ((int)threadIdx.x < s)
            sh[threadIdx.x] += sh[threadIdx.x + s];
        __syncthreads();
    }
    if (threadIdx.x == 0)
        partial[blockIdx.x] = sh[0];
}

/* One block: out[0] = sum of partial[0..n) in a fixed order. */
__global__ static void sum_partials(const double *partial, int64_t n, float *out)
{
    __shared__ double sh[CUDA_THREADS];
    double acc = 0;
    for (int64_t i = threadIdx.x; i < n; i += CUDA_THREADS)
        acc += partial[i];
    sh[threadIdx.x] = acc;
    __syncthreads();
    for (int s = CUDA_THREADS / 2; s > 0; s >>= 1) {
        if ((int)threadIdx.x < s)
            sh[threadIdx.x] += sh[threadIdx.x + s];
        __syncthreads();
    }
    if (threadIdx.x == 0)
        out[0] = (float)sh[0];
}

template <int ALG>
static void launch(dnnr_backend *b, dnnr_plan *p, dnnr_buffer *const *ops, const coeffs &k)
{
    float *w = (float *)ops[0]->data, *g = (float *)ops[1]->data, *s1 = (float *)ops[2]->data,
          *s2 = (float *)ops[3]->data;
    const unsigned grid = (unsigned)p->n_blocks;
    if (p->partial) {
        update_kernel<ALG, 1><<<grid, CUDA_THREADS, 0, b->stream>>>(w, g, s1, s2, p->rows, k,
                                                                     p->partial);
        sum_partials<<<1, CUDA_THREADS, 0, b->stream>>>(p->partial, p->n_blocks,
                                                        (float *)ops[4]->data);
    } else {
        update_kernel<ALG, 0><<<grid, CUDA_THREADS, 0, b->stream>>>(w, g, s1, s2, p->rows, k,
                                                                     NULL);
    }
}

/* Operands w, g[, penalty]: no optimiser state. */
static int clip_run(dnnr_backend *b, dnnr_plan *p, dnnr_buffer *const *ops,
                    const dnnr_run_args *args)
{
    (void)args;
    coeffs k = {};
    k.a = p->d.alpha;
    k.l1 = (float)p->d.scalar[0];
    k.l2 = (float)p->d.scalar[1];
    float *w = (float *)ops[0]->data, *g = (float *)ops[1]->data;
    const unsigned grid = (unsigned)p->n_blocks;
    if (p->partial) {
        update_kernel<CLIP_ONLY, 1><<<grid, CUDA_THREADS, 0, b->stream>>>(w, g, NULL, NULL, p->rows,
                                                                           k, p->partial);
        sum_partials<<<1, CUDA_THREADS, 0, b->stream>>>(p->partial, p->n_blocks,
                                                        (float *)ops[2]->data);
    } else {
        update_kernel<CLIP_ONLY, 0><<<grid, CUDA_THREADS, 0, b->stream>>>(w, g, NULL, NULL, p->rows,
                                                                           k, NULL);
    }
    return DNNR_OK;
}

static int update_run(dnnr_backend *b, dnnr_plan *p, dnnr_buffer *const *ops,
                      const dnnr_run_args *args)
{
    if (!args) {
        b->host->set_error(b->host->ctx, "update needs run args (learning rate)");
        return DNNR_EINVAL;
    }
    coeffs k = {p->d.alpha,
                p->d.beta,
                p->d.epsilon,
                (float)args->scalar[0],
                (float)args->scalar[1],
                (float)args->scalar[2],
                (float)args->scalar[3],
                (float)args->scalar[4],
                (float)args->scalar[5],
                (float)p->d.scalar[0],
                (float)p->d.scalar[1]};
    switch ((dnnr_update_alg)p->d.algorithm) {
    case DNNR_UPDATE_SGD: launch<DNNR_UPDATE_SGD>(b, p, ops, k); break;
    case DNNR_UPDATE_RMSPROP: launch<DNNR_UPDATE_RMSPROP>(b, p, ops, k); break;
    case DNNR_UPDATE_ADAGRAD: launch<DNNR_UPDATE_ADAGRAD>(b, p, ops, k); break;
    case DNNR_UPDATE_ADADELTA: launch<DNNR_UPDATE_ADADELTA>(b, p, ops, k); break;
    case DNNR_UPDATE_ADAM: launch<DNNR_UPDATE_ADAM>(b, p, ops, k); break;
    case DNNR_UPDATE_ADAMAX: launch<DNNR_UPDATE_ADAMAX>(b, p, ops, k); break;
    case DNNR_UPDATE_NADAM: launch<DNNR_UPDATE_NADAM>(b, p, ops, k); break;
    case DNNR_UPDATE_SGD_MOMENTUM: launch<DNNR_UPDATE_SGD_MOMENTUM>(b, p, ops, k); break;
    }
    return DNNR_OK;
}

extern "C" int cuda_update_plan(dnnr_backend *b, dnnr_plan *p)
{
    const dnnr_op_desc *d = &p->d;
    const int clip = d->op == DNNR_OP_GRAD_CLIP;
    if (d->n_dims[0] != 1 || d->dims[0][0] < 1 ||
        (!clip && d->algorithm > DNNR_UPDATE_SGD_MOMENTUM) || (clip && !(d->alpha > 0)))
        return cuda_bad(b, clip ? "gradient clip: expected w[count] and a bound > 0"
                                : "update: expected w[count] and a known optimiser");
    p->rows = d->dims[0][0];
    const int reg = d->scalar[0] != 0 || d->scalar[1] != 0;
    const size_t nw = sizeof(float) * (size_t)p->rows;
    const dnnr_update_alg alg = (dnnr_update_alg)d->algorithm;
    const int uses_s1 = !clip && alg != DNNR_UPDATE_SGD;
    const int uses_s2 = !clip && (alg == DNNR_UPDATE_ADADELTA ||
                                  (alg >= DNNR_UPDATE_ADAM && alg <= DNNR_UPDATE_NADAM));
    p->need[0] = nw;
    p->need[1] = nw;
    if (clip) {
        p->n_operands = reg ? 3 : 2;
        p->need[2] = reg ? sizeof(float) : 0;
    } else {
        p->n_operands = reg ? 5 : 4;
        p->need[2] = uses_s1 ? nw : 0;
        p->need[3] = uses_s2 ? nw : 0;
        p->need[4] = reg ? sizeof(float) : 0;
    }
    /* the grid, and so the penalty's summation order, depends on the count only */
    p->n_blocks = cuda_grid(p->rows);
    p->run = clip ? clip_run : update_run;
    if (!reg)
        return DNNR_OK;
    return cuda_plan_alloc(b, (void **)&p->partial, sizeof(double) * (size_t)p->n_blocks,
                           "cudaMalloc (penalty sums)");
}
