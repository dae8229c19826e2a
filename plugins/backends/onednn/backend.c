/* onednn: the CPU backend. Instance, buffers, plan dispatch and the plugin
 * descriptor; each operation family lives in the file named after it.
 *
 * Plans are made once per shape: oneDNN primitives and their memory objects
 * are created in plan_create, and plan_run only points the memories at the
 * operand buffers (dnnl_memory_set_data_handle) and executes, so the step
 * loop allocates nothing. Threads: OpenMP, set once at create(). */
#include <omp.h>
#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#endif
#include <stdlib.h>
#include <string.h>

#include "onednn.h"

int onednn_check(dnnr_backend *b, dnnl_status_t st, const char *what)
{
    if (st == dnnl_success)
        return DNNR_OK;
    b->host->set_error(b->host->ctx, "oneDNN: %s failed (status %d%s)", what, (int)st,
                       st == dnnl_unimplemented ? ", unimplemented for these shapes" : "");
    return st == dnnl_out_of_memory ? DNNR_ENOMEM : DNNR_EUNSUPPORTED;
}

int onednn_add_mem(dnnr_backend *b, dnnr_plan *p, const dnnl_memory_desc_t *md, int arg,
                   int operand)
{
    if (p->n_mems >= ONEDNN_MAX_MEMS)
        return DNNR_EINTERNAL;
    dnnl_memory_t m;
    int rc = onednn_check(b, dnnl_memory_create(&m, md, b->engine, DNNL_MEMORY_NONE),
                          "memory_create");
    if (rc)
        return rc;
    p->mem[p->n_mems] = m;
    p->mem_arg[p->n_mems] = arg;
    p->mem_operand[p->n_mems] = operand;
    p->n_mems++;
    return DNNR_OK;
}

int onednn_make_prim(dnnr_backend *b, dnnr_plan *p, dnnl_primitive_desc_t pd)
{
    int rc = onednn_check(b, dnnl_primitive_create(&p->prim, pd), "primitive_create");
    dnnl_primitive_desc_destroy(pd);
    return rc;
}

int onednn_exec(dnnr_backend *b, dnnr_plan *p, dnnr_buffer *const *ops)
{
    dnnl_exec_arg_t args[ONEDNN_MAX_MEMS];
    for (int i = 0; i < p->n_mems; i++) {
        if (p->mem_operand[i] >= 0)
            dnnl_memory_set_data_handle(p->mem[i], ops[p->mem_operand[i]]->data);
        args[i].arg = p->mem_arg[i];
        args[i].memory = p->mem[i];
    }
    int rc = onednn_check(b, dnnl_primitive_execute(p->prim, b->stream, p->n_mems, args),
                          "execute");
    if (rc == DNNR_OK)
        rc = onednn_check(b, dnnl_stream_wait(b->stream), "stream_wait");
    return rc;
}

void onednn_bias_grad(const float *dy, float *db, int64_t rows, int64_t cols)
{
    /* Columns split across threads; each sums its columns over every row in
     * a fixed order, so the result does not depend on the thread count. */
    const int64_t block = 64;
#pragma omp parallel for schedule(static) if (rows * cols > ONEDNN_PAR_MIN)
    for (int64_t c0 = 0; c0 < cols; c0 += block) {
        int64_t c1 = c0 + block < cols ? c0 + block : cols;
        double acc[64] = {0};
        for (int64_t r = 0; r < rows; r++) {
            const float *row = dy + r * cols;
            for (int64_t c = c0; c < c1; c++)
                acc[c - c0] += row[c];
        }
        for (int64_t c = c0; c < c1; c++)
            db[c] = (float)acc[c - c0];
    }
}

/* Denormals flush to zero, as in TensorFlow's CPU threads (ScopedFlushDenormal):
 * optimiser state decaying towards zero would otherwise crawl through
 * denormal arithmetic, tens of times slower, and results would differ from
 * Keras' in the last bits. Set on every thread of the OpenMP pool. */
static void flush_denormals(void)
{
#if defined(__x86_64__) || defined(__i386__)
    _mm_setcsr(_mm_getcsr() | 0x8040); /* FTZ | DAZ */
#endif
}

static int onednn_probe(void) { return 10; }

