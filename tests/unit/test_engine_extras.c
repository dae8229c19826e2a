/* A trial's extras (SDK 1.2) in the engine: what Keras would refuse, where
 * batch normalisation goes, a warm start across the insertion, GaussianNoise,
 * the ReduceLROnPlateau schedule and clipped indicator gradients. The
 * numerical agreement of batch norm, momentum and clipping with a reference
 * run is in test_engine_torch.c (mlp_bn). */
#include <stdio.h>
#include <unistd.h>

#include "engine_fixture.h"
#include "engine/extras.h"
#include "engine/network.h"
#include "engine/weights.h"

#define MLP_TEXT(opt)                                                                              \
    "model = ({ type = \"dense\"; units = 6; activation = \"relu\"; },"                            \
    " { type = \"dense\"; units = 5; activation = \"tanh\"; },"                                    \
    " { type = \"dense\"; units = 1; activation = \"sigmoid\"; });"                                \
    "training = { loss = \"binary_crossentropy\"; optimizer = \"" opt "\"; lr = 0.01; "            \
    "batch_size = 16; epochs = 2; };"

static int apply(dnnr_model_spec *spec, dnnr_trial_extras x, char *why)
{
    dnnr_error err = {{0}};
    x.struct_size = sizeof x;
    return dnnr__extras_apply(spec, &x, why, 256, &err);
}

START_TEST(refused_like_keras)
{
    char why[256];
    dnnr_model_spec *spec = fixture_spec(MLP_TEXT("adam"));
    ck_assert_int_eq(apply(spec, (dnnr_trial_extras){.momentum = 0.5}, why), 1);
    ck_assert_msg(strstr(why, "sgd optimiser only, not adam"), "%s", why);
    ck_assert_int_eq(apply(spec, (dnnr_trial_extras){.reduce_lr_factor = 1.0}, why), 1);
    ck_assert_int_eq(apply(spec, (dnnr_trial_extras){.clipvalue = -1}, why), 1);
    ck_assert_int_eq(apply(spec, (dnnr_trial_extras){.gaussian_noise = NAN}, why), 1);
    ck_assert_int_eq(apply(spec, (dnnr_trial_extras){.batchnorm = 2}, why), 1);
    ck_assert_uint_eq(spec->n_layers, 3); /* nothing applied */
    ck_assert(spec->momentum == 0 && spec->clipvalue == 0);
    /* NULL and a zeroed struct change nothing */
    dnnr_error err = {{0}};
    ck_assert_int_eq(dnnr__extras_apply(spec, NULL, why, sizeof why, &err), 0);
    ck_assert_int_eq(apply(spec, (dnnr_trial_extras){0}, why), 0);
    ck_assert_uint_eq(spec->n_layers, 3);
    /* a shorter (older) struct: the members past its size read as 0 */
    dnnr_trial_extras x = {.struct_size = offsetof(dnnr_trial_extras, momentum),
                           .clipvalue = 5, .momentum = 0.5};
    ck_assert_int_eq(dnnr__extras_apply(spec, &x, why, sizeof why, &err), 0);
    ck_assert(spec->clipvalue == 5 && spec->momentum == 0);
    dnnr__model_spec_destroy(spec);
}
END_TEST

