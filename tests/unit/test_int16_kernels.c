/* test_int16_kernels.c — the fast 16x8 CONV_2D / DEPTHWISE_CONV_2D /
 * FULLY_CONNECTED kernels (int16 activations, int8 weights, int64 bias)
 * against the reference loops (arv_q16_*_ref: one int64 sum per product).
 *
 * Criterion: equal output, element for element, for the portable inner
 * loops and for the inner loops of every int8 table this machine runs.
 * Shapes straddle the SIMD widths (16 and 32 lanes) and the 4-channel
 * blocks, include odd channel counts, runs longer than 511 products (the
 * int32 chunking), strides 1 and 2, SAME and VALID padding, dilation and a
 * depth multiplier (which takes the reference loops). Values are random or
 * extreme (-32768 / 32767 activations against -128 / 127 weights, where
 * every product is +-2^22 and an int32 sum of 512 would overflow). Rows
 * are computed whole and split in two calls, as threads split them. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kernels/kernels_int8.h"
#include "runtime/cpu.h"
#include "support/ktest.h"

enum { FILL_RANDOM, FILL_EXTREME_POS, FILL_EXTREME_MIXED };

/* The inner loops under test: the portable ones and each table's. */
typedef struct variant {
    const char *name;
    const arv_q16_loops *f;
} variant;

static int variants(variant *v, int max)
{
    int n = 0;
    v[n++] = (variant){"c", &arv_q16_loops_c};
    const char *names[8];
    const int k = arv_kernels_available(names, 8);
    for (int i = 0; i < k && n < max; i++) {
        const arv_kernel_table_int8 *t = arv_kernels_int8_for(arv_kernels_select(names[i]));
        if (t && t->q16)
            v[n++] = (variant){t->name, t->q16};
    }
    return n;
}

typedef struct params {
    int32_t *mult;
    int *shift;
    int64_t *bias;
    arv_q16_conv q;
} params;

/* Multipliers that keep most outputs off the clamps for sums of about
 * 2^(22 + log2 taps) / 2, some clamped, some channels with multiplier 0. */
static void make_params(kt_rng *r, int out_c, int taps, int fill, params *p)
{
    p->mult = malloc(sizeof(int32_t) * (size_t)out_c);
    p->shift = malloc(sizeof(int) * (size_t)out_c);
    p->bias = malloc(sizeof(int64_t) * (size_t)out_c);
    int lg = 0;
    while ((1 << lg) < taps)
        lg++;
    for (int c = 0; c < out_c; c++) {
        p->mult[c] = kt_int(r, 0, 15) == 0 ? 0 : (int32_t)(0x40000000u + (kt_u32(r) >> 2));
        if (kt_int(r, 0, 9) == 0)
            p->mult[c] = 0x7FFFFFFF;   /* the saturated Q15 cut */
        int s = 15 - (22 + lg) / 2 - kt_int(r, 0, 8);
        if (fill != FILL_RANDOM)
            s = 15 - 22 - lg + kt_int(r, -2, 2);
        p->shift[c] = s < -31 ? -31 : s > 7 ? 7 : s;
        const int64_t span = (int64_t)1 << (20 + lg > 39 ? 39 : 20 + lg);
        p->bias[c] = (int64_t)(kt_u32(r) % (uint32_t)2000001) - 1000000;
        if (kt_int(r, 0, 3) == 0)
            p->bias[c] = kt_int(r, 0, 1) ? span : -span;
    }
    const int act = kt_int(r, 0, 2);
    p->q = (arv_q16_conv){.mult = p->mult, .shift = p->shift,
                          .act_min = act == 1 ? 0 : act == 2 ? -1000 : -32768,
                          .act_max = act == 2 ? 20000 : 32767};
}

static void free_params(params *p)
{
    free(p->mult);
    free(p->shift);
    free(p->bias);
}

static int16_t *make_input(kt_rng *r, size_t n, int fill)
{
    int16_t *x = malloc(sizeof(int16_t) * (n ? n : 1));
    for (size_t i = 0; i < n; i++)
        x[i] = fill == FILL_EXTREME_POS     ? -32768
               : fill == FILL_EXTREME_MIXED ? (kt_int(r, 0, 1) ? 32767 : -32768)
                                            : (int16_t)kt_int(r, -32768, 32767);
    return x;
}

static int8_t *make_weights(kt_rng *r, size_t n, int fill)
{
    int8_t *w = malloc(n ? n : 1);
    for (size_t i = 0; i < n; i++)
        w[i] = fill == FILL_EXTREME_POS     ? -128
               : fill == FILL_EXTREME_MIXED ? (kt_int(r, 0, 1) ? 127 : -128)
                                            : (int8_t)kt_int(r, -128, 127);
    return w;
}

static int16_t *make_out(size_t n)
{
    int16_t *o = malloc(sizeof(int16_t) * (n ? n : 1));
    for (size_t i = 0; i < n; i++)
        o[i] = 0x5A5A;   /* unwritten outputs show */
    return o;
}

