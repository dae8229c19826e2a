/* Dropout with counter-based randomness, bit for bit the onednn backend's
 * masks: element i is kept when the 24-bit uniform from word i % 4 of
 * Philox4x32-10(key, counter + i / 4) is >= rate, so a mask is a pure
 * function of (key, counter, i) on any device. One thread per 4-element
 * block. The mask holds 0 or 1/(1-rate) (Keras' inverted dropout). */
#include "cuda.h"

__global__ static void dropout_fwd_kernel(const float *x, float *y, float *mask, int64_t n,
                                          uint64_t key, uint64_t counter, float rate, float scale)
{
    const int64_t blocks = (n + 3) / 4;
    const uint32_t k0 = (uint32_t)key, k1 = (uint32_t)(key >> 32);
    for (int64_t blk = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; blk < blocks;
         blk += (int64_t)gridDim.x * blockDim.x) {
        uint64_t ctr = counter + (uint64_t)blk;
        uint32_t c0 = (uint32_t)ctr, c1 = (uint32_t)(ctr >> 32), c2 = 0, c3 = 0;
        uint32_t a0 = k0, a1 = k1;
        for (int round = 0; round < 10; round++) {
            uint32_t hi0 = __umulhi(0xD2511F53u, c0), lo0 = 0xD2511F53u * c0;
            uint32_t hi1 = __umulhi(0xCD9E8D57u, c2), lo1 = 0xCD9E8D57u * c2;
            uint32_t n0 = hi1 ^ c1 ^ a0, n2 = hi0 ^ c3 ^ a1;
            c1 = lo1;
            c3 = lo0;
            c0 = n0;
            c2 = n2;
            a0 += 0x9E3779B9u;
            a1 += 0xBB67AE85u;
        }
        const uint32_t words[4] = {c0, c1, c2, c3};
        for (int k = 0; k < 4; k++) {
            int64_t i = blk * 4 + k;
            if (i >= n)
                break;
            float u = (float)(words[k] >> 8) * (1.0f / 16777216.0f);
            float m = u >= rate ? scale : 0.0f;
            mask[i] = m;
            y[i] = x[i] * m;
        }
    }
}

__global__ static void dropout_bwd_kernel(const float *dy, const float *mask, float *dx, int64_t n)
{
    for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n;
         i += (int64_t)gridDim.x * blockDim.x)
        dx[i] = dy[i] * mask[i];
}

static int dropout_run(dnnr_backend *b, dnnr_plan *p, dnnr_buffer *const *ops,
                       const dnnr_run_args *args)
{
    const int64_t n = p->rows;
    if (p->d.op == DNNR_OP_DROPOUT_BWD) { /* dy, mask, dx */
        dropout_bwd_kernel<<<cuda_grid(n), CUDA_THREADS, 0, b->stream>>>(
            (const float *)ops[0]->data, (const float *)ops[1]->data, (float *)ops[2]->data, n);
        return DNNR_OK;
    }
    if (!args) {
        b->host->set_error(b->host->ctx, "dropout needs run args (key, counter)");
        return DNNR_EINVAL;
    }
    const float rate = p->d.alpha, scale = 1.0f / (1.0f - rate);
    dropout_fwd_kernel<<<cuda_grid((n + 3) / 4), CUDA_THREADS, 0, b->stream>>>(
        (const float *)ops[0]->data, (float *)ops[1]->data, (float *)ops[2]->data, n, args->key,
        args->counter, rate, scale);
    return DNNR_OK;
}

extern "C" int cuda_dropout_plan(dnnr_backend *b, dnnr_plan *p)
{
    const dnnr_op_desc *d = &p->d;
    if (d->n_dims[0] != 1 || d->dims[0][0] < 1 || !(d->alpha >= 0 && d->alpha < 1))
        return cuda_bad(b, "dropout: expected x[count] and a rate in [0, 1)");
    p->rows = d->dims[0][0];
    p->n_operands = 3;
    for (int i = 0; i < 3; i++)
        p->need[i] = sizeof(float) * (size_t)p->rows;
    p->run = dropout_run;
    return DNNR_OK;
}
