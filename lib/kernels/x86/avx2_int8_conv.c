/* avx2_int8_conv.c — packed int8 CONV_2D / FULLY_CONNECTED /
 * DEPTHWISE_CONV_2D with AVX2, bit-exact with the generic kernels.
 *
 * Exact int16 x int16 -> int32 arithmetic only (vpmaddwd): vpmaddubsw
 * saturates its int16 pair sums and would not be exact.
 *
 * Conv and FC are one GEMM: for a tile of 4 output pixels the taps' input
 * channels are gathered, sign-extended to int16, into rows of
 * k = k_h*k_w*in_c (an out-of-image tap reads the input zero point, which
 * contributes nothing, as the reference's skipped tap). Weights are packed
 * as int16 pairs, 8 channels per vector, so one vpmaddwd of a broadcast
 * input pair gives 8 channels x 2 k. The input offset is folded into the
 * bias at pack time: sum w*(x + in_off) = sum w*x + in_off*sum w.
 * Depthwise keeps 8 channels per vector as int32 lanes against weights
 * packed as (w, 0) int16 pairs, with the same folded offset.
 *
 * Requantization: ARV_QR_FP32 or TFLite's double rounding on 8 lanes, as in
 * avx512vnni_int8_conv.c (the packed layout is shared:
 * kernels/simd/int8_pack.inc). */
#include <immintrin.h>
#include <string.h>
#include "kernels/kernels_int8.h"
#include "model/tflite_schema.h"

#include "kernels/simd/int8_pack.inc"
#include "kernels/simd/int8_pad.inc"

#define ALWAYS static inline __attribute__((always_inline))
/* Full unrolling keeps the accumulator arrays in registers. */
#define UNROLL _Pragma("GCC unroll 16")
#define MR 4

typedef struct rq_consts {
    __m256i zp, lo, hi;
    __m256 flo, fhi;   /* ARV_QR_FP32: the clamp in float, before + zp */
    int fp;            /* ARV_QR_FP32 (v->mult holds float scales) */
} rq_consts;

static rq_consts rq_make(const arv_q_conv *q)
{
    rq_consts c;
    c.zp = _mm256_set1_epi32(q->output_offset);
    c.lo = _mm256_set1_epi32(q->act_min);
    c.hi = _mm256_set1_epi32(q->act_max);
    c.flo = _mm256_set1_ps((float)(q->act_min - q->output_offset));
    c.fhi = _mm256_set1_ps((float)(q->act_max - q->output_offset));
    c.fp = q->rounding == ARV_QR_FP32;
    return c;
}

ALWAYS __m256i ld(const int32_t *p) { return _mm256_loadu_si256((const __m256i *)p); }

ALWAYS __m256i rq8(__m256i acc, const q8_view *v, int oc, const rq_consts *c)
{
    if (c->fp) {   /* ARV_QR_FP32 as arv_q_fp32_requant */
        const __m256 magic = _mm256_set1_ps(12582912.0f);
        __m256 f = _mm256_mul_ps(_mm256_cvtepi32_ps(acc), _mm256_loadu_ps((const float *)(v->mult + oc)));
        f = _mm256_min_ps(_mm256_max_ps(f, c->flo), c->fhi);
        f = _mm256_sub_ps(_mm256_add_ps(f, magic), magic);
        return _mm256_add_epi32(_mm256_cvttps_epi32(f), c->zp);
    }
    const __m256i x = _mm256_sllv_epi32(acc, ld(v->lsh + oc));
    const __m256i m = ld(v->mult + oc);
    const __m256i rnd = _mm256_set1_epi64x(1ll << 30);
    const __m256i ev = _mm256_srli_epi64(_mm256_add_epi64(_mm256_mul_epi32(x, m), rnd), 31);
    const __m256i od = _mm256_slli_epi64(
        _mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(x, 32), _mm256_srli_epi64(m, 32)),
                         rnd),
        1);
    const __m256i y = _mm256_blend_epi32(ev, od, 0xAA);
    const __m256i mk = ld(v->rmask + oc);
    const __m256i rem = _mm256_and_si256(y, mk);
    const __m256i thr = _mm256_add_epi32(_mm256_srli_epi32(mk, 1), _mm256_srli_epi32(y, 31));
    __m256i s = _mm256_srav_epi32(y, ld(v->rsh + oc));
    s = _mm256_sub_epi32(s, _mm256_cmpgt_epi32(rem, thr));
    s = _mm256_add_epi32(s, c->zp);
    s = _mm256_max_epi32(s, c->lo);
    return _mm256_min_epi32(s, c->hi);
}

