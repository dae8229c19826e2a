/* The lint's driver: resolve the configuration, build the view the rules
 * share (shapes, fans, the activation that follows each layer, the output
 * layer), summarise the data, run the rule groups and sort the findings. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/keras.h"
#include "lint/lint_internal.h"
#include "util/alloc.h"

int dnnr__lint_is_weighted(dnnr_layer_kind kind)
{
    return kind == DNNR_LAYER_DENSE || kind == DNNR_LAYER_CONV2D;
}

const char *dnnr__lint_act_name(dnnr_activation a)
{
    const char *name = dnnr__keras_activation_name(a);
    return name ? name : "?";
}

const char *dnnr__lint_units_key(const dnnr_layer_spec *L)
{
    return L->kind == DNNR_LAYER_CONV2D ? "filters" : "units";
}

static int by_confidence(const void *a, const void *b)
{
    const dnnr_lint_finding *x = a, *y = b;
    if (x->confidence != y->confidence)
        return x->confidence > y->confidence ? -1 : 1;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    return strcmp(x->rule, y->rule);
}

void dnnr__lint_report_sort(dnnr_lint_report *r)
{
    if (r->n > 1)
        qsort(r->findings, r->n, sizeof *r->findings, by_confidence);
}

void dnnr__lint_report_clear(dnnr_lint_report *r)
{
    if (!r)
        return;
    dnnr__free(r->findings);
    r->findings = NULL;
    r->n = 0;
}

/* The template field behind spec layer @p spec_layer's @p key. */
static int field_of(const lint_ctx *c, int32_t spec_layer, const char *key, int32_t *tlayer,
                    dnnr_template_field *f)
{
    *tlayer = spec_layer >= 0 ? (int32_t)c->spec->layers[spec_layer].template_layer : -1;
    if (spec_layer < -1 || !key)
        return -1;
    return dnnr__model_template_field(c->t, *tlayer, key, f) == DNNR_OK ? 0 : -1;
}

void dnnr__lint_where_add(lint_where *w, const lint_ctx *c, int32_t spec_layer, const char *key)
{
    int32_t tl;
    dnnr_template_field f;
    if (field_of(c, spec_layer, key, &tl, &f) != 0)
        return;
    /* A pinned parameter is as fixed as a literal for a searcher; the
     * message names it, since the fix (and --config) may still change it. */
    int pinned = f.param && dnnr__subject_pinned(c->s, f.param);
    if (!f.param || pinned) {
        if (!w->literal) {
            w->literal = key;
            w->pinned = pinned ? f.param : NULL;
        }
        return;
    }
    for (uint32_t i = 0; i < w->n; i++)
        if (strcmp(w->params[i], f.param) == 0)
            return;
    if (w->n < 4)
        w->params[w->n++] = f.param;
}

void dnnr__lint_where_init(lint_where *w, const lint_ctx *c, int32_t spec_layer, const char *key)
{
    memset(w, 0, sizeof *w);
    w->layer = -1;
    if (spec_layer == -2)
        return; /* the data set: no template line */
    int32_t tl;
    dnnr_template_field f;
    if (field_of(c, spec_layer, key, &tl, &f) == 0) {
        w->layer = tl;
        w->line = f.line;
    } else {
        w->layer = tl;
        w->line = dnnr__model_template_line(c->t, tl);
    }
    dnnr__lint_where_add(w, c, spec_layer, key);
}

