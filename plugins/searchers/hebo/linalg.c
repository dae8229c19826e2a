#include "linalg.h"

#include <math.h>
#include <string.h>

/* Four partial sums: the compiler may not reassociate a reduction itself,
 * and the dot products of the factorisation are the GP's hottest loop. */
HEBO_BODY double dot(const double *a, const double *b, size_t n)
{
    double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
    size_t k = 0;
    for (; k + 4 <= n; k += 4) {
        s0 += a[k] * b[k];
        s1 += a[k + 1] * b[k + 1];
        s2 += a[k + 2] * b[k + 2];
        s3 += a[k + 3] * b[k + 3];
    }
    for (; k < n; k++)
        s0 += a[k] * b[k];
    return (s0 + s1) + (s2 + s3);
}

/* dot() of four rows a0..a3 with one row b: the same four partial sums per
 * row, each row's sums one vector, so four independent dependency chains
 * share the loads of b. Bit-identical to four calls of dot(). */
HEBO_BODY void dot4(const double *a0, const double *a1, const double *a2, const double *a3,
                    const double *b, size_t n, double out[4])
{
    hebo_v4 s0 = {0}, s1 = {0}, s2 = {0}, s3 = {0};
    size_t k = 0;
    for (; k + 4 <= n; k += 4) {
        hebo_v4 vb = HEBO_V4_LOAD(b + k);
        s0 += HEBO_V4_LOAD(a0 + k) * vb;
        s1 += HEBO_V4_LOAD(a1 + k) * vb;
        s2 += HEBO_V4_LOAD(a2 + k) * vb;
        s3 += HEBO_V4_LOAD(a3 + k) * vb;
    }
    for (; k < n; k++) {
        s0[0] += a0[k] * b[k];
        s1[0] += a1[k] * b[k];
        s2[0] += a2[k] * b[k];
        s3[0] += a3[k] * b[k];
    }
    out[0] = (s0[0] + s0[1]) + (s0[2] + s0[3]);
    out[1] = (s1[0] + s1[1]) + (s1[2] + s1[3]);
    out[2] = (s2[0] + s2[1]) + (s2[2] + s2[3]);
    out[3] = (s3[0] + s3[1]) + (s3[2] + s3[3]);
}

HEBO_BODY int cholesky_body(double *a, size_t n)
{
    for (size_t j = 0; j < n; j++) {
        double *rj = a + j * n;
        double d = rj[j] - dot(rj, rj, j);
        if (!(d > 0.0) || !isfinite(d))
            return -1;
        d = sqrt(d);
        rj[j] = d;
        double inv = 1.0 / d;
        size_t i = j + 1;
        for (; i + 4 <= n; i += 4) {
            double *r0 = a + i * n, *r1 = r0 + n, *r2 = r1 + n, *r3 = r2 + n, s[4];
            dot4(r0, r1, r2, r3, rj, j, s);
            r0[j] = (r0[j] - s[0]) * inv;
            r1[j] = (r1[j] - s[1]) * inv;
            r2[j] = (r2[j] - s[2]) * inv;
            r3[j] = (r3[j] - s[3]) * inv;
        }
        for (; i < n; i++) {
            double *ri = a + i * n;
            ri[j] = (ri[j] - dot(ri, rj, j)) * inv;
        }
    }
    return 0;
}

/* The factorisation reads and writes only the lower triangle: copy that. */
static void copy_lower(double *l, const double *k, size_t n)
{
    for (size_t i = 0; i < n; i++)
        memcpy(l + i * n, k + i * n, (i + 1) * sizeof *l);
}

int hebo_jitchol(const double *k, size_t n, double *l, double *jitter_out)
{
    copy_lower(l, k, n);
    if (jitter_out)
        *jitter_out = 0.0;
    if (hebo_cholesky(l, n) == 0)
        return 0;
    double mean_diag = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (!(k[i * n + i] > 0.0))
            return -1; /* GPy refuses non-positive diagonals outright */
        mean_diag += k[i * n + i];
    }
    double jitter = 1e-6 * mean_diag / (double)n;
    for (int tries = 0; tries < 5 && isfinite(jitter); tries++, jitter *= 10.0) {
        copy_lower(l, k, n);
        for (size_t i = 0; i < n; i++)
            l[i * n + i] += jitter;
        if (hebo_cholesky(l, n) == 0) {
            if (jitter_out)
                *jitter_out = jitter;
            return 0;
        }
    }
    return -1;
}

/* dot() with its multiply-adds fused, for the triangular solves: the
 * predictions' solves are bound by the adders (the factorisation and the
 * inverse are not, and keep dot()). */
