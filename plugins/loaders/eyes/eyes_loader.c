/*
 * The `eyes` loader: procedural data sets for the gaze subjects.
 *
 *   dataset = { loader = "eyes"; generator = "unityeyes"; n = 10000; };
 *
 * Generator "unityeyes" (the only one so far) is the offline stand-in for
 * DeepCrime's UnityEyes arrays (U1-U8): 36x60x1 grey eye images, head pose
 * (2) and gaze (2) targets; eyes_render.h documents the model. Rows are then
 * split as the study split the real arrays: train_test_split(test_size,
 * split_seed), test rows first.
 *
 * Options:
 *   generator    "unityeyes"
 *   n            10000 samples (the real N is not stated in the package)
 *   seed         42: the images; sample i depends on (seed, i) only
 *   test_size    0.2, split_seed 42
 *   pitch_range  0.35, yaw_range 0.5: gaze angles drawn from +-range (radians)
 *   noise        0.02: pixel noise sd
 *   head_pose    "drop" (default): samples are the 36x60x1 images; the gaze
 *                can be read from the image alone in this model. "append":
 *                samples are rank 1, the 2160 pixels then head pitch and yaw,
 *                the two inputs of DeepCrime's model flattened into one (the
 *                engine takes one input tensor per sample)
 *   drop_tail    0; f: the training part keeps its first int(n * (1 - f)) rows,
 *                as Keras' validation_split = f (U1-U8: 0.1)
 *   provenance   the substitute note
 */
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include <dnnrepair/dnnrepair.h>

#include "eyes_render.h"
#include "row_split.h"

#define EYES_SUBSTITUTE_NOTE                                                                      \
    "substitute: procedural UnityEyes-like eye images (eyes/unityeyes: iris placed by gaze "      \
    "pitch/yaw) for DeepCrime's UnityEyes arrays (not available offline)"
#define EYES_MAX_SAMPLES 1000000

struct dnnr_loader {
    const dnnr_host *host;
    eyes_params params;
    int64_t n, seed, split_seed;
    double test_size, drop_tail;
    int append_head;
    const char *provenance;
    float *x[2], *y[2];
    dnnr_dataset loaded;
    int is_loaded;
};

static void release_data(dnnr_loader *l)
{
    for (int i = 0; i < 2; i++) {
        l->host->free(l->host->ctx, l->x[i]);
        l->host->free(l->host->ctx, l->y[i]);
        l->x[i] = l->y[i] = NULL;
    }
}

static void eyes_destroy(dnnr_loader *l)
{
    if (!l)
        return;
    release_data(l);
    l->host->free(l->host->ctx, l);
}

static int read_options(dnnr_loader *l)
{
    const dnnr_host *host = l->host;
    const char *generator = NULL, *head_pose = NULL;
    int s = host->option_string(host->ctx, "generator", "unityeyes", &generator);
    if (s == DNNR_OK)
        s = host->option_int(host->ctx, "n", 10000, &l->n);
    if (s == DNNR_OK)
        s = host->option_int(host->ctx, "seed", 42, &l->seed);
    if (s == DNNR_OK)
        s = host->option_float(host->ctx, "test_size", 0.2, &l->test_size);
    if (s == DNNR_OK)
        s = host->option_int(host->ctx, "split_seed", 42, &l->split_seed);
    if (s == DNNR_OK)
        s = host->option_float(host->ctx, "pitch_range", 0.35, &l->params.pitch_range);
    if (s == DNNR_OK)
        s = host->option_float(host->ctx, "yaw_range", 0.5, &l->params.yaw_range);
    if (s == DNNR_OK)
        s = host->option_float(host->ctx, "noise", 0.02, &l->params.noise);
    if (s == DNNR_OK)
        s = host->option_string(host->ctx, "head_pose", "drop", &head_pose);
    if (s == DNNR_OK)
        s = host->option_float(host->ctx, "drop_tail", 0.0, &l->drop_tail);
    if (s == DNNR_OK)
        s = host->option_string(host->ctx, "provenance", EYES_SUBSTITUTE_NOTE, &l->provenance);
    if (s != DNNR_OK)
        return s;
    const char *problem = NULL;
    if (strcmp(generator, "unityeyes") != 0)
        problem = "generator: expected \"unityeyes\"";
    else if (l->n < 2 || l->n > EYES_MAX_SAMPLES)
        problem = "n: expected 2 to 1000000 samples";
    else if (l->seed < 0 || l->split_seed < 0 || l->split_seed > UINT32_MAX)
        problem = "seed, split_seed: expected non-negative (split_seed below 2^32)";
    else if (!(l->test_size > 0 && l->test_size < 1))
        problem = "test_size: expected a fraction in (0, 1)";
    else if (!(l->params.pitch_range >= 0 && l->params.pitch_range <= 1.2) ||
             !(l->params.yaw_range >= 0 && l->params.yaw_range <= 1.2))
        problem = "pitch_range, yaw_range: expected 0 to 1.2 radians (the iris must stay in "
                  "the eye)";
    else if (!(l->params.noise >= 0 && l->params.noise <= 1))
        problem = "noise: expected 0 to 1";
    else if (strcmp(head_pose, "drop") != 0 && strcmp(head_pose, "append") != 0)
        problem = "head_pose: expected \"drop\" or \"append\"";
    else if (!(l->drop_tail >= 0 && l->drop_tail < 1))
        problem = "drop_tail: expected 0 (none) or a fraction in (0, 1)";
    if (problem) {
        host->set_error(host->ctx, "%s", problem);
        return DNNR_EINVAL;
    }
    l->append_head = strcmp(head_pose, "append") == 0;
    return DNNR_OK;
}

