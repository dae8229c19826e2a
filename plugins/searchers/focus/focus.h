/* focus: a fault-localising, local-first repair searcher.
 *
 * The plugin is split by concept:
 *   roles.c     what each parameter sets (from the host's hints or its name)
 *               and the prior per role (the DL fault taxonomy, approximate)
 *   suspicion.c dynamic symptoms of the faulty run (AutoTrainer's detectors)
 *               and the ranking that combines lint, symptoms and priors
 *   moves.c     single changes of one parameter, ordered by priority, and the
 *               pairs built from them
 *   codec.c     the search's unit encoding: the host's, with log-like floats
 *               declared linear put on a log scale
 *   region.c    the trust-region model-based phase (HEBO's GP and MACE)
 *   options.c   every constant, overridable from the experiment file
 *   plan.c      the phases' bookkeeping: trial 0, promotions after
 *               screening, the pairs, the trust region's size, the budget
 *   focus.c     the ask/tell state machine: candidates, duplicates, notes
 * README.md in this folder explains each choice.
 */
#ifndef FOCUS_H
#define FOCUS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <dnnrepair/dnnrepair.h>

/* snprintf for notes: a note cut short is fine, so truncation is not an
 * error (vsnprintf keeps -Wformat-truncation quiet about it). */
static inline void focus_fmt(char *buf, size_t len, const char *fmt, ...) DNNR_PRINTF(3, 4);
static inline void focus_fmt(char *buf, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, len, fmt, ap);
    va_end(ap);
}

/* Roles of a parameter (SDK 1.1 dnnr_param_hint::role). */
typedef enum focus_role {
    FOCUS_ROLE_ACTIVATION = 0,
    FOCUS_ROLE_KERNEL_INIT,
    FOCUS_ROLE_BIAS_INIT,
    FOCUS_ROLE_REGULARIZER,
    FOCUS_ROLE_LOSS,
    FOCUS_ROLE_OPTIMIZER,
    FOCUS_ROLE_LR,
    FOCUS_ROLE_BATCH_SIZE,
    FOCUS_ROLE_EPOCHS,
    FOCUS_ROLE_LAYERS,
    FOCUS_ROLE_UNITS,
    FOCUS_ROLE_RATE,
    FOCUS_ROLE_SHAPE,
    FOCUS_ROLE_OTHER,
    FOCUS_ROLE_UNUSED,
    FOCUS_N_ROLES
} focus_role;

/* roles.c */
const char *focus_role_name(focus_role r);
/* A hint's role string; unknown strings give FOCUS_ROLE_OTHER. */
focus_role focus_role_parse(const char *s);
/* The role a parameter's name suggests (act3 -> activation, ki1 -> kernel
 * initialiser, lr, batch_size, epochs, layer2 -> layers, ...). */
focus_role focus_role_from_name(const char *name);
/* The default taxonomy prior of each role, in [0, 1]. */
double focus_role_prior_default(focus_role r);

/* Every constant of the searcher (options.c reads them). */
typedef struct focus_options {
    int screening;          /* screen candidates at a reduced fidelity first */
    double screen_fraction; /* share of the full fidelity a screen trains */
    double screen_margin;   /* a screen must beat the faulty screen by this to be promoted at once */
    int64_t promote_top;    /* promoted per phase when no screen beat the faulty one */
    int screen_region;      /* screen the trust-region proposals too */
    double singles_share;   /* budget share (cumulative) of the single-change phase */
    double pairs_share;     /* ... of single changes and pairs together */
    int64_t moves_per_param;
    double move_decay;      /* priority of the k-th alternative of a parameter: decay^k */
    int64_t pairs;          /* pairs proposed at most */
    int64_t pair_suspects;  /* most suspect parameters whose top moves are paired */
    double prior_scale;     /* weight of the taxonomy prior in the noisy-OR */
    double lint_weight;     /* weight of the host's lint suspicion */
    double dynamic_weight;  /* weight of the faulty run's symptoms */
    double role_prior[FOCUS_N_ROLES];
    double tr_length, tr_length_min, tr_length_max;
    int64_t tr_success, tr_failure, tr_hamming;
    int64_t candidates;     /* trust-region candidates scored per proposal */
    int64_t fit_restarts, fit_max_iter;
    int64_t min_model_points; /* full-fidelity observations before the GP is used */
    int stop_at_target;
} focus_options;

/* options.c: read every option (defaults above the reads); DNNR_OK or DNNR_EINVAL. */
int focus_options_read(const dnnr_host *h, focus_options *o);

/* What is known about one parameter before the search. */
typedef struct focus_param {
    focus_role role;
    int is_output;    /* the output layer's activation (highest-numbered act) */
    int log_like;     /* numeric, searched on a log scale */
    int ordinal;      /* categorical whose choices are increasing numbers */
    double *ord_value; /* ordinal: the choices' values (host memory), else NULL */
    double lint, dynamic, prior, suspicion;
    int lr_direction; /* -1: decrease first, +1: increase first, 0: no preference */
    char reasons[192];
} focus_param;

/* Symptoms of the faulty run (suspicion.c). */
typedef enum focus_symptom {
    FOCUS_SYM_VANISHING = 0,
    FOCUS_SYM_EXPLODING,
    FOCUS_SYM_DYING,
    FOCUS_SYM_OSCILLATING,
    FOCUS_SYM_SLOW,
    FOCUS_SYM_FAILED,         /* trial 0 diverged, was invalid, crashed or timed out */
    FOCUS_SYM_OUTPUT_BLOCKED, /* no gradient reaches the last layer at all */
    FOCUS_N_SYMPTOMS
} focus_symptom;

