/* The oneDNN backend against naive C references: dense and convolution
 * forward (NHWC, Keras kernels, TF 'same'/'valid' padding, strides),
 * pooling, softmax and the Keras activation formulas at known points; plus
 * the buffer and plan contract (bounds, operand counts, plan reuse,
 * dropout's thread-independent masks). */
#include "engine_fixture.h"
#include "engine/backend.h"

typedef struct bk {
    fixture_backend fb;
    dnnr__device dev;
} bk;

static void bk_open(bk *k, uint32_t threads)
{
    dnnr_error err = {{0}};
    k->fb = fixture_backend_open();
    ck_assert_msg(dnnr__device_open(&k->dev, k->fb.iface, k->fb.host, threads, &err) == DNNR_OK,
                  "%s", err.msg);
}

static void bk_close(bk *k)
{
    dnnr__device_close(&k->dev);
    fixture_backend_close(&k->fb);
}

static dnnr_buffer *buf_from(bk *k, const float *data, int64_t n)
{
    dnnr_buffer *b;
    dnnr_error err = {{0}};
    ck_assert(dnnr__device_alloc(&k->dev, sizeof(float) * (size_t)n, &b, &err) == DNNR_OK);
    if (data)
        ck_assert(dnnr__device_upload(&k->dev, b, 0, data, sizeof(float) * (size_t)n, &err) == DNNR_OK);
    return b;
}

static float *rand_floats(int64_t n, uint64_t key)
{
    float *v = malloc(sizeof(float) * (size_t)n);
    dnnr_rng r;
    dnnr_rng_init(&r, key);
    for (int64_t i = 0; i < n; i++)
        v[i] = (float)(2 * dnnr_rng_uniform(&r) - 1);
    return v;
}

static void run_op(bk *k, const dnnr_op_desc *d, dnnr_buffer **ops, uint32_t n,
                   const dnnr_run_args *args)
{
    dnnr_plan *p;
    dnnr_error err = {{0}};
    ck_assert_msg(dnnr__device_plan(&k->dev, d, &p, &err) == DNNR_OK, "%s", err.msg);
    ck_assert_msg(dnnr__device_run(&k->dev, p, ops, n, args, &err) == DNNR_OK, "%s", err.msg);
    dnnr__device_plan_free(&k->dev, p);
}

static void expect_close(bk *k, dnnr_buffer *b, const float *want, int64_t n, const char *what)
{
    float *got = malloc(sizeof(float) * (size_t)n);
    dnnr_error err = {{0}};
    dnnr__device_download(&k->dev, got, b, 0, sizeof(float) * (size_t)n, &err);
    for (int64_t i = 0; i < n; i++)
        ck_assert_msg(fabsf(got[i] - want[i]) <= 1e-4f * (1 + fabsf(want[i])), "%s[%lld]: %g vs %g",
                      what, (long long)i, (double)got[i], (double)want[i]);
    free(got);
}

/* TF output length and leading padding */
static int64_t tf_out(int64_t in, int64_t k, int64_t s, int same, int64_t *lo, int64_t *hi)
{
    if (!same) {
        *lo = *hi = 0;
        return (in - k) / s + 1;
    }
    int64_t out = (in + s - 1) / s, total = (out - 1) * s + k - in;
    total = total < 0 ? 0 : total;
    *lo = total / 2;
    *hi = total - *lo;
    return out;
}

