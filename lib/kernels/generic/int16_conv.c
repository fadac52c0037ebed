/* int16_conv.c — CONV_2D and DEPTHWISE_CONV_2D with int16 activations and
 * int8 weights ("16x8"), as TensorFlow Lite runs them.
 *
 * What TFLite does (conv.cc / depthwise_conv.cc, EvalQuantizedPerChannel16x8;
 * its XNNPACK delegate takes no int16 op, so the builtin kernel runs): with an
 * int64 bias it always takes reference_integer_ops::ConvPerChannel /
 * DepthwiseConvPerChannel (no optimized int64-bias kernel exists), whatever
 * kernel_type. Zero points of input and output are 0 (Prepare checks), the
 * filter is symmetric per channel. Per output: an int64 sum of w * x over the
 * taps inside the input (padding contributes nothing), plus the bias, then
 * the 64-bit MultiplyByQuantizedMultiplier (arv_q16_mul_by_mult64: the Q31
 * multiplier cut to Q15, one rounding shift), clamped to the activation
 * range; no output offset. The int32-bias variant would take other kernels
 * (an optimized one with int32 accumulators), so the op files refuse it.
 * Sums are exact, so the order of accumulation does not matter. */
#include <string.h>
#include "kernels/kernels_int8.h"


int32_t arv_q16_mul_by_mult64(int64_t x, int32_t q, int shift)
{
    const int64_t reduced = arv_q16_reduced_mult(q);
    const int total = 15 - shift;   /* prepare keeps shift in [-31, 7] */
    /* TFLite assumes |x| < 2^47 (sums of valid models are far below); the
     * clamps only keep crafted models from overflowing. */
    const int64_t lim = (int64_t)1 << 47;
    x = x < -lim ? -lim : x >= lim ? lim - 1 : x;
    int64_t r = (x * reduced + ((int64_t)1 << (total - 1))) >> total;
    r = r < INT32_MIN ? INT32_MIN : r > INT32_MAX ? INT32_MAX : r;
    return (int32_t)r;
}

void arv_q16_rq_prepare(const arv_q16_conv *q, const int64_t *bias, int oc0, int n,
                        arv_q16_rq *p)
{
    for (int j = 0; j < n; j++) {
        p->bias[j] = bias ? bias[oc0 + j] : 0;
        p->red[j] = arv_q16_reduced_mult(q->mult[oc0 + j]);
        p->total[j] = 15 - q->shift[oc0 + j];
        p->rnd[j] = (int64_t)1 << (p->total[j] - 1);
    }
    p->act_min = q->act_min;
    p->act_max = q->act_max;
}

static inline int16_t requant16(int64_t acc, const arv_q16_conv *q, int oc)
{
    int32_t v = arv_q16_mul_by_mult64(acc, q->mult[oc], q->shift[oc]);
    v = v < q->act_min ? q->act_min : v;
    v = v > q->act_max ? q->act_max : v;
    return (int16_t)v;
}

#define CONV_T int16_t
#define CONV_ACC int64_t
#define CONV_BIAS_T int64_t
#define CONV_Q arv_q16_conv
#define CONV_IN_OFF(q) 0
#define CONV_W_OFF(q) 0
#define CONV_REQUANT(acc, q, oc) requant16(acc, q, oc)
#define CONV_FN_CONV2D arv_q16_conv2d_ref
#define CONV_FN_DEPTHWISE arv_q16_depthwise_ref
#define CONV_FN_FC arv_q16_fully_connected_ref
#include "conv_integer.inc"

/* The fast forms. |w * x| <= 128 * 32768 = 2^22, so an int32 holds the
 * exact sum of up to 511 products: the dots below sum in int32 over chunks
 * and carry the chunks in int64 (the reference sums every product in
 * int64). The shared loops gather, per output pixel, the runs of taps that
 * are contiguous in both the input and the weights and hand them to an
 * ISA's dot (arv_q16_loops), then requantize a row of channels at a time
 * through the same table. The portable loops below are the fallback for
 * every ISA without its own (plain x86-64 tables, aarch64). */

/* Products per int32 chunk (under 511); also the channels per stack row. */
#define Q16_CHUNK 256

/* Blocks of 16 with a constant trip count: the form GCC's -O2 vectorizer
 * (its "very cheap" cost model, no epilogue) turns into pmaddwd / smlal. */
#define Q16_BLK 16

