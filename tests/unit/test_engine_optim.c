/* Each optimiser's update (backend DNNR_OP_UPDATE + engine coefficients)
 * against a double-precision transcription of the TF 2.3 update rules, over
 * several steps; the fused Keras regularisers; first Adam/RMSprop steps by
 * hand; SGD momentum (SDK 1.2) by hand; the optimiser's clipvalue
 * (DNNR_OP_GRAD_CLIP) on one update. */
#include "engine_fixture.h"
#include "engine/backend.h"
#include "engine/keras.h"
#include "engine/optim.h"

#define N 5

typedef struct ref_state {
    double w[N], s1[N], s2[N], m_cache;
} ref_state;

/* TF 2.3 training_ops / keras optimizer_v2 formulas, written out. */
static void ref_step(dnnr_optimizer opt, double lr, int t, ref_state *s, const double *g)
{
    const double eps = 1e-7, b1 = 0.9, b2 = 0.999;
    double mu_t = 0, mu_t1 = 0, m_new = 0, m_next = 0;
    if (opt == DNNR_UPDATE_NADAM) {
        mu_t = b1 * (1 - 0.5 * pow(0.96, 0.004 * t));
        mu_t1 = b1 * (1 - 0.5 * pow(0.96, 0.004 * (t + 1)));
        m_new = s->m_cache * mu_t;
        m_next = m_new * mu_t1;
        s->m_cache = m_new;
    }
    for (int i = 0; i < N; i++) {
        double gi = g[i];
        switch (opt) {
        case DNNR_UPDATE_SGD:
            s->w[i] -= lr * gi;
            break;
        case DNNR_UPDATE_SGD_MOMENTUM: /* Keras SGD(momentum = 0.9) */
            s->s1[i] = 0.9 * s->s1[i] - lr * gi;
            s->w[i] += s->s1[i];
            break;
        case DNNR_UPDATE_RMSPROP:
            s->s1[i] = 0.9 * s->s1[i] + 0.1 * gi * gi;
            s->w[i] -= lr * gi / (sqrt(s->s1[i]) + eps);
            break;
        case DNNR_UPDATE_ADAGRAD:
            s->s1[i] += gi * gi;
            s->w[i] -= lr * gi / (sqrt(s->s1[i]) + eps);
            break;
        case DNNR_UPDATE_ADADELTA: {
            s->s1[i] = 0.95 * s->s1[i] + 0.05 * gi * gi;
            double upd = sqrt(s->s2[i] + eps) / sqrt(s->s1[i] + eps) * gi;
            s->s2[i] = 0.95 * s->s2[i] + 0.05 * upd * upd;
            s->w[i] -= lr * upd;
            break;
        }
        case DNNR_UPDATE_ADAM: {
            s->s1[i] = b1 * s->s1[i] + (1 - b1) * gi;
            s->s2[i] = b2 * s->s2[i] + (1 - b2) * gi * gi;
            double lr_t = lr * sqrt(1 - pow(b2, t)) / (1 - pow(b1, t));
            s->w[i] -= lr_t * s->s1[i] / (sqrt(s->s2[i]) + eps);
            break;
        }
        case DNNR_UPDATE_ADAMAX:
            s->s1[i] = b1 * s->s1[i] + (1 - b1) * gi;
            s->s2[i] = fmax(b2 * s->s2[i], fabs(gi));
            s->w[i] -= lr / (1 - pow(b1, t)) * s->s1[i] / (s->s2[i] + eps);
            break;
        case DNNR_UPDATE_NADAM: {
            double lr_t = lr; /* Nadam's _prepare_local does not decay lr */
            s->s1[i] = b1 * s->s1[i] + (1 - b1) * gi;
            s->s2[i] = b2 * s->s2[i] + (1 - b2) * gi * gi;
            double g_prime = gi / (1 - m_new);
            double m_prime = s->s1[i] / (1 - m_next);
            double v_prime = s->s2[i] / (1 - pow(b2, t));
            double m_bar = (1 - mu_t) * g_prime + mu_t1 * m_prime;
            s->w[i] -= lr_t * m_bar / (sqrt(v_prime) + eps);
            break;
        }
        }
    }
}

typedef struct rig {
    fixture_backend fb;
    dnnr__device dev;
    dnnr_buffer *w, *g, *s1, *s2, *pen;
    dnnr_plan *plan;
} rig;

