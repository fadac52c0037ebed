/* avx512vnni_int8_elementwise.c — the VNNI int8 table's element-wise and
 * pooling kernels on 16 lanes (AVX-512 F/BW), bit-exact with the generic
 * kernels: ADD/SUB, MUL (TFLite's fixed-point and XNNPACK's float
 * requantization), PRELU, table lookups (LOGISTIC, RELU, HARD_SWISH),
 * QUANTIZE in both flavours, DEQUANTIZE, MAX_POOL_2D and AVERAGE_POOL_2D.
 * Binary ops take an operand that spans the output, repeats one row of
 * channels or is a single value; other broadcasts, and a multiplier of
 * INT32_MIN (whose saturation these paths do not reproduce), run the
 * generic kernel. Lookups and PRELU use AVX-512 VBMI byte permutes where
 * the CPU has them (checked at run time). */
#include <immintrin.h>
#include <string.h>
#include "kernels/simd/bcast_rows.h"
#include "kernels/kernels_int8.h"
#include "kernels/x86/rq_avx512.h"

#define ALWAYS static inline __attribute__((always_inline))


ALWAYS __mmask16 m16(size_t n) { return n >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << n) - 1u); }

ALWAYS __m512i ld8(const int8_t *p, __mmask16 k)
{
    return _mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(k, p));
}

ALWAYS void st8(int8_t *p, __mmask16 k, __m512i v, __m512i lo, __m512i hi)
{
    v = _mm512_min_epi32(_mm512_max_epi32(v, lo), hi);
    _mm_mask_storeu_epi8(p, k, _mm512_cvtsepi32_epi8(v));
}

/* st8 where the clamp is the whole int8 range: the saturating narrowing
 * alone. */
ALWAYS void st8_full(int8_t *p, __mmask16 k, __m512i v)
{
    _mm_mask_storeu_epi8(p, k, _mm512_cvtsepi32_epi8(v));
}

static int same_shape(const arv_bcast4 *s)
{
    for (int i = 0; i < 4; i++)
        if (s->a[i] != s->out[i] || s->b[i] != s->out[i])
            return 0;
    return 1;
}

ALWAYS __m512i ld_or_one(const int8_t *p, int one, __mmask16 k)
{
    return one ? _mm512_set1_epi32(*p) : ld8(p, k);
}

/* ARV_QR_XNN_ADD: one multiply-add per input and one rounding shift, over
 * rows as MUL's loop. */
static void add_xnn(const arv_q_add *p, long rows, size_t len, size_t sa,
                    size_t sb, int oa, int ob, const int8_t *a, const int8_t *b, int8_t *out)
{
    const __m512i ma = _mm512_set1_epi32(p->x_a_mult), mb = _mm512_set1_epi32(p->x_b_mult);
    const __m512i bias = _mm512_set1_epi32(p->x_bias + (1 << (p->x_shift - 1)));
    const __m128i sh = _mm_cvtsi32_si128(p->x_shift);
    const __m512i oo = _mm512_set1_epi32(p->out_offset);
    const __m512i lo = _mm512_set1_epi32(p->act_min), hi = _mm512_set1_epi32(p->act_max);
    const int full = p->act_min <= -128 && p->act_max >= 127;
    for (long row = 0; row < rows; row++) {
        const int8_t *pa = a + (size_t)row * sa, *pb = b + (size_t)row * sb;
        int8_t *po = out + (size_t)row * len;
        for (size_t i = 0; i < len; i += 16) {
            const __mmask16 k = m16(len - i);
            const __m512i xa = ld_or_one(pa + (oa ? 0 : i), oa, k);
            const __m512i xb = ld_or_one(pb + (ob ? 0 : i), ob, k);
            __m512i acc = _mm512_add_epi32(bias, _mm512_mullo_epi32(xa, ma));
            acc = _mm512_add_epi32(acc, _mm512_mullo_epi32(xb, mb));
            const __m512i v = _mm512_add_epi32(_mm512_sra_epi32(acc, sh), oo);
            if (full)
                st8_full(po + i, k, v);
            else
                st8(po + i, k, v, lo, hi);
        }
    }
}

