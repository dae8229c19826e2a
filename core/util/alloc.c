#include "util/alloc.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Fault-injection state. Only tests set it, from a single thread. */
static int fault_countdown = -1;
static int fault_persistent;
static int fault_count;

static int inject_fault(void)
{
    if (fault_countdown < 0)
        return 0;
    if (fault_countdown == 0) {
        fault_count++;
        if (!fault_persistent)
            fault_countdown = -1;
        return 1;
    }
    fault_countdown--;
    return 0;
}

int dnnr__alloc_fault(int countdown, int persistent)
{
    int injected = fault_count;
    fault_countdown = countdown;
    fault_persistent = persistent;
    fault_count = 0;
    return injected;
}

void *dnnr__alloc(size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size)
        return NULL;
    if (inject_fault())
        return NULL;
    return calloc(n ? n : 1, size ? size : 1);
}

void *dnnr__realloc(void *p, size_t size)
{
    if (inject_fault())
        return NULL;
    return realloc(p, size ? size : 1);
}

void dnnr__free(void *p) { free(p); }

char *dnnr__strndup(const char *s, size_t n)
{
    if (!s)
        return NULL;
    size_t len = strnlen(s, n);
    char *copy = dnnr__alloc(len + 1, 1);
    if (copy)
        memcpy(copy, s, len);
    return copy;
}

char *dnnr__strdup(const char *s) { return s ? dnnr__strndup(s, strlen(s)) : NULL; }

char *dnnr__asprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (len < 0)
        return NULL;
    char *out = dnnr__alloc((size_t)len + 1, 1);
    if (!out)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(out, (size_t)len + 1, fmt, ap);
    va_end(ap);
    return out;
}
