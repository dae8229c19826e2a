/* Diverged trainings scored as Keras scores them (engine.h, score_diverged):
 * tiny models driven to a NaN loss by a huge learning rate train on, end
 * with NaN outputs, and score TF's arg-max of an all-NaN row (class 0), so
 * accuracy is the share of class 0 in the evaluated rows, counted here
 * from the labels themselves. Without the option the training stops and
 * nothing is evaluated. */
#include "engine_fixture.h"

/* Linear layers, RandomNormal(0, 1) weights, MSE and lr 50: the loss is
 * infinite or NaN within a few steps. */
#define EXPLODING_MODEL(units)                                                                 \
    "model = ({ type = \"dense\"; units = 8; kernel_initializer = \"RandomNormal\"; },"        \
    " { type = \"dense\"; units = " #units "; kernel_initializer = \"RandomNormal\"; });"      \
    "training = { loss = \"mse\"; optimizer = \"sgd\"; lr = 50.0; batch_size = 8; "            \
    "epochs = 3; };"

/* Rows of noise with labels drawn from a fixed cycle whose class-0 share
 * differs from every other class's, so another index would fail the test. */
static void make_data(fixture_data *f, uint32_t k, uint64_t n_train, uint64_t n_test)
{
    static const int cycle[] = {1, 0, 2, 1, 3, 1, 2, 1, 0, 3, 2, 1, 3, 1, 2, 3, 1};
    const size_t len = sizeof cycle / sizeof cycle[0];
    uint32_t shape[1] = {6};
    uint32_t y_dim = k == 1 ? 1 : k;
    fixture_data_alloc(f, 1, shape, n_train, n_test, y_dim,
                       k == 1 ? DNNR_TARGET_CLASS_INDEX : DNNR_TARGET_ONE_HOT, k == 1 ? 2 : k);
    for (uint64_t r = 0; r < n_train + n_test; r++) {
        int test = r >= n_train;
        uint64_t i = test ? r - n_train : r;
        float *x = (test ? f->x_test : f->x_train) + i * 6;
        float *y = (test ? f->y_test : f->y_train) + i * y_dim;
        for (int c = 0; c < 6; c++)
            x[c] = (float)sin(0.7 * (double)(r * 6 + (uint64_t)c)) * 3.0f;
        int label = cycle[r % len] % (k == 1 ? 2 : (int)k);
        if (k == 1)
            y[0] = (float)label;
        else
            y[label] = 1.0f;
    }
}

/* The share of test rows whose label is class 0, from the labels alone. */
static double class0_share(const fixture_data *f)
{
    uint64_t zeros = 0;
    for (uint64_t r = 0; r < f->d.n_test; r++)
        zeros += f->y_test[r * f->d.y_dim] == (f->d.y_dim == 1 ? 0.0f : 1.0f);
    return (double)zeros / (double)f->d.n_test;
}

static dnnr_train_outcome train(const char *text, const fixture_data *data, int score)
{
    fixture_backend fb = fixture_backend_open();
    dnnr_model_spec *spec = fixture_spec(text);
    fixture_job j;
    fixture_job_init(&j, spec, data, &fb, 3);
    j.job.score_diverged = score;
    dnnr_train_outcome out;
    dnnr_error err = {{0}};
    int rc = dnnr__engine_train(&j.job, &out, &err);
    ck_assert_msg(rc == DNNR_OK, "train: %s", err.msg);
    fixture_job_free(&j);
    dnnr__model_spec_destroy(spec);
    fixture_backend_close(&fb);
    return out;
}

START_TEST(categorical_scores_class0_share)
{
    fixture_data data;
    make_data(&data, 4, 64, 40);
    double share = class0_share(&data);
    ck_assert(share > 0.05 && share < 0.2); /* 40 rows of the cycle: 5 of class 0 */

    dnnr_train_outcome out = train(EXPLODING_MODEL(4), &data, 1);
    ck_assert_int_eq(out.status, DNNR_TRIAL_DIVERGED);
    ck_assert_msg(strstr(out.message, "trained on") != NULL, "%s", out.message);
    ck_assert_uint_eq(out.n_epochs, 3);         /* every epoch ran, as in Keras */
    ck_assert_uint_eq(out.steps, 3 * 64 / 8);
    ck_assert_uint_eq(out.n_evals, 1);
    ck_assert_double_eq(out.eval[0].accuracy, share);
    ck_assert(isnan(out.eval[0].loss) && isnan(out.eval[0].mse) && isnan(out.eval[0].mae));
    ck_assert_uint_eq(out.eval[0].rows, 40);
    dnnr__engine_outcome_free(&out);

    /* the default: stop at the NaN loss, evaluate nothing */
    out = train(EXPLODING_MODEL(4), &data, 0);
    ck_assert_int_eq(out.status, DNNR_TRIAL_DIVERGED);
    ck_assert_msg(strstr(out.message, "loss became") != NULL, "%s", out.message);
    ck_assert_msg(strstr(out.message, "trained on") == NULL, "%s", out.message);
    ck_assert_uint_lt(out.steps, 3 * 64 / 8);
    ck_assert_uint_eq(out.n_evals, 0);
    ck_assert(isnan(out.eval[0].accuracy));
    dnnr__engine_outcome_free(&out);
    fixture_data_free(&data);
}
END_TEST

START_TEST(binary_scores_label0_share)
{
    fixture_data data;
    make_data(&data, 1, 64, 34);
    double share = class0_share(&data);
    ck_assert(share > 0.1 && share < 0.5); /* labels 1 and 3 are 1: 12 of 34 rows are 0 */

    dnnr_train_outcome out = train(EXPLODING_MODEL(1), &data, 1);
    ck_assert_int_eq(out.status, DNNR_TRIAL_DIVERGED);
    ck_assert_uint_eq(out.n_evals, 1);
    /* binary_accuracy: NaN > 0.5 is false, so every row predicts 0 */
    ck_assert_double_eq(out.eval[0].accuracy, share);
    dnnr__engine_outcome_free(&out);
    fixture_data_free(&data);
}
END_TEST

START_TEST(finite_training_unchanged)
{
    /* a training that never diverges ends the same with or without the option */
    fixture_data data;
    make_data(&data, 4, 64, 40);
    const char *calm = "model = ({ type = \"dense\"; units = 8; activation = \"tanh\"; },"
                       " { type = \"dense\"; units = 4; activation = \"softmax\"; });"
                       "training = { loss = \"categorical_crossentropy\"; optimizer = \"sgd\"; "
                       "lr = 0.01; batch_size = 8; epochs = 2; };";
    dnnr_train_outcome a = train(calm, &data, 0), b = train(calm, &data, 1);
    ck_assert_int_eq(a.status, DNNR_TRIAL_OK);
    ck_assert_int_eq(b.status, DNNR_TRIAL_OK);
    ck_assert_str_eq(b.message, "");
    ck_assert(a.eval[0].loss == b.eval[0].loss);
    ck_assert(a.eval[0].accuracy == b.eval[0].accuracy);
    dnnr__engine_outcome_free(&a);
    dnnr__engine_outcome_free(&b);
    fixture_data_free(&data);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("engine_diverged");
    TCase *tc = tcase_create("diverged");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, categorical_scores_class0_share);
    tcase_add_test(tc, binary_scores_label0_share);
    tcase_add_test(tc, finite_training_unchanged);
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
