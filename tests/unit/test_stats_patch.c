/* The study's patch statistics (STATISTICS.md 3.3-3.7, 4.5, 4.6): rounding
 * as Python's round, IR, sigma, patch complexity with its casting rules, the
 * Asymmetric Jaccard (as coded and as intended) and the Vargha-Delaney A12. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "space/space.h"
#include "stats/stats.h"

START_TEST(round_as_python)
{
    ck_assert_double_eq(dnnr__round_decimals(0.5005, 3), 0.5); /* stored below 0.5005 */
    ck_assert_double_eq(dnnr__round_decimals(2.675, 2), 2.67);
    ck_assert_double_eq(dnnr__round_decimals(0.125, 2), 0.12); /* exact tie: to even */
    ck_assert_double_eq(dnnr__round_decimals(0.375, 2), 0.38);
    ck_assert_double_eq(dnnr__round_decimals(0.9585, 2), 0.96);
    ck_assert_double_eq(dnnr__round_decimals(-0.8725, 2), -0.87);
    ck_assert_double_eq(dnnr__round_decimals(0.123456, -1), 0.123456);
    ck_assert(isnan(dnnr__round_decimals(NAN, 2)));
}
END_TEST

START_TEST(improvement_rate_worked_values)
{
    ck_assert_double_eq_tol(dnnr__improvement_rate(0.94, 0.85, 0.99), 0.642857142857, 1e-9);
    /* a loss (D7 random): the same formula gives the notebook's loss form */
    ck_assert_double_eq_tol(dnnr__improvement_rate(0.91, 6.71, 0.13), 0.881458966565, 1e-9);
    ck_assert_double_eq_tol(dnnr__improvement_rate(0.00, 0.400, 0.044), 1.123595505618, 1e-9);
    ck_assert_double_lt(dnnr__improvement_rate(0.80, 0.85, 0.99), 0.0);
    ck_assert(isnan(dnnr__improvement_rate(0.9, 0.85, 0.85)));

    /* M1 HEBO from its per-repeat values, rounded to 2 decimals as the study did */
    const double m1_hebo[10] = {0.9585, 0.9585, 0.9585, 0.85,   0.9585,
                                0.96,   0.9625, 0.9635, 0.8725, 0.9585};
    double rounded[10];
    for (int i = 0; i < 10; i++)
        rounded[i] = dnnr__round_decimals(m1_hebo[i], 2);
    ck_assert_double_eq_tol(dnnr__mean(rounded, 10), 0.94, 1e-12);
    ck_assert_double_eq_tol(dnnr__improvement_rate(dnnr__mean(rounded, 10), 0.85, 0.99),
                            0.642857142857, 1e-9);
}
END_TEST

static void check_mu_sigma(const double *v, double mu, double sigma, double tol)
{
    ck_assert_double_eq_tol(dnnr__mean(v, 10), mu, tol);
    ck_assert_double_eq_tol(dnnr__stddev_pop(v, 10), sigma, tol);
}

START_TEST(table_iii_mu_and_sigma)
{
    const double m1_random[10] = {0.85, 0.85, 0.9825, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85};
    const double m1_hebo[10] = {0.9585, 0.9585, 0.9585, 0.85,   0.9585,
                                0.96,   0.9625, 0.9635, 0.8725, 0.9585};
    const double m2_random[10] = {0.11,   0.11,  0.11,   0.11,  0.8975,
                                  0.9345, 0.984, 0.4585, 0.463, 0.11};
    const double r6_hebo[10] = {0.5,    0.5,    0.5,    0.7711, 0.5044,
                                0.6422, 0.7467, 0.8222, 0.5556, 0.58};
    const double u4_hebo[10] = {0.0045, 0.0045, 0.0045, 0.0045, 0.0045,
                                0.0045, 0.0045, 0.0045, 0.0045, 0.0045};
    /* Table III prints 3 decimals here: agree to half a unit of the last one */
    check_mu_sigma(m1_random, 0.863, 0.040, 5e-4);
    check_mu_sigma(m1_hebo, 0.940, 0.040, 5e-4);
    check_mu_sigma(m2_random, 0.429, 0.360, 5e-4);
    check_mu_sigma(r6_hebo, 0.612, 0.119, 5e-4);
    check_mu_sigma(u4_hebo, 0.0045, 0.0, 1e-15);
    /* ddof = 0, not 1: two values 0 and 1 give 0.5, not 0.707 */
    const double two[2] = {0.0, 1.0};
    ck_assert_double_eq(dnnr__stddev_pop(two, 2), 0.5);
    ck_assert_double_eq_tol(dnnr__stddev_sample(two, 2), sqrt(0.5), 1e-15);
}
END_TEST