START_TEST(batch_norm_after_hidden_layers)
{
    char why[256];
    /* conv, pool, flatten, dense, dropout, dense (output): after the conv and
     * the hidden dense, not after the output; an existing one is not doubled */
    dnnr_model_spec *spec = fixture_spec(
        "model = ({ type = \"conv2d\"; filters = 2; kernel_size = [2, 2]; activation = \"relu\"; },"
        " { type = \"batch_normalization\"; momentum = 0.9; },"
        " { type = \"max_pooling2d\"; pool_size = [2, 2]; }, { type = \"flatten\"; },"
        " { type = \"dense\"; units = 4; activation = \"relu\"; }, { type = \"dropout\"; rate = 0.1; },"
        " { type = \"dense\"; units = 2; activation = \"softmax\"; });"
        "training = { loss = \"categorical_crossentropy\"; optimizer = \"sgd\"; batch_size = 4; "
        "epochs = 1; };");
    ck_assert_int_eq(apply(spec, (dnnr_trial_extras){.batchnorm = DNNR_BN_AFTER_HIDDEN}, why), 0);
    const dnnr_layer_kind want[] = {DNNR_LAYER_CONV2D,  DNNR_LAYER_BATCH_NORM, DNNR_LAYER_MAX_POOL2D,
                                    DNNR_LAYER_FLATTEN, DNNR_LAYER_DENSE,      DNNR_LAYER_BATCH_NORM,
                                    DNNR_LAYER_DROPOUT, DNNR_LAYER_DENSE};
    ck_assert_uint_eq(spec->n_layers, 8);
    for (uint32_t i = 0; i < 8; i++)
        ck_assert_int_eq(spec->layers[i].kind, want[i]);
    ck_assert(!spec->layers[1].inserted && spec->layers[1].momentum == 0.9); /* the template's */
    ck_assert(spec->layers[5].inserted && spec->layers[5].momentum == 0.99);
    ck_assert_double_eq(spec->layers[5].epsilon, 1e-3);
    /* applying again inserts nothing more */
    ck_assert_int_eq(apply(spec, (dnnr_trial_extras){.batchnorm = DNNR_BN_AFTER_HIDDEN}, why), 0);
    ck_assert_uint_eq(spec->n_layers, 8);
    dnnr__model_spec_destroy(spec);
}
END_TEST

static dnnr__net *make_net(const dnnr_model_spec *spec, dnnr__device *dev, uint64_t key)
{
    dnnr__net_params np = {.spec = spec, .in_rank = 1, .in_shape = {128}, .max_batch = 16,
                           .dev = dev, .init_key = key};
    dnnr__net *net;
    char why[256];
    dnnr_error err = {{0}};
    ck_assert_msg(dnnr__net_create(&np, &net, why, sizeof why, &err) == DNNR_OK, "%s %s", why,
                  err.msg);
    return net;
}

static void download(dnnr__device *dev, dnnr__param *p, float *out)
{
    dnnr_error err = {{0}};
    ck_assert(dnnr__device_download(dev, out, p->w, 0, sizeof(float) * (size_t)p->count, &err) ==
              DNNR_OK);
}

/* Keras rebuilds the model around the new layers with the old weights: the
 * dense tensors load in order, the inserted batch norms keep 1, 0, 0, 1. */
START_TEST(warm_start_across_the_insertion)
{
    char path[] = "/tmp/dnnr_extras_XXXXXX", why[256];
    int fd = mkstemp(path);
    ck_assert(fd >= 0);
    close(fd);
    fixture_backend fb = fixture_backend_open();
    dnnr__device dev;
    dnnr_error err = {{0}};
    ck_assert(dnnr__device_open(&dev, fb.iface, fb.host, 1, &err) == DNNR_OK);
    dnnr_model_spec *plain = fixture_spec(MLP_TEXT("sgd"));
    dnnr_model_spec *bn = fixture_spec(MLP_TEXT("sgd"));
    ck_assert_int_eq(apply(bn, (dnnr_trial_extras){.batchnorm = DNNR_BN_AFTER_HIDDEN}, why), 0);
    dnnr__net *a = make_net(plain, &dev, 1), *b = make_net(bn, &dev, 2);
    ck_assert(dnnr__weights_save(a, path, &err) == DNNR_OK);
    ck_assert_msg(dnnr__weights_load(b, path, &err) == DNNR_OK, "%s", err.msg);
    ck_assert_uint_eq(dnnr__net_n_params(a), 6);
    ck_assert_uint_eq(dnnr__net_n_params(b), 14); /* + 2 x (gamma, beta, mean, variance) */
    float wa[1024], wb[1024];
    uint32_t ia = 0, fresh = 0;
    for (uint32_t i = 0; i < dnnr__net_n_params(b); i++) {
        dnnr__param *pb = dnnr__net_param(b, i);
        download(&dev, pb, wb);
        if (bn->layers[pb->spec_layer].inserted) {
            const float expect = (pb->role == 0 || pb->role == 3) ? 1.0f : 0.0f;
            for (int64_t k = 0; k < pb->count; k++)
                ck_assert(wb[k] == expect);
            fresh++;
            continue;
        }
        dnnr__param *pa = dnnr__net_param(a, ia++);
        ck_assert_int_eq(pa->count, pb->count);
        download(&dev, pa, wa);
        ck_assert_mem_eq(wa, wb, sizeof(float) * (size_t)pa->count);
    }
    ck_assert_uint_eq(ia, 6);
    ck_assert_uint_eq(fresh, 8);
    /* the other way (more tensors in the file than the model has) is refused */
    ck_assert(dnnr__weights_save(b, path, &err) == DNNR_OK);
    ck_assert_int_eq(dnnr__weights_load(a, path, &err), DNNR_EPARSE);
    ck_assert_msg(strstr(err.msg, "14 tensors, the model has 6"), "%s", err.msg);
    dnnr__net_destroy(a);
    dnnr__net_destroy(b);
    dnnr__model_spec_destroy(plain);
    dnnr__model_spec_destroy(bn);
    dnnr__device_close(&dev);
    fixture_backend_close(&fb);
    remove(path);
}
END_TEST