/* Two vectors of 8 int32 (already in int8 range) to 16 bytes in order. */
ALWAYS __m128i narrow16(__m256i a, __m256i b)
{
    __m256i p = _mm256_permute4x64_epi64(_mm256_packs_epi32(a, b), 0xD8);
    p = _mm256_packs_epi16(p, p);
    return _mm256_castsi256_si128(_mm256_permute4x64_epi64(p, 0x08));
}

ALWAYS void store_n(int8_t *o, __m128i r, int n)
{
    if (n >= 16) {
        _mm_storeu_si128((__m128i *)o, r);
    } else if (n == 8) {
        _mm_storel_epi64((__m128i *)o, r);
    } else {
        int8_t t[16];
        _mm_storeu_si128((__m128i *)t, r);
        memcpy(o, t, (size_t)n);
    }
}

/* ---- conv / FC ---- */

static size_t conv_size(const arv_conv_geom *g)
{
    const long k = (long)g->k_h * g->k_w * g->in_c;
    if (k <= 0 || k > Q8_KMAX || g->out_c <= 0)
        return 0;
    const int kp = q8_round_up((int)k, 2), ocp = q8_round_up(g->out_c, 16);
    return sizeof(q8_hdr) + q8_arrays_bytes(ocp) + (size_t)ocp * kp * 2;
}

static void conv_pack(const arv_conv_geom *g, const arv_q_conv *q, const int8_t *w,
                      const int32_t *bias, void *packed)
{
    const int k = g->k_h * g->k_w * g->in_c, kp = q8_round_up(k, 2);
    const int oc_n = g->out_c, ocp = q8_round_up(oc_n, 16), oc8 = q8_round_up(oc_n, 8);
    if (!q8_pack_common(q, oc_n, k, kp, ocp, w, (size_t)oc_n * k, bias, packed))
        return;
    q8_view v = q8_map(packed, ocp);
    for (int oc = 0; oc < oc_n; oc++) {
        int32_t s = 0;
        for (int i = 0; i < k; i++)
            s += w[(size_t)oc * k + i];
        v.bias[oc] = (int32_t)((uint32_t)v.bias[oc] + (uint32_t)(q->input_offset * s));
    }
    int16_t *W = v.w;
    for (int oc0 = 0; oc0 < oc8; oc0 += 16) {
        const int width = oc8 - oc0 < 16 ? oc8 - oc0 : 16;
        int16_t *base = W + (size_t)oc0 * kp;
        for (int kg = 0; kg < kp / 2; kg++)
            for (int j = 0; j < width; j++)
                for (int b = 0; b < 2; b++) {
                    const int oc = oc0 + j, i = kg * 2 + b;
                    base[((size_t)kg * width + j) * 2 + b] =
                        (oc < oc_n && i < k) ? w[(size_t)oc * k + i] : 0;
                }
    }
}

ALWAYS void widen_copy(int16_t *dst, const int8_t *src, int n)
{
    int i = 0;
    for (; i + 16 <= n; i += 16)
        _mm256_storeu_si256((__m256i *)(dst + i),
                            _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(src + i))));
    if (i + 8 <= n) {   /* 8-channel maps: whole pixels */
        _mm_storeu_si128((__m128i *)(dst + i),
                         _mm_cvtepi8_epi16(_mm_loadl_epi64((const __m128i *)(src + i))));
        i += 8;
    }
    for (; i < n; i++)
        dst[i] = src[i];
}

static void gather(const arv_conv_geom *g, const int8_t *in, int pix, int16_t zp, int kp,
                   int16_t *dst)
{
    const int r = pix / g->out_w, ox = pix % g->out_w;
    const int b = r / g->out_h, oy = r % g->out_h;
    const int c = g->in_c;
    const int8_t *in_b = in + (size_t)b * g->in_h * g->in_w * c;
    const int y0 = oy * g->stride_h - g->pad_top, x0 = ox * g->stride_w - g->pad_left;
    int16_t *d = dst;
    for (int ky = 0; ky < g->k_h; ky++) {
        const int y = y0 + ky * g->dil_h;
        for (int kx = 0; kx < g->k_w; kx++, d += c) {
            const int x = x0 + kx * g->dil_w;
            if (y < 0 || y >= g->in_h || x < 0 || x >= g->in_w) {
                for (int i = 0; i < c; i++)
                    d[i] = zp;
            } else {
                widen_copy(d, in_b + ((size_t)y * g->in_w + x) * c, c);
            }
        }
    }
    for (; d < dst + kp; d++)
        *d = 0;
}

