/* 2-D convolutions with cuDNN on NHWC activations. cuDNN takes NHWC
 * ("KRSC") filters but not Keras' [kh, kw, in, out] ("RSCK") kernel, so the
 * plan owns a KRSC copy and transposes with cublasSgeam before the forward
 * and backward-data passes, and after backward-weights (kernels are small
 * next to the convolution). cuDNN pads symmetrically only; TF's 'same'
 * padding with an odd total (even kernels, strides) pads one more at the
 * bottom and right, and then the plan pads x explicitly into its own buffer
 * (and crops dx back out of it). Algorithms come from cuDNN's heuristics
 * (no timing runs at plan time: plans are built for every trial); with
 * `deterministic`, only algorithms cuDNN marks deterministic are taken, and
 * FP32 stays FP32 (no TF32) unless $DNNR_CUDA_TF32=1. CONV_FWD_ACT applies
 * its activation with the bias, in one kernel after the convolution (the
 * engine differentiates the activation itself, from the output, before
 * the backward passes). */
#include "cuda.h"

#define CONV_WORKSPACE_CAP ((size_t)2 << 30)

__global__ static void pad_kernel(const float *x, float *xp, int64_t n, int64_t h, int64_t w,
                                  int64_t c, int64_t ph, int64_t pw, int64_t top, int64_t left,
                                  int crop)
{
    const int64_t total = n * h * w * c;
    for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < total;
         i += (int64_t)gridDim.x * blockDim.x) {
        int64_t ci = i % c, r = i / c, wi = r % w, hi = (r / w) % h, ni = r / (w * h);
        int64_t j = ((ni * ph + hi + top) * pw + wi + left) * c + ci;
        if (crop)
            ((float *)x)[i] = xp[j];
        else
            xp[j] = x[i];
    }
}

typedef struct geometry {
    int64_t n, h, w, c, kh, kw, f, oh, ow;
} geometry;

static geometry geometry_of(const dnnr_op_desc *d)
{
    geometry g = {d->dims[0][0], d->dims[0][1], d->dims[0][2], d->dims[0][3], d->dims[1][0],
                  d->dims[1][1], d->dims[1][3], d->dims[2][1], d->dims[2][2]};
    return g;
}

static int asymmetric(const dnnr_op_desc *d)
{
    return d->padding[0] != d->padding[1] || d->padding[2] != d->padding[3];
}

static void pad_or_crop(dnnr_backend *b, dnnr_plan *p, const float *x, int crop)
{
    geometry g = geometry_of(&p->d);
    pad_kernel<<<cuda_grid(g.n * g.h * g.w * g.c), CUDA_THREADS, 0, b->stream>>>(
        x, p->padded, g.n, g.h, g.w, g.c, p->ph, p->pw, p->d.padding[0], p->d.padding[2], crop);
}

/* Keras RSCK <-> cuDNN KRSC: a transpose of a [rsc, k] matrix. */
static int transpose(dnnr_backend *b, const float *src, float *dst, int64_t rows, int64_t cols,
                     const char *what)
{
    const float one = 1.0f, zero = 0.0f;
    /* row-major src[rows, cols] is col-major (cols x rows); dst = its transpose */
    return cuda_cublas_check(b, cublasSgeam(b->cublas, CUBLAS_OP_T, CUBLAS_OP_N, (int)rows,
                                            (int)cols, &one, src, (int)cols, &zero, dst,
                                            (int)rows, dst, (int)rows),
                             what);
}

