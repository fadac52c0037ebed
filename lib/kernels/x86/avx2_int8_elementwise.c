/* avx2_int8_elementwise.c — the AVX2 int8 table's element-wise and pooling
 * kernels on 8 lanes, bit-exact with the generic kernels: ADD/SUB, MUL (both
 * requantizations), PRELU, QUANTIZE in both flavours, DEQUANTIZE, MAX_POOL_2D
 * and AVERAGE_POOL_2D; the arithmetic is avx512vnni_int8_elementwise.c's on
 * 256-bit vectors. Binary ops take an operand that spans the output,
 * repeats one row of channels or is a single value (PRELU: alpha full or
 * per channel); other broadcasts, and a multiplier of INT32_MIN, run the
 * generic kernel. Tails of fewer than 8 elements go through a small buffer
 * (no read past a tensor). */
#include <immintrin.h>
#include <string.h>
#include "kernels/simd/bcast_rows.h"
#include "kernels/kernels_int8.h"
#include "kernels/x86/rq_avx2.h"

#define ALWAYS static inline __attribute__((always_inline))


/* 8 int8 at p (n of them valid) as int32. */
ALWAYS __m256i ld8(const int8_t *p, size_t n)
{
    int64_t v = 0;
    memcpy(&v, p, n < 8 ? n : 8);
    return _mm256_cvtepi8_epi32(_mm_cvtsi64_si128(v));
}

ALWAYS void st8(int8_t *p, size_t n, __m256i v, __m256i lo, __m256i hi)
{
    v = _mm256_min_epi32(_mm256_max_epi32(v, lo), hi);
    const __m128i h = _mm_packs_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    const int64_t b = _mm_cvtsi128_si64(_mm_packs_epi16(h, h));
    memcpy(p, &b, n < 8 ? n : 8);
}

static int same_shape(const arv_bcast4 *s)
{
    for (int i = 0; i < 4; i++)
        if (s->a[i] != s->out[i] || s->b[i] != s->out[i])
            return 0;
    return 1;
}

void arv_q8_add_avx2(int sub, const arv_q_add *p, const arv_bcast4 *s, const int8_t *a,
                     const int8_t *b, int8_t *out);
void arv_q8_mul_avx2(const arv_q_mul *p, const arv_bcast4 *s, const int8_t *a,
                     const int8_t *b, int8_t *out);
void arv_q8_prelu_avx2(const arv_q_prelu *p, const arv_bcast4 *s, const int8_t *x,
                       const int8_t *alpha, int8_t *out);
void arv_q8_quantize_avx2(size_t n, const float *in, float scale, int32_t zp, int8_t *out);
void arv_q8_dequantize_avx2(size_t n, const int8_t *in, float scale, int32_t zp, float *out);
void arv_q8_max_pool_avx2(const arv_pool_geom *g, int32_t act_min, int32_t act_max,
                          const int8_t *in, int8_t *out, int row_begin, int row_end);
void arv_q8_avg_pool_avx2(const arv_pool_geom *g, int32_t act_min, int32_t act_max,
                          const int8_t *in, int8_t *out, int row_begin, int row_end);

ALWAYS __m256i ld_or_one(const int8_t *p, int one, size_t n)
{
    return one ? _mm256_set1_epi32(*p) : ld8(p, n);
}

/* ARV_QR_XNN_ADD: one multiply-add per input and one rounding shift, over
 * rows as MUL's loop. */
