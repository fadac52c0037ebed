/* avx512_int16_quantize.c — QUANTIZE into and out of int16 on 16 lanes,
 * bit for bit the portable arv_q16_quantize / arv_q16_requantize
 * (int16_elementwise.c), which follow TFLite. */
#include <immintrin.h>
#include "kernels/kernels_int8.h"

/* float -> int16: the division in double, round half away from zero as
 * trunc plus a step when the (exact) fraction reaches one half, then the
 * zero point, the clamp and NaN -> zp, in the portable code's order. */
static inline __m256i quantize8(__m512d y, __m512d zp)
{
    const __m512d t = _mm512_roundscale_pd(y, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
    const __m512d f = _mm512_sub_pd(y, t);
    __m512d v = _mm512_mask_add_pd(t, _mm512_cmp_pd_mask(f, _mm512_set1_pd(0.5), _CMP_GE_OQ), t,
                                   _mm512_set1_pd(1.0));
    v = _mm512_mask_sub_pd(v, _mm512_cmp_pd_mask(f, _mm512_set1_pd(-0.5), _CMP_LE_OQ), v,
                           _mm512_set1_pd(1.0));
    v = _mm512_add_pd(v, zp);
    const __m512d lo = _mm512_set1_pd(-32768.0), hi = _mm512_set1_pd(32767.0);
    v = _mm512_mask_mov_pd(v, _mm512_cmp_pd_mask(v, lo, _CMP_LT_OQ), lo);
    v = _mm512_mask_mov_pd(v, _mm512_cmp_pd_mask(v, hi, _CMP_GT_OQ), hi);
    v = _mm512_mask_mov_pd(v, _mm512_cmp_pd_mask(v, v, _CMP_UNORD_Q), zp);
    return _mm512_cvttpd_epi32(v);
}

void arv_q16_quantize_avx512(size_t n, const float *in, float scale, int32_t zp, int16_t *out)
{
    const __m512d s = _mm512_set1_pd((double)scale), z = _mm512_set1_pd((double)zp);
    for (size_t i = 0; i < n; i += 16) {
        const size_t rem = n - i;
        const __mmask16 m = rem >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << rem) - 1);
        const __m512 x = _mm512_maskz_loadu_ps(m, in + i);
        const __m512d y0 = _mm512_div_pd(_mm512_cvtps_pd(_mm512_castps512_ps256(x)), s);
        const __m512d y1 = _mm512_div_pd(
            _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(x), 1))), s);
        const __m512i r = _mm512_inserti64x4(_mm512_castsi256_si512(quantize8(y0, z)),
                                             quantize8(y1, z), 1);
        _mm256_mask_storeu_epi16(out + i, m, _mm512_cvtepi32_epi16(r));
    }
}

/* arv_q_srdhm of 8 int32 values held in the low halves of 64-bit lanes
 * (the inputs here stay below 2^30, so its saturating case cannot occur):
 * the nudged product divided by 2^31 toward zero. */
static inline __m512i srdhm_even(__m512i x, __m512i q)
{
    const __m512i ab = _mm512_mul_epi32(x, q);
    const __mmask8 neg = _mm512_cmplt_epi64_mask(ab, _mm512_setzero_si512());
    __m512i v = _mm512_add_epi64(ab, _mm512_mask_blend_epi64(neg, _mm512_set1_epi64(1 << 30),
                                                             _mm512_set1_epi64(1 - (1 << 30))));
    const __mmask8 vneg = _mm512_cmplt_epi64_mask(v, _mm512_setzero_si512());
    v = _mm512_mask_add_epi64(v, vneg, v, _mm512_set1_epi64(((int64_t)1 << 31) - 1));
    return _mm512_srai_epi64(v, 31);
}

/* int8 / int16 -> int8 / int16: x - in_zp, arv_q_mul_by_mult (the left
 * shift, the doubling high multiply, the rounding right shift), out_zp
 * and the clamp. prepare keeps the left shift at most 14, so the shifted
 * value of an int16 difference stays inside int32 as in TFLite. */
