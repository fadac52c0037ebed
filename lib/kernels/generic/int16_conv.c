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

void arv_q16_conv2d(const arv_conv_geom *g, const arv_q16_conv *q, const int16_t *in,
                    const int8_t *w, const int64_t *bias, int16_t *out, int row_begin,
                    int row_end)
{
    const int ic_n = g->in_c;
    for (int r = row_begin; r < row_end; r++) {
        const int b = r / g->out_h, oy = r % g->out_h;
        const int16_t *in_b = in + (size_t)b * g->in_h * g->in_w * ic_n;
        for (int ox = 0; ox < g->out_w; ox++) {
            const int y0 = oy * g->stride_h - g->pad_top;
            const int x0 = ox * g->stride_w - g->pad_left;
            int16_t *o = out + ((size_t)r * g->out_w + ox) * g->out_c;
            for (int oc = 0; oc < g->out_c; oc++) {
                int64_t acc = 0;
                for (int ky = 0; ky < g->k_h; ky++) {
                    const int y = y0 + ky * g->dil_h;
                    if (y < 0 || y >= g->in_h)
                        continue;
                    for (int kx = 0; kx < g->k_w; kx++) {
                        const int x = x0 + kx * g->dil_w;
                        if (x < 0 || x >= g->in_w)
                            continue;
                        const int16_t *ip = in_b + ((size_t)y * g->in_w + x) * ic_n;
                        const int8_t *wp = w + (((size_t)oc * g->k_h + ky) * g->k_w + kx) * ic_n;
                        for (int c = 0; c < ic_n; c++)
                            acc += (int32_t)wp[c] * ip[c];
                    }
                }
                if (bias)
                    acc += bias[oc];
                o[oc] = requant16(acc, q, oc);
            }
        }
    }
}

void arv_q16_depthwise(const arv_conv_geom *g, const arv_q16_conv *q, const int16_t *in,
                       const int8_t *w, const int64_t *bias, int16_t *out, int row_begin,
                       int row_end)
{
    const int ic_n = g->in_c, m_n = g->depth_mult;
    for (int r = row_begin; r < row_end; r++) {
        const int b = r / g->out_h, oy = r % g->out_h;
        const int16_t *in_b = in + (size_t)b * g->in_h * g->in_w * ic_n;
        for (int ox = 0; ox < g->out_w; ox++) {
            const int y0 = oy * g->stride_h - g->pad_top;
            const int x0 = ox * g->stride_w - g->pad_left;
            int16_t *o = out + ((size_t)r * g->out_w + ox) * g->out_c;
            for (int ic = 0; ic < ic_n; ic++) {
                for (int m = 0; m < m_n; m++) {
                    const int oc = ic * m_n + m;
                    int64_t acc = 0;
                    for (int ky = 0; ky < g->k_h; ky++) {
                        const int y = y0 + ky * g->dil_h;
                        if (y < 0 || y >= g->in_h)
                            continue;
                        for (int kx = 0; kx < g->k_w; kx++) {
                            const int x = x0 + kx * g->dil_w;
                            if (x < 0 || x >= g->in_w)
                                continue;
                            acc += (int32_t)w[((size_t)ky * g->k_w + kx) * g->out_c + oc] *
                                   in_b[((size_t)y * g->in_w + x) * ic_n + ic];
                        }
                    }
                    if (bias)
                        acc += bias[oc];
                    o[oc] = requant16(acc, q, oc);
                }
            }
        }
    }
}

void arv_q16_fully_connected(int batches, int in_dim, int out_dim, const arv_q16_conv *q,
                             const int16_t *in, const int8_t *w, const int64_t *bias,
                             int16_t *out, int row_begin, int row_end)
{
    (void)batches;
    for (int b = row_begin; b < row_end; b++)
        for (int oc = 0; oc < out_dim; oc++) {
            int64_t acc = 0;
            for (int c = 0; c < in_dim; c++)
                acc += (int32_t)w[(size_t)oc * in_dim + c] * in[(size_t)b * in_dim + c];
            if (bias)
                acc += bias[oc];
            out[(size_t)b * out_dim + oc] = requant16(acc, q, oc);
        }
}
