/* `dnnrepair train SUBJECT.cfg`: one training of one configuration, for
 * checking a subject or a patch by hand. Runs in this process (nothing is
 * forked after the backend starts). */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "config/subject.h"
#include "host/host.h"
#include "run/journal.h"
#include "run/outcome.h"
#include "run/subject_rt.h"
#include "run/trial_extras.h"
#include "space/space.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/json.h"

static int train_usage(int code)
{
    printf("usage: dnnrepair train SUBJECT.cfg [--values faulty|fix] [--set NAME=VALUE]...\n"
           "                       [--extra EDIT]... [--seed N] [--backend NAME] [--threads N]\n"
           "                       [--json] [--score-diverged]\n\n"
           "Trains the subject once with the faulty values (default), the fix, or either with\n"
           "some values changed by --set, and prints the status, the metric on the search\n"
           "and holdout parts, per-epoch curves and the training seconds (one JSON object\n"
           "with --json). A training whose loss becomes NaN stops as diverged, without\n"
           "metrics; --score-diverged trains on and scores it as Keras does (the status\n"
           "stays diverged).\n\n"
           "--extra adds one of the trial extras a searcher can ask for (trials.jsonl's\n"
           "\"extras\"), to check such a patch by hand: batchnorm (after every dense/conv layer\n"
           "but the model's last layer), clipvalue=C, momentum=M (sgd), gaussian_noise=S,\n"
           "reduce_lr=FACTOR,PATIENCE,MIN_LR.\n");
    return code;
}

static void print_result(const dnnr_subject *s, const dnnr_value *config,
                         const dnnr_trial_extras *x, const dnnr_outcome *o, int json)
{
    char text[4096];
    dnnr__config_format(s->space, config, text, sizeof text);
    dnnr_buf xb = {0};
    dnnr__extras_format(&xb, x); /* `,"extras":{...}`, or nothing without extras */
    const size_t key = strlen(",\"extras\":");
    if (!json) {
        printf("subject   %s\nconfig    %s\n", s->id, text);
        if (xb.len > key)
            printf("extras    %.*s\n", (int)(xb.len - key), xb.data + key);
        printf("status    %s%s%s\n", dnnr__trial_status_name(o->status),
               o->message[0] ? ": " : "", o->message);
        printf("%-9s search %.6g, holdout %.6g\nseconds   %.3f\n", s->metric_name, o->metric,
               o->holdout, o->cost_seconds);
        for (uint32_t i = 0; i < o->n_epochs; i++)
            printf("epoch %-3u loss %.6g  %s %.6g  val_loss %.6g  val_%s %.6g\n", i + 1,
                   o->epochs[i].train_loss, s->metric_name, o->epochs[i].train_metric,
                   o->epochs[i].val_loss, s->metric_name, o->epochs[i].val_metric);
        dnnr__buf_free(&xb);
        return;
    }
    dnnr_buf b = {0};
    dnnr__buf_put(&b, "{", 1);
    dnnr__json_key(&b, "subject");
    dnnr__json_string(&b, s->id);
    dnnr__json_field_string(&b, "config", text);
    dnnr__buf_put(&b, xb.data, xb.len);
    dnnr__buf_free(&xb);
    dnnr__json_field_string(&b, "status", dnnr__trial_status_name(o->status));
    dnnr__json_field_string(&b, "message", o->message);
    dnnr__json_field_string(&b, "metric", s->metric_name);
    dnnr__json_field_number(&b, "search", o->metric);
    dnnr__json_field_number(&b, "holdout", o->holdout);
    dnnr__json_field_number(&b, "seconds", o->cost_seconds);
    dnnr__json_field_number(&b, "cost_units", o->cost_units);
    static const struct { const char *key; size_t offset; } curves[] = {
        {"train_loss", offsetof(dnnr_epoch_record, train_loss)},
        {"train_metric", offsetof(dnnr_epoch_record, train_metric)},
        {"val_loss", offsetof(dnnr_epoch_record, val_loss)},
        {"val_metric", offsetof(dnnr_epoch_record, val_metric)}};
    for (size_t i = 0; i < sizeof curves / sizeof curves[0]; i++) {
        dnnr__buf_put(&b, ",", 1);
        dnnr__journal_format_curve(&b, curves[i].key, o, curves[i].offset);
    }
    dnnr__buf_put(&b, "}\n", 2);
    fwrite(b.data, 1, b.len, stdout);
    dnnr__buf_free(&b);
}

int dnnr__cmd_train(int argc, char **argv)
{
    const char *file = NULL, *values = "faulty", *backend = "auto";
    uint64_t seed = 1;
    long threads = 0;
    int json = 0, score_diverged = 0;
    dnnr_trial_extras extras;
    dnnr__extras_copy(&extras, NULL);
    for (int i = 1; i < argc; i++) {
        if (dnnr__is_help(argv[i]))
            return train_usage(0);
        if (!strcmp(argv[i], "--values") && i + 1 < argc)
            values = argv[++i];
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--backend") && i + 1 < argc)
            backend = argv[++i];
        else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
            threads = strtol(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--json"))
            json = 1;
        else if (!strcmp(argv[i], "--score-diverged"))
            score_diverged = 1;
        else if (!strcmp(argv[i], "--set") && i + 1 < argc)
            i++; /* applied once the subject is read */
        else if (!strcmp(argv[i], "--extra") && i + 1 < argc) {
            if (dnnr__extras_parse_arg(argv[++i], &extras)) {
                fprintf(stderr, "train: unknown extra '%s'\n", argv[i]);
                return train_usage(2);
            }
        }
        else if (argv[i][0] != '-' && !file)
            file = argv[i];
        else {
            fprintf(stderr, "train: unexpected argument '%s'\n", argv[i]);
            return train_usage(2);
        }
    }
    if (!file || (strcmp(values, "faulty") && strcmp(values, "fix")))
        return train_usage(2);
    dnnr_error err = {{0}};
    dnnr_subject *s = NULL;
    if (dnnr__subject_read(file, &s, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    int code = 1;
    dnnr_registry *reg = dnnr__cli_registry(NULL, 0, 0);
    dnnr_subject_rt *rt = NULL;
    dnnr_value *config = NULL;
    if (!reg || dnnr__subject_rt_open(s, reg, backend, (uint32_t)threads, &rt, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        goto done;
    }
    config = dnnr__cli_config(s, values, argc, argv, "--set", "train");
    if (!config)
        goto done;
    dnnr_trial_job job = {.rt = rt, .config = config, .seed = dnnr_rng_derive(seed, 0),
                          .warm_start = -1, .score_diverged = score_diverged,
                          .extras = extras};
    dnnr_outcome out;
    dnnr__outcome_init(&out);
    dnnr__trial_execute(NULL, &job, &out);
    print_result(s, config, &extras, &out, json);
    code = out.status == DNNR_TRIAL_OK ? 0 : 3;
    dnnr__outcome_clear(&out);
done:
    dnnr__free(config);
    dnnr__subject_rt_close(rt);
    dnnr__registry_destroy(reg);
    dnnr__subject_destroy(s);
    return code;
}
