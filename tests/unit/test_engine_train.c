/* The training engine end to end on the oneDNN backend: convergence,
 * Keras' behaviour on D1's faulty model, invalid and diverged trials,
 * determinism, warm starts and weights files, indicators, the monitor. */
#include <stdio.h>
#include <unistd.h>

#include "engine_fixture.h"

#define D1_MODEL(act3, ki, extra)                                                              \
    "model = (\n"                                                                              \
    " { type = \"dense\"; units = 50; kernel_initializer = \"" ki "\"; },\n"                   \
    " { type = \"activation\"; activation = \"relu\"; },\n"                                    \
    " { type = \"dropout\"; rate = 0.2; },\n"                                                  \
    " { type = \"dense\"; units = 50; },\n"                                                    \
    " { type = \"activation\"; activation = \"relu\"; },\n"                                    \
    " { type = \"dropout\"; rate = 0.2; },\n"                                                  \
    " { type = \"dense\"; units = 1; },\n"                                                     \
    " { type = \"activation\"; activation = \"" act3 "\"; }\n"                                 \
    ");\n" extra

static const char *d1_training =
    "training = { loss = \"binary_crossentropy\"; optimizer = \"rmsprop\"; lr = 0.001; "
    "batch_size = 32; epochs = 1; };";

static dnnr_train_outcome run_text(const char *text, const fixture_data *data, uint64_t seed,
                                   uint32_t flags, int *rc_out)
{
    fixture_backend fb = fixture_backend_open();
    dnnr_model_spec *spec = fixture_spec(text);
    fixture_job j;
    fixture_job_init(&j, spec, data, &fb, seed);
    j.job.flags = flags;
    dnnr_train_outcome out;
    dnnr_error err = {{0}};
    int rc = dnnr__engine_train(&j.job, &out, &err);
    if (rc_out)
        *rc_out = rc;
    else
        ck_assert_msg(rc == DNNR_OK, "train: %s", err.msg);
    fixture_job_free(&j);
    dnnr__model_spec_destroy(spec);
    fixture_backend_close(&fb);
    return out;
}

static char *concat(const char *a, const char *b)
{
    char *s = malloc(strlen(a) + strlen(b) + 1);
    strcpy(s, a);
    strcat(s, b);
    return s;
}

START_TEST(d1_fix_converges)
{
    fixture_data data;
    fixture_d1(&data, 4000, 200);
    char *text = concat(D1_MODEL("sigmoid", "glorot_uniform", ""), d1_training);
    dnnr_train_outcome out = run_text(text, &data, 7, 0, NULL);
    ck_assert_int_eq(out.status, DNNR_TRIAL_OK);
    ck_assert_int_eq(out.accuracy_kind, DNNR_ACC_BINARY);
    ck_assert_uint_eq(out.n_epochs, 1);
    ck_assert_double_eq_tol(out.eval[0].accuracy, 1.0, 1e-12);
    ck_assert_msg(out.eval[0].loss < 0.35 /* ln 2 = 0.69 is chance */, "eval loss %g train loss %g", out.eval[0].loss, out.epochs[0]->train_loss);
    ck_assert(out.epochs[0]->train_loss < 0.5);
    ck_assert(out.cost_units > 0 && out.seconds >= 0);
    /* 128*50 + 50*50 + 50*1 multiply-adds, x2 */
    ck_assert_double_eq_tol(out.flops_per_sample, 2.0 * (128 * 50 + 50 * 50 + 50), 1e-9);
    dnnr__engine_outcome_free(&out);
    free(text);
    fixture_data_free(&data);
}
END_TEST

START_TEST(d1_faulty_softmax_predicts_one_class)
{
    fixture_data data;
    fixture_d1(&data, 2000, 200);
    char *text = concat(D1_MODEL("softmax", "glorot_uniform", ""), d1_training);
    dnnr_train_outcome out = run_text(text, &data, 7, 0, NULL);
    ck_assert_int_eq(out.status, DNNR_TRIAL_OK);
    /* softmax over one unit is always 1: every row is predicted True */
    ck_assert_double_eq_tol(out.eval[0].accuracy, 0.5, 1e-12);
    /* Keras clips 1.0 to 1-1e-7: the False rows cost -log(1e-7 + 1e-7) */
    ck_assert_double_eq_tol(out.eval[0].loss, 0.5 * -log(2e-7), 1e-3);
    dnnr__engine_outcome_free(&out);
    free(text);
    fixture_data_free(&data);
}
END_TEST