START_TEST(patch_existence)
{
    ck_assert(dnnr__patch_exists(0.86, 0.85, 1));
    ck_assert(!dnnr__patch_exists(0.85, 0.85, 1)); /* clamped to the faulty mean */
    ck_assert(!dnnr__patch_exists(0.80, 0.85, 1));
    ck_assert(dnnr__patch_exists(0.10, 0.18, 0));
    ck_assert(!dnnr__patch_exists(0.20, 0.18, 0));
    ck_assert(!dnnr__patch_exists(NAN, 0.18, 0));
    /* clamped to a mean summed in another order: still no patch */
    ck_assert(!dnnr__patch_exists(0.85, 0.8499999999999999, 1));
    ck_assert(!dnnr__patch_exists(0.8499999999999999, 0.85, 0));
}
END_TEST

/* ---- configurations --------------------------------------------------------- */

static const char *const losses[] = {"categorical_crossentropy", "mean_squared_error"};
static const char *const acts[] = {"relu", "softmax", "linear", "tanh"};
static const char *const inits[] = {"glorot_uniform", "zeros", "ones", "he_normal"};
static const char *const optims[] = {"adadelta", "adam", "sgd"};

/* MNIST's 21 config.* keys (STATISTICS.md 3.5), in a plausible order. */
static dnnr_space *mnist_space(void)
{
    dnnr_space *s = dnnr__space_create();
    ck_assert_ptr_nonnull(s);
    char name[16];
    ck_assert_int_eq(dnnr__space_add_categorical(s, "loss", losses, 2, 0), DNNR_OK);
    ck_assert_int_eq(dnnr__space_add_int(s, "batch_size", 8, 1024, 1, 128), DNNR_OK);
    ck_assert_int_eq(dnnr__space_add_float(s, "lr", 1e-6, 10.0, 1, 1.0), DNNR_OK);
    for (int i = 1; i <= 4; i++) {
        snprintf(name, sizeof name, "act%d", i);
        ck_assert_int_eq(dnnr__space_add_categorical(s, name, acts, 4, 0), DNNR_OK);
    }
    for (int i = 1; i <= 4; i++) {
        snprintf(name, sizeof name, "ki%d", i);
        ck_assert_int_eq(dnnr__space_add_categorical(s, name, inits, 4, 0), DNNR_OK);
    }
    for (int i = 1; i <= 4; i++) {
        snprintf(name, sizeof name, "bi%d", i);
        ck_assert_int_eq(dnnr__space_add_categorical(s, name, inits, 4, 1), DNNR_OK);
    }
    ck_assert_int_eq(dnnr__space_add_int(s, "epochs", 1, 50, 0, 12), DNNR_OK);
    ck_assert_int_eq(dnnr__space_add_int(s, "unit1", 64, 256, 0, 128), DNNR_OK);
    ck_assert_int_eq(dnnr__space_add_int(s, "layer1", 0, 2, 0, 1), DNNR_OK);
    ck_assert_int_eq(dnnr__space_add_categorical(s, "optimizer", optims, 3, 0), DNNR_OK);
    ck_assert_int_eq(dnnr__space_add_float(s, "dropout1", 0.0, 1.0, 0, 0.25), DNNR_OK);
    ck_assert_int_eq(dnnr__space_add_float(s, "dropout2", 0.0, 1.0, 0, 0.5), DNNR_OK);
    ck_assert_uint_eq(s->n_params, 21);
    return s;
}

static void set_value(const dnnr_space *s, dnnr_value *config, const char *name, dnnr_value v)
{
    int i = dnnr__space_find(s, name);
    ck_assert_msg(i >= 0, "no parameter %s", name);
    config[i] = v;
}

#define SET_I(s, c, name, x) set_value((s), (c), (name), (dnnr_value){.i = (x)})
#define SET_F(s, c, name, x) set_value((s), (c), (name), (dnnr_value){.f = (x)})