static long first_diff(const int16_t *a, const int16_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return (long)i;
    return -1;
}

typedef struct conv_case {
    int batch, in_h, in_w, in_c, out_c, k, stride, dil, same, depth_mult;
    int fill;
} conv_case;

/* pad > 0: that padding on every side instead of SAME / VALID's. */
static void geom(const conv_case *c, int depthwise, int pad, arv_conv_geom *g)
{
    memset(g, 0, sizeof *g);
    g->batch = c->batch;
    g->in_h = c->in_h;
    g->in_w = c->in_w;
    g->in_c = c->in_c;
    g->k_h = g->k_w = c->k;
    g->stride_h = g->stride_w = c->stride;
    g->dil_h = g->dil_w = c->dil;
    kt_conv_axis(c->in_h, c->k, c->stride, c->dil, c->same, &g->out_h, &g->pad_top);
    kt_conv_axis(c->in_w, c->k, c->stride, c->dil, c->same, &g->out_w, &g->pad_left);
    if (pad > 0) {
        g->pad_top = g->pad_left = pad;
        g->out_h = (c->in_h + 2 * pad - c->k) / c->stride + 1;
        g->out_w = (c->in_w + 2 * pad - c->k) / c->stride + 1;
    }
    g->depth_mult = depthwise ? c->depth_mult : 1;
    g->out_c = depthwise ? c->in_c * c->depth_mult : c->out_c;
}

/* The depthwise weights packed in tap pairs, as the interpreter does, for
 * the variants with a packed kernel, whole, in halves and row by row: with
 * the case's bias (up to 2^39), and with one channel's bias at +-2^46,
 * which the kernel must decline without writing. */
static void check_dw_packed(const arv_conv_geom *g, const arv_q16_conv *q, const int16_t *in,
                            const int8_t *w, const int64_t *bias, const int16_t *want,
                            int16_t *got, size_t n_out, int fill, const variant *v, int nv)
{
    const size_t bytes = arv_q16_dw_packed_size(g);
    ck_assert_msg(bytes > 0 || g->depth_mult != 1 || g->k_h * g->k_w > ARV_Q16_DW_MAX_TAPS ||
                      g->in_c > ARV_Q16_DW_MAX_C,
                  "depthwise %dx%d c%d not packed", g->k_h, g->k_w, g->in_c);
    if (!bytes)
        return;
    void *packed = aligned_alloc(64, (bytes + 63) / 64 * 64);
    arv_q16_dw_pack(g, w, packed);
    const int rows = g->batch * g->out_h;
    int64_t *huge = malloc(sizeof(int64_t) * (size_t)g->out_c);
    for (int c = 0; c < g->out_c; c++)
        huge[c] = bias ? bias[c] : 0;
    huge[g->out_c / 2] = (fill % 2 ? -1 : 1) * ((int64_t)1 << 46);
    for (int i = 0; i < nv; i++) {
        if (!v[i].f->dw_packed)
            continue;
        for (int which = 0; which < 2; which++) {
            for (int split = 0; split < 3; split++) {
                for (size_t e = 0; e < n_out; e++)
                    got[e] = 0x5A5A;
                const int step = split == 0 ? rows : split == 1 ? (rows + 1) / 2 : 1;
                int ran = 1;
                for (int r0 = 0; r0 < rows; r0 += step)
                    ran &= v[i].f->dw_packed(g, q, in, packed, which ? huge : bias, got, r0,
                                             r0 + step < rows ? r0 + step : rows);
                if (which) {
                    ck_assert_msg(!ran, "packed depthwise %s took a bias of 2^46", v[i].name);
                    for (size_t e = 0; e < n_out; e++)
                        ck_assert_msg(got[e] == 0x5A5A, "declining packed depthwise wrote");
                    continue;
                }
                ck_assert_msg(ran, "packed depthwise %s declined the case's bias", v[i].name);
                const long bad = first_diff(got, want, n_out);
                ck_assert_msg(bad < 0,
                              "packed depthwise %s %dx%dx%dx%d k%dx%d s%d d%d c%d fill%d "
                              "split%d: element %ld is %d, reference %d", v[i].name, g->batch,
                              g->in_h, g->in_w, g->in_c, g->k_h, g->k_w, g->stride_h, g->dil_h,
                              g->out_c, fill, split, bad, bad < 0 ? 0 : got[bad],
                              bad < 0 ? 0 : want[bad]);
            }
        }
    }
    free(huge);
    free(packed);
}

/* One conv or depthwise case: every variant, whole and split, against the
 * reference. */
