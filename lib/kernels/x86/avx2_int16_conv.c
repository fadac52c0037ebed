/* avx2_int16_conv.c — AVX2 inner loops of the 16x8 conv family (int16
 * activations, int8 weights; int16_conv.c holds the loops around them).
 *
 * The dot pairs 16 inputs with 16 sign-extended weights in vpmaddwd: two
 * products of at most 2^22 per int32 lane and step, so 255 steps stay
 * exact before the lanes are widened into int64. The last len % 16
 * elements of a run are summed in scalar code. */
#include <immintrin.h>
#include <string.h>
#include "kernels/kernels_int8.h"

#define STEPS_MAX 255

static inline __m256i widen_into(__m256i acc64, __m256i acc32)
{
    acc64 = _mm256_add_epi64(acc64, _mm256_cvtepi32_epi64(_mm256_castsi256_si128(acc32)));
    return _mm256_add_epi64(acc64, _mm256_cvtepi32_epi64(_mm256_extracti128_si256(acc32, 1)));
}

static inline int64_t hsum64(__m256i v)
{
    const __m128i s = _mm_add_epi64(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    return _mm_cvtsi128_si64(s) + _mm_extract_epi64(s, 1);
}

/* The four weight rows of one step, sign-extended to int16. */
typedef struct wstep {
    __m256i w0, w1, w2, w3;
} wstep;

static inline wstep wload(const int8_t *w, size_t o1, size_t o2, size_t o3)
{
    wstep r;
    r.w0 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)w));
    r.w1 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(w + o1)));
    r.w2 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(w + o2)));
    r.w3 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(w + o3)));
    return r;
}

/* Accumulators of one pixel: int32 lanes a[], widened into int64 l[]
 * (rarely touched: with 16 registers they may live in memory), plus the
 * scalar sums t[] of the runs' last len % 16 elements. */
typedef struct acc4 {
    __m256i a0, a1, a2, a3;
    __m256i l[4];
    int64_t t[4];
} acc4;

static inline void acc_step(acc4 *a, __m256i xv, const wstep *w)
{
    a->a0 = _mm256_add_epi32(a->a0, _mm256_madd_epi16(xv, w->w0));
    a->a1 = _mm256_add_epi32(a->a1, _mm256_madd_epi16(xv, w->w1));
    a->a2 = _mm256_add_epi32(a->a2, _mm256_madd_epi16(xv, w->w2));
    a->a3 = _mm256_add_epi32(a->a3, _mm256_madd_epi16(xv, w->w3));
}

static inline void acc_widen(acc4 *a)
{
    a->l[0] = widen_into(a->l[0], a->a0);
    a->l[1] = widen_into(a->l[1], a->a1);
    a->l[2] = widen_into(a->l[2], a->a2);
    a->l[3] = widen_into(a->l[3], a->a3);
    a->a0 = a->a1 = a->a2 = a->a3 = _mm256_setzero_si256();
}

static inline void acc_tail(acc4 *a, const int16_t *x, const int8_t *w, size_t o1, size_t o2,
                            size_t o3, int c0, int len)
{
    for (int c = c0; c < len; c++) {
        a->t[0] += (int32_t)w[c] * x[c];
        a->t[1] += (int32_t)w[o1 + c] * x[c];
        a->t[2] += (int32_t)w[o2 + c] * x[c];
        a->t[3] += (int32_t)w[o3 + c] * x[c];
    }
}

/* The n_oc sums of one pixel; folded in int32 when the run total of at
 * most 511 products bounds every partial sum (no lane was widened). */
static inline void acc_sums(acc4 *a, int fold32, int n_oc, int64_t *sums)
{
    int64_t r[4];
    if (fold32) {
        const __m256i s01 = _mm256_add_epi32(_mm256_unpacklo_epi32(a->a0, a->a1),
                                             _mm256_unpackhi_epi32(a->a0, a->a1));
        const __m256i s23 = _mm256_add_epi32(_mm256_unpacklo_epi32(a->a2, a->a3),
                                             _mm256_unpackhi_epi32(a->a2, a->a3));
        const __m256i t = _mm256_add_epi32(_mm256_unpacklo_epi64(s01, s23),
                                           _mm256_unpackhi_epi64(s01, s23));
        const __m128i q = _mm_add_epi32(_mm256_castsi256_si128(t), _mm256_extracti128_si256(t, 1));
        _mm256_storeu_si256((__m256i *)r, _mm256_cvtepi32_epi64(q));
    } else {
        acc_widen(a);
        for (int j = 0; j < 4; j++)
            r[j] = hsum64(a->l[j]);
    }
    for (int j = 0; j < n_oc; j++)
        sums[j] = r[j] + a->t[j];
}

