/* Finite-difference gradient checks through whole networks on the oneDNN
 * backend: every layer kind (dense, conv valid/same/strided, max and average
 * pooling, dropout, batch norm, flatten, two inputs joined by concatenate) and every activation. The loss is
 * computed on the host in double, so float32 noise stays well below the
 * tolerance. */
#include "engine_fixture.h"
#include "engine/keras.h"
#include "engine/network.h"

typedef struct gcase {
    const char *model;
    uint32_t rank;
    int64_t shape[3];
    dnnr_loss loss;
} gcase;

static int g_training = 1; /* forward/backward mode of check_case */

static double net_loss(dnnr__net *net, int64_t n, const float *x, const float *y, uint32_t y_dim,
                       dnnr_loss loss, int fused, float *out, float *grad)
{
    dnnr_error err = {{0}};
    ck_assert_msg(dnnr__net_forward(net, n, x, g_training, 42, &err) == DNNR_OK, "%s", err.msg);
    ck_assert_msg(dnnr__net_output(net, n, fused, out, &err) == DNNR_OK, "%s", err.msg);
    return dnnr__loss_batch(loss, fused, out, y, n, dnnr__net_outputs(net), y_dim, grad);
}

static void check_case(const gcase *c)
{
    char text[2048];
    snprintf(text, sizeof text,
             "model = (%s);\ntraining = { loss = \"%s\"; optimizer = \"sgd\"; batch_size = 3; "
             "epochs = 1; };",
             c->model, dnnr__keras_loss_name(c->loss));
    dnnr_model_spec *spec = fixture_spec(text);
    fixture_backend fb = fixture_backend_open();
    dnnr__device dev;
    dnnr_error err = {{0}};
    ck_assert_msg(dnnr__device_open(&dev, fb.iface, fb.host, 1, &err) == DNNR_OK, "%s", err.msg);
    dnnr__net_params np = {.spec = spec, .in_rank = c->rank, .max_batch = 3, .dev = &dev,
                           .init_key = 1234};
    memcpy(np.in_shape, c->shape, sizeof np.in_shape);
    dnnr__net *net = NULL;
    char why[256] = "";
    int rc = dnnr__net_create(&np, &net, why, sizeof why, &err);
    ck_assert_msg(rc == DNNR_OK, "create (%s): %d %s %s", c->model, rc, why, err.msg);
    const int64_t n = 3, in = dnnr__net_input_size(net), k = dnnr__net_outputs(net);
    float *x = malloc(sizeof(float) * (size_t)(n * in));
    float y[3 * 16], out[3 * 16], grad[3 * 16], scratch[3 * 16];
    dnnr_rng rng;
    dnnr_rng_init(&rng, 99);
    for (int64_t i = 0; i < n * in; i++)
        x[i] = (float)(2 * dnnr_rng_uniform(&rng) - 1);
    for (int64_t i = 0; i < n * k; i++)
        y[i] = (float)dnnr_rng_uniform(&rng);
    int fused = dnnr__loss_fused(c->loss, dnnr__net_last_activation(net));
    net_loss(net, n, x, y, (uint32_t)k, c->loss, fused, out, grad);
    ck_assert(dnnr__net_backward(net, n, grad, fused, g_training, &err) == DNNR_OK);
    const double h = 1e-3;
    for (uint32_t p = 0; p < dnnr__net_n_params(net); p++) {
        dnnr__param *par = dnnr__net_param(net, p);
        if (!par->trainable)
            continue;
        size_t bytes = sizeof(float) * (size_t)par->count;
        float *w = malloc(bytes), *g = malloc(bytes);
        ck_assert(dnnr__device_download(&dev, w, par->w, 0, bytes, &err) == DNNR_OK);
        ck_assert(dnnr__device_download(&dev, g, par->g, 0, bytes, &err) == DNNR_OK);
        int64_t step = par->count > 12 ? par->count / 12 : 1;
        for (int64_t j = 0; j < par->count; j += step) {
            float keep = w[j];
            w[j] = (float)(keep + h);
            dnnr__device_upload(&dev, par->w, 0, w, bytes, &err);
            double up = net_loss(net, n, x, y, (uint32_t)k, c->loss, fused, out, scratch);
            w[j] = (float)(keep - h);
            dnnr__device_upload(&dev, par->w, 0, w, bytes, &err);
            double down = net_loss(net, n, x, y, (uint32_t)k, c->loss, fused, out, scratch);
            w[j] = keep;
            dnnr__device_upload(&dev, par->w, 0, w, bytes, &err);
            double num = (up - down) / (2 * h);
            double tol = 2e-3 + 2e-2 * fabs(num);
            ck_assert_msg(fabs(num - g[j]) <= tol, "%s: param %u[%lld]: analytic %g numeric %g",
                          c->model, p, (long long)j, (double)g[j], num);
        }
        free(w);
        free(g);
    }
    free(x);
    dnnr__net_destroy(net);
    dnnr__device_close(&dev);
    fixture_backend_close(&fb);
    dnnr__model_spec_destroy(spec);
}