ALWAYS void conv_tile(const q8_view *v, const int16_t *buf, int kp, int m, int oc0, int oc_n,
                      const rq_consts *rc, int8_t *out, const int nv)
{
    __m256i acc[MR][2];
    UNROLL
    for (int j = 0; j < nv; j++) {
        const __m256i b = ld(v->bias + oc0 + 8 * j);
        UNROLL
        for (int i = 0; i < MR; i++)
            acc[i][j] = b;
    }
    const int16_t *row[MR];
    UNROLL
    for (int i = 0; i < MR; i++)
        row[i] = buf + (size_t)(i < m ? i : 0) * kp;
    const int16_t *wp = (const int16_t *)v->w + (size_t)oc0 * kp;
    for (int k = 0; k < kp; k += 2, wp += nv * 16) {
        __m256i wv[2];
        UNROLL
        for (int j = 0; j < nv; j++)
            wv[j] = _mm256_load_si256((const __m256i *)(wp + 16 * j));
        UNROLL
        for (int i = 0; i < MR; i++) {
            int32_t u;
            memcpy(&u, row[i] + k, 4);
            const __m256i a = _mm256_set1_epi32(u);
            UNROLL
            for (int j = 0; j < nv; j++)
                acc[i][j] = _mm256_add_epi32(acc[i][j], _mm256_madd_epi16(a, wv[j]));
        }
    }
    const int n = oc_n - oc0 < 16 ? oc_n - oc0 : 16;
    UNROLL
    for (int i = 0; i < MR; i++) {
        if (i >= m)
            break;
        const __m256i r0 = rq8(acc[i][0], v, oc0, rc);
        const __m256i r1 = nv > 1 ? rq8(acc[i][1], v, oc0 + 8, rc) : r0;
        store_n(out + (size_t)i * oc_n + oc0, narrow16(r0, r1), n);
    }
}

static void conv_run(const arv_conv_geom *g, const arv_q_conv *q, const int8_t *in,
                     const void *packed, int8_t *out, int row_begin, int row_end)
{
    const int oc_n = g->out_c, ocp = q8_round_up(oc_n, 16), oc8 = q8_round_up(oc_n, 8);
    const q8_view v = q8_map((void *)packed, ocp);
    if (v.h->mode != Q8_PACKED) {
        arv_q8_conv2d(g, q, in, v.w, v.bias, out, row_begin, row_end);
        return;
    }
    const int kp = v.h->kp;
    const rq_consts rc = rq_make(q);
    const int16_t zp = (int16_t)(-q->input_offset);
    _Alignas(64) int16_t buf[MR * Q8_KMAX];
    const int p1 = row_end * g->out_w;
    /* 1x1 at stride 1 without padding: output pixel p reads input pixel p */
    const int direct = g->k_h == 1 && g->k_w == 1 && g->stride_h == 1 && g->stride_w == 1 &&
                       g->pad_top == 0 && g->pad_left == 0 && g->in_h == g->out_h &&
                       g->in_w == g->out_w && kp == g->in_c;
    for (int p = row_begin * g->out_w; p < p1; p += MR) {
        const int m = p1 - p < MR ? p1 - p : MR;
        for (int i = 0; i < m; i++) {
            if (direct)
                widen_copy(buf + (size_t)i * kp, in + (size_t)(p + i) * kp, kp);
            else
                gather(g, in, p + i, zp, kp, buf + (size_t)i * kp);
        }
        int8_t *o = out + (size_t)p * oc_n;
        for (int oc0 = 0; oc0 < oc8; oc0 += 16) {
            if (oc8 - oc0 >= 16)
                conv_tile(&v, buf, kp, m, oc0, oc_n, &rc, o, 2);
            else
                conv_tile(&v, buf, kp, m, oc0, oc_n, &rc, o, 1);
        }
    }
}