static void add(int sub, const arv_q_add *p, const arv_bcast4 *s, const int8_t *a,
                const int8_t *b, int8_t *out)
{
    size_t len, sa, sb;
    int oa, ob;
    const long rows = arv_bcast_rows(s, &len, &sa, &sb, &oa, &ob);
    if (p->rounding == ARV_QR_XNN_ADD && !sub && rows >= 0) {
        add_xnn(p, rows, len, sa, sb, oa, ob, a, b, out);
        return;
    }
    if (!same_shape(s) || p->rounding != ARV_QR_DOUBLE || p->in1_mult == INT32_MIN || p->in2_mult == INT32_MIN ||
        p->out_mult == INT32_MIN || p->left_shift < 0 || p->left_shift > 31) {
        arv_q8_add(sub, p, s, a, b, out);
        return;
    }
    const arv_rq16 r1 = arv_rq16_make(p->in1_mult, p->in1_shift);
    const arv_rq16 r2 = arv_rq16_make(p->in2_mult, p->in2_shift);
    const arv_rq16 ro = arv_rq16_make(p->out_mult, p->out_shift);
    const __m512i o1 = _mm512_set1_epi32(p->in1_offset), o2 = _mm512_set1_epi32(p->in2_offset);
    const __m512i oo = _mm512_set1_epi32(p->out_offset);
    const __m512i lo = _mm512_set1_epi32(p->act_min), hi = _mm512_set1_epi32(p->act_max);
    const __m128i ls = _mm_cvtsi32_si128(p->left_shift);
    const size_t n = arv_bcast_count(s);
    for (size_t i = 0; i < n; i += 16) {
        const __mmask16 k = m16(n - i);
        const __m512i x1 = _mm512_sll_epi32(_mm512_add_epi32(ld8(a + i, k), o1), ls);
        const __m512i x2 = _mm512_sll_epi32(_mm512_add_epi32(ld8(b + i, k), o2), ls);
        const __m512i y1 = arv_rq16_apply(x1, &r1), y2 = arv_rq16_apply(x2, &r2);
        const __m512i raw = sub ? _mm512_sub_epi32(y1, y2) : _mm512_add_epi32(y1, y2);
        st8(out + i, k, _mm512_add_epi32(arv_rq16_apply(raw, &ro), oo), lo, hi);
    }
}

/* MUL, ARV_QR_DOUBLE or ARV_QR_FP32 (XNNPACK's: the product in float times
 * the scale, clamped to the activation in float, rounded to nearest even;
 * the product of two 9-bit values is exact in float). */
/* rows rows of len elements; sa / sb: an operand's step per row, oa / ob:
 * 1 for a single value. */
static void mul_rows(const arv_q_mul *p, size_t rows, size_t len, const int8_t *a, size_t sa,
                     int oa, const int8_t *b, size_t sb, int ob, int8_t *out)
{
    const int fp = p->rounding == ARV_QR_FP32;
    const arv_rq16 r = arv_rq16_make(p->mult, p->shift);
    const __m512 fs = _mm512_set1_ps(p->fscale);
    const __m512 flo = _mm512_set1_ps((float)(p->act_min - p->out_offset));
    const __m512 fhi = _mm512_set1_ps((float)(p->act_max - p->out_offset));
    const __m512i o1 = _mm512_set1_epi32(p->in1_offset), o2 = _mm512_set1_epi32(p->in2_offset);
    const __m512i oo = _mm512_set1_epi32(p->out_offset);
    const __m512i lo = _mm512_set1_epi32(p->act_min), hi = _mm512_set1_epi32(p->act_max);
    /* the float path is clamped already */
    const int full = fp || (p->act_min <= -128 && p->act_max >= 127);
    for (size_t row = 0; row < rows; row++) {
        const int8_t *pa = a + row * sa, *pb = b + row * sb;
        int8_t *po = out + row * len;
        for (size_t i = 0; i < len; i += 16) {
            const __mmask16 k = m16(len - i);
            const __m512i x1 = _mm512_add_epi32(ld_or_one(pa + (oa ? 0 : i), oa, k), o1);
            const __m512i x2 = _mm512_add_epi32(ld_or_one(pb + (ob ? 0 : i), ob, k), o2);
            const __m512i prod = _mm512_mullo_epi32(x1, x2);
            __m512i v;
            if (fp) {
                __m512 f = _mm512_mul_ps(_mm512_cvtepi32_ps(prod), fs);
                f = _mm512_min_ps(_mm512_max_ps(f, flo), fhi);
                v = _mm512_cvtps_epi32(f);   /* nearest even, as the magic bias */
            } else {
                v = arv_rq16_apply(prod, &r);
            }
            if (full)
                st8_full(po + i, k, _mm512_add_epi32(v, oo));
            else
                st8(po + i, k, _mm512_add_epi32(v, oo), lo, hi);
        }
    }
}

