/* Internal to the cuda backend: the instance, buffers and plans, the
 * per-concept plan constructors (dense.cu, conv.cu, pool.cu, act.cu,
 * norm.cu, update.cu, dropout.cu) and the helpers of backend.c. Included
 * from C (backend.c) and from CUDA C++ (the .cu files). */
#ifndef DNNR_CUDA_H
#define DNNR_CUDA_H

#include <stddef.h>
#include <stdint.h>

#include <cublas_v2.h>
#include <cuda_runtime_api.h>
#include <cudnn.h>

#include <dnnrepair/backend.h>
#include <dnnrepair/status.h>

#ifdef __cplusplus
extern "C" {
#endif

struct dnnr_backend {
    const dnnr_host *host;
    int device;
    int deterministic;
    int allow_tf32; /* $DNNR_CUDA_TF32=1: TF32 tensor cores in convolutions and GEMMs */
    cudaStream_t stream;
    cublasHandle_t cublas;
    cudnnHandle_t cudnn;
    /* One workspace shared by every plan: plans run one after another on
     * the one stream, so they never use it at the same time. Grown (never
     * shrunk) by plan_create; cudaFree waits for the device first. */
    void *workspace;
    size_t workspace_bytes;
};

struct dnnr_buffer {
    void *data; /* device memory, 256-byte aligned (cudaMalloc) */
    size_t bytes;
};

#define CUDA_MAX_OPERANDS 8

typedef int (*cuda_run_fn)(dnnr_backend *b, dnnr_plan *p, dnnr_buffer *const *ops,
                           const dnnr_run_args *args);

struct dnnr_plan {
    dnnr_op_desc d;
    uint32_t n_operands;            /* how many operands run() needs */
    size_t need[CUDA_MAX_OPERANDS]; /* the fewest bytes each operand must hold */
    cuda_run_fn run;
    int64_t rows, cols;
    /* cuDNN part (conv, softmax) */
    cudnnTensorDescriptor_t xdesc, ydesc;
    cudnnFilterDescriptor_t wdesc;
    cudnnConvolutionDescriptor_t conv;
    int algo;        /* cudnnConvolution{Fwd,BwdData,BwdFilter}Algo_t */
    size_t ws_bytes; /* workspace the algorithm needs */
    /* plan-owned device memory */
    float *kbuf;      /* conv: the kernel in cuDNN's KRSC layout */
    float *ones;      /* bias gradients as a GEMV with a vector of ones */
    float *padded;    /* conv with asymmetric padding: x (or dx) padded explicitly */
    double *partial;  /* reductions: per-block partial sums, added in a fixed order */
    int64_t n_blocks; /* partial sums per reduction */
    int64_t ph, pw;   /* conv: padded height and width */
    int fused_act;    /* conv forward: 0, or 1 + the dnnr_eltwise_alg applied to y */
};

/* Each returns DNNR_OK after filling p (p->d already set), or an error after
 * host->set_error. */
int cuda_dense_plan(dnnr_backend *b, dnnr_plan *p);
int cuda_conv_plan(dnnr_backend *b, dnnr_plan *p);
int cuda_pool_plan(dnnr_backend *b, dnnr_plan *p);
int cuda_act_plan(dnnr_backend *b, dnnr_plan *p);
int cuda_norm_plan(dnnr_backend *b, dnnr_plan *p);
int cuda_update_plan(dnnr_backend *b, dnnr_plan *p);
int cuda_dropout_plan(dnnr_backend *b, dnnr_plan *p);

/* Helpers (backend.c): each returns DNNR_OK or reports the failure through
 * the host and returns its class (out of memory: DNNR_ENOMEM). */
int cuda_check(dnnr_backend *b, cudaError_t st, const char *what);
int cuda_cublas_check(dnnr_backend *b, cublasStatus_t st, const char *what);
int cuda_cudnn_check(dnnr_backend *b, cudnnStatus_t st, const char *what);
/* Zero-filled device memory owned by a plan; freed by plan_free. */
int cuda_plan_alloc(dnnr_backend *b, void **out, size_t bytes, const char *what);
/* Make the shared workspace at least @p bytes. */
int cuda_workspace_reserve(dnnr_backend *b, size_t bytes);
/* Report a bad shape (DNNR_EINVAL). */
int cuda_bad(dnnr_backend *b, const char *what);

/* Kernels shared between files (dense.cu). All run on b->stream. */
/* y[r, c] += bias[c] for r < rows, c < cols */
void cuda_bias_add(dnnr_backend *b, float *y, const float *bias, int64_t rows, int64_t cols);
/* y[r, c] = f(y[r, c] + bias[c]) with f the dnnr_eltwise_alg @p alg (act.cu) */
void cuda_bias_act(dnnr_backend *b, float *y, const float *bias, int64_t rows, int64_t cols,
                   int alg, float alpha);
/* v[i] = value */
void cuda_fill(dnnr_backend *b, float *v, float value, int64_t n);
/* db[c] = sum_r dy[r, c] in a fixed order, as one cuBLAS GEMV with a vector
 * of ones (p->ones, at least rows long) */
int cuda_bias_grad(dnnr_backend *b, dnnr_plan *p, const float *dy, float *db, int64_t rows,
                   int64_t cols);
/* Nonzero when this binary holds kernels the current device can run. */
int cuda_kernels_usable(void);

/* Grid size for n elements, one per thread, capped (kernels loop). */
#define CUDA_THREADS 256
static inline unsigned cuda_grid(int64_t n)
{
    int64_t g = (n + CUDA_THREADS - 1) / CUDA_THREADS;
    return (unsigned)(g < 1 ? 1 : (g > 65535 * 8 ? 65535 * 8 : g));
}

#ifdef __cplusplus
}
#endif

#endif
