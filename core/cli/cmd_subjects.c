/* `dnnrepair subjects validate SUBJECT.cfg`: does the subject's fault show?
 *
 * DeepCrime's statistical killing criterion (reference STATISTICS.md §1):
 * N independent trainings of the faulty configuration and N of the fix,
 * each scored once on the holdout part; a Gaussian GLM z-test on the pooled
 * scores with the p-value read at 3 decimals, and Cohen's d (fix minus
 * faulty); killed iff p3 < 0.05 and d >= 0.5 (<= -0.5 for a loss).
 *
 * A training whose loss becomes NaN is scored as Keras scores the model it
 * ends with (engine.h, score_diverged), since DeepCrime's criterion scores
 * the faulty program that way: D4's faulty trainings all diverge and score
 * the share of class 0. --no-score-diverged leaves them out instead.
 *
 * Every training runs in a forked worker (run/worker.h), as in `dnnrepair
 * run`: this process loads the data and never initialises OpenMP or a
 * device, so forking it is safe; -j N workers train at once. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "config/subject.h"
#include "run/outcome.h"
#include "run/subject_rt.h"
#include "run/worker.h"
#include "space/space.h"
#include "stats/stats.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/json.h"

typedef struct validate_opts {
    const char *file, *backend;
    long runs, jobs, threads;
    uint64_t seed;
    int json;
    int score_diverged; /* on unless --no-score-diverged */
} validate_opts;

/* One training: which side, and where its holdout score goes. */
typedef struct slot {
    dnnr_trial_job job;
    int fix;
    size_t index;
} slot;

static int subjects_usage(int code)
{
    printf("usage: dnnrepair subjects validate SUBJECT.cfg [--runs N] [-j N] [--threads N]\n"
           "                                  [--seed N] [--backend NAME] [--set K=V]... [--json]\n"
           "                                  [--no-score-diverged]\n\n"
           "Checks that a subject's fault is exposed, with DeepCrime's killing criterion: N\n"
           "(default 20) independent trainings each of the faulty values and of the fix, the\n"
           "holdout metric of each; GLM z-test (p read at 3 decimals) and Cohen's d; killed\n"
           "iff p < 0.05 and d >= 0.5 (d <= -0.5 for a metric to minimise). Prints both\n"
           "means, p, d and the verdict. Trainings run in -j N worker processes (default 1)\n"
           "with --threads N threads each (default: 1 with -j > 1, else all cores); --set\n"
           "changes a value of both configurations (a quicker check). A training whose loss\n"
           "becomes NaN trains on and is scored as Keras scores it (DeepCrime's criterion\n"
           "does: accuracy of a NaN model = the share of class 0; a NaN MAE is left out);\n"
           "the counts of such trainings are printed. --no-score-diverged leaves every\n"
           "diverged training out instead. Exit status 0 when killed, 1 when not, 2 or 3 on\n"
           "errors.\n");
    return code;
}

/* --set changes the value in both configurations. */
static int apply_set(const dnnr_subject *s, dnnr_value *faulty, dnnr_value *fix,
                     const char *assignment)
{
    dnnr_error err;
    if (dnnr__config_assign(s->space, faulty, assignment, &err) ||
        dnnr__config_assign(s->space, fix, assignment, &err)) {
        fprintf(stderr, "subjects validate: --set %s: %s\n", assignment, err.msg);
        return 0;
    }
    return 1;
}

static int parse_args(int argc, char **argv, validate_opts *o)
{
    *o = (validate_opts){.backend = "auto", .runs = 20, .jobs = 1, .threads = -1, .seed = 1,
                         .score_diverged = 1};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int has = i + 1 < argc;
        if (!strcmp(a, "--runs") && has)
            o->runs = strtol(argv[++i], NULL, 10);
        else if ((!strcmp(a, "-j") || !strcmp(a, "--jobs")) && has)
            o->jobs = strtol(argv[++i], NULL, 10);
        else if (!strcmp(a, "--threads") && has)
            o->threads = strtol(argv[++i], NULL, 10);
        else if (!strcmp(a, "--seed") && has)
            o->seed = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(a, "--backend") && has)
            o->backend = argv[++i];
        else if (!strcmp(a, "--json"))
            o->json = 1;
        else if (!strcmp(a, "--no-score-diverged"))
            o->score_diverged = 0;
        else if (!strcmp(a, "--set") && has)
            i++; /* applied once the subject is read */
        else if (a[0] != '-' && !o->file)
            o->file = a;
        else {
            fprintf(stderr, "subjects validate: unexpected argument '%s'\n", a);
            return 0;
        }
    }
    if (!o->file || o->runs < 2 || o->runs > 10000 || o->jobs < 1 || o->jobs > 256) {
        fprintf(stderr, "subjects validate: need SUBJECT.cfg, --runs 2..10000 and -j 1..256\n");
        return 0;
    }
    if (o->threads < 0)
        o->threads = o->jobs > 1 ? 1 : 0;
    return 1;
}

