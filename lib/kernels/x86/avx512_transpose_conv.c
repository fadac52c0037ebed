/* Transposed convolution: AVX512 build of transpose_conv.inc. */
#define ARV_SIMD_AVX512
#include "kernels/x86/simd.h"
#include "kernels/simd_kernels.h"
#include "kernels/simd/transpose_conv.inc"
