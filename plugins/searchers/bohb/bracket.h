/* One successive-halving bracket (SEARCHERS.md B.2) as a state machine that
 * knows nothing of the model or the host's trial protocol:
 *  - a stage holds plan->n[stage] slots; a slot is waiting, running or done;
 *  - when every slot of a stage is done, the non-crashed ones are ranked by
 *    loss and the best n[stage+1] move up; crashed ones never do, and the
 *    places they leave are given to fresh configurations (slots with no
 *    vector yet: the caller samples them when it starts them, so they see
 *    the freshest model, as HpBandSter's lazy add_configuration does);
 *  - after the last stage the bracket is finished. */
#ifndef DNNR_BOHB_BRACKET_H
#define DNNR_BOHB_BRACKET_H

#include <stddef.h>
#include <stdint.h>

#include <dnnrepair/host.h>

#include "hyperband.h"

typedef enum bohb_slot_state {
    BOHB_SLOT_WAITING = 0,
    BOHB_SLOT_RUNNING = 1,
    BOHB_SLOT_DONE = 2,
} bohb_slot_state;

typedef struct bohb_slot {
    bohb_slot_state state;
    int sampled;            /**< vector holds a configuration */
    double *vector;         /**< d entries (owned by the bracket) */
    uint64_t trial_id;      /**< the trial of this stage, once started */
    int64_t previous_trial; /**< the same configuration's trial one stage below; -1 = fresh */
    double loss;            /**< +inf when crashed */
} bohb_slot;

typedef struct bohb_bracket {
    uint64_t number;                /**< k: the k-th bracket opened */
    const bohb_bracket_plan *plan;  /**< borrowed from the bohb_hyperband */
    size_t d;
    uint32_t stage;
    uint32_t n_slots;               /**< plan->n[stage] */
    bohb_slot *slots;
    uint32_t n_running;
    int finished;
    const dnnr_host *host;
} bohb_bracket;

/** A new bracket at stage 0 with n[0] unsampled slots; NULL when out of memory. */
bohb_bracket *bohb_bracket_create(const dnnr_host *host, const bohb_bracket_plan *plan,
                                  uint64_t number, size_t d);

/** Free the bracket; NULL is a no-op. */
void bohb_bracket_destroy(bohb_bracket *b);

/**
 * A waiting slot of the current stage, or -1 when none can start now (the
 * stage waits for results, or the bracket is finished).
 */
int bohb_bracket_next(bohb_bracket *b);

/** Mark slot @p i as running trial @p trial_id. */
void bohb_bracket_start(bohb_bracket *b, int i, uint64_t trial_id);

/** The running slot of @p trial_id, or -1. */
int bohb_bracket_find(const bohb_bracket *b, uint64_t trial_id);

/**
 * Record the result of running slot @p i: @p loss, non-finite when the trial
 * crashed. When this completes the stage, promotes (or finishes the
 * bracket). Returns 0, or -1 when out of memory (the stage is then left
 * complete but unpromoted, and a later call retries).
 */
int bohb_bracket_finish(bohb_bracket *b, int i, double loss);

/** Nonzero when this stage's configurations may be promoted (not the last rung). */
int bohb_bracket_may_promote(const bohb_bracket *b);

#endif
