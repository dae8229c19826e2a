/* Keras initialisers: fans, bounds and moments of every initialiser, and
 * orthogonality. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/init.h"
#include "engine/keras.h"

#define ROWS 200
#define COLS 300

static float *draw(dnnr_initializer kind, int rank, const int64_t *shape, int64_t count)
{
    float *w = malloc(sizeof(float) * (size_t)count);
    dnnr_rng rng;
    dnnr_rng_init(&rng, 77 + (uint64_t)kind);
    char why[128];
    ck_assert_int_eq(dnnr__init_fill(kind, w, rank, shape, &rng, why, sizeof why), 0);
    return w;
}

static void moments(const float *w, int64_t n, double *mean, double *sd, double *maxabs)
{
    double s = 0, s2 = 0, m = 0;
    for (int64_t i = 0; i < n; i++) {
        s += w[i];
        s2 += (double)w[i] * w[i];
        m = fabs(w[i]) > m ? fabs(w[i]) : m;
    }
    *mean = s / (double)n;
    *sd = sqrt(s2 / (double)n - *mean * *mean);
    *maxabs = m;
}

START_TEST(fans)
{
    double fi, fo;
    int64_t dense[2] = {128, 50}, conv[4] = {3, 3, 4, 8}, bias[1] = {50};
    dnnr__init_fans(2, dense, &fi, &fo);
    ck_assert(fi == 128 && fo == 50);
    dnnr__init_fans(4, conv, &fi, &fo);
    ck_assert(fi == 36 && fo == 72);
    dnnr__init_fans(1, bias, &fi, &fo);
    ck_assert(fi == 50 && fo == 50);
}
END_TEST

typedef struct expect {
    dnnr_initializer kind;
    double sd;     /* expected standard deviation */
    double bound;  /* |w| <= bound (0 = unbounded normal) */
} expect;

START_TEST(distributions)
{
    const int64_t shape[2] = {ROWS, COLS}, n = ROWS * COLS;
    const double fi = ROWS, fo = COLS, avg = (fi + fo) / 2;
    const double trunc = 0.87962566103423978;
    const expect cases[] = {
        {DNNR_INIT_RANDOM_NORMAL, 0.05, 0},
        {DNNR_INIT_NORMAL_1, 1.0, 0},
        {DNNR_INIT_NORMAL_0_1, 0.1, 0},
        {DNNR_INIT_RANDOM_UNIFORM, 0.05 / sqrt(3.0), 0.05},
        {DNNR_INIT_TRUNCATED_NORMAL, 0.05 * trunc, 0.1},
        {DNNR_INIT_LECUN_UNIFORM, sqrt(1.0 / fi), sqrt(3.0 / fi)},
        {DNNR_INIT_GLOROT_UNIFORM, sqrt(1.0 / avg), sqrt(3.0 / avg)},
        {DNNR_INIT_HE_UNIFORM, sqrt(2.0 / fi), sqrt(6.0 / fi)},
        {DNNR_INIT_LECUN_NORMAL, sqrt(1.0 / fi), 2 * sqrt(1.0 / fi) / trunc},
        {DNNR_INIT_GLOROT_NORMAL, sqrt(1.0 / avg), 2 * sqrt(1.0 / avg) / trunc},
        {DNNR_INIT_HE_NORMAL, sqrt(2.0 / fi), 2 * sqrt(2.0 / fi) / trunc},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        float *w = draw(cases[c].kind, 2, shape, n);
        double mean, sd, maxabs;
        moments(w, n, &mean, &sd, &maxabs);
        const char *name = dnnr__keras_initializer_name(cases[c].kind);
        ck_assert_msg(fabs(mean) < 4 * cases[c].sd / sqrt((double)n), "%s mean %g", name, mean);
        ck_assert_msg(fabs(sd / cases[c].sd - 1) < 0.02, "%s sd %g expected %g", name, sd, cases[c].sd);
        if (cases[c].bound > 0) {
            ck_assert_msg(maxabs <= cases[c].bound * (1 + 1e-6), "%s max %g > %g", name, maxabs,
                          cases[c].bound);
            ck_assert_msg(maxabs > 0.95 * cases[c].bound, "%s max %g far below %g", name, maxabs,
                          cases[c].bound);
        } else {
            ck_assert_msg(maxabs > 3 * cases[c].sd, "%s: looks truncated", name);
        }
        free(w);
    }
}
END_TEST

START_TEST(constants_and_aliases)
{
    const int64_t shape[1] = {7};
    float *w = draw(DNNR_INIT_ONES, 1, shape, 7);
    for (int i = 0; i < 7; i++)
        ck_assert(w[i] == 1.0f);
    free(w);
    w = draw(DNNR_INIT_CONSTANT, 1, shape, 7);
    for (int i = 0; i < 7; i++)
        ck_assert(w[i] == 0.0f);
    free(w);
    dnnr_initializer k;
    ck_assert(dnnr__keras_initializer("normal", &k) == 0 && k == DNNR_INIT_RANDOM_NORMAL);
    ck_assert(dnnr__keras_initializer("RandomNormal", &k) == 0 && k == DNNR_INIT_NORMAL_1);
    ck_assert(dnnr__keras_initializer("initialiser_normal", &k) == 0 && k == DNNR_INIT_NORMAL_0_1);
    ck_assert(dnnr__keras_initializer("initialiser_const", &k) == 0 && k == DNNR_INIT_CONSTANT);
    ck_assert(dnnr__keras_initializer("initialiser_xavier", &k) == 0 && k == DNNR_INIT_GLOROT_NORMAL);
    ck_assert(dnnr__keras_initializer("glorot", &k) != 0);
}
END_TEST

static void check_orthogonal(int64_t rows, int64_t cols)
{
    const int64_t shape[2] = {rows, cols};
    float *w = draw(DNNR_INIT_ORTHOGONAL, 2, shape, rows * cols);
    /* the shorter side's vectors are orthonormal */
    int by_cols = rows >= cols;
    int64_t m = by_cols ? cols : rows, len = by_cols ? rows : cols;
    for (int64_t a = 0; a < m; a++)
        for (int64_t b = 0; b < m; b++) {
            double dot = 0;
            for (int64_t i = 0; i < len; i++) {
                double x = by_cols ? w[i * cols + a] : w[a * cols + i];
                double y = by_cols ? w[i * cols + b] : w[b * cols + i];
                dot += x * y;
            }
            ck_assert_msg(fabs(dot - (a == b)) < 1e-5, "%lldx%lld: <%lld,%lld> = %g",
                          (long long)rows, (long long)cols, (long long)a, (long long)b, dot);
        }
    free(w);
}

START_TEST(orthogonal)
{
    check_orthogonal(20, 6);
    check_orthogonal(6, 20);
    check_orthogonal(9, 9);
    /* a 1-D bias is refused, as Keras refuses it */
    float w[5];
    const int64_t shape[1] = {5};
    dnnr_rng rng;
    dnnr_rng_init(&rng, 1);
    char why[128] = "";
    ck_assert_int_eq(dnnr__init_fill(DNNR_INIT_ORTHOGONAL, w, 1, shape, &rng, why, sizeof why), 1);
    ck_assert(strstr(why, "rank >= 2") != NULL);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("engine_init");
    TCase *tc = tcase_create("init");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, fans);
    tcase_add_test(tc, distributions);
    tcase_add_test(tc, constants_and_aliases);
    tcase_add_test(tc, orthogonal);
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
