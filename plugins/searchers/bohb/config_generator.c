/* BOHB's model-based configuration generator (SEARCHERS.md B.4, B.6). */
#include "config_generator.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <dnnrepair/status.h>

#include "encoding.h"
#include "truncnorm.h"

void bohb_generator_defaults(bohb_generator_options *opt)
{
    opt->top_n_percent = 15.0;
    opt->num_samples = 64;
    opt->random_fraction = 1.0 / 3.0;
    opt->bandwidth_factor = 3.0;
    opt->min_bandwidth = 1e-3;
    opt->min_points_in_model = 0;
}

int bohb_generator_init(bohb_generator *gen, const dnnr_host *host, const dnnr_space *space,
                        uint32_t n_budgets, const bohb_generator_options *opt, uint64_t rng_key)
{
    memset(gen, 0, sizeof *gen);
    gen->host = host;
    gen->space = space;
    gen->opt = *opt;
    gen->d = space->n_params;
    gen->n_budgets = n_budgets;
    gen->largest_model = -1;
    dnnr_rng_init(&gen->rng, rng_key);
    /* HpBandSter raises a smaller min_points_in_model to d + 1 (with a warning). */
    if (gen->opt.min_points_in_model < gen->d + 1)
        gen->opt.min_points_in_model = (uint32_t)gen->d + 1;

    size_t d1 = gen->d ? gen->d : 1;
    gen->is_cat = host->alloc(host->ctx, d1, sizeof(uint8_t));
    gen->budgets = host->alloc(host->ctx, n_budgets ? n_budgets : 1, sizeof(bohb_budget_data));
    gen->scratch = host->alloc(host->ctx, 2 * d1, sizeof(double));
    if (!gen->is_cat || !gen->budgets || !gen->scratch) {
        bohb_generator_free(gen);
        return DNNR_ENOMEM;
    }
    for (size_t j = 0; j < gen->d; j++)
        gen->is_cat[j] = space->params[j]->kind == DNNR_PARAM_CATEGORICAL;
    return DNNR_OK;
}

void bohb_generator_free(bohb_generator *gen)
{
    const dnnr_host *host = gen->host;
    if (!host)
        return;
    if (gen->budgets) {
        for (uint32_t b = 0; b < gen->n_budgets; b++) {
            bohb_budget_data *data = &gen->budgets[b];
            host->free(host->ctx, data->vectors);
            host->free(host->ctx, data->losses);
            if (data->has_model) {
                bohb_kde_free(&data->good, host);
                bohb_kde_free(&data->bad, host);
            }
        }
    }
    host->free(host->ctx, gen->budgets);
    host->free(host->ctx, gen->is_cat);
    host->free(host->ctx, gen->scratch);
    host->free(host->ctx, gen->order);
    memset(gen, 0, sizeof *gen);
}

static int append_observation(bohb_generator *gen, bohb_budget_data *data, const double *vector,
                              double loss)
{
    const dnnr_host *host = gen->host;
    size_t d1 = gen->d ? gen->d : 1;
    if (data->n == data->capacity) {
        size_t capacity = data->capacity ? 2 * data->capacity : 16;
        double *vectors = host->realloc(host->ctx, data->vectors, capacity * d1 * sizeof(double));
        if (!vectors)
            return DNNR_ENOMEM;
        data->vectors = vectors;
        double *losses = host->realloc(host->ctx, data->losses, capacity * sizeof(double));
        if (!losses)
            return DNNR_ENOMEM;
        data->losses = losses;
        data->capacity = capacity;
    }
    memcpy(data->vectors + data->n * gen->d, vector, gen->d * sizeof(double));
    data->losses[data->n] = loss;
    data->n++;
    return DNNR_OK;
}

/* A loss and the row it belongs to, for sorting. */
typedef struct ranked_row {
    double loss;
    size_t row;
} ranked_row;

static int compare_ranked(const void *a, const void *b)
{
    const ranked_row *x = a, *y = b;
    if (x->loss < y->loss)
        return -1;
    if (x->loss > y->loss)
        return 1;
    return (x->row > y->row) - (x->row < y->row);
}

/* Rows sorted by loss, ascending; ties keep arrival order (numpy's argsort
 * leaves their order unspecified, so any order is faithful). */
static int sort_by_loss(bohb_generator *gen, const bohb_budget_data *data)
{
    if (gen->order_capacity < data->n) {
        ranked_row *order =
            gen->host->realloc(gen->host->ctx, gen->order, data->capacity * sizeof(ranked_row));
        if (!order)
            return DNNR_ENOMEM;
        gen->order = order;
        gen->order_capacity = data->capacity;
    }
    for (size_t i = 0; i < data->n; i++)
        gen->order[i] = (ranked_row){data->losses[i], i};
    qsort(gen->order, data->n, sizeof(ranked_row), compare_ranked);
    return DNNR_OK;
}

/* Copy the rows order[first .. first+count) into a packed n x d block. */
static double *gather_rows(bohb_generator *gen, const bohb_budget_data *data, size_t first,
                           size_t count)
{
    size_t cells = count * gen->d;
    double *rows = gen->host->alloc(gen->host->ctx, cells > 0 ? cells : 1, sizeof(double));
    if (!rows)
        return NULL;
    for (size_t i = 0; i < count; i++)
        memcpy(rows + i * gen->d, data->vectors + gen->order[first + i].row * gen->d,
               gen->d * sizeof(double));
    return rows;
}

