/* What one trial produced, as the worker reports it to the orchestrator, and
 * how epoch records travel between processes (workers, searcher processes,
 * later MPI ranks) as bytes. */
#ifndef DNNR_RUN_OUTCOME_H
#define DNNR_RUN_OUTCOME_H

#include <dnnrepair/dnnrepair.h>

#include "util/buf.h"

#define DNNR_MESSAGE_MAX 512

typedef struct dnnr_outcome {
    dnnr_trial_status status;
    char message[DNNR_MESSAGE_MAX];
    double metric;  /* on the search part (the function value for analytic subjects) */
    double holdout; /* on the holdout part; NaN when there is none */
    double cost_seconds, cost_units;
    /* Training-cost units before normalisation (samples x epochs x FLOPs):
     * the orchestrator divides by the faulty model's to get cost_units. */
    double cost_raw;
    uint32_t stopped_early;
    uint32_t n_epochs;
    dnnr_epoch_record *epochs; /* owned, with their layer arrays */
} dnnr_outcome;

void dnnr__outcome_init(dnnr_outcome *o);
void dnnr__outcome_clear(dnnr_outcome *o);
void dnnr__outcome_set(dnnr_outcome *o, dnnr_trial_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/** Append an epoch (copying its layer arrays). */
int dnnr__outcome_add_epoch(dnnr_outcome *o, const dnnr_epoch_record *e);

void dnnr__outcome_write(dnnr_buf *b, const dnnr_outcome *o);
/** As dnnr__outcome_write, with the epochs given separately (o->epochs ignored). */
void dnnr__outcome_write_with(dnnr_buf *b, const dnnr_outcome *o,
                              const dnnr_epoch_record *const *epochs, uint32_t n_epochs);
/** DNNR_EPARSE when the bytes are not a complete outcome. */
int dnnr__outcome_read(dnnr_reader *r, dnnr_outcome *o);

const char *dnnr__trial_status_name(dnnr_trial_status s);
int dnnr__trial_status_parse(const char *name, dnnr_trial_status *out);

#endif
