/* focus: the instance state, shared by the protocol glue (focus.c) and the
 * phase planner (plan.c). */
#ifndef FOCUS_STATE_H
#define FOCUS_STATE_H

#include "focus.h"

typedef enum cand_kind { CK_BASELINE, CK_SINGLE, CK_PAIR, CK_REGION } cand_kind;

typedef enum cand_stage {
    CS_NEW,       /* created, not handed out */
    CS_SCREENING, /* low-fidelity trial in flight */
    CS_SCREENED,  /* screened, promotion undecided */
    CS_PROMOTED,  /* waiting for its full-fidelity trial */
    CS_FULL,      /* full-fidelity trial in flight */
    CS_DONE,      /* full-fidelity result in, or dropped after screening */
} cand_stage;

typedef enum phase { PH_SINGLES, PH_PAIRS, PH_REGION } phase;

typedef struct cand {
    cand_kind kind;
    cand_stage stage;
    phase born;          /* phase that created it (promotion rounds) */
    int32_t move[2];     /* indices into the single moves; -1 = none */
    dnnr_value *config;  /* host memory, space->n_params values */
    double screen_y, full_y; /* NaN when failed or not run */
    int screen_ok, full_ok;
    int direct;          /* skips screening */
    uint64_t full_trial;
    char why[320];       /* the note's body */
} cand;

typedef struct pend {
    uint64_t id;
    size_t cand;
    int screen;
    double cost; /* in full trainings */
} pend;

struct dnnr_searcher {
    const dnnr_host *host;
    const dnnr_space *space;
    size_t d;
    focus_options opt;
    dnnr_metric_kind metric_kind;
    dnnr_fidelity_kind fidelity_kind;
    double min_fidelity, max_fidelity;
    size_t max_in_flight;
    double target;

    dnnr_value *start; /* NULL when the host has no start */
    int start_told;
    double start_y;   /* NaN when trial 0 failed */
    double start_seconds;

    focus_param *params;
    uint32_t *order;
    focus_symptoms sym;
    focus_codec codec;
    focus_move *moves;
    size_t n_moves, next_move;
    unsigned char *blocked; /* per move: evidence against it */
    int32_t *move_cand;     /* per move: its single-change candidate, -1 = none */
    unsigned char *boosted; /* per move: the next step after a gain, tried first */

    cand *cands;
    size_t n_cands, cap_cands;
    pend *pend;
    size_t n_pend, cap_pend;
    double told_cost; /* full trainings told so far (for hosts without a budget) */

    /* screening */
    int screening;      /* active for this run */
    double screen_fid;  /* the request's fidelity */
    double screen_cost; /* in full trainings */
    int baseline_asked, baseline_known;
    double baseline_y;

    phase phase;
    int settled[3];     /* the phase's promote_top fallback ran */
    int32_t *pairs;     /* 2 move indices per pair */
    size_t n_pairs, next_pair;

    /* full-fidelity observations (the start included) */
    focus_obs *obs;
    uint64_t *obs_trial;
    unsigned char *obs_used; /* already a trust-region centre */
    size_t n_obs, cap_obs;
    double best_y;
    size_t best_obs; /* valid when n_obs > 0 */

    focus_region tr;
    uint64_t key_region, n_region;
    int target_hit;
    char note[512];
};

/* plan.c */
int focus_after_start(dnnr_searcher *s, const dnnr_trial_result *res);
int focus_build_pairs(dnnr_searcher *s);
/* A full-fidelity result better than the faulty model's. */
int focus_improved(const dnnr_searcher *s, const cand *c);
void focus_region_begin(dnnr_searcher *s);
void focus_region_result(dnnr_searcher *s, size_t obs_index, int from_region);
/* A screened candidate's fate once the baseline is known. */
void focus_decide(dnnr_searcher *s, cand *c);
/* The promote_top fallback of a finished phase; returns how many it promoted. */
size_t focus_settle(dnnr_searcher *s, phase ph);
/* Budget: share of the total spent (trials in flight included) and what is
 * left, both in full trainings. */
double focus_spent_share(const dnnr_searcher *s);
double focus_left(const dnnr_searcher *s);
/* Evidence against move m: it and the larger steps the same way. */
void focus_block(dnnr_searcher *s, size_t m);
/* Move m gained: its next step the same way goes to the front. */
void focus_boost(dnnr_searcher *s, size_t m);
/* Record a full-fidelity observation; DNNR_OK or DNNR_ENOMEM. */
int focus_observe(dnnr_searcher *s, const dnnr_value *config, double y, uint64_t trial);
/* The configuration was proposed before (the start, any candidate). */
int focus_known(const dnnr_searcher *s, const dnnr_value *config);
/* Why a parameter is suspect: "lint reasons, symptoms, prior". */
void focus_param_why(const dnnr_searcher *s, uint32_t i, char *buf, size_t len);

#endif
