/* exp, expm1 and log on four doubles at once, for the GP's hot loops (the
 * kernel's exp(-sqrt3 r) and the Kumaraswamy warping of every input).
 *
 * Only IEEE additions, multiplications, fused multiply-adds (the
 * polynomials), divisions and exponent bit arithmetic, no tables, so the
 * compiler keeps four lanes in one register (AVX2 builds, one vfmadd per
 * fused step) or two (SSE2, where HEBO_FMA calls libm's correctly rounded
 * fma()), and the results are the same bits on every machine and in every
 * build. A scalar goes through lane 0 of
 * the same code, so a loop's tail agrees with its vector body.
 *
 * Accuracy (checked against libm in tests/unit/test_hebo_fast.c): within 2
 * ulp for exp and expm1, within 2 ulp for log on (0, inf); exp underflows to
 * 0 below -745 and overflows to inf above 709.8; log(0) = -inf, log(x < 0)
 * and log(NaN) are NaN, log(inf) = inf.
 *
 * Method: x = k ln2 + r with |r| <= ln2 / 2 (Cody-Waite, ln2 split so that
 * k * LN2_HI is exact), expm1(r) by its Taylor series to r^13 (truncation
 * below 2e-17 relative), then exp(x) = 2^k (1 + expm1(r)) and
 * expm1(x) = 2^k expm1(r) + (2^k - 1). log: x = 2^e m with m in
 * [sqrt(1/2), sqrt(2)), f = m - 1, s = f / (2 + f), and
 * log m = f - f^2/2 + s (f^2/2 + R), R = 2 sum_{i=1..9} s^(2i) / (2i + 1). */
#ifndef HEBO_VMATH_H
#define HEBO_VMATH_H

#include <math.h>

#include "linalg.h"

typedef long long hebo_i4 __attribute__((vector_size(32)));

#define HEBO_LN2_HI 0x1.62e42fee00000p-1 /* ln 2 to 32 bits: k * LN2_HI is exact */
#define HEBO_LN2_LO 0x1.a39ef35793c76p-33
#define HEBO_LOG2E 0x1.71547652b82fep+0
#define HEBO_SHIFTER 0x1.8p52 /* adding it rounds to an integer held in the low bits */

typedef unsigned long long hebo_u4 __attribute__((vector_size(32)));

/* 2^k for the integer k (unsigned lanes, two's complement; also given as the
 * double kd), |k| <= 1100, as two
 * factors of normal range, so that subnormal and overflowing results round
 * once, at the end. The halving happens in doubles: AVX2 has no 64-bit
 * arithmetic right shift. */
#define HEBO_V4_POW2_SPLIT(k, kd, f1, f2)                                                         \
    do {                                                                                          \
        hebo_v4 t1_ = (kd) * 0.5 + HEBO_SHIFTER;                                                  \
        hebo_u4 k1_ = (hebo_u4)t1_ - (hebo_u4)HEBO_V4_SET1(HEBO_SHIFTER);                         \
        hebo_u4 k2_ = (k) - k1_;                                                                  \
        (f1) = (hebo_v4)((k1_ + 1023) << 52);                                                     \
        (f2) = (hebo_v4)((k2_ + 1023) << 52);                                                     \
    } while (0)

/* out = expm1(r) for |r| <= ln2 / 2: r + r^2 p(r), p the Taylor polynomial
 * sum_{i=0..11} r^i / (i + 2)!, evaluated by Estrin's scheme (a short
 * dependency chain; p's rounding is scaled by r^2 < 0.121 in the result). */