/* ---- depthwise ---- */

static size_t dw_size(const arv_conv_geom *g)
{
    const int taps = g->k_h * g->k_w;
    if (g->depth_mult != 1 || g->in_c <= 0 || g->in_c > Q8_CMAX || taps <= 0 || taps > 64)
        return 0;
    const int cp = q8_round_up(g->in_c, 16);
    return sizeof(q8_hdr) + q8_arrays_bytes(cp) + (size_t)taps * cp * 4;
}

static void dw_pack(const arv_conv_geom *g, const arv_q_conv *q, const int8_t *w,
                    const int32_t *bias, void *packed)
{
    const int taps = g->k_h * g->k_w, c_n = g->out_c, cp = q8_round_up(c_n, 16);
    if (!q8_pack_common(q, c_n, taps, taps, cp, w, (size_t)taps * c_n, bias, packed))
        return;
    q8_view v = q8_map(packed, cp);
    int32_t *W = v.w;
    for (int c = 0; c < c_n; c++) {
        int32_t s = 0;
        for (int t = 0; t < taps; t++)
            s += w[(size_t)t * c_n + c];
        v.bias[c] = (int32_t)((uint32_t)v.bias[c] + (uint32_t)(q->input_offset * s));
    }
    for (int t = 0; t < taps; t++)
        for (int c = 0; c < cp; c++)
            W[(size_t)t * cp + c] = c < c_n ? (int32_t)(uint16_t)(int16_t)w[(size_t)t * c_n + c] : 0;
}

/* 16 channels (two vectors) of one output pixel from tp[t] + off, weights
 * and bias of channel c0; the rows must have 16 readable bytes there (the
 * caller copies a short tail to a buffer). */
ALWAYS void dw_pixel16(const q8_view *v, const int8_t *const *tp, size_t off, int taps, int c0,
                       int cp, __m256i *a0, __m256i *a1)
{
    __m256i s0 = ld(v->bias + c0), s1 = ld(v->bias + c0 + 8);
    const int32_t *wp = (const int32_t *)v->w + c0;
    for (int t = 0; t < taps; t++, wp += cp) {
        const __m128i x = _mm_loadu_si128((const __m128i *)(tp[t] + off));
        s0 = _mm256_add_epi32(s0, _mm256_madd_epi16(_mm256_cvtepi8_epi32(x),
                                                    _mm256_load_si256((const __m256i *)wp)));
        s1 = _mm256_add_epi32(
            s1, _mm256_madd_epi16(_mm256_cvtepi8_epi32(_mm_srli_si128(x, 8)),
                                  _mm256_load_si256((const __m256i *)(wp + 8))));
    }
    *a0 = s0;
    *a1 = s1;
}

/* 8-channel maps at horizontal stride 1 (the pose decoders' 256x256x8):
 * output pixels [ox, ox_end) of row oy, two at a time, whose windows lie
 * inside the input horizontally; the two pixels' inputs of a tap are 16
 * contiguous bytes, and both use the same 8 weights. Rows above or below
 * the input read zb. Same sums and requantization as the general loop. */
static int dw8_pairs(const arv_conv_geom *g, const q8_view *v, const rq_consts *rc,
                     const int8_t *in_b, const int8_t *zb, int8_t *orow, int oy, int ox,
                     int ox_end)
{
    const int taps = g->k_h * g->k_w, y0 = oy * g->stride_h - g->pad_top;
    /* tap t of pixel ox at in_b + roff[t] + 8 ox (roff may be negative: the
     * window's left taps), or zb where its row is outside the input */
    ptrdiff_t roff[64];
    int inside[64];
    for (int ky = 0, t = 0; ky < g->k_h; ky++) {
        const int y = y0 + ky * g->dil_h;
        for (int kx = 0; kx < g->k_w; kx++, t++) {
            inside[t] = y >= 0 && y < g->in_h;
            roff[t] = ((ptrdiff_t)y * g->in_w + kx - g->pad_left) * 8;
        }
    }
    const __m256i b = ld(v->bias);
    for (; ox + 2 <= ox_end; ox += 2) {
        __m256i s0 = b, s1 = b;
        const int32_t *wp = (const int32_t *)v->w;
        for (int t = 0; t < taps; t++, wp += 16) {
            const __m128i x = _mm_loadu_si128(
                (const __m128i *)(inside[t] ? in_b + (roff[t] + (ptrdiff_t)ox * 8) : zb));
            const __m256i w = _mm256_load_si256((const __m256i *)wp);
            s0 = _mm256_add_epi32(s0, _mm256_madd_epi16(_mm256_cvtepi8_epi32(x), w));
            s1 = _mm256_add_epi32(s1, _mm256_madd_epi16(_mm256_cvtepi8_epi32(_mm_srli_si128(x, 8)), w));
        }
        _mm_storeu_si128((__m128i *)(orow + (ptrdiff_t)ox * 8),
                         narrow16(rq8(s0, v, 0, rc), rq8(s1, v, 0, rc)));
    }
    return ox;
}

