/* Batch normalisation over x[rows, C] (rows = N*H*W for images) as CUDA
 * kernels with the onednn backend's arithmetic: batch statistics in double,
 * biased variance written out in training mode (the engine keeps Keras'
 * moving averages), moving statistics read in inference mode, and a
 * backward pass for both modes. (cuDNN's batch norm returns the inverse
 * standard deviation and an unbiased running variance, and has no
 * inference-mode backward, so it would not give these operands exactly.)
 *
 * Per-channel sums are deterministic: a 2-D grid of 32-channel by
 * row-chunk blocks writes partial sums (double) to plan-owned scratch, and
 * one thread per channel adds the chunks in order. The chunk count depends
 * on the shape only. */
#include "cuda.h"

#define TX 32
#define TY 8

enum { SUM_X = 0, SUM_SQDEV = 1, SUM_BWD = 2 };

/* partial[k][s][c] for k < (mode == SUM_BWD ? 2 : 1) */
__global__ static void channel_sums(int mode, const float *x, const float *dy,
                                    const double *mean, const float *meanf, const float *var,
                                    float eps, int64_t rows, int64_t cols, int64_t chunk,
                                    double *partial)
{
    __shared__ double sh[2][TY][TX];
    const int64_t c = blockIdx.x * (int64_t)TX + threadIdx.x;
    const int64_t r0 = blockIdx.y * chunk, r1 = r0 + chunk < rows ? r0 + chunk : rows;
    double a0 = 0, a1 = 0;
    if (c < cols) {
        double m = mode == SUM_SQDEV ? mean[c] : 0, inv = 0, mf = 0;
        if (mode == SUM_BWD) {
            inv = 1.0 / sqrt((double)var[c] + eps);
            mf = meanf[c];
        }
        for (int64_t r = r0 + threadIdx.y; r < r1; r += TY) {
            double v = x[r * cols + c];
            if (mode == SUM_X) {
                a0 += v;
            } else if (mode == SUM_SQDEV) {
                a0 += (v - m) * (v - m);
            } else {
                double g = dy[r * cols + c];
                a0 += g;
                a1 += g * ((v - mf) * inv);
            }
        }
    }
    sh[0][threadIdx.y][threadIdx.x] = a0;
    sh[1][threadIdx.y][threadIdx.x] = a1;
    __syncthreads();
    if (threadIdx.y == 0 && c < cols) {
        double s0 = 0, s1 = 0;
        for (int k = 0; k < TY; k++) {
            s0 += sh[0][k][threadIdx.x];
            s1 += sh[1][k][threadIdx.x];
        }
        const int64_t stride = (int64_t)gridDim.y * cols;
        partial[blockIdx.y * cols + c] = s0;
        if (mode == SUM_BWD)
            partial[stride + blockIdx.y * cols + c] = s1;
    }
}

/* Adds the chunks in order. SUM_X: mean (double and float); SUM_SQDEV: the
 * biased variance; SUM_BWD: dbeta, dgamma and the double sums for dx. */
__global__ static void channel_finish(int mode, const double *partial, int64_t n_chunks,
                                      int64_t rows, int64_t cols, double *stat, float *out0,
                                      float *out1)
{
    const int64_t c = blockIdx.x * (int64_t)blockDim.x + threadIdx.x;
    if (c >= cols)
        return;
    double s0 = 0, s1 = 0;
    for (int64_t s = 0; s < n_chunks; s++) {
        s0 += partial[s * cols + c];
        if (mode == SUM_BWD)
            s1 += partial[(n_chunks + s) * cols + c];
    }
    if (mode == SUM_X) {
        stat[c] = s0 / (double)rows;
        out0[c] = (float)(s0 / (double)rows);
    } else if (mode == SUM_SQDEV) {
        out0[c] = (float)(s0 / (double)rows);
    } else {
        stat[c] = s0;
        stat[cols + c] = s1;
        out0[c] = (float)s1; /* dgamma */
        out1[c] = (float)s0; /* dbeta */
    }
}

__global__ static void bnorm_apply(const float *x, const float *gamma, const float *beta,
                                   const float *mean, const float *var, float eps, float *y,
                                   int64_t rows, int64_t cols)
{
    const int64_t n = rows * cols;
    for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n;
         i += (int64_t)gridDim.x * blockDim.x) {
        int64_t c = i % cols;
        float inv = 1.0f / sqrtf(var[c] + eps);
        y[i] = gamma[c] * (x[i] - mean[c]) * inv + beta[c];
    }
}

