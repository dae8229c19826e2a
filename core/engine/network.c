/* Building a network: shape inference with Keras' rules, the checks Keras
 * makes when it builds a model (they end a trial as invalid), buffers and
 * parameter initialisation. Running it is pass.c. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <dnnrepair/rng.h>

#include "engine/init.h"
#include "engine/keras.h"
#include "engine/network_internal.h"
#include "engine/optim.h"
#include "util/alloc.h"

static int64_t shape_size(const int64_t *s, int rank)
{
    int64_t n = 1;
    for (int i = 0; i < rank; i++)
        n *= s[i];
    return n;
}

/* Output length and leading padding of one spatial axis (TF rules). */
static int64_t out_len(int64_t in, int64_t k, int64_t stride, int same, int64_t *pad_lo,
                       int64_t *pad_hi)
{
    *pad_lo = *pad_hi = 0;
    if (!same)
        return in >= k ? (in - k) / stride + 1 : 0;
    int64_t out = (in + stride - 1) / stride;
    int64_t total = (out - 1) * stride + k - in;
    if (total < 0)
        total = 0;
    *pad_lo = total / 2;
    *pad_hi = total - *pad_lo;
    return out;
}

typedef struct builder {
    dnnr__net *net;
    int rank;
    int64_t shape[3];
    char *why;
    size_t why_len;
    const dnnr_layer_spec *L;
    uint32_t li;
} builder;

__attribute__((format(printf, 2, 3))) static int invalid(builder *b, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (b->L->source_line)
        snprintf(b->why, b->why_len, "layer %u (line %u): %s", b->li + 1, b->L->source_line, msg);
    else
        snprintf(b->why, b->why_len, "layer %u: %s", b->li + 1, msg);
    return 1;
}

static dnnr__node *add_node(builder *b, node_kind kind)
{
    dnnr__net *net = b->net;
    dnnr__node *n = &net->nodes[net->n_nodes++];
    memset(n, 0, sizeof *n);
    n->kind = kind;
    n->layer = b->li;
    n->in_rank = b->rank;
    memcpy(n->in_shape, b->shape, sizeof b->shape);
    n->in_size = shape_size(b->shape, b->rank);
    n->out_rank = b->rank;
    memcpy(n->out_shape, b->shape, sizeof b->shape);
    n->out_size = n->in_size;
    n->p_first = -1;
    return n;
}

static void set_out(builder *b, dnnr__node *n, int rank, const int64_t *shape)
{
    n->out_rank = rank;
    memcpy(n->out_shape, shape, sizeof n->out_shape);
    n->out_size = shape_size(shape, rank);
    b->rank = rank;
    memcpy(b->shape, shape, sizeof b->shape);
}

static dnnr__param *add_param(builder *b, int role, int rank, const int64_t *shape, int trainable)
{
    dnnr__net *net = b->net;
    dnnr__param *p = &net->params[net->n_params++];
    memset(p, 0, sizeof *p);
    p->spec_layer = b->li;
    p->role = role;
    p->rank = rank;
    memcpy(p->shape, shape, sizeof(int64_t) * (size_t)rank);
    p->count = shape_size(shape, rank);
    p->trainable = trainable;
    return p;
}

static void add_activation(builder *b, dnnr_activation act)
{
    if (act == DNNR_ACT_LINEAR)
        return;
    dnnr__node *n = add_node(b, act == DNNR_ACT_SOFTMAX ? NODE_SOFTMAX : NODE_ACT);
    n->fwd.algorithm = (uint32_t)act;
    n->fwd.alpha = 1.0f; /* elu alpha */
}