static inline void acc_zero(acc4 *a)
{
    a->a0 = a->a1 = a->a2 = a->a3 = _mm256_setzero_si256();
    for (int j = 0; j < 4; j++) {
        a->l[j] = _mm256_setzero_si256();
        a->t[j] = 0;
    }
}

/* One or two pixels (two: xs2 used) against the same weights: 16-element
 * steps in stretches of at most STEPS_MAX between widenings. */
static inline void dot_body(const int16_t *const *xs, const int16_t *const *xs2,
                            const int8_t *const *ws, int nseg, int len, size_t oc_stride,
                            int n_oc, int64_t *sums, int64_t *sums2, int two)
{
    /* channels past n_oc recompute the last one rather than branch */
    const size_t o1 = (n_oc > 1 ? 1 : 0) * oc_stride, o2 = (n_oc > 2 ? 2 : n_oc - 1) * oc_stride,
                 o3 = (size_t)(n_oc - 1 < 3 ? n_oc - 1 : 3) * oc_stride;
    acc4 p, p2;
    acc_zero(&p);
    acc_zero(&p2);
    int steps = 0;
    const int full = len / 16;
    for (int s = 0; s < nseg; s++) {
        const int16_t *x = xs[s], *x2 = two ? xs2[s] : NULL;
        const int8_t *w = ws[s];
        for (int k = 0; k < full;) {
            const int stretch = full - k < STEPS_MAX - steps ? full - k : STEPS_MAX - steps;
            for (int e = k + stretch; k < e; k++) {
                const wstep wv = wload(w + 16 * k, o1, o2, o3);
                acc_step(&p, _mm256_loadu_si256((const __m256i *)(x + 16 * k)), &wv);
                if (two)
                    acc_step(&p2, _mm256_loadu_si256((const __m256i *)(x2 + 16 * k)), &wv);
            }
            steps += stretch;
            if (steps == STEPS_MAX) {
                acc_widen(&p);
                if (two)
                    acc_widen(&p2);
                steps = 0;
            }
        }
        acc_tail(&p, x, w, o1, o2, o3, 16 * full, len);
        if (two)
            acc_tail(&p2, x2, w, o1, o2, o3, 16 * full, len);
    }
    const int fold32 = (int64_t)nseg * len <= 511;
    acc_sums(&p, fold32, n_oc, sums);
    if (two)
        acc_sums(&p2, fold32, n_oc, sums2);
}

static void dot(const int16_t *const *xs, const int16_t *const *xs2, const int8_t *const *ws,
                int nseg, int len, size_t oc_stride, int n_oc, int64_t *sums, int64_t *sums2)
{
    if (xs2)
        dot_body(xs, xs2, ws, nseg, len, oc_stride, n_oc, sums, sums2, 1);
    else
        dot_body(xs, NULL, ws, nseg, len, oc_stride, n_oc, sums, NULL, 0);
}

static void dw(const int16_t *const *xs, const int8_t *const *ws, int ntaps, int n,
               int32_t *acc)
{
    const int body = n & ~7;
    for (int c = 0; c < body; c += 8) {
        __m256i a = _mm256_setzero_si256();
        for (int t = 0; t < ntaps; t++) {
            const __m256i xv = _mm256_cvtepi16_epi32(_mm_loadu_si128((const __m128i *)(xs[t] + c)));
            const __m256i wv = _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(ws[t] + c)));
            a = _mm256_add_epi32(a, _mm256_mullo_epi32(xv, wv));
        }
        _mm256_storeu_si256((__m256i *)(acc + c), a);
    }
    for (int c = body; c < n; c++) {
        int32_t a = 0;
        for (int t = 0; t < ntaps; t++)
            a += (int32_t)ws[t][c] * xs[t][c];
        acc[c] = a;
    }
}

/* The input pair (x[2 * k2], x[2 * k2 + 1]) as one int32 to broadcast;
 * an odd K's last pair has no second element to read. */
static inline int32_t xpair(const int16_t *x, int K, int k2)
{
    const uint16_t lo = (uint16_t)x[2 * k2];
    const uint16_t hi = 2 * k2 + 1 < K ? (uint16_t)x[2 * k2 + 1] : 0;
    return (int32_t)((uint32_t)hi << 16 | lo);
}

/* The pair k2 of x, broadcast: straight from memory when whole. */
static inline __m256i bcast_pair(const int16_t *x, int K, int k2)
{
    int32_t v;
    if (2 * k2 + 1 < K)
        memcpy(&v, x + 2 * k2, sizeof v);
    else
        v = xpair(x, K, k2);
    return _mm256_set1_epi32(v);
}