static void dw_run(const arv_conv_geom *g, const arv_q_conv *q, const int8_t *in,
                   const void *packed, int8_t *out, int row_begin, int row_end)
{
    const int c_n = g->out_c, cp = q8_round_up(c_n, 16), taps = g->k_h * g->k_w;
    const q8_view v = q8_map((void *)packed, cp);
    if (v.h->mode != Q8_PACKED) {
        arv_q8_depthwise(g, q, in, v.w, v.bias, out, row_begin, row_end);
        return;
    }
    const rq_consts rc = rq_make(q);
    _Alignas(64) int8_t zb[Q8_CMAX + 16];
    memset(zb, (int8_t)(-q->input_offset), sizeof zb);
    _Alignas(64) int8_t tail[64][16];   /* the last <16 channels of each tap */
    memset(tail, 0, sizeof tail);
    const int c_full = c_n / 16 * 16;
    const int8_t *tp[64], *tt[64];
    /* cp == 16 for 8 channels: the weights of tap t at v.w + 16 t */
    const int narrow = c_n == 8 && g->stride_w == 1 && g->dil_w == 1;
    int ox_hi = g->in_w - g->k_w + 1 + g->pad_left;
    ox_hi = ox_hi > g->out_w ? g->out_w : ox_hi;
    const int x_span = (g->k_w - 1) * g->dil_w;
    ptrdiff_t toff[64];
    for (int ky = 0, t = 0; ky < g->k_h; ky++)
        for (int kx = 0; kx < g->k_w; kx++, t++)
            toff[t] = ((ptrdiff_t)ky * g->dil_h * g->in_w + (ptrdiff_t)kx * g->dil_w) * c_n;
    for (int r = row_begin; r < row_end; r++) {
        const int b = r / g->out_h, oy = r % g->out_h;
        const int8_t *in_b = in + (size_t)b * g->in_h * g->in_w * c_n;
        int8_t *orow = out + (size_t)r * g->out_w * c_n;
        const int y0 = oy * g->stride_h - g->pad_top;
        const int rows_in = y0 >= 0 && y0 + (g->k_h - 1) * g->dil_h < g->in_h;
        /* 8-channel maps: the interior in pairs, the borders below */
        int pair_lo = 0, pair_hi = 0;
        if (narrow) {
            pair_lo = g->pad_left < g->out_w ? g->pad_left : g->out_w;
            pair_hi = dw8_pairs(g, &v, &rc, in_b, zb, orow, oy, pair_lo, ox_hi);
        }
        for (int ox = 0; ox < g->out_w; ox++) {
            if (ox == pair_lo && pair_hi > pair_lo)
                ox = pair_hi;
            if (ox >= g->out_w)
                break;
            const int x0 = ox * g->stride_w - g->pad_left;
            if (rows_in && x0 >= 0 && x0 + x_span < g->in_w) {
                /* the window inside the input: fixed offsets from its corner */
                const int8_t *corner = in_b + ((size_t)y0 * g->in_w + x0) * c_n;
                for (int u = 0; u < taps; u++)
                    tp[u] = corner + toff[u];
            } else {
                int t = 0;
                for (int ky = 0; ky < g->k_h; ky++) {
                    const int y = y0 + ky * g->dil_h;
                    for (int kx = 0; kx < g->k_w; kx++, t++) {
                        const int x = x0 + kx * g->dil_w;
                        tp[t] = (y < 0 || y >= g->in_h || x < 0 || x >= g->in_w)
                                    ? zb
                                    : in_b + ((size_t)y * g->in_w + x) * c_n;
                    }
                }
            }
            int8_t *o = orow + (size_t)ox * c_n;
            __m256i a0, a1;
            for (int c0 = 0; c0 < c_full; c0 += 16) {
                dw_pixel16(&v, tp, (size_t)c0, taps, c0, cp, &a0, &a1);
                _mm_storeu_si128((__m128i *)(o + c0),
                                 narrow16(rq8(a0, &v, c0, &rc), rq8(a1, &v, c0 + 8, &rc)));
            }
            /* The rest, 8 channels at a time: in place while 8 remain, then
             * through a copy (no read past the row). */
            for (int c8 = c_full; c8 < c_n; c8 += 8) {
                const int n = c_n - c8 < 8 ? c_n - c8 : 8;
                const int8_t *const *src = tp;
                size_t off = (size_t)c8;
                if (n < 8) {
                    for (int i = 0; i < taps; i++) {
                        memcpy(tail[i], tp[i] + c8, (size_t)n);
                        tt[i] = tail[i];
                    }
                    src = tt;
                    off = 0;
                }
                __m256i s8 = ld(v.bias + c8);
                const int32_t *wp = (const int32_t *)v.w + c8;
                for (int u = 0; u < taps; u++, wp += cp) {
                    const __m128i x = _mm_loadl_epi64((const __m128i *)(src[u] + off));
                    s8 = _mm256_add_epi32(s8, _mm256_madd_epi16(_mm256_cvtepi8_epi32(x),
                                                                _mm256_load_si256((const __m256i *)wp)));
                }
                const __m256i r8 = rq8(s8, &v, c8, &rc);
                store_n(o + c8, narrow16(r8, r8), n);
            }
        }
    }
}