HEBO_BODY double dot_fma(const double *a, const double *b, size_t n)
{
    double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
    size_t k = 0;
    for (; k + 4 <= n; k += 4) {
        s0 = HEBO_FMA(a[k], b[k], s0);
        s1 = HEBO_FMA(a[k + 1], b[k + 1], s1);
        s2 = HEBO_FMA(a[k + 2], b[k + 2], s2);
        s3 = HEBO_FMA(a[k + 3], b[k + 3], s3);
    }
    for (; k < n; k++)
        s0 = HEBO_FMA(a[k], b[k], s0);
    return (s0 + s1) + (s2 + s3);
}

HEBO_BODY void solve_lower_body(const double *l, size_t n, double *b)
{
    for (size_t i = 0; i < n; i++) {
        const double *ri = l + i * n;
        b[i] = (b[i] - dot_fma(ri, b, i)) / ri[i];
    }
}

/* Columns [p0, p0 + 4 w) of L X = B: per column the four partial sums of
 * dot_fma() over k, each sum a vector across the columns. */
HEBO_BODY void solve_multi_block(const double *l, size_t n, double *b, size_t m, size_t p0,
                                 int w)
{
    for (size_t i = 0; i < n; i++) {
        const double *ri = l + i * n;
        hebo_v4 s[2][4] = {{{0}, {0}, {0}, {0}}, {{0}, {0}, {0}, {0}}};
        size_t k = 0;
        for (; k + 4 <= i; k += 4)
            for (int t = 0; t < 4; t++) {
                hebo_v4 c = HEBO_V4_SET1(ri[k + (size_t)t]);
                const double *bk = b + (k + (size_t)t) * m + p0;
                for (int v = 0; v < w; v++)
                    s[v][t] = HEBO_V4_FMA(c, HEBO_V4_LOAD(bk + 4 * v), s[v][t]);
            }
        for (; k < i; k++) {
            hebo_v4 c = HEBO_V4_SET1(ri[k]);
            for (int v = 0; v < w; v++)
                s[v][0] = HEBO_V4_FMA(c, HEBO_V4_LOAD(b + k * m + p0 + 4 * v), s[v][0]);
        }
        hebo_v4 d = HEBO_V4_SET1(ri[i]);
        for (int v = 0; v < w; v++) {
            double *bi = b + i * m + p0 + 4 * v;
            hebo_v4 dotv = (s[v][0] + s[v][1]) + (s[v][2] + s[v][3]);
            HEBO_V4_STORE(bi, (HEBO_V4_LOAD(bi) - dotv) / d);
        }
    }
}

HEBO_BODY void solve_lower_multi_body(const double *l, size_t n, double *b, size_t m)
{
    size_t p = 0;
    for (; p + 8 <= m; p += 8)
        solve_multi_block(l, n, b, m, p, 2);
    for (; p + 4 <= m; p += 4)
        solve_multi_block(l, n, b, m, p, 1);
    for (; p < m; p++) /* dot_fma() on a strided column */
        for (size_t i = 0; i < n; i++) {
            const double *ri = l + i * n;
            double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
            size_t k = 0;
            for (; k + 4 <= i; k += 4) {
                s0 = HEBO_FMA(ri[k], b[k * m + p], s0);
                s1 = HEBO_FMA(ri[k + 1], b[(k + 1) * m + p], s1);
                s2 = HEBO_FMA(ri[k + 2], b[(k + 2) * m + p], s2);
                s3 = HEBO_FMA(ri[k + 3], b[(k + 3) * m + p], s3);
            }
            for (; k < i; k++)
                s0 = HEBO_FMA(ri[k], b[k * m + p], s0);
            b[i * m + p] = (b[i * m + p] - ((s0 + s1) + (s2 + s3))) / ri[i];
        }
}

HEBO_CLONES(solve_lower_multi, (const double *l, size_t n, double *b, size_t m), (l, n, b, m))
void hebo_solve_lower_multi(const double *l, size_t n, double *b, size_t m)
{
    if (HEBO_HAVE_AVX2())
        solve_lower_multi_avx2(l, n, b, m);
    else
        solve_lower_multi_base(l, n, b, m);
}

void hebo_solve_lower_t(const double *l, size_t n, double *b)
{
    for (size_t i = n; i-- > 0;) {
        b[i] /= l[i * n + i];
        double bi = b[i];
        const double *ri = l + i * n;
        for (size_t k = 0; k < i; k++)
            b[k] -= ri[k] * bi;
    }
}

/* Lanes [j0, j0 + 4 w) of row i of M = L^-1 (w vectors of 4), for a block
 * that lies inside [0, i]: M_ij = (delta_ij - sum_k L_ik M_kj) / L_ii with
 * the sum over k = j0 .. i-1 in ascending order. Terms with k < j read the
 * zero upper part of M and change nothing, so every lane repeats the
 * subtractions the row-by-row axpy form made, in the same order. */
