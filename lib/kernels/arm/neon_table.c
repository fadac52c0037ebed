/* The NEON kernel table: SIMD kernels where they exist, the generic ones
 * elsewhere (ops that move data rather than compute on it). */
#include "kernels/generic/generic.h"
#include "kernels/simd_kernels.h"

const arv_kernel_table arv_kernels_neon = {
    .name = "neon",
    .conv2d = arv_ref_conv2d_f32,
    .depthwise = arv_depthwise_neon,
    .transpose_conv = arv_transpose_conv_neon,
    .fully_connected = arv_ref_fully_connected_f32,
    .max_pool = arv_max_pool_neon,
    .avg_pool = arv_avg_pool_neon,
    .binary = arv_binary_neon,
    .prelu = arv_prelu_neon,
    .clamp = arv_clamp_neon,
    .logistic = arv_logistic_neon,
    .hard_swish = arv_hard_swish_neon,
    .concat = arv_ref_concat_f32,
    .pad4 = arv_ref_pad4_f32,
    .mean4 = arv_mean4_neon,
    .resize_bilinear = arv_resize_bilinear_neon,
    .depth_to_space = arv_ref_depth_to_space_f32,
    .conv2d_packed_size = arv_conv2d_packed_size_neon,
    .conv2d_pack = arv_conv2d_pack_neon,
    .conv2d_packed = arv_conv2d_packed_neon,
    .conv2d_packed_ep = arv_conv2d_packed_ep_neon,
    .resize_bilinear_rows = arv_resize_bilinear_rows_neon,
    .pad4_rows = arv_pad4_rows_neon,
};
