/* avx512vnni_int8_conv.c — packed int8 CONV_2D / FULLY_CONNECTED /
 * DEPTHWISE_CONV_2D with AVX-512 VNNI, bit-exact with the generic kernels.
 *
 * Conv and FC are one GEMM: for a tile of 4 output pixels the taps'
 * input channels are gathered into rows of k = k_h*k_w*in_c bytes (an
 * out-of-image tap reads the input zero point, which contributes nothing,
 * exactly as the reference's skipped tap), each byte turned unsigned
 * (u = x + 128, an xor). vpdpbusd multiplies those u8 by the s8 weights
 * packed 16 channels x 4 k per vector and never saturates, so
 *   sum w*(x + in_off) = sum w*u + (in_off - 128)*sum w,
 * whose second term is folded into the bias at pack time. Depthwise keeps
 * 16 channels per vector as int32 lanes and uses vpdpwssd against weights
 * packed as (w, 0) int16 pairs; its input offset is folded into the bias
 * the same way (padding taps read the zero point).
 *
 * Requantization: ARV_QR_FP32 (what TFLite's XNNPACK delegate runs) in
 * float as arv_q_fp32_requant, or ARV_QR_DOUBLE, TFLite's reference double
 * rounding done on 16 lanes: the
 * doubling high multiply as a 64-bit product rounded by +2^30 >> 31 (equal
 * to gemmlowp's sign-dependent nudge and truncating division for every
 * product, since the nudge difference of 2^31 - 1 is exactly the floor /
 * truncation difference), then RoundingDivideByPOT with its remainder
 * threshold. The one input it does not reproduce, a multiplier of
 * INT32_MIN, makes the pack fall back to the generic kernel. */
#include <immintrin.h>
#include <stdlib.h>
#include <string.h>
#include "kernels/kernels_int8.h"
#include "model/tflite_schema.h"

#include "kernels/simd/int8_pack.inc"
#include "kernels/simd/int8_pad.inc"

#define ALWAYS static inline __attribute__((always_inline))
/* Full unrolling keeps the accumulator arrays in registers. */
#define UNROLL _Pragma("GCC unroll 16")
#define NOINLINE __attribute__((noinline))
#define MR 4

typedef struct rq_consts {
    __m512i zp, lo, hi;
    __m512 flo, fhi;   /* ARV_QR_FP32: the clamp in float, before + zp */
    int fp;            /* ARV_QR_FP32 (v->mult holds float scales) */
    __m512i zp16, lo8, hi8;   /* rq64_fast: zp as int16, the clamp as int8 */
} rq_consts;

static rq_consts rq_make(const arv_q_conv *q)
{
    rq_consts c;
    c.zp = _mm512_set1_epi32(q->output_offset);
    c.lo = _mm512_set1_epi32(q->act_min);
    c.hi = _mm512_set1_epi32(q->act_max);
    c.flo = _mm512_set1_ps((float)(q->act_min - q->output_offset));
    c.fhi = _mm512_set1_ps((float)(q->act_max - q->output_offset));
    c.fp = q->rounding == ARV_QR_FP32;
    c.zp16 = _mm512_set1_epi16((short)q->output_offset);
    c.lo8 = _mm512_set1_epi8((char)q->act_min);
    c.hi8 = _mm512_set1_epi8((char)q->act_max);
    return c;
}

/* ARV_QR_FP32 of 64 accumulators whose scaled values stay below 2^30
 * (q8_fast_ok): rounded to nearest even by the conversion (the same
 * MXCSR rounding the magic number relies on), then narrowed with
 * saturation, zp added in int16 and the clamp applied in int8. Saturation
 * only moves values that the clamp would move to the same bound. Byte i of
 * the result is lane i % 4 of 128-bit lane i / 16 of vector (i / 4) % 4,
 * as packs order them. */
ALWAYS __m512i rq64_fast(__m512i a0, __m512i a1, __m512i a2, __m512i a3, const float *s0,
                         const float *s1, const float *s2, const float *s3, const rq_consts *c)
{
#define RQ_SCALE(a, s) _mm512_cvtps_epi32(_mm512_mul_ps(_mm512_cvtepi32_ps(a), _mm512_loadu_ps(s)))
    const __m512i v0 = RQ_SCALE(a0, s0), v1 = RQ_SCALE(a1, s1);
    const __m512i v2 = RQ_SCALE(a2, s2), v3 = RQ_SCALE(a3, s3);
#undef RQ_SCALE
    const __m512i p01 = _mm512_adds_epi16(_mm512_packs_epi32(v0, v1), c->zp16);
    const __m512i p23 = _mm512_adds_epi16(_mm512_packs_epi32(v2, v3), c->zp16);
    const __m512i r = _mm512_packs_epi16(p01, p23);
    return _mm512_min_epi8(_mm512_max_epi8(r, c->lo8), c->hi8);
}

/* ARV_QR_FP32 as arv_q_fp32_requant: (float)acc * scale, clamped, rounded
 * to nearest even by the 1.5 * 2^23 magic number, + zp. */
ALWAYS __m512i rq16_fp32(__m512i acc, const float *scale, const rq_consts *c)
{
    const __m512 magic = _mm512_set1_ps(12582912.0f);
    __m512 v = _mm512_mul_ps(_mm512_cvtepi32_ps(acc), _mm512_loadu_ps(scale));
    v = _mm512_min_ps(_mm512_max_ps(v, c->flo), c->fhi);
    v = _mm512_sub_ps(_mm512_add_ps(v, magic), magic);
    return _mm512_add_epi32(_mm512_cvttps_epi32(v), c->zp);
}

ALWAYS __m512i rq16(__m512i acc, const q8_view *v, int oc, const rq_consts *c)
{
    if (c->fp)
        return rq16_fp32(acc, (const float *)(v->mult + oc), c);
    const __m512i x = _mm512_sllv_epi32(acc, _mm512_loadu_si512(v->lsh + oc));
    const __m512i m = _mm512_loadu_si512(v->mult + oc);
    const __m512i rnd = _mm512_set1_epi64(1ll << 30);
    const __m512i ev = _mm512_srli_epi64(_mm512_add_epi64(_mm512_mul_epi32(x, m), rnd), 31);
    const __m512i od = _mm512_slli_epi64(
        _mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(x, 32), _mm512_srli_epi64(m, 32)),
                         rnd),
        1);
    const __m512i y = _mm512_mask_blend_epi32(0xAAAA, ev, od);
    const __m512i mk = _mm512_loadu_si512(v->rmask + oc);
    const __m512i rem = _mm512_and_si512(y, mk);
    const __m512i thr = _mm512_add_epi32(_mm512_srli_epi32(mk, 1), _mm512_srli_epi32(y, 31));
    __m512i s = _mm512_srav_epi32(y, _mm512_loadu_si512(v->rsh + oc));
    s = _mm512_mask_sub_epi32(s, _mm512_cmpgt_epi32_mask(rem, thr), s, _mm512_set1_epi32(-1));
    s = _mm512_add_epi32(s, c->zp);
    s = _mm512_max_epi32(s, c->lo);
    return _mm512_min_epi32(s, c->hi);
}

ALWAYS __mmask64 bmask(int n) { return n >= 64 ? ~0ull : (1ull << n) - 1ull; }

/* ---- conv / FC ---- */

static size_t conv_size(const arv_conv_geom *g)
{
    const long k = (long)g->k_h * g->k_w * g->in_c;
    if (k <= 0 || k > Q8_KMAX || g->out_c <= 0)
        return 0;
    const int kp = q8_round_up((int)k, 4), ocp = q8_round_up(g->out_c, 16);
    return sizeof(q8_hdr) + q8_arrays_bytes(ocp) + (size_t)ocp * kp;
}

static void conv_pack(const arv_conv_geom *g, const arv_q_conv *q, const int8_t *w,
                      const int32_t *bias, void *packed)
{
    const int k = g->k_h * g->k_w * g->in_c, kp = q8_round_up(k, 4);
    const int oc_n = g->out_c, ocp = q8_round_up(oc_n, 16);
    if (!q8_pack_common(q, oc_n, k, kp, ocp, w, (size_t)oc_n * k, bias, packed))
        return;
    q8_view v = q8_map(packed, ocp);
    v.h->fast = q->rounding == ARV_QR_FP32;
    for (int oc = 0; oc < oc_n; oc++) {
        int32_t s = 0;
        long aw = 0;
        for (int i = 0; i < k; i++)
            s += w[(size_t)oc * k + i], aw += labs((long)w[(size_t)oc * k + i]);
        v.h->fast &= q8_fast_ok((double)v.bias[oc] + (double)(q->input_offset - 128) * (double)s,
                                aw, q->fscale ? q->fscale[oc] : 0.0f);
        v.bias[oc] = (int32_t)((uint32_t)v.bias[oc] + (uint32_t)((q->input_offset - 128) * s));
    }
    uint8_t *W = v.w;
    for (int oc0 = 0; oc0 < ocp; oc0 += 64) {
        const int width = ocp - oc0 < 64 ? ocp - oc0 : 64;
        uint8_t *base = W + (size_t)oc0 * kp;
        for (int kg = 0; kg < kp / 4; kg++)
            for (int j = 0; j < width; j++)
                for (int b = 0; b < 4; b++) {
                    const int oc = oc0 + j, i = kg * 4 + b;
                    base[((size_t)kg * width + j) * 4 + b] =
                        (oc < oc_n && i < k) ? (uint8_t)w[(size_t)oc * k + i] : 0;
                }
    }
}

