/* Running a network: plans per batch size, forward, backward and the
 * optimiser step. Every buffer and plan exists before the step loop; a step
 * only uploads the batch, runs plans and downloads the output. */
#include <math.h>
#include <string.h>

#include <dnnrepair/rng.h>

#include "engine/network_internal.h"
#include "util/alloc.h"

static dnnr_buffer *node_input(dnnr__net *net, uint32_t i)
{
    return i == 0 ? net->x : net->nodes[i - 1].y;
}

static dnnr_buffer *node_input_grad(dnnr__net *net, uint32_t i)
{
    if (i > 0)
        return net->nodes[i - 1].dy;
    return net->nodes[0].dx_scratch; /* NULL except a first batch norm */
}

/* Fill the descriptors of node i for batch size n. */
static void describe(const dnnr__net *net, const dnnr__node *nd, int64_t n, dnnr_op_desc *fwd,
                     dnnr_op_desc *bwd_data, dnnr_op_desc *bwd_w, dnnr_op_desc *infer)
{
    *fwd = nd->fwd;
    fwd->struct_size = sizeof *fwd;
    memset(fwd->n_dims, 0, sizeof fwd->n_dims);
    memset(fwd->dims, 0, sizeof fwd->dims);
    int64_t in_last = nd->in_shape[nd->in_rank - 1];
    int64_t out_last = nd->out_shape[nd->out_rank - 1];
    switch (nd->kind) {
    case NODE_MATMUL:
        fwd->op = DNNR_OP_DENSE_FWD;
        /* the data set's rows may be mostly zeros (bag of words): let the backend skip them */
        fwd->algorithm = nd == &net->nodes[0] ? 1 : 0;
        fwd->n_dims[0] = fwd->n_dims[1] = 2;
        fwd->dims[0][0] = n * (nd->in_size / in_last);
        fwd->dims[0][1] = in_last;
        fwd->dims[1][0] = in_last;
        fwd->dims[1][1] = out_last;
        break;
    case NODE_CONV:
    case NODE_POOL: {
        fwd->op = nd->kind == NODE_POOL ? DNNR_OP_POOL_FWD
                  : nd->fused_act       ? DNNR_OP_CONV_FWD_ACT
                                        : DNNR_OP_CONV_FWD;
        fwd->n_dims[0] = fwd->n_dims[2] = 4;
        fwd->dims[0][0] = n;
        memcpy(&fwd->dims[0][1], nd->in_shape, 3 * sizeof(int64_t));
        fwd->dims[2][0] = n;
        memcpy(&fwd->dims[2][1], nd->out_shape, 3 * sizeof(int64_t));
        if (nd->kind == NODE_CONV) {
            const dnnr_layer_spec *L = &net->spec->layers[nd->layer];
            fwd->n_dims[1] = 4;
            fwd->dims[1][0] = L->kernel[0];
            fwd->dims[1][1] = L->kernel[1];
            fwd->dims[1][2] = in_last;
            fwd->dims[1][3] = out_last;
        }
        break;
    }
    case NODE_ACT:
    case NODE_DROPOUT:
        fwd->op = nd->kind == NODE_ACT ? DNNR_OP_ELTWISE_FWD : DNNR_OP_DROPOUT_FWD;
        fwd->n_dims[0] = 1;
        fwd->dims[0][0] = n * nd->out_size;
        break;
    case NODE_SOFTMAX:
        fwd->op = DNNR_OP_SOFTMAX_FWD;
        fwd->n_dims[0] = 2;
        fwd->dims[0][0] = n * (nd->out_size / out_last);
        fwd->dims[0][1] = out_last;
        break;
    case NODE_BNORM:
        fwd->op = DNNR_OP_BNORM_FWD;
        fwd->n_dims[0] = 2;
        fwd->dims[0][0] = n * (nd->in_size / in_last);
        fwd->dims[0][1] = in_last;
        fwd->algorithm = 1;
        break;
    case NODE_CONCAT:
        fwd->op = (dnnr_op)-1; /* host copies, no plan */
        break;
    }
    *bwd_data = *fwd;
    *bwd_w = *fwd;
    *infer = *fwd;
    bwd_w->op = (dnnr_op)-1;
    infer->op = (dnnr_op)-1;
    switch (nd->kind) {
    case NODE_MATMUL:
        bwd_data->op = DNNR_OP_DENSE_BWD_DATA;
        bwd_w->op = DNNR_OP_DENSE_BWD_WEIGHTS;
        break;
    case NODE_CONV:
        bwd_data->op = DNNR_OP_CONV_BWD_DATA;
        bwd_w->op = DNNR_OP_CONV_BWD_WEIGHTS;
        break;
    case NODE_POOL:
        bwd_data->op = DNNR_OP_POOL_BWD;
        break;
    case NODE_ACT:
        bwd_data->op = DNNR_OP_ELTWISE_BWD;
        break;
    case NODE_SOFTMAX:
        bwd_data->op = DNNR_OP_SOFTMAX_BWD;
        break;
    case NODE_DROPOUT:
        bwd_data->op = DNNR_OP_DROPOUT_BWD;
        break;
    case NODE_BNORM:
        bwd_data->op = DNNR_OP_BNORM_BWD;
        infer->op = DNNR_OP_BNORM_FWD;
        infer->algorithm = 0;
        break;
    case NODE_CONCAT:
        break;
    }
}

