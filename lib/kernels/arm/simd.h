/* simd.h — the NEON (aarch64) vocabulary of the shared kernel bodies
 * (the .inc files in kernels/simd); the same names as kernels/x86/simd.h.
 *
 * NEON has no masked loads: vm is a lane count and tails go through a small
 * stack buffer, so no kernel reads or writes past a tensor. NEON's vmaxq/
 * vminq return NaN when either input is NaN, unlike x86 and the generic
 * kernels' comparisons, so vmax/vmin are written as compare-and-select with
 * x86's operand rule (a > b ? a : b), which keeps the generic semantics. */
#ifndef ARV_ARM_SIMD_H
#define ARV_ARM_SIMD_H

#include <arm_neon.h>
#include <stddef.h>
#include <stdint.h>

#define ARV_ALWAYS static inline __attribute__((always_inline))
#define VL 4
#define ARV_ISA_FN(name) name##_neon
typedef float32x4_t vf;
typedef int vm;

ARV_ALWAYS vm vmask(int n) { return n; }
ARV_ALWAYS vf vld(const float *p) { return vld1q_f32(p); }
ARV_ALWAYS vf vld_m(const float *p, vm n)
{
    float t[VL] = {0.0f, 0.0f, 0.0f, 0.0f};
    for (int i = 0; i < n && i < VL; i++)
        t[i] = p[i];
    return vld1q_f32(t);
}
ARV_ALWAYS void vst(float *p, vf v) { vst1q_f32(p, v); }
ARV_ALWAYS void vst_m(float *p, vf v, vm n)
{
    float t[VL];
    vst1q_f32(t, v);
    for (int i = 0; i < n && i < VL; i++)
        p[i] = t[i];
}
ARV_ALWAYS vf vset(float x) { return vdupq_n_f32(x); }
ARV_ALWAYS vf vzero(void) { return vdupq_n_f32(0.0f); }
ARV_ALWAYS vf vfma(vf a, vf b, vf c) { return vfmaq_f32(c, a, b); }
ARV_ALWAYS vf vadd(vf a, vf b) { return vaddq_f32(a, b); }
ARV_ALWAYS vf vsub(vf a, vf b) { return vsubq_f32(a, b); }
ARV_ALWAYS vf vmul(vf a, vf b) { return vmulq_f32(a, b); }
ARV_ALWAYS vf vdiv(vf a, vf b) { return vdivq_f32(a, b); }
ARV_ALWAYS vf vmax(vf a, vf b) { return vbslq_f32(vcgtq_f32(a, b), a, b); }
ARV_ALWAYS vf vmin(vf a, vf b) { return vbslq_f32(vcltq_f32(a, b), a, b); }
ARV_ALWAYS vf vsel_ge(vf a, vf b, vf x, vf y) { return vbslq_f32(vcgeq_f32(a, b), x, y); }
ARV_ALWAYS vf vabs(vf a) { return vabsq_f32(a); }
ARV_ALWAYS float vhsum(vf a) { return vaddvq_f32(a); }
/* The horizontal sums of four vectors into s[0..3], sharing the adds. */
ARV_ALWAYS void vhsum4(vf a, vf b, vf c, vf d, float s[4])
{
    vst1q_f32(s, vpaddq_f32(vpaddq_f32(a, b), vpaddq_f32(c, d)));
}
ARV_ALWAYS vf vround(vf a) { return vrndnq_f32(a); }
ARV_ALWAYS vf vexp2i(vf n)
{
    int32x4_t i = vcvtq_s32_f32(n);
    return vreinterpretq_f32_s32(vshlq_n_s32(vaddq_s32(i, vdupq_n_s32(127)), 23));
}
/* See kernels/x86/simd.h: unfused, so results match the generic kernels. */
ARV_ALWAYS vf vmuladd(vf a, vf b, vf acc) { return vaddq_f32(acc, vmulq_f32(a, b)); }
ARV_ALWAYS vf vclamp(vf x, vf lo, vf hi) { return vmin(hi, vmax(lo, x)); }

#endif