ALWAYS void xor_copy(uint8_t *dst, const int8_t *src, int n)
{
    const __m512i f = _mm512_set1_epi8((char)0x80);
    int i = 0;
    for (; i + 64 <= n; i += 64)
        _mm512_storeu_si512(dst + i, _mm512_xor_si512(_mm512_loadu_si512(src + i), f));
    if (i < n) {
        const __mmask64 m = bmask(n - i);
        _mm512_mask_storeu_epi8(dst + i, m,
                                _mm512_xor_si512(_mm512_maskz_loadu_epi8(m, src + i), f));
    }
}

/* The im2col row of output pixel (b, oy, ox): k bytes, unsigned, then zero
 * padding to kp. */
static void gather(const arv_conv_geom *g, const int8_t *in, int b, int oy, int ox, uint8_t zpu,
                   int kp, uint8_t *dst)
{
    const int c = g->in_c;
    const int8_t *in_b = in + (size_t)b * g->in_h * g->in_w * c;
    const int y0 = oy * g->stride_h - g->pad_top, x0 = ox * g->stride_w - g->pad_left;
    uint8_t *d = dst;
    const int x_in = x0 >= 0 && x0 + (g->k_w - 1) * g->dil_w < g->in_w && g->dil_w == 1;
    for (int ky = 0; ky < g->k_h; ky++) {
        const int y = y0 + ky * g->dil_h;
        if (x_in && y >= 0 && y < g->in_h) {   /* the k_w taps are contiguous */
            xor_copy(d, in_b + ((size_t)y * g->in_w + x0) * c, g->k_w * c);
            d += (size_t)g->k_w * c;
            continue;
        }
        for (int kx = 0; kx < g->k_w; kx++, d += c) {
            const int x = x0 + kx * g->dil_w;
            if (y < 0 || y >= g->in_h || x < 0 || x >= g->in_w)
                memset(d, zpu, (size_t)c);
            else
                xor_copy(d, in_b + ((size_t)y * g->in_w + x) * c, c);
        }
    }
    for (; d < dst + kp; d++)
        *d = 0;
}

/* gather for a pixel whose taps are all inside the image, with rows of
 * k_w*C <= 32 bytes (the stems): one 32-byte copy per tap row, which may
 * spill into the next row's place (rewritten next) or the padding to kp
 * (whose weights are zero, so its bytes do not matter). Returns 0, having
 * done nothing, where those conditions or the reads' bounds fail. dst has
 * 32 bytes of slack. */
ALWAYS int gather_fast(const arv_conv_geom *g, const int8_t *in, const int8_t *in_end, int b,
                       int oy, int ox, uint8_t *dst)
{
    const int c = g->in_c, n = g->k_w * c;
    const int y0 = oy * g->stride_h - g->pad_top, x0 = ox * g->stride_w - g->pad_left;
    const int y1 = y0 + (g->k_h - 1) * g->dil_h;
    if (n > 32 || g->dil_w != 1 || x0 < 0 || x0 + g->k_w > g->in_w || y0 < 0 || y1 >= g->in_h)
        return 0;
    const int8_t *src = in + (((size_t)b * g->in_h + y0) * g->in_w + x0) * c;
    if (src + (size_t)(y1 - y0) * g->in_w * c + 32 > in_end)
        return 0;
    const __m256i f = _mm256_set1_epi8((char)0x80);
    for (int ky = 0; ky < g->k_h; ky++, dst += n, src += (size_t)g->dil_h * g->in_w * c)
        _mm256_storeu_si256((__m256i *)dst,
                            _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)src), f));
    return 1;
}

/* mr pixels x nv*16 channels. rows[i] are the pixels' k-vectors: signed
 * input bytes read in place (direct: the xor to unsigned happens on the
 * broadcast, and the last k % 4 bytes are read without over-reading) or
 * gathered unsigned rows padded to a multiple of 4 (k_tail = 0). */
ALWAYS void conv_tile(const q8_view *v, const uint8_t *const *rows, int k_full, int k_tail,
                      int m, int oc0, int oc_n, const rq_consts *rc, int8_t *out,
                      const int nv, const int mr, const int direct)
{
    __m512i acc[8][4];
    UNROLL
    for (int j = 0; j < nv; j++) {
        const __m512i b = _mm512_loadu_si512(v->bias + oc0 + 16 * j);
        UNROLL
        for (int i = 0; i < mr; i++)
            acc[i][j] = b;
    }
    const __m512i flip = _mm512_set1_epi8((char)0x80);
    const int kp = k_full + (k_tail ? 4 : 0);
    const uint8_t *wp = (const uint8_t *)v->w + (size_t)oc0 * kp;
    for (int k = 0; k < k_full; k += 4, wp += nv * 64) {
        __m512i wv[4];
        UNROLL
        for (int j = 0; j < nv; j++)
            wv[j] = _mm512_load_si512(wp + 64 * j);
        UNROLL
        for (int i = 0; i < mr; i++) {
            int32_t u;
            memcpy(&u, rows[i] + k, 4);
            __m512i a = _mm512_set1_epi32(u);
            if (direct)
                a = _mm512_xor_si512(a, flip);
            UNROLL
            for (int j = 0; j < nv; j++)
                acc[i][j] = _mm512_dpbusd_epi32(acc[i][j], a, wv[j]);
        }
    }
    if (direct && k_tail) {
        __m512i wv[4];
        UNROLL
        for (int j = 0; j < nv; j++)
            wv[j] = _mm512_load_si512(wp + 64 * j);
        UNROLL
        for (int i = 0; i < mr; i++) {
            int32_t u = 0;
            memcpy(&u, rows[i] + k_full, (size_t)k_tail);
            const __m512i a = _mm512_xor_si512(_mm512_set1_epi32(u), flip);
            UNROLL
            for (int j = 0; j < nv; j++)
                acc[i][j] = _mm512_dpbusd_epi32(acc[i][j], a, wv[j]);
        }
    }
    /* ARV_QR_FP32 without overflow (q8_fast_ok): four vectors that fill 64
     * consecutive output bytes requantize together — the 64 channels of a
     * pixel, 32 channels of two pixels or 16 of four. */
    const __m512i perm = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
    const float *sc = (const float *)v->mult + oc0;
    if (v->h->fast && nv == 4 && oc0 + 64 <= oc_n) {
        UNROLL
        for (int i = 0; i < mr; i++) {
            if (i >= m)
                break;
            _mm512_storeu_si512(out + (size_t)i * oc_n + oc0,
                                _mm512_permutexvar_epi32(
                                    perm, rq64_fast(acc[i][0], acc[i][1], acc[i][2], acc[i][3],
                                                    sc, sc + 16, sc + 32, sc + 48, rc)));
        }
        return;
    }
    if (v->h->fast && nv == 3 && oc0 + 48 >= oc_n) {   /* the last 33..48 channels */
        UNROLL
        for (int i = 0; i < mr; i++) {
            if (i >= m)
                break;
            _mm512_mask_storeu_epi8(out + (size_t)i * oc_n + oc0, bmask(oc_n - oc0),
                                    _mm512_permutexvar_epi32(
                                        perm, rq64_fast(acc[i][0], acc[i][1], acc[i][2],
                                                        acc[i][2], sc, sc + 16, sc + 32, sc + 32,
                                                        rc)));
        }
        return;
    }
    if (v->h->fast && nv == 2 && oc_n == 24) {   /* two pixels: dwords 0-5 of each */
        const __m512i p24 = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 2, 6, 10, 14, 3, 7, 0, 0, 0, 0);
        UNROLL
        for (int i = 0; i < mr; i += 2) {
            if (i >= m)
                break;
            const __m512i r = _mm512_permutexvar_epi32(
                p24, rq64_fast(acc[i][0], acc[i][1], acc[i + 1][0], acc[i + 1][1], sc, sc + 16,
                               sc, sc + 16, rc));
            _mm512_mask_storeu_epi8(out + (size_t)i * 24, bmask(24 * (m - i < 2 ? 1 : 2)), r);
        }
        return;
    }
    if (v->h->fast && nv == 2 && oc_n == 32) {
        UNROLL
        for (int i = 0; i < mr; i += 2) {
            if (i >= m)
                break;
            const __m512i r = _mm512_permutexvar_epi32(
                perm, rq64_fast(acc[i][0], acc[i][1], acc[i + 1][0], acc[i + 1][1], sc, sc + 16,
                                sc, sc + 16, rc));
            _mm512_mask_storeu_epi8(out + (size_t)i * 32, bmask(32 * (m - i)), r);
        }
        return;
    }
    if (v->h->fast && nv == 1 && oc_n == 16 && mr % 4 == 0) {
        UNROLL
        for (int i = 0; i < mr; i += 4) {
            if (i >= m)
                break;
            const __m512i r = _mm512_permutexvar_epi32(
                perm, rq64_fast(acc[i][0], acc[i + 1][0], acc[i + 2][0], acc[i + 3][0], sc, sc,
                                sc, sc, rc));
            _mm512_mask_storeu_epi8(out + (size_t)i * 16, bmask(16 * (m - i)), r);
        }
        return;
    }
    if (nv == 1 && oc_n <= 8) {
        /* At most 8 channels: two pixels share one requantization (the
         * parameters of lanes 8-15 repeat lanes 0-7, see q8_pack_common). */
        const __mmask16 k = (__mmask16)((1u << oc_n) - 1u);
        UNROLL
        for (int i = 0; i < mr; i += 2) {
            if (i >= m)
                break;
            const __m512i pair = _mm512_shuffle_i64x2(acc[i][0], acc[i + 1][0], 0x44);
            const __m128i r = _mm512_cvtsepi32_epi8(rq16(pair, v, 0, rc));
            _mm_mask_storeu_epi8(out + (size_t)i * oc_n, k, r);
            if (i + 1 < m)
                _mm_mask_storeu_epi8(out + (size_t)(i + 1) * oc_n, k, _mm_srli_si128(r, 8));
        }
        return;
    }
    UNROLL
    for (int i = 0; i < mr; i++) {
        if (i >= m)
            break;
        UNROLL
        for (int j = 0; j < nv; j++) {
            const int oc = oc0 + 16 * j;
            if (oc >= oc_n)
                break;
            const int n = oc_n - oc < 16 ? oc_n - oc : 16;
            const __m128i r = _mm512_cvtsepi32_epi8(rq16(acc[i][j], v, oc, rc));
            _mm_mask_storeu_epi8(out + (size_t)i * oc_n + oc, (__mmask16)((1u << n) - 1u), r);
        }
    }
}

