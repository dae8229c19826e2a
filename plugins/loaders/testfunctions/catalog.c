/* The testfunctions subjects: parameters, start configurations and minima.
 *
 * Start configurations are the analogue of a faulty model: fixed, valid and
 * clearly poor, so that a repair (a better configuration) always exists.
 *
 *   function       params                   start                  f(start)  f*
 *   branin         x1 [-5,10], x2 [0,15]    (10, 15), a corner      145.872  0.397887
 *   hartmann6      x1..x6 [0,1]             centre (0.5, ...)        -0.505  -3.32237
 *   hartmann3      x1..x3 [0,1]             centre (0.5, ...)        -0.628  -3.86278
 *   rosenbrock     x1..xd [-5,10], d = 4    (-1.2, 1, -1.2, 1, ...)  532.4   0
 *   ackley         x1..xd [-32.768,32.768]  (16.384, ...), d = 5     21.489  0
 *   mixed          kind, n, x, lr           (a, 20, -5, 0.1)         30.9    0
 *   multifidelity  as branin                as branin              as branin
 *
 * The Rosenbrock start is the classical one (More, Garbow & Hillstrom 1981)
 * repeated; the Ackley start is half-way to the domain's edge, on its
 * outer plateau. f* values are the exact minima of the C functions: Branin's
 * is 5/(4 pi); the Hartmann ones were refined numerically from the published
 * argmins (pattern search to 1e-13) and agree with the published -3.32237 and
 * -3.86278 to their printed digits. */
#include "catalog.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "functions.h"

static const tf_function catalog[] = {
    {"branin", TF_BRANIN, 2, 2, 0.39788735772973816, 0},
    {"hartmann6", TF_HARTMANN6, 6, 6, -3.32236801141552, 0},
    {"hartmann3", TF_HARTMANN3, 3, 3, -3.86277978733266, 0},
    {"rosenbrock", TF_ROSENBROCK, 0, 4, 0.0, 0},
    {"ackley", TF_ACKLEY, 0, 5, 0.0, 0},
    {"mixed", TF_MIXED, 4, 4, 0.0, 0},
    {"multifidelity", TF_MULTIFIDELITY, 2, 2, 0.39788735772973816, 1},
};

const char tf_function_names[] =
    "branin, hartmann6, hartmann3, rosenbrock, ackley, mixed, multifidelity";

const tf_function *tf_function_find(const char *name)
{
    for (size_t i = 0; i < sizeof catalog / sizeof catalog[0]; i++)
        if (strcmp(catalog[i].name, name) == 0)
            return &catalog[i];
    return NULL;
}

static dnnr_param float_param(const char *name, double lo, double hi, double dflt)
{
    dnnr_param p = {0};
    p.struct_size = sizeof p;
    p.name = name;
    p.kind = DNNR_PARAM_FLOAT;
    p.lo = lo;
    p.hi = hi;
    p.default_value.f = dflt;
    return p;
}

/* The three functions on a box share one shape: x1..xd with equal bounds,
 * except Branin, whose two coordinates have their own ranges. */
static void describe_box(const tf_function *fn, uint32_t dim, dnnr_param *params, char *names,
                         dnnr_value *start)
{
    for (uint32_t i = 0; i < dim; i++) {
        char *name = names + (size_t)i * TF_NAME_MAX;
        snprintf(name, TF_NAME_MAX, "x%u", (unsigned)i + 1);
        double lo = 0.0, hi = 1.0, x0 = 0.5;
        switch (fn->kind) {
        case TF_BRANIN:
        case TF_MULTIFIDELITY:
            lo = i == 0 ? -5.0 : 0.0;
            hi = i == 0 ? 10.0 : 15.0;
            x0 = hi;
            break;
        case TF_HARTMANN6:
        case TF_HARTMANN3:
            break;
        case TF_ROSENBROCK:
            lo = -5.0;
            hi = 10.0;
            x0 = i % 2 == 0 ? -1.2 : 1.0;
            break;
        case TF_ACKLEY:
            lo = -32.768;
            hi = 32.768;
            x0 = 16.384;
            break;
        case TF_MIXED:
            assert(!"mixed is not a box function");
            break;
        }
        params[i] = float_param(name, lo, hi, x0);
        start[i].f = x0;
    }
}

static void describe_mixed(dnnr_param *params, dnnr_value *start)
{
    dnnr_param kind = {0};
    kind.struct_size = sizeof kind;
    kind.name = "kind";
    kind.kind = DNNR_PARAM_CATEGORICAL;
    kind.n_choices = TF_MIXED_N_KINDS;
    kind.choices = tf_mixed_kinds;
    kind.default_value.i = 0;

    dnnr_param n = {0};
    n.struct_size = sizeof n;
    n.name = "n";
    n.kind = DNNR_PARAM_INTEGER;
    n.lo = 1;
    n.hi = 20;
    n.default_value.i = 20;

    dnnr_param lr = float_param("lr", 1e-5, 1e-1, 1e-1);
    lr.log = 1;

    params[0] = kind;
    params[1] = n;
    params[2] = float_param("x", -5.0, 5.0, -5.0);
    params[3] = lr;
    for (int i = 0; i < 4; i++)
        start[i] = params[i].default_value;
}

void tf_function_describe(const tf_function *fn, uint32_t dim, dnnr_param *params, char *names,
                          dnnr_value *start)
{
    if (fn->kind == TF_MIXED)
        describe_mixed(params, start);
    else
        describe_box(fn, dim, params, names, start);
}

double tf_function_value(const tf_function *fn, uint32_t dim, const dnnr_value *config,
                         double distortion)
{
    double x[TF_MAX_DIM];
    assert(dim <= TF_MAX_DIM);
    if (fn->kind == TF_MIXED)
        return tf_mixed(config[0].i, config[1].i, config[2].f, config[3].f);
    for (uint32_t i = 0; i < dim; i++)
        x[i] = config[i].f;
    switch (fn->kind) {
    case TF_BRANIN:
        return tf_branin(x);
    case TF_MULTIFIDELITY:
        return tf_branin_distorted(x, distortion);
    case TF_HARTMANN6:
        return tf_hartmann6(x);
    case TF_HARTMANN3:
        return tf_hartmann3(x);
    case TF_ROSENBROCK:
        return tf_rosenbrock(x, dim);
    case TF_ACKLEY:
        return tf_ackley(x, dim);
    case TF_MIXED:
        break;
    }
    assert(!"unknown function");
    return 0.0;
}
