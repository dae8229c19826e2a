/* Reading subject files. The space section is a list of parameter groups;
 * `faulty` must give every parameter, `fix` only those it changes. A
 * parameter marked `pinned = true` is one the study could not search (a
 * fault hard-coded in the model, such as R1's L1 regulariser): the template
 * may name it and the fix may change it, but searchers never see it. */
#include "config/subject.h"

#include <math.h>
#include <string.h>

#include "config/cfgutil.h"
#include "space/space.h"
#include "util/alloc.h"

static const char *const subject_keys[] = {
    "id", "description", "task", "metric", "dataset", "split", "space", "faulty", "fix", "model",
    "training", "provenance", "paper", "validated", "fidelity", NULL};
static const char *const fidelity_keys[] = {"kind", "min", "max", NULL};
static const char *const metric_keys[] = {"name", "direction", NULL};
static const char *const split_keys[] = {"test_size", "seed", NULL};
static const char *const param_keys[] = {"name", "type", "choices", "lo", "hi", "log", "default",
                                         "pinned", NULL};

const char *dnnr__task_name(dnnr_task task)
{
    switch (task) {
    case DNNR_TASK_ANALYTIC:
        return "analytic";
    case DNNR_TASK_CLASSIFICATION:
        return "classification";
    case DNNR_TASK_REGRESSION:
        return "regression";
    }
    return "?";
}

static int read_metric(dnnr_subject *s, dnnr_error *err)
{
    const config_setting_t *m = NULL;
    const char *direction = NULL;
    int rc = dnnr__cfg_member(config_root_setting(&s->cfg), "metric", CONFIG_TYPE_GROUP, 1, s->file,
                              &m, err);
    if (!rc)
        rc = dnnr__cfg_check_keys(m, s->file, "metric", metric_keys, err);
    if (!rc)
        rc = dnnr__cfg_string(m, "name", 1, s->file, &s->metric_name, err);
    if (!rc)
        rc = dnnr__cfg_string(m, "direction", 1, s->file, &direction, err);
    if (rc)
        return rc;
    if (strcmp(direction, "max") && strcmp(direction, "min"))
        return dnnr__cfg_error(err, DNNR_EINVAL, s->file, config_setting_get_member(m, "direction"),
                               "direction: expected \"max\" or \"min\", got \"%s\"", direction);
    s->maximise = strcmp(direction, "max") == 0;
    if (s->task == DNNR_TASK_ANALYTIC)
        s->metric_kind = DNNR_METRIC_ANALYTIC;
    else
        s->metric_kind = s->maximise ? DNNR_METRIC_ACCURACY : DNNR_METRIC_LOSS;
    return DNNR_OK;
}

static int read_task(dnnr_subject *s, dnnr_error *err)
{
    const char *task = NULL;
    int rc = dnnr__cfg_string(config_root_setting(&s->cfg), "task", 1, s->file, &task, err);
    if (rc)
        return rc;
    static const dnnr_task tasks[] = {DNNR_TASK_ANALYTIC, DNNR_TASK_CLASSIFICATION,
                                      DNNR_TASK_REGRESSION};
    for (size_t i = 0; i < sizeof tasks / sizeof tasks[0]; i++) {
        if (strcmp(task, dnnr__task_name(tasks[i])) == 0) {
            s->task = tasks[i];
            return DNNR_OK;
        }
    }
    return dnnr__cfg_error(err, DNNR_EINVAL, s->file,
                           config_setting_get_member(config_root_setting(&s->cfg), "task"),
                           "task: expected \"analytic\", \"classification\" or \"regression\", "
                           "got \"%s\"",
                           task);
}