static inline __m256i madd_acc(__m256i a, __m256i x, __m256i w)
{
    return _mm256_add_epi32(a, _mm256_madd_epi16(x, w));
}

/* Lanes are output channels: vpmaddwd of a broadcast input pair against
 * 8 packed weight pairs; four pixels by 16 channels (eight accumulators)
 * at a time, so each weight load serves four pixels. */
static void pw(const int16_t *const *xs, int npix, const int16_t *wp, int K, int ocp,
               int32_t *acc)
{
    const int kp = (K + 1) / 2;
    for (int p0 = 0; p0 < npix; p0 += 4) {
        const int np = npix - p0 < 4 ? npix - p0 : 4;
        const int16_t *x0 = xs[p0], *x1 = xs[p0 + (np > 1 ? 1 : 0)],
                      *x2 = xs[p0 + (np > 2 ? 2 : 0)], *x3 = xs[p0 + (np > 3 ? 3 : 0)];
        for (int j = 0; j < ocp; j += 16) {
            const __m256i z = _mm256_setzero_si256();
            __m256i a00 = z, a01 = z, a10 = z, a11 = z, a20 = z, a21 = z, a30 = z, a31 = z;
            for (int k2 = 0; k2 < kp; k2++) {
                const __m256i *wr = (const __m256i *)(wp + ((size_t)k2 * ocp + j) * 2);
                const __m256i w0 = _mm256_loadu_si256(wr), w1 = _mm256_loadu_si256(wr + 1);
                const __m256i b0 = bcast_pair(x0, K, k2), b1 = bcast_pair(x1, K, k2),
                              b2 = bcast_pair(x2, K, k2), b3 = bcast_pair(x3, K, k2);
                a00 = madd_acc(a00, b0, w0);
                a01 = madd_acc(a01, b0, w1);
                a10 = madd_acc(a10, b1, w0);
                a11 = madd_acc(a11, b1, w1);
                a20 = madd_acc(a20, b2, w0);
                a21 = madd_acc(a21, b2, w1);
                a30 = madd_acc(a30, b3, w0);
                a31 = madd_acc(a31, b3, w1);
            }
            /* named registers (an array would live on the stack) */
            int32_t *o = acc + (size_t)p0 * ocp + j;
            _mm256_storeu_si256((__m256i *)o, a00);
            _mm256_storeu_si256((__m256i *)(o + 8), a01);
            if (np > 1) {
                _mm256_storeu_si256((__m256i *)(o + ocp), a10);
                _mm256_storeu_si256((__m256i *)(o + ocp + 8), a11);
            }
            if (np > 2) {
                _mm256_storeu_si256((__m256i *)(o + 2 * (size_t)ocp), a20);
                _mm256_storeu_si256((__m256i *)(o + 2 * (size_t)ocp + 8), a21);
            }
            if (np > 3) {
                _mm256_storeu_si256((__m256i *)(o + 3 * (size_t)ocp), a30);
                _mm256_storeu_si256((__m256i *)(o + 3 * (size_t)ocp + 8), a31);
            }
        }
    }
}

/* AVX2 lacks 64-bit min/max: cmpgt picks the lanes to replace. */
static inline __m256i max64(__m256i a, __m256i b)
{
    return _mm256_blendv_epi8(a, b, _mm256_cmpgt_epi64(b, a));
}

static inline __m256i min64(__m256i a, __m256i b)
{
    return _mm256_blendv_epi8(a, b, _mm256_cmpgt_epi64(a, b));
}

/* arv_q16_mul_by_mult64 and the clamp on 4 int64 lanes of prepared terms.
 * x is clamped to [-2^47, 2^47) and |red| <= 2^15, so x splits into a
 * signed high part x >> 24 (bits 24..55 of x read as int32: bits 48..55
 * copy the sign, so the logical shift suffices) and a low part below
 * 2^24, both inside vpmuldq's signed 32-bit inputs; the two products
 * recombine into x * red exactly. The rounding shift must be arithmetic:
 * flipping negative values to their complement, shifting logically and
 * flipping back floors exactly like >>. */
