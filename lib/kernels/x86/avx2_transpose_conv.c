/* Transposed convolution: AVX2 build of transpose_conv.inc. */
#define ARV_SIMD_AVX2
#include "kernels/x86/simd.h"
#include "kernels/simd_kernels.h"
#include "kernels/simd/transpose_conv.inc"
