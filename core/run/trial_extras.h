/* A trial's extras (SDK 1.2 dnnr_trial_extras) as the host moves and keeps
 * them: a fixed binary form for the searcher and worker pipes and MPI, a
 * JSON object for trials.jsonl (read back by --resume and the report), and
 * how many edits they make (patch complexity). */
#ifndef DNNR_RUN_TRIAL_EXTRAS_H
#define DNNR_RUN_TRIAL_EXTRAS_H

#include <dnnrepair/trial.h>

#include "util/buf.h"
#include "util/json.h"

/** A plugin's extras (NULL = none) as a full-size struct: members it lacks are 0. */
void dnnr__extras_copy(dnnr_trial_extras *out, const dnnr_trial_extras *in);
/** Edits made: one per member that is not "none" (0..5). */
unsigned dnnr__extras_count(const dnnr_trial_extras *x);
int dnnr__extras_equal(const dnnr_trial_extras *a, const dnnr_trial_extras *b);

void dnnr__extras_write(dnnr_buf *b, const dnnr_trial_extras *x);
/** Sets r->failed on a short message. */
void dnnr__extras_read(dnnr_reader *r, dnnr_trial_extras *x);

/** `,"extras":{...}` with the edits made, or nothing when there are none. */
void dnnr__extras_format(dnnr_buf *b, const dnnr_trial_extras *x);
/** The "extras" member of a journal line (absent: none). Nonzero when malformed. */
int dnnr__extras_parse(const dnnr_json *line, dnnr_trial_extras *x);
/**
 * One command-line edit added to @p x: "batchnorm", "clipvalue=C",
 * "momentum=M", "gaussian_noise=S" or "reduce_lr=FACTOR,PATIENCE,MIN_LR".
 * Nonzero when malformed (the engine judges the values).
 */
int dnnr__extras_parse_arg(const char *arg, dnnr_trial_extras *x);

#endif
