/* pools, spatial MEAN, RESIZE_BILINEAR: AVX512 build of spatial.inc. */
#define ARV_SIMD_AVX512
#include "kernels/x86/simd.h"
#include "kernels/simd_kernels.h"
#include "kernels/simd/spatial.inc"
