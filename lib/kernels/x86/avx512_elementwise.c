/* ADD/MUL/SUB, PRELU, clamp, HARD_SWISH, LOGISTIC: AVX512 build of elementwise.inc. */
#define ARV_SIMD_AVX512
#include "kernels/x86/simd.h"
#include "kernels/simd_kernels.h"
#include "kernels/simd/elementwise.inc"
