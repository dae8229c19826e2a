/* autotrainer: AutoTrainer (Zhang et al., ICSE'21) as an ask/tell searcher.
 *
 * One AutoTrainer run (§5.3, §5.4):
 *  1. detection: train the start configuration with indicators, the monitor
 *     (at_monitor, which stops training at the first check that reports a
 *     problem) and kept weights;
 *  2. for the reported problem P, each operator of P's list and each try:
 *     apply it to the seed configuration and retrain, warm-started from the
 *     seed's weights (fresh optimiser state, full epochs, fresh monitor).
 *     No problem during the retraining = solved (the run ends); another
 *     problem = a potential (the best by objective is kept); P again = failed;
 *  3. list exhausted: the best potential becomes the seed of the next round
 *     (at most max_rounds, never a problem handled before), else the run ends.
 * When a run ends and budget remains, another run starts (the study's 50 runs
 * per subject, shuffled into the budget: SUBJECTS.md §3.6 point 7); the host
 * keeps the best trial. The searcher is sequential: one trial in flight.
 *
 * Every detection and attempt is journaled through the request's note: the
 * problem, its check epoch and indicator values, and the change made.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "at.h"

/* The host journals the first 511 bytes of a note. */
#define DNNR_NOTE_MAX 512

typedef enum phase { PH_START, PH_WAIT_DETECT, PH_REPAIR, PH_WAIT_ATTEMPT, PH_DONE } phase;

/* A detected problem and where it came from. */
typedef struct finding {
    at_problem problem;
    int64_t trial;   /* whose weights seed the repair; -1 = NaN weights (none kept) */
    uint64_t source; /* the trial that reported it */
    uint32_t epoch;  /* check epoch (0-based) */
    at_features f;
    double objective;
} finding;

struct dnnr_searcher {
    const dnnr_host *host;
    const dnnr_space *space;
    at_options o;
    uint32_t n;
    dnnr_value *start, *seed_cfg, *pot_cfg, *cur_cfg;
    /* the extras (SDK 1.2) that go with seed_cfg, pot_cfg and cur_cfg: tell()
     * does not repeat a trial's extras, so they are kept from the ask */
    dnnr_trial_extras seed_x, pot_x, cur_x;
    uint64_t key;
    phase ph;
    const char *na_reason; /* non-NULL: AutoTrainer does not apply (N/A) */
    uint64_t pending;      /* trial id in flight */
    uint32_t run, round, handled;
    finding seed, pot;
    int have_pot;
    at_step steps[AT_MAX_STEPS];
    uint32_t n_steps, step, try_index, attempts;
    at_op cur_op;
    uint32_t cur_try;
    /* counters over the whole instance (logged at destroy) */
    uint32_t n_runs, n_solved, n_detect_none, n_trials, n_na, n_fail_nan;
    at_params mon;          /* the monitor state of the last request */
    char pending_text[512]; /* what happened since the last note */
    char note[DNNR_NOTE_MAX];
};

static void add_text(dnnr_searcher *s, const char *fmt, ...) DNNR_PRINTF(2, 3);

/* Appends to what the next note reports (results of earlier attempts). */
static void add_text(dnnr_searcher *s, const char *fmt, ...)
{
    size_t len = strlen(s->pending_text);
    if (len + 2 >= sizeof s->pending_text)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->pending_text + len, sizeof s->pending_text - len, fmt, ap);
    va_end(ap);
}

static const char *short_name(at_problem p)
{
    static const char *const names[] = {"none", "VG", "EG", "DR", "OL", "SC"};
    return (unsigned)p < AT_N_PROBLEMS ? names[p] : "?";
}

/* The indicator values behind a finding, compact: the journal keeps 511
 * bytes of a note. */