int dnnr__net_fuse(dnnr__net *net, dnnr_error *err)
{
    (void)err;
    for (uint32_t i = 0; i + 1 < net->n_nodes; i++) {
        dnnr__node *conv = &net->nodes[i], *act = &net->nodes[i + 1];
        if (conv->kind != NODE_CONV || act->kind != NODE_ACT || act->layer != conv->layer)
            continue;
        /* only activations whose gradient the output gives (the backward runs in place on y) */
        dnnr_activation a = (dnnr_activation)act->fwd.algorithm;
        if (a != DNNR_ACT_RELU && a != DNNR_ACT_ELU && a != DNNR_ACT_TANH &&
            a != DNNR_ACT_SIGMOID && a != DNNR_ACT_EXPONENTIAL)
            continue;
        conv->fused_act = 1;
        conv->fwd.algorithm = act->fwd.algorithm;
        conv->fwd.alpha = act->fwd.alpha;
        dnnr_op_desc f, bd, bw, inf;
        describe(net, conv, 1, &f, &bd, &bw, &inf);
        if (!dnnr__device_supports(net->dev, &f)) {
            conv->fused_act = 0;
            conv->fwd.algorithm = 0;
            continue;
        }
        memmove(act, act + 1, sizeof *act * (net->n_nodes - i - 2));
        net->n_nodes--;
    }
    return DNNR_OK;
}

static void free_set(dnnr__net *net, planset *s)
{
    for (uint32_t i = 0; s->fwd && i < net->n_nodes; i++) {
        dnnr__device_plan_free(net->dev, s->fwd[i]);
        dnnr__device_plan_free(net->dev, s->fwd_infer[i]);
        dnnr__device_plan_free(net->dev, s->bwd_data[i]);
        dnnr__device_plan_free(net->dev, s->bwd_weights[i]);
        dnnr__device_plan_free(net->dev, s->bwd_infer[i]);
        dnnr__device_plan_free(net->dev, s->act_bwd[i]);
    }
    dnnr__free(s->fwd);
    memset(s, 0, sizeof *s);
}

void dnnr__net_free_plans(dnnr__net *net)
{
    for (int i = 0; i < DNNR_NET_PLANSETS; i++)
        free_set(net, &net->sets[i]);
}

