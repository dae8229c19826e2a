/* CIFAR-10 record decoding; see cifar_format.h. */
#include "cifar_format.h"

uint64_t cifar_decode(const uint8_t *bytes, uint64_t n, int normalise, float *x, uint8_t *labels,
                      uint8_t *bad_label)
{
    const uint32_t plane = CIFAR_SIDE * CIFAR_SIDE;
    for (uint64_t i = 0; i < n; i++) {
        const uint8_t *rec = bytes + i * CIFAR_RECORD_BYTES;
        if (rec[0] >= CIFAR_CLASSES) {
            *bad_label = rec[0];
            return i;
        }
        labels[i] = rec[0];
        float *out = x + i * CIFAR_PIXELS;
        for (uint32_t p = 0; p < plane; p++)
            for (uint32_t c = 0; c < CIFAR_CHANNELS; c++) {
                uint8_t v = rec[1 + c * plane + p];
                /* float32 division, as numpy's x.astype('float32') / 255 */
                out[p * CIFAR_CHANNELS + c] = normalise ? (float)v / 255.0f : (float)v;
            }
    }
    return n;
}
