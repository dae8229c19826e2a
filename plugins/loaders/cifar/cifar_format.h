/**
 * @file cifar_format.h
 * @brief CIFAR-10's binary batch format, decoded from bytes.
 *
 * A batch file (data_batch_1.bin ... data_batch_5.bin, test_batch.bin) is a
 * sequence of 3073-byte records: one label byte (0-9), then the 32x32 red
 * plane, the green plane and the blue plane, each row by row. The loader
 * hands out samples as height x width x channels (Keras channels_last), so
 * decoding moves the planes into pixel-interleaved order.
 *
 * Knows nothing about files or the host, so tests and fuzzers can feed it bytes.
 */
#ifndef DNNR_CIFAR_FORMAT_H
#define DNNR_CIFAR_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#define CIFAR_SIDE 32u
#define CIFAR_CHANNELS 3u
#define CIFAR_PIXELS (CIFAR_SIDE * CIFAR_SIDE * CIFAR_CHANNELS) /* 3072 */
#define CIFAR_RECORD_BYTES (1u + CIFAR_PIXELS)                 /* 3073 */
#define CIFAR_CLASSES 10u

/**
 * Decode @p n records from @p bytes: pixels into @p x (n x 32 x 32 x 3,
 * divided by 255 when @p normalise), labels into @p labels (n).
 * Returns the index of the first record whose label is not 0-9 (its label
 * in *bad_label), or n when all are good.
 */
uint64_t cifar_decode(const uint8_t *bytes, uint64_t n, int normalise, float *x, uint8_t *labels,
                      uint8_t *bad_label);

#endif