/* ---- the hooks ---- */

#include "kernels/simd/int8_hooks.inc"

/* avx2_int8_elementwise.c */
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

/* avx2_int8_elementwise.c, avx2_int8_resize.c, avx2_int8_transpose_conv.c */
void arv_q8_avg_pool_avx2(const arv_pool_geom *g, int32_t act_min, int32_t act_max,
        const int8_t *in, int8_t *out, int row_begin, int row_end);
void arv_q8_transpose_conv_avx2(const arv_conv_geom *g, const arv_q_conv *q, const int8_t *in,
        const int8_t *w, const int32_t *bias, int32_t *scratch, int8_t *out);
void arv_q8_quantize_rne_avx2(size_t n, const float *in, float inv_scale, int32_t zp,
        int8_t *out);
void arv_q8_resize_bilinear_q11_avx2(const arv_resize_geom *g, const int8_t *in, int8_t *out,
        int row_begin, int row_end);

/* avx2_int16_elementwise.c */
void arv_q16_add_avx2(const arv_q_add *p, const arv_bcast4 *s, const int16_t *a,
                      const int16_t *b, int16_t *out);

const arv_kernel_table_int8 arv_kernels_int8_avx2 = {
    .name = "avx2",
    .conv2d = arv_q8_conv2d,
    .depthwise = arv_q8_depthwise,
    .transpose_conv = arv_q8_transpose_conv_avx2,
    .fully_connected = arv_q8_fully_connected,
    .max_pool = arv_q8_max_pool_avx2,
    .avg_pool = arv_q8_avg_pool_avx2,
    .add = arv_q8_add_avx2,
    .add16 = arv_q16_add_avx2,
    .mul = arv_q8_mul_avx2,
    .prelu = arv_q8_prelu_avx2,
    .lut = arv_q8_lut,
    .hard_swish = arv_q8_hard_swish,
    .pad4 = q8_pad4_rows,
    .concat = arv_q8_concat,
    .quantize = arv_q8_quantize_avx2,
    .dequantize = arv_q8_dequantize_avx2,
    .packed_size = packed_size,
    .pack = pack,
    .run_packed = run_packed,
    .resize_bilinear_q11 = arv_q8_resize_bilinear_q11_avx2,
    .quantize_rne = arv_q8_quantize_rne_avx2,
    /* conv/depthwise: ARV_QR_FP32 packed; ARV_QR_SINGLE packs as Q8_RAW
     * (generic arithmetic); MUL takes the generic path for both */
    .roundings = 1u << ARV_QR_SINGLE | 1u << ARV_QR_FP32 | 1u << ARV_QR_XNN_ADD,
    .q16 = &arv_q16_loops_avx2,
};
