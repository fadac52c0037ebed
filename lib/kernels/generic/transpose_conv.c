/* TRANSPOSE_CONV (and Convolution2DTransposeBias), float32.
 *
 * TFLite's reference scatters every input pixel into the output. A row range
 * must be computable on its own, so this gathers instead: for output row oy
 * the contributing (y, ky) pairs satisfy y*stride - pad_top + ky == oy. The
 * pairs are visited with y (and x) ascending, and each product is added to
 * the output element one at a time, which is exactly the order in which the
 * scatter form adds them; the bias is added afterwards, as in TFLite.
 * Dilation and depth_mult do not apply to this op and are ignored. */
#include "generic.h"

static int floor_mod(int a, int m)
{
    int r = a % m;
    return r < 0 ? r + m : r;
}

/* Largest and smallest tap k in [0, k_n) with (t - k) a multiple of stride
 * and (t - k) / stride inside [0, in_n). Sets *k_hi < *k_lo when none. */
static void gather_taps(int t, int k_n, int stride, int in_n, int *k_hi,
                        int *k_lo)
{
    int hi = t < k_n - 1 ? t : k_n - 1;
    int lo = t - (in_n - 1) * stride;
    if (lo < 0)
        lo = 0;
    if (hi >= lo)
        hi -= floor_mod(hi - t, stride);
    *k_hi = hi;
    *k_lo = lo;
}

void arv_ref_transpose_conv_f32(const arv_conv_geom *g, const float *in,
                                const float *w, const float *bias, float *out,
                                int row_begin, int row_end)
{
    const int in_c = g->in_c, out_c = g->out_c;
    const int sh = g->stride_h, sw = g->stride_w;
    const size_t in_row = (size_t)g->in_w * (size_t)in_c;
    const size_t w_row = (size_t)g->k_w * (size_t)in_c;
    const size_t w_filter = (size_t)g->k_h * w_row;

    for (int r = row_begin; r < row_end; r++) {
        const int b = r / g->out_h, oy = r % g->out_h;
        const float *in_b = in + (size_t)b * (size_t)g->in_h * in_row;
        const int ty = oy + g->pad_top;
        int ky_hi, ky_lo;
        gather_taps(ty, g->k_h, sh, g->in_h, &ky_hi, &ky_lo);

        for (int ox = 0; ox < g->out_w; ox++) {
            const int tx = ox + g->pad_left;
            int kx_hi, kx_lo;
            gather_taps(tx, g->k_w, sw, g->in_w, &kx_hi, &kx_lo);
            float *o_px = out + ((size_t)r * (size_t)g->out_w + (size_t)ox) *
                                    (size_t)out_c;

            for (int o = 0; o < out_c; o++) {
                const float *w_o = w + (size_t)o * w_filter;
                float acc = 0.0f;
                /* Descending taps are ascending input coordinates. */
                for (int ky = ky_hi; ky >= ky_lo; ky -= sh) {
                    const int y = (ty - ky) / sh;
                    const float *in_y = in_b + (size_t)y * in_row;
                    const float *w_y = w_o + (size_t)ky * w_row;
                    for (int kx = kx_hi; kx >= kx_lo; kx -= sw) {
                        const int x = (tx - kx) / sw;
                        const float *ip = in_y + (size_t)x * (size_t)in_c;
                        const float *wp = w_y + (size_t)kx * (size_t)in_c;
                        for (int i = 0; i < in_c; i++)
                            acc += ip[i] * wp[i];
                    }
                }
                const float bv = bias ? bias[o] : 0.0f;
                o_px[o] = arv_ref_act(acc + bv, g->act_min, g->act_max);
            }
        }
    }
}
