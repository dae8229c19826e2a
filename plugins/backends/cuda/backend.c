/* cuda: the GPU backend. Instance, buffers, plan dispatch and the plugin
 * descriptor; each operation family lives in the file named after it, as in
 * the onednn backend.
 *
 * Everything runs on one non-blocking stream per instance: plan_run only
 * enqueues (kernels, cuBLAS and cuDNN calls on that stream), so the host
 * returns at once and the device works through the step; download and
 * synchronize are the only places the host waits. Plans own their cuDNN
 * descriptors and scratch, built once per shape; the convolution workspace
 * is one buffer shared by all plans of the instance (one stream: never two
 * users at once). Out of device memory is DNNR_ENOMEM with the sizes in the
 * message, so the engine fails that trial and the worker carries on. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dnnrepair/dnnrepair.h>

#include "cuda.h"

static int report(dnnr_backend *b, int rc, const char *lib, const char *what, const char *why)
{
    b->host->set_error(b->host->ctx, "%s: %s failed: %s%s", lib, what, why,
                       rc == DNNR_ENOMEM ? " (GPU out of memory)" : "");
    return rc;
}

int cuda_check(dnnr_backend *b, cudaError_t st, const char *what)
{
    if (st == cudaSuccess)
        return DNNR_OK;
    /* clear a non-sticky error so the next call does not see it again */
    (void)cudaGetLastError();
    if (st == cudaErrorMemoryAllocation) {
        size_t free_b = 0, total_b = 0;
        cudaMemGetInfo(&free_b, &total_b);
        b->host->set_error(b->host->ctx,
                           "GPU out of memory in %s (%zu MiB of %zu MiB free): %s", what,
                           free_b >> 20, total_b >> 20, cudaGetErrorString(st));
        return DNNR_ENOMEM;
    }
    return report(b, DNNR_EINTERNAL, "CUDA", what, cudaGetErrorString(st));
}

int cuda_cublas_check(dnnr_backend *b, cublasStatus_t st, const char *what)
{
    if (st == CUBLAS_STATUS_SUCCESS)
        return DNNR_OK;
    if (st == CUBLAS_STATUS_ALLOC_FAILED)
        return report(b, DNNR_ENOMEM, "cuBLAS", what, cublasGetStatusString(st));
    return report(b, st == CUBLAS_STATUS_NOT_SUPPORTED || st == CUBLAS_STATUS_INVALID_VALUE
                         ? DNNR_EUNSUPPORTED
                         : DNNR_EINTERNAL,
                  "cuBLAS", what, cublasGetStatusString(st));
}

int cuda_cudnn_check(dnnr_backend *b, cudnnStatus_t st, const char *what)
{
    if (st == CUDNN_STATUS_SUCCESS)
        return DNNR_OK;
    if (st == CUDNN_STATUS_ALLOC_FAILED)
        return report(b, DNNR_ENOMEM, "cuDNN", what, cudnnGetErrorString(st));
    int rc = (st == CUDNN_STATUS_NOT_SUPPORTED || st == CUDNN_STATUS_BAD_PARAM)
                 ? DNNR_EUNSUPPORTED
                 : DNNR_EINTERNAL;
    return report(b, rc, "cuDNN", what, cudnnGetErrorString(st));
}

int cuda_bad(dnnr_backend *b, const char *what)
{
    b->host->set_error(b->host->ctx, "%s", what);
    return DNNR_EINVAL;
}

static int device_alloc(dnnr_backend *b, void **out, size_t bytes, const char *what)
{
    size_t rounded = bytes ? (bytes + 255) / 256 * 256 : 256;
    void *p = NULL;
    int rc = cuda_check(b, cudaMalloc(&p, rounded), what);
    if (rc == DNNR_OK)
        rc = cuda_check(b, cudaMemsetAsync(p, 0, rounded, b->stream), "cudaMemsetAsync");
    if (rc != DNNR_OK) {
        if (p)
            cudaFree(p);
        return rc;
    }
    *out = p;
    return DNNR_OK;
}

int cuda_plan_alloc(dnnr_backend *b, void **out, size_t bytes, const char *what)
{
    return device_alloc(b, out, bytes, what);
}