__global__ static void bnorm_dx(int training, const float *x, const float *dy, const float *gamma,
                                const float *mean, const float *var, float eps,
                                const double *stat, float *dx, int64_t rows, int64_t cols)
{
    const int64_t n = rows * cols;
    for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n;
         i += (int64_t)gridDim.x * blockDim.x) {
        int64_t c = i % cols;
        double inv = 1.0 / sqrt((double)var[c] + eps);
        double g = dy[i];
        if (training) {
            double xhat = (x[i] - mean[c]) * inv;
            g = g - stat[c] / (double)rows - xhat * stat[cols + c] / (double)rows;
        }
        dx[i] = (float)(gamma[c] * inv * g);
    }
}

static void sums(dnnr_backend *b, dnnr_plan *p, int mode, const float *x, const float *dy,
                 const float *meanf, const float *var, float *out0, float *out1)
{
    const int64_t rows = p->rows, cols = p->cols, chunks = p->n_blocks;
    const int64_t chunk = (rows + chunks - 1) / chunks;
    double *stat = p->partial + 2 * chunks * cols;
    dim3 grid((unsigned)((cols + TX - 1) / TX), (unsigned)chunks), block(TX, TY);
    channel_sums<<<grid, block, 0, b->stream>>>(mode, x, dy, stat, meanf, var, p->d.epsilon, rows,
                                                cols, chunk, p->partial);
    channel_finish<<<cuda_grid(cols), CUDA_THREADS, 0, b->stream>>>(mode, p->partial, chunks, rows,
                                                                     cols, stat, out0, out1);
}

static int bnorm_run(dnnr_backend *b, dnnr_plan *p, dnnr_buffer *const *ops,
                     const dnnr_run_args *args)
{
    (void)args;
    const int training = p->d.algorithm == 1;
    const int64_t rows = p->rows, cols = p->cols;
    const float eps = p->d.epsilon;
    if (p->d.op == DNNR_OP_BNORM_FWD) { /* x, gamma, beta, mean, var, y */
        const float *x = (const float *)ops[0]->data;
        float *mean = (float *)ops[3]->data, *var = (float *)ops[4]->data;
        if (training) {
            sums(b, p, SUM_X, x, NULL, NULL, NULL, mean, NULL);
            sums(b, p, SUM_SQDEV, x, NULL, NULL, NULL, var, NULL);
        }
        bnorm_apply<<<cuda_grid(rows * cols), CUDA_THREADS, 0, b->stream>>>(
            x, (const float *)ops[1]->data, (const float *)ops[2]->data, mean, var, eps,
            (float *)ops[5]->data, rows, cols);
        return DNNR_OK;
    }
    /* x, dy, gamma, mean, var, dx, dgamma, dbeta */
    const float *x = (const float *)ops[0]->data, *dy = (const float *)ops[1]->data,
                *mean = (const float *)ops[3]->data, *var = (const float *)ops[4]->data;
    sums(b, p, SUM_BWD, x, dy, mean, var, (float *)ops[6]->data, (float *)ops[7]->data);
    bnorm_dx<<<cuda_grid(rows * cols), CUDA_THREADS, 0, b->stream>>>(
        training, x, dy, (const float *)ops[2]->data, mean, var, eps,
        p->partial + 2 * p->n_blocks * cols, (float *)ops[5]->data, rows, cols);
    return DNNR_OK;
}

extern "C" int cuda_norm_plan(dnnr_backend *b, dnnr_plan *p)
{
    const dnnr_op_desc *d = &p->d;
    if (d->n_dims[0] != 2 || d->dims[0][0] < 1 || d->dims[0][1] < 1)
        return cuda_bad(b, "batch norm: expected x[rows, C]");
    p->rows = d->dims[0][0];
    p->cols = d->dims[0][1];
    /* Enough row chunks to fill the device (about 2,048 blocks), each of
     * at least 64 rows; at most 65,535 (the grid's y limit). */
    int64_t col_tiles = (p->cols + TX - 1) / TX, chunks = (p->rows + 63) / 64;
    int64_t cap = 2048 / col_tiles;
    if (chunks > cap)
        chunks = cap;
    if (chunks > 65535)
        chunks = 65535;
    if (chunks < 1)
        chunks = 1;
    p->n_blocks = chunks;
    const size_t f = sizeof(float), nx = f * (size_t)(p->rows * p->cols), nc = f * (size_t)p->cols;
    if (d->op == DNNR_OP_BNORM_FWD) {
        p->n_operands = 6;
        const size_t need[6] = {nx, nc, nc, nc, nc, nx};
        for (int i = 0; i < 6; i++)
            p->need[i] = need[i];
    } else {
        p->n_operands = 8;
        const size_t need[8] = {nx, nx, nc, nc, nc, nx, nc, nc};
        for (int i = 0; i < 8; i++)
            p->need[i] = need[i];
    }
    p->run = bnorm_run;
    return cuda_plan_alloc(b, (void **)&p->partial,
                           sizeof(double) * (size_t)((2 * chunks + 2) * p->cols),
                           "cudaMalloc (batch-norm sums)");
}