static int eyes_create(const dnnr_loader_init *init, dnnr_loader **out)
{
    const dnnr_host *host = init->host;
    *out = NULL;
    dnnr_loader *l = host->alloc(host->ctx, 1, sizeof *l);
    if (!l) {
        host->set_error(host->ctx, "out of memory");
        return DNNR_ENOMEM;
    }
    l->host = host;
    int status = read_options(l);
    if (status != DNNR_OK) {
        eyes_destroy(l);
        return status;
    }
    *out = l;
    return DNNR_OK;
}

/* Render the samples rows[0..n) straight into part @p part. */
static int render_part(dnnr_loader *l, const uint64_t *rows, uint64_t n, int part)
{
    const dnnr_host *host = l->host;
    uint64_t width = EYES_PIXELS + (l->append_head ? 2 : 0);
    l->x[part] = host->alloc(host->ctx, (size_t)(n * width), sizeof(float));
    l->y[part] = host->alloc(host->ctx, (size_t)(n * 2), sizeof(float));
    if (!l->x[part] || !l->y[part]) {
        host->set_error(host->ctx, "out of memory for %" PRIu64 " eye images", n);
        return DNNR_ENOMEM;
    }
    for (uint64_t i = 0; i < n; i++) {
        float *x = l->x[part] + i * width, head[2];
        eyes_render(&l->params, (uint64_t)l->seed, rows[i], x, head, l->y[part] + i * 2);
        if (l->append_head) {
            x[EYES_PIXELS] = head[0];
            x[EYES_PIXELS + 1] = head[1];
        }
        if (host->cancelled(host->ctx)) {
            host->set_error(host->ctx, "cancelled while generating eye images");
            return DNNR_ECANCELLED;
        }
    }
    return DNNR_OK;
}

static int eyes_load(dnnr_loader *l, dnnr_dataset *out)
{
    const dnnr_host *host = l->host;
    if (l->is_loaded) {
        *out = l->loaded;
        return DNNR_OK;
    }
    row_split s;
    /* Sample i is a pure function of (seed, i), so rendering the rows in
     * split order equals rendering all and then splitting. */
    int status = row_split_make(host, "unityeyes samples", (uint64_t)l->n, l->test_size,
                                (uint32_t)l->split_seed, &s);
    if (status != DNNR_OK)
        return status;
    status = render_part(l, s.train, s.n_train, 0);
    if (status == DNNR_OK)
        status = render_part(l, s.test, s.n_test, 1);
    uint64_t n_train = s.n_train;
    if (l->drop_tail > 0)
        n_train = (uint64_t)((double)n_train * (1.0 - l->drop_tail));
    if (status == DNNR_OK && n_train == 0) {
        host->set_error(host->ctx, "n = %" PRId64 ": no training rows left: expected more",
                        l->n);
        status = DNNR_EINVAL;
    }
    if (status == DNNR_OK) {
        dnnr_dataset *d = &l->loaded;
        memset(d, 0, sizeof *d);
        d->struct_size = sizeof *d;
        if (l->append_head) {
            d->rank = 1;
            d->shape[0] = EYES_PIXELS + 2;
        } else {
            d->rank = 3;
            d->shape[0] = EYES_ROWS;
            d->shape[1] = EYES_COLS;
            d->shape[2] = 1;
        }
        d->n_train = n_train;
        d->n_test = s.n_test;
        d->x_train = l->x[0];
        d->x_test = l->x[1];
        d->y_train = l->y[0];
        d->y_test = l->y[1];
        d->target_kind = DNNR_TARGET_REAL;
        d->y_dim = 2;
        d->n_classes = 0;
        d->provenance = l->provenance;
        l->is_loaded = 1;
        *out = *d;
        host->log(host->ctx, DNNR_LOG_INFO,
                  "unityeyes: %" PRIu64 " train and %" PRIu64 " test images (%s)", n_train,
                  s.n_test, l->provenance);
    } else {
        release_data(l);
    }
    row_split_release(host, &s);
    return status;
}

static const dnnr_loader_iface eyes_iface = {
    .struct_size = sizeof(dnnr_loader_iface),
    .create = eyes_create,
    .destroy = eyes_destroy,
    .load = eyes_load,
};

DNNR_PLUGIN_DEFINE(eyes, DNNR_KIND_LOADER, "1.0.0",
                   "Procedural UnityEyes-like gaze data (36x60 eye images, head pose, gaze)",
                   eyes_iface)
