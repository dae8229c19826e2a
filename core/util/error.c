#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int dnnr__error_set(dnnr_error *err, int status, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return status;
}

void dnnr__error_prefix(dnnr_error *err, const char *fmt, ...)
{
    if (!err)
        return;
    char prefix[DNNR_ERROR_MAX], old[DNNR_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, err->msg, sizeof old);
    /* Truncation is acceptable: the message is for people, and stays terminated. */
    size_t n = strlen(prefix);
    if (n > sizeof err->msg - 3)
        n = sizeof err->msg - 3;
    memcpy(err->msg, prefix, n);
    memcpy(err->msg + n, ": ", 2);
    size_t room = sizeof err->msg - n - 3;
    size_t m = strnlen(old, room);
    memcpy(err->msg + n + 2, old, m);
    err->msg[n + 2 + m] = '\0';
}

void dnnr__error_clear(dnnr_error *err)
{
    if (err)
        err->msg[0] = '\0';
}
