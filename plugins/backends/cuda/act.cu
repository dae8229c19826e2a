/* Keras activations: element-wise functions as CUDA kernels with TF's
 * formulas and gradients (the onednn backend's; each backward pass uses
 * whichever of x or y gives the gradient most cheaply; every kernel works
 * in place, as the engine runs the backward of a convolution's fused
 * activation with x = y and dx = dy), a convolution's bias plus fused
 * activation in one pass (CONV_FWD_ACT), and softmax over
 * the last axis with cuDNN (CUDNN_SOFTMAX_ACCURATE subtracts the row
 * maximum, as TF does). */
#include "cuda.h"

#define SELU_ALPHA 1.6732632423543772f
#define SELU_SCALE 1.0507009873554805f

__device__ static float eltwise_f(int alg, float x, float alpha)
{
    switch (alg) {
    case DNNR_ELTWISE_RELU:
        return x > 0 ? x : 0;
    case DNNR_ELTWISE_ELU:
        return x > 0 ? x : alpha * expm1f(x);
    case DNNR_ELTWISE_SELU:
        return x > 0 ? SELU_SCALE * x : SELU_SCALE * SELU_ALPHA * expm1f(x);
    case DNNR_ELTWISE_SOFTPLUS:
        return log1pf(expf(-fabsf(x))) + (x > 0 ? x : 0);
    case DNNR_ELTWISE_SOFTSIGN:
        return x / (1 + fabsf(x));
    case DNNR_ELTWISE_TANH:
        return tanhf(x);
    case DNNR_ELTWISE_SIGMOID:
        return 1.0f / (1.0f + expf(-x));
    case DNNR_ELTWISE_HARD_SIGMOID: {
        float v = 0.2f * x + 0.5f;
        return v < 0 ? 0 : (v > 1 ? 1 : v);
    }
    case DNNR_ELTWISE_EXP:
        return expf(x);
    default: /* LINEAR */
        return x;
    }
}

__device__ static float eltwise_df(int alg, float x, float y, float dy, float alpha)
{
    switch (alg) {
    case DNNR_ELTWISE_RELU:
        return x > 0 ? dy : 0;
    case DNNR_ELTWISE_ELU:
        return x > 0 ? dy : dy * (y + alpha);
    case DNNR_ELTWISE_SELU:
        return x > 0 ? dy * SELU_SCALE : dy * (y + SELU_SCALE * SELU_ALPHA);
    case DNNR_ELTWISE_SOFTPLUS:
        return dy / (1.0f + expf(-x));
    case DNNR_ELTWISE_SOFTSIGN: {
        float d = 1 + fabsf(x);
        return dy / (d * d);
    }
    case DNNR_ELTWISE_TANH:
        return dy * (1 - y * y);
    case DNNR_ELTWISE_SIGMOID:
        return dy * y * (1 - y);
    case DNNR_ELTWISE_HARD_SIGMOID: {
        float v = 0.2f * x + 0.5f;
        return (v < 0 || v > 1) ? 0 : 0.2f * dy;
    }
    case DNNR_ELTWISE_EXP:
        return dy * y;
    default: /* LINEAR */
        return dy;
    }
}

/* The function is a template argument so each kernel is one tight loop. */
template <int ALG>
__global__ static void eltwise_fwd_kernel(const float *x, float *y, int64_t n, float alpha)
{
    for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n;
         i += (int64_t)gridDim.x * blockDim.x)
        y[i] = eltwise_f(ALG, x[i], alpha);
}

template <int ALG>
__global__ static void eltwise_bwd_kernel(const float *x, const float *y, const float *dy,
                                          float *dx, int64_t n, float alpha)
{
    for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n;
         i += (int64_t)gridDim.x * blockDim.x)
        dx[i] = eltwise_df(ALG, x[i], y[i], dy[i], alpha);
}