/* Start job @p next on an idle worker; faulty and fix alternate so that both
 * sides see the same machine load. */
static int start_next(dnnr_worker *workers, size_t n_workers, slot *slots, size_t next,
                      dnnr_error *err)
{
    for (size_t w = 0; w < n_workers; w++)
        if (!workers[w].pid)
            return dnnr__worker_start(&workers[w], dnnr__trial_execute, NULL, &slots[next].job,
                                      0.0, &slots[next], err);
    return dnnr__error_set(err, DNNR_EINVAL, "no idle worker");
}

/* Run every slot; scores[fix][index] = holdout metric (NaN when the training
 * failed, with a message on stderr); diverged[fix] counts the diverged
 * trainings that were scored (their scores are a NaN model's, as in Keras). */
static int train_all(slot *slots, size_t n, size_t n_workers, double *scores[2],
                     size_t diverged[2], dnnr_error *err)
{
    dnnr_worker *workers = dnnr__alloc(n_workers, sizeof *workers);
    if (!workers)
        return dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
    size_t next = 0, busy = 0, done = 0;
    int rc = DNNR_OK;
    while (done < n && !rc) {
        while (busy < n_workers && next < n && !rc) {
            rc = start_next(workers, n_workers, slots, next++, err);
            busy += rc == DNNR_OK;
        }
        if (rc || !busy)
            break;
        dnnr_outcome out;
        dnnr__outcome_init(&out);
        int w = dnnr__workers_wait(workers, n_workers, -1.0, &out);
        if (w < 0) /* with no time limit, only out of memory or a poll error */
            rc = dnnr__error_set(err, DNNR_EIO, "waiting for the training workers failed");
        else {
            const slot *s = workers[w].tag;
            busy--;
            done++;
            int scored = out.status == DNNR_TRIAL_OK ||
                         (out.status == DNNR_TRIAL_DIVERGED && s->job.score_diverged);
            scores[s->fix][s->index] = scored ? out.holdout : NAN;
            if (out.status == DNNR_TRIAL_DIVERGED && scored && isfinite(out.holdout))
                diverged[s->fix]++;
            if (out.status != DNNR_TRIAL_OK)
                fprintf(stderr, "subjects validate: %s training %zu: %s%s%s (holdout %g)\n",
                        s->fix ? "fix" : "faulty", s->index + 1,
                        dnnr__trial_status_name(out.status), out.message[0] ? ": " : "",
                        out.message, scores[s->fix][s->index]);
        }
        dnnr__outcome_clear(&out);
    }
    for (size_t i = 0; i < n_workers; i++) {
        if (workers[i].pid)
            dnnr__worker_kill(&workers[i]);
        dnnr__buf_free(&workers[i].received); /* workers keep their pipe buffer between jobs */
    }
    dnnr__free(workers);
    return rc;
}

/* Keep the finite scores at the front; returns how many. */
static size_t keep_finite(double *v, size_t n)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i]))
            v[m++] = v[i];
    return m;
}

static void print_verdict(const dnnr_subject *s, const validate_opts *o, double *scores[2],
                          const size_t kept[2], const size_t diverged[2], const dnnr_killing *k,
                          const char *provenance)
{
    const char *verdict = k->killed ? "killed" : "not killed";
    if (!o->json) {
        printf("subject   %s (%s, %s; holdout)\n", s->id, s->metric_name,
               s->maximise ? "max" : "min");
        printf("data      %s\n", provenance ? provenance : "?");
        printf("runs      %ld faulty (%zu finite), %ld fix (%zu finite)\n", o->runs, kept[0],
               o->runs, kept[1]);
        printf("diverged  %zu faulty, %zu fix (scored as Keras scores a NaN model)\n",
               diverged[0], diverged[1]);
        printf("faulty    mean %.6g\nfix       mean %.6g\n", k->mean_faulty, k->mean_fix);
        printf("p         %.3f (z %.4g, p %.4g)\nd         %.4g\nverdict   %s\n", k->p3, k->z, k->p,
               k->d, verdict);
        return;
    }
    dnnr_buf b = {0};
    dnnr__buf_put(&b, "{", 1);
    dnnr__json_key(&b, "subject");
    dnnr__json_string(&b, s->id);
    dnnr__buf_put(&b, ",", 1);
    dnnr__json_key(&b, "metric");
    dnnr__json_string(&b, s->metric_name);
    dnnr__buf_put(&b, ",", 1);
    dnnr__json_key(&b, "direction");
    dnnr__json_string(&b, s->maximise ? "max" : "min");
    dnnr__buf_put(&b, ",", 1);
    dnnr__json_key(&b, "data");
    dnnr__json_string(&b, provenance ? provenance : "?");
    dnnr__json_field_number(&b, "runs", (double)o->runs);
    dnnr__json_field_numbers(&b, "faulty", scores[0], kept[0]);
    dnnr__json_field_numbers(&b, "fix", scores[1], kept[1]);
    /* how many of those scores came from diverged trainings */
    dnnr__json_field_number(&b, "faulty_diverged", (double)diverged[0]);
    dnnr__json_field_number(&b, "fix_diverged", (double)diverged[1]);
    dnnr__json_field_number(&b, "mean_faulty", k->mean_faulty);
    dnnr__json_field_number(&b, "mean_fix", k->mean_fix);
    dnnr__json_field_number(&b, "z", k->z);
    dnnr__json_field_number(&b, "p", k->p3);
    dnnr__json_field_number(&b, "p_full", k->p);
    dnnr__json_field_number(&b, "d", k->d);
    dnnr__buf_put(&b, ",", 1);
    dnnr__json_key(&b, "verdict");
    dnnr__json_string(&b, verdict);
    dnnr__buf_put(&b, "}\n", 2);
    fwrite(b.data, 1, b.len, stdout);
    dnnr__buf_free(&b);
}