START_TEST(m1_random_repeat_2)
{
    /* 4.5: M1 (lr 1.0 -> 0.001); the best patch changes 18 of 21 keys */
    dnnr_space *s = mnist_space();
    dnnr_value fix[21], faulty[21], patch[21];
    dnnr__space_defaults(s, fix);
    memcpy(faulty, fix, sizeof fix);
    SET_F(s, faulty, "lr", 0.001);
    memcpy(patch, faulty, sizeof faulty);
    SET_I(s, patch, "loss", 1);
    SET_I(s, patch, "batch_size", 37);
    SET_F(s, patch, "lr", 3.857);
    const char *changed[] = {"act1", "act2", "act3", "act4", "ki1", "ki2",
                             "ki3",  "ki4",  "bi1",  "bi2",  "bi3", "bi4"};
    for (size_t i = 0; i < sizeof changed / sizeof changed[0]; i++)
        SET_I(s, patch, changed[i], 3);
    SET_I(s, patch, "epochs", 30);
    SET_I(s, patch, "unit1", 200);
    SET_I(s, patch, "layer1", 2);

    ck_assert_uint_eq(dnnr__config_changed_count(s, faulty, patch), 18);
    ck_assert_double_eq_tol(dnnr__patch_complexity(s, faulty, patch), 0.857, 5e-4);
    ck_assert_double_eq_tol(dnnr__fix_complexity(s, faulty, fix), 0.0476, 5e-5);
    ck_assert_uint_eq(dnnr__operators_changed(s, faulty, fix), DNNR_OP_LR);
    ck_assert_uint_eq(dnnr__operators_changed(s, fix, patch), DNNR_OP_ACT | DNNR_OP_BATCH_SIZE |
                                                                  DNNR_OP_EPOCHS | DNNR_OP_KI |
                                                                  DNNR_OP_LOSS | DNNR_OP_LR);
    ck_assert_double_eq(dnnr__patch_jaccard(s, faulty, fix, patch, DNNR_AJ_STUDY), 1.0);
    ck_assert_double_eq(dnnr__patch_jaccard(s, faulty, fix, patch, DNNR_AJ_INTENDED), 1.0);

    /* 3.6's synthetic case: the patch changes only act1 and keeps the faulty lr */
    memcpy(patch, faulty, sizeof faulty);
    SET_I(s, patch, "act1", 2);
    ck_assert_double_eq(dnnr__patch_jaccard(s, faulty, fix, patch, DNNR_AJ_STUDY), 1.0);
    ck_assert_double_eq(dnnr__patch_jaccard(s, faulty, fix, patch, DNNR_AJ_INTENDED), 0.0);
    ck_assert_double_eq_tol(dnnr__patch_complexity(s, faulty, patch), 1.0 / 21, 1e-15);
    dnnr__space_destroy(s);
}
END_TEST

