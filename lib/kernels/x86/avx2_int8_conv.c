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
 * Depthwise pairs vertically adjacent taps in one vpmaddwd, with the same
 * folded offset (below).
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

/* ---- depthwise ----
 *
 * Kernel rows go in pairs: one vpmaddwd multiplies 8 channels of two
 * vertically adjacent taps at once, (x[y][c], x[y+1][c]) int16 pairs against
 * (w[ky][c], w[ky+1][c]) pairs packed once (an odd last kernel row pairs with
 * a zero weight). The input pairs come from "pair rows": P(y) holds rows y
 * and y+1 of a slice of channels, sign-extended and interleaved, over the
 * padded width (columns and rows outside the input hold the zero point,
 * which the folded input offset cancels, as the reference skips those
 * taps). A pair row is built once and serves every output row and every
 * horizontal tap that reads it, where the single-tap kernel widened each
 * input byte once per tap. Same int32 sums, so bit-exact. */

/* Stack bytes of the pair-row ring (a larger ring, fewer channel slices,
 * measured faster up to this size), and its bounds. */
#define DW_RING 98304
#define DW_MAX_PAIRS 8
#define DW_MAX_SLOTS 16

typedef struct dw_shape {
    int npr;    /* kernel row pairs */
    int ns;     /* ring slots: 2 npr dil_h, so the pair rows one output row
                 * reads (y0, y0 + 2 dil_h, ...) never share a slot */
    int wp;     /* padded input columns one output row reads */
    int cb;     /* channels per slice (a multiple of 8) */
} dw_shape;

static int dw_shape_for(const arv_conv_geom *g, dw_shape *d)
{
    if (g->depth_mult != 1 || g->in_c <= 0 || g->in_c > Q8_CMAX || g->dil_h < 1 ||
        g->dil_w < 1 || g->k_h <= 0 || g->k_w <= 0 || g->k_h * g->k_w > 64 || g->out_w <= 0)
        return 0;
    d->npr = (g->k_h + 1) / 2;
    d->ns = 2 * d->npr * g->dil_h;
    if (d->npr > DW_MAX_PAIRS || d->ns > DW_MAX_SLOTS)
        return 0;
    d->wp = (g->out_w - 1) * g->stride_w + (g->k_w - 1) * g->dil_w + 1;
    const long per8 = (long)d->ns * d->wp * 8 * 4;   /* ring bytes per 8 channels */
    if (per8 > DW_RING)
        return 0;
    const int c8 = q8_round_up(g->in_c, 8);
    int cb = (int)(DW_RING / per8) * 8;
    d->cb = cb >= c8 ? c8 : cb >= 16 ? cb / 16 * 16 : cb;
    return 1;
}

static size_t dw_size(const arv_conv_geom *g)
{
    dw_shape d;
    if (!dw_shape_for(g, &d))
        return 0;
    const int cp = q8_round_up(g->in_c, 16);
    return sizeof(q8_hdr) + q8_arrays_bytes(cp) + (size_t)d.npr * g->k_w * cp * 4;
}

static void dw_pack(const arv_conv_geom *g, const arv_q_conv *q, const int8_t *w,
                    const int32_t *bias, void *packed)
{
    const int taps = g->k_h * g->k_w, c_n = g->out_c, cp = q8_round_up(c_n, 16);
    if (!q8_pack_common(q, c_n, taps, taps, cp, w, (size_t)taps * c_n, bias, packed))
        return;
    q8_view v = q8_map(packed, cp);
    for (int c = 0; c < c_n; c++) {
        int32_t s = 0;
        for (int t = 0; t < taps; t++)
            s += w[(size_t)t * c_n + c];
        v.bias[c] = (int32_t)((uint32_t)v.bias[c] + (uint32_t)(q->input_offset * s));
    }
    const int npr = (g->k_h + 1) / 2;
    uint32_t *W = v.w;
    for (int pr = 0; pr < npr; pr++)
        for (int kx = 0; kx < g->k_w; kx++)
            for (int c = 0; c < cp; c++) {
                const int y0 = 2 * pr, y1 = 2 * pr + 1;
                const int16_t w0 = c < c_n ? w[((size_t)y0 * g->k_w + kx) * c_n + c] : 0;
                const int16_t w1 =
                    c < c_n && y1 < g->k_h ? w[((size_t)y1 * g->k_w + kx) * c_n + c] : 0;
                W[((size_t)pr * g->k_w + kx) * cp + c] =
                    (uint32_t)(uint16_t)w0 | (uint32_t)(uint16_t)w1 << 16;
            }
}