static int read_split(dnnr_subject *s, dnnr_error *err)
{
    const config_setting_t *g = NULL;
    s->split_test_size = 0.2;
    s->split_seed = 42;
    int rc = dnnr__cfg_member(config_root_setting(&s->cfg), "split", CONFIG_TYPE_GROUP, 0, s->file,
                              &g, err);
    if (rc || !g)
        return rc;
    rc = dnnr__cfg_check_keys(g, s->file, "split", split_keys, err);
    if (!rc)
        rc = dnnr__cfg_float(g, "test_size", 0, s->file, &s->split_test_size, err);
    if (!rc)
        rc = dnnr__cfg_int(g, "seed", 0, s->file, &s->split_seed, err);
    if (!rc && !(s->split_test_size > 0 && s->split_test_size < 1))
        rc = dnnr__cfg_error(err, DNNR_EINVAL, s->file, g, "split.test_size: expected a number in "
                             "(0, 1), got %g", s->split_test_size);
    return rc;
}

/* One entry of `space`: { name; type; choices | lo, hi, log; default; pinned }.
 * Only entries whose `pinned` equals @p pinned are added (the first pass
 * adds the searched parameters, the second the pinned ones). */
static int read_param(dnnr_subject *s, const config_setting_t *g, int pinned, dnnr_error *err)
{
    const char *name = NULL, *type = NULL;
    int is_pinned = 0;
    int rc = dnnr__cfg_check_keys(g, s->file, "a space parameter", param_keys, err);
    if (!rc)
        rc = dnnr__cfg_string(g, "name", 1, s->file, &name, err);
    if (!rc)
        rc = dnnr__cfg_string(g, "type", 1, s->file, &type, err);
    if (!rc)
        rc = dnnr__cfg_bool(g, "pinned", 0, s->file, &is_pinned, err);
    if (rc || is_pinned != pinned)
        return rc;
    dnnr_param p = {.struct_size = sizeof p, .name = name};
    char **choices = NULL;
    int n = 0;
    if (strcmp(type, "categorical") == 0) {
        const config_setting_t *list = config_setting_get_member(g, "choices");
        int t = list ? config_setting_type(list) : CONFIG_TYPE_NONE;
        if (t != CONFIG_TYPE_ARRAY && t != CONFIG_TYPE_LIST)
            return dnnr__cfg_error(err, DNNR_EINVAL, s->file, list ? list : g,
                                   "parameter '%s': expected choices = [ ... ]", name);
        n = config_setting_length(list);
        choices = dnnr__alloc((size_t)n + 1, sizeof *choices);
        if (!choices)
            return dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
        for (int i = 0; i < n && !rc; i++) {
            char text[256];
            if (dnnr__cfg_scalar_text(config_setting_get_elem(list, (unsigned)i), text, sizeof text))
                rc = dnnr__cfg_error(err, DNNR_EINVAL, s->file, list,
                                     "parameter '%s': choice %d is not a scalar", name, i);
            else if (!(choices[i] = dnnr__strdup(text)))
                rc = dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
        }
        p.kind = DNNR_PARAM_CATEGORICAL;
        p.n_choices = (uint32_t)n;
        p.choices = (const char *const *)choices;
    } else if (strcmp(type, "integer") == 0 || strcmp(type, "float") == 0) {
        int log = 0;
        p.kind = type[0] == 'i' ? DNNR_PARAM_INTEGER : DNNR_PARAM_FLOAT;
        rc = dnnr__cfg_float(g, "lo", 1, s->file, &p.lo, err);
        if (!rc)
            rc = dnnr__cfg_float(g, "hi", 1, s->file, &p.hi, err);
        if (!rc)
            rc = dnnr__cfg_bool(g, "log", 0, s->file, &log, err);
        p.log = (uint32_t)log;
        if (p.kind == DNNR_PARAM_INTEGER)
            p.default_value.i = (int64_t)p.lo;
        else
            p.default_value.f = p.lo;
    } else {
        return dnnr__cfg_error(err, DNNR_EINVAL, s->file, config_setting_get_member(g, "type"),
                               "parameter '%s': type: expected \"categorical\", \"integer\" or "
                               "\"float\", got \"%s\"",
                               name, type);
    }
    const config_setting_t *dflt = config_setting_get_member(g, "default");
    if (!rc && dflt) {
        char text[256];
        if (dnnr__cfg_scalar_text(dflt, text, sizeof text) ||
            dnnr__value_parse(&p, text, &p.default_value, err))
            rc = dnnr__cfg_error(err, DNNR_EINVAL, s->file, dflt,
                                 "parameter '%s': default: expected a value of its domain", name);
    }
    if (!rc) {
        rc = dnnr__space_add_param(s->space, &p, err);
        if (rc)
            dnnr__error_prefix(err, "%s:%d", s->file, dnnr__cfg_line(g));
    }
    for (int i = 0; i < n && choices; i++)
        dnnr__free(choices[i]);
    dnnr__free(choices);
    return rc;
}