int dnnr__net_plans(dnnr__net *net, int64_t n, planset **out, dnnr_error *err)
{
    net->clock++;
    planset *victim = &net->sets[0];
    for (int i = 0; i < DNNR_NET_PLANSETS; i++) {
        if (net->sets[i].n == n) {
            net->sets[i].last_used = net->clock;
            *out = &net->sets[i];
            return DNNR_OK;
        }
        if (net->sets[i].last_used < victim->last_used)
            victim = &net->sets[i];
    }
    free_set(net, victim);
    dnnr_plan **all = dnnr__alloc(6 * (size_t)net->n_nodes, sizeof *all);
    if (!all)
        return dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
    victim->fwd = all;
    victim->fwd_infer = all + net->n_nodes;
    victim->bwd_data = all + 2 * net->n_nodes;
    victim->bwd_weights = all + 3 * net->n_nodes;
    victim->bwd_infer = all + 4 * net->n_nodes;
    victim->act_bwd = all + 5 * net->n_nodes;
    int rc = DNNR_OK;
    for (uint32_t i = 0; rc == DNNR_OK && i < net->n_nodes; i++) {
        dnnr_op_desc f, bd, bw, inf;
        describe(net, &net->nodes[i], n, &f, &bd, &bw, &inf);
        if (net->nodes[i].kind == NODE_CONCAT)
            continue;
        rc = dnnr__device_plan(net->dev, &f, &victim->fwd[i], err);
        if (rc == DNNR_OK && (i > 0 || net->nodes[i].kind == NODE_BNORM))
            rc = dnnr__device_plan(net->dev, &bd, &victim->bwd_data[i], err);
        if (rc == DNNR_OK && (int)bw.op >= 0)
            rc = dnnr__device_plan(net->dev, &bw, &victim->bwd_weights[i], err);
        if (rc == DNNR_OK && (int)inf.op >= 0)
            rc = dnnr__device_plan(net->dev, &inf, &victim->fwd_infer[i], err);
        if (rc == DNNR_OK && net->nodes[i].fused_act) { /* d(pre-activation) from the output */
            dnnr_op_desc ad = {.struct_size = sizeof ad, .op = DNNR_OP_ELTWISE_BWD};
            ad.n_dims[0] = 1;
            ad.dims[0][0] = n * net->nodes[i].out_size;
            ad.algorithm = net->nodes[i].fwd.algorithm;
            ad.alpha = net->nodes[i].fwd.alpha;
            rc = dnnr__device_plan(net->dev, &ad, &victim->act_bwd[i], err);
        }
        if (rc == DNNR_OK && net->nodes[i].kind == NODE_BNORM) { /* the probe's backward */
            bd.algorithm = 0;
            rc = dnnr__device_plan(net->dev, &bd, &victim->bwd_infer[i], err);
        }
    }
    if (rc != DNNR_OK) {
        free_set(net, victim);
        return rc;
    }
    victim->n = n;
    victim->last_used = net->clock;
    *out = victim;
    return DNNR_OK;
}

int dnnr__net_prepare(dnnr__net *net, int64_t n, dnnr_error *err)
{
    planset *ps;
    return n > 0 ? dnnr__net_plans(net, n, &ps, err) : DNNR_OK;
}

static dnnr_buffer *bias_of(dnnr__net *net, dnnr__node *nd, int grad)
{
    if (net->spec->layers[nd->layer].use_bias) {
        dnnr__param *b = &net->params[nd->p_first + 1];
        return grad ? b->g : b->w;
    }
    return grad ? nd->bias_grad_sink : nd->zero_bias;
}

/* Keras' moving statistics: moving = momentum * moving + (1 - momentum) *
 * batch. On images Keras runs TF's fused kernel, whose batch variance is
 * Bessel-corrected (m / (m - 1), m = N*H*W); on flat inputs it is not. */
static int update_moving(dnnr__net *net, dnnr__node *nd, int64_t n, dnnr_error *err)
{
    int64_t c = nd->in_shape[nd->in_rank - 1];
    int64_t m = n * (nd->in_size / c);
    double bessel = (nd->in_rank == 3 && m > 1) ? (double)m / (double)(m - 1) : 1.0;
    float tmp_batch[256], tmp_moving[256];
    for (int which = 0; which < 2; which++) {
        dnnr_buffer *batch = which == 0 ? nd->bmean : nd->bvar;
        dnnr__param *mv = &net->params[nd->p_first + 2 + which];
        for (int64_t off = 0; off < c; off += 256) {
            int64_t len = c - off < 256 ? c - off : 256;
            size_t bytes = sizeof(float) * (size_t)len, at = sizeof(float) * (size_t)off;
            int rc = dnnr__device_download(net->dev, tmp_batch, batch, at, bytes, err);
            rc = rc ? rc : dnnr__device_download(net->dev, tmp_moving, mv->w, at, bytes, err);
            if (rc)
                return rc;
            double scale = which == 1 ? bessel : 1.0;
            for (int64_t j = 0; j < len; j++)
                tmp_moving[j] = (float)(nd->momentum * tmp_moving[j] +
                                        (1 - nd->momentum) * scale * tmp_batch[j]);
            rc = dnnr__device_upload(net->dev, mv->w, at, tmp_moving, bytes, err);
            if (rc)
                return rc;
        }
    }
    return DNNR_OK;
}