static void describe(const finding *d, char *buf, size_t len)
{
    const at_features *f = &d->f;
    snprintf(buf, len,
             "r=%.3g |g1|=%.3g z=%.3g vanish/explode/dying=%u/%u/%u nan l/w/g=%d/%d/%d "
             "best=%.4g/%.4g gain=%.3g/%.3g osc=%u low=%d sc=%d",
             f->ratio, f->g_first, f->zero_frac, f->vanish, f->explode, f->dying, f->nan_loss,
             f->nan_weight, f->nan_gradient, f->max_train, f->max_val, f->d_train, f->d_val,
             f->ol_pairs, f->low_acc, f->sc);
}

/* The monitor's parameters for a training of cfg. The original's retraining
 * builds its monitor from the default table whatever the user passed (§1
 * traps), so in the faithful mode attempts use the defaults for the
 * detection thresholds (keeping g, T, the rule set and the regression
 * extension's own parameters). */
static void params_for(const dnnr_searcher *s, const dnnr_value *cfg, int retrain, at_params *p)
{
    *p = s->o.params;
    if (retrain && s->o.faithful) {
        at_params d;
        at_params_default(&d);
        p->beta1 = d.beta1;
        p->beta2 = d.beta2;
        p->beta3 = d.beta3;
        p->gamma = d.gamma;
        p->zeta = d.zeta;
        p->eta = d.eta;
        p->delta = d.delta;
        p->theta = d.theta;
        p->judgment = d.judgment;
        p->nan_loss_limit = d.nan_loss_limit;
    }
    p->epochs = at_config_epochs(s->space, cfg);
}

/* What a finished trial reports: a diverged trial is EG at its last epoch
 * (the engine stops at a non-finite loss, before the next check). */
static at_problem classify(const dnnr_searcher *s, const dnnr_trial_result *res, int retrain,
                           finding *d)
{
    at_params p;
    params_for(s, res->config, retrain, &p);
    *d = (finding){.trial = (int64_t)res->trial_id, .source = res->trial_id,
                   .objective = res->objective};
    d->problem = at_scan(&p, res->epochs, res->n_epochs, &d->epoch, &d->f);
    if (res->status == DNNR_TRIAL_DIVERGED) {
        d->problem = AT_EG;
        d->trial = -1;
        d->f.nan_loss = 1;
        d->epoch = res->n_epochs ? res->n_epochs - 1 : 0;
        d->f.k = res->n_epochs;
    }
    return d->problem;
}

static void end_run(dnnr_searcher *s, const char *verdict, const char *detail)
{
    s->host->log(s->host->ctx, DNNR_LOG_INFO, "AutoTrainer run %u: %s%s", s->run, verdict,
                 detail);
    add_text(s, "run ended: %s%s; ", verdict, detail);
    s->run++;
    s->ph = PH_START;
    if (s->o.max_runs > 0 && s->run >= (uint64_t)s->o.max_runs)
        s->ph = PH_DONE;
}

static void begin_problem(dnnr_searcher *s, const finding *d, const dnnr_value *cfg,
                          const dnnr_trial_extras *x)
{
    s->seed = *d;
    memcpy(s->seed_cfg, cfg, s->n * sizeof *cfg);
    s->seed_x = *x;
    s->n_steps = at_order_extended(s->o.strategy, d->problem, s->o.eg_lr_steps, s->steps);
    s->step = s->try_index = 0;
    s->have_pot = 0;
    s->round++;
}

/* The current problem's list is exhausted (or a paper-style switch). */
static void end_problem(dnnr_searcher *s)
{
    char buf[64];
    s->handled |= 1u << s->seed.problem;
    if (!s->have_pot) {
        end_run(s, s->round == 1 ? "unsolved" : "not totally solved",
                s->round == 1 ? " (no attempt removed the problem)"
                              : " (delivers the previous round's potential)");
        return;
    }
    snprintf(buf, sizeof buf, " (trial %lld, now %s)", (long long)s->pot.trial,
             short_name(s->pot.problem));
    if (s->handled & (1u << s->pot.problem) || s->round >= (uint64_t)s->o.max_rounds) {
        end_run(s, "improved but still has a problem", buf);
        return;
    }
    add_text(s, "round %s: the best potential%s becomes the seed; ", "ended", buf);
    finding next = s->pot;
    begin_problem(s, &next, s->pot_cfg, &s->pot_x);
}

