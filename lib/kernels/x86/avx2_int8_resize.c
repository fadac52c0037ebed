/* avx2_int8_resize.c — the AVX2 int8 table's RESIZE_BILINEAR (11-bit
 * flavour); the body is lib/kernels/simd/int8_resize.inc. */
#define RZ_NAME arv_q8_resize_bilinear_q11_avx2
#include "kernels/simd/int8_resize.inc"