/* n <= Q16_CHUNK products: exact in int32. */
static int32_t dot_chunk(const int16_t *x, const int8_t *w, int n)
{
    int32_t part = 0;
    const int nb = n / Q16_BLK;
    for (int b = 0; b < nb; b++)
        for (int k = 0; k < Q16_BLK; k++)
            part += (int32_t)w[Q16_BLK * b + k] * x[Q16_BLK * b + k];
    for (int c = Q16_BLK * nb; c < n; c++)
        part += (int32_t)w[c] * x[c];
    return part;
}

static void dot1_c(const int16_t *const *xs, const int8_t *const *ws, int nseg, int len,
                   size_t oc_stride, int n_oc, int64_t *sums)
{
    for (int j = 0; j < n_oc; j++) {
        int64_t acc = 0;
        for (int s = 0; s < nseg; s++) {
            const int8_t *w = ws[s] + (size_t)j * oc_stride;
            for (int c0 = 0; c0 < len; c0 += Q16_CHUNK)
                acc += dot_chunk(xs[s] + c0, w + c0, len - c0 < Q16_CHUNK ? len - c0 : Q16_CHUNK);
        }
        sums[j] = acc;
    }
}

static void dot_c(const int16_t *const *xs, const int16_t *const *xs2, const int8_t *const *ws,
                  int nseg, int len, size_t oc_stride, int n_oc, int64_t *sums, int64_t *sums2)
{
    dot1_c(xs, ws, nseg, len, oc_stride, n_oc, sums);
    if (xs2)
        dot1_c(xs2, ws, nseg, len, oc_stride, n_oc, sums2);
}

/* restrict: the vectorizer may not version the loop for aliasing. */
static void dw_tap(const int16_t *restrict x, const int8_t *restrict w, int n,
                   int32_t *restrict acc)
{
    const int body = n / Q16_BLK * Q16_BLK;
    for (int c = 0; c < body; c += Q16_BLK)
        for (int k = 0; k < Q16_BLK; k++)
            acc[c + k] += (int32_t)w[c + k] * x[c + k];
    for (int c = body; c < n; c++)
        acc[c] += (int32_t)w[c] * x[c];
}

static void dw_c(const int16_t *const *xs, const int8_t *const *ws, int ntaps, int n,
                 int32_t *acc)
{
    for (int c = 0; c < n; c++)
        acc[c] = 0;
    for (int t = 0; t < ntaps; t++)
        dw_tap(xs[t], ws[t], n, acc);
}

void arv_q16_requant_c(const int64_t *acc, const int64_t *bias, const arv_q16_conv *q, int oc0,
                       int n, int16_t *out)
{
    for (int j = 0; j < n; j++)
        out[j] = requant16(acc[j] + (bias ? bias[oc0 + j] : 0), q, oc0 + j);
}

/* Lanes are output channels: each input pair scales a row of packed
 * weight pairs (the form GCC turns into pmaddwd). */
static void pw_c(const int16_t *const *xs, int npix, const int16_t *wp, int K, int ocp,
                 int32_t *acc)
{
    for (int p = 0; p < npix; p++) {
        int32_t *restrict a = acc + (size_t)p * ocp;
        for (int j = 0; j < ocp; j++)
            a[j] = 0;
        for (int k = 0; k < K; k += 2) {
            const int32_t x0 = xs[p][k], x1 = k + 1 < K ? xs[p][k + 1] : 0;
            const int16_t *restrict wr = wp + (size_t)k * ocp;
            for (int j = 0; j < ocp; j++)
                a[j] += x0 * wr[2 * j] + x1 * wr[2 * j + 1];
        }
    }
}

const arv_q16_loops arv_q16_loops_c = {
    .dot = dot_c, .dw = dw_c, .requant = arv_q16_requant_c, .pw = pw_c};

/* Runs of taps per pixel the stack lists hold; a larger kernel (none in
 * the models here) takes the reference loops. */
#define Q16_MAX_SEG 64
/* Output channels one dot call sums (the dots keep an accumulator each). */
#define Q16_OC_BLOCK 4

/* All output channels of one pixel, or of two (xs2 not NULL) whose runs
 * line up (the same weights, as for neighbours inside the input): sums by
 * blocks of Q16_OC_BLOCK into stack rows, requantized a row at a time. */