static void rig_open(rig *r, dnnr_optimizer opt, double l1, double l2, const float *w0,
                     const float *s1_0)
{
    dnnr_error err = {{0}};
    r->fb = fixture_backend_open();
    ck_assert(dnnr__device_open(&r->dev, r->fb.iface, r->fb.host, 1, &err) == DNNR_OK);
    dnnr_buffer **bufs[] = {&r->w, &r->g, &r->s1, &r->s2, &r->pen};
    for (int i = 0; i < 5; i++)
        ck_assert(dnnr__device_alloc(&r->dev, sizeof(float) * N, bufs[i], &err) == DNNR_OK);
    dnnr__device_upload(&r->dev, r->w, 0, w0, sizeof(float) * N, &err);
    if (s1_0)
        dnnr__device_upload(&r->dev, r->s1, 0, s1_0, sizeof(float) * N, &err);
    dnnr_op_desc d = {.struct_size = sizeof d, .op = DNNR_OP_UPDATE};
    d.n_dims[0] = 1;
    d.dims[0][0] = N;
    dnnr__optim_describe(opt, &d);
    if (opt == DNNR_UPDATE_SGD_MOMENTUM)
        d.alpha = 0.9f; /* the momentum comes from a trial's extras */
    d.scalar[0] = l1;
    d.scalar[1] = l2;
    ck_assert_msg(dnnr__device_plan(&r->dev, &d, &r->plan, &err) == DNNR_OK, "%s", err.msg);
}

static void rig_close(rig *r)
{
    dnnr__device_plan_free(&r->dev, r->plan);
    dnnr_buffer *bufs[] = {r->w, r->g, r->s1, r->s2, r->pen};
    for (int i = 0; i < 5; i++)
        dnnr__device_free(&r->dev, bufs[i]);
    dnnr__device_close(&r->dev);
    fixture_backend_close(&r->fb);
}

static const float w0[N] = {0.5f, -0.3f, 0.0f, 1.2f, -2.0f};

static void gradient_at(int t, double *g)
{
    for (int i = 0; i < N; i++)
        g[i] = sin(1.7 * (i + 1) + 0.9 * t) * (i == 2 ? 1e-3 : 1.0);
}

START_TEST(each_optimizer_matches_tf_rules)
{
    dnnr_optimizer opt = (dnnr_optimizer)_i;
    const double lr = opt == DNNR_UPDATE_ADADELTA ? 1.0 : 0.05;
    float s1_0[N];
    for (int i = 0; i < N; i++)
        s1_0[i] = opt == DNNR_UPDATE_ADAGRAD ? 0.1f : 0.0f;
    rig r;
    rig_open(&r, opt, 0, 0, w0, s1_0);
    ref_state ref = {.m_cache = 1.0};
    for (int i = 0; i < N; i++) {
        ref.w[i] = w0[i];
        ref.s1[i] = s1_0[i];
    }
    dnnr__optim_clock clock;
    dnnr__optim_clock_init(&clock);
    dnnr_error err = {{0}};
    for (int t = 1; t <= 4; t++) {
        double g[N];
        float gf[N];
        gradient_at(t, g);
        for (int i = 0; i < N; i++)
            gf[i] = (float)g[i];
        dnnr__device_upload(&r.dev, r.g, 0, gf, sizeof gf, &err);
        dnnr_run_args args;
        dnnr__optim_next(&clock, opt, lr, &args);
        dnnr_buffer *ops[] = {r.w, r.g, r.s1, r.s2};
        ck_assert(dnnr__device_run(&r.dev, r.plan, ops, 4, &args, &err) == DNNR_OK);
        ref_step(opt, lr, t, &ref, g);
        float w[N];
        dnnr__device_download(&r.dev, w, r.w, 0, sizeof w, &err);
        for (int i = 0; i < N; i++)
            ck_assert_msg(fabs(w[i] - ref.w[i]) <= 1e-5 * (1 + fabs(ref.w[i])),
                          "%s step %d w[%d]: %.8f vs %.8f", dnnr__keras_optimizer_name(opt), t, i,
                          (double)w[i], ref.w[i]);
    }
    rig_close(&r);
}
END_TEST

