/* avx512vnni_int16_depthwise.c — the 16x8 DEPTHWISE_CONV_2D on AVX-512 VNNI with
 * weights packed in tap pairs (arv_q16_dw_pack): lanes are channels, and
 * one vpdpwssd adds two taps of 16 channels, where the portable loops
 * widen every product to int32 and multiply it alone.
 *
 * Exactness: a sum of at most ARV_Q16_DW_MAX_TAPS products of at most 2^22
 * fits int32, so the requantization multiplies int32 sums (vpmuldq, 32x32
 * -> 64 bits) and adds the bias times the multiplier, worked out once,
 * with the rounding term: arv_q16_mul_by_mult64's result, since for a bias
 * under 2^46 its clamp of the sum to +-2^47 cannot bite, and its int32
 * saturation lies outside the activation clamp. A larger bias (no real
 * model has one) returns 0, and the caller runs the portable loops. */
#include <immintrin.h>
#include <stddef.h>
#include "kernels/kernels_int8.h"

/* Padded taps read zeros (int16 activations have zero point 0). */
static const int16_t zero_row[ARV_Q16_DW_MAX_C];

#define BIAS_MAX ((int64_t)1 << 46)

/* The requantization terms of 16 channels: even channels sit in the low
 * halves of the 64-bit lanes (vpmuldq's operands), odd ones are shifted
 * down into them. rnd_* carries the bias too: (acc + bias) * red + round
 * = acc * red + (bias * red + round), exact in int64. */
typedef struct rq16 {
    __m512i red_e, red_o, tot_e, tot_o, rnd_e, rnd_o;
} rq16;


/* Lane j holds channel c0 + j, or with a period, channel (c0 + j) % period
 * (narrow maps: several pixels' channels in one vector). */
static void rq16_prepare(const arv_q16_conv *q, const int64_t *bias, int c0, int C, int period,
                         rq16 *r)
{
    int32_t red[16];
    int64_t te[8], to[8], re[8], ro[8];
    for (int j = 0; j < 16; j++) {
        const int c = period ? (c0 + j) % period : c0 + j, in = c < C;
        red[j] = in ? arv_q16_reduced_mult(q->mult[c]) : 0;
        const int total = in ? 15 - q->shift[c] : 15;
        const int64_t rnd = ((int64_t)1 << (total - 1)) + (in && bias ? bias[c] * red[j] : 0);
        if (j % 2) {
            to[j / 2] = total;
            ro[j / 2] = rnd;
        } else {
            te[j / 2] = total;
            re[j / 2] = rnd;
        }
    }
    r->red_e = _mm512_loadu_si512(red);
    r->red_o = _mm512_srli_epi64(r->red_e, 32);
    r->tot_e = _mm512_loadu_si512(te);
    r->tot_o = _mm512_loadu_si512(to);
    r->rnd_e = _mm512_loadu_si512(re);
    r->rnd_o = _mm512_loadu_si512(ro);
}

static inline __m512i scale64(__m512i x, __m512i red, __m512i rnd, __m512i tot, __m512i lo,
                              __m512i hi)
{
    __m512i v = _mm512_add_epi64(_mm512_mul_epi32(x, red), rnd);
    v = _mm512_srav_epi64(v, tot);
    return _mm512_min_epi64(_mm512_max_epi64(v, lo), hi);
}

/* 16 int32 sums (channels in order) to 16 clamped int16 outputs. */
static inline __m256i requant16(__m512i acc, const rq16 *r, __m512i lo, __m512i hi)
{
    const __m512i e = scale64(acc, r->red_e, r->rnd_e, r->tot_e, lo, hi);
    const __m512i o = scale64(_mm512_srli_epi64(acc, 32), r->red_o, r->rnd_o, r->tot_o, lo, hi);
    return _mm512_cvtepi32_epi16(_mm512_mask_blend_epi32(0xAAAA, e, _mm512_slli_epi64(o, 32)));
}