/* A group of name = value pairs over the space: `faulty` (complete) or `fix`. */
static int read_values(dnnr_subject *s, const char *key, int complete, dnnr_value **out,
                       dnnr_error *err)
{
    const config_setting_t *g = NULL;
    int rc = dnnr__cfg_member(config_root_setting(&s->cfg), key, CONFIG_TYPE_GROUP, complete,
                              s->file, &g, err);
    if (rc || !g)
        return rc;
    uint32_t n = s->space->n_params;
    dnnr_value *values = dnnr__alloc(n + 1, sizeof *values);
    uint8_t *seen = dnnr__alloc(n + 1, 1);
    if (!values || !seen) {
        dnnr__free(values);
        dnnr__free(seen);
        return dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
    }
    if (s->faulty)
        memcpy(values, s->faulty, n * sizeof *values);
    for (int i = 0; i < config_setting_length(g) && !rc; i++) {
        const config_setting_t *v = config_setting_get_elem(g, (unsigned)i);
        const char *name = config_setting_name(v);
        int k = dnnr__space_find(s->space, name);
        char text[256];
        if (k < 0)
            rc = dnnr__cfg_error(err, DNNR_EINVAL, s->file, v,
                                 "%s: '%s' is not a parameter of the space", key, name);
        else if (dnnr__cfg_scalar_text(v, text, sizeof text))
            rc = dnnr__cfg_error(err, DNNR_EINVAL, s->file, v, "%s.%s: expected a scalar value",
                                 key, name);
        else if ((rc = complete ? dnnr__value_parse(s->space->params[k], text, &values[k], err)
                                : dnnr__space_admit(s->space, (uint32_t)k, text, &values[k], err)))
            dnnr__error_prefix(err, "%s:%d: %s", s->file, dnnr__cfg_line(v), key);
        else
            seen[k] = 1;
    }
    for (uint32_t k = 0; k < n && !rc && complete; k++)
        if (!seen[k])
            rc = dnnr__cfg_error(err, DNNR_EINVAL, s->file, g, "%s: missing a value for '%s'",
                                 key, s->space->params[k]->name);
    dnnr__free(seen);
    if (rc) {
        dnnr__free(values);
        return rc;
    }
    *out = values;
    return DNNR_OK;
}

/* The first @p n parameters of @p src (the searched ones). */
static dnnr_space *space_head(const dnnr_space *src, uint32_t n)
{
    dnnr_space *s = dnnr__space_create();
    for (uint32_t i = 0; s && i < n; i++) {
        if (dnnr__space_add_param(s, src->params[i], NULL) != DNNR_OK) {
            dnnr__space_destroy(s);
            return NULL;
        }
    }
    return s;
}

