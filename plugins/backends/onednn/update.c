/* Optimiser updates (TF 2.3 formulas, listed with dnnr_update_alg in the SDK
 * header) fused with the Keras kernel regularisers: the penalty
 * l1 sum|w| + l2 sum w^2 is computed from the weights before the update and
 * its gradient is added to g on the fly. Sums use fixed blocks added in a
 * fixed order, so results do not depend on the thread count. */
#include <math.h>

#include "onednn.h"

#define BLOCK 4096

static int update_run(dnnr_backend *b, dnnr_plan *p, dnnr_buffer *const *ops,
                      const dnnr_run_args *args)
{
    if (!args) {
        b->host->set_error(b->host->ctx, "update needs run args (learning rate)");
        return DNNR_EINVAL;
    }
    float *w = ops[0]->data, *s1 = ops[2]->data, *s2 = ops[3]->data;
    const float *g = ops[1]->data;
    const int64_t n = p->rows, n_blocks = (n + BLOCK - 1) / BLOCK;
    const float a = p->d.alpha, bb = p->d.beta, eps = p->d.epsilon;
    const float l1 = (float)p->d.scalar[0], l2 = (float)p->d.scalar[1];
    const int regularised = l1 != 0 || l2 != 0;
    const float lr = (float)args->scalar[0];
    const float c1 = (float)args->scalar[1], c2 = (float)args->scalar[2],
                c3 = (float)args->scalar[3], mu_t = (float)args->scalar[4],
                mu_t1 = (float)args->scalar[5];
    const dnnr_update_alg alg = (dnnr_update_alg)p->d.algorithm;
    double *partial = p->scratch;
#pragma omp parallel for schedule(static)
    for (int64_t blk = 0; blk < n_blocks; blk++) {
        int64_t i0 = blk * BLOCK, i1 = i0 + BLOCK < n ? i0 + BLOCK : n;
        double pen = 0;
        for (int64_t i = i0; i < i1; i++) {
            float gi = g[i], wi = w[i];
            if (regularised) {
                pen += (double)l1 * fabsf(wi) + (double)l2 * wi * wi;
                gi += l1 * (float)((wi > 0) - (wi < 0)) + 2 * l2 * wi;
            }
            switch (alg) {
            case DNNR_UPDATE_SGD:
                w[i] = wi - lr * gi;
                break;
            case DNNR_UPDATE_RMSPROP:
                s1[i] = a * s1[i] + (1 - a) * gi * gi;
                w[i] = wi - lr * gi / (sqrtf(s1[i]) + eps);
                break;
            case DNNR_UPDATE_ADAGRAD:
                s1[i] += gi * gi;
                w[i] = wi - lr * gi / (sqrtf(s1[i]) + eps);
                break;
            case DNNR_UPDATE_ADADELTA: {
                s1[i] = a * s1[i] + (1 - a) * gi * gi;
                float u = sqrtf(s2[i] + eps) / sqrtf(s1[i] + eps) * gi;
                s2[i] = a * s2[i] + (1 - a) * u * u;
                w[i] = wi - lr * u;
                break;
            }
            case DNNR_UPDATE_ADAM:
                s1[i] = a * s1[i] + (1 - a) * gi;
                s2[i] = bb * s2[i] + (1 - bb) * gi * gi;
                w[i] = wi - lr * s1[i] / (sqrtf(s2[i]) + eps);
                break;
            case DNNR_UPDATE_ADAMAX: {
                s1[i] = a * s1[i] + (1 - a) * gi;
                float decayed = bb * s2[i], ag = fabsf(gi);
                s2[i] = decayed > ag ? decayed : ag;
                w[i] = wi - lr * s1[i] / (s2[i] + eps);
                break;
            }
            case DNNR_UPDATE_NADAM: {
                s1[i] = a * s1[i] + (1 - a) * gi;
                s2[i] = bb * s2[i] + (1 - bb) * gi * gi;
                float m_bar = (1 - mu_t) * gi / c1 + mu_t1 * s1[i] / c2;
                w[i] = wi - lr * m_bar / (sqrtf(s2[i] / c3) + eps);
                break;
            }
            }
        }
        partial[blk] = pen;
    }
    if (regularised) {
        double total = 0;
        for (int64_t blk = 0; blk < n_blocks; blk++)
            total += partial[blk];
        ops[4]->data[0] = (float)total;
    }
    return DNNR_OK;
}

int onednn_update_plan(dnnr_backend *b, dnnr_plan *p)
{
    const dnnr_op_desc *d = &p->d;
    if (d->n_dims[0] != 1 || d->dims[0][0] < 1 || d->algorithm > DNNR_UPDATE_NADAM) {
        b->host->set_error(b->host->ctx, "update: expected w[count] and a known optimiser");
        return DNNR_EINVAL;
    }
    p->rows = d->dims[0][0];
    p->n_operands = (d->scalar[0] != 0 || d->scalar[1] != 0) ? 5 : 4;
    p->scratch = b->host->alloc(b->host->ctx, (size_t)((p->rows + BLOCK - 1) / BLOCK),
                                sizeof(double));
    if (!p->scratch)
        return DNNR_ENOMEM;
    p->run = update_run;
    return DNNR_OK;
}
