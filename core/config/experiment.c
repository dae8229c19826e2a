/* Reading experiment files. Subject paths and plugin paths are relative to
 * the experiment file; the output folder is relative to the working folder. */
#include "config/experiment.h"

#include <string.h>

#include "config/cfgutil.h"
#include "util/alloc.h"

static const char *const experiment_keys[] = {
    "name", "seed", "subjects", "searchers", "budgets", "budget_mode", "repeats", "eval_runs", "final_runs",
    "workers", "trial_timeout", "output", "plugin_paths", "metrics", "backend", "threads",
    "minimise", "minimise_runs", "minimise_alpha", "minimise_budget", "minimise_keep_repair",
    "minimise_confirm", NULL};
static const char *const searcher_keys[] = {"name", "label", "options", NULL};

/* A list or array of strings, e.g. subjects = ["a.cfg", "b.cfg"]. */
static int read_strings(const dnnr_experiment *e, const char *key, int required,
                        const config_setting_t **out_list, size_t *n, dnnr_error *err)
{
    const config_setting_t *list = config_setting_get_member(config_root_setting(&e->cfg), key);
    *n = 0;
    *out_list = NULL;
    if (!list)
        return required ? dnnr__cfg_error(err, DNNR_EINVAL, e->file, config_root_setting(&e->cfg),
                                          "missing required key '%s'", key)
                        : DNNR_OK;
    int type = config_setting_type(list);
    if (type != CONFIG_TYPE_ARRAY && type != CONFIG_TYPE_LIST)
        return dnnr__cfg_error(err, DNNR_EINVAL, e->file, list, "'%s': expected [\"...\", ...]", key);
    for (int i = 0; i < config_setting_length(list); i++)
        if (config_setting_type(config_setting_get_elem(list, (unsigned)i)) != CONFIG_TYPE_STRING)
            return dnnr__cfg_error(err, DNNR_EINVAL, e->file, list,
                                   "'%s': element %d: expected a string", key, i + 1);
    *out_list = list;
    *n = (size_t)config_setting_length(list);
    return DNNR_OK;
}

static int read_subjects(dnnr_experiment *e, dnnr_error *err)
{
    const config_setting_t *list;
    size_t n;
    int rc = read_strings(e, "subjects", 1, &list, &n, err);
    if (rc)
        return rc;
    if (n == 0)
        return dnnr__cfg_error(err, DNNR_EINVAL, e->file, list, "subjects: expected at least one");
    e->subjects = dnnr__alloc(n, sizeof *e->subjects);
    if (!e->subjects)
        return dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const char *rel = config_setting_get_string_elem(list, (int)i);
        char *path = dnnr__path_relative_to(e->file, rel);
        if (!path)
            return dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
        rc = dnnr__subject_read(path, &e->subjects[i], err);
        dnnr__free(path);
        if (rc) {
            dnnr__error_prefix(err, "%s:%d: subject \"%s\"", e->file, dnnr__cfg_line(list), rel);
            return rc;
        }
        e->n_subjects = i + 1;
        for (size_t j = 0; j < i; j++)
            if (strcmp(e->subjects[j]->id, e->subjects[i]->id) == 0)
                return dnnr__cfg_error(err, DNNR_EINVAL, e->file, list,
                                       "subjects: id \"%s\" appears twice", e->subjects[i]->id);
    }
    return DNNR_OK;
}

