/* The training loop (engine.h): Keras fit() then evaluate(). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <dnnrepair/rng.h>

#include "engine/engine.h"
#include "engine/extras.h"
#include "engine/indicators.h"
#include "engine/keras.h"
#include "engine/network.h"
#include "engine/optim.h"
#include "engine/weights.h"
#include "host/host.h"
#include "util/alloc.h"

typedef struct session {
    const dnnr_train_job *job;
    dnnr_train_outcome *out;
    dnnr__device dev;
    dnnr__net *net;
    int64_t batch, max_batch, in_size, k;
    uint32_t y_dim;
    int fused;
    dnnr_activation last_act;
    uint64_t *train_rows, n_train; /* rows fit() trains on */
    uint64_t *val_rows, n_val;     /* validation_split rows */
    uint64_t *order;               /* this epoch's order */
    float *xb, *yb, *outb, *gradb, *probb;
    dnnr__optim_clock clock;       /* optimiser iterations so far */
    uint64_t dropout_key, shuffle_key, noise_key;
    double lr;                     /* the optimiser's, after any ReduceLROnPlateau step */
    dnnr__plateau plateau;
    double t0;                     /* start of fit() */
    int diverged;                  /* score_diverged: the loss was non-finite once */
} session;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void set_status(session *s, dnnr_trial_status st, const char *msg)
{
    s->out->status = st;
    snprintf(s->out->message, sizeof s->out->message, "%.500s", msg);
}

static void gather(session *s, const float *x, const float *y, const uint64_t *rows, int64_t n)
{
    for (int64_t r = 0; r < n; r++) {
        memcpy(s->xb + r * s->in_size, x + rows[r] * (uint64_t)s->in_size,
               sizeof(float) * (size_t)s->in_size);
        memcpy(s->yb + r * s->y_dim, y + rows[r] * s->y_dim, sizeof(float) * s->y_dim);
    }
}

/* Ask the caches for the rows of the next batch while this one trains:
 * shuffled rows lie anywhere in the data set, and with small batches (D4:
 * 10 images, 6,000 steps an epoch) waiting for them from memory was the
 * largest cost of gather(). Only a hint: nothing computed changes. Large
 * batches are left to the hardware: their steps are long, their rows long
 * streams, and fetching them early would push the step's own data out. */
static void prefetch_rows(const session *s, const float *x, const uint64_t *rows, int64_t n)
{
    const size_t line = 64, bytes = sizeof(float) * (size_t)s->in_size;
    if (bytes * (size_t)n > ((size_t)128 << 10))
        return;
    for (int64_t r = 0; r < n; r++) {
        const char *row = (const char *)(x + rows[r] * (uint64_t)s->in_size);
        for (size_t at = 0; at < bytes; at += line)
            __builtin_prefetch(row + at, 0, 1);
    }
}

/* Outputs of the last forward on the host: probabilities in probb (for
 * metrics) and the loss's input in outb (logits when fused). */
static int fetch_outputs(session *s, int64_t n, dnnr_error *err)
{
    int rc = dnnr__net_output(s->net, n, s->fused, s->outb, err);
    if (rc)
        return rc;
    if (s->fused)
        dnnr__loss_activate(s->last_act, s->outb, s->probb, n, s->k);
    else
        memcpy(s->probb, s->outb, sizeof(float) * (size_t)(n * s->k));
    return DNNR_OK;
}

/* The loss became non-finite: either the training ends here as diverged
 * or, with score_diverged, it goes on as in Keras with the first place
 * recorded (the status turns DIVERGED once fit() ends). */
static void note_divergence(session *s, const char *msg)
{
    if (s->job->score_diverged) {
        if (!s->diverged)
            snprintf(s->out->message, sizeof s->out->message,
                     "%.400s; trained on and evaluated as Keras does", msg);
        s->diverged = 1;
        return;
    }
    set_status(s, DNNR_TRIAL_DIVERGED, msg);
}