static int ask_detection(dnnr_searcher *s, dnnr_trial_request *req)
{
    memcpy(req->config, s->start, s->n * sizeof *req->config);
    req->flags = DNNR_TRIAL_INDICATORS | DNNR_TRIAL_KEEP_WEIGHTS;
    req->warm_start = -1; /* and no extras: the start configuration as it is */
    if (snprintf(s->note, sizeof s->note,
                 "AutoTrainer run %u: detection training of the start configuration (checks "
                 "every %u epochs, gated rules from k >= %.1f). %s",
                 s->run, s->o.params.g,
                 s->o.params.judgment * at_config_epochs(s->space, s->start),
                 s->pending_text) >= (int)sizeof s->note)
        s->host->log(s->host->ctx, DNNR_LOG_INFO, "history: %s", s->pending_text);
    s->round = 0;
    s->handled = 0;
    s->ph = PH_WAIT_DETECT;
    s->n_runs++;
    return DNNR_OK;
}

static int is_activation_op(at_op op)
{
    return op == AT_OP_SELU || op == AT_OP_RELU || op == AT_OP_TANH || op == AT_OP_LEAKY;
}

/* The next attempt's request, or 0 when the list is exhausted. */
static int next_attempt(dnnr_searcher *s, dnnr_trial_request *req)
{
    while (s->step < s->n_steps) {
        at_step st = s->steps[s->step];
        uint32_t j = s->try_index;
        if (++s->try_index >= st.tries) {
            s->step++;
            s->try_index = 0;
        }
        memcpy(s->cur_cfg, s->seed_cfg, s->n * sizeof *s->cur_cfg);
        s->cur_x = s->seed_x;
        dnnr_rng rng;
        dnnr_rng_init(&rng, dnnr_rng_derive(dnnr_rng_derive(s->key, s->run), s->attempts++));
        at_op_ctx c = {s->space, s->o.faithful, s->seed.problem, &rng, DNNR_HAS(req, extras)};
        at_op_out out;
        at_op_apply(&c, st.op, j, s->cur_cfg, &s->cur_x, &out);
        char tag[64];
        snprintf(tag, sizeof tag, "%s#%u", at_op_name(st.op), j);
        if (out.outcome != AT_APPLIED) {
            s->n_na++;
            add_text(s, "%s n/a (%s); ", tag, out.what);
            if (out.outcome == AT_NA_OPERATOR && s->step < s->n_steps &&
                s->steps[s->step].op == st.op && s->try_index > 0) {
                s->step++; /* abandon the operator's remaining tries */
                s->try_index = 0;
            }
            continue;
        }
        int reinit = out.reinit;
        if (s->seed.trial < 0) { /* NaN seed: no weights were kept */
            /* The original re-creates NaN layers in the activation operators;
             * lr_down is no original operator, so there is no NaN-keeping
             * behaviour to reproduce, and it exists to repair divergence. */
            if (is_activation_op(st.op) || !s->o.faithful || st.op == AT_OP_LR_DOWN)
                reinit = 1;
            else {
                s->n_fail_nan++;
                add_text(s, "%s fails untrained (NaN seed kept); ", tag);
                continue;
            }
        }
        char seed_text[256];
        describe(&s->seed, seed_text, sizeof seed_text);
        memcpy(req->config, s->cur_cfg, s->n * sizeof *req->config);
        req->flags = DNNR_TRIAL_INDICATORS | DNNR_TRIAL_KEEP_WEIGHTS;
        req->warm_start = reinit ? -1 : s->seed.trial;
        if (DNNR_HAS(req, extras))
            req->extras = &s->cur_x; /* copied by the host when ask returns */
        /* Essentials first: the journal keeps 511 bytes; the host log gets
         * whatever does not fit. */
        if (snprintf(s->note, sizeof s->note,
                     "AT run %u round %u: %s at epoch %u of trial %llu%s [%s]. Attempt %s: %s; "
                     "%s. %s",
                     s->run, s->round, short_name(s->seed.problem), s->seed.epoch,
                     (unsigned long long)s->seed.source,
                     s->seed.trial < 0 ? " (diverged, no weights)" : "", seed_text, tag, out.what,
                     reinit ? "fresh init" : "warm start", s->pending_text) >= (int)sizeof s->note)
            s->host->log(s->host->ctx, DNNR_LOG_INFO, "history: %s", s->pending_text);
        s->cur_op = st.op;
        s->cur_try = j;
        return 1;
    }
    return 0;
}