HEBO_BODY void inverse_row_block(const double *l, double *m, size_t n, size_t i, size_t j0,
                                 int w)
{
    const double *li = l + i * n;
    hebo_v4 acc[4] = {{0}, {0}, {0}, {0}};
    for (int v = 0; v < w; v++)
        for (int t = 0; t < 4; t++)
            if (j0 + 4 * (size_t)v + (size_t)t == i)
                acc[v][t] = 1.0;
    for (size_t k = j0; k < i; k++) {
        hebo_v4 c = HEBO_V4_SET1(li[k]);
        const double *mk = m + k * n + j0;
        for (int v = 0; v < w; v++)
            acc[v] -= c * HEBO_V4_LOAD(mk + 4 * v);
    }
    hebo_v4 inv_d = HEBO_V4_SET1(1.0 / li[i]);
    for (int v = 0; v < w; v++)
        HEBO_V4_STORE(m + i * n + j0 + 4 * v, acc[v] * inv_d);
}

/* Lanes [j0, j0 + 4 w) of row i of K^-1 = M^T M (j <= i):
 * sum over k = i .. n-1 of M_ki M_kj, ascending, as the rank-1 updates of
 * M's rows accumulated it. */
HEBO_BODY void gram_row_block(const double *m, double *inv, size_t n, size_t i, size_t j0, int w)
{
    hebo_v4 acc[4] = {{0}, {0}, {0}, {0}};
    for (size_t k = i; k < n; k++) {
        hebo_v4 c = HEBO_V4_SET1(m[k * n + i]);
        const double *mk = m + k * n + j0;
        for (int v = 0; v < w; v++)
            acc[v] += c * HEBO_V4_LOAD(mk + 4 * v);
    }
    for (int v = 0; v < w; v++)
        HEBO_V4_STORE(inv + i * n + j0 + 4 * v, acc[v]);
}

HEBO_BODY void chol_inverse_body(const double *l, size_t n, double *inv, double *work)
{
    /* M = L^-1 row by row (lower), then K^-1 = M^T M; the inner sums run
     * in registers over up to 16 columns at once. */
    double *m = work;
    memset(m, 0, n * n * sizeof *m);
    for (size_t i = 0; i < n; i++) {
        const double *li = l + i * n;
        size_t j0 = 0;
        for (; j0 + 16 <= i + 1; j0 += 16)
            inverse_row_block(l, m, n, i, j0, 4);
        for (; j0 + 4 <= i + 1; j0 += 4)
            inverse_row_block(l, m, n, i, j0, 1);
        for (size_t j = j0; j <= i; j++) {
            double v = j == i ? 1.0 : 0.0;
            for (size_t k = j; k < i; k++)
                v -= li[k] * m[k * n + j];
            m[i * n + j] = v * (1.0 / li[i]);
        }
    }
    for (size_t i = 0; i < n; i++) {
        size_t j0 = 0;
        for (; j0 + 16 <= i + 1; j0 += 16)
            gram_row_block(m, inv, n, i, j0, 4);
        for (; j0 + 4 <= i + 1; j0 += 4)
            gram_row_block(m, inv, n, i, j0, 1);
        for (size_t j = j0; j <= i; j++) {
            double v = 0.0;
            for (size_t k = i; k < n; k++)
                v += m[k * n + i] * m[k * n + j];
            inv[i * n + j] = v;
        }
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            inv[j * n + i] = inv[i * n + j];
}

int hebo_have_avx2(void)
{
#if defined(__GNUC__) && defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return 0;
#endif
}

HEBO_CLONES_INT(cholesky, (double *a, size_t n), (a, n))
int hebo_cholesky(double *a, size_t n)
{
    return HEBO_HAVE_AVX2() ? cholesky_avx2(a, n) : cholesky_base(a, n);
}

HEBO_CLONES(solve_lower, (const double *l, size_t n, double *b), (l, n, b))
void hebo_solve_lower(const double *l, size_t n, double *b)
{
    if (HEBO_HAVE_AVX2())
        solve_lower_avx2(l, n, b);
    else
        solve_lower_base(l, n, b);
}

HEBO_CLONES(chol_inverse, (const double *l, size_t n, double *inv, double *work), (l, n, inv, work))
void hebo_chol_inverse(const double *l, size_t n, double *inv, double *work)
{
    if (HEBO_HAVE_AVX2())
        chol_inverse_avx2(l, n, inv, work);
    else
        chol_inverse_base(l, n, inv, work);
}
