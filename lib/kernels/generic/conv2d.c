/* CONV_2D, float32, as tflite::reference_ops::Conv. */
#include "generic.h"

void arv_ref_conv2d_f32(const arv_conv_geom *g, const float *in,
                        const float *w, const float *bias, float *out,
                        int row_begin, int row_end)
{
    const int in_c = g->in_c, out_c = g->out_c;
    const size_t in_row = (size_t)g->in_w * (size_t)in_c;
    const size_t w_row = (size_t)g->k_w * (size_t)in_c;
    const size_t w_filter = (size_t)g->k_h * w_row;

    for (int r = row_begin; r < row_end; r++) {
        const int b = r / g->out_h, oy = r % g->out_h;
        const float *in_b = in + (size_t)b * (size_t)g->in_h * in_row;
        const int y0 = oy * g->stride_h - g->pad_top;
        int ky0, ky1;
        arv_ref_tap_range(y0, g->k_h, g->dil_h, g->in_h, &ky0, &ky1);

        for (int ox = 0; ox < g->out_w; ox++) {
            const int x0 = ox * g->stride_w - g->pad_left;
            int kx0, kx1;
            arv_ref_tap_range(x0, g->k_w, g->dil_w, g->in_w, &kx0, &kx1);
            float *o_px = out + ((size_t)r * (size_t)g->out_w + (size_t)ox) *
                                    (size_t)out_c;

            for (int o = 0; o < out_c; o++) {
                const float *w_o = w + (size_t)o * w_filter;
                /* Start from the bias and sum taps in (ky, kx, ic) order, as
                 * XNNPACK (TFLite's CPU path, which makes our goldens) does:
                 * with deep nets on noise inputs the rounding order shows. */
                float acc = bias ? bias[o] : 0.0f;
                for (int ky = ky0; ky < ky1; ky++) {
                    const float *in_y =
                        in_b + (size_t)(y0 + ky * g->dil_h) * in_row;
                    const float *w_y = w_o + (size_t)ky * w_row;
                    for (int kx = kx0; kx < kx1; kx++) {
                        const float *ip =
                            in_y + (size_t)(x0 + kx * g->dil_w) * (size_t)in_c;
                        const float *wp = w_y + (size_t)kx * (size_t)in_c;
                        for (int i = 0; i < in_c; i++)
                            acc += ip[i] * wp[i];
                    }
                }
                o_px[o] = arv_ref_act(acc, g->act_min, g->act_max);
            }
        }
    }
}