static int at_ask(dnnr_searcher *s, dnnr_trial_request *req)
{
    if (s->na_reason)
        return DNNR_EDONE;
    dnnr_budget_info b = {.struct_size = sizeof b};
    s->host->budget(s->host->ctx, &b);
    if (b.total > 0 && b.used >= b.total)
        return DNNR_EDONE;
    for (int guard = 0; guard < 64; guard++) {
        switch (s->ph) {
        case PH_DONE:
            return DNNR_EDONE;
        case PH_WAIT_DETECT:
        case PH_WAIT_ATTEMPT:
            return DNNR_EAGAIN;
        case PH_START:
            ask_detection(s, req);
            break;
        case PH_REPAIR:
            if (!next_attempt(s, req)) {
                end_problem(s);
                continue;
            }
            s->ph = PH_WAIT_ATTEMPT;
            break;
        }
        s->pending = req->trial_id;
        s->pending_text[0] = '\0';
        req->note = s->note;
        /* The monitor's copy: E is this configuration's epoch count. The
         * host copies monitor_state when ask returns. */
        params_for(s, req->config, s->ph == PH_WAIT_ATTEMPT, &s->mon);
        req->monitor_state = &s->mon;
        req->monitor_state_size = sizeof s->mon;
        s->n_trials++;
        return DNNR_OK;
    }
    return DNNR_EDONE;
}

static void tell_detection(dnnr_searcher *s, const dnnr_trial_result *res)
{
    finding d;
    if (res->status != DNNR_TRIAL_OK && res->status != DNNR_TRIAL_DIVERGED) {
        end_run(s, "detection training failed: ", res->message);
        if (res->status == DNNR_TRIAL_INVALID)
            s->ph = PH_DONE; /* deterministic: another run would fail again */
        return;
    }
    if (classify(s, res, 0, &d) == AT_NONE) {
        s->n_detect_none++;
        end_run(s, "no symptom found", " (N/A in the study's terms)");
        return;
    }
    char text[640];
    describe(&d, text, sizeof text);
    s->host->log(s->host->ctx, DNNR_LOG_INFO,
                 "AutoTrainer run %u: trial %llu reports %s at epoch %u [%s]", s->run,
                 (unsigned long long)res->trial_id, at_problem_name(d.problem), d.epoch, text);
    s->ph = PH_REPAIR;
    const dnnr_trial_extras none = {.struct_size = sizeof none};
    begin_problem(s, &d, res->config, &none);
}

static void tell_attempt(dnnr_searcher *s, const dnnr_trial_result *res)
{
    char tag[64];
    snprintf(tag, sizeof tag, "trial %llu (%s#%u)", (unsigned long long)res->trial_id,
             at_op_name(s->cur_op), s->cur_try);
    s->ph = PH_REPAIR;
    if (res->status != DNNR_TRIAL_OK && res->status != DNNR_TRIAL_DIVERGED) {
        add_text(s, "%s failed: %s; ", tag, res->message);
        return;
    }
    finding d;
    at_problem n = classify(s, res, 1, &d);
    if (n == AT_NONE) {
        s->n_solved++;
        end_run(s, "solved by ", tag);
        return;
    }
    if (n == s->seed.problem) {
        add_text(s, "%s: %s again; ", tag, short_name(n));
        return;
    }
    add_text(s, "%s: now %s (potential); ", tag, short_name(n));
    /* The original ranks potentials by last-epoch validation accuracy; here
     * by the trial's objective (the subject's metric, minimised). */
    if (!s->have_pot || isnan(s->pot.objective) || res->objective < s->pot.objective) {
        s->have_pot = 1;
        s->pot = d;
        memcpy(s->pot_cfg, res->config, s->n * sizeof *res->config);
        s->pot_x = s->cur_x; /* the attempt in flight was this one (one at a time) */
    }
    if (s->o.paper_scheduling) { /* the paper: switch to the new problem now */
        s->step = s->n_steps;
    }
}

