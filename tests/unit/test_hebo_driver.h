/* An in-process ask/tell loop for the hebo tests and benchmarks/search: the
 * host's part of the protocol (trial 0 = the loader's start configuration,
 * then the searcher's asks, one trial in flight) against the testfunctions
 * loader, recording the best value after every evaluation. Header-only and
 * free of Check so the benchmark driver can include it too. */
#ifndef DNNR_TEST_HEBO_DRIVER_H
#define DNNR_TEST_HEBO_DRIVER_H

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <dnnrepair/dnnrepair.h>

#include "host/host.h"

const dnnr_plugin_desc *dnnr_plugin_testfunctions_entry(void);

/* With HEBO_DRIVER_LOG set, every searcher message (debug level included:
 * hebo's fit and NSGA-II timings) goes to stderr. */
static void hebo_driver_log(void *ctx, dnnr_log_level level, const char *fmt, ...)
    DNNR_PRINTF(3, 4);
static void hebo_driver_log(void *ctx, dnnr_log_level level, const char *fmt, ...)
{
    (void)ctx;
    (void)level;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/**
 * Run @p searcher on testfunctions `function = name` (@p dim > 0 sets `dim`)
 * for @p n_evals evaluations, the start included. best[i] receives the best
 * value after evaluation i + 1 (minus f*: the simple regret). Returns 0, or
 * -1 with a message on stderr. @p seconds (may be NULL) receives the CPU
 * time of this thread spent inside ask() (CPU rather than wall-clock time,
 * so a loaded machine does not inflate it).
 */
static int hebo_drive_timed(const dnnr_plugin_desc *searcher, const char *options,
                            uint64_t seed, const char *function, int dim, size_t n_evals,
                            double *regret, double *seconds, double *ask_seconds);

static int hebo_drive(const dnnr_plugin_desc *searcher, const char *options, uint64_t seed,
                      const char *function, int dim, size_t n_evals, double *regret,
                      double *seconds)
{
    return hebo_drive_timed(searcher, options, seed, function, dim, n_evals, regret, seconds,
                            NULL);
}

/**
 * As hebo_drive; @p ask_seconds (may be NULL; n_evals entries) receives the
 * CPU time of each ask (entry 0, the start trial, is 0).
 */
static int hebo_drive_timed(const dnnr_plugin_desc *searcher, const char *options,
                            uint64_t seed, const char *function, int dim, size_t n_evals,
                            double *regret, double *seconds, double *ask_seconds)
{
    dnnr_error err = {{0}};
    char loader_opts[128];
    if (dim > 0)
        snprintf(loader_opts, sizeof loader_opts, "function = \"%s\"; dim = %d;", function, dim);
    else
        snprintf(loader_opts, sizeof loader_opts, "function = \"%s\";", function);
    dnnr_host *lh = dnnr__host_create_simple("testfunctions", 1, loader_opts, &err);
    if (!lh) {
        fprintf(stderr, "loader host: %s\n", err.msg);
        return -1;
    }
    const dnnr_loader_iface *li = dnnr_plugin_testfunctions_entry()->iface;
    dnnr_loader *loader = NULL;
    dnnr_loader_init linit = {.struct_size = sizeof linit, .host = lh};
    dnnr_analytic an = {.struct_size = sizeof an};
    if (li->create(&linit, &loader) != DNNR_OK || li->analytic(loader, &an) != DNNR_OK) {
        fprintf(stderr, "loader: %s\n", dnnr__host_last_error(lh));
        dnnr__host_destroy(lh);
        return -1;
    }
    dnnr_host *sh = dnnr__host_create_simple(searcher->name, seed, options, &err);
    if (sh && getenv("HEBO_DRIVER_LOG"))
        sh->log = hebo_driver_log;
    const dnnr_searcher_iface *si = searcher->iface;
    dnnr_searcher *s = NULL;
    dnnr_searcher_init sinit = {.struct_size = sizeof sinit,
                                .host = sh,
                                .space = an.space,
                                .start = an.start,
                                .metric_kind = DNNR_METRIC_ANALYTIC,
                                .max_in_flight = 1};
    int rc = sh ? si->create(&sinit, &s) : -1;
    if (rc != DNNR_OK) {
        fprintf(stderr, "searcher: %s\n", sh ? dnnr__host_last_error(sh) : err.msg);
        li->destroy(loader);
        dnnr__host_destroy(lh);
        dnnr__host_destroy(sh);
        return -1;
    }
    size_t d = an.space->n_params;
    dnnr_value config[64];
    double best = INFINITY, spent = 0.0;
    for (size_t t = 0; t < n_evals && rc == DNNR_OK; t++) {
        if (t == 0) {
            memcpy(config, an.start, d * sizeof *config);
            if (ask_seconds)
                ask_seconds[0] = 0.0;
        } else {
            dnnr_trial_request req = {.struct_size = sizeof req, .trial_id = t, .config = config,
                                      .warm_start = -1};
            struct timespec a, b;
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
            rc = si->ask(s, &req);
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
            double took = (double)(b.tv_sec - a.tv_sec) + 1e-9 * (double)(b.tv_nsec - a.tv_nsec);
            spent += took;
            if (ask_seconds)
                ask_seconds[t] = took;
            if (rc != DNNR_OK) {
                fprintf(stderr, "ask: %s\n", dnnr__host_last_error(sh));
                break;
            }
        }
        double y = NAN;
        li->evaluate(loader, config, 0.0, dnnr_rng_derive(seed, t), &y);
        if (y < best)
            best = y;
        regret[t] = best - an.optimum;
        dnnr_trial_result res = {.struct_size = sizeof res,
                                 .trial_id = t,
                                 .config = config,
                                 .status = DNNR_TRIAL_OK,
                                 .message = "",
                                 .objective = y,
                                 .metric = y,
                                 .warm_start = -1};
        rc = si->tell(s, &res);
    }
    si->destroy(s);
    dnnr__host_destroy(sh);
    li->destroy(loader);
    dnnr__host_destroy(lh);
    if (seconds)
        *seconds = spent;
    return rc == DNNR_OK ? 0 : -1;
}

#endif
