/* avx512vnni_int16_conv.c — AVX-512BW + VNNI inner loops of the 16x8 conv
 * family (int16 activations, int8 weights; int16_conv.c holds the loops
 * around them and says what TFLite computes). vpdpwssd is vpmaddwd and
 * vpaddd in one instruction, with the same wrapping int32 sums.
 *
 * The dot sign-extends 32 weights to int16 and pairs them with 32 inputs
 * in vpdpwssd: each int32 lane gains two products of at most 2^22 per
 * step, so 255 steps (510 products) stay exact before the lanes are
 * widened into int64. Weights are int8, so vpmaddwd's one overflowing case
 * (-32768 * -32768 twice) cannot occur. */
#include <immintrin.h>
#include <string.h>
#include "kernels/kernels_int8.h"

/* Steps between widenings: 2 * 255 products of 2^22 fit an int32 lane. */
#define STEPS_MAX 255

static inline __m512i widen_into(__m512i acc64, __m512i acc32)
{
    acc64 = _mm512_add_epi64(acc64, _mm512_cvtepi32_epi64(_mm512_castsi512_si256(acc32)));
    return _mm512_add_epi64(acc64, _mm512_cvtepi32_epi64(_mm512_extracti64x4_epi64(acc32, 1)));
}

/* The four weight rows of one step, sign-extended to int16. */
typedef struct wstep {
    __m512i w0, w1, w2, w3;
} wstep;

static inline wstep wload(__mmask32 m, const int8_t *w, size_t o1, size_t o2, size_t o3)
{
    wstep r;
    r.w0 = _mm512_cvtepi8_epi16(_mm256_maskz_loadu_epi8(m, w));
    r.w1 = _mm512_cvtepi8_epi16(_mm256_maskz_loadu_epi8(m, w + o1));
    r.w2 = _mm512_cvtepi8_epi16(_mm256_maskz_loadu_epi8(m, w + o2));
    r.w3 = _mm512_cvtepi8_epi16(_mm256_maskz_loadu_epi8(m, w + o3));
    return r;
}

/* Accumulators of one pixel: int32 lanes a*, widened into int64 l*. */
typedef struct acc4 {
    __m512i a0, a1, a2, a3, l0, l1, l2, l3;
} acc4;

static inline void acc_step(acc4 *a, __m512i xv, const wstep *w)
{
    a->a0 = _mm512_dpwssd_epi32(a->a0, xv, w->w0);
    a->a1 = _mm512_dpwssd_epi32(a->a1, xv, w->w1);
    a->a2 = _mm512_dpwssd_epi32(a->a2, xv, w->w2);
    a->a3 = _mm512_dpwssd_epi32(a->a3, xv, w->w3);
}

static inline void acc_widen(acc4 *a)
{
    a->l0 = widen_into(a->l0, a->a0);
    a->l1 = widen_into(a->l1, a->a1);
    a->l2 = widen_into(a->l2, a->a2);
    a->l3 = widen_into(a->l3, a->a3);
    a->a0 = a->a1 = a->a2 = a->a3 = _mm512_setzero_si512();
}

/* The n_oc sums of one pixel; folded in int32 when the run total of at
 * most 511 products bounds every partial sum (no lane was widened). */
static inline void acc_sums(acc4 *a, int fold32, int n_oc, int64_t *sums)
{
    if (fold32) {
        const __m512i s01 = _mm512_add_epi32(_mm512_unpacklo_epi32(a->a0, a->a1),
                                             _mm512_unpackhi_epi32(a->a0, a->a1));
        const __m512i s23 = _mm512_add_epi32(_mm512_unpacklo_epi32(a->a2, a->a3),
                                             _mm512_unpackhi_epi32(a->a2, a->a3));
        const __m512i t = _mm512_add_epi32(_mm512_unpacklo_epi64(s01, s23),
                                           _mm512_unpackhi_epi64(s01, s23));
        const __m256i h = _mm256_add_epi32(_mm512_castsi512_si256(t),
                                           _mm512_extracti64x4_epi64(t, 1));
        const __m128i q = _mm_add_epi32(_mm256_castsi256_si128(h), _mm256_extracti128_si256(h, 1));
        if (n_oc == 4) {
            _mm256_storeu_si256((__m256i *)sums, _mm256_cvtepi32_epi64(q));
            return;
        }
        int32_t r[4];
        _mm_storeu_si128((__m128i *)r, q);
        for (int j = 0; j < n_oc; j++)
            sums[j] = r[j];
        return;
    }
    acc_widen(a);
    const int64_t r[4] = {_mm512_reduce_add_epi64(a->l0), _mm512_reduce_add_epi64(a->l1),
                          _mm512_reduce_add_epi64(a->l2), _mm512_reduce_add_epi64(a->l3)};
    for (int j = 0; j < n_oc; j++)
        sums[j] = r[j];
}