static void add_xnn(const arv_q_add *p, long rows, size_t len, size_t sa,
                    size_t sb, int oa, int ob, const int8_t *a, const int8_t *b, int8_t *out)
{
    const __m256i ma = _mm256_set1_epi32(p->x_a_mult), mb = _mm256_set1_epi32(p->x_b_mult);
    const __m256i bias = _mm256_set1_epi32(p->x_bias + (1 << (p->x_shift - 1)));
    const __m128i sh = _mm_cvtsi32_si128(p->x_shift);
    const __m256i oo = _mm256_set1_epi32(p->out_offset);
    const __m256i lo = _mm256_set1_epi32(p->act_min), hi = _mm256_set1_epi32(p->act_max);
    for (long row = 0; row < rows; row++) {
        const int8_t *pa = a + (size_t)row * sa, *pb = b + (size_t)row * sb;
        int8_t *po = out + (size_t)row * len;
        for (size_t i = 0; i < len; i += 8) {
            const size_t k = len - i;
            const __m256i xa = ld_or_one(pa + (oa ? 0 : i), oa, k);
            const __m256i xb = ld_or_one(pb + (ob ? 0 : i), ob, k);
            __m256i acc = _mm256_add_epi32(bias, _mm256_mullo_epi32(xa, ma));
            acc = _mm256_add_epi32(acc, _mm256_mullo_epi32(xb, mb));
            st8(po + i, k, _mm256_add_epi32(_mm256_sra_epi32(acc, sh), oo), lo, hi);
        }
    }
}

void arv_q8_add_avx2(int sub, const arv_q_add *p, const arv_bcast4 *s, const int8_t *a,
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
    const arv_rq8 r1 = arv_rq8_make(p->in1_mult, p->in1_shift);
    const arv_rq8 r2 = arv_rq8_make(p->in2_mult, p->in2_shift);
    const arv_rq8 ro = arv_rq8_make(p->out_mult, p->out_shift);
    const __m256i o1 = _mm256_set1_epi32(p->in1_offset), o2 = _mm256_set1_epi32(p->in2_offset);
    const __m256i oo = _mm256_set1_epi32(p->out_offset);
    const __m256i lo = _mm256_set1_epi32(p->act_min), hi = _mm256_set1_epi32(p->act_max);
    const __m128i ls = _mm_cvtsi32_si128(p->left_shift);
    const size_t n = arv_bcast_count(s);
    for (size_t i = 0; i < n; i += 8) {
        const size_t k = n - i;
        const __m256i x1 = _mm256_sll_epi32(_mm256_add_epi32(ld8(a + i, k), o1), ls);
        const __m256i x2 = _mm256_sll_epi32(_mm256_add_epi32(ld8(b + i, k), o2), ls);
        const __m256i y1 = arv_rq8_apply(x1, &r1), y2 = arv_rq8_apply(x2, &r2);
        const __m256i raw = sub ? _mm256_sub_epi32(y1, y2) : _mm256_add_epi32(y1, y2);
        st8(out + i, k, _mm256_add_epi32(arv_rq8_apply(raw, &ro), oo), lo, hi);
    }
}

/* MUL, ARV_QR_DOUBLE or ARV_QR_FP32 (XNNPACK's: the product in float times
 * the scale, clamped in float, rounded to nearest even; the product of two
 * 9-bit values is exact in float). */
void arv_q8_mul_avx2(const arv_q_mul *p, const arv_bcast4 *s, const int8_t *a,
                     const int8_t *b, int8_t *out)
{
    size_t len, sa, sb;
    int oa, ob;
    const long rows = arv_bcast_rows(s, &len, &sa, &sb, &oa, &ob);
    if (rows < 0 || p->mult == INT32_MIN ||
        (p->rounding != ARV_QR_DOUBLE && p->rounding != ARV_QR_FP32)) {
        arv_q8_mul(p, s, a, b, out);
        return;
    }
    const int fp = p->rounding == ARV_QR_FP32;
    const arv_rq8 r = arv_rq8_make(p->mult, p->shift);
    const __m256 fs = _mm256_set1_ps(p->fscale);
    const __m256 flo = _mm256_set1_ps((float)(p->act_min - p->out_offset));
    const __m256 fhi = _mm256_set1_ps((float)(p->act_max - p->out_offset));
    const __m256i o1 = _mm256_set1_epi32(p->in1_offset), o2 = _mm256_set1_epi32(p->in2_offset);
    const __m256i oo = _mm256_set1_epi32(p->out_offset);
    const __m256i lo = _mm256_set1_epi32(p->act_min), hi = _mm256_set1_epi32(p->act_max);
    for (long row = 0; row < rows; row++) {
        const int8_t *pa = a + (size_t)row * sa, *pb = b + (size_t)row * sb;
        int8_t *po = out + (size_t)row * len;
        for (size_t i = 0; i < len; i += 8) {
            const size_t k = len - i;
            const __m256i x1 = _mm256_add_epi32(ld_or_one(pa + (oa ? 0 : i), oa, k), o1);
            const __m256i x2 = _mm256_add_epi32(ld_or_one(pb + (ob ? 0 : i), ob, k), o2);
            const __m256i prod = _mm256_mullo_epi32(x1, x2);
            __m256i v;
            if (fp) {
                __m256 f = _mm256_mul_ps(_mm256_cvtepi32_ps(prod), fs);
                f = _mm256_min_ps(_mm256_max_ps(f, flo), fhi);
                v = _mm256_cvtps_epi32(f);   /* nearest even, as the magic bias */
            } else {
                v = arv_rq8_apply(prod, &r);
            }
            st8(po + i, k, _mm256_add_epi32(v, oo), lo, hi);
        }
    }
}

