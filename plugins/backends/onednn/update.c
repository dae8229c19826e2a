/* Optimiser updates (TF 2.3 formulas, listed with dnnr_update_alg in the SDK
 * header) fused with the Keras kernel regularisers: the penalty
 * l1 sum|w| + l2 sum w^2 is computed from the weights before the update and
 * its gradient is added to g (which the update consumes) in a first pass. Sums use fixed blocks added in a
 * fixed order, so results do not depend on the thread count. */
#include <math.h>

#include "onednn.h"

#define BLOCK 4096

/* g += l1 sign(w) + 2 l2 w, and the penalty in fixed blocks. */
static double regularise(dnnr_plan *p, const float *w, float *g, int64_t n)
{
    const float l1 = (float)p->d.scalar[0], l2 = (float)p->d.scalar[1];
    const int64_t n_blocks = (n + BLOCK - 1) / BLOCK;
    double *partial = p->scratch;
#pragma omp parallel for schedule(static) if (n > ONEDNN_PAR_MIN)
    for (int64_t blk = 0; blk < n_blocks; blk++) {
        int64_t i0 = blk * BLOCK, i1 = i0 + BLOCK < n ? i0 + BLOCK : n;
        double pen = 0;
        for (int64_t i = i0; i < i1; i++) {
            float wi = w[i];
            pen += (double)l1 * fabsf(wi) + (double)l2 * wi * wi;
            g[i] += l1 * (float)((wi > 0) - (wi < 0)) + 2 * l2 * wi;
        }
        partial[blk] = pen;
    }
    double total = 0;
    for (int64_t blk = 0; blk < n_blocks; blk++)
        total += partial[blk];
    return total;
}

/* The per-optimiser kernels over one chunk, compiled for AVX-512, AVX2 and
 * baseline x86-64 and picked at load time (GCC function multi-versioning):
 * they are memory-bound, but the square roots and divisions of the adaptive
 * optimisers are not free at 4 lanes. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(DNNR_SANITIZE)
#define CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define CLONES
#endif

typedef struct coeffs {
    float a, b, eps, lr, c1, c2, c3, mu_t, mu_t1;
} coeffs;

CLONES static void chunk_sgd(float *restrict w, const float *restrict g, int64_t n, coeffs k)
{
    for (int64_t i = 0; i < n; i++)
        w[i] -= k.lr * g[i];
}

/* Keras SGD(momentum): the velocity s1 keeps -lr times the decayed gradient sum. */
CLONES static void chunk_momentum(float *restrict w, const float *restrict g, float *restrict s1,
                                  int64_t n, coeffs k)
{
    for (int64_t i = 0; i < n; i++) {
        float v = k.a * s1[i] - k.lr * g[i];
        s1[i] = v;
        w[i] += v;
    }
}

CLONES static void chunk_rmsprop(float *restrict w, const float *restrict g, float *restrict s1,
                                 int64_t n, coeffs k)
{
    for (int64_t i = 0; i < n; i++) {
        float gi = g[i], v = k.a * s1[i] + (1 - k.a) * gi * gi;
        s1[i] = v;
        w[i] -= k.lr * gi / (sqrtf(v) + k.eps);
    }
}

CLONES static void chunk_adagrad(float *restrict w, const float *restrict g, float *restrict s1,
                                 int64_t n, coeffs k)
{
    for (int64_t i = 0; i < n; i++) {
        float gi = g[i], v = s1[i] + gi * gi;
        s1[i] = v;
        w[i] -= k.lr * gi / (sqrtf(v) + k.eps);
    }
}

CLONES static void chunk_adadelta(float *restrict w, const float *restrict g, float *restrict s1,
                                  float *restrict s2, int64_t n, coeffs k)
{
    for (int64_t i = 0; i < n; i++) {
        float gi = g[i], v = k.a * s1[i] + (1 - k.a) * gi * gi;
        float u = sqrtf(s2[i] + k.eps) / sqrtf(v + k.eps) * gi;
        s1[i] = v;
        s2[i] = k.a * s2[i] + (1 - k.a) * u * u;
        w[i] -= k.lr * u;
    }
}

CLONES static void chunk_adam(float *restrict w, const float *restrict g, float *restrict s1,
                              float *restrict s2, int64_t n, coeffs k)
{
    for (int64_t i = 0; i < n; i++) {
        float gi = g[i];
        float m = k.a * s1[i] + (1 - k.a) * gi, v = k.b * s2[i] + (1 - k.b) * gi * gi;
        s1[i] = m;
        s2[i] = v;
        w[i] -= k.lr * m / (sqrtf(v) + k.eps);
    }
}

CLONES static void chunk_adamax(float *restrict w, const float *restrict g, float *restrict s1,
                                float *restrict s2, int64_t n, coeffs k)
{
    for (int64_t i = 0; i < n; i++) {
        float gi = g[i], m = k.a * s1[i] + (1 - k.a) * gi;
        float decayed = k.b * s2[i], ag = fabsf(gi), v = decayed > ag ? decayed : ag;
        s1[i] = m;
        s2[i] = v;
        w[i] -= k.lr * m / (v + k.eps);
    }
}

