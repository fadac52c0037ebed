/* avx2_int16_elementwise.c — int16 ADD (TFLite's 16x8 scheme, see
 * generic/int16_elementwise.c) on 8 lanes, bit for bit arv_q16_add.
 * The double-rounding multiply is rq_avx2.h's, shared with the int8
 * kernels. An operand that is one value is rescaled once, in scalar code.
 * Layouts
 * arv_bcast_rows does not take, left shifts past 16 and a multiplier of
 * INT32_MIN (which needs the saturating corner) run the generic kernel. */
#include <immintrin.h>
#include <string.h>
#include "kernels/simd/bcast_rows.h"
#include "kernels/kernels_int8.h"
#include "kernels/x86/rq_avx2.h"

#define ALWAYS static inline __attribute__((always_inline))


/* 8 int16 at p (n of them valid; no read past them) as int32. */
ALWAYS __m256i ld16(const int16_t *p, size_t n)
{
    if (n >= 8)
        return _mm256_cvtepi16_epi32(_mm_loadu_si128((const __m128i *)p));
    int16_t t[8] = {0};
    memcpy(t, p, n * sizeof *p);
    return _mm256_cvtepi16_epi32(_mm_loadu_si128((const __m128i *)t));
}

ALWAYS void st16(int16_t *p, size_t n, __m256i v, __m256i lo, __m256i hi)
{
    v = _mm256_min_epi32(_mm256_max_epi32(v, lo), hi);
    const __m128i h = _mm_packs_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    if (n >= 8) {
        _mm_storeu_si128((__m128i *)p, h);
        return;
    }
    int16_t t[8];
    _mm_storeu_si128((__m128i *)t, h);
    memcpy(p, t, n * sizeof *p);
}

typedef struct add16 {
    arv_rq8 r1, r2, ro;
    __m128i ls;
    __m256i lo, hi;
    __m256i c1, c2; /* the rescaled value of a single-value operand */
} add16;

/* One row; oa / ob are constants at each call so the loop specializes. */
ALWAYS void add_row(const add16 *k, int oa, int ob, size_t len, const int16_t *a,
                    const int16_t *b, int16_t *out)
{
    for (size_t i = 0; i < len; i += 8) {
        const size_t n = len - i;
        const __m256i y1 =
            oa ? k->c1 : arv_rq8_apply(_mm256_sll_epi32(ld16(a + i, n), k->ls), &k->r1);
        const __m256i y2 =
            ob ? k->c2 : arv_rq8_apply(_mm256_sll_epi32(ld16(b + i, n), k->ls), &k->r2);
        st16(out + i, n, arv_rq8_apply(_mm256_add_epi32(y1, y2), &k->ro), k->lo, k->hi);
    }
}

void arv_q16_add_avx2(const arv_q_add *p, const arv_bcast4 *s, const int16_t *a,
                      const int16_t *b, int16_t *out);

void arv_q16_add_avx2(const arv_q_add *p, const arv_bcast4 *s, const int16_t *a,
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
    k.r1 = arv_rq8_make(p->in1_mult, p->in1_shift);
    k.r2 = arv_rq8_make(p->in2_mult, p->in2_shift);
    k.ro = arv_rq8_make(p->out_mult, p->out_shift);
    k.ls = _mm_cvtsi32_si128(p->left_shift);
    k.lo = _mm256_set1_epi32(p->act_min);
    k.hi = _mm256_set1_epi32(p->act_max);
    const int32_t one = (int32_t)1 << p->left_shift;
    k.c1 = _mm256_set1_epi32(oa ? arv_q_mul_by_mult(a[0] * one, p->in1_mult, p->in1_shift) : 0);
    k.c2 = _mm256_set1_epi32(ob ? arv_q_mul_by_mult(b[0] * one, p->in2_mult, p->in2_shift) : 0);
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