static void conv_pixels(const arv_q16_loops *f, const arv_q16_conv *q, const int16_t *const *xs,
                        const int16_t *const *xs2, const int8_t *const *ws, int nseg, int len,
                        size_t oc_stride, int out_c, const int64_t *bias, int16_t *o,
                        int16_t *o2)
{
    int64_t sums[Q16_CHUNK], sums2[Q16_CHUNK];
    const int8_t *wo[Q16_MAX_SEG];
    for (int oc0 = 0; oc0 < out_c; oc0 += Q16_CHUNK) {
        const int m = out_c - oc0 < Q16_CHUNK ? out_c - oc0 : Q16_CHUNK;
        for (int j = 0; j < m; j += Q16_OC_BLOCK) {
            for (int s = 0; s < nseg; s++)
                wo[s] = ws[s] + (size_t)(oc0 + j) * oc_stride;
            f->dot(xs, xs2, wo, nseg, len, oc_stride,
                   m - j < Q16_OC_BLOCK ? m - j : Q16_OC_BLOCK, sums + j, sums2 + j);
        }
        f->requant(sums, bias, q, oc0, m, o + oc0);
        if (xs2)
            f->requant(sums2, bias, q, oc0, m, o2 + oc0);
    }
}

/* The runs of output pixel (oy, ox) into xs/ws (weights of channel 0),
 * their common length into *len; returns how many. */
static int conv_runs(const arv_conv_geom *g, const int16_t *in_b, const int8_t *w, int oy, int ox,
                     const int16_t **xs, const int8_t **ws, int *len)
{
    const int ic_n = g->in_c;
    const int y0 = oy * g->stride_h - g->pad_top;
    const int x0 = ox * g->stride_w - g->pad_left;
    int nseg = 0;
    *len = ic_n;
    for (int ky = 0; ky < g->k_h; ky++) {
        const int y = y0 + ky * g->dil_h;
        if (y < 0 || y >= g->in_h)
            continue;
        if (g->dil_w == 1) {
            const int kx0 = x0 < 0 ? -x0 : 0;
            const int kx1 = x0 + g->k_w > g->in_w ? g->in_w - x0 : g->k_w;
            if (kx1 <= kx0)
                continue;
            /* every row of a pixel has the same columns inside */
            *len = (kx1 - kx0) * ic_n;
            xs[nseg] = in_b + ((size_t)y * g->in_w + x0 + kx0) * ic_n;
            ws[nseg++] = w + ((size_t)ky * g->k_w + kx0) * ic_n;
            continue;
        }
        for (int kx = 0; kx < g->k_w; kx++) {
            const int x = x0 + kx * g->dil_w;
            if (x < 0 || x >= g->in_w)
                continue;
            xs[nseg] = in_b + ((size_t)y * g->in_w + x) * ic_n;
            ws[nseg++] = w + ((size_t)ky * g->k_w + kx) * ic_n;
        }
    }
    return nseg;
}

_Static_assert(Q16_CHUNK <= ARV_Q16_RQ_MAX, "a chunk of channels fills one arv_q16_rq");

/* Pixels per pw call. */
#define Q16_PW_PIX 4
/* Input channels whose weights the unpacked path packs on the stack per
 * call; longer K takes the dots unless the weights were packed once. */
#define Q16_PW_STACK_K 32

/* One chunk of m <= Q16_CHUNK output channels from oc0 over output rows
 * [row_begin, row_end), its weights wp in pw's layout (ocp channels).
 * K goes to pw in chunks of ARV_Q16_PW_MAX_K (even, so chunks start on a
 * pair) whose exact int32 sums carry in int64 when there are several. */
