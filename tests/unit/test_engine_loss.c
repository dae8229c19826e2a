/* Keras losses and metrics on the host: hand-computed values, and
 * finite-difference checks of every loss's gradient (fused and clipped
 * paths, broadcast labels). */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/keras.h"
#include "engine/loss.h"

/* d(mean loss)/d(in) against central differences at a few points. */
static void check_gradient(dnnr_loss loss, int fused, const float *in0, const float *y, int64_t n,
                           int64_t k, uint32_t y_dim)
{
    float in[64], grad[64], scratch[64];
    memcpy(in, in0, sizeof(float) * (size_t)(n * k));
    double L = dnnr__loss_batch(loss, fused, in, y, n, k, y_dim, grad);
    ck_assert_msg(isfinite(L), "%s: loss not finite", dnnr__keras_loss_name(loss));
    const double h = 1e-3;
    for (int64_t i = 0; i < n * k; i++) {
        float keep = in[i];
        in[i] = (float)(keep + h);
        double up = dnnr__loss_batch(loss, fused, in, y, n, k, y_dim, scratch);
        in[i] = (float)(keep - h);
        double down = dnnr__loss_batch(loss, fused, in, y, n, k, y_dim, scratch);
        in[i] = keep;
        double num = (up - down) / (2 * h);
        double tol = 2e-3 + 1e-2 * fabs(num);
        ck_assert_msg(fabs(num - grad[i]) <= tol, "%s%s: d/d in[%lld]: analytic %g numeric %g",
                      dnnr__keras_loss_name(loss), fused ? " (fused)" : "", (long long)i,
                      (double)grad[i], num);
    }
}

START_TEST(every_loss_gradient)
{
    /* 3 rows x 3 outputs, probabilities strictly inside (0, 1) */
    const float prob[9] = {0.2f, 0.5f, 0.3f, 0.6f, 0.1f, 0.3f, 0.25f, 0.25f, 0.5f};
    const float logits[9] = {0.3f, -1.2f, 0.8f, 1.5f, 0.2f, -0.4f, -0.7f, 0.9f, 0.1f};
    const float onehot[9] = {0, 1, 0, 1, 0, 0, 0, 0, 1};
    const float index[3] = {1, 0, 2};
    const float real[9] = {0.5f, -1.0f, 2.0f, 0.3f, 0.7f, -0.2f, 1.1f, 0.4f, 0.9f};
    const float pos[9] = {0.5f, 1.0f, 2.0f, 0.3f, 0.7f, 0.2f, 1.1f, 0.4f, 0.9f};

    check_gradient(DNNR_LOSS_MSE, 0, real, pos, 3, 3, 3);
    check_gradient(DNNR_LOSS_MSE, 0, real, index, 3, 3, 1); /* broadcast label */
    check_gradient(DNNR_LOSS_MAE, 0, real, pos, 3, 3, 3);
    check_gradient(DNNR_LOSS_MAPE, 0, real, pos, 3, 3, 3);
    check_gradient(DNNR_LOSS_MSLE, 0, pos, real, 3, 3, 3);
    check_gradient(DNNR_LOSS_SQUARED_HINGE, 0, real, onehot, 3, 3, 3);
    check_gradient(DNNR_LOSS_HINGE, 0, real, onehot, 3, 3, 3);
    check_gradient(DNNR_LOSS_CATEGORICAL_HINGE, 0, real, onehot, 3, 3, 3);
    check_gradient(DNNR_LOSS_LOGCOSH, 0, real, pos, 3, 3, 3);
    check_gradient(DNNR_LOSS_CATEGORICAL_CE, 0, prob, onehot, 3, 3, 3);
    check_gradient(DNNR_LOSS_CATEGORICAL_CE, 1, logits, onehot, 3, 3, 3);
    check_gradient(DNNR_LOSS_SPARSE_CATEGORICAL_CE, 0, prob, index, 3, 3, 1);
    check_gradient(DNNR_LOSS_SPARSE_CATEGORICAL_CE, 1, logits, index, 3, 3, 1);
    check_gradient(DNNR_LOSS_BINARY_CE, 0, prob, onehot, 3, 3, 3);
    check_gradient(DNNR_LOSS_BINARY_CE, 1, logits, onehot, 3, 3, 3);
    check_gradient(DNNR_LOSS_KLD, 0, prob, prob + 3, 2, 3, 3);
    check_gradient(DNNR_LOSS_POISSON, 0, pos, real, 3, 3, 3);
    const float angles[6] = {0.3f, 0.5f, 1.0f, -0.4f, 0.7f, 0.2f};
    const float targets[6] = {0.25f, 0.6f, 0.8f, -0.2f, 1.2f, 0.9f};
    check_gradient(DNNR_LOSS_ANGLE, 0, angles, targets, 3, 2, 2);
}
END_TEST

