/* A scrambled low-discrepancy sequence in [0,1)^d (SEARCHERS.md A.3): GSL's
 * Sobol up to 40 dimensions, Halton up to 1229, uniform draws beyond, each
 * scrambled by a per-dimension random shift modulo 1 (Cranley-Patterson). */
#ifndef HEBO_SOBOL_H
#define HEBO_SOBOL_H

#include <stddef.h>

#include <dnnrepair/dnnrepair.h>

typedef struct hebo_sobol hebo_sobol;

/** A new sequence of @p dims dimensions; shifts drawn from stream @p key. */
hebo_sobol *hebo_sobol_create(const dnnr_host *host, size_t dims, uint64_t key);
void hebo_sobol_destroy(hebo_sobol *s);
/** The next point into @p out (dims entries in [0, 1)). */
void hebo_sobol_next(hebo_sobol *s, double *out);

#endif
