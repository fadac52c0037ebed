/* int16_elementwise.c — the element-wise int16 ops as TensorFlow Lite runs
 * them (builtin kernels; XNNPACK takes none of them).
 *
 * ADD (add.cc, pot_scale_int16 = false, or scales not powers of two):
 *   reference_ops::Add on int16, the int8 scheme with left_shift 15 instead
 *   of 20 (65535 << 15 still fits int32): both inputs lifted, rescaled with
 *   the double-rounding MultiplyByQuantizedMultiplierSmallerThanOneExp,
 *   summed, rescaled to the output, clamped to the fused activation's range.
 *   The power-of-two path (pot_scale_int16 = true with POT scales, zero
 *   points 0) is a different kernel; the op file refuses it.
 * QUANTIZE float -> int16 (quantize.cc, kGenericOptimized): round half away
 *   from zero of x / scale with the scale widened to double, + zero point,
 *   saturated. int16 -> int8/int16 and int8 -> int16 (Requantize): the
 *   int32 double-rounding MultiplyByQuantizedMultiplier of (x - in_zp) with
 *   in_scale / out_scale, + out_zp, saturated.
 * DEQUANTIZE int16 -> float: scale * (x - zp), one rounding to float (the
 *   product of a 17-bit integer and a float is exact in double, so the
 *   float and double forms TFLite has agree). */
#include <math.h>
#include "kernels/kernels_int8.h"
#include "model/tflite_schema.h"

static inline int32_t clamp32(int32_t v, int32_t lo, int32_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

void arv_q16_act_range(int act, float scale, int32_t zp, int32_t *lo, int32_t *hi)
{
    /* TFLite's CalculateActivationRangeQuantized: the bounds quantized in
     * float, rounded half away from zero, within the int16 range. */
    const int32_t qmin = -32768, qmax = 32767;
    float flo = -INFINITY, fhi = INFINITY;
    if (act == TFL_ACT_RELU || act == TFL_ACT_RELU6)
        flo = 0.0f;
    if (act == TFL_ACT_RELU6)
        fhi = 6.0f;
    if (act == TFL_ACT_RELU_N1_TO_1) {
        flo = -1.0f;
        fhi = 1.0f;
    }
    *lo = qmin;
    *hi = qmax;
    if (isfinite(flo)) {
        const float v = roundf(flo / scale) + (float)zp;
        *lo = v > (float)qmin ? (int32_t)v : qmin;
    }
    if (isfinite(fhi)) {
        const float v = roundf(fhi / scale) + (float)zp;
        *hi = v < (float)qmax ? (int32_t)v : qmax;
    }
}

void arv_q16_add_prepare(float s1, float s2, float so, int act, arv_q_add *p)
{
    *p = (arv_q_add){.rounding = ARV_QR_DOUBLE, .left_shift = 15};
    const double twice_max = 2.0 * (double)(s1 > s2 ? s1 : s2);
    arv_q_quantize_mult((double)s1 / twice_max, &p->in1_mult, &p->in1_shift);
    arv_q_quantize_mult((double)s2 / twice_max, &p->in2_mult, &p->in2_shift);
    arv_q_quantize_mult(twice_max / ((double)(1 << p->left_shift) * (double)so), &p->out_mult,
                        &p->out_shift);
    arv_q16_act_range(act, so, 0, &p->act_min, &p->act_max);
}

static inline size_t bidx(const int *d, int i0, int i1, int i2, int i3)
{
    /* a broadcast dim (size 1) always reads index 0 */
    return (((size_t)(d[0] > 1 ? i0 : 0) * d[1] + (d[1] > 1 ? i1 : 0)) * d[2] +
            (d[2] > 1 ? i2 : 0)) * d[3] + (d[3] > 1 ? i3 : 0);
}

void arv_q16_add(const arv_q_add *p, const arv_bcast4 *s, const int16_t *a, const int16_t *b,
                 int16_t *out)
{
    size_t o = 0;
    for (int i0 = 0; i0 < s->out[0]; i0++)
        for (int i1 = 0; i1 < s->out[1]; i1++)
            for (int i2 = 0; i2 < s->out[2]; i2++)
                for (int i3 = 0; i3 < s->out[3]; i3++) {
                    const int32_t x1 = (int32_t)a[bidx(s->a, i0, i1, i2, i3)] * (1 << p->left_shift);
                    const int32_t x2 = (int32_t)b[bidx(s->b, i0, i1, i2, i3)] * (1 << p->left_shift);
                    const int32_t y1 = arv_q_mul_by_mult(x1, p->in1_mult, p->in1_shift);
                    const int32_t y2 = arv_q_mul_by_mult(x2, p->in2_mult, p->in2_shift);
                    const int32_t v = arv_q_mul_by_mult(y1 + y2, p->out_mult, p->out_shift);
                    out[o++] = (int16_t)clamp32(v, p->act_min, p->act_max);
                }
}

void arv_q16_quantize(size_t n, const float *in, float scale, int32_t zp, int16_t *out)
{
    const double s = (double)scale;
    for (size_t i = 0; i < n; i++) {
        /* clamp before the conversion: out-of-range floats have no int */
        double v = round((double)in[i] / s) + zp;
        v = v < -32768.0 ? -32768.0 : v > 32767.0 ? 32767.0 : v;
        out[i] = (int16_t)(isnan(v) ? zp : (int32_t)v);
    }
}

void arv_q16_lut8(size_t n, const int8_t *in, const int16_t lut[256], int16_t *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = lut[(uint8_t)in[i]];
}

void arv_q16_requantize(size_t n, const void *in, int in_bits, int32_t in_zp, int32_t mult,
                        int shift, int32_t out_zp, int out_bits, void *out)
{
    const int32_t lo = out_bits == 16 ? -32768 : -128, hi = out_bits == 16 ? 32767 : 127;
    for (size_t i = 0; i < n; i++) {
        const int32_t x = in_bits == 16 ? ((const int16_t *)in)[i] : ((const int8_t *)in)[i];
        const int32_t v = clamp32(arv_q_mul_by_mult(x - in_zp, mult, shift) + out_zp, lo, hi);
        if (out_bits == 16)
            ((int16_t *)out)[i] = (int16_t)v;
        else
            ((int8_t *)out)[i] = (int8_t)v;
    }
}

void arv_q16_dequantize(size_t n, const int16_t *in, float scale, int32_t zp, float *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = (float)((double)scale * (double)((int32_t)in[i] - zp));
}

/* MUL (mul.cc, int16 in and out): the int32 product of the two values
 * (zero points 0; 2^30 at most) times one multiplier s1 * s2 / so, double
 * rounding, clamped to the activation range. */
void arv_q16_mul(const arv_q_mul *p, const arv_bcast4 *s, const int16_t *a, const int16_t *b,
                 int16_t *out)
{
    size_t o = 0;
    for (int i0 = 0; i0 < s->out[0]; i0++)
        for (int i1 = 0; i1 < s->out[1]; i1++)
            for (int i2 = 0; i2 < s->out[2]; i2++)
                for (int i3 = 0; i3 < s->out[3]; i3++) {
                    const int32_t x = (int32_t)a[bidx(s->a, i0, i1, i2, i3)] *
                                      b[bidx(s->b, i0, i1, i2, i3)];
                    const int32_t v = arv_q_mul_by_mult(x, p->mult, p->shift);
                    out[o++] = (int16_t)clamp32(v, p->act_min, p->act_max);
                }
}