START_TEST(hand_computed_values)
{
    const float p[2] = {0.25f, 0.75f}, t[2] = {0.0f, 1.0f};
    /* mse: mean((0.25)^2, (0.25)^2) */
    ck_assert_double_eq_tol(dnnr__loss_batch(DNNR_LOSS_MSE, 0, p, t, 1, 2, 2, NULL), 0.0625, 1e-9);
    /* categorical CE on probabilities: -log(0.75) */
    ck_assert_double_eq_tol(dnnr__loss_batch(DNNR_LOSS_CATEGORICAL_CE, 0, p, t, 1, 2, 2, NULL),
                            -log(0.75), 1e-6);
    /* binary CE: mean(-log(1 - 0.25 + 1e-7), -log(0.75 + 1e-7)) */
    ck_assert_double_eq_tol(dnnr__loss_batch(DNNR_LOSS_BINARY_CE, 0, p, t, 1, 2, 2, NULL),
                            -log(0.75 + 1e-7), 1e-6);
    /* hinge with {0,1} labels becomes {-1,1}: mean(max(0, 1 + 0.25), max(0, 1 - 0.75)) */
    ck_assert_double_eq_tol(dnnr__loss_batch(DNNR_LOSS_HINGE, 0, p, t, 1, 2, 2, NULL),
                            (1.25 + 0.25) / 2, 1e-6);
    /* categorical hinge: max(0, 0.25 - 0.75 + 1) */
    ck_assert_double_eq_tol(dnnr__loss_batch(DNNR_LOSS_CATEGORICAL_HINGE, 0, p, t, 1, 2, 2, NULL),
                            0.5, 1e-6);
    /* poisson: mean(p - t log(p + eps)) */
    ck_assert_double_eq_tol(dnnr__loss_batch(DNNR_LOSS_POISSON, 0, p, t, 1, 2, 2, NULL),
                            (0.25 + 0.75 - log(0.75 + 1e-7)) / 2, 1e-6);
    /* a clipped probability: BCE of output 1.0 with label 0 is -log(1e-7 + 1e-7) */
    const float one[1] = {1.0f}, zero[1] = {0.0f};
    ck_assert_double_eq_tol(dnnr__loss_batch(DNNR_LOSS_BINARY_CE, 0, one, zero, 1, 1, 1, NULL),
                            -log(2e-7), 1e-4);
    /* angle: identical directions clip at 0.99999 as a float32 (Keras), whose
     * acos is the study's 0.004475 floor, not acos(0.99999) = 0.004472 */
    const float a[2] = {0.4f, 0.3f};
    ck_assert_double_eq_tol(dnnr__angle(a, a, NULL), acos((double)0.99999f), 1e-9);
    ck_assert_double_eq_tol(dnnr__angle(a, a, NULL), 0.004475, 5e-7);
    const float nan2[2] = {NAN, NAN};
    ck_assert_double_eq_tol(dnnr__angle(nan2, a, NULL), acos((double)0.99999f), 1e-9);
}
END_TEST

START_TEST(accuracy_resolution_and_metrics)
{
    ck_assert_int_eq(dnnr__accuracy_kind(1, 1), DNNR_ACC_BINARY);
    ck_assert_int_eq(dnnr__accuracy_kind(10, 1), DNNR_ACC_SPARSE);
    ck_assert_int_eq(dnnr__accuracy_kind(10, 10), DNNR_ACC_CATEGORICAL);
    const float p[6] = {0.1f, 0.7f, 0.2f, 0.5f, 0.4f, 0.1f};
    const float y_idx[2] = {1, 1}, y_oh[6] = {0, 1, 0, 0, 1, 0};
    dnnr_metric_sums s = {0};
    dnnr__metrics_add(&s, p, y_idx, 2, 3, 1, 0.0);
    ck_assert_double_eq(s.correct, 1.0);
    dnnr_metric_sums c = {0};
    dnnr__metrics_add(&c, p, y_oh, 2, 3, 3, 2.0);
    ck_assert_double_eq(c.correct, 1.0);
    ck_assert_double_eq_tol(c.loss, 4.0, 1e-12);
    ck_assert_uint_eq(c.rows, 2);
    /* mse of row 0: ((0.1)^2 + (0.3)^2 + (0.2)^2) / 3 */
    dnnr_metric_sums r0 = {0};
    dnnr__metrics_add(&r0, p, y_oh, 1, 3, 3, 0.0);
    ck_assert_double_eq_tol(r0.squared_error, (0.01 + 0.09 + 0.04) / 3, 1e-6);
    const float b[2] = {0.6f, 0.4f}, yb[2] = {1, 1};
    dnnr_metric_sums bs = {0};
    dnnr__metrics_add(&bs, b, yb, 2, 1, 1, 0.0);
    ck_assert_double_eq(bs.correct, 1.0);
    /* D9's training labels y/255 are never equal to an arg-max but for class 0 */
    const float frac[2] = {1.0f / 255, 0.0f}, pz[6] = {0.1f, 0.8f, 0.1f, 0.9f, 0.05f, 0.05f};
    dnnr_metric_sums fs = {0};
    dnnr__metrics_add(&fs, pz, frac, 2, 3, 1, 0.0);
    ck_assert_double_eq(fs.correct, 1.0);
}
END_TEST

