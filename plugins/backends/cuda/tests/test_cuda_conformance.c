/* Every operation of the cuda backend against the onednn backend on random
 * inputs (ggml's test-backend-ops idea): the same little program of plan
 * runs goes to both backends, and the listed buffers must agree within a
 * float tolerance (exactly, for pooling indices and dropout masks). Shapes
 * cover M1's and the CIFAR CNN's layers, TF 'same' padding with an odd total
 * (asymmetric), strides, overlapping pooling windows with ties, every
 * activation, both batch-norm modes, every optimiser with and without
 * regularisation over several steps, and dropout masks.
 *
 * Prints one line per case; exits 0 when all agree, 1 otherwise, 77 (skip)
 * without a GPU. */
#include <math.h>
#include <string.h>

#include "gpu_harness.h"

enum { MAX_BUFS = 10, MAX_STEPS = 8 };
enum fill { F_ZERO, F_RAND, F_POS, F_QUANT, F_ONES };

typedef struct step {
    dnnr_op_desc d;
    int ops[8];
    uint32_t n_ops;
    dnnr_run_args args;
    int has_args;
    int repeat;
} step;

typedef struct program {
    char name[128];
    int64_t size[MAX_BUFS]; /* floats */
    enum fill fill[MAX_BUFS];
    int n_bufs;
    step steps[MAX_STEPS];
    int n_steps;
    int compare[MAX_BUFS]; /* 0: no, 1: float tolerance, 2: exact bits */
    double rtol, atol;
} program;

static gpu_dev cpu, gpu;
static int failures, cases, unrepeatable;

static void fill_host(float *v, int64_t n, enum fill f, uint64_t key)
{
    dnnr_rng r;
    dnnr_rng_init(&r, key);
    for (int64_t i = 0; i < n; i++) {
        double u = dnnr_rng_uniform(&r);
        switch (f) {
        case F_ZERO: v[i] = 0; break;
        case F_ONES: v[i] = 1; break;
        case F_RAND: v[i] = (float)(2 * u - 1); break;
        case F_POS: v[i] = (float)(0.5 + u); break;
        case F_QUANT: v[i] = (float)floor(8 * u) / 4.0f - 1.0f; break; /* ties */
        }
    }
}

/* Runs p on dev; returns the buffers (host copies), or NULL on error. */
static float **run_program(gpu_dev *g, const program *p)
{
    dnnr_error err = {{0}};
    dnnr_buffer *bufs[MAX_BUFS] = {0};
    float **out = calloc(MAX_BUFS, sizeof *out);
    int ok = 1;
    for (int i = 0; ok && i < p->n_bufs; i++) {
        size_t bytes = sizeof(float) * (size_t)p->size[i];
        out[i] = malloc(bytes);
        fill_host(out[i], p->size[i], p->fill[i], 1000 + (uint64_t)i);
        ok = dnnr__device_alloc(&g->dev, bytes, &bufs[i], &err) == DNNR_OK &&
             dnnr__device_upload(&g->dev, bufs[i], 0, out[i], bytes, &err) == DNNR_OK;
    }
    for (int s = 0; ok && s < p->n_steps; s++) {
        const step *st = &p->steps[s];
        dnnr_plan *plan = NULL;
        ok = dnnr__device_plan(&g->dev, &st->d, &plan, &err) == DNNR_OK;
        dnnr_buffer *ops[8];
        for (uint32_t k = 0; k < st->n_ops; k++)
            ops[k] = bufs[st->ops[k]];
        for (int r = 0; ok && r < (st->repeat ? st->repeat : 1); r++) {
            dnnr_run_args a = st->args;
            a.counter += (uint64_t)r * 1000;
            ok = dnnr__device_run(&g->dev, plan, ops, st->n_ops, st->has_args ? &a : NULL,
                                  &err) == DNNR_OK;
        }
        dnnr__device_plan_free(&g->dev, plan);
    }
    for (int i = 0; ok && i < p->n_bufs; i++)
        ok = dnnr__device_download(&g->dev, out[i], bufs[i], 0,
                                   sizeof(float) * (size_t)p->size[i], &err) == DNNR_OK;
    for (int i = 0; i < p->n_bufs; i++)
        dnnr__device_free(&g->dev, bufs[i]);
    if (!ok) {
        printf("  %s: %s\n", g->dev.host == cpu.host ? "onednn" : "cuda", err.msg);
        for (int i = 0; i < MAX_BUFS; i++)
            free(out[i]);
        free(out);
        return NULL;
    }
    return out;
}

