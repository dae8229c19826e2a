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
 *
 * Tensors are dense row-major float32 with the batch outermost. Images are
 * NHWC; dense kernels are [in, out] and convolution kernels
 * [kh, kw, in_channels, out_channels] (Keras layouts), biases [out]. Because
 * the batch is outermost, a plan made for N rows may run on buffers sized for
 * more rows: it touches the first N only.
 *
 * Operand order of each operation (x input, y output, d* gradients):
 *
 *  op                   dims[] in the desc              operands of plan_run
 *  DENSE_FWD            0:x[N,I] 1:w[I,O], algorithm    x, w, b, y
 *                       1 = x may be mostly zeros (a
 *                       hint: skipping them is allowed)
 *  DENSE_BWD_DATA       same as DENSE_FWD               dy, w, dx
 *  DENSE_BWD_WEIGHTS    same as DENSE_FWD               x, dy, dw, db
 *  CONV_FWD             0:x[N,H,W,C] 1:w[KH,KW,C,F]     x, w, b, y
 *                       2:y[N,OH,OW,F], stride, padding
 *  CONV_FWD_ACT         as CONV_FWD, then the activation x, w, b, y
 *                       algorithm (a dnnr_eltwise_alg:
 *                       relu, elu, tanh, sigmoid or exp)
 *                       on y; optional (the engine
 *                       asks supports() and otherwise
 *                       runs the activation apart)
 *  CONV_BWD_DATA        same as CONV_FWD                dy, w, dx
 *  CONV_BWD_WEIGHTS     same as CONV_FWD                x, dy, dw, db
 *  POOL_FWD             0:x[N,H,W,C] 2:y[N,OH,OW,C],    x, y, ws (ws: int32 per
 *                       kernel, stride, padding,        element of y, max only;
 *                       algorithm = dnnr_pool_alg       pass y again for avg)
 *  POOL_BWD             same as POOL_FWD                dy, ws, dx
 *  ELTWISE_FWD          0:x[count], algorithm =         x, y
 *                       dnnr_eltwise_alg, alpha, beta
 *  ELTWISE_BWD          same as ELTWISE_FWD             x, y, dy, dx
 *  SOFTMAX_FWD          0:x[rows, n] (over the last)    x, y
 *  SOFTMAX_BWD          same                            y, dy, dx
 *  BNORM_FWD            0:x[rows, C], epsilon,          x, gamma, beta, mean, var, y
 *                       algorithm 1 = training (mean,   (training writes the batch
 *                       var written), 0 = inference     mean and biased variance)
 *  BNORM_BWD            same as BNORM_FWD               x, dy, gamma, mean, var,
 *                                                       dx, dgamma, dbeta
 *  UPDATE               0:w[count], algorithm =         w, g, s1, s2, penalty
 *                       dnnr_update_alg, alpha, beta,   (s1/s2 optimiser state,
 *                       epsilon, l1 = scalar[0] and     penalty: 1 float written
 *                       l2 = scalar[1] in the desc      with l1*sum|w|+l2*sum w^2
 *                       (regularisation, added to g)    before the update)
 *                       run args: scalar[0] lr, [1..3]
 *                       per-step coefficients (see
 *                       dnnr_update_alg)
 *  DROPOUT_FWD          0:x[count], alpha = rate        x, y, mask (float, 0 or
 *                       run args: key, counter          1/(1-rate) per element)
 *  DROPOUT_BWD          same                            dy, mask, dx
 *  GRAD_CLIP (1.2)      0:w[count], alpha = c > 0,      w, g, penalty (penalty as
 *                       l1 = scalar[0], l2 = scalar[1]  UPDATE's, when l1 or l2)
 *                       g = clip(g + l1 sign(w) + 2 l2 w, -c, c) in place; the
 *                       engine then updates with l1 = l2 = 0
 *
 * Dropout keeps element i when a uniform draw u_i >= rate, where u_i comes
 * from word i % 4 of dnnr_philox4x32(key, counter + i / 4) (24-bit uniform):
 * the mask depends on the key and counter only, never on the thread count.
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
    DNNR_OP_UPDATE = 14,
    DNNR_OP_DROPOUT_FWD = 15,
    DNNR_OP_DROPOUT_BWD = 16,
    DNNR_OP_CONV_FWD_ACT = 17,
    DNNR_OP_GRAD_CLIP = 18, /**< @since 1.2 */
} dnnr_op;