/* TF's arg-max over NaN (Eigen's ArgMaxTupleReducer): index 0 holding the
 * lowest float, replaced only by a greater value. Each row's label is the
 * index TF gives, so every row must count as correct. */
START_TEST(argmax_over_nan_as_tf)
{
    const float p[5 * 3] = {NAN, NAN, NAN, /* all NaN: 0 */
                            NAN, 1, 2,     /* a leading NaN is skipped: 2 */
                            1, NAN, 0.5f,  /* NaN in the middle: 0 */
                            3, 3, 1,       /* ties keep the first: 0 */
                            -INFINITY, -INFINITY, -5}; /* -inf is below the lowest float: 2 */
    const float y[5] = {0, 2, 0, 0, 2};
    dnnr_metric_sums s = {0};
    dnnr__metrics_add(&s, p, y, 5, 3, 1, 0.0);
    ck_assert_double_eq(s.correct, 5.0);
    ck_assert(isnan(s.absolute_error)); /* mae of NaN outputs is NaN, as in Keras */
    /* binary_accuracy: NaN > 0.5 is false, so a NaN output predicts 0 */
    const float pb[2] = {NAN, NAN}, yb[2] = {0, 1};
    dnnr_metric_sums b = {0};
    dnnr__metrics_add(&b, pb, yb, 2, 1, 1, 0.0);
    ck_assert_double_eq(b.correct, 1.0);
}
END_TEST

START_TEST(compatibility_rules)
{
    char why[256];
    ck_assert_int_eq(dnnr__loss_compatible(DNNR_LOSS_SPARSE_CATEGORICAL_CE, 1, 10, 10, why, sizeof why), 1);
    ck_assert_int_eq(dnnr__loss_compatible(DNNR_LOSS_SPARSE_CATEGORICAL_CE, 1, 10, 1, why, sizeof why), 0);
    ck_assert_int_eq(dnnr__loss_compatible(DNNR_LOSS_CATEGORICAL_CE, 1, 10, 1, why, sizeof why), 1);
    ck_assert_int_eq(dnnr__loss_compatible(DNNR_LOSS_MSE, 0, 10, 1, why, sizeof why), 0);
    ck_assert_int_eq(dnnr__loss_compatible(DNNR_LOSS_MSE, 0, 10, 3, why, sizeof why), 1);
    ck_assert_int_eq(dnnr__loss_compatible(DNNR_LOSS_BINARY_CE, 1, 1, 2, why, sizeof why), 1);
    ck_assert_int_eq(dnnr__loss_compatible(DNNR_LOSS_ANGLE, 0, 3, 2, why, sizeof why), 1);
    const float labels[3] = {0, 2.5f, 3};
    ck_assert_int_eq(dnnr__loss_check_labels(DNNR_LOSS_SPARSE_CATEGORICAL_CE, labels, 2, 1, 3, why, sizeof why), 0);
    ck_assert_int_eq(dnnr__loss_check_labels(DNNR_LOSS_SPARSE_CATEGORICAL_CE, labels, 3, 1, 3, why, sizeof why), 1);
    ck_assert_int_eq(dnnr__loss_fused(DNNR_LOSS_BINARY_CE, DNNR_ACT_SIGMOID), 1);
    ck_assert_int_eq(dnnr__loss_fused(DNNR_LOSS_BINARY_CE, DNNR_ACT_SOFTMAX), 0);
    ck_assert_int_eq(dnnr__loss_fused(DNNR_LOSS_CATEGORICAL_CE, DNNR_ACT_SOFTMAX), 1);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("engine_loss");
    TCase *tc = tcase_create("loss");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, every_loss_gradient);
    tcase_add_test(tc, hand_computed_values);
    tcase_add_test(tc, accuracy_resolution_and_metrics);
    tcase_add_test(tc, argmax_over_nan_as_tf);
    tcase_add_test(tc, compatibility_rules);
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
