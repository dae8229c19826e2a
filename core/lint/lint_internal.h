/* Internals of the lint, shared by lint.c (the driver and the model's
 * view), data.c (the data set's summary) and the rule files: rules_output.c
 * (output activation, loss, labels), rules_layers.c (initialisers, hidden
 * activations, dropout, regularisers, shapes) and rules_training.c
 * (optimiser, learning rate, epochs, batch size, input scale). */
#ifndef DNNR_LINT_INTERNAL_H
#define DNNR_LINT_INTERNAL_H

#include <stdint.h>

#include "engine/spec.h"
#include "engine/template.h"
#include "lint/lint.h"

/* What a resolved layer sees and makes. Shapes are unknown (known = 0)
 * upstream of the first dense layer when there is no data set. */
typedef struct lint_layer {
    int known;         /* out[] is known */
    uint32_t out_rank; /* 1 (features) or 3 (H, W, C) */
    int64_t out[3];
    int64_t fan_in, fan_out; /* Keras' fans of the kernel; -1 unknown */
    int64_t n_weights;       /* kernel weights; -1 unknown */
    /* The activation that follows this layer: its own, or that of the first
     * activation layer reached through dropout, flatten and batch norm. */
    dnnr_activation eff_act;
    int32_t act_layer; /* spec index of the layer that applies eff_act (itself when its own) */
} lint_layer;

/* The training part of the data set, summarised once. */
typedef struct lint_data {
    int present;
    uint64_t n_train;   /* rows */
    uint64_t n_fit;     /* rows fitted on (validation_split held out, as Keras) */
    uint32_t in_rank;   /* 1 or 3 */
    int64_t in_shape[3];
    double x_abs_max;
    double x_row_l1;    /* mean over rows of sum |x_i| */
    dnnr_target_kind target_kind;
    uint32_t y_dim, n_classes;
    /* Real targets. */
    double y_min, y_max, y_abs_mean, y_sq_mean;
    /* Shares of the target values below the lower ends of output ranges:
     * selu's -1.7581, -1 (elu, tanh, softsign) and 0; above 1. */
    double below_selu, below_m1, below_0, above_1;
    /* Classes (index or one-hot labels). */
    uint32_t classes_seen;
    double majority_share;
    double multi_hot_share; /* one-hot rows whose sum is not 1 */
} lint_data;

typedef struct lint_ctx {
    const dnnr_subject *s;
    const struct dnnr_model_template *t;
    const dnnr_model_spec *spec;
    lint_layer *layers; /* spec->n_layers */
    int32_t out_layer;  /* spec index of the last dense or conv layer; -1 when none */
    int64_t k;          /* its units (the model's outputs) */
    dnnr_activation out_act;
    int32_t out_act_layer; /* spec index of the layer that applies out_act */
    lint_data data;
    dnnr_lint_report *report;
    size_t cap;
    int failed; /* an allocation failed */
} lint_ctx;

/* Where a finding points and which parameters it names. */
typedef struct lint_where {
    int32_t layer;  /* template layer, -1 training or data */
    uint32_t line;
    uint32_t n;
    const char *params[4];
    const char *literal; /* the key of the first involved field that is a literal (or pinned) */
    const char *pinned;  /* the pinned parameter that field names, NULL for a literal */
} lint_where;

/* Point at field @p key of spec layer @p spec_layer (-1: the training group,
 * -2: the data set, no field). */
void dnnr__lint_where_init(lint_where *w, const lint_ctx *c, int32_t spec_layer, const char *key);
/* Name one more field's parameter (a literal is noted, absent is ignored). */
void dnnr__lint_where_add(lint_where *w, const lint_ctx *c, int32_t spec_layer, const char *key);
/* Add a finding; a finding naming no parameter says the fault lies outside
 * the search space. Findings of one rule on one template layer merge (the
 * copies of a repeated layer), keeping the most confident. */
void dnnr__lint_add(lint_ctx *c, const char *rule, double confidence, const lint_where *w,
              const char *fmt, ...) __attribute__((format(printf, 5, 6)));

int dnnr__lint_is_weighted(dnnr_layer_kind kind);
const char *dnnr__lint_act_name(dnnr_activation a);
/* The field holding a weighted layer's width: "units" or "filters". */
const char *dnnr__lint_units_key(const dnnr_layer_spec *L);

/* data.c */
void dnnr__lint_data_summarise(const dnnr_dataset *d, double validation_split, lint_data *out);

/* Rule groups. */
void dnnr__lint_rules_output(lint_ctx *c);
void dnnr__lint_rules_layers(lint_ctx *c);
void dnnr__lint_rules_training(lint_ctx *c);

#endif
