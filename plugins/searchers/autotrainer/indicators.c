/* autotrainer: features derived from the recorded indicators (spec §2, §3).
 *
 * The engine records train/validation loss and metric every epoch and, when
 * the request asks for indicators, the probe-batch gradient indicators after
 * every epoch. AutoTrainer only looks at the gradients of its check epochs
 * (0-based e with e mod g == 0), so the other epochs' gradient values are
 * ignored here. Counters are recomputed from the whole history at each call:
 * that is the original's stickiness (flags are only set, counters only grow)
 * without any state between calls, which the worker-side monitor needs.
 */
#include <math.h>

#include "at.h"

/* First/last kernel gradient-norm ratio; a zero last norm gives +Inf (or
 * NaN for 0/0), which the comparisons below treat as the original's float
 * division would. */
double at_ratio(double g_first, double g_last) { return g_first / g_last; }

/* D(a): the largest single-epoch increase, floored at 0 (decreases ignored). */
double at_largest_gain(const double *a, uint32_t n)
{
    double d = 0;
    for (uint32_t i = 1; i < n; i++)
        if (a[i] - a[i - 1] > d)
            d = a[i] - a[i - 1];
    return d;
}

/* Oscillation pairs (§3): interior local maxima A and minima B in time order
 * (a flat point lands in both lists), paired by index; counts pairs with
 * A[j] - B[j] >= zeta. */
uint32_t at_oscillations(const double *a, uint32_t n, double zeta)
{
    /* Only the values of the extrema matter; they are kept in time order
     * and the j-th maximum is compared with the j-th minimum. Series longer
     * than AT_MAX_SERIES are cut by the caller. */
    double maxima[AT_MAX_SERIES], minima[AT_MAX_SERIES];
    uint32_t n_max = 0, n_min = 0, count = 0;
    if (n > AT_MAX_SERIES)
        n = AT_MAX_SERIES;
    for (uint32_t i = 1; i + 1 < n; i++) {
        if (a[i] >= a[i - 1] && a[i] >= a[i + 1])
            maxima[n_max++] = a[i];
        if (a[i] <= a[i - 1] && a[i] <= a[i + 1])
            minima[n_min++] = a[i];
    }
    uint32_t pairs = n_max < n_min ? n_max : n_min;
    for (uint32_t j = 0; j < pairs; j++)
        if (maxima[j] - minima[j] >= zeta)
            count++;
    return count;
}

static int val_present(const dnnr_epoch_record *const *ep, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (isfinite(ep[i]->val_metric) || isfinite(ep[i]->val_loss))
            return 1;
    return 0;
}

/* Largest absolute single-epoch step (the paper's SC: every step <= delta). */
static double largest_step(const double *a, uint32_t n)
{
    double d = 0;
    for (uint32_t i = 1; i < n; i++)
        if (fabs(a[i] - a[i - 1]) > d)
            d = fabs(a[i] - a[i - 1]);
    return d;
}

static void gradient_features(const at_params *p, const dnnr_epoch_record *const *ep, uint32_t n,
                              at_features *f)
{
    f->ratio = f->g_first = f->zero_frac = NAN;
    for (uint32_t e = 0; e < n; e++) {
        const dnnr_epoch_record *r = ep[e];
        if (e % p->g != 0 || !r->checked)
            continue;
        if (r->weight_nonfinite)
            f->nan_weight = 1;
        if (r->grad_nonfinite) { /* the three counters are skipped at this check */
            f->nan_gradient = 1;
            continue;
        }
        double ratio = at_ratio(r->grad_norm_first, r->grad_norm_last);
        f->ratio = ratio;
        f->g_first = r->grad_norm_first;
        f->zero_frac = r->zero_grad_fraction;
        if (p->paper_rules) { /* Table I: non-strict bounds */
            f->vanish += ratio <= p->beta1 && r->grad_norm_first <= p->beta2;
            f->explode += ratio >= p->beta3;
        } else {
            f->vanish += ratio < p->beta1 && r->grad_norm_first < p->beta2;
            f->explode += ratio > p->beta3;
        }
        f->dying += r->zero_grad_fraction >= p->gamma;
    }
}

/* v1's nan_loss: any non-finite loss, or the last validation loss >= 1e5
 * (the last training loss when there is no validation data). */
static int nan_loss(const at_params *p, const dnnr_epoch_record *const *ep, uint32_t n, int val)
{
    for (uint32_t i = 0; i < n; i++)
        if (!isfinite(ep[i]->train_loss) || (val && !isfinite(ep[i]->val_loss)))
            return 1;
    double last = val ? ep[n - 1]->val_loss : ep[n - 1]->train_loss;
    return last >= p->nan_loss_limit;
}