static void check(const program *p)
{
    cases++;
    float **want = run_program(&cpu, p), **got = run_program(&gpu, p);
    int bad = !want || !got;
    double worst = 0;
    char where[160] = "";
    for (int i = 0; !bad && i < p->n_bufs; i++) {
        if (!p->compare[i])
            continue;
        for (int64_t j = 0; j < p->size[i]; j++) {
            float a = got[i][j], b = want[i][j];
            if (p->compare[i] == 2) {
                if (memcmp(&a, &b, sizeof a) != 0) {
                    snprintf(where, sizeof where, "buffer %d [%lld]: %.9g vs %.9g (exact)", i,
                             (long long)j, (double)a, (double)b);
                    bad = 1;
                    break;
                }
                continue;
            }
            double e = fabs((double)a - b) / (p->atol + p->rtol * fabs((double)b));
            if (!(e <= 1.0)) { /* NaN fails too */
                snprintf(where, sizeof where, "buffer %d [%lld]: cuda %.9g vs onednn %.9g", i,
                         (long long)j, (double)a, (double)b);
                bad = 1;
                break;
            }
            worst = e > worst ? e : worst;
        }
    }
    /* deterministic mode (the engine always asks): a second run must give
     * the same bits */
    float **again = bad ? NULL : run_program(&gpu, p);
    for (int i = 0; again && i < p->n_bufs; i++)
        if (p->compare[i] &&
            memcmp(again[i], got[i], sizeof(float) * (size_t)p->size[i]) != 0) {
            printf("NONDET %s: buffer %d differs between two identical cuda runs\n", p->name, i);
            unrepeatable++;
            break;
        }
    for (int i = 0; again && i < MAX_BUFS; i++)
        free(again[i]);
    free(again);
    if (bad)
        printf("FAIL %-62s %s\n", p->name, where);
    else
        printf("ok   %-62s worst error %.3f of the tolerance\n", p->name, worst);
    failures += bad;
    for (int i = 0; i < MAX_BUFS; i++) {
        if (want)
            free(want[i]);
        if (got)
            free(got[i]);
    }
    free(want);
    free(got);
}

static step mk(dnnr_op op)
{
    step s;
    memset(&s, 0, sizeof s);
    s.d.struct_size = sizeof s.d;
    s.d.op = op;
    s.args.struct_size = sizeof s.args;
    return s;
}

static void set_ops(step *s, int n, const int *ops)
{
    s->n_ops = (uint32_t)n;
    memcpy(s->ops, ops, sizeof(int) * (size_t)n);
}

static program prog(const char *name, double rtol, double atol)
{
    program p;
    memset(&p, 0, sizeof p);
    snprintf(p.name, sizeof p.name, "%s", name);
    p.rtol = rtol;
    p.atol = atol;
    return p;
}

static int add_buf(program *p, int64_t n, enum fill f, int compare)
{
    p->size[p->n_bufs] = n;
    p->fill[p->n_bufs] = f;
    p->compare[p->n_bufs] = compare;
    return p->n_bufs++;
}