/* searchers = ( "random", { name = "hebo"; label = "hebo_fast"; options = { ... }; } ); */
static int read_searchers(dnnr_experiment *e, dnnr_error *err)
{
    const config_setting_t *list =
        config_setting_get_member(config_root_setting(&e->cfg), "searchers");
    if (!list)
        return dnnr__cfg_error(err, DNNR_EINVAL, e->file, config_root_setting(&e->cfg),
                               "missing required key 'searchers'");
    int type = config_setting_type(list);
    if ((type != CONFIG_TYPE_LIST && type != CONFIG_TYPE_ARRAY) || config_setting_length(list) == 0)
        return dnnr__cfg_error(err, DNNR_EINVAL, e->file, list,
                               "searchers: expected a non-empty list of names or { name = ...; } groups");
    size_t n = (size_t)config_setting_length(list);
    e->searchers = dnnr__alloc(n, sizeof *e->searchers);
    if (!e->searchers)
        return dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const config_setting_t *s = config_setting_get_elem(list, (unsigned)i);
        dnnr_searcher_spec *spec = &e->searchers[i];
        int rc = DNNR_OK;
        if (config_setting_type(s) == CONFIG_TYPE_STRING) {
            spec->plugin = config_setting_get_string(s);
        } else if (config_setting_type(s) == CONFIG_TYPE_GROUP) {
            rc = dnnr__cfg_check_keys(s, e->file, "a searcher", searcher_keys, err);
            if (!rc)
                rc = dnnr__cfg_string(s, "name", 1, e->file, &spec->plugin, err);
            if (!rc)
                rc = dnnr__cfg_string(s, "label", 0, e->file, &spec->label, err);
            if (!rc)
                rc = dnnr__cfg_member(s, "options", CONFIG_TYPE_GROUP, 0, e->file, &spec->options,
                                      err);
        } else {
            rc = dnnr__cfg_error(err, DNNR_EINVAL, e->file, s,
                                 "searchers: element %zu: expected a name or a group", i + 1);
        }
        if (rc)
            return rc;
        if (!spec->label)
            spec->label = spec->plugin;
        if (spec->label[0] == '#')
            return dnnr__cfg_error(err, DNNR_EINVAL, e->file, s,
                                   "searchers: labels starting with '#' are reserved");
        for (size_t j = 0; j < i; j++)
            if (strcmp(e->searchers[j].label, spec->label) == 0)
                return dnnr__cfg_error(err, DNNR_EINVAL, e->file, s,
                                       "searchers: label \"%s\" is used twice (give one a "
                                       "`label`)",
                                       spec->label);
        e->n_searchers = i + 1;
    }
    return DNNR_OK;
}

static int read_budgets(dnnr_experiment *e, dnnr_error *err)
{
    const config_setting_t *list = NULL;
    int rc = dnnr__cfg_member(config_root_setting(&e->cfg), "budgets", CONFIG_TYPE_ARRAY, 1, e->file,
                              &list, err);
    if (rc)
        return rc;
    size_t n = (size_t)config_setting_length(list);
    if (n == 0)
        return dnnr__cfg_error(err, DNNR_EINVAL, e->file, list, "budgets: expected at least one");
    e->budgets = dnnr__alloc(n, sizeof *e->budgets);
    if (!e->budgets)
        return dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const config_setting_t *b = config_setting_get_elem(list, (unsigned)i);
        int t = config_setting_type(b);
        double v = t == CONFIG_TYPE_FLOAT ? config_setting_get_float(b)
                                          : (double)config_setting_get_int64(b);
        if ((t != CONFIG_TYPE_FLOAT && t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64) || !(v > 0))
            return dnnr__cfg_error(err, DNNR_EINVAL, e->file, list,
                                   "budgets: element %zu: expected a positive number", i + 1);
        e->budgets[i] = v;
    }
    e->n_budgets = n;
    return DNNR_OK;
}

