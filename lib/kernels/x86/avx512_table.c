/* The AVX512 kernel table: SIMD kernels where they exist, the generic ones
 * elsewhere (ops that move data rather than compute on it). */
#include "kernels/generic/generic.h"
#include "kernels/simd_kernels.h"

const arv_kernel_table arv_kernels_avx512 = {
    .name = "avx512",
    .conv2d = arv_ref_conv2d_f32,
    .depthwise = arv_depthwise_avx512,
    .transpose_conv = arv_ref_transpose_conv_f32,
    .fully_connected = arv_ref_fully_connected_f32,
    .max_pool = arv_max_pool_avx512,
    .avg_pool = arv_avg_pool_avx512,
    .binary = arv_binary_avx512,
    .prelu = arv_prelu_avx512,
    .clamp = arv_clamp_avx512,
    .logistic = arv_logistic_avx512,
    .hard_swish = arv_hard_swish_avx512,
    .concat = arv_ref_concat_f32,
    .pad4 = arv_ref_pad4_f32,
    .mean4 = arv_mean4_avx512,
    .resize_bilinear = arv_resize_bilinear_avx512,
    .depth_to_space = arv_ref_depth_to_space_f32,
    .conv2d_packed_size = arv_conv2d_packed_size_avx512,
    .conv2d_pack = arv_conv2d_pack_avx512,
    .conv2d_packed = arv_conv2d_packed_avx512,
};