static void check_conv_pad(const conv_case *c, int depthwise, int pad, uint64_t seed)
{
    kt_rng r;
    kt_seed(&r, seed);
    arv_conv_geom g;
    geom(c, depthwise, pad, &g);
    const size_t n_in = (size_t)g.batch * g.in_h * g.in_w * g.in_c;
    const size_t n_w = depthwise ? (size_t)g.k_h * g.k_w * g.out_c
                                 : (size_t)g.out_c * g.k_h * g.k_w * g.in_c;
    const size_t n_out = (size_t)g.batch * g.out_h * g.out_w * g.out_c;
    const int rows = g.batch * g.out_h;
    int16_t *in = make_input(&r, n_in, c->fill);
    int8_t *w = make_weights(&r, n_w, c->fill);
    params p;
    make_params(&r, g.out_c, depthwise ? g.k_h * g.k_w : g.k_h * g.k_w * g.in_c, c->fill, &p);
    const int64_t *bias = kt_int(&r, 0, 4) == 0 ? NULL : p.bias;
    int16_t *want = make_out(n_out), *got = make_out(n_out);
    if (depthwise)
        arv_q16_depthwise_ref(&g, &p.q, in, w, bias, want, 0, rows);
    else
        arv_q16_conv2d_ref(&g, &p.q, in, w, bias, want, 0, rows);

    variant v[8];
    const int nv = variants(v, 8);
    for (int i = 0; i < nv; i++) {
        for (int split = 0; split < 2; split++) {
            for (size_t e = 0; e < n_out; e++)
                got[e] = 0x5A5A;
            const int mid = split ? rows / 2 + (rows > 2) : rows;
            for (int part = 0; part < 2; part++) {
                const int b = part ? mid : 0, e = part ? rows : mid;
                if (b >= e)
                    continue;
                if (depthwise)
                    arv_q16_depthwise_with(&g, &p.q, in, w, bias, got, b, e, v[i].f);
                else
                    arv_q16_conv2d_with(&g, &p.q, in, w, bias, got, b, e, v[i].f);
            }
            const long bad = first_diff(got, want, n_out);
            ck_assert_msg(bad < 0,
                          "%s %s %dx%dx%dx%d k%d s%d d%d %s oc%d m%d fill%d split%d: element "
                          "%ld is %d, reference %d", depthwise ? "depthwise" : "conv",
                          v[i].name, g.batch, g.in_h, g.in_w, g.in_c, c->k, c->stride, c->dil,
                          c->same ? "SAME" : "VALID", g.out_c, g.depth_mult, c->fill, split,
                          bad, bad < 0 ? 0 : got[bad], bad < 0 ? 0 : want[bad]);
        }
    }
    /* 1x1: the weights packed once, as the interpreter does */
    const size_t pbytes = depthwise ? 0 : arv_q16_pw_packed_size(&g);
    ck_assert(depthwise || c->k != 1 || pbytes > 0);
    void *packed = pbytes ? aligned_alloc(64, (pbytes + 63) / 64 * 64) : NULL;
    if (packed)
        arv_q16_pw_pack(&g, w, packed);
    for (int i = 0; packed && i < nv; i++) {
        for (int split = 0; split < 3; split++) {
            for (size_t e = 0; e < n_out; e++)
                got[e] = 0x5A5A;
            /* whole; two halves (two threads); one row at a time */
            const int step = split == 0 ? rows : split == 1 ? (rows + 1) / 2 : 1;
            for (int b = 0; b < rows; b += step)
                arv_q16_conv2d_packed_with(&g, &p.q, in, packed, bias, got, b,
                                           b + step < rows ? b + step : rows, v[i].f);
            const long bad = first_diff(got, want, n_out);
            ck_assert_msg(bad < 0,
                          "packed conv %s %dx%dx%dx%d s%d oc%d fill%d split%d: element %ld "
                          "is %d, reference %d", v[i].name, g.batch, g.in_h, g.in_w, g.in_c,
                          c->stride, g.out_c, c->fill, split, bad, bad < 0 ? 0 : got[bad],
                          bad < 0 ? 0 : want[bad]);
        }
    }
    free(packed);
    if (depthwise)
        check_dw_packed(&g, &p.q, in, w, bias, want, got, n_out, c->fill, v, nv);
    /* the public entry points (portable loops) too */
    for (size_t e = 0; e < n_out; e++)
        got[e] = 0x5A5A;
    if (depthwise)
        arv_q16_depthwise(&g, &p.q, in, w, bias, got, 0, rows);
    else
        arv_q16_conv2d(&g, &p.q, in, w, bias, got, 0, rows);
    ck_assert_msg(first_diff(got, want, n_out) < 0, "public %s entry differs",
                  depthwise ? "depthwise" : "conv");
    free(in);
    free(w);
    free(want);
    free(got);
    free_params(&p);
}

static void check_conv(const conv_case *c, int depthwise, uint64_t seed)
{
    check_conv_pad(c, depthwise, 0, seed);
}

