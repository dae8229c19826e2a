/* Model templates: the `model` list and `training` group of a subject file,
 * whose fields may name hyperparameters ("$act1"), and their resolution into
 * a dnnr_model_spec for one configuration.
 *
 * Format (Keras names and defaults):
 *   model = (
 *     { type = "dense"; units = 50; activation = "linear";
 *       kernel_initializer = "$ki1"; bias_initializer = "$bi1";
 *       kernel_regularizer = "l1"; use_bias = true; repeat = "$layer2"; },
 *     { type = "conv2d"; filters = 32; kernel_size = [3, 3]; strides = [1, 1];
 *       padding = "valid"; activation = "relu"; },
 *     { type = "max_pooling2d"; pool_size = [2, 2]; },  # strides = pool_size
 *     { type = "average_pooling2d"; pool_size = [2, 2]; padding = "valid"; },
 *     { type = "activation"; activation = "$act1"; },
 *     { type = "dropout"; rate = 0.2; },
 *     { type = "flatten"; },
 *     { type = "batch_normalization"; momentum = 0.99; epsilon = 0.001; }
 *   );
 *
 * Two-input models (Keras' functional API with a second Input joined by
 * Concatenate) read each sample row as the main input followed by `side`
 * features; the first layer says so and a later one joins them:
 *     { type = "input"; shape = [36, 60, 1]; side = 2; },   # first layer only
 *     ...,
 *     { type = "concatenate"; side_first = true; },         # [side, x] (false: [x, side])
 * `input` without `side` reshapes the rows (Keras Reshape on the input).
 *   training = { loss = "$loss"; optimizer = "$optimizer"; lr = "$lr";
 *                batch_size = "$batch_size"; epochs = "$epochs";
 *                validation_split = 0.0; shuffle = true; };
 *
 * Every field may be a literal or "$name". Resolution substitutes the
 * configuration's value (categorical: its choice string; integer; float) and
 * converts it to the field's type: "32" becomes 32 for batch_size, an integer
 * 3 becomes [3, 3] for kernel_size ("3,3" and "3x3" also work). `repeat`
 * (default 1) gives 0..n copies of the layer. Defaults: dense/conv activation
 * linear, kernel glorot_uniform, bias zeros, no regulariser, use_bias true;
 * conv strides 1 and padding valid; pool strides = pool_size; lr 0.01 for sgd
 * and 0.001 otherwise; validation_split 0; shuffle true. Unknown keys, wrong
 * types and unknown names are errors naming file:line and what was expected.
 * Well-typed values that Keras rejects when building (0 units, a pool larger
 * than its input) resolve fine: the engine reports them as invalid trials. */
#ifndef DNNR_ENGINE_TEMPLATE_H
#define DNNR_ENGINE_TEMPLATE_H

#include <libconfig.h>

#include <dnnrepair/space.h>

#include "engine/spec.h"
#include "util/error.h"

typedef struct dnnr_model_template dnnr_model_template;

/** Parse; @p model is the `model` list, @p training the `training` group. */
int dnnr__model_template_parse(const config_setting_t *model, const config_setting_t *training,
                               const char *file, dnnr_model_template **out, dnnr_error *err);
void dnnr__model_template_destroy(dnnr_model_template *t);

/**
 * Check the template against @p space: every "$name" names a parameter, and
 * every value that parameter can take converts to the field (each choice of
 * a categorical is tried). Errors name the field's file:line.
 */
int dnnr__model_template_check(const dnnr_model_template *t, const dnnr_space *space,
                               dnnr_error *err);

/** The spec for @p config (space->n_params values); free with dnnr__model_spec_destroy. */
int dnnr__model_resolve(const dnnr_model_template *t, const dnnr_space *space,
                        const dnnr_value *config, dnnr_model_spec **out, dnnr_error *err);

/* Introspection, for tools that map a resolved spec back to the template
 * and the space (the lint): which parameter a field references. Layers are
 * numbered from 0 in template order (before repeats); a resolved layer's
 * `template_layer` is that index. Layer -1 is the `training` group. */

/** What one template field holds. */
typedef struct dnnr_template_field {
    int present;       /**< the field is written in the file (else the Keras default applies) */
    uint32_t line;     /**< its line; the layer's (or training group's) line when absent */
    const char *param; /**< the referenced parameter ("$act1" gives "act1"), NULL for a literal or an absent field; owned by the template */
} dnnr_template_field;

/** Number of template layers (repeats not expanded). */
uint32_t dnnr__model_template_n_layers(const dnnr_model_template *t);
/** Line of template layer @p layer, or of the training group when @p layer is -1; 0 if out of range. */
uint32_t dnnr__model_template_line(const dnnr_model_template *t, int32_t layer);
/**
 * Field @p key (a key as written in subject files: "activation", "units",
 * "repeat", "lr", ...) of template layer @p layer, or of the training group
 * when @p layer is -1. DNNR_OK; DNNR_EINVAL (and *out zeroed) when the layer
 * is out of range or the key is not one of that layer kind's (or training's) keys.
 */
int dnnr__model_template_field(const dnnr_model_template *t, int32_t layer, const char *key,
                               dnnr_template_field *out);
/** The parameter field @p key of @p layer references, or NULL (literal, absent, unknown key). */
const char *dnnr__model_template_ref(const dnnr_model_template *t, int32_t layer, const char *key);
/**
 * The i-th key of the template vocabulary (layer keys first, then training
 * keys), NULL past the end; *training (when not NULL) is set for training keys.
 */
const char *dnnr__model_template_key(size_t i, int *training);

#endif