void dnnr__lint_add(lint_ctx *c, const char *rule, double confidence, const lint_where *w,
              const char *fmt, ...)
{
    if (c->failed)
        return;
    confidence = confidence < 0.0 ? 0.0 : confidence > 1.0 ? 1.0 : confidence;
    dnnr_lint_finding *f = NULL;
    for (size_t i = 0; i < c->report->n; i++) {
        dnnr_lint_finding *g = &c->report->findings[i];
        if (strcmp(g->rule, rule) == 0 && g->layer == w->layer && g->line == w->line) {
            if (g->confidence >= confidence)
                return;
            f = g; /* a more confident copy of the same finding replaces it */
            break;
        }
    }
    if (!f) {
        if (c->report->n == c->cap) {
            size_t cap = c->cap ? 2 * c->cap : 16;
            dnnr_lint_finding *grown = dnnr__realloc(c->report->findings, cap * sizeof *grown);
            if (!grown) {
                c->failed = 1;
                return;
            }
            c->report->findings = grown;
            c->cap = cap;
        }
        f = &c->report->findings[c->report->n++];
    }
    memset(f, 0, sizeof *f);
    f->rule = rule;
    f->confidence = confidence;
    f->line = w->line;
    f->layer = w->layer;
    for (uint32_t i = 0; i < w->n; i++)
        snprintf(f->params[f->n_params++], sizeof f->params[0], "%s", w->params[i]);
    char suffix[128] = "";
    if (w->n == 0 && w->pinned)
        snprintf(suffix, sizeof suffix,
                 " ('%s' is the pinned parameter '%s', not searched: outside the search space)",
                 w->literal, w->pinned);
    else if (w->n == 0 && w->literal)
        snprintf(suffix, sizeof suffix, " ('%s' is fixed in the template: outside the search space)",
                 w->literal);
    /* The body gives way to the suffix: it says why no parameter is named. */
    const size_t room = sizeof f->message - strlen(suffix);
    va_list ap;
    va_start(ap, fmt);
    int used = vsnprintf(f->message, room, fmt, ap);
    va_end(ap);
    if (used < 0)
        f->message[0] = 0;
    else if ((size_t)used >= room && room > 4)
        memcpy(f->message + room - 4, "...", 4);
    strcat(f->message, suffix);
}

/* Shapes, fans and weight counts, layer by layer (Keras' conventions). */
static void walk_shapes(lint_ctx *c)
{
    int known = c->data.present && c->data.in_rank != 0;
    uint32_t rank = known ? c->data.in_rank : 1;
    int64_t shape[3] = {c->data.in_shape[0], c->data.in_shape[1], c->data.in_shape[2]};
    int64_t side = 0;
    for (uint32_t i = 0; i < c->spec->n_layers; i++) {
        const dnnr_layer_spec *L = &c->spec->layers[i];
        lint_layer *v = &c->layers[i];
        v->fan_in = v->fan_out = v->n_weights = -1;
        int64_t area = L->kernel[0] * L->kernel[1];
        switch (L->kind) {
        case DNNR_LAYER_DENSE: {
            int64_t in = !known ? -1 : rank == 1 ? shape[0] : shape[2];
            v->fan_in = in;
            v->fan_out = L->units;
            v->n_weights = in >= 0 ? in * L->units : -1;
            if (rank == 1 || !known) {
                rank = 1;
                shape[0] = L->units;
                known = 1;
            } else {
                shape[2] = L->units;
            }
            break;
        }
        case DNNR_LAYER_CONV2D:
        case DNNR_LAYER_MAX_POOL2D:
        case DNNR_LAYER_AVG_POOL2D: {
            int conv = L->kind == DNNR_LAYER_CONV2D;
            if (conv) {
                v->fan_out = area * L->units;
                if (known && rank == 3) {
                    v->fan_in = area * shape[2];
                    v->n_weights = area * shape[2] * L->units;
                }
            }
            if (!known || rank != 3) {
                known = 0;
                break;
            }
            for (int d = 0; d < 2; d++) {
                int64_t s = L->strides[d] > 0 ? L->strides[d] : 1;
                shape[d] = L->same_padding ? (shape[d] + s - 1) / s
                           : shape[d] >= L->kernel[d] ? (shape[d] - L->kernel[d]) / s + 1 : 0;
            }
            if (conv)
                shape[2] = L->units;
            break;
        }
        case DNNR_LAYER_FLATTEN:
            if (known && rank == 3) {
                shape[0] = shape[0] * shape[1] * shape[2];
                rank = 1;
            }
            break;
        case DNNR_LAYER_INPUT: /* the template states the main input's shape */
            rank = (uint32_t)L->shape_rank;
            memcpy(shape, L->shape, sizeof shape);
            side = L->side;
            known = 1;
            break;
        case DNNR_LAYER_CONCATENATE:
            if (known && rank == 1)
                shape[0] += side;
            break;
        default:
            break;
        }
        v->known = known;
        v->out_rank = rank;
        memcpy(v->out, shape, sizeof shape);
        /* A map that shrank to nothing stops the walk: later shapes would only repeat it. */
        if (known && rank == 3 && (shape[0] <= 0 || shape[1] <= 0)) {
            known = 0;
        }
    }
}

