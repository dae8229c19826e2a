/* Keras (TF 2.3) initialisers. VarianceScaling's truncated normal divides
 * the standard deviation by 0.87962566103423978 (the sd of a unit normal cut
 * at +-2) and redraws anything beyond 2 sd, as TF's truncated_normal does. */
#include <math.h>
#include <stdio.h>

#include <dnnrepair/status.h>

#include "engine/init.h"
#include "util/alloc.h"

#define TRUNC_SD_CORRECTION 0.87962566103423978

void dnnr__init_fans(int rank, const int64_t *shape, double *fan_in, double *fan_out)
{
    if (rank < 1) {
        *fan_in = *fan_out = 1;
    } else if (rank == 1) {
        *fan_in = *fan_out = (double)shape[0];
    } else if (rank == 2) {
        *fan_in = (double)shape[0];
        *fan_out = (double)shape[1];
    } else {
        double area = 1;
        for (int i = 0; i < rank - 2; i++)
            area *= (double)shape[i];
        *fan_in = (double)shape[rank - 2] * area;
        *fan_out = (double)shape[rank - 1] * area;
    }
}

static double truncated(dnnr_rng *rng, double sd)
{
    double z;
    do
        z = dnnr_rng_normal(rng);
    while (fabs(z) > 2.0);
    return z * sd;
}

/* Dot product with four accumulators: a fixed order (repeatable) that still
 * keeps the floating-point units busy. */
__attribute__((optimize("O3"))) static double dot(const double *x, const double *y, int64_t n)
{
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int64_t i = 0;
    for (; i + 4 <= n; i += 4) {
        s0 += x[i] * y[i];
        s1 += x[i + 1] * y[i + 1];
        s2 += x[i + 2] * y[i + 2];
        s3 += x[i + 3] * y[i + 3];
    }
    for (; i < n; i++)
        s0 += x[i] * y[i];
    return (s0 + s1) + (s2 + s3);
}

/* Orthogonal (gain 1): QR of an m x n normal matrix (m >= n) by modified
 * Gram-Schmidt in double, columns stored contiguously so every pass streams
 * (Reuters' 10000 x 512 kernel takes about a second, not a minute). MGS
 * yields R with a positive diagonal, which is what TF's q *= sign(diag(r))
 * normalises to. Rows < cols: the transpose, as TF does. */
__attribute__((optimize("O3"))) static int orthogonal(float *w, int64_t rows, int64_t cols, dnnr_rng *rng)
{
    int64_t m = rows > cols ? rows : cols, n = rows > cols ? cols : rows;
    double *q = dnnr__alloc((size_t)(m * n), sizeof *q); /* column j at q + j*m */
    if (!q)
        return DNNR_ENOMEM;
    for (int64_t i = 0; i < m; i++)
        for (int64_t j = 0; j < n; j++)
            q[j * m + i] = dnnr_rng_normal(rng);
    for (int64_t j = 0; j < n; j++) {
        double *v = q + j * m;
        for (int64_t k = 0; k < j; k++) {
            const double *u = q + k * m;
            double r = dot(u, v, m);
            for (int64_t i = 0; i < m; i++)
                v[i] -= r * u[i];
        }
        double norm = sqrt(dot(v, v, m));
        for (int64_t i = 0; i < m; i++)
            v[i] = norm > 0 ? v[i] / norm : 0;
    }
    for (int64_t r = 0; r < rows; r++)
        for (int64_t c = 0; c < cols; c++)
            w[r * cols + c] = (float)(rows >= cols ? q[c * m + r] : q[r * m + c]);
    dnnr__free(q);
    return DNNR_OK;
}

int dnnr__init_fill(dnnr_initializer kind, float *w, int rank, const int64_t *shape,
                    dnnr_rng *rng, char *why, size_t why_len)
{
    int64_t count = 1;
    for (int i = 0; i < rank; i++)
        count *= shape[i];
    double fan_in, fan_out;
    dnnr__init_fans(rank, shape, &fan_in, &fan_out);
    double fan_avg = (fan_in + fan_out) / 2;
    double limit = 0, sd = 0;
    enum { CONST, UNIFORM, NORMAL, TRUNC } how = CONST;
    double value = 0;
    switch (kind) {
    case DNNR_INIT_ZEROS:
    case DNNR_INIT_CONSTANT:
        value = 0;
        break;
    case DNNR_INIT_ONES:
        value = 1;
        break;
    case DNNR_INIT_RANDOM_NORMAL:
        how = NORMAL, sd = 0.05;
        break;
    case DNNR_INIT_NORMAL_1:
        how = NORMAL, sd = 1.0;
        break;
    case DNNR_INIT_NORMAL_0_1:
        how = NORMAL, sd = 0.1;
        break;
    case DNNR_INIT_RANDOM_UNIFORM:
        how = UNIFORM, limit = 0.05;
        break;
    case DNNR_INIT_TRUNCATED_NORMAL:
        how = TRUNC, sd = 0.05;
        break;
    case DNNR_INIT_LECUN_UNIFORM:
        how = UNIFORM, limit = sqrt(3.0 / fan_in);
        break;
    case DNNR_INIT_GLOROT_UNIFORM:
        how = UNIFORM, limit = sqrt(3.0 / fan_avg);
        break;
    case DNNR_INIT_HE_UNIFORM:
        how = UNIFORM, limit = sqrt(6.0 / fan_in);
        break;
    case DNNR_INIT_LECUN_NORMAL:
        how = TRUNC, sd = sqrt(1.0 / fan_in) / TRUNC_SD_CORRECTION;
        break;
    case DNNR_INIT_GLOROT_NORMAL:
        how = TRUNC, sd = sqrt(1.0 / fan_avg) / TRUNC_SD_CORRECTION;
        break;
    case DNNR_INIT_HE_NORMAL:
        how = TRUNC, sd = sqrt(2.0 / fan_in) / TRUNC_SD_CORRECTION;
        break;
    case DNNR_INIT_ORTHOGONAL:
        if (rank < 2) {
            snprintf(why, why_len,
                     "the orthogonal initializer needs a tensor of rank >= 2, got a %d-D one", rank);
            return 1;
        }
        return orthogonal(w, count / shape[rank - 1], shape[rank - 1], rng);
    default:
        snprintf(why, why_len, "unknown initializer %d", (int)kind);
        return 1;
    }
    for (int64_t i = 0; i < count; i++) {
        switch (how) {
        case CONST:
            w[i] = (float)value;
            break;
        case UNIFORM:
            w[i] = (float)((2 * dnnr_rng_uniform(rng) - 1) * limit);
            break;
        case NORMAL:
            w[i] = (float)(dnnr_rng_normal(rng) * sd);
            break;
        case TRUNC:
            w[i] = (float)truncated(rng, sd);
            break;
        }
    }
    return DNNR_OK;
}
