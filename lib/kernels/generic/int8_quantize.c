/* int8_quantize.c — QUANTIZE float -> int8 as TFLite's XNNPACK delegate runs
 * it (its f32 -> qs8 convert): the input times the reciprocal of the scale,
 * formed once in float, rounded to nearest even. TFLite's own kernel divides
 * and rounds half away from zero (arv_q8_quantize); the two differ wherever
 * x / scale is a tie, which is every other value of an image normalised as
 * k / 127.5 - 1 and quantized with scale 1 / 127.5. */
#include "kernels/kernels_int8.h"

void arv_q8_quantize_rne(size_t n, const float *in, float inv_scale, int32_t zp, int8_t *out)
{
    const float lo = (float)(-128 - zp), hi = (float)(127 - zp);
    /* 1.5 * 2^23: adding and removing it rounds |v| < 2^22 to nearest even
     * in the default rounding mode; the clamp keeps v in range (and maps
     * NaN to lo, as the comparisons below are false for it). */
    const float magic = 12582912.0f;
    for (size_t i = 0; i < n; i++) {
        float v = in[i] * inv_scale;
        v = v > lo ? v : lo;
        v = v < hi ? v : hi;
        out[i] = (int8_t)((int32_t)((v + magic) - magic) + zp);
    }
}
