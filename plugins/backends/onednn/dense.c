/* Dense layers as oneDNN matmul primitives. Keras keeps the kernel as
 * [in, out]; the transposes of the backward passes are strided views of the
 * same memory, so no data is moved:
 *   forward       y[N,O]  = x[N,I] w[I,O] + b
 *   backward data dx[N,I] = dy[N,O] w^T      (w^T: [O,I] with strides {1, O})
 *   backward wts  dw[I,O] = x^T dy           (x^T: [I,N] with strides {1, I})
 *                 db[O]   = column sums of dy (C, fixed summation order) */
#include <omp.h>

#include "onednn.h"

static int md2(dnnr_backend *b, dnnl_memory_desc_t *md, int64_t d0, int64_t d1, int64_t s0,
               int64_t s1)
{
    dnnl_dims_t dims = {d0, d1}, strides = {s0, s1};
    return onednn_check(b, dnnl_memory_desc_init_by_strides(md, 2, dims, dnnl_f32, strides),
                        "memory_desc");
}

static int dense_run(dnnr_backend *b, dnnr_plan *p, dnnr_buffer *const *ops,
                     const dnnr_run_args *args)
{
    (void)args;
    int64_t out = p->d.dims[1][1];
    if (p->sparse && p->d.op == DNNR_OP_DENSE_FWD &&
        onednn_sparse_forward(p->sparse, ops[0]->data, ops[1]->data, ops[2]->data, ops[3]->data,
                              out))
        return DNNR_OK;
    int rc = DNNR_OK;
    if (!(p->sparse && p->d.op == DNNR_OP_DENSE_BWD_WEIGHTS &&
          onednn_sparse_weight_grad(p->sparse, ops[0]->data, ops[1]->data, ops[2]->data, out)))
        rc = onednn_exec(b, p, ops);
    if (rc == DNNR_OK && p->d.op == DNNR_OP_DENSE_BWD_WEIGHTS)
        onednn_bias_grad(ops[1]->data, ops[3]->data, p->rows, p->cols);
    return rc;
}

int onednn_dense_plan(dnnr_backend *b, dnnr_plan *p)
{
    const dnnr_op_desc *d = &p->d;
    if (d->n_dims[0] != 2 || d->n_dims[1] != 2 || d->dims[0][1] != d->dims[1][0] ||
        d->dims[0][0] < 1 || d->dims[0][1] < 1 || d->dims[1][1] < 1) {
        b->host->set_error(b->host->ctx, "dense: expected x[N,I] and w[I,O] with N, I, O >= 1");
        return DNNR_EINVAL;
    }
    int64_t n = d->dims[0][0], in = d->dims[0][1], out = d->dims[1][1];
    dnnl_memory_desc_t src, wei, bias, dst;
    dnnl_matmul_desc_t md;
    int rc = DNNR_OK;
    const dnnl_memory_desc_t *bias_md = NULL;
    switch (d->op) {
    case DNNR_OP_DENSE_FWD: /* x, w, b, y */
        rc = md2(b, &src, n, in, in, 1);
        rc = rc ? rc : md2(b, &wei, in, out, out, 1);
        rc = rc ? rc : md2(b, &bias, 1, out, out, 1);
        rc = rc ? rc : md2(b, &dst, n, out, out, 1);
        bias_md = &bias;
        p->n_operands = 4;
        if (rc == DNNR_OK) {
            rc = onednn_add_mem(b, p, &src, DNNL_ARG_SRC, 0);
            rc = rc ? rc : onednn_add_mem(b, p, &wei, DNNL_ARG_WEIGHTS, 1);
            rc = rc ? rc : onednn_add_mem(b, p, &bias, DNNL_ARG_BIAS, 2);
            rc = rc ? rc : onednn_add_mem(b, p, &dst, DNNL_ARG_DST, 3);
        }
        break;
    case DNNR_OP_DENSE_BWD_DATA: /* dy, w, dx */
        rc = md2(b, &src, n, out, out, 1);
        rc = rc ? rc : md2(b, &wei, out, in, 1, out);
        rc = rc ? rc : md2(b, &dst, n, in, in, 1);
        p->n_operands = 3;
        if (rc == DNNR_OK) {
            rc = onednn_add_mem(b, p, &src, DNNL_ARG_SRC, 0);
            rc = rc ? rc : onednn_add_mem(b, p, &wei, DNNL_ARG_WEIGHTS, 1);
            rc = rc ? rc : onednn_add_mem(b, p, &dst, DNNL_ARG_DST, 2);
        }
        break;
    case DNNR_OP_DENSE_BWD_WEIGHTS: /* x, dy, dw, db */
        rc = md2(b, &src, in, n, 1, in);
        rc = rc ? rc : md2(b, &wei, n, out, out, 1);
        rc = rc ? rc : md2(b, &dst, in, out, out, 1);
        p->n_operands = 4;
        p->rows = n;
        p->cols = out;
        if (rc == DNNR_OK) {
            rc = onednn_add_mem(b, p, &src, DNNL_ARG_SRC, 0);
            rc = rc ? rc : onednn_add_mem(b, p, &wei, DNNL_ARG_WEIGHTS, 1);
            rc = rc ? rc : onednn_add_mem(b, p, &dst, DNNL_ARG_DST, 2);
        }
        break;
    default:
        return DNNR_EINTERNAL;
    }
    if (rc)
        return rc;
    rc = onednn_check(b, dnnl_matmul_desc_init(&md, &src, &wei, bias_md, &dst), "matmul_desc");
    if (rc)
        return rc;
    /* A small product (D1's 32x128x50) is done faster by one thread than by
     * a team that must wake up and meet: oneDNN sizes its parallel work when
     * the primitive is made, so make it with one thread. */
    int serial = 2.0 * (double)n * (double)in * (double)out < ONEDNN_SERIAL_FLOPS;
    if (serial)
        omp_set_num_threads(1);
    dnnl_primitive_desc_t pd;
    rc = onednn_check(b, dnnl_primitive_desc_create(&pd, &md, NULL, b->engine, NULL),
                      "matmul primitive_desc");
    if (rc == DNNR_OK) {
        p->run = dense_run;
        rc = onednn_make_prim(b, p, pd);
    }
    if (serial)
        omp_set_num_threads(b->threads);
    if (rc == DNNR_OK && d->algorithm == 1 && d->op != DNNR_OP_DENSE_BWD_DATA)
        rc = onednn_sparse_prepare(b, p, n, in);
    return rc;
}