static void dense_cases(int64_t n, int64_t in, int64_t out)
{
    char name[128];
    snprintf(name, sizeof name, "dense fwd/bwd N=%lld I=%lld O=%lld", (long long)n, (long long)in,
             (long long)out);
    /* error grows with the terms of each sum: inputs (forward) or rows (weights) */
    program p = prog(name, 1e-4, 1e-6 * (double)(in > n ? (in > out ? in : out) : n));
    int x = add_buf(&p, n * in, F_RAND, 0), w = add_buf(&p, in * out, F_RAND, 0),
        b = add_buf(&p, out, F_RAND, 0), y = add_buf(&p, n * out, F_ZERO, 1),
        dy = add_buf(&p, n * out, F_RAND, 0), dx = add_buf(&p, n * in, F_ZERO, 1),
        dw = add_buf(&p, in * out, F_ZERO, 1), db = add_buf(&p, out, F_ZERO, 1);
    dnnr_op ops[3] = {DNNR_OP_DENSE_FWD, DNNR_OP_DENSE_BWD_DATA, DNNR_OP_DENSE_BWD_WEIGHTS};
    int operands[3][4] = {{x, w, b, y}, {dy, w, dx}, {x, dy, dw, db}};
    int counts[3] = {4, 3, 4};
    for (int i = 0; i < 3; i++) {
        step s = mk(ops[i]);
        s.d.n_dims[0] = s.d.n_dims[1] = 2;
        s.d.dims[0][0] = n;
        s.d.dims[0][1] = in;
        s.d.dims[1][0] = in;
        s.d.dims[1][1] = out;
        set_ops(&s, counts[i], operands[i]);
        p.steps[p.n_steps++] = s;
    }
    check(&p);
}

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

/* act: 0, or 1 + the dnnr_eltwise_alg fused into the forward pass; then, as
 * the engine does, the activation's backward runs in place from the output
 * (x = y, dx = dy) before the convolution's backward passes. */
static void conv_case_act(int64_t n, int64_t h, int64_t w, int64_t c, int64_t kh, int64_t kw,
                          int64_t f, int64_t sh, int64_t sw, int same, int act)
{
    static const char *acts[] = {"", " +relu", " +elu", " +selu", " +softplus", " +softsign",
                                 " +tanh", " +sigmoid", " +hard_sigmoid", " +exp"};
    int64_t pt, pb, pl, pr;
    int64_t oh = tf_out(h, kh, sh, same, &pt, &pb), ow = tf_out(w, kw, sw, same, &pl, &pr);
    char name[128];
    snprintf(name, sizeof name, "conv fwd/bwd %lldx%lldx%lldx%lld k%lldx%lld f%lld s%lld,%lld %s%s%s",
             (long long)n, (long long)h, (long long)w, (long long)c, (long long)kh, (long long)kw,
             (long long)f, (long long)sh, (long long)sw, same ? "same" : "valid",
             (pt != pb || pl != pr) ? " (asym)" : "", act ? acts[act] : "");
    /* error grows with the terms of each sum: kernel taps (forward, backward
     * data) or output positions (weight gradients) */
    int64_t terms = kh * kw * (c > f ? c : f);
    terms = n * oh * ow > terms ? n * oh * ow : terms;
    program p = prog(name, 1e-4, 1e-6 * (double)terms);
    int x = add_buf(&p, n * h * w * c, F_RAND, 0), k = add_buf(&p, kh * kw * c * f, F_RAND, 0),
        b = add_buf(&p, f, F_RAND, 0), y = add_buf(&p, n * oh * ow * f, F_ZERO, 1),
        dy = add_buf(&p, n * oh * ow * f, F_RAND, act ? 1 : 0),
        dx = add_buf(&p, n * h * w * c, F_ZERO, 1), dk = add_buf(&p, kh * kw * c * f, F_ZERO, 1),
        db = add_buf(&p, f, F_ZERO, 1);
    dnnr_op ops[3] = {DNNR_OP_CONV_FWD, DNNR_OP_CONV_BWD_DATA, DNNR_OP_CONV_BWD_WEIGHTS};
    int operands[3][4] = {{x, k, b, y}, {dy, k, dx}, {x, dy, dk, db}};
    int counts[3] = {4, 3, 4};
    for (int i = 0; i < 3; i++) {
        step s = mk(ops[i]);
        s.d.n_dims[0] = s.d.n_dims[1] = s.d.n_dims[2] = 4;
        int64_t xd[4] = {n, h, w, c}, wd[4] = {kh, kw, c, f}, yd[4] = {n, oh, ow, f};
        memcpy(s.d.dims[0], xd, sizeof xd);
        memcpy(s.d.dims[1], wd, sizeof wd);
        memcpy(s.d.dims[2], yd, sizeof yd);
        s.d.stride[0] = sh;
        s.d.stride[1] = sw;
        s.d.padding[0] = pt;
        s.d.padding[1] = pb;
        s.d.padding[2] = pl;
        s.d.padding[3] = pr;
        if (i == 0 && act) {
            s.d.op = DNNR_OP_CONV_FWD_ACT;
            s.d.algorithm = (uint32_t)act - 1;
        }
        s.d.alpha = 1.0f;
        set_ops(&s, counts[i], operands[i]);
        p.steps[p.n_steps++] = s;
        if (i == 0 && act) {
            step a = mk(DNNR_OP_ELTWISE_BWD);
            a.d.n_dims[0] = 1;
            a.d.dims[0][0] = n * oh * ow * f;
            a.d.algorithm = (uint32_t)act - 1;
            a.d.alpha = 1.0f;
            int inplace[4] = {y, y, dy, dy};
            set_ops(&a, 4, inplace);
            p.steps[p.n_steps++] = a;
        }
    }
    check(&p);
}