START_TEST(first_steps_by_hand)
{
    /* Adam's first step moves every weight by lr * |g| sqrt(0.001) / (|g| sqrt(0.001) + eps) */
    rig r;
    rig_open(&r, DNNR_UPDATE_ADAM, 0, 0, w0, NULL);
    dnnr__optim_clock clock;
    dnnr__optim_clock_init(&clock);
    dnnr_error err = {{0}};
    float g[N] = {1.0f, -2.0f, 0.5f, 0.0f, 4.0f};
    dnnr__device_upload(&r.dev, r.g, 0, g, sizeof g, &err);
    dnnr_run_args args;
    dnnr__optim_next(&clock, DNNR_UPDATE_ADAM, 0.01, &args);
    dnnr_buffer *ops[] = {r.w, r.g, r.s1, r.s2};
    dnnr__device_run(&r.dev, r.plan, ops, 4, &args, &err);
    float w[N];
    dnnr__device_download(&r.dev, w, r.w, 0, sizeof w, &err);
    for (int i = 0; i < N; i++) {
        double a = fabs(g[i]) * sqrt(0.001);
        double expect = w0[i] - 0.01 * ((g[i] > 0) - (g[i] < 0)) * a / (a + 1e-7);
        ck_assert_msg(fabs(w[i] - expect) < 1e-6, "adam w[%d] %g vs %g", i, (double)w[i], expect);
    }
    rig_close(&r);
    /* RMSprop's first step: w -= lr g / (sqrt(0.1 g^2) + eps) */
    rig_open(&r, DNNR_UPDATE_RMSPROP, 0, 0, w0, NULL);
    dnnr__optim_clock_init(&clock);
    dnnr__device_upload(&r.dev, r.g, 0, g, sizeof g, &err);
    dnnr__optim_next(&clock, DNNR_UPDATE_RMSPROP, 0.001, &args);
    dnnr_buffer *ops2[] = {r.w, r.g, r.s1, r.s2};
    dnnr__device_run(&r.dev, r.plan, ops2, 4, &args, &err);
    dnnr__device_download(&r.dev, w, r.w, 0, sizeof w, &err);
    for (int i = 0; i < N; i++) {
        double expect = w0[i] - 0.001 * g[i] / (sqrt(0.1 * g[i] * g[i]) + 1e-7);
        ck_assert_msg(fabs(w[i] - expect) < 1e-6, "rmsprop w[%d] %g vs %g", i, (double)w[i], expect);
    }
    rig_close(&r);
}
END_TEST

START_TEST(regularizers_fused)
{
    /* SGD with L1L2(0.01, 0.01): g' = g + 0.01 sign(w) + 0.02 w; penalty before the update */
    rig r;
    rig_open(&r, DNNR_UPDATE_SGD, 0.01, 0.01, w0, NULL);
    dnnr__optim_clock clock;
    dnnr__optim_clock_init(&clock);
    dnnr_error err = {{0}};
    float g[N] = {0.1f, 0.2f, -0.3f, 0.0f, 0.5f};
    dnnr__device_upload(&r.dev, r.g, 0, g, sizeof g, &err);
    dnnr_run_args args;
    dnnr__optim_next(&clock, DNNR_UPDATE_SGD, 0.5, &args);
    dnnr_buffer *ops[] = {r.w, r.g, r.s1, r.s2, r.pen};
    ck_assert(dnnr__device_run(&r.dev, r.plan, ops, 5, &args, &err) == DNNR_OK);
    float w[N], pen;
    dnnr__device_download(&r.dev, w, r.w, 0, sizeof w, &err);
    dnnr__device_download(&r.dev, &pen, r.pen, 0, sizeof pen, &err);
    double expect_pen = 0;
    for (int i = 0; i < N; i++) {
        double wi = w0[i];
        expect_pen += 0.01 * fabs(wi) + 0.01 * wi * wi;
        double gp = g[i] + 0.01 * ((wi > 0) - (wi < 0)) + 0.02 * wi;
        ck_assert_double_eq_tol(w[i], wi - 0.5 * gp, 1e-6);
    }
    ck_assert_double_eq_tol(pen, expect_pen, 1e-6);
    /* a missing penalty operand is refused */
    ck_assert(dnnr__device_run(&r.dev, r.plan, ops, 4, &args, &err) != DNNR_OK);
    rig_close(&r);
}
END_TEST

