/* Dense layers as cuBLAS SGEMMs. cuBLAS is column-major: a row-major
 * matrix A[M,K] is its transpose A^T (K x M) to cuBLAS, so every product is
 * written for the transposes and Keras' [in, out] kernel is used in place:
 *   forward       y^T (O x N)  = w^T (O x I) x^T (I x N)            + b
 *   backward data dx^T (I x N) = (w^T)^T (I x O) dy^T (O x N)
 *   backward wts  dw^T (O x I) = dy^T (O x N) (x^T)^T (N x I)
 *                 db (O)       = dy^T (O x N) ones (N)   (a GEMV: fixed order, no atomics)
 * Also the small kernels convolutions share (bias add, fill). */
#include "cuda.h"

__global__ static void bias_add_kernel(float *y, const float *bias, int64_t rows, int64_t cols)
{
    const int64_t n = rows * cols;
    for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n;
         i += (int64_t)gridDim.x * blockDim.x)
        y[i] += bias[i % cols];
}

__global__ static void fill_kernel(float *v, float value, int64_t n)
{
    for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n;
         i += (int64_t)gridDim.x * blockDim.x)
        v[i] = value;
}

extern "C" void cuda_bias_add(dnnr_backend *b, float *y, const float *bias, int64_t rows,
                              int64_t cols)
{
    bias_add_kernel<<<cuda_grid(rows * cols), CUDA_THREADS, 0, b->stream>>>(y, bias, rows, cols);
}

extern "C" void cuda_fill(dnnr_backend *b, float *v, float value, int64_t n)
{
    fill_kernel<<<cuda_grid(n), CUDA_THREADS, 0, b->stream>>>(v, value, n);
}

extern "C" int cuda_kernels_usable(void)
{
    cudaFuncAttributes at;
    int ok = cudaFuncGetAttributes(&at, fill_kernel) == cudaSuccess;
    (void)cudaGetLastError();
    return ok;
}

extern "C" int cuda_bias_grad(dnnr_backend *b, dnnr_plan *p, const float *dy, float *db,
                              int64_t rows, int64_t cols)
{
    const float one = 1.0f, zero = 0.0f;
    return cuda_cublas_check(b, cublasSgemv(b->cublas, CUBLAS_OP_N, (int)cols, (int)rows, &one, dy,
                                            (int)cols, p->ones, 1, &zero, db, 1),
                             "bias gradient (sgemv)");
}

static int dense_run(dnnr_backend *b, dnnr_plan *p, dnnr_buffer *const *ops,
                     const dnnr_run_args *args)
{
    (void)args;
    const dnnr_op_desc *d = &p->d;
    const int n = (int)d->dims[0][0], in = (int)d->dims[0][1], out = (int)d->dims[1][1];
    const float one = 1.0f, zero = 0.0f;
    switch (d->op) {
    case DNNR_OP_DENSE_FWD: { /* x, w, b, y */
        const float *x = (const float *)ops[0]->data, *w = (const float *)ops[1]->data;
        float *y = (float *)ops[3]->data;
        int rc = cuda_cublas_check(b, cublasSgemm(b->cublas, CUBLAS_OP_N, CUBLAS_OP_N, out, n, in,
                                                  &one, w, out, x, in, &zero, y, out),
                                   "dense forward (sgemm)");
        if (rc == DNNR_OK)
            cuda_bias_add(b, y, (const float *)ops[2]->data, n, out);
        return rc;
    }
    case DNNR_OP_DENSE_BWD_DATA: /* dy, w, dx */
        return cuda_cublas_check(b, cublasSgemm(b->cublas, CUBLAS_OP_T, CUBLAS_OP_N, in, n, out,
                                                &one, (const float *)ops[1]->data, out,
                                                (const float *)ops[0]->data, out, &zero,
                                                (float *)ops[2]->data, in),
                                 "dense backward data (sgemm)");
    case DNNR_OP_DENSE_BWD_WEIGHTS: { /* x, dy, dw, db */
        const float *x = (const float *)ops[0]->data, *dy = (const float *)ops[1]->data;
        int rc = cuda_cublas_check(b, cublasSgemm(b->cublas, CUBLAS_OP_N, CUBLAS_OP_T, out, in, n,
                                                  &one, dy, out, x, in, &zero,
                                                  (float *)ops[2]->data, out),
                                   "dense backward weights (sgemm)");
        return rc ? rc : cuda_bias_grad(b, p, dy, (float *)ops[3]->data, n, out);
    }
    default:
        return DNNR_EINTERNAL;
    }
}

extern "C" int cuda_dense_plan(dnnr_backend *b, dnnr_plan *p)
{
    const dnnr_op_desc *d = &p->d;
    if (d->n_dims[0] != 2 || d->n_dims[1] != 2 || d->dims[0][1] != d->dims[1][0] ||
        d->dims[0][0] < 1 || d->dims[0][1] < 1 || d->dims[1][1] < 1)
        return cuda_bad(b, "dense: expected x[N,I] and w[I,O] with N, I, O >= 1");
    const int64_t n = d->dims[0][0], in = d->dims[0][1], out = d->dims[1][1];
    if (n > INT32_MAX || in > INT32_MAX || out > INT32_MAX) {
        b->host->set_error(b->host->ctx, "dense: dimensions beyond cuBLAS' 32-bit sizes");
        return DNNR_EUNSUPPORTED;
    }
    const size_t f = sizeof(float);
    switch (d->op) {
    case DNNR_OP_DENSE_FWD:
        p->n_operands = 4;
        p->need[0] = f * (size_t)(n * in);
        p->need[1] = f * (size_t)(in * out);
        p->need[2] = f * (size_t)out;
        p->need[3] = f * (size_t)(n * out);
        break;
    case DNNR_OP_DENSE_BWD_DATA:
        p->n_operands = 3;
        p->need[0] = f * (size_t)(n * out);
        p->need[1] = f * (size_t)(in * out);
        p->need[2] = f * (size_t)(n * in);
        break;
    case DNNR_OP_DENSE_BWD_WEIGHTS: {
        p->n_operands = 4;
        p->need[0] = f * (size_t)(n * in);
        p->need[1] = f * (size_t)(n * out);
        p->need[2] = f * (size_t)(in * out);
        p->need[3] = f * (size_t)out;
        int rc = cuda_plan_alloc(b, (void **)&p->ones, f * (size_t)n, "cudaMalloc (ones)");
        if (rc)
            return rc;
        cuda_fill(b, p->ones, 1.0f, n);
        break;
    }
    default:
        return DNNR_EINTERNAL;
    }
    p->run = dense_run;
    return DNNR_OK;
}