static void mul(const arv_q_mul *p, const arv_bcast4 *s, const int8_t *a, const int8_t *b,
                int8_t *out)
{
    size_t len, sa, sb;
    int oa, ob;
    const long rows = arv_bcast_rows(s, &len, &sa, &sb, &oa, &ob);
    if (rows < 0 || p->mult == INT32_MIN ||
        (p->rounding != ARV_QR_DOUBLE && p->rounding != ARV_QR_FP32)) {
        arv_q8_mul(p, s, a, b, out);
        return;
    }
    const int ra = !sa && !oa, rb = !sb && !ob;   /* a repeated row of channels */
    const size_t m = len < 64 ? 256 / len : 1;
    if (rows > 1 && m > 1 && (ra || rb)) {
        /* short rows (a squeeze-excite scale): the repeated row m times
         * over, so that vectors run full */
        int8_t rep[256];
        for (size_t i = 0; i < m; i++)
            memcpy(rep + i * len, ra ? a : b, len);
        const size_t big = (size_t)rows / m, rem = (size_t)rows % m, l2 = m * len;
        const size_t sa2 = sa ? l2 : 0, sb2 = sb ? l2 : 0;
        mul_rows(p, big, l2, ra ? rep : a, sa2, oa, rb ? rep : b, sb2, ob, out);
        if (rem)
            mul_rows(p, 1, rem * len, ra ? rep : a + big * sa2, 0, oa, rb ? rep : b + big * sb2, 0,
                     ob, out + big * l2);
        return;
    }
    mul_rows(p, (size_t)rows, len, a, sa, oa, b, sb, ob, out);
}

/* One multiply per lane: the input and the parameters of its branch are
 * selected first (x >= 0: x with mult1; else x * alpha with mult2). */
ALWAYS __m512i prelu16(__m512i x, __m512i al, const arv_rq16 *r1, const arv_rq16 *r2, __m512i oo)
{
    const __mmask16 ge = _mm512_cmpge_epi32_mask(x, _mm512_setzero_si512());
    arv_rq16 r;
    r.m = _mm512_mask_blend_epi32(ge, r2->m, r1->m);
    r.lsh = _mm512_mask_blend_epi32(ge, r2->lsh, r1->lsh);
    r.rsh = _mm512_mask_blend_epi32(ge, r2->rsh, r1->rsh);
    r.mk = _mm512_mask_blend_epi32(ge, r2->mk, r1->mk);
    r.half = _mm512_mask_blend_epi32(ge, r2->half, r1->half);
    const __m512i v = _mm512_mask_blend_epi32(ge, _mm512_mullo_epi32(x, al), x);
    return _mm512_add_epi32(arv_rq16_apply(v, &r), oo);
}

/* arv_q_mul_by_mult for shift = -rs <= 0 in one rounding step: the doubling
 * high multiply rounds half up, floor((P*q + 2^30) / 2^31), and the
 * power-of-two division half away from zero, floor((y + 2^(rs-1) - [y < 0])
 * / 2^rs); nested floors of exact quotients fold into one,
 * floor((P*q + 2^30 + 2^(rs+30) - [P*q < -2^30] * 2^31) / 2^(31+rs)). The
 * products are exact in 64 bits, even lanes and odd lanes apart. */
typedef struct rq1 {
    __m512i q, c, negthr, two31;
    __m128i sh, sh_odd;
    int rs;
} rq1;

static rq1 rq1_make(int32_t q, int shift)
{
    rq1 r;
    r.rs = -shift;
    r.q = _mm512_set1_epi32(q);
    r.c = _mm512_set1_epi64((1ll << 30) + (r.rs ? 1ll << (r.rs + 30) : 0));
    r.negthr = _mm512_set1_epi64(-(1ll << 30));
    r.two31 = _mm512_set1_epi64(1ll << 31);
    r.sh = _mm_cvtsi32_si128(31 + r.rs);
    r.sh_odd = _mm_cvtsi32_si128(r.rs ? r.rs - 1 : 0);
    return r;
}

ALWAYS __m512i mbm1(__m512i p, const rq1 *r)
{
    const __m512i pe = _mm512_mul_epi32(p, r->q);
    const __m512i po = _mm512_mul_epi32(_mm512_srli_epi64(p, 32), r->q);
    __m512i xe = _mm512_add_epi64(pe, r->c), xo = _mm512_add_epi64(po, r->c);
    if (r->rs) {
        xe = _mm512_mask_sub_epi64(xe, _mm512_cmplt_epi64_mask(pe, r->negthr), xe, r->two31);
        xo = _mm512_mask_sub_epi64(xo, _mm512_cmplt_epi64_mask(po, r->negthr), xo, r->two31);
    }
    const __m512i ze = _mm512_sra_epi64(xe, r->sh);
    /* odd lanes want the quotient in their high half */
    const __m512i zo = r->rs ? _mm512_sra_epi64(xo, r->sh_odd) : _mm512_slli_epi64(xo, 1);
    return _mm512_mask_blend_epi32(0xAAAA, ze, zo);
}

/* The x < zero-point branch of 16 lanes with a precomputed alpha row
 * (alpha + offset) and per-lane rounding constants (even lanes, then odd). */