static void expect_invalid(const char *text, const fixture_data *data, const char *needle)
{
    dnnr_train_outcome out = run_text(text, data, 1, 0, NULL);
    ck_assert_int_eq(out.status, DNNR_TRIAL_INVALID);
    ck_assert_msg(strstr(out.message, needle) != NULL, "message '%s' lacks '%s'", out.message,
                  needle);
    ck_assert(isnan(out.eval[0].accuracy));
    dnnr__engine_outcome_free(&out);
}

START_TEST(invalid_configurations)
{
    fixture_data data;
    fixture_d1(&data, 64, 16);
    expect_invalid("model = ({ type = \"dense\"; units = 0; }, { type = \"dense\"; units = 1; });"
                   "training = { loss = \"mse\"; optimizer = \"sgd\"; batch_size = 8; epochs = 1; };",
                   &data, "units >= 1");
    expect_invalid("model = ({ type = \"dense\"; units = 3; bias_initializer = \"orthogonal\"; },"
                   " { type = \"dense\"; units = 1; });"
                   "training = { loss = \"mse\"; optimizer = \"sgd\"; batch_size = 8; epochs = 1; };",
                   &data, "orthogonal");
    expect_invalid("model = ({ type = \"dense\"; units = 2; }, { type = \"activation\"; activation = \"softmax\"; });"
                   "training = { loss = \"categorical_crossentropy\"; optimizer = \"sgd\"; batch_size = 8; epochs = 1; };",
                   &data, "label columns");
    expect_invalid("model = ({ type = \"dense\"; units = 1; }, { type = \"dropout\"; rate = 1.0; });"
                   "training = { loss = \"mse\"; optimizer = \"sgd\"; batch_size = 8; epochs = 1; };",
                   &data, "dropout rate");
    expect_invalid("model = ({ type = \"dense\"; units = 1; });"
                   "training = { loss = \"mse\"; optimizer = \"sgd\"; batch_size = 0; epochs = 1; };",
                   &data, "batch_size");
    fixture_data_free(&data);

    /* images: a pool leaving no pixels, conv kernels larger than the input */
    uint32_t shape[3] = {3, 3, 1};
    fixture_data img;
    fixture_data_alloc(&img, 3, shape, 8, 4, 1, DNNR_TARGET_CLASS_INDEX, 2);
    expect_invalid("model = ({ type = \"max_pooling2d\"; pool_size = [2, 2]; },"
                   " { type = \"max_pooling2d\"; pool_size = [2, 2]; }, { type = \"flatten\"; },"
                   " { type = \"dense\"; units = 1; });"
                   "training = { loss = \"mse\"; optimizer = \"sgd\"; batch_size = 4; epochs = 1; };",
                   &img, "no output pixels");
    expect_invalid("model = ({ type = \"conv2d\"; filters = 2; kernel_size = [5, 5]; }, { type = \"flatten\"; },"
                   " { type = \"dense\"; units = 1; });"
                   "training = { loss = \"mse\"; optimizer = \"sgd\"; batch_size = 4; epochs = 1; };",
                   &img, "no output pixels");
    /* sparse categorical cross-entropy on one-hot labels */
    fixture_data oh;
    uint32_t fshape[1] = {4};
    fixture_data_alloc(&oh, 1, fshape, 8, 4, 3, DNNR_TARGET_ONE_HOT, 3);
    expect_invalid("model = ({ type = \"dense\"; units = 3; activation = \"softmax\"; });"
                   "training = { loss = \"sparse_categorical_crossentropy\"; optimizer = \"adam\"; batch_size = 4; epochs = 1; };",
                   &oh, "one-hot");
    fixture_data_free(&oh);
    fixture_data_free(&img);
}
END_TEST

