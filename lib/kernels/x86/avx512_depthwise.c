/* DEPTHWISE_CONV_2D: AVX512 build of depthwise.inc. */
#define ARV_SIMD_AVX512
#include "kernels/x86/simd.h"
#include "kernels/simd_kernels.h"
#include "kernels/simd/depthwise.inc"
