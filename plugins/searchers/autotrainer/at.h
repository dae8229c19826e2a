/* autotrainer: shared types of the AutoTrainer-like searcher.
 *
 * The plugin is split by concept:
 *   indicators.c  features derived from the recorded epoch indicators (§3)
 *   rules.c       which problem a check reports (§4), code / paper / regression
 *   operators.c   the repair operators as changes of a configuration (§5.1)
 *   orders.c      the default operator order per problem and strategy (§5.2)
 *   options.c     the plugin's options
 *   autotrainer.c the ask/tell state machine: detection, attempts, rounds, runs
 * Section numbers refer to the AUTOTRAINER reference specification; README.md
 * in this folder documents rules, options and deviations.
 *
 * Everything in this header is plain data: the monitor runs in the worker
 * with nothing but a copy of at_params, so the decision must be a pure
 * function of (at_params, epoch records).
 */
#ifndef AT_H
#define AT_H

#include <stddef.h>
#include <stdint.h>

#include <dnnrepair/dnnrepair.h>

/* The problems, in the order used to break ties (§4.1). */
typedef enum at_problem {
    AT_NONE = 0,
    AT_VG = 1, /* vanishing gradient */
    AT_EG = 2, /* exploding gradient (and divergence) */
    AT_DR = 3, /* dying ReLU */
    AT_OL = 4, /* oscillating loss (measured on training accuracy) */
    AT_SC = 5, /* slow convergence */
    AT_N_PROBLEMS = 6
} at_problem;

const char *at_problem_name(at_problem p);

/* Parameters of the monitor; copied byte for byte into every request's
 * monitor_state. Only fixed-size members, so the copy is self-contained. */
typedef struct at_params {
    uint32_t magic;      /* AT_PARAMS_MAGIC: the monitor refuses anything else */
    uint32_t g;          /* check interval (epochs), 3 */
    uint32_t T;          /* determine threshold on the sticky counters, 1 */
    uint32_t epochs;     /* E: the run's maximum epochs (judgment point 0.3*E) */
    uint32_t paper_rules; /* 1 = the paper's Table I formulas (§4.2) */
    uint32_t regression; /* 1 = the loss-based extension (README) */
    double beta1, beta2, beta3, gamma, zeta, eta, delta, theta;
    double judgment;       /* fraction of E before gated rules may fire, 0.3 */
    double nan_loss_limit; /* v1: last validation loss >= 1e5 counts as NaN */
    /* regression extension */
    double reg_delta;    /* plateau: largest relative loss decrease < reg_delta */
    double reg_diverge;  /* divergence: loss > reg_diverge * best loss so far */
    double reg_zeta;     /* oscillation amplitude, relative to the minimum */
    double reg_target;   /* > 0: loss above it counts as "poor" (low_acc's twin) */
} at_params;

#define AT_PARAMS_MAGIC 0x41545231u /* "ATR1" */

/* Features of one run at one check (§3). Counters are sticky: they cover
 * every check epoch up to and including the current one. */
typedef struct at_features {
    uint32_t k;        /* epochs completed */
    uint32_t epoch;    /* 0-based index of the current (check) epoch */
    int nan_gradient, nan_weight, nan_loss, diverged;
    uint32_t vanish, explode, dying;
    int judged; /* judgment point reached */
    int low_acc, sc, ol;
    /* values behind the flags, for the journal */
    double ratio, g_first, zero_frac; /* at the current check (NaN if none) */
    double max_train, max_val;        /* accuracy (or min loss in regression) */
    double d_train, d_val;            /* largest single-epoch gain */
    uint32_t ol_pairs;                /* oscillation pairs counted */
} at_features;

/* indicators.c; series longer than AT_MAX_SERIES epochs are judged on their
 * last AT_MAX_SERIES epochs. */
#define AT_MAX_SERIES 4096
double at_ratio(double g_first, double g_last);
double at_largest_gain(const double *a, uint32_t n);
uint32_t at_oscillations(const double *a, uint32_t n, double zeta);
void at_features_compute(const at_params *p, const dnnr_epoch_record *const *epochs, uint32_t n,
                         at_features *f);

/* rules.c: the problem reported at the check after epochs[n-1], AT_NONE
 * when nothing (or when epoch n-1 is not a check epoch). */
at_problem at_decide(const at_params *p, const dnnr_epoch_record *const *epochs, uint32_t n,
                     at_features *f);
