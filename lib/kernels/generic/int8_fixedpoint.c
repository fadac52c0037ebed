/* int8_fixedpoint.c — TFLite's fixed-point requantization arithmetic and the
 * per-op parameter preparation that turns float scales into it. Bit
 * exactness with TFLite depends on every detail here: the rounding of the
 * Q31 multiplier, the asymmetric tie rule of the doubling high multiply and
 * the half-away-from-zero rule of the power-of-two division. */
#include <math.h>
#include <stdint.h>
#include "kernels/kernels_int8.h"
#include "model/tflite_schema.h"

void arv_q_quantize_mult(double m, int32_t *q, int *shift)
{
    if (m == 0.0) {
        *q = 0;
        *shift = 0;
        return;
    }
    int e;
    double frac = frexp(m, &e);
    /* round() is half away from zero, as TFLite's TfLiteRound. */
    int64_t qf = (int64_t)round(frac * (double)(1ll << 31));
    if (qf == (1ll << 31)) {   /* frac rounded up to 1.0 */
        qf /= 2;
        e++;
    }
    if (e < -31) {             /* too small to represent: zero */
        e = 0;
        qf = 0;
    }
    *q = (int32_t)qf;
    *shift = e;
}

int32_t arv_q_srdhm(int32_t a, int32_t b)
{
    if (a == INT32_MIN && b == INT32_MIN)
        return INT32_MAX;
    int64_t ab = (int64_t)a * (int64_t)b;
    int64_t nudge = ab >= 0 ? (1 << 30) : (1 - (1 << 30));
    /* C division truncates toward zero, as the C++ TFLite relies on. */
    return (int32_t)((ab + nudge) / (1ll << 31));
}

int32_t arv_q_rdiv_pot(int32_t x, int exponent)
{
    if (exponent <= 0)
        return x;
    const int32_t mask = (int32_t)((1ll << exponent) - 1);
    const int32_t rem = x & mask;
    const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    /* >> of a negative int is arithmetic on every compiler we target. */
    return (x >> exponent) + (rem > threshold ? 1 : 0);
}

int32_t arv_q_mul_by_mult(int32_t x, int32_t q, int shift)
{
    const int left = shift > 0 ? shift : 0;
    const int right = shift > 0 ? 0 : -shift;
    /* TFLite multiplies in int32; do it in uint32 so an overflow wraps
     * the same way without undefined behaviour. */
    const int32_t xs = (int32_t)((uint32_t)x << left);
    return arv_q_rdiv_pot(arv_q_srdhm(xs, q), right);
}

int32_t arv_q_mul_by_mult_single(int32_t x, int32_t q, int shift)
{
    const int total = 31 - shift;
    const int64_t round = (int64_t)1 << (total - 1);
    return (int32_t)(((int64_t)x * q + round) >> total);
}

void arv_q_act_range(int act, float scale, int32_t zp, int32_t *lo, int32_t *hi)
{
    int32_t qmin = -128, qmax = 127;
#define QF(f) (zp + (int32_t)roundf((f) / scale))
    switch (act) {
    case TFL_ACT_RELU:
        *lo = QF(0.0f) > qmin ? QF(0.0f) : qmin;
        *hi = qmax;
        break;
    case TFL_ACT_RELU6:
        *lo = QF(0.0f) > qmin ? QF(0.0f) : qmin;
        *hi = QF(6.0f) < qmax ? QF(6.0f) : qmax;
        break;
    case TFL_ACT_RELU_N1_TO_1:
        *lo = QF(-1.0f) > qmin ? QF(-1.0f) : qmin;
        *hi = QF(1.0f) < qmax ? QF(1.0f) : qmax;
        break;
    default:
        *lo = qmin;
        *hi = qmax;
        break;
    }
#undef QF
}

void arv_q_conv_mult(float in_scale, float w_scale, float out_scale, int32_t *q, int *shift)
{
    /* kernel_util.cc: per channel, all in double. */
    arv_q_quantize_mult((double)in_scale * (double)w_scale / (double)out_scale, q, shift);
}