static int evaluate(session *s, const float *x, const float *y, const uint64_t *rows, uint64_t n,
                    dnnr_eval_metrics *m, dnnr_error *err)
{
    dnnr_metric_sums sums = {0};
    for (uint64_t at = 0; at < n; at += (uint64_t)s->max_batch) {
        int64_t b = (int64_t)(n - at < (uint64_t)s->max_batch ? n - at : (uint64_t)s->max_batch);
        gather(s, x, y, rows + at, b);
        int rc = dnnr__net_forward(s->net, b, s->xb, 0, 0, err);
        rc = rc ? rc : fetch_outputs(s, b, err);
        if (rc)
            return rc;
        double loss = dnnr__loss_batch(s->job->spec->loss, s->fused, s->outb, s->yb, b, s->k,
                                       s->y_dim, NULL);
        dnnr__metrics_add(&sums, s->probb, s->yb, b, s->k, s->y_dim, loss);
    }
    double penalty = 0;
    int rc = dnnr__net_penalty(s->net, &penalty, err);
    if (rc)
        return rc;
    double count = (double)(sums.rows ? sums.rows : 1);
    m->rows = sums.rows;
    m->loss = n ? sums.loss / count + penalty : NAN;
    m->accuracy = n ? sums.correct / count : NAN;
    m->mse = n ? sums.squared_error / count : NAN;
    m->mae = n ? sums.absolute_error / count : NAN;
    m->angle = (n && s->k == 2 && s->y_dim == 2) ? sums.angle / count : NAN;
    return DNNR_OK;
}

/* The epoch metric: accuracy for classification, else the angle or mae. */
static double headline(const session *s, const dnnr_metric_sums *m)
{
    double rows = (double)(m->rows ? m->rows : 1);
    if (s->job->data->n_classes > 0)
        return m->correct / rows;
    if (s->k == 2 && s->y_dim == 2)
        return m->angle / rows;
    return m->absolute_error / rows;
}

static dnnr_epoch_record *new_record(session *s, uint32_t epoch)
{
    uint32_t L = dnnr__net_n_weighted_layers(s->net);
    dnnr_epoch_record *r = dnnr__alloc(1, sizeof *r + 3 * sizeof(double) * L);
    if (!r)
        return NULL;
    r->struct_size = sizeof *r;
    r->epoch = epoch;
    r->train_loss = r->train_metric = r->val_loss = r->val_metric = NAN;
    r->grad_norm_first = r->grad_norm_last = r->zero_grad_fraction = NAN;
    return r;
}