/* Two-input rows: the main input to the device, the side features kept on
 * the host for the concat node. */
static int upload_input(dnnr__net *net, int64_t n, const float *x, dnnr_error *err)
{
    if (net->side > 0) {
        int64_t row = net->x_size + net->side;
        for (int64_t r = 0; r < n; r++) {
            memcpy(net->stage + r * net->x_size, x + r * row, sizeof(float) * (size_t)net->x_size);
            memcpy(net->side_rows + r * net->side, x + r * row + net->x_size,
                   sizeof(float) * (size_t)net->side);
        }
        x = net->stage;
    }
    return dnnr__device_upload(net->dev, net->x, 0, x, sizeof(float) * (size_t)(n * net->x_size),
                               err);
}

/* Concatenate: rows of [side, branch] (or [branch, side]) from the branch's
 * output. Host copies: the joined width is small next to the layers around it. */
static int concat_forward(dnnr__net *net, const dnnr__node *nd, int64_t n, dnnr_buffer *in,
                          dnnr_error *err)
{
    int64_t k = nd->in_size, w = nd->out_size, s = net->side;
    float *joined = net->stage, *branch = net->stage + n * w;
    int rc = dnnr__device_download(net->dev, branch, in, 0, sizeof(float) * (size_t)(n * k), err);
    if (rc)
        return rc;
    int64_t at_side = nd->side_first ? 0 : k, at_branch = nd->side_first ? s : 0;
    for (int64_t r = 0; r < n; r++) {
        memcpy(joined + r * w + at_side, net->side_rows + r * s, sizeof(float) * (size_t)s);
        memcpy(joined + r * w + at_branch, branch + r * k, sizeof(float) * (size_t)k);
    }
    return dnnr__device_upload(net->dev, nd->y, 0, joined, sizeof(float) * (size_t)(n * w), err);
}

/* The branch's share of the joined gradient (the side input needs none). */
static int concat_backward(dnnr__net *net, const dnnr__node *nd, int64_t n, dnnr_buffer *din,
                           dnnr_error *err)
{
    int64_t k = nd->in_size, w = nd->out_size;
    float *joined = net->stage + n * k, *branch = net->stage;
    int rc = dnnr__device_download(net->dev, joined, nd->dy, 0, sizeof(float) * (size_t)(n * w),
                                   err);
    if (rc)
        return rc;
    int64_t at_branch = nd->side_first ? net->side : 0;
    for (int64_t r = 0; r < n; r++)
        memcpy(branch + r * k, joined + r * w + at_branch, sizeof(float) * (size_t)k);
    return dnnr__device_upload(net->dev, din, 0, branch, sizeof(float) * (size_t)(n * k), err);
}