static int read_scalars(dnnr_experiment *e, dnnr_error *err)
{
    const config_setting_t *root = config_root_setting(&e->cfg);
    const char *mode = "time", *output = NULL;
    e->name = "experiment";
    e->repeats = 1;
    e->eval_runs = 10;
    e->workers = 1;
    e->backend = "auto";
    int rc = dnnr__cfg_string(root, "name", 0, e->file, &e->name, err);
    if (!rc)
        rc = dnnr__cfg_int(root, "seed", 0, e->file, &e->seed, err);
    if (!rc)
        rc = dnnr__cfg_int(root, "repeats", 0, e->file, &e->repeats, err);
    if (!rc)
        rc = dnnr__cfg_int(root, "eval_runs", 0, e->file, &e->eval_runs, err);
    if (!rc)
        rc = dnnr__cfg_int(root, "final_runs", 0, e->file, &e->final_runs, err);
    if (!rc)
        rc = dnnr__cfg_int(root, "workers", 0, e->file, &e->workers, err);
    if (!rc)
        rc = dnnr__cfg_float(root, "trial_timeout", 0, e->file, &e->trial_timeout, err);
    if (!rc)
        rc = dnnr__cfg_string(root, "budget_mode", 0, e->file, &mode, err);
    if (!rc)
        rc = dnnr__cfg_string(root, "output", 0, e->file, &output, err);
    if (!rc)
        rc = dnnr__cfg_string(root, "backend", 0, e->file, &e->backend, err);
    if (!rc)
        rc = dnnr__cfg_int(root, "threads", 0, e->file, &e->threads, err);
    if (rc)
        return rc;
    if (strcmp(mode, "time") == 0)
        e->budget_mode = DNNR_BUDGET_MODE_TIME;
    else if (strcmp(mode, "cost") == 0)
        e->budget_mode = DNNR_BUDGET_MODE_COST;
    else if (strcmp(mode, "evaluations") == 0)
        e->budget_mode = DNNR_BUDGET_MODE_EVALUATIONS;
    else
        return dnnr__cfg_error(err, DNNR_EINVAL, e->file, config_setting_get_member(root, "budget_mode"),
                               "budget_mode: expected \"time\", \"cost\" or \"evaluations\", "
                               "got \"%s\"",
                               mode);
    struct { const char *key; int64_t v, lo; } checks[] = {
        {"repeats", e->repeats, 1}, {"eval_runs", e->eval_runs, 1}, {"workers", e->workers, 1},
        {"threads", e->threads, 0}, {"final_runs", e->final_runs, 0}};
    for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++)
        if (checks[i].v < checks[i].lo)
            return dnnr__cfg_error(err, DNNR_EINVAL, e->file,
                                   config_setting_get_member(root, checks[i].key),
                                   "%s: expected an integer >= %lld", checks[i].key,
                                   (long long)checks[i].lo);
    if (e->trial_timeout < 0)
        return dnnr__cfg_error(err, DNNR_EINVAL, e->file, config_setting_get_member(root, "trial_timeout"),
                               "trial_timeout: expected seconds >= 0");
    e->output = output ? dnnr__strdup(output) : dnnr__asprintf("runs/%s", e->name);
    return e->output ? DNNR_OK : dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
}

/* 1 / C(2R, R): the smallest one-sided p of R values against R, no ties. */
static double smallest_p(int64_t r)
{
    double c = 1.0;
    for (int64_t k = 1; k <= r; k++)
        c = c * (double)(r + k) / (double)k;
    return 1.0 / c;
}

int dnnr__experiment_check_minimise(const dnnr_experiment *e, dnnr_error *err)
{
    const config_setting_t *root = config_root_setting(&e->cfg);
    const config_setting_t *at = config_setting_get_member(root, "minimise_runs");
    if (!at) /* R defaulted to eval_runs: blame the switch */
        at = config_setting_get_member(root, "minimise");
    if (!(smallest_p(e->minimise_runs) < e->minimise_alpha))
        return dnnr__cfg_error(err, DNNR_EINVAL, e->file, at ? at : root,
                               "minimise_runs: %lld retrainings per candidate can never show a "
                               "loss at minimise_alpha %g (the smallest p is 1/C(2R,R) = %.3g); "
                               "expected more runs (R >= 4 at alpha 0.05)",
                               (long long)e->minimise_runs, e->minimise_alpha,
                               smallest_p(e->minimise_runs));
    return DNNR_OK;
}

/* minimise, minimise_runs, minimise_alpha, minimise_budget,
 * minimise_keep_repair, minimise_confirm. */