START_TEST(diverged_loss)
{
    fixture_data data;
    fixture_d1(&data, 256, 16);
    dnnr_train_outcome out = run_text(
        "model = ({ type = \"dense\"; units = 8; activation = \"exponential\"; }, { type = \"dense\"; units = 1; activation = \"exponential\"; });"
        "training = { loss = \"mse\"; optimizer = \"sgd\"; lr = 10.0; batch_size = 8; epochs = 5; };",
        &data, 1, 0, NULL);
    ck_assert_int_eq(out.status, DNNR_TRIAL_DIVERGED);
    ck_assert_msg(strstr(out.message, "loss became") != NULL, "%s", out.message);
    dnnr__engine_outcome_free(&out);
    fixture_data_free(&data);
}
END_TEST

START_TEST(same_seed_same_result)
{
    fixture_data data;
    fixture_d1(&data, 512, 32);
    char *text = concat(D1_MODEL("sigmoid", "glorot_uniform", ""),
                        "training = { loss = \"binary_crossentropy\"; optimizer = \"adam\"; "
                        "lr = 0.001; batch_size = 32; epochs = 2; };");
    dnnr_train_outcome a = run_text(text, &data, 11, 0, NULL);
    dnnr_train_outcome b = run_text(text, &data, 11, 0, NULL);
    dnnr_train_outcome c = run_text(text, &data, 12, 0, NULL);
    ck_assert_int_eq(a.status, DNNR_TRIAL_OK);
    ck_assert_uint_eq(a.n_epochs, 2);
    for (uint32_t e = 0; e < 2; e++)
        ck_assert(a.epochs[e]->train_loss == b.epochs[e]->train_loss);
    ck_assert(a.eval[0].loss == b.eval[0].loss);
    ck_assert(a.epochs[0]->train_loss != c.epochs[0]->train_loss);
    dnnr__engine_outcome_free(&a);
    dnnr__engine_outcome_free(&b);
    dnnr__engine_outcome_free(&c);
    free(text);
    fixture_data_free(&data);
}
END_TEST

START_TEST(two_threads_repeatable)
{
    /* the same seed and thread count give bit-identical results */
    uint32_t shape[3] = {6, 6, 2};
    fixture_data data;
    fixture_data_alloc(&data, 3, shape, 96, 16, 3, DNNR_TARGET_ONE_HOT, 3);
    dnnr_rng rng;
    dnnr_rng_init(&rng, 3);
    for (uint64_t i = 0; i < 96 * 72; i++)
        data.x_train[i] = (float)dnnr_rng_uniform(&rng);
    for (uint64_t r = 0; r < 96; r++)
        data.y_train[r * 3 + r % 3] = 1;
    const char *text =
        "model = ({ type = \"conv2d\"; filters = 8; kernel_size = [3, 3]; activation = \"relu\"; },"
        " { type = \"max_pooling2d\"; }, { type = \"dropout\"; rate = 0.3; }, { type = \"flatten\"; },"
        " { type = \"dense\"; units = 3; activation = \"softmax\"; });"
        "training = { loss = \"categorical_crossentropy\"; optimizer = \"adam\"; batch_size = 16; epochs = 2; };";
    double first[2] = {0, 0};
    for (int run = 0; run < 2; run++) {
        fixture_backend fb = fixture_backend_open();
        dnnr_model_spec *spec = fixture_spec(text);
        fixture_job j;
        fixture_job_init(&j, spec, &data, &fb, 21);
        j.job.threads = 2;
        dnnr_train_outcome out;
        dnnr_error err = {{0}};
        ck_assert_msg(dnnr__engine_train(&j.job, &out, &err) == DNNR_OK, "%s", err.msg);
        ck_assert_int_eq(out.status, DNNR_TRIAL_OK);
        if (run == 0) {
            first[0] = out.epochs[1]->train_loss;
            first[1] = out.eval[0].loss;
        } else {
            ck_assert(out.epochs[1]->train_loss == first[0]);
            ck_assert(out.eval[0].loss == first[1]);
        }
        dnnr__engine_outcome_free(&out);
        fixture_job_free(&j);
        dnnr__model_spec_destroy(spec);
        fixture_backend_close(&fb);
    }
    fixture_data_free(&data);
}
END_TEST