static void pw_chunk(const arv_conv_geom *g, const arv_q16_conv *q, const int16_t *in,
                     const int16_t *wp, int oc0, int m, int ocp, const int64_t *bias,
                     int16_t *out, int row_begin, int row_end, const arv_q16_loops *f)
{
    const int K = g->in_c;
    const int one = K <= ARV_Q16_PW_MAX_K;
    int32_t acc[Q16_PW_PIX * Q16_CHUNK];
    int64_t sums[Q16_PW_PIX * Q16_CHUNK];
    arv_q16_rq rq;
    /* pixels in the padding read zeros: only the bias is left */
    static const int16_t zeros[ARV_Q16_PW_MAX_K];
    const int rq32 = one && f->requant32;
    if (rq32)
        arv_q16_rq_prepare(q, bias, oc0, m, &rq);
    for (int r = row_begin; r < row_end; r++) {
        const int b = r / g->out_h, oy = r % g->out_h;
        const int y = oy * g->stride_h - g->pad_top;
        const int16_t *in_b = in + (size_t)b * g->in_h * g->in_w * K;
        int16_t *o_row = out + (size_t)r * g->out_w * g->out_c;
        for (int ox0 = 0; ox0 < g->out_w; ox0 += Q16_PW_PIX) {
            const int np = g->out_w - ox0 < Q16_PW_PIX ? g->out_w - ox0 : Q16_PW_PIX;
            const int16_t *px[Q16_PW_PIX], *xs[Q16_PW_PIX];
            for (int p = 0; p < np; p++) {
                const int x = (ox0 + p) * g->stride_w - g->pad_left;
                px[p] = y < 0 || y >= g->in_h || x < 0 || x >= g->in_w
                            ? NULL
                            : in_b + ((size_t)y * g->in_w + x) * K;
            }
            for (int k0 = 0; k0 < K; k0 += ARV_Q16_PW_MAX_K) {
                const int kc = K - k0 < ARV_Q16_PW_MAX_K ? K - k0 : ARV_Q16_PW_MAX_K;
                for (int p = 0; p < np; p++)
                    xs[p] = px[p] ? px[p] + k0 : zeros;
                f->pw(xs, np, wp + (size_t)k0 * ocp, kc, ocp, acc);
                for (int p = 0; p < np && !rq32; p++)
                    for (int j = 0; j < m; j++)
                        sums[p * Q16_CHUNK + j] =
                            (k0 ? sums[p * Q16_CHUNK + j] : 0) + acc[(size_t)p * ocp + j];
            }
            for (int p = 0; p < np; p++) {
                int16_t *o = o_row + (size_t)(ox0 + p) * g->out_c + oc0;
                if (rq32)
                    f->requant32(acc + (size_t)p * ocp, &rq, m, o);
                else
                    f->requant(sums + p * Q16_CHUNK, bias, q, oc0, m, o);
            }
        }
    }
}

/* Channel j < ocp of chunk oc0 (m channels) in pw's layout: pairs of
 * input channels, zero past K and past m. */
static void pw_pack_chunk(const int8_t *w, int K, int oc0, int m, int ocp, int16_t *wp)
{
    for (int k2 = 0; k2 < (K + 1) / 2; k2++)
        for (int j = 0; j < ocp; j++)
            for (int h = 0; h < 2; h++) {
                const int k = 2 * k2 + h;
                wp[((size_t)k2 * ocp + j) * 2 + h] =
                    k < K && j < m ? w[(size_t)(oc0 + j) * K + k] : 0;
            }
}

/* Chunks of Q16_CHUNK output channels one after the other, each padded to
 * a multiple of 16 channels and an even K: the chunk at oc0 starts at
 * oc0 * Kp (every earlier chunk is full). */
size_t arv_q16_pw_packed_size(const arv_conv_geom *g)
{
    if (g->k_h != 1 || g->k_w != 1 || g->in_c < 1 || g->out_c < 1)
        return 0;
    const size_t Kp = (size_t)(g->in_c + 1) / 2 * 2;
    const int last = (g->out_c - 1) % Q16_CHUNK + 1;
    const size_t ocp_total = (size_t)(g->out_c - last) + (size_t)(last + 15) / 16 * 16;
    return ocp_total * Kp * sizeof(int16_t);
}

/* The packed weights are int16, twice the int8 ones the dots stream: under
 * 8 output pixels (2x2 maps) the dots read less and win. */
int arv_q16_pw_packed_pays(const arv_conv_geom *g)
{
    return (int64_t)g->batch * g->out_h * g->out_w >= 8;
}

void arv_q16_pw_pack(const arv_conv_geom *g, const int8_t *w, void *packed)
{
    const int K = g->in_c;
    const size_t Kp = (size_t)(K + 1) / 2 * 2;
    for (int oc0 = 0; oc0 < g->out_c; oc0 += Q16_CHUNK) {
        const int m = g->out_c - oc0 < Q16_CHUNK ? g->out_c - oc0 : Q16_CHUNK;
        pw_pack_chunk(w, K, oc0, m, (m + 15) / 16 * 16, (int16_t *)packed + (size_t)oc0 * Kp);
    }
}

