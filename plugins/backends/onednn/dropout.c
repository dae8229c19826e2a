/* Dropout with counter-based randomness: element i is kept when the 24-bit
 * uniform from word i % 4 of Philox(key, counter + i / 4) is >= rate, so the
 * mask is a pure function of (key, counter, i) and the same for any thread
 * count. The mask holds 0 or 1/(1-rate) (Keras' inverted dropout). */
#include "onednn.h"

static int dropout_fwd(dnnr_backend *b, dnnr_plan *p, dnnr_buffer *const *ops,
                       const dnnr_run_args *args)
{
    if (!args) {
        b->host->set_error(b->host->ctx, "dropout needs run args (key, counter)");
        return DNNR_EINVAL;
    }
    const float *x = ops[0]->data;
    float *y = ops[1]->data, *mask = ops[2]->data;
    const int64_t n = p->rows;
    const float rate = p->d.alpha, scale = 1.0f / (1.0f - rate);
    const uint64_t key = args->key, counter = args->counter;
#pragma omp parallel for schedule(static)
    for (int64_t blk = 0; blk < (n + 3) / 4; blk++) {
        uint32_t words[4];
        dnnr_philox4x32(key, counter + (uint64_t)blk, words);
        for (int k = 0; k < 4; k++) {
            int64_t i = blk * 4 + k;
            if (i >= n)
                break;
            float u = (float)(words[k] >> 8) * (1.0f / 16777216.0f);
            mask[i] = u >= rate ? scale : 0.0f;
            y[i] = x[i] * mask[i];
        }
    }
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
#pragma omp parallel for simd schedule(static)
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