static inline acc4 acc_zero(void)
{
    const __m512i z = _mm512_setzero_si512();
    return (acc4){z, z, z, z, z, z, z, z};
}

static inline __mmask32 tail_mask(int rem)
{
    return rem >= 32 ? (__mmask32)0xFFFFFFFFu : (__mmask32)((1u << rem) - 1);
}

/* One or two pixels (two: x2 not NULL) against the same weights. The
 * full 32-element steps run unmasked, in stretches of at most STEPS_MAX
 * between widenings; a run's last partial step is masked. */
static inline void dot_body(const int16_t *const *xs, const int16_t *const *xs2,
                            const int8_t *const *ws, int nseg, int len, size_t oc_stride,
                            int n_oc, int64_t *sums, int64_t *sums2, int two)
{
    /* channels past n_oc recompute the last one rather than branch */
    const size_t o1 = (n_oc > 1 ? 1 : 0) * oc_stride, o2 = (n_oc > 2 ? 2 : n_oc - 1) * oc_stride,
                 o3 = (size_t)(n_oc - 1 < 3 ? n_oc - 1 : 3) * oc_stride;
    acc4 p = acc_zero(), p2 = acc_zero();
    int steps = 0;
    const int full = len / 32, rem = len % 32;
    for (int s = 0; s < nseg; s++) {
        const int16_t *x = xs[s], *x2 = two ? xs2[s] : NULL;
        const int8_t *w = ws[s];
        for (int k = 0; k < full;) {
            const int stretch = full - k < STEPS_MAX - steps ? full - k : STEPS_MAX - steps;
            for (int e = k + stretch; k < e; k++) {
                const wstep wv = wload(0xFFFFFFFFu, w + 32 * k, o1, o2, o3);
                acc_step(&p, _mm512_loadu_si512(x + 32 * k), &wv);
                if (two)
                    acc_step(&p2, _mm512_loadu_si512(x2 + 32 * k), &wv);
            }
            steps += stretch;
            if (steps == STEPS_MAX) {
                acc_widen(&p);
                if (two)
                    acc_widen(&p2);
                steps = 0;
            }
        }
        if (rem) {
            const __mmask32 m = tail_mask(rem);
            const wstep wv = wload(m, w + 32 * full, o1, o2, o3);
            acc_step(&p, _mm512_maskz_loadu_epi16(m, x + 32 * full), &wv);
            if (two)
                acc_step(&p2, _mm512_maskz_loadu_epi16(m, x2 + 32 * full), &wv);
            if (++steps == STEPS_MAX) {
                acc_widen(&p);
                if (two)
                    acc_widen(&p2);
                steps = 0;
            }
        }
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
    for (int c = 0; c < n; c += 16) {
        const int rem = n - c;
        const __mmask16 m = rem >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << rem) - 1);
        __m512i a = _mm512_setzero_si512();
        for (int t = 0; t < ntaps; t++) {
            const __m512i xv = _mm512_cvtepi16_epi32(_mm256_maskz_loadu_epi16(m, xs[t] + c));
            const __m512i wv = _mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(m, ws[t] + c));
            a = _mm512_add_epi32(a, _mm512_mullo_epi32(xv, wv));
        }
        _mm512_mask_storeu_epi32(acc + c, m, a);
    }
}

/* arv_q16_mul_by_mult64 and the clamp on 8 lanes of int64: the same
 * operations in the same order (the int32 saturation is dropped, as the
 * int16 activation clamp lies inside it). */
