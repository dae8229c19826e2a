/* Shared by the cuda backend's GPU tests: the skip rule (exit 77, which
 * ctest reports as skipped, with one line saying why) and a backend opened
 * through the engine's wrappers with a standalone host. Header-only. */
#ifndef DNNR_CUDA_GPU_HARNESS_H
#define DNNR_CUDA_GPU_HARNESS_H

#include <stdio.h>
#include <stdlib.h>

#include <dnnrepair/dnnrepair.h>

#include "engine/backend.h"
#include "host/host.h"

const dnnr_plugin_desc *dnnr_plugin_cuda_entry(void);
const dnnr_plugin_desc *dnnr_plugin_onednn_entry(void);

#define GPU_SKIP 77

/* Exit 77 with one line when no GPU is usable: never a failure. */
static inline void gpu_require(const char *test)
{
    const dnnr_backend_iface *cuda = dnnr_plugin_cuda_entry()->iface;
    if (cuda->probe() == 0) {
        printf("SKIP %s: no usable CUDA GPU here (the cuda backend's probe returned 0)\n", test);
        fflush(stdout);
        exit(GPU_SKIP);
    }
}

typedef struct gpu_dev {
    dnnr_host *host;
    dnnr__device dev;
} gpu_dev;

static inline int gpu_dev_open(gpu_dev *g, const dnnr_plugin_desc *desc, uint32_t threads)
{
    dnnr_error err = {{0}};
    g->host = dnnr__host_create_simple(desc->name, 1, NULL, &err);
    if (!g->host) {
        fprintf(stderr, "host: %s\n", err.msg);
        return -1;
    }
    if (dnnr__device_open(&g->dev, (const dnnr_backend_iface *)desc->iface, g->host, threads,
                          &err) != DNNR_OK) {
        fprintf(stderr, "open %s: %s\n", desc->name, err.msg);
        dnnr__host_destroy(g->host);
        return -1;
    }
    return 0;
}

static inline void gpu_dev_close(gpu_dev *g)
{
    dnnr__device_close(&g->dev);
    dnnr__host_destroy(g->host);
}

#endif