ALWAYS __m128i neg16(const int8_t *x, __mmask16 k, const int32_t *al, const int64_t *c,
                     __m512i xo, __m512i oo, const rq1 *r)
{
    const __m512i v = _mm512_add_epi32(ld8(x, k), xo);
    const __m512i p = _mm512_mullo_epi32(v, _mm512_loadu_si512(al));
    const __m512i pe = _mm512_mul_epi32(p, r->q);
    const __m512i po = _mm512_mul_epi32(_mm512_srli_epi64(p, 32), r->q);
    const __m512i ze = _mm512_sra_epi64(_mm512_add_epi64(pe, _mm512_loadu_si512(c)), r->sh);
    const __m512i xq = _mm512_add_epi64(po, _mm512_loadu_si512(c + 8));
    const __m512i zo = r->rs ? _mm512_sra_epi64(xq, r->sh_odd) : _mm512_slli_epi64(xq, 1);
    return _mm512_cvtsepi32_epi8(_mm512_add_epi32(_mm512_mask_blend_epi32(0xAAAA, ze, zo), oo));
}

/* The same with alpha read as it comes and the rounding term per lane. */
ALWAYS __m128i neg16_any(const int8_t *x, const int8_t *a, __mmask16 k, __m512i xo, __m512i ao,
                         __m512i oo, const rq1 *r)
{
    const __m512i v = _mm512_add_epi32(ld8(x, k), xo);
    const __m512i al = _mm512_add_epi32(ld8(a, k), ao);
    return _mm512_cvtsepi32_epi8(_mm512_add_epi32(mbm1(_mm512_mullo_epi32(v, al), r), oo));
}

#define PRELU_ROW_MAX 512

/* PRELU with AVX-512 VBMI, 64 elements a step: the x >= 0 branch depends on
 * x alone and is a 256-entry table (built here with the same arithmetic);
 * the other branch multiplies by alpha and requantizes in one rounding
 * step. len is the row length; alpha advances with x (a_step = len) or
 * repeats per row (0). */
__attribute__((target("avx512vbmi"))) static void prelu_vbmi(const arv_q_prelu *p, size_t rows,
                                                              size_t len, size_t a_step,
                                                              const int8_t *x,
                                                              const int8_t *alpha, int8_t *out)
{
    const arv_rq16 r1 = arv_rq16_make(p->mult1, p->shift1);
    const rq1 r2 = rq1_make(p->mult2, p->shift2);
    const __m512i xo = _mm512_set1_epi32(p->in_offset), ao = _mm512_set1_epi32(p->alpha_offset);
    const __m512i oo = _mm512_set1_epi32(p->out_offset);
    const __m512i lo = _mm512_set1_epi32(-128), hi = _mm512_set1_epi32(127);
    int8_t pos[256];
    for (int j = 0; j < 256; j += 16) {
        const __m512i v = _mm512_add_epi32(
            _mm512_add_epi32(_mm512_set1_epi32(j), _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8,
                                                                     9, 10, 11, 12, 13, 14, 15)),
            xo);
        /* entry u is input (int8)u: lanes 128.. wrap to -128.. */
        const __m512i xv = _mm512_sub_epi32(v, _mm512_set1_epi32(j >= 128 ? 256 : 0));
        st8(pos + j, 0xFFFF, _mm512_add_epi32(arv_rq16_apply(xv, &r1), oo), lo, hi);
    }
    const __m512i t0 = _mm512_loadu_si512(pos), t1 = _mm512_loadu_si512(pos + 64);
    const __m512i t2 = _mm512_loadu_si512(pos + 128), t3 = _mm512_loadu_si512(pos + 192);
    const __m512i zin = _mm512_set1_epi8((char)-p->in_offset);
    if (a_step == 0 && len <= PRELU_ROW_MAX && p->mult2 > (1 << 30)) {
        /* A repeated alpha row: alpha + offset once per position, and the
         * [P*q < -2^30] term of mbm1 settled per position. Where the
         * x < zero-point branch is taken, v <= -1, so P = v * alpha is
         * negative exactly where alpha is positive, and then P*q <= -q <
         * -2^30 (q > 2^30). */
        int32_t alw[PRELU_ROW_MAX + 64];
        int64_t ce[PRELU_ROW_MAX + 64];
        const int64_t c0 = (1ll << 30) + (r2.rs ? 1ll << (r2.rs + 30) : 0);
        for (size_t i = 0; i < (len + 63) / 64 * 64; i++) {
            alw[i] = i < len ? alpha[i] + p->alpha_offset : 0;
            /* even positions of each 16 first, then the odd ones */
            ce[i / 16 * 16 + (i % 2) * 8 + i % 16 / 2] =
                c0 - (r2.rs && alw[i] > 0 ? 1ll << 31 : 0);
        }
        for (size_t row = 0; row < rows; row++) {
            const int8_t *px = x + row * len;
            int8_t *po = out + row * len;
            for (size_t i = 0; i < len; i += 64) {
                const size_t n = len - i;
                const __mmask64 k = n >= 64 ? ~0ull : (1ull << n) - 1ull;
                const __m512i xb = _mm512_maskz_loadu_epi8(k, px + i);
                const __m512i pv = _mm512_mask_blend_epi8(_mm512_movepi8_mask(xb),
                                                          _mm512_permutex2var_epi8(t0, xb, t1),
                                                          _mm512_permutex2var_epi8(t2, xb, t3));
                const int8_t *pg = px + i;
                const int32_t *ag = alw + i;
                const int64_t *cg = ce + i;
                __m512i nv = _mm512_castsi128_si512(neg16(pg, (__mmask16)k, ag, cg, xo, oo, &r2));
                nv = _mm512_inserti32x4(
                    nv, neg16(pg + 16, (__mmask16)(k >> 16), ag + 16, cg + 16, xo, oo, &r2), 1);
                nv = _mm512_inserti32x4(
                    nv, neg16(pg + 32, (__mmask16)(k >> 32), ag + 32, cg + 32, xo, oo, &r2), 2);
                nv = _mm512_inserti32x4(
                    nv, neg16(pg + 48, (__mmask16)(k >> 48), ag + 48, cg + 48, xo, oo, &r2), 3);
                const __mmask64 ge = _mm512_cmpge_epi8_mask(xb, zin);
                _mm512_mask_storeu_epi8(po + i, k, _mm512_mask_blend_epi8(ge, nv, pv));
            }
        }
        return;
    }
    for (size_t row = 0; row < rows; row++) {
        const int8_t *px = x + row * len, *pa = alpha + row * a_step;
        int8_t *po = out + row * len;
        for (size_t i = 0; i < len; i += 64) {
            const size_t n = len - i;
            const __mmask64 k = n >= 64 ? ~0ull : (1ull << n) - 1ull;
            const __m512i xb = _mm512_maskz_loadu_epi8(k, px + i);
            const __m512i pv = _mm512_mask_blend_epi8(_mm512_movepi8_mask(xb),
                                                      _mm512_permutex2var_epi8(t0, xb, t1),
                                                      _mm512_permutex2var_epi8(t2, xb, t3));
            const int8_t *pg = px + i, *ag = pa + i;
            __m512i nv = _mm512_castsi128_si512(neg16_any(pg, ag, (__mmask16)k, xo, ao, oo, &r2));
            nv = _mm512_inserti32x4(
                nv, neg16_any(pg + 16, ag + 16, (__mmask16)(k >> 16), xo, ao, oo, &r2), 1);
            nv = _mm512_inserti32x4(
                nv, neg16_any(pg + 32, ag + 32, (__mmask16)(k >> 32), xo, ao, oo, &r2), 2);
            nv = _mm512_inserti32x4(
                nv, neg16_any(pg + 48, ag + 48, (__mmask16)(k >> 48), xo, ao, oo, &r2), 3);
            const __mmask64 ge = _mm512_cmpge_epi8_mask(xb, zin);
            _mm512_mask_storeu_epi8(po + i, k, _mm512_mask_blend_epi8(ge, nv, pv));
        }
    }
}