#define HEBO_V4_EXPM1_POLY(r, out)                                                                \
    do {                                                                                          \
        hebo_v4 r2_ = (r) * (r), r4_ = r2_ * r2_, r8_ = r4_ * r4_;                                \
        hebo_v4 q0_ = HEBO_V4_FMA((r), HEBO_V4_SET1(1.0 / 6), HEBO_V4_SET1(1.0 / 2));             \
        hebo_v4 q1_ = HEBO_V4_FMA((r), HEBO_V4_SET1(1.0 / 120), HEBO_V4_SET1(1.0 / 24));          \
        hebo_v4 q2_ = HEBO_V4_FMA((r), HEBO_V4_SET1(1.0 / 5040), HEBO_V4_SET1(1.0 / 720));        \
        hebo_v4 q3_ = HEBO_V4_FMA((r), HEBO_V4_SET1(1.0 / 362880), HEBO_V4_SET1(1.0 / 40320));    \
        hebo_v4 q4_ = HEBO_V4_FMA((r), HEBO_V4_SET1(1.0 / 39916800), HEBO_V4_SET1(1.0 / 3628800)); \
        hebo_v4 q5_ =                                                                             \
            HEBO_V4_FMA((r), HEBO_V4_SET1(1.0 / 6227020800.0), HEBO_V4_SET1(1.0 / 479001600));    \
        hebo_v4 s0_ = HEBO_V4_FMA(r2_, q1_, q0_), s1_ = HEBO_V4_FMA(r2_, q3_, q2_);               \
        hebo_v4 s2_ = HEBO_V4_FMA(r2_, q5_, q4_);                                                 \
        hebo_v4 p_ = HEBO_V4_FMA(r4_, s1_, s0_);                                                  \
        p_ = HEBO_V4_FMA(r8_, s2_, p_);                                                           \
        (out) = HEBO_V4_FMA(r2_, p_, (r));                                                        \
    } while (0)

/* Lanes of a where the mask m (from a comparison) is set, else lanes of b. */
#define HEBO_V4_SELECT(m, a, b) ((hebo_v4)((((hebo_i4)(a)) & (m)) | (((hebo_i4)(b)) & ~(m))))

/* Integer lanes (|k| < 2^51) to doubles, exactly, without AVX-512. */
#define HEBO_I4_TO_V4(k) ((hebo_v4)((hebo_u4)(k) + (hebo_u4)HEBO_V4_SET1(HEBO_SHIFTER)) - HEBO_SHIFTER)

/* Range reduction shared by exp and expm1: x (clamped) = k ln2 + r. */
#define HEBO_V4_REDUCE(x, k, kd, r)                                                               \
    do {                                                                                          \
        hebo_v4 lo_ = HEBO_V4_SET1(-746.0), hi_ = HEBO_V4_SET1(709.8);                            \
        hebo_v4 xc_ = HEBO_V4_SELECT((hebo_i4)((x) < lo_), lo_, (x));                             \
        xc_ = HEBO_V4_SELECT((hebo_i4)(xc_ > hi_), hi_, xc_);                                     \
        hebo_v4 t_ = xc_ * HEBO_LOG2E + HEBO_SHIFTER;                                             \
        (kd) = t_ - HEBO_SHIFTER;                                                                 \
        (k) = (hebo_u4)t_ - (hebo_u4)HEBO_V4_SET1(HEBO_SHIFTER);                                  \
        (r) = (xc_ - (kd) * HEBO_LN2_HI) - (kd) * HEBO_LN2_LO;                                    \
    } while (0)

/* Vectors cross these functions by pointer: always inlined, and no vector
 * argument, so code built without AVX has no ABI question to warn about. */
#define HEBO_VMATH_FN static inline __attribute__((always_inline))

/** out = exp(in), lane by lane. */
HEBO_VMATH_FN void hebo_v4_exp(hebo_v4 *out, const hebo_v4 *in)
{
    hebo_v4 x = *in, r, kd, f1, f2, em1;
    hebo_u4 k;
    HEBO_V4_REDUCE(x, k, kd, r);
    HEBO_V4_EXPM1_POLY(r, em1);
    hebo_v4 p = 1.0 + em1;
    HEBO_V4_POW2_SPLIT(k, kd, f1, f2);
    hebo_v4 y = p * f1 * f2;
    *out = HEBO_V4_SELECT((hebo_i4)(x != x), x, y); /* NaN stays NaN */
}

/** out = exp(in) - 1, lane by lane, accurate near 0. */
HEBO_VMATH_FN void hebo_v4_expm1(hebo_v4 *out, const hebo_v4 *in)
{
    hebo_v4 x = *in, r, kd, f1, f2, em1;
    hebo_u4 k;
    HEBO_V4_REDUCE(x, k, kd, r);
    HEBO_V4_EXPM1_POLY(r, em1);
    HEBO_V4_POW2_SPLIT(k, kd, f1, f2);
    hebo_v4 y = em1 * f1 * f2 + (f1 * f2 - 1.0);
    *out = HEBO_V4_SELECT((hebo_i4)(x != x), x, y);
}