int cuda_workspace_reserve(dnnr_backend *b, size_t bytes)
{
    if (bytes <= b->workspace_bytes)
        return DNNR_OK;
    if (b->workspace)
        cudaFree(b->workspace); /* waits for queued work that may still use it */
    b->workspace = NULL;
    b->workspace_bytes = 0;
    int rc = device_alloc(b, &b->workspace, bytes, "cudaMalloc (convolution workspace)");
    if (rc == DNNR_OK)
        b->workspace_bytes = bytes;
    return rc;
}

/* Usable when a device answers, this binary has kernels for it and cuDNN
 * loads; the host runs probe in a forked child, so initialising CUDA here
 * costs the parent nothing. */
static int cuda_probe(void)
{
    int n = 0;
    if (cudaGetDeviceCount(&n) != cudaSuccess || n < 1)
        return 0;
    if (cudaSetDevice(0) != cudaSuccess || !cuda_kernels_usable())
        return 0;
    if (cudnnGetVersion() < 90000)
        return 0;
    return 100;
}

static void cuda_destroy(dnnr_backend *b)
{
    if (!b)
        return;
    if (b->stream)
        cudaStreamSynchronize(b->stream);
    if (b->workspace)
        cudaFree(b->workspace);
    if (b->cudnn)
        cudnnDestroy(b->cudnn);
    if (b->cublas)
        cublasDestroy(b->cublas);
    if (b->stream)
        cudaStreamDestroy(b->stream);
    b->host->free(b->host->ctx, b);
}

static int cuda_create(const dnnr_backend_init *init, dnnr_backend **out)
{
    const dnnr_host *host = init->host;
    dnnr_backend *b = host->alloc(host->ctx, 1, sizeof *b);
    if (!b)
        return DNNR_ENOMEM;
    b->host = host;
    b->deterministic = init->deterministic != 0;
    const char *tf32 = getenv("DNNR_CUDA_TF32");
    b->allow_tf32 = tf32 && strcmp(tf32, "1") == 0;
    const char *dev = getenv("DNNR_CUDA_DEVICE");
    b->device = dev ? atoi(dev) : 0;
    int n = 0;
    cudaError_t st = cudaGetDeviceCount(&n);
    int rc = DNNR_OK;
    if (st != cudaSuccess) { /* no driver or no device: not a fault of this plugin */
        (void)cudaGetLastError();
        host->set_error(host->ctx, "no usable CUDA GPU: %s", cudaGetErrorString(st));
        rc = DNNR_EUNSUPPORTED;
    } else if (n < 1 || b->device < 0 || b->device >= n) {
        host->set_error(host->ctx, "no CUDA device %d (%d present)", b->device, n);
        rc = DNNR_EUNSUPPORTED;
    }
    rc = rc ? rc : cuda_check(b, cudaSetDevice(b->device), "cudaSetDevice");
    if (rc == DNNR_OK && !cuda_kernels_usable()) {
        host->set_error(host->ctx, "this build has no kernels for CUDA device %d (rebuild with "
                                   "CMAKE_CUDA_ARCHITECTURES including it)", b->device);
        rc = DNNR_EUNSUPPORTED;
    }
    rc = rc ? rc
            : cuda_check(b, cudaStreamCreateWithFlags(&b->stream, cudaStreamNonBlocking),
                         "cudaStreamCreate");
    rc = rc ? rc : cuda_cublas_check(b, cublasCreate(&b->cublas), "cublasCreate");
    rc = rc ? rc : cuda_cublas_check(b, cublasSetStream(b->cublas, b->stream), "cublasSetStream");
    /* FP32 GEMMs stay FP32 unless TF32 was asked for; atomics (faster,
     * non-deterministic reductions) stay off, cuBLAS' default. */
    rc = rc ? rc
            : cuda_cublas_check(b, cublasSetMathMode(b->cublas, b->allow_tf32
                                                                    ? CUBLAS_TF32_TENSOR_OP_MATH
                                                                    : CUBLAS_DEFAULT_MATH),
                                "cublasSetMathMode");
    rc = rc ? rc : cuda_cudnn_check(b, cudnnCreate(&b->cudnn), "cudnnCreate");
    rc = rc ? rc : cuda_cudnn_check(b, cudnnSetStream(b->cudnn, b->stream), "cudnnSetStream");
    if (rc != DNNR_OK) {
        cuda_destroy(b);
        return rc;
    }
    *out = b;
    return DNNR_OK;
}

