/* Two-input models (`input` with `side`, `concatenate`): the UnityEyes
 * subjects' Concatenate([head_pose, image branch]) on one sample row.
 *
 * The joined rows are checked against single-input networks that must
 * compute the same thing: `input [k] side s; concatenate(side_first =
 * false); dense` on a row is a plain dense layer on that row, and with
 * side_first the same dense layer on the row's side features moved to the
 * front. The two networks draw the same kernel (same shape, same stream),
 * so outputs and kernel gradients must agree exactly. Gradients through
 * the branch before the join are checked by finite differences in
 * test_engine_grad; here: the templates' fields and what Keras would refuse. */
#include "engine_fixture.h"
#include "engine/network.h"

#define TRAIN_MSE "training = { loss = \"mse\"; optimizer = \"sgd\"; batch_size = 4; epochs = 1; };"

typedef struct built {
    fixture_backend fb;
    dnnr__device dev;
    dnnr_model_spec *spec;
    dnnr__net *net;
    char why[512];
    int rc;
} built;

static void build(built *b, const char *model, int64_t in_size)
{
    char text[1024];
    snprintf(text, sizeof text, "model = (%s);\n%s", model, TRAIN_MSE);
    b->spec = fixture_spec(text);
    b->fb = fixture_backend_open();
    dnnr_error err = {{0}};
    ck_assert_msg(dnnr__device_open(&b->dev, b->fb.iface, b->fb.host, 1, &err) == DNNR_OK, "%s",
                  err.msg);
    dnnr__net_params np = {.spec = b->spec, .in_rank = 1, .in_shape = {in_size, 0, 0},
                           .max_batch = 4, .dev = &b->dev, .init_key = 77};
    b->why[0] = 0;
    b->net = NULL;
    b->rc = dnnr__net_create(&np, &b->net, b->why, sizeof b->why, &err);
    ck_assert_msg(b->rc >= 0, "create: %s", err.msg);
}

static void unbuild(built *b)
{
    dnnr__net_destroy(b->net);
    dnnr__device_close(&b->dev);
    fixture_backend_close(&b->fb);
    dnnr__model_spec_destroy(b->spec);
}

/* Forward n rows, backward a fixed output gradient; the outputs and the
 * first parameter's (the kernel's) gradient. */
static void run(built *b, int64_t n, const float *x, float *out, float *kgrad)
{
    dnnr_error err = {{0}};
    ck_assert(dnnr__net_forward(b->net, n, x, 1, 0, &err) == DNNR_OK);
    ck_assert(dnnr__net_output(b->net, n, 0, out, &err) == DNNR_OK);
    int64_t k = dnnr__net_outputs(b->net);
    float grad[64];
    for (int64_t i = 0; i < n * k; i++)
        grad[i] = (float)(0.25 * (double)(i % 7) - 0.6);
    ck_assert(dnnr__net_backward(b->net, n, grad, 0, 1, &err) == DNNR_OK);
    dnnr__param *kp = dnnr__net_param(b->net, 0);
    ck_assert(dnnr__device_download(&b->dev, kgrad, kp->g, 0, sizeof(float) * (size_t)kp->count,
                                    &err) == DNNR_OK);
}

