/*
 * random_binary: bag-of-words-like rows for speed benchmarks and tests where
 * only the shape matters (the Reuters MLP's 10,000-d binary inputs, say).
 *
 * Options (all optional):
 *   n_train 7185, n_test 2246, features 10000, n_classes 46,
 *   density 0.01   chance that a feature is 1 (else 0)
 * Targets are one-hot rows of uniformly drawn classes. Every draw comes from
 * the host's "data" stream, so the set is a function of the instance's seed.
 */
#include <inttypes.h>

#include "synthetic.h"

typedef struct random_binary_params {
    int64_t n_train, n_test, features, n_classes;
    double density;
} random_binary_params;

static int check_range(const dnnr_host *host, const char *key, int64_t v, int64_t lo, int64_t hi)
{
    if (v >= lo && v <= hi)
        return DNNR_OK;
    host->set_error(host->ctx, "%s = %" PRId64 ": expected %" PRId64 " to %" PRId64, key, v, lo,
                    hi);
    return DNNR_EINVAL;
}

static int configure_random_binary(const dnnr_host *host, void *params)
{
    random_binary_params *p = params;
    int status = host->option_int(host->ctx, "n_train", 7185, &p->n_train);
    if (status == DNNR_OK)
        status = host->option_int(host->ctx, "n_test", 2246, &p->n_test);
    if (status == DNNR_OK)
        status = host->option_int(host->ctx, "features", 10000, &p->features);
    if (status == DNNR_OK)
        status = host->option_int(host->ctx, "n_classes", 46, &p->n_classes);
    if (status == DNNR_OK)
        status = host->option_float(host->ctx, "density", 0.01, &p->density);
    /* Bounds keep n x features x 4 bytes far below any size_t overflow. */
    if (status == DNNR_OK)
        status = check_range(host, "n_train", p->n_train, 1, 10000000);
    if (status == DNNR_OK)
        status = check_range(host, "n_test", p->n_test, 1, 10000000);
    if (status == DNNR_OK)
        status = check_range(host, "features", p->features, 1, 1000000);
    if (status == DNNR_OK)
        status = check_range(host, "n_classes", p->n_classes, 2, 100000);
    if (status == DNNR_OK && !(p->density >= 0.0 && p->density <= 1.0)) {
        host->set_error(host->ctx, "density = %g: expected 0 to 1", p->density);
        status = DNNR_EINVAL;
    }
    return status;
}

static void fill(dnnr_rng *rng, const random_binary_params *p, float *x, float *y, uint64_t rows)
{
    for (uint64_t r = 0; r < rows; r++) {
        for (int64_t f = 0; f < p->features; f++)
            x[r * (uint64_t)p->features + (uint64_t)f] =
                dnnr_rng_uniform(rng) < p->density ? 1.0f : 0.0f;
        uint64_t label = dnnr_rng_below(rng, (uint64_t)p->n_classes);
        y[r * (uint64_t)p->n_classes + label] = 1.0f;
    }
}

static int generate_random_binary(const dnnr_host *host, const void *params, synthetic_data *out)
{
    const random_binary_params *p = params;
    int status = synthetic_data_alloc(host, out, (uint64_t)p->n_train, (uint64_t)p->n_test,
                                      (uint64_t)p->features, (uint32_t)p->n_classes);
    if (status != DNNR_OK)
        return status;
    dnnr_rng rng;
    dnnr_rng_init(&rng, host->rng_key(host->ctx, "data"));
    fill(&rng, p, out->x_train, out->y_train, (uint64_t)p->n_train);
    fill(&rng, p, out->x_test, out->y_test, (uint64_t)p->n_test);
    dnnr_dataset *d = &out->dataset;
    d->rank = 1;
    d->shape[0] = (uint32_t)p->features;
    d->target_kind = DNNR_TARGET_ONE_HOT;
    d->n_classes = (uint32_t)p->n_classes;
    d->provenance = "substitute: random binary rows of the original shape";
    return DNNR_OK;
}

const synthetic_generator synthetic_gen_random_binary = {
    .name = "random_binary",
    .summary = "random 0/1 rows and one-hot classes of a given shape (benchmarks)",
    .params_size = sizeof(random_binary_params),
    .configure = configure_random_binary,
    .generate = generate_random_binary,
};
