/* Keras activations (element-wise and softmax) as OpenMP loops. Each
 * backward pass uses whichever of the forward input x or output y gives the
 * TF gradient most cheaply (TF's own *Grad kernels make the same choice). */
#include <math.h>

#include "onednn.h"

#define SELU_ALPHA 1.6732632423543772f
#define SELU_SCALE 1.0507009873554805f

static int eltwise_fwd(dnnr_backend *b, dnnr_plan *p, dnnr_buffer *const *ops,
                       const dnnr_run_args *args)
{
    (void)b;
    (void)args;
    const float *x = ops[0]->data;
    float *y = ops[1]->data;
    const int64_t n = p->rows;
    const float alpha = p->d.alpha;
    switch ((dnnr_eltwise_alg)p->d.algorithm) {
    case DNNR_ELTWISE_LINEAR:
#pragma omp parallel for simd schedule(static) if (n > ONEDNN_PAR_MIN)
        for (int64_t i = 0; i < n; i++)
            y[i] = x[i];
        break;
    case DNNR_ELTWISE_RELU:
#pragma omp parallel for simd schedule(static) if (n > ONEDNN_PAR_MIN)
        for (int64_t i = 0; i < n; i++)
            y[i] = x[i] > 0 ? x[i] : 0;
        break;
    case DNNR_ELTWISE_ELU:
#pragma omp parallel for schedule(static) if (n > ONEDNN_PAR_MIN)
        for (int64_t i = 0; i < n; i++)
            y[i] = x[i] > 0 ? x[i] : alpha * expm1f(x[i]);
        break;
    case DNNR_ELTWISE_SELU:
#pragma omp parallel for schedule(static) if (n > ONEDNN_PAR_MIN)
        for (int64_t i = 0; i < n; i++)
            y[i] = x[i] > 0 ? SELU_SCALE * x[i] : SELU_SCALE * SELU_ALPHA * expm1f(x[i]);
        break;
    case DNNR_ELTWISE_SOFTPLUS:
#pragma omp parallel for schedule(static) if (n > ONEDNN_PAR_MIN)
        for (int64_t i = 0; i < n; i++)
            y[i] = log1pf(expf(-fabsf(x[i]))) + (x[i] > 0 ? x[i] : 0);
        break;
    case DNNR_ELTWISE_SOFTSIGN:
#pragma omp parallel for simd schedule(static) if (n > ONEDNN_PAR_MIN)
        for (int64_t i = 0; i < n; i++)
            y[i] = x[i] / (1 + fabsf(x[i]));
        break;
    case DNNR_ELTWISE_TANH:
#pragma omp parallel for schedule(static) if (n > ONEDNN_PAR_MIN)
        for (int64_t i = 0; i < n; i++)
            y[i] = tanhf(x[i]);
        break;
    case DNNR_ELTWISE_SIGMOID:
#pragma omp parallel for schedule(static) if (n > ONEDNN_PAR_MIN)
        for (int64_t i = 0; i < n; i++)
            y[i] = 1.0f / (1.0f + expf(-x[i]));
        break;
    case DNNR_ELTWISE_HARD_SIGMOID:
#pragma omp parallel for simd schedule(static) if (n > ONEDNN_PAR_MIN)
        for (int64_t i = 0; i < n; i++) {
            float v = 0.2f * x[i] + 0.5f;
            y[i] = v < 0 ? 0 : (v > 1 ? 1 : v);
        }
        break;
    case DNNR_ELTWISE_EXP:
#pragma omp parallel for schedule(static) if (n > ONEDNN_PAR_MIN)
        for (int64_t i = 0; i < n; i++)
            y[i] = expf(x[i]);
        break;
    }
    return DNNR_OK;
}

