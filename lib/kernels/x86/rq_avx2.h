/* rq_avx2.h — arv_q_mul_by_mult (TFLite's double-rounding multiply) on 8
 * int32 lanes, for the AVX2 element-wise kernels of int8 and int16. Even
 * and odd lanes go through vpmuldq; the Q31 high half is rounded with
 * floor((p + 2^30) / 2^31), which equals TFLite's nudge-and-truncate for
 * every product but the multiplier INT32_MIN (callers fall back to the
 * generic kernel for that). Include only from files built with -mavx2. */
#ifndef ARV_KERNELS_X86_RQ_AVX2_H
#define ARV_KERNELS_X86_RQ_AVX2_H
#include <immintrin.h>
#include <stdint.h>

typedef struct arv_rq8 {
    __m256i m, lsh, rsh, mk, half;
} arv_rq8;

static inline arv_rq8 arv_rq8_make(int32_t q, int shift)
{
    arv_rq8 r;
    const int l = shift > 0 ? shift : 0, rs = shift > 0 ? 0 : -shift;
    const int32_t mk = (int32_t)((1ll << rs) - 1);
    r.m = _mm256_set1_epi32(q);
    r.lsh = _mm256_set1_epi32(l);
    r.rsh = _mm256_set1_epi32(rs);
    r.mk = _mm256_set1_epi32(mk);
    r.half = _mm256_set1_epi32(mk >> 1);
    return r;
}

static inline __attribute__((always_inline)) __m256i arv_rq8_apply(__m256i acc, const arv_rq8 *r)
{
    const __m256i x = _mm256_sllv_epi32(acc, r->lsh);
    const __m256i rnd = _mm256_set1_epi64x(1ll << 30);
    const __m256i ev = _mm256_srli_epi64(_mm256_add_epi64(_mm256_mul_epi32(x, r->m), rnd), 31);
    const __m256i od = _mm256_slli_epi64(
        _mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(x, 32), _mm256_srli_epi64(r->m, 32)),
                         rnd),
        1);
    const __m256i y = _mm256_blend_epi32(ev, od, 0xAA);
    const __m256i rem = _mm256_and_si256(y, r->mk);
    const __m256i thr = _mm256_add_epi32(r->half, _mm256_srli_epi32(y, 31));
    const __m256i s = _mm256_srav_epi32(y, r->rsh);
    return _mm256_sub_epi32(s, _mm256_cmpgt_epi32(rem, thr));
}

#endif
