/* `dnnrepair validate FILE...`: parse each subject or experiment file, make
 * its loaders and searchers read their options, and report the first error
 * of each file with file:line. */
#include <stdio.h>
#include <string.h>

#include <libconfig.h>

#include "cli/commands.h"
#include "config/experiment.h"
#include "config/subject.h"
#include "run/orchestrator.h"
#include "run/subject_rt.h"
#include "util/alloc.h"

/* An experiment file names `subjects`; anything else is read as a subject. */
static int is_experiment(const char *path)
{
    config_t cfg;
    config_init(&cfg);
    int yes = config_read_file(&cfg, path) == CONFIG_TRUE &&
              config_setting_get_member(config_root_setting(&cfg), "subjects") != NULL;
    config_destroy(&cfg);
    return yes;
}

static int validate_subject(const char *path, const dnnr_registry *reg, dnnr_error *err)
{
    dnnr_subject *s = NULL;
    int rc = dnnr__subject_read(path, &s, err);
    dnnr_subject_rt *rt = NULL;
    if (!rc)
        rc = dnnr__subject_rt_open(s, reg, "auto", 1, &rt, err);
    dnnr__subject_rt_close(rt);
    dnnr__subject_destroy(s);
    return rc;
}

static int validate_experiment(const char *path, dnnr_error *err)
{
    dnnr_experiment *e = NULL;
    int rc = dnnr__experiment_read(path, &e, err);
    if (rc)
        return rc;
    dnnr_registry *reg = dnnr__cli_registry((const char *const *)e->plugin_paths,
                                            e->n_plugin_paths, 1);
    rc = reg ? DNNR_OK : DNNR_ENOMEM;
    dnnr_subject_rt **rts = dnnr__alloc(e->n_subjects, sizeof *rts);
    for (size_t i = 0; i < e->n_subjects && !rc; i++)
        rc = dnnr__subject_rt_open(e->subjects[i], reg, e->backend, 1, &rts[i], err);
    if (!rc)
        rc = dnnr__experiment_check_searchers(e, reg, err);
    for (size_t i = 0; i < e->n_subjects && rts; i++)
        dnnr__subject_rt_close(rts[i]);
    dnnr__free(rts);
    dnnr__registry_destroy(reg);
    dnnr__experiment_destroy(e);
    return rc;
}

int dnnr__cmd_validate(int argc, char **argv)
{
    if (argc < 2 || dnnr__is_help(argv[1])) {
        printf("usage: dnnrepair validate FILE...\n\n"
               "Checks subject and experiment files: syntax, keys, types, spaces, values, and "
               "the\noptions of the loaders and searchers they name. Prints \"FILE: ok\" or the "
               "first\nerror as file:line: message. Exit status 1 if any file fails.\n");
        return argc < 2 ? 2 : 0;
    }
    dnnr_registry *reg = dnnr__cli_registry(NULL, 0, 1);
    if (!reg)
        return 1;
    int failures = 0;
    for (int i = 1; i < argc; i++) {
        dnnr_error err = {{0}};
        int rc = is_experiment(argv[i]) ? validate_experiment(argv[i], &err)
                                        : validate_subject(argv[i], reg, &err);
        if (rc) {
            fprintf(stderr, "%s\n", err.msg);
            failures++;
        } else {
            printf("%s: ok\n", argv[i]);
        }
    }
    dnnr__registry_destroy(reg);
    return failures ? 1 : 0;
}