template <int ALG> static void launch(dnnr_backend *b, dnnr_plan *p, dnnr_buffer *const *ops)
{
    const int64_t n = p->rows;
    if (p->d.op == DNNR_OP_ELTWISE_FWD) /* x, y */
        eltwise_fwd_kernel<ALG><<<cuda_grid(n), CUDA_THREADS, 0, b->stream>>>(
            (const float *)ops[0]->data, (float *)ops[1]->data, n, p->d.alpha);
    else /* x, y, dy, dx */
        eltwise_bwd_kernel<ALG><<<cuda_grid(n), CUDA_THREADS, 0, b->stream>>>(
            (const float *)ops[0]->data, (const float *)ops[1]->data,
            (const float *)ops[2]->data, (float *)ops[3]->data, n, p->d.alpha);
}

/* y[r, c] = f(y[r, c] + bias[c]): a convolution's bias and fused activation
 * in one pass over its output. */
template <int ALG>
__global__ static void bias_act_kernel(float *y, const float *bias, int64_t rows, int64_t cols,
                                       float alpha)
{
    const int64_t n = rows * cols;
    for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n;
         i += (int64_t)gridDim.x * blockDim.x)
        y[i] = eltwise_f(ALG, y[i] + bias[i % cols], alpha);
}

template <int ALG>
static void bias_act(dnnr_backend *b, float *y, const float *bias, int64_t rows, int64_t cols,
                     float alpha)
{
    bias_act_kernel<ALG><<<cuda_grid(rows * cols), CUDA_THREADS, 0, b->stream>>>(y, bias, rows,
                                                                                  cols, alpha);
}

extern "C" void cuda_bias_act(dnnr_backend *b, float *y, const float *bias, int64_t rows,
                              int64_t cols, int alg, float alpha)
{
    switch ((dnnr_eltwise_alg)alg) {
    case DNNR_ELTWISE_LINEAR: bias_act<DNNR_ELTWISE_LINEAR>(b, y, bias, rows, cols, alpha); break;
    case DNNR_ELTWISE_RELU: bias_act<DNNR_ELTWISE_RELU>(b, y, bias, rows, cols, alpha); break;
    case DNNR_ELTWISE_ELU: bias_act<DNNR_ELTWISE_ELU>(b, y, bias, rows, cols, alpha); break;
    case DNNR_ELTWISE_SELU: bias_act<DNNR_ELTWISE_SELU>(b, y, bias, rows, cols, alpha); break;
    case DNNR_ELTWISE_SOFTPLUS: bias_act<DNNR_ELTWISE_SOFTPLUS>(b, y, bias, rows, cols, alpha); break;
    case DNNR_ELTWISE_SOFTSIGN: bias_act<DNNR_ELTWISE_SOFTSIGN>(b, y, bias, rows, cols, alpha); break;
    case DNNR_ELTWISE_TANH: bias_act<DNNR_ELTWISE_TANH>(b, y, bias, rows, cols, alpha); break;
    case DNNR_ELTWISE_SIGMOID: bias_act<DNNR_ELTWISE_SIGMOID>(b, y, bias, rows, cols, alpha); break;
    case DNNR_ELTWISE_HARD_SIGMOID: bias_act<DNNR_ELTWISE_HARD_SIGMOID>(b, y, bias, rows, cols, alpha); break;
    case DNNR_ELTWISE_EXP: bias_act<DNNR_ELTWISE_EXP>(b, y, bias, rows, cols, alpha); break;
    }
}

static int eltwise_run(dnnr_backend *b, dnnr_plan *p, dnnr_buffer *const *ops,
                       const dnnr_run_args *args)
{
    (void)args;
    switch ((dnnr_eltwise_alg)p->d.algorithm) {
    case DNNR_ELTWISE_LINEAR: launch<DNNR_ELTWISE_LINEAR>(b, p, ops); break;
    case DNNR_ELTWISE_RELU: launch<DNNR_ELTWISE_RELU>(b, p, ops); break;
    case DNNR_ELTWISE_ELU: launch<DNNR_ELTWISE_ELU>(b, p, ops); break;
    case DNNR_ELTWISE_SELU: launch<DNNR_ELTWISE_SELU>(b, p, ops); break;
    case DNNR_ELTWISE_SOFTPLUS: launch<DNNR_ELTWISE_SOFTPLUS>(b, p, ops); break;
    case DNNR_ELTWISE_SOFTSIGN: launch<DNNR_ELTWISE_SOFTSIGN>(b, p, ops); break;
    case DNNR_ELTWISE_TANH: launch<DNNR_ELTWISE_TANH>(b, p, ops); break;
    case DNNR_ELTWISE_SIGMOID: launch<DNNR_ELTWISE_SIGMOID>(b, p, ops); break;
    case DNNR_ELTWISE_HARD_SIGMOID: launch<DNNR_ELTWISE_HARD_SIGMOID>(b, p, ops); break;
    case DNNR_ELTWISE_EXP: launch<DNNR_ELTWISE_EXP>(b, p, ops); break;
    }
    return DNNR_OK;
}