static void compare(int side_first)
{
    enum { N = 4, MAIN = 5, SIDE = 2, ROW = MAIN + SIDE, UNITS = 3 };
    float rows[N * ROW], moved[N * ROW];
    for (int i = 0; i < N * ROW; i++)
        rows[i] = (float)sin(1.3 * i + 0.2);
    /* each row with its side features first: what side_first joins */
    for (int r = 0; r < N; r++) {
        memcpy(moved + r * ROW, rows + r * ROW + MAIN, sizeof(float) * SIDE);
        memcpy(moved + r * ROW + SIDE, rows + r * ROW, sizeof(float) * MAIN);
    }
    char two[256];
    snprintf(two, sizeof two,
             "{ type = \"input\"; shape = [%d]; side = %d; },"
             "{ type = \"concatenate\"; side_first = %s; },"
             "{ type = \"dense\"; units = %d; bias_initializer = \"random_uniform\"; }",
             MAIN, SIDE, side_first ? "true" : "false", UNITS);
    char one[128];
    snprintf(one, sizeof one,
             "{ type = \"dense\"; units = %d; bias_initializer = \"random_uniform\"; }", UNITS);
    built a, b;
    build(&a, two, ROW);
    build(&b, one, ROW);
    ck_assert_msg(a.rc == 0 && b.rc == 0, "%s %s", a.why, b.why);
    ck_assert_int_eq(dnnr__net_input_size(a.net), ROW);
    ck_assert_int_eq(dnnr__net_outputs(a.net), UNITS);
    float out_a[N * UNITS], out_b[N * UNITS], g_a[ROW * UNITS], g_b[ROW * UNITS];
    run(&a, N, rows, out_a, g_a);
    run(&b, N, side_first ? moved : rows, out_b, g_b);
    for (int i = 0; i < N * UNITS; i++)
        ck_assert_msg(out_a[i] == out_b[i], "output %d: %g vs %g", i, out_a[i], out_b[i]);
    for (int i = 0; i < ROW * UNITS; i++)
        ck_assert_msg(g_a[i] == g_b[i], "kernel gradient %d: %g vs %g", i, g_a[i], g_b[i]);
    /* the join must have used the row's side part: it is not symmetric */
    float out_swapped[N * UNITS], g_swapped[ROW * UNITS];
    run(&b, N, side_first ? rows : moved, out_swapped, g_swapped);
    ck_assert(memcmp(out_a, out_swapped, sizeof out_a) != 0);
    unbuild(&a);
    unbuild(&b);
}

START_TEST(joins_like_a_dense_layer_on_the_row)
{
    compare(0);
    compare(1);
}
END_TEST

/* An image branch: the main part of each row is read as an image, and
 * changing only the side features changes only what goes through the join. */
START_TEST(image_branch_and_side_features)
{
    built b;
    build(&b,
          "{ type = \"input\"; shape = [4, 3, 1]; side = 2; },"
          "{ type = \"conv2d\"; filters = 2; kernel_size = [2, 2]; activation = \"relu\"; },"
          "{ type = \"flatten\"; }, { type = \"concatenate\"; },"
          "{ type = \"dense\"; units = 2; kernel_initializer = \"ones\"; }",
          14);
    ck_assert_msg(b.rc == 0, "%s", b.why);
    float x[2 * 14], out[4], out2[4], g[16];
    for (int i = 0; i < 28; i++)
        x[i] = (float)cos(0.9 * i);
    run(&b, 2, x, out, g);
    /* kernel of ones: each output is the sum of the joined row, so adding 1
     * to a side feature adds exactly 1 to both outputs of its row */
    x[12] += 1.0f;
    x[14 + 13] += 1.0f;
    run(&b, 2, x, out2, g);
    for (int i = 0; i < 4; i++)
        ck_assert_double_eq_tol(out2[i], out[i] + 1.0, 1e-5);
    unbuild(&b);
}
END_TEST