static void conv_case(int64_t n, int64_t h, int64_t w, int64_t c, int64_t kh, int64_t kw,
                      int64_t f, int64_t sh, int64_t sw, int same)
{
    conv_case_act(n, h, w, c, kh, kw, f, sh, sw, same, 0);
}

static void pool_case(int alg, int64_t n, int64_t h, int64_t w, int64_t c, int64_t k, int64_t s,
                      int same)
{
    int64_t pt, pb, pl, pr;
    int64_t oh = tf_out(h, k, s, same, &pt, &pb), ow = tf_out(w, k, s, same, &pl, &pr);
    char name[128];
    snprintf(name, sizeof name, "%s pool fwd/bwd %lldx%lldx%lldx%lld k%lld s%lld %s (ties)",
             alg == DNNR_POOL_MAX ? "max" : "avg", (long long)n, (long long)h, (long long)w,
             (long long)c, (long long)k, (long long)s, same ? "same" : "valid");
    program p = prog(name, 1e-5, 1e-6);
    int x = add_buf(&p, n * h * w * c, F_QUANT, 0), y = add_buf(&p, n * oh * ow * c, F_ZERO, 1),
        ws = add_buf(&p, n * oh * ow * c, F_ZERO, alg == DNNR_POOL_MAX ? 2 : 0),
        dy = add_buf(&p, n * oh * ow * c, F_RAND, 0), dx = add_buf(&p, n * h * w * c, F_ZERO, 1);
    for (int i = 0; i < 2; i++) {
        step st = mk(i == 0 ? DNNR_OP_POOL_FWD : DNNR_OP_POOL_BWD);
        st.d.n_dims[0] = st.d.n_dims[2] = 4;
        int64_t xd[4] = {n, h, w, c}, yd[4] = {n, oh, ow, c};
        memcpy(st.d.dims[0], xd, sizeof xd);
        memcpy(st.d.dims[2], yd, sizeof yd);
        st.d.kernel[0] = st.d.kernel[1] = k;
        st.d.stride[0] = st.d.stride[1] = s;
        st.d.padding[0] = pt;
        st.d.padding[1] = pb;
        st.d.padding[2] = pl;
        st.d.padding[3] = pr;
        st.d.algorithm = (uint32_t)alg;
        int a = alg == DNNR_POOL_MAX ? ws : y;
        int fwd[3] = {x, y, a}, bwd[3] = {dy, a, dx};
        set_ops(&st, 3, i == 0 ? fwd : bwd);
        p.steps[p.n_steps++] = st;
    }
    check(&p);
}