/* All channel tiles of mr pixels (mr and direct constant per call site). */
ALWAYS void conv_pixels(const q8_view *v, const uint8_t *const *rows, int k_full, int k_tail,
                        int m, int ocp, int oc_n, const rq_consts *rc, int8_t *o, const int mr,
                        const int direct)
{
    for (int oc0 = 0; oc0 < ocp; oc0 += 64) {
        switch ((ocp - oc0) / 16) {
        case 1: conv_tile(v, rows, k_full, k_tail, m, oc0, oc_n, rc, o, 1, mr, direct); break;
        case 2: conv_tile(v, rows, k_full, k_tail, m, oc0, oc_n, rc, o, 2, mr, direct); break;
        case 3: conv_tile(v, rows, k_full, k_tail, m, oc0, oc_n, rc, o, 3, mr, direct); break;
        default: conv_tile(v, rows, k_full, k_tail, m, oc0, oc_n, rc, o, 4, mr, direct); break;
        }
    }
}

ALWAYS void conv_direct(const q8_view *v, const arv_conv_geom *g, const int8_t *in, int p0,
                        int p1, const rq_consts *rc, int8_t *out, const int mr)
{
    const int oc_n = g->out_c, ocp = v->h->ocp, k = g->in_c;
    for (int p = p0; p < p1; p += mr) {
        const int m = p1 - p < mr ? p1 - p : mr;
        const uint8_t *rows[8];
        UNROLL
        for (int i = 0; i < mr; i++)
            rows[i] = (const uint8_t *)in + (size_t)(p + (i < m ? i : 0)) * k;
        if (mr == 8)
            conv_pixels(v, rows, k / 4 * 4, k % 4, m, ocp, oc_n, rc, out + (size_t)p * oc_n, 8, 1);
        else
            conv_pixels(v, rows, k / 4 * 4, k % 4, m, ocp, oc_n, rc, out + (size_t)p * oc_n, 4, 1);
    }
}

ALWAYS void conv_gathered(const q8_view *v, const arv_conv_geom *g, const int8_t *in, int p0,
                          int p1, uint8_t zpu, const rq_consts *rc, int8_t *out, const int mr)
{
    const int oc_n = g->out_c, ocp = v->h->ocp, kp = v->h->kp;
    _Alignas(64) uint8_t buf[8 * Q8_KMAX / 2 + 64];   /* + gather_fast's slack */
    const int8_t *in_end = in + (size_t)g->batch * g->in_h * g->in_w * g->in_c;
    int r = p0 / g->out_w, ox = p0 % g->out_w;
    int b = r / g->out_h, oy = r % g->out_h;
    for (int p = p0; p < p1; p += mr) {
        const int m = p1 - p < mr ? p1 - p : mr;
        const uint8_t *rows[8];
        UNROLL
        for (int i = 0; i < mr; i++) {
            rows[i] = buf + (size_t)(i < m ? i : 0) * kp;
            if (i >= m)
                continue;
            if (!gather_fast(g, in, in_end, b, oy, ox, buf + (size_t)i * kp))
                gather(g, in, b, oy, ox, zpu, kp, buf + (size_t)i * kp);
            if (++ox == g->out_w) {
                ox = 0;
                if (++oy == g->out_h)
                    oy = 0, b++;
            }
        }
        if (mr == 8)
            conv_pixels(v, rows, kp, 0, m, ocp, oc_n, rc, out + (size_t)p * oc_n, 8, 0);
        else
            conv_pixels(v, rows, kp, 0, m, ocp, oc_n, rc, out + (size_t)p * oc_n, 4, 0);
    }
}

/* One output channel from 4 or 8 input channels (the segmentation heads'
 * 3x3 8->1 at full resolution), stride_w 1: 16 output pixels per vector.
 * Each input row is copied unsigned, with zero-point padding, into a
 * buffer where the tap (ky, kx) of output pixels ox..ox+15 is 16
 * consecutive pixels; their 4-byte channel groups become the lanes (C = 8:
 * even and odd dwords of two loads) and vpdpbusd takes the broadcast
 * weights of that tap. */
#define ROW1_BUF 32768

static int row1_ok(const arv_conv_geom *g)
{
    const long lp = q8_round_up(g->out_w, 16) + (long)(g->k_w - 1) * g->dil_w;
    return g->out_c == 1 && (g->in_c == 4 || g->in_c == 8) && g->stride_w == 1 &&
           (long)g->k_h * lp * g->in_c <= ROW1_BUF;
}

static void conv_row1(const q8_view *v, const arv_conv_geom *g, const int8_t *in, uint8_t zpu,
                      const rq_consts *rc, int8_t *out, int r0, int r1)
{
    const int c = g->in_c, lp = q8_round_up(g->out_w, 16) + (g->k_w - 1) * g->dil_w;
    const size_t rb = (size_t)lp * c;
    _Alignas(64) uint8_t buf[ROW1_BUF];
    const uint8_t *W = v->w;   /* tile 0: [kg][16][4], channel 0 first */
    const __m512i ie = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i io = _mm512_add_epi32(ie, _mm512_set1_epi32(1));
    q8_view one = *v;   /* lane-uniform requantization of channel 0 */
    _Alignas(64) int32_t par[5][16];
    for (int i = 0; i < 16; i++) {
        par[0][i] = v->mult[0], par[1][i] = v->lsh[0], par[2][i] = v->rsh[0];
        par[3][i] = v->rmask[0], par[4][i] = v->bias[0];
    }
    one.mult = par[0], one.lsh = par[1], one.rsh = par[2], one.rmask = par[3];
    for (int r = r0; r < r1; r++) {
        const int b = r / g->out_h, oy = r % g->out_h;
        const int8_t *in_b = in + (size_t)b * g->in_h * g->in_w * c;
        for (int ky = 0; ky < g->k_h; ky++) {
            uint8_t *d = buf + (size_t)ky * rb;
            const int y = oy * g->stride_h - g->pad_top + ky * g->dil_h;
            /* buffer pixel i is input column i - pad_left */
            int x_lo = g->pad_left, x_hi = g->pad_left + g->in_w;
            if (y < 0 || y >= g->in_h)
                x_lo = x_hi = 0;
            x_lo = x_lo < 0 ? 0 : x_lo > lp ? lp : x_lo;
            x_hi = x_hi < x_lo ? x_lo : x_hi > lp ? lp : x_hi;
            memset(d, zpu, (size_t)x_lo * c);
            if (x_hi > x_lo)
                xor_copy(d + (size_t)x_lo * c,
                         in_b + ((size_t)y * g->in_w + (x_lo - g->pad_left)) * c,
                         (x_hi - x_lo) * c);
            memset(d + (size_t)x_hi * c, zpu, (size_t)(lp - x_hi) * c);
        }
        int8_t *orow = out + (size_t)r * g->out_w;
        for (int ox = 0; ox < g->out_w; ox += 16) {
            __m512i a0 = _mm512_load_si512(par[4]), a1 = _mm512_setzero_si512();
            const uint8_t *wp = W;
            for (int ky = 0; ky < g->k_h; ky++)
                for (int kx = 0; kx < g->k_w; kx++) {
                    const uint8_t *p = buf + (size_t)ky * rb + (size_t)(ox + kx * g->dil_w) * c;
                    int32_t w0, w1;
                    memcpy(&w0, wp, 4);
                    if (c == 4) {
                        a0 = _mm512_dpbusd_epi32(a0, _mm512_loadu_si512(p), _mm512_set1_epi32(w0));
                        wp += 64;
                    } else {
                        memcpy(&w1, wp + 64, 4);
                        const __m512i lo = _mm512_loadu_si512(p), hi = _mm512_loadu_si512(p + 64);
                        a0 = _mm512_dpbusd_epi32(a0, _mm512_permutex2var_epi32(lo, ie, hi),
                                                 _mm512_set1_epi32(w0));
                        a1 = _mm512_dpbusd_epi32(a1, _mm512_permutex2var_epi32(lo, io, hi),
                                                 _mm512_set1_epi32(w1));
                        wp += 128;
                    }
                }
            const int n = g->out_w - ox < 16 ? g->out_w - ox : 16;
            const __m128i res = _mm512_cvtsepi32_epi8(rq16(_mm512_add_epi32(a0, a1), &one, 0, rc));
            _mm_mask_storeu_epi8(orow + ox, (__mmask16)((1u << n) - 1u), res);
        }
    }
}

