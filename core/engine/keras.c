/* Name tables for the Keras vocabulary. Aliases are the ones TF 2.3 accepts
 * through keras.losses.get / keras.activations.get / keras.optimizers.get,
 * plus the benchmark scripts' own names ('None', 'normal', 'RandomNormal',
 * 'initialiser_*', 'angle_loss_fn'). */
#include <string.h>

#include "engine/keras.h"

typedef struct entry {
    const char *name;
    int value;
} entry;

static const entry activations[] = {
    {"linear", DNNR_ACT_LINEAR},     {"None", DNNR_ACT_LINEAR},
    {"relu", DNNR_ACT_RELU},         {"elu", DNNR_ACT_ELU},
    {"selu", DNNR_ACT_SELU},         {"softplus", DNNR_ACT_SOFTPLUS},
    {"softsign", DNNR_ACT_SOFTSIGN}, {"tanh", DNNR_ACT_TANH},
    {"sigmoid", DNNR_ACT_SIGMOID},   {"hard_sigmoid", DNNR_ACT_HARD_SIGMOID},
    {"exponential", DNNR_ACT_EXPONENTIAL}, {"softmax", DNNR_ACT_SOFTMAX},
    {NULL, 0}};

static const entry losses[] = {
    {"mean_squared_error", DNNR_LOSS_MSE},
    {"mse", DNNR_LOSS_MSE},
    {"mean_absolute_error", DNNR_LOSS_MAE},
    {"mae", DNNR_LOSS_MAE},
    {"mean_absolute_percentage_error", DNNR_LOSS_MAPE},
    {"mape", DNNR_LOSS_MAPE},
    {"mean_squared_logarithmic_error", DNNR_LOSS_MSLE},
    {"msle", DNNR_LOSS_MSLE},
    {"squared_hinge", DNNR_LOSS_SQUARED_HINGE},
    {"hinge", DNNR_LOSS_HINGE},
    {"categorical_hinge", DNNR_LOSS_CATEGORICAL_HINGE},
    {"logcosh", DNNR_LOSS_LOGCOSH},
    {"log_cosh", DNNR_LOSS_LOGCOSH},
    {"categorical_crossentropy", DNNR_LOSS_CATEGORICAL_CE},
    {"sparse_categorical_crossentropy", DNNR_LOSS_SPARSE_CATEGORICAL_CE},
    {"binary_crossentropy", DNNR_LOSS_BINARY_CE},
    {"kullback_leibler_divergence", DNNR_LOSS_KLD},
    {"kld", DNNR_LOSS_KLD},
    {"poisson", DNNR_LOSS_POISSON},
    {"angle_loss_fn", DNNR_LOSS_ANGLE},
    {NULL, 0}};

static const entry optimizers[] = {
    {"sgd", DNNR_UPDATE_SGD},         {"rmsprop", DNNR_UPDATE_RMSPROP},
    {"adagrad", DNNR_UPDATE_ADAGRAD}, {"adadelta", DNNR_UPDATE_ADADELTA},
    {"adam", DNNR_UPDATE_ADAM},       {"adamax", DNNR_UPDATE_ADAMAX},
    {"nadam", DNNR_UPDATE_NADAM},     {NULL, 0}};