/* The first check in epochs[0..n) that reports something; its epoch index
 * in *at (and its features in *f); AT_NONE when none does. */
at_problem at_scan(const at_params *p, const dnnr_epoch_record *const *epochs, uint32_t n,
                   uint32_t *at, at_features *f);
/* The monitor entry point (pure). */
int at_monitor(const void *state, size_t size, const dnnr_epoch_record *const *epochs, uint32_t n);
/* Default parameters (§1 table). */
void at_params_default(at_params *p);

/* operators.c */
typedef enum at_op {
    AT_OP_SELU,
    AT_OP_RELU,
    AT_OP_TANH,
    AT_OP_LEAKY,
    AT_OP_BN,
    AT_OP_GRADIENT,
    AT_OP_INITIAL,
    AT_OP_BATCH,
    AT_OP_LR,
    AT_OP_REDUCELR,
    AT_OP_ADAM,
    AT_OP_MOMENTUM,
    AT_OP_OPTIMIZER,
    AT_OP_GN,
    AT_OP_LR_DOWN, /* the eg_lr_steps extension (README), not an original operator */
    AT_N_OPS
} at_op;

const char *at_op_name(at_op op);

/* What applying one try of an operator gives. */
typedef enum at_apply {
    AT_APPLIED = 0,      /* config changed (or deliberately left unchanged) */
    AT_NA_TRY = 1,       /* this try cannot be expressed; go on with the next try */
    AT_NA_OPERATOR = 2,  /* skip the operator's remaining tries */
} at_apply;

typedef struct at_op_ctx {
    const dnnr_space *space;
    int faithful;
    at_problem problem; /* lr: x10 steps for SC, /10 steps for OL */
    dnnr_rng *rng;      /* redrawn values (clip value, initialisers, optimiser) */
    int extras;         /* 1 = the host takes trial extras (SDK >= 1.2) */
} at_op_ctx;

typedef struct at_op_out {
    at_apply outcome;
    int reinit;     /* 1 = train from a fresh initialisation, not the seed weights */
    int unchanged;  /* 1 = retrains the seed's configuration unchanged (quirk) */
    char what[256]; /* the change, in words (journal) */
} at_op_out;

/* Changes config and, for what the space cannot say (batch norm, clipping,
 * momentum, ReduceLROnPlateau, GaussianNoise), the trial extras x. */
void at_op_apply(const at_op_ctx *c, at_op op, uint32_t try_index, dnnr_value *config,
                 dnnr_trial_extras *x, at_op_out *out);

/* Space helpers (operators.c). */
int at_param_index(const dnnr_space *s, const char *name);
int at_choice_index(const dnnr_param *p, const char *choice);
/* Highest k among the parameters named <prefix><k>, 0 if none. */
int at_highest_suffix(const dnnr_space *s, const char *prefix);
/* The configuration's epochs (parameter "epochs"), or 0 when absent. */
uint32_t at_config_epochs(const dnnr_space *s, const dnnr_value *config);

/* orders.c */
typedef enum at_strategy { AT_BALANCE, AT_STRUCTURE, AT_EFFICIENCY, AT_PAPER_ORDER } at_strategy;
typedef struct at_step {
    at_op op;
    uint32_t tries;
} at_step;
/* The operator list of problem p; returns its length (<= 10). */
uint32_t at_order(at_strategy s, at_problem p, at_step *out);
/* at_order plus the opt-in extension: eg_lr_steps > 0 appends that many
 * lr_down tries to EG's list (<= 11 steps). */
#define AT_MAX_STEPS 11
uint32_t at_order_extended(at_strategy s, at_problem p, uint32_t eg_lr_steps, at_step *out);

/* options.c */
typedef struct at_options {
    at_params params;
    int faithful;          /* 1 = keep the original's no-op operators */
    int regression;        /* 1 = loss-based rules on regression subjects */
    at_strategy strategy;  /* operator order */
    int paper_scheduling;  /* 1 = switch to a newly exposed problem at once */
    int64_t max_rounds;    /* 10 */
    int64_t max_runs;      /* 0 = as many AutoTrainer runs as the budget allows */
    uint32_t eg_lr_steps;  /* 0 = the original EG list; n = n lr_down tries after it */
} at_options;

int at_options_read(const dnnr_host *h, at_options *o);

#endif