/* 1x1 stride-1 convs to exactly 8 channels (the segmentation heads' 8->8
 * at full resolution): the GEMM tile would leave half of every vector's
 * lanes idle, so lanes 0-7 take pixel p and lanes 8-15 pixel p + 1 (the
 * weights and requantization repeated in both halves) and four such
 * vectors, 8 pixels, requantize together with rq64_fast. */
#define PAIR8_KMAX 128

static int pair8_ok(const q8_view *v, const arv_conv_geom *g, int direct)
{
    return direct && g->out_c == 8 && g->in_c <= PAIR8_KMAX && v->h->fast;
}

/* Whole blocks of 8 pixels with K = 8 or 16 input channels: the block's
 * 8K input bytes are one or two loads, and each pair's dwords are
 * permuted out of them instead of broadcast one by one. Returns the first
 * pixel not done. */
ALWAYS int pair8_whole(const __m512i *w2, __m512i bias2, const float *sc, __m512i perm,
                       const int8_t *in, int p, int p1, const rq_consts *rc, int8_t *out,
                       const int K)
{
    __m512i idx[4][K / 4];
    UNROLL
    for (int j = 0; j < 4; j++)
        UNROLL
        for (int i = 0; i < K / 4; i++) {
            const int d0 = (2 * j * K / 4 + i) % 16, d1 = ((2 * j + 1) * K / 4 + i) % 16;
            idx[j][i] = _mm512_mask_set1_epi32(_mm512_set1_epi32(d0), 0xFF00, d1);
        }
    const __m512i flip = _mm512_set1_epi8((char)0x80);
    for (; p + 8 <= p1; p += 8) {
        const int8_t *src = in + (size_t)p * K;
        __m512i x[2];
        x[0] = _mm512_xor_si512(_mm512_loadu_si512(src), flip);
        x[1] = K == 16 ? _mm512_xor_si512(_mm512_loadu_si512(src + 64), flip) : x[0];
        __m512i acc[4];
        UNROLL
        for (int j = 0; j < 4; j++) {
            acc[j] = bias2;
            UNROLL
            for (int i = 0; i < K / 4; i++)
                acc[j] = _mm512_dpbusd_epi32(
                    acc[j], _mm512_permutexvar_epi32(idx[j][i], x[K == 16 ? j / 2 : 0]), w2[i]);
        }
        const __m512i r = rq64_fast(acc[0], acc[1], acc[2], acc[3], sc, sc, sc, sc, rc);
        _mm512_storeu_si512(out + (size_t)p * 8, _mm512_permutexvar_epi32(perm, r));
    }
    return p;
}

NOINLINE static void conv_pair8(const q8_view *v, const arv_conv_geom *g, const int8_t *in,
                                int p0, int p1, const rq_consts *rc, int8_t *out)
{
    const int k = g->in_c, kg = (k + 3) / 4, k_full = k / 4 * 4;
    __m512i w2[PAIR8_KMAX / 4];
    for (int i = 0; i < kg; i++) {
        const __m512i w = _mm512_load_si512((const uint8_t *)v->w + (size_t)i * 64);
        w2[i] = _mm512_shuffle_i64x2(w, w, 0x44);
    }
    const __m512i b = _mm512_loadu_si512(v->bias);
    const __m512i bias2 = _mm512_shuffle_i64x2(b, b, 0x44);
    const float *sc = (const float *)v->mult;
    const __m512i flip = _mm512_set1_epi8((char)0x80);
    /* packs leave pixel-pair V, dword L of the result at dword 4L + V */
    const __m512i perm = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
    int p = p0;
    if (k == 8)
        p = pair8_whole(w2, bias2, sc, perm, in, p, p1, rc, out, 8);
    else if (k == 16)
        p = pair8_whole(w2, bias2, sc, perm, in, p, p1, rc, out, 16);
    for (; p < p1; p += 8) {
        const int m = p1 - p < 8 ? p1 - p : 8;
        const int8_t *r[8];
        for (int i = 0; i < 8; i++)
            r[i] = in + (size_t)(p + (i < m ? i : 0)) * k;
        __m512i acc[4];
        UNROLL
        for (int j = 0; j < 4; j++)
            acc[j] = bias2;
        for (int i = 0; i < k_full / 4; i++) {
            UNROLL
            for (int j = 0; j < 4; j++) {
                int32_t u0, u1;
                memcpy(&u0, r[2 * j] + 4 * i, 4);
                memcpy(&u1, r[2 * j + 1] + 4 * i, 4);
                const __m512i a = _mm512_mask_set1_epi32(_mm512_set1_epi32(u0), 0xFF00, u1);
                acc[j] = _mm512_dpbusd_epi32(acc[j], _mm512_xor_si512(a, flip), w2[i]);
            }
        }
        if (k_full < k) {
            UNROLL
            for (int j = 0; j < 4; j++) {
                int32_t u0 = 0, u1 = 0;
                memcpy(&u0, r[2 * j] + k_full, (size_t)(k - k_full));
                memcpy(&u1, r[2 * j + 1] + k_full, (size_t)(k - k_full));
                const __m512i a = _mm512_mask_set1_epi32(_mm512_set1_epi32(u0), 0xFF00, u1);
                acc[j] = _mm512_dpbusd_epi32(acc[j], _mm512_xor_si512(a, flip), w2[kg - 1]);
            }
        }
        const __m512i res = _mm512_permutexvar_epi32(
            perm, rq64_fast(acc[0], acc[1], acc[2], acc[3], sc, sc, sc, sc, rc));
        if (m == 8)
            _mm512_storeu_si512(out + (size_t)p * 8, res);
        else
            _mm512_mask_storeu_epi8(out + (size_t)p * 8, bmask(8 * m), res);
    }
}

/* One out-of-line instance per tile height: inlined together into
 * conv_run they lose registers to each other. */
NOINLINE static void conv_direct8(const q8_view *v, const arv_conv_geom *g, const int8_t *in,
                                  int p0, int p1, const rq_consts *rc, int8_t *out)
{
    conv_direct(v, g, in, p0, p1, rc, out, 8);
}
NOINLINE static void conv_direct4(const q8_view *v, const arv_conv_geom *g, const int8_t *in,
                                  int p0, int p1, const rq_consts *rc, int8_t *out)
{
    conv_direct(v, g, in, p0, p1, rc, out, 4);
}
NOINLINE static void conv_gathered8(const q8_view *v, const arv_conv_geom *g, const int8_t *in,
                                    int p0, int p1, uint8_t zpu, const rq_consts *rc, int8_t *out)
{
    conv_gathered(v, g, in, p0, p1, zpu, rc, out, 8);
}
NOINLINE static void conv_gathered4(const q8_view *v, const arv_conv_geom *g, const int8_t *in,
                                    int p0, int p1, uint8_t zpu, const rq_consts *rc, int8_t *out)
{
    conv_gathered(v, g, in, p0, p1, zpu, rc, out, 4);
}

static void conv_run(const arv_conv_geom *g, const arv_q_conv *q, const int8_t *in,
                     const void *packed, int8_t *out, int row_begin, int row_end)
{
    const int oc_n = g->out_c, ocp = q8_round_up(oc_n, 16);
    const q8_view v = q8_map((void *)packed, ocp);
    if (v.h->mode != Q8_PACKED) {
        arv_q8_conv2d(g, q, in, v.w, v.bias, out, row_begin, row_end);
        return;
    }
    const rq_consts rc = rq_make(q);
    const int p0 = row_begin * g->out_w, p1 = row_end * g->out_w;
    /* Few channel tiles: more pixels per tile keep more accumulators busy. */
    const int mr = ocp <= 32 ? 8 : 4;
    const int direct = g->k_h == 1 && g->k_w == 1 && g->stride_h == 1 && g->stride_w == 1 &&
                       g->pad_top == 0 && g->pad_left == 0 && g->in_h == g->out_h &&
                       g->in_w == g->out_w;
    if (pair8_ok(&v, g, direct)) {
        conv_pair8(&v, g, in, p0, p1, &rc, out);
    } else if (row1_ok(g)) {
        conv_row1(&v, g, in, (uint8_t)(128 - q->input_offset), &rc, out, row_begin, row_end);
    } else if (direct) {
        if (mr == 8)
            conv_direct8(&v, g, in, p0, p1, &rc, out);
        else
            conv_direct4(&v, g, in, p0, p1, &rc, out);
    } else {
        const uint8_t zpu = (uint8_t)(128 - q->input_offset);
        if (mr == 8 && v.h->kp <= Q8_KMAX / 2)
            conv_gathered8(&v, g, in, p0, p1, zpu, &rc, out);
        else
            conv_gathered4(&v, g, in, p0, p1, zpu, &rc, out);
    }
}

