/* benchmarks/search: simple regret of a searcher on the testfunctions
 * subjects, in process (no workers, one trial in flight), and hebo's suggest
 * time. One JSON object per line on stdout.
 *
 *   bench_search regret <hebo|random> <function> <dim|0> <seeds> <evals> [options]
 *       seeds: N for seeds 0..N-1, or A-B for seeds A..B-1 (one process per
 *       seed spreads a run over cores)
 *   bench_search suggest-time <dim> <observations> <repeats> [options]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <dnnrepair/dnnrepair.h>

#include "test_hebo_driver.h"

const dnnr_plugin_desc *dnnr_plugin_hebo_entry(void);
const dnnr_plugin_desc *dnnr_plugin_random_entry(void);

static int regret(int argc, char **argv)
{
    if (argc < 7)
        return 2;
    const dnnr_plugin_desc *desc = strcmp(argv[2], "hebo") == 0 ? dnnr_plugin_hebo_entry()
                                                                : dnnr_plugin_random_entry();
    const char *function = argv[3];
    int dim = atoi(argv[4]);
    int first = 0, seeds = atoi(argv[5]);
    const char *dash = strchr(argv[5], '-');
    if (dash) {
        first = atoi(argv[5]);
        seeds = atoi(dash + 1);
    }
    size_t evals = (size_t)atol(argv[6]);
    const char *options = argc > 7 ? argv[7] : NULL;
    double *r = calloc(evals, sizeof *r);
    if (!r)
        return 1;
    for (int seed = first; seed < seeds; seed++) {
        double seconds = 0;
        if (hebo_drive(desc, options, (uint64_t)seed + 1, function, dim, evals, r, &seconds) != 0)
            return 1;
        printf("{\"searcher\": \"%s\", \"function\": \"%s\", \"seed\": %d, \"ask_seconds\": %.3f, "
               "\"regret\": [",
               desc->name, function, seed, seconds);
        for (size_t t = 0; t < evals; t++)
            printf("%s%.10g", t ? ", " : "", r[t]);
        printf("]}\n");
        fflush(stdout);
    }
    free(r);
    return 0;
}

/* Time the first model-based ask after @p obs observations on Ackley-dim:
 * n_init makes the first obs - 1 suggestions Sobol points (plus the start). */
static int suggest_time(int argc, char **argv)
{
    if (argc < 5)
        return 2;
    int dim = atoi(argv[2]);
    int obs = atoi(argv[3]);
    int repeats = atoi(argv[4]);
    const char *extra = argc > 5 ? argv[5] : "";
    char options[512];
    snprintf(options, sizeof options, "n_init = %d; %s", obs - 1, extra);
    size_t evals = (size_t)obs + 1;
    double *r = calloc(evals, sizeof *r);
    for (int rep = 0; rep < repeats; rep++) {
        double total = 0, sobol_only = 0;
        /* obs evaluations are Sobol (cheap); the (obs+1)-th ask fits and runs MACE */
        hebo_drive(dnnr_plugin_hebo_entry(), options, (uint64_t)rep + 1, "ackley", dim,
                   (size_t)obs, r, &sobol_only);
        hebo_drive(dnnr_plugin_hebo_entry(), options, (uint64_t)rep + 1, "ackley", dim, evals, r,
                   &total);
        printf("{\"dim\": %d, \"observations\": %d, \"repeat\": %d, \"suggest_seconds\": %.4f}\n",
               dim, obs, rep, total - sobol_only);
        fflush(stdout);
    }
    free(r);
    return 0;
}

int main(int argc, char **argv)
{
    int rc = 2;
    if (argc > 1 && strcmp(argv[1], "regret") == 0)
        rc = regret(argc, argv);
    else if (argc > 1 && strcmp(argv[1], "suggest-time") == 0)
        rc = suggest_time(argc, argv);
    if (rc == 2)
        fprintf(stderr, "usage: bench_search regret <hebo|random> <function> <dim|0> <seeds> "
                        "<evals> [options]\n       bench_search suggest-time <dim> <obs> "
                        "<repeats> [options]\n");
    return rc;
}