START_TEST(gaussian_noise_on_training_inputs)
{
    dnnr_model_spec *spec = fixture_spec(MLP_TEXT("sgd"));
    enum { N = 200000 };
    float *x = calloc(N, sizeof *x), *y = calloc(N, sizeof *y);
    dnnr__extras_noise(spec, 7, 0, x, N); /* stddev 0: nothing added */
    for (int i = 0; i < N; i++)
        ck_assert(x[i] == 0);
    spec->gaussian_noise = 0.1;
    dnnr__extras_noise(spec, 7, 3, x, N);
    double s = 0, s2 = 0;
    for (int i = 0; i < N; i++) {
        s += x[i];
        s2 += (double)x[i] * x[i];
    }
    ck_assert_double_eq_tol(s / N, 0, 0.002);
    ck_assert_double_eq_tol(sqrt(s2 / N), 0.1, 0.002);
    dnnr__extras_noise(spec, 7, 3, y, N); /* the same step: the same draws */
    ck_assert_mem_eq(x, y, sizeof(float) * N);
    memset(y, 0, sizeof(float) * N);
    dnnr__extras_noise(spec, 7, 4, y, N); /* the next step: other draws */
    ck_assert(memcmp(x, y, sizeof(float) * N) != 0);
    free(x);
    free(y);
    dnnr__model_spec_destroy(spec);

    /* a two-input model: the side features (another Input) get no noise */
    spec = fixture_spec("model = ({ type = \"input\"; shape = [3]; side = 2; },"
                        " { type = \"concatenate\"; }, { type = \"dense\"; units = 1; });"
                        "training = { loss = \"mse\"; optimizer = \"sgd\"; batch_size = 4; epochs = 1; };");
    spec->gaussian_noise = 0.5;
    float rows[4 * 5] = {0};
    dnnr__extras_noise(spec, 7, 0, rows, 4 * 5);
    for (int i = 0; i < 4 * 5; i++)
        ck_assert_msg((i % 5 < 3) == (rows[i] != 0), "value %d: %g", i, rows[i]);
    dnnr__model_spec_destroy(spec);
}
END_TEST

/* Keras' ReduceLROnPlateau, step by step: better = below best - 1e-4; after
 * `patience` epochs without, lr = max(lr * factor, min_lr) and the wait
 * restarts; at min_lr nothing changes. */
