/**
 * @file cifar_substitute.h
 * @brief The offline stand-in for CIFAR-10: Fashion-MNIST made CIFAR-shaped.
 *
 * Debian's dataset-fashion-mnist package holds Fashion-MNIST as gzip IDX
 * files. Each 28x28 grey image is padded with 2 black pixels on every side
 * to 32x32 and its grey value copied into the 3 channels; its 10 classes
 * stand for CIFAR's 10. Only the first 50,000 training images are used, so
 * the train and test parts have CIFAR-10's sizes (50,000 and 10,000).
 */
#ifndef DNNR_CIFAR_SUBSTITUTE_H
#define DNNR_CIFAR_SUBSTITUTE_H

#include <dnnrepair/dnnrepair.h>

/** Where `apt-get install dataset-fashion-mnist` puts the files. */
#define CIFAR_SUBSTITUTE_DIR "/usr/share/datasets/fashion-mnist"
#define CIFAR_SUBSTITUTE_NOTE                                                                     \
    "substitute: Fashion-MNIST (Debian dataset-fashion-mnist) padded to 32x32 and copied to 3 "  \
    "channels, first 50000 train images, for CIFAR-10 (not downloadable offline)"
/** CIFAR-10's training set size, the cap on substitute training images. */
#define CIFAR_TRAIN_IMAGES 50000u

/**
 * Read train (@p part 0) or test (1) images and labels from @p dir into
 * host arrays: *x (n x 32 x 32 x 3) and *labels (n, 0-9); at most @p limit
 * images when it is not 0. Errors name the file.
 */
int cifar_substitute_read(const dnnr_host *host, const char *dir, int part, int normalise,
                          uint64_t limit, float **x, uint8_t **labels, uint64_t *n);

#endif
