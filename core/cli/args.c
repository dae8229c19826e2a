/* Arguments several subcommands share: the trial options of `run` and
 * `minimise`, and the configuration `train` and `lint` start from. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "space/space.h"
#include "util/alloc.h"

/* -j's value: a whole number, else -1 so dnnr__cli_workers_ok refuses it
 * ("-j abc" must not quietly mean the default). */
static int parse_workers(const char *text)
{
    char *end = NULL;
    long n = strtol(text, &end, 10);
    return end != text && *end == '\0' && n >= 1 && n <= 4096 ? (int)n : -1;
}

int dnnr__cli_trial_option(int argc, char **argv, int *i, const char **backend, int *workers)
{
    const char *a = argv[*i];
    if (!strcmp(a, "--backend") && *i + 1 < argc)
        *backend = argv[++*i];
    else if (!strcmp(a, "-j") && *i + 1 < argc)
        *workers = parse_workers(argv[++*i]);
    else if (!strncmp(a, "-j", 2) && a[2])
        *workers = parse_workers(a + 2);
    else
        return 0;
    return 1;
}

int dnnr__cli_workers_ok(const char *command, int workers)
{
    if (workers >= 0 && workers <= 4096) /* 0: -j not given, the experiment's `workers` */
        return 1;
    fprintf(stderr, "%s: -j expects a number of workers between 1 and 4096\n", command);
    return 0;
}

dnnr_value *dnnr__cli_config(const dnnr_subject *s, const char *values, int argc, char **argv,
                             const char *option, const char *who)
{
    const int fix = !strcmp(values, "fix");
    if (fix && !s->fix) {
        fprintf(stderr, "%s: the subject gives no fix values\n", s->file);
        return NULL;
    }
    dnnr_value *config = dnnr__alloc(s->space->n_params + 1, sizeof *config);
    if (!config)
        return NULL;
    memcpy(config, fix ? s->fix : s->faulty, s->space->n_params * sizeof *config);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], option) || i + 1 >= argc)
            continue;
        dnnr_error err;
        if (dnnr__config_assign(s->space, config, argv[++i], &err)) {
            fprintf(stderr, "%s: %s %s: %s\n", who, option, argv[i], err.msg);
            dnnr__free(config);
            return NULL;
        }
    }
    return config;
}
