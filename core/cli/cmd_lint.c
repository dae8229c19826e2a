/* `dnnrepair lint SUBJECT.cfg`: the static model lint (core/lint) on one
 * configuration of a data-set subject, the faulty one by default. Nothing
 * is trained; the data set is loaded (unless --no-data) for the rules that
 * need its shapes, labels and scales. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "config/subject.h"
#include "engine/template.h"
#include "lint/lint.h"
#include "run/outcome.h"
#include "run/subject_rt.h"
#include "space/space.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/json.h"

static int lint_usage(int code)
{
    printf("usage: dnnrepair lint SUBJECT.cfg [--values faulty|fix] [--config NAME=VALUE]...\n"
           "                      [--no-data] [--train [--seed N]] [--json]\n\n"
           "Checks one configuration of a subject (the faulty values by default, or the fix,\n"
           "either with values changed by --config) without training it: static rules over\n"
           "the resolved model, the training setup and the data set's shape flag likely\n"
           "faults, each with a confidence in [0, 1], a rule id, the template line and the\n"
           "search-space parameters involved (none: the fault lies outside the space).\n"
           "Findings are sorted by confidence; --json prints them as a JSON array. --no-data\n"
           "skips loading the data set (and the rules that need it). Exit status 0 when the\n"
           "lint ran, findings or not; 2 on bad input. core/lint/README.md lists the rules.\n\n"
           "--train also trains the configuration once (in this process) with gradient\n"
           "indicators and adds what AutoTrainer's detection rules see (vanishing or exploding\n"
           "gradients, dying ReLUs, oscillating loss, slow convergence) and a failed training\n"
           "as train-* findings.\n");
    return code;
}

static void print_table(const dnnr_subject *s, const char *values, int have_data,
                        const dnnr_lint_training *train, const dnnr_lint_report *r)
{
    if (train)
        printf("training: %s%s%s, %s %.6g on the search part, %u epoch%s, %.1f s; AutoTrainer: "
               "%s\n",
               dnnr__trial_status_name(train->status), train->message[0] ? ": " : "",
               train->message, s->metric_name, train->metric, train->n_epochs,
               train->n_epochs == 1 ? "" : "s", train->seconds, train->symptom);
    printf("%s (%s values, %s): %zu finding%s\n", s->id, values,
           have_data ? "with the data set" : "without the data set", r->n, r->n == 1 ? "" : "s");
    if (!r->n)
        return;
    printf("%-4s  %-34s %5s  %-24s %s\n", "conf", "rule", "line", "params", "message");
    for (size_t i = 0; i < r->n; i++) {
        const dnnr_lint_finding *f = &r->findings[i];
        char params[4 * 65 + 1] = "";
        for (uint32_t p = 0; p < f->n_params; p++) {
            size_t used = strlen(params);
            snprintf(params + used, sizeof params - used, "%s%s", p ? "," : "", f->params[p]);
        }
        char line[16] = "-";
        if (f->line)
            snprintf(line, sizeof line, "%u", f->line);
        printf("%4.2f  %-34s %5s  %-24s %s\n", f->confidence, f->rule, line,
               f->n_params ? params : "-", f->message);
    }
}

static void print_json(const dnnr_lint_report *r)
{
    dnnr_buf b = {0};
    dnnr__buf_put(&b, "[", 1);
    for (size_t i = 0; i < r->n; i++) {
        const dnnr_lint_finding *f = &r->findings[i];
        dnnr__buf_put(&b, i ? ",\n{" : "{", i ? 3 : 1);
        dnnr__json_key(&b, "rule");
        dnnr__json_string(&b, f->rule);
        /* Confidences are judgements to two decimals, not measurements. */
        dnnr__buf_printf(&b, ",\"confidence\":%.2f", f->confidence);
        dnnr__json_field_number(&b, "line", f->line);
        dnnr__json_field_number(&b, "layer", f->layer);
        dnnr__buf_put(&b, ",", 1);
        dnnr__json_key(&b, "params");
        dnnr__buf_put(&b, "[", 1);
        for (uint32_t p = 0; p < f->n_params; p++) {
            if (p)
                dnnr__buf_put(&b, ",", 1);
            dnnr__json_string(&b, f->params[p]);
        }
        dnnr__buf_put(&b, "]", 1);
        dnnr__json_field_string(&b, "message", f->message);
        dnnr__buf_put(&b, "}", 1);
    }
    dnnr__buf_put(&b, "]\n", 2);
    fwrite(b.data, 1, b.len, stdout);
    dnnr__buf_free(&b);
}