static int eltwise_bwd(dnnr_backend *b, dnnr_plan *p, dnnr_buffer *const *ops,
                       const dnnr_run_args *args)
{
    (void)b;
    (void)args;
    const float *x = ops[0]->data, *y = ops[1]->data, *dy = ops[2]->data;
    float *dx = ops[3]->data;
    const int64_t n = p->rows;
    const float alpha = p->d.alpha;
    switch ((dnnr_eltwise_alg)p->d.algorithm) {
    case DNNR_ELTWISE_LINEAR:
#pragma omp parallel for simd schedule(static) if (n > ONEDNN_PAR_MIN)
        for (int64_t i = 0; i < n; i++)
            dx[i] = dy[i];
        break;
    case DNNR_ELTWISE_RELU:
#pragma omp parallel for simd schedule(static) if (n > ONEDNN_PAR_MIN)
        for (int64_t i = 0; i < n; i++)
            dx[i] = x[i] > 0 ? dy[i] : 0;
        break;
    case DNNR_ELTWISE_ELU:
#pragma omp parallel for simd schedule(static) if (n > ONEDNN_PAR_MIN)
        for (int64_t i = 0; i < n; i++)
            dx[i] = x[i] > 0 ? dy[i] : dy[i] * (y[i] + alpha);
        break;
    case DNNR_ELTWISE_SELU:
#pragma omp parallel for simd schedule(static) if (n > ONEDNN_PAR_MIN)
        for (int64_t i = 0; i < n; i++)
            dx[i] = x[i] > 0 ? dy[i] * SELU_SCALE : dy[i] * (y[i] + SELU_SCALE * SELU_ALPHA);
        break;
    case DNNR_ELTWISE_SOFTPLUS:
#pragma omp parallel for schedule(static) if (n > ONEDNN_PAR_MIN)
        for (int64_t i = 0; i < n; i++)
            dx[i] = dy[i] / (1.0f + expf(-x[i]));
        break;
    case DNNR_ELTWISE_SOFTSIGN:
#pragma omp parallel for simd schedule(static) if (n > ONEDNN_PAR_MIN)
        for (int64_t i = 0; i < n; i++) {
            float d = 1 + fabsf(x[i]);
            dx[i] = dy[i] / (d * d);
        }
        break;
    case DNNR_ELTWISE_TANH:
#pragma omp parallel for simd schedule(static) if (n > ONEDNN_PAR_MIN)
        for (int64_t i = 0; i < n; i++)
            dx[i] = dy[i] * (1 - y[i] * y[i]);
        break;
    case DNNR_ELTWISE_SIGMOID:
#pragma omp parallel for simd schedule(static) if (n > ONEDNN_PAR_MIN)
        for (int64_t i = 0; i < n; i++)
            dx[i] = dy[i] * y[i] * (1 - y[i]);
        break;
    case DNNR_ELTWISE_HARD_SIGMOID:
#pragma omp parallel for simd schedule(static) if (n > ONEDNN_PAR_MIN)
        for (int64_t i = 0; i < n; i++) {
            float v = 0.2f * x[i] + 0.5f;
            dx[i] = (v < 0 || v > 1) ? 0 : 0.2f * dy[i];
        }
        break;
    case DNNR_ELTWISE_EXP:
#pragma omp parallel for simd schedule(static) if (n > ONEDNN_PAR_MIN)
        for (int64_t i = 0; i < n; i++)
            dx[i] = dy[i] * y[i];
        break;
    }
    return DNNR_OK;
}

/* Softmax over the last axis with the row maximum subtracted (TF does). */
static int softmax_fwd(dnnr_backend *b, dnnr_plan *p, dnnr_buffer *const *ops,
                       const dnnr_run_args *args)
{
    (void)b;
    (void)args;
    const float *x = ops[0]->data;
    float *y = ops[1]->data;
    const int64_t rows = p->rows, cols = p->cols;
#pragma omp parallel for schedule(static) if (rows * cols > ONEDNN_PAR_MIN)
    for (int64_t r = 0; r < rows; r++) {
        const float *xr = x + r * cols;
        float *yr = y + r * cols;
        float m = xr[0];
        for (int64_t c = 1; c < cols; c++)
            m = xr[c] > m ? xr[c] : m;
        float sum = 0;
        for (int64_t c = 0; c < cols; c++) {
            yr[c] = expf(xr[c] - m);
            sum += yr[c];
        }
        float inv = 1.0f / sum;
        for (int64_t c = 0; c < cols; c++)
            yr[c] *= inv;
    }
    return DNNR_OK;
}

static int softmax_bwd(dnnr_backend *b, dnnr_plan *p, dnnr_buffer *const *ops,
                       const dnnr_run_args *args)
{
    (void)b;
    (void)args;
    const float *y = ops[0]->data, *dy = ops[1]->data;
    float *dx = ops[2]->data;
    const int64_t rows = p->rows, cols = p->cols;
#pragma omp parallel for schedule(static) if (rows * cols > ONEDNN_PAR_MIN)
    for (int64_t r = 0; r < rows; r++) {
        const float *yr = y + r * cols, *dyr = dy + r * cols;
        float *dxr = dx + r * cols;
        float dot = 0;
        for (int64_t c = 0; c < cols; c++)
            dot += yr[c] * dyr[c];
        for (int64_t c = 0; c < cols; c++)
            dxr[c] = yr[c] * (dyr[c] - dot);
    }
    return DNNR_OK;
}

int onednn_act_plan(dnnr_backend *b, dnnr_plan *p)
{
    const dnnr_op_desc *d = &p->d;
    if (d->op == DNNR_OP_ELTWISE_FWD || d->op == DNNR_OP_ELTWISE_BWD) {
        if (d->n_dims[0] != 1 || d->dims[0][0] < 1 || d->algorithm > DNNR_ELTWISE_EXP) {
            b->host->set_error(b->host->ctx, "eltwise: expected x[count] and a known function");
            return DNNR_EINVAL;
        }
        p->rows = d->dims[0][0];
        p->n_operands = d->op == DNNR_OP_ELTWISE_FWD ? 2 : 4;
        p->run = d->op == DNNR_OP_ELTWISE_FWD ? eltwise_fwd : eltwise_bwd;
        return DNNR_OK;
    }
    if (d->n_dims[0] != 2 || d->dims[0][0] < 1 || d->dims[0][1] < 1) {
        b->host->set_error(b->host->ctx, "softmax: expected x[rows, n]");
        return DNNR_EINVAL;
    }
    p->rows = d->dims[0][0];
    p->cols = d->dims[0][1];
    p->n_operands = d->op == DNNR_OP_SOFTMAX_FWD ? 2 : 3;
    p->run = d->op == DNNR_OP_SOFTMAX_FWD ? softmax_fwd : softmax_bwd;
    return DNNR_OK;
}