/* One multiply per lane: the input and the parameters of its branch are
 * selected first (x >= 0: x with mult1; else x * alpha with mult2). */
ALWAYS __m256i prelu8(__m256i x, __m256i al, const arv_rq8 *r1, const arv_rq8 *r2, __m256i oo)
{
    const __m256i lt = _mm256_cmpgt_epi32(_mm256_setzero_si256(), x);
    arv_rq8 r;
    r.m = _mm256_blendv_epi8(r1->m, r2->m, lt);
    r.lsh = _mm256_blendv_epi8(r1->lsh, r2->lsh, lt);
    r.rsh = _mm256_blendv_epi8(r1->rsh, r2->rsh, lt);
    r.mk = _mm256_blendv_epi8(r1->mk, r2->mk, lt);
    r.half = _mm256_blendv_epi8(r1->half, r2->half, lt);
    const __m256i v = _mm256_blendv_epi8(x, _mm256_mullo_epi32(x, al), lt);
    return _mm256_add_epi32(arv_rq8_apply(v, &r), oo);
}

void arv_q8_prelu_avx2(const arv_q_prelu *p, const arv_bcast4 *s, const int8_t *x,
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
    const arv_rq8 r1 = arv_rq8_make(p->mult1, p->shift1), r2 = arv_rq8_make(p->mult2, p->shift2);
    const __m256i xo = _mm256_set1_epi32(p->in_offset), ao = _mm256_set1_epi32(p->alpha_offset);
    const __m256i oo = _mm256_set1_epi32(p->out_offset);
    const __m256i lo = _mm256_set1_epi32(-128), hi = _mm256_set1_epi32(127);
    const size_t n = arv_bcast_count(s);
    if (full) {
        for (size_t i = 0; i < n; i += 8) {
            const size_t k = n - i;
            const __m256i v = _mm256_add_epi32(ld8(x + i, k), xo);
            const __m256i al = _mm256_add_epi32(ld8(alpha + i, k), ao);
            st8(out + i, k, prelu8(v, al, &r1, &r2, oo), lo, hi);
        }
        return;
    }
    const size_t c_n = (size_t)s->out[3];
    if (c_n == 0)
        return;
    for (size_t base = 0; base < n; base += c_n)
        for (size_t c = 0; c < c_n; c += 8) {
            const size_t k = c_n - c;
            const __m256i v = _mm256_add_epi32(ld8(x + base + c, k), xo);
            const __m256i al = _mm256_add_epi32(ld8(alpha + c, k), ao);
            st8(out + base + c, k, prelu8(v, al, &r1, &r2, oo), lo, hi);
        }
}