/* The input row of each tap of output pixel (oy, ox); padding: zeros. A
 * window wholly inside the input (most of them) takes the taps' fixed
 * offsets off[t] from its corner, without a bounds test per tap. */
static inline void tap_rows(const arv_conv_geom *g, const int16_t *in_b, int oy, int ox,
                            const ptrdiff_t *off, const int16_t **taps)
{
    const int y0 = oy * g->stride_h - g->pad_top, x0 = ox * g->stride_w - g->pad_left;
    const int T = g->k_h * g->k_w;
    if (y0 >= 0 && y0 + (g->k_h - 1) * g->dil_h < g->in_h && x0 >= 0 &&
        x0 + (g->k_w - 1) * g->dil_w < g->in_w) {
        const int16_t *corner = in_b + ((size_t)y0 * g->in_w + x0) * g->in_c;
        for (int t = 0; t < T; t++)
            taps[t] = corner + off[t];
        return;
    }
    for (int ky = 0, t = 0; ky < g->k_h; ky++) {
        const int y = y0 + ky * g->dil_h;
        for (int kx = 0; kx < g->k_w; kx++, t++) {
            const int x = x0 + kx * g->dil_w;
            taps[t] = y >= 0 && y < g->in_h && x >= 0 && x < g->in_w
                          ? in_b + ((size_t)y * g->in_w + x) * g->in_c
                          : zero_row;
        }
    }
}

/* The sums of one pixel's 32-channel block (vpunpck{l,h}wd order) put back
 * in channel order, requantized and stored (rem: channels left from c0). */
static inline void store32(__m512i al, __m512i ah, const rq16 *rq, __m512i lo, __m512i hi,
                           __mmask32 m, int rem, int16_t *o)
{
    /* dword 4l + i holds channel 8l + i (low) and 8l + 4 + i (high); bit
     * 4 of an index picks the high half */
    const __m512i idx0 = _mm512_set_epi32(23, 22, 21, 20, 7, 6, 5, 4, 19, 18, 17, 16, 3, 2, 1, 0);
    const __m512i idx1 =
        _mm512_set_epi32(31, 30, 29, 28, 15, 14, 13, 12, 27, 26, 25, 24, 11, 10, 9, 8);
    _mm256_mask_storeu_epi16(o, (__mmask16)m,
                             requant16(_mm512_permutex2var_epi32(al, idx0, ah), rq, lo, hi));
    if (rem > 16)
        _mm256_mask_storeu_epi16(o + 16, (__mmask16)(m >> 16),
                                 requant16(_mm512_permutex2var_epi32(al, idx1, ah), rq + 1, lo,
                                           hi));
}

/* What every pixel of one call shares. */
typedef struct dw_ctx {
    const arv_conv_geom *g;
    const int16_t *wp;       /* packed weights */
    const rq16 *rq;          /* per 16 channels */
    const rq16 *rq_rep;      /* narrow maps: the channels' terms repeated */
    const __m512i *wn;       /* narrow maps: per pair, low and high weights */
    const ptrdiff_t *off;    /* per tap, from the window's corner */
    __m512i lo, hi;
    int C, T, P, NB;
} dw_ctx;