/** exp(in) and exp(in) - 1 at once, the same bits as the two calls. */
HEBO_VMATH_FN void hebo_v4_exp_expm1(hebo_v4 *e, hebo_v4 *em1_out, const hebo_v4 *in)
{
    hebo_v4 x = *in, r, kd, f1, f2, em1;
    hebo_u4 k;
    HEBO_V4_REDUCE(x, k, kd, r);
    HEBO_V4_EXPM1_POLY(r, em1);
    HEBO_V4_POW2_SPLIT(k, kd, f1, f2);
    hebo_v4 p = 1.0 + em1;
    hebo_i4 nan = (hebo_i4)(x != x);
    *e = HEBO_V4_SELECT(nan, x, p * f1 * f2);
    *em1_out = HEBO_V4_SELECT(nan, x, em1 * f1 * f2 + (f1 * f2 - 1.0));
}

/** out = ln(in), lane by lane. */
HEBO_VMATH_FN void hebo_v4_log(hebo_v4 *out, const hebo_v4 *in)
{
    hebo_v4 x = *in;
    /* subnormals: scale into the normal range first */
    hebo_i4 tiny = (hebo_i4)(x < 0x1p-1022);
    hebo_v4 xs = HEBO_V4_SELECT(tiny, x * 0x1p54, x);
    /* Bit arithmetic in unsigned lanes (wraps where NaN and negative inputs
     * overflow; those lanes are replaced below). The exponent relative to
     * sqrt(1/2), offset to stay non-negative: a logical shift then does
     * (AVX2 has no 64-bit arithmetic one). */
    hebo_u4 bits = (hebo_u4)xs;
    hebo_u4 ix = bits + ((1023ULL << 52) - 0x3fe6a09e667f3bcdULL);
    hebo_u4 ebu = (ix >> 52) - 1023; /* the exponent, two's complement */
    hebo_i4 e = (hebo_i4)ebu - (tiny & 54);
    hebo_v4 m = (hebo_v4)(bits - (ebu << 52)); /* in [sqrt(1/2), sqrt(2)) */
    hebo_v4 f = m - 1.0;
    hebo_v4 s = f / (2.0 + f);
    hebo_v4 z = s * s;
    hebo_v4 rr = HEBO_V4_FMA(z, HEBO_V4_SET1(2.0 / 19), HEBO_V4_SET1(2.0 / 17)); /* Horner */
    rr = HEBO_V4_FMA(z, rr, HEBO_V4_SET1(2.0 / 15));
    rr = HEBO_V4_FMA(z, rr, HEBO_V4_SET1(2.0 / 13));
    rr = HEBO_V4_FMA(z, rr, HEBO_V4_SET1(2.0 / 11));
    rr = HEBO_V4_FMA(z, rr, HEBO_V4_SET1(2.0 / 9));
    rr = HEBO_V4_FMA(z, rr, HEBO_V4_SET1(2.0 / 7));
    rr = HEBO_V4_FMA(z, rr, HEBO_V4_SET1(2.0 / 5));
    rr = z * HEBO_V4_FMA(z, rr, HEBO_V4_SET1(2.0 / 3));
    hebo_v4 hfsq = 0.5 * f * f;
    hebo_v4 ed = HEBO_I4_TO_V4(e);
    hebo_v4 y = ed * HEBO_LN2_HI - ((hfsq - (s * (hfsq + rr) + ed * HEBO_LN2_LO)) - f);
    /* x = inf or NaN: itself; x = 0: -inf; x < 0: NaN */
    y = HEBO_V4_SELECT((hebo_i4)(x == x + x) & (hebo_i4)(x != 0.0), x, y);
    y = HEBO_V4_SELECT((hebo_i4)(x != x), x, y);
    y = HEBO_V4_SELECT((hebo_i4)(x == 0.0), HEBO_V4_SET1(-HUGE_VAL), y);
    *out = HEBO_V4_SELECT((hebo_i4)(x < 0.0), HEBO_V4_SET1(NAN), y);
}

/* Scalars through lane 0 of the vector code: the same bits as a vector lane. */
HEBO_VMATH_FN double hebo_exp1(double x)
{
    hebo_v4 v = HEBO_V4_SET1(x), y;
    hebo_v4_exp(&y, &v);
    return y[0];
}
HEBO_VMATH_FN double hebo_expm1_1(double x)
{
    hebo_v4 v = HEBO_V4_SET1(x), y;
    hebo_v4_expm1(&y, &v);
    return y[0];
}
HEBO_VMATH_FN double hebo_log1(double x)
{
    hebo_v4 v = HEBO_V4_SET1(x), y;
    hebo_v4_log(&y, &v);
    return y[0];
}

#endif
