/* The engine's only door to a backend: wrappers over dnnr_backend_iface
 * that supply defaults for optional entries and turn the backend's error
 * text (recorded through its host) into a dnnr_error. */
#ifndef DNNR_ENGINE_BACKEND_H
#define DNNR_ENGINE_BACKEND_H

#include <stddef.h>

#include <dnnrepair/backend.h>

#include "util/error.h"

typedef struct dnnr__device {
    const dnnr_backend_iface *iface;
    const dnnr_host *host; /* the backend instance's host */
    dnnr_backend *b;
} dnnr__device;

int dnnr__device_open(dnnr__device *dev, const dnnr_backend_iface *iface, const dnnr_host *host,
                      uint32_t threads, dnnr_error *err);
void dnnr__device_close(dnnr__device *dev);

int dnnr__device_alloc(dnnr__device *dev, size_t bytes, dnnr_buffer **out, dnnr_error *err);
void dnnr__device_free(dnnr__device *dev, dnnr_buffer *buf);
int dnnr__device_upload(dnnr__device *dev, dnnr_buffer *dst, size_t offset, const void *src,
                        size_t bytes, dnnr_error *err);
int dnnr__device_download(dnnr__device *dev, void *dst, const dnnr_buffer *src, size_t offset,
                          size_t bytes, dnnr_error *err);
int dnnr__device_copy(dnnr__device *dev, dnnr_buffer *dst, const dnnr_buffer *src, size_t bytes,
                      dnnr_error *err);
int dnnr__device_supports(dnnr__device *dev, const dnnr_op_desc *desc);
/** DNNR_EUNSUPPORTED (with the backend's reason) when the op cannot be planned. */
int dnnr__device_plan(dnnr__device *dev, const dnnr_op_desc *desc, dnnr_plan **out,
                      dnnr_error *err);
int dnnr__device_run(dnnr__device *dev, dnnr_plan *plan, dnnr_buffer *const *ops, uint32_t n,
                     const dnnr_run_args *args, dnnr_error *err);
void dnnr__device_plan_free(dnnr__device *dev, dnnr_plan *plan);
int dnnr__device_sync(dnnr__device *dev, dnnr_error *err);

#endif
