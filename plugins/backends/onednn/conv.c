/* 2-D convolutions as oneDNN primitives on NHWC activations. The kernel is
 * left to oneDNN's choice of layout (format "any"): its fast convolutions
 * want blocked weights, and Keras' [kh, kw, in, out] ("hwio") layout would
 * send it to a slow gemm path. The plan then owns a blocked copy and a
 * reorder, run before the forward and backward-data primitives (hwio ->
 * blocked) or after backward-weights (blocked -> hwio): kernels are small,
 * so the copy costs little next to the convolution. Backward passes are
 * planned with a forward training descriptor as their hint, as oneDNN
 * requires. */
#include <omp.h>

#include "onednn.h"

static int md_nhwc(dnnr_backend *b, dnnl_memory_desc_t *md, const int64_t *nhwc)
{
    dnnl_dims_t dims = {nhwc[0], nhwc[3], nhwc[1], nhwc[2]};
    return onednn_check(b, dnnl_memory_desc_init_by_tag(md, 4, dims, dnnl_f32, dnnl_nhwc),
                        "memory_desc nhwc");
}

static int md_weights(dnnr_backend *b, dnnl_memory_desc_t *md, const int64_t *hwio,
                      dnnl_format_tag_t tag)
{
    dnnl_dims_t dims = {hwio[3], hwio[2], hwio[0], hwio[1]};
    return onednn_check(b, dnnl_memory_desc_init_by_tag(md, 4, dims, dnnl_f32, tag),
                        "memory_desc weights");
}

static int conv_run(dnnr_backend *b, dnnr_plan *p, dnnr_buffer *const *ops,
                    const dnnr_run_args *args)
{
    (void)args;
    if (p->reorder) {
        dnnl_memory_set_data_handle(p->reorder_user, ops[p->reorder_operand]->data);
        dnnl_exec_arg_t ra[2] = {{DNNL_ARG_FROM, p->reorder_after ? p->reorder_blocked : p->reorder_user},
                                 {DNNL_ARG_TO, p->reorder_after ? p->reorder_user : p->reorder_blocked}};
        if (!p->reorder_after) {
            int rc = onednn_check(b, dnnl_primitive_execute(p->reorder, b->stream, 2, ra), "reorder");
            if (rc)
                return rc;
        }
        int rc = onednn_exec(b, p, ops);
        if (rc || !p->reorder_after)
            return rc;
        rc = onednn_check(b, dnnl_primitive_execute(p->reorder, b->stream, 2, ra), "reorder");
        return rc ? rc : onednn_check(b, dnnl_stream_wait(b->stream), "stream_wait");
    }
    return onednn_exec(b, p, ops);
}

/* Bind the kernel argument: directly when the primitive takes hwio, else
 * through a plan-owned blocked memory and a reorder. */
static int bind_weights(dnnr_backend *b, dnnr_plan *p, const dnnl_memory_desc_t *chosen,
                        const dnnl_memory_desc_t *user, int arg, int operand, int after)
{
    if (dnnl_memory_desc_equal(chosen, user))
        return onednn_add_mem(b, p, user, arg, operand);
    int rc = onednn_check(b, dnnl_memory_create(&p->reorder_blocked, chosen, b->engine,
                                                DNNL_MEMORY_ALLOCATE),
                          "memory_create (blocked kernel)");
    if (rc)
        return rc;
    p->mem[p->n_mems] = p->reorder_blocked;
    p->mem_arg[p->n_mems] = arg;
    p->mem_operand[p->n_mems] = -1;
    p->n_mems++;
    rc = onednn_check(b, dnnl_memory_create(&p->reorder_user, user, b->engine, DNNL_MEMORY_NONE),
                      "memory_create");
    if (rc)
        return rc;
    dnnl_primitive_desc_t rpd;
    rc = onednn_check(b, dnnl_reorder_primitive_desc_create(&rpd, after ? chosen : user, b->engine,
                                                            after ? user : chosen, b->engine, NULL),
                      "reorder primitive_desc");
    if (rc)
        return rc;
    rc = onednn_check(b, dnnl_primitive_create(&p->reorder, rpd), "reorder primitive_create");
    dnnl_primitive_desc_destroy(rpd);
    p->reorder_operand = operand;
    p->reorder_after = after;
    return rc;
}

