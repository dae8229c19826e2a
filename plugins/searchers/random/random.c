/* random: random search, and the example to copy when writing a searcher.
 *
 * Semantics are Ray Tune's BasicVariantGenerator: every trial draws each
 * parameter independently (floats uniformly, log-scaled ones uniformly in
 * log, integers uniformly over [lo, hi], categoricals uniformly over their
 * choices) and results are ignored.
 *
 * Options (the experiment file's `options = { ... }` of this searcher):
 *   max_trials   configurations to propose, 0 = no limit (default 0).
 *                The host's start trial (trial 0) is not counted.
 *
 * How a searcher plugin works (sdk/include/dnnrepair/searcher.h has the
 * full contract):
 *  1. The plugin includes only <dnnrepair/dnnrepair.h> and never links
 *     against the host. Every service (memory, logging, options, random
 *     streams, space sampling and encoding) arrives in the dnnr_host table
 *     given to create(); keep the pointer and pass host->ctx first.
 *  2. The host calls create() once per run, then ask() whenever a worker is
 *     free and tell() once per finished trial, in completion order. Several
 *     trials may be in flight: ask() may be called again before any tell().
 *  3. The host evaluates the start (faulty) configuration itself, as trial 0,
 *     and tells its result like any other: do not propose it again.
 *  4. ask() returns DNNR_OK with req->config filled, DNNR_EAGAIN to wait for
 *     a result first, or DNNR_EDONE when the searcher has nothing more to try.
 *  5. All randomness comes from streams keyed by host->rng_key, so a run is
 *     repeatable from its seed.
 *  6. Errors: call host->set_error with the reason, return a negative
 *     dnnr_status.
 *
 * To start a new searcher, copy this folder to plugins/searchers/<name>/,
 * rename the file, the name in CMakeLists.txt (dnnr_add_plugin) and the first
 * argument of DNNR_PLUGIN_DEFINE at the bottom. tests/unit/test_random.c
 * shows how to drive a searcher in a unit test with a standalone host.
 */
#include <stdint.h>

#include <dnnrepair/dnnrepair.h>

/* The instance: the SDK declares `struct dnnr_searcher` and each plugin
 * defines it. */
struct dnnr_searcher {
    const dnnr_host *host;
    const dnnr_space *space; /* host-owned; valid until destroy() */
    uint64_t stream_key;     /* where this run's samples come from */
    int64_t max_trials;      /* 0 = unlimited */
    uint64_t n_asked, n_told;
};

static int random_create(const dnnr_searcher_init *init, dnnr_searcher **out)
{
    const dnnr_host *host = init->host;
    *out = NULL;

    /* Read every option in create(): the host reports any option the file
     * sets and the plugin never read, so typos cannot pass silently. */
    int64_t max_trials;
    int rc = host->option_int(host->ctx, "max_trials", 0, &max_trials);
    if (rc != DNNR_OK)
        return rc; /* the host has recorded "file:line: expected ..." */
    if (max_trials < 0) {
        host->set_error(host->ctx, "option 'max_trials' must be >= 0 (0 = unlimited); got %lld",
                        (long long)max_trials);
        return DNNR_EINVAL;
    }

    /* Memory comes from the host, so its fault injection reaches plugins too. */
    dnnr_searcher *s = host->alloc(host->ctx, 1, sizeof *s);
    if (s == NULL) {
        host->set_error(host->ctx, "out of memory");
        return DNNR_ENOMEM;
    }
    s->host = host;
    s->space = init->space;
    s->stream_key = host->rng_key(host->ctx, "random");
    s->max_trials = max_trials;
    *out = s;
    return DNNR_OK;
}

static void random_destroy(dnnr_searcher *s)
{
    if (s == NULL) /* destroy(NULL) MUST be a no-op */
        return;
    s->host->log(s->host->ctx, DNNR_LOG_DEBUG, "proposed %llu configurations, %llu results",
                 (unsigned long long)s->n_asked, (unsigned long long)s->n_told);
    s->host->free(s->host->ctx, s);
}

static int random_ask(dnnr_searcher *s, dnnr_trial_request *req)
{
    if (s->max_trials > 0 && s->n_asked >= (uint64_t)s->max_trials)
        return DNNR_EDONE;

    /* Sample k comes from its own sub-stream (key, k): it does not depend on
     * how many random words earlier samples consumed, only on the seed and
     * on k. Random search never waits for results, so never DNNR_EAGAIN. */
    dnnr_rng rng;
    dnnr_rng_init(&rng, dnnr_rng_derive(s->stream_key, s->n_asked));
    s->host->space_sample(s->host->ctx, s->space, &rng, req->config);
    s->n_asked++;

    req->note = "random sample"; /* recorded in trials.jsonl */
    return DNNR_OK;
}

static int random_tell(dnnr_searcher *s, const dnnr_trial_result *res)
{
    /* Random search learns nothing; a model-based searcher would record
     * res->config and res->objective here (NaN unless res->status is OK). */
    (void)res;
    s->n_told++;
    return DNNR_OK;
}

static const dnnr_searcher_iface random_iface = {
    .struct_size = sizeof(dnnr_searcher_iface),
    .create = random_create,
    .destroy = random_destroy,
    .ask = random_ask,
    .tell = random_tell,
    .monitor = NULL, /* optional: no early stopping */
};

/* Emits the descriptor and the exported entry points dnnr_plugin_entry and
 * dnnr_plugin_random_entry. The name must match the folder and .so name. */
DNNR_PLUGIN_DEFINE(random, DNNR_KIND_SEARCHER, "1.0.0",
                   "Random search: every parameter drawn independently (Ray Tune's "
                   "BasicVariantGenerator)",
                   random_iface)