void arv_q8_quantize_avx2(size_t n, const float *in, float scale, int32_t zp, int8_t *out)
{
    const __m256 sc = _mm256_set1_ps(scale), half = _mm256_set1_ps(0.5f);
    const __m256 one = _mm256_set1_ps(1.0f), sign = _mm256_set1_ps(-0.0f);
    const __m256i z = _mm256_set1_epi32(zp);
    const __m256i lo = _mm256_set1_epi32(-128), hi = _mm256_set1_epi32(127);
    for (size_t i = 0; i < n; i += 8) {
        const size_t k = n - i;
        float buf[8] = {0};
        memcpy(buf, in + i, (k < 8 ? k : 8) * sizeof(float));
        const __m256 x = _mm256_div_ps(_mm256_loadu_ps(buf), sc);
        const __m256 t = _mm256_round_ps(x, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
        const __m256 f = _mm256_andnot_ps(sign, _mm256_sub_ps(x, t));
        const __m256 up = _mm256_cmp_ps(f, half, _CMP_GE_OQ);
        const __m256 sg = _mm256_or_ps(_mm256_and_ps(x, sign), one);
        const __m256 r = _mm256_add_ps(t, _mm256_and_ps(up, sg));
        st8(out + i, k, _mm256_add_epi32(_mm256_cvttps_epi32(r), z), lo, hi);
    }
}

/* DEQUANTIZE: one float multiply per element rounds the exact product once,
 * as the generic's double product rounded to float (see the AVX-512 one). */
void arv_q8_dequantize_avx2(size_t n, const int8_t *in, float scale, int32_t zp, float *out)
{
    const __m256 s = _mm256_set1_ps(scale);
    const __m256i z = _mm256_set1_epi32(zp);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 v = _mm256_cvtepi32_ps(_mm256_sub_epi32(ld8(in + i, 8), z));
        _mm256_storeu_ps(out + i, _mm256_mul_ps(v, s));
    }
    if (i < n) {
        float buf[8];
        const __m256 v = _mm256_cvtepi32_ps(_mm256_sub_epi32(ld8(in + i, n - i), z));
        _mm256_storeu_ps(buf, _mm256_mul_ps(v, s));
        memcpy(out + i, buf, (n - i) * sizeof(float));
    }
}

/* MAX_POOL_2D: 32 channels per vector, a scalar loop for the rest. */
void arv_q8_max_pool_avx2(const arv_pool_geom *g, int32_t act_min, int32_t act_max,
                          const int8_t *in, int8_t *out, int row_begin, int row_end)
{
    if (act_min < -128 || act_max > 127 || act_min > act_max) {   /* as the generic clamps */
        arv_q8_max_pool(g, act_min, act_max, in, out, row_begin, row_end);
        return;
    }
    const int c = g->c, c32 = c / 32 * 32;
    const int8_t l8 = (int8_t)(act_min < -128 ? -128 : act_min > 127 ? 127 : act_min);
    const int8_t h8 = (int8_t)(act_max < -128 ? -128 : act_max > 127 ? 127 : act_max);
    const __m256i lo = _mm256_set1_epi8(l8), hi = _mm256_set1_epi8(h8);
    for (int r = row_begin; r < row_end; r++) {
        const int b = r / g->out_h, oy = r % g->out_h;
        const int8_t *in_b = in + (size_t)b * g->in_h * g->in_w * c;
        const int ys = oy * g->stride_h - g->pad_top;
        const int y0 = ys < 0 ? 0 : ys, y1 = ys + g->k_h > g->in_h ? g->in_h : ys + g->k_h;
        for (int ox = 0; ox < g->out_w; ox++) {
            const int xs = ox * g->stride_w - g->pad_left;
            const int x0 = xs < 0 ? 0 : xs, x1 = xs + g->k_w > g->in_w ? g->in_w : xs + g->k_w;
            int8_t *o = out + ((size_t)r * g->out_w + ox) * c;
            for (int c0 = 0; c0 < c32; c0 += 32) {
                __m256i m = _mm256_set1_epi8((char)-128);
                for (int y = y0; y < y1; y++)
                    for (int x = x0; x < x1; x++)
                        m = _mm256_max_epi8(m, _mm256_loadu_si256((const __m256i *)(
                                                   in_b + ((size_t)y * g->in_w + x) * c + c0)));
                m = _mm256_min_epi8(_mm256_max_epi8(m, lo), hi);
                _mm256_storeu_si256((__m256i *)(o + c0), m);
            }
            for (int ch = c32; ch < c; ch++) {
                int8_t m = -128;
                for (int y = y0; y < y1; y++)
                    for (int x = x0; x < x1; x++) {
                        const int8_t v = in_b[((size_t)y * g->in_w + x) * c + ch];
                        m = v > m ? v : m;
                    }
                o[ch] = m < l8 ? l8 : m > h8 ? h8 : m;
            }
        }
    }
}