START_TEST(reduce_lr_on_plateau)
{
    dnnr_model_spec *spec = fixture_spec(MLP_TEXT("sgd"));
    dnnr__plateau p;
    dnnr__plateau_init(&p);
    ck_assert_double_eq(dnnr__plateau_step(&p, spec, 1.0, 0.1), 0.1); /* no schedule */
    spec->reduce_lr_factor = 0.5;
    spec->reduce_lr_patience = 2;
    spec->reduce_lr_min = 0.02;
    dnnr__plateau_init(&p);
    const double loss[] = {1.0, 0.9, 0.89995 /* < 1e-4 better: a wait */, 0.95, 0.8, 0.8, 0.8,
                           0.8, 0.8, 0.8, 0.8};
    const float lr_after[] = {0.1f, 0.1f, 0.1f, 0.05f, 0.05f, 0.05f, 0.025f, 0.025f, 0.02f,
                              0.02f, 0.02f};
    double lr = 0.1;
    for (size_t e = 0; e < sizeof loss / sizeof loss[0]; e++) {
        lr = dnnr__plateau_step(&p, spec, loss[e], lr);
        ck_assert_msg((float)lr == lr_after[e], "epoch %zu: lr %g, expected %g", e, lr,
                      (double)lr_after[e]);
    }
    /* a NaN loss (a diverged epoch) is an epoch without improvement, as in
     * Keras (np.less(NaN, best - min_delta) is false): patience 2 halves the
     * lr after the 2nd and the 4th NaN epoch */
    dnnr__plateau_init(&p);
    lr = dnnr__plateau_step(&p, spec, 1.0, 0.1);
    for (int e = 0; e < 5; e++)
        lr = dnnr__plateau_step(&p, spec, NAN, lr);
    ck_assert_float_eq((float)lr, 0.025f);
    dnnr__model_spec_destroy(spec);
}
END_TEST

/* Whole trainings: the extras reach the engine through the spec; the
 * indicator gradients are clipped like the update's. */
START_TEST(trainings_with_extras)
{
    fixture_data data;
    fixture_d1(&data, 256, 32);
    fixture_backend fb = fixture_backend_open();
    dnnr_train_outcome out[4];
    const dnnr_trial_extras xs[4] = {
        {0},
        {.gaussian_noise = 0.5},
        {.clipvalue = 1e-4},
        {.batchnorm = DNNR_BN_AFTER_HIDDEN, .momentum = 0.9, .reduce_lr_factor = 0.5,
         .reduce_lr_patience = 1, .reduce_lr_min = 0},
    };
    for (int i = 0; i < 4; i++) {
        char why[256] = "";
        dnnr_model_spec *spec = fixture_spec(MLP_TEXT("sgd"));
        ck_assert_int_eq(apply(spec, xs[i], why), 0);
        fixture_job j;
        fixture_job_init(&j, spec, &data, &fb, 11);
        j.job.flags = DNNR_TRIAL_INDICATORS;
        dnnr_error err = {{0}};
        ck_assert_msg(dnnr__engine_train(&j.job, &out[i], &err) == DNNR_OK, "%s", err.msg);
        ck_assert_int_eq(out[i].status, DNNR_TRIAL_OK);
        ck_assert_uint_eq(out[i].n_epochs, 2);
        fixture_job_free(&j);
        dnnr__model_spec_destroy(spec);
    }
    /* noise changes the training (same seed otherwise) */
    ck_assert(out[1].epochs[0]->train_loss != out[0].epochs[0]->train_loss);
    /* clipped probe gradients: |g| <= 1e-4 per entry, the first kernel has 128 x 6 */
    for (uint32_t e = 0; e < 2; e++) {
        ck_assert(out[2].epochs[e]->checked);
        ck_assert_double_le(out[2].epochs[e]->grad_norm_first, 1e-4 * sqrt(128.0 * 6) * 1.0001);
        ck_assert_double_gt(out[0].epochs[e]->grad_norm_first, 1e-4 * sqrt(128.0 * 6));
    }
    /* the per-layer indicator records count dense/conv kernels: batch norm adds none */
    ck_assert_uint_eq(out[3].epochs[0]->n_layers, out[0].epochs[0]->n_layers);
    ck_assert(out[3].epochs[1]->train_loss != out[0].epochs[1]->train_loss);
    for (int i = 0; i < 4; i++)
        dnnr__engine_outcome_free(&out[i]);
    fixture_backend_close(&fb);
    fixture_data_free(&data);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("engine_extras");
    TCase *tc = tcase_create("extras");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, refused_like_keras);
    tcase_add_test(tc, batch_norm_after_hidden_layers);
    tcase_add_test(tc, warm_start_across_the_insertion);
    tcase_add_test(tc, gaussian_noise_on_training_inputs);
    tcase_add_test(tc, reduce_lr_on_plateau);
    tcase_add_test(tc, trainings_with_extras);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
