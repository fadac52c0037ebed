/* int8_table.c — the portable int8 kernel table: the oracle that any
 * optimized int8 table must match bit for bit. */
#include "kernels/kernels_int8.h"

const arv_kernel_table_int8 arv_kernels_int8_generic = {
    .name = "generic",
    .conv2d = arv_q8_conv2d,
    .depthwise = arv_q8_depthwise,
    .transpose_conv = arv_q8_transpose_conv,
    .fully_connected = arv_q8_fully_connected,
    .max_pool = arv_q8_max_pool,
    .avg_pool = arv_q8_avg_pool,
    .add = arv_q8_add,
    .mul = arv_q8_mul,
    .prelu = arv_q8_prelu,
    .lut = arv_q8_lut,
    .hard_swish = arv_q8_hard_swish,
    .pad4 = arv_q8_pad4,
    .concat = arv_q8_concat,
    .quantize = arv_q8_quantize,
    .dequantize = arv_q8_dequantize,
    .resize_bilinear_q11 = arv_q8_resize_bilinear_q11,
    .quantize_rne = arv_q8_quantize_rne,
    .roundings = 1u << ARV_QR_SINGLE | 1u << ARV_QR_FP32,
};

/* arv_kernels_int8_for, which picks among this table and the optimized
 * ones (lib/kernels/x86/), lives with the CPU detection in runtime/cpu.c. */