int dnnr__cmd_lint(int argc, char **argv)
{
    const char *file = NULL, *values = "faulty";
    int json = 0, no_data = 0, train = 0;
    uint64_t seed = 1;
    for (int i = 1; i < argc; i++) {
        if (dnnr__is_help(argv[i]))
            return lint_usage(0);
        if (!strcmp(argv[i], "--values") && i + 1 < argc)
            values = argv[++i];
        else if (!strcmp(argv[i], "--config") && i + 1 < argc)
            i++; /* applied once the subject is read */
        else if (!strcmp(argv[i], "--json"))
            json = 1;
        else if (!strcmp(argv[i], "--no-data"))
            no_data = 1;
        else if (!strcmp(argv[i], "--train"))
            train = 1;
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 10);
        else if (argv[i][0] != '-' && !file)
            file = argv[i];
        else {
            fprintf(stderr, "lint: unexpected argument '%s'\n", argv[i]);
            return lint_usage(2);
        }
    }
    if (!file || (strcmp(values, "faulty") && strcmp(values, "fix")))
        return lint_usage(2);
    if (train && no_data) {
        fprintf(stderr, "lint: --train needs the data set; drop --no-data\n");
        return 2;
    }
    dnnr_error err = {{0}};
    dnnr_subject *s = NULL;
    if (dnnr__subject_read(file, &s, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 2;
    }
    int code = 2;
    dnnr_model_template *t = NULL;
    dnnr_value *config = NULL;
    dnnr_registry *reg = NULL;
    dnnr_subject_rt *rt = NULL;
    dnnr_lint_report report = {0};
    if (s->task == DNNR_TASK_ANALYTIC) {
        fprintf(stderr, "%s: lint checks data-set subjects (task classification or regression); "
                        "this one is analytic\n", file);
        goto done;
    }
    if (dnnr__model_template_parse(s->model, s->training, s->file, &t, &err) ||
        dnnr__model_template_check(t, s->space, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        goto done;
    }
    config = dnnr__cli_config(s, values, argc, argv, "--config", s->file);
    if (!config)
        goto done;
    if (!no_data) {
        reg = dnnr__cli_registry(NULL, 0, 1);
        if (!reg || dnnr__subject_rt_open(s, reg, "auto", 0, &rt, &err)) {
            if (train) {
                fprintf(stderr, "lint: --train: %s\n", reg ? err.msg : "out of memory");
                goto done;
            }
            fprintf(stderr, "lint: the data set was not loaded (%s); the rules that need it are "
                            "skipped\n", reg ? err.msg : "out of memory");
            rt = NULL;
        }
    }
    if (dnnr__lint_run(s, t, rt ? &rt->dataset : NULL, config, &report, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        goto done;
    }
    dnnr_lint_training summary;
    if (train && dnnr__lint_train(rt, config, seed, &report, &summary, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        goto done;
    }
    if (json)
        print_json(&report);
    else
        print_table(s, values, rt != NULL, train ? &summary : NULL, &report);
    code = 0;
done:
    dnnr__lint_report_clear(&report);
    dnnr__subject_rt_close(rt);
    dnnr__registry_destroy(reg);
    dnnr__free(config);
    dnnr__model_template_destroy(t);
    dnnr__subject_destroy(s);
    return code;
}