static int onednn_create(const dnnr_backend_init *init, dnnr_backend **out)
{
    const dnnr_host *host = init->host;
    dnnr_backend *b = host->alloc(host->ctx, 1, sizeof *b);
    if (!b)
        return DNNR_ENOMEM;
    b->host = host;
    b->threads = init->threads > 0 ? (int)init->threads : omp_get_num_procs();
    omp_set_num_threads(b->threads);
#pragma omp parallel num_threads(b->threads)
    flush_denormals();
    int rc = onednn_check(b, dnnl_engine_create(&b->engine, dnnl_cpu, 0), "engine_create");
    if (rc == DNNR_OK)
        rc = onednn_check(b, dnnl_stream_create(&b->stream, b->engine, dnnl_stream_default_flags),
                          "stream_create");
    if (rc != DNNR_OK) {
        if (b->engine)
            dnnl_engine_destroy(b->engine);
        host->free(host->ctx, b);
        return rc;
    }
    *out = b;
    return DNNR_OK;
}

static void onednn_destroy(dnnr_backend *b)
{
    if (!b)
        return;
    dnnl_stream_destroy(b->stream);
    dnnl_engine_destroy(b->engine);
    b->host->free(b->host->ctx, b);
}

static int onednn_buffer_alloc(dnnr_backend *b, size_t bytes, dnnr_buffer **out)
{
    dnnr_buffer *buf = b->host->alloc(b->host->ctx, 1, sizeof *buf);
    if (!buf)
        return DNNR_ENOMEM;
    size_t rounded = (bytes + 63) / 64 * 64;
    if (rounded == 0)
        rounded = 64;
    buf->data = aligned_alloc(64, rounded);
    if (!buf->data) {
        b->host->free(b->host->ctx, buf);
        b->host->set_error(b->host->ctx, "out of memory allocating %zu bytes", bytes);
        return DNNR_ENOMEM;
    }
    memset(buf->data, 0, rounded);
    buf->bytes = bytes;
    *out = buf;
    return DNNR_OK;
}

static void onednn_buffer_free(dnnr_backend *b, dnnr_buffer *buf)
{
    if (!buf)
        return;
    free(buf->data);
    b->host->free(b->host->ctx, buf);
}

static int range_ok(dnnr_backend *b, const dnnr_buffer *buf, size_t offset, size_t bytes)
{
    if (offset > buf->bytes || bytes > buf->bytes - offset) {
        b->host->set_error(b->host->ctx, "buffer access [%zu, %zu) outside %zu bytes", offset,
                           offset + bytes, buf->bytes);
        return 0;
    }
    return 1;
}

static int onednn_upload(dnnr_backend *b, dnnr_buffer *dst, size_t offset, const void *src,
                         size_t bytes)
{
    if (!range_ok(b, dst, offset, bytes))
        return DNNR_EINVAL;
    memcpy((char *)dst->data + offset, src, bytes);
    return DNNR_OK;
}

static int onednn_download(dnnr_backend *b, void *dst, const dnnr_buffer *src, size_t offset,
                           size_t bytes)
{
    if (!range_ok(b, src, offset, bytes))
        return DNNR_EINVAL;
    memcpy(dst, (const char *)src->data + offset, bytes);
    return DNNR_OK;
}

static int onednn_copy(dnnr_backend *b, dnnr_buffer *dst, const dnnr_buffer *src, size_t bytes)
{
    if (!range_ok(b, dst, 0, bytes) || !range_ok(b, src, 0, bytes))
        return DNNR_EINVAL;
    memmove(dst->data, src->data, bytes);
    return DNNR_OK;
}

typedef int (*plan_ctor)(dnnr_backend *b, dnnr_plan *p);