static int conv_run(dnnr_backend *b, dnnr_plan *p, dnnr_buffer *const *ops,
                    const dnnr_run_args *args)
{
    (void)args;
    geometry g = geometry_of(&p->d);
    const int64_t rsc = g.kh * g.kw * g.c;
    const float one = 1.0f, zero = 0.0f;
    int rc;
    switch (p->d.op) {
    case DNNR_OP_CONV_FWD: { /* x, w, b, y */
        const float *x = (const float *)ops[0]->data;
        float *y = (float *)ops[3]->data;
        rc = transpose(b, (const float *)ops[1]->data, p->kbuf, rsc, g.f, "kernel to KRSC");
        if (rc)
            return rc;
        if (p->padded) {
            pad_or_crop(b, p, x, 0);
            x = p->padded;
        }
        rc = cuda_cudnn_check(b, cudnnConvolutionForward(b->cudnn, &one, p->xdesc, x, p->wdesc,
                                                         p->kbuf, p->conv,
                                                         (cudnnConvolutionFwdAlgo_t)p->algo,
                                                         b->workspace, p->ws_bytes, &zero,
                                                         p->ydesc, y),
                              "convolution forward");
        if (rc == DNNR_OK && p->fused_act)
            cuda_bias_act(b, y, (const float *)ops[2]->data, g.n * g.oh * g.ow, g.f,
                          p->fused_act - 1, p->d.alpha);
        else if (rc == DNNR_OK)
            cuda_bias_add(b, y, (const float *)ops[2]->data, g.n * g.oh * g.ow, g.f);
        return rc;
    }
    case DNNR_OP_CONV_BWD_DATA: { /* dy, w, dx */
        float *dx = p->padded ? p->padded : (float *)ops[2]->data;
        rc = transpose(b, (const float *)ops[1]->data, p->kbuf, rsc, g.f, "kernel to KRSC");
        rc = rc ? rc
                : cuda_cudnn_check(b, cudnnConvolutionBackwardData(
                                          b->cudnn, &one, p->wdesc, p->kbuf, p->ydesc,
                                          ops[0]->data, p->conv,
                                          (cudnnConvolutionBwdDataAlgo_t)p->algo, b->workspace,
                                          p->ws_bytes, &zero, p->xdesc, dx),
                                   "convolution backward data");
        if (rc == DNNR_OK && p->padded)
            pad_or_crop(b, p, (const float *)ops[2]->data, 1);
        return rc;
    }
    case DNNR_OP_CONV_BWD_WEIGHTS: { /* x, dy, dw, db */
        const float *x = (const float *)ops[0]->data, *dy = (const float *)ops[1]->data;
        if (p->padded) {
            pad_or_crop(b, p, x, 0);
            x = p->padded;
        }
        rc = cuda_cudnn_check(b, cudnnConvolutionBackwardFilter(
                                     b->cudnn, &one, p->xdesc, x, p->ydesc, dy, p->conv,
                                     (cudnnConvolutionBwdFilterAlgo_t)p->algo, b->workspace,
                                     p->ws_bytes, &zero, p->wdesc, p->kbuf),
                              "convolution backward weights");
        rc = rc ? rc : transpose(b, p->kbuf, (float *)ops[2]->data, g.f, rsc, "kernel from KRSC");
        return rc ? rc
                  : cuda_bias_grad(b, p, dy, (float *)ops[3]->data, g.n * g.oh * g.ow, g.f);
    }
    default:
        return DNNR_EINTERNAL;
    }
}

/* Which perf entry to take: the first (cuDNN sorts by expected speed) that
 * ran, keeps FP32 when asked, is deterministic when asked and fits the
 * workspace cap; failing that, without the cap; failing that (cuDNN has no
 * deterministic algorithm for this shape), a non-deterministic one, which
 * *relaxed reports so the plan can say so: better a slightly
 * non-repeatable trial than an invalid one. */
template <typename Perf>
static int pick(const dnnr_backend *b, const Perf *perf, int n, int *relaxed)
{
    for (int pass = 0; pass < 3; pass++)
        for (int i = 0; i < n; i++) {
            if (perf[i].status != CUDNN_STATUS_SUCCESS)
                continue;
            if (!b->allow_tf32 && perf[i].mathType == CUDNN_TENSOR_OP_MATH)
                continue;
            if (pass < 2 && b->deterministic && perf[i].determinism != CUDNN_DETERMINISTIC)
                continue;
            if (pass == 0 && perf[i].memory > CONV_WORKSPACE_CAP)
                continue;
            *relaxed = pass == 2 && b->deterministic;
            return i;
        }
    return -1;
}

