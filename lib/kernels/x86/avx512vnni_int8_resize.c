/* avx512vnni_int8_resize.c — the VNNI int8 table's RESIZE_BILINEAR (11-bit
 * flavour): the 8-lane body of lib/kernels/simd/int8_resize.inc, which
 * already runs at the speed the loads and stores allow for the channel
 * counts the models use (8 to 128). */
#define RZ_NAME arv_q8_resize_bilinear_q11_avx512vnni
#include "kernels/simd/int8_resize.inc"
