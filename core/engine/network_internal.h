/* Internals shared by network.c (building) and pass.c (running). */
#ifndef DNNR_ENGINE_NETWORK_INTERNAL_H
#define DNNR_ENGINE_NETWORK_INTERNAL_H

#include "engine/network.h"

typedef enum node_kind {
    NODE_MATMUL,
    NODE_CONV,
    NODE_POOL,
    NODE_ACT,
    NODE_SOFTMAX,
    NODE_DROPOUT,
    NODE_BNORM,
    NODE_CONCAT, /* joins the side features; runs on the host (no backend op) */
} node_kind;

typedef struct dnnr__node {
    node_kind kind;
    uint32_t layer;          /* spec layer it comes from */
    int64_t in_shape[3], out_shape[3];
    int in_rank, out_rank;
    int64_t in_size, out_size; /* floats per sample */
    dnnr_op_desc fwd, bwd_data, bwd_weights; /* with dims[...][0] = 1; set per n */
    dnnr_op_desc fwd_infer;  /* batch norm inference */
    dnnr_buffer *y, *dy;     /* out_size x max_batch */
    dnnr_buffer *aux;        /* pool argmax, dropout mask */
    dnnr_buffer *bmean, *bvar, *dx_scratch; /* batch norm */
    int32_t p_first;         /* index of its first parameter, -1 none */
    dnnr_buffer *zero_bias, *bias_grad_sink; /* use_bias = false */
    double momentum;
    int fused_act;           /* conv: CONV_FWD_ACT with fwd.algorithm = the activation */
    int side_first;          /* concat: [side, x] rather than [x, side] */
} dnnr__node;

#define DNNR_NET_PLANSETS 6

typedef struct planset {
    int64_t n; /* 0 = unused */
    uint64_t last_used;
    dnnr_plan **fwd, **fwd_infer, **bwd_data, **bwd_weights, **bwd_infer; /* one per node */
    dnnr_plan **act_bwd; /* convolutions with a fused activation */
} planset;

struct dnnr__net {
    dnnr__device *dev;
    const dnnr_model_spec *spec;
    int64_t max_batch, in_size;
    /* Two-input models: a sample row is x_size main-input floats then side
     * floats. The main part goes to x; the side part stays on the host for
     * the concat node, which also stages its rows in `stage`. */
    int64_t x_size, side;
    float *side_rows, *stage;
    dnnr_buffer *x;
    uint32_t n_nodes;
    dnnr__node *nodes;
    uint32_t n_params, n_weighted;
    dnnr__param *params;
    dnnr_buffer *penalty;
    float *scratch; /* host, max param count */
    double flops;
    planset sets[DNNR_NET_PLANSETS];
    uint64_t clock;
};

/* Fold activations into the convolutions before them where the backend
 * supports DNNR_OP_CONV_FWD_ACT (before buffers are allocated). */
int dnnr__net_fuse(dnnr__net *net, dnnr_error *err);

/* The plans for batch size n (made on first use). */
int dnnr__net_plans(dnnr__net *net, int64_t n, planset **out, dnnr_error *err);
void dnnr__net_free_plans(dnnr__net *net);

#endif