/* 16 (or 8, n8) input bytes of a row at p + c, or the zero point where
 * fewer than that many channels remain (n of them are real). */
ALWAYS __m128i dw_bytes(const int8_t *p, int n, int n8, int8_t zp)
{
    if (n >= 16)
        return _mm_loadu_si128((const __m128i *)p);
    if (n8 && n >= 8)
        return _mm_loadl_epi64((const __m128i *)p);
    _Alignas(16) int8_t t[16];
    memset(t, zp, sizeof t);
    if (n > 0)
        memcpy(t, p, (size_t)n);
    return _mm_load_si128((const __m128i *)t);
}

/* Pair row P(y) of channels [c0, c0 + cb) into dst: wp columns of cb int32
 * pair units (x[y], x[y + dil_h]) as int16. */
static void dw_pair_row(const arv_conv_geom *g, const int8_t *in_b, int y, int c0, int cb,
                        int wp, int8_t zp, int32_t *dst)
{
    const int c_n = g->in_c;
    const int y1 = y + g->dil_h;
    const int ya = y >= 0 && y < g->in_h, yb = y1 >= 0 && y1 < g->in_h;
    if (cb == c_n) {
        /* the whole pixel: the columns inside the input are one run of
         * bytes in the input rows and one run of pairs in dst */
        int xp0 = g->pad_left < 0 ? 0 : g->pad_left, xp1 = g->pad_left + g->in_w;
        xp1 = xp1 > wp ? wp : xp1;
        xp0 = xp0 > xp1 ? xp1 : xp0;
        const __m256i zpair = _mm256_set1_epi32((int32_t)((uint32_t)(uint16_t)(int16_t)zp * 0x10001u));
        for (size_t i = 0; i < (size_t)xp0 * cb; i += 8)
            _mm256_storeu_si256((__m256i *)(dst + i), zpair);
        for (size_t i = (size_t)xp1 * cb; i < (size_t)wp * cb; i += 8)
            _mm256_storeu_si256((__m256i *)(dst + i), zpair);
        const size_t n = (size_t)(xp1 - xp0) * c_n;
        const size_t x0 = (size_t)(xp0 - g->pad_left);
        const int8_t *pa = ya && n ? in_b + ((size_t)y * g->in_w + x0) * c_n : NULL;
        const int8_t *pb = yb && n ? in_b + ((size_t)y1 * g->in_w + x0) * c_n : NULL;
        int32_t *d = dst + (size_t)xp0 * cb;
        const __m128i zv = _mm_set1_epi8(zp);
        size_t i = 0;
        for (; i + 16 <= n; i += 16) {
            const __m128i xa = ya ? _mm_loadu_si128((const __m128i *)(pa + i)) : zv;
            const __m128i xb = yb ? _mm_loadu_si128((const __m128i *)(pb + i)) : zv;
            _mm256_storeu_si256((__m256i *)(d + i), _mm256_cvtepi8_epi16(_mm_unpacklo_epi8(xa, xb)));
            _mm256_storeu_si256((__m256i *)(d + i + 8),
                                _mm256_cvtepi8_epi16(_mm_unpackhi_epi8(xa, xb)));
        }
        if (i < n) {   /* 8 left: c_n is a multiple of 8 */
            const __m128i xa = ya ? _mm_loadl_epi64((const __m128i *)(pa + i)) : zv;
            const __m128i xb = yb ? _mm_loadl_epi64((const __m128i *)(pb + i)) : zv;
            _mm256_storeu_si256((__m256i *)(d + i), _mm256_cvtepi8_epi16(_mm_unpacklo_epi8(xa, xb)));
        }
        return;
    }
    for (int xp = 0; xp < wp; xp++, dst += cb) {
        const int x = xp - g->pad_left;
        const int xin = x >= 0 && x < g->in_w;
        const int8_t *pa = ya && xin ? in_b + ((size_t)y * g->in_w + x) * c_n + c0 : NULL;
        const int8_t *pb = yb && xin ? in_b + ((size_t)y1 * g->in_w + x) * c_n + c0 : NULL;
        for (int c = 0; c < cb; c += 16) {
            const int n = c_n - c0 - c, n8 = cb - c == 8;
            const __m128i xa = pa ? dw_bytes(pa + c, n, n8, zp) : _mm_set1_epi8(zp);
            const __m128i xb = pb ? dw_bytes(pb + c, n, n8, zp) : _mm_set1_epi8(zp);
            _mm256_storeu_si256((__m256i *)(dst + c),
                                _mm256_cvtepi8_epi16(_mm_unpacklo_epi8(xa, xb)));
            if (c + 8 < cb)
                _mm256_storeu_si256((__m256i *)(dst + c + 8),
                                    _mm256_cvtepi8_epi16(_mm_unpackhi_epi8(xa, xb)));
        }
    }
}