/** Element-wise functions (Keras activations). @since 1.0 */
typedef enum dnnr_eltwise_alg {
    DNNR_ELTWISE_LINEAR = 0,
    DNNR_ELTWISE_RELU = 1,
    DNNR_ELTWISE_ELU = 2,          /**< alpha (Keras: 1) */
    DNNR_ELTWISE_SELU = 3,
    DNNR_ELTWISE_SOFTPLUS = 4,
    DNNR_ELTWISE_SOFTSIGN = 5,
    DNNR_ELTWISE_TANH = 6,
    DNNR_ELTWISE_SIGMOID = 7,
    DNNR_ELTWISE_HARD_SIGMOID = 8, /**< clip(0.2 x + 0.5, 0, 1) */
    DNNR_ELTWISE_EXP = 9,
} dnnr_eltwise_alg;

/** Pooling kinds. @since 1.0 */
typedef enum dnnr_pool_alg {
    DNNR_POOL_MAX = 0,
    DNNR_POOL_AVG = 1, /**< padding excluded from the average (TF 'SAME') */
} dnnr_pool_alg;

/**
 * Optimiser updates (TF 2.3 formulas). g' = g + l1 sign(w) + 2 l2 w; lr =
 * scalar[0] of the run args.
 *  SGD:      w -= lr g'
 *  RMSPROP:  s1 = a s1 + (1-a) g'^2; w -= lr g' / (sqrt(s1) + eps)
 *  ADAGRAD:  s1 += g'^2; w -= lr g' / (sqrt(s1) + eps)
 *  ADADELTA: s1 = a s1 + (1-a) g'^2; u = sqrt(s2 + eps) / sqrt(s1 + eps) g';
 *            s2 = a s2 + (1-a) u^2; w -= lr u
 *  ADAM:     s1 = a s1 + (1-a) g'; s2 = b s2 + (1-b) g'^2;
 *            w -= lr s1 / (sqrt(s2) + eps)   (lr already bias-corrected)
 *  ADAMAX:   s1 = a s1 + (1-a) g'; s2 = max(b s2, |g'|); w -= lr s1 / (s2 + eps)
 *  NADAM:    s1, s2 as ADAM; with c1 = scalar[1] (1 - m_schedule_new),
 *            c2 = scalar[2] (1 - m_schedule_next), c3 = scalar[3]
 *            (1 - beta2^t), mu_t = scalar[4], mu_t1 = scalar[5]:
 *            m_bar = (1-mu_t) g'/c1 + mu_t1 s1/c2;
 *            w -= lr m_bar / (sqrt(s2/c3) + eps)
 *  SGD_MOMENTUM (1.2): s1 = a s1 - lr g'; w += s1   (a = momentum)
 * where a = alpha, b = beta, eps = epsilon of the desc.
 * @since 1.0
 */
typedef enum dnnr_update_alg {
    DNNR_UPDATE_SGD = 0,
    DNNR_UPDATE_RMSPROP = 1,
    DNNR_UPDATE_ADAGRAD = 2,
    DNNR_UPDATE_ADADELTA = 3,
    DNNR_UPDATE_ADAM = 4,
    DNNR_UPDATE_ADAMAX = 5,
    DNNR_UPDATE_NADAM = 6,
    DNNR_UPDATE_SGD_MOMENTUM = 7, /**< @since 1.2 */
} dnnr_update_alg;