static int add_weighted(builder *b)
{
    const dnnr_layer_spec *L = b->L;
    dnnr__net *net = b->net;
    if (L->units < 1) {
        return invalid(b, "%s needs %s >= 1, got %lld",
                       L->kind == DNNR_LAYER_DENSE ? "dense" : "conv2d",
                       L->kind == DNNR_LAYER_DENSE ? "units" : "filters", (long long)L->units);
    }
    dnnr__node *n;
    int64_t kshape[4];
    int krank;
    if (L->kind == DNNR_LAYER_DENSE) {
        if (b->rank == 0)
            return invalid(b, "%s", "dense has no input");
        n = add_node(b, NODE_MATMUL);
        int64_t out[3];
        memcpy(out, b->shape, sizeof out);
        out[b->rank - 1] = L->units;
        kshape[0] = b->shape[b->rank - 1];
        kshape[1] = L->units;
        krank = 2;
        set_out(b, n, b->rank, out);
        net->flops += 2.0 * (double)(n->in_size / kshape[0]) * (double)kshape[0] * (double)L->units;
    } else {
        if (b->rank != 3)
            return invalid(b, "%s", "conv2d needs an input of shape (height, width, channels)");
        if (L->kernel[0] < 1 || L->kernel[1] < 1 || L->strides[0] < 1 || L->strides[1] < 1)
            return invalid(b, "%s", "conv2d needs kernel_size and strides >= 1");
        n = add_node(b, NODE_CONV);
        int64_t pt, pb, pl, pr;
        int64_t oh = out_len(b->shape[0], L->kernel[0], L->strides[0], L->same_padding, &pt, &pb);
        int64_t ow = out_len(b->shape[1], L->kernel[1], L->strides[1], L->same_padding, &pl, &pr);
        if (oh < 1 || ow < 1) {
            char d[96];
            snprintf(d, sizeof d, "%lldx%lld kernel on a %lldx%lld input",
                     (long long)L->kernel[0], (long long)L->kernel[1], (long long)b->shape[0],
                     (long long)b->shape[1]);
            return invalid(b, "conv2d leaves no output pixels (%s)", d);
        }
        kshape[0] = L->kernel[0];
        kshape[1] = L->kernel[1];
        kshape[2] = b->shape[2];
        kshape[3] = L->units;
        krank = 4;
        int64_t out[3] = {oh, ow, L->units};
        n->fwd.stride[0] = L->strides[0];
        n->fwd.stride[1] = L->strides[1];
        n->fwd.padding[0] = pt;
        n->fwd.padding[1] = pb;
        n->fwd.padding[2] = pl;
        n->fwd.padding[3] = pr;
        set_out(b, n, 3, out);
        net->flops += 2.0 * (double)(oh * ow * L->units) * (double)(kshape[0] * kshape[1] * kshape[2]);
    }
    n->p_first = (int32_t)net->n_params;
    dnnr__param *k = add_param(b, 0, krank, kshape, 1);
    k->is_kernel = 1;
    k->reg = L->kernel_reg;
    k->layer = net->n_weighted;
    if (L->use_bias) {
        int64_t bshape[1] = {L->units};
        dnnr__param *bias = add_param(b, 1, 1, bshape, 1);
        bias->layer = net->n_weighted;
    }
    net->n_weighted++;
    add_activation(b, L->activation);
    return 0;
}

static int add_pool(builder *b)
{
    const dnnr_layer_spec *L = b->L;
    if (b->rank != 3)
        return invalid(b, "%s", "pooling needs an input of shape (height, width, channels)");
    if (L->kernel[0] < 1 || L->kernel[1] < 1 || L->strides[0] < 1 || L->strides[1] < 1)
        return invalid(b, "%s", "pooling needs pool_size and strides >= 1");
    int64_t pt, pb, pl, pr;
    int64_t oh = out_len(b->shape[0], L->kernel[0], L->strides[0], L->same_padding, &pt, &pb);
    int64_t ow = out_len(b->shape[1], L->kernel[1], L->strides[1], L->same_padding, &pl, &pr);
    if (oh < 1 || ow < 1) {
        char d[96];
        snprintf(d, sizeof d, "%lldx%lld pool on a %lldx%lld input", (long long)L->kernel[0],
                 (long long)L->kernel[1], (long long)b->shape[0], (long long)b->shape[1]);
        return invalid(b, "pooling leaves no output pixels (%s)", d);
    }
    dnnr__node *n = add_node(b, NODE_POOL);
    n->fwd.algorithm = L->kind == DNNR_LAYER_MAX_POOL2D ? DNNR_POOL_MAX : DNNR_POOL_AVG;
    n->fwd.kernel[0] = L->kernel[0];
    n->fwd.kernel[1] = L->kernel[1];
    n->fwd.stride[0] = L->strides[0];
    n->fwd.stride[1] = L->strides[1];
    n->fwd.padding[0] = pt;
    n->fwd.padding[1] = pb;
    n->fwd.padding[2] = pl;
    n->fwd.padding[3] = pr;
    int64_t out[3] = {oh, ow, b->shape[2]};
    set_out(b, n, 3, out);
    return 0;
}

