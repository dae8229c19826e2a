#include "kernel.h"
#include "linalg.h"

#include <math.h>
#include <string.h>

#define SQRT3 1.7320508075688772
/* Pairs per block of cross_columns: four accumulators each on the stack. */
#define CROSS_BLOCK 128

double hebo_matern32(const double *x, const double *y, const double *ls, size_t dims,
                     double variance)
{
    double r2 = 0.0;
    for (size_t j = 0; j < dims; j++) {
        double d = (x[j] - y[j]) / ls[j];
        r2 += d * d;
    }
    double sr = SQRT3 * sqrt(r2);
    return variance * (1.0 + sr) * exp(-sr);
}

/* Both the matrix and the cross vector need the same per-pair arithmetic. */
HEBO_BODY double pair_value(const double *a, const double *b, size_t dims, const double *inv_ls2,
                         double lin_var, double mat_var, double *e_out)
{
    double dot0 = 0.0, dot1 = 0.0, r0 = 0.0, r1 = 0.0;
    size_t j = 0;
    for (; j + 2 <= dims; j += 2) { /* two partial sums of each: see linalg.c */
        double d0 = a[j] - b[j], d1 = a[j + 1] - b[j + 1];
        dot0 += a[j] * b[j];
        dot1 += a[j + 1] * b[j + 1];
        r0 += d0 * d0 * inv_ls2[j];
        r1 += d1 * d1 * inv_ls2[j + 1];
    }
    if (j < dims) {
        double d0 = a[j] - b[j];
        dot0 += a[j] * b[j];
        r0 += d0 * d0 * inv_ls2[j];
    }
    double dot = dot0 + dot1, r2 = r0 + r1;
    double sr = SQRT3 * sqrt(r2);
    double e = exp(-sr);
    if (e_out)
        *e_out = e;
    return lin_var * dot + mat_var * (1.0 + sr) * e;
}

/* Stack buffers bound D; the GP input width is checked against it at create. */
#define HEBO_MAX_DIMS 4096

HEBO_BODY void inverse_squares(const double *theta, size_t dims, double *inv_ls2)
{
    for (size_t j = 0; j < dims; j++) {
        double l = theta[HEBO_TH_LS(j)];
        inv_ls2[j] = 1.0 / (l * l);
    }
}

/* k(w*, w_i) for @p count pairs whose inputs are columns of @p wt (D rows of
 * @p stride); the same even/odd sums in the same order as pair_value, so
 * the results are bit-identical to it. @p e_out (may be NULL) receives
 * exp(-sqrt3 r). */
HEBO_BODY void cross_columns(const double *wstar, const double *wt, size_t count, size_t stride,
                             size_t dims, const double *inv_ls2, double lin, double mat,
                             double *out, double *e_out)
{
    for (size_t i0 = 0; i0 < count; i0 += CROSS_BLOCK) {
        size_t m = count - i0 < CROSS_BLOCK ? count - i0 : CROSS_BLOCK;
        double dot0[CROSS_BLOCK], dot1[CROSS_BLOCK], r0[CROSS_BLOCK], r1[CROSS_BLOCK];
        for (size_t i = 0; i < m; i++)
            dot0[i] = dot1[i] = r0[i] = r1[i] = 0.0;
        size_t j = 0;
        for (; j + 2 <= dims; j += 2) {
            const double *c0 = wt + j * stride + i0, *c1 = wt + (j + 1) * stride + i0;
            double a0 = wstar[j], a1 = wstar[j + 1], l0 = inv_ls2[j], l1 = inv_ls2[j + 1];
            for (size_t i = 0; i < m; i++) {
                double d0 = a0 - c0[i], d1 = a1 - c1[i];
                dot0[i] += a0 * c0[i];
                dot1[i] += a1 * c1[i];
                r0[i] += d0 * d0 * l0;
                r1[i] += d1 * d1 * l1;
            }
        }
        if (j < dims) {
            const double *c0 = wt + j * stride + i0;
            double a0 = wstar[j], l0 = inv_ls2[j];
            for (size_t i = 0; i < m; i++) {
                double d0 = a0 - c0[i];
                dot0[i] += a0 * c0[i];
                r0[i] += d0 * d0 * l0;
            }
        }
        for (size_t i = 0; i < m; i++) {
            double dot = dot0[i] + dot1[i], r2 = r0[i] + r1[i];
            double sr = SQRT3 * sqrt(r2);
            double e = exp(-sr);
            if (e_out)
                e_out[i0 + i] = e;
            out[i0 + i] = lin * dot + mat * (1.0 + sr) * e;
        }
    }
}