int dnnr__net_forward(dnnr__net *net, int64_t n, const float *x, int training,
                      uint64_t dropout_key, dnnr_error *err)
{
    planset *ps;
    int rc = dnnr__net_plans(net, n, &ps, err);
    if (rc)
        return rc;
    rc = upload_input(net, n, x, err);
    for (uint32_t i = 0; rc == DNNR_OK && i < net->n_nodes; i++) {
        dnnr__node *nd = &net->nodes[i];
        dnnr_buffer *in = node_input(net, i);
        switch (nd->kind) {
        case NODE_MATMUL:
        case NODE_CONV: {
            dnnr_buffer *ops[] = {in, net->params[nd->p_first].w, bias_of(net, nd, 0), nd->y};
            rc = dnnr__device_run(net->dev, ps->fwd[i], ops, 4, NULL, err);
            break;
        }
        case NODE_POOL: {
            dnnr_buffer *ops[] = {in, nd->y, nd->aux};
            rc = dnnr__device_run(net->dev, ps->fwd[i], ops, 3, NULL, err);
            break;
        }
        case NODE_ACT:
        case NODE_SOFTMAX: {
            dnnr_buffer *ops[] = {in, nd->y};
            rc = dnnr__device_run(net->dev, ps->fwd[i], ops, 2, NULL, err);
            break;
        }
        case NODE_DROPOUT: {
            if (!training) {
                rc = dnnr__device_copy(net->dev, nd->y, in, sizeof(float) * (size_t)(n * nd->out_size),
                                       err);
                break;
            }
            dnnr_run_args args = {.struct_size = sizeof args};
            args.key = dnnr_rng_derive(dropout_key, i);
            dnnr_buffer *ops[] = {in, nd->y, nd->aux};
            rc = dnnr__device_run(net->dev, ps->fwd[i], ops, 3, &args, err);
            break;
        }
        case NODE_BNORM: {
            dnnr__param *p = &net->params[nd->p_first];
            if (training) {
                dnnr_buffer *ops[] = {in, p[0].w, p[1].w, nd->bmean, nd->bvar, nd->y};
                rc = dnnr__device_run(net->dev, ps->fwd[i], ops, 6, NULL, err);
                if (rc == DNNR_OK)
                    rc = update_moving(net, nd, n, err);
            } else {
                dnnr_buffer *ops[] = {in, p[0].w, p[1].w, p[2].w, p[3].w, nd->y};
                rc = dnnr__device_run(net->dev, ps->fwd_infer[i], ops, 6, NULL, err);
            }
            break;
        }
        case NODE_CONCAT:
            rc = concat_forward(net, nd, n, in, err);
            break;
        }
    }
    return rc;
}

int dnnr__net_output(dnnr__net *net, int64_t n, int logits, float *out, dnnr_error *err)
{
    uint32_t last = net->n_nodes - 1;
    dnnr__node *nd = &net->nodes[last];
    dnnr_buffer *src = logits ? node_input(net, last) : nd->y;
    return dnnr__device_download(net->dev, out, src, 0, sizeof(float) * (size_t)(n * nd->out_size),
                                 err);
}