static int run_epoch(session *s, uint32_t e, dnnr_epoch_record *rec, dnnr_error *err)
{
    const dnnr_train_job *job = s->job;
    const dnnr_model_spec *spec = job->spec;
    memcpy(s->order, s->train_rows, sizeof(uint64_t) * s->n_train);
    if (spec->shuffle) {
        dnnr_rng rng;
        dnnr_rng_init(&rng, dnnr_rng_derive(s->shuffle_key, e));
        for (uint64_t i = s->n_train; i > 1; i--) {
            uint64_t j = dnnr_rng_below(&rng, i);
            uint64_t t = s->order[i - 1];
            s->order[i - 1] = s->order[j];
            s->order[j] = t;
        }
    }
    dnnr_metric_sums sums = {0};
    for (uint64_t at = 0; at < s->n_train; at += (uint64_t)s->batch) {
        if (job->cancel && *job->cancel)
            return dnnr__error_set(err, DNNR_ECANCELLED, "training cancelled");
        if (job->bench_seconds > 0 && now_seconds() - s->t0 >= job->bench_seconds)
            break;
        int64_t b = (int64_t)(s->n_train - at < (uint64_t)s->batch ? s->n_train - at
                                                                   : (uint64_t)s->batch);
        gather(s, job->data->x_train, job->data->y_train, s->order + at, b);
        if (at + (uint64_t)b < s->n_train) {
            uint64_t left = s->n_train - at - (uint64_t)b;
            prefetch_rows(s, job->data->x_train, s->order + at + b,
                          (int64_t)(left < (uint64_t)s->batch ? left : (uint64_t)s->batch));
        }
        dnnr__extras_noise(spec, s->noise_key, s->clock.step, s->xb, b * s->in_size);
        int rc = dnnr__net_forward(s->net, b, s->xb, 1, dnnr_rng_derive(s->dropout_key, s->clock.step), err);
        rc = rc ? rc : fetch_outputs(s, b, err);
        if (rc)
            return rc;
        double loss = dnnr__loss_batch(spec->loss, s->fused, s->outb, s->yb, b, s->k, s->y_dim,
                                       s->gradb);
        if (!isfinite(loss)) {
            char msg[160];
            snprintf(msg, sizeof msg, "the training loss became %s at epoch %u, step %llu",
                     isnan(loss) ? "NaN" : "infinite", e + 1,
                     (unsigned long long)(at / (uint64_t)s->batch + 1));
            note_divergence(s, msg);
            if (s->out->status != DNNR_TRIAL_OK)
                return DNNR_OK;
        }
        rc = dnnr__net_backward(s->net, b, s->gradb, s->fused, 1, err);
        if (rc)
            return rc;
        dnnr_run_args args;
        dnnr__optim_next(&s->clock, spec->optimizer, s->lr, &args);
        double penalty;
        rc = dnnr__net_update(s->net, &args, &penalty, err);
        if (rc)
            return rc;
        dnnr__metrics_add(&sums, s->probb, s->yb, b, s->k, s->y_dim, loss + penalty);
        s->out->samples += (uint64_t)b;
        s->out->steps++;
    }
    rec->train_loss = sums.rows ? sums.loss / (double)sums.rows : NAN;
    rec->train_metric = sums.rows ? headline(s, &sums) : NAN;
    if (s->n_val > 0) {
        dnnr_eval_metrics m;
        int rc = evaluate(s, job->data->x_train, job->data->y_train, s->val_rows, s->n_val, &m, err);
        if (rc)
            return rc;
        rec->val_loss = m.loss;
        rec->val_metric = job->data->n_classes > 0 ? m.accuracy
                                                   : (isnan(m.angle) ? m.mae : m.angle);
    }
    if (isfinite(rec->train_loss) == 0 && s->out->status == DNNR_TRIAL_OK)
        note_divergence(s, "the training loss is not finite");
    return DNNR_OK;
}

static int probe(session *s, dnnr_epoch_record *rec, dnnr_error *err)
{
    const dnnr_train_job *job = s->job;
    int64_t n = s->n_train < (uint64_t)s->batch ? (int64_t)s->n_train : s->batch;
    if (n < 1)
        return DNNR_OK;
    gather(s, job->data->x_train, job->data->y_train, s->train_rows, n);
    dnnr__probe pb = {s->xb, s->yb, n, s->y_dim, job->spec->loss, s->fused, s->outb, s->gradb};
    return dnnr__indicators_measure(s->net, &pb, rec, (double *)(rec + 1), err);
}