/* The activation each layer hands on, and the model's output. */
static void find_activations(lint_ctx *c)
{
    const dnnr_model_spec *spec = c->spec;
    c->out_layer = -1;
    for (uint32_t i = 0; i < spec->n_layers; i++) {
        const dnnr_layer_spec *L = &spec->layers[i];
        lint_layer *v = &c->layers[i];
        v->act_layer = (int32_t)i;
        v->eff_act = L->kind == DNNR_LAYER_ACTIVATION || dnnr__lint_is_weighted(L->kind) ? L->activation
                                                                                   : DNNR_ACT_LINEAR;
        if (dnnr__lint_is_weighted(L->kind)) {
            c->out_layer = (int32_t)i;
            for (uint32_t j = i + 1; v->eff_act == DNNR_ACT_LINEAR && j < spec->n_layers; j++) {
                dnnr_layer_kind kind = spec->layers[j].kind;
                if (kind == DNNR_LAYER_ACTIVATION) {
                    if (spec->layers[j].activation != DNNR_ACT_LINEAR) {
                        v->eff_act = spec->layers[j].activation;
                        v->act_layer = (int32_t)j;
                    }
                } else if (kind != DNNR_LAYER_DROPOUT && kind != DNNR_LAYER_FLATTEN &&
                           kind != DNNR_LAYER_BATCH_NORM) {
                    break;
                }
            }
        }
    }
    c->k = 0;
    c->out_act = DNNR_ACT_LINEAR;
    c->out_act_layer = c->out_layer;
    if (c->out_layer >= 0) {
        c->k = spec->layers[c->out_layer].units;
        c->out_act = c->layers[c->out_layer].eff_act;
        c->out_act_layer = c->layers[c->out_layer].act_layer;
        /* An activation layer further on (after a pool, say) still shapes the output. */
        for (uint32_t j = (uint32_t)c->out_layer + 1; j < spec->n_layers; j++)
            if (spec->layers[j].kind == DNNR_LAYER_ACTIVATION &&
                spec->layers[j].activation != DNNR_ACT_LINEAR && (int32_t)j > c->out_act_layer) {
                c->out_act = spec->layers[j].activation;
                c->out_act_layer = (int32_t)j;
            }
    }
}

int dnnr__lint_run(const dnnr_subject *s, const struct dnnr_model_template *t,
                   const dnnr_dataset *data, const dnnr_value *config, dnnr_lint_report *out,
                   dnnr_error *err)
{
    memset(out, 0, sizeof *out);
    if (!s || !t || !config)
        return dnnr__error_set(err, DNNR_EINVAL, "lint: a subject, its template and a configuration are required");
    dnnr_model_spec *spec = NULL;
    int rc = dnnr__model_resolve(t, s->space, config, &spec, err);
    if (rc)
        return rc;
    lint_ctx c;
    memset(&c, 0, sizeof c);
    c.s = s;
    c.t = t;
    c.spec = spec;
    c.report = out;
    c.layers = dnnr__alloc(spec->n_layers ? spec->n_layers : 1, sizeof *c.layers);
    if (!c.layers) {
        dnnr__model_spec_destroy(spec);
        return dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
    }
    dnnr__lint_data_summarise(data, spec->validation_split, &c.data);
    walk_shapes(&c);
    find_activations(&c);
    dnnr__lint_rules_output(&c);
    dnnr__lint_rules_layers(&c);
    dnnr__lint_rules_training(&c);
    dnnr__free(c.layers);
    dnnr__model_spec_destroy(spec);
    if (c.failed) {
        dnnr__lint_report_clear(out);
        return dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
    }
    dnnr__lint_report_sort(out);
    return DNNR_OK;
}