int dnnr__net_backward(dnnr__net *net, int64_t n, const float *grad, int logits, int training,
                       dnnr_error *err)
{
    planset *ps;
    int rc = dnnr__net_plans(net, n, &ps, err);
    if (rc)
        return rc;
    uint32_t start = net->n_nodes - 1;
    if (logits) {
        if (start == 0) /* the whole network is one activation: nothing to learn */
            return DNNR_OK;
        start--;
    }
    dnnr__node *top = &net->nodes[start];
    rc = dnnr__device_upload(net->dev, top->dy, 0, grad, sizeof(float) * (size_t)(n * top->out_size),
                             err);
    for (int64_t ii = start; rc == DNNR_OK && ii >= 0; ii--) {
        uint32_t i = (uint32_t)ii;
        dnnr__node *nd = &net->nodes[i];
        dnnr_buffer *in = node_input(net, i), *din = node_input_grad(net, i);
        switch (nd->kind) {
        case NODE_MATMUL:
        case NODE_CONV: {
            if (nd->fused_act) { /* the activations used here depend on y only: x = y, in place */
                dnnr_buffer *aops[] = {nd->y, nd->y, nd->dy, nd->dy};
                rc = dnnr__device_run(net->dev, ps->act_bwd[i], aops, 4, NULL, err);
                if (rc)
                    break;
            }
            dnnr__param *k = &net->params[nd->p_first];
            dnnr_buffer *ops[] = {in, nd->dy, k->g, bias_of(net, nd, 1)};
            rc = dnnr__device_run(net->dev, ps->bwd_weights[i], ops, 4, NULL, err);
            if (rc == DNNR_OK && din && ps->bwd_data[i]) {
                dnnr_buffer *ops2[] = {nd->dy, k->w, din};
                rc = dnnr__device_run(net->dev, ps->bwd_data[i], ops2, 3, NULL, err);
            }
            break;
        }
        case NODE_POOL:
            if (din) {
                dnnr_buffer *ops[] = {nd->dy, nd->aux, din};
                rc = dnnr__device_run(net->dev, ps->bwd_data[i], ops, 3, NULL, err);
            }
            break;
        case NODE_ACT:
            if (din) {
                dnnr_buffer *ops[] = {in, nd->y, nd->dy, din};
                rc = dnnr__device_run(net->dev, ps->bwd_data[i], ops, 4, NULL, err);
            }
            break;
        case NODE_SOFTMAX:
            if (din) {
                dnnr_buffer *ops[] = {nd->y, nd->dy, din};
                rc = dnnr__device_run(net->dev, ps->bwd_data[i], ops, 3, NULL, err);
            }
            break;
        case NODE_DROPOUT:
            if (din && !training) {
                rc = dnnr__device_copy(net->dev, din, nd->dy,
                                       sizeof(float) * (size_t)(n * nd->out_size), err);
            } else if (din) {
                dnnr_buffer *ops[] = {nd->dy, nd->aux, din};
                rc = dnnr__device_run(net->dev, ps->bwd_data[i], ops, 3, NULL, err);
            }
            break;
        case NODE_BNORM: {
            /* inference mode (the probe) differentiates through the moving statistics */
            dnnr__param *p = &net->params[nd->p_first];
            dnnr_buffer *mean = training ? nd->bmean : p[2].w, *var = training ? nd->bvar : p[3].w;
            dnnr_buffer *ops[] = {in, nd->dy, p[0].w, mean, var, din, p[0].g, p[1].g};
            rc = dnnr__device_run(net->dev, training ? ps->bwd_data[i] : ps->bwd_infer[i], ops, 8,
                                  NULL, err);
            break;
        }
        case NODE_CONCAT:
            if (din)
                rc = concat_backward(net, nd, n, din, err);
            break;
        }
    }
    return rc;
}

int dnnr__net_update(dnnr__net *net, const dnnr_run_args *args, double *penalty, dnnr_error *err)
{
    *penalty = 0;
    for (uint32_t i = 0; i < net->n_params; i++) {
        dnnr__param *p = &net->params[i];
        if (!p->trainable)
            continue;
        dnnr_buffer *ops[] = {p->w, p->g, p->s1, p->s2, net->penalty};
        int regularised = p->reg != DNNR_REG_NONE;
        int rc;
        if (p->clip) { /* clip (with the regulariser), then a plain update */
            dnnr_buffer *cops[] = {p->w, p->g, net->penalty};
            rc = dnnr__device_run(net->dev, p->clip, cops, regularised ? 3 : 2, args, err);
            rc = rc ? rc : dnnr__device_run(net->dev, p->update, ops, 4, args, err);
        } else {
            rc = dnnr__device_run(net->dev, p->update, ops, regularised ? 5 : 4, args, err);
        }
        if (rc == DNNR_OK && regularised) {
            float v;
            rc = dnnr__device_download(net->dev, &v, net->penalty, 0, sizeof v, err);
            *penalty += v;
        }
        if (rc)
            return rc;
    }
    return DNNR_OK;
}

int dnnr__net_penalty(dnnr__net *net, double *penalty, dnnr_error *err)
{
    *penalty = 0;
    for (uint32_t i = 0; i < net->n_params; i++) {
        dnnr__param *p = &net->params[i];
        if (p->reg == DNNR_REG_NONE)
            continue;
        int rc = dnnr__device_download(net->dev, net->scratch, p->w, 0,
                                       sizeof(float) * (size_t)p->count, err);
        if (rc)
            return rc;
        double l1 = (p->reg == DNNR_REG_L1 || p->reg == DNNR_REG_L1_L2) ? 0.01 : 0;
        double l2 = (p->reg == DNNR_REG_L2 || p->reg == DNNR_REG_L1_L2) ? 0.01 : 0;
        for (int64_t j = 0; j < p->count; j++)
            *penalty += l1 * fabs(net->scratch[j]) + l2 * (double)net->scratch[j] * net->scratch[j];
    }
    return DNNR_OK;
}
