/* The choice lists of the D1-like test spaces (test_autotrainer_space.h,
 * test_focus.c): Keras activation, initialiser and optimiser names in the
 * benchmark's order, batch sizes and epochs as numeric strings; and CAT(),
 * a categorical parameter over one of them. Tests index into these lists
 * (5 = relu, 9 = glorot_uniform), so the order is part of the fixture. */
#ifndef TEST_D1_CHOICES_H
#define TEST_D1_CHOICES_H

#include <dnnrepair/dnnrepair.h>

static const char *const acts[] = {"elu",  "softmax", "selu",    "softplus",     "softsign",
                                   "relu", "tanh",    "sigmoid", "hard_sigmoid", "exponential",
                                   "linear"};
static const char *const inits[] = {"zeros",         "ones",           "constant",
                                    "random_normal", "random_uniform", "truncated_normal",
                                    "orthogonal",    "lecun_uniform",  "glorot_normal",
                                    "glorot_uniform", "he_normal",     "lecun_normal",
                                    "he_uniform"};
static const char *const opts[] = {"sgd", "rmsprop", "adagrad", "adadelta", "adam", "adamax",
                                   "nadam"};
static const char *const batches[] = {"16", "32", "64", "128", "256", "512"};
static const char *const epochs[] = {"1", "2", "10"};

#define CAT(n, ch) {sizeof(dnnr_param), n, DNNR_PARAM_CATEGORICAL, 0, 0, 0, \
                    sizeof(ch) / sizeof(ch[0]), ch, {0}}

#endif
