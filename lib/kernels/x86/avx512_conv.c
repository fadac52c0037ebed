/* CONV_2D as GEMM over packed weights, AVX512 build of conv_gemm.inc. */
#define ARV_SIMD_AVX512
#include "kernels/x86/simd.h"
#include "kernels/simd_kernels.h"

/* 12 pixels x 16 channels. Measured on Zen 4 (1x1, 160->960 at 32x32):
 * 56 GMAC/s, against 38 for 8 x 32 and 49 for 8 x 16. */
#define GEMM_MR 12
#define GEMM_NV 1
#include "kernels/simd/conv_gemm.inc"

/* avx512_table.c hands convs with N <= 8 to the AVX2 kernel with the packed
 * weights as they are, so both must pack 16-wide panels. */
_Static_assert(GEMM_NR == 16, "x86 GEMM panels must be 16 floats wide");