static plan_ctor ctor_for(dnnr_op op)
{
    switch (op) {
    case DNNR_OP_DENSE_FWD:
    case DNNR_OP_DENSE_BWD_DATA:
    case DNNR_OP_DENSE_BWD_WEIGHTS:
        return onednn_dense_plan;
    case DNNR_OP_CONV_FWD:
    case DNNR_OP_CONV_FWD_ACT:
    case DNNR_OP_CONV_BWD_DATA:
    case DNNR_OP_CONV_BWD_WEIGHTS:
        return onednn_conv_plan;
    case DNNR_OP_POOL_FWD:
    case DNNR_OP_POOL_BWD:
        return onednn_pool_plan;
    case DNNR_OP_ELTWISE_FWD:
    case DNNR_OP_ELTWISE_BWD:
    case DNNR_OP_SOFTMAX_FWD:
    case DNNR_OP_SOFTMAX_BWD:
        return onednn_act_plan;
    case DNNR_OP_BNORM_FWD:
    case DNNR_OP_BNORM_BWD:
        return onednn_norm_plan;
    case DNNR_OP_UPDATE:
    case DNNR_OP_GRAD_CLIP:
        return onednn_update_plan;
    case DNNR_OP_DROPOUT_FWD:
    case DNNR_OP_DROPOUT_BWD:
        return onednn_dropout_plan;
    }
    return NULL;
}

static void onednn_plan_free(dnnr_backend *b, dnnr_plan *p)
{
    if (!p)
        return;
    for (int i = 0; i < p->n_mems; i++)
        dnnl_memory_destroy(p->mem[i]);
    if (p->prim)
        dnnl_primitive_destroy(p->prim);
    if (p->reorder)
        dnnl_primitive_destroy(p->reorder);
    if (p->reorder_user)
        dnnl_memory_destroy(p->reorder_user);
    b->host->free(b->host->ctx, p->scratch);
    onednn_sparse_free(b, p->sparse);
    b->host->free(b->host->ctx, p);
}

static int onednn_plan_create(dnnr_backend *b, const dnnr_op_desc *desc, dnnr_plan **out)
{
    plan_ctor ctor = ctor_for(desc->op);
    if (!ctor) {
        b->host->set_error(b->host->ctx, "operation %d is not supported", (int)desc->op);
        return DNNR_EUNSUPPORTED;
    }
    dnnr_plan *p = b->host->alloc(b->host->ctx, 1, sizeof *p);
    if (!p)
        return DNNR_ENOMEM;
    size_t n = desc->struct_size < sizeof p->d ? desc->struct_size : sizeof p->d;
    memcpy(&p->d, desc, n);
    p->d.struct_size = sizeof p->d;
    int rc = ctor(b, p);
    if (rc != DNNR_OK) {
        onednn_plan_free(b, p);
        return rc;
    }
    *out = p;
    return DNNR_OK;
}

static int onednn_supports(dnnr_backend *b, const dnnr_op_desc *desc)
{
    /* Planning is the only reliable answer for oneDNN; it is cheap enough. */
    dnnr_plan *p = NULL;
    if (onednn_plan_create(b, desc, &p) != DNNR_OK)
        return 0;
    onednn_plan_free(b, p);
    return 1;
}

static int onednn_plan_run(dnnr_backend *b, dnnr_plan *p, dnnr_buffer *const *operands,
                           uint32_t n_operands, const dnnr_run_args *args)
{
    if (n_operands < p->n_operands) {
        b->host->set_error(b->host->ctx, "operation %d needs %u operands, got %u", (int)p->d.op,
                           p->n_operands, n_operands);
        return DNNR_EINVAL;
    }
    flush_denormals(); /* the calling thread may be new */
    return p->run(b, p, operands, args);
}

static int onednn_synchronize(dnnr_backend *b)
{
    return onednn_check(b, dnnl_stream_wait(b->stream), "stream_wait");
}

static const dnnr_backend_iface onednn_iface = {
    .struct_size = sizeof(dnnr_backend_iface),
    .probe = onednn_probe,
    .create = onednn_create,
    .destroy = onednn_destroy,
    .buffer_alloc = onednn_buffer_alloc,
    .buffer_free = onednn_buffer_free,
    .upload = onednn_upload,
    .download = onednn_download,
    .copy = onednn_copy,
    .supports = onednn_supports,
    .plan_create = onednn_plan_create,
    .plan_run = onednn_plan_run,
    .plan_free = onednn_plan_free,
    .synchronize = onednn_synchronize,
};

DNNR_PLUGIN_DEFINE(onednn, DNNR_KIND_BACKEND, "0.1.0",
                   "CPU backend: oneDNN matmul and convolution, OpenMP kernels", onednn_iface)
