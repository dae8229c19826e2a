/* Allocation for the core: every core allocation goes through here, so tests
 * can fail the Nth one (SQLite's faultsim) and check that each caller returns
 * DNNR_ENOMEM and leaks nothing. */
#ifndef DNNR_UTIL_ALLOC_H
#define DNNR_UTIL_ALLOC_H

#include <stddef.h>

/** Zeroed memory for n * size bytes; NULL on overflow, exhaustion or injected fault. */
void *dnnr__alloc(size_t n, size_t size);
/** Resize; NULL on failure leaves p valid. */
void *dnnr__realloc(void *p, size_t size);
void dnnr__free(void *p);
/** A copy of s (NULL gives NULL without failing). */
char *dnnr__strdup(const char *s);
char *dnnr__strndup(const char *s, size_t n);
/** printf into a fresh string. */
char *dnnr__asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/**
 * Fault injection: let `countdown` more allocations succeed, then fail one
 * (persistent = 0) or every later one (persistent = 1). countdown < 0 turns
 * injection off. Returns how many faults have been injected since the last call.
 */
int dnnr__alloc_fault(int countdown, int persistent);

#endif