CLONES static void chunk_nadam(float *restrict w, const float *restrict g, float *restrict s1,
                               float *restrict s2, int64_t n, coeffs k)
{
    for (int64_t i = 0; i < n; i++) {
        float gi = g[i];
        float m = k.a * s1[i] + (1 - k.a) * gi, v = k.b * s2[i] + (1 - k.b) * gi * gi;
        s1[i] = m;
        s2[i] = v;
        float m_bar = (1 - k.mu_t) * gi / k.c1 + k.mu_t1 * m / k.c2;
        w[i] -= k.lr * m_bar / (sqrtf(v / k.c3) + k.eps);
    }
}

static int update_run(dnnr_backend *b, dnnr_plan *p, dnnr_buffer *const *ops,
                      const dnnr_run_args *args)
{
    if (!args) {
        b->host->set_error(b->host->ctx, "update needs run args (learning rate)");
        return DNNR_EINVAL;
    }
    float *w = ops[0]->data, *g = ops[1]->data, *s1 = ops[2]->data, *s2 = ops[3]->data;
    const int64_t n = p->rows, n_blocks = (n + BLOCK - 1) / BLOCK;
    if (p->d.scalar[0] != 0 || p->d.scalar[1] != 0)
        ops[4]->data[0] = (float)regularise(p, w, g, n);
    coeffs k = {p->d.alpha, p->d.beta, p->d.epsilon, (float)args->scalar[0],
                (float)args->scalar[1], (float)args->scalar[2], (float)args->scalar[3],
                (float)args->scalar[4], (float)args->scalar[5]};
    const dnnr_update_alg alg = (dnnr_update_alg)p->d.algorithm;
#pragma omp parallel for schedule(static) if (n > ONEDNN_PAR_MIN)
    for (int64_t blk = 0; blk < n_blocks; blk++) {
        int64_t i0 = blk * BLOCK, len = i0 + BLOCK < n ? BLOCK : n - i0;
        float *wb = w + i0, *s1b = s1 + i0, *s2b = s2 + i0;
        const float *gb = g + i0;
        switch (alg) {
        case DNNR_UPDATE_SGD:
            chunk_sgd(wb, gb, len, k);
            break;
        case DNNR_UPDATE_RMSPROP:
            chunk_rmsprop(wb, gb, s1b, len, k);
            break;
        case DNNR_UPDATE_ADAGRAD:
            chunk_adagrad(wb, gb, s1b, len, k);
            break;
        case DNNR_UPDATE_ADADELTA:
            chunk_adadelta(wb, gb, s1b, s2b, len, k);
            break;
        case DNNR_UPDATE_ADAM:
            chunk_adam(wb, gb, s1b, s2b, len, k);
            break;
        case DNNR_UPDATE_ADAMAX:
            chunk_adamax(wb, gb, s1b, s2b, len, k);
            break;
        case DNNR_UPDATE_NADAM:
            chunk_nadam(wb, gb, s1b, s2b, len, k);
            break;
        case DNNR_UPDATE_SGD_MOMENTUM:
            chunk_momentum(wb, gb, s1b, len, k);
            break;
        }
    }
    return DNNR_OK;
}

/* The optimiser's clipvalue: the regulariser's gradient is part of the
 * loss's gradient in Keras, so it is added before clipping; the update that
 * follows then runs without regulariser. */
static int clip_run(dnnr_backend *b, dnnr_plan *p, dnnr_buffer *const *ops,
                    const dnnr_run_args *args)
{
    (void)b;
    (void)args;
    const float *w = ops[0]->data;
    float *g = ops[1]->data;
    const int64_t n = p->rows;
    if (p->d.scalar[0] != 0 || p->d.scalar[1] != 0)
        ops[2]->data[0] = (float)regularise(p, w, g, n);
    const float c = p->d.alpha;
#pragma omp parallel for schedule(static) if (n > ONEDNN_PAR_MIN)
    for (int64_t i = 0; i < n; i++)
        g[i] = g[i] < -c ? -c : (g[i] > c ? c : g[i]);
    return DNNR_OK;
}

int onednn_update_plan(dnnr_backend *b, dnnr_plan *p)
{
    const dnnr_op_desc *d = &p->d;
    const int clip = d->op == DNNR_OP_GRAD_CLIP;
    if (d->n_dims[0] != 1 || d->dims[0][0] < 1 ||
        (!clip && d->algorithm > DNNR_UPDATE_SGD_MOMENTUM) || (clip && !(d->alpha > 0))) {
        b->host->set_error(b->host->ctx, clip ? "gradient clip: expected w[count] and a bound > 0"
                                              : "update: expected w[count] and a known optimiser");
        return DNNR_EINVAL;
    }
    p->rows = d->dims[0][0];
    const int regularised = d->scalar[0] != 0 || d->scalar[1] != 0;
    p->n_operands = clip ? (regularised ? 3 : 2) : (regularised ? 5 : 4);
    p->scratch = b->host->alloc(b->host->ctx, (size_t)((p->rows + BLOCK - 1) / BLOCK),
                                sizeof(double));
    if (!p->scratch)
        return DNNR_ENOMEM;
    p->run = clip ? clip_run : update_run;
    return DNNR_OK;
}
