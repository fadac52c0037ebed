/* int16_conv.c — CONV_2D and DEPTHWISE_CONV_2D with int16 activations and
 * int8 weights ("16x8"), as TensorFlow Lite runs them.
 *
 * What TFLite does (conv.cc / depthwise_conv.cc, EvalQuantizedPerChannel16x8;
 * its XNNPACK delegate takes no int16 op, so the builtin kernel runs): with an
 * int64 bias it always takes reference_integer_ops::ConvPerChannel /
 * DepthwiseConvPerChannel (no optimized int64-bias kernel exists), whatever
 * kernel_type. Zero points of input and output are 0 (Prepare checks), the
 * filter is symmetric per channel. Per output: an int64 sum of w * x over the
 * taps inside the input (padding contributes nothing), plus the bias, then
 * the 64-bit MultiplyByQuantizedMultiplier (arv_q16_mul_by_mult64: the Q31
 * multiplier cut to Q15, one rounding shift), clamped to the activation
 * range; no output offset. The int32-bias variant would take other kernels
 * (an optimized one with int32 accumulators), so the op files refuse it.
 * Sums are exact, so the order of accumulation does not matter. */
#include "kernels/kernels_int8.h"

int32_t arv_q16_mul_by_mult64(int64_t x, int32_t q, int shift)
{
    /* The multiplier rounded to 15 fractional bits keeps x * q inside 64
     * bits for |x| < 2^47; TFLite saturates the rounding at 0x7FFF. */
    const int64_t reduced = q < 0x7FFF0000 ? ((int64_t)q + (1 << 15)) >> 16 : 0x7FFF;
    const int total = 15 - shift;   /* prepare keeps shift in [-31, 7] */
    /* TFLite assumes |x| < 2^47 (sums of valid models are far below); the
     * clamps only keep crafted models from overflowing. */
    const int64_t lim = (int64_t)1 << 47;
    x = x < -lim ? -lim : x >= lim ? lim - 1 : x;
    int64_t r = (x * reduced + ((int64_t)1 << (total - 1))) >> total;
    r = r < INT32_MIN ? INT32_MIN : r > INT32_MAX ? INT32_MAX : r;
    return (int32_t)r;
}

static inline int16_t requant16(int64_t acc, const arv_q16_conv *q, int oc)
{
    int32_t v = arv_q16_mul_by_mult64(acc, q->mult[oc], q->shift[oc]);
    v = v < q->act_min ? q->act_min : v;
    v = v > q->act_max ? q->act_max : v;
    return (int16_t)v;
}

#define CONV_T int16_t
#define CONV_ACC int64_t
#define CONV_BIAS_T int64_t
#define CONV_Q arv_q16_conv
#define CONV_IN_OFF(q) 0
#define CONV_W_OFF(q) 0
#define CONV_REQUANT(acc, q, oc) requant16(acc, q, oc)
#define CONV_FN_CONV2D arv_q16_conv2d
#define CONV_FN_DEPTHWISE arv_q16_depthwise
#define CONV_FN_FC arv_q16_fully_connected
#include "conv_integer.inc"
