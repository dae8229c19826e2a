/**
 * @file host.h
 * @brief Services the host offers to plugins (the dnnr_host table).
 *
 * Plugins never link against the host: every service reaches them through
 * this table, passed to the kind's create() inside its init struct. A plugin
 * MUST keep the pointer it was given (not a copy of the table) and MUST pass
 * `host->ctx` as the first argument of every call. The table and its ctx stay
 * valid until the plugin instance is destroyed.
 *
 * Calls are not thread-safe across instances unless stated; a plugin calls
 * them from the thread that called into the plugin.
 */
#ifndef DNNREPAIR_HOST_H
#define DNNREPAIR_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "rng.h"
#include "space.h"

#if defined(__GNUC__)
#define DNNR_PRINTF(fmt_index, args_index) __attribute__((format(printf, fmt_index, args_index)))
#else
#define DNNR_PRINTF(fmt_index, args_index)
#endif

/** Log levels. @since 1.0 */
typedef enum dnnr_log_level {
    DNNR_LOG_ERROR = 0,
    DNNR_LOG_WARN = 1,
    DNNR_LOG_INFO = 2,
    DNNR_LOG_DEBUG = 3,
} dnnr_log_level;

/** What a budget counts. @since 1.0 */
typedef enum dnnr_budget_kind {
    DNNR_BUDGET_EVALUATIONS = 0, /**< trials (analytic subjects) */
    DNNR_BUDGET_SECONDS = 1,     /**< wall-clock seconds, searcher time included */
    DNNR_BUDGET_UNITS = 2,       /**< training-cost units (1 = one faulty training) */
} dnnr_budget_kind;

/** A snapshot of the run's budget. @since 1.0 */
typedef struct dnnr_budget_info {
    uint32_t struct_size;
    dnnr_budget_kind kind;
    double total; /**< in the kind's unit */
    double used;  /**< charged so far, trials in flight not included */
} dnnr_budget_info;

/** The host-services table. @since 1.0 */
typedef struct dnnr_host {
    uint32_t struct_size;
    uint16_t sdk_major, sdk_minor; /**< the host's SDK version */
    void *ctx;                     /**< first argument of every call */

    /** Write a message to the run's log, prefixed with the plugin's name. */
    void (*log)(void *ctx, dnnr_log_level level, const char *fmt, ...) DNNR_PRINTF(3, 4);
    /**
     * Record why the current call fails. The plugin then returns a negative
     * dnnr_status; the host prefixes the plugin's file and name.
     */
    void (*set_error)(void *ctx, const char *fmt, ...) DNNR_PRINTF(2, 3);

    /** Zeroed memory for n * size bytes, or NULL (overflow or out of memory). */
    void *(*alloc)(void *ctx, size_t n, size_t size);
    /** Resize a block from alloc; NULL on failure, leaving @p p valid. */
    void *(*realloc)(void *ctx, void *p, size_t size);
    /** Release a block from alloc or realloc; NULL is a no-op. */
    void (*free)(void *ctx, void *p);

    /**
     * A stream key derived from the instance's seed and @p stream (e.g.
     * "sample"). The same name always yields the same key for one instance;
     * different instances (other repeat, subject, searcher) get other keys.
     */
    uint64_t (*rng_key)(void *ctx, const char *stream);

    /**
     * Read an option of this plugin instance from the experiment file
     * (e.g. `options = { n_init = 5; }` of a searcher). @p out receives
     * @p dflt when the key is absent. Returns DNNR_OK, or DNNR_EINVAL when the
     * value has another type (the host has recorded "file:line: expected ...").
     * A key present in the file that the plugin never reads is reported as an
     * unknown option once create() returns: a typo is never ignored.
     */
    int (*option_int)(void *ctx, const char *key, int64_t dflt, int64_t *out);
    int (*option_float)(void *ctx, const char *key, double dflt, double *out);
    int (*option_bool)(void *ctx, const char *key, int dflt, int *out);
    /** The string stays valid until the instance is destroyed. */
    int (*option_string)(void *ctx, const char *key, const char *dflt, const char **out);

    /** The budget of the run this instance belongs to. */
    void (*budget)(void *ctx, dnnr_budget_info *out);
    /** Nonzero when the run is being stopped; long computations should return. */
    int (*cancelled)(void *ctx);

    /** Number of dimensions of @p space under @p encoding. */
    size_t (*space_dims)(void *ctx, const dnnr_space *space, dnnr_encoding encoding);
    /** Encode @p config into @p out (space_dims entries). */
    int (*space_encode)(void *ctx, const dnnr_space *space, const dnnr_value *config,
                        dnnr_encoding encoding, double *out);
    /** Decode @p in (space_dims entries) into a valid configuration. */
    int (*space_decode)(void *ctx, const dnnr_space *space, const double *in,
                        dnnr_encoding encoding, dnnr_value *config);
    /**
     * Draw every parameter independently and uniformly (log-uniformly when
     * log is set; integers uniform over [lo, hi]): Ray Tune's semantics.
     */
    void (*space_sample)(void *ctx, const dnnr_space *space, dnnr_rng *rng, dnnr_value *config);
    /** Nonzero when both configurations hold the same values. */
    int (*config_equal)(void *ctx, const dnnr_space *space, const dnnr_value *a,
                        const dnnr_value *b);
    /**
     * Write "name=value, ..." into @p buf (always terminated when len > 0).
     * Returns the length the full text needs, as snprintf does.
     */
    int (*config_format)(void *ctx, const dnnr_space *space, const dnnr_value *config, char *buf,
                         size_t len);
} dnnr_host;

#endif
