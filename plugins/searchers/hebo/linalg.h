/* Dense linear algebra for the small (n <= a few hundred) symmetric positive
 * definite systems of the GP. Row-major n x n arrays; only the lower triangle
 * of a Cholesky factor is meaningful. Hand-written because n is small enough
 * that call overhead and generic strides of a BLAS would dominate. */
#ifndef HEBO_LINALG_H
#define HEBO_LINALG_H

#include <stddef.h>

/* The hottest loops are compiled twice, for AVX2 and for the baseline, and
 * picked at run time. The results are bit-identical: ISO C mode keeps
 * -ffp-contract=off and no reduction is reordered, so only the width of the
 * elementwise loops changes. (GCC's target_clones would export the
 * functions from the plugin, so the dispatch is written out.) */
#if defined(__GNUC__) && defined(__x86_64__)
#define HEBO_BODY static inline __attribute__((always_inline))
#define HEBO_AVX2 __attribute__((target("avx2")))
#define HEBO_HAVE_AVX2() hebo_have_avx2()
#else
#define HEBO_BODY static inline
#define HEBO_AVX2
#define HEBO_HAVE_AVX2() 0
#endif

/** Nonzero when the CPU runs AVX2 code. */
int hebo_have_avx2(void);

/** In-place Cholesky A = L L^T (lower). Returns 0, or -1 when A is not PD. */
int hebo_cholesky(double *a, size_t n);

/**
 * GPy's jitchol: factor @p k into @p l, first without jitter, then adding
 * 1e-6 * mean(diag k) * 10^t to the diagonal for t = 0..4. Returns 0 or -1;
 * @p jitter_out (may be NULL) receives the jitter used.
 */
int hebo_jitchol(const double *k, size_t n, double *l, double *jitter_out);

/** Solve L x = b in place (L lower, from hebo_cholesky). */
void hebo_solve_lower(const double *l, size_t n, double *b);

/** Solve L^T x = b in place. */
void hebo_solve_lower_t(const double *l, size_t n, double *b);

/** Full symmetric K^-1 from its factor L; @p work holds n*n doubles. */
void hebo_chol_inverse(const double *l, size_t n, double *inv, double *work);

#endif
