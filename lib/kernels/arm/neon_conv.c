/* CONV_2D as GEMM over packed weights: NEON build of conv.inc (aarch64 only). */
#define ARV_SIMD_NEON
#include "kernels/arm/simd.h"
#include "kernels/simd_kernels.h"

/* 8 pixels x 8 channels: 16 of the 32 q registers accumulate. */
#define GEMM_MR 8
#define GEMM_NV 2
#include "kernels/simd/conv_gemm.inc"