/* What Keras would refuse, as invalid trials with a reason. */
START_TEST(invalid_models)
{
    static const struct {
        const char *model;
        int64_t in;
        const char *why;
    } cases[] = {
        {"{ type = \"dense\"; units = 2; }, { type = \"input\"; shape = [3]; }", 3,
         "input must be the model's first layer"},
        {"{ type = \"input\"; shape = [2, 2, 1]; side = 2; }, { type = \"flatten\"; },"
         "{ type = \"dense\"; units = 2; }",
         7, "input does not fit the data: shape 2 x 2 x 1 (4 values) + side 2, but the data set's "
            "samples have 7 values"},
        {"{ type = \"concatenate\"; }, { type = \"dense\"; units = 2; }", 3,
         "concatenate needs a first layer input with side >= 1"},
        {"{ type = \"input\"; shape = [2, 2, 1]; side = 1; }, { type = \"concatenate\"; },"
         "{ type = \"flatten\"; }, { type = \"dense\"; units = 2; }",
         5, "concatenate needs flat activations"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        built b;
        build(&b, cases[i].model, cases[i].in);
        ck_assert_msg(b.rc == 1 && strstr(b.why, cases[i].why), "case %zu: rc %d why '%s'", i,
                      b.rc, b.why);
        unbuild(&b);
    }
}
END_TEST

static void expect_parse_error(const char *model, const char *want)
{
    char text[512];
    snprintf(text, sizeof text, "model = (\n%s);\n%s", model, TRAIN_MSE);
    config_t cfg;
    config_init(&cfg);
    ck_assert(config_read_string(&cfg, text) == CONFIG_TRUE);
    dnnr_model_template *t = NULL;
    dnnr_error err = {{0}};
    int rc = dnnr__model_template_parse(config_lookup(&cfg, "model"),
                                        config_lookup(&cfg, "training"), "eyes.cfg", &t, &err);
    ck_assert_msg(rc == DNNR_EPARSE && strstr(err.msg, want), "rc %d: '%s' lacks '%s'", rc,
                  err.msg, want);
    config_destroy(&cfg);
}

START_TEST(template_fields)
{
    /* a shape as a list or as text */
    dnnr_model_spec *s = fixture_spec("model = ({ type = \"input\"; shape = \"36x60x1\"; side = 2; },"
                                      "{ type = \"flatten\"; }, { type = \"concatenate\"; });" TRAIN_MSE);
    ck_assert_int_eq(s->layers[0].kind, DNNR_LAYER_INPUT);
    ck_assert_int_eq(s->layers[0].shape_rank, 3);
    ck_assert_int_eq(s->layers[0].shape[0], 36);
    ck_assert_int_eq(s->layers[0].shape[1], 60);
    ck_assert_int_eq(s->layers[0].shape[2], 1);
    ck_assert_int_eq(s->layers[0].side, 2);
    ck_assert_int_eq(s->layers[2].kind, DNNR_LAYER_CONCATENATE);
    ck_assert_int_eq(s->layers[2].side_first, 1); /* UnityEyes' order is the default */
    dnnr__model_spec_destroy(s);
    s = fixture_spec("model = ({ type = \"input\"; shape = [12]; });" TRAIN_MSE);
    ck_assert_int_eq(s->layers[0].shape_rank, 1);
    ck_assert_int_eq(s->layers[0].side, 0);
    dnnr__model_spec_destroy(s);

    expect_parse_error("{ type = \"input\"; side = 2; }", "eyes.cfg:2: layer 1 (input): missing required key 'shape'");
    expect_parse_error("{ type = \"input\"; shape = [36, 0, 1]; }", "eyes.cfg:2: layer 1 (input) 'shape': expected a shape");
    expect_parse_error("{ type = \"input\"; shape = [36, 60]; }", "expected a shape [features] or [height, width, channels]");
    expect_parse_error("{ type = \"input\"; shape = \"36x60x1x2\"; }", "expected a shape");
    expect_parse_error("{ type = \"dense\"; units = 2; side = 2; }", "unknown key 'side'");
    expect_parse_error("{ type = \"concatenate\"; side_first = 3.5; }", "'side_first': expected true or false");
    expect_parse_error("{ type = \"concat\"; }", "expected dense, conv2d, max_pooling2d, average_pooling2d, "
                                                  "dropout, flatten, activation, batch_normalization, input or concatenate");
    /* pairs still read as pairs, and only pairs */
    expect_parse_error("{ type = \"conv2d\"; filters = 2; kernel_size = [3]; }", "expected an integer or a pair");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("engine_two_input");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, joins_like_a_dense_layer_on_the_row);
    tcase_add_test(tc, image_branch_and_side_features);
    tcase_add_test(tc, invalid_models);
    tcase_add_test(tc, template_fields);
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