START_TEST(conv_forward_matches_reference)
{
    static const struct {
        int64_t n, h, w, c, kh, kw, f, sh, sw;
        int same;
    } g[] = {{2, 7, 6, 3, 3, 3, 4, 1, 1, 0}, {2, 7, 6, 3, 3, 2, 5, 2, 1, 1},
             {1, 8, 8, 2, 5, 5, 3, 2, 2, 1}, {3, 5, 5, 1, 2, 2, 2, 1, 1, 1}};
    const int i = _i;
    bk k;
    bk_open(&k, 2);
    int64_t pt, pb, pl, pr;
    int64_t oh = tf_out(g[i].h, g[i].kh, g[i].sh, g[i].same, &pt, &pb);
    int64_t ow = tf_out(g[i].w, g[i].kw, g[i].sw, g[i].same, &pl, &pr);
    int64_t nx = g[i].n * g[i].h * g[i].w * g[i].c, nw = g[i].kh * g[i].kw * g[i].c * g[i].f;
    int64_t ny = g[i].n * oh * ow * g[i].f;
    float *x = rand_floats(nx, 1), *w = rand_floats(nw, 2), *b = rand_floats(g[i].f, 3);
    float *y = calloc((size_t)ny, sizeof(float));
    for (int64_t n = 0; n < g[i].n; n++)
        for (int64_t a = 0; a < oh; a++)
            for (int64_t bb = 0; bb < ow; bb++)
                for (int64_t f = 0; f < g[i].f; f++) {
                    double acc = b[f];
                    for (int64_t u = 0; u < g[i].kh; u++)
                        for (int64_t v = 0; v < g[i].kw; v++) {
                            int64_t hh = a * g[i].sh + u - pt, ww = bb * g[i].sw + v - pl;
                            if (hh < 0 || hh >= g[i].h || ww < 0 || ww >= g[i].w)
                                continue;
                            for (int64_t c = 0; c < g[i].c; c++)
                                acc += (double)x[((n * g[i].h + hh) * g[i].w + ww) * g[i].c + c] *
                                       w[((u * g[i].kw + v) * g[i].c + c) * g[i].f + f];
                        }
                    y[((n * oh + a) * ow + bb) * g[i].f + f] = (float)acc;
                }
    dnnr_op_desc d = {.struct_size = sizeof d, .op = DNNR_OP_CONV_FWD};
    d.n_dims[0] = d.n_dims[1] = d.n_dims[2] = 4;
    int64_t xd[4] = {g[i].n, g[i].h, g[i].w, g[i].c}, wd[4] = {g[i].kh, g[i].kw, g[i].c, g[i].f};
    int64_t yd[4] = {g[i].n, oh, ow, g[i].f};
    memcpy(d.dims[0], xd, sizeof xd);
    memcpy(d.dims[1], wd, sizeof wd);
    memcpy(d.dims[2], yd, sizeof yd);
    d.stride[0] = g[i].sh;
    d.stride[1] = g[i].sw;
    d.padding[0] = pt;
    d.padding[1] = pb;
    d.padding[2] = pl;
    d.padding[3] = pr;
    dnnr_buffer *ops[4] = {buf_from(&k, x, nx), buf_from(&k, w, nw), buf_from(&k, b, g[i].f),
                           buf_from(&k, NULL, ny)};
    run_op(&k, &d, ops, 4, NULL);
    expect_close(&k, ops[3], y, ny, "conv");
    for (int j = 0; j < 4; j++)
        dnnr__device_free(&k.dev, ops[j]);
    free(x);
    free(w);
    free(b);
    free(y);
    bk_close(&k);
}
END_TEST

/* CONV_FWD_ACT: the convolution then its activation; unfusable ones refused */
START_TEST(conv_with_activation)
{
    bk k;
    bk_open(&k, 1);
    const int64_t nx = 2 * 5 * 5 * 2, nw = 3 * 3 * 2 * 3, ny = 2 * 3 * 3 * 3;
    float *x = rand_floats(nx, 21), *w = rand_floats(nw, 22), *b = rand_floats(3, 23);
    dnnr_op_desc d = {.struct_size = sizeof d, .op = DNNR_OP_CONV_FWD};
    d.n_dims[0] = d.n_dims[1] = d.n_dims[2] = 4;
    int64_t xd[4] = {2, 5, 5, 2}, wd[4] = {3, 3, 2, 3}, yd[4] = {2, 3, 3, 3};
    memcpy(d.dims[0], xd, sizeof xd);
    memcpy(d.dims[1], wd, sizeof wd);
    memcpy(d.dims[2], yd, sizeof yd);
    d.stride[0] = d.stride[1] = 1;
    dnnr_buffer *ops[4] = {buf_from(&k, x, nx), buf_from(&k, w, nw), buf_from(&k, b, 3),
                           buf_from(&k, NULL, ny)};
    run_op(&k, &d, ops, 4, NULL);
    float plain[54], want[54];
    dnnr_error err = {{0}};
    dnnr__device_download(&k.dev, plain, ops[3], 0, sizeof plain, &err);
    static const dnnr_eltwise_alg algs[] = {DNNR_ELTWISE_RELU, DNNR_ELTWISE_TANH,
                                            DNNR_ELTWISE_SIGMOID, DNNR_ELTWISE_ELU};
    for (size_t a = 0; a < sizeof algs / sizeof algs[0]; a++) {
        for (int i = 0; i < 54; i++) {
            float v = plain[i];
            want[i] = algs[a] == DNNR_ELTWISE_RELU    ? (v > 0 ? v : 0)
                      : algs[a] == DNNR_ELTWISE_TANH  ? tanhf(v)
                      : algs[a] == DNNR_ELTWISE_SIGMOID ? 1 / (1 + expf(-v))
                                                        : (v > 0 ? v : expm1f(v));
        }
        dnnr_op_desc f = d;
        f.op = DNNR_OP_CONV_FWD_ACT;
        f.algorithm = algs[a];
        f.alpha = 1.0f;
        run_op(&k, &f, ops, 4, NULL);
        expect_close(&k, ops[3], want, ny, "conv + activation");
    }
    dnnr_op_desc bad = d;
    bad.op = DNNR_OP_CONV_FWD_ACT;
    bad.algorithm = DNNR_ELTWISE_SOFTPLUS;
    ck_assert(!dnnr__device_supports(&k.dev, &bad));
    for (int j = 0; j < 4; j++)
        dnnr__device_free(&k.dev, ops[j]);
    free(x);
    free(w);
    free(b);
    bk_close(&k);
}
END_TEST