START_TEST(warm_start_round_trip_and_corruption)
{
    fixture_data data;
    fixture_d1(&data, 256, 32);
    char path[] = "/tmp/dnnr_weights_XXXXXX";
    int fd = mkstemp(path);
    ck_assert(fd >= 0);
    close(fd);
    fixture_backend fb = fixture_backend_open();
    char *text = concat(D1_MODEL("sigmoid", "glorot_uniform", ""), d1_training);
    dnnr_model_spec *spec = fixture_spec(text);
    fixture_job j;
    fixture_job_init(&j, spec, &data, &fb, 3);
    j.job.save_weights_path = path;
    dnnr_train_outcome first, again, corrupt;
    dnnr_error err = {{0}};
    ck_assert_int_eq(dnnr__engine_train(&j.job, &first, &err), DNNR_OK);
    /* zero epochs from the saved weights: the same evaluation */
    j.job.save_weights_path = NULL;
    j.job.warm_start_path = path;
    j.job.fidelity_kind = DNNR_FIDELITY_EPOCHS;
    j.job.fidelity = 0.0;
    spec->epochs = 0;
    j.job.seed = 99; /* another initialisation, overwritten by the file */
    ck_assert_msg(dnnr__engine_train(&j.job, &again, &err) == DNNR_OK, "%s", err.msg);
    ck_assert_uint_eq(again.n_epochs, 0);
    ck_assert_double_eq_tol(again.eval[0].loss, first.eval[0].loss, 1e-12);
    /* flip one byte of the data: refused, naming the checksum */
    FILE *f = fopen(path, "r+b");
    fseek(f, 200, SEEK_SET);
    int byte = fgetc(f);
    fseek(f, 200, SEEK_SET);
    fputc(byte ^ 0x40, f);
    fclose(f);
    int rc = dnnr__engine_train(&j.job, &corrupt, &err);
    ck_assert_int_eq(rc, DNNR_EPARSE);
    ck_assert_int_eq(corrupt.status, DNNR_TRIAL_CRASHED);
    ck_assert_msg(strstr(err.msg, "checksum") != NULL, "%s", err.msg);
    /* another model shape: refused */
    dnnr_model_spec *other = fixture_spec(
        "model = ({ type = \"dense\"; units = 4; });"
        "training = { loss = \"mse\"; optimizer = \"sgd\"; batch_size = 8; epochs = 0; };");
    j.job.spec = other;
    j.job.warm_start_path = "/nonexistent/weights";
    rc = dnnr__engine_train(&j.job, &corrupt, &err);
    ck_assert_int_eq(rc, DNNR_EIO);
    dnnr__model_spec_destroy(other);
    dnnr__engine_outcome_free(&first);
    dnnr__engine_outcome_free(&again);
    dnnr__engine_outcome_free(&corrupt);
    remove(path);
    fixture_job_free(&j);
    dnnr__model_spec_destroy(spec);
    fixture_backend_close(&fb);
    free(text);
    fixture_data_free(&data);
}
END_TEST

START_TEST(indicators_recorded)
{
    fixture_data data;
    fixture_d1(&data, 256, 32);
    char *text = concat(D1_MODEL("sigmoid", "glorot_uniform", ""),
                        "training = { loss = \"binary_crossentropy\"; optimizer = \"sgd\"; "
                        "lr = 0.01; batch_size = 32; epochs = 2; };");
    dnnr_train_outcome out = run_text(text, &data, 5, DNNR_TRIAL_INDICATORS, NULL);
    ck_assert_int_eq(out.status, DNNR_TRIAL_OK);
    for (uint32_t e = 0; e < out.n_epochs; e++) {
        const dnnr_epoch_record *r = out.epochs[e];
        ck_assert(r->checked);
        ck_assert_uint_eq(r->n_layers, 3);
        ck_assert(r->grad_norm_first > 0 && isfinite(r->grad_norm_first));
        ck_assert(r->grad_norm_last > 0 && isfinite(r->grad_norm_last));
        ck_assert_double_eq_tol(r->layer_grad_norm[0], r->grad_norm_first, 1e-12);
        ck_assert_double_eq_tol(r->layer_grad_norm[2], r->grad_norm_last, 1e-12);
        /* ReLU on rows of zeros leaves zero gradients: a share strictly inside (0, 1) */
        ck_assert(r->zero_grad_fraction > 0 && r->zero_grad_fraction < 1);
        ck_assert(!r->grad_nonfinite && !r->weight_nonfinite && !r->large_weight);
        ck_assert(r->layer_weight_norm[1] > 0);
    }
    dnnr__engine_outcome_free(&out);
    /* all-ones kernels with RandomNormal(0,1) biases: large weights are flagged */
    char *ones = concat(D1_MODEL("sigmoid", "ones", ""),
                        "training = { loss = \"binary_crossentropy\"; optimizer = \"sgd\"; "
                        "lr = 0.0; batch_size = 32; epochs = 1; };");
    out = run_text(ones, &data, 5, DNNR_TRIAL_INDICATORS, NULL);
    ck_assert_int_eq(out.status, DNNR_TRIAL_OK);
    ck_assert(!out.epochs[0]->large_weight); /* ones are not > 5 */
    dnnr__engine_outcome_free(&out);
    free(ones);
    free(text);
    fixture_data_free(&data);
}
END_TEST

