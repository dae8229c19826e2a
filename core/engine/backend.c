/* Backend wrappers (see backend.h). */
#include <string.h>

#include "engine/backend.h"
#include "host/host.h"

static int fail(dnnr__device *dev, int rc, const char *what, dnnr_error *err)
{
    const char *why = dev->host ? dnnr__host_last_error(dev->host) : "";
    return dnnr__error_set(err, rc ? rc : DNNR_EINTERNAL, "backend %s: %s", what,
                           why && *why ? why : dnnr_strerror(rc));
}

int dnnr__device_open(dnnr__device *dev, const dnnr_backend_iface *iface, const dnnr_host *host,
                      uint32_t threads, dnnr_error *err)
{
    memset(dev, 0, sizeof *dev);
    dev->iface = iface;
    dev->host = host;
    if (!iface || !iface->create || !host)
        return dnnr__error_set(err, DNNR_EINVAL, "no backend given");
    dnnr_backend_init init = {sizeof init, host, threads, 1};
    int rc = iface->create(&init, &dev->b);
    if (rc != DNNR_OK) {
        dev->b = NULL;
        return fail(dev, rc, "create", err);
    }
    return DNNR_OK;
}

void dnnr__device_close(dnnr__device *dev)
{
    if (dev->b && dev->iface->destroy)
        dev->iface->destroy(dev->b);
    dev->b = NULL;
}

int dnnr__device_alloc(dnnr__device *dev, size_t bytes, dnnr_buffer **out, dnnr_error *err)
{
    int rc = dev->iface->buffer_alloc(dev->b, bytes ? bytes : 4, out);
    return rc ? fail(dev, rc, "buffer_alloc", err) : DNNR_OK;
}

void dnnr__device_free(dnnr__device *dev, dnnr_buffer *buf)
{
    if (buf)
        dev->iface->buffer_free(dev->b, buf);
}

int dnnr__device_upload(dnnr__device *dev, dnnr_buffer *dst, size_t offset, const void *src,
                        size_t bytes, dnnr_error *err)
{
    int rc = dev->iface->upload(dev->b, dst, offset, src, bytes);
    return rc ? fail(dev, rc, "upload", err) : DNNR_OK;
}

int dnnr__device_download(dnnr__device *dev, void *dst, const dnnr_buffer *src, size_t offset,
                          size_t bytes, dnnr_error *err)
{
    int rc = dev->iface->download(dev->b, dst, src, offset, bytes);
    return rc ? fail(dev, rc, "download", err) : DNNR_OK;
}

int dnnr__device_copy(dnnr__device *dev, dnnr_buffer *dst, const dnnr_buffer *src, size_t bytes,
                      dnnr_error *err)
{
    int rc = dev->iface->copy(dev->b, dst, src, bytes);
    return rc ? fail(dev, rc, "copy", err) : DNNR_OK;
}

int dnnr__device_supports(dnnr__device *dev, const dnnr_op_desc *desc)
{
    return dev->iface->supports ? dev->iface->supports(dev->b, desc) : 1;
}

int dnnr__device_plan(dnnr__device *dev, const dnnr_op_desc *desc, dnnr_plan **out,
                      dnnr_error *err)
{
    int rc = dev->iface->plan_create(dev->b, desc, out);
    if (rc != DNNR_OK) {
        *out = NULL;
        return fail(dev, rc == DNNR_ENOMEM ? rc : DNNR_EUNSUPPORTED, "plan", err);
    }
    return DNNR_OK;
}

int dnnr__device_run(dnnr__device *dev, dnnr_plan *plan, dnnr_buffer *const *ops, uint32_t n,
                     const dnnr_run_args *args, dnnr_error *err)
{
    int rc = dev->iface->plan_run(dev->b, plan, ops, n, args);
    return rc ? fail(dev, rc, "run", err) : DNNR_OK;
}

void dnnr__device_plan_free(dnnr__device *dev, dnnr_plan *plan)
{
    if (plan)
        dev->iface->plan_free(dev->b, plan);
}

int dnnr__device_sync(dnnr__device *dev, dnnr_error *err)
{
    if (!dev->iface->synchronize)
        return DNNR_OK;
    int rc = dev->iface->synchronize(dev->b);
    return rc ? fail(dev, rc, "synchronize", err) : DNNR_OK;
}
