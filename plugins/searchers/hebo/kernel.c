#include "kernel.h"
#include "linalg.h"
#include "vmath.h"

#include <math.h>
#include <string.h>

#define SQRT3 1.7320508075688772

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
        dot0 = HEBO_FMA(a[j], b[j], dot0);
        dot1 = HEBO_FMA(a[j + 1], b[j + 1], dot1);
        r0 = HEBO_FMA(d0 * d0, inv_ls2[j], r0);
        r1 = HEBO_FMA(d1 * d1, inv_ls2[j + 1], r1);
    }
    if (j < dims) {
        double d0 = a[j] - b[j];
        dot0 = HEBO_FMA(a[j], b[j], dot0);
        r0 = HEBO_FMA(d0 * d0, inv_ls2[j], r0);
    }
    double dot = dot0 + dot1, r2 = r0 + r1;
    double sr = SQRT3 * sqrt(r2);
    double e = hebo_exp1(-sr);
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

/* The tail of one pair: pair_value's arithmetic on a column of wt. */
HEBO_BODY double cross_one(const double *wstar, const double *col, size_t stride, size_t dims,
                           const double *inv_ls2, double lin, double mat, double *e_out)
{
    double dot0 = 0.0, dot1 = 0.0, r0 = 0.0, r1 = 0.0;
    size_t j = 0;
    for (; j + 2 <= dims; j += 2) {
        double c0 = col[j * stride], c1 = col[(j + 1) * stride];
        double d0 = wstar[j] - c0, d1 = wstar[j + 1] - c1;
        dot0 = HEBO_FMA(wstar[j], c0, dot0);
        dot1 = HEBO_FMA(wstar[j + 1], c1, dot1);
        r0 = HEBO_FMA(d0 * d0, inv_ls2[j], r0);
        r1 = HEBO_FMA(d1 * d1, inv_ls2[j + 1], r1);
    }
    if (j < dims) {
        double c0 = col[j * stride];
        double d0 = wstar[j] - c0;
        dot0 = HEBO_FMA(wstar[j], c0, dot0);
        r0 = HEBO_FMA(d0 * d0, inv_ls2[j], r0);
    }
    double dot = dot0 + dot1, r2 = r0 + r1;
    double sr = SQRT3 * sqrt(r2);
    double e = hebo_exp1(-sr);
    *e_out = e;
    return lin * dot + mat * (1.0 + sr) * e;
}

/* k(w*, w_i) for @p count pairs whose inputs are columns of @p wt (D rows of
 * @p stride); the same even/odd sums in the same order as pair_value, so
 * the results are bit-identical to it. Eight pairs at a time keep their
 * four sums in registers across the whole column loop. @p e_out (may be
 * NULL) receives exp(-sqrt3 r). */