static const char *const activations[] = {"linear", "relu", "elu", "selu", "softplus",
                                          "softsign", "tanh", "sigmoid", "hard_sigmoid",
                                          "exponential", "softmax"};

START_TEST(every_activation)
{
    char model[512];
    snprintf(model, sizeof model,
             "{ type = \"dense\"; units = 5; activation = \"%s\"; kernel_initializer = \"he_normal\"; "
             "bias_initializer = \"random_normal\"; }, { type = \"dense\"; units = 3; }",
             activations[_i]);
    gcase c = {model, 1, {4, 0, 0}, DNNR_LOSS_MSE};
    check_case(&c);
}
END_TEST

/* convolutions carry their activation inside (fused) or as a separate node */
START_TEST(conv_activations)
{
    static const char *const acts[] = {"relu", "elu", "tanh", "sigmoid", "exponential", "selu",
                                       "softplus", "hard_sigmoid"};
    char model[512];
    snprintf(model, sizeof model,
             "{ type = \"conv2d\"; filters = 3; kernel_size = [2, 2]; activation = \"%s\"; "
             "bias_initializer = \"random_normal\"; }, { type = \"flatten\"; }, { type = \"dense\"; units = 2; }",
             acts[_i]);
    gcase c = {model, 3, {4, 4, 2}, DNNR_LOSS_MSE};
    check_case(&c);
}
END_TEST

START_TEST(layers)
{
    static const gcase cases[] = {
        {"{ type = \"conv2d\"; filters = 3; kernel_size = [3, 3]; activation = \"tanh\"; },"
         "{ type = \"flatten\"; }, { type = \"dense\"; units = 2; }",
         3, {5, 5, 2}, DNNR_LOSS_MSE},
        {"{ type = \"conv2d\"; filters = 2; kernel_size = [3, 2]; strides = [2, 1]; padding = \"same\"; },"
         "{ type = \"flatten\"; }, { type = \"dense\"; units = 2; }",
         3, {5, 4, 3}, DNNR_LOSS_MSE},
        {"{ type = \"conv2d\"; filters = 3; kernel_size = [2, 2]; },"
         "{ type = \"max_pooling2d\"; pool_size = [2, 2]; }, { type = \"flatten\"; },"
         "{ type = \"dense\"; units = 2; }",
         3, {5, 5, 1}, DNNR_LOSS_MSE},
        {"{ type = \"average_pooling2d\"; pool_size = [2, 2]; padding = \"same\"; },"
         "{ type = \"conv2d\"; filters = 2; kernel_size = [2, 2]; }, { type = \"flatten\"; },"
         "{ type = \"dense\"; units = 2; }",
         3, {5, 5, 2}, DNNR_LOSS_MSE},
        {"{ type = \"dense\"; units = 6; activation = \"relu\"; }, { type = \"dropout\"; rate = 0.3; },"
         "{ type = \"dense\"; units = 2; }",
         1, {4, 0, 0}, DNNR_LOSS_MSE},
        {"{ type = \"dense\"; units = 5; }, { type = \"batch_normalization\"; },"
         "{ type = \"activation\"; activation = \"tanh\"; }, { type = \"dense\"; units = 2; }",
         1, {4, 0, 0}, DNNR_LOSS_MSE},
        {"{ type = \"conv2d\"; filters = 2; kernel_size = [2, 2]; }, { type = \"batch_normalization\"; },"
         "{ type = \"flatten\"; }, { type = \"dense\"; units = 2; }",
         3, {3, 3, 1}, DNNR_LOSS_MSE},
        {"{ type = \"dense\"; units = 4; activation = \"relu\"; }, { type = \"dense\"; units = 3; activation = \"softmax\"; }",
         1, {5, 0, 0}, DNNR_LOSS_CATEGORICAL_CE},
        {"{ type = \"dense\"; units = 4; }, { type = \"dense\"; units = 3; activation = \"sigmoid\"; }",
         1, {5, 0, 0}, DNNR_LOSS_BINARY_CE},
        {"{ type = \"dense\"; units = 4; use_bias = false; }, { type = \"dense\"; units = 3; activation = \"softplus\"; }",
         1, {5, 0, 0}, DNNR_LOSS_POISSON},
        /* two inputs: an image branch joined with the side features (UnityEyes) */
        {"{ type = \"input\"; shape = [3, 3, 1]; side = 2; },"
         "{ type = \"conv2d\"; filters = 2; kernel_size = [2, 2]; activation = \"tanh\"; },"
         "{ type = \"flatten\"; }, { type = \"dense\"; units = 3; activation = \"sigmoid\"; },"
         "{ type = \"concatenate\"; }, { type = \"dense\"; units = 2; }",
         1, {11, 0, 0}, DNNR_LOSS_MSE},
        {"{ type = \"input\"; shape = [4]; side = 3; }, { type = \"dense\"; units = 3; activation = \"tanh\"; },"
         "{ type = \"concatenate\"; side_first = false; }, { type = \"dense\"; units = 2; }",
         1, {7, 0, 0}, DNNR_LOSS_MSE},
    };
    check_case(&cases[_i]);
}
END_TEST