START_TEST(r6_patch_restores_one_initialiser)
{
    /* 4.5: Reuters R6 (ki1 glorot_uniform -> ones), 12 keys, 11 changed; the
     * patch puts ki1 back to the fix value but ki2 still differs from the fix */
    dnnr_space *s = dnnr__space_create();
    ck_assert_int_eq(dnnr__space_add_categorical(s, "act1", acts, 4, 0), DNNR_OK);
    ck_assert_int_eq(dnnr__space_add_categorical(s, "act2", acts, 4, 1), DNNR_OK);
    ck_assert_int_eq(dnnr__space_add_categorical(s, "ki1", inits, 4, 0), DNNR_OK);
    ck_assert_int_eq(dnnr__space_add_categorical(s, "ki2", inits, 4, 0), DNNR_OK);
    ck_assert_int_eq(dnnr__space_add_categorical(s, "bi1", inits, 4, 1), DNNR_OK);
    ck_assert_int_eq(dnnr__space_add_categorical(s, "bi2", inits, 4, 1), DNNR_OK);
    ck_assert_int_eq(dnnr__space_add_categorical(s, "loss", losses, 2, 0), DNNR_OK);
    ck_assert_int_eq(dnnr__space_add_categorical(s, "optimizer", optims, 3, 1), DNNR_OK);
    ck_assert_int_eq(dnnr__space_add_float(s, "lr", 1e-6, 10.0, 1, 0.001), DNNR_OK);
    ck_assert_int_eq(dnnr__space_add_int(s, "batch_size", 8, 1024, 1, 32), DNNR_OK);
    ck_assert_int_eq(dnnr__space_add_int(s, "epochs", 1, 50, 0, 5), DNNR_OK);
    ck_assert_int_eq(dnnr__space_add_int(s, "unit1", 64, 1024, 0, 512), DNNR_OK);
    dnnr_value fix[12], faulty[12], patch[12];
    dnnr__space_defaults(s, fix);
    memcpy(faulty, fix, sizeof fix);
    SET_I(s, faulty, "ki1", 2); /* ones */
    const dnnr_value p[12] = {{.i = 3}, {.i = 3}, {.i = 0},    {.i = 3},  {.i = 3},  {.i = 3},
                              {.i = 1}, {.i = 2}, {.f = 0.01}, {.i = 64}, {.i = 12}, {.i = 512}};
    memcpy(patch, p, sizeof p);
    ck_assert_uint_eq(dnnr__config_changed_count(s, faulty, patch), 11);
    ck_assert_double_eq_tol(dnnr__patch_complexity(s, faulty, patch), 0.917, 5e-4);
    ck_assert_uint_ne(dnnr__operators_changed(s, fix, patch) & DNNR_OP_KI, 0);
    ck_assert_double_eq(dnnr__patch_jaccard(s, faulty, fix, patch, DNNR_AJ_STUDY), 1.0);
    ck_assert_double_eq(dnnr__patch_jaccard(s, faulty, fix, patch, DNNR_AJ_INTENDED), 1.0);

    /* a fault outside the space (R1's regulariser): faulty = fix, AJ 0, GT complexity 1/n */
    ck_assert_double_eq(dnnr__patch_jaccard(s, fix, fix, patch, DNNR_AJ_STUDY), 0.0);
    ck_assert_double_eq_tol(dnnr__fix_complexity(s, fix, fix), 1.0 / 12, 1e-15);
    dnnr__space_destroy(s);
}
END_TEST

START_TEST(casting_rules)
{
    static const char *const lr_choices[] = {"0.001", "1e-3", "0.01", "fast"};
    dnnr_param epochs = {
        sizeof(dnnr_param), "epochs", DNNR_PARAM_FLOAT, 0, 1, 100, 0, NULL, {.f = 1}};
    dnnr_param lr = {sizeof(dnnr_param), "lr",    DNNR_PARAM_CATEGORICAL, 0, 0, 0, 4,
                     lr_choices,         {.i = 0}};
    dnnr_param drop = {
        sizeof(dnnr_param), "dropout1", DNNR_PARAM_FLOAT, 0, 0, 1, 0, NULL, {.f = 0}};
    /* int(): 3.7 and 3.2 epochs are the same */
    ck_assert(dnnr__param_value_equal(&epochs, (dnnr_value){.f = 3.7}, (dnnr_value){.f = 3.2}));
    ck_assert(!dnnr__param_value_equal(&epochs, (dnnr_value){.f = 3.7}, (dnnr_value){.f = 4.0}));
    /* float(): "0.001" and "1e-3" are the same learning rate */
    ck_assert(dnnr__param_value_equal(&lr, (dnnr_value){.i = 0}, (dnnr_value){.i = 1}));
    ck_assert(!dnnr__param_value_equal(&lr, (dnnr_value){.i = 0}, (dnnr_value){.i = 2}));
    ck_assert(!dnnr__param_value_equal(&lr, (dnnr_value){.i = 0}, (dnnr_value){.i = 3}));
    /* any change counts, however small */
    ck_assert(
        !dnnr__param_value_equal(&drop, (dnnr_value){.f = 0.5}, (dnnr_value){.f = 0.5000001}));
    ck_assert(dnnr__param_value_equal(&drop, (dnnr_value){.f = 0.5}, (dnnr_value){.f = 0.5}));
}
END_TEST