START_TEST(dense_and_pool_and_softmax)
{
    bk k;
    bk_open(&k, 2);
    /* dense: y = x w + b with w [I, O] */
    const int64_t N = 3, I = 5, O = 4;
    float *x = rand_floats(N * I, 4), *w = rand_floats(I * O, 5), *b = rand_floats(O, 6);
    float y[12];
    for (int64_t n = 0; n < N; n++)
        for (int64_t o = 0; o < O; o++) {
            double acc = b[o];
            for (int64_t i = 0; i < I; i++)
                acc += (double)x[n * I + i] * w[i * O + o];
            y[n * O + o] = (float)acc;
        }
    dnnr_op_desc d = {.struct_size = sizeof d, .op = DNNR_OP_DENSE_FWD};
    d.n_dims[0] = d.n_dims[1] = 2;
    d.dims[0][0] = N;
    d.dims[0][1] = I;
    d.dims[1][0] = I;
    d.dims[1][1] = O;
    dnnr_buffer *ops[4] = {buf_from(&k, x, N * I), buf_from(&k, w, I * O), buf_from(&k, b, O),
                           buf_from(&k, NULL, N * O)};
    run_op(&k, &d, ops, 4, NULL);
    expect_close(&k, ops[3], y, N * O, "dense");
    /* softmax over rows of that output */
    float sm[12];
    for (int64_t n = 0; n < N; n++) {
        double s = 0;
        for (int64_t o = 0; o < O; o++)
            s += exp(y[n * O + o]);
        for (int64_t o = 0; o < O; o++)
            sm[n * O + o] = (float)(exp(y[n * O + o]) / s);
    }
    dnnr_op_desc sd = {.struct_size = sizeof sd, .op = DNNR_OP_SOFTMAX_FWD};
    sd.n_dims[0] = 2;
    sd.dims[0][0] = N;
    sd.dims[0][1] = O;
    dnnr_buffer *sops[2] = {ops[3], ops[1]};
    run_op(&k, &sd, sops, 2, NULL);
    expect_close(&k, ops[1], sm, N * O, "softmax");
    for (int j = 0; j < 4; j++)
        dnnr__device_free(&k.dev, ops[j]);
    free(x);
    free(w);
    free(b);

    /* 3x3 max pool, stride 2, 'same' on 1x5x5x2: padding excluded */
    float *px = rand_floats(50, 7);
    float want_max[18], want_avg[18];
    for (int a = 0; a < 3; a++)
        for (int bb = 0; bb < 3; bb++)
            for (int c = 0; c < 2; c++) {
                float m = -INFINITY;
                double s = 0;
                int cnt = 0;
                for (int u = 0; u < 3; u++)
                    for (int v = 0; v < 3; v++) {
                        int hh = 2 * a + u - 1, ww = 2 * bb + v - 1;
                        if (hh < 0 || hh >= 5 || ww < 0 || ww >= 5)
                            continue;
                        float val = px[(hh * 5 + ww) * 2 + c];
                        m = val > m ? val : m;
                        s += val;
                        cnt++;
                    }
                want_max[(a * 3 + bb) * 2 + c] = m;
                want_avg[(a * 3 + bb) * 2 + c] = (float)(s / cnt);
            }
    dnnr_op_desc pd = {.struct_size = sizeof pd, .op = DNNR_OP_POOL_FWD};
    pd.n_dims[0] = pd.n_dims[2] = 4;
    int64_t xd[4] = {1, 5, 5, 2}, yd[4] = {1, 3, 3, 2};
    memcpy(pd.dims[0], xd, sizeof xd);
    memcpy(pd.dims[2], yd, sizeof yd);
    pd.kernel[0] = pd.kernel[1] = 3;
    pd.stride[0] = pd.stride[1] = 2;
    pd.padding[0] = pd.padding[1] = pd.padding[2] = pd.padding[3] = 1;
    dnnr_buffer *pops[3] = {buf_from(&k, px, 50), buf_from(&k, NULL, 18), buf_from(&k, NULL, 18)};
    run_op(&k, &pd, pops, 3, NULL);
    expect_close(&k, pops[1], want_max, 18, "max pool");
    pd.algorithm = DNNR_POOL_AVG;
    run_op(&k, &pd, pops, 3, NULL);
    expect_close(&k, pops[1], want_avg, 18, "avg pool");
    for (int j = 0; j < 3; j++)
        dnnr__device_free(&k.dev, pops[j]);
    free(px);
    bk_close(&k);
}
END_TEST

