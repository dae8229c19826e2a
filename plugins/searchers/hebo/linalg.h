/* Dense linear algebra for the small (n <= a few hundred) symmetric positive
 * definite systems of the GP. Row-major n x n arrays; only the lower triangle
 * of a Cholesky factor is meaningful. Hand-written because n is small enough
 * that call overhead and generic strides of a BLAS would dominate. */
#ifndef HEBO_LINALG_H
#define HEBO_LINALG_H

#include <stddef.h>

/* The hottest loops are compiled twice, for AVX2 with FMA and for the
 * baseline, and picked at run time. The results are bit-identical: ISO C
 * mode keeps -ffp-contract=off and no reduction is reordered, so only the
 * width of the elementwise loops changes, and the multiply-adds that are
 * fused are fused explicitly (HEBO_FMA) in both builds. (GCC's
 * target_clones would export the functions from the plugin, so the
 * dispatch is written out.) */
#if defined(__GNUC__) && defined(__x86_64__)
#define HEBO_BODY static inline __attribute__((always_inline))
#define HEBO_AVX2 __attribute__((target("avx2,fma")))
#define HEBO_HAVE_AVX2() hebo_have_avx2()
#else
#define HEBO_BODY static inline
#define HEBO_AVX2
#define HEBO_HAVE_AVX2() 0
#endif

/* A loop compiled twice from its always-inline body <name>_body: as
 * <name>_avx2 for CPUs with AVX2 and as <name>_base for any x86-64, so one
 * portable build runs the vector loops where it can; the caller picks one
 * with HEBO_HAVE_AVX2(). */
#define HEBO_CLONES(name, params, args)                                                          \
    HEBO_AVX2 static void name##_avx2 params { name##_body args; }                               \
    static void name##_base params { name##_body args; }
#define HEBO_CLONES_INT(name, params, args)                                                      \
    HEBO_AVX2 static int name##_avx2 params { return name##_body args; }                         \
    static int name##_base params { return name##_body args; }

/* Four doubles as one GCC/Clang vector: the loops of linalg.c, kernel.c
 * and gp.c hold partial sums in registers and run several of them side by
 * side. Lane arithmetic is plain IEEE double arithmetic, so a lane computes
 * exactly what the scalar loop it replaces computed, in the same order.
 * Loads and stores go through an unaligned, may-alias twin of the type (as
 * the compilers' own intrinsics headers do); macros rather than functions,
 * so no vector crosses a call in code built without AVX. */
typedef double hebo_v4 __attribute__((vector_size(32)));
typedef double hebo_v4u __attribute__((vector_size(32), aligned(8), may_alias));
#define HEBO_V4_LOAD(p) (*(const hebo_v4u *)(const void *)(p))
#define HEBO_V4_STORE(p, v) (*(hebo_v4u *)(void *)(p) = (v))
#define HEBO_V4_SET1(x) ((hebo_v4){(x), (x), (x), (x)})

/* Square roots of four lanes. Vector extensions have no sqrt, and with
 * errno semantics (ISO C mode) compilers keep sqrt() scalar, one lane at a
 * time; SSE2's sqrtpd is in every x86-64 build (the AVX2 clones get it VEX
 * encoded). IEEE sqrt is correctly rounded, so these are the bits of
 * sqrt() itself. */
#if defined(__GNUC__) && defined(__x86_64__)
typedef double hebo_v2 __attribute__((vector_size(16)));
#define HEBO_V4_SQRT(v)                                                                           \
    ({                                                                                            \
        hebo_v4 v_ = (v);                                                                         \
        hebo_v2 lo_ = __builtin_ia32_sqrtpd((hebo_v2){v_[0], v_[1]});                             \
        hebo_v2 hi_ = __builtin_ia32_sqrtpd((hebo_v2){v_[2], v_[3]});                             \
        (hebo_v4){lo_[0], lo_[1], hi_[0], hi_[1]};                                                \
    })
#else
#define HEBO_V4_SQRT(v)                                                                           \
    ({                                                                                            \
        hebo_v4 v_ = (v);                                                                         \
        (hebo_v4){sqrt(v_[0]), sqrt(v_[1]), sqrt(v_[2]), sqrt(v_[3])};                            \
    })
#endif

/* a * b + c rounded once. The loops bound by the machine's multiply and
 * add rate fuse them: the kernel's (kernel matrix, cross kernel, gradient:
 * 4 instead of 6 operations per pair and input), the triangular solves and
 * vmath.h's polynomials. (The factorisation and the inverse wait on memory
 * and their additions' latency, not on the adders: fused, they ran no
 * faster, so they keep separate multiplies and adds.) In the AVX2 clones
 * each becomes one vfmadd (four lanes written lane by lane are merged by
 * the compiler); the baseline build calls libm's fma(), correctly rounded
 * with or without FMA hardware, so both give the same bits. */
#define HEBO_FMA(a, b, c) __builtin_fma((a), (b), (c))
#define HEBO_V4_FMA(a, b, c)                                                                      \
    ({                                                                                            \
        hebo_v4 fa_ = (a), fb_ = (b), fc_ = (c);                                                  \
        (hebo_v4){HEBO_FMA(fa_[0], fb_[0], fc_[0]), HEBO_FMA(fa_[1], fb_[1], fc_[1]),             \
                  HEBO_FMA(fa_[2], fb_[2], fc_[2]), HEBO_FMA(fa_[3], fb_[3], fc_[3])};            \
    })

/** Nonzero when the CPU runs AVX2 code (with FMA). */
int hebo_have_avx2(void);

/** In-place Cholesky A = L L^T (lower). Returns 0, or -1 when A is not PD. */
int hebo_cholesky(double *a, size_t n);

/**
 * GPy's jitchol: factor @p k into @p l, first without jitter, then adding
 * 1e-6 * mean(diag k) * 10^t to the diagonal for t = 0..4. Returns 0 or -1;
 * @p jitter_out (may be NULL) receives the jitter used. Only the lower
 * triangle of @p k is read and only that of @p l written.
 */
int hebo_jitchol(const double *k, size_t n, double *l, double *jitter_out);

/** Solve L x = b in place (L lower, from hebo_cholesky). */
void hebo_solve_lower(const double *l, size_t n, double *b);

/**
 * Solve L X = B in place for the @p m columns of @p b (n x m, row-major):
 * column p ends exactly (bit for bit) as hebo_solve_lower leaves it when
 * given that column alone, several columns being solved side by side.
 */
void hebo_solve_lower_multi(const double *l, size_t n, double *b, size_t m);

/** Solve L^T x = b in place. */
void hebo_solve_lower_t(const double *l, size_t n, double *b);

/** Full symmetric K^-1 from its factor L; @p work holds n*n doubles. */
void hebo_chol_inverse(const double *l, size_t n, double *inv, double *work);

#endif