void arv_q16_conv2d_packed_with(const arv_conv_geom *g, const arv_q16_conv *q,
                                const int16_t *in, const void *packed, const int64_t *bias,
                                int16_t *out, int row_begin, int row_end,
                                const arv_q16_loops *f)
{
    const arv_q16_loops *l = f->pw ? f : &arv_q16_loops_c;
    const size_t Kp = (size_t)(g->in_c + 1) / 2 * 2;
    for (int oc0 = 0; oc0 < g->out_c; oc0 += Q16_CHUNK) {
        const int m = g->out_c - oc0 < Q16_CHUNK ? g->out_c - oc0 : Q16_CHUNK;
        pw_chunk(g, q, in, (const int16_t *)packed + (size_t)oc0 * Kp, oc0, m,
                 (m + 15) / 16 * 16, bias, out, row_begin, row_end, l);
    }
}

/* A 1x1 conv with K <= Q16_PW_STACK_K whose weights were not packed once:
 * up to Q16_CHUNK output channels at a time packed on the stack. */
static void conv_pointwise(const arv_conv_geom *g, const arv_q16_conv *q, const int16_t *in,
                           const int8_t *w, const int64_t *bias, int16_t *out, int row_begin,
                           int row_end, const arv_q16_loops *f)
{
    int16_t wp[Q16_PW_STACK_K * Q16_CHUNK];
    for (int oc0 = 0; oc0 < g->out_c; oc0 += Q16_CHUNK) {
        const int m = g->out_c - oc0 < Q16_CHUNK ? g->out_c - oc0 : Q16_CHUNK;
        const int ocp = (m + 15) / 16 * 16;
        pw_pack_chunk(w, g->in_c, oc0, m, ocp, wp);
        pw_chunk(g, q, in, wp, oc0, m, ocp, bias, out, row_begin, row_end, f);
    }
}

void arv_q16_conv2d_with(const arv_conv_geom *g, const arv_q16_conv *q, const int16_t *in,
                         const int8_t *w, const int64_t *bias, int16_t *out, int row_begin,
                         int row_end, const arv_q16_loops *f)
{
    if (f->pw && g->k_h == 1 && g->k_w == 1 && g->in_c <= Q16_PW_STACK_K) {
        conv_pointwise(g, q, in, w, bias, out, row_begin, row_end, f);
        return;
    }
    /* a dilated row is one run per tap; an undilated one a single run */
    const int runs_per_row = g->dil_w == 1 ? 1 : g->k_w;
    if ((size_t)g->k_h * runs_per_row > Q16_MAX_SEG) {
        arv_q16_conv2d_ref(g, q, in, w, bias, out, row_begin, row_end);
        return;
    }
    const size_t oc_stride = (size_t)g->k_h * g->k_w * g->in_c;
    const int16_t *xs[Q16_MAX_SEG], *xs2[Q16_MAX_SEG];
    const int8_t *ws[Q16_MAX_SEG], *ws2[Q16_MAX_SEG];
    for (int r = row_begin; r < row_end; r++) {
        const int b = r / g->out_h, oy = r % g->out_h;
        const int16_t *in_b = in + (size_t)b * g->in_h * g->in_w * g->in_c;
        int16_t *o_row = out + (size_t)r * g->out_w * g->out_c;
        for (int ox = 0; ox < g->out_w; ox++) {
            int len, len2 = -1, nseg2 = -1;
            const int nseg = conv_runs(g, in_b, w, oy, ox, xs, ws, &len);
            if (ox + 1 < g->out_w)
                nseg2 = conv_runs(g, in_b, w, oy, ox + 1, xs2, ws2, &len2);
            const int pair = nseg2 == nseg && len2 == len &&
                             (nseg == 0 || memcmp(ws, ws2, sizeof ws[0] * (size_t)nseg) == 0);
            conv_pixels(f, q, xs, pair ? xs2 : NULL, ws, nseg, len, oc_stride, g->out_c, bias,
                        o_row + (size_t)ox * g->out_c, o_row + (size_t)(ox + 1) * g->out_c);
            ox += pair;
        }
    }
}

void arv_q16_fully_connected_with(int batches, int in_dim, int out_dim, const arv_q16_conv *q,
                                  const int16_t *in, const int8_t *w, const int64_t *bias,
                                  int16_t *out, int row_begin, int row_end,
                                  const arv_q16_loops *f)
{
    (void)batches;
    for (int b = row_begin; b < row_end; b++) {
        const int16_t *xs[1] = {in + (size_t)b * in_dim}, *xs2[1] = {xs[0] + in_dim};
        const int8_t *ws[1] = {w};
        const int pair = b + 1 < row_end;
        conv_pixels(f, q, xs, pair ? xs2 : NULL, ws, 1, in_dim, (size_t)in_dim, out_dim, bias,
                    out + (size_t)b * out_dim, out + (size_t)(b + 1) * out_dim);
        b += pair;
    }
}