/* `input`: the first layer reads each sample row as the main input of the
 * given shape, then `side` features (a second Keras Input). */
static int add_input(builder *b)
{
    const dnnr_layer_spec *L = b->L;
    dnnr__net *net = b->net;
    if (b->li != 0)
        return invalid(b, "%s", "input must be the model's first layer");
    int64_t main_size = shape_size(L->shape, L->shape_rank);
    if (L->side < 0 || L->side > net->in_size || main_size + L->side != net->in_size) {
        char d[160];
        snprintf(d, sizeof d, "shape %lld x %lld x %lld (%lld values) + side %lld, but the data "
                 "set's samples have %lld values",
                 (long long)L->shape[0], (long long)(L->shape_rank == 3 ? L->shape[1] : 1),
                 (long long)(L->shape_rank == 3 ? L->shape[2] : 1), (long long)main_size,
                 (long long)L->side, (long long)net->in_size);
        return invalid(b, "input does not fit the data: %s", d);
    }
    net->x_size = main_size;
    net->side = L->side;
    b->rank = L->shape_rank;
    memcpy(b->shape, L->shape, sizeof b->shape);
    return 0;
}

static int add_concat(builder *b)
{
    dnnr__net *net = b->net;
    if (net->side == 0)
        return invalid(b, "%s", "concatenate needs a first layer input with side >= 1");
    if (b->rank != 1)
        return invalid(b, "%s", "concatenate needs flat activations; add flatten before it");
    dnnr__node *n = add_node(b, NODE_CONCAT);
    n->side_first = b->L->side_first;
    int64_t out[3] = {b->shape[0] + net->side, 0, 0};
    set_out(b, n, 1, out);
    return 0;
}

static int add_layer(builder *b)
{
    const dnnr_layer_spec *L = b->L;
    dnnr__net *net = b->net;
    switch (L->kind) {
    case DNNR_LAYER_DENSE:
    case DNNR_LAYER_CONV2D:
        return add_weighted(b);
    case DNNR_LAYER_MAX_POOL2D:
    case DNNR_LAYER_AVG_POOL2D:
        return add_pool(b);
    case DNNR_LAYER_DROPOUT:
        if (!(L->rate >= 0 && L->rate < 1)) {
            char d[32];
            snprintf(d, sizeof d, "%g", L->rate);
            return invalid(b, "dropout rate must be in [0, 1), got %s", d);
        }
        if (L->rate > 0) {
            dnnr__node *n = add_node(b, NODE_DROPOUT);
            n->fwd.alpha = (float)L->rate;
        }
        return 0;
    case DNNR_LAYER_FLATTEN:
        /* NHWC flattens in memory order: only the shape changes */
        b->shape[0] = shape_size(b->shape, b->rank);
        b->rank = 1;
        return 0;
    case DNNR_LAYER_ACTIVATION:
        add_activation(b, L->activation);
        return 0;
    case DNNR_LAYER_BATCH_NORM: {
        dnnr__node *n = add_node(b, NODE_BNORM);
        n->fwd.epsilon = (float)L->epsilon;
        n->momentum = L->momentum;
        n->p_first = (int32_t)net->n_params;
        int64_t c[1] = {b->shape[b->rank - 1]};
        add_param(b, 0, 1, c, 1); /* gamma */
        add_param(b, 1, 1, c, 1); /* beta */
        add_param(b, 2, 1, c, 0); /* moving mean */
        add_param(b, 3, 1, c, 0); /* moving variance */
        return 0;
    }
    case DNNR_LAYER_INPUT:
        return add_input(b);
    case DNNR_LAYER_CONCATENATE:
        return add_concat(b);
    case DNNR_LAYER_KIND_COUNT_:
        break;
    }
    return invalid(b, "%s", "unknown layer kind");
}