START_TEST(operator_map)
{
    ck_assert_uint_eq(dnnr__operator_of_name("act1"), DNNR_OP_ACT);
    ck_assert_uint_eq(dnnr__operator_of_name("batch_size"), DNNR_OP_BATCH_SIZE);
    ck_assert_uint_eq(dnnr__operator_of_name("epochs"), DNNR_OP_EPOCHS);
    ck_assert_uint_eq(dnnr__operator_of_name("loss"), DNNR_OP_LOSS);
    ck_assert_uint_eq(dnnr__operator_of_name("lr"), DNNR_OP_LR);
    ck_assert_uint_eq(dnnr__operator_of_name("optimizer"), DNNR_OP_OPTIMIZER);
    ck_assert_uint_eq(dnnr__operator_of_name("ki3"), DNNR_OP_KI);
    ck_assert_uint_eq(dnnr__operator_of_name("kr3"), DNNR_OP_KR);
    ck_assert_uint_eq(dnnr__operator_of_name("bi1"), 0);
    ck_assert_uint_eq(dnnr__operator_of_name("dropout1"), 0);
    ck_assert_uint_eq(dnnr__operator_of_name("unit2"), 0);
    ck_assert_uint_eq(dnnr__operator_of_name("layer1"), 0);
    /* first match wins: "act_lr" is an activation key in the study's order */
    ck_assert_uint_eq(dnnr__operator_of_name("act_lr"), DNNR_OP_ACT);
    ck_assert_double_eq(dnnr__asymmetric_jaccard(DNNR_OP_LR | DNNR_OP_ACT, DNNR_OP_LR), 0.5);
    ck_assert_double_eq(dnnr__asymmetric_jaccard(DNNR_OP_LR, DNNR_OP_LR | DNNR_OP_KI), 1.0);
    ck_assert_double_eq(dnnr__asymmetric_jaccard(0, DNNR_OP_LR), 0.0);
}
END_TEST

START_TEST(vargha_delaney)
{
    double a12;
    const double a[3] = {3, 4, 5}, b[3] = {1, 2, 3};
    ck_assert_int_eq(dnnr__vargha_delaney_a12(a, 3, b, 3, NULL, &a12), DNNR_OK);
    ck_assert_double_eq_tol(a12, 8.5 / 9.0, 1e-15); /* the tie 3 = 3 counts half */
    ck_assert_int_eq(dnnr__a12_magnitude(a12), DNNR_A12_LARGE);
    ck_assert_int_eq(dnnr__vargha_delaney_a12(b, 3, a, 3, NULL, &a12), DNNR_OK);
    ck_assert_double_eq_tol(a12, 0.5 / 9.0, 1e-15);
    ck_assert_int_eq(dnnr__vargha_delaney_a12(a, 3, a, 3, NULL, &a12), DNNR_OK);
    ck_assert_double_eq(a12, 0.5);
    const double c[2] = {10, 0};
    ck_assert_int_eq(dnnr__vargha_delaney_a12(c, 2, b, 3, NULL, &a12), DNNR_OK);
    ck_assert_double_eq_tol(a12, 0.5, 1e-15);
    ck_assert_int_eq(dnnr__vargha_delaney_a12(a, 0, b, 3, NULL, &a12), DNNR_EINVAL);

    ck_assert_int_eq(dnnr__a12_magnitude(0.55), DNNR_A12_NEGLIGIBLE);
    ck_assert_int_eq(dnnr__a12_magnitude(0.60), DNNR_A12_SMALL);
    ck_assert_int_eq(dnnr__a12_magnitude(0.40), DNNR_A12_SMALL);
    ck_assert_int_eq(dnnr__a12_magnitude(0.70), DNNR_A12_MEDIUM);
    ck_assert_int_eq(dnnr__a12_magnitude(0.80), DNNR_A12_LARGE);
    ck_assert_str_eq(dnnr__a12_magnitude_name(DNNR_A12_MEDIUM), "medium");
}
END_TEST

static Suite *patch_suite(void)
{
    Suite *s = suite_create("stats_patch");
    TCase *tc = tcase_create("study");
    tcase_set_timeout(tc, 10);
    tcase_add_test(tc, round_as_python);
    tcase_add_test(tc, improvement_rate_worked_values);
    tcase_add_test(tc, table_iii_mu_and_sigma);
    tcase_add_test(tc, patch_existence);
    tcase_add_test(tc, m1_random_repeat_2);
    tcase_add_test(tc, r6_patch_restores_one_initialiser);
    tcase_add_test(tc, casting_rules);
    tcase_add_test(tc, operator_map);
    tcase_add_test(tc, vargha_delaney);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(patch_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
