/* Model templates: parsing with file:line errors, checks against a space,
 * resolution of "$name" fields (categorical, integer, float), repeats and
 * Keras defaults. */
#include <check.h>
#include <libconfig.h>
#include <stdlib.h>
#include <string.h>

#include "engine/keras.h"
#include "engine/template.h"
#include "space/space.h"
#include "util/alloc.h"

static const char *d1_text =
    "model = (\n"                                                                       /* 1 */
    "  { type = \"dense\"; units = 50; kernel_initializer = \"$ki1\"; bias_initializer = \"$bi1\"; },\n"
    "  { type = \"activation\"; activation = \"$act1\"; },\n"                           /* 3 */
    "  { type = \"dropout\"; rate = 0.2; },\n"                                          /* 4 */
    "  { type = \"dense\"; units = \"$unit2\"; repeat = \"$layer2\"; kernel_regularizer = \"l1\"; },\n"
    "  { type = \"conv2d\"; filters = 4; kernel_size = \"$ks\"; padding = \"same\"; },\n" /* 6 */
    "  { type = \"max_pooling2d\"; pool_size = [3, 2]; },\n"                            /* 7 */
    "  { type = \"flatten\"; }\n"                                                       /* 8 */
    ");\n"
    "training = { loss = \"$loss\"; optimizer = \"$optimizer\"; lr = \"$lr\";\n"        /* 10 */
    "  batch_size = \"$batch_size\"; epochs = \"$epochs\"; validation_split = 0.1; shuffle = false; };\n";

typedef struct parsed {
    config_t cfg;
    dnnr_model_template *t;
    int rc;
    dnnr_error err;
} parsed;

static void parse(parsed *p, const char *text)
{
    config_init(&p->cfg);
    ck_assert_msg(config_read_string(&p->cfg, text) == CONFIG_TRUE, "%s", config_error_text(&p->cfg));
    memset(&p->err, 0, sizeof p->err);
    p->t = NULL;
    p->rc = dnnr__model_template_parse(config_lookup(&p->cfg, "model"),
                                       config_lookup(&p->cfg, "training"), "d1.cfg", &p->t, &p->err);
}

static void parsed_free(parsed *p)
{
    dnnr__model_template_destroy(p->t);
    config_destroy(&p->cfg);
}

static dnnr_space *d1_space(void)
{
    static const char *const inits[] = {"zeros", "glorot_uniform", "orthogonal"};
    static const char *const acts[] = {"relu", "softmax", "None"};
    static const char *const losses[] = {"binary_crossentropy", "mse"};
    static const char *const opts[] = {"rmsprop", "adam"};
    static const char *const batches[] = {"16", "32"};
    static const char *const units[] = {"25", "50", "100"};
    dnnr_space *s = dnnr__space_create();
    ck_assert(dnnr__space_add_categorical(s, "ki1", inits, 3, 1) == 0);
    ck_assert(dnnr__space_add_categorical(s, "bi1", inits, 3, 0) == 0);
    ck_assert(dnnr__space_add_categorical(s, "act1", acts, 3, 0) == 0);
    ck_assert(dnnr__space_add_categorical(s, "unit2", units, 3, 1) == 0);
    ck_assert(dnnr__space_add_int(s, "layer2", 0, 2, 0, 1) == 0);
    ck_assert(dnnr__space_add_int(s, "ks", 1, 3, 0, 3) == 0);
    ck_assert(dnnr__space_add_categorical(s, "loss", losses, 2, 0) == 0);
    ck_assert(dnnr__space_add_categorical(s, "optimizer", opts, 2, 0) == 0);
    ck_assert(dnnr__space_add_float(s, "lr", 1e-6, 10, 0, 0.001) == 0);
    ck_assert(dnnr__space_add_categorical(s, "batch_size", batches, 2, 1) == 0);
    ck_assert(dnnr__space_add_int(s, "epochs", 1, 2, 0, 1) == 0);
    return s;
}