HEBO_BODY void kernel_matrix_body(const double *w, size_t n, size_t dims, const double *theta,
                                   double *k, double *e, double *wt)
{
    double inv_ls2[HEBO_MAX_DIMS];
    inverse_squares(theta, dims, inv_ls2);
    double lin = theta[HEBO_TH_LIN], mat = theta[HEBO_TH_MAT], noise = theta[HEBO_TH_NOISE];
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < dims; j++)
            wt[j * n + i] = w[i * dims + j];
    /* row i's pairs (i, q <= i) side by side, then mirrored */
    for (size_t i = 0; i < n; i++) {
        cross_columns(w + i * dims, wt, i + 1, n, dims, inv_ls2, lin, mat, k + i * n, e + i * n);
        for (size_t q = 0; q < i; q++) {
            k[q * n + i] = k[i * n + q];
            e[q * n + i] = e[i * n + q];
        }
        k[i * n + i] += noise;
    }
}

HEBO_BODY void kernel_cross_body(const double *wstar, const double *w, size_t n, size_t dims,
                                  const double *theta, double *out)
{
    double inv_ls2[HEBO_MAX_DIMS];
    inverse_squares(theta, dims, inv_ls2);
    for (size_t i = 0; i < n; i++)
        out[i] = pair_value(wstar, w + i * dims, dims, inv_ls2, theta[HEBO_TH_LIN],
                            theta[HEBO_TH_MAT], NULL);
}

double hebo_kernel_diag(const double *wstar, size_t dims, const double *theta)
{
    double dot = 0.0;
    for (size_t j = 0; j < dims; j++)
        dot += wstar[j] * wstar[j];
    return theta[HEBO_TH_LIN] * dot + theta[HEBO_TH_MAT];
}

HEBO_BODY void kernel_grad_body(const double *w, size_t n, size_t dims, const double *theta,
                                 const double *k, const double *e, double *g, double *g_theta,
                                 double *g_w, double *work)
{
    double lin = theta[HEBO_TH_LIN], mat = theta[HEBO_TH_MAT], noise = theta[HEBO_TH_NOISE];
    double *gw_lin = work;            /* G w            (n x D) */
    double *ew = work + n * dims;     /* E' w           (n x D) */
    double *es = work + 2 * n * dims; /* row sums of E' (n)     */

    /* tr(G K) and tr(G) give the variance and noise derivatives without
     * storing the Matern part separately; then G is overwritten by
     * E'_ik = G_ik * (-3 mat exp(-sqrt3 r_ik)), the common factor of the
     * lengthscale and input derivatives. */
    double tr_gk = 0.0, tr_g = 0.0;
    for (size_t i = 0; i < n; i++) {
        tr_g += g[i * n + i];
        for (size_t q = 0; q < n; q++)
            tr_gk += g[i * n + q] * k[i * n + q];
    }
    memset(gw_lin, 0, 2 * n * dims * sizeof *work);
    for (size_t i = 0; i < n; i++) {
        double *gwi = gw_lin + i * dims, *ewi = ew + i * dims;
        double rowsum = 0.0;
        for (size_t q = 0; q < n; q++) {
            double gik = g[i * n + q];
            double eik = gik * (-3.0 * mat * e[i * n + q]);
            rowsum += eik;
            const double *wq = w + q * dims;
            for (size_t j = 0; j < dims; j++) {
                gwi[j] += gik * wq[j];
                ewi[j] += eik * wq[j];
            }
        }
        es[i] = rowsum;
    }
    double g_lin = 0.0;
    for (size_t i = 0; i < n * dims; i++)
        g_lin += w[i] * gw_lin[i];
    g_lin *= 0.5;
    double g_noise = 0.5 * tr_g;
    g_theta[HEBO_TH_LIN] = g_lin;
    g_theta[HEBO_TH_NOISE] = g_noise;
    g_theta[HEBO_TH_MAT] = (0.5 * tr_gk - lin * g_lin - noise * g_noise) / mat;

    for (size_t j = 0; j < dims; j++) {
        double l = theta[HEBO_TH_LS(j)];
        double inv_l2 = 1.0 / (l * l);
        double acc = 0.0;
        for (size_t i = 0; i < n; i++) {
            double wij = w[i * dims + j];
            acc += wij * wij * es[i] - wij * ew[i * dims + j];
            g_w[i * dims + j] =
                lin * gw_lin[i * dims + j] + inv_l2 * (wij * es[i] - ew[i * dims + j]);
        }
        g_theta[HEBO_TH_LS(j)] = -acc * inv_l2 / l;
    }
}