static int choose_algorithm(dnnr_backend *b, dnnr_plan *p)
{
    enum { MAX_ALGOS = 16 };
    int n = 0, i = -1, relaxed = 0, rc;
    switch (p->d.op) {
    case DNNR_OP_CONV_FWD: {
        cudnnConvolutionFwdAlgoPerf_t perf[MAX_ALGOS];
        rc = cuda_cudnn_check(b, cudnnGetConvolutionForwardAlgorithm_v7(
                                     b->cudnn, p->xdesc, p->wdesc, p->conv, p->ydesc, MAX_ALGOS,
                                     &n, perf),
                              "forward algorithm choice");
        if (rc == DNNR_OK && (i = pick(b, perf, n, &relaxed)) >= 0) {
            p->algo = perf[i].algo;
            rc = cuda_cudnn_check(b, cudnnGetConvolutionForwardWorkspaceSize(
                                         b->cudnn, p->xdesc, p->wdesc, p->conv, p->ydesc,
                                         perf[i].algo, &p->ws_bytes),
                                  "forward workspace size");
        }
        break;
    }
    case DNNR_OP_CONV_BWD_DATA: {
        cudnnConvolutionBwdDataAlgoPerf_t perf[MAX_ALGOS];
        rc = cuda_cudnn_check(b, cudnnGetConvolutionBackwardDataAlgorithm_v7(
                                     b->cudnn, p->wdesc, p->ydesc, p->conv, p->xdesc, MAX_ALGOS,
                                     &n, perf),
                              "backward data algorithm choice");
        if (rc == DNNR_OK && (i = pick(b, perf, n, &relaxed)) >= 0) {
            p->algo = perf[i].algo;
            rc = cuda_cudnn_check(b, cudnnGetConvolutionBackwardDataWorkspaceSize(
                                         b->cudnn, p->wdesc, p->ydesc, p->conv, p->xdesc,
                                         perf[i].algo, &p->ws_bytes),
                                  "backward data workspace size");
        }
        break;
    }
    default: {
        cudnnConvolutionBwdFilterAlgoPerf_t perf[MAX_ALGOS];
        rc = cuda_cudnn_check(b, cudnnGetConvolutionBackwardFilterAlgorithm_v7(
                                     b->cudnn, p->xdesc, p->ydesc, p->conv, p->wdesc, MAX_ALGOS,
                                     &n, perf),
                              "backward weights algorithm choice");
        if (rc == DNNR_OK && (i = pick(b, perf, n, &relaxed)) >= 0) {
            p->algo = perf[i].algo;
            rc = cuda_cudnn_check(b, cudnnGetConvolutionBackwardFilterWorkspaceSize(
                                         b->cudnn, p->xdesc, p->ydesc, p->conv, p->wdesc,
                                         perf[i].algo, &p->ws_bytes),
                                  "backward weights workspace size");
        }
        break;
    }
    }
    if (rc)
        return rc;
    if (i < 0) {
        b->host->set_error(b->host->ctx, "cuDNN offers no FP32 algorithm for this convolution");
        return DNNR_EUNSUPPORTED;
    }
    if (relaxed && b->host->log)
        b->host->log(b->host->ctx, DNNR_LOG_WARN,
                     "cuDNN has no deterministic algorithm for convolution op %d "
                     "(%lldx%lldx%lldx%lld, %lld filters): using algorithm %d",
                     (int)p->d.op, (long long)p->d.dims[0][0], (long long)p->d.dims[0][1],
                     (long long)p->d.dims[0][2], (long long)p->d.dims[0][3],
                     (long long)p->d.dims[1][3], p->algo);
    return cuda_workspace_reserve(b, p->ws_bytes);
}