void dnnr__net_destroy(dnnr__net *net)
{
    if (!net)
        return;
    dnnr__device *dev = net->dev;
    dnnr__net_free_plans(net);
    for (uint32_t i = 0; i < net->n_nodes; i++) {
        dnnr__node *n = &net->nodes[i];
        dnnr_buffer *bufs[] = {n->y, n->dy, n->aux, n->bmean, n->bvar, n->dx_scratch,
                               n->zero_bias, n->bias_grad_sink};
        for (size_t k = 0; k < sizeof bufs / sizeof bufs[0]; k++)
            dnnr__device_free(dev, bufs[k]);
    }
    for (uint32_t i = 0; i < net->n_params; i++) {
        dnnr__param *p = &net->params[i];
        dnnr__device_free(dev, p->w);
        dnnr__device_free(dev, p->g);
        dnnr__device_free(dev, p->s1);
        dnnr__device_free(dev, p->s2);
        dnnr__device_plan_free(dev, p->update);
        dnnr__device_plan_free(dev, p->clip);
    }
    dnnr__device_free(dev, net->x);
    dnnr__device_free(dev, net->penalty);
    dnnr__free(net->nodes);
    dnnr__free(net->params);
    dnnr__free(net->scratch);
    dnnr__free(net->side_rows);
    dnnr__free(net->stage);
    dnnr__free(net);
}

static int alloc_floats(dnnr__net *net, int64_t count, dnnr_buffer **out, dnnr_error *err)
{
    return dnnr__device_alloc(net->dev, sizeof(float) * (size_t)(count > 0 ? count : 1), out, err);
}

static int allocate(dnnr__net *net, dnnr_error *err)
{
    int64_t B = net->max_batch;
    int rc = alloc_floats(net, B * net->x_size, &net->x, err);
    int64_t stage = 0;
    for (uint32_t i = 0; i < net->n_nodes; i++)
        if (net->nodes[i].kind == NODE_CONCAT && 2 * net->nodes[i].out_size > stage)
            stage = 2 * net->nodes[i].out_size; /* joined rows and the branch's rows */
    if (rc == DNNR_OK && net->side > 0) {
        /* the main part of the rows is compacted here before its upload */
        stage = stage > net->x_size ? stage : net->x_size;
        net->side_rows = dnnr__alloc((size_t)(B * net->side), sizeof(float));
        net->stage = dnnr__alloc((size_t)(B * stage), sizeof(float));
        if (!net->side_rows || !net->stage)
            rc = dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
    }
    rc = rc ? rc : alloc_floats(net, 1, &net->penalty, err);
    for (uint32_t i = 0; rc == DNNR_OK && i < net->n_nodes; i++) {
        dnnr__node *n = &net->nodes[i];
        rc = alloc_floats(net, B * n->out_size, &n->y, err);
        rc = rc ? rc : alloc_floats(net, B * n->out_size, &n->dy, err);
        if (rc == DNNR_OK && (n->kind == NODE_POOL || n->kind == NODE_DROPOUT))
            rc = alloc_floats(net, B * n->out_size, &n->aux, err); /* int32 or float: 4 bytes */
        if (rc == DNNR_OK && n->kind == NODE_BNORM) {
            int64_t c = n->in_shape[n->in_rank - 1];
            rc = alloc_floats(net, c, &n->bmean, err);
            rc = rc ? rc : alloc_floats(net, c, &n->bvar, err);
            if (rc == DNNR_OK && i == 0)
                rc = alloc_floats(net, B * n->in_size, &n->dx_scratch, err);
        }
        if (rc == DNNR_OK && (n->kind == NODE_MATMUL || n->kind == NODE_CONV)) {
            const dnnr_layer_spec *L = &net->spec->layers[n->layer];
            if (!L->use_bias) {
                rc = alloc_floats(net, L->units, &n->zero_bias, err);
                rc = rc ? rc : alloc_floats(net, L->units, &n->bias_grad_sink, err);
            }
        }
    }
    int64_t biggest = 1;
    for (uint32_t i = 0; rc == DNNR_OK && i < net->n_params; i++) {
        dnnr__param *p = &net->params[i];
        biggest = p->count > biggest ? p->count : biggest;
        rc = alloc_floats(net, p->count, &p->w, err);
        if (rc == DNNR_OK && p->trainable) {
            rc = alloc_floats(net, p->count, &p->g, err);
            rc = rc ? rc : alloc_floats(net, p->count, &p->s1, err);
            rc = rc ? rc : alloc_floats(net, p->count, &p->s2, err);
        }
    }
    if (rc == DNNR_OK) {
        net->scratch = dnnr__alloc((size_t)biggest, sizeof(float));
        if (!net->scratch)
            rc = dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
    }
    return rc;
}

