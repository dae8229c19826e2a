/* Dropout with counter-based randomness: element i is kept when the 24-bit
 * uniform from word i % 4 of Philox(key, counter + i / 4) is >= rate, so the
 * mask is a pure function of (key, counter, i) and the same for any thread
 * count. The mask holds 0 or 1/(1-rate) (Keras' inverted dropout). */
#include "onednn.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(DNNR_SANITIZE)
#define CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define CLONES
#endif

/* Masks for whole 4-element blocks [b0, b1): Philox written out so the
 * compiler can run several blocks per vector (multi-versioned). */
CLONES static void mask_blocks(uint64_t key, uint64_t counter, int64_t b0, int64_t b1, float rate,
                               float scale, float *restrict mask)
{
    const uint32_t k0 = (uint32_t)key, k1 = (uint32_t)(key >> 32);
    for (int64_t blk = b0; blk < b1; blk++) {
        uint64_t ctr = counter + (uint64_t)blk;
        uint32_t c0 = (uint32_t)ctr, c1 = (uint32_t)(ctr >> 32), c2 = 0, c3 = 0;
        uint32_t a0 = k0, a1 = k1;
        for (int round = 0; round < 10; round++) {
            uint64_t p0 = (uint64_t)0xD2511F53u * c0, p1 = (uint64_t)0xCD9E8D57u * c2;
            uint32_t n0 = (uint32_t)(p1 >> 32) ^ c1 ^ a0, n2 = (uint32_t)(p0 >> 32) ^ c3 ^ a1;
            c1 = (uint32_t)p1;
            c3 = (uint32_t)p0;
            c0 = n0;
            c2 = n2;
            a0 += 0x9E3779B9u;
            a1 += 0xBB67AE85u;
        }
        const uint32_t words[4] = {c0, c1, c2, c3};
        for (int k = 0; k < 4; k++) {
            float u = (float)(words[k] >> 8) * (1.0f / 16777216.0f);
            mask[blk * 4 + k] = u >= rate ? scale : 0.0f;
        }
    }
}

static int dropout_fwd(dnnr_backend *b, dnnr_plan *p, dnnr_buffer *const *ops,
                       const dnnr_run_args *args)
{
    if (!args) {
        b->host->set_error(b->host->ctx, "dropout needs run args (key, counter)");
        return DNNR_EINVAL;
    }
    const float *x = ops[0]->data;
    float *y = ops[1]->data, *mask = ops[2]->data;
    const int64_t n = p->rows, full = n / 4, chunk = 1024;
    const float rate = p->d.alpha, scale = 1.0f / (1.0f - rate);
    const uint64_t key = args->key, counter = args->counter;
#pragma omp parallel for schedule(static) if (n > ONEDNN_PAR_MIN)
    for (int64_t b0 = 0; b0 < full; b0 += chunk)
        mask_blocks(key, counter, b0, b0 + chunk < full ? b0 + chunk : full, rate, scale, mask);
    if (n % 4) { /* the last, partial block */
        uint32_t words[4];
        dnnr_philox4x32(key, counter + (uint64_t)full, words);
        for (int64_t i = full * 4; i < n; i++) {
            float u = (float)(words[i - full * 4] >> 8) * (1.0f / 16777216.0f);
            mask[i] = u >= rate ? scale : 0.0f;
        }
    }
#pragma omp parallel for simd schedule(static) if (n > ONEDNN_PAR_MIN)
    for (int64_t i = 0; i < n; i++)
        y[i] = x[i] * mask[i];
    return DNNR_OK;
}

static int dropout_bwd(dnnr_backend *b, dnnr_plan *p, dnnr_buffer *const *ops,
                       const dnnr_run_args *args)
{
    (void)b;
    (void)args;
    const float *dy = ops[0]->data, *mask = ops[1]->data;
    float *dx = ops[2]->data;
    const int64_t n = p->rows;
#pragma omp parallel for simd schedule(static) if (n > ONEDNN_PAR_MIN)
    for (int64_t i = 0; i < n; i++)
        dx[i] = dy[i] * mask[i];
    return DNNR_OK;
}

int onednn_dropout_plan(dnnr_backend *b, dnnr_plan *p)
{
    const dnnr_op_desc *d = &p->d;
    if (d->n_dims[0] != 1 || d->dims[0][0] < 1 || !(d->alpha >= 0 && d->alpha < 1)) {
        b->host->set_error(b->host->ctx, "dropout: expected x[count] and a rate in [0, 1)");
        return DNNR_EINVAL;
    }
    p->rows = d->dims[0][0];
    p->n_operands = 3;
    p->run = d->op == DNNR_OP_DROPOUT_FWD ? dropout_fwd : dropout_bwd;
    return DNNR_OK;
}