static int at_tell(dnnr_searcher *s, const dnnr_trial_result *res)
{
    if (res->trial_id != s->pending)
        return DNNR_OK; /* the host's start trial: it carries no indicators */
    if (s->ph == PH_WAIT_DETECT)
        tell_detection(s, res);
    else if (s->ph == PH_WAIT_ATTEMPT)
        tell_attempt(s, res);
    return DNNR_OK;
}

static int at_create(const dnnr_searcher_init *init, dnnr_searcher **out)
{
    const dnnr_host *h = init->host;
    *out = NULL;
    at_options o;
    int rc = at_options_read(h, &o);
    if (rc)
        return rc;
    if (!init->start) {
        h->set_error(h->ctx, "autotrainer repairs a start configuration; the subject has none");
        return DNNR_EINVAL;
    }
    dnnr_searcher *s = h->alloc(h->ctx, 1, sizeof *s);
    uint32_t n = init->space->n_params;
    dnnr_value *v = h->alloc(h->ctx, 4 * (size_t)(n ? n : 1), sizeof *v);
    if (!s || !v) {
        h->free(h->ctx, s);
        h->free(h->ctx, v);
        h->set_error(h->ctx, "out of memory");
        return DNNR_ENOMEM;
    }
    s->host = h;
    s->space = init->space;
    s->o = o;
    s->n = n;
    s->start = v;
    s->seed_cfg = v + n;
    s->pot_cfg = v + 2 * n;
    s->cur_cfg = v + 3 * n;
    memcpy(s->start, init->start, n * sizeof *v);
    s->key = h->rng_key(h->ctx, "autotrainer");
    s->pending = UINT64_MAX;
    if (init->metric_kind == DNNR_METRIC_LOSS && !o.regression)
        s->na_reason = "N/A: AutoTrainer has rules for classification only (the subject's "
                       "metric is a loss); option regression = true extends them";
    else if (init->metric_kind == DNNR_METRIC_ANALYTIC)
        s->na_reason = "N/A: an analytic subject has no training to monitor";
    s->o.params.regression = init->metric_kind == DNNR_METRIC_LOSS && o.regression;
    if (s->na_reason)
        h->log(h->ctx, DNNR_LOG_WARN, "%s", s->na_reason);
    *out = s;
    return DNNR_OK;
}

static void at_destroy(dnnr_searcher *s)
{
    if (!s)
        return;
    s->host->log(s->host->ctx, DNNR_LOG_INFO,
                 "AutoTrainer: %u runs, %u solved, %u without symptom, %u trials, %u operator "
                 "tries not applicable, %u failed on a NaN seed without training",
                 s->n_runs, s->n_solved, s->n_detect_none, s->n_trials, s->n_na, s->n_fail_nan);
    s->host->free(s->host->ctx, s->start);
    s->host->free(s->host->ctx, s);
}

static const dnnr_searcher_iface at_iface = {
    .struct_size = sizeof(dnnr_searcher_iface),
    .create = at_create,
    .destroy = at_destroy,
    .ask = at_ask,
    .tell = at_tell,
    .monitor = at_monitor,
};

DNNR_PLUGIN_DEFINE(autotrainer, DNNR_KIND_SEARCHER, "1.0.0",
                   "AutoTrainer: monitors training, diagnoses a symptom, applies its repairs",
                   at_iface)