/* Output pixels [ox, ox_end) of row r, two at a time, every channel block. */
static void dw_pixels(const dw_ctx *x, const int16_t *in_b, int16_t *o_row, int oy, int ox,
                      int ox_end)
{
    const int C = x->C, NB = x->NB;
    const size_t pair_stride = (size_t)NB * 64;
    /* two pixels' taps; an odd count's last pair reads zeros, its weights
     * being zero */
    const int16_t *taps[2][ARV_Q16_DW_MAX_TAPS + 1];
    taps[0][x->T] = taps[1][x->T] = zero_row;
    for (; ox < ox_end; ox += 2) {
        const int np = ox + 1 < ox_end ? 2 : 1;
        for (int k = 0; k < np; k++)
            tap_rows(x->g, in_b, oy, ox + k, x->off, taps[k]);
        int16_t *o = o_row + (size_t)ox * C;
        for (int blk = 0; blk < NB; blk++) {
            const int c0 = 32 * blk, rem = C - c0;
            const __mmask32 m = rem >= 32 ? 0xFFFFFFFFu : (1u << rem) - 1;
            const int16_t *w = x->wp + (size_t)blk * 64;
            __m512i al = _mm512_setzero_si512(), ah = al, bl = al, bh = al;
            const int16_t *const *ta = taps[0], *const *tb = taps[np - 1];
            for (int p = 0; p < x->P; p++, w += pair_stride) {
                const __m512i wl = _mm512_loadu_si512(w), wh = _mm512_loadu_si512(w + 32);
                const __m512i xa = _mm512_maskz_loadu_epi16(m, ta[2 * p] + c0);
                const __m512i xb = _mm512_maskz_loadu_epi16(m, ta[2 * p + 1] + c0);
                al = _mm512_dpwssd_epi32(al, _mm512_unpacklo_epi16(xa, xb), wl);
                ah = _mm512_dpwssd_epi32(ah, _mm512_unpackhi_epi16(xa, xb), wh);
                const __m512i ya = _mm512_maskz_loadu_epi16(m, tb[2 * p] + c0);
                const __m512i yb = _mm512_maskz_loadu_epi16(m, tb[2 * p + 1] + c0);
                bl = _mm512_dpwssd_epi32(bl, _mm512_unpacklo_epi16(ya, yb), wl);
                bh = _mm512_dpwssd_epi32(bh, _mm512_unpackhi_epi16(ya, yb), wh);
            }
            store32(al, ah, x->rq + 2 * blk, x->lo, x->hi, m, rem, o + c0);
            if (np > 1)
                store32(bl, bh, x->rq + 2 * blk, x->lo, x->hi, m, rem, o + C + c0);
        }
    }
}

/* Maps of 8 or 16 channels at horizontal stride 1 (the pose decoders'
 * 256x256x8): 32 / C horizontally adjacent pixels, all of whose taps are
 * inside the input horizontally, fill one vector, their taps' inputs being
 * contiguous; the weights are the first 128 or 256 bits of the packed
 * block, repeated. Rows above or below the input read zeros. */
static void dw_narrow_group(const dw_ctx *x, const int16_t *in_b, int16_t *o, int oy, int ox)
{
    const arv_conv_geom *g = x->g;
    const int C = x->C;
    const int y0 = oy * g->stride_h - g->pad_top, x0 = ox - g->pad_left;
    const int16_t *taps[ARV_Q16_DW_MAX_TAPS + 1];
    for (int ky = 0, t = 0; ky < g->k_h; ky++) {
        const int y = y0 + ky * g->dil_h;
        const int16_t *row = in_b + ((ptrdiff_t)y * g->in_w + x0) * C;
        for (int kx = 0; kx < g->k_w; kx++, t++)
            taps[t] = y >= 0 && y < g->in_h ? row + kx * C : zero_row;
    }
    taps[x->T] = zero_row;
    __m512i al = _mm512_setzero_si512(), ah = al;
    for (int p = 0; p < x->P; p++) {
        const __m512i xa = _mm512_loadu_si512(taps[2 * p]);
        const __m512i xb = _mm512_loadu_si512(taps[2 * p + 1]);
        al = _mm512_dpwssd_epi32(al, _mm512_unpacklo_epi16(xa, xb), x->wn[2 * p]);
        ah = _mm512_dpwssd_epi32(ah, _mm512_unpackhi_epi16(xa, xb), x->wn[2 * p + 1]);
    }
    /* the 32 outputs in order are channel blocks of 32 as store32 sees them */
    store32(al, ah, x->rq_rep, x->lo, x->hi, 0xFFFFFFFFu, 32, o + (size_t)ox * C);
}

