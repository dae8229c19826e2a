/* Per-parameter hints for searchers (dnnr_param_hint, SDK 1.1): what each
 * parameter of the search space sets in the template, and how strongly the
 * lint suspects its faulty value. */
#include <stdio.h>
#include <string.h>

#include "engine/template.h"
#include "lint/lint.h"
#include "util/alloc.h"

struct dnnr_lint_hints {
    uint32_t n;
    dnnr_param_hint *hints;
    const dnnr_param_hint **array;
    char **reasons;
};

static const char *role_of_key(const char *key)
{
    static const struct {
        const char *key, *role;
    } map[] = {
        {"activation", "activation"}, {"kernel_initializer", "kernel_initializer"},
        {"bias_initializer", "bias_initializer"}, {"kernel_regularizer", "regularizer"},
        {"loss", "loss"}, {"optimizer", "optimizer"}, {"lr", "lr"},
        {"batch_size", "batch_size"}, {"epochs", "epochs"}, {"repeat", "layers"},
        {"units", "units"}, {"filters", "units"}, {"rate", "rate"},
        {"kernel_size", "shape"}, {"pool_size", "shape"}, {"strides", "shape"},
        {"padding", "shape"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i].key, key) == 0)
            return map[i].role;
    return "other";
}

const char *dnnr__lint_param_role(const struct dnnr_model_template *t, const char *name)
{
    const char *role = NULL;
    uint32_t n = dnnr__model_template_n_layers(t);
    for (int32_t layer = -1; layer < (int32_t)n; layer++) {
        int training;
        const char *key;
        for (size_t i = 0; (key = dnnr__model_template_key(i, &training)); i++) {
            if (training != (layer == -1))
                continue;
            const char *ref = dnnr__model_template_ref(t, layer, key);
            if (!ref || strcmp(ref, name) != 0)
                continue;
            const char *r = role_of_key(key);
            if (role && strcmp(role, r) != 0)
                return "other"; /* set in fields of different kinds */
            role = r;
        }
    }
    return role ? role : "unused";
}

void dnnr__lint_hints_free(dnnr_lint_hints *h)
{
    if (!h)
        return;
    for (uint32_t i = 0; h->reasons && i < h->n; i++)
        dnnr__free(h->reasons[i]);
    dnnr__free(h->reasons);
    dnnr__free(h->hints);
    dnnr__free(h->array);
    dnnr__free(h);
}

const dnnr_param_hint *const *dnnr__lint_hints_array(const dnnr_lint_hints *h)
{
    return h ? h->array : NULL;
}

/* Append @p rule to @p list unless it is there already. */
static int add_reason(char **list, const char *rule)
{
    size_t len = *list ? strlen(*list) : 0, rl = strlen(rule);
    for (const char *p = *list; p && (p = strstr(p, rule)); p += rl)
        if ((p == *list || p[-1] == ',') && (p[rl] == ',' || p[rl] == 0))
            return DNNR_OK;
    char *grown = dnnr__realloc(*list, len + rl + 2);
    if (!grown)
        return DNNR_ENOMEM;
    if (len)
        grown[len++] = ',';
    memcpy(grown + len, rule, rl + 1);
    *list = grown;
    return DNNR_OK;
}

int dnnr__lint_hints_make(const dnnr_subject *s, const struct dnnr_model_template *t,
                          const dnnr_dataset *data, dnnr_lint_hints **out, dnnr_error *err)
{
    *out = NULL;
    if (!s || !t || !s->search_space || !s->faulty)
        return dnnr__error_set(err, DNNR_EINVAL, "lint hints: a data-set subject and its template are required");
    dnnr_lint_report report;
    int rc = dnnr__lint_run(s, t, data, s->faulty, &report, err);
    if (rc) {
        dnnr__lint_report_clear(&report);
        return rc;
    }
    const dnnr_space *space = s->search_space;
    dnnr_lint_hints *h = dnnr__alloc(1, sizeof *h);
    if (h) {
        h->n = space->n_params;
        h->hints = dnnr__alloc(h->n + 1, sizeof *h->hints);
        h->array = dnnr__alloc(h->n + 1, sizeof *h->array);
        h->reasons = dnnr__alloc(h->n + 1, sizeof *h->reasons);
    }
    rc = (!h || !h->hints || !h->array || !h->reasons) ? DNNR_ENOMEM : DNNR_OK;
    for (uint32_t p = 0; rc == DNNR_OK && p < h->n; p++) {
        const char *name = space->params[p]->name;
        dnnr_param_hint *hint = &h->hints[p];
        hint->struct_size = sizeof *hint;
        hint->role = dnnr__lint_param_role(t, name);
        /* Findings are sorted by confidence: the first naming p is the highest. */
        for (size_t f = 0; rc == DNNR_OK && f < report.n; f++)
            for (uint32_t q = 0; q < report.findings[f].n_params; q++)
                if (strcmp(report.findings[f].params[q], name) == 0) {
                    if (report.findings[f].confidence > hint->suspicion)
                        hint->suspicion = report.findings[f].confidence;
                    rc = add_reason(&h->reasons[p], report.findings[f].rule);
                    break;
                }
        if (rc == DNNR_OK && !h->reasons[p] && !(h->reasons[p] = dnnr__strdup("")))
            rc = DNNR_ENOMEM;
        hint->reasons = h->reasons[p];
        h->array[p] = hint;
    }
    dnnr__lint_report_clear(&report);
    if (rc) {
        dnnr__lint_hints_free(h);
        return dnnr__error_set(err, rc, "out of memory");
    }
    *out = h;
    return DNNR_OK;
}
