/* CONV_2D as GEMM over packed weights, AVX2 build of conv_gemm.inc. */
#define ARV_SIMD_AVX2
#include "kernels/x86/simd.h"
#include "kernels/simd_kernels.h"

/* 6 pixels x 16 channels: 12 accumulators of the 16 ymm registers.
 * Measured on Zen 4 (1x1, 160->960 at 32x32): 50-55 GMAC/s. */
#define GEMM_MR 6
#define GEMM_NV 2
#include "kernels/simd/conv_gemm.inc"

/* avx512_table.c hands convs with N <= 8 to the AVX2 kernel with the packed
 * weights as they are, so both must pack 16-wide panels. */
_Static_assert(GEMM_NR == 16, "x86 GEMM panels must be 16 floats wide");