int arv_q16_dw_packed_avx512vnni(const arv_conv_geom *g, const arv_q16_conv *q, const int16_t *in,
                                 const void *packed, const int64_t *bias, int16_t *out,
                                 int row_begin, int row_end)
{
    const int C = g->in_c, T = g->k_h * g->k_w, P = (T + 1) / 2, NB = (C + 31) / 32;
    if (g->depth_mult != 1 || C > ARV_Q16_DW_MAX_C || T > ARV_Q16_DW_MAX_TAPS)
        return 0;
    for (int c = 0; bias && c < C; c++)
        if (bias[c] >= BIAS_MAX || bias[c] <= -BIAS_MAX)
            return 0;
    rq16 rq[ARV_Q16_DW_MAX_C / 16], rq_rep[2];
    for (int k = 0; k < 2 * NB; k++)
        rq16_prepare(q, bias, 16 * k, C, 0, &rq[k]);
    ptrdiff_t off[ARV_Q16_DW_MAX_TAPS];
    for (int ky = 0, t = 0; ky < g->k_h; ky++)
        for (int kx = 0; kx < g->k_w; kx++, t++)
            off[t] = ((ptrdiff_t)ky * g->dil_h * g->in_w + (ptrdiff_t)kx * g->dil_w) * C;
    dw_ctx x = {g, packed, rq, rq_rep, NULL, off, _mm512_set1_epi64(q->act_min),
                _mm512_set1_epi64(q->act_max), C, T, P, NB};
    /* narrow maps: pixels [ox_lo, ox_hi) have every horizontal tap inside */
    const int narrow = (C == 8 || C == 16) && g->stride_w == 1 && g->dil_w == 1;
    int ox_lo = 0, ox_hi = 0;
    __m512i wn[ARV_Q16_DW_MAX_TAPS + 2];
    if (narrow) {
        const int16_t *w = packed;
        for (int p = 0; p < P; p++, w += 64) {
            const __m512i wl = _mm512_loadu_si512(w), wh = _mm512_loadu_si512(w + 32);
            wn[2 * p] = C == 8 ? _mm512_broadcast_i32x4(_mm512_castsi512_si128(wl))
                               : _mm512_broadcast_i64x4(_mm512_castsi512_si256(wl));
            wn[2 * p + 1] = C == 8 ? _mm512_broadcast_i32x4(_mm512_castsi512_si128(wh))
                                   : _mm512_broadcast_i64x4(_mm512_castsi512_si256(wh));
        }
        x.wn = wn;
        rq16_prepare(q, bias, 0, C, C, &rq_rep[0]);
        rq16_prepare(q, bias, 16, C, C, &rq_rep[1]);
        ox_lo = g->pad_left < g->out_w ? g->pad_left : g->out_w;
        ox_hi = g->in_w - g->k_w + 1 + g->pad_left;
        ox_hi = ox_hi > g->out_w ? g->out_w : ox_hi < ox_lo ? ox_lo : ox_hi;
    }
    const int group = 32 / (C ? C : 1);
    for (int r = row_begin; r < row_end; r++) {
        const int b = r / g->out_h, oy = r % g->out_h;
        const int16_t *in_b = in + (size_t)b * g->in_h * g->in_w * C;
        int16_t *o_row = out + (size_t)r * g->out_w * C;
        if (!narrow) {
            dw_pixels(&x, in_b, o_row, oy, 0, g->out_w);
            continue;
        }
        int ox = ox_lo;
        for (; ox + group <= ox_hi; ox += group)
            dw_narrow_group(&x, in_b, o_row, oy, ox);
        dw_pixels(&x, in_b, o_row, oy, 0, ox_lo);
        dw_pixels(&x, in_b, o_row, oy, ox, g->out_w);
    }
    return 1;
}
