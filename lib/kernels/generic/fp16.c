/* IEEE 754 binary16 -> binary32, exact for every input. */
#include "kernels/kernels.h"

#include <string.h>

float arv_fp16_to_f32(uint16_t h)
{
    const uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    uint32_t exp = (h >> 10) & 0x1fu;
    uint32_t man = h & 0x3ffu;
    uint32_t bits;

    if (exp == 0x1fu) {
        /* inf or NaN; the payload moves to the top of the wider mantissa */
        bits = sign | 0x7f800000u | (man << 13);
    } else if (exp != 0) {
        bits = sign | ((exp + 127u - 15u) << 23) | (man << 13);
    } else if (man == 0) {
        bits = sign;
    } else {
        /* Subnormal half: renormalise, since every half subnormal is a
         * normal float. value = man * 2^-24. */
        int e = -14;
        while (!(man & 0x400u)) {
            man <<= 1;
            e--;
        }
        man &= 0x3ffu;
        bits = sign | ((uint32_t)(e + 127) << 23) | (man << 13);
    }
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}