void arv_q16_requantize_avx512(size_t n, const void *in, int in_bits, int32_t in_zp,
                               int32_t mult, int shift, int32_t out_zp, int out_bits, void *out)
{
    const int left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
    const __m512i izp = _mm512_set1_epi32(in_zp), ozp = _mm512_set1_epi32(out_zp);
    const __m512i q = _mm512_set1_epi32(mult);
    const __m512i mask = _mm512_set1_epi32((int32_t)(((int64_t)1 << right) - 1));
    const __m512i half = _mm512_srai_epi32(mask, 1);
    const __m512i lo = _mm512_set1_epi32(out_bits == 16 ? -32768 : -128);
    const __m512i hi = _mm512_set1_epi32(out_bits == 16 ? 32767 : 127);
    const __m128i lsh = _mm_cvtsi32_si128(left), rsh = _mm_cvtsi32_si128(right);
    for (size_t i = 0; i < n; i += 16) {
        const size_t rem = n - i;
        const __mmask16 m = rem >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << rem) - 1);
        __m512i x = in_bits == 16
                        ? _mm512_cvtepi16_epi32(_mm256_maskz_loadu_epi16(m, (const int16_t *)in + i))
                        : _mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(m, (const int8_t *)in + i));
        x = _mm512_sll_epi32(_mm512_sub_epi32(x, izp), lsh);
        const __m512i ev = srdhm_even(x, q);
        const __m512i od = srdhm_even(_mm512_srli_epi64(x, 32), q);
        const __m512i h = _mm512_mask_blend_epi32((__mmask16)0xAAAA, ev, _mm512_slli_epi64(od, 32));
        /* arv_q_rdiv_pot: right == 0 gives mask 0, so nothing is added */
        const __mmask16 hneg = _mm512_cmplt_epi32_mask(h, _mm512_setzero_si512());
        const __m512i thr = _mm512_mask_add_epi32(half, hneg, half, _mm512_set1_epi32(1));
        const __mmask16 up = _mm512_cmpgt_epi32_mask(_mm512_and_si512(h, mask), thr);
        __m512i r = _mm512_sra_epi32(h, rsh);
        r = _mm512_mask_add_epi32(r, up, r, _mm512_set1_epi32(1));
        r = _mm512_min_epi32(_mm512_max_epi32(_mm512_add_epi32(r, ozp), lo), hi);
        if (out_bits == 16)
            _mm256_mask_storeu_epi16((int16_t *)out + i, m, _mm512_cvtepi32_epi16(r));
        else
            _mm_mask_storeu_epi8((int8_t *)out + i, m, _mm512_cvtepi32_epi8(r));
    }
}

/* int8 -> int16 through a 256-entry table: vpermi2w looks up 64 entries
 * by an index's low six bits, and bits 6 and 7 pick among four such. */
void arv_q16_lut8_avx512(size_t n, const int8_t *in, const int16_t lut[256], int16_t *out)
{
    __m512i t[8];
    for (int k = 0; k < 8; k++)
        t[k] = _mm512_loadu_si512(lut + 32 * k);
    const __m512i bit6 = _mm512_set1_epi16(64), bit7 = _mm512_set1_epi16(128);
    for (size_t i = 0; i < n; i += 32) {
        const size_t rem = n - i;
        const __mmask32 m = rem >= 32 ? 0xFFFFFFFFu : (__mmask32)((1u << rem) - 1);
        const __m512i x = _mm512_cvtepu8_epi16(_mm256_maskz_loadu_epi8(m, in + i));
        const __m512i r0 = _mm512_permutex2var_epi16(t[0], x, t[1]);
        const __m512i r1 = _mm512_permutex2var_epi16(t[2], x, t[3]);
        const __m512i r2 = _mm512_permutex2var_epi16(t[4], x, t[5]);
        const __m512i r3 = _mm512_permutex2var_epi16(t[6], x, t[7]);
        const __mmask32 h6 = _mm512_test_epi16_mask(x, bit6), h7 = _mm512_test_epi16_mask(x, bit7);
        const __m512i lo = _mm512_mask_blend_epi16(h6, r0, r1), hi = _mm512_mask_blend_epi16(h6, r2, r3);
        _mm512_mask_storeu_epi16(out + i, m, _mm512_mask_blend_epi16(h7, lo, hi));
    }
}