/* ---- depthwise ----
 *
 * Four taps at a time: the u8 inputs of 4 taps x 64 channels are
 * interleaved (two rounds of unpack) into 4 vectors holding, per int32 lane,
 * one channel's 4 tap bytes, and vpdpbusd multiplies them by the weights
 * packed the same way. The unpacks work within 128-bit lanes, so vector V
 * lane L element e holds channel 16L + 4V + e of the block; weights and
 * requantization parameters are stored in that order, and the packs that
 * narrow the results to bytes undo the permutation. Taps past the last are
 * zero weights. Padding taps read the zero point; the input offset and the
 * u8 bias are folded into the bias, as for conv.
 *
 * Two walks: per output pixel over blocks of 64 channels, or (stride_w 1 or
 * 2, at most 64 phases, see below) over each output row as one flat array
 * of out_w*C bytes, 64 at a time, from padded copies of the input rows —
 * with stride 2 split into even and odd columns — where the taps of a flat
 * position are fixed offsets. The copies (made unsigned) live in a ring
 * indexed by input row, so each input row is copied once, not once per
 * output row that reads it. Channel of flat byte j is j % C, so a block's
 * weights depend on (j / 64) mod C/gcd(C, 64): one record per phase.
 * At stride 1, 3x3 and 5x5 kernels compute 2 or 4 output rows at once
 * (dw_block_rows), and ARV_QR_FP32 requantizes with rq64_fast where no
 * accumulator can overflow it. */

typedef struct dw_hdr {
    int32_t mode, taps, groups, nrec, flat, c;
    int32_t fast;     /* ARV_QR_FP32 with no accumulator overflowing rq64_fast */
    int32_t mrows;    /* dw_block_rows: output rows at once (0: none) */
    int32_t rgroups;  /* groups per record (groups, + dw_block_rows' groups) */
    int32_t pad[7];
} dw_hdr;

#define DW_REC_BYTES(groups) (1280 + 256 * (size_t)(groups))
#define DW_ROWBUF 65536   /* the ring of padded input rows, on the stack */

static int gcd_i(int a, int b) { return b ? gcd_i(b, a % b) : a; }

typedef struct dw_plan {
    int taps, groups, flat, nrec, lb, mrows, mgroups;
} dw_plan;

/* Pixels of one flat-walk row buffer: the output row rounded up to 64
 * bytes, plus the reach of the widest tap. */
static int dw_flat_pixels(const arv_conv_geom *g)
{
    const int c = g->in_c;
    return (q8_round_up(g->out_w * c, 64) + c - 1) / c + (g->k_w - 1) * g->dil_w / g->stride_w;
}

/* Input rows are copied (unsigned, zero-point padded, split into stride_w
 * column phases) once into a ring of n_slots = (k_h - 1) * dil_h + 1 slots
 * that every output row picks its k_h rows from. */
static int dw_slots(const arv_conv_geom *g) { return (g->k_h - 1) * g->dil_h + 1; }

static int dw_plan_for(const arv_conv_geom *g, dw_plan *pl)
{
    const int taps = g->k_h * g->k_w, c = g->in_c;
    if (g->depth_mult != 1 || c <= 0 || c > Q8_CMAX || taps <= 0 || taps > 64 || g->out_c != c)
        return 0;
    pl->taps = taps;
    pl->groups = (taps + 3) / 4;
    const int nphase = c / gcd_i(c, 64);
    pl->lb = dw_flat_pixels(g) * c;
    pl->flat = g->stride_w >= 1 && g->stride_w <= 2 && nphase <= 64 &&
               (long)dw_slots(g) * g->stride_w * pl->lb <= DW_ROWBUF && dw_slots(g) <= 64;
    pl->nrec = pl->flat ? nphase : q8_round_up(c, 64) / 64;
    /* 3x3: 2 rows from 4 input rows; 5x5: 4 rows from 8 */
    const int mr = g->k_w == 3 && g->k_h == 3 ? 2 : g->k_w == 5 && g->k_h == 5 ? 4 : 0;
    pl->mrows = pl->flat && mr && g->stride_h == 1 && g->stride_w == 1 && g->dil_h == 1 &&
                        g->dil_w == 1 && (long)(dw_slots(g) + mr - 1) * pl->lb <= DW_ROWBUF
                    ? mr
                    : 0;
    pl->mgroups = pl->mrows ? g->k_w * ((g->k_h + mr + 2) / 4) * mr : 0;
    /* its weights are re-read for every block: they must stay in L1 */
    if (pl->mrows && (long)pl->nrec * DW_REC_BYTES(pl->groups + pl->mgroups) > 32768)
        pl->mrows = pl->mgroups = 0;
    return 1;
}

static size_t dw_size(const arv_conv_geom *g)
{
    dw_plan pl;
    if (!dw_plan_for(g, &pl))
        return 0;
    return sizeof(dw_hdr) + (size_t)pl.nrec * DW_REC_BYTES(pl.groups + pl.mgroups);
}

static void dw_pack(const arv_conv_geom *g, const arv_q_conv *q, const int8_t *w,
                    const int32_t *bias, void *packed)
{
    dw_plan pl;
    dw_plan_for(g, &pl);
    const int c_n = g->out_c, taps = pl.taps;
    dw_hdr *h = packed;
    memset(h, 0, sizeof *h);
    h->taps = taps, h->groups = pl.groups, h->nrec = pl.nrec, h->flat = pl.flat, h->c = c_n;
    h->mrows = pl.mrows;
    h->rgroups = pl.groups + pl.mgroups;
    const int fp = q->rounding == ARV_QR_FP32;
    int raw = q->weight_offset != 0 || (q->rounding != ARV_QR_DOUBLE && !fp) ||
              (fp && q->act_min > q->act_max);
    for (int c = 0; c < c_n && !fp; c++)
        raw |= q->mult[c] == INT32_MIN;
    char *body = (char *)packed + sizeof(dw_hdr);
    if (raw) {   /* bias (0 where absent), then the weights as given */
        h->mode = Q8_RAW;
        int32_t *b = (int32_t *)body;
        for (int c = 0; c < c_n; c++)
            b[c] = bias ? bias[c] : 0;
        memcpy(body + 4 * (size_t)c_n, w, (size_t)taps * c_n);
        return;
    }
    h->mode = Q8_PACKED;
    h->fast = fp;
    for (int c = 0; c < c_n && fp; c++) {
        long aw = 0, sw = 0;
        for (int t = 0; t < taps; t++)
            aw += labs((long)w[(size_t)t * c_n + c]), sw += w[(size_t)t * c_n + c];
        const double b =
            (double)(bias ? bias[c] : 0) + (double)(q->input_offset - 128) * (double)sw;
        h->fast &= q8_fast_ok(b, aw, q->fscale[c]);
    }
    for (int rec = 0; rec < pl.nrec; rec++) {
        int32_t *r = (int32_t *)(body + (size_t)rec * DW_REC_BYTES(h->rgroups));
        uint8_t *wr = (uint8_t *)(r + 320);
        for (int i = 0; i < 64; i++) {   /* natural position i of the block */
            const int L = i / 16, V = (i % 16) / 4, e = i % 4;
            const int at = V * 16 + L * 4 + e;   /* where the kernel has it */
            const int c = pl.flat ? (rec * 64 + i) % c_n : rec * 64 + i;
            const int ok = c < c_n;
            int32_t s = 0;
            for (int t = 0; t < taps; t++)
                s += ok ? w[(size_t)t * c_n + c] : 0;
            const int sh = ok ? q->shift[c] : 0;
            r[at] = ok ? (int32_t)((uint32_t)(bias ? bias[c] : 0) +
                                   (uint32_t)((q->input_offset - 128) * s))
                       : 0;
            r[64 + at] = ok ? q->mult[c] : 0;
            if (fp) {   /* ARV_QR_FP32: the float scale's bits */
                const float f = ok ? q->fscale[c] : 0.0f;
                memcpy(&r[64 + at], &f, 4);
            }
            r[128 + at] = sh > 0 ? sh : 0;
            r[192 + at] = sh > 0 ? 0 : -sh;
            r[256 + at] = (int32_t)((1ll << r[192 + at]) - 1);
            for (int gi = 0; gi < h->rgroups; gi++)
                for (int j = 0; j < 4; j++) {
                    int t = gi * 4 + j;
                    if (gi >= pl.groups) {   /* dw_block_rows: (kx, rg, output row i) */
                        const int x = gi - pl.groups, mr = pl.mrows, rgn = (g->k_h + mr + 2) / 4;
                        const int oi = x % mr, rg = x / mr % rgn, kx = x / mr / rgn;
                        const int ky = rg * 4 + j - oi;
                        t = ky >= 0 && ky < g->k_h ? ky * g->k_w + kx : taps;
                    }
                    wr[((size_t)gi * 4 + V) * 64 + L * 16 + e * 4 + j] =
                        (ok && t < taps) ? (uint8_t)w[(size_t)t * c_n + c] : 0;
                }
        }
    }
}

ALWAYS __m512i rq16p(__m512i acc, const int32_t *mult, const int32_t *lsh, const int32_t *rsh,
                     const int32_t *rmask, const rq_consts *c)
{
    q8_view v;
    v.mult = (int32_t *)mult, v.lsh = (int32_t *)lsh, v.rsh = (int32_t *)rsh;
    v.rmask = (int32_t *)rmask;
    return rq16(acc, &v, 0, c);
}

