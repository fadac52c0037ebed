/* xorshift.h — the seeded input generator shared with scripts/make-golden:
 * one xorshift32 stream over all inputs in order, value = lo + (hi-lo) *
 * (x >> 8) / 2^24, computed in double and rounded to float. Goldens store
 * only (seed, lo, hi); this regenerates the exact inputs. */
#ifndef ARV_XORSHIFT_H
#define ARV_XORSHIFT_H

#include <stddef.h>
#include <stdint.h>

static inline uint32_t arv_xorshift_init(uint32_t seed)
{
    return seed ? seed : 0x9E3779B9u;
}

static inline void arv_xorshift_fill(uint32_t *state, float lo, float hi, float *dst, size_t n)
{
    uint32_t x = *state;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        dst[i] = (float)((double)lo + ((double)hi - (double)lo) * ((double)(x >> 8) / 16777216.0));
    }
    *state = x;
}

#endif