static const conv_case conv_cases[] = {
    /* the pose_landmark_full regression branch */
    {1, 4, 4, 288, 288, 1, 1, 1, 0, 1, FILL_RANDOM},
    {1, 2, 2, 288, 288, 1, 1, 1, 0, 1, FILL_RANDOM},
    {1, 8, 8, 864, 288, 1, 1, 1, 0, 1, FILL_RANDOM},
    {1, 3, 3, 864, 17, 1, 1, 1, 0, 1, FILL_EXTREME_POS},
    {1, 2, 3, 864, 9, 1, 1, 1, 0, 1, FILL_EXTREME_MIXED},
    /* the stem and its 1x1 followers, cut down */
    {1, 17, 19, 3, 24, 3, 2, 1, 1, 1, FILL_RANDOM},
    {1, 16, 16, 3, 24, 3, 2, 1, 1, 1, FILL_EXTREME_POS},
    {2, 9, 7, 24, 24, 1, 1, 1, 0, 1, FILL_RANDOM},
    /* around the lane widths and the 4-channel blocks */
    {1, 3, 5, 15, 1, 1, 1, 1, 0, 1, FILL_RANDOM},
    {1, 3, 5, 16, 2, 1, 1, 1, 0, 1, FILL_RANDOM},
    {1, 3, 5, 17, 3, 1, 1, 1, 0, 1, FILL_RANDOM},
    {1, 3, 5, 31, 5, 1, 1, 1, 0, 1, FILL_RANDOM},
    {1, 3, 5, 32, 6, 1, 1, 1, 0, 1, FILL_RANDOM},
    {1, 3, 5, 33, 7, 1, 1, 1, 0, 1, FILL_EXTREME_MIXED},
    {1, 5, 3, 37, 13, 1, 1, 1, 0, 1, FILL_RANDOM},
    /* k x k: SAME / VALID, strides, dilation, runs over 511 products */
    {1, 9, 9, 20, 7, 3, 1, 1, 0, 1, FILL_RANDOM},
    {1, 9, 10, 20, 7, 3, 2, 1, 1, 1, FILL_RANDOM},
    {1, 7, 8, 13, 5, 5, 1, 1, 1, 1, FILL_RANDOM},
    {1, 9, 9, 11, 6, 3, 1, 2, 1, 1, FILL_RANDOM},
    {1, 6, 6, 64, 9, 3, 1, 1, 1, 1, FILL_EXTREME_POS},
    {1, 6, 5, 200, 4, 3, 2, 1, 1, 1, FILL_EXTREME_MIXED},
    {1, 2, 2, 5, 3, 5, 1, 1, 1, 1, FILL_RANDOM},   /* kernel wider than the input */
};

static const conv_case dw_cases[] = {
    {1, 4, 4, 288, 0, 3, 1, 1, 1, 1, FILL_RANDOM},
    {1, 4, 4, 288, 0, 3, 2, 1, 1, 1, FILL_RANDOM},
    {1, 2, 2, 288, 0, 3, 1, 1, 1, 1, FILL_RANDOM},
    {1, 2, 2, 288, 0, 3, 2, 1, 1, 1, FILL_EXTREME_POS},
    {1, 9, 9, 24, 0, 3, 1, 1, 1, 1, FILL_RANDOM},
    {2, 8, 9, 24, 0, 3, 2, 1, 0, 1, FILL_RANDOM},
    {1, 7, 5, 37, 0, 3, 1, 1, 1, 1, FILL_EXTREME_MIXED},
    {1, 7, 5, 15, 0, 5, 2, 1, 1, 1, FILL_RANDOM},
    {1, 6, 6, 17, 0, 3, 1, 2, 1, 1, FILL_RANDOM},
    {1, 5, 5, 300, 0, 7, 1, 1, 1, 1, FILL_EXTREME_POS},   /* > 256 channels, 49 taps */
    {1, 5, 5, 7, 0, 3, 1, 1, 1, 2, FILL_RANDOM},          /* depth multiplier: reference */
    {1, 3, 3, 1, 0, 3, 1, 1, 1, 1, FILL_RANDOM},
    /* pose_landmark_lite's int16 shapes, cut down, and the 32-channel blocks */
    {1, 6, 7, 336, 0, 5, 1, 1, 1, 1, FILL_RANDOM},
    {1, 7, 7, 336, 0, 5, 2, 1, 0, 1, FILL_RANDOM},
    {1, 5, 4, 56, 0, 3, 1, 1, 1, 1, FILL_RANDOM},
    {1, 5, 5, 16, 0, 3, 1, 1, 1, 1, FILL_RANDOM},
    {1, 4, 6, 31, 0, 5, 1, 1, 1, 1, FILL_EXTREME_MIXED},
    {2, 4, 3, 32, 0, 3, 2, 1, 1, 1, FILL_RANDOM},
    {1, 3, 4, 33, 0, 3, 1, 1, 0, 1, FILL_RANDOM},
    {1, 4, 4, 65, 0, 5, 1, 1, 1, 1, FILL_EXTREME_POS},
    {1, 3, 3, 2048, 0, 3, 1, 1, 1, 1, FILL_RANDOM},   /* the packed kernels' widest */
    {1, 3, 3, 2049, 0, 3, 1, 1, 1, 1, FILL_RANDOM},   /* past it: unpacked */
    {1, 4, 4, 1632, 0, 5, 1, 1, 1, 1, FILL_EXTREME_MIXED},   /* pose_landmark_heavy's */
    /* 8 and 16 channels at stride 1 (the decoders' 256x256x8): several
     * pixels per vector between the borders, groups ending short of them */
    {1, 6, 13, 8, 0, 3, 1, 1, 1, 1, FILL_RANDOM},
    {2, 5, 11, 8, 0, 5, 1, 1, 1, 1, FILL_EXTREME_MIXED},
    {1, 4, 14, 8, 0, 3, 1, 1, 0, 1, FILL_RANDOM},
    {1, 5, 9, 16, 0, 5, 1, 1, 0, 1, FILL_RANDOM},
    {1, 3, 12, 16, 0, 3, 1, 1, 1, 1, FILL_EXTREME_POS},
    {1, 7, 9, 8, 0, 3, 2, 1, 1, 1, FILL_RANDOM},
    {1, 7, 9, 8, 0, 3, 1, 2, 1, 1, FILL_RANDOM},
    {1, 9, 9, 9, 0, 9, 1, 1, 1, 1, FILL_RANDOM},      /* 81 taps: reference */
};