static int cuda_buffer_alloc(dnnr_backend *b, size_t bytes, dnnr_buffer **out)
{
    dnnr_buffer *buf = b->host->alloc(b->host->ctx, 1, sizeof *buf);
    if (!buf)
        return DNNR_ENOMEM;
    char what[96];
    snprintf(what, sizeof what, "cudaMalloc of %zu bytes (%.1f MiB)", bytes,
             (double)bytes / 1048576.0);
    int rc = device_alloc(b, &buf->data, bytes, what);
    if (rc != DNNR_OK) {
        b->host->free(b->host->ctx, buf);
        return rc;
    }
    buf->bytes = bytes;
    *out = buf;
    return DNNR_OK;
}

static void cuda_buffer_free(dnnr_backend *b, dnnr_buffer *buf)
{
    if (!buf)
        return;
    cudaFree(buf->data); /* implicitly waits for work that may still use it */
    b->host->free(b->host->ctx, buf);
}

static int range_ok(dnnr_backend *b, const dnnr_buffer *buf, size_t offset, size_t bytes)
{
    if (offset > buf->bytes || bytes > buf->bytes - offset) {
        b->host->set_error(b->host->ctx, "buffer access [%zu, %zu) outside %zu bytes", offset,
                           offset + bytes, buf->bytes);
        return 0;
    }
    return 1;
}

static int cuda_upload(dnnr_backend *b, dnnr_buffer *dst, size_t offset, const void *src,
                       size_t bytes)
{
    if (!range_ok(b, dst, offset, bytes))
        return DNNR_EINVAL;
    if (bytes == 0)
        return DNNR_OK;
    int rc = cuda_check(b, cudaMemcpyAsync((char *)dst->data + offset, src, bytes,
                                           cudaMemcpyHostToDevice, b->stream),
                        "upload (cudaMemcpyAsync)");
    if (rc)
        return rc;
    /* From pageable memory the copy has left src when the call returns; from
     * page-locked memory it has not, and the caller may reuse src at once. */
    struct cudaPointerAttributes at;
    if (cudaPointerGetAttributes(&at, src) == cudaSuccess && at.type == cudaMemoryTypeHost)
        return cuda_check(b, cudaStreamSynchronize(b->stream), "upload (synchronize)");
    (void)cudaGetLastError();
    return DNNR_OK;
}

static int cuda_download(dnnr_backend *b, void *dst, const dnnr_buffer *src, size_t offset,
                         size_t bytes)
{
    if (!range_ok(b, src, offset, bytes))
        return DNNR_EINVAL;
    if (bytes == 0)
        return DNNR_OK;
    int rc = cuda_check(b, cudaMemcpyAsync(dst, (const char *)src->data + offset, bytes,
                                           cudaMemcpyDeviceToHost, b->stream),
                        "download (cudaMemcpyAsync)");
    return rc ? rc : cuda_check(b, cudaStreamSynchronize(b->stream), "download (synchronize)");
}

static int cuda_copy(dnnr_backend *b, dnnr_buffer *dst, const dnnr_buffer *src, size_t bytes)
{
    if (!range_ok(b, dst, 0, bytes) || !range_ok(b, src, 0, bytes))
        return DNNR_EINVAL;
    if (bytes == 0 || dst == src)
        return DNNR_OK;
    return cuda_check(b, cudaMemcpyAsync(dst->data, src->data, bytes, cudaMemcpyDeviceToDevice,
                                         b->stream),
                      "copy (cudaMemcpyAsync)");
}

typedef int (*plan_ctor)(dnnr_backend *b, dnnr_plan *p);

static plan_ctor ctor_for(dnnr_op op)
{
    switch (op) {
    case DNNR_OP_DENSE_FWD:
    case DNNR_OP_DENSE_BWD_DATA:
    case DNNR_OP_DENSE_BWD_WEIGHTS:
        return cuda_dense_plan;
    case DNNR_OP_CONV_FWD:
    case DNNR_OP_CONV_FWD_ACT:
    case DNNR_OP_CONV_BWD_DATA:
    case DNNR_OP_CONV_BWD_WEIGHTS:
        return cuda_conv_plan;
    case DNNR_OP_POOL_FWD:
    case DNNR_OP_POOL_BWD:
        return cuda_pool_plan;
    case DNNR_OP_ELTWISE_FWD:
    case DNNR_OP_ELTWISE_BWD:
    case DNNR_OP_SOFTMAX_FWD:
    case DNNR_OP_SOFTMAX_BWD:
        return cuda_act_plan;
    case DNNR_OP_BNORM_FWD:
    case DNNR_OP_BNORM_BWD:
        return cuda_norm_plan;
    case DNNR_OP_UPDATE:
    case DNNR_OP_GRAD_CLIP:
        return cuda_update_plan;
    case DNNR_OP_DROPOUT_FWD:
    case DNNR_OP_DROPOUT_BWD:
        return cuda_dropout_plan;
    }
    return NULL;
}