static int conv_plan(dnnr_backend *b, dnnr_plan *p)
{
    const dnnr_op_desc *d = &p->d;
    const int64_t *x = d->dims[0], *w = d->dims[1], *y = d->dims[2];
    if (d->n_dims[0] != 4 || d->n_dims[1] != 4 || d->n_dims[2] != 4 || w[2] != x[3] ||
        y[3] != w[3] || y[0] != x[0] || y[1] < 1 || y[2] < 1) {
        b->host->set_error(b->host->ctx, "conv: inconsistent shapes");
        return DNNR_EINVAL;
    }
    dnnl_memory_desc_t src, wei_any, wei_user, bias, dst;
    dnnl_dims_t bias_dims = {w[3]};
    int rc = md_nhwc(b, &src, x);
    rc = rc ? rc : md_weights(b, &wei_any, w, dnnl_format_tag_any);
    rc = rc ? rc : md_weights(b, &wei_user, w, dnnl_hwio);
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
                                                            dnnl_convolution_direct, &src, &wei_any,
                                                            &bias, &dst, strides, pad_l, pad_r),
                      "convolution forward desc");
    if (rc)
        return rc;
    /* The forward primitive may apply the activation itself (a post-op). */
    dnnl_primitive_attr_t attr = NULL;
    if (d->op == DNNR_OP_CONV_FWD_ACT) {
        dnnl_alg_kind_t alg;
        switch ((dnnr_eltwise_alg)d->algorithm) {
        case DNNR_ELTWISE_RELU:
            alg = dnnl_eltwise_relu;
            break;
        case DNNR_ELTWISE_ELU:
            alg = dnnl_eltwise_elu;
            break;
        case DNNR_ELTWISE_TANH:
            alg = dnnl_eltwise_tanh;
            break;
        case DNNR_ELTWISE_SIGMOID:
            alg = dnnl_eltwise_logistic;
            break;
        case DNNR_ELTWISE_EXP:
            alg = dnnl_eltwise_exp;
            break;
        default:
            b->host->set_error(b->host->ctx, "conv: activation %u cannot be fused",
                               d->algorithm);
            return DNNR_EUNSUPPORTED;
        }
        dnnl_post_ops_t po;
        rc = onednn_check(b, dnnl_primitive_attr_create(&attr), "primitive_attr_create");
        rc = rc ? rc : onednn_check(b, dnnl_post_ops_create(&po), "post_ops_create");
        if (rc == DNNR_OK) {
            rc = onednn_check(b, dnnl_post_ops_append_eltwise(po, 1.0f, alg, alg == dnnl_eltwise_elu ? d->alpha : 0.0f, 0.0f),
                              "post_ops_append_eltwise");
            rc = rc ? rc : onednn_check(b, dnnl_primitive_attr_set_post_ops(attr, po), "set_post_ops");
            dnnl_post_ops_destroy(po);
        }
        if (rc) {
            if (attr)
                dnnl_primitive_attr_destroy(attr);
            return rc;
        }
    }
    dnnl_primitive_desc_t fwd_pd;
    rc = onednn_check(b, dnnl_primitive_desc_create(&fwd_pd, &fwd_desc, attr, b->engine, NULL),
                      "convolution forward primitive_desc");
    if (attr)
        dnnl_primitive_attr_destroy(attr);
    if (rc)
        return rc;
    p->run = conv_run;
    if (d->op == DNNR_OP_CONV_FWD || d->op == DNNR_OP_CONV_FWD_ACT) { /* x, w, b, y */
        p->n_operands = 4;
        const dnnl_memory_desc_t *chosen = dnnl_primitive_desc_query_md(fwd_pd, dnnl_query_weights_md, 0);
        rc = onednn_add_mem(b, p, &src, DNNL_ARG_SRC, 0);
        rc = rc ? rc : bind_weights(b, p, chosen, &wei_user, DNNL_ARG_WEIGHTS, 1, 0);
        rc = rc ? rc : onednn_add_mem(b, p, &bias, DNNL_ARG_BIAS, 2);
        rc = rc ? rc : onednn_add_mem(b, p, &dst, DNNL_ARG_DST, 3);
        if (rc) {
            dnnl_primitive_desc_destroy(fwd_pd);
            return rc;
        }
        return onednn_make_prim(b, p, fwd_pd);
    }
    int data = d->op == DNNR_OP_CONV_BWD_DATA;
    if (data)
        rc = onednn_check(b, dnnl_convolution_backward_data_desc_init(&bwd_desc,
                                                                      dnnl_convolution_direct,
                                                                      &src, &wei_any, &dst, strides,
                                                                      pad_l, pad_r),
                          "convolution backward data desc");
    else
        rc = onednn_check(b, dnnl_convolution_backward_weights_desc_init(
                                 &bwd_desc, dnnl_convolution_direct, &src, &wei_any, &bias, &dst,
                                 strides, pad_l, pad_r),
                          "convolution backward weights desc");
    dnnl_primitive_desc_t bwd_pd = NULL;
    if (rc == DNNR_OK)
        rc = onednn_check(b, dnnl_primitive_desc_create(&bwd_pd, &bwd_desc, NULL, b->engine,
                                                        fwd_pd),
                          "convolution backward primitive_desc");
    dnnl_primitive_desc_destroy(fwd_pd);
    if (rc)
        return rc;
    if (data) { /* dy, w, dx */
        p->n_operands = 3;
        const dnnl_memory_desc_t *chosen = dnnl_primitive_desc_query_md(bwd_pd, dnnl_query_weights_md, 0);
        rc = onednn_add_mem(b, p, &dst, DNNL_ARG_DIFF_DST, 0);
        rc = rc ? rc : bind_weights(b, p, chosen, &wei_user, DNNL_ARG_WEIGHTS, 1, 0);
        rc = rc ? rc : onednn_add_mem(b, p, &src, DNNL_ARG_DIFF_SRC, 2);
    } else { /* x, dy, dw, db */
        p->n_operands = 4;
        const dnnl_memory_desc_t *chosen = dnnl_primitive_desc_query_md(bwd_pd, dnnl_query_diff_weights_md, 0);
        rc = onednn_add_mem(b, p, &src, DNNL_ARG_SRC, 0);
        rc = rc ? rc : onednn_add_mem(b, p, &dst, DNNL_ARG_DIFF_DST, 1);
        rc = rc ? rc : bind_weights(b, p, chosen, &wei_user, DNNL_ARG_DIFF_WEIGHTS, 2, 1);
        rc = rc ? rc : onednn_add_mem(b, p, &bias, DNNL_ARG_DIFF_BIAS, 3);
    }
    if (rc) {
        dnnl_primitive_desc_destroy(bwd_pd);
        return rc;
    }
    return onednn_make_prim(b, p, bwd_pd);
}

int onednn_conv_plan(dnnr_backend *b, dnnr_plan *p)
{
    /* small convolutions get single-threaded primitives (see dense.c) */
    const int64_t *w = p->d.dims[1], *y = p->d.dims[2];
    double flops = 2.0 * (double)(y[0] * y[1] * y[2] * y[3]) * (double)(w[0] * w[1] * w[2]);
    int serial = flops < ONEDNN_SERIAL_FLOPS;
    if (serial)
        omp_set_num_threads(1);
    int rc = conv_plan(b, p);
    if (serial)
        omp_set_num_threads(b->threads);
    return rc;
}
