/* Keras (TF 2.3) losses with their gradients, and the evaluation metrics.
 * Formulas follow tf.keras.losses / backend as of 2.3, epsilon 1e-7. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "engine/keras.h"
#include "engine/loss.h"

#define EPS DNNR_KERAS_EPSILON

int dnnr__loss_fused(dnnr_loss loss, dnnr_activation last)
{
    if (loss == DNNR_LOSS_CATEGORICAL_CE || loss == DNNR_LOSS_SPARSE_CATEGORICAL_CE)
        return last == DNNR_ACT_SOFTMAX;
    if (loss == DNNR_LOSS_BINARY_CE)
        return last == DNNR_ACT_SIGMOID;
    return 0;
}

int dnnr__loss_compatible(dnnr_loss loss, int fused, int64_t k, uint32_t y_dim, char *why,
                          size_t why_len)
{
    const char *name = dnnr__keras_loss_name(loss);
    switch (loss) {
    case DNNR_LOSS_SPARSE_CATEGORICAL_CE:
        if (y_dim != 1) {
            snprintf(why, why_len,
                     "%s needs integer class labels (one column), but the labels have %u columns "
                     "(one-hot?)",
                     name, y_dim);
            return 1;
        }
        return 0;
    case DNNR_LOSS_CATEGORICAL_CE:
        if ((int64_t)y_dim != k) {
            snprintf(why, why_len, "%s needs labels shaped like the output: %u label columns vs %lld outputs",
                     name, y_dim, (long long)k);
            return 1;
        }
        return 0;
    case DNNR_LOSS_ANGLE:
        if (k != 2 || y_dim != 2) {
            snprintf(why, why_len, "angle_loss_fn needs 2 outputs and 2 label columns (theta, phi)");
            return 1;
        }
        return 0;
    default:
        if (loss == DNNR_LOSS_BINARY_CE && fused && (int64_t)y_dim != k) {
            snprintf(why, why_len, "%s with a sigmoid output needs labels shaped like the output: %u label columns vs %lld outputs",
                     name, y_dim, (long long)k);
            return 1;
        }
        if ((int64_t)y_dim != k && y_dim != 1 && k != 1) {
            snprintf(why, why_len, "%s: %u label columns do not broadcast against %lld outputs",
                     name, y_dim, (long long)k);
            return 1;
        }
        return 0;
    }
}

int dnnr__loss_check_labels(dnnr_loss loss, const float *y, uint64_t n, uint32_t y_dim, int64_t k,
                            char *why, size_t why_len)
{
    if (loss != DNNR_LOSS_SPARSE_CATEGORICAL_CE || y_dim != 1)
        return 0;
    for (uint64_t i = 0; i < n; i++) {
        double c = floor((double)y[i]); /* TF casts float labels to int */
        if (!(c >= 0 && c < (double)k)) {
            snprintf(why, why_len, "label %g of row %llu is outside the valid class range [0, %lld)",
                     (double)y[i], (unsigned long long)i, (long long)k);
            return 1;
        }
    }
    return 0;
}

static double sigmoid(double z) { return 1.0 / (1.0 + exp(-z)); }

static double clip(double v, double lo, double hi) { return v < lo ? lo : (v > hi ? hi : v); }