/* PX output pixels from ox, NV vectors of 8 channels from slice channel c
 * (global cg): sums over the kernel's row pairs and columns. */
ALWAYS void dw_px(const int PX, const int NV, const int KW, const arv_conv_geom *g,
                  const q8_view *v, const rq_consts *rc, const int32_t *const *prow, int npr,
                  int cb, int cp, int ox, int c, int cg, int8_t *orow)
{
    const int k_w = KW ? KW : g->k_w;
    const size_t xstep = (size_t)g->stride_w * cb, kstep = (size_t)g->dil_w * cb;
    __m256i acc[4][2];
    UNROLL
    for (int j = 0; j < NV; j++) {
        const __m256i b = ld(v->bias + cg + 8 * j);
        UNROLL
        for (int i = 0; i < PX; i++)
            acc[i][j] = b;
    }
    const int32_t *W = (const int32_t *)v->w + cg;
    for (int pr = 0; pr < npr; pr++) {
        const int32_t *row = prow[pr] + c + (size_t)ox * xstep;
        UNROLL
        for (int kx = 0; kx < k_w; kx++, W += cp) {
            __m256i wv[2];
            UNROLL
            for (int j = 0; j < NV; j++)
                wv[j] = ld(W + 8 * j);
            UNROLL
            for (int i = 0; i < PX; i++) {
                const int32_t *x = row + (size_t)i * xstep + (size_t)kx * kstep;
                UNROLL
                for (int j = 0; j < NV; j++)
                    acc[i][j] = _mm256_add_epi32(acc[i][j], _mm256_madd_epi16(ld(x + 8 * j), wv[j]));
            }
        }
    }
    if (NV == 1 && g->out_c == 8 && PX % 2 == 0) {
        /* 8-channel maps: two pixels' 8 bytes are 16 contiguous ones */
        UNROLL
        for (int i = 0; i < PX; i += 2)
            _mm_storeu_si128((__m128i *)(orow + (size_t)(ox + i) * 8),
                             narrow16(rq8(acc[i][0], v, 0, rc), rq8(acc[i + 1][0], v, 0, rc)));
        return;
    }
    const int n = g->out_c - cg < 8 * NV ? g->out_c - cg : 8 * NV;
    UNROLL
    for (int i = 0; i < PX; i++) {
        const __m256i r0 = rq8(acc[i][0], v, cg, rc);
        const __m256i r1 = NV > 1 ? rq8(acc[i][1], v, cg + 8, rc) : r0;
        store_n(orow + (size_t)(ox + i) * g->out_c + cg, narrow16(r0, r1), n);
    }
}

