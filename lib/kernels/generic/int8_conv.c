/* int8_conv.c — CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV and
 * FULLY_CONNECTED on int8 with per-channel requantization, as TFLite's
 * reference integer kernels: int32 accumulation of (x + input_offset) * w,
 * bias added in int32, one fixed-point multiply per output channel, output
 * offset, clamp. The loops of all but TRANSPOSE_CONV are shared with the
 * int16 kernels (conv_integer.inc). */
#include "kernels/kernels_int8.h"

static inline int8_t requant(int32_t acc, const arv_q_conv *q, int oc)
{
    if (q->rounding == ARV_QR_FP32)
        return (int8_t)arv_q_fp32_requant(acc, q->fscale[oc], q->output_offset, q->act_min,
                                          q->act_max);
    int32_t v = (q->rounding == ARV_QR_SINGLE
                     ? arv_q_mul_by_mult_single(acc, q->mult[oc], q->shift[oc])
                     : arv_q_mul_by_mult(acc, q->mult[oc], q->shift[oc])) +
                q->output_offset;
    v = v < q->act_min ? q->act_min : v;
    v = v > q->act_max ? q->act_max : v;
    return (int8_t)v;
}

#define CONV_T int8_t
#define CONV_ACC int32_t
#define CONV_BIAS_T int32_t
#define CONV_Q arv_q_conv
#define CONV_IN_OFF(q) ((q)->input_offset)
#define CONV_W_OFF(q) ((q)->weight_offset)
#define CONV_REQUANT(acc, q, oc) requant(acc, q, oc)
#define CONV_FN_CONV2D arv_q8_conv2d
#define CONV_FN_DEPTHWISE arv_q8_depthwise
#define CONV_FN_FC arv_q8_fully_connected
#include "conv_integer.inc"

void arv_q8_transpose_conv(const arv_conv_geom *g, const arv_q_conv *q, const int8_t *in,
                           const int8_t *w, const int32_t *bias, int32_t *scratch,
                           int8_t *out)
{
    const size_t out_px = (size_t)g->out_h * g->out_w;
    const size_t n_out = (size_t)g->batch * out_px * g->out_c;
    for (size_t i = 0; i < n_out; i++)
        scratch[i] = 0;
    /* Scatter every input pixel through the kernel, as TFLite does; the
     * cropped border (pad_top/pad_left) simply falls outside. */
    for (int b = 0; b < g->batch; b++)
        for (int iy = 0; iy < g->in_h; iy++)
            for (int ix = 0; ix < g->in_w; ix++) {
                const int8_t *ip = in + (((size_t)b * g->in_h + iy) * g->in_w + ix) * g->in_c;
                for (int ky = 0; ky < g->k_h; ky++) {
                    const int oy = iy * g->stride_h - g->pad_top + ky;
                    if (oy < 0 || oy >= g->out_h)
                        continue;
                    for (int kx = 0; kx < g->k_w; kx++) {
                        const int ox = ix * g->stride_w - g->pad_left + kx;
                        if (ox < 0 || ox >= g->out_w)
                            continue;
                        int32_t *sp = scratch + (((size_t)b * g->out_h + oy) * g->out_w + ox) * g->out_c;
                        for (int oc = 0; oc < g->out_c; oc++) {
                            const int8_t *wp = w + (((size_t)oc * g->k_h + ky) * g->k_w + kx) * g->in_c;
                            int32_t acc = 0;
                            for (int c = 0; c < g->in_c; c++)
                                acc += (ip[c] + q->input_offset) * (wp[c] + q->weight_offset);
                            sp[oc] += acc;
                        }
                    }
                }
            }
    for (size_t i = 0; i < n_out; i++) {
        const int oc = (int)(i % (size_t)g->out_c);
        out[i] = requant(scratch[i] + (bias ? bias[oc] : 0), q, oc);
    }
}
