/* The AVX2 kernel table: SIMD kernels where they exist, the generic ones
 * elsewhere (ops that move data rather than compute on it). */
#include "kernels/generic/generic.h"
#include "kernels/simd_kernels.h"

const arv_kernel_table arv_kernels_avx2 = {
    .name = "avx2",
    .conv2d = arv_ref_conv2d_f32,
    .depthwise = arv_depthwise_avx2,
    .transpose_conv = arv_transpose_conv_avx2,
    .fully_connected = arv_ref_fully_connected_f32,
    .max_pool = arv_max_pool_avx2,
    .avg_pool = arv_avg_pool_avx2,
    .binary = arv_binary_avx2,
    .prelu = arv_prelu_avx2,
    .clamp = arv_clamp_avx2,
    .logistic = arv_logistic_avx2,
    .hard_swish = arv_hard_swish_avx2,
    .concat = arv_ref_concat_f32,
    .pad4 = arv_ref_pad4_f32,
    .mean4 = arv_mean4_avx2,
    .resize_bilinear = arv_resize_bilinear_avx2,
    .depth_to_space = arv_ref_depth_to_space_f32,
    .conv2d_packed_size = arv_conv2d_packed_size_avx2,
    .conv2d_pack = arv_conv2d_pack_avx2,
    .conv2d_packed = arv_conv2d_packed_avx2,
    .conv2d_packed_ep = arv_conv2d_packed_ep_avx2,
    .resize_bilinear_rows = arv_resize_bilinear_rows_avx2,
    .pad4_rows = arv_pad4_rows_avx2,
};