static void requant(const int64_t *acc, const int64_t *bias, const arv_q16_conv *q, int oc0,
                    int n, int16_t *out)
{
    const __m512i lim_lo = _mm512_set1_epi64(-((int64_t)1 << 47));
    const __m512i lim_hi = _mm512_set1_epi64(((int64_t)1 << 47) - 1);
    const __m512i lo = _mm512_set1_epi64(q->act_min), hi = _mm512_set1_epi64(q->act_max);
    const __m512i one = _mm512_set1_epi64(1), fifteen = _mm512_set1_epi64(15);
    for (int j = 0; j < n; j += 8) {
        const int rem = n - j;
        const __mmask8 m = rem >= 8 ? (__mmask8)0xFF : (__mmask8)((1u << rem) - 1);
        __m512i x = _mm512_maskz_loadu_epi64(m, acc + j);
        if (bias)
            x = _mm512_add_epi64(x, _mm512_maskz_loadu_epi64(m, bias + oc0 + j));
        x = _mm512_min_epi64(_mm512_max_epi64(x, lim_lo), lim_hi);
        const __m512i qv = _mm512_cvtepi32_epi64(_mm256_maskz_loadu_epi32(m, q->mult + oc0 + j));
        const __mmask8 big = _mm512_cmpge_epi64_mask(qv, _mm512_set1_epi64(0x7FFF0000));
        __m512i red = _mm512_srai_epi64(_mm512_add_epi64(qv, _mm512_set1_epi64(1 << 15)), 16);
        red = _mm512_mask_mov_epi64(red, big, _mm512_set1_epi64(0x7FFF));
        const __m512i sh = _mm512_cvtepi32_epi64(_mm256_maskz_loadu_epi32(m, q->shift + oc0 + j));
        const __m512i total = _mm512_sub_epi64(fifteen, sh);
        const __m512i rnd = _mm512_sllv_epi64(one, _mm512_sub_epi64(total, one));
        __m512i r = _mm512_srav_epi64(_mm512_add_epi64(_mm512_mullo_epi64(x, red), rnd), total);
        r = _mm512_min_epi64(_mm512_max_epi64(r, lo), hi);
        _mm_mask_storeu_epi16(out + j, m, _mm512_cvtepi64_epi16(r));
    }
}

/* requant on int32 sums with the per-channel terms prepared: the same
 * operations as requant above. */