/* One 64-channel block: p[t] points at the block's bytes for tap t
 * (groups*4 pointers, the extra ones anywhere readable). */
ALWAYS __m512i dw_block(const int32_t *rec, int groups, const int8_t *const *p, __mmask64 lm,
                        const rq_consts *rc, const int pre, const int fast)
{
    __m512i a0 = _mm512_load_si512(rec), a1 = _mm512_load_si512(rec + 16);
    __m512i a2 = _mm512_load_si512(rec + 32), a3 = _mm512_load_si512(rec + 48);
    /* pre: the rows are already unsigned (the flat walk's buffers) */
    const __m512i flip = _mm512_set1_epi8(pre ? 0 : (char)0x80);
    const __m512i *w = (const __m512i *)(rec + 320);
    for (int gi = 0; gi < groups; gi++, p += 4, w += 4) {
        const __m512i x0 = _mm512_xor_si512(_mm512_maskz_loadu_epi8(lm, p[0]), flip);
        const __m512i x1 = _mm512_xor_si512(_mm512_maskz_loadu_epi8(lm, p[1]), flip);
        const __m512i x2 = _mm512_xor_si512(_mm512_maskz_loadu_epi8(lm, p[2]), flip);
        const __m512i x3 = _mm512_xor_si512(_mm512_maskz_loadu_epi8(lm, p[3]), flip);
        const __m512i l01 = _mm512_unpacklo_epi8(x0, x1), h01 = _mm512_unpackhi_epi8(x0, x1);
        const __m512i l23 = _mm512_unpacklo_epi8(x2, x3), h23 = _mm512_unpackhi_epi8(x2, x3);
        a0 = _mm512_dpbusd_epi32(a0, _mm512_unpacklo_epi16(l01, l23), _mm512_load_si512(w));
        a1 = _mm512_dpbusd_epi32(a1, _mm512_unpackhi_epi16(l01, l23), _mm512_load_si512(w + 1));
        a2 = _mm512_dpbusd_epi32(a2, _mm512_unpacklo_epi16(h01, h23), _mm512_load_si512(w + 2));
        a3 = _mm512_dpbusd_epi32(a3, _mm512_unpackhi_epi16(h01, h23), _mm512_load_si512(w + 3));
    }
    if (fast) {
        const float *f = (const float *)(rec + 64);
        return rq64_fast(a0, a1, a2, a3, f, f + 16, f + 32, f + 48, rc);
    }
    __m512i r[4] = {a0, a1, a2, a3};
    UNROLL
    for (int V = 0; V < 4; V++)
        r[V] = rq16p(r[V], rec + 64 + 16 * V, rec + 128 + 16 * V, rec + 192 + 16 * V,
                     rec + 256 + 16 * V, rc);
    return _mm512_packs_epi16(_mm512_packs_epi32(r[0], r[1]), _mm512_packs_epi32(r[2], r[3]));
}

static void dw_pixels(const arv_conv_geom *g, const dw_hdr *h, const char *body,
                      const int8_t *in, int8_t zp, const rq_consts *rc, int8_t *out, int r0,
                      int r1)
{
    const int c_n = g->out_c, taps = h->taps, groups = h->groups;
    const size_t rec_bytes = DW_REC_BYTES(h->rgroups);
    _Alignas(64) int8_t zb[Q8_CMAX];
    memset(zb, zp, (size_t)c_n);
    const int8_t *tp[64];
    for (int t = taps; t < groups * 4; t++)
        tp[t] = zb;
    for (int r = r0; r < r1; r++) {
        const int b = r / g->out_h, oy = r % g->out_h;
        const int8_t *in_b = in + (size_t)b * g->in_h * g->in_w * c_n;
        int8_t *orow = out + (size_t)r * g->out_w * c_n;
        const int y0 = oy * g->stride_h - g->pad_top;
        for (int ox = 0; ox < g->out_w; ox++) {
            const int x0 = ox * g->stride_w - g->pad_left;
            int t = 0;
            for (int ky = 0; ky < g->k_h; ky++) {
                const int y = y0 + ky * g->dil_h;
                const int yok = y >= 0 && y < g->in_h;
                const int8_t *row = in_b + (size_t)(yok ? y : 0) * g->in_w * c_n;
                for (int kx = 0; kx < g->k_w; kx++, t++) {
                    const int x = x0 + kx * g->dil_w;
                    tp[t] = (yok && x >= 0 && x < g->in_w) ? row + (size_t)x * c_n : zb;
                }
            }
            int8_t *o = orow + (size_t)ox * c_n;
            const int8_t *bp[64];
            for (int c0 = 0, rec = 0; c0 < c_n; c0 += 64, rec++) {
                const int n = c_n - c0 < 64 ? c_n - c0 : 64;
                const __mmask64 lm = bmask(n);
                for (int i = 0; i < groups * 4; i++)
                    bp[i] = tp[i] + c0;
                const __m512i res =
                    h->fast ? dw_block((const int32_t *)(body + (size_t)rec * rec_bytes), groups,
                                       bp, lm, rc, 0, 1)
                            : dw_block((const int32_t *)(body + (size_t)rec * rec_bytes), groups,
                                       bp, lm, rc, 0, 0);
                _mm512_mask_storeu_epi8(o + c0, lm, res);
            }
        }
    }
}

/* dw_block over the flat walk's row buffers: tap t of the block at base
 * reads base + off[t] (G groups of 4 taps, G constant per call site so the
 * offsets stay in registers). */
ALWAYS __m512i dw_block_flat(const int32_t *rec, const int8_t *base, const int *off,
                             const rq_consts *rc, const int G, const int fast)
{
    __m512i a0 = _mm512_load_si512(rec), a1 = _mm512_load_si512(rec + 16);
    __m512i a2 = _mm512_load_si512(rec + 32), a3 = _mm512_load_si512(rec + 48);
    const __m512i *w = (const __m512i *)(rec + 320);
    UNROLL
    for (int gi = 0; gi < G; gi++) {
        const __m512i x0 = _mm512_loadu_si512(base + off[4 * gi]);
        const __m512i x1 = _mm512_loadu_si512(base + off[4 * gi + 1]);
        const __m512i x2 = _mm512_loadu_si512(base + off[4 * gi + 2]);
        const __m512i x3 = _mm512_loadu_si512(base + off[4 * gi + 3]);
        const __m512i l01 = _mm512_unpacklo_epi8(x0, x1), h01 = _mm512_unpackhi_epi8(x0, x1);
        const __m512i l23 = _mm512_unpacklo_epi8(x2, x3), h23 = _mm512_unpackhi_epi8(x2, x3);
        const __m512i *wg = w + 4 * gi;
        a0 = _mm512_dpbusd_epi32(a0, _mm512_unpacklo_epi16(l01, l23), _mm512_load_si512(wg));
        a1 = _mm512_dpbusd_epi32(a1, _mm512_unpackhi_epi16(l01, l23), _mm512_load_si512(wg + 1));
        a2 = _mm512_dpbusd_epi32(a2, _mm512_unpacklo_epi16(h01, h23), _mm512_load_si512(wg + 2));
        a3 = _mm512_dpbusd_epi32(a3, _mm512_unpackhi_epi16(h01, h23), _mm512_load_si512(wg + 3));
    }
    if (fast) {
        const float *f = (const float *)(rec + 64);
        return rq64_fast(a0, a1, a2, a3, f, f + 16, f + 32, f + 48, rc);
    }
    __m512i r[4] = {a0, a1, a2, a3};
    UNROLL
    for (int V = 0; V < 4; V++)
        r[V] = rq16p(r[V], rec + 64 + 16 * V, rec + 128 + 16 * V, rec + 192 + 16 * V,
                     rec + 256 + 16 * V, rc);
    return _mm512_packs_epi16(_mm512_packs_epi32(r[0], r[1]), _mm512_packs_epi32(r[2], r[3]));
}

static void dw_fill_row(const arv_conv_geom *g, const int8_t *in_b, int y, int lpix, int lb,
                        uint8_t zpu, uint8_t *slot)
{
    const int c_n = g->out_c, sw = g->stride_w;
    const int8_t *src = in_b + (size_t)(y < 0 ? 0 : y) * g->in_w * c_n;
    for (int ph = 0; ph < sw; ph++) {
        /* buffer pixel i holds input column i*sw + ph - pad_left */
        uint8_t *d = slot + (size_t)ph * lb;
        if (y < 0 || y >= g->in_h) {
            memset(d, zpu, (size_t)lb);
            continue;
        }
        if (sw == 1) {
            int lo = g->pad_left, hi = g->pad_left + g->in_w;   /* valid pixels */
            lo = lo > lpix ? lpix : lo;
            hi = hi > lpix ? lpix : hi < lo ? lo : hi;
            memset(d, zpu, (size_t)lo * c_n);
            if (hi > lo)
                xor_copy(d + (size_t)lo * c_n, src + (size_t)(lo - g->pad_left) * c_n,
                         (hi - lo) * c_n);
            memset(d + (size_t)hi * c_n, zpu, (size_t)(lpix - hi) * c_n);
            continue;
        }
        /* buffer pixels [lo, hi) are inside the image */
        int lo = (g->pad_left - ph + sw - 1) / sw, hi = (g->in_w + g->pad_left - ph + sw - 1) / sw;
        lo = lo < 0 ? 0 : lo > lpix ? lpix : lo;
        hi = hi > lpix ? lpix : hi < lo ? lo : hi;
        memset(d, zpu, (size_t)lo * c_n);
        memset(d + (size_t)hi * c_n, zpu, (size_t)(lpix - hi) * c_n);
        const int8_t *sp = src + (size_t)(lo * sw + ph - g->pad_left) * c_n;
        const size_t step = (size_t)sw * c_n;
        uint8_t *dp = d + (size_t)lo * c_n;
        if (c_n % 64 == 0) {   /* whole pieces: no masked accesses */
            const __m512i f = _mm512_set1_epi8((char)0x80);
            for (int i = lo; i < hi; i++, sp += step, dp += c_n)
                for (int k = 0; k < c_n; k += 64)
                    _mm512_storeu_si512(dp + k, _mm512_xor_si512(_mm512_loadu_si512(sp + k), f));
        } else if (c_n % 16 == 0) {
            const __m128i f = _mm_set1_epi8((char)0x80);
            for (int i = lo; i < hi; i++, sp += step, dp += c_n)
                for (int k = 0; k < c_n; k += 16)
                    _mm_storeu_si128((__m128i *)(dp + k),
                                     _mm_xor_si128(_mm_loadu_si128((const __m128i *)(sp + k)), f));
        } else {
            for (int i = lo; i < hi; i++, sp += step, dp += c_n)
                xor_copy(dp, sp, c_n);
        }
    }
}

