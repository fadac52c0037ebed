/* DEPTHWISE_CONV_2D: NEON build of depthwise.inc (aarch64 only). */
#define ARV_SIMD_NEON
#include "kernels/arm/simd.h"
#include "kernels/simd_kernels.h"
#include "kernels/simd/depthwise.inc"
