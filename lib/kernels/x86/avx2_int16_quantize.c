/* avx2_int16_quantize.c — QUANTIZE into and out of int16 on 8 lanes, bit
 * for bit the portable arv_q16_quantize / arv_q16_requantize
 * (int16_elementwise.c), which follow TFLite. Tails go to the portable
 * code. */
#include <immintrin.h>
#include "kernels/kernels_int8.h"

/* float -> int16 of 4 values: the division in double, round half away
 * from zero as trunc plus a step when the (exact) fraction reaches one
 * half, then the zero point, the clamp and NaN -> zp, in the portable
 * code's order. */
static inline __m128i quantize4(__m128 x, __m256d s, __m256d zp)
{
    const __m256d y = _mm256_div_pd(_mm256_cvtps_pd(x), s);
    const __m256d t = _mm256_round_pd(y, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
    const __m256d f = _mm256_sub_pd(y, t), one = _mm256_set1_pd(1.0);
    __m256d v = _mm256_add_pd(t, _mm256_and_pd(_mm256_cmp_pd(f, _mm256_set1_pd(0.5), _CMP_GE_OQ), one));
    v = _mm256_sub_pd(v, _mm256_and_pd(_mm256_cmp_pd(f, _mm256_set1_pd(-0.5), _CMP_LE_OQ), one));
    v = _mm256_add_pd(v, zp);
    const __m256d lo = _mm256_set1_pd(-32768.0), hi = _mm256_set1_pd(32767.0);
    v = _mm256_blendv_pd(v, lo, _mm256_cmp_pd(v, lo, _CMP_LT_OQ));
    v = _mm256_blendv_pd(v, hi, _mm256_cmp_pd(v, hi, _CMP_GT_OQ));
    v = _mm256_blendv_pd(v, zp, _mm256_cmp_pd(v, v, _CMP_UNORD_Q));
    return _mm256_cvttpd_epi32(v);
}

void arv_q16_quantize_avx2(size_t n, const float *in, float scale, int32_t zp, int16_t *out)
{
    const __m256d s = _mm256_set1_pd((double)scale), z = _mm256_set1_pd((double)zp);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m128i a = quantize4(_mm_loadu_ps(in + i), s, z);
        const __m128i b = quantize4(_mm_loadu_ps(in + i + 4), s, z);
        _mm_storeu_si128((__m128i *)(out + i), _mm_packs_epi32(a, b));
    }
    arv_q16_quantize(n - i, in + i, scale, zp, out + i);
}

/* arv_q_srdhm of 4 int32 values held in the low halves of 64-bit lanes
 * (the inputs here stay below 2^30, so its saturating case cannot occur):
 * the nudged product divided by 2^31 toward zero. The quotient fits in
 * int32, so a logical shift gives its low half right. */
static inline __m256i srdhm_even(__m256i x, __m256i q)
{
    const __m256i z = _mm256_setzero_si256();
    const __m256i ab = _mm256_mul_epi32(x, q);
    const __m256i neg = _mm256_cmpgt_epi64(z, ab);
    __m256i v = _mm256_add_epi64(ab, _mm256_blendv_epi8(_mm256_set1_epi64x(1 << 30),
                                                        _mm256_set1_epi64x(1 - (1 << 30)), neg));
    v = _mm256_add_epi64(v, _mm256_and_si256(_mm256_cmpgt_epi64(z, v),
                                             _mm256_set1_epi64x(((int64_t)1 << 31) - 1)));
    return _mm256_srli_epi64(v, 31);
}

/* int16 -> int8 / int16 (other forms: the portable code): x - in_zp,
 * arv_q_mul_by_mult (the left shift, the doubling high multiply, the
 * rounding right shift), out_zp and the clamp. prepare keeps the left
 * shift at most 14, so the shifted value stays inside int32 as in TFLite. */
void arv_q16_requantize_avx2(size_t n, const void *in, int in_bits, int32_t in_zp, int32_t mult,
                             int shift, int32_t out_zp, int out_bits, void *out)
{
    size_t i = 0;
    if (in_bits == 16) {
        const int left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
        const __m256i izp = _mm256_set1_epi32(in_zp), ozp = _mm256_set1_epi32(out_zp);
        const __m256i q = _mm256_set1_epi32(mult);
        const __m256i mask = _mm256_set1_epi32((int32_t)(((int64_t)1 << right) - 1));
        const __m256i half = _mm256_srai_epi32(mask, 1);
        const __m256i lo = _mm256_set1_epi32(out_bits == 16 ? -32768 : -128);
        const __m256i hi = _mm256_set1_epi32(out_bits == 16 ? 32767 : 127);
        const __m128i lsh = _mm_cvtsi32_si128(left), rsh = _mm_cvtsi32_si128(right);
        const int16_t *src = in;
        for (; i + 8 <= n; i += 8) {
            __m256i x = _mm256_cvtepi16_epi32(_mm_loadu_si128((const __m128i *)(src + i)));
            x = _mm256_sll_epi32(_mm256_sub_epi32(x, izp), lsh);
            const __m256i ev = srdhm_even(x, q);
            const __m256i od = srdhm_even(_mm256_srli_epi64(x, 32), q);
            const __m256i h = _mm256_blend_epi32(ev, _mm256_slli_epi64(od, 32), 0xAA);
            /* arv_q_rdiv_pot: right == 0 gives mask 0, so nothing is added;
             * the threshold gains 1 for negatives (cmpgt gives -1) */
            const __m256i thr = _mm256_sub_epi32(half, _mm256_cmpgt_epi32(_mm256_setzero_si256(), h));
            const __m256i up = _mm256_cmpgt_epi32(_mm256_and_si256(h, mask), thr);
            __m256i r = _mm256_sub_epi32(_mm256_sra_epi32(h, rsh), up);
            r = _mm256_min_epi32(_mm256_max_epi32(_mm256_add_epi32(r, ozp), lo), hi);
            const __m128i p16 = _mm_packs_epi32(_mm256_castsi256_si128(r),
                                                _mm256_extracti128_si256(r, 1));
            if (out_bits == 16)
                _mm_storeu_si128((__m128i *)((int16_t *)out + i), p16);
            else
                _mm_storel_epi64((__m128i *)((int8_t *)out + i), _mm_packs_epi16(p16, p16));
        }
    }
    const size_t ib = (size_t)in_bits / 8, ob = (size_t)out_bits / 8;
    arv_q16_requantize(n - i, (const char *)in + i * ib, in_bits, in_zp, mult, shift, out_zp,
                       out_bits, (char *)out + i * ob);
}
