/* Strict reading of libconfig files: every error names file:line and what was
 * expected, and keys a group does not know are errors (a typo must never be
 * silently ignored). */
#ifndef DNNR_CONFIG_CFGUTIL_H
#define DNNR_CONFIG_CFGUTIL_H

#include <stddef.h>
#include <stdint.h>

#include <libconfig.h>

#include "util/error.h"

/** Read a file into cfg (already config_init-ed by the caller); errors name file:line. */
int dnnr__cfg_read(config_t *cfg, const char *path, dnnr_error *err);
/** Line of a setting (its parent's when libconfig has none). */
int dnnr__cfg_line(const config_setting_t *s);
/** Error "file:line: message" at setting s. Returns status. */
int dnnr__cfg_error(dnnr_error *err, int status, const char *file, const config_setting_t *s,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/** DNNR_EINVAL "file:line: unknown key 'k' in <what> (expected one of: ...)". */
int dnnr__cfg_check_keys(const config_setting_t *group, const char *file, const char *what,
                         const char *const *allowed, dnnr_error *err);

/* Typed members of a group. A missing optional key leaves *out unchanged and
 * returns DNNR_OK; a missing required key or a wrong type is an error. */
int dnnr__cfg_string(const config_setting_t *group, const char *key, int required, const char *file,
                     const char **out, dnnr_error *err);
int dnnr__cfg_int(const config_setting_t *group, const char *key, int required, const char *file,
                  int64_t *out, dnnr_error *err);
int dnnr__cfg_float(const config_setting_t *group, const char *key, int required, const char *file,
                    double *out, dnnr_error *err);
int dnnr__cfg_bool(const config_setting_t *group, const char *key, int required, const char *file,
                   int *out, dnnr_error *err);
/** A group member of the given libconfig type (CONFIG_TYPE_GROUP, _LIST, _ARRAY). */
int dnnr__cfg_member(const config_setting_t *group, const char *key, int type, int required,
                     const char *file, const config_setting_t **out, dnnr_error *err);

/** The scalar as text ("32", "0.001", "relu"); DNNR_EINVAL for aggregates. */
int dnnr__cfg_scalar_text(const config_setting_t *s, char *buf, size_t len);
/** Resolve a path relative to the folder of `base_file` (absolute paths pass). */
char *dnnr__path_relative_to(const char *base_file, const char *path);

#endif