static int read_space(dnnr_subject *s, dnnr_error *err)
{
    const config_setting_t *list = NULL;
    int rc = dnnr__cfg_member(config_root_setting(&s->cfg), "space", CONFIG_TYPE_LIST, 1, s->file,
                              &list, err);
    /* Pinned parameters go last, so that a searched configuration is the
     * head of a full one and the faulty values fill the rest. */
    for (int pinned = 0; pinned < 2 && !rc; pinned++) {
        for (int i = 0; !rc && i < config_setting_length(list); i++) {
            const config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
            if (config_setting_type(g) != CONFIG_TYPE_GROUP)
                return dnnr__cfg_error(err, DNNR_EINVAL, s->file, g,
                                       "space: expected a list of { name = ...; type = ...; } "
                                       "groups");
            rc = read_param(s, g, pinned, err);
        }
        if (!pinned)
            s->n_searched = s->space->n_params;
    }
    if (rc)
        return rc;
    if (s->n_searched == 0 && s->space->n_params > 0)
        return dnnr__cfg_error(err, DNNR_EINVAL, s->file, list,
                               "space: every parameter is pinned; expected at least one searched "
                               "parameter");
    if ((rc = read_values(s, "faulty", 1, &s->faulty, err)))
        return rc;
    /* The faulty value is each parameter's default, as the start of every run. */
    for (uint32_t k = 0; k < s->space->n_params; k++)
        ((dnnr_param *)s->space->params[k])->default_value = s->faulty[k];
    /* Searchers get the study's space, without the pinned parameters; a fix
     * outside it (or changing a pinned parameter) widens only `space`. */
    if (!(s->search_space = space_head(s->space, s->n_searched)))
        return dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
    return read_values(s, "fix", 0, &s->fix, err);
}

static int read_fidelity(dnnr_subject *s, dnnr_error *err)
{
    const config_setting_t *g = NULL;
    const char *kind = NULL;
    int rc = dnnr__cfg_member(config_root_setting(&s->cfg), "fidelity", CONFIG_TYPE_GROUP, 0,
                              s->file, &g, err);
    if (rc || !g)
        return rc;
    if (s->task == DNNR_TASK_ANALYTIC)
        return dnnr__cfg_error(err, DNNR_EINVAL, s->file, g,
                               "fidelity: an analytic subject takes its fidelity from its loader");
    rc = dnnr__cfg_check_keys(g, s->file, "fidelity", fidelity_keys, err);
    if (!rc)
        rc = dnnr__cfg_string(g, "kind", 1, s->file, &kind, err);
    if (!rc)
        rc = dnnr__cfg_float(g, "min", 1, s->file, &s->fidelity_min, err);
    if (!rc)
        rc = dnnr__cfg_float(g, "max", 1, s->file, &s->fidelity_max, err);
    if (rc)
        return rc;
    if (!strcmp(kind, "epochs"))
        s->fidelity_kind = DNNR_FIDELITY_EPOCHS;
    else if (!strcmp(kind, "fraction"))
        s->fidelity_kind = DNNR_FIDELITY_FRACTION;
    else
        return dnnr__cfg_error(err, DNNR_EINVAL, s->file, config_setting_get_member(g, "kind"),
                               "fidelity.kind: expected \"epochs\" or \"fraction\", got \"%s\"",
                               kind);
    double top = s->fidelity_kind == DNNR_FIDELITY_FRACTION ? 1.0 : 1e9;
    if (!(s->fidelity_min > 0 && s->fidelity_min < s->fidelity_max && s->fidelity_max <= top))
        return dnnr__cfg_error(err, DNNR_EINVAL, s->file, g,
                               "fidelity: expected 0 < min < max%s, got min %g, max %g",
                               s->fidelity_kind == DNNR_FIDELITY_FRACTION ? " <= 1" : "",
                               s->fidelity_min, s->fidelity_max);
    return DNNR_OK;
}

static int read_groups(dnnr_subject *s, dnnr_error *err)
{
    const config_setting_t *root = config_root_setting(&s->cfg);
    int rc = dnnr__cfg_member(root, "dataset", CONFIG_TYPE_GROUP, 1, s->file, &s->dataset, err);
    if (!rc)
        rc = dnnr__cfg_string(s->dataset, "loader", 1, s->file, &s->loader, err);
    if (!rc)
        rc = dnnr__cfg_member(root, "model", CONFIG_TYPE_LIST, s->task != DNNR_TASK_ANALYTIC,
                              s->file, &s->model, err);
    if (!rc)
        rc = dnnr__cfg_member(root, "training", CONFIG_TYPE_GROUP, s->task != DNNR_TASK_ANALYTIC,
                              s->file, &s->training, err);
    if (!rc)
        rc = dnnr__cfg_member(root, "provenance", CONFIG_TYPE_GROUP, 0, s->file, &s->provenance, err);
    if (!rc)
        rc = dnnr__cfg_member(root, "paper", CONFIG_TYPE_GROUP, 0, s->file, &s->paper, err);
    if (!rc)
        rc = dnnr__cfg_member(root, "validated", CONFIG_TYPE_GROUP, 0, s->file, &s->validated, err);
    return rc;
}

