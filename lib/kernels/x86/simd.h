/* simd.h — the x86 vocabulary of the shared kernel bodies (the .inc files
 * in kernels/simd), so each body is written once and compiled per ISA: avx2_*.c
 * defines ARV_SIMD_AVX2, avx512_*.c ARV_SIMD_AVX512, then includes this and
 * the body. kernels/arm/simd.h is the same vocabulary for NEON.
 *
 * vf is a vector of VL floats; vm a lane mask for tails (the first n lanes).
 * Masked loads never touch memory past the valid lanes, so no kernel reads
 * beyond a tensor — weights live in the mmapped file, where a page edge may
 * follow.
 *
 * Clamps are max(lo, x) then min(hi, t) with the constant first: x86's
 * max/min return the second operand when either is NaN, which keeps a NaN
 * input NaN exactly as the generic kernels' comparisons do. */
#ifndef ARV_X86_SIMD_H
#define ARV_X86_SIMD_H

#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>

#define ARV_ALWAYS static inline __attribute__((always_inline))

#if defined(ARV_SIMD_AVX512)

#define VL 16
#define ARV_ISA_FN(name) name##_avx512
typedef __m512 vf;
typedef __mmask16 vm;

ARV_ALWAYS vm vmask(int n) { return (vm)((1u << n) - 1u); }
ARV_ALWAYS vf vld(const float *p) { return _mm512_loadu_ps(p); }
ARV_ALWAYS vf vld_m(const float *p, vm m) { return _mm512_maskz_loadu_ps(m, p); }
ARV_ALWAYS void vst(float *p, vf v) { _mm512_storeu_ps(p, v); }
ARV_ALWAYS void vst_m(float *p, vf v, vm m) { _mm512_mask_storeu_ps(p, m, v); }
ARV_ALWAYS vf vset(float x) { return _mm512_set1_ps(x); }
ARV_ALWAYS vf vzero(void) { return _mm512_setzero_ps(); }
ARV_ALWAYS vf vfma(vf a, vf b, vf c) { return _mm512_fmadd_ps(a, b, c); }
ARV_ALWAYS vf vadd(vf a, vf b) { return _mm512_add_ps(a, b); }
ARV_ALWAYS vf vsub(vf a, vf b) { return _mm512_sub_ps(a, b); }
ARV_ALWAYS vf vmul(vf a, vf b) { return _mm512_mul_ps(a, b); }
ARV_ALWAYS vf vdiv(vf a, vf b) { return _mm512_div_ps(a, b); }
ARV_ALWAYS vf vmax(vf a, vf b) { return _mm512_max_ps(a, b); }
ARV_ALWAYS vf vmin(vf a, vf b) { return _mm512_min_ps(a, b); }
/* a >= b ? x : y, false for NaN (ordered compare). */
ARV_ALWAYS vf vsel_ge(vf a, vf b, vf x, vf y)
{
    return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(a, b, _CMP_GE_OQ), y, x);
}
ARV_ALWAYS vf vabs(vf a) { return _mm512_abs_ps(a); }
ARV_ALWAYS float vhsum(vf a) { return _mm512_reduce_add_ps(a); }
/* The horizontal sums of four vectors into s[0..3], sharing the shuffles. */
ARV_ALWAYS void vhsum4(vf a, vf b, vf c, vf d, float s[4])
{
#define ARV_HALVES(x) \
    _mm256_add_ps(_mm512_castps512_ps256(x), \
                  _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(x), 1)))
    const __m256 ab = _mm256_hadd_ps(ARV_HALVES(a), ARV_HALVES(b));
    const __m256 cd = _mm256_hadd_ps(ARV_HALVES(c), ARV_HALVES(d));
#undef ARV_HALVES
    const __m256 v = _mm256_hadd_ps(ab, cd);
    _mm_storeu_ps(s, _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1)));
}
ARV_ALWAYS vf vround(vf a)
{
    return _mm512_roundscale_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
}
/* 2^n for integral n in [-126, 127], as float. */
ARV_ALWAYS vf vexp2i(vf n)
{
    __m512i i = _mm512_cvtps_epi32(n);
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(i, _mm512_set1_epi32(127)), 23));
}

/* Half vectors (8 lanes, with AVX-512VL masks) for panels whose valid
 * columns fit in 8: on Zen 4 a 256-bit op takes half the pipe time of a
 * 512-bit one, so a half-empty 512-bit panel would waste half its work. */