/* Keras initialisation, one stream per parameter tensor (derived from its
 * index), so a tensor's values do not depend on how many draws the tensors
 * before it took. */
static int initialise(dnnr__net *net, uint64_t key, char *why, size_t why_len, dnnr_error *err)
{
    for (uint32_t i = 0; i < net->n_params; i++) {
        dnnr__param *p = &net->params[i];
        const dnnr_layer_spec *L = &net->spec->layers[p->spec_layer];
        dnnr_initializer kind;
        if (L->kind == DNNR_LAYER_BATCH_NORM)
            kind = (p->role == 0 || p->role == 3) ? DNNR_INIT_ONES : DNNR_INIT_ZEROS;
        else
            kind = p->is_kernel ? L->kernel_init : L->bias_init;
        dnnr_rng rng;
        dnnr_rng_init(&rng, dnnr_rng_derive(key, i));
        int rc = dnnr__init_fill(kind, net->scratch, p->rank, p->shape, &rng, why, why_len);
        if (rc == 1) {
            char reason[256];
            snprintf(reason, sizeof reason, "%s", why);
            snprintf(why, why_len, "layer %u (%s initializer '%s'): %s",
                     p->spec_layer + 1, p->is_kernel ? "kernel" : "bias",
                     dnnr__keras_initializer_name(kind), reason);
            return 1;
        }
        if (rc)
            return dnnr__error_set(err, rc, "out of memory initialising weights");
        rc = dnnr__device_upload(net->dev, p->w, 0, net->scratch, sizeof(float) * (size_t)p->count,
                                 err);
        if (rc)
            return rc;
    }
    return DNNR_OK;
}

static int plan_updates(dnnr__net *net, char *why, size_t why_len, dnnr_error *err)
{
    const dnnr_model_spec *s = net->spec;
    for (uint32_t i = 0; i < net->n_params; i++) {
        dnnr__param *p = &net->params[i];
        if (!p->trainable)
            continue;
        dnnr_op_desc d = {.struct_size = sizeof d, .op = DNNR_OP_UPDATE};
        d.n_dims[0] = 1;
        d.dims[0][0] = p->count;
        dnnr__optim_describe(s->optimizer, &d);
        if (s->momentum > 0 && s->optimizer == DNNR_UPDATE_SGD) {
            d.algorithm = DNNR_UPDATE_SGD_MOMENTUM;
            d.alpha = (float)s->momentum;
        }
        if (p->reg == DNNR_REG_L1 || p->reg == DNNR_REG_L1_L2)
            d.scalar[0] = DNNR_KERAS_REG_FACTOR;
        if (p->reg == DNNR_REG_L2 || p->reg == DNNR_REG_L1_L2)
            d.scalar[1] = DNNR_KERAS_REG_FACTOR;
        int rc = DNNR_OK;
        if (s->clipvalue > 0) { /* the regulariser's gradient moves into the clip, before it */
            dnnr_op_desc c = d;
            c.op = DNNR_OP_GRAD_CLIP;
            c.algorithm = 0;
            c.alpha = (float)s->clipvalue;
            c.beta = c.epsilon = 0;
            d.scalar[0] = d.scalar[1] = 0;
            rc = dnnr__device_plan(net->dev, &c, &p->clip, err);
        }
        if (rc == DNNR_OK)
            rc = dnnr__device_plan(net->dev, &d, &p->update, err);
        if (rc == DNNR_EUNSUPPORTED) {
            snprintf(why, why_len, "%s", err->msg);
            return 1;
        }
        if (rc)
            return rc;
        if (s->optimizer == DNNR_UPDATE_ADAGRAD) { /* initial_accumulator_value 0.1 */
            for (int64_t j = 0; j < p->count; j++)
                net->scratch[j] = 0.1f;
            rc = dnnr__device_upload(net->dev, p->s1, 0, net->scratch,
                                     sizeof(float) * (size_t)p->count, err);
            if (rc)
                return rc;
        }
    }
    return DNNR_OK;
}