static const entry initializers[] = {
    {"zeros", DNNR_INIT_ZEROS},
    {"ones", DNNR_INIT_ONES},
    {"constant", DNNR_INIT_CONSTANT},
    {"random_normal", DNNR_INIT_RANDOM_NORMAL},
    {"random_uniform", DNNR_INIT_RANDOM_UNIFORM},
    {"truncated_normal", DNNR_INIT_TRUNCATED_NORMAL},
    {"orthogonal", DNNR_INIT_ORTHOGONAL},
    {"lecun_uniform", DNNR_INIT_LECUN_UNIFORM},
    {"glorot_normal", DNNR_INIT_GLOROT_NORMAL},
    {"glorot_uniform", DNNR_INIT_GLOROT_UNIFORM},
    {"he_normal", DNNR_INIT_HE_NORMAL},
    {"lecun_normal", DNNR_INIT_LECUN_NORMAL},
    {"he_uniform", DNNR_INIT_HE_UNIFORM},
    {"normal", DNNR_INIT_RANDOM_NORMAL},
    {"RandomNormal", DNNR_INIT_NORMAL_1},
    {"initialiser_normal", DNNR_INIT_NORMAL_0_1},
    {"initialiser_const", DNNR_INIT_CONSTANT},
    {"initialiser_xavier", DNNR_INIT_GLOROT_NORMAL},
    {NULL, 0}};

static const entry regularizers[] = {{"None", DNNR_REG_NONE}, {"none", DNNR_REG_NONE},
                                     {"l1", DNNR_REG_L1},     {"l2", DNNR_REG_L2},
                                     {"l1_l2", DNNR_REG_L1_L2}, {NULL, 0}};

static int lookup(const entry *table, const char *name, int *out)
{
    if (!name)
        return -1;
    for (const entry *e = table; e->name; e++)
        if (strcmp(e->name, name) == 0) {
            *out = e->value;
            return 0;
        }
    return -1;
}

static const char *name_of(const entry *table, int value)
{
    for (const entry *e = table; e->name; e++)
        if (e->value == value)
            return e->name;
    return "?";
}

#define LOOKUP(fn, table, type)                                                                \
    int fn(const char *name, type *out)                                                        \
    {                                                                                          \
        int v;                                                                                 \
        if (lookup(table, name, &v) != 0)                                                      \
            return -1;                                                                         \
        *out = (type)v;                                                                        \
        return 0;                                                                              \
    }

LOOKUP(dnnr__keras_activation, activations, dnnr_activation)
LOOKUP(dnnr__keras_loss, losses, dnnr_loss)
LOOKUP(dnnr__keras_optimizer, optimizers, dnnr_optimizer)
LOOKUP(dnnr__keras_initializer, initializers, dnnr_initializer)
LOOKUP(dnnr__keras_regularizer, regularizers, dnnr_regularizer)

const char *dnnr__keras_activation_name(dnnr_activation a) { return name_of(activations, a); }
const char *dnnr__keras_loss_name(dnnr_loss l) { return name_of(losses, l); }
const char *dnnr__keras_optimizer_name(dnnr_optimizer o) { return name_of(optimizers, o); }
const char *dnnr__keras_initializer_name(dnnr_initializer i) { return name_of(initializers, i); }

const char *dnnr__keras_names(const char *what)
{
    if (strcmp(what, "activation") == 0)
        return "linear, None, relu, elu, selu, softplus, softsign, tanh, sigmoid, hard_sigmoid, "
               "exponential, softmax";
    if (strcmp(what, "loss") == 0)
        return "mean_squared_error (mse), mean_absolute_error (mae), "
               "mean_absolute_percentage_error (mape), mean_squared_logarithmic_error (msle), "
               "squared_hinge, hinge, categorical_hinge, logcosh, categorical_crossentropy, "
               "sparse_categorical_crossentropy, binary_crossentropy, "
               "kullback_leibler_divergence (kld), poisson, angle_loss_fn";
    if (strcmp(what, "optimizer") == 0)
        return "sgd, rmsprop, adagrad, adadelta, adam, adamax, nadam";
    if (strcmp(what, "initializer") == 0)
        return "zeros, ones, constant, random_normal, random_uniform, truncated_normal, "
               "orthogonal, lecun_uniform, glorot_normal, glorot_uniform, he_normal, "
               "lecun_normal, he_uniform, normal, RandomNormal, initialiser_normal, "
               "initialiser_const, initialiser_xavier";
    if (strcmp(what, "regularizer") == 0)
        return "None, l1, l2, l1_l2";
    return "";
}