static void cuda_plan_free(dnnr_backend *b, dnnr_plan *p)
{
    if (!p)
        return;
    if (p->xdesc)
        cudnnDestroyTensorDescriptor(p->xdesc);
    if (p->ydesc)
        cudnnDestroyTensorDescriptor(p->ydesc);
    if (p->wdesc)
        cudnnDestroyFilterDescriptor(p->wdesc);
    if (p->conv)
        cudnnDestroyConvolutionDescriptor(p->conv);
    if (p->kbuf)
        cudaFree(p->kbuf);
    if (p->ones)
        cudaFree(p->ones);
    if (p->padded)
        cudaFree(p->padded);
    if (p->partial)
        cudaFree(p->partial);
    b->host->free(b->host->ctx, p);
}

static int cuda_plan_create(dnnr_backend *b, const dnnr_op_desc *desc, dnnr_plan **out)
{
    plan_ctor ctor = ctor_for(desc->op);
    if (!ctor) {
        b->host->set_error(b->host->ctx, "operation %d is not supported", (int)desc->op);
        return DNNR_EUNSUPPORTED;
    }
    dnnr_plan *p = b->host->alloc(b->host->ctx, 1, sizeof *p);
    if (!p)
        return DNNR_ENOMEM;
    size_t n = desc->struct_size < sizeof p->d ? desc->struct_size : sizeof p->d;
    memcpy(&p->d, desc, n);
    p->d.struct_size = sizeof p->d;
    int rc = ctor(b, p);
    if (rc != DNNR_OK) {
        cuda_plan_free(b, p);
        return rc;
    }
    *out = p;
    return DNNR_OK;
}

static int cuda_supports(dnnr_backend *b, const dnnr_op_desc *desc)
{
    dnnr_plan *p = NULL;
    if (cuda_plan_create(b, desc, &p) != DNNR_OK)
        return 0;
    cuda_plan_free(b, p);
    return 1;
}

static int cuda_plan_run(dnnr_backend *b, dnnr_plan *p, dnnr_buffer *const *operands,
                         uint32_t n_operands, const dnnr_run_args *args)
{
    if (n_operands < p->n_operands) {
        b->host->set_error(b->host->ctx, "operation %d needs %u operands, got %u", (int)p->d.op,
                           p->n_operands, n_operands);
        return DNNR_EINVAL;
    }
    /* A short operand would be an illegal address on the device, which
     * poisons the whole CUDA context: refuse it here instead. */
    for (uint32_t i = 0; i < p->n_operands; i++) {
        if (!operands[i] || operands[i]->bytes < p->need[i]) {
            b->host->set_error(b->host->ctx,
                               "operation %d: operand %u holds %zu bytes, the plan needs %zu",
                               (int)p->d.op, i, operands[i] ? operands[i]->bytes : 0, p->need[i]);
            return DNNR_EINVAL;
        }
    }
    int rc = p->run(b, p, operands, args);
    if (rc == DNNR_OK) /* a bad launch shows here; faults in kernels at the next wait */
        rc = cuda_check(b, cudaGetLastError(), "kernel launch");
    return rc;
}

static int cuda_synchronize(dnnr_backend *b)
{
    return cuda_check(b, cudaStreamSynchronize(b->stream), "cudaStreamSynchronize");
}

static const dnnr_backend_iface cuda_iface = {
    .struct_size = sizeof(dnnr_backend_iface),
    .probe = cuda_probe,
    .create = cuda_create,
    .destroy = cuda_destroy,
    .buffer_alloc = cuda_buffer_alloc,
    .buffer_free = cuda_buffer_free,
    .upload = cuda_upload,
    .download = cuda_download,
    .copy = cuda_copy,
    .supports = cuda_supports,
    .plan_create = cuda_plan_create,
    .plan_run = cuda_plan_run,
    .plan_free = cuda_plan_free,
    .synchronize = cuda_synchronize,
};

DNNR_PLUGIN_DEFINE(cuda, DNNR_KIND_BACKEND, "0.1.0",
                   "GPU backend: cuDNN convolutions and softmax, cuBLAS dense layers, CUDA kernels",
                   cuda_iface)