START_TEST(conv_matches_reference)
{
    const conv_case *c = &conv_cases[_i];
    check_conv(c, 0, 1000 + (uint64_t)_i);
}
END_TEST

/* 1x1 convs with few input channels (the packed pointwise path): every K
 * from 1 to 33 (33: past it, the dots again), output channel counts odd
 * and off the 16 / 32 / 64-channel blocks, over 256 (two packed chunks),
 * stride 2, padding (pixels that see only the bias), extreme values. */
START_TEST(pointwise_small_k_matches_reference)
{
    static const int outs[] = {1, 3, 7, 15, 17, 31, 33, 63, 65, 97, 129, 300};
    const int K = _i + 1;
    for (int i = 0; i < (int)(sizeof outs / sizeof outs[0]); i++) {
        const int fill = i % 5 == 3 ? FILL_EXTREME_MIXED : i % 5 == 4 ? FILL_EXTREME_POS
                                                                      : FILL_RANDOM;
        const conv_case c = {1 + i % 2, 3 + i % 3, 5 + i % 4, K, outs[i], 1, 1 + i % 2, 1, 0, 1,
                             fill};
        check_conv_pad(&c, 0, i % 4 == 1 ? 1 + i % 3 : 0, 5000 + (uint64_t)K * 100 + (uint64_t)i);
    }
}
END_TEST

/* 1x1 convs with long K (packed once; K past 510 sums in chunks carried in
 * int64): K around the chunk and the pairs, odd output channel counts,
 * strides, padding, extreme values where an int32 sum of 512 products
 * would overflow. */
START_TEST(pointwise_long_k_matches_reference)
{
    static const int ks[] = {1, 31, 32, 33, 64, 192, 509, 510, 511, 512, 1021, 1152};
    static const int outs[] = {1, 17, 100, 300};
    const int K = ks[_i];
    for (int i = 0; i < (int)(sizeof outs / sizeof outs[0]); i++) {
        for (int fill = FILL_RANDOM; fill <= FILL_EXTREME_MIXED; fill++) {
            const int stride = 1 + (i + fill) % 2;
            const conv_case c = {1 + (fill == FILL_RANDOM && i == 2), 2 + i % 3, 3 + fill, K,
                                 outs[i], 1, stride, 1, 0, 1, fill};
            const int pad = (i + fill) % 3 == 1 ? 1 : 0;
            check_conv_pad(&c, 0, pad, 9000 + (uint64_t)K * 100 + (uint64_t)(i * 3 + fill));
        }
    }
}
END_TEST

START_TEST(depthwise_matches_reference)
{
    check_conv(&dw_cases[_i], 1, 2000 + (uint64_t)_i);
}
END_TEST

typedef struct fc_case {
    int batches, in_dim, out_dim, fill;
} fc_case;

static const fc_case fc_cases[] = {
    {1, 288, 288, FILL_RANDOM}, {1, 1152, 39, FILL_RANDOM}, {3, 33, 5, FILL_RANDOM},
    {2, 1500, 6, FILL_EXTREME_POS}, {1, 1023, 7, FILL_EXTREME_MIXED}, {1, 1, 1, FILL_RANDOM},
    {4, 17, 1, FILL_RANDOM},
};

START_TEST(fc_matches_reference)
{
    const fc_case *c = &fc_cases[_i];
    kt_rng r;
    kt_seed(&r, 3000 + (uint64_t)_i);
    const size_t n_out = (size_t)c->batches * c->out_dim;
    int16_t *in = make_input(&r, (size_t)c->batches * c->in_dim, c->fill);
    int8_t *w = make_weights(&r, (size_t)c->out_dim * c->in_dim, c->fill);
    params p;
    make_params(&r, c->out_dim, c->in_dim, c->fill, &p);
    int16_t *want = make_out(n_out), *got = make_out(n_out);
    arv_q16_fully_connected_ref(c->batches, c->in_dim, c->out_dim, &p.q, in, w, p.bias, want, 0,
                                c->batches);
    variant v[8];
    const int nv = variants(v, 8);
    for (int i = 0; i < nv; i++) {
        for (size_t e = 0; e < n_out; e++)
            got[e] = 0x5A5A;
        const int mid = c->batches / 2;
        arv_q16_fully_connected_with(c->batches, c->in_dim, c->out_dim, &p.q, in, w, p.bias,
                                     got, 0, mid, v[i].f);
        arv_q16_fully_connected_with(c->batches, c->in_dim, c->out_dim, &p.q, in, w, p.bias,
                                     got, mid, c->batches, v[i].f);
        const long bad = first_diff(got, want, n_out);
        ck_assert_msg(bad < 0, "fc %s %dx%d->%d fill%d: element %ld is %d, reference %d",
                      v[i].name, c->batches, c->in_dim, c->out_dim, c->fill, bad,
                      bad < 0 ? 0 : got[bad], bad < 0 ? 0 : want[bad]);
    }
    free(in);
    free(w);
    free(want);
    free(got);
    free_params(&p);
}
END_TEST