/* Build the 2 x runs jobs (faulty and fix alternating), train, judge. */
static int validate(dnnr_subject *s, dnnr_subject_rt *rt, const validate_opts *o, int argc,
                    char **argv)
{
    size_t n = (size_t)o->runs, np = s->space->n_params;
    dnnr_value *faulty = dnnr__alloc(np + 1, sizeof *faulty);
    dnnr_value *fix = dnnr__alloc(np + 1, sizeof *fix);
    slot *slots = dnnr__alloc(2 * n, sizeof *slots);
    double *scores[2] = {dnnr__alloc(n, sizeof(double)), dnnr__alloc(n, sizeof(double))};
    int code = 3;
    if (!faulty || !fix || !slots || !scores[0] || !scores[1]) {
        fprintf(stderr, "subjects validate: out of memory\n");
        goto done;
    }
    memcpy(faulty, s->faulty, np * sizeof *faulty);
    memcpy(fix, s->fix, np * sizeof *fix);
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--set") && i + 1 < argc && !apply_set(s, faulty, fix, argv[++i])) {
            code = 2;
            goto done;
        }
    for (size_t i = 0; i < 2 * n; i++) {
        int side = (int)(i % 2);
        slots[i] = (slot){.fix = side, .index = i / 2};
        /* Distinct streams for every training: weights, dropout, shuffling. */
        slots[i].job = (dnnr_trial_job){.rt = rt, .config = side ? fix : faulty,
                                        .seed = dnnr_rng_derive(o->seed, i), .warm_start = -1,
                                        .score_diverged = o->score_diverged};
    }
    dnnr_error err = {{0}};
    size_t diverged[2] = {0, 0};
    if (train_all(slots, 2 * n, (size_t)o->jobs, scores, diverged, &err)) {
        fprintf(stderr, "subjects validate: %s\n", err.msg);
        goto done;
    }
    size_t kept[2] = {keep_finite(scores[0], n), keep_finite(scores[1], n)};
    dnnr_killing k;
    if (kept[0] < 2 || kept[1] < 2 ||
        dnnr__killing_criterion(scores[0], kept[0], scores[1], kept[1], s->maximise, &k)) {
        fprintf(stderr, "subjects validate: %s: too few finished trainings (%zu faulty, %zu "
                        "fix) for the test\n", s->id, kept[0], kept[1]);
        goto done;
    }
    print_verdict(s, o, scores, kept, diverged, &k, rt->dataset.provenance);
    code = k.killed ? 0 : 1;
done:
    dnnr__free(faulty);
    dnnr__free(fix);
    dnnr__free(slots);
    dnnr__free(scores[0]);
    dnnr__free(scores[1]);
    return code;
}

static int cmd_validate_subject(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (dnnr__is_help(argv[i]))
            return subjects_usage(0);
    validate_opts o;
    if (!parse_args(argc, argv, &o))
        return subjects_usage(2);
    dnnr_error err = {{0}};
    dnnr_subject *s = NULL;
    if (dnnr__subject_read(o.file, &s, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 2;
    }
    int code = 2;
    dnnr_registry *reg = dnnr__cli_registry(NULL, 0, 0);
    dnnr_subject_rt *rt = NULL;
    if (!reg || dnnr__subject_rt_open(s, reg, o.backend, (uint32_t)o.threads, &rt, &err))
        fprintf(stderr, "%s\n", reg ? err.msg : "out of memory");
    else if (rt->analytic || !s->fix)
        fprintf(stderr, "%s: needs a data-set subject with fix values\n", o.file);
    else
        code = validate(s, rt, &o, argc, argv);
    dnnr__subject_rt_close(rt);
    dnnr__registry_destroy(reg);
    dnnr__subject_destroy(s);
    return code;
}

int dnnr__cmd_subjects(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "validate"))
        return cmd_validate_subject(argc - 1, argv + 1);
    if (argc >= 2 && dnnr__is_help(argv[1]))
        return subjects_usage(0);
    fprintf(stderr, "subjects: expected 'validate'\n");
    return subjects_usage(2);
}
