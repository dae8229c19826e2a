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
        for (size_t i = j + 1; i < n; i++) {
            double *ri = a + i * n;
            ri[j] = (ri[j] - dot(ri, rj, j)) * inv;
        }
    }
    return 0;
}

int hebo_jitchol(const double *k, size_t n, double *l, double *jitter_out)
{
    memcpy(l, k, n * n * sizeof *l);
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
        memcpy(l, k, n * n * sizeof *l);
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

HEBO_BODY void solve_lower_body(const double *l, size_t n, double *b)
{
    for (size_t i = 0; i < n; i++) {
        const double *ri = l + i * n;
        b[i] = (b[i] - dot(ri, b, i)) / ri[i];
    }
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

HEBO_BODY void chol_inverse_body(const double *l, size_t n, double *inv, double *work)
{
    /* M = L^-1 row by row (lower), then K^-1 = M^T M accumulated as rank-1
     * updates of M's rows, so every inner loop runs over contiguous memory. */
    double *m = work;
    memset(m, 0, n * n * sizeof *m);
    for (size_t i = 0; i < n; i++) {
        double *mi = m + i * n;
        const double *li = l + i * n;
        mi[i] = 1.0;
        for (size_t k = 0; k < i; k++) {
            double c = li[k];
            const double *mk = m + k * n;
            for (size_t j = 0; j <= k; j++)
                mi[j] -= c * mk[j];
        }
        double inv_d = 1.0 / li[i];
        for (size_t j = 0; j <= i; j++)
            mi[j] *= inv_d;
    }
    memset(inv, 0, n * n * sizeof *inv);
    for (size_t k = 0; k < n; k++) {
        const double *mk = m + k * n;
        for (size_t i = 0; i <= k; i++) {
            double c = mk[i];
            double *row = inv + i * n;
            for (size_t j = 0; j <= i; j++)
                row[j] += c * mk[j];
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
    return __builtin_cpu_supports("avx2");
#else
    return 0;
#endif
}

HEBO_AVX2 static int cholesky_avx2(double *a, size_t n) { return cholesky_body(a, n); }
static int cholesky_base(double *a, size_t n) { return cholesky_body(a, n); }
int hebo_cholesky(double *a, size_t n)
{
    return HEBO_HAVE_AVX2() ? cholesky_avx2(a, n) : cholesky_base(a, n);
}

HEBO_AVX2 static void solve_lower_avx2(const double *l, size_t n, double *b)
{
    solve_lower_body(l, n, b);
}
static void solve_lower_base(const double *l, size_t n, double *b) { solve_lower_body(l, n, b); }
void hebo_solve_lower(const double *l, size_t n, double *b)
{
    if (HEBO_HAVE_AVX2())
        solve_lower_avx2(l, n, b);
    else
        solve_lower_base(l, n, b);
}

HEBO_AVX2 static void chol_inverse_avx2(const double *l, size_t n, double *inv, double *work)
{
    chol_inverse_body(l, n, inv, work);
}
static void chol_inverse_base(const double *l, size_t n, double *inv, double *work)
{
    chol_inverse_body(l, n, inv, work);
}
void hebo_chol_inverse(const double *l, size_t n, double *inv, double *work)
{
    if (HEBO_HAVE_AVX2())
        chol_inverse_avx2(l, n, inv, work);
    else
        chol_inverse_base(l, n, inv, work);
}
