#include "data/mt19937.h"

void dnnr__mt19937_seed(dnnr_mt19937 *mt, uint32_t seed)
{
    mt->state[0] = seed;
    for (int i = 1; i < 624; i++)
        mt->state[i] = 1812433253u * (mt->state[i - 1] ^ (mt->state[i - 1] >> 30)) + (uint32_t)i;
    mt->index = 624;
}

static void regenerate(dnnr_mt19937 *mt)
{
    uint32_t *s = mt->state;
    for (int i = 0; i < 624; i++) {
        uint32_t y = (s[i] & 0x80000000u) | (s[(i + 1) % 624] & 0x7fffffffu);
        s[i] = s[(i + 397) % 624] ^ (y >> 1) ^ ((y & 1u) ? 0x9908b0dfu : 0u);
    }
    mt->index = 0;
}

uint32_t dnnr__mt19937_next(dnnr_mt19937 *mt)
{
    if (mt->index >= 624)
        regenerate(mt);
    uint32_t y = mt->state[mt->index++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= y >> 18;
    return y;
}

uint64_t dnnr__mt19937_interval(dnnr_mt19937 *mt, uint64_t max)
{
    if (max == 0)
        return 0;
    uint64_t mask = max;
    mask |= mask >> 1;
    mask |= mask >> 2;
    mask |= mask >> 4;
    mask |= mask >> 8;
    mask |= mask >> 16;
    mask |= mask >> 32;
    uint64_t value;
    if (max <= 0xffffffffu) {
        while ((value = (dnnr__mt19937_next(mt) & mask)) > max)
            ;
    } else {
        do {
            value = (((uint64_t)dnnr__mt19937_next(mt) << 32) | dnnr__mt19937_next(mt)) & mask;
        } while (value > max);
    }
    return value;
}

double dnnr__mt19937_double(dnnr_mt19937 *mt)
{
    uint32_t a = dnnr__mt19937_next(mt) >> 5, b = dnnr__mt19937_next(mt) >> 6;
    return (a * 67108864.0 + b) / 9007199254740992.0;
}
