/* Descriptor checks, in STYLE.md's order: size, SDK version, kind, table
 * size and required functions. Every refusal names the file and, for
 * versions, both the plugin's and the host's. */
#include "registry/registry.h"

#include <stddef.h>
#include <string.h>

/* Sizes of the v1.0 tables: what a plugin built against 1.0 provides. They
 * are frozen; later members are read only under DNNR_HAS. */
#define V1_SIZE(type, last) (offsetof(type, last) + sizeof(((type *)0)->last))
#define DESC_V1_SIZE V1_SIZE(dnnr_plugin_desc, iface_size)

const char *dnnr__kind_name(dnnr_kind kind)
{
    switch (kind) {
    case DNNR_KIND_SEARCHER:
        return "searcher";
    case DNNR_KIND_LOADER:
        return "loader";
    case DNNR_KIND_METRIC:
        return "metric";
    case DNNR_KIND_BACKEND:
        return "backend";
    }
    return "unknown";
}

static int check_name(const char *name)
{
    if (!name || !*name)
        return 0;
    for (const char *c = name; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_'))
            return 0;
    return 1;
}

/* Required members by kind; optional ones may be NULL. */
static int check_iface(const dnnr_plugin_desc *d, const char *path, dnnr_error *err)
{
    size_t need = 0;
    int complete = 0;
    switch (d->kind) {
    case DNNR_KIND_SEARCHER: {
        const dnnr_searcher_iface *t = d->iface;
        need = V1_SIZE(dnnr_searcher_iface, monitor);
        complete = d->iface_size >= need && t->create && t->destroy && t->ask && t->tell;
        break;
    }
    case DNNR_KIND_LOADER: {
        const dnnr_loader_iface *t = d->iface;
        need = V1_SIZE(dnnr_loader_iface, evaluate);
        complete = d->iface_size >= need && t->create && t->destroy &&
                   (t->load || (t->analytic && t->evaluate));
        break;
    }
    case DNNR_KIND_METRIC: {
        const dnnr_metric_iface *t = d->iface;
        need = V1_SIZE(dnnr_metric_iface, compute);
        complete = d->iface_size >= need && t->create && t->destroy && t->compute;
        break;
    }
    case DNNR_KIND_BACKEND: {
        const dnnr_backend_iface *t = d->iface;
        need = V1_SIZE(dnnr_backend_iface, synchronize);
        complete = d->iface_size >= need && t->probe && t->create && t->destroy;
        break;
    }
    }
    if (d->iface_size < need)
        return dnnr__error_set(err, DNNR_EVERSION,
                               "%s: plugin '%s': its %s table has %u bytes, SDK 1.0 needs at least %zu",
                               path, d->name, dnnr__kind_name(d->kind), d->iface_size, need);
    if (!complete)
        return dnnr__error_set(err, DNNR_EINVAL,
                               "%s: plugin '%s': its %s table lacks a required function", path,
                               d->name, dnnr__kind_name(d->kind));
    return DNNR_OK;
}

int dnnr__plugin_check_desc(const dnnr_plugin_desc *d, const char *path, dnnr_error *err)
{
    if (!d)
        return dnnr__error_set(err, DNNR_EINVAL, "%s: dnnr_plugin_entry returned NULL", path);
    if (d->struct_size < DESC_V1_SIZE)
        return dnnr__error_set(err, DNNR_EVERSION,
                               "%s: plugin descriptor has %u bytes, SDK 1.0 needs at least %zu",
                               path, d->struct_size, (size_t)DESC_V1_SIZE);
    if (d->sdk_major != DNNR_SDK_VERSION_MAJOR || d->sdk_minor > DNNR_SDK_VERSION_MINOR)
        return dnnr__error_set(err, DNNR_EVERSION,
                               "%s: plugin '%s' was built for SDK %u.%u, this dnnrepair has SDK "
                               "%d.%d%s",
                               path, d->name ? d->name : "?", d->sdk_major, d->sdk_minor,
                               DNNR_SDK_VERSION_MAJOR, DNNR_SDK_VERSION_MINOR,
                               d->sdk_major > DNNR_SDK_VERSION_MAJOR ||
                                       (d->sdk_major == DNNR_SDK_VERSION_MAJOR &&
                                        d->sdk_minor > DNNR_SDK_VERSION_MINOR)
                                   ? " (upgrade dnnrepair)"
                                   : " (rebuild the plugin)");
    if (!check_name(d->name))
        return dnnr__error_set(err, DNNR_EINVAL, "%s: plugin name must match [a-z0-9_]+", path);
    if (d->kind < DNNR_KIND_SEARCHER || d->kind > DNNR_KIND_BACKEND)
        return dnnr__error_set(err, DNNR_EINVAL, "%s: plugin '%s' has unknown kind %d", path,
                               d->name, (int)d->kind);
    if (!d->iface)
        return dnnr__error_set(err, DNNR_EINVAL, "%s: plugin '%s' has no function table", path,
                               d->name);
    return check_iface(d, path, err);
}
