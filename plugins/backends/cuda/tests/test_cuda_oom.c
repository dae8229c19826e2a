/* A deliberately oversized training on the cuda backend fails as one trial
 * with a clear message, and the next trial in the same process trains: 24
 * convolutions of 512 filters on 2,048 images of 32x32 in one batch want
 * about 200 GiB of activations, beyond any single GPU, so a device
 * allocation fails; the engine returns the backend's "GPU out of memory"
 * text and a crashed outcome, and the worker carries on.
 *
 * Exits 0 when both hold, 1 otherwise, 77 (skip) without a GPU. */
#include <libconfig.h>
#include <string.h>

#include "engine/engine.h"
#include "engine/template.h"
#include "gpu_harness.h"

static dnnr_model_spec *spec_from(const char *text)
{
    config_t cfg;
    config_init(&cfg);
    dnnr_model_spec *spec = NULL;
    dnnr_model_template *t = NULL;
    dnnr_error err = {{0}};
    if (config_read_string(&cfg, text) != CONFIG_TRUE) {
        printf("config line %d: %s\n", config_error_line(&cfg), config_error_text(&cfg));
    } else if (dnnr__model_template_parse(config_lookup(&cfg, "model"),
                                          config_lookup(&cfg, "training"), "test.cfg", &t,
                                          &err) != DNNR_OK ||
               dnnr__model_resolve(t, NULL, NULL, &spec, &err) != DNNR_OK) {
        printf("model: %s\n", err.msg);
        spec = NULL;
    }
    dnnr__model_template_destroy(t);
    config_destroy(&cfg);
    return spec;
}

/* n images of side x side x 1, labels 0..9 */
static dnnr_dataset images(uint64_t n, uint32_t side, float **x, float **y)
{
    dnnr_dataset d;
    memset(&d, 0, sizeof d);
    d.struct_size = sizeof d;
    d.rank = 3;
    d.shape[0] = side;
    d.shape[1] = side;
    d.shape[2] = 1;
    d.n_train = n;
    d.n_test = 16;
    d.y_dim = 1;
    d.target_kind = DNNR_TARGET_CLASS_INDEX;
    d.n_classes = 10;
    size_t px = (size_t)side * side;
    *x = calloc(n * px + 16 * px, sizeof(float));
    *y = calloc(n + 16, sizeof(float));
    for (uint64_t i = 0; i < n + 16; i++) {
        (*y)[i] = (float)(i % 10);
        for (size_t j = 0; j < px; j++)
            (*x)[i * px + j] = (float)((i * 7 + j) % 13) / 13.0f;
    }
    d.x_train = *x;
    d.y_train = *y;
    d.x_test = *x + n * px;
    d.y_test = *y + n;
    d.provenance = "test";
    return d;
}

static int train(const char *text, uint64_t n, uint32_t side, dnnr_train_outcome *o,
                 dnnr_error *err)
{
    dnnr_model_spec *spec = spec_from(text);
    if (!spec)
        return -100;
    float *x, *y;
    dnnr_dataset d = images(n, side, &x, &y);
    uint64_t rows[16];
    for (int i = 0; i < 16; i++)
        rows[i] = (uint64_t)i;
    dnnr_row_set eval = {rows, 16};
    dnnr_host *host = dnnr__host_create_simple("cuda", 1, NULL, err);
    dnnr_train_job job = {.spec = spec, .data = &d, .evals = &eval, .n_evals = 1,
                          .backend = dnnr_plugin_cuda_entry()->iface, .backend_host = host,
                          .threads = 0, .seed = 1};
    memset(o, 0, sizeof *o);
    int rc = host ? dnnr__engine_train(&job, o, err) : -100;
    dnnr__host_destroy(host);
    dnnr__model_spec_destroy(spec);
    free(x);
    free(y);
    return rc;
}

#define CONV "{ type = \"conv2d\"; filters = 512; kernel_size = [3, 3]; padding = \"same\"; " \
             "activation = \"relu\"; },\n"
#define CONV4 CONV CONV CONV CONV

int main(void)
{
    gpu_require("test_cuda_oom");
    const char *huge =
        "model = (\n" CONV4 CONV4 CONV4 CONV4 CONV4 CONV4
        "{ type = \"flatten\"; },\n"
        "{ type = \"dense\"; units = 10; activation = \"softmax\"; }\n);\n"
        "training = { loss = \"sparse_categorical_crossentropy\"; optimizer = \"sgd\"; "
        "lr = 0.01; batch_size = 2048; epochs = 1; };";
    const char *small =
        "model = (\n"
        "{ type = \"conv2d\"; filters = 8; kernel_size = [3, 3]; activation = \"relu\"; },\n"
        "{ type = \"flatten\"; },\n"
        "{ type = \"dense\"; units = 10; activation = \"softmax\"; }\n);\n"
        "training = { loss = \"sparse_categorical_crossentropy\"; optimizer = \"adam\"; "
        "lr = 0.001; batch_size = 64; epochs = 2; };";
    int failed = 0;
    dnnr_train_outcome o;
    dnnr_error err = {{0}};
    int rc = train(huge, 2048, 32, &o, &err);
    const char *msg = rc ? err.msg : o.message;
    int clear = strstr(msg, "out of memory") != NULL;
    if (rc == -100 || o.status == DNNR_TRIAL_OK || !clear) {
        printf("FAIL oversized batch: rc %d, status %d, message \"%s\" (expected a failed trial "
               "saying \"out of memory\")\n", rc, (int)o.status, msg);
        failed++;
    } else {
        printf("ok   oversized batch fails one trial (status %d): %s\n", (int)o.status, msg);
    }
    dnnr__engine_outcome_free(&o);
    memset(&err, 0, sizeof err);
    rc = train(small, 512, 16, &o, &err);
    if (rc || o.status != DNNR_TRIAL_OK) {
        printf("FAIL the next trial in the same process: %s\n", rc ? err.msg : o.message);
        failed++;
    } else {
        printf("ok   the next trial in the same process trains (accuracy %.3f, %.2f s)\n",
               o.eval[0].accuracy, o.seconds);
    }
    dnnr__engine_outcome_free(&o);
    return failed ? 1 : 0;
}
