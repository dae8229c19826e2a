/* Error text for core functions: a function returns a dnnr_status and, on
 * failure, writes why into the caller's dnnr_error (SQLite's errmsg idea, but
 * owned by the caller so nothing is global). */
#ifndef DNNR_UTIL_ERROR_H
#define DNNR_UTIL_ERROR_H

#include <stddef.h>

#include <dnnrepair/status.h>

#define DNNR_ERROR_MAX 1024

typedef struct dnnr_error {
    char msg[DNNR_ERROR_MAX];
} dnnr_error;

/** Format into err (NULL err is allowed and ignored); returns `status`. */
int dnnr__error_set(dnnr_error *err, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/** Prefix the existing message: "<prefix>: <old message>". */
void dnnr__error_prefix(dnnr_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void dnnr__error_clear(dnnr_error *err);

#endif
