/* The dnnr_host table given to each plugin instance: logging, errors,
 * allocation, seeded streams, the instance's options from the experiment or
 * subject file (with typo detection), budget queries and the shared space
 * codec. One table per instance, so options and error text never mix. */
#ifndef DNNR_HOST_HOST_H
#define DNNR_HOST_HOST_H

#include <stdint.h>
#include <stdio.h>

#include <dnnrepair/dnnrepair.h>
#include <libconfig.h>

#include "util/error.h"

typedef struct dnnr_host_params {
    const char *plugin_name;           /* prefixes log lines and errors */
    uint64_t seed;                     /* instance seed: rng_key derives from it */
    const config_setting_t *options;   /* a group, or NULL for none */
    const char *options_file;          /* file the group came from, for messages */
    const char *const *ignore_keys;    /* keys of the group that are not plugin options */
    void (*budget)(void *ctx, dnnr_budget_info *out); /* NULL: an empty evaluation budget */
    void *budget_ctx;
    const volatile int *cancelled;     /* NULL: never cancelled */
    FILE *log_stream;                  /* NULL: stderr */
    dnnr_log_level verbosity;          /* messages above it are dropped */
} dnnr_host_params;

/** A host table for one plugin instance. */
dnnr_host *dnnr__host_create(const dnnr_host_params *params, dnnr_error *err);
/**
 * A standalone host for tests and tools: options come from libconfig text
 * (e.g. "n_init = 5;"), NULL for none; log goes to stderr at WARN.
 */
dnnr_host *dnnr__host_create_simple(const char *plugin_name, uint64_t seed, const char *options_text,
                                    dnnr_error *err);
void dnnr__host_destroy(dnnr_host *host);
/** DNNR_EINVAL naming file:line when an option was never read by the plugin. */
int dnnr__host_check_options(const dnnr_host *host, dnnr_error *err);
/** An option read failed earlier (wrong type): DNNR_EINVAL with its message. */
int dnnr__host_option_error(const dnnr_host *host, dnnr_error *err);
/** The message of the last set_error (or option type error), "" if none. */
const char *dnnr__host_last_error(const dnnr_host *host);
void dnnr__host_clear_error(dnnr_host *host);
/** The key rng_key(stream) gives, for the core's own streams. */
uint64_t dnnr__host_stream_key(uint64_t seed, const char *stream);
/** 64-bit FNV-1a of a string: stable names to numbers for seeds. */
uint64_t dnnr__hash_string(uint64_t h, const char *s);

#endif
