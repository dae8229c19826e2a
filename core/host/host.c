/* The host table's implementation. Each instance keeps its own error text
 * and option bookkeeping; the codec entries forward to core/space. */
#include "host/host.h"

#include <stdarg.h>
#include <string.h>

#include "space/space.h"
#include "util/alloc.h"

typedef struct host_instance {
    dnnr_host table; /* first: the table's ctx points back here */
    dnnr_host_params params;
    char *plugin_name;
    char *options_file;
    config_t owned_config; /* for dnnr__host_create_simple */
    int owns_config;
    const config_setting_t *options;
    uint8_t *option_read; /* one flag per option in the group */
    int n_options;
    char *requested[64];  /* keys the plugin asked for, for "did you mean" */
    int n_requested;
    char last_error[DNNR_ERROR_MAX];
    char option_error[DNNR_ERROR_MAX];
} host_instance;

uint64_t dnnr__hash_string(uint64_t h, const char *s)
{
    if (h == 0)
        h = 0xCBF29CE484222325ull;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001B3ull;
    }
    return h;
}

uint64_t dnnr__host_stream_key(uint64_t seed, const char *stream)
{
    return dnnr_rng_derive(seed, dnnr__hash_string(0, stream));
}

static host_instance *instance(void *ctx) { return ctx; }

static void host_vlog(host_instance *h, dnnr_log_level level, const char *fmt, va_list ap)
{
    static const char *const names[] = {"error", "warning", "info", "debug"};
    if (level > h->params.verbosity)
        return;
    FILE *out = h->params.log_stream ? h->params.log_stream : stderr;
    fprintf(out, "[%s] %s: ", h->plugin_name, names[level]);
    vfprintf(out, fmt, ap);
    fputc('\n', out);
}

static void host_log(void *ctx, dnnr_log_level level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    host_vlog(instance(ctx), level, fmt, ap);
    va_end(ap);
}

static void host_set_error(void *ctx, const char *fmt, ...)
{
    host_instance *h = instance(ctx);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(h->last_error, sizeof h->last_error, fmt, ap);
    va_end(ap);
}

static void *host_alloc(void *ctx, size_t n, size_t size) { return dnnr__alloc(n, size); }
static void *host_realloc(void *ctx, void *p, size_t size) { return dnnr__realloc(p, size); }
static void host_free(void *ctx, void *p) { dnnr__free(p); }

static uint64_t host_rng_key(void *ctx, const char *stream)
{
    return dnnr__host_stream_key(instance(ctx)->params.seed, stream ? stream : "");
}

/* Finds an option and marks it read; remembers the key for suggestions. */
static const config_setting_t *option_lookup(host_instance *h, const char *key)
{
    if (h->n_requested < (int)(sizeof h->requested / sizeof h->requested[0])) {
        int seen = 0;
        for (int i = 0; i < h->n_requested; i++)
            seen |= strcmp(h->requested[i], key) == 0;
        if (!seen) {
            char *copy = dnnr__strdup(key);
            if (copy)
                h->requested[h->n_requested++] = copy;
        }
    }
    for (int i = 0; i < h->n_options; i++) {
        const config_setting_t *s = config_setting_get_elem(h->options, (unsigned)i);
        const char *name = config_setting_name(s);
        if (name && strcmp(name, key) == 0) {
            h->option_read[i] = 1;
            return s;
        }
    }
    return NULL;
}

static int option_type_error(host_instance *h, const config_setting_t *s, const char *expected)
{
    snprintf(h->option_error, sizeof h->option_error, "%s:%d: option '%s' of %s: expected %s",
             h->options_file ? h->options_file : "(options)", config_setting_source_line(s),
             config_setting_name(s), h->plugin_name, expected);
    memcpy(h->last_error, h->option_error, sizeof h->last_error);
    return DNNR_EINVAL;
}

static int host_option_int(void *ctx, const char *key, int64_t dflt, int64_t *out)
{
    host_instance *h = instance(ctx);
    const config_setting_t *s = option_lookup(h, key);
    *out = dflt;
    if (!s)
        return DNNR_OK;
    int type = config_setting_type(s);
    if (type != CONFIG_TYPE_INT && type != CONFIG_TYPE_INT64)
        return option_type_error(h, s, "an integer");
    *out = config_setting_get_int64(s);
    return DNNR_OK;
}

