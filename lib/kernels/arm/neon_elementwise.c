/* ADD/MUL/SUB, PRELU, clamp, HARD_SWISH, LOGISTIC: NEON build of elementwise.inc (aarch64 only). */
#define ARV_SIMD_NEON
#include "kernels/arm/simd.h"
#include "kernels/simd_kernels.h"
#include "kernels/simd/elementwise.inc"
