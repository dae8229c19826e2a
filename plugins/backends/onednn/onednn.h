/* Internal to the onednn backend: the instance, buffers and plans, and the
 * per-concept plan constructors (dense.c, conv.c, pool.c, act.c, norm.c,
 * update.c, dropout.c). */
#ifndef DNNR_ONEDNN_H
#define DNNR_ONEDNN_H

#include <stdint.h>

#include <oneapi/dnnl/dnnl.h>

#include <dnnrepair/dnnrepair.h>

struct dnnr_backend {
    const dnnr_host *host;
    dnnl_engine_t engine;
    dnnl_stream_t stream;
    int threads;
};

struct dnnr_buffer {
    float *data; /* 64-byte aligned; bytes may hold any element type */
    size_t bytes;
};

#define ONEDNN_MAX_MEMS 6

/* Below this many elements a loop runs on the calling thread: waking an
 * OpenMP team costs more than the work (D1's 50-unit layers). */
#define ONEDNN_PAR_MIN 32768
/* Matrix products below this many FLOPs get single-threaded primitives. */
#define ONEDNN_SERIAL_FLOPS 4e6

typedef int (*onednn_run_fn)(dnnr_backend *b, dnnr_plan *p, dnnr_buffer *const *ops,
                             const dnnr_run_args *args);

struct dnnr_plan {
    dnnr_op_desc d;
    uint32_t n_operands; /* how many operands run() needs */
    onednn_run_fn run;
    /* oneDNN part (dense, conv): one primitive whose memories are bound to
     * operand buffers by index at run time. */
    dnnl_primitive_t prim;
    int n_mems;
    dnnl_memory_t mem[ONEDNN_MAX_MEMS];
    int mem_arg[ONEDNN_MAX_MEMS];     /* DNNL_ARG_* */
    int mem_operand[ONEDNN_MAX_MEMS]; /* which operand feeds it; -1: plan-owned memory */
    /* conv: a reorder between the Keras kernel layout and the primitive's
     * blocked one, run before (forward, backward data) or after (backward
     * weights) the primitive; its user side is bound to operand reorder_operand. */
    dnnl_primitive_t reorder;
    dnnl_memory_t reorder_user, reorder_blocked;
    int reorder_operand, reorder_after;
    /* bias gradient computed in C alongside (dense, conv): rows x cols */
    int64_t rows, cols;
    double *scratch; /* plan-owned host scratch (update: block sums) */
    struct onednn_sparse *sparse; /* dense layers on mostly-zero inputs (sparse.c) */
};

/* Each returns DNNR_OK after filling p (p->d already set), or an error after
 * host->set_error. supports_* answer without side effects. */
int onednn_dense_plan(dnnr_backend *b, dnnr_plan *p);
int onednn_conv_plan(dnnr_backend *b, dnnr_plan *p);
int onednn_pool_plan(dnnr_backend *b, dnnr_plan *p);
int onednn_act_plan(dnnr_backend *b, dnnr_plan *p);
int onednn_norm_plan(dnnr_backend *b, dnnr_plan *p);
int onednn_update_plan(dnnr_backend *b, dnnr_plan *p);
int onednn_dropout_plan(dnnr_backend *b, dnnr_plan *p);

/* Dense layers on mostly-zero inputs (sparse.c). The run functions return 1
 * when they did the work, 0 when the batch is too dense (use the primitive). */
typedef struct onednn_sparse onednn_sparse;
int onednn_sparse_prepare(dnnr_backend *b, dnnr_plan *p, int64_t n, int64_t in);
void onednn_sparse_free(dnnr_backend *b, onednn_sparse *s);
int onednn_sparse_forward(onednn_sparse *s, const float *x, const float *w, const float *bias,
                          float *y, int64_t out);
int onednn_sparse_weight_grad(onednn_sparse *s, const float *x, const float *dy, float *dw,
                              int64_t out);

/* Shared oneDNN helpers (backend.c). */
int onednn_check(dnnr_backend *b, dnnl_status_t st, const char *what);
/* Add a memory bound to operand `operand` as argument `arg`. */
int onednn_add_mem(dnnr_backend *b, dnnr_plan *p, const dnnl_memory_desc_t *md, int arg,
                   int operand);
/* Create p->prim from a primitive descriptor (which it destroys). */
int onednn_make_prim(dnnr_backend *b, dnnr_plan *p, dnnl_primitive_desc_t pd);
/* Bind operand buffers and execute p->prim. */
int onednn_exec(dnnr_backend *b, dnnr_plan *p, dnnr_buffer *const *ops);
/* db[c] = sum over rows of dy[r, c], the bias gradient of dense and conv. */
void onednn_bias_grad(const float *dy, float *db, int64_t rows, int64_t cols);

#endif