/** A device buffer; defined by the backend. */
typedef struct dnnr_buffer dnnr_buffer;
/** A prepared operation; defined by the backend. */
typedef struct dnnr_plan dnnr_plan;
/** A backend instance (one device, one thread setting); defined by the backend. */
typedef struct dnnr_backend dnnr_backend;

/**
 * Shapes and attributes of one operation (see the table at the top).
 * Unused members are zero.
 * @since 1.0
 */
typedef struct dnnr_op_desc {
    uint32_t struct_size;
    dnnr_op op;
    uint32_t n_dims[4];     /**< rank of operands 0..3 */
    int64_t dims[4][5];     /**< their dimensions */
    int64_t stride[2], padding[4], kernel[2]; /**< conv and pool geometry; padding t, b, l, r */
    uint32_t algorithm;     /**< dnnr_eltwise_alg, dnnr_pool_alg, dnnr_update_alg, ... */
    float alpha, beta;      /**< eltwise, dropout and optimiser parameters */
    float epsilon;          /**< batch norm and optimisers */
    double scalar[2];       /**< op-specific constants (UPDATE: l1, l2) */
} dnnr_op_desc;

/**
 * Per-run values that change between calls of one plan (learning rate, step
 * coefficients, random-stream position). NULL is allowed for ops that need
 * none.
 * @since 1.0
 */
typedef struct dnnr_run_args {
    uint32_t struct_size;
    double scalar[6];
    uint64_t key, counter; /**< dropout stream */
} dnnr_run_args;

/** Everything a backend instance starts from. @since 1.0 */
typedef struct dnnr_backend_init {
    uint32_t struct_size;
    const dnnr_host *host;
    uint32_t threads;       /**< 0 = all cores */
    uint32_t deterministic; /**< choose deterministic algorithms */
} dnnr_backend_init;

/**
 * The backend kind's function table. All functions but probe take the
 * instance; errors go through host->set_error and return a negative status.
 * An instance is used by one thread at a time.
 * @since 1.0
 */
typedef struct dnnr_backend_iface {
    uint32_t struct_size;
    /** How well this backend fits here: 0 = not usable (e.g. no GPU). Required. */
    int (*probe)(void);
    /** Make an instance; destroy() is never called after a failure. Required. */
    int (*create)(const dnnr_backend_init *init, dnnr_backend **out);
    /** Free the instance; every buffer and plan MUST have been freed. NULL is a no-op. */
    void (*destroy)(dnnr_backend *b);
    /** A zero-filled buffer of @p bytes (> 0), 64-byte aligned on CPUs. */
    int (*buffer_alloc)(dnnr_backend *b, size_t bytes, dnnr_buffer **out);
    /** NULL is a no-op. */
    void (*buffer_free)(dnnr_backend *b, dnnr_buffer *buf);
    int (*upload)(dnnr_backend *b, dnnr_buffer *dst, size_t offset, const void *src, size_t bytes);
    int (*download)(dnnr_backend *b, void *dst, const dnnr_buffer *src, size_t offset, size_t bytes);
    int (*copy)(dnnr_backend *b, dnnr_buffer *dst, const dnnr_buffer *src, size_t bytes);
    /** Nonzero when @p desc can be planned. */
    int (*supports)(dnnr_backend *b, const dnnr_op_desc *desc);
    /** Build everything @p desc needs (primitives, scratch); the run allocates nothing. */
    int (*plan_create)(dnnr_backend *b, const dnnr_op_desc *desc, dnnr_plan **out);
    /** Run a plan on operand buffers in the order the op documents. */
    int (*plan_run)(dnnr_backend *b, dnnr_plan *plan, dnnr_buffer *const *operands,
                    uint32_t n_operands, const dnnr_run_args *args);
    /** NULL is a no-op. */
    void (*plan_free)(dnnr_backend *b, dnnr_plan *plan);
    /** Wait until every submitted operation has finished. Optional (NULL: synchronous). */
    int (*synchronize)(dnnr_backend *b);
} dnnr_backend_iface;

#endif