static inline __m256i rq4(__m256i x, __m256i red, __m256i rnd, __m256i total, __m256i lo,
                          __m256i hi)
{
    const __m256i lim_lo = _mm256_set1_epi64x(-((int64_t)1 << 47));
    const __m256i lim_hi = _mm256_set1_epi64x(((int64_t)1 << 47) - 1);
    x = min64(max64(x, lim_lo), lim_hi);
    const __m256i xh = _mm256_srli_epi64(x, 24);
    const __m256i xl = _mm256_and_si256(x, _mm256_set1_epi64x(0xFFFFFF));
    __m256i v = _mm256_add_epi64(_mm256_slli_epi64(_mm256_mul_epi32(xh, red), 24),
                                 _mm256_mul_epi32(xl, red));
    v = _mm256_add_epi64(v, rnd);
    const __m256i neg = _mm256_cmpgt_epi64(_mm256_setzero_si256(), v);
    __m256i r = _mm256_xor_si256(_mm256_srlv_epi64(_mm256_xor_si256(v, neg), total), neg);
    return min64(max64(r, lo), hi);
}

/* The low int32 of each int64 lane of a and b (values inside the int16
 * activation range), packed to 8 int16 in lane order. */
static inline __m128i narrow8(__m256i a, __m256i b)
{
    const __m256i idx = _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6);
    const __m128i a32 = _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(a, idx));
    const __m128i b32 = _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(b, idx));
    return _mm_packs_epi32(a32, b32);
}

/* requant on int32 sums with the per-channel terms prepared, 8 channels
 * a step; the tail loads masked (the terms past n are not prepared) and
 * stores through a buffer, writing nothing past n. */
static void requant32(const int32_t *acc, const arv_q16_rq *p, int n, int16_t *out)
{
    const __m256i lo = _mm256_set1_epi64x(p->act_min), hi = _mm256_set1_epi64x(p->act_max);
    int j = 0;
    for (; j + 8 <= n; j += 8) {
        const __m128i a0 = _mm_loadu_si128((const __m128i *)(acc + j));
        const __m128i a1 = _mm_loadu_si128((const __m128i *)(acc + j + 4));
        const __m256i x0 = _mm256_add_epi64(_mm256_cvtepi32_epi64(a0),
                                            _mm256_loadu_si256((const __m256i *)(p->bias + j)));
        const __m256i x1 = _mm256_add_epi64(
            _mm256_cvtepi32_epi64(a1), _mm256_loadu_si256((const __m256i *)(p->bias + j + 4)));
        const __m256i r0 = rq4(x0, _mm256_loadu_si256((const __m256i *)(p->red + j)),
                               _mm256_loadu_si256((const __m256i *)(p->rnd + j)),
                               _mm256_loadu_si256((const __m256i *)(p->total + j)), lo, hi);
        const __m256i r1 = rq4(x1, _mm256_loadu_si256((const __m256i *)(p->red + j + 4)),
                               _mm256_loadu_si256((const __m256i *)(p->rnd + j + 4)),
                               _mm256_loadu_si256((const __m256i *)(p->total + j + 4)), lo, hi);
        _mm_storeu_si128((__m128i *)(out + j), narrow8(r0, r1));
    }
    if (j < n) {
        const int rem = n - j;
        const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
        const __m256i m32 = _mm256_cmpgt_epi32(_mm256_set1_epi32(rem), lane);
        const __m256i lane64 = _mm256_setr_epi64x(0, 1, 2, 3);
        const __m256i m0 = _mm256_cmpgt_epi64(_mm256_set1_epi64x(rem), lane64);
        const __m256i m1 = _mm256_cmpgt_epi64(_mm256_set1_epi64x(rem - 4), lane64);
        const __m256i a = _mm256_maskload_epi32(acc + j, m32);
#define LD(arr, off, m) _mm256_maskload_epi64((const long long *)(p->arr + j + (off)), m)
        const __m256i x0 = _mm256_add_epi64(_mm256_cvtepi32_epi64(_mm256_castsi256_si128(a)),
                                            LD(bias, 0, m0));
        const __m256i x1 = _mm256_add_epi64(
            _mm256_cvtepi32_epi64(_mm256_extracti128_si256(a, 1)), LD(bias, 4, m1));
        const __m256i r0 = rq4(x0, LD(red, 0, m0), LD(rnd, 0, m0), LD(total, 0, m0), lo, hi);
        const __m256i r1 = rq4(x1, LD(red, 4, m1), LD(rnd, 4, m1), LD(total, 4, m1), lo, hi);
#undef LD
        int16_t buf[8];
        _mm_storeu_si128((__m128i *)buf, narrow8(r0, r1));
        memcpy(out + j, buf, (size_t)rem * sizeof *buf);
    }
}

/* requant (int64 sums) stays scalar: it runs only for long K and
 * non-1x1 convs, where the dot dominates. */
const arv_q16_loops arv_q16_loops_avx2 = {
    .dot = dot, .dw = dw, .requant = arv_q16_requant_c, .pw = pw, .requant32 = requant32,
    .quantize = arv_q16_quantize_avx2, .requantize = arv_q16_requantize_avx2};
