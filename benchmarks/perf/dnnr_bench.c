/*
 * The dnnrepair side of the engine benchmark until the CLI has a `train`
 * command: trains one configuration of a subject with the engine's benchmark
 * mode (whole steps, epoch after epoch, for a given time) and prints one
 * JSON line. It takes the arguments run.py passes to `dnnrepair train`:
 *
 *   dnnr_bench train SUBJECT.cfg [--config fix|faulty] [--threads T]
 *                    [--seconds S] [--backend NAME] [--plugins DIR] [--json]
 *
 * Output: {"samples": N, "seconds": S, "steps": K, "backend": "onednn",
 *          "threads": T, "status": "ok", "flops_per_sample": F}
 * where seconds is the engine's fit() time (data loading and network
 * building excluded). Built by run.py against a build folder's core library;
 * run.py passes that build's plugin folder with --plugins (plus the usual
 * $DNNR_PLUGIN_PATH discovery).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "config/subject.h"
#include "engine/engine.h"
#include "engine/template.h"
#include "host/host.h"
#include "run/subject_rt.h"

typedef struct bench_args {
    const char *subject, *config, *backend, *plugins;
    unsigned threads;
    double seconds;
} bench_args;

static int parse_args(int argc, char **argv, bench_args *a)
{
    *a = (bench_args){.config = "fix", .backend = "onednn", .threads = 1, .seconds = 10.0};
    if (argc < 3 || strcmp(argv[1], "train") != 0)
        return -1;
    a->subject = argv[2];
    for (int i = 3; i < argc; i++) {
        const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(opt, "--json") == 0)
            continue;
        if (!val)
            return -1;
        if (strcmp(opt, "--config") == 0)
            a->config = val;
        else if (strcmp(opt, "--threads") == 0)
            a->threads = (unsigned)strtoul(val, NULL, 10);
        else if (strcmp(opt, "--seconds") == 0)
            a->seconds = strtod(val, NULL);
        else if (strcmp(opt, "--backend") == 0)
            a->backend = val;
        else if (strcmp(opt, "--plugins") == 0)
            a->plugins = val;
        else
            return -1;
        i++;
    }
    return strcmp(a->config, "fix") && strcmp(a->config, "faulty") ? -1 : 0;
}

static int fail(const char *what, const dnnr_error *err)
{
    fprintf(stderr, "dnnr_bench: %s: %s\n", what, err->msg);
    return 1;
}

int main(int argc, char **argv)
{
    bench_args a;
    if (parse_args(argc, argv, &a)) {
        fprintf(stderr, "usage: dnnr_bench train SUBJECT.cfg [--config fix|faulty] "
                        "[--threads T] [--seconds S] [--backend NAME] [--plugins DIR] [--json]\n");
        return 2;
    }
    dnnr_error err = {{0}};
    dnnr_subject *s = NULL;
    if (dnnr__subject_read(a.subject, &s, &err))
        return fail("subject", &err);
    dnnr_registry *reg = dnnr__cli_registry(&a.plugins, a.plugins ? 1 : 0, 1);
    dnnr_subject_rt *rt = NULL;
    if (!reg || dnnr__subject_rt_open(s, reg, a.backend, a.threads, &rt, &err))
        return fail("open", &err);
    const dnnr_value *config = strcmp(a.config, "fix") == 0 && s->fix ? s->fix : s->faulty;
    dnnr_model_spec *spec = NULL;
    if (dnnr__model_resolve(rt->model, s->space, config, &spec, &err))
        return fail("model", &err);
    dnnr_host *backend_host = dnnr__host_create_simple(rt->backend_name, 1, NULL, &err);
    if (!backend_host)
        return fail("backend host", &err);
    dnnr_train_job job = {.spec = spec, .data = &rt->dataset, .backend = rt->backend,
                          .backend_host = backend_host, .threads = a.threads, .seed = 1,
                          .bench_seconds = a.seconds};
    dnnr_train_outcome out;
    memset(&out, 0, sizeof out);
    if (dnnr__engine_train(&job, &out, &err))
        return fail("train", &err);
    printf("{\"samples\": %llu, \"seconds\": %.6f, \"steps\": %llu, \"backend\": \"%s\", "
           "\"threads\": %u, \"status\": \"%s\", \"flops_per_sample\": %.0f}\n",
           (unsigned long long)out.samples, out.seconds, (unsigned long long)out.steps,
           rt->backend_name, a.threads, out.status == DNNR_TRIAL_OK ? "ok" : out.message,
           out.flops_per_sample);
    dnnr__engine_outcome_free(&out);
    dnnr__host_destroy(backend_host);
    dnnr__model_spec_destroy(spec);
    dnnr__subject_rt_close(rt);
    dnnr__registry_destroy(reg);
    dnnr__subject_destroy(s);
    return 0;
}