START_TEST(momentum_by_hand)
{
    /* Keras SGD(lr 0.1, momentum 0.5): v = m v - lr g; w += v. Two steps:
     * v1 = -0.1 g1, w1 = w0 + v1; v2 = 0.5 v1 - 0.1 g2, w2 = w1 + v2. */
    dnnr_error err = {{0}};
    rig r;
    rig_open(&r, DNNR_UPDATE_SGD, 0, 0, w0, NULL);
    dnnr__device_plan_free(&r.dev, r.plan);
    dnnr_op_desc d = {.struct_size = sizeof d, .op = DNNR_OP_UPDATE};
    d.n_dims[0] = 1;
    d.dims[0][0] = N;
    d.algorithm = DNNR_UPDATE_SGD_MOMENTUM;
    d.alpha = 0.5f;
    ck_assert(dnnr__device_plan(&r.dev, &d, &r.plan, &err) == DNNR_OK);
    const float g1[N] = {1, -2, 0.5f, 0, 4}, g2[N] = {-1, -1, 1, 2, 0};
    dnnr_run_args args = {.struct_size = sizeof args, .scalar = {0.1}};
    dnnr_buffer *ops[] = {r.w, r.g, r.s1, r.s2};
    dnnr__device_upload(&r.dev, r.g, 0, g1, sizeof g1, &err);
    ck_assert(dnnr__device_run(&r.dev, r.plan, ops, 4, &args, &err) == DNNR_OK);
    dnnr__device_upload(&r.dev, r.g, 0, g2, sizeof g2, &err);
    ck_assert(dnnr__device_run(&r.dev, r.plan, ops, 4, &args, &err) == DNNR_OK);
    float w[N], v[N];
    dnnr__device_download(&r.dev, w, r.w, 0, sizeof w, &err);
    dnnr__device_download(&r.dev, v, r.s1, 0, sizeof v, &err);
    for (int i = 0; i < N; i++) {
        double v1 = -0.1 * g1[i], v2 = 0.5 * v1 - 0.1 * g2[i];
        ck_assert_double_eq_tol(v[i], v2, 1e-6);
        ck_assert_double_eq_tol(w[i], w0[i] + v1 + v2, 1e-6);
    }
    /* plain SGD would have moved w by -0.1 (g1 + g2): the momentum term is visible */
    ck_assert(fabs(w[4] - (w0[4] - 0.1 * (g1[4] + g2[4]))) > 0.1);
    rig_close(&r);
}
END_TEST

START_TEST(clipvalue_on_one_update)
{
    /* clipvalue 9.5 with L2(0.01): g' = clip(g + 0.02 w, -9.5, 9.5), then
     * SGD(lr 0.1) without the regulariser (it was added before the clip). */
    dnnr_error err = {{0}};
    rig r;
    rig_open(&r, DNNR_UPDATE_SGD, 0, 0, w0, NULL);
    dnnr_op_desc c = {.struct_size = sizeof c, .op = DNNR_OP_GRAD_CLIP};
    c.n_dims[0] = 1;
    c.dims[0][0] = N;
    c.alpha = 9.5f;
    c.scalar[1] = 0.01;
    dnnr_plan *clip = NULL;
    ck_assert(dnnr__device_plan(&r.dev, &c, &clip, &err) == DNNR_OK);
    const float g[N] = {20, -15, 9.49f, -0.25f, 1e6f};
    dnnr__device_upload(&r.dev, r.g, 0, g, sizeof g, &err);
    dnnr_buffer *cops[] = {r.w, r.g, r.pen};
    ck_assert(dnnr__device_run(&r.dev, clip, cops, 3, NULL, &err) == DNNR_OK);
    dnnr_run_args args = {.struct_size = sizeof args, .scalar = {0.1}};
    dnnr_buffer *ops[] = {r.w, r.g, r.s1, r.s2};
    ck_assert(dnnr__device_run(&r.dev, r.plan, ops, 4, &args, &err) == DNNR_OK);
    float w[N], pen;
    dnnr__device_download(&r.dev, w, r.w, 0, sizeof w, &err);
    dnnr__device_download(&r.dev, &pen, r.pen, 0, sizeof pen, &err);
    double expect_pen = 0;
    for (int i = 0; i < N; i++) {
        double gp = g[i] + 0.02 * w0[i];
        double clipped = gp < -9.5 ? -9.5 : (gp > 9.5 ? 9.5 : gp);
        ck_assert_double_eq_tol(w[i], w0[i] - 0.1 * clipped, 1e-6);
        expect_pen += 0.01 * (double)w0[i] * w0[i];
    }
    ck_assert_double_eq_tol(pen, expect_pen, 1e-6);
    /* the huge gradient moved its weight by lr * c, not lr * 1e6 */
    ck_assert_double_eq_tol(w[4], w0[4] - 0.95, 1e-6);
    /* a bound of 0 is refused (0 means "no clipping": the engine plans none) */
    dnnr_plan *bad = NULL;
    c.alpha = 0;
    ck_assert(dnnr__device_plan(&r.dev, &c, &bad, &err) != DNNR_OK);
    dnnr__device_plan_free(&r.dev, clip);
    rig_close(&r);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("engine_optim");
    TCase *tc = tcase_create("optim");
    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, each_optimizer_matches_tf_rules, 0, 8);
    tcase_add_test(tc, momentum_by_hand);
    tcase_add_test(tc, clipvalue_on_one_update);
    tcase_add_test(tc, first_steps_by_hand);
    tcase_add_test(tc, regularizers_fused);
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
