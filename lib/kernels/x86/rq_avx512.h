/* rq_avx512.h — arv_q_mul_by_mult (TFLite's double-rounding multiply) on
 * 16 int32 lanes, for the AVX-512 element-wise kernels of int8 and int16:
 * rq_avx2.h's arithmetic on 512-bit vectors (multiplier INT32_MIN
 * excluded). Include only from files built with -mavx512f. */
#ifndef ARV_KERNELS_X86_RQ_AVX512_H
#define ARV_KERNELS_X86_RQ_AVX512_H
#include <immintrin.h>
#include <stdint.h>

typedef struct arv_rq16 {
    __m512i m, lsh, rsh, mk, half;
} arv_rq16;

static inline arv_rq16 arv_rq16_make(int32_t q, int shift)
{
    arv_rq16 r;
    const int l = shift > 0 ? shift : 0, rs = shift > 0 ? 0 : -shift;
    const int32_t mk = (int32_t)((1ll << rs) - 1);
    r.m = _mm512_set1_epi32(q);
    r.lsh = _mm512_set1_epi32(l);
    r.rsh = _mm512_set1_epi32(rs);
    r.mk = _mm512_set1_epi32(mk);
    r.half = _mm512_set1_epi32(mk >> 1);
    return r;
}

static inline __attribute__((always_inline)) __m512i arv_rq16_apply(__m512i acc,
                                                                     const arv_rq16 *r)
{
    const __m512i x = _mm512_sllv_epi32(acc, r->lsh);
    const __m512i rnd = _mm512_set1_epi64(1ll << 30);
    const __m512i ev = _mm512_srli_epi64(_mm512_add_epi64(_mm512_mul_epi32(x, r->m), rnd), 31);
    const __m512i od = _mm512_slli_epi64(
        _mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(x, 32), _mm512_srli_epi64(r->m, 32)),
                         rnd),
        1);
    const __m512i y = _mm512_mask_blend_epi32(0xAAAA, ev, od);
    const __m512i rem = _mm512_and_si512(y, r->mk);
    const __m512i thr = _mm512_add_epi32(r->half, _mm512_srli_epi32(y, 31));
    const __m512i s = _mm512_srav_epi32(y, r->rsh);
    return _mm512_mask_sub_epi32(s, _mm512_cmpgt_epi32_mask(rem, thr), s, _mm512_set1_epi32(-1));
}

#endif