static void prelu(const arv_q_prelu *p, const arv_bcast4 *s, const int8_t *x,
                  const int8_t *alpha, int8_t *out)
{
    int x_full = 1, per_channel = 1;
    for (int i = 0; i < 4; i++) {
        x_full &= s->a[i] == s->out[i];
        per_channel &= s->b[i] == (i == 3 ? s->out[3] : 1);
    }
    const int full = x_full && same_shape(s);
    if (!x_full || !(full || per_channel) || p->mult1 == INT32_MIN || p->mult2 == INT32_MIN) {
        arv_q8_prelu(p, s, x, alpha, out);
        return;
    }
    const size_t n = arv_bcast_count(s);
    if (p->shift2 <= 0 && p->in_offset >= -127 && p->in_offset <= 128 &&
        __builtin_cpu_supports("avx512vbmi")) {
        const size_t c = (size_t)s->out[3];
        if (full) {
            prelu_vbmi(p, 1, n, n, x, alpha, out);
        } else if (c >= 128) {
            prelu_vbmi(p, n / c, c, 0, x, alpha, out);
        } else if (c) {
            /* short rows: alpha repeated m times, rows of m*c <= 256 */
            int8_t rep[256];
            const size_t m = 256 / c, rows = n / c, big = rows / m;
            for (size_t i = 0; i < m; i++)
                memcpy(rep + i * c, alpha, c);
            prelu_vbmi(p, big, m * c, 0, x, rep, out);
            prelu_vbmi(p, rows - big * m, c, 0, x + big * m * c, alpha, out + big * m * c);
        }
        return;
    }
    const arv_rq16 r1 = arv_rq16_make(p->mult1, p->shift1), r2 = arv_rq16_make(p->mult2, p->shift2);
    const __m512i xo = _mm512_set1_epi32(p->in_offset), ao = _mm512_set1_epi32(p->alpha_offset);
    const __m512i oo = _mm512_set1_epi32(p->out_offset);
    const __m512i lo = _mm512_set1_epi32(-128), hi = _mm512_set1_epi32(127);
    if (full) {
        for (size_t i = 0; i < n; i += 16) {
            const __mmask16 k = m16(n - i);
            const __m512i v = _mm512_add_epi32(ld8(x + i, k), xo);
            const __m512i al = _mm512_add_epi32(ld8(alpha + i, k), ao);
            st8(out + i, k, prelu16(v, al, &r1, &r2, oo), lo, hi);
        }
        return;
    }
    const size_t c_n = (size_t)s->out[3];
    if (c_n == 0)
        return;
    for (size_t base = 0; base < n; base += c_n)
        for (size_t c = 0; c < c_n; c += 16) {
            const __mmask16 k = m16(c_n - c);
            const __m512i v = _mm512_add_epi32(ld8(x + base + c, k), xo);
            const __m512i al = _mm512_add_epi32(ld8(alpha + c, k), ao);
            st8(out + base + c, k, prelu16(v, al, &r1, &r2, oo), lo, hi);
        }
}

