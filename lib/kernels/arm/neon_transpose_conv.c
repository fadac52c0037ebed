/* Transposed convolution: NEON build of transpose_conv.inc (aarch64 only). */
#define ARV_SIMD_NEON
#include "kernels/arm/simd.h"
#include "kernels/simd_kernels.h"
#include "kernels/simd/transpose_conv.inc"