ALWAYS void dw_flat_row_t(const char *body, size_t rec_bytes, int nrec, const int8_t *rowbuf,
                        const int *off, int flat_n, const rq_consts *rc, int8_t *orow,
                        const int G, const int fast)
{
    for (int j0 = 0, rec = 0; j0 < flat_n; j0 += 64, rec = rec + 1 == nrec ? 0 : rec + 1) {
        const __m512i r = dw_block_flat((const int32_t *)(body + (size_t)rec * rec_bytes),
                                        rowbuf + j0, off, rc, G, fast);
        if (j0 + 64 <= flat_n)
            _mm512_storeu_si512(orow + j0, r);
        else
            _mm512_mask_storeu_epi8(orow + j0, bmask(flat_n - j0), r);
    }
}

NOINLINE static void dw_flat_row3(const char *body, size_t rec_bytes, int nrec,
                                  const int8_t *rowbuf, const int *off, int flat_n,
                                  const rq_consts *rc, int8_t *orow)
{
    dw_flat_row_t(body, rec_bytes, nrec, rowbuf, off, flat_n, rc, orow, 3, 1);
}
NOINLINE static void dw_flat_row7(const char *body, size_t rec_bytes, int nrec,
                                  const int8_t *rowbuf, const int *off, int flat_n,
                                  const rq_consts *rc, int8_t *orow)
{
    dw_flat_row_t(body, rec_bytes, nrec, rowbuf, off, flat_n, rc, orow, 7, 1);
}

/* Stride 1, R output rows at once (3x3: R = 2, 5x5: R = 4): column kx of
 * RG groups of 4 consecutive input rows, interleaved once, serves every
 * output row i with the weights of kernel row rg*4 + j - i in byte j (0
 * outside the kernel) — fewer shuffles per output than dw_block, whose
 * groups mix kernel rows. voff[(kx*RG + rg)*4 + j] locates input row
 * rg*4 + j, column kx. */
ALWAYS void dw_block_rows(const int32_t *rec, int groups, const int8_t *base, const int *voff,
                          const rq_consts *rc, __m512i *res, const int KW, const int RG,
                          const int R)
{
    __m512i acc[4][4];
    UNROLL
    for (int V = 0; V < 4; V++) {
        const __m512i bv = _mm512_load_si512(rec + 16 * V);
        UNROLL
        for (int i = 0; i < R; i++)
            acc[i][V] = bv;
    }
    const __m512i *w = (const __m512i *)(rec + 320) + 4 * groups;
    UNROLL
    for (int kx = 0; kx < KW; kx++)
        UNROLL
        for (int rg = 0; rg < RG; rg++) {
            const int *vo = voff + (kx * RG + rg) * 4;
            const __m512i x0 = _mm512_loadu_si512(base + vo[0]);
            const __m512i x1 = _mm512_loadu_si512(base + vo[1]);
            const __m512i x2 = _mm512_loadu_si512(base + vo[2]);
            const __m512i x3 = _mm512_loadu_si512(base + vo[3]);
            const __m512i l01 = _mm512_unpacklo_epi8(x0, x1), h01 = _mm512_unpackhi_epi8(x0, x1);
            const __m512i l23 = _mm512_unpacklo_epi8(x2, x3), h23 = _mm512_unpackhi_epi8(x2, x3);
            const __m512i iv[4] = {
                _mm512_unpacklo_epi16(l01, l23), _mm512_unpackhi_epi16(l01, l23),
                _mm512_unpacklo_epi16(h01, h23), _mm512_unpackhi_epi16(h01, h23)};
            const __m512i *wg = w + (size_t)((kx * RG + rg) * R) * 4;
            UNROLL
            for (int i = 0; i < R; i++)
                UNROLL
                for (int V = 0; V < 4; V++)
                    acc[i][V] = _mm512_dpbusd_epi32(acc[i][V], iv[V],
                                                    _mm512_load_si512(wg + 4 * i + V));
        }
    const float *f = (const float *)(rec + 64);
    UNROLL
    for (int i = 0; i < R; i++)
        res[i] = rq64_fast(acc[i][0], acc[i][1], acc[i][2], acc[i][3], f, f + 16, f + 32, f + 48,
                           rc);
}

/* The R = 2 case written out (3x3): faster than dw_block_rows' general
 * form. Group layout as there: (kx, output row i) at 3 + 2*kx + i. */
ALWAYS void dw_block_pair(const int32_t *rec, const int8_t *base, const int *voff,
                          const rq_consts *rc, __m512i *out0, __m512i *out1)
{
    __m512i a[4], b[4];
    UNROLL
    for (int V = 0; V < 4; V++)
        a[V] = b[V] = _mm512_load_si512(rec + 16 * V);
    const __m512i *w = (const __m512i *)(rec + 320) + 12;
    UNROLL
    for (int kx = 0; kx < 3; kx++) {
        const __m512i x0 = _mm512_loadu_si512(base + voff[4 * kx]);
        const __m512i x1 = _mm512_loadu_si512(base + voff[4 * kx + 1]);
        const __m512i x2 = _mm512_loadu_si512(base + voff[4 * kx + 2]);
        const __m512i x3 = _mm512_loadu_si512(base + voff[4 * kx + 3]);
        const __m512i l01 = _mm512_unpacklo_epi8(x0, x1), h01 = _mm512_unpackhi_epi8(x0, x1);
        const __m512i l23 = _mm512_unpacklo_epi8(x2, x3), h23 = _mm512_unpackhi_epi8(x2, x3);
        const __m512i iv[4] = {_mm512_unpacklo_epi16(l01, l23), _mm512_unpackhi_epi16(l01, l23),
                               _mm512_unpacklo_epi16(h01, h23), _mm512_unpackhi_epi16(h01, h23)};
        UNROLL
        for (int V = 0; V < 4; V++) {
            a[V] = _mm512_dpbusd_epi32(a[V], iv[V], _mm512_load_si512(w + 8 * kx + V));
            b[V] = _mm512_dpbusd_epi32(b[V], iv[V], _mm512_load_si512(w + 8 * kx + 4 + V));
        }
    }
    const float *f = (const float *)(rec + 64);
    *out0 = rq64_fast(a[0], a[1], a[2], a[3], f, f + 16, f + 32, f + 48, rc);
    *out1 = rq64_fast(b[0], b[1], b[2], b[3], f, f + 16, f + 32, f + 48, rc);
}

#define DW_ROWS_ARGS                                                                       \
    const char *body, size_t rec_bytes, int nrec, const int8_t *rowbuf, const int *voff, \
        int flat_n, const rq_consts *rc, int8_t *orow
ALWAYS void dw_flat_rows_t(DW_ROWS_ARGS, const int KW, const int RG, const int R)
{
    for (int j0 = 0, rec = 0; j0 < flat_n; j0 += 64, rec = rec + 1 == nrec ? 0 : rec + 1) {
        __m512i res[4];
        dw_block_rows((const int32_t *)(body + (size_t)rec * rec_bytes), (KW * KW + 3) / 4,
                      rowbuf + j0, voff, rc, res, KW, RG, R);
        if (j0 + 64 <= flat_n) {
            UNROLL
            for (int i = 0; i < R; i++)
                _mm512_storeu_si512(orow + (size_t)i * flat_n + j0, res[i]);
        } else {
            UNROLL
            for (int i = 0; i < R; i++)
                _mm512_mask_storeu_epi8(orow + (size_t)i * flat_n + j0, bmask(flat_n - j0),
                                        res[i]);
        }
    }
}
NOINLINE static void dw_flat_rows3(DW_ROWS_ARGS)
{
    for (int j0 = 0, rec = 0; j0 < flat_n; j0 += 64, rec = rec + 1 == nrec ? 0 : rec + 1) {
        __m512i r0, r1;
        dw_block_pair((const int32_t *)(body + (size_t)rec * rec_bytes), rowbuf + j0, voff, rc,
                      &r0, &r1);
        if (j0 + 64 <= flat_n) {
            _mm512_storeu_si512(orow + j0, r0);
            _mm512_storeu_si512(orow + flat_n + j0, r1);
        } else {
            _mm512_mask_storeu_epi8(orow + j0, bmask(flat_n - j0), r0);
            _mm512_mask_storeu_epi8(orow + flat_n + j0, bmask(flat_n - j0), r1);
        }
    }
}
NOINLINE static void dw_flat_rows5(DW_ROWS_ARGS)
{
    dw_flat_rows_t(body, rec_bytes, nrec, rowbuf, voff, flat_n, rc, orow, 5, 2, 4);
}

