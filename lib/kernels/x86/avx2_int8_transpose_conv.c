/* avx2_int8_transpose_conv.c — the AVX2 int8 table's TRANSPOSE_CONV; the
 * body is lib/kernels/simd/int8_transpose_conv.inc. */
#define TC_NAME arv_q8_transpose_conv_avx2
#include "kernels/simd/int8_transpose_conv.inc"