static void accuracy_features(const at_params *p, const double *tr, const double *va, uint32_t k,
                              at_features *f)
{
    f->max_train = f->max_val = -INFINITY;
    for (uint32_t i = 0; i < k; i++) {
        f->max_train = tr[i] > f->max_train ? tr[i] : f->max_train;
        f->max_val = va[i] > f->max_val ? va[i] : f->max_val;
    }
    if (p->paper_rules) { /* §4.2: training accuracy only */
        f->low_acc = f->max_train <= p->theta;
        f->d_train = f->d_val = largest_step(tr, k);
        f->sc = f->d_train <= p->delta;
    } else {
        f->low_acc = f->max_val < p->theta || f->max_train < p->theta;
        f->d_train = at_largest_gain(tr, k);
        f->d_val = at_largest_gain(va, k);
        f->sc = f->d_train < p->delta && f->d_val < p->delta;
    }
    f->ol_pairs = at_oscillations(tr, k, p->zeta);
    f->ol = (double)f->ol_pairs >= p->eta * (double)k;
}

/* The regression extension (README "Regression"): the series is x = -ln(loss),
 * so "higher is better" as with accuracy and steps are relative changes.
 * max_train/max_val then hold the smallest losses. */
static void loss_features(const at_params *p, const dnnr_epoch_record *const *ep, uint32_t k,
                          double *tr, double *va, int val, at_features *f)
{
    double best_tr = INFINITY, best_va = INFINITY;
    for (uint32_t i = 0; i < k; i++) {
        double lt = ep[i]->train_loss, lv = val ? ep[i]->val_loss : lt;
        best_tr = lt < best_tr ? lt : best_tr;
        best_va = lv < best_va ? lv : best_va;
        tr[i] = -log(lt > 1e-300 ? lt : 1e-300);
        va[i] = -log(lv > 1e-300 ? lv : 1e-300);
    }
    f->max_train = best_tr;
    f->max_val = best_va;
    f->low_acc = p->reg_target > 0 && (best_tr > p->reg_target || best_va > p->reg_target);
    f->d_train = at_largest_gain(tr, k);
    f->d_val = at_largest_gain(va, k);
    f->sc = f->d_train < p->reg_delta && f->d_val < p->reg_delta;
    /* Oscillation amplitude counted in units of the first epoch's loss, so
     * the noise of a converged run (tiny losses) is not an oscillation. */
    double scale = ep[0]->train_loss > 0 ? ep[0]->train_loss : 1;
    for (uint32_t i = 0; i < k; i++)
        tr[i] = -ep[i]->train_loss / scale;
    f->ol_pairs = at_oscillations(tr, k, p->reg_zeta);
    f->ol = (double)f->ol_pairs >= p->eta * (double)k;
    f->diverged = ep[k - 1]->train_loss > p->reg_diverge * ep[0]->train_loss;
}

void at_features_compute(const at_params *p, const dnnr_epoch_record *const *ep, uint32_t n,
                         at_features *f)
{
    *f = (at_features){0};
    f->k = n;
    f->epoch = n ? n - 1 : 0;
    f->max_train = f->max_val = f->d_train = f->d_val = NAN;
    if (n == 0)
        return;
    gradient_features(p, ep, n, f);
    int val = val_present(ep, n);
    f->nan_loss = nan_loss(p, ep, n, val);
    if (f->nan_loss)
        return; /* the remaining loss features are not evaluated (§3) */
    f->judged = p->epochs == 0 || (double)n >= p->judgment * (double)p->epochs;
    if (!f->judged && !p->regression)
        return;
    /* Histories longer than AT_MAX_SERIES epochs use their last part only. */
    uint32_t k = n, off = 0;
    if (k > AT_MAX_SERIES) {
        off = k - AT_MAX_SERIES;
        k = AT_MAX_SERIES;
    }
    double tr[AT_MAX_SERIES], va[AT_MAX_SERIES];
    if (p->regression) {
        loss_features(p, ep + off, k, tr, va, val, f);
        if (!f->judged) { /* divergence is the only loss rule before 0.3*E */
            f->low_acc = f->sc = f->ol = 0;
        }
        return;
    }
    for (uint32_t i = 0; i < k; i++) {
        tr[i] = ep[off + i]->train_metric;
        va[i] = val ? ep[off + i]->val_metric : tr[i];
    }
    accuracy_features(p, tr, va, k, f);
}