void arv_q_add_prepare(float s1, int32_t zp1, float s2, int32_t zp2, float so,
                       int32_t zpo, int act, arv_q_add *p)
{
    /* TFLite: both inputs are brought to a common scale 2*max(s1, s2) with
     * 20 bits of headroom, summed, then rescaled to the output. The ratios
     * are formed in double from the float scales, as add.cc does. The
     * XNNPACK fields stay zero until arv_q_add_prepare_xnn fills them. */
    *p = (arv_q_add){.rounding = ARV_QR_DOUBLE};
    p->in1_offset = -zp1;
    p->in2_offset = -zp2;
    p->out_offset = zpo;
    p->left_shift = 20;
    const double twice_max = 2.0 * (double)(s1 > s2 ? s1 : s2);
    arv_q_quantize_mult((double)s1 / twice_max, &p->in1_mult, &p->in1_shift);
    arv_q_quantize_mult((double)s2 / twice_max, &p->in2_mult, &p->in2_shift);
    arv_q_quantize_mult(twice_max / ((double)(1 << p->left_shift) * (double)so),
                        &p->out_mult, &p->out_shift);
    arv_q_act_range(act, so, zpo, &p->act_min, &p->act_max);
}

void arv_q_mul_prepare(float s1, int32_t zp1, float s2, int32_t zp2, float so,
                       int32_t zpo, int act, arv_q_mul *p)
{
    *p = (arv_q_mul){.rounding = ARV_QR_DOUBLE};
    p->in1_offset = -zp1;
    p->in2_offset = -zp2;
    p->out_offset = zpo;
    /* mul.cc forms s1*s2/so in float, then widens. */
    const float realf = s1 * s2 / so;
    const double real = (double)realf;
    arv_q_quantize_mult(real, &p->mult, &p->shift);
    arv_q_act_range(act, so, zpo, &p->act_min, &p->act_max);
}

/* Q31 multiplier to the Q15 one the int16 pipeline uses, rounding to
 * nearest and saturating at the top. */
static int16_t down_to_q15(int32_t q)
{
    if (q >= INT32_MAX - (1 << 15))
        return INT16_MAX;
    return (int16_t)((q + (1 << 15)) >> 16);
}

void arv_q_hswish_prepare(float in_scale, int32_t in_zp, float out_scale,
                          int32_t out_zp, arv_q_hswish *p)
{
    /* Scales in float, as TFLite's HardSwishPrepare: the input is moved to
     * a 7-bit finer "hires" scale; the relu6(x+3)/6 factor lives in Q15 on
     * the scale 3/32768. */
    const float hires = (1.0f / 128.0f) * in_scale;
    const float reluish_scale = 3.0f / 32768.0f;
    const float out_m = hires / out_scale;
    const float rel_m = hires / reluish_scale;
    int32_t q;
    p->in_zp = in_zp;
    p->out_zp = out_zp;
    arv_q_quantize_mult(out_m, &q, &p->out_exp);
    p->out_mult = down_to_q15(q);
    arv_q_quantize_mult(rel_m, &q, &p->reluish_exp);
    p->reluish_mult = down_to_q15(q);
}

void arv_q_lut_logistic(float in_scale, int32_t in_zp, float out_scale,
                        int32_t out_zp, int8_t lut[256])
{
    const float inv = 1.0f / out_scale;
    for (int v = -128; v <= 127; v++) {
        const float x = in_scale * (float)(v - in_zp);
        const float y = 1.0f / (1.0f + expf(-x));
        int32_t q = (int32_t)roundf(y * inv) + out_zp;
        q = q < -128 ? -128 : q > 127 ? 127 : q;
        lut[(uint8_t)(int8_t)v] = (int8_t)q;
    }
}

int arv_q_add_prepare_xnn(float s1, int32_t zp1, float s2, int32_t zp2, float so, arv_q_add *p)
{
    /* XNNPACK's qs8 add: both ratios in float, one shift for both chosen so
     * that the larger multiplier has 21 bits; each multiplier is the ratio
     * times 2^shift rounded to nearest even. */
    const float ra = s1 / so, rb = s2 / so;
    const float mx = ra > rb ? ra : rb;
    if (!(ra >= 0x1.0p-10f && rb >= 0x1.0p-10f && mx < 0x1.0p+8f))
        return -1;
    int e;
    frexpf(mx, &e);   /* mx = m * 2^e, m in [0.5, 1): its exponent is e - 1 */
    const int shift = 20 - (e - 1);
    p->x_a_mult = (int32_t)lrintf(ldexpf(ra, shift));
    p->x_b_mult = (int32_t)lrintf(ldexpf(rb, shift));
    p->x_bias = -(p->x_a_mult * zp1 + p->x_b_mult * zp2);
    p->x_shift = shift;
    p->rounding = ARV_QR_XNN_ADD;
    return 0;
}
