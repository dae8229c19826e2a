/* The subjects the testfunctions loader offers: for each function its name,
 * parameters, start ("faulty") configuration and exact minimum. No host and
 * no allocation here: the plugin (testfunctions.c) owns the memory and the
 * options, this file only describes and evaluates. */
#ifndef DNNR_TESTFUNCTIONS_CATALOG_H
#define DNNR_TESTFUNCTIONS_CATALOG_H

#include <stdint.h>

#include <dnnrepair/space.h>

/** Bounds on the `dim` option of the dimension-free functions. */
#define TF_MIN_DIM 2
#define TF_MAX_DIM 1000
/** Room for one generated parameter name ("x" and any uint32_t, NUL included). */
#define TF_NAME_MAX 12

typedef enum tf_kind {
    TF_BRANIN,
    TF_HARTMANN6,
    TF_HARTMANN3,
    TF_ROSENBROCK,
    TF_ACKLEY,
    TF_MIXED,
    TF_MULTIFIDELITY,
} tf_kind;

typedef struct tf_function {
    const char *name; /**< the `function` option's value */
    tf_kind kind;
    /** Parameters; 0 when the `dim` option chooses them (then default_dim). */
    uint32_t fixed_dim, default_dim;
    /** The exact minimum of this C function over its domain. */
    double optimum;
    /** Nonzero for the one function whose value depends on a budget. */
    int multifidelity;
} tf_function;

/** The entry called @p name, or NULL. */
const tf_function *tf_function_find(const char *name);

/** "branin, hartmann6, ...": every name, for error messages. */
extern const char tf_function_names[];

/**
 * Describe @p fn's parameters and start configuration for @p dim parameters
 * (fn->fixed_dim, or the `dim` option). @p params, @p names (dim * TF_NAME_MAX
 * bytes, used for generated names "x1".."xd") and @p start have dim entries.
 */
void tf_function_describe(const tf_function *fn, uint32_t dim, dnnr_param *params, char *names,
                          dnnr_value *start);

/**
 * @p fn's value at @p config (dim values, already checked against the
 * space). @p distortion in [0, 1] is the low-fidelity bias of the
 * multifidelity function (0 = the base function); other functions ignore it.
 */
double tf_function_value(const tf_function *fn, uint32_t dim, const dnnr_value *config,
                         double distortion);

#endif