/* Keras' moving statistics after one training step, then inference with them. */
static void check_batch_norm(int image)
{
    dnnr_model_spec *spec = fixture_spec(
        "model = ({ type = \"batch_normalization\"; momentum = 0.9; epsilon = 0.001; },"
        " { type = \"flatten\"; });"
        "training = { loss = \"mse\"; optimizer = \"sgd\"; batch_size = 4; epochs = 1; };");
    fixture_backend fb = fixture_backend_open();
    dnnr__device dev;
    dnnr_error err = {{0}};
    ck_assert(dnnr__device_open(&dev, fb.iface, fb.host, 1, &err) == DNNR_OK);
    dnnr__net_params np = {.spec = spec, .in_rank = image ? 3 : 1, .max_batch = 4, .dev = &dev,
                           .init_key = 1};
    if (image) {
        np.in_shape[0] = 2;
        np.in_shape[1] = 1;
        np.in_shape[2] = 2;
    } else {
        np.in_shape[0] = 2;
    }
    dnnr__net *net;
    char why[128];
    ck_assert_msg(dnnr__net_create(&np, &net, why, sizeof why, &err) == DNNR_OK, "%s", why);
    const int64_t n = image ? 2 : 4, c = 2, rows = image ? 4 : 4; /* 4 values per channel */
    float x[8] = {1, 10, 2, 20, 3, 30, 6, 40};
    ck_assert(dnnr__net_forward(net, n, x, 1, 0, &err) == DNNR_OK);
    float mm[2], mv[2];
    dnnr__device_download(&dev, mm, dnnr__net_param(net, 2)->w, 0, sizeof mm, &err);
    dnnr__device_download(&dev, mv, dnnr__net_param(net, 3)->w, 0, sizeof mv, &err);
    for (int64_t ch = 0; ch < c; ch++) {
        double mean = 0, var = 0;
        for (int64_t r = 0; r < rows; r++)
            mean += x[r * c + ch] / (double)rows;
        for (int64_t r = 0; r < rows; r++)
            var += (x[r * c + ch] - mean) * (x[r * c + ch] - mean) / (double)rows;
        if (image)
            var *= (double)rows / (double)(rows - 1); /* TF's fused kernel */
        ck_assert_double_eq_tol(mm[ch], 0.1 * mean, 1e-5);
        ck_assert_double_eq_tol(mv[ch], 0.9 + 0.1 * var, 1e-4);
    }
    float out[8];
    ck_assert(dnnr__net_forward(net, n, x, 0, 0, &err) == DNNR_OK);
    ck_assert(dnnr__net_output(net, n, 0, out, &err) == DNNR_OK);
    for (int64_t i = 0; i < 8; i++)
        ck_assert_double_eq_tol(out[i], (x[i] - mm[i % 2]) / sqrt(mv[i % 2] + 0.001), 1e-4);
    dnnr__net_destroy(net);
    dnnr__device_close(&dev);
    fixture_backend_close(&fb);
    dnnr__model_spec_destroy(spec);
}

START_TEST(inference_mode_gradients)
{
    /* the indicators' probe: dropout off, batch norm on its moving statistics */
    static const gcase cases[] = {
        {"{ type = \"dense\"; units = 5; }, { type = \"batch_normalization\"; },"
         "{ type = \"activation\"; activation = \"tanh\"; }, { type = \"dense\"; units = 2; }",
         1, {4, 0, 0}, DNNR_LOSS_MSE},
        {"{ type = \"dense\"; units = 6; activation = \"relu\"; }, { type = \"dropout\"; rate = 0.5; },"
         "{ type = \"dense\"; units = 2; }",
         1, {4, 0, 0}, DNNR_LOSS_MSE},
    };
    g_training = 0;
    check_case(&cases[_i]);
    g_training = 1;
}
END_TEST

START_TEST(batch_norm_moving_statistics)
{
    check_batch_norm(0);
    check_batch_norm(1);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("engine_grad");
    TCase *tc = tcase_create("grad");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, every_activation, 0, 11);
    tcase_add_loop_test(tc, layers, 0, 12);
    tcase_add_loop_test(tc, conv_activations, 0, 8);
    tcase_add_test(tc, batch_norm_moving_statistics);
    tcase_add_loop_test(tc, inference_mode_gradients, 0, 2);
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
