/* pools, spatial MEAN, RESIZE_BILINEAR: AVX2 build of spatial.inc. */
#define ARV_SIMD_AVX2
#include "kernels/x86/simd.h"
#include "kernels/simd_kernels.h"
#include "kernels/simd/spatial.inc"
