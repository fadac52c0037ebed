/* pools, spatial MEAN, RESIZE_BILINEAR: NEON build of spatial.inc (aarch64 only). */
#define ARV_SIMD_NEON
#include "kernels/arm/simd.h"
#include "kernels/simd_kernels.h"
#include "kernels/simd/spatial.inc"