static int stop_after_two(void *ctx, const dnnr_epoch_record *const *epochs, uint32_t n)
{
    (void)epochs;
    (*(int *)ctx)++;
    return n >= 2;
}

START_TEST(monitor_stops_training)
{
    fixture_data data;
    fixture_d1(&data, 128, 16);
    fixture_backend fb = fixture_backend_open();
    dnnr_model_spec *spec = fixture_spec(
        "model = ({ type = \"dense\"; units = 1; activation = \"sigmoid\"; });"
        "training = { loss = \"binary_crossentropy\"; optimizer = \"sgd\"; batch_size = 16; epochs = 10; };");
    fixture_job j;
    fixture_job_init(&j, spec, &data, &fb, 1);
    int calls = 0;
    j.job.monitor = stop_after_two;
    j.job.monitor_ctx = &calls;
    dnnr_train_outcome out;
    dnnr_error err = {{0}};
    ck_assert_int_eq(dnnr__engine_train(&j.job, &out, &err), DNNR_OK);
    ck_assert_int_eq(calls, 2);
    ck_assert_uint_eq(out.n_epochs, 2);
    ck_assert(out.stopped_early);
    ck_assert(!isnan(out.eval[0].accuracy));
    dnnr__engine_outcome_free(&out);
    fixture_job_free(&j);
    dnnr__model_spec_destroy(spec);
    fixture_backend_close(&fb);
    fixture_data_free(&data);
}
END_TEST

START_TEST(out_of_memory)
{
    fixture_data data;
    fixture_d1(&data, 64, 16);
    fixture_backend fb = fixture_backend_open();
    dnnr_model_spec *spec = fixture_spec(
        "model = ({ type = \"dense\"; units = 4; activation = \"relu\"; }, { type = \"dropout\"; rate = 0.5; },"
        " { type = \"dense\"; units = 1; activation = \"sigmoid\"; });"
        "training = { loss = \"binary_crossentropy\"; optimizer = \"adam\"; batch_size = 16; epochs = 2; };");
    fixture_job j;
    fixture_job_init(&j, spec, &data, &fb, 1);
    j.job.flags = DNNR_TRIAL_INDICATORS;
    int rc = DNNR_ENOMEM, n;
    for (n = 0; rc != DNNR_OK && n < 2000; n++) {
        dnnr_train_outcome out;
        dnnr_error err = {{0}};
        dnnr__alloc_fault(n, 1);
        rc = dnnr__engine_train(&j.job, &out, &err);
        dnnr__alloc_fault(-1, 0);
        ck_assert_msg(rc == DNNR_OK || rc == DNNR_ENOMEM, "rc %d at %d: %s", rc, n, err.msg);
        ck_assert(rc == DNNR_OK || out.status == DNNR_TRIAL_CRASHED);
        dnnr__engine_outcome_free(&out);
    }
    ck_assert_int_eq(rc, DNNR_OK);
    ck_assert(n > 10);
    fixture_job_free(&j);
    dnnr__model_spec_destroy(spec);
    fixture_backend_close(&fb);
    fixture_data_free(&data);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("engine_train");
    TCase *tc = tcase_create("train");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, d1_fix_converges);
    tcase_add_test(tc, d1_faulty_softmax_predicts_one_class);
    tcase_add_test(tc, invalid_configurations);
    tcase_add_test(tc, diverged_loss);
    tcase_add_test(tc, same_seed_same_result);
    tcase_add_test(tc, two_threads_repeatable);
    tcase_add_test(tc, warm_start_round_trip_and_corruption);
    tcase_add_test(tc, indicators_recorded);
    tcase_add_test(tc, monitor_stops_training);
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
