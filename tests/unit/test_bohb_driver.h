/* A small in-process ask/tell driver for searcher tests: it plays the host's
 * part of the protocol (trial 0 = the start configuration at full fidelity,
 * several trials in flight, results told in completion order, a budget in
 * full-fidelity evaluations) against an analytic loader, without workers or
 * a journal. Written to be shared by other searchers' suites later; it uses
 * only the SDK and the core's standalone host. Header-only (static
 * functions) so every suite that includes it stays one executable. */
#ifndef DNNR_TEST_BOHB_DRIVER_H
#define DNNR_TEST_BOHB_DRIVER_H

#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <dnnrepair/dnnrepair.h>

#include "host/host.h"

/** An analytic subject from a loader plugin (e.g. testfunctions). */
typedef struct driver_subject {
    const dnnr_loader_iface *iface;
    dnnr_loader *loader;
    dnnr_host *host;
    dnnr_analytic analytic;
} driver_subject;

static void driver_subject_open(driver_subject *s, const dnnr_plugin_desc *desc,
                                const char *options)
{
    dnnr_error err = {{0}};
    memset(s, 0, sizeof *s);
    s->host = dnnr__host_create_simple(desc->name, 1, options, &err);
    ck_assert_msg(s->host != NULL, "%s", err.msg);
    s->iface = desc->iface;
    dnnr_loader_init init = {.struct_size = sizeof init, .host = s->host};
    ck_assert_int_eq(s->iface->create(&init, &s->loader), DNNR_OK);
    s->analytic.struct_size = sizeof s->analytic;
    ck_assert_int_eq(s->iface->analytic(s->loader, &s->analytic), DNNR_OK);
}

static void driver_subject_close(driver_subject *s)
{
    s->iface->destroy(s->loader);
    dnnr__host_destroy(s->host);
}

/** One run's settings. */
typedef struct driver_params {
    const dnnr_plugin_desc *searcher;
    const char *options; /**< libconfig text or NULL */
    uint64_t seed;
    uint32_t workers;    /**< trials in flight at once */
    double budget;       /**< in full-fidelity evaluations (the start included) */
} driver_params;

/** After each told trial: the cost spent so far and the full-fidelity incumbent. */
typedef struct driver_trace {
    size_t n, capacity;
    double *cost;
    double *incumbent; /**< best value seen at full fidelity; +inf before any */
    size_t n_full;     /**< trials run at full fidelity */
    size_t n_trials;
} driver_trace;

typedef struct driver_flight {
    uint64_t trial_id;
    dnnr_value *config;
    double fidelity, finish, cost;
    int64_t warm_start;
} driver_flight;

static double driver_fraction(const dnnr_analytic *a, double fidelity)
{
    if (a->fidelity_kind == DNNR_FIDELITY_NONE || fidelity <= 0.0 || a->max_fidelity <= 0.0)
        return 1.0;
    return fidelity / a->max_fidelity;
}

static void driver_record(driver_trace *t, double cost, double incumbent)
{
    if (t->n == t->capacity) {
        t->capacity = t->capacity ? 2 * t->capacity : 256;
        t->cost = realloc(t->cost, t->capacity * sizeof *t->cost);
        t->incumbent = realloc(t->incumbent, t->capacity * sizeof *t->incumbent);
        ck_assert(t->cost && t->incumbent);
    }
    t->cost[t->n] = cost;
    t->incumbent[t->n] = incumbent;
    t->n++;
}

static void driver_trace_free(driver_trace *t)
{
    free(t->cost);
    free(t->incumbent);
    memset(t, 0, sizeof *t);
}

/** The incumbent after spending at most @p cost (+inf when none yet). */
static double driver_incumbent_at(const driver_trace *t, double cost)
{
    double value = INFINITY;
    for (size_t i = 0; i < t->n && t->cost[i] <= cost + 1e-9; i++)
        value = t->incumbent[i];
    return value;
}

/* Evaluate, tell and account one finished trial. */
static void driver_finish(const driver_subject *s, const dnnr_searcher_iface *iface,
                          dnnr_searcher *searcher, const driver_flight *f, uint64_t noise_key,
                          double *used, double *best, driver_trace *trace)
{
    double value = NAN;
    int rc = s->iface->evaluate(s->loader, f->config, f->fidelity,
                                dnnr_rng_derive(noise_key, f->trial_id), &value);
    ck_assert_msg(rc == DNNR_OK, "evaluate: %s", dnnr__host_last_error(s->host));
    dnnr_trial_result res = {
        .struct_size = sizeof res,
        .trial_id = f->trial_id,
        .config = f->config,
        .fidelity = f->fidelity,
        .warm_start = f->warm_start,
        .status = isfinite(value) ? DNNR_TRIAL_OK : DNNR_TRIAL_DIVERGED,
        .message = "",
        .objective = value,
        .metric = value,
        .cost_units = f->cost,
    };
    ck_assert_int_eq(iface->tell(searcher, &res), DNNR_OK);
    *used += f->cost;
    trace->n_trials++;
    if (driver_fraction(&s->analytic, f->fidelity) >= 1.0 - 1e-12) {
        trace->n_full++;
        if (value < *best)
            *best = value;
    }
    driver_record(trace, *used, *best);
}

