/* The run journal: trials.jsonl holds one object per finished trial,
 * appended and fsync'ed before the orchestrator's next decision. Because
 * searchers are told results in trial order and asked at fixed points (see
 * orchestrator.c), the journal alone lets --resume rebuild every searcher's
 * state exactly and re-run only the trials that never finished. */
#ifndef DNNR_RUN_JOURNAL_H
#define DNNR_RUN_JOURNAL_H

#include <stdint.h>

#include <dnnrepair/dnnrepair.h>

#include "run/outcome.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/json.h"

/* Identity of a run: one (subject, searcher, budget, repeat). */
typedef struct dnnr_run_key {
    const char *subject, *searcher;
    double budget;
    int64_t repeat;
} dnnr_run_key;

/* Everything trials.jsonl stores about a finished trial. */
typedef struct dnnr_trial_record {
    dnnr_run_key key;
    uint64_t trial;       /* trial id within the run; 0 = the faulty/start configuration */
    const dnnr_space *space;
    const dnnr_value *config;
    double fidelity;
    int64_t warm_start;
    const char *note;
    const dnnr_trial_extras *extras; /* NULL: none */
    double objective;
    const dnnr_outcome *outcome;
    double started, finished; /* Unix seconds */
    double run_elapsed;       /* seconds since the run started, at the finish */
    int maximise;             /* the subject's direction, so reports need only this file */
    double optimum;           /* analytic f*, NaN otherwise */
    int searcher_failed;      /* the searcher died deciding this trial: its run ends here */
} dnnr_trial_record;

typedef struct dnnr_journal dnnr_journal;

/** Open (creating or appending to) dir/trials.jsonl. */
int dnnr__journal_open(const char *dir, dnnr_journal **out, dnnr_error *err);
void dnnr__journal_close(dnnr_journal *j);
int dnnr__journal_append_trial(dnnr_journal *j, const dnnr_trial_record *r, dnnr_error *err);
/** Read a configuration object written by the journal back into values. */
int dnnr__journal_config(const dnnr_json *obj, const dnnr_space *space, dnnr_value *config);
/** Append one JSON object (without newline) as a line, fsync'ed. */
int dnnr__journal_append_line(dnnr_journal *j, dnnr_buf *line, dnnr_error *err);
/** A configuration as a JSON object (categorical values by name). */
void dnnr__journal_format_config(dnnr_buf *b, const dnnr_space *space, const dnnr_value *config);
/** `"key":[...]`: one per-epoch curve (the double at `offset` of each epoch record). */
void dnnr__journal_format_curve(dnnr_buf *b, const char *key, const dnnr_outcome *o, size_t offset);
/** The JSON line of a trial record, without the newline. */
void dnnr__journal_format_trial(dnnr_buf *b, const dnnr_trial_record *r);

/* Reading back: each complete line parsed; a torn last line (a crash while
 * appending) is ignored, a corrupt line elsewhere is an error naming it. */
typedef struct dnnr_journal_lines {
    dnnr_json **items;
    size_t n;
} dnnr_journal_lines;

int dnnr__journal_read_lines(const char *path, dnnr_journal_lines *out, dnnr_error *err);
void dnnr__journal_lines_free(dnnr_journal_lines *lines);
/** Does a parsed line belong to this run? */
int dnnr__journal_line_matches(const dnnr_json *line, const dnnr_run_key *key);

#endif