START_TEST(resolve_d1)
{
    parsed p;
    parse(&p, d1_text);
    ck_assert_msg(p.rc == DNNR_OK, "%s", p.err.msg);
    dnnr_space *space = d1_space();
    ck_assert_msg(dnnr__model_template_check(p.t, space, &p.err) == DNNR_OK, "%s", p.err.msg);
    dnnr_value config[11];
    dnnr__space_defaults(space, config);
    config[2].i = 1;  /* act1 = softmax */
    config[3].i = 2;  /* unit2 = "100" */
    config[4].i = 2;  /* layer2 = 2 copies */
    config[5].i = 2;  /* ks = 2 -> [2, 2] */
    config[8].f = 0.25;
    dnnr_model_spec *spec = NULL;
    ck_assert_msg(dnnr__model_resolve(p.t, space, config, &spec, &p.err) == DNNR_OK, "%s", p.err.msg);
    ck_assert_uint_eq(spec->n_layers, 8); /* the repeated dense twice */
    ck_assert_int_eq(spec->layers[0].kind, DNNR_LAYER_DENSE);
    ck_assert_int_eq(spec->layers[0].units, 50);
    ck_assert_int_eq(spec->layers[0].kernel_init, DNNR_INIT_GLOROT_UNIFORM);
    ck_assert_int_eq(spec->layers[0].bias_init, DNNR_INIT_ZEROS);
    ck_assert_int_eq(spec->layers[0].activation, DNNR_ACT_LINEAR); /* Keras default */
    ck_assert_uint_eq(spec->layers[0].source_line, 2);
    ck_assert_int_eq(spec->layers[1].activation, DNNR_ACT_SOFTMAX);
    ck_assert_double_eq(spec->layers[2].rate, 0.2);
    for (int r = 3; r <= 4; r++) {
        ck_assert_int_eq(spec->layers[r].units, 100);
        ck_assert_int_eq(spec->layers[r].kernel_reg, DNNR_REG_L1);
    }
    ck_assert_int_eq(spec->layers[5].kind, DNNR_LAYER_CONV2D);
    ck_assert(spec->layers[5].kernel[0] == 2 && spec->layers[5].kernel[1] == 2);
    ck_assert(spec->layers[5].strides[0] == 1 && spec->layers[5].same_padding == 1);
    ck_assert(spec->layers[6].kernel[0] == 3 && spec->layers[6].strides[0] == 3 &&
              spec->layers[6].strides[1] == 2 && spec->layers[6].same_padding == 0);
    ck_assert_int_eq(spec->loss, DNNR_LOSS_BINARY_CE);
    ck_assert_int_eq(spec->optimizer, DNNR_UPDATE_RMSPROP);
    ck_assert_double_eq(spec->lr, 0.25);
    ck_assert_int_eq(spec->batch_size, 32);
    ck_assert_int_eq(spec->epochs, 1);
    ck_assert_double_eq(spec->validation_split, 0.1);
    ck_assert_int_eq(spec->shuffle, 0);
    dnnr__model_spec_destroy(spec);
    /* layer2 = 0 removes the repeated layer */
    config[4].i = 0;
    ck_assert(dnnr__model_resolve(p.t, space, config, &spec, &p.err) == DNNR_OK);
    ck_assert_uint_eq(spec->n_layers, 6);
    dnnr__model_spec_destroy(spec);
    dnnr__space_destroy(space);
    parsed_free(&p);
}
END_TEST

static void expect_parse_error(const char *text, const char *needle)
{
    parsed p;
    parse(&p, text);
    ck_assert_msg(p.rc != DNNR_OK, "accepted: %s", text);
    ck_assert_msg(strstr(p.err.msg, needle) != NULL, "'%s' lacks '%s'", p.err.msg, needle);
    ck_assert(p.t == NULL);
    parsed_free(&p);
}

#define TRAIN "training = { loss = \"mse\"; optimizer = \"sgd\"; batch_size = 8; epochs = 1; };"

START_TEST(parse_errors)
{
    expect_parse_error("model = ({ type = \"dense\"; unit = 5; });" TRAIN,
                       "d1.cfg:1: layer 1 (dense): unknown key 'unit'");
    expect_parse_error("model = (\n{ type = \"dense\"; units = 5; },\n{ type = \"dens\"; });" TRAIN,
                       "d1.cfg:3: model entry 2: unknown layer type 'dens'");
    expect_parse_error("model = ({ type = \"dense\"; units = \"five\"; });" TRAIN, "expected an integer");
    expect_parse_error("model = ({ type = \"dense\"; units = 5; activation = \"rectifier\"; });" TRAIN,
                       "'activation': expected one of:");
    expect_parse_error("model = ({ type = \"dense\"; });" TRAIN, "missing required key 'units'");
    expect_parse_error("model = ({ type = \"conv2d\"; filters = 2; kernel_size = [1, 2, 3]; });" TRAIN,
                       "'kernel_size': expected an integer or a pair");
    expect_parse_error("model = ({ type = \"dropout\"; rate = 0.5; units = 3; });" TRAIN,
                       "unknown key 'units'");
    expect_parse_error("model = ({ type = \"dense\"; units = 5; });\n"
                       "training = { loss = \"mse\"; optimiser = \"sgd\"; batch_size = 8; epochs = 1; };",
                       "d1.cfg:2: training: unknown key 'optimiser'");
    expect_parse_error("model = ({ type = \"dense\"; units = 5; });\n"
                       "training = { loss = \"msee\"; optimizer = \"sgd\"; batch_size = 8; epochs = 1; };",
                       "'loss': expected one of:");
    expect_parse_error("model = ({ type = \"dense\"; units = 5; });\n"
                       "training = { loss = \"mse\"; optimizer = \"sgd\"; epochs = 1; };",
                       "missing required key 'batch_size'");
    expect_parse_error("model = ({ type = \"dense\"; units = \"$\"; });" TRAIN, "empty parameter name");
    expect_parse_error("model = ();" TRAIN, "no layers");
}
END_TEST

