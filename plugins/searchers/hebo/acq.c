#include "acq.h"

#include <float.h>
#include <math.h>

#define PI 3.14159265358979323846
#define LN_SQRT_2PI 0.91893853320467274178

double hebo_kappa(size_t n_obs, size_t q, size_t d, double upsilon, double delta)
{
    size_t t = q ? n_obs / q : n_obs;
    if (t < 1)
        t = 1;
    double v = (2.0 + (double)d / 2.0) * log((double)t) + log(3.0 * PI * PI / (3.0 * delta));
    return sqrt(2.0 * upsilon * v);
}

void hebo_mace(double mu, double sigma, double tau, double kappa, double eps, double nu,
               double xi1, double xi2, double out[3])
{
    double s = sigma > FLT_EPSILON ? sigma : FLT_EPSILON;
    out[0] = (mu + nu * xi1) - kappa * s;
    double z = (tau - eps - mu - nu * xi2) / s;
    double cdf = 0.5 * erfc(-z / sqrt(2.0));
    double pdf = exp(-0.5 * z * z - LN_SQRT_2PI);
    double ei = s * (z * cdf + pdf);
    double log_ei = log(ei), log_pi = log(cdf);
    if (!(z > -6.0) || !isfinite(log_ei) || !isfinite(log_pi)) {
        /* Mills-ratio asymptotics: EI and PI underflow long before their logs do. */
        log_ei = log(s) - 0.5 * z * z - log(z * z - 1.0);
        log_pi = -0.5 * z * z - log(-z) - LN_SQRT_2PI;
    }
    out[1] = -log_ei;
    out[2] = -log_pi;
}
