/* The portable C kernel table: the oracle other ISAs are tested against. */
#include "generic.h"

const arv_kernel_table arv_kernels_generic = {
    .name = "generic",
    .conv2d = arv_ref_conv2d_f32,
    .depthwise = arv_ref_depthwise_f32,
    .transpose_conv = arv_ref_transpose_conv_f32,
    .fully_connected = arv_ref_fully_connected_f32,
    .max_pool = arv_ref_max_pool_f32,
    .avg_pool = arv_ref_avg_pool_f32,
    .binary = arv_ref_binary_f32,
    .prelu = arv_ref_prelu_f32,
    .clamp = arv_ref_clamp_f32,
    .logistic = arv_ref_logistic_f32,
    .hard_swish = arv_ref_hard_swish_f32,
    .concat = arv_ref_concat_f32,
    .pad4 = arv_ref_pad4_f32,
    .mean4 = arv_ref_mean4_f32,
    .resize_bilinear = arv_ref_resize_bilinear_f32,
    .depth_to_space = arv_ref_depth_to_space_f32,
};