START_TEST(check_errors)
{
    dnnr_space *space = d1_space();
    parsed p;
    /* a reference to a missing parameter */
    parse(&p, "model = (\n{ type = \"dense\"; units = \"$units9\"; });" TRAIN);
    ck_assert(p.rc == DNNR_OK);
    ck_assert(dnnr__model_template_check(p.t, space, &p.err) != DNNR_OK);
    ck_assert_msg(strstr(p.err.msg, "d1.cfg:2") && strstr(p.err.msg, "$units9"), "%s", p.err.msg);
    parsed_free(&p);
    /* a categorical whose choices are not activations */
    parse(&p, "model = ({ type = \"dense\"; units = 3; activation = \"$loss\"; });" TRAIN);
    ck_assert(dnnr__model_template_check(p.t, space, &p.err) != DNNR_OK);
    ck_assert_msg(strstr(p.err.msg, "choice 'binary_crossentropy' is not valid"), "%s", p.err.msg);
    parsed_free(&p);
    /* a float parameter feeding an integer field */
    parse(&p, "model = ({ type = \"dense\"; units = \"$lr\"; });" TRAIN);
    ck_assert(dnnr__model_template_check(p.t, space, &p.err) != DNNR_OK);
    ck_assert_msg(strstr(p.err.msg, "expected an integer"), "%s", p.err.msg);
    parsed_free(&p);
    dnnr__space_destroy(space);
}
END_TEST

START_TEST(defaults)
{
    parsed p;
    parse(&p, "model = ({ type = \"dense\"; units = 5; }, { type = \"average_pooling2d\"; });"
              "training = { loss = \"mse\"; optimizer = \"sgd\"; batch_size = 8; epochs = 3; };");
    ck_assert(p.rc == DNNR_OK);
    dnnr_model_spec *spec;
    ck_assert(dnnr__model_resolve(p.t, NULL, NULL, &spec, &p.err) == DNNR_OK);
    ck_assert_int_eq(spec->layers[0].kernel_init, DNNR_INIT_GLOROT_UNIFORM);
    ck_assert_int_eq(spec->layers[0].bias_init, DNNR_INIT_ZEROS);
    ck_assert_int_eq(spec->layers[0].use_bias, 1);
    ck_assert_int_eq(spec->layers[0].kernel_reg, DNNR_REG_NONE);
    ck_assert(spec->layers[1].kernel[0] == 2 && spec->layers[1].strides[1] == 2);
    ck_assert_double_eq(spec->lr, 0.01); /* Keras SGD default */
    ck_assert_int_eq(spec->shuffle, 1);
    ck_assert_double_eq(spec->validation_split, 0.0);
    dnnr__model_spec_destroy(spec);
    parsed_free(&p);
}
END_TEST

START_TEST(out_of_memory)
{
    /* every allocation failure is reported as DNNR_ENOMEM and leaks nothing */
    dnnr_space *space = d1_space();
    dnnr_value config[11];
    dnnr__space_defaults(space, config);
    int n, rc = DNNR_ENOMEM;
    for (n = 0; rc == DNNR_ENOMEM && n < 1000; n++) {
        parsed p;
        dnnr__alloc_fault(n, 1);
        parse(&p, d1_text);
        rc = p.rc;
        dnnr_model_spec *spec = NULL;
        if (rc == DNNR_OK)
            rc = dnnr__model_resolve(p.t, space, config, &spec, &p.err);
        dnnr__alloc_fault(-1, 0);
        ck_assert_msg(rc == DNNR_OK || rc == DNNR_ENOMEM, "rc %d at %d: %s", rc, n, p.err.msg);
        ck_assert(rc != DNNR_OK || spec != NULL);
        dnnr__model_spec_destroy(spec);
        parsed_free(&p);
    }
    ck_assert_int_eq(rc, DNNR_OK);
    ck_assert(n > 3);
    dnnr__space_destroy(space);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("engine_template");
    TCase *tc = tcase_create("template");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, resolve_d1);
    tcase_add_test(tc, parse_errors);
    tcase_add_test(tc, check_errors);
    tcase_add_test(tc, defaults);
    tcase_add_test(tc, out_of_memory);
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