/* One row of a cross-entropy-like loss that couples the columns. */
static double row_coupled(dnnr_loss loss, int fused, const float *in, const float *t, int64_t k,
                          double scale, float *g)
{
    double L = 0;
    if (loss == DNNR_LOSS_SPARSE_CATEGORICAL_CE) {
        int64_t y = (int64_t)floor(t[0]);
        if (fused) {
            double m = in[0], s = 0;
            for (int64_t c = 1; c < k; c++)
                m = in[c] > m ? in[c] : m;
            for (int64_t c = 0; c < k; c++)
                s += exp(in[c] - m);
            L = -(in[y] - m - log(s));
            if (g)
                for (int64_t c = 0; c < k; c++)
                    g[c] = (float)(scale * (exp(in[c] - m) / s - (c == y)));
            return L;
        }
        double sum = 0;
        for (int64_t c = 0; c < k; c++)
            sum += clip(in[c], EPS, 1 - EPS);
        double qy = clip(in[y], EPS, 1 - EPS);
        L = -log(qy / sum);
        if (g)
            for (int64_t c = 0; c < k; c++) {
                int inside = in[c] > EPS && in[c] < 1 - EPS;
                double q = clip(in[c], EPS, 1 - EPS);
                g[c] = inside ? (float)(scale * (-(c == y) / q + 1.0 / sum)) : 0.0f;
            }
        return L;
    }
    if (loss == DNNR_LOSS_CATEGORICAL_CE) {
        if (fused) {
            double m = in[0], s = 0, tsum = 0;
            for (int64_t c = 1; c < k; c++)
                m = in[c] > m ? in[c] : m;
            for (int64_t c = 0; c < k; c++) {
                s += exp(in[c] - m);
                tsum += t[c];
            }
            for (int64_t c = 0; c < k; c++)
                L -= t[c] * (in[c] - m - log(s));
            if (g)
                for (int64_t c = 0; c < k; c++)
                    g[c] = (float)(scale * (exp(in[c] - m) / s * tsum - t[c]));
            return L;
        }
        /* output / sum(output), clipped, then -sum t log q */
        double S = 0;
        for (int64_t c = 0; c < k; c++)
            S += in[c];
        double gq_dot_q = 0;
        for (int64_t c = 0; c < k; c++) {
            double q = in[c] / S, qc = clip(q, EPS, 1 - EPS);
            L -= t[c] * log(qc);
            double gq = (q > EPS && q < 1 - EPS) ? -t[c] / qc : 0;
            if (g)
                g[c] = (float)gq; /* d/dq for now */
            gq_dot_q += gq * q;
        }
        if (g)
            for (int64_t c = 0; c < k; c++)
                g[c] = (float)(scale * (g[c] - gq_dot_q) / S);
        return L;
    }
    if (loss == DNNR_LOSS_CATEGORICAL_HINGE) {
        double pos = 0, neg = -INFINITY;
        int64_t at = 0;
        for (int64_t c = 0; c < k; c++) {
            pos += t[c] * in[c];
            double v = (1 - t[c]) * in[c];
            if (v > neg) {
                neg = v;
                at = c;
            }
        }
        L = neg - pos + 1 > 0 ? neg - pos + 1 : 0;
        if (g)
            for (int64_t c = 0; c < k; c++)
                g[c] = L > 0 ? (float)(scale * (-t[c] + (c == at ? 1 - t[c] : 0))) : 0.0f;
        return L;
    }
    if (loss == DNNR_LOSS_KLD) {
        for (int64_t c = 0; c < k; c++) {
            double tc = clip(t[c], EPS, 1), pc = clip(in[c], EPS, 1);
            L += tc * log(tc / pc);
            if (g)
                g[c] = (in[c] > EPS && in[c] < 1) ? (float)(scale * -tc / pc) : 0.0f;
        }
        return L;
    }
    /* angle */
    double dp[2];
    L = dnnr__angle(in, t, g ? dp : NULL);
    if (g) {
        g[0] = (float)(scale * dp[0]);
        g[1] = (float)(scale * dp[1]);
    }
    return L;
}

/* f(p, t) and df/dp of the losses that average over columns. */
static double elementwise(dnnr_loss loss, int fused, double p, double t, int convert, double *d)
{
    double x, v;
    switch (loss) {
    case DNNR_LOSS_MSE:
        *d = 2 * (p - t);
        return (p - t) * (p - t);
    case DNNR_LOSS_MAE:
        *d = (p > t) - (p < t);
        return fabs(p - t);
    case DNNR_LOSS_MAPE: {
        double den = fabs(t) > EPS ? fabs(t) : EPS;
        *d = 100.0 * ((p > t) - (p < t)) / den;
        return 100.0 * fabs(t - p) / den;
    }
    case DNNR_LOSS_MSLE: {
        double a = log((p > EPS ? p : EPS) + 1), b = log((t > EPS ? t : EPS) + 1);
        *d = p > EPS ? 2 * (a - b) / (p + 1) : 0;
        return (a - b) * (a - b);
    }
    case DNNR_LOSS_SQUARED_HINGE:
    case DNNR_LOSS_HINGE:
        if (convert)
            t = 2 * t - 1;
        v = 1 - t * p;
        if (v <= 0) {
            *d = 0;
            return 0;
        }
        *d = loss == DNNR_LOSS_HINGE ? -t : -2 * t * v;
        return loss == DNNR_LOSS_HINGE ? v : v * v;
    case DNNR_LOSS_LOGCOSH:
        x = p - t;
        *d = tanh(x);
        /* x + softplus(-2x) - log 2, computed stably */
        return x + (fmax(-2 * x, 0) + log1p(exp(-fabs(2 * x)))) - log(2.0);
    case DNNR_LOSS_POISSON:
        *d = 1 - t / (p + EPS);
        return p - t * log(p + EPS);
    case DNNR_LOSS_BINARY_CE:
        if (fused) { /* p is the logit */
            *d = sigmoid(p) - t;
            return fmax(p, 0) - p * t + log1p(exp(-fabs(p)));
        } else {
            double q = clip(p, EPS, 1 - EPS);
            int inside = p > EPS && p < 1 - EPS;
            *d = inside ? -t / (q + EPS) + (1 - t) / (1 - q + EPS) : 0;
            return -(t * log(q + EPS) + (1 - t) * log(1 - q + EPS));
        }
    default:
        *d = 0;
        return 0;
    }
}