static void eltwise_cases(void)
{
    static const char *names[] = {"linear", "relu", "elu", "selu", "softplus", "softsign",
                                  "tanh", "sigmoid", "hard_sigmoid", "exponential"};
    for (int alg = DNNR_ELTWISE_LINEAR; alg <= DNNR_ELTWISE_EXP; alg++) {
        char name[128];
        snprintf(name, sizeof name, "eltwise %s fwd/bwd (100,003 elements)", names[alg]);
        program p = prog(name, 2e-6, 1e-6);
        const int64_t n = 100003;
        int x = add_buf(&p, n, F_RAND, 0), y = add_buf(&p, n, F_ZERO, 1),
            dy = add_buf(&p, n, F_RAND, 0), dx = add_buf(&p, n, F_ZERO, 1);
        for (int i = 0; i < 2; i++) {
            step s = mk(i == 0 ? DNNR_OP_ELTWISE_FWD : DNNR_OP_ELTWISE_BWD);
            s.d.n_dims[0] = 1;
            s.d.dims[0][0] = n;
            s.d.algorithm = (uint32_t)alg;
            s.d.alpha = 1.0f;
            int fwd[2] = {x, y}, bwd[4] = {x, y, dy, dx};
            set_ops(&s, i == 0 ? 2 : 4, i == 0 ? fwd : bwd);
            p.steps[p.n_steps++] = s;
        }
        check(&p);
    }
}

static void softmax_case(int64_t rows, int64_t cols)
{
    char name[128];
    snprintf(name, sizeof name, "softmax fwd/bwd %lldx%lld", (long long)rows, (long long)cols);
    program p = prog(name, 1e-5, 1e-6);
    int x = add_buf(&p, rows * cols, F_RAND, 0), y = add_buf(&p, rows * cols, F_ZERO, 1),
        dy = add_buf(&p, rows * cols, F_RAND, 0), dx = add_buf(&p, rows * cols, F_ZERO, 1);
    for (int i = 0; i < 2; i++) {
        step s = mk(i == 0 ? DNNR_OP_SOFTMAX_FWD : DNNR_OP_SOFTMAX_BWD);
        s.d.n_dims[0] = 2;
        s.d.dims[0][0] = rows;
        s.d.dims[0][1] = cols;
        int fwd[2] = {x, y}, bwd[3] = {y, dy, dx};
        set_ops(&s, i == 0 ? 2 : 3, i == 0 ? fwd : bwd);
        p.steps[p.n_steps++] = s;
    }
    check(&p);
}

static void bnorm_case(int64_t rows, int64_t cols, int training)
{
    char name[128];
    snprintf(name, sizeof name, "batch norm fwd/bwd %lldx%lld %s", (long long)rows,
             (long long)cols, training ? "training" : "inference");
    program p = prog(name, 1e-4, 1e-5);
    int x = add_buf(&p, rows * cols, F_RAND, 0), gamma = add_buf(&p, cols, F_RAND, 0),
        beta = add_buf(&p, cols, F_RAND, 0),
        mean = add_buf(&p, cols, training ? F_ZERO : F_RAND, 1),
        var = add_buf(&p, cols, training ? F_ZERO : F_POS, 1),
        y = add_buf(&p, rows * cols, F_ZERO, 1), dy = add_buf(&p, rows * cols, F_RAND, 0),
        dx = add_buf(&p, rows * cols, F_ZERO, 1), dg = add_buf(&p, cols, F_ZERO, 1),
        db = add_buf(&p, cols, F_ZERO, 1);
    p.atol = 1e-5 * sqrt((double)rows);
    for (int i = 0; i < 2; i++) {
        step s = mk(i == 0 ? DNNR_OP_BNORM_FWD : DNNR_OP_BNORM_BWD);
        s.d.n_dims[0] = 2;
        s.d.dims[0][0] = rows;
        s.d.dims[0][1] = cols;
        s.d.epsilon = 1e-3f;
        s.d.algorithm = (uint32_t)training;
        int fwd[6] = {x, gamma, beta, mean, var, y}, bwd[8] = {x, dy, gamma, mean, var, dx, dg, db};
        set_ops(&s, i == 0 ? 6 : 8, i == 0 ? fwd : bwd);
        p.steps[p.n_steps++] = s;
    }
    check(&p);
}

