/* The lint's view of a data set: the input shape, the scale of the inputs,
 * the target range and the class balance of the training part, read once
 * (large inputs are sampled by rows, so a summary costs milliseconds). */
#include <math.h>
#include <string.h>

#include "lint/lint_internal.h"

/* Input values read for the scale summary; beyond it, rows are strided. */
#define LINT_X_BUDGET 4000000u
/* Classes counted one by one; with more, the class balance is not summarised. */
#define LINT_MAX_CLASSES 4096u

static void summarise_inputs(const dnnr_dataset *d, lint_data *out)
{
    uint64_t row = 1;
    for (uint32_t i = 0; i < d->rank && i < 4; i++)
        row *= d->shape[i];
    uint64_t step = 1;
    if (row && d->n_train * row > LINT_X_BUDGET)
        step = (d->n_train * row + LINT_X_BUDGET - 1) / LINT_X_BUDGET;
    double max = 0.0, l1 = 0.0;
    uint64_t rows = 0;
    for (uint64_t r = 0; d->x_train && r < d->n_train; r += step) {
        const float *x = d->x_train + r * row;
        double sum = 0.0;
        for (uint64_t i = 0; i < row; i++) {
            double a = fabs((double)x[i]);
            if (!isfinite(a))
                continue;
            sum += a;
            if (a > max)
                max = a;
        }
        l1 += sum;
        rows++;
    }
    out->x_abs_max = max;
    out->x_row_l1 = rows ? l1 / (double)rows : 0.0;
}

static void summarise_targets(const dnnr_dataset *d, lint_data *out)
{
    const uint32_t dim = d->y_dim ? d->y_dim : 1;
    out->y_min = INFINITY;
    out->y_max = -INFINITY;
    if (!d->y_train || !d->n_train) {
        out->y_min = out->y_max = 0.0;
        return;
    }
    if (d->target_kind == DNNR_TARGET_REAL) {
        double abs = 0.0, sq = 0.0;
        for (uint64_t i = 0; i < d->n_train * dim; i++) {
            double v = d->y_train[i];
            out->y_min = fmin(out->y_min, v);
            out->y_max = fmax(out->y_max, v);
            abs += fabs(v);
            sq += v * v;
            out->below_selu += v < -1.7581;
            out->below_m1 += v < -1.0;
            out->below_0 += v < 0.0;
            out->above_1 += v > 1.0;
        }
        double n = (double)(d->n_train * dim);
        out->y_abs_mean = abs / n;
        out->y_sq_mean = sq / n;
        out->below_selu /= n;
        out->below_m1 /= n;
        out->below_0 /= n;
        out->above_1 /= n;
        return;
    }
    /* Classes: the index, or the arg-max column of a one-hot row. */
    uint32_t n_classes = d->target_kind == DNNR_TARGET_ONE_HOT ? dim : d->n_classes;
    if (n_classes == 0 || n_classes > LINT_MAX_CLASSES) {
        out->majority_share = 0.0;
        return;
    }
    uint64_t counts[LINT_MAX_CLASSES];
    memset(counts, 0, n_classes * sizeof counts[0]);
    uint64_t multi = 0;
    for (uint64_t r = 0; r < d->n_train; r++) {
        const float *y = d->y_train + r * dim;
        uint32_t cls = 0;
        if (d->target_kind == DNNR_TARGET_ONE_HOT) {
            double sum = 0.0;
            for (uint32_t j = 0; j < dim; j++) {
                sum += y[j];
                if (y[j] > y[cls])
                    cls = j;
            }
            if (fabs(sum - 1.0) > 1e-3)
                multi++;
        } else {
            double v = y[0];
            cls = v >= 0.0 && v < (double)n_classes ? (uint32_t)v : 0;
        }
        counts[cls]++;
    }
    uint64_t top = 0;
    for (uint32_t j = 0; j < n_classes; j++) {
        if (counts[j])
            out->classes_seen++;
        if (counts[j] > top)
            top = counts[j];
    }
    out->majority_share = (double)top / (double)d->n_train;
    out->multi_hot_share = (double)multi / (double)d->n_train;
    out->y_min = 0.0;
    out->y_max = 1.0;
}

void dnnr__lint_data_summarise(const dnnr_dataset *d, double validation_split, lint_data *out)
{
    memset(out, 0, sizeof *out);
    if (!d)
        return;
    out->present = 1;
    out->n_train = d->n_train;
    double keep = validation_split > 0.0 && validation_split < 1.0 ? 1.0 - validation_split : 1.0;
    out->n_fit = (uint64_t)floor((double)d->n_train * keep);
    if (d->rank == 1) {
        out->in_rank = 1;
        out->in_shape[0] = d->shape[0];
    } else if (d->rank == 2 || d->rank == 3) {
        out->in_rank = 3;
        out->in_shape[0] = d->shape[0];
        out->in_shape[1] = d->shape[1];
        out->in_shape[2] = d->rank == 3 ? d->shape[2] : 1;
    }
    out->target_kind = d->target_kind;
    out->y_dim = d->y_dim;
    out->n_classes = d->n_classes;
    summarise_inputs(d, out);
    summarise_targets(d, out);
}