/* QUANTIZE: in / scale (the same IEEE division), rounded half away from
 * zero as roundf (trunc, then +-1 where the exact fraction is >= 0.5),
 * converted with the same truncating instruction the scalar cast uses. */
static void quantize(size_t n, const float *in, float scale, int32_t zp, int8_t *out)
{
    const __m512 sc = _mm512_set1_ps(scale), half = _mm512_set1_ps(0.5f);
    const __m512 one = _mm512_set1_ps(1.0f);
    const __m512i z = _mm512_set1_epi32(zp);
    const __m512i lo = _mm512_set1_epi32(-128), hi = _mm512_set1_epi32(127);
    for (size_t i = 0; i < n; i += 16) {
        const __mmask16 k = m16(n - i);
        const __m512 x = _mm512_div_ps(_mm512_maskz_loadu_ps(k, in + i), sc);
        const __m512 t = _mm512_roundscale_ps(x, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
        const __m512 f = _mm512_abs_ps(_mm512_sub_ps(x, t));
        const __mmask16 up = _mm512_cmp_ps_mask(f, half, _CMP_GE_OQ);
        /* copysign(1, x) */
        const __m512 sg = _mm512_castsi512_ps(_mm512_or_si512(
            _mm512_and_si512(_mm512_castps_si512(x), _mm512_set1_epi32((int)0x80000000u)),
            _mm512_castps_si512(one)));
        const __m512 r = _mm512_mask_add_ps(t, up, t, sg);
        const __m512i v = _mm512_add_epi32(_mm512_cvttps_epi32(r), z);
        st8(out + i, k, v, lo, hi);
    }
}

/* DEQUANTIZE: the generic (float)(double(scale) * (x - zp)) rounds the exact
 * product (24 bits times 9) once to float, which is what one float multiply
 * does: x - zp is exact in float and IEEE products are correctly rounded. */
static void dequantize(size_t n, const int8_t *in, float scale, int32_t zp, float *out)
{
    const __m512 s = _mm512_set1_ps(scale);
    const __m512i z = _mm512_set1_epi32(zp);
    for (size_t i = 0; i < n; i += 16) {
        const __mmask16 k = m16(n - i);
        const __m512i v = _mm512_sub_epi32(ld8(in + i, k), z);
        _mm512_mask_storeu_ps(out + i, k, _mm512_mul_ps(_mm512_cvtepi32_ps(v), s));
    }
}

/* MAX_POOL_2D: 64 channels per vector; the window clipped to the input as
 * the generic kernel clips it (an empty window gives -128, then the clamp). */
static void max_pool(const arv_pool_geom *g, int32_t act_min, int32_t act_max,
                     const int8_t *in, int8_t *out, int row_begin, int row_end)
{
    if (act_min < -128 || act_max > 127 || act_min > act_max) {   /* as the generic clamps */
        arv_q8_max_pool(g, act_min, act_max, in, out, row_begin, row_end);
        return;
    }
    const int c = g->c;
    const __m512i lo = _mm512_set1_epi8((char)(act_min < -128 ? -128 : act_min > 127 ? 127 : act_min));
    const __m512i hi = _mm512_set1_epi8((char)(act_max < -128 ? -128 : act_max > 127 ? 127 : act_max));
    for (int r = row_begin; r < row_end; r++) {
        const int b = r / g->out_h, oy = r % g->out_h;
        const int8_t *in_b = in + (size_t)b * g->in_h * g->in_w * c;
        const int ys = oy * g->stride_h - g->pad_top;
        const int y0 = ys < 0 ? 0 : ys, y1 = ys + g->k_h > g->in_h ? g->in_h : ys + g->k_h;
        for (int ox = 0; ox < g->out_w; ox++) {
            const int xs = ox * g->stride_w - g->pad_left;
            const int x0 = xs < 0 ? 0 : xs, x1 = xs + g->k_w > g->in_w ? g->in_w : xs + g->k_w;
            int8_t *o = out + ((size_t)r * g->out_w + ox) * c;
            for (int c0 = 0; c0 < c; c0 += 64) {
                const int n = c - c0;
                const __mmask64 k = n >= 64 ? ~0ull : (1ull << n) - 1ull;
                __m512i m = _mm512_set1_epi8((char)-128);
                for (int y = y0; y < y1; y++)
                    for (int x = x0; x < x1; x++)
                        m = _mm512_max_epi8(
                            m, _mm512_maskz_loadu_epi8(k, in_b + ((size_t)y * g->in_w + x) * c + c0));
                m = _mm512_min_epi8(_mm512_max_epi8(m, lo), hi);
                _mm512_mask_storeu_epi8(o + c0, k, m);
            }
        }
    }
}

/* Used by the VNNI table (avx512vnni_int8_conv.c). */
void arv_q8_add_avx512vnni(int sub, const arv_q_add *p, const arv_bcast4 *s, const int8_t *a,
                           const int8_t *b, int8_t *out);
void arv_q8_quantize_avx512vnni(size_t n, const float *in, float scale, int32_t zp, int8_t *out);
void arv_q8_dequantize_avx512vnni(size_t n, const int8_t *in, float scale, int32_t zp, float *out);
void arv_q8_max_pool_avx512vnni(const arv_pool_geom *g, int32_t act_min, int32_t act_max,
                                const int8_t *in, int8_t *out, int row_begin, int row_end);
void arv_q8_mul_avx512vnni(const arv_q_mul *p, const arv_bcast4 *s, const int8_t *a,
                           const int8_t *b, int8_t *out);
void arv_q8_prelu_avx512vnni(const arv_q_prelu *p, const arv_bcast4 *s, const int8_t *x,
                             const int8_t *alpha, int8_t *out);

void arv_q8_add_avx512vnni(int sub, const arv_q_add *p, const arv_bcast4 *s, const int8_t *a,
                           const int8_t *b, int8_t *out)
{
    add(sub, p, s, a, b, out);
}

void arv_q8_mul_avx512vnni(const arv_q_mul *p, const arv_bcast4 *s, const int8_t *a,
                           const int8_t *b, int8_t *out)
{
    mul(p, s, a, b, out);
}

void arv_q8_prelu_avx512vnni(const arv_q_prelu *p, const arv_bcast4 *s, const int8_t *x,
                             const int8_t *alpha, int8_t *out)
{
    prelu(p, s, x, alpha, out);
}

void arv_q8_quantize_avx512vnni(size_t n, const float *in, float scale, int32_t zp, int8_t *out)
{
    quantize(n, in, scale, zp, out);
}

void arv_q8_dequantize_avx512vnni(size_t n, const int8_t *in, float scale, int32_t zp, float *out)
{
    dequantize(n, in, scale, zp, out);
}

void arv_q8_max_pool_avx512vnni(const arv_pool_geom *g, int32_t act_min, int32_t act_max,
                                const int8_t *in, int8_t *out, int row_begin, int row_end)
{
    max_pool(g, act_min, act_max, in, out, row_begin, row_end);
}

/* Table lookups (LOGISTIC, RELU, HARD_SWISH): with AVX-512 VBMI, 64 bytes
 * at a time from the 256-entry table held in four registers (two 128-entry
 * permutes, picked by the index's top bit); without it, the scalar loop. */
__attribute__((target("avx512vbmi"))) static void lut_vbmi(size_t n, const int8_t *in,
                                                            const int8_t lut[256], int8_t *out)
{
    const __m512i t0 = _mm512_loadu_si512(lut), t1 = _mm512_loadu_si512(lut + 64);
    const __m512i t2 = _mm512_loadu_si512(lut + 128), t3 = _mm512_loadu_si512(lut + 192);
    for (size_t i = 0; i < n; i += 64) {
        const size_t k = n - i;
        const __mmask64 m = k >= 64 ? ~0ull : (1ull << k) - 1ull;
        const __m512i x = _mm512_maskz_loadu_epi8(m, in + i);
        const __m512i lo = _mm512_permutex2var_epi8(t0, x, t1);
        const __m512i hi = _mm512_permutex2var_epi8(t2, x, t3);
        _mm512_mask_storeu_epi8(out + i, m, _mm512_mask_blend_epi8(_mm512_movepi8_mask(x), lo, hi));
    }
}

void arv_q8_lut_avx512vnni(size_t n, const int8_t *in, const int8_t lut[256], int8_t *out);

void arv_q8_lut_avx512vnni(size_t n, const int8_t *in, const int8_t lut[256], int8_t *out)
{
    if (__builtin_cpu_supports("avx512vbmi"))
        lut_vbmi(n, in, lut, out);
    else
        arv_q8_lut(n, in, lut, out);
}

/* AVERAGE_POOL_2D: int32 window sums on 16 channels a vector; the rounded
 * division (half away from zero, truncating (sum +- count/2) / count) in
 * double, where it is exact: a quotient of magnitude <= 129 that is not an
 * integer is at least 1/count from one, far above double's rounding error
 * (2^-45 there), so truncating the rounded quotient truncates the true one. */
static void avg_pool(const arv_pool_geom *g, int32_t act_min, int32_t act_max,
                     const int8_t *in, int8_t *out, int row_begin, int row_end)
{
    const int c = g->c;
    const __m512i lo = _mm512_set1_epi32(act_min), hi = _mm512_set1_epi32(act_max);
    for (int r = row_begin; r < row_end; r++) {
        const int b = r / g->out_h, oy = r % g->out_h;
        const int8_t *in_b = in + (size_t)b * g->in_h * g->in_w * c;
        const int ys = oy * g->stride_h - g->pad_top;
        const int y0 = ys < 0 ? 0 : ys, y1 = ys + g->k_h > g->in_h ? g->in_h : ys + g->k_h;
        for (int ox = 0; ox < g->out_w; ox++) {
            const int xs = ox * g->stride_w - g->pad_left;
            const int x0 = xs < 0 ? 0 : xs, x1 = xs + g->k_w > g->in_w ? g->in_w : xs + g->k_w;
            const int32_t count = (y1 - y0) * (x1 - x0);
            int8_t *o = out + ((size_t)r * g->out_w + ox) * c;
            if (count <= 0) {
                memset(o, 0, (size_t)c);
                continue;
            }
            const __m512d cnt = _mm512_set1_pd((double)count);
            const __m512i h = _mm512_set1_epi32(count / 2);
            for (int c0 = 0; c0 < c; c0 += 16) {
                const __mmask16 k = m16((size_t)(c - c0));
                __m512i acc = _mm512_setzero_si512();
                for (int y = y0; y < y1; y++)
                    for (int x = x0; x < x1; x++)
                        acc = _mm512_add_epi32(
                            acc, ld8(in_b + ((size_t)y * g->in_w + x) * c + c0, k));
                /* acc > 0: acc + h; else acc - h; then truncate the quotient */
                const __m512i num = _mm512_mask_sub_epi32(
                    _mm512_add_epi32(acc, h), _mm512_cmple_epi32_mask(acc, _mm512_setzero_si512()),
                    acc, h);
                const __m256i q0 = _mm512_cvttpd_epi32(
                    _mm512_div_pd(_mm512_cvtepi32_pd(_mm512_castsi512_si256(num)), cnt));
                const __m256i q1 = _mm512_cvttpd_epi32(
                    _mm512_div_pd(_mm512_cvtepi32_pd(_mm512_extracti64x4_epi64(num, 1)), cnt));
                st8(o + c0, k, _mm512_inserti64x4(_mm512_castsi256_si512(q0), q1, 1), lo, hi);
            }
        }
    }
}

void arv_q8_avg_pool_avx512vnni(const arv_pool_geom *g, int32_t act_min, int32_t act_max,
                                const int8_t *in, int8_t *out, int row_begin, int row_end);

void arv_q8_avg_pool_avx512vnni(const arv_pool_geom *g, int32_t act_min, int32_t act_max,
                                const int8_t *in, int8_t *out, int row_begin, int row_end)
{
    if (act_min < -128 || act_max > 127 || act_min > act_max) {   /* as the generic clamps */
        arv_q8_avg_pool(g, act_min, act_max, in, out, row_begin, row_end);
        return;
    }
    avg_pool(g, act_min, act_max, in, out, row_begin, row_end);
}

/* QUANTIZE as XNNPACK runs it: the same float steps as arv_q8_quantize_rne
 * (max/min are its two comparisons, NaN included), 16 lanes. */
void arv_q8_quantize_rne_avx512vnni(size_t n, const float *in, float inv_scale, int32_t zp,
                                    int8_t *out);

void arv_q8_quantize_rne_avx512vnni(size_t n, const float *in, float inv_scale, int32_t zp,
                                    int8_t *out)
{
    const __m512 s = _mm512_set1_ps(inv_scale), magic = _mm512_set1_ps(12582912.0f);
    const __m512 lo = _mm512_set1_ps((float)(-128 - zp)), hi = _mm512_set1_ps((float)(127 - zp));
    const __m512i z = _mm512_set1_epi32(zp);
    for (size_t i = 0; i < n; i += 16) {
        const __mmask16 k = m16(n - i);
        __m512 v = _mm512_mul_ps(_mm512_maskz_loadu_ps(k, in + i), s);
        v = _mm512_min_ps(_mm512_max_ps(v, lo), hi);
        v = _mm512_sub_ps(_mm512_add_ps(v, magic), magic);
        st8_full(out + i, k, _mm512_add_epi32(_mm512_cvttps_epi32(v), z));
    }
}