int dnnr__net_create(const dnnr__net_params *prm, dnnr__net **out, char *why, size_t why_len,
                     dnnr_error *err)
{
    *out = NULL;
    const dnnr_model_spec *spec = prm->spec;
    dnnr__net *net = dnnr__alloc(1, sizeof *net);
    if (!net)
        return dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
    net->dev = prm->dev;
    net->spec = spec;
    net->max_batch = prm->max_batch;
    /* at most 2 nodes and 4 parameters per layer */
    net->nodes = dnnr__alloc(2 * (size_t)spec->n_layers + 1, sizeof *net->nodes);
    net->params = dnnr__alloc(4 * (size_t)spec->n_layers + 1, sizeof *net->params);
    if (!net->nodes || !net->params) {
        dnnr__net_destroy(net);
        return dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
    }
    builder b = {.net = net, .rank = (int)prm->in_rank, .why = why, .why_len = why_len};
    memcpy(b.shape, prm->in_shape, sizeof b.shape);
    net->in_size = shape_size(b.shape, b.rank);
    net->x_size = net->in_size;
    int rc = 0;
    for (uint32_t i = 0; rc == 0 && i < spec->n_layers; i++) {
        b.L = &spec->layers[i];
        b.li = i;
        rc = add_layer(&b);
    }
    if (rc == 0 && net->n_nodes == 0) {
        snprintf(why, why_len, "the model has no operations (every layer was repeated 0 times "
                               "or is an identity)");
        rc = 1;
    }
    if (rc == 0 && b.rank != 1) {
        /* outputs are compared with labels row by row: Keras models end flat */
        snprintf(why, why_len, "the model's output has shape %lldx%lldx%lld; add flatten and dense",
                 (long long)b.shape[0], (long long)b.shape[1], (long long)b.shape[2]);
        rc = 1;
    }
    if (rc == 0)
        rc = dnnr__net_fuse(net, err);
    if (rc == 0)
        rc = allocate(net, err);
    if (rc == 0)
        rc = initialise(net, prm->init_key, why, why_len, err);
    if (rc == 0)
        rc = plan_updates(net, why, why_len, err);
    if (rc == 0) {
        planset *ps;
        rc = dnnr__net_plans(net, net->max_batch, &ps, err);
        if (rc == DNNR_EUNSUPPORTED) {
            snprintf(why, why_len, "%s", err->msg);
            rc = 1;
        }
    }
    if (rc != 0) {
        dnnr__net_destroy(net);
        return rc;
    }
    *out = net;
    return DNNR_OK;
}

int64_t dnnr__net_outputs(const dnnr__net *net) { return net->nodes[net->n_nodes - 1].out_size; }
int64_t dnnr__net_input_size(const dnnr__net *net) { return net->in_size; }
double dnnr__net_flops(const dnnr__net *net) { return net->flops; }
uint32_t dnnr__net_n_params(const dnnr__net *net) { return net->n_params; }
dnnr__param *dnnr__net_param(dnnr__net *net, uint32_t i) { return &net->params[i]; }
uint32_t dnnr__net_n_weighted_layers(const dnnr__net *net) { return net->n_weighted; }
float *dnnr__net_scratch(dnnr__net *net) { return net->scratch; }
dnnr__device *dnnr__net_device(dnnr__net *net) { return net->dev; }

const dnnr_model_spec *dnnr__net_spec(const dnnr__net *net) { return net->spec; }

dnnr_activation dnnr__net_last_activation(const dnnr__net *net)
{
    const dnnr__node *n = &net->nodes[net->n_nodes - 1];
    if (n->kind == NODE_SOFTMAX)
        return DNNR_ACT_SOFTMAX;
    if (n->kind == NODE_ACT)
        return (dnnr_activation)n->fwd.algorithm;
    return DNNR_ACT_LINEAR;
}
