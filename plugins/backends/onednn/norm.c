/* Batch normalisation over x[rows, C] (rows = N*H*W for images), as OpenMP
 * loops over channels. Training mode normalises with the batch mean and the
 * biased variance and writes both out (the engine keeps Keras' moving
 * averages); inference mode reads the moving statistics. */
#include <math.h>

#include "onednn.h"

static int bnorm_fwd(dnnr_backend *b, dnnr_plan *p, dnnr_buffer *const *ops,
                     const dnnr_run_args *args)
{
    (void)b;
    (void)args;
    const float *x = ops[0]->data, *gamma = ops[1]->data, *beta = ops[2]->data;
    float *mean = ops[3]->data, *var = ops[4]->data, *y = ops[5]->data;
    const int64_t rows = p->rows, cols = p->cols;
    const int training = p->d.algorithm == 1;
    const float eps = p->d.epsilon;
#pragma omp parallel for schedule(static) if (rows * cols > ONEDNN_PAR_MIN)
    for (int64_t c = 0; c < cols; c++) {
        if (training) {
            double s = 0, s2 = 0;
            for (int64_t r = 0; r < rows; r++)
                s += x[r * cols + c];
            double m = s / (double)rows;
            for (int64_t r = 0; r < rows; r++) {
                double v = x[r * cols + c] - m;
                s2 += v * v;
            }
            mean[c] = (float)m;
            var[c] = (float)(s2 / (double)rows);
        }
        float inv = 1.0f / sqrtf(var[c] + eps);
        for (int64_t r = 0; r < rows; r++)
            y[r * cols + c] = gamma[c] * (x[r * cols + c] - mean[c]) * inv + beta[c];
    }
    return DNNR_OK;
}

static int bnorm_bwd(dnnr_backend *b, dnnr_plan *p, dnnr_buffer *const *ops,
                     const dnnr_run_args *args)
{
    (void)b;
    (void)args;
    const float *x = ops[0]->data, *dy = ops[1]->data, *gamma = ops[2]->data,
                *mean = ops[3]->data, *var = ops[4]->data;
    float *dx = ops[5]->data, *dgamma = ops[6]->data, *dbeta = ops[7]->data;
    const int64_t rows = p->rows, cols = p->cols;
    const int training = p->d.algorithm == 1;
    const float eps = p->d.epsilon;
#pragma omp parallel for schedule(static) if (rows * cols > ONEDNN_PAR_MIN)
    for (int64_t c = 0; c < cols; c++) {
        double inv = 1.0 / sqrt((double)var[c] + eps);
        double sum_dy = 0, sum_dy_xhat = 0;
        for (int64_t r = 0; r < rows; r++) {
            double xhat = (x[r * cols + c] - mean[c]) * inv;
            sum_dy += dy[r * cols + c];
            sum_dy_xhat += dy[r * cols + c] * xhat;
        }
        dgamma[c] = (float)sum_dy_xhat;
        dbeta[c] = (float)sum_dy;
        for (int64_t r = 0; r < rows; r++) {
            double g = dy[r * cols + c];
            if (training) {
                double xhat = (x[r * cols + c] - mean[c]) * inv;
                g = g - sum_dy / (double)rows - xhat * sum_dy_xhat / (double)rows;
            }
            dx[r * cols + c] = (float)(gamma[c] * inv * g);
        }
    }
    return DNNR_OK;
}

int onednn_norm_plan(dnnr_backend *b, dnnr_plan *p)
{
    const dnnr_op_desc *d = &p->d;
    if (d->n_dims[0] != 2 || d->dims[0][0] < 1 || d->dims[0][1] < 1) {
        b->host->set_error(b->host->ctx, "batch norm: expected x[rows, C]");
        return DNNR_EINVAL;
    }
    p->rows = d->dims[0][0];
    p->cols = d->dims[0][1];
    p->n_operands = d->op == DNNR_OP_BNORM_FWD ? 6 : 8;
    p->run = d->op == DNNR_OP_BNORM_FWD ? bnorm_fwd : bnorm_bwd;
    return DNNR_OK;
}