/* The dots alone on the case that overflows a single int32: 1100 products
 * of +2^22 in one run, in several runs, and for each channel count. */
START_TEST(dot_long_runs_are_exact)
{
    enum { LEN = 1100 };
    static int16_t x[LEN];
    static int8_t w[4 * LEN];
    for (int i = 0; i < LEN; i++)
        x[i] = -32768;
    for (int i = 0; i < 4 * LEN; i++)
        w[i] = -128;
    variant v[8];
    const int nv = variants(v, 8);
    for (int i = 0; i < nv; i++) {
        for (int n_oc = 1; n_oc <= 4; n_oc++) {
            const int16_t *xs[3] = {x, x, x};
            const int8_t *ws[3] = {w, w, w};
            for (int two = 0; two < 2; two++) {
                int64_t sums[4] = {0, 0, 0, 0}, sums2[4] = {0, 0, 0, 0};
                v[i].f->dot(xs, two ? xs : NULL, ws, 3, LEN, LEN, n_oc, sums, sums2);
                for (int j = 0; j < n_oc; j++) {
                    ck_assert_msg(sums[j] == (int64_t)3 * LEN << 22, "%s n_oc %d: sum %lld",
                                  v[i].name, n_oc, (long long)sums[j]);
                    ck_assert_msg(!two || sums2[j] == sums[j], "%s n_oc %d: second pixel %lld",
                                  v[i].name, n_oc, (long long)sums2[j]);
                }
            }
        }
    }
}
END_TEST

/* The requantizations alone, on sums across the whole int64 range (past
 * the +-2^47 clamp), every shift prepare allows, multipliers 0, the
 * saturated Q15 cut and random; lengths around the 8-lane width. */
START_TEST(requant_matches_scalar)
{
    enum { N = 203 };
    kt_rng r;
    kt_seed(&r, 4000);
    int64_t acc[N], bias[N];
    int32_t mult[N];
    int shift[N];
    int16_t want[N], got[N];
    variant v[8];
    const int nv = variants(v, 8);
    for (int round = 0; round < 50; round++) {
        for (int i = 0; i < N; i++) {
            const int bits = kt_int(&r, 0, 62);
            const int64_t mag = (int64_t)(((uint64_t)kt_u32(&r) << 32 | kt_u32(&r)) >>
                                          (63 - bits));
            acc[i] = kt_int(&r, 0, 1) ? mag : -mag;
            bias[i] = (int64_t)kt_int(&r, -1000000, 1000000) * ((int64_t)1 << kt_int(&r, 0, 20));
            const int kind = kt_int(&r, 0, 5);
            mult[i] = kind == 0 ? 0 : kind == 1 ? 0x7FFFFFFF : kind == 2 ? 0x7FFF0000
                    : (int32_t)(0x40000000u + (kt_u32(&r) >> 2));
            shift[i] = kt_int(&r, -31, 7);
        }
        const int act = round % 3;
        const arv_q16_conv q = {.mult = mult, .shift = shift,
                                .act_min = act == 1 ? 0 : act == 2 ? -1000 : -32768,
                                .act_max = act == 2 ? 20000 : 32767};
        const int64_t *b = round % 4 == 3 ? NULL : bias;
        const int oc0 = kt_int(&r, 0, 20), n = kt_int(&r, 1, N - oc0);
        for (int j = 0; j < n; j++) {
            int32_t x = arv_q16_mul_by_mult64(acc[j] + (b ? b[oc0 + j] : 0), mult[oc0 + j],
                                              shift[oc0 + j]);
            x = x < q.act_min ? q.act_min : x > q.act_max ? q.act_max : x;
            want[j] = (int16_t)x;
        }
        for (int i = 0; i < nv; i++) {
            for (int j = 0; j < N; j++)
                got[j] = 0x5A5A;
            v[i].f->requant(acc, b, &q, oc0, n, got);
            const long bad = first_diff(got, want, (size_t)n);
            ck_assert_msg(bad < 0, "requant %s round %d: element %ld is %d, scalar %d", v[i].name,
                          round, bad, bad < 0 ? 0 : got[bad], bad < 0 ? 0 : want[bad]);
            ck_assert_msg(got[n] == 0x5A5A || n == N, "requant %s wrote past n", v[i].name);
            if (!v[i].f->requant32)
                continue;
            /* the int32 form: the same sums cut to int32, prepared terms */
            int32_t acc32[N];
            int16_t want32[N];
            for (int j = 0; j < N; j++)
                acc32[j] = (int32_t)(acc[j] >> (j % 3 == 0 ? 0 : 32 + j % 7));
            arv_q16_rq rq;
            arv_q16_rq_prepare(&q, b, oc0, n, &rq);
            for (int j = 0; j < n; j++) {
                int32_t x = arv_q16_mul_by_mult64((int64_t)acc32[j] + (b ? b[oc0 + j] : 0),
                                                  mult[oc0 + j], shift[oc0 + j]);
                x = x < q.act_min ? q.act_min : x > q.act_max ? q.act_max : x;
                want32[j] = (int16_t)x;
            }
            for (int j = 0; j < N; j++)
                got[j] = 0x5A5A;
            v[i].f->requant32(acc32, &rq, n, got);
            const long bad32 = first_diff(got, want32, (size_t)n);
            ck_assert_msg(bad32 < 0, "requant32 %s round %d: element %ld is %d, scalar %d",
                          v[i].name, round, bad32, bad32 < 0 ? 0 : got[bad32],
                          bad32 < 0 ? 0 : want32[bad32]);
            ck_assert_msg(got[n] == 0x5A5A || n == N, "requant32 %s wrote past n", v[i].name);
        }
    }
}
END_TEST