static void update_cases(void)
{
    static const char *names[] = {"sgd",  "rmsprop", "adagrad", "adadelta",
                                  "adam", "adamax",  "nadam",   "sgd momentum"};
    for (int alg = DNNR_UPDATE_SGD; alg <= DNNR_UPDATE_SGD_MOMENTUM; alg++)
        for (int reg = 0; reg < 2; reg++) {
            char name[128];
            snprintf(name, sizeof name, "update %s%s, 5 steps (70,001 weights)", names[alg],
                     reg ? " + l1_l2" : "");
            program p = prog(name, 1e-4, 1e-5);
            const int64_t n = 70001;
            int w = add_buf(&p, n, F_RAND, 1), g = add_buf(&p, n, F_RAND, 1),
                s1 = add_buf(&p, n, alg == DNNR_UPDATE_ADAGRAD ? F_POS : F_ZERO, 1),
                s2 = add_buf(&p, n, F_ZERO, 1), pen = add_buf(&p, 1, F_ZERO, reg);
            step s = mk(DNNR_OP_UPDATE);
            s.d.n_dims[0] = 1;
            s.d.dims[0][0] = n;
            s.d.algorithm = (uint32_t)alg;
            s.d.alpha = alg == DNNR_UPDATE_ADADELTA ? 0.95f : 0.9f;
            s.d.beta = 0.999f;
            s.d.epsilon = 1e-7f;
            s.d.scalar[0] = reg ? 0.01 : 0;
            s.d.scalar[1] = reg ? 0.01 : 0;
            s.has_args = 1;
            s.args.scalar[0] = 0.01;
            s.args.scalar[1] = 0.1;
            s.args.scalar[2] = 0.2;
            s.args.scalar[3] = 0.001;
            s.args.scalar[4] = 0.9;
            s.args.scalar[5] = 0.91;
            s.repeat = 5;
            int ops[5] = {w, g, s1, s2, pen};
            set_ops(&s, reg ? 5 : 4, ops);
            p.steps[p.n_steps++] = s;
            check(&p);
        }
}

/* The optimiser's clipvalue (SDK 1.2): regulariser gradient, then the clamp. */
static void clip_cases(void)
{
    for (int reg = 0; reg < 2; reg++) {
        char name[128];
        snprintf(name, sizeof name, "gradient clip 0.3%s (70,001 weights)", reg ? " + l1_l2" : "");
        program p = prog(name, 1e-6, 1e-6);
        const int64_t n = 70001;
        int w = add_buf(&p, n, F_RAND, 0), g = add_buf(&p, n, F_RAND, 1),
            pen = add_buf(&p, 1, F_ZERO, reg);
        step s = mk(DNNR_OP_GRAD_CLIP);
        s.d.n_dims[0] = 1;
        s.d.dims[0][0] = n;
        s.d.alpha = 0.3f;
        s.d.scalar[0] = reg ? 0.01 : 0;
        s.d.scalar[1] = reg ? 0.01 : 0;
        int ops[3] = {w, g, pen};
        set_ops(&s, reg ? 3 : 2, ops);
        p.steps[p.n_steps++] = s;
        check(&p);
    }
}