HEBO_AVX2 static void kernel_matrix_avx2(const double *w, size_t n, size_t dims,
                                         const double *theta, double *k, double *e, double *wt)
{
    kernel_matrix_body(w, n, dims, theta, k, e, wt);
}
static void kernel_matrix_base(const double *w, size_t n, size_t dims, const double *theta,
                               double *k, double *e, double *wt)
{
    kernel_matrix_body(w, n, dims, theta, k, e, wt);
}
void hebo_kernel_matrix(const double *w, size_t n, size_t dims, const double *theta, double *k,
                        double *e, double *wt)
{
    if (HEBO_HAVE_AVX2())
        kernel_matrix_avx2(w, n, dims, theta, k, e, wt);
    else
        kernel_matrix_base(w, n, dims, theta, k, e, wt);
}

HEBO_AVX2 static void kernel_cross_avx2(const double *wstar, const double *w, size_t n,
                                        size_t dims, const double *theta, double *out)
{
    kernel_cross_body(wstar, w, n, dims, theta, out);
}
static void kernel_cross_base(const double *wstar, const double *w, size_t n, size_t dims,
                              const double *theta, double *out)
{
    kernel_cross_body(wstar, w, n, dims, theta, out);
}
void hebo_kernel_cross(const double *wstar, const double *w, size_t n, size_t dims,
                       const double *theta, double *out)
{
    if (HEBO_HAVE_AVX2())
        kernel_cross_avx2(wstar, w, n, dims, theta, out);
    else
        kernel_cross_base(wstar, w, n, dims, theta, out);
}

HEBO_AVX2 static void kernel_grad_avx2(const double *w, size_t n, size_t dims,
                                       const double *theta, const double *k, const double *e,
                                       double *g, double *g_theta, double *g_w, double *work)
{
    kernel_grad_body(w, n, dims, theta, k, e, g, g_theta, g_w, work);
}
static void kernel_grad_base(const double *w, size_t n, size_t dims, const double *theta,
                             const double *k, const double *e, double *g, double *g_theta,
                             double *g_w, double *work)
{
    kernel_grad_body(w, n, dims, theta, k, e, g, g_theta, g_w, work);
}
void hebo_kernel_grad(const double *w, size_t n, size_t dims, const double *theta,
                      const double *k, const double *e, double *g, double *g_theta, double *g_w,
                      double *work)
{
    if (HEBO_HAVE_AVX2())
        kernel_grad_avx2(w, n, dims, theta, k, e, g, g_theta, g_w, work);
    else
        kernel_grad_base(w, n, dims, theta, k, e, g, g_theta, g_w, work);
}

HEBO_BODY void kernel_cross_t_body(const double *wstar, const double *wt, size_t n, size_t dims,
                                   const double *theta, double *out)
{
    double inv_ls2[HEBO_MAX_DIMS];
    inverse_squares(theta, dims, inv_ls2);
    cross_columns(wstar, wt, n, n, dims, inv_ls2, theta[HEBO_TH_LIN], theta[HEBO_TH_MAT], out,
                  NULL);
}

HEBO_AVX2 static void kernel_cross_t_avx2(const double *wstar, const double *wt, size_t n,
                                          size_t dims, const double *theta, double *out)
{
    kernel_cross_t_body(wstar, wt, n, dims, theta, out);
}
static void kernel_cross_t_base(const double *wstar, const double *wt, size_t n, size_t dims,
                                const double *theta, double *out)
{
    kernel_cross_t_body(wstar, wt, n, dims, theta, out);
}
void hebo_kernel_cross_t(const double *wstar, const double *wt, size_t n, size_t dims,
                         const double *theta, double *out)
{
    if (HEBO_HAVE_AVX2())
        kernel_cross_t_avx2(wstar, wt, n, dims, theta, out);
    else
        kernel_cross_t_base(wstar, wt, n, dims, theta, out);
}
