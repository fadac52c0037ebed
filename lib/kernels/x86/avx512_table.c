/* The AVX512 kernel table: SIMD kernels where they exist, the generic ones
 * elsewhere (ops that move data rather than compute on it).
 *
 * Channel-vectorized kernels whose channel count is 8 modulo 16 (the 8- and
 * 24-channel layers at the models' full resolution) run the AVX2 kernels
 * instead: exact 8-wide vectors beat half-masked 16-wide ones, and every
 * AVX-512 machine runs AVX2. Measured on Zen 4, 256x256x8: 3x3 8->1 conv
 * 0.9 ms against 1.9, 128x128x8 depthwise 3x3 0.07 against 0.13 ms. */
#include "kernels/generic/generic.h"
#include "kernels/simd_kernels.h"

static int narrow(int c) { return c % 16 != 0 && c % 8 == 0; }

/* Dense panels are 16 wide in both tables, the small-N form is shared, so
 * the AVX2 kernel reads this table's packed weights as they are. */
static void conv2d_packed(const arv_conv_geom *g, const float *in, const void *packed,
                          float *out, int row_begin, int row_end)
{
    if (g->out_c <= 8 || (g->out_c <= 3 && narrow(g->in_c)))
        arv_conv2d_packed_avx2(g, in, packed, out, row_begin, row_end);
    else
        arv_conv2d_packed_avx512(g, in, packed, out, row_begin, row_end);
}

static int conv2d_packed_ep(const arv_conv_geom *g, const float *in, const void *packed,
                            float *out, int row_begin, int row_end, const arv_conv_epilogue *ep)
{
    if (g->out_c <= 8 || (g->out_c <= 3 && narrow(g->in_c)))
        return arv_conv2d_packed_ep_avx2(g, in, packed, out, row_begin, row_end, ep);
    return arv_conv2d_packed_ep_avx512(g, in, packed, out, row_begin, row_end, ep);
}

static void depthwise(const arv_conv_geom *g, const float *in, const float *w, const float *bias,
                      float *out, int row_begin, int row_end)
{
    (narrow(g->in_c) ? arv_depthwise_avx2 : arv_depthwise_avx512)(g, in, w, bias, out, row_begin,
                                                                  row_end);
}

static void max_pool(const arv_pool_geom *g, const float *in, float *out, int r0, int r1)
{
    (narrow(g->c) ? arv_max_pool_avx2 : arv_max_pool_avx512)(g, in, out, r0, r1);
}

static void avg_pool(const arv_pool_geom *g, const float *in, float *out, int r0, int r1)
{
    (narrow(g->c) ? arv_avg_pool_avx2 : arv_avg_pool_avx512)(g, in, out, r0, r1);
}

static void resize_rows(const arv_resize_geom *g, const float *in, float *out, int r0, int r1)
{
    (narrow(g->c) ? arv_resize_bilinear_rows_avx2 : arv_resize_bilinear_rows_avx512)(g, in, out,
                                                                                    r0, r1);
}

static void resize(const arv_resize_geom *g, const float *in, float *out)
{
    resize_rows(g, in, out, 0, g->batch * g->out_h);
}

const arv_kernel_table arv_kernels_avx512 = {
    .name = "avx512",
    .conv2d = arv_ref_conv2d_f32,
    .depthwise = depthwise,
    .transpose_conv = arv_transpose_conv_avx512,
    .fully_connected = arv_ref_fully_connected_f32,
    .max_pool = max_pool,
    .avg_pool = avg_pool,
    .binary = arv_binary_avx512,
    .prelu = arv_prelu_avx512,
    .clamp = arv_clamp_avx512,
    .logistic = arv_logistic_avx512,
    .hard_swish = arv_hard_swish_avx512,
    .concat = arv_ref_concat_f32,
    .pad4 = arv_ref_pad4_f32,
    .mean4 = arv_mean4_avx512,
    .resize_bilinear = resize,
    .depth_to_space = arv_ref_depth_to_space_f32,
    .conv2d_packed_size = arv_conv2d_packed_size_avx512,
    .conv2d_pack = arv_conv2d_pack_avx512,
    .conv2d_packed = conv2d_packed,
    .conv2d_packed_ep = conv2d_packed_ep,
    .resize_bilinear_rows = resize_rows,
    .pad4_rows = arv_pad4_rows_avx512,
};