typedef struct focus_symptoms {
    unsigned present; /* bit (1u << focus_symptom) */
    uint32_t at_epoch; /* where AutoTrainer's check reported */
} focus_symptoms;

const char *focus_symptom_name(focus_symptom s);
/* Symptoms of a finished trial (normally trial 0): AutoTrainer's rules on its
 * epoch records (regression rules when the metric is a loss), a failure, and
 * a last layer whose gradient is entirely zero. */
void focus_symptoms_detect(const dnnr_trial_result *res, dnnr_metric_kind kind,
                           focus_symptoms *out);
/* How strongly symptom @p s points at role @p r (0 = not at all). The output
 * flag matters for FOCUS_SYM_OUTPUT_BLOCKED only. */
double focus_symptom_weight(focus_symptom s, focus_role r, int is_output);

/* Fill params[i] (roles, flags, lint, priors; dynamic evidence from @p sym,
 * which may be NULL) and their suspicion. @p hints may be NULL. */
int focus_params_init(const dnnr_host *h, const dnnr_space *space, const dnnr_param_hint *const *hints,
                      const focus_options *o, focus_param *params);
void focus_params_free(const dnnr_host *h, const dnnr_space *space, focus_param *params);
void focus_suspicion_update(const dnnr_space *space, const focus_options *o,
                            const focus_symptoms *sym, focus_param *params);
/* Parameter indices by decreasing suspicion (ties: space order) into @p order. */
void focus_rank(const dnnr_space *space, const focus_param *params, uint32_t *order);

/* A single change: parameter @p param takes @p value. */
typedef struct focus_move {
    uint32_t param;
    dnnr_value value;
    double priority;  /* suspicion x decay^rank */
    uint32_t rank;    /* position among the parameter's alternatives */
    int direction;    /* numeric: +1 up, -1 down; categorical 0 */
    double magnitude; /* numeric: size of the step (factor or unit distance) */
} focus_move;

/* moves.c: every single change of every parameter (at most moves_per_param
 * each), sorted by decreasing priority (ties: parameter then rank order).
 * *out is host memory. */
int focus_singles(const dnnr_host *h, const dnnr_space *space, const focus_param *params,
                  const focus_options *o, dnnr_metric_kind kind, const dnnr_value *start,
                  focus_move **out, size_t *n_out);
/* The alternatives of one parameter in order, at most @p max, into @p out
 * (value, direction, magnitude; rank = position). Returns how many. */
size_t focus_alternatives(const dnnr_param *p, const focus_param *info, dnnr_metric_kind kind,
                          dnnr_value start, focus_move *out, size_t max);
/* "name: old->new" into buf. */
void focus_move_text(const dnnr_param *p, dnnr_value from, dnnr_value to, char *buf, size_t len);

/* codec.c: the unit encoding of the search (one dimension per parameter). */
typedef struct focus_codec {
    const dnnr_host *host;
    const dnnr_space *space;
    size_t d;
    const focus_param *params;
    double *scratch; /* d doubles */
} focus_codec;

int focus_codec_init(focus_codec *c, const dnnr_host *h, const dnnr_space *space,
                     const focus_param *params);
void focus_codec_free(focus_codec *c);
/* Continuous dimension (box) rather than a categorical (Hamming). */
int focus_codec_numeric(const focus_codec *c, size_t i);
void focus_codec_encode(const focus_codec *c, const dnnr_value *config, double *u);
void focus_codec_decode(const focus_codec *c, const double *u, dnnr_value *config);
/* GP input width: one column per numeric dimension, one per choice otherwise. */
size_t focus_codec_gp_dims(const focus_codec *c);
void focus_codec_gp_input(const focus_codec *c, const double *u, double *gpx);
void focus_codec_gp_bounds(const focus_codec *c, double *lo, double *hi);

/* region.c: the trust region (TuRBO-style) and one proposal. */
typedef struct focus_region {
    double length;
    int64_t succ, fail;
    int64_t restarts;
    size_t center; /* index into the observations */
    double center_y;
    int active;
} focus_region;

/* One observation the model may learn from (full fidelity only). */
typedef struct focus_obs {
    const dnnr_value *config;
    double y; /* NaN when the trial failed */
} focus_obs;

typedef struct focus_proposal_ctx {
    const dnnr_host *host;
    const focus_codec *codec;
    const focus_options *opt;
    const focus_obs *obs;
    size_t n_obs;
    const dnnr_value *center;
    double length;
    int64_t hamming;
    uint64_t key; /* this proposal's stream */
    size_t q;     /* trials asked at once, for the LCB weight */
    /* nonzero when the configuration was proposed before */
    int (*known)(void *ctx, const dnnr_value *config);
    void *known_ctx;
} focus_proposal_ctx;

/* A configuration in the trust region into @p out: MACE's Pareto set over
 * random candidates in the region when a GP can be fitted, else a random
 * candidate. *from_model says which. Returns DNNR_OK, DNNR_ENOMEM, or
 * DNNR_ENOTFOUND when no unknown configuration was found. */
int focus_region_propose(const focus_proposal_ctx *pc, dnnr_value *out, int *from_model);

#endif