/* Rows, fidelity and batch geometry; 1 = invalid (message set). */
static int plan_rows(session *s, dnnr_error *err)
{
    const dnnr_train_job *job = s->job;
    const dnnr_model_spec *spec = job->spec;
    uint64_t n = job->train_rows ? job->n_train_rows : job->data->n_train;
    s->train_rows = dnnr__alloc(n ? n : 1, sizeof(uint64_t));
    s->order = dnnr__alloc(n ? n : 1, sizeof(uint64_t));
    if (!s->train_rows || !s->order)
        return dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
    for (uint64_t i = 0; i < n; i++)
        s->train_rows[i] = job->train_rows ? job->train_rows[i] : i;
    for (uint64_t i = 0; i < n; i++)
        if (s->train_rows[i] >= job->data->n_train)
            return dnnr__error_set(err, DNNR_EINVAL, "training row %llu is outside the %llu training rows",
                                   (unsigned long long)s->train_rows[i],
                                   (unsigned long long)job->data->n_train);
    if (!(spec->validation_split >= 0 && spec->validation_split < 1)) {
        set_status(s, DNNR_TRIAL_INVALID, "validation_split must be in [0, 1)");
        return 1;
    }
    uint64_t split = (uint64_t)floor((double)n * (1 - spec->validation_split));
    s->val_rows = s->train_rows + split;
    s->n_val = n - split;
    s->n_train = split;
    if (job->fidelity_kind == DNNR_FIDELITY_FRACTION && job->fidelity > 0 && job->fidelity < 1) {
        /* a seeded subset, kept in job order */
        uint64_t m = (uint64_t)ceil(job->fidelity * (double)s->n_train);
        dnnr_rng rng;
        dnnr_rng_init(&rng, dnnr__host_stream_key(job->seed, "fraction"));
        uint64_t *keep = s->order;
        memset(keep, 0, sizeof(uint64_t) * s->n_train);
        for (uint64_t i = 0; i < m; i++) { /* Floyd's sampling of m distinct positions */
            uint64_t j = s->n_train - m + i, t = dnnr_rng_below(&rng, j + 1);
            keep[keep[t] ? j : t] = 1;
        }
        uint64_t w = 0;
        for (uint64_t i = 0; i < s->n_train; i++)
            if (keep[i])
                s->train_rows[w++] = s->train_rows[i];
        s->n_train = w;
    }
    if (spec->batch_size < 1) {
        set_status(s, DNNR_TRIAL_INVALID, "batch_size must be >= 1");
        return 1;
    }
    if (s->n_train == 0) {
        set_status(s, DNNR_TRIAL_INVALID, "no training rows");
        return 1;
    }
    s->batch = spec->batch_size;
    s->max_batch = s->batch;
    uint64_t biggest_set = s->n_train > s->n_val ? s->n_train : s->n_val;
    for (uint32_t i = 0; i < job->n_evals; i++)
        biggest_set = job->evals[i].n > biggest_set ? job->evals[i].n : biggest_set;
    if ((uint64_t)s->max_batch > biggest_set)
        s->max_batch = (int64_t)biggest_set;
    return 0;
}

static int check_labels(session *s)
{
    const dnnr_train_job *job = s->job;
    char why[256];
    if (dnnr__loss_compatible(job->spec->loss, s->fused, s->k, s->y_dim, why, sizeof why)) {
        set_status(s, DNNR_TRIAL_INVALID, why);
        return 1;
    }
    if (job->spec->loss != DNNR_LOSS_SPARSE_CATEGORICAL_CE)
        return 0;
    for (uint64_t i = 0; i < s->n_train + s->n_val; i++) {
        const float *y = job->data->y_train + s->train_rows[i] * s->y_dim;
        if (dnnr__loss_check_labels(job->spec->loss, y, 1, s->y_dim, s->k, why, sizeof why)) {
            set_status(s, DNNR_TRIAL_INVALID, why);
            return 1;
        }
    }
    for (uint32_t e = 0; e < job->n_evals; e++)
        for (uint64_t i = 0; i < job->evals[e].n; i++) {
            const float *y = job->data->y_test + job->evals[e].rows[i] * s->y_dim;
            if (dnnr__loss_check_labels(job->spec->loss, y, 1, s->y_dim, s->k, why, sizeof why)) {
                set_status(s, DNNR_TRIAL_INVALID, why);
                return 1;
            }
        }
    return 0;
}

static void session_free(session *s)
{
    dnnr__net_destroy(s->net);
    dnnr__device_close(&s->dev);
    dnnr__free(s->train_rows);
    dnnr__free(s->order);
    dnnr__free(s->xb);
    dnnr__free(s->yb);
    dnnr__free(s->outb);
    dnnr__free(s->gradb);
    dnnr__free(s->probb);
}

void dnnr__engine_outcome_free(dnnr_train_outcome *out)
{
    for (uint32_t i = 0; out->epochs && i < out->n_epochs; i++)
        dnnr__free(out->epochs[i]);
    dnnr__free(out->epochs);
    out->epochs = NULL;
    out->n_epochs = 0;
}

