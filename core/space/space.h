/* Hyperparameter spaces owned by the core: building them, copying those a
 * plugin hands over, and the codec every searcher shares through dnnr_host
 * (encode to [0,1]^d or one-hot, decode, sample, compare, format). */
#ifndef DNNR_SPACE_SPACE_H
#define DNNR_SPACE_SPACE_H

#include <stddef.h>
#include <stdint.h>

#include <dnnrepair/dnnrepair.h>

#include "util/error.h"

/** An empty space; NULL when out of memory. */
dnnr_space *dnnr__space_create(void);
/** Free a space from dnnr__space_create or dnnr__space_copy; NULL is a no-op. */
void dnnr__space_destroy(dnnr_space *s);
/** A deep copy of any valid space (e.g. one a loader plugin owns). */
dnnr_space *dnnr__space_copy(const dnnr_space *src);

/* Adders check the bounds (lo <= hi; lo > 0 on a log scale), the default and
 * that the name is new; the _err variants say why. */
int dnnr__space_add_float(dnnr_space *s, const char *name, double lo, double hi, int log, double dflt);
int dnnr__space_add_int(dnnr_space *s, const char *name, int64_t lo, int64_t hi, int log, int64_t dflt);
int dnnr__space_add_categorical(dnnr_space *s, const char *name, const char *const *choices,
                                uint32_t n, uint32_t dflt);
int dnnr__space_add_param(dnnr_space *s, const dnnr_param *p, dnnr_error *err);

/**
 * Parse text into parameter k like dnnr__value_parse, but widen the domain
 * when the value lies outside it: an unknown categorical value becomes a new
 * last choice, a number outside [lo, hi] moves the bound. For reference-only
 * values (a fix the study's search space cannot reach).
 */
int dnnr__space_admit(dnnr_space *s, uint32_t k, const char *text, dnnr_value *out,
                      dnnr_error *err);

/** Index of the parameter called name, or -1. */
int dnnr__space_find(const dnnr_space *s, const char *name);
/** Index of a categorical choice, or -1. */
int dnnr__param_choice(const dnnr_param *p, const char *choice);

/** Check every value is within its parameter's domain. */
int dnnr__space_check_config(const dnnr_space *s, const dnnr_value *config, dnnr_error *err);
/** The parameters' defaults. */
void dnnr__space_defaults(const dnnr_space *s, dnnr_value *config);

size_t dnnr__space_dims(const dnnr_space *s, dnnr_encoding enc);
int dnnr__space_encode(const dnnr_space *s, const dnnr_value *config, dnnr_encoding enc, double *out);
int dnnr__space_decode(const dnnr_space *s, const double *in, dnnr_encoding enc, dnnr_value *config);
void dnnr__space_sample(const dnnr_space *s, dnnr_rng *rng, dnnr_value *config);
int dnnr__config_equal(const dnnr_space *s, const dnnr_value *a, const dnnr_value *b);
/** "name=value, ..." (snprintf semantics). */
int dnnr__config_format(const dnnr_space *s, const dnnr_value *config, char *buf, size_t len);

/** One value as text: the choice, the integer, or the float with 17 digits. */
int dnnr__value_format(const dnnr_param *p, dnnr_value v, char *buf, size_t len);
/** Parse text into a value of p (choice name, integer, float); checks the domain. */
int dnnr__value_parse(const dnnr_param *p, const char *text, dnnr_value *out, dnnr_error *err);
/** Apply "NAME=VALUE" to a configuration (command-line --set). */
int dnnr__config_assign(const dnnr_space *s, dnnr_value *config, const char *assignment,
                        dnnr_error *err);
/** Nonzero when v is inside p's domain. */
int dnnr__value_valid(const dnnr_param *p, dnnr_value v);

#endif