/* algorithm 1 (mostly-zero inputs) must give the dense product's results */
START_TEST(dense_sparse_inputs)
{
    bk k;
    bk_open(&k, 2);
    const int64_t N = 5, I = 300, O = 7;
    for (int dense_batch = 0; dense_batch < 2; dense_batch++) {
        float *x = calloc((size_t)(N * I), sizeof(float));
        dnnr_rng r;
        dnnr_rng_init(&r, 11 + (uint64_t)dense_batch);
        for (int64_t i = 0; i < N * I; i++)
            if (dnnr_rng_uniform(&r) < (dense_batch ? 0.5 : 0.03))
                x[i] = (float)(dnnr_rng_uniform(&r) + 0.5);
        float *w = rand_floats(I * O, 12), *b = rand_floats(O, 13), *dy = rand_floats(N * O, 14);
        float y[35], db[7], *dw = calloc((size_t)(I * O), sizeof(float));
        for (int64_t n = 0; n < N; n++)
            for (int64_t o = 0; o < O; o++) {
                double acc = b[o];
                for (int64_t i = 0; i < I; i++)
                    acc += (double)x[n * I + i] * w[i * O + o];
                y[n * O + o] = (float)acc;
            }
        for (int64_t i = 0; i < I; i++)
            for (int64_t o = 0; o < O; o++) {
                double acc = 0;
                for (int64_t n = 0; n < N; n++)
                    acc += (double)x[n * I + i] * dy[n * O + o];
                dw[i * O + o] = (float)acc;
            }
        for (int64_t o = 0; o < O; o++) {
            double acc = 0;
            for (int64_t n = 0; n < N; n++)
                acc += dy[n * O + o];
            db[o] = (float)acc;
        }
        dnnr_op_desc d = {.struct_size = sizeof d, .op = DNNR_OP_DENSE_FWD, .algorithm = 1};
        d.n_dims[0] = d.n_dims[1] = 2;
        d.dims[0][0] = N;
        d.dims[0][1] = I;
        d.dims[1][0] = I;
        d.dims[1][1] = O;
        dnnr_buffer *ops[4] = {buf_from(&k, x, N * I), buf_from(&k, w, I * O), buf_from(&k, b, O),
                               buf_from(&k, NULL, N * O)};
        run_op(&k, &d, ops, 4, NULL);
        expect_close(&k, ops[3], y, N * O, dense_batch ? "dense batch forward" : "sparse forward");
        d.op = DNNR_OP_DENSE_BWD_WEIGHTS;
        dnnr_buffer *gops[4] = {ops[0], buf_from(&k, dy, N * O), buf_from(&k, NULL, I * O),
                                buf_from(&k, NULL, O)};
        /* a stale gradient must be overwritten, not added to */
        float *junk = rand_floats(I * O, 15);
        dnnr_error err = {{0}};
        dnnr__device_upload(&k.dev, gops[2], 0, junk, sizeof(float) * (size_t)(I * O), &err);
        run_op(&k, &d, gops, 4, NULL);
        expect_close(&k, gops[2], dw, I * O, dense_batch ? "dense batch dw" : "sparse dw");
        expect_close(&k, gops[3], db, O, "db");
        for (int j = 0; j < 4; j++)
            dnnr__device_free(&k.dev, ops[j]);
        for (int j = 1; j < 4; j++)
            dnnr__device_free(&k.dev, gops[j]);
        free(x);
        free(w);
        free(b);
        free(dy);
        free(dw);
        free(junk);
    }
    bk_close(&k);
}
END_TEST

