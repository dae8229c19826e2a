/* hello: a complete searcher plugin in one file. It perturbs the best
 * configuration seen so far (a (1+1) evolution strategy in the [0,1]^d
 * encoding every searcher shares), which is already better than random
 * search on smooth functions. Build it out of tree; see CMakeLists.txt. */
#include <dnnrepair/dnnrepair.h>

struct dnnr_searcher {
    const dnnr_host *host;
    const dnnr_space *space;
    size_t dims;
    double *best;      /* encoded best configuration */
    double best_value; /* its objective (minimised) */
    double *scratch;
    dnnr_rng rng;
    double step;       /* standard deviation of the perturbation */
};

static void hello_destroy(dnnr_searcher *s)
{
    if (!s)
        return;
    const dnnr_host *h = s->host;
    h->free(h->ctx, s->best);
    h->free(h->ctx, s->scratch);
    h->free(h->ctx, s);
}

static int hello_create(const dnnr_searcher_init *init, dnnr_searcher **out)
{
    const dnnr_host *h = init->host;
    dnnr_searcher *s = h->alloc(h->ctx, 1, sizeof *s);
    if (!s)
        return DNNR_ENOMEM;
    s->host = h;
    s->space = init->space;
    s->dims = h->space_dims(h->ctx, init->space, DNNR_ENCODE_UNIT);
    s->best = h->alloc(h->ctx, s->dims + 1, sizeof(double));
    s->scratch = h->alloc(h->ctx, s->dims + 1, sizeof(double));
    s->best_value = 1e300;
    dnnr_rng_init(&s->rng, h->rng_key(h->ctx, "hello"));
    /* Options come from the experiment file: options = { step = 0.1; }; */
    if (!s->best || !s->scratch || h->option_float(h->ctx, "step", 0.15, &s->step)) {
        hello_destroy(s);
        return DNNR_EINVAL;
    }
    if (init->start) /* the faulty configuration is where the search starts */
        h->space_encode(h->ctx, init->space, init->start, DNNR_ENCODE_UNIT, s->best);
    *out = s;
    return DNNR_OK;
}

static int hello_ask(dnnr_searcher *s, dnnr_trial_request *req)
{
    for (size_t i = 0; i < s->dims; i++) {
        double v = s->best[i] + s->step * dnnr_rng_normal(&s->rng);
        s->scratch[i] = v < 0 ? 0 : v > 1 ? 1 : v;
    }
    req->note = "perturbed best";
    return s->host->space_decode(s->host->ctx, s->space, s->scratch, DNNR_ENCODE_UNIT, req->config);
}

static int hello_tell(dnnr_searcher *s, const dnnr_trial_result *res)
{
    if (res->status == DNNR_TRIAL_OK && res->objective < s->best_value) {
        s->best_value = res->objective;
        s->host->space_encode(s->host->ctx, s->space, res->config, DNNR_ENCODE_UNIT, s->best);
    }
    return DNNR_OK;
}

static const dnnr_searcher_iface hello_iface = {
    .struct_size = sizeof(dnnr_searcher_iface),
    .create = hello_create,
    .destroy = hello_destroy,
    .ask = hello_ask,
    .tell = hello_tell,
};

DNNR_PLUGIN_DEFINE(hello, DNNR_KIND_SEARCHER, "1.0.0", "(1+1) evolution strategy around the best trial",
                   hello_iface)