extern "C" int cuda_conv_plan(dnnr_backend *b, dnnr_plan *p)
{
    const dnnr_op_desc *d = &p->d;
    const int64_t *x = d->dims[0], *w = d->dims[1], *y = d->dims[2];
    if (d->n_dims[0] != 4 || d->n_dims[1] != 4 || d->n_dims[2] != 4 || w[2] != x[3] ||
        y[3] != w[3] || y[0] != x[0] || y[1] < 1 || y[2] < 1 || d->stride[0] < 1 ||
        d->stride[1] < 1 || d->padding[0] < 0 || d->padding[1] < 0 || d->padding[2] < 0 ||
        d->padding[3] < 0)
        return cuda_bad(b, "conv: inconsistent shapes");
    if (d->op == DNNR_OP_CONV_FWD_ACT) {
        /* the activations whose gradient the engine takes from y alone */
        switch ((dnnr_eltwise_alg)d->algorithm) {
        case DNNR_ELTWISE_RELU:
        case DNNR_ELTWISE_ELU:
        case DNNR_ELTWISE_TANH:
        case DNNR_ELTWISE_SIGMOID:
        case DNNR_ELTWISE_EXP:
            break;
        default:
            b->host->set_error(b->host->ctx, "conv: activation %u cannot be fused",
                               d->algorithm);
            return DNNR_EUNSUPPORTED;
        }
        /* from here on a forward convolution that also applies the activation */
        p->fused_act = 1 + (int)d->algorithm;
        p->d.op = DNNR_OP_CONV_FWD;
    }
    geometry g = geometry_of(d);
    const int pad = asymmetric(d);
    p->ph = pad ? g.h + d->padding[0] + d->padding[1] : g.h;
    p->pw = pad ? g.w + d->padding[2] + d->padding[3] : g.w;
    if (g.n * p->ph * p->pw * g.c > INT32_MAX || g.n * g.oh * g.ow * g.f > INT32_MAX ||
        g.kh * g.kw * g.c * g.f > INT32_MAX) {
        b->host->set_error(b->host->ctx, "conv: a tensor beyond cuDNN's 2^31 elements");
        return DNNR_EUNSUPPORTED;
    }
    const size_t f = sizeof(float);
    const size_t nx = f * (size_t)(g.n * g.h * g.w * g.c), nw = f * (size_t)(g.kh * g.kw * g.c * g.f),
                 ny = f * (size_t)(g.n * g.oh * g.ow * g.f);
    int rc = cuda_cudnn_check(b, cudnnCreateTensorDescriptor(&p->xdesc), "tensor descriptor");
    rc = rc ? rc : cuda_cudnn_check(b, cudnnCreateTensorDescriptor(&p->ydesc), "tensor descriptor");
    rc = rc ? rc : cuda_cudnn_check(b, cudnnCreateFilterDescriptor(&p->wdesc), "filter descriptor");
    rc = rc ? rc
            : cuda_cudnn_check(b, cudnnCreateConvolutionDescriptor(&p->conv),
                               "convolution descriptor");
    rc = rc ? rc
            : cuda_cudnn_check(b, cudnnSetTensor4dDescriptor(p->xdesc, CUDNN_TENSOR_NHWC,
                                                             CUDNN_DATA_FLOAT, (int)g.n, (int)g.c,
                                                             (int)p->ph, (int)p->pw),
                               "input descriptor");
    rc = rc ? rc
            : cuda_cudnn_check(b, cudnnSetTensor4dDescriptor(p->ydesc, CUDNN_TENSOR_NHWC,
                                                             CUDNN_DATA_FLOAT, (int)g.n, (int)g.f,
                                                             (int)g.oh, (int)g.ow),
                               "output descriptor");
    rc = rc ? rc
            : cuda_cudnn_check(b, cudnnSetFilter4dDescriptor(p->wdesc, CUDNN_DATA_FLOAT,
                                                             CUDNN_TENSOR_NHWC, (int)g.f, (int)g.c,
                                                             (int)g.kh, (int)g.kw),
                               "filter descriptor");
    rc = rc ? rc
            : cuda_cudnn_check(b, cudnnSetConvolution2dDescriptor(
                                      p->conv, pad ? 0 : (int)d->padding[0],
                                      pad ? 0 : (int)d->padding[2], (int)d->stride[0],
                                      (int)d->stride[1], 1, 1, CUDNN_CROSS_CORRELATION,
                                      CUDNN_DATA_FLOAT),
                               "convolution descriptor");
    rc = rc ? rc
            : cuda_cudnn_check(b, cudnnSetConvolutionMathType(p->conv, b->allow_tf32
                                                                           ? CUDNN_DEFAULT_MATH
                                                                           : CUDNN_FMA_MATH),
                               "convolution math type");
    if (rc)
        return rc;
    int on, oc, oh, ow;
    rc = cuda_cudnn_check(b, cudnnGetConvolution2dForwardOutputDim(p->conv, p->xdesc, p->wdesc,
                                                                   &on, &oc, &oh, &ow),
                          "output size");
    if (rc)
        return rc;
    if (on != g.n || oc != g.f || oh != g.oh || ow != g.ow)
        return cuda_bad(b, "conv: the output shape does not follow from input, kernel, "
                           "strides and padding");
    rc = choose_algorithm(b, p);
    rc = rc ? rc : cuda_plan_alloc(b, (void **)&p->kbuf, nw, "cudaMalloc (KRSC kernel)");
    if (rc == DNNR_OK && pad)
        rc = cuda_plan_alloc(b, (void **)&p->padded, f * (size_t)(g.n * p->ph * p->pw * g.c),
                             "cudaMalloc (padded input)");
    if (rc)
        return rc;
    switch (d->op) {
    case DNNR_OP_CONV_FWD:
        p->n_operands = 4;
        p->need[0] = nx;
        p->need[1] = nw;
        p->need[2] = f * (size_t)g.f;
        p->need[3] = ny;
        break;
    case DNNR_OP_CONV_BWD_DATA:
        p->n_operands = 3;
        p->need[0] = ny;
        p->need[1] = nw;
        p->need[2] = nx;
        break;
    default:
        p->n_operands = 4;
        p->need[0] = nx;
        p->need[1] = ny;
        p->need[2] = nw;
        p->need[3] = f * (size_t)g.f;
        rc = cuda_plan_alloc(b, (void **)&p->ones, f * (size_t)(g.n * g.oh * g.ow),
                             "cudaMalloc (ones)");
        if (rc)
            return rc;
        cuda_fill(b, p->ones, 1.0f, g.n * g.oh * g.ow);
        break;
    }
    p->run = conv_run;
    return DNNR_OK;
}