START_TEST(activation_formulas)
{
    bk k;
    bk_open(&k, 1);
    const float x[5] = {-3.0f, -1.0f, 0.0f, 0.5f, 3.0f};
    struct {
        dnnr_eltwise_alg alg;
        float y[5];
    } cases[] = {
        {DNNR_ELTWISE_RELU, {0, 0, 0, 0.5f, 3}},
        {DNNR_ELTWISE_ELU, {expf(-3) - 1, expf(-1) - 1, 0, 0.5f, 3}},
        {DNNR_ELTWISE_SELU, {1.0507009873554805f * 1.6732632423543772f * (expf(-3) - 1),
                             1.0507009873554805f * 1.6732632423543772f * (expf(-1) - 1), 0,
                             1.0507009873554805f * 0.5f, 1.0507009873554805f * 3}},
        {DNNR_ELTWISE_SOFTPLUS, {log1pf(expf(-3)), log1pf(expf(-1)), logf(2), log1pf(expf(0.5f)), log1pf(expf(3))}},
        {DNNR_ELTWISE_SOFTSIGN, {-0.75f, -0.5f, 0, 1.0f / 3, 0.75f}},
        {DNNR_ELTWISE_TANH, {tanhf(-3), tanhf(-1), 0, tanhf(0.5f), tanhf(3)}},
        {DNNR_ELTWISE_SIGMOID, {1 / (1 + expf(3)), 1 / (1 + expf(1)), 0.5f, 1 / (1 + expf(-0.5f)), 1 / (1 + expf(-3))}},
        {DNNR_ELTWISE_HARD_SIGMOID, {0, 0.3f, 0.5f, 0.6f, 1}},
        {DNNR_ELTWISE_EXP, {expf(-3), expf(-1), 1, expf(0.5f), expf(3)}},
        {DNNR_ELTWISE_LINEAR, {-3, -1, 0, 0.5f, 3}},
    };
    dnnr_buffer *in = buf_from(&k, x, 5), *out = buf_from(&k, NULL, 5);
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        dnnr_op_desc d = {.struct_size = sizeof d, .op = DNNR_OP_ELTWISE_FWD};
        d.n_dims[0] = 1;
        d.dims[0][0] = 5;
        d.algorithm = cases[c].alg;
        d.alpha = 1.0f;
        dnnr_buffer *ops[2] = {in, out};
        run_op(&k, &d, ops, 2, NULL);
        expect_close(&k, out, cases[c].y, 5, "activation");
    }
    dnnr__device_free(&k.dev, in);
    dnnr__device_free(&k.dev, out);
    bk_close(&k);
}
END_TEST