static int host_option_float(void *ctx, const char *key, double dflt, double *out)
{
    host_instance *h = instance(ctx);
    const config_setting_t *s = option_lookup(h, key);
    *out = dflt;
    if (!s)
        return DNNR_OK;
    int type = config_setting_type(s);
    if (type == CONFIG_TYPE_INT || type == CONFIG_TYPE_INT64)
        *out = (double)config_setting_get_int64(s);
    else if (type == CONFIG_TYPE_FLOAT)
        *out = config_setting_get_float(s);
    else
        return option_type_error(h, s, "a number");
    return DNNR_OK;
}

static int host_option_bool(void *ctx, const char *key, int dflt, int *out)
{
    host_instance *h = instance(ctx);
    const config_setting_t *s = option_lookup(h, key);
    *out = dflt;
    if (!s)
        return DNNR_OK;
    if (config_setting_type(s) != CONFIG_TYPE_BOOL)
        return option_type_error(h, s, "true or false");
    *out = config_setting_get_bool(s);
    return DNNR_OK;
}

static int host_option_string(void *ctx, const char *key, const char *dflt, const char **out)
{
    host_instance *h = instance(ctx);
    const config_setting_t *s = option_lookup(h, key);
    *out = dflt;
    if (!s)
        return DNNR_OK;
    if (config_setting_type(s) != CONFIG_TYPE_STRING)
        return option_type_error(h, s, "a string");
    *out = config_setting_get_string(s);
    return DNNR_OK;
}

static void host_budget(void *ctx, dnnr_budget_info *out)
{
    host_instance *h = instance(ctx);
    memset(out, 0, sizeof *out);
    out->struct_size = sizeof *out;
    if (h->params.budget)
        h->params.budget(h->params.budget_ctx, out);
}

static int host_cancelled(void *ctx)
{
    const volatile int *flag = instance(ctx)->params.cancelled;
    return flag ? *flag : 0;
}

static size_t host_space_dims(void *ctx, const dnnr_space *s, dnnr_encoding enc)
{
    return dnnr__space_dims(s, enc);
}

static int host_space_encode(void *ctx, const dnnr_space *s, const dnnr_value *config,
                             dnnr_encoding enc, double *out)
{
    return dnnr__space_encode(s, config, enc, out);
}

static int host_space_decode(void *ctx, const dnnr_space *s, const double *in, dnnr_encoding enc,
                             dnnr_value *config)
{
    return dnnr__space_decode(s, in, enc, config);
}

static void host_space_sample(void *ctx, const dnnr_space *s, dnnr_rng *rng, dnnr_value *config)
{
    dnnr__space_sample(s, rng, config);
}

static int host_config_equal(void *ctx, const dnnr_space *s, const dnnr_value *a, const dnnr_value *b)
{
    return dnnr__config_equal(s, a, b);
}

static int host_config_format(void *ctx, const dnnr_space *s, const dnnr_value *config, char *buf,
                              size_t len)
{
    return dnnr__config_format(s, config, buf, len);
}

static int is_ignored(const dnnr_host_params *p, const char *name)
{
    for (const char *const *k = p->ignore_keys; k && *k; k++)
        if (strcmp(*k, name) == 0)
            return 1;
    return 0;
}

dnnr_host *dnnr__host_create(const dnnr_host_params *params, dnnr_error *err)
{
    host_instance *h = dnnr__alloc(1, sizeof *h);
    if (!h)
        goto oom;
    h->table.ctx = h; /* what dnnr__host_destroy reads, should a later allocation fail */
    h->params = *params;
    h->plugin_name = dnnr__strdup(params->plugin_name ? params->plugin_name : "plugin");
    h->options_file = dnnr__strdup(params->options_file);
    if (!h->plugin_name || (params->options_file && !h->options_file))
        goto oom;
    h->options = params->options;
    h->n_options = h->options ? config_setting_length(h->options) : 0;
    h->option_read = dnnr__alloc((size_t)h->n_options + 1, 1);
    if (!h->option_read)
        goto oom;
    for (int i = 0; i < h->n_options; i++) {
        const char *name = config_setting_name(config_setting_get_elem(h->options, (unsigned)i));
        if (name && is_ignored(params, name))
            h->option_read[i] = 1;
    }
    dnnr_host *t = &h->table;
    t->struct_size = sizeof *t;
    t->sdk_major = DNNR_SDK_VERSION_MAJOR;
    t->sdk_minor = DNNR_SDK_VERSION_MINOR;
    t->ctx = h;
    t->log = host_log;
    t->set_error = host_set_error;
    t->alloc = host_alloc;
    t->realloc = host_realloc;
    t->free = host_free;
    t->rng_key = host_rng_key;
    t->option_int = host_option_int;
    t->option_float = host_option_float;
    t->option_bool = host_option_bool;
    t->option_string = host_option_string;
    t->budget = host_budget;
    t->cancelled = host_cancelled;
    t->space_dims = host_space_dims;
    t->space_encode = host_space_encode;
    t->space_decode = host_space_decode;
    t->space_sample = host_space_sample;
    t->config_equal = host_config_equal;
    t->config_format = host_config_format;
    return t;
oom:
    dnnr__host_destroy(h ? &h->table : NULL);
    dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
    return NULL;
}

