/**
 * @file rng.h
 * @brief Counter-based random streams (Philox4x32-10), header-only.
 *
 * Every random draw in dnnrepair (initialisation, shuffling, dropout,
 * sampling, searchers) comes from a stream identified by a 64-bit key. A draw
 * is a pure function of (key, counter), so a run is repeatable given its seed,
 * whatever order the streams are consumed in. Keys come from
 * dnnr_host::rng_key, which derives them from the run's seed and a stream name.
 *
 * The algorithm is part of the ABI: changing it changes every result, and is
 * a major version bump.
 */
#ifndef DNNREPAIR_RNG_H
#define DNNREPAIR_RNG_H

#include <math.h>
#include <stdint.h>

/** A stream position. Plain value; copy it to fork a stream. @since 1.0 */
typedef struct dnnr_rng {
    uint64_t key;     /**< stream identity */
    uint64_t counter; /**< blocks consumed so far */
    uint32_t buffer[4];
    uint32_t used;    /**< words of buffer already handed out (4 = empty) */
} dnnr_rng;

/** Start stream @p key at its beginning. @since 1.0 */
static inline void dnnr_rng_init(dnnr_rng *r, uint64_t key)
{
    r->key = key;
    r->counter = 0;
    r->used = 4;
}

/** Philox4x32 with 10 rounds: the block for (key, counter). @since 1.0 */
static inline void dnnr_philox4x32(uint64_t key, uint64_t counter, uint32_t out[4])
{
    uint32_t c0 = (uint32_t)counter, c1 = (uint32_t)(counter >> 32), c2 = 0, c3 = 0;
    uint32_t k0 = (uint32_t)key, k1 = (uint32_t)(key >> 32);
    for (int round = 0; round < 10; round++) {
        uint64_t p0 = (uint64_t)0xD2511F53u * c0;
        uint64_t p1 = (uint64_t)0xCD9E8D57u * c2;
        uint32_t n0 = (uint32_t)(p1 >> 32) ^ c1 ^ k0;
        uint32_t n2 = (uint32_t)(p0 >> 32) ^ c3 ^ k1;
        c1 = (uint32_t)p1;
        c3 = (uint32_t)p0;
        c0 = n0;
        c2 = n2;
        k0 += 0x9E3779B9u;
        k1 += 0xBB67AE85u;
    }
    out[0] = c0;
    out[1] = c1;
    out[2] = c2;
    out[3] = c3;
}

/** Next 32 random bits. @since 1.0 */
static inline uint32_t dnnr_rng_u32(dnnr_rng *r)
{
    if (r->used >= 4) {
        dnnr_philox4x32(r->key, r->counter++, r->buffer);
        r->used = 0;
    }
    return r->buffer[r->used++];
}

/** Next 64 random bits. @since 1.0 */
static inline uint64_t dnnr_rng_u64(dnnr_rng *r)
{
    uint64_t hi = dnnr_rng_u32(r);
    return (hi << 32) | dnnr_rng_u32(r);
}

/** Uniform double in [0, 1) with 53 random bits. @since 1.0 */
static inline double dnnr_rng_uniform(dnnr_rng *r)
{
    return (double)(dnnr_rng_u64(r) >> 11) * (1.0 / 9007199254740992.0);
}

/** Uniform integer in [0, n), unbiased (rejection). n = 0 returns 0. @since 1.0 */
static inline uint64_t dnnr_rng_below(dnnr_rng *r, uint64_t n)
{
    if (n == 0)
        return 0;
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do
        x = dnnr_rng_u64(r);
    while (x >= limit);
    return x % n;
}

/** Standard normal draw (Box-Muller, one draw per call). @since 1.0 */
static inline double dnnr_rng_normal(dnnr_rng *r)
{
    double u1 = 1.0 - dnnr_rng_uniform(r); /* (0, 1]: log stays finite */
    double u2 = dnnr_rng_uniform(r);
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

/** A key for a sub-stream of @p key, e.g. one per trial or per layer. @since 1.0 */
static inline uint64_t dnnr_rng_derive(uint64_t key, uint64_t index)
{
    uint32_t block[4];
    dnnr_philox4x32(key ^ 0x6A09E667F3BCC908ull, index, block);
    return ((uint64_t)block[0] << 32) | block[1];
}

#endif