void arv_q16_depthwise_with(const arv_conv_geom *g, const arv_q16_conv *q, const int16_t *in,
                            const int8_t *w, const int64_t *bias, int16_t *out, int row_begin,
                            int row_end, const arv_q16_loops *f)
{
    /* int32 sums need at most 511 taps; a channel multiplier interleaves
     * the outputs (neither occurs in the models here) */
    if (g->depth_mult != 1 || (size_t)g->k_h * g->k_w > Q16_MAX_SEG) {
        arv_q16_depthwise_ref(g, q, in, w, bias, out, row_begin, row_end);
        return;
    }
    const int c_n = g->in_c;
    const int16_t *xs[Q16_MAX_SEG];
    const int8_t *ws[Q16_MAX_SEG];
    int32_t acc[Q16_CHUNK];
    int64_t acc64[Q16_CHUNK];
    /* one chunk of channels (the usual case): its terms worked out once */
    arv_q16_rq rq;
    const int rq32 = f->requant32 && c_n <= ARV_Q16_RQ_MAX;
    if (rq32)
        arv_q16_rq_prepare(q, bias, 0, c_n, &rq);
    for (int r = row_begin; r < row_end; r++) {
        const int b = r / g->out_h, oy = r % g->out_h;
        const int16_t *in_b = in + (size_t)b * g->in_h * g->in_w * c_n;
        for (int ox = 0; ox < g->out_w; ox++) {
            const int y0 = oy * g->stride_h - g->pad_top;
            const int x0 = ox * g->stride_w - g->pad_left;
            int nt = 0;
            for (int ky = 0; ky < g->k_h; ky++) {
                const int y = y0 + ky * g->dil_h;
                if (y < 0 || y >= g->in_h)
                    continue;
                for (int kx = 0; kx < g->k_w; kx++) {
                    const int x = x0 + kx * g->dil_w;
                    if (x < 0 || x >= g->in_w)
                        continue;
                    xs[nt] = in_b + ((size_t)y * g->in_w + x) * c_n;
                    ws[nt++] = w + ((size_t)ky * g->k_w + kx) * g->out_c;
                }
            }
            int16_t *o = out + ((size_t)r * g->out_w + ox) * g->out_c;
            for (int c0 = 0; c0 < c_n; c0 += Q16_CHUNK) {
                const int n = c_n - c0 < Q16_CHUNK ? c_n - c0 : Q16_CHUNK;
                const int16_t *xc[Q16_MAX_SEG];
                const int8_t *wc[Q16_MAX_SEG];
                for (int t = 0; t < nt; t++) {
                    xc[t] = xs[t] + c0;
                    wc[t] = ws[t] + c0;
                }
                f->dw(xc, wc, nt, n, acc);
                if (rq32) {
                    f->requant32(acc, &rq, n, o + c0);
                    continue;
                }
                for (int c = 0; c < n; c++)
                    acc64[c] = acc[c];
                f->requant(acc64, bias, q, c0, n, o + c0);
            }
        }
    }
}

void arv_q16_conv2d(const arv_conv_geom *g, const arv_q16_conv *q, const int16_t *in,
                    const int8_t *w, const int64_t *bias, int16_t *out, int row_begin,
                    int row_end)
{
    arv_q16_conv2d_with(g, q, in, w, bias, out, row_begin, row_end, &arv_q16_loops_c);
}

void arv_q16_depthwise(const arv_conv_geom *g, const arv_q16_conv *q, const int16_t *in,
                       const int8_t *w, const int64_t *bias, int16_t *out, int row_begin,
                       int row_end)
{
    arv_q16_depthwise_with(g, q, in, w, bias, out, row_begin, row_end, &arv_q16_loops_c);
}

void arv_q16_fully_connected(int batches, int in_dim, int out_dim, const arv_q16_conv *q,
                             const int16_t *in, const int8_t *w, const int64_t *bias,
                             int16_t *out, int row_begin, int row_end)
{
    arv_q16_fully_connected_with(batches, in_dim, out_dim, q, in, w, bias, out, row_begin,
                                 row_end, &arv_q16_loops_c);
}