static void requant32(const int32_t *acc, const arv_q16_rq *p, int n, int16_t *out)
{
    const __m512i lim_lo = _mm512_set1_epi64(-((int64_t)1 << 47));
    const __m512i lim_hi = _mm512_set1_epi64(((int64_t)1 << 47) - 1);
    const __m512i lo = _mm512_set1_epi64(p->act_min), hi = _mm512_set1_epi64(p->act_max);
    for (int j = 0; j < n; j += 8) {
        const int rem = n - j;
        const __mmask8 m = rem >= 8 ? (__mmask8)0xFF : (__mmask8)((1u << rem) - 1);
        __m512i x = _mm512_cvtepi32_epi64(_mm256_maskz_loadu_epi32(m, acc + j));
        x = _mm512_add_epi64(x, _mm512_maskz_loadu_epi64(m, p->bias + j));
        x = _mm512_min_epi64(_mm512_max_epi64(x, lim_lo), lim_hi);
        __m512i r = _mm512_mullo_epi64(x, _mm512_maskz_loadu_epi64(m, p->red + j));
        r = _mm512_add_epi64(r, _mm512_maskz_loadu_epi64(m, p->rnd + j));
        r = _mm512_srav_epi64(r, _mm512_maskz_loadu_epi64(m, p->total + j));
        r = _mm512_min_epi64(_mm512_max_epi64(r, lo), hi);
        _mm_mask_storeu_epi16(out + j, m, _mm512_cvtepi64_epi16(r));
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

static inline __m512i madd_acc(__m512i a, __m512i x, __m512i w)
{
    return _mm512_dpwssd_epi32(a, x, w);
}

/* A whole input pair, broadcast straight from memory. */
static inline __m512i bcast_pair(const int16_t *x)
{
    int32_t v;
    memcpy(&v, x, sizeof v);
    return _mm512_set1_epi32(v);
}

/* One pair step of pixel p's four registers: a##p##r += b * w_r. */
#define STEP_PIX(p, b)                          \
    do {                                        \
        a##p##0 = madd_acc(a##p##0, b, w0);     \
        a##p##1 = madd_acc(a##p##1, b, w1);     \
        a##p##2 = madd_acc(a##p##2, b, w2);     \
        a##p##3 = madd_acc(a##p##3, b, w3);     \
    } while (0)

/* Four pixels (x0..x3, repeated when fewer) by 64 channels: sixteen named
 * accumulators (arrays would live on the stack), so each weight load
 * serves four pixels and each input broadcast four registers. */
static void pw4x64(const int16_t *x0, const int16_t *x1, const int16_t *x2, const int16_t *x3,
                   const int16_t *wp, int K, int ocp, int np, int32_t *acc)
{
    const __m512i z = _mm512_setzero_si512();
    __m512i a00 = z, a01 = z, a02 = z, a03 = z, a10 = z, a11 = z, a12 = z, a13 = z;
    __m512i a20 = z, a21 = z, a22 = z, a23 = z, a30 = z, a31 = z, a32 = z, a33 = z;
    const int kp = (K + 1) / 2;
    for (int k2 = 0; k2 < kp; k2++) {
        const __m512i *wr = (const __m512i *)(wp + (size_t)k2 * ocp * 2);
        const __m512i w0 = _mm512_loadu_si512(wr), w1 = _mm512_loadu_si512(wr + 1),
                      w2 = _mm512_loadu_si512(wr + 2), w3 = _mm512_loadu_si512(wr + 3);
        const int whole = 2 * k2 + 1 < K;
        STEP_PIX(0, whole ? bcast_pair(x0 + 2 * k2) : _mm512_set1_epi32(xpair(x0, K, k2)));
        STEP_PIX(1, whole ? bcast_pair(x1 + 2 * k2) : _mm512_set1_epi32(xpair(x1, K, k2)));
        STEP_PIX(2, whole ? bcast_pair(x2 + 2 * k2) : _mm512_set1_epi32(xpair(x2, K, k2)));
        STEP_PIX(3, whole ? bcast_pair(x3 + 2 * k2) : _mm512_set1_epi32(xpair(x3, K, k2)));
    }
    int32_t *o = acc;
#define STORE_PIX(p)                                   \
    _mm512_storeu_si512(o, a##p##0);                   \
    _mm512_storeu_si512(o + 16, a##p##1);              \
    _mm512_storeu_si512(o + 32, a##p##2);              \
    _mm512_storeu_si512(o + 48, a##p##3);              \
    o += ocp;
    STORE_PIX(0)
    if (np > 1) {
        STORE_PIX(1)
    }
    if (np > 2) {
        STORE_PIX(2)
    }
    if (np > 3) {
        STORE_PIX(3)
    }
#undef STORE_PIX
}
#undef STEP_PIX

/* The same for 16 channels (the last blocks when ocp is no multiple of 64). */
static void pw4x16(const int16_t *x0, const int16_t *x1, const int16_t *x2, const int16_t *x3,
                   const int16_t *wp, int K, int ocp, int np, int32_t *acc)
{
    __m512i a0 = _mm512_setzero_si512(), a1 = a0, a2 = a0, a3 = a0;
    for (int k2 = 0; k2 < (K + 1) / 2; k2++) {
        const __m512i w = _mm512_loadu_si512(wp + (size_t)k2 * ocp * 2);
        const int whole = 2 * k2 + 1 < K;
        a0 = madd_acc(a0, whole ? bcast_pair(x0 + 2 * k2) : _mm512_set1_epi32(xpair(x0, K, k2)), w);
        a1 = madd_acc(a1, whole ? bcast_pair(x1 + 2 * k2) : _mm512_set1_epi32(xpair(x1, K, k2)), w);
        a2 = madd_acc(a2, whole ? bcast_pair(x2 + 2 * k2) : _mm512_set1_epi32(xpair(x2, K, k2)), w);
        a3 = madd_acc(a3, whole ? bcast_pair(x3 + 2 * k2) : _mm512_set1_epi32(xpair(x3, K, k2)), w);
    }
    _mm512_storeu_si512(acc, a0);
    if (np > 1)
        _mm512_storeu_si512(acc + ocp, a1);
    if (np > 2)
        _mm512_storeu_si512(acc + 2 * (size_t)ocp, a2);
    if (np > 3)
        _mm512_storeu_si512(acc + 3 * (size_t)ocp, a3);
}

/* Lanes are output channels: vpdpwssd of a broadcast input pair against
 * 16 packed weight pairs, four pixels at a time. */
static void pw(const int16_t *const *xs, int npix, const int16_t *wp, int K, int ocp,
               int32_t *acc)
{
    for (int p0 = 0; p0 < npix; p0 += 4) {
        const int np = npix - p0 < 4 ? npix - p0 : 4;
        const int16_t *x0 = xs[p0], *x1 = xs[p0 + (np > 1 ? 1 : 0)],
                      *x2 = xs[p0 + (np > 2 ? 2 : 0)], *x3 = xs[p0 + (np > 3 ? 3 : 0)];
        int32_t *a = acc + (size_t)p0 * ocp;
        int j = 0;
        for (; j + 64 <= ocp; j += 64)
            pw4x64(x0, x1, x2, x3, wp + 2 * j, K, ocp, np, a + j);
        for (; j < ocp; j += 16)
            pw4x16(x0, x1, x2, x3, wp + 2 * j, K, ocp, np, a + j);
    }
}

const arv_q16_loops arv_q16_loops_avx512vnni = {
    .dot = dot, .dw = dw, .requant = requant, .pw = pw, .requant32 = requant32,
    .dw_packed = arv_q16_dw_packed_avx512vnni,
    .quantize = arv_q16_quantize_avx512, .requantize = arv_q16_requantize_avx512,
    .lut8 = arv_q16_lut8_avx512};
