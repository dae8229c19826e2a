/* The analytic test functions (see functions.h for domains and optima). */
#include "functions.h"

#include <assert.h>
#include <math.h>

#define TF_PI 3.14159265358979323846

double tf_branin_distorted(const double x[2], double distortion)
{
    const double b = 5.1 / (4.0 * TF_PI * TF_PI) - 0.1 * distortion;
    const double c = 5.0 / TF_PI;
    const double r = 6.0;
    const double s = 10.0;
    const double t = 1.0 / (8.0 * TF_PI);
    double inner = x[1] - b * x[0] * x[0] + c * x[0] - r;
    return inner * inner + s * (1.0 - t) * cos(x[0]) + s;
}

double tf_branin(const double x[2]) { return tf_branin_distorted(x, 0.0); }

/* Hartmann: -sum_i alpha_i exp(-sum_j A_ij (x_j - P_ij)^2), four terms. */
static const double hartmann_alpha[4] = {1.0, 1.2, 3.0, 3.2};

static double hartmann(const double *x, size_t d, const double *a, const double *p)
{
    double sum = 0.0;
    for (size_t i = 0; i < 4; i++) {
        double exponent = 0.0;
        for (size_t j = 0; j < d; j++) {
            double diff = x[j] - p[i * d + j];
            exponent += a[i * d + j] * diff * diff;
        }
        sum += hartmann_alpha[i] * exp(-exponent);
    }
    return -sum;
}

double tf_hartmann6(const double x[6])
{
    static const double a[4 * 6] = {
        10, 3, 17, 3.5, 1.7, 8,  /**/ 0.05, 10, 17, 0.1, 8, 14,
        3, 3.5, 1.7, 10, 17, 8, /**/ 17, 8, 0.05, 10, 0.1, 14,
    };
    static const double p[4 * 6] = {
        0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886, /**/
        0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991, /**/
        0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650, /**/
        0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381,
    };
    return hartmann(x, 6, a, p);
}

double tf_hartmann3(const double x[3])
{
    static const double a[4 * 3] = {3, 10, 30, 0.1, 10, 35, 3, 10, 30, 0.1, 10, 35};
    static const double p[4 * 3] = {
        0.3689, 0.1170, 0.2673, /**/ 0.4699, 0.4387, 0.7470, /**/
        0.1091, 0.8732, 0.5547, /**/ 0.0381, 0.5743, 0.8828,
    };
    return hartmann(x, 3, a, p);
}

double tf_rosenbrock(const double *x, size_t d)
{
    double sum = 0.0;
    for (size_t i = 0; i + 1 < d; i++) {
        double valley = x[i + 1] - x[i] * x[i];
        double to_one = 1.0 - x[i];
        sum += 100.0 * valley * valley + to_one * to_one;
    }
    return sum;
}

double tf_ackley(const double *x, size_t d)
{
    const double a = 20.0, b = 0.2, c = 2.0 * TF_PI;
    double squares = 0.0, cosines = 0.0;
    for (size_t i = 0; i < d; i++) {
        squares += x[i] * x[i];
        cosines += cos(c * x[i]);
    }
    double n = (double)d;
    double value = -a * exp(-b * sqrt(squares / n)) - exp(cosines / n) + a + exp(1.0);
    /* At the origin the terms cancel to within rounding (about 4e-16, of
     * either sign); report the exact minimum rather than a negative regret. */
    return value < 0.0 ? 0.0 : value;
}

const char *const tf_mixed_kinds[TF_MIXED_N_KINDS] = {"a", "b", "c"};

double tf_mixed(int64_t kind, int64_t n, double x, double lr)
{
    static const double offset[TF_MIXED_N_KINDS] = {1.0, 0.0, 0.5};
    static const double shift[TF_MIXED_N_KINDS] = {-2.0, 1.5, 3.0};
    assert(kind >= 0 && kind < TF_MIXED_N_KINDS);
    double dx = x - shift[kind];
    double dn = (double)(n - 7);
    double dlr = log10(lr) + 3.0;
    return offset[kind] + dx * dx + 0.1 * dn * dn + dlr * dlr;
}

double tf_fidelity_distortion(double budget, double min_budget, double max_budget)
{
    return (sqrt(max_budget / budget) - 1.0) / (sqrt(max_budget / min_budget) - 1.0);
}

double tf_fidelity_noise_scale(double budget, double min_budget, double max_budget)
{
    double ratio = min_budget / max_budget;
    return (min_budget / budget - ratio) / (1.0 - ratio);
}