static int softmax_run(dnnr_backend *b, dnnr_plan *p, dnnr_buffer *const *ops,
                       const dnnr_run_args *args)
{
    (void)args;
    const float one = 1.0f, zero = 0.0f;
    if (p->d.op == DNNR_OP_SOFTMAX_FWD) /* x, y */
        return cuda_cudnn_check(b, cudnnSoftmaxForward(b->cudnn, CUDNN_SOFTMAX_ACCURATE,
                                                       CUDNN_SOFTMAX_MODE_INSTANCE, &one, p->xdesc,
                                                       ops[0]->data, &zero, p->xdesc,
                                                       ops[1]->data),
                                "softmax forward");
    /* y, dy, dx */
    return cuda_cudnn_check(b, cudnnSoftmaxBackward(b->cudnn, CUDNN_SOFTMAX_ACCURATE,
                                                    CUDNN_SOFTMAX_MODE_INSTANCE, &one, p->xdesc,
                                                    ops[0]->data, p->xdesc, ops[1]->data, &zero,
                                                    p->xdesc, ops[2]->data),
                            "softmax backward");
}

extern "C" int cuda_act_plan(dnnr_backend *b, dnnr_plan *p)
{
    const dnnr_op_desc *d = &p->d;
    const size_t f = sizeof(float);
    if (d->op == DNNR_OP_ELTWISE_FWD || d->op == DNNR_OP_ELTWISE_BWD) {
        if (d->n_dims[0] != 1 || d->dims[0][0] < 1 || d->algorithm > DNNR_ELTWISE_EXP)
            return cuda_bad(b, "eltwise: expected x[count] and a known function");
        p->rows = d->dims[0][0];
        p->n_operands = d->op == DNNR_OP_ELTWISE_FWD ? 2 : 4;
        for (uint32_t i = 0; i < p->n_operands; i++)
            p->need[i] = f * (size_t)p->rows;
        p->run = eltwise_run;
        return DNNR_OK;
    }
    if (d->n_dims[0] != 2 || d->dims[0][0] < 1 || d->dims[0][1] < 1)
        return cuda_bad(b, "softmax: expected x[rows, n]");
    p->rows = d->dims[0][0];
    p->cols = d->dims[0][1];
    if (p->rows * p->cols > INT32_MAX) {
        b->host->set_error(b->host->ctx, "softmax: beyond cuDNN's 2^31 elements");
        return DNNR_EUNSUPPORTED;
    }
    p->n_operands = d->op == DNNR_OP_SOFTMAX_FWD ? 2 : 3;
    for (uint32_t i = 0; i < p->n_operands; i++)
        p->need[i] = f * (size_t)(p->rows * p->cols);
    /* [rows, n] as NCHW with H = W = 1: INSTANCE mode normalises over C per row */
    int rc = cuda_cudnn_check(b, cudnnCreateTensorDescriptor(&p->xdesc), "tensor descriptor");
    rc = rc ? rc
            : cuda_cudnn_check(b, cudnnSetTensor4dDescriptor(p->xdesc, CUDNN_TENSOR_NCHW,
                                                             CUDNN_DATA_FLOAT, (int)p->rows,
                                                             (int)p->cols, 1, 1),
                               "softmax descriptor");
    p->run = softmax_run;
    return rc;
}