static int train(session *s, dnnr_error *err)
{
    const dnnr_train_job *job = s->job;
    const dnnr_model_spec *spec = job->spec;
    const dnnr_dataset *d = job->data;
    dnnr_train_outcome *out = s->out;
    int rc = plan_rows(s, err);
    if (rc)
        return rc < 0 ? rc : DNNR_OK;
    int64_t epochs = spec->epochs;
    if (job->fidelity_kind == DNNR_FIDELITY_EPOCHS && job->fidelity > 0)
        epochs = (int64_t)llround(job->fidelity);
    if (epochs < 0) {
        set_status(s, DNNR_TRIAL_INVALID, "epochs must be >= 0");
        return DNNR_OK;
    }
    dnnr__net_params np = {.spec = spec, .max_batch = s->max_batch, .dev = &s->dev,
                           .init_key = dnnr__host_stream_key(job->seed, "init")};
    if (d->rank == 1 || d->rank == 3) {
        np.in_rank = d->rank;
        for (uint32_t i = 0; i < d->rank; i++)
            np.in_shape[i] = d->shape[i];
    } else if (d->rank == 2) {
        np.in_rank = 3;
        np.in_shape[0] = d->shape[0];
        np.in_shape[1] = d->shape[1];
        np.in_shape[2] = 1;
    } else {
        return dnnr__error_set(err, DNNR_EINVAL, "data sets of rank %u are not supported", d->rank);
    }
    rc = dnnr__device_open(&s->dev, job->backend, job->backend_host, job->threads, err);
    if (rc)
        return rc;
    char why[512] = "";
    rc = dnnr__net_create(&np, &s->net, why, sizeof why, err);
    if (rc == 1) {
        set_status(s, DNNR_TRIAL_INVALID, why);
        return DNNR_OK;
    }
    if (rc)
        return rc;
    s->in_size = dnnr__net_input_size(s->net);
    s->k = dnnr__net_outputs(s->net);
    s->y_dim = d->y_dim;
    s->last_act = dnnr__net_last_activation(s->net);
    s->fused = dnnr__loss_fused(spec->loss, s->last_act);
    out->accuracy_kind = dnnr__accuracy_kind(s->k, s->y_dim);
    out->flops_per_sample = dnnr__net_flops(s->net);
    if (check_labels(s))
        return DNNR_OK;
    /* every batch size the trial will see, planned before the clock starts */
    int64_t sizes[3 + DNNR_ENGINE_MAX_EVALS] = {
        (int64_t)(s->n_train % (uint64_t)s->batch),
        (int64_t)(s->n_val % (uint64_t)s->max_batch),
        s->n_train < (uint64_t)s->batch ? (int64_t)s->n_train : s->batch};
    for (uint32_t i = 0; i < job->n_evals; i++)
        sizes[3 + i] = (int64_t)(job->evals[i].n % (uint64_t)s->max_batch);
    for (uint32_t i = 0; i < 3 + job->n_evals; i++)
        if ((rc = dnnr__net_prepare(s->net, sizes[i], err))) {
            if (rc != DNNR_EUNSUPPORTED)
                return rc;
            set_status(s, DNNR_TRIAL_INVALID, err->msg);
            return DNNR_OK;
        }
    if (job->warm_start_path && (rc = dnnr__weights_load(s->net, job->warm_start_path, err)))
        return rc;
    size_t B = (size_t)s->max_batch;
    s->xb = dnnr__alloc(B * (size_t)s->in_size, sizeof(float));
    s->yb = dnnr__alloc(B * s->y_dim, sizeof(float));
    s->outb = dnnr__alloc(B * (size_t)s->k, sizeof(float));
    s->gradb = dnnr__alloc(B * (size_t)s->k, sizeof(float));
    s->probb = dnnr__alloc(B * (size_t)s->k, sizeof(float));
    out->epochs = dnnr__alloc(epochs > 0 ? (size_t)epochs : 1, sizeof *out->epochs);
    if (!s->xb || !s->yb || !s->outb || !s->gradb || !s->probb || !out->epochs)
        return dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
    s->dropout_key = dnnr__host_stream_key(job->seed, "dropout");
    s->shuffle_key = dnnr__host_stream_key(job->seed, "shuffle");
    s->noise_key = dnnr__host_stream_key(job->seed, "noise");
    s->lr = spec->lr;
    dnnr__plateau_init(&s->plateau);
    dnnr__optim_clock_init(&s->clock);
    s->t0 = now_seconds();
    if (job->bench_seconds > 0) {
        epochs = 1000000; /* until the time is up */
        dnnr__free(out->epochs);
        out->epochs = dnnr__alloc(1, sizeof *out->epochs);
        if (!out->epochs)
            return dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
    }
    for (uint32_t e = 0; e < (uint64_t)epochs && out->status == DNNR_TRIAL_OK; e++) {
        if (job->bench_seconds > 0) { /* keep only the last record */
            if (out->n_epochs)
                dnnr__free(out->epochs[--out->n_epochs]);
            if (now_seconds() - s->t0 >= job->bench_seconds)
                break;
        }
        dnnr_epoch_record *rec = new_record(s, e);
        if (!rec)
            return dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
        out->epochs[out->n_epochs++] = rec;
        rc = run_epoch(s, e, rec, err);
        if (rc == DNNR_OK && (job->flags & DNNR_TRIAL_INDICATORS) && out->status == DNNR_TRIAL_OK)
            rc = probe(s, rec, err);
        if (rc)
            return rc;
        /* ReduceLROnPlateau watches val_loss; without validation rows, the training loss */
        s->lr = dnnr__plateau_step(&s->plateau, spec, s->n_val > 0 ? rec->val_loss : rec->train_loss,
                                   s->lr);
        if (job->monitor && out->status == DNNR_TRIAL_OK &&
            job->monitor(job->monitor_ctx, (const dnnr_epoch_record *const *)out->epochs,
                         out->n_epochs)) {
            out->stopped_early = 1;
            break;
        }
    }
    out->seconds = now_seconds() - s->t0;
    out->cost_units = (double)out->samples * 3.0 * out->flops_per_sample;
    if (out->status != DNNR_TRIAL_OK)
        return DNNR_OK;
    if (s->diverged) /* evaluated below; the status says where the metrics came from */
        out->status = DNNR_TRIAL_DIVERGED;
    out->n_evals = job->n_evals;
    for (uint32_t i = 0; i < job->n_evals; i++) {
        rc = evaluate(s, d->x_test, d->y_test, job->evals[i].rows, job->evals[i].n, &out->eval[i],
                      err);
        if (rc)
            return rc;
    }
    if (job->save_weights_path && out->status == DNNR_TRIAL_OK) /* no warm start from NaN weights */
        rc = dnnr__weights_save(s->net, job->save_weights_path, err);
    return rc;
}

