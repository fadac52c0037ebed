/* avx512_int16_elementwise.c — int16 ADD (TFLite's 16x8 scheme, see
 * generic/int16_elementwise.c) on 16 lanes, bit for bit arv_q16_add; the
 * arithmetic is avx2_int16_elementwise.c's on 512-bit vectors (the
 * double-rounding multiply of rq_avx512.h). Tails are
 * masked loads and stores (no read or write past a tensor). Needs
 * AVX-512 F/BW/VL; the AVX-512 int8 table is its only caller. */
#include <immintrin.h>
#include "kernels/simd/bcast_rows.h"
#include "kernels/kernels_int8.h"
#include "kernels/x86/rq_avx512.h"

#define ALWAYS static inline __attribute__((always_inline))


ALWAYS __mmask16 m16(size_t n) { return n >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << n) - 1u); }

typedef struct add16 {
    arv_rq16 r1, r2, ro;
    __m128i ls;
    __m512i lo, hi;
    __m512i c1, c2; /* the rescaled value of a single-value operand */
} add16;

ALWAYS __m512i lift(const int16_t *p, __mmask16 m, __m128i ls)
{
    return _mm512_sll_epi32(_mm512_cvtepi16_epi32(_mm256_maskz_loadu_epi16(m, p)), ls);
}

/* One row; oa / ob are constants at each call so the loop specializes. */
ALWAYS void add_row(const add16 *k, int oa, int ob, size_t len, const int16_t *a,
                    const int16_t *b, int16_t *out)
{
    for (size_t i = 0; i < len; i += 16) {
        const __mmask16 m = m16(len - i);
        const __m512i y1 = oa ? k->c1 : arv_rq16_apply(lift(a + i, m, k->ls), &k->r1);
        const __m512i y2 = ob ? k->c2 : arv_rq16_apply(lift(b + i, m, k->ls), &k->r2);
        __m512i v = arv_rq16_apply(_mm512_add_epi32(y1, y2), &k->ro);
        v = _mm512_min_epi32(_mm512_max_epi32(v, k->lo), k->hi);
        _mm256_mask_storeu_epi16(out + i, m, _mm512_cvtepi32_epi16(v));
    }
}

void arv_q16_add_avx512(const arv_q_add *p, const arv_bcast4 *s, const int16_t *a,
                        const int16_t *b, int16_t *out);

void arv_q16_add_avx512(const arv_q_add *p, const arv_bcast4 *s, const int16_t *a,
                        const int16_t *b, int16_t *out)
{
    size_t len, sa, sb;
    int oa, ob;
    const long rows = arv_bcast_rows(s, &len, &sa, &sb, &oa, &ob);
    if (rows < 0 || p->in1_mult == INT32_MIN || p->in2_mult == INT32_MIN ||
        p->out_mult == INT32_MIN || p->left_shift < 0 || p->left_shift > 16) {
        arv_q16_add(p, s, a, b, out);
        return;
    }
    add16 k;
    k.r1 = arv_rq16_make(p->in1_mult, p->in1_shift);
    k.r2 = arv_rq16_make(p->in2_mult, p->in2_shift);
    k.ro = arv_rq16_make(p->out_mult, p->out_shift);
    k.ls = _mm_cvtsi32_si128(p->left_shift);
    k.lo = _mm512_set1_epi32(p->act_min);
    k.hi = _mm512_set1_epi32(p->act_max);
    const int32_t one = (int32_t)1 << p->left_shift;
    k.c1 = _mm512_set1_epi32(oa ? arv_q_mul_by_mult(a[0] * one, p->in1_mult, p->in1_shift) : 0);
    k.c2 = _mm512_set1_epi32(ob ? arv_q_mul_by_mult(b[0] * one, p->in2_mult, p->in2_shift) : 0);
    for (long row = 0; row < rows; row++) {
        const int16_t *pa = a + (size_t)row * sa, *pb = b + (size_t)row * sb;
        int16_t *po = out + (size_t)row * len;
        if (oa && ob)
            add_row(&k, 1, 1, len, pa, pb, po);
        else if (oa)
            add_row(&k, 1, 0, len, pa, pb, po);
        else if (ob)
            add_row(&k, 0, 1, len, pa, pb, po);
        else
            add_row(&k, 0, 0, len, pa, pb, po);
    }
}
