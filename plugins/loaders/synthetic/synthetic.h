/**
 * @file synthetic.h
 * @brief What a generator of the `synthetic` loader is, and the helpers it uses.
 *
 * A generator is one file (gen_<name>.c) defining one synthetic_generator;
 * generators.c lists them. Adding D6, D7 or D8 means: write gen_d6.c, add
 * one line to generators.c and one file name to CMakeLists.txt.
 */
#ifndef DNNR_SYNTHETIC_H
#define DNNR_SYNTHETIC_H

#include <stddef.h>

#include <dnnrepair/dnnrepair.h>

/** A generated data set and the arrays it owns (host memory). */
typedef struct synthetic_data {
    dnnr_dataset dataset; /**< x/y pointers alias the arrays below */
    float *x_train, *y_train, *x_test, *y_test;
} synthetic_data;

/** One generator. */
typedef struct synthetic_generator {
    const char *name;    /**< the `generator` option's value, e.g. "d1" */
    const char *summary; /**< one line, for error messages listing them */
    /** Bytes of the generator's own parameters (0 when it has none). */
    size_t params_size;
    /**
     * Optional: read the generator's own options into @p params (zeroed,
     * params_size bytes). Called from the loader's create(), so a misspelt
     * option is reported at once.
     */
    int (*configure)(const dnnr_host *host, void *params);
    /** Fill @p out (zeroed): arrays through synthetic_data_alloc, then the shape. */
    int (*generate)(const dnnr_host *host, const void *params, synthetic_data *out);
} synthetic_generator;

/** The generator called @p name, or NULL. */
const synthetic_generator *synthetic_find(const char *name);

/** Write the generators' names ("d1, ...") into @p buf, for error messages. */
void synthetic_list_names(char *buf, size_t len);

/**
 * Allocate zeroed train and test arrays (rows x features and rows x y_dim)
 * and point @p out->dataset at them; sets n_train, n_test and y_dim.
 * Errors go through host->set_error.
 */
int synthetic_data_alloc(const dnnr_host *host, synthetic_data *out, uint64_t n_train,
                         uint64_t n_test, uint64_t features, uint32_t y_dim);

/** Free the arrays; a zeroed synthetic_data is a no-op. */
void synthetic_data_release(const dnnr_host *host, synthetic_data *data);

#endif