/* AVERAGE_POOL_2D: int32 window sums on 8 channels a vector, the rest of
 * the channels scalar; the rounded division in double as the AVX-512 one
 * (exact: a non-integer quotient of magnitude <= 129 is at least 1/count
 * from an integer). */
void arv_q8_avg_pool_avx2(const arv_pool_geom *g, int32_t act_min, int32_t act_max,
                          const int8_t *in, int8_t *out, int row_begin, int row_end)
{
    if (act_min < -128 || act_max > 127 || act_min > act_max) {   /* as the generic clamps */
        arv_q8_avg_pool(g, act_min, act_max, in, out, row_begin, row_end);
        return;
    }
    const int c = g->c, c8 = c / 8 * 8;
    const __m256i lo = _mm256_set1_epi32(act_min), hi = _mm256_set1_epi32(act_max);
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
            const __m256d cnt = _mm256_set1_pd((double)count);
            const __m256i h = _mm256_set1_epi32(count / 2);
            for (int c0 = 0; c0 < c8; c0 += 8) {
                __m256i acc = _mm256_setzero_si256();
                for (int y = y0; y < y1; y++)
                    for (int x = x0; x < x1; x++)
                        acc = _mm256_add_epi32(
                            acc, ld8(in_b + ((size_t)y * g->in_w + x) * c + c0, 8));
                /* acc > 0: acc + h; else acc - h */
                const __m256i pos = _mm256_cmpgt_epi32(acc, _mm256_setzero_si256());
                const __m256i num = _mm256_blendv_epi8(_mm256_sub_epi32(acc, h),
                                                       _mm256_add_epi32(acc, h), pos);
                const __m128i q0 = _mm256_cvttpd_epi32(
                    _mm256_div_pd(_mm256_cvtepi32_pd(_mm256_castsi256_si128(num)), cnt));
                const __m128i q1 = _mm256_cvttpd_epi32(
                    _mm256_div_pd(_mm256_cvtepi32_pd(_mm256_extracti128_si256(num, 1)), cnt));
                st8(o + c0, 8, _mm256_set_m128i(q1, q0), lo, hi);
            }
            for (int ch = c8; ch < c; ch++) {
                int32_t acc = 0;
                for (int y = y0; y < y1; y++)
                    for (int x = x0; x < x1; x++)
                        acc += in_b[((size_t)y * g->in_w + x) * c + ch];
                acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
                o[ch] = (int8_t)(acc < act_min ? act_min : acc > act_max ? act_max : acc);
            }
        }
    }
}

/* QUANTIZE as XNNPACK runs it: the same float steps as arv_q8_quantize_rne
 * (max/min are its two comparisons, NaN included), 8 lanes. */
void arv_q8_quantize_rne_avx2(size_t n, const float *in, float inv_scale, int32_t zp,
                              int8_t *out);

void arv_q8_quantize_rne_avx2(size_t n, const float *in, float inv_scale, int32_t zp,
                              int8_t *out)
{
    const __m256 s = _mm256_set1_ps(inv_scale), magic = _mm256_set1_ps(12582912.0f);
    const __m256 lo = _mm256_set1_ps((float)(-128 - zp)), hi = _mm256_set1_ps((float)(127 - zp));
    const __m256i z = _mm256_set1_epi32(zp);
    const __m256i l8 = _mm256_set1_epi32(-128), h8 = _mm256_set1_epi32(127);
    for (size_t i = 0; i < n; i += 8) {
        const size_t k = n - i;
        __m256 x;
        if (k >= 8) {
            x = _mm256_loadu_ps(in + i);
        } else {
            float buf[8] = {0};
            memcpy(buf, in + i, k * sizeof(float));
            x = _mm256_loadu_ps(buf);
        }
        __m256 v = _mm256_mul_ps(x, s);
        v = _mm256_min_ps(_mm256_max_ps(v, lo), hi);
        v = _mm256_sub_ps(_mm256_add_ps(v, magic), magic);
        st8(out + i, k, _mm256_add_epi32(_mm256_cvttps_epi32(v), z), l8, h8);
    }
}