dnnr_host *dnnr__host_create_simple(const char *plugin_name, uint64_t seed, const char *options_text,
                                    dnnr_error *err)
{
    dnnr_host_params p = {.plugin_name = plugin_name, .seed = seed, .options_file = "(options)",
                          .verbosity = DNNR_LOG_WARN};
    dnnr_host *t = dnnr__host_create(&p, err);
    if (!t || !options_text)
        return t;
    host_instance *h = t->ctx;
    config_init(&h->owned_config);
    h->owns_config = 1;
    if (config_read_string(&h->owned_config, options_text) != CONFIG_TRUE) {
        dnnr__error_set(err, DNNR_EPARSE, "(options):%d: %s", config_error_line(&h->owned_config),
                        config_error_text(&h->owned_config));
        dnnr__host_destroy(t);
        return NULL;
    }
    h->options = config_root_setting(&h->owned_config);
    h->n_options = config_setting_length(h->options);
    dnnr__free(h->option_read);
    h->option_read = dnnr__alloc((size_t)h->n_options + 1, 1);
    if (!h->option_read) {
        dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
        dnnr__host_destroy(t);
        return NULL;
    }
    return t;
}

void dnnr__host_destroy(dnnr_host *t)
{
    if (!t)
        return;
    host_instance *h = t->ctx;
    if (h->owns_config)
        config_destroy(&h->owned_config);
    for (int i = 0; i < h->n_requested; i++)
        dnnr__free(h->requested[i]);
    dnnr__free(h->option_read);
    dnnr__free(h->plugin_name);
    dnnr__free(h->options_file);
    dnnr__free(h);
}

/* Levenshtein distance, small strings only: for "did you mean". */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return 99;
    size_t row[64];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t cost = diag + (a[i - 1] != b[j - 1]);
            size_t best = up + 1 < row[j - 1] + 1 ? up + 1 : row[j - 1] + 1;
            row[j] = cost < best ? cost : best;
            diag = up;
        }
    }
    return row[lb];
}

int dnnr__host_check_options(const dnnr_host *t, dnnr_error *err)
{
    const host_instance *h = t->ctx;
    for (int i = 0; i < h->n_options; i++) {
        if (h->option_read[i])
            continue;
        const config_setting_t *s = config_setting_get_elem(h->options, (unsigned)i);
        const char *name = config_setting_name(s);
        const char *guess = NULL;
        size_t best = 3;
        for (int k = 0; k < h->n_requested; k++) {
            size_t d = edit_distance(name ? name : "", h->requested[k]);
            if (d < best) {
                best = d;
                guess = h->requested[k];
            }
        }
        return dnnr__error_set(err, DNNR_EINVAL, "%s:%d: unknown option '%s' for %s%s%s%s",
                               h->options_file ? h->options_file : "(options)",
                               config_setting_source_line(s), name ? name : "?", h->plugin_name,
                               guess ? " (did you mean '" : "", guess ? guess : "",
                               guess ? "'?)" : "");
    }
    return DNNR_OK;
}

int dnnr__host_option_error(const dnnr_host *t, dnnr_error *err)
{
    const host_instance *h = t->ctx;
    if (!h->option_error[0])
        return DNNR_OK;
    return dnnr__error_set(err, DNNR_EINVAL, "%s", h->option_error);
}

const char *dnnr__host_last_error(const dnnr_host *t) { return ((host_instance *)t->ctx)->last_error; }

void dnnr__host_clear_error(dnnr_host *t) { ((host_instance *)t->ctx)->last_error[0] = '\0'; }
