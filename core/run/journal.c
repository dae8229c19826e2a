#include "run/journal.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "run/trial_extras.h"
#include "space/space.h"
#include "util/alloc.h"
#include "util/io.h"

struct dnnr_journal {
    int trials_fd;
};

int dnnr__journal_open(const char *dir, dnnr_journal **out, dnnr_error *err)
{
    if (dnnr__mkdirs(dir) != DNNR_OK)
        return dnnr__error_set(err, DNNR_EIO, "%s: cannot create the folder", dir);
    dnnr_journal *j = dnnr__alloc(1, sizeof *j);
    char *trials = dnnr__asprintf("%s/trials.jsonl", dir);
    int rc = DNNR_OK;
    if (!j || !trials) {
        rc = dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
    } else {
        j->trials_fd = open(trials, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
        if (j->trials_fd < 0)
            rc = dnnr__error_set(err, DNNR_EIO, "%s: cannot open for appending: %s", trials,
                                 strerror(errno));
    }
    dnnr__free(trials);
    if (rc) {
        dnnr__journal_close(j);
        return rc;
    }
    *out = j;
    return DNNR_OK;
}

void dnnr__journal_close(dnnr_journal *j)
{
    if (!j)
        return;
    if (j->trials_fd > 0)
        close(j->trials_fd);
    dnnr__free(j);
}

static void format_key(dnnr_buf *b, const dnnr_run_key *k)
{
    dnnr__json_key(b, "subject");
    dnnr__json_string(b, k->subject);
    dnnr__buf_put(b, ",", 1);
    dnnr__json_key(b, "searcher");
    dnnr__json_string(b, k->searcher);
    dnnr__buf_put(b, ",", 1);
    dnnr__json_key(b, "budget");
    dnnr__json_number(b, k->budget);
    dnnr__buf_put(b, ",", 1);
    dnnr__json_key(b, "repeat");
    dnnr__json_number(b, (double)k->repeat);
}

void dnnr__journal_format_config(dnnr_buf *b, const dnnr_space *space, const dnnr_value *config)
{
    dnnr__buf_put(b, "{", 1);
    for (uint32_t i = 0; i < space->n_params; i++) {
        const dnnr_param *p = space->params[i];
        if (i)
            dnnr__buf_put(b, ",", 1);
        dnnr__json_key(b, p->name);
        if (p->kind == DNNR_PARAM_CATEGORICAL)
            dnnr__json_string(b, p->choices[config[i].i]);
        else if (p->kind == DNNR_PARAM_INTEGER)
            dnnr__json_number(b, (double)config[i].i);
        else
            dnnr__buf_printf(b, "%.17g", config[i].f);
    }
    dnnr__buf_put(b, "}", 1);
}

void dnnr__journal_format_curve(dnnr_buf *b, const char *key, const dnnr_outcome *o, size_t offset)
{
    dnnr__json_key(b, key);
    dnnr__buf_put(b, "[", 1);
    for (uint32_t i = 0; i < o->n_epochs; i++) {
        if (i)
            dnnr__buf_put(b, ",", 1);
        dnnr__json_number(b, *(const double *)((const char *)&o->epochs[i] + offset));
    }
    dnnr__buf_put(b, "]", 1);
}

static void format_indicators(dnnr_buf *b, const dnnr_outcome *o)
{
    dnnr__json_key(b, "indicators");
    dnnr__buf_put(b, "[", 1);
    int first = 1;
    for (uint32_t i = 0; i < o->n_epochs; i++) {
        const dnnr_epoch_record *e = &o->epochs[i];
        if (!e->checked)
            continue;
        dnnr__buf_printf(b, "%s{\"epoch\":%u,\"grad_norm_first\":", first ? "" : ",", e->epoch);
        dnnr__json_number(b, e->grad_norm_first);
        dnnr__buf_put(b, ",\"grad_norm_last\":", 18);
        dnnr__json_number(b, e->grad_norm_last);
        dnnr__buf_put(b, ",\"zero_grad_fraction\":", 22);
        dnnr__json_number(b, e->zero_grad_fraction);
        dnnr__buf_printf(b, ",\"grad_nonfinite\":%u,\"weight_nonfinite\":%u,\"large_weight\":%u}",
                         e->grad_nonfinite, e->weight_nonfinite, e->large_weight);
        first = 0;
    }
    dnnr__buf_put(b, "]", 1);
}

void dnnr__journal_format_trial(dnnr_buf *b, const dnnr_trial_record *r)
{
    const dnnr_outcome *o = r->outcome;
    dnnr__buf_put(b, "{", 1);
    format_key(b, &r->key);
    dnnr__buf_printf(b, ",\"trial\":%llu,", (unsigned long long)r->trial);
    dnnr__json_key(b, "config");
    dnnr__journal_format_config(b, r->space, r->config);
    dnnr__json_field_number(b, "fidelity", r->fidelity);
    dnnr__buf_printf(b, ",\"warm_start\":%lld", (long long)r->warm_start);
    dnnr__json_field_string(b, "status", dnnr__trial_status_name(o->status));
    dnnr__json_field_string(b, "message", o->message);
    dnnr__json_field_number(b, "metric", o->metric);
    dnnr__json_field_number(b, "holdout", o->holdout);
    dnnr__json_field_number(b, "objective", r->objective);
    dnnr__json_field_number(b, "cost_seconds", o->cost_seconds);
    dnnr__json_field_number(b, "cost_units", o->cost_units);
    dnnr__json_field_number(b, "cost_raw", o->cost_raw);
    dnnr__buf_printf(b, ",\"stopped_early\":%u,", o->stopped_early);
    dnnr__journal_format_curve(b, "train_loss", o, offsetof(dnnr_epoch_record, train_loss));
    dnnr__buf_put(b, ",", 1);
    dnnr__journal_format_curve(b, "train_metric", o, offsetof(dnnr_epoch_record, train_metric));
    dnnr__buf_put(b, ",", 1);
    dnnr__journal_format_curve(b, "val_loss", o, offsetof(dnnr_epoch_record, val_loss));
    dnnr__buf_put(b, ",", 1);
    dnnr__journal_format_curve(b, "val_metric", o, offsetof(dnnr_epoch_record, val_metric));
    dnnr__buf_put(b, ",", 1);
    format_indicators(b, o);
    dnnr__json_field_string(b, "note", r->note ? r->note : "");
    if (r->extras)
        dnnr__extras_format(b, r->extras);
    dnnr__buf_printf(b, ",\"started\":%.6f,\"finished\":%.6f,\"run_elapsed\":%.6f", r->started,
                     r->finished, r->run_elapsed);
    dnnr__json_field_string(b, "direction", r->maximise ? "max" : "min");
    dnnr__json_field_number(b, "optimum", r->optimum);
    dnnr__buf_printf(b, ",\"searcher_failed\":%s", r->searcher_failed ? "true" : "false");
    dnnr__buf_put(b, "}", 1);
}

static int append_line(int fd, dnnr_buf *b, const char *what, dnnr_error *err)
{
    dnnr__buf_put(b, "\n", 1);
    if (b->failed)
        return dnnr__error_set(err, DNNR_ENOMEM, "out of memory while journaling %s", what);
    if (dnnr__write_all(fd, b->data, b->len) != DNNR_OK || dnnr__fsync(fd) != DNNR_OK)
        return dnnr__error_set(err, DNNR_EIO, "cannot append to %s: %s", what, strerror(errno));
    return DNNR_OK;
}

int dnnr__journal_append_line(dnnr_journal *j, dnnr_buf *line, dnnr_error *err)
{
    return append_line(j->trials_fd, line, "trials.jsonl", err);
}

int dnnr__journal_append_trial(dnnr_journal *j, const dnnr_trial_record *r, dnnr_error *err)
{
    dnnr_buf b = {0};
    dnnr__journal_format_trial(&b, r);
    int rc = append_line(j->trials_fd, &b, "trials.jsonl", err);
    dnnr__buf_free(&b);
    return rc;
}

int dnnr__journal_read_lines(const char *path, dnnr_journal_lines *out, dnnr_error *err)
{
    memset(out, 0, sizeof *out);
    size_t len;
    char *text = dnnr__read_file(path, &len);
    if (!text)
        return DNNR_OK; /* no journal yet: nothing to resume */
    int rc = DNNR_OK;
    size_t line_no = 0;
    for (char *line = text; line < text + len && !rc;) {
        char *nl = memchr(line, '\n', (size_t)(text + len - line));
        line_no++;
        if (!nl)
            break; /* a torn last line: the write never completed */
        size_t n = (size_t)(nl - line);
        if (n) {
            size_t where = 0;
            dnnr_json *j = dnnr__json_parse(line, n, &where);
            dnnr_json **grown = j ? dnnr__realloc(out->items, (out->n + 1) * sizeof *grown) : NULL;
            if (!j)
                rc = dnnr__error_set(err, DNNR_EPARSE, "%s:%zu: malformed JSON at column %zu", path,
                                     line_no, where + 1);
            else if (!grown) {
                dnnr__json_free(j);
                rc = dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
            } else {
                out->items = grown;
                out->items[out->n++] = j;
            }
        }
        line = nl + 1;
    }
    dnnr__free(text);
    if (rc)
        dnnr__journal_lines_free(out);
    return rc;
}

void dnnr__journal_lines_free(dnnr_journal_lines *lines)
{
    for (size_t i = 0; i < lines->n; i++)
        dnnr__json_free(lines->items[i]);
    dnnr__free(lines->items);
    memset(lines, 0, sizeof *lines);
}

int dnnr__journal_line_matches(const dnnr_json *line, const dnnr_run_key *key)
{
    const char *subject = dnnr__json_str(line, "subject");
    const char *searcher = dnnr__json_str(line, "searcher");
    return subject && searcher && strcmp(subject, key->subject) == 0 &&
           strcmp(searcher, key->searcher) == 0 && dnnr__json_num(line, "budget") == key->budget &&
           dnnr__json_num(line, "repeat") == (double)key->repeat;
}

int dnnr__journal_config(const dnnr_json *obj, const dnnr_space *space, dnnr_value *config)
{
    if (!obj || obj->type != DNNR_JSON_OBJECT)
        return DNNR_EPARSE;
    for (uint32_t i = 0; i < space->n_params; i++) {
        const dnnr_param *p = space->params[i];
        const dnnr_json *v = dnnr__json_get(obj, p->name);
        if (!v)
            return DNNR_EPARSE;
        if (p->kind == DNNR_PARAM_CATEGORICAL) {
            int c = v->type == DNNR_JSON_STRING ? dnnr__param_choice(p, v->string) : -1;
            if (c < 0)
                return DNNR_EPARSE;
            config[i].i = c;
        } else if (v->type != DNNR_JSON_NUMBER) {
            return DNNR_EPARSE;
        } else if (p->kind == DNNR_PARAM_INTEGER) {
            config[i].i = (int64_t)v->number;
        } else {
            config[i].f = v->number;
        }
    }
    return DNNR_OK;
}
