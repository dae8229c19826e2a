#include "config/cfgutil.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/alloc.h"

int dnnr__cfg_read(config_t *cfg, const char *path, dnnr_error *err)
{
    if (config_read_file(cfg, path) == CONFIG_TRUE)
        return DNNR_OK;
    if (config_error_type(cfg) == CONFIG_ERR_FILE_IO)
        return dnnr__error_set(err, DNNR_EIO, "%s: cannot read file", path);
    return dnnr__error_set(err, DNNR_EPARSE, "%s:%d: %s", path, config_error_line(cfg),
                           config_error_text(cfg));
}

int dnnr__cfg_line(const config_setting_t *s)
{
    for (; s; s = config_setting_parent(s)) {
        int line = config_setting_source_line(s);
        if (line > 0)
            return line;
    }
    return 0;
}

int dnnr__cfg_error(dnnr_error *err, int status, const char *file, const config_setting_t *s,
                    const char *fmt, ...)
{
    if (!err)
        return status;
    char msg[DNNR_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    int line = dnnr__cfg_line(s);
    if (line <= 0) /* the root group has no line */
        return dnnr__error_set(err, status, "%s: %s", file, msg);
    return dnnr__error_set(err, status, "%s:%d: %s", file, line, msg);
}

int dnnr__cfg_check_keys(const config_setting_t *group, const char *file, const char *what,
                         const char *const *allowed, dnnr_error *err)
{
    int n = config_setting_length(group);
    for (int i = 0; i < n; i++) {
        const config_setting_t *s = config_setting_get_elem(group, (unsigned)i);
        const char *name = config_setting_name(s);
        int known = 0;
        for (const char *const *k = allowed; *k && !known; k++)
            known = name && strcmp(*k, name) == 0;
        if (known)
            continue;
        char list[512] = "";
        size_t used = 0;
        for (const char *const *k = allowed; *k && used < sizeof list; k++) {
            int w = snprintf(list + used, sizeof list - used, "%s%s", k == allowed ? "" : ", ", *k);
            used += w > 0 ? (size_t)w : 0;
        }
        return dnnr__cfg_error(err, DNNR_EINVAL, file, s,
                               "unknown key '%s' in %s (expected one of: %s)", name ? name : "?",
                               what, list);
    }
    return DNNR_OK;
}

static const char *type_name(int type)
{
    switch (type) {
    case CONFIG_TYPE_GROUP:
        return "a group { ... }";
    case CONFIG_TYPE_LIST:
        return "a list ( ... )";
    case CONFIG_TYPE_ARRAY:
        return "an array [ ... ]";
    case CONFIG_TYPE_STRING:
        return "a string";
    case CONFIG_TYPE_BOOL:
        return "true or false";
    case CONFIG_TYPE_INT:
    case CONFIG_TYPE_INT64:
        return "an integer";
    case CONFIG_TYPE_FLOAT:
        return "a number";
    }
    return "a value";
}

static const config_setting_t *lookup(const config_setting_t *group, const char *key, int required,
                                      const char *file, int *rc, dnnr_error *err)
{
    const config_setting_t *s = config_setting_get_member(group, key);
    *rc = DNNR_OK;
    if (!s && required)
        *rc = dnnr__cfg_error(err, DNNR_EINVAL, file, group, "missing required key '%s'", key);
    return s;
}

int dnnr__cfg_string(const config_setting_t *group, const char *key, int required, const char *file,
                     const char **out, dnnr_error *err)
{
    int rc;
    const config_setting_t *s = lookup(group, key, required, file, &rc, err);
    if (!s)
        return rc;
    if (config_setting_type(s) != CONFIG_TYPE_STRING)
        return dnnr__cfg_error(err, DNNR_EINVAL, file, s, "'%s': expected a string, got %s", key,
                               type_name(config_setting_type(s)));
    *out = config_setting_get_string(s);
    return DNNR_OK;
}

int dnnr__cfg_int(const config_setting_t *group, const char *key, int required, const char *file,
                  int64_t *out, dnnr_error *err)
{
    int rc;
    const config_setting_t *s = lookup(group, key, required, file, &rc, err);
    if (!s)
        return rc;
    int type = config_setting_type(s);
    if (type != CONFIG_TYPE_INT && type != CONFIG_TYPE_INT64)
        return dnnr__cfg_error(err, DNNR_EINVAL, file, s, "'%s': expected an integer, got %s", key,
                               type_name(type));
    *out = config_setting_get_int64(s);
    return DNNR_OK;
}

int dnnr__cfg_float(const config_setting_t *group, const char *key, int required, const char *file,
                    double *out, dnnr_error *err)
{
    int rc;
    const config_setting_t *s = lookup(group, key, required, file, &rc, err);
    if (!s)
        return rc;
    int type = config_setting_type(s);
    if (type == CONFIG_TYPE_INT || type == CONFIG_TYPE_INT64)
        *out = (double)config_setting_get_int64(s);
    else if (type == CONFIG_TYPE_FLOAT)
        *out = config_setting_get_float(s);
    else
        return dnnr__cfg_error(err, DNNR_EINVAL, file, s, "'%s': expected a number, got %s", key,
                               type_name(type));
    return DNNR_OK;
}

int dnnr__cfg_bool(const config_setting_t *group, const char *key, int required, const char *file,
                   int *out, dnnr_error *err)
{
    int rc;
    const config_setting_t *s = lookup(group, key, required, file, &rc, err);
    if (!s)
        return rc;
    if (config_setting_type(s) != CONFIG_TYPE_BOOL)
        return dnnr__cfg_error(err, DNNR_EINVAL, file, s, "'%s': expected true or false, got %s",
                               key, type_name(config_setting_type(s)));
    *out = config_setting_get_bool(s);
    return DNNR_OK;
}

int dnnr__cfg_member(const config_setting_t *group, const char *key, int type, int required,
                     const char *file, const config_setting_t **out, dnnr_error *err)
{
    int rc;
    const config_setting_t *s = lookup(group, key, required, file, &rc, err);
    if (!s)
        return rc;
    if (config_setting_type(s) != type)
        return dnnr__cfg_error(err, DNNR_EINVAL, file, s, "'%s': expected %s, got %s", key,
                               type_name(type), type_name(config_setting_type(s)));
    *out = s;
    return DNNR_OK;
}

int dnnr__cfg_scalar_text(const config_setting_t *s, char *buf, size_t len)
{
    switch (config_setting_type(s)) {
    case CONFIG_TYPE_STRING:
        snprintf(buf, len, "%s", config_setting_get_string(s));
        return DNNR_OK;
    case CONFIG_TYPE_INT:
    case CONFIG_TYPE_INT64:
        snprintf(buf, len, "%" PRId64, (int64_t)config_setting_get_int64(s));
        return DNNR_OK;
    case CONFIG_TYPE_FLOAT:
        snprintf(buf, len, "%.17g", config_setting_get_float(s));
        return DNNR_OK;
    case CONFIG_TYPE_BOOL:
        snprintf(buf, len, "%s", config_setting_get_bool(s) ? "true" : "false");
        return DNNR_OK;
    }
    return DNNR_EINVAL;
}

char *dnnr__path_relative_to(const char *base_file, const char *path)
{
    if (path[0] == '/' || !base_file)
        return dnnr__strdup(path);
    const char *slash = strrchr(base_file, '/');
    if (!slash)
        return dnnr__strdup(path);
    return dnnr__asprintf("%.*s/%s", (int)(slash - base_file), base_file, path);
}
