/**
 * @file backend.h
 * @brief The backend plugin kind: the engine's operations on a device.
 *
 * Memory (alloc, upload, download, copy) is kept apart from compute. Compute
 * is described as data: an operation code plus a parameter struct, turned
 * into a plan once per shape (oneDNN primitives, cuDNN descriptors and
 * workspaces are built there) and run many times, so the training step loop
 * allocates nothing. A new operation is a new enum value (a minor bump); the
 * table does not grow.
 */
#ifndef DNNREPAIR_BACKEND_H
#define DNNREPAIR_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "host.h"

/** Operations a backend may support. @since 1.0 */
typedef enum dnnr_op {
    DNNR_OP_DENSE_FWD = 0,
    DNNR_OP_DENSE_BWD_DATA = 1,
    DNNR_OP_DENSE_BWD_WEIGHTS = 2,
    DNNR_OP_CONV_FWD = 3,
    DNNR_OP_CONV_BWD_DATA = 4,
    DNNR_OP_CONV_BWD_WEIGHTS = 5,
    DNNR_OP_POOL_FWD = 6,
    DNNR_OP_POOL_BWD = 7,
    DNNR_OP_ELTWISE_FWD = 8,
    DNNR_OP_ELTWISE_BWD = 9,
    DNNR_OP_SOFTMAX_FWD = 10,
    DNNR_OP_SOFTMAX_BWD = 11,
    DNNR_OP_BNORM_FWD = 12,
    DNNR_OP_BNORM_BWD = 13,
} dnnr_op;

/** A device buffer; defined by the backend. */
typedef struct dnnr_buffer dnnr_buffer;
/** A prepared operation; defined by the backend. */
typedef struct dnnr_plan dnnr_plan;
/** A backend instance (one device, one thread setting); defined by the backend. */
typedef struct dnnr_backend dnnr_backend;

/**
 * Shapes and attributes of one operation. Tensors are dense row-major
 * float32; `dims` of each operand are listed in the order the operation
 * documents (see the engine's op table).
 * @since 1.0
 */
typedef struct dnnr_op_desc {
    uint32_t struct_size;
    dnnr_op op;
    uint32_t n_dims[4];     /**< rank of operands 0..3 */
    int64_t dims[4][5];     /**< their dimensions */
    int64_t stride[2], padding[4], kernel[2]; /**< conv and pool geometry */
    uint32_t algorithm;     /**< eltwise function or pooling kind (engine codes) */
    float alpha, beta;      /**< eltwise parameters */
    float epsilon;          /**< batch norm */
} dnnr_op_desc;

/** Everything a backend instance starts from. @since 1.0 */
typedef struct dnnr_backend_init {
    uint32_t struct_size;
    const dnnr_host *host;
    uint32_t threads;       /**< 0 = all cores */
    uint32_t deterministic; /**< choose deterministic algorithms */
} dnnr_backend_init;

/** The backend kind's function table. @since 1.0 */
typedef struct dnnr_backend_iface {
    uint32_t struct_size;
    /** How well this backend fits here: 0 = not usable (e.g. no GPU). Required. */
    int (*probe)(void);
    int (*create)(const dnnr_backend_init *init, dnnr_backend **out);
    void (*destroy)(dnnr_backend *b);
    int (*buffer_alloc)(dnnr_backend *b, size_t bytes, dnnr_buffer **out);
    void (*buffer_free)(dnnr_backend *b, dnnr_buffer *buf);
    int (*upload)(dnnr_backend *b, dnnr_buffer *dst, size_t offset, const void *src, size_t bytes);
    int (*download)(dnnr_backend *b, void *dst, const dnnr_buffer *src, size_t offset, size_t bytes);
    int (*copy)(dnnr_backend *b, dnnr_buffer *dst, const dnnr_buffer *src, size_t bytes);
    /** Nonzero when @p desc can be planned. */
    int (*supports)(dnnr_backend *b, const dnnr_op_desc *desc);
    int (*plan_create)(dnnr_backend *b, const dnnr_op_desc *desc, dnnr_plan **out);
    /** Run a plan on operand buffers (the op documents their order). */
    int (*plan_run)(dnnr_backend *b, dnnr_plan *plan, dnnr_buffer *const *operands,
                    uint32_t n_operands);
    void (*plan_free)(dnnr_backend *b, dnnr_plan *plan);
    int (*synchronize)(dnnr_backend *b);
} dnnr_backend_iface;

#endif
