/* autotrainer: which problem a check reports (spec §4).
 *
 * Three rule sets share one order:
 *  - code (default): v1's monitor.py. NaN/Inf/huge loss -> EG at any check;
 *    after 0.3*E, when low_acc or sc: DR, EG, VG (sticky counters >= T), SC;
 *    otherwise OL.
 *  - paper (paper_rules): Table I. Non-strict ratio bounds (in indicators.c),
 *    VG/EG/DR gated by max training accuracy <= theta, SC = every absolute
 *    training-accuracy step <= delta and OL, both without an accuracy gate.
 *  - regression: the code's order on loss features (indicators.c), plus
 *    divergence (loss > reg_diverge x the first epoch's loss) reported like
 *    a NaN loss. README.md explains the choice.
 * Two problems at one check happen only for step 1 (EG) with a gated one; the
 * original keeps the higher priority and breaks the tie arbitrarily; here the
 * first in the order wins, deterministically.
 */
#include <math.h>
#include <string.h>

#include "at.h"

const char *at_problem_name(at_problem p)
{
    static const char *const names[] = {"none", "vanishing_gradient", "exploding_gradient",
                                        "dying_relu", "oscillating_loss", "slow_convergence"};
    return (unsigned)p < AT_N_PROBLEMS ? names[p] : "?";
}

void at_params_default(at_params *p)
{
    *p = (at_params){.magic = AT_PARAMS_MAGIC,
                     .g = 3,
                     .T = 1,
                     .epochs = 0,
                     .beta1 = 1e-3,
                     .beta2 = 1e-4,
                     .beta3 = 70,
                     .gamma = 0.7,
                     .zeta = 0.03,
                     .eta = 0.2,
                     .delta = 0.01,
                     .theta = 0.7,
                     .judgment = 0.3,
                     .nan_loss_limit = 1e5,
                     .reg_delta = 0.01,
                     .reg_diverge = 10,
                     .reg_zeta = 0.03,
                     .reg_target = 0};
}

static at_problem gated(const at_params *p, const at_features *f)
{
    if (f->dying >= p->T)
        return AT_DR;
    if (f->explode >= p->T)
        return AT_EG;
    if (f->vanish >= p->T)
        return AT_VG;
    return AT_NONE;
}

static at_problem judge(const at_params *p, const at_features *f)
{
    if (f->nan_loss || f->nan_weight || f->nan_gradient || (p->regression && f->diverged))
        return AT_EG;
    if (!f->judged)
        return AT_NONE;
    if (p->paper_rules) {
        at_problem g = f->low_acc ? gated(p, f) : AT_NONE;
        if (g != AT_NONE)
            return g;
        if (f->sc)
            return AT_SC;
        return f->ol ? AT_OL : AT_NONE;
    }
    if (f->low_acc || f->sc) {
        at_problem g = gated(p, f);
        if (g != AT_NONE)
            return g;
        return f->sc ? AT_SC : AT_NONE;
    }
    return f->ol ? AT_OL : AT_NONE;
}

at_problem at_decide(const at_params *p, const dnnr_epoch_record *const *epochs, uint32_t n,
                     at_features *f)
{
    at_features local;
    if (!f)
        f = &local;
    *f = (at_features){0};
    if (n == 0 || p->g == 0 || (n - 1) % p->g != 0)
        return AT_NONE;
    at_features_compute(p, epochs, n, f);
    return judge(p, f);
}

at_problem at_scan(const at_params *p, const dnnr_epoch_record *const *epochs, uint32_t n,
                   uint32_t *at, at_features *f)
{
    for (uint32_t k = 1; k <= n; k++) {
        at_problem pr = at_decide(p, epochs, k, f);
        if (pr != AT_NONE) {
            *at = k - 1;
            return pr;
        }
    }
    if (n)
        at_features_compute(p, epochs, n, f);
    *at = n ? n - 1 : 0;
    return AT_NONE;
}

int at_monitor(const void *state, size_t size, const dnnr_epoch_record *const *epochs, uint32_t n)
{
    at_params p;
    if (!state || size != sizeof p)
        return 0;
    memcpy(&p, state, sizeof p);
    if (p.magic != AT_PARAMS_MAGIC)
        return 0;
    return at_decide(&p, epochs, n, NULL) != AT_NONE;
}
