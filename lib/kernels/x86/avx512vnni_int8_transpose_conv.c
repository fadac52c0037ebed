/* avx512vnni_int8_transpose_conv.c — the VNNI int8 table's TRANSPOSE_CONV:
 * the AVX2 body of lib/kernels/simd/int8_transpose_conv.inc (the one model
 * using it has 16 input channels, a single 256-bit madd per tap). */
#define TC_NAME arv_q8_transpose_conv_avx512vnni
#include "kernels/simd/int8_transpose_conv.inc"
