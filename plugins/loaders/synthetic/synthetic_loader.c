/*
 * The `synthetic` loader: data sets computed from a formula, no files.
 *
 *   dataset = { loader = "synthetic"; generator = "d1"; };
 *
 * Option `generator` (required) picks one generator (generators.c); any
 * further options belong to that generator.
 */
#include <string.h>

#include <dnnrepair/dnnrepair.h>

#include "synthetic.h"

struct dnnr_loader {
    const dnnr_host *host;
    const synthetic_generator *generator;
    void *params; /* the generator's own options, host memory */
    synthetic_data data;
    int loaded;
};

static void synthetic_destroy(dnnr_loader *l)
{
    if (!l)
        return;
    const dnnr_host *host = l->host;
    synthetic_data_release(host, &l->data);
    host->free(host->ctx, l->params);
    host->free(host->ctx, l);
}

static int pick_generator(const dnnr_host *host, const synthetic_generator **out)
{
    const char *name = NULL;
    int status = host->option_string(host->ctx, "generator", NULL, &name);
    if (status != DNNR_OK)
        return status;
    *out = synthetic_find(name);
    if (*out)
        return DNNR_OK;
    char names[200];
    synthetic_list_names(names, sizeof names);
    if (!name)
        host->set_error(host->ctx, "no `generator` option: expected one of %s", names);
    else
        host->set_error(host->ctx, "unknown generator \"%s\": expected one of %s", name, names);
    return DNNR_EINVAL;
}

static int synthetic_create(const dnnr_loader_init *init, dnnr_loader **out)
{
    const dnnr_host *host = init->host;
    *out = NULL;
    dnnr_loader *l = host->alloc(host->ctx, 1, sizeof *l);
    if (!l) {
        host->set_error(host->ctx, "out of memory");
        return DNNR_ENOMEM;
    }
    l->host = host;
    int status = pick_generator(host, &l->generator);
    if (status == DNNR_OK && l->generator->params_size) {
        l->params = host->alloc(host->ctx, 1, l->generator->params_size);
        if (!l->params) {
            host->set_error(host->ctx, "out of memory");
            status = DNNR_ENOMEM;
        }
    }
    if (status == DNNR_OK && l->generator->configure)
        status = l->generator->configure(host, l->params);
    if (status != DNNR_OK) {
        synthetic_destroy(l);
        return status;
    }
    *out = l;
    return DNNR_OK;
}

static int synthetic_load(dnnr_loader *l, dnnr_dataset *out)
{
    if (!l->loaded) {
        int status = l->generator->generate(l->host, l->params, &l->data);
        if (status != DNNR_OK) {
            synthetic_data_release(l->host, &l->data);
            return status;
        }
        l->loaded = 1;
    }
    *out = l->data.dataset;
    return DNNR_OK;
}

static const dnnr_loader_iface synthetic_iface = {
    .struct_size = sizeof(dnnr_loader_iface),
    .create = synthetic_create,
    .destroy = synthetic_destroy,
    .load = synthetic_load,
};

DNNR_PLUGIN_DEFINE(synthetic, DNNR_KIND_LOADER, "1.0.0",
                   "data sets computed from a formula (D1, random_binary; more to come)",
                   synthetic_iface)
