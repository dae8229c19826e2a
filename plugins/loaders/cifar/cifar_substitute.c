/* Fashion-MNIST as a CIFAR-shaped stand-in; see cifar_substitute.h. */
#include "cifar_substitute.h"

#include <inttypes.h>
#include <string.h>

#include "cifar_format.h"
#include "data_path.h"
#include "idx_read.h"

static const char *const image_file[2] = {"train-images-idx3-ubyte.gz",
                                          "t10k-images-idx3-ubyte.gz"};
static const char *const label_file[2] = {"train-labels-idx1-ubyte.gz",
                                          "t10k-labels-idx1-ubyte.gz"};

static int read_idx(const dnnr_host *host, const char *dir, const char *name, uint32_t dims,
                    idx_array *out)
{
    char *path = data_path_join(host, dir, name);
    if (!path) {
        host->set_error(host->ctx, "out of memory");
        return DNNR_ENOMEM;
    }
    int status = idx_read_file(host, path, dims, out);
    host->free(host->ctx, path);
    return status;
}

/* 28x28 grey into the middle of 32x32x3; the border stays 0 (alloc zeroes). */
static void pad_and_copy(const uint8_t *grey, uint32_t rows, uint32_t cols, int normalise,
                         float *out)
{
    uint32_t top = (CIFAR_SIDE - rows) / 2, left = (CIFAR_SIDE - cols) / 2;
    for (uint32_t r = 0; r < rows; r++)
        for (uint32_t c = 0; c < cols; c++) {
            uint8_t g = grey[r * cols + c];
            float v = normalise ? (float)g / 255.0f : (float)g;
            float *px = out + ((top + r) * CIFAR_SIDE + left + c) * CIFAR_CHANNELS;
            px[0] = px[1] = px[2] = v;
        }
}

int cifar_substitute_read(const dnnr_host *host, const char *dir, int part, int normalise,
                          uint64_t limit, float **x, uint8_t **labels, uint64_t *n)
{
    *x = NULL;
    *labels = NULL;
    *n = 0;
    idx_array images = {0}, lab = {0};
    int status = read_idx(host, dir, image_file[part], 3, &images);
    if (status == DNNR_OK)
        status = read_idx(host, dir, label_file[part], 1, &lab);
    const idx_header *h = &images.header;
    if (status == DNNR_OK && (h->dims[1] > CIFAR_SIDE || h->dims[2] > CIFAR_SIDE)) {
        host->set_error(host->ctx, "%s/%s: %" PRIu32 "x%" PRIu32 " images: expected at most 32x32",
                        dir, image_file[part], h->dims[1], h->dims[2]);
        status = DNNR_EPARSE;
    }
    if (status == DNNR_OK && lab.header.dims[0] != h->dims[0]) {
        host->set_error(host->ctx,
                        "%s/%s holds %" PRIu32 " labels but %s holds %" PRIu32
                        " images: expected one label per image",
                        dir, label_file[part], lab.header.dims[0], image_file[part], h->dims[0]);
        status = DNNR_EPARSE;
    }
    uint64_t count = status == DNNR_OK ? h->dims[0] : 0;
    if (part == 0 && count > CIFAR_TRAIN_IMAGES)
        count = CIFAR_TRAIN_IMAGES;
    if (limit && count > limit)
        count = limit;
    for (uint64_t i = 0; status == DNNR_OK && i < count; i++) {
        if (lab.data[i] >= CIFAR_CLASSES) {
            host->set_error(host->ctx, "%s/%s: label %u of image %" PRIu64 ": expected 0 to 9",
                            dir, label_file[part], lab.data[i], i);
            status = DNNR_EPARSE;
        }
    }
    if (status == DNNR_OK) {
        *x = host->alloc(host->ctx, (size_t)count * CIFAR_PIXELS, sizeof **x);
        *labels = host->alloc(host->ctx, count ? (size_t)count : 1, 1);
        if (!*x || !*labels) {
            host->set_error(host->ctx, "out of memory for %" PRIu64 " images", count);
            status = DNNR_ENOMEM;
        }
    }
    uint64_t pixels = (uint64_t)h->dims[1] * h->dims[2];
    for (uint64_t i = 0; status == DNNR_OK && i < count; i++) {
        pad_and_copy(images.data + i * pixels, h->dims[1], h->dims[2], normalise,
                     *x + i * CIFAR_PIXELS);
        (*labels)[i] = lab.data[i];
    }
    idx_array_release(host, &images);
    idx_array_release(host, &lab);
    if (status != DNNR_OK) {
        host->free(host->ctx, *x);
        host->free(host->ctx, *labels);
        *x = NULL;
        *labels = NULL;
        return status;
    }
    *n = count;
    return DNNR_OK;
}