int dnnr__engine_train(const dnnr_train_job *job, dnnr_train_outcome *out, dnnr_error *err)
{
    memset(out, 0, sizeof *out);
    for (uint32_t i = 0; i < DNNR_ENGINE_MAX_EVALS; i++) {
        dnnr_eval_metrics *m = &out->eval[i];
        m->loss = m->accuracy = m->mse = m->mae = m->angle = NAN;
    }
    if (!job || !job->spec || !job->data || !job->backend)
        return dnnr__error_set(err, DNNR_EINVAL, "train job without spec, data or backend");
    if (job->n_evals > DNNR_ENGINE_MAX_EVALS)
        return dnnr__error_set(err, DNNR_EINVAL, "at most %d evaluation row sets", DNNR_ENGINE_MAX_EVALS);
    for (uint32_t e = 0; e < job->n_evals; e++)
        for (uint64_t i = 0; i < job->evals[e].n; i++)
            if (job->evals[e].rows[i] >= job->data->n_test)
                return dnnr__error_set(err, DNNR_EINVAL, "evaluation row %llu is outside the %llu test rows",
                                       (unsigned long long)job->evals[e].rows[i],
                                       (unsigned long long)job->data->n_test);
    session s = {.job = job, .out = out};
    int rc = train(&s, err);
    session_free(&s);
    if (rc != DNNR_OK) {
        out->status = DNNR_TRIAL_CRASHED;
        snprintf(out->message, sizeof out->message, "%.500s", err ? err->msg : dnnr_strerror(rc));
    }
    return rc;
}