HEBO_BODY void cross_columns(const double *wstar, const double *wt, size_t count, size_t stride,
                             size_t dims, const double *inv_ls2, double lin, double mat,
                             double *out, double *e_out)
{
    size_t i0 = 0;
    for (; i0 + 8 <= count; i0 += 8) {
        hebo_v4 dot0a = {0}, dot0b = {0}, dot1a = {0}, dot1b = {0};
        hebo_v4 r0a = {0}, r0b = {0}, r1a = {0}, r1b = {0};
        size_t j = 0;
        for (; j + 2 <= dims; j += 2) {
            const double *c0 = wt + j * stride + i0, *c1 = c0 + stride;
            hebo_v4 a0 = HEBO_V4_SET1(wstar[j]), a1 = HEBO_V4_SET1(wstar[j + 1]);
            hebo_v4 l0 = HEBO_V4_SET1(inv_ls2[j]), l1 = HEBO_V4_SET1(inv_ls2[j + 1]);
            hebo_v4 c0a = HEBO_V4_LOAD(c0), c0b = HEBO_V4_LOAD(c0 + 4);
            hebo_v4 c1a = HEBO_V4_LOAD(c1), c1b = HEBO_V4_LOAD(c1 + 4);
            hebo_v4 d0a = a0 - c0a, d0b = a0 - c0b, d1a = a1 - c1a, d1b = a1 - c1b;
            dot0a = HEBO_V4_FMA(a0, c0a, dot0a);
            dot0b = HEBO_V4_FMA(a0, c0b, dot0b);
            dot1a = HEBO_V4_FMA(a1, c1a, dot1a);
            dot1b = HEBO_V4_FMA(a1, c1b, dot1b);
            r0a = HEBO_V4_FMA(d0a * d0a, l0, r0a);
            r0b = HEBO_V4_FMA(d0b * d0b, l0, r0b);
            r1a = HEBO_V4_FMA(d1a * d1a, l1, r1a);
            r1b = HEBO_V4_FMA(d1b * d1b, l1, r1b);
        }
        if (j < dims) {
            const double *c0 = wt + j * stride + i0;
            hebo_v4 a0 = HEBO_V4_SET1(wstar[j]), l0 = HEBO_V4_SET1(inv_ls2[j]);
            hebo_v4 c0a = HEBO_V4_LOAD(c0), c0b = HEBO_V4_LOAD(c0 + 4);
            hebo_v4 d0a = a0 - c0a, d0b = a0 - c0b;
            dot0a = HEBO_V4_FMA(a0, c0a, dot0a);
            dot0b = HEBO_V4_FMA(a0, c0b, dot0b);
            r0a = HEBO_V4_FMA(d0a * d0a, l0, r0a);
            r0b = HEBO_V4_FMA(d0b * d0b, l0, r0b);
        }
        hebo_v4 sra = SQRT3 * HEBO_V4_SQRT(r0a + r1a), srb = SQRT3 * HEBO_V4_SQRT(r0b + r1b);
        hebo_v4 na = -sra, nb = -srb;
        hebo_v4 ea, eb;
        hebo_v4_exp(&ea, &na);
        hebo_v4_exp(&eb, &nb);
        HEBO_V4_STORE(out + i0, lin * (dot0a + dot1a) + mat * (1.0 + sra) * ea);
        HEBO_V4_STORE(out + i0 + 4, lin * (dot0b + dot1b) + mat * (1.0 + srb) * eb);
        if (e_out) {
            HEBO_V4_STORE(e_out + i0, ea);
            HEBO_V4_STORE(e_out + i0 + 4, eb);
        }
    }
    for (; i0 < count; i0++) {
        double e;
        out[i0] = cross_one(wstar, wt + i0, stride, dims, inv_ls2, lin, mat, &e);
        if (e_out)
            e_out[i0] = e;
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
    /* Row i's pairs (i, q <= i) side by side, rounded up to whole blocks of
     * eight (a pair (i, q > i) has the bits of (q, i): the differences only
     * change sign), so no row ends in scalar pairs; then mirrored where
     * row q stopped short of column i. */
    for (size_t i = 0; i < n; i++) {
        size_t count = (i + 8) & ~(size_t)7;
        cross_columns(w + i * dims, wt, count < n ? count : n, n, dims, inv_ls2, lin, mat,
                      k + i * n, e + i * n);
        for (size_t q = 0; q < (i & ~(size_t)7); q++) {
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
     * storing the Matern part separately; E'_ik = G_ik * (-3 mat
     * exp(-sqrt3 r_ik)) is the common factor of the lengthscale and input
     * derivatives. One pass over the rows of G forms G w, E' w, the row
     * sums of E', tr(G K) and w . G w; every sum keeps the order of the
     * plain loops (rows ascending, then q or j ascending), so the scalar
     * chains overlap the vector work without changing a bit. */
    double tr_gk = 0.0, tr_g = 0.0, g_lin = 0.0;
    for (size_t i = 0; i < n; i++) {
        double *gwi = gw_lin + i * dims, *ewi = ew + i * dims;
        const double *gi = g + i * n, *ei = e + i * n, *ki = k + i * n;
        tr_g += gi[i];
        double rowsum = 0.0;
        size_t j0 = 0;
        int first = 1;
        while (j0 + 4 <= dims) { /* up to 16 columns at a time in registers */
            size_t left = (dims - j0) / 4;
            int nv = left >= 4 ? 4 : (int)left;
            hebo_v4 ga[4] = {{0}, {0}, {0}, {0}}, ea[4] = {{0}, {0}, {0}, {0}};
            for (size_t q = 0; q < n; q++) {
                double gik = gi[q];
                double eik = gik * (-3.0 * mat * ei[q]);
                if (first) {
                    rowsum += eik;
                    tr_gk += gik * ki[q];
                }
                hebo_v4 vg = HEBO_V4_SET1(gik), ve = HEBO_V4_SET1(eik);
                const double *wq = w + q * dims + j0;
                for (int v = 0; v < nv; v++) {
                    hebo_v4 wv = HEBO_V4_LOAD(wq + 4 * v);
                    ga[v] = HEBO_V4_FMA(vg, wv, ga[v]);
                    ea[v] = HEBO_V4_FMA(ve, wv, ea[v]);
                }
            }
            for (int v = 0; v < nv; v++) {
                HEBO_V4_STORE(gwi + j0 + 4 * v, ga[v]);
                HEBO_V4_STORE(ewi + j0 + 4 * v, ea[v]);
            }
            first = 0;
            j0 += 4 * (size_t)nv;
        }
        for (size_t j = j0; j < dims; j++) {
            double sg = 0.0, se = 0.0;
            for (size_t q = 0; q < n; q++) {
                double gik = gi[q];
                double eik = gik * (-3.0 * mat * ei[q]);
                if (first) {
                    rowsum += eik;
                    tr_gk += gik * ki[q];
                }
                sg = HEBO_FMA(gik, w[q * dims + j], sg);
                se = HEBO_FMA(eik, w[q * dims + j], se);
            }
            gwi[j] = sg;
            ewi[j] = se;
            first = 0;
        }
        es[i] = rowsum;
        for (size_t j = 0; j < dims; j++)
            g_lin += w[i * dims + j] * gwi[j];
    }
    g_lin *= 0.5;
    double g_noise = 0.5 * tr_g;
    g_theta[HEBO_TH_LIN] = g_lin;
    g_theta[HEBO_TH_NOISE] = g_noise;
    g_theta[HEBO_TH_MAT] = (0.5 * tr_gk - lin * g_lin - noise * g_noise) / mat;

    /* Lengthscale sums per column, accumulated in g_theta over the rows in
     * ascending order (row-major, so the columns vectorise). */
    double inv_l2[HEBO_MAX_DIMS];
    double *acc = g_theta + HEBO_TH_LS(0);
    for (size_t j = 0; j < dims; j++) {
        double l = theta[HEBO_TH_LS(j)];
        inv_l2[j] = 1.0 / (l * l);
        acc[j] = 0.0;
    }
    for (size_t i = 0; i < n; i++) {
        const double *wi = w + i * dims, *gwi = gw_lin + i * dims, *ewi = ew + i * dims;
        double esi = es[i];
        double *gwo = g_w + i * dims;
        for (size_t j = 0; j < dims; j++) {
            double wij = wi[j];
            acc[j] += wij * wij * esi - wij * ewi[j];
            gwo[j] = lin * gwi[j] + inv_l2[j] * (wij * esi - ewi[j]);
        }
    }
    for (size_t j = 0; j < dims; j++) {
        double l = theta[HEBO_TH_LS(j)];
        acc[j] = -acc[j] * inv_l2[j] / l;
    }
}

HEBO_CLONES(kernel_matrix, (const double *w, size_t n, size_t dims, const double *theta, double *k,
            double *e, double *wt), (w, n, dims, theta, k, e, wt))
void hebo_kernel_matrix(const double *w, size_t n, size_t dims, const double *theta, double *k,
                        double *e, double *wt)
{
    if (HEBO_HAVE_AVX2())
        kernel_matrix_avx2(w, n, dims, theta, k, e, wt);
    else
        kernel_matrix_base(w, n, dims, theta, k, e, wt);
}

HEBO_CLONES(kernel_cross, (const double *wstar, const double *w, size_t n, size_t dims, const double
            *theta, double *out), (wstar, w, n, dims, theta, out))
void hebo_kernel_cross(const double *wstar, const double *w, size_t n, size_t dims,
                       const double *theta, double *out)
{
    if (HEBO_HAVE_AVX2())
        kernel_cross_avx2(wstar, w, n, dims, theta, out);
    else
        kernel_cross_base(wstar, w, n, dims, theta, out);
}

HEBO_CLONES(kernel_grad, (const double *w, size_t n, size_t dims, const double *theta, const double
            *k, const double *e, double *g, double *g_theta, double *g_w, double *work), (w, n,
            dims, theta, k, e, g, g_theta, g_w, work))
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

HEBO_CLONES(kernel_cross_t, (const double *wstar, const double *wt, size_t n, size_t dims, const
            double *theta, double *out), (wstar, wt, n, dims, theta, out))
void hebo_kernel_cross_t(const double *wstar, const double *wt, size_t n, size_t dims,
                         const double *theta, double *out)
{
    if (HEBO_HAVE_AVX2())
        kernel_cross_t_avx2(wstar, wt, n, dims, theta, out);
    else
        kernel_cross_t_base(wstar, wt, n, dims, theta, out);
}

/* With the roles swapped (training row broadcast, points side by side) the
 * differences change sign exactly and their squares do not change. */
HEBO_BODY void kernel_cross_block_body(const double *w, size_t n, size_t dims, const double *wst,
                                       size_t m, const double *theta, double *out)
{
    double inv_ls2[HEBO_MAX_DIMS];
    inverse_squares(theta, dims, inv_ls2);
    for (size_t i = 0; i < n; i++)
        cross_columns(w + i * dims, wst, m, m, dims, inv_ls2, theta[HEBO_TH_LIN],
                      theta[HEBO_TH_MAT], out + i * m, NULL);
}

HEBO_CLONES(kernel_cross_block, (const double *w, size_t n, size_t dims, const double *wst, size_t
            m, const double *theta, double *out), (w, n, dims, wst, m, theta, out))
void hebo_kernel_cross_block(const double *w, size_t n, size_t dims, const double *wst, size_t m,
                             const double *theta, double *out)
{
    if (HEBO_HAVE_AVX2())
        kernel_cross_block_avx2(w, n, dims, wst, m, theta, out);
    else
        kernel_cross_block_base(w, n, dims, wst, m, theta, out);
}