/* B.4 steps 4-8: refit the good and bad KDEs of one budget. */
static int refit(bohb_generator *gen, uint32_t budget_index)
{
    bohb_budget_data *data = &gen->budgets[budget_index];
    size_t n = data->n, d = gen->d, n_min = gen->opt.min_points_in_model;
    if (n < n_min)
        return DNNR_OK;
    double q = gen->opt.top_n_percent;
    size_t n_good = (size_t)floor(q * (double)n / 100.0);
    size_t n_bad = (size_t)floor((100.0 - q) * (double)n / 100.0);
    if (n_good < n_min)
        n_good = n_min;
    if (n_bad < n_min)
        n_bad = n_min;
    /* good = the n_good best rows, bad = the next n_bad (or fewer): disjoint. */
    size_t good_rows = n_good < n ? n_good : n;
    size_t bad_rows = n > good_rows ? n - good_rows : 0;
    if (bad_rows > n_bad)
        bad_rows = n_bad;
    if (good_rows <= d || bad_rows <= d)
        return DNNR_OK; /* statsmodels needs n > d; an older model stays */

    int rc = sort_by_loss(gen, data);
    if (rc != DNNR_OK)
        return rc;
    double *good = gather_rows(gen, data, 0, good_rows);
    double *bad = gather_rows(gen, data, good_rows, bad_rows);
    bohb_kde good_kde, bad_kde;
    rc = DNNR_ENOMEM;
    if (good && bad &&
        bohb_kde_fit(&good_kde, good, good_rows, d, gen->is_cat, gen->opt.min_bandwidth,
                     gen->host) == 0) {
        if (bohb_kde_fit(&bad_kde, bad, bad_rows, d, gen->is_cat, gen->opt.min_bandwidth,
                         gen->host) == 0) {
            if (data->has_model) {
                bohb_kde_free(&data->good, gen->host);
                bohb_kde_free(&data->bad, gen->host);
            }
            data->good = good_kde;
            data->bad = bad_kde;
            data->has_model = 1;
            if ((int)budget_index > gen->largest_model)
                gen->largest_model = (int)budget_index;
            rc = DNNR_OK;
        } else {
            bohb_kde_free(&good_kde, gen->host);
        }
    }
    gen->host->free(gen->host->ctx, good);
    gen->host->free(gen->host->ctx, bad);
    return rc;
}

int bohb_generator_observe(bohb_generator *gen, const double *vector, uint32_t budget_index,
                           double loss)
{
    if (budget_index >= gen->n_budgets)
        return DNNR_EINVAL;
    if (!isfinite(loss))
        loss = INFINITY; /* crashes count as the worst configurations */
    /* A model on a larger budget makes smaller budgets irrelevant: not even stored. */
    if (gen->largest_model > (int)budget_index)
        return DNNR_OK;
    int rc = append_observation(gen, &gen->budgets[budget_index], vector, loss);
    if (rc != DNNR_OK)
        return rc;
    return refit(gen, budget_index);
}

double bohb_generator_ratio(double good_pdf, double bad_pdf)
{
    /* Python's max(a, b) returns a unless b > a: a NaN g becomes 1e-32, a NaN l stays. */
    double g = bad_pdf > 1e-32 ? bad_pdf : 1e-32;
    double l = 1e-32 > good_pdf ? 1e-32 : good_pdf;
    return g / l;
}

/* One candidate around a random good row (B.6 step 3a-b). */
static void draw_candidate(bohb_generator *gen, const bohb_kde *good, double *x)
{
    const double *row = good->data + dnnr_rng_below(&gen->rng, good->n) * gen->d;
    for (size_t j = 0; j < gen->d; j++) {
        double h = fmax(good->bandwidth[j], gen->opt.min_bandwidth);
        double m = row[j];
        if (!gen->is_cat[j]) {
            double sd = gen->opt.bandwidth_factor * h;
            x[j] = bohb_truncnorm(&gen->rng, m, sd, 0.0, 1.0);
        } else if (dnnr_rng_uniform(&gen->rng) < 1.0 - h) {
            x[j] = trunc(m); /* Python's int(m) */
        } else {
            x[j] = (double)dnnr_rng_below(&gen->rng, gen->space->params[j]->n_choices);
        }
    }
}

bohb_pick bohb_generator_propose(bohb_generator *gen, double *out)
{
    if (gen->largest_model < 0 || dnnr_rng_uniform(&gen->rng) < gen->opt.random_fraction) {
        bohb_sample_prior(gen->space, &gen->rng, out);
        return BOHB_PICK_RANDOM;
    }
    const bohb_budget_data *model = &gen->budgets[gen->largest_model];
    double *candidate = gen->scratch, *best = gen->scratch + gen->d;
    double best_ratio = INFINITY;
    int have_best = 0;
    for (uint32_t i = 0; i < gen->opt.num_samples; i++) {
        draw_candidate(gen, &model->good, candidate);
        double l = bohb_kde_pdf(&model->good, candidate);
        double g = bohb_kde_pdf(&model->bad, candidate);
        double ratio = bohb_generator_ratio(l, g);
        if (!isfinite(ratio) && isfinite(l)) {
            /* Usually a categorical value the bad KDE never saw (L = 1): HpBandSter
             * takes such a candidate at once. */
            memcpy(out, candidate, gen->d * sizeof(double));
            return BOHB_PICK_UNBOUNDED;
        }
        if (ratio < best_ratio) {
            best_ratio = ratio;
            memcpy(best, candidate, gen->d * sizeof(double));
            have_best = 1;
        }
    }
    if (!have_best) {
        bohb_sample_prior(gen->space, &gen->rng, out);
        return BOHB_PICK_FALLBACK;
    }
    memcpy(out, best, gen->d * sizeof(double));
    return BOHB_PICK_MODEL;
}