/* One output row of slice [c0, c0 + cb), the kernel width KW a constant
 * where the models have it (3, 5), else 0. */
ALWAYS void dw_row_k(const int KW, const arv_conv_geom *g, const q8_view *v,
                     const rq_consts *rc, const int32_t *const *prow, int npr, int cb, int cp,
                     int c0, int8_t *orow)
{
    for (int c = 0; c < cb; c += 16) {
        int ox = 0;
        if (cb - c >= 16) {
            for (; ox + 2 <= g->out_w; ox += 2)
                dw_px(2, 2, KW, g, v, rc, prow, npr, cb, cp, ox, c, c0 + c, orow);
            for (; ox < g->out_w; ox++)
                dw_px(1, 2, KW, g, v, rc, prow, npr, cb, cp, ox, c, c0 + c, orow);
        } else {
            for (; ox + 4 <= g->out_w; ox += 4)
                dw_px(4, 1, KW, g, v, rc, prow, npr, cb, cp, ox, c, c0 + c, orow);
            for (; ox < g->out_w; ox++)
                dw_px(1, 1, KW, g, v, rc, prow, npr, cb, cp, ox, c, c0 + c, orow);
        }
    }
}

static void dw_row(const arv_conv_geom *g, const q8_view *v, const rq_consts *rc,
                   const int32_t *const *prow, int npr, int cb, int cp, int c0, int8_t *orow)
{
    if (g->k_w == 3)
        dw_row_k(3, g, v, rc, prow, npr, cb, cp, c0, orow);
    else if (g->k_w == 5)
        dw_row_k(5, g, v, rc, prow, npr, cb, cp, c0, orow);
    else
        dw_row_k(0, g, v, rc, prow, npr, cb, cp, c0, orow);
}

static void dw_run(const arv_conv_geom *g, const arv_q_conv *q, const int8_t *in,
                   const void *packed, int8_t *out, int row_begin, int row_end)
{
    const int c_n = g->out_c, cp = q8_round_up(c_n, 16);
    const q8_view v = q8_map((void *)packed, cp);
    dw_shape d;
    if (v.h->mode != Q8_PACKED || !dw_shape_for(g, &d)) {
        arv_q8_depthwise(g, q, in, v.w, v.bias, out, row_begin, row_end);
        return;
    }
    const rq_consts rc = rq_make(q);
    const int8_t zp = (int8_t)(-q->input_offset);
    _Alignas(32) int32_t ring[DW_RING / 4];
    for (int c0 = 0; c0 < c_n; c0 += d.cb) {
        const int cb = c_n - c0 < d.cb ? q8_round_up(c_n - c0, 8) : d.cb;
        int tag[DW_MAX_SLOTS], tag_b = -1;
        for (int r = row_begin; r < row_end; r++) {
            const int b = r / g->out_h, oy = r % g->out_h;
            const int8_t *in_b = in + (size_t)b * g->in_h * g->in_w * c_n;
            if (b != tag_b) {   /* a new image: no pair row is valid */
                for (int i = 0; i < d.ns; i++)
                    tag[i] = INT32_MIN;
                tag_b = b;
            }
            const int y0 = oy * g->stride_h - g->pad_top;
            const int32_t *prow[DW_MAX_PAIRS];
            for (int pr = 0; pr < d.npr; pr++) {
                const int y = y0 + 2 * pr * g->dil_h;
                const int slot = ((y % d.ns) + d.ns) % d.ns;
                int32_t *dst = ring + (size_t)slot * d.wp * cb;
                if (tag[slot] != y) {
                    dw_pair_row(g, in_b, y, c0, cb, d.wp, zp, dst);
                    tag[slot] = y;
                }
                prow[pr] = dst;
            }
            dw_row(g, &v, &rc, prow, d.npr, cb, cp, c0, out + (size_t)r * g->out_w * c_n);
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