#define ARV_SIMD_HALF 1
typedef __m256 vh;
typedef __mmask8 vhm;
ARV_ALWAYS vhm vh_mask(int n) { return (vhm)((1u << n) - 1u); }
ARV_ALWAYS vh vh_ld(const float *p) { return _mm256_loadu_ps(p); }
ARV_ALWAYS vh vh_ld_m(const float *p, vhm m) { return _mm256_maskz_loadu_ps(m, p); }
ARV_ALWAYS void vh_st_m(float *p, vh v, vhm m) { _mm256_mask_storeu_ps(p, m, v); }
ARV_ALWAYS vh vh_set(float x) { return _mm256_set1_ps(x); }
ARV_ALWAYS vh vh_muladd(vh a, vh b, vh acc) { return _mm256_add_ps(acc, _mm256_mul_ps(a, b)); }
ARV_ALWAYS vh vh_clamp(vh x, vh lo, vh hi) { return _mm256_min_ps(hi, _mm256_max_ps(lo, x)); }
ARV_ALWAYS vh vh_add(vh a, vh b) { return _mm256_add_ps(a, b); }
ARV_ALWAYS vh vh_mul(vh a, vh b) { return _mm256_mul_ps(a, b); }
ARV_ALWAYS vh vh_zero(void) { return _mm256_setzero_ps(); }
/* a >= b ? x : y, false for NaN, as vsel_ge. */
ARV_ALWAYS vh vh_sel_ge(vh a, vh b, vh x, vh y)
{
    return _mm256_mask_blend_ps(_mm256_cmp_ps_mask(a, b, _CMP_GE_OQ), y, x);
}

#elif defined(ARV_SIMD_AVX2)

#define VL 8
#define ARV_ISA_FN(name) name##_avx2
typedef __m256 vf;
typedef __m256i vm;

ARV_ALWAYS vm vmask(int n)
{
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
ARV_ALWAYS vf vld(const float *p) { return _mm256_loadu_ps(p); }
ARV_ALWAYS vf vld_m(const float *p, vm m) { return _mm256_maskload_ps(p, m); }
ARV_ALWAYS void vst(float *p, vf v) { _mm256_storeu_ps(p, v); }
ARV_ALWAYS void vst_m(float *p, vf v, vm m) { _mm256_maskstore_ps(p, m, v); }
ARV_ALWAYS vf vset(float x) { return _mm256_set1_ps(x); }
ARV_ALWAYS vf vzero(void) { return _mm256_setzero_ps(); }
ARV_ALWAYS vf vfma(vf a, vf b, vf c) { return _mm256_fmadd_ps(a, b, c); }
ARV_ALWAYS vf vadd(vf a, vf b) { return _mm256_add_ps(a, b); }
ARV_ALWAYS vf vsub(vf a, vf b) { return _mm256_sub_ps(a, b); }
ARV_ALWAYS vf vmul(vf a, vf b) { return _mm256_mul_ps(a, b); }
ARV_ALWAYS vf vdiv(vf a, vf b) { return _mm256_div_ps(a, b); }
ARV_ALWAYS vf vmax(vf a, vf b) { return _mm256_max_ps(a, b); }
ARV_ALWAYS vf vmin(vf a, vf b) { return _mm256_min_ps(a, b); }
ARV_ALWAYS vf vsel_ge(vf a, vf b, vf x, vf y)
{
    return _mm256_blendv_ps(y, x, _mm256_cmp_ps(a, b, _CMP_GE_OQ));
}
ARV_ALWAYS vf vabs(vf a)
{
    return _mm256_and_ps(a, _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff)));
}
ARV_ALWAYS float vhsum(vf a)
{
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}
ARV_ALWAYS void vhsum4(vf a, vf b, vf c, vf d, float s[4])
{
    const __m256 v = _mm256_hadd_ps(_mm256_hadd_ps(a, b), _mm256_hadd_ps(c, d));
    _mm_storeu_ps(s, _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1)));
}
ARV_ALWAYS vf vround(vf a)
{
    return _mm256_round_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
}
ARV_ALWAYS vf vexp2i(vf n)
{
    __m256i i = _mm256_cvtps_epi32(n);
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(i, _mm256_set1_epi32(127)), 23));
}

#else
#error "define ARV_SIMD_AVX2 or ARV_SIMD_AVX512 before including simd.h"
#endif

/* acc + a*b with two roundings, as the generic kernels (plain C, no
 * contraction) compute it: the SIMD convolutions then give the generic
 * kernels' results bit for bit, and with them the goldens' closeness. On
 * the AMD Zen cores this targets, multiplies and adds issue to separate
 * pipes, so the unfused pair costs no FMA throughput. */
ARV_ALWAYS vf vmuladd(vf a, vf b, vf acc) { return vadd(acc, vmul(a, b)); }

/* The fused activation as the generic kernels apply it. */
ARV_ALWAYS vf vclamp(vf x, vf lo, vf hi) { return vmin(hi, vmax(lo, x)); }

#endif