double dnnr__loss_batch(dnnr_loss loss, int fused, const float *in, const float *y, int64_t n,
                        int64_t k, uint32_t y_dim, float *grad)
{
    double total = 0;
    const double inv_n = 1.0 / (double)n;
    if (loss == DNNR_LOSS_CATEGORICAL_CE || loss == DNNR_LOSS_SPARSE_CATEGORICAL_CE ||
        loss == DNNR_LOSS_CATEGORICAL_HINGE || loss == DNNR_LOSS_KLD || loss == DNNR_LOSS_ANGLE) {
        if ((int64_t)y_dim == k || loss == DNNR_LOSS_SPARSE_CATEGORICAL_CE) {
            for (int64_t r = 0; r < n; r++)
                total += row_coupled(loss, fused, in + r * k, y + r * y_dim, k, inv_n,
                                     grad ? grad + r * k : NULL);
            return total * inv_n;
        }
        /* broadcast label or output column (categorical_hinge, kld): fall
         * through to the generic path below with per-row expansion */
    }
    /* hinge losses turn {0, 1} labels into {-1, 1} when the batch has no other values */
    int convert = 0;
    if (loss == DNNR_LOSS_HINGE || loss == DNNR_LOSS_SQUARED_HINGE) {
        convert = 1;
        for (int64_t i = 0; i < n * (int64_t)y_dim; i++)
            if (y[i] != 0 && y[i] != 1) {
                convert = 0;
                break;
            }
    }
    int64_t cols = k > (int64_t)y_dim ? k : (int64_t)y_dim;
    if (grad)
        memset(grad, 0, sizeof(float) * (size_t)(n * k));
    if (loss == DNNR_LOSS_CATEGORICAL_HINGE || loss == DNNR_LOSS_KLD) {
        /* broadcasting coupled losses: expand the row, then fold the gradient back */
        float pe[64], te[64], ge[64];
        if (cols > 64)
            return NAN;
        for (int64_t r = 0; r < n; r++) {
            for (int64_t c = 0; c < cols; c++) {
                pe[c] = in[r * k + (k == 1 ? 0 : c)];
                te[c] = y[r * y_dim + (y_dim == 1 ? 0 : c)];
            }
            total += row_coupled(loss, 0, pe, te, cols, inv_n, grad ? ge : NULL);
            if (grad)
                for (int64_t c = 0; c < cols; c++)
                    grad[r * k + (k == 1 ? 0 : c)] += ge[c];
        }
        return total * inv_n;
    }
    const double scale = inv_n / (double)cols;
    for (int64_t r = 0; r < n; r++) {
        double row = 0;
        for (int64_t c = 0; c < cols; c++) {
            int64_t pi = r * k + (k == 1 ? 0 : c);
            double d;
            row += elementwise(loss, fused, in[pi], y[r * y_dim + (y_dim == 1 ? 0 : c)], convert, &d);
            if (grad)
                grad[pi] += (float)(d * scale);
        }
        total += row / (double)cols;
    }
    return total * inv_n;
}

void dnnr__loss_activate(dnnr_activation act, const float *z, float *p, int64_t n, int64_t k)
{
    for (int64_t r = 0; r < n; r++) {
        const float *zr = z + r * k;
        float *pr = p + r * k;
        if (act == DNNR_ACT_SIGMOID) {
            for (int64_t c = 0; c < k; c++)
                pr[c] = (float)sigmoid(zr[c]);
            continue;
        }
        double m = zr[0], s = 0;
        for (int64_t c = 1; c < k; c++)
            m = zr[c] > m ? zr[c] : m;
        for (int64_t c = 0; c < k; c++)
            s += exp(zr[c] - m);
        for (int64_t c = 0; c < k; c++)
            pr[c] = (float)(exp(zr[c] - m) / s);
    }
}