START_TEST(contract)
{
    bk k;
    bk_open(&k, 1);
    dnnr_error err = {{0}};
    dnnr_buffer *b = buf_from(&k, NULL, 4);
    float v[8] = {0};
    ck_assert(dnnr__device_upload(&k.dev, b, 8, v, 16, &err) != DNNR_OK); /* past the end */
    ck_assert(strstr(err.msg, "outside") != NULL);
    ck_assert(dnnr__device_download(&k.dev, v, b, 0, 16, &err) == DNNR_OK);
    /* too few operands */
    dnnr_op_desc d = {.struct_size = sizeof d, .op = DNNR_OP_ELTWISE_FWD};
    d.n_dims[0] = 1;
    d.dims[0][0] = 4;
    dnnr_plan *p;
    ck_assert(dnnr__device_plan(&k.dev, &d, &p, &err) == DNNR_OK);
    dnnr_buffer *ops[2] = {b, b};
    ck_assert(dnnr__device_run(&k.dev, p, ops, 1, NULL, &err) != DNNR_OK);
    ck_assert(strstr(err.msg, "needs 2 operands") != NULL);
    /* a plan is reusable */
    for (int i = 0; i < 3; i++)
        ck_assert(dnnr__device_run(&k.dev, p, ops, 2, NULL, &err) == DNNR_OK);
    dnnr__device_plan_free(&k.dev, p);
    /* shapes that cannot be planned are refused, not crashed on */
    dnnr_op_desc bad = {.struct_size = sizeof bad, .op = DNNR_OP_DENSE_FWD};
    bad.n_dims[0] = bad.n_dims[1] = 2;
    bad.dims[0][0] = 2;
    bad.dims[0][1] = 3;
    bad.dims[1][0] = 4;
    bad.dims[1][1] = 1;
    ck_assert(!dnnr__device_supports(&k.dev, &bad));
    ck_assert_int_eq(dnnr__device_plan(&k.dev, &bad, &p, &err), DNNR_EUNSUPPORTED);
    dnnr_op_desc unknown = {.struct_size = sizeof unknown, .op = (dnnr_op)999};
    ck_assert(!dnnr__device_supports(&k.dev, &unknown));
    dnnr__device_free(&k.dev, b);
    bk_close(&k);
}
END_TEST

/* The dropout mask depends on (key, counter) only. */
static void dropout_mask(uint32_t threads, float *mask, int64_t n)
{
    bk k;
    bk_open(&k, threads);
    float *x = rand_floats(n, 9);
    dnnr_buffer *ops[3] = {buf_from(&k, x, n), buf_from(&k, NULL, n), buf_from(&k, NULL, n)};
    dnnr_op_desc d = {.struct_size = sizeof d, .op = DNNR_OP_DROPOUT_FWD};
    d.n_dims[0] = 1;
    d.dims[0][0] = n;
    d.alpha = 0.25f;
    dnnr_run_args args = {.struct_size = sizeof args, .key = 1234, .counter = 0};
    run_op(&k, &d, ops, 3, &args);
    dnnr_error err = {{0}};
    dnnr__device_download(&k.dev, mask, ops[2], 0, sizeof(float) * (size_t)n, &err);
    for (int j = 0; j < 3; j++)
        dnnr__device_free(&k.dev, ops[j]);
    free(x);
    bk_close(&k);
}

START_TEST(dropout_independent_of_threads)
{
    const int64_t n = 100003;
    float *a = malloc(sizeof(float) * n), *b = malloc(sizeof(float) * n);
    dropout_mask(1, a, n);
    dropout_mask(2, b, n);
    int64_t kept = 0;
    for (int64_t i = 0; i < n; i++) {
        ck_assert(a[i] == b[i]);
        ck_assert(a[i] == 0.0f || fabsf(a[i] - 1.0f / 0.75f) < 1e-6f);
        kept += a[i] != 0;
    }
    /* the documented rule: word i % 4 of Philox(key, counter + i / 4), 24-bit uniform */
    for (int64_t i = 0; i < n; i += 997) {
        uint32_t w[4];
        dnnr_philox4x32(1234, (uint64_t)(i / 4), w);
        float u = (float)(w[i % 4] >> 8) * (1.0f / 16777216.0f);
        ck_assert(a[i] == (u >= 0.25f ? 1.0f / 0.75f : 0.0f));
    }
    double share = (double)kept / (double)n; /* 0.75 +- 4 sd */
    ck_assert_msg(fabs(share - 0.75) < 4 * sqrt(0.75 * 0.25 / n), "kept %g", share);
    free(a);
    free(b);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("backend_onednn");
    TCase *tc = tcase_create("onednn");
    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, conv_forward_matches_reference, 0, 4);
    tcase_add_test(tc, dense_and_pool_and_softmax);
    tcase_add_test(tc, conv_with_activation);
    tcase_add_test(tc, dense_sparse_inputs);
    tcase_add_test(tc, activation_formulas);
    tcase_add_test(tc, contract);
    tcase_add_test(tc, dropout_independent_of_threads);
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
