/* 2-D convolutions as oneDNN primitives on NHWC activations and Keras'
 * [kh, kw, in, out] kernels (oneDNN's "hwio"), so no reorder is needed
 * between the engine's layout and the primitive's. Backward passes are
 * planned with a forward training descriptor as their hint, as oneDNN
 * requires. */
#include "onednn.h"

static int md_nhwc(dnnr_backend *b, dnnl_memory_desc_t *md, const int64_t *nhwc)
{
    dnnl_dims_t dims = {nhwc[0], nhwc[3], nhwc[1], nhwc[2]};
    return onednn_check(b, dnnl_memory_desc_init_by_tag(md, 4, dims, dnnl_f32, dnnl_nhwc),
                        "memory_desc nhwc");
}

static int md_hwio(dnnr_backend *b, dnnl_memory_desc_t *md, const int64_t *hwio)
{
    dnnl_dims_t dims = {hwio[3], hwio[2], hwio[0], hwio[1]};
    return onednn_check(b, dnnl_memory_desc_init_by_tag(md, 4, dims, dnnl_f32, dnnl_hwio),
                        "memory_desc hwio");
}

static int conv_run(dnnr_backend *b, dnnr_plan *p, dnnr_buffer *const *ops,
                    const dnnr_run_args *args)
{
    (void)args;
    return onednn_exec(b, p, ops);
}

int onednn_conv_plan(dnnr_backend *b, dnnr_plan *p)
{
    const dnnr_op_desc *d = &p->d;
    const int64_t *x = d->dims[0], *w = d->dims[1], *y = d->dims[2];
    if (d->n_dims[0] != 4 || d->n_dims[1] != 4 || d->n_dims[2] != 4 || w[2] != x[3] ||
        y[3] != w[3] || y[0] != x[0] || y[1] < 1 || y[2] < 1) {
        b->host->set_error(b->host->ctx, "conv: inconsistent shapes");
        return DNNR_EINVAL;
    }
    dnnl_memory_desc_t src, wei, bias, dst;
    dnnl_dims_t bias_dims = {w[3]};
    int rc = md_nhwc(b, &src, x);
    rc = rc ? rc : md_hwio(b, &wei, w);
    rc = rc ? rc : md_nhwc(b, &dst, y);
    rc = rc ? rc : onednn_check(b, dnnl_memory_desc_init_by_tag(&bias, 1, bias_dims, dnnl_f32, dnnl_a),
                               "memory_desc bias");
    if (rc)
        return rc;
    dnnl_dims_t strides = {d->stride[0], d->stride[1]};
    dnnl_dims_t pad_l = {d->padding[0], d->padding[2]};
    dnnl_dims_t pad_r = {d->padding[1], d->padding[3]};

    dnnl_convolution_desc_t fwd_desc, bwd_desc;
    rc = onednn_check(b, dnnl_convolution_forward_desc_init(&fwd_desc, dnnl_forward_training,
                                                            dnnl_convolution_direct, &src, &wei,
                                                            &bias, &dst, strides, pad_l, pad_r),
                      "convolution forward desc");
    if (rc)
        return rc;
    dnnl_primitive_desc_t fwd_pd;
    rc = onednn_check(b, dnnl_primitive_desc_create(&fwd_pd, &fwd_desc, NULL, b->engine, NULL),
                      "convolution forward primitive_desc");
    if (rc)
        return rc;
    p->run = conv_run;
    if (d->op == DNNR_OP_CONV_FWD) { /* x, w, b, y */
        p->n_operands = 4;
        rc = onednn_add_mem(b, p, &src, DNNL_ARG_SRC, 0);
        rc = rc ? rc : onednn_add_mem(b, p, &wei, DNNL_ARG_WEIGHTS, 1);
        rc = rc ? rc : onednn_add_mem(b, p, &bias, DNNL_ARG_BIAS, 2);
        rc = rc ? rc : onednn_add_mem(b, p, &dst, DNNL_ARG_DST, 3);
        if (rc) {
            dnnl_primitive_desc_destroy(fwd_pd);
            return rc;
        }
        return onednn_make_prim(b, p, fwd_pd);
    }
    if (d->op == DNNR_OP_CONV_BWD_DATA) { /* dy, w, dx */
        p->n_operands = 3;
        rc = onednn_check(b, dnnl_convolution_backward_data_desc_init(&bwd_desc,
                                                                      dnnl_convolution_direct,
                                                                      &src, &wei, &dst, strides,
                                                                      pad_l, pad_r),
                          "convolution backward data desc");
        rc = rc ? rc : onednn_add_mem(b, p, &dst, DNNL_ARG_DIFF_DST, 0);
        rc = rc ? rc : onednn_add_mem(b, p, &wei, DNNL_ARG_WEIGHTS, 1);
        rc = rc ? rc : onednn_add_mem(b, p, &src, DNNL_ARG_DIFF_SRC, 2);
    } else { /* x, dy, dw, db */
        p->n_operands = 4;
        rc = onednn_check(b, dnnl_convolution_backward_weights_desc_init(
                                 &bwd_desc, dnnl_convolution_direct, &src, &wei, &bias, &dst,
                                 strides, pad_l, pad_r),
                          "convolution backward weights desc");
        rc = rc ? rc : onednn_add_mem(b, p, &src, DNNL_ARG_SRC, 0);
        rc = rc ? rc : onednn_add_mem(b, p, &dst, DNNL_ARG_DIFF_DST, 1);
        rc = rc ? rc : onednn_add_mem(b, p, &wei, DNNL_ARG_DIFF_WEIGHTS, 2);
        rc = rc ? rc : onednn_add_mem(b, p, &bias, DNNL_ARG_DIFF_BIAS, 3);
    }
    dnnl_primitive_desc_t bwd_pd = NULL;
    if (rc == DNNR_OK)
        rc = onednn_check(b, dnnl_primitive_desc_create(&bwd_pd, &bwd_desc, NULL, b->engine,
                                                        fwd_pd),
                          "convolution backward primitive_desc");
    dnnl_primitive_desc_destroy(fwd_pd);
    if (rc)
        return rc;
    return onednn_make_prim(b, p, bwd_pd);
}