static void dropout_case(int64_t n, float rate)
{
    char name[128];
    snprintf(name, sizeof name, "dropout fwd/bwd rate %.2f (%lld elements, masks bit-exact)",
             (double)rate, (long long)n);
    program p = prog(name, 0, 0);
    int x = add_buf(&p, n, F_RAND, 0), y = add_buf(&p, n, F_ZERO, 2),
        mask = add_buf(&p, n, F_ZERO, 2), dy = add_buf(&p, n, F_RAND, 0),
        dx = add_buf(&p, n, F_ZERO, 2);
    for (int i = 0; i < 2; i++) {
        step s = mk(i == 0 ? DNNR_OP_DROPOUT_FWD : DNNR_OP_DROPOUT_BWD);
        s.d.n_dims[0] = 1;
        s.d.dims[0][0] = n;
        s.d.alpha = rate;
        s.has_args = 1;
        s.args.key = 0x1234567890abcdefull;
        s.args.counter = 42;
        int fwd[3] = {x, y, mask}, bwd[3] = {dy, mask, dx};
        set_ops(&s, 3, i == 0 ? fwd : bwd);
        p.steps[p.n_steps++] = s;
    }
    check(&p);
}

int main(void)
{
    gpu_require("test_cuda_conformance");
    if (gpu_dev_open(&cpu, dnnr_plugin_onednn_entry(), 0) || gpu_dev_open(&gpu, dnnr_plugin_cuda_entry(), 0))
        return 1;
    dense_cases(37, 53, 29);
    dense_cases(128, 9216, 128); /* M1's first dense layer */
    dense_cases(1, 1, 1);
    conv_case(2, 7, 6, 3, 3, 3, 4, 1, 1, 0);
    conv_case(2, 7, 6, 3, 3, 2, 5, 2, 1, 1);
    conv_case(1, 8, 8, 2, 5, 5, 3, 2, 2, 1);
    conv_case(3, 5, 5, 1, 2, 2, 2, 1, 1, 1);
    conv_case(16, 28, 28, 1, 3, 3, 32, 1, 1, 0);  /* M1 conv1 */
    conv_case(16, 26, 26, 32, 3, 3, 64, 1, 1, 0); /* M1 conv2 */
    conv_case(8, 32, 32, 3, 3, 3, 32, 1, 1, 1);   /* CIFAR conv1 */
    conv_case(4, 16, 16, 32, 3, 3, 64, 2, 2, 1);  /* strided 'same': asymmetric */
    /* the activations the engine fuses into convolutions */
    conv_case_act(4, 12, 12, 8, 3, 3, 16, 1, 1, 1, 1 + DNNR_ELTWISE_RELU);
    conv_case_act(4, 12, 12, 8, 3, 3, 16, 1, 1, 0, 1 + DNNR_ELTWISE_ELU);
    conv_case_act(4, 12, 12, 8, 3, 3, 16, 1, 1, 1, 1 + DNNR_ELTWISE_TANH);
    conv_case_act(4, 12, 12, 8, 3, 3, 16, 2, 2, 1, 1 + DNNR_ELTWISE_SIGMOID);
    conv_case_act(4, 12, 12, 8, 3, 3, 16, 1, 1, 0, 1 + DNNR_ELTWISE_EXP);
    pool_case(DNNR_POOL_MAX, 4, 24, 24, 64, 2, 2, 0);
    pool_case(DNNR_POOL_MAX, 2, 7, 9, 5, 3, 2, 1);
    pool_case(DNNR_POOL_MAX, 2, 6, 6, 3, 3, 1, 0);
    pool_case(DNNR_POOL_AVG, 2, 7, 9, 5, 3, 2, 1);
    pool_case(DNNR_POOL_AVG, 4, 24, 24, 16, 2, 2, 0);
    eltwise_cases();
    softmax_case(128, 10);
    softmax_case(7, 1000);
    bnorm_case(4096, 32, 1);
    bnorm_case(33, 50, 1);
    bnorm_case(33, 50, 0);
    update_cases();
    clip_cases();
    dropout_case(100003, 0.25f);
    dropout_case(7, 0.5f);
    printf("%d of %d conformance cases agree with the onednn backend; %d not repeatable "
           "bit for bit on the GPU\n", cases - failures, cases, unrepeatable);
    gpu_dev_close(&gpu);
    gpu_dev_close(&cpu);
    return failures ? 1 : 0;
}