dnnr_accuracy_kind dnnr__accuracy_kind(int64_t k, uint32_t y_dim)
{
    if (k == 1)
        return DNNR_ACC_BINARY;
    if (y_dim == 1)
        return DNNR_ACC_SPARSE;
    return DNNR_ACC_CATEGORICAL;
}

const char *dnnr__accuracy_name(dnnr_accuracy_kind kind)
{
    static const char *const names[] = {"binary_accuracy", "sparse_categorical_accuracy",
                                        "categorical_accuracy"};
    return names[kind];
}

/* TF's arg-max (Eigen's ArgMaxTupleReducer): start from index 0 holding the
 * lowest float and take a value only when it is greater. Ties keep the first
 * index; a NaN never wins, so an all-NaN row (a diverged model) is class 0
 * and a leading NaN is skipped ([NaN, 1, 2] gives 2, not 0). */
static int64_t argmax(const float *v, int64_t k)
{
    int64_t at = 0;
    float best = -FLT_MAX;
    for (int64_t c = 0; c < k; c++)
        if (v[c] > best) {
            best = v[c];
            at = c;
        }
    return at;
}

void dnnr__metrics_add(dnnr_metric_sums *s, const float *p, const float *y, int64_t n, int64_t k,
                       uint32_t y_dim, double loss_mean)
{
    dnnr_accuracy_kind kind = dnnr__accuracy_kind(k, y_dim);
    int64_t cols = k > (int64_t)y_dim ? k : (int64_t)y_dim;
    for (int64_t r = 0; r < n; r++) {
        const float *pr = p + r * k, *yr = y + r * y_dim;
        switch (kind) {
        case DNNR_ACC_BINARY: /* equal(y_true, cast(y_pred > 0.5)) */
            s->correct += (double)((pr[0] > 0.5f ? 1.0f : 0.0f) == yr[0]);
            break;
        case DNNR_ACC_SPARSE: /* TF compares the float label with the arg-max exactly */
            s->correct += (double)((float)argmax(pr, k) == yr[0]);
            break;
        case DNNR_ACC_CATEGORICAL:
            s->correct += (double)(argmax(pr, k) == argmax(yr, y_dim));
            break;
        }
        double se = 0, ae = 0;
        for (int64_t c = 0; c < cols; c++) {
            double d = (double)pr[k == 1 ? 0 : c] - yr[y_dim == 1 ? 0 : c];
            se += d * d;
            ae += fabs(d);
        }
        s->squared_error += se / (double)cols;
        s->absolute_error += ae / (double)cols;
        if (k == 2 && y_dim == 2)
            s->angle += dnnr__angle(pr, yr, NULL);
    }
    s->loss += loss_mean * (double)n;
    s->rows += (uint64_t)n;
}

double dnnr__angle(const float *p, const float *t, double *dp)
{
    double st = sin(p[0]), ct = cos(p[0]), sp = sin(p[1]), cp = cos(p[1]);
    double a[3] = {st * cp, st * sp, ct};
    double b[3] = {sin(t[0]) * cos(t[1]), sin(t[0]) * sin(t[1]), cos(t[0])};
    double na = sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
    double nb = sqrt(b[0] * b[0] + b[1] * b[1] + b[2] * b[2]);
    double dot = a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    double c = dot / (na * nb);
    /* Keras clips in float32: acos((float)0.99999) = 0.004475, the floor the
     * study's diverged UNITY models land on (SUBJECTS.md section 6). */
    const double lim = (double)0.99999f;
    int clipped = !(c > -lim && c < lim);
    if (isnan(c))
        c = lim;
    c = clip(c, -lim, lim);
    if (dp) {
        dp[0] = dp[1] = 0;
        if (!clipped) {
            double dL_dc = -1.0 / sqrt(1 - c * c);
            /* dc/da = b/(|a||b|) - c a/|a|^2 */
            double g[3];
            for (int i = 0; i < 3; i++)
                g[i] = b[i] / (na * nb) - c * a[i] / (na * na);
            double da_dt[3] = {ct * cp, ct * sp, -st}, da_dp[3] = {-st * sp, st * cp, 0};
            for (int i = 0; i < 3; i++) {
                dp[0] += dL_dc * g[i] * da_dt[i];
                dp[1] += dL_dc * g[i] * da_dp[i];
            }
        }
    }
    return acos(c);
}
