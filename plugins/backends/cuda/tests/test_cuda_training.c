/* D1 and M1 trained on the cuda backend reach the accuracy distribution
 * they reach on the onednn backend: the same configurations and seeds on
 * both, the accuracies on the search part of each subject's test set
 * listed side by side, and the means required to agree within
 * 0.03 + 2 standard deviations (the backends' float sums differ, so single
 * runs may differ; the distributions must not).
 *
 *   D1: the faulty and the fix configuration, as in the subject file, 5 seeds.
 *   M1: the fix configuration on a tenth of the training images, 3 epochs,
 *       3 seeds (a full M1 training on the CPU takes too long for a check).
 *
 * Usage: test_cuda_training SUBJECTS_DIR PLUGIN_DIR. Exits 0 when all
 * agree, 1 otherwise, 77 (skip) without a GPU. */
#include <math.h>
#include <string.h>

#include "cli/commands.h"
#include "config/subject.h"
#include "engine/engine.h"
#include "engine/template.h"
#include "gpu_harness.h"
#include "registry/registry.h"
#include "run/dnn_subject.h"
#include "run/subject_rt.h"

typedef struct series {
    double acc[8], seconds;
    int n;
} series;

static int train(const dnnr_subject_rt *rt, const dnnr_backend_iface *iface, const char *name,
                 const dnnr_value *config, uint64_t seed, double fraction, int64_t epochs,
                 series *out)
{
    dnnr_error err = {{0}};
    dnnr_model_spec *spec = NULL;
    if (dnnr__model_resolve(rt->model, rt->subject->space, config, &spec, &err)) {
        printf("  model: %s\n", err.msg);
        return -1;
    }
    if (epochs > 0)
        spec->epochs = epochs;
    dnnr_host *host = dnnr__host_create_simple(name, seed, NULL, &err);
    dnnr_row_set eval = {rt->parts.train, rt->parts.n_train};
    dnnr_train_job job = {.spec = spec, .data = &rt->dataset, .evals = &eval, .n_evals = 1,
                          .backend = iface, .backend_host = host, .threads = 0, .seed = seed};
    if (fraction > 0) {
        job.fidelity_kind = DNNR_FIDELITY_FRACTION;
        job.fidelity = fraction;
    }
    dnnr_train_outcome o;
    memset(&o, 0, sizeof o);
    int rc = host ? dnnr__engine_train(&job, &o, &err) : -1;
    if (rc || o.status != DNNR_TRIAL_OK) {
        printf("  %s seed %llu: training failed: %s\n", name, (unsigned long long)seed,
               rc ? err.msg : o.message);
        rc = -1;
    } else {
        out->acc[out->n++] = o.eval[0].accuracy;
        out->seconds += o.seconds;
    }
    dnnr__engine_outcome_free(&o);
    dnnr__host_destroy(host);
    dnnr__model_spec_destroy(spec);
    return rc;
}

static void stats(const series *s, double *mean, double *sd)
{
    double m = 0, v = 0;
    for (int i = 0; i < s->n; i++)
        m += s->acc[i];
    m /= s->n > 0 ? s->n : 1;
    for (int i = 0; i < s->n; i++)
        v += (s->acc[i] - m) * (s->acc[i] - m);
    *mean = m;
    *sd = s->n > 1 ? sqrt(v / (s->n - 1)) : 0;
}

static void print_series(const char *name, const series *s)
{
    double m, sd;
    stats(s, &m, &sd);
    printf("  %-7s mean %.4f sd %.4f  fit %.1f s  [", name, m, sd, s->seconds);
    for (int i = 0; i < s->n; i++)
        printf("%s%.4f", i ? " " : "", s->acc[i]);
    printf("]\n");
}

/* 0 when both series are complete and their means agree. */
static int compare(const char *what, const dnnr_subject_rt *rt, const dnnr_backend_iface *cpu,
                   const dnnr_backend_iface *gpu, const dnnr_value *config, int seeds,
                   double fraction, int64_t epochs)
{
    series a = {0}, b = {0};
    for (int i = 0; i < seeds; i++) {
        train(rt, cpu, "onednn", config, 100 + (uint64_t)i, fraction, epochs, &a);
        train(rt, gpu, "cuda", config, 100 + (uint64_t)i, fraction, epochs, &b);
    }
    double ma, sa, mb, sb;
    stats(&a, &ma, &sa);
    stats(&b, &mb, &sb);
    double tol = 0.03 + 2 * (sa > sb ? sa : sb);
    int ok = a.n == seeds && b.n == seeds && fabs(ma - mb) <= tol;
    printf("%s %s: |mean difference| %.4f (allowed %.4f)\n", ok ? "ok  " : "FAIL", what,
           fabs(ma - mb), tol);
    print_series("onednn", &a);
    print_series("cuda", &b);
    fflush(stdout);
    return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: test_cuda_training SUBJECTS_DIR PLUGIN_DIR\n");
        return 2;
    }
    gpu_require("test_cuda_training");
    const char *plugins = argv[2];
    dnnr_registry *reg = dnnr__cli_registry(&plugins, 1, 1);
    dnnr_error err = {{0}};
    const dnnr_plugin *cuda = reg ? dnnr__backend_choose(reg, "cuda", &err) : NULL;
    if (!cuda) {
        printf("FAIL: the cuda plugin is not in %s: %s\n", plugins, err.msg);
        return 1;
    }
    const dnnr_backend_iface *gpu = cuda->desc->iface;
    int failed = 0;
    static const char *names[] = {"D1.cfg", "M1.cfg"};
    for (int k = 0; k < 2; k++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", argv[1], names[k]);
        dnnr_subject *s = NULL;
        dnnr_subject_rt *rt = NULL;
        if (dnnr__subject_read(path, &s, &err) ||
            dnnr__subject_rt_open(s, reg, "onednn", 0, &rt, &err)) {
            printf("FAIL %s: %s\n", path, err.msg);
            failed++;
            dnnr__subject_destroy(s);
            continue;
        }
        if (k == 0) {
            failed += compare("D1 faulty (5 seeds)", rt, rt->backend, gpu, s->faulty, 5, 0, 0);
            if (s->fix)
                failed += compare("D1 fix (5 seeds)", rt, rt->backend, gpu, s->fix, 5, 0, 0);
        } else {
            failed += compare("M1 fix, 10% of the images, 3 epochs (3 seeds)", rt, rt->backend,
                              gpu, s->fix ? s->fix : s->faulty, 3, 0.1, 3);
        }
        dnnr__subject_rt_close(rt);
        dnnr__subject_destroy(s);
    }
    dnnr__registry_destroy(reg);
    printf("%s: D1/M1 accuracy distributions %s\n", failed ? "FAIL" : "ok",
           failed ? "differ between onednn and cuda" : "agree between onednn and cuda");
    return failed ? 1 : 0;
}