static int read_minimise(dnnr_experiment *e, dnnr_error *err)
{
    const config_setting_t *root = config_root_setting(&e->cfg);
    e->minimise_runs = 0;
    e->minimise_alpha = 0.05;
    e->minimise_budget = 0;
    e->minimise_keep_repair = 1;
    e->minimise_confirm = 1;
    int rc = dnnr__cfg_bool(root, "minimise", 0, e->file, &e->minimise, err);
    if (!rc)
        rc = dnnr__cfg_int(root, "minimise_runs", 0, e->file, &e->minimise_runs, err);
    if (!rc)
        rc = dnnr__cfg_float(root, "minimise_alpha", 0, e->file, &e->minimise_alpha, err);
    if (!rc)
        rc = dnnr__cfg_float(root, "minimise_budget", 0, e->file, &e->minimise_budget, err);
    if (!rc)
        rc = dnnr__cfg_bool(root, "minimise_keep_repair", 0, e->file, &e->minimise_keep_repair,
                            err);
    if (!rc)
        rc = dnnr__cfg_bool(root, "minimise_confirm", 0, e->file, &e->minimise_confirm, err);
    if (rc)
        return rc;
    const config_setting_t *runs = config_setting_get_member(root, "minimise_runs");
    if (runs && e->minimise_runs < 2)
        return dnnr__cfg_error(err, DNNR_EINVAL, e->file, runs,
                               "minimise_runs: expected an integer >= 2");
    if (!runs)
        e->minimise_runs = e->eval_runs; /* the references' sample size */
    if (!(e->minimise_alpha > 0 && e->minimise_alpha < 1))
        return dnnr__cfg_error(err, DNNR_EINVAL, e->file,
                               config_setting_get_member(root, "minimise_alpha"),
                               "minimise_alpha: expected a level between 0 and 1 (exclusive)");
    const config_setting_t *budget = config_setting_get_member(root, "minimise_budget");
    if (budget && !(e->minimise_budget > 0 && e->minimise_budget < 1e300))
        return dnnr__cfg_error(err, DNNR_EINVAL, e->file, budget,
                               "minimise_budget: expected a positive number of faulty trainings' "
                               "cost units");
    return e->minimise ? dnnr__experiment_check_minimise(e, err) : DNNR_OK;
}

static int read_lists(dnnr_experiment *e, dnnr_error *err)
{
    const config_setting_t *list;
    size_t n;
    int rc = read_strings(e, "plugin_paths", 0, &list, &n, err);
    if (rc)
        return rc;
    e->plugin_paths = dnnr__alloc(n + 1, sizeof *e->plugin_paths);
    if (!e->plugin_paths)
        return dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        e->plugin_paths[i] = dnnr__path_relative_to(e->file, config_setting_get_string_elem(list, (int)i));
        if (!e->plugin_paths[i])
            return dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
        e->n_plugin_paths = i + 1;
    }
    rc = read_strings(e, "metrics", 0, &list, &n, err);
    if (rc)
        return rc;
    e->metrics = dnnr__alloc(n + 1, sizeof *e->metrics);
    if (!e->metrics)
        return dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        e->metrics[i] = config_setting_get_string_elem(list, (int)i);
    e->n_metrics = n;
    return DNNR_OK;
}

int dnnr__experiment_read(const char *path, dnnr_experiment **out, dnnr_error *err)
{
    dnnr_experiment *e = dnnr__alloc(1, sizeof *e);
    if (!e)
        return dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
    config_init(&e->cfg);
    e->file = dnnr__strdup(path);
    int rc = e->file ? dnnr__cfg_read(&e->cfg, path, err)
                     : dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
    if (!rc)
        rc = dnnr__cfg_check_keys(config_root_setting(&e->cfg), path, "an experiment file",
                                  experiment_keys, err);
    if (!rc)
        rc = read_scalars(e, err);
    if (!rc)
        rc = read_minimise(e, err);
    if (!rc)
        rc = read_budgets(e, err);
    if (!rc)
        rc = read_searchers(e, err);
    if (!rc)
        rc = read_lists(e, err);
    if (!rc)
        rc = read_subjects(e, err);
    if (rc) {
        dnnr__experiment_destroy(e);
        return rc;
    }
    *out = e;
    return DNNR_OK;
}

void dnnr__experiment_destroy(dnnr_experiment *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->n_subjects; i++)
        dnnr__subject_destroy(e->subjects[i]);
    for (size_t i = 0; i < e->n_plugin_paths; i++)
        dnnr__free(e->plugin_paths[i]);
    dnnr__free(e->plugin_paths);
    dnnr__free(e->metrics);
    dnnr__free(e->subjects);
    dnnr__free(e->searchers);
    dnnr__free(e->budgets);
    dnnr__free(e->output);
    dnnr__free(e->file);
    config_destroy(&e->cfg);
    dnnr__free(e);
}