/**
 * Run one searcher on @p s until the budget is spent. Trials take simulated
 * time equal to their cost, so with several workers results come back in
 * the order they would on real hardware. Trials still in flight when the
 * budget runs out are dropped, unpaid and untold.
 */
static void driver_run(const driver_subject *s, const driver_params *p, driver_trace *trace)
{
    memset(trace, 0, sizeof *trace);
    const dnnr_analytic *a = &s->analytic;
    uint32_t d = a->space->n_params, workers = p->workers ? p->workers : 1;
    dnnr_error err = {{0}};
    dnnr_host *host = dnnr__host_create_simple(p->searcher->name, p->seed, p->options, &err);
    ck_assert_msg(host != NULL, "%s", err.msg);
    const dnnr_searcher_iface *iface = p->searcher->iface;
    dnnr_searcher_init init = {
        .struct_size = sizeof init,
        .host = host,
        .space = a->space,
        .start = a->start,
        .metric_kind = DNNR_METRIC_ANALYTIC,
        .fidelity_kind = a->fidelity_kind,
        .min_fidelity = a->min_fidelity,
        .max_fidelity = a->max_fidelity,
        .max_in_flight = workers,
    };
    dnnr_searcher *searcher = NULL;
    ck_assert_msg(iface->create(&init, &searcher) == DNNR_OK, "%s", dnnr__host_last_error(host));
    ck_assert_int_eq(dnnr__host_check_options(host, &err), DNNR_OK);

    uint64_t noise_key = dnnr_rng_derive(p->seed, 0x6e6f697365ull);
    driver_flight *flights = calloc(workers + 1, sizeof *flights);
    for (uint32_t w = 0; w <= workers; w++)
        flights[w].config = calloc(d ? d : 1, sizeof(dnnr_value));
    double used = 0.0, best = INFINITY, clock = 0.0;

    /* Trial 0: the start configuration at full fidelity, asked by the host. */
    memcpy(flights[0].config, a->start, d * sizeof(dnnr_value));
    flights[0].fidelity = 0.0;
    flights[0].cost = 1.0;
    flights[0].warm_start = -1;
    driver_finish(s, iface, searcher, &flights[0], noise_key, &used, &best, trace);

    uint64_t next_id = 1;
    uint32_t n_flying = 0;
    int done = 0;
    while (used < p->budget) {
        while (!done && n_flying < workers) {
            driver_flight *f = &flights[n_flying];
            dnnr_trial_request req = {.struct_size = sizeof req, .trial_id = next_id,
                                      .config = f->config, .warm_start = -1};
            int rc = iface->ask(searcher, &req);
            if (rc == DNNR_EAGAIN)
                break;
            if (rc == DNNR_EDONE) {
                done = 1;
                break;
            }
            ck_assert_msg(rc == DNNR_OK, "ask: %s", dnnr__host_last_error(host));
            f->trial_id = next_id++;
            f->fidelity = req.fidelity;
            f->warm_start = req.warm_start;
            f->cost = driver_fraction(a, req.fidelity);
            f->finish = clock + f->cost;
            n_flying++;
        }
        if (n_flying == 0)
            break;
        uint32_t first = 0;
        for (uint32_t w = 1; w < n_flying; w++)
            if (flights[w].finish < flights[first].finish)
                first = w;
        clock = flights[first].finish;
        driver_finish(s, iface, searcher, &flights[first], noise_key, &used, &best, trace);
        /* Keep flights[0 .. n_flying) packed: move the last into the gap. */
        n_flying--;
        driver_flight gap = flights[first];
        flights[first] = flights[n_flying];
        flights[n_flying] = gap;
    }
    for (uint32_t w = 0; w <= workers; w++)
        free(flights[w].config);
    free(flights);
    iface->destroy(searcher);
    dnnr__host_destroy(host);
}

static int driver_compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/** The median of @p n values (sorted in place). */
static double driver_median(double *values, size_t n)
{
    qsort(values, n, sizeof *values, driver_compare_doubles);
    return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

#endif