int dnnr__subject_read(const char *path, dnnr_subject **out, dnnr_error *err)
{
    dnnr_subject *s = dnnr__alloc(1, sizeof *s);
    if (!s)
        return dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
    config_init(&s->cfg);
    s->optimum = NAN;
    s->file = dnnr__strdup(path);
    s->space = dnnr__space_create();
    int rc = (!s->file || !s->space) ? dnnr__error_set(err, DNNR_ENOMEM, "out of memory")
                                     : dnnr__cfg_read(&s->cfg, path, err);
    const config_setting_t *root = rc ? NULL : config_root_setting(&s->cfg);
    if (!rc)
        rc = dnnr__cfg_check_keys(root, path, "a subject file", subject_keys, err);
    if (!rc)
        rc = dnnr__cfg_string(root, "id", 1, path, &s->id, err);
    s->description = "";
    if (!rc)
        rc = dnnr__cfg_string(root, "description", 0, path, &s->description, err);
    if (!rc)
        rc = read_task(s, err);
    if (!rc)
        rc = read_metric(s, err);
    if (!rc)
        rc = read_groups(s, err);
    if (!rc)
        rc = read_split(s, err);
    if (!rc)
        rc = read_fidelity(s, err);
    if (!rc && s->task != DNNR_TASK_ANALYTIC)
        rc = read_space(s, err);
    else if (!rc && config_setting_get_member(root, "space"))
        rc = dnnr__cfg_error(err, DNNR_EINVAL, path, config_setting_get_member(root, "space"),
                             "space: an analytic subject takes its space from its loader");
    if (rc) {
        dnnr__subject_destroy(s);
        return rc;
    }
    *out = s;
    return DNNR_OK;
}

int dnnr__subject_set_analytic(dnnr_subject *s, const dnnr_space *space, const dnnr_value *start,
                               double optimum, dnnr_error *err)
{
    dnnr_space *copy = dnnr__space_copy(space);
    dnnr_value *values = dnnr__alloc(space->n_params + 1, sizeof *values);
    if (!copy || !values) {
        dnnr__space_destroy(copy);
        dnnr__free(values);
        return dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
    }
    if (start)
        memcpy(values, start, space->n_params * sizeof *values);
    else
        dnnr__space_defaults(copy, values);
    int rc = dnnr__space_check_config(copy, values, err);
    if (rc) {
        dnnr__error_prefix(err, "%s: the loader's start configuration", s->file);
        dnnr__space_destroy(copy);
        dnnr__free(values);
        return rc;
    }
    dnnr_space *search = dnnr__space_copy(space);
    s->n_searched = space->n_params;
    if (!search) {
        dnnr__space_destroy(copy);
        dnnr__free(values);
        return dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
    }
    dnnr__space_destroy(s->space);
    dnnr__space_destroy(s->search_space);
    dnnr__free(s->faulty);
    s->space = copy;
    s->search_space = search;
    s->faulty = values;
    s->optimum = optimum;
    return DNNR_OK;
}

int dnnr__subject_pinned(const dnnr_subject *s, const char *name)
{
    int k = s && s->space && name ? dnnr__space_find(s->space, name) : -1;
    return k >= 0 && (uint32_t)k >= s->n_searched;
}

void dnnr__subject_destroy(dnnr_subject *s)
{
    if (!s)
        return;
    config_destroy(&s->cfg);
    dnnr__space_destroy(s->space);
    dnnr__space_destroy(s->search_space);
    dnnr__free(s->faulty);
    dnnr__free(s->fix);
    dnnr__free(s->file);
    dnnr__free(s);
}