/* The QUANTIZE kernels of each table (quantize, requantize) against the
 * portable ones. */
static const arv_q16_loops *next_with(const variant *v, int nv, int *i, int want_quantize)
{
    for (; *i < nv; ++*i)
        if (want_quantize ? v[*i].f->quantize != NULL : v[*i].f->requantize != NULL)
            return v[(*i)++].f;
    return NULL;
}

static uint32_t f32_bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static float bits_f32(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

/* float -> int16: ties of x / scale (k + 0.5, both signs, exact for a
 * power-of-two scale, and near-ties for others), -0.0, denormals, values
 * far past the int16 range, +-inf, NaNs, random bit patterns; zero points
 * 0 and not; lengths and offsets around the 8 / 16-lane widths. */
START_TEST(quantize_matches_portable)
{
    enum { N = 1000 };
    static const float scales[] = {0.25f, 1.0f, 3.0517578125e-05f, 0.0123f, 7.7f, 1e-30f, 1e30f};
    static const int32_t zps[] = {0, 0, 5, -7, 32767};
    kt_rng r;
    kt_seed(&r, 6000);
    float in[N];
    int16_t want[N + 1], got[N + 1];
    variant v[8];
    const int nv = variants(v, 8);
    for (int round = 0; round < 70; round++) {
        const float scale = scales[round % 7];
        const int32_t zp = zps[round % 5];
        for (int i = 0; i < N; i++) {
            const int kind = kt_int(&r, 0, 9);
            const int k = kt_int(&r, -40000, 40000);
            in[i] = kind == 0   ? ((float)k + 0.5f) * scale
                    : kind == 1 ? (float)((double)k * scale)
                    : kind == 2 ? bits_f32(kt_u32(&r))   /* any pattern: NaNs, infs, huge */
                    : kind == 3 ? (kt_int(&r, 0, 1) ? -0.0f : bits_f32(kt_u32(&r) & 0x807FFFFF))
                    : kind == 4 ? (kt_int(&r, 0, 1) ? 1.0f : -1.0f) / 0.0f
                    : kind == 5 ? (float)kt_int(&r, -1, 1) * 1e30f
                    : kind == 6 ? bits_f32(f32_bits(((float)k + 0.5f) * scale) +
                                           (uint32_t)kt_int(&r, -1, 1))
                                : (float)k / 32768.0f * scale * 40000.0f;
        }
        if (round == 0)
            in[0] = bits_f32(0x7FC00000u), in[1] = bits_f32(0xFFC00001u);
        const int off = kt_int(&r, 0, 17), n = kt_int(&r, 0, N - off);
        arv_q16_quantize((size_t)n, in + off, scale, zp, want);
        int i = 0;
        for (const arv_q16_loops *f; (f = next_with(v, nv, &i, 1));) {
            for (int j = 0; j <= N; j++)
                got[j] = 0x5A5A;
            f->quantize((size_t)n, in + off, scale, zp, got);
            const long bad = first_diff(got, want, (size_t)n);
            ck_assert_msg(bad < 0, "quantize %s round %d: element %ld (%a / %g) is %d, portable %d",
                          v[i - 1].name, round, bad, bad < 0 ? 0.0 : (double)in[off + bad],
                          (double)scale, bad < 0 ? 0 : got[bad], bad < 0 ? 0 : want[bad]);
            ck_assert_msg(got[n] == 0x5A5A, "quantize %s wrote past n", v[i - 1].name);
        }
    }
}
END_TEST

/* The int8 -> int16 table (DEQUANTIZE + QUANTIZE run as one): every
 * variant's against the portable lookup, at every length around its
 * 32-element steps and offsets, every byte value present, not writing
 * past n. */
START_TEST(lut8_matches_portable)
{
    enum { N = 300 };
    kt_rng r;
    kt_seed(&r, 6500);
    int16_t lut[256];
    int8_t in[N];
    int16_t want[N + 1], got[N + 1];
    for (int i = 0; i < 256; i++)
        lut[i] = (int16_t)kt_int(&r, -32768, 32767);
    for (int i = 0; i < N; i++)
        in[i] = (int8_t)(i < 256 ? i - 128 : kt_int(&r, -128, 127));
    variant v[8];
    const int nv = variants(v, 8);
    for (int n = 0; n <= 260; n += n < 70 ? 1 : 19) {
        const int off = n % 7;
        arv_q16_lut8((size_t)n, in + off, lut, want);
        for (int k = 0; k < n; k++)
            ck_assert_int_eq(want[k], lut[(uint8_t)in[off + k]]);
        for (int i = 0; i < nv; i++) {
            if (!v[i].f->lut8)
                continue;
            for (int j = 0; j <= N; j++)
                got[j] = 0x5A5A;
            v[i].f->lut8((size_t)n, in + off, lut, got);
            const long bad = first_diff(got, want, (size_t)n);
            ck_assert_msg(bad < 0, "lut8 %s n %d: element %ld is %d, portable %d", v[i].name, n,
                          bad, bad < 0 ? 0 : got[bad], bad < 0 ? 0 : want[bad]);
            ck_assert_msg(got[n] == 0x5A5A, "lut8 %s wrote past n", v[i].name);
        }
    }
}
END_TEST

/* Requantization: every int16 (and int8) value, through multipliers for
 * ratios from 2^-20 to 2^14 (every shift prepare allows), int16 -> int8
 * and -> int16, zero points on the int8 sides. */
START_TEST(requantize_matches_portable)
{
    enum { N = 65536 + 40 };
    static int16_t in16[N];
    static int8_t in8[N];
    static int16_t want[N + 1], got[N + 1];
    kt_rng r;
    kt_seed(&r, 7000);
    for (int i = 0; i < N; i++) {
        in16[i] = (int16_t)(i - 32768 + (i >= 65536 ? kt_int(&r, -100, 100) : 0));
        in8[i] = (int8_t)(i & 0xFF);
    }
    variant v[8];
    const int nv = variants(v, 8);
    for (int round = 0; round < 60; round++) {
        const double ratio = ldexp(1.0 + (double)kt_u32(&r) / 4294967296.0, kt_int(&r, -20, 13));
        int32_t mult;
        int shift;
        arv_q_quantize_mult(round == 0 ? 1.0 : round == 1 ? 0.5 : ratio, &mult, &shift);
        if (shift > 14)
            continue;
        const int in_bits = round % 3 == 2 ? 8 : 16, out_bits = round % 2 ? 8 : 16;
        const int32_t in_zp = in_bits == 8 ? kt_int(&r, -128, 127) : 0;
        const int32_t out_zp = out_bits == 8 ? kt_int(&r, -128, 127) : 0;
        const int off = kt_int(&r, 0, 17), n = N - off - kt_int(&r, 0, 23);
        const void *src = in_bits == 16 ? (const void *)(in16 + off) : (const void *)(in8 + off);
        memset(want, 0x5A, sizeof want);
        arv_q16_requantize((size_t)n, src, in_bits, in_zp, mult, shift, out_zp, out_bits, want);
        int i = 0;
        for (const arv_q16_loops *f; (f = next_with(v, nv, &i, 0));) {
            memset(got, 0x5A, sizeof got);
            f->requantize((size_t)n, src, in_bits, in_zp, mult, shift, out_zp, out_bits, got);
            const size_t bytes = (size_t)n * (size_t)(out_bits / 8);
            ck_assert_msg(memcmp(got, want, bytes + 2) == 0,
                          "requantize %s %d->%d mult %d shift %d: differs (or wrote past n)",
                          v[i - 1].name, in_bits, out_bits, mult, shift);
        }
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("int16_kernels");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, conv_matches_reference, 0,
                        (int)(sizeof conv_cases / sizeof conv_cases[0]));
    tcase_add_loop_test(tc, depthwise_matches_reference, 0,
                        (int)(sizeof dw_cases / sizeof dw_cases[0]));
    tcase_add_loop_test(tc, fc_matches_reference, 0, (int)(sizeof fc_cases / sizeof fc_cases[0]));
    tcase_add_loop_test(tc, pointwise_small_k_matches_reference, 0, 33);
    tcase_add_loop_test(tc, pointwise_long_k_matches_reference, 0, 12);
    tcase_add_test(tc, quantize_matches_portable);
    tcase_add_test(tc, requantize_matches_portable);
    tcase_add_test(tc, lut8_matches_portable);
    tcase_add_test(tc, dot_long_runs_are_exact);
    tcase_add_test(tc, requant_matches_scalar);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    const int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