NOINLINE static void dw_flat(const arv_conv_geom *g, const dw_hdr *h, const char *body,
                             const int8_t *in, int8_t zp, const rq_consts *rc, int8_t *out, int r0,
                             int r1)
{
    const int c_n = g->out_c, taps = h->taps, groups = h->groups, nrec = h->nrec;
    const int sw = g->stride_w, ns = dw_slots(g) + (h->mrows ? h->mrows - 1 : 0);
    const size_t rec_bytes = DW_REC_BYTES(h->rgroups);
    const int lpix = dw_flat_pixels(g), lb = lpix * c_n;
    const int flat_n = g->out_w * c_n;
    _Alignas(64) int8_t rowbuf[DW_ROWBUF];
    int tag_b[64], tag_y[64];   /* what each slot holds (b = -1: nothing) */
    for (int i = 0; i < ns; i++)
        tag_b[i] = -1, tag_y[i] = 0;
    const uint8_t zpu = (uint8_t)(zp ^ 0x80);   /* the zero point, unsigned */
    for (int r = r0; r < r1; r++) {
        const int b = r / g->out_h, oy = r % g->out_h;
        const int8_t *in_b = in + (size_t)b * g->in_h * g->in_w * c_n;
        const int y0 = oy * g->stride_h - g->pad_top;
        const int mr = h->mrows;
        const int multi = mr && h->fast && r + mr - 1 < r1 && (r + mr - 1) / g->out_h == b;
        int slot_of[64];
        for (int ky = 0; ky < g->k_h + (multi ? mr - 1 : 0); ky++) {
            const int y = y0 + ky * g->dil_h, s = ((y % ns) + ns) % ns;
            if (tag_b[s] != b || tag_y[s] != y) {
                dw_fill_row(g, in_b, y, lpix, lb, zpu,
                            (uint8_t *)rowbuf + (size_t)s * sw * lb);
                tag_b[s] = b, tag_y[s] = y;
            }
            slot_of[ky] = s;
        }
        if (multi) {   /* rows r .. r + mr - 1 from columns of 4-row groups */
            const int rgn = (g->k_h + mr + 2) / 4;
            int voff[64];
            for (int i = 0; i < g->k_w * rgn * 4; i++)
                voff[i] = slot_of[i % (4 * rgn)] * lb + i / (4 * rgn) * c_n;
            if (mr == 2)
                dw_flat_rows3(body, rec_bytes, nrec, rowbuf, voff, flat_n, rc,
                              out + (size_t)r * flat_n);
            else
                dw_flat_rows5(body, rec_bytes, nrec, rowbuf, voff, flat_n, rc,
                              out + (size_t)r * flat_n);
            r += mr - 1;
            continue;
        }
        int off[64];
        for (int t = 0; t < groups * 4; t++) {
            const int tt = t < taps ? t : 0, kx = tt % g->k_w, col = kx * g->dil_w;
            off[t] = (slot_of[tt / g->k_w] * sw + col % sw) * lb + col / sw * c_n;
        }
        int8_t *orow = out + (size_t)r * flat_n;
        if (h->fast && groups == 3)
            dw_flat_row3(body, rec_bytes, nrec, rowbuf, off, flat_n, rc, orow);
        else if (h->fast && groups == 7)
            dw_flat_row7(body, rec_bytes, nrec, rowbuf, off, flat_n, rc, orow);
        else {
            const int8_t *bp[64];
            for (int j0 = 0, rec = 0; j0 < flat_n; j0 += 64, rec = rec + 1 == nrec ? 0 : rec + 1) {
                for (int t = 0; t < groups * 4; t++)
                    bp[t] = rowbuf + j0 + off[t];
                const int32_t *rp = (const int32_t *)(body + (size_t)rec * rec_bytes);
                const __m512i res = h->fast ? dw_block(rp, groups, bp, ~0ull, rc, 1, 1)
                                            : dw_block(rp, groups, bp, ~0ull, rc, 1, 0);
                _mm512_mask_storeu_epi8(orow + j0, bmask(flat_n - j0), res);
            }
        }
    }
}

static void dw_run(const arv_conv_geom *g, const arv_q_conv *q, const int8_t *in,
                   const void *packed, int8_t *out, int row_begin, int row_end)
{
    const dw_hdr *h = packed;
    const char *body = (const char *)packed + sizeof(dw_hdr);
    if (h->mode != Q8_PACKED) {
        const int32_t *bias = (const int32_t *)body;
        arv_q8_depthwise(g, q, in, (const int8_t *)(body + 4 * (size_t)h->c), bias, out,
                         row_begin, row_end);
        return;
    }
    const rq_consts rc = rq_make(q);
    const int8_t zp = (int8_t)(-q->input_offset);
    if (h->flat)
        dw_flat(g, h, body, in, zp, &rc, out, row_begin, row_end);
    else
        dw_pixels(g, h, body, in, zp, &rc, out, row_begin, row_end);
}

/* ---- the hooks ---- */

#include "kernels/simd/int8_hooks.inc"

/* avx512vnni_int8_elementwise.c */
void arv_q8_add_avx512vnni(int sub, const arv_q_add *p, const arv_bcast4 *s, const int8_t *a,
                           const int8_t *b, int8_t *out);
void arv_q8_mul_avx512vnni(const arv_q_mul *p, const arv_bcast4 *s, const int8_t *a,
                           const int8_t *b, int8_t *out);
void arv_q8_prelu_avx512vnni(const arv_q_prelu *p, const arv_bcast4 *s, const int8_t *x,
                             const int8_t *alpha, int8_t *out);
void arv_q8_quantize_avx512vnni(size_t n, const float *in, float scale, int32_t zp, int8_t *out);
void arv_q8_dequantize_avx512vnni(size_t n, const int8_t *in, float scale, int32_t zp, float *out);

void arv_q8_max_pool_avx512vnni(const arv_pool_geom *g, int32_t act_min, int32_t act_max,
                          const int8_t *in, int8_t *out, int row_begin, int row_end);

/* avx512vnni_int8_elementwise.c, avx512vnni_int8_resize.c, avx512vnni_int8_transpose_conv.c */
void arv_q8_lut_avx512vnni(size_t n, const int8_t *in, const int8_t lut[256], int8_t *out);
void arv_q8_avg_pool_avx512vnni(const arv_pool_geom *g, int32_t act_min, int32_t act_max,
        const int8_t *in, int8_t *out, int row_begin, int row_end);
void arv_q8_transpose_conv_avx512vnni(const arv_conv_geom *g, const arv_q_conv *q, const int8_t *in,
        const int8_t *w, const int32_t *bias, int32_t *scratch, int8_t *out);
void arv_q8_quantize_rne_avx512vnni(size_t n, const float *in, float inv_scale, int32_t zp,
        int8_t *out);
void arv_q8_resize_bilinear_q11_avx512vnni(const arv_resize_geom *g, const int8_t *in, int8_t *out,
        int row_begin, int row_end);

/* avx512_int16_elementwise.c */
void arv_q16_add_avx512(const arv_q_add *p, const arv_bcast4 *s, const int16_t *a,
                        const int16_t *b, int16_t *out);

const arv_kernel_table_int8 arv_kernels_int8_avx512vnni = {
    .name = "avx512vnni",
    .conv2d = arv_q8_conv2d,
    .depthwise = arv_q8_depthwise,
    .transpose_conv = arv_q8_transpose_conv_avx512vnni,
    .fully_connected = arv_q8_fully_connected,
    .max_pool = arv_q8_max_pool_avx512vnni,
    .avg_pool = arv_q8_avg_pool_avx512vnni,
    .add = arv_q8_add_avx512vnni,
    .add16 = arv_q16_add_avx512,
    .mul = arv_q8_mul_avx512vnni,
    .prelu = arv_q8_prelu_avx512vnni,
    .lut = arv_q8_lut_avx512vnni,
    .hard_swish = arv_q8_hard_swish,
    .pad4 = q8_pad4_rows,
    .concat = arv_q8_concat,
    .quantize = arv_q8_quantize_avx512vnni,
    .dequantize = arv_q8_dequantize_avx512vnni,
    .packed_size = packed_size,
    .pack = pack,
    .run_packed = run_packed,
    .resize_bilinear_q11 = arv_q8_resize_bilinear_q11_avx512vnni,
    .quantize_rne = arv_q8_quantize_rne_avx512vnni,
    /* conv/depthwise: ARV_QR_FP32 packed; ARV_QR_SINGLE packs as Q8_RAW
     * (generic arithmetic); MUL takes the generic path for both */
    .roundings = 1u << ARV_QR_SINGLE | 1u << ARV_QR_FP32 | 1u << ARV_QR_XNN_ADD,
    .q16 = &arv_q16_loops_avx512vnni,
};
