/* Generic CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV and FULLY_CONNECTED
 * kernels against naive versions written here in a different style: double
 * accumulation, an explicitly zero-padded input copy instead of bounds
 * checks, and a scatter (not gather) transposed convolution. Error measure
 * and tolerance: see support/ktest.h. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/kernels.h"
#include "support/ktest.h"

#define KT (&arv_kernels_generic)

/* Window configurations: kernel h/w, stride h/w, dilation h/w, SAME. */
typedef struct cfg {
    int kh, kw, sh, sw, dh, dw, same;
} cfg;

static const cfg CONV_CFGS[] = {
    { 1, 1, 1, 1, 1, 1, 0 }, { 1, 1, 2, 2, 1, 1, 1 }, { 1, 1, 2, 2, 1, 1, 0 },
    { 2, 2, 1, 1, 1, 1, 0 }, { 2, 2, 2, 2, 1, 1, 0 }, { 2, 2, 1, 1, 1, 1, 1 },
    { 2, 2, 2, 2, 1, 1, 1 }, { 3, 3, 1, 1, 1, 1, 1 }, { 3, 3, 2, 2, 1, 1, 1 },
    { 3, 3, 1, 1, 1, 1, 0 }, { 3, 3, 2, 2, 1, 1, 0 }, { 5, 5, 1, 1, 1, 1, 1 },
    { 5, 5, 2, 2, 1, 1, 1 }, { 5, 5, 1, 1, 1, 1, 0 }, { 5, 5, 2, 2, 1, 1, 0 },
    { 3, 3, 1, 1, 2, 2, 1 }, { 3, 3, 1, 1, 2, 2, 0 }, { 3, 3, 2, 2, 2, 2, 1 },
    { 3, 1, 1, 2, 1, 1, 1 }, { 1, 3, 2, 1, 1, 2, 0 }, { 2, 3, 2, 1, 1, 1, 1 },
    { 5, 3, 2, 1, 1, 2, 1 },
};
#define N_CONV_CFGS ((int)(sizeof CONV_CFGS / sizeof CONV_CFGS[0]))

static const int CHANS[] = { 1, 3, 5, 17, 33 };
static const int OUT_CHANS[] = { 1, 2, 3, 5, 8, 17 };
#define TRIALS 12

static size_t in_size(const arv_conv_geom *g)
{
    return (size_t)g->batch * g->in_h * g->in_w * g->in_c;
}

static size_t out_size(const arv_conv_geom *g)
{
    return (size_t)g->batch * g->out_h * g->out_w * g->out_c;
}

static void random_geom(kt_rng *r, const cfg *c, int depthwise,
                        arv_conv_geom *g)
{
    memset(g, 0, sizeof *g);
    const int eff_h = (c->kh - 1) * c->dh + 1, eff_w = (c->kw - 1) * c->dw + 1;
    g->batch = kt_int(r, 1, 2);
    /* VALID needs the input to hold at least one window. */
    g->in_h = kt_int(r, c->same ? 1 : eff_h, eff_h + 8);
    g->in_w = kt_int(r, c->same ? 1 : eff_w, eff_w + 8);
    g->in_c = kt_pick(r, CHANS, 5);
    g->depth_mult = depthwise ? kt_int(r, 1, 2) : 1;
    g->out_c = depthwise ? g->in_c * g->depth_mult : kt_pick(r, OUT_CHANS, 6);
    g->k_h = c->kh;
    g->k_w = c->kw;
    g->stride_h = c->sh;
    g->stride_w = c->sw;
    g->dil_h = c->dh;
    g->dil_w = c->dw;
    kt_conv_axis(g->in_h, c->kh, c->sh, c->dh, c->same, &g->out_h, &g->pad_top);
    kt_conv_axis(g->in_w, c->kw, c->sw, c->dw, c->same, &g->out_w,
                 &g->pad_left);
    kt_act(kt_int(r, 0, 2), &g->act_min, &g->act_max);
}

static void describe(char *buf, size_t len, const char *what,
                     const arv_conv_geom *g)
{
    snprintf(buf, len,
             "%s: n%d in %dx%dx%d out %dx%dx%d k %dx%d s %d,%d d %d,%d "
             "pad %d,%d dm %d act [%g,%g]",
             what, g->batch, g->in_h, g->in_w, g->in_c, g->out_h, g->out_w,
             g->out_c, g->k_h, g->k_w, g->stride_h, g->stride_w, g->dil_h,
             g->dil_w, g->pad_top, g->pad_left, g->depth_mult, g->act_min,
             g->act_max);
}

/* Input copied into a zero frame large enough that every window of every
 * output pixel lies inside it, so the naive loops need no bounds checks. */
typedef struct padded {
    double *p;
    int h, w;
} padded;

static padded pad_input(const arv_conv_geom *g, const float *in)
{
    padded P;
    P.h = (g->out_h - 1) * g->stride_h + (g->k_h - 1) * g->dil_h + 1;
    P.w = (g->out_w - 1) * g->stride_w + (g->k_w - 1) * g->dil_w + 1;
    if (P.h < g->pad_top + g->in_h)
        P.h = g->pad_top + g->in_h;
    if (P.w < g->pad_left + g->in_w)
        P.w = g->pad_left + g->in_w;
    P.p = kt_alloc_d((size_t)g->batch * P.h * P.w * g->in_c);
    for (int b = 0; b < g->batch; b++)
        for (int y = 0; y < g->in_h; y++)
            for (int x = 0; x < g->in_w; x++)
                for (int i = 0; i < g->in_c; i++)
                    P.p[(((size_t)b * P.h + y + g->pad_top) * P.w + x +
                         g->pad_left) * g->in_c + i] =
                        in[(((size_t)b * g->in_h + y) * g->in_w + x) *
                               g->in_c + i];
    return P;
}

static void naive_conv(const arv_conv_geom *g, const float *in,
                       const float *w, const float *bias, double *out)
{
    padded P = pad_input(g, in);
    const int C = g->in_c;
    for (int b = 0; b < g->batch; b++)
        for (int oy = 0; oy < g->out_h; oy++)
            for (int ox = 0; ox < g->out_w; ox++)
                for (int o = 0; o < g->out_c; o++) {
                    double s = bias ? bias[o] : 0.0;
                    for (int ky = 0; ky < g->k_h; ky++)
                        for (int kx = 0; kx < g->k_w; kx++)
                            for (int i = 0; i < C; i++) {
                                const int py = oy * g->stride_h + ky * g->dil_h;
                                const int px = ox * g->stride_w + kx * g->dil_w;
                                s += P.p[(((size_t)b * P.h + py) * P.w + px) *
                                             C + i] *
                                     (double)w[(((size_t)o * g->k_h + ky) *
                                                    g->k_w + kx) * C + i];
                            }
                    out[(((size_t)b * g->out_h + oy) * g->out_w + ox) *
                            g->out_c + o] = kt_clampd(s, g->act_min,
                                                      g->act_max);
                }
    free(P.p);
}

static void naive_depthwise(const arv_conv_geom *g, const float *in,
                            const float *w, const float *bias, double *out)
{
    padded P = pad_input(g, in);
    const int C = g->in_c, OC = g->out_c;
    for (int b = 0; b < g->batch; b++)
        for (int oy = 0; oy < g->out_h; oy++)
            for (int ox = 0; ox < g->out_w; ox++)
                for (int oc = 0; oc < OC; oc++) {
                    const int ic = oc / g->depth_mult;
                    double s = bias ? bias[oc] : 0.0;
                    for (int ky = 0; ky < g->k_h; ky++)
                        for (int kx = 0; kx < g->k_w; kx++) {
                            const int py = oy * g->stride_h + ky * g->dil_h;
                            const int px = ox * g->stride_w + kx * g->dil_w;
                            s += P.p[(((size_t)b * P.h + py) * P.w + px) * C +
                                     ic] *
                                 (double)w[((size_t)ky * g->k_w + kx) * OC + oc];
                        }
                    out[(((size_t)b * g->out_h + oy) * g->out_w + ox) * OC +
                        oc] = kt_clampd(s, g->act_min, g->act_max);
                }
    free(P.p);
}

/* The header's definition taken literally: scatter every input pixel into
 * the uncropped result, then crop pad_top/pad_left and add the bias. */
static void naive_transpose(const arv_conv_geom *g, const float *in,
                            const float *w, const float *bias, double *out)
{
    const int fh = (g->in_h - 1) * g->stride_h + g->k_h;
    const int fw = (g->in_w - 1) * g->stride_w + g->k_w;
    const int C = g->in_c, OC = g->out_c;
    double *full = kt_alloc_d((size_t)g->batch * fh * fw * OC);
    for (int b = 0; b < g->batch; b++)
        for (int y = 0; y < g->in_h; y++)
            for (int x = 0; x < g->in_w; x++)
                for (int ky = 0; ky < g->k_h; ky++)
                    for (int kx = 0; kx < g->k_w; kx++)
                        for (int o = 0; o < OC; o++)
                            for (int i = 0; i < C; i++) {
                                const int fy = y * g->stride_h + ky;
                                const int fx = x * g->stride_w + kx;
                                full[(((size_t)b * fh + fy) * fw + fx) * OC +
                                     o] +=
                                    (double)in[(((size_t)b * g->in_h + y) *
                                                    g->in_w + x) * C + i] *
                                    w[(((size_t)o * g->k_h + ky) * g->k_w +
                                       kx) * C + i];
                            }
    for (int b = 0; b < g->batch; b++)
        for (int oy = 0; oy < g->out_h; oy++)
            for (int ox = 0; ox < g->out_w; ox++)
                for (int o = 0; o < OC; o++) {
                    const int fy = oy + g->pad_top, fx = ox + g->pad_left;
                    double s = bias ? bias[o] : 0.0;
                    if (fy < fh && fx < fw)
                        s += full[(((size_t)b * fh + fy) * fw + fx) * OC + o];
                    out[(((size_t)b * g->out_h + oy) * g->out_w + ox) * OC +
                        o] = kt_clampd(s, g->act_min, g->act_max);
                }
    free(full);
}

/* ---- row-range plumbing ---- */

typedef void (*conv_fn)(const arv_conv_geom *, const float *, const float *,
                        const float *, float *, int, int);

typedef struct conv_call {
    conv_fn fn;
    const arv_conv_geom *g;
    const float *in, *w, *bias;
} conv_call;

static void run_conv_rows(const void *ctx, float *out, int r0, int r1)
{
    const conv_call *c = ctx;
    c->fn(c->g, c->in, c->w, c->bias, out, r0, r1);
}

enum { CONV, DEPTHWISE, TRANSPOSE };

/* One random case of any of the three convolutions: run the kernel, compare
 * with the naive version, then check row ranges. */
static void check_conv_case(kt_rng *r, int kind, const arv_conv_geom *g)
{
    char what[256];
    const char *name = kind == CONV        ? "conv2d"
                       : kind == DEPTHWISE ? "depthwise"
                                           : "transpose_conv";
    describe(what, sizeof what, name, g);
    const size_t n_in = in_size(g), n_out = out_size(g);
    const size_t n_w = kind == DEPTHWISE
                           ? (size_t)g->k_h * g->k_w * g->out_c
                           : (size_t)g->out_c * g->k_h * g->k_w * g->in_c;
    float *in = kt_alloc(n_in), *w = kt_alloc(n_w);
    float *bias = kt_alloc((size_t)g->out_c), *got = kt_alloc(n_out);
    double *want = kt_alloc_d(n_out);
    kt_fill(r, in, n_in, -1.0f, 1.0f);
    /* Weights scaled by fan-in, as trained networks are, keep outputs near
     * unit size so the tolerance measures rounding rather than the size of
     * an unrealistically large sum. */
    const int fan_in = kind == DEPTHWISE ? g->k_h * g->k_w
                                         : g->k_h * g->k_w * g->in_c;
    const float wa = 2.0f / sqrtf((float)fan_in);
    kt_fill(r, w, n_w, -wa, wa);
    kt_fill(r, bias, (size_t)g->out_c, -1.0f, 1.0f);
    const float *b = kt_int(r, 0, 3) == 0 ? NULL : bias;

    conv_fn fn = kind == CONV        ? KT->conv2d
                 : kind == DEPTHWISE ? KT->depthwise
                                     : KT->transpose_conv;
    const int rows = g->batch * g->out_h;
    fn(g, in, w, b, got, 0, rows);
    if (kind == CONV)
        naive_conv(g, in, w, b, want);
    else if (kind == DEPTHWISE)
        naive_depthwise(g, in, w, b, want);
    else
        naive_transpose(g, in, w, b, want);

    const double err = kt_max_err(got, want, n_out);
    kt_err_note(name, err);
    const long bad = kt_first_bad(got, want, n_out, KT_TOL);
    ck_assert_msg(bad < 0, "%s: element %ld got %.9g want %.9g (max err %g)",
                  what, bad, bad < 0 ? 0.0 : got[bad],
                  bad < 0 ? 0.0 : want[bad], err);

    const conv_call call = { fn, g, in, w, b };
    const char *msg =
        kt_check_rows(r, run_conv_rows, &call, rows,
                      (size_t)g->out_w * g->out_c, got);
    ck_assert_msg(msg == NULL, "%s: %s", what, msg);
    free(in);
    free(w);
    free(bias);
    free(got);
    free(want);
}

START_TEST(conv2d_random)
{
    kt_rng r;
    kt_seed(&r, 1000 + (uint64_t)_i);
    const cfg *c = &CONV_CFGS[_i];
    for (int t = 0; t < TRIALS; t++) {
        arv_conv_geom g;
        random_geom(&r, c, 0, &g);
        check_conv_case(&r, CONV, &g);
    }
}
END_TEST

START_TEST(depthwise_random)
{
    kt_rng r;
    kt_seed(&r, 2000 + (uint64_t)_i);
    const cfg *c = &CONV_CFGS[_i];
    for (int t = 0; t < TRIALS; t++) {
        arv_conv_geom g;
        random_geom(&r, c, 1, &g);
        check_conv_case(&r, DEPTHWISE, &g);
    }
}
END_TEST

/* Transposed convolution shapes as TFLite's converter produces them: SAME
 * gives out = in*stride with padding computed by treating the output as a
 * conv input; VALID gives any out in [(in-1)*s + k, (in-1)*s + k + s - 1]
 * with no padding (the extra rows receive only the bias). */
START_TEST(transpose_conv_random)
{
    static const int KS[] = { 1, 2, 3, 4, 5 };
    kt_rng r;
    kt_seed(&r, 3000 + (uint64_t)_i);
    for (int t = 0; t < 40; t++) {
        arv_conv_geom g;
        memset(&g, 0, sizeof g);
        const int same = kt_int(&r, 0, 1);
        g.batch = kt_int(&r, 1, 2);
        g.in_h = kt_int(&r, 1, 6);
        g.in_w = kt_int(&r, 1, 6);
        g.in_c = kt_pick(&r, CHANS, 5);
        g.out_c = kt_pick(&r, OUT_CHANS, 6);
        g.k_h = kt_pick(&r, KS, 5);
        g.k_w = kt_int(&r, 0, 2) ? g.k_h : kt_pick(&r, KS, 5);
        g.stride_h = kt_int(&r, 1, 3);
        g.stride_w = kt_int(&r, 0, 2) ? g.stride_h : kt_int(&r, 1, 3);
        g.dil_h = g.dil_w = 1;
        g.depth_mult = 1;
        if (same) {
            g.out_h = g.in_h * g.stride_h;
            g.out_w = g.in_w * g.stride_w;
            int th = (g.in_h - 1) * g.stride_h + g.k_h - g.out_h;
            int tw = (g.in_w - 1) * g.stride_w + g.k_w - g.out_w;
            g.pad_top = th > 0 ? th / 2 : 0;
            g.pad_left = tw > 0 ? tw / 2 : 0;
        } else {
            g.out_h = (g.in_h - 1) * g.stride_h + g.k_h +
                      kt_int(&r, 0, g.stride_h - 1);
            g.out_w = (g.in_w - 1) * g.stride_w + g.k_w +
                      kt_int(&r, 0, g.stride_w - 1);
        }
        kt_act(kt_int(&r, 0, 2), &g.act_min, &g.act_max);
        check_conv_case(&r, TRANSPOSE, &g);
    }
}
END_TEST

/* ---- hand-computed cases ---- */

static void expect_exact(const float *got, const float *want, int n,
                         const char *what)
{
    for (int i = 0; i < n; i++)
        ck_assert_msg(got[i] == want[i], "%s[%d]: got %g want %g", what, i,
                      got[i], want[i]);
}

static arv_conv_geom geom1(int in_h, int in_w, int in_c, int out_h, int out_w,
                           int out_c, int k_h, int k_w, int stride, int pad_top,
                           int pad_left, float lo, float hi)
{
    arv_conv_geom g;
    memset(&g, 0, sizeof g);
    g.batch = 1;
    g.in_h = in_h;
    g.in_w = in_w;
    g.in_c = in_c;
    g.out_h = out_h;
    g.out_w = out_w;
    g.out_c = out_c;
    g.k_h = k_h;
    g.k_w = k_w;
    g.stride_h = g.stride_w = stride;
    g.dil_h = g.dil_w = 1;
    g.pad_top = pad_top;
    g.pad_left = pad_left;
    g.depth_mult = 1;
    g.act_min = lo;
    g.act_max = hi;
    return g;
}

START_TEST(conv2d_hand)
{
    const float in[9] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
    const float ones[9] = { 1, 1, 1, 1, 1, 1, 1, 1, 1 };
    float out[9];

    /* 2x2 ones, VALID: sums of each 2x2 block. */
    arv_conv_geom g = geom1(3, 3, 1, 2, 2, 1, 2, 2, 1, 0, 0, -INFINITY,
                            INFINITY);
    KT->conv2d(&g, in, ones, NULL, out, 0, 2);
    expect_exact(out, (const float[]){ 12, 16, 24, 28 }, 4, "2x2 valid");

    /* Bias and relu. */
    const float bias = -13.0f;
    g.act_min = 0.0f;
    KT->conv2d(&g, in, ones, &bias, out, 0, 2);
    expect_exact(out, (const float[]){ 0, 3, 11, 15 }, 4, "2x2 bias relu");

    /* 3x3 ones, SAME (pad 1): edge windows see only in-bounds cells. */
    g = geom1(3, 3, 1, 3, 3, 1, 3, 3, 1, 1, 1, -INFINITY, INFINITY);
    KT->conv2d(&g, in, ones, NULL, out, 0, 3);
    expect_exact(out, (const float[]){ 12, 21, 16, 27, 45, 33, 24, 39, 28 },
                 9, "3x3 same");

    /* relu6 and stride 2 on the same input: rows 0 and 2, cols 0 and 2. */
    g = geom1(3, 3, 1, 2, 2, 1, 3, 3, 2, 1, 1, 0.0f, 6.0f);
    KT->conv2d(&g, in, ones, NULL, out, 0, 2);
    expect_exact(out, (const float[]){ 6, 6, 6, 6 }, 4, "3x3 s2 relu6");

    /* Two input and two output channels, 1x1: a matrix product per pixel. */
    const float in2[4] = { 1, 2, 3, 4 };         /* 1x2 pixels x 2 ch */
    const float w2[4] = { 1, 10, -1, 0.5f };     /* [o][i] */
    const float b2[2] = { 0.25f, 0 };
    g = geom1(1, 2, 2, 1, 2, 2, 1, 1, 1, 0, 0, -INFINITY, INFINITY);
    KT->conv2d(&g, in2, w2, b2, out, 0, 1);
    expect_exact(out, (const float[]){ 21.25f, 0, 43.25f, -1 }, 4, "1x1 2ch");

    /* Dilation 2: a 2x2 kernel on a 3x3 input reads the four corners. */
    g = geom1(3, 3, 1, 1, 1, 1, 2, 2, 1, 0, 0, -INFINITY, INFINITY);
    g.dil_h = g.dil_w = 2;
    const float wd[4] = { 1, 10, 100, 1000 };
    KT->conv2d(&g, in, wd, NULL, out, 0, 1);
    expect_exact(out, (const float[]){ 1 + 30 + 700 + 9000 }, 1, "dilated");
}
END_TEST

START_TEST(depthwise_hand)
{
    /* 1x1 kernel, 2 input channels, depth_mult 2: oc = ic*2 + m. */
    const float in[2] = { 1, 10 };
    const float w[4] = { 1, 2, 3, 4 };
    const float bias[4] = { 0, 0, 0, 0.5f };
    float out[4];
    arv_conv_geom g = geom1(1, 1, 2, 1, 1, 4, 1, 1, 1, 0, 0, -INFINITY,
                            INFINITY);
    g.depth_mult = 2;
    KT->depthwise(&g, in, w, bias, out, 0, 1);
    expect_exact(out, (const float[]){ 1, 2, 30, 40.5f }, 4, "dm2");

    /* 2x2 VALID, 2 channels: each channel filtered separately. */
    const float in2[8] = { 1, -1, 2, -2, 3, -3, 4, -4 };
    const float w2[8] = { 1, 1, 10, 0, 100, 0, 1000, 1 };   /* [ky][kx][c] */
    g = geom1(2, 2, 2, 1, 1, 2, 2, 2, 1, 0, 0, -INFINITY, INFINITY);
    KT->depthwise(&g, in2, w2, NULL, out, 0, 1);
    expect_exact(out, (const float[]){ 4321, -5 }, 2, "2x2 valid");

    /* 3x3 ones, SAME, relu6 on the 1..9 input. */
    const float in3[9] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
    const float ones[9] = { 1, 1, 1, 1, 1, 1, 1, 1, 1 };
    const float b3 = -20.0f;
    float out3[9];
    g = geom1(3, 3, 1, 3, 3, 1, 3, 3, 1, 1, 1, 0.0f, 6.0f);
    KT->depthwise(&g, in3, ones, &b3, out3, 0, 3);
    expect_exact(out3, (const float[]){ 0, 1, 0, 6, 6, 6, 4, 6, 6 }, 9,
                 "3x3 same relu6");
}
END_TEST

START_TEST(transpose_conv_hand)
{
    /* Stride 1, overlapping taps: [1 2] with kernel [1 10] -> [1 12 20]. */
    const float in[2] = { 1, 2 };
    const float w[2] = { 1, 10 };
    float out[16];
    arv_conv_geom g = geom1(1, 2, 1, 1, 3, 1, 1, 2, 1, 0, 0, -INFINITY,
                            INFINITY);
    KT->transpose_conv(&g, in, w, NULL, out, 0, 1);
    expect_exact(out, (const float[]){ 1, 12, 20 }, 3, "s1");

    /* Cropping one column on the left. */
    g.out_w = 2;
    g.pad_left = 1;
    KT->transpose_conv(&g, in, w, NULL, out, 0, 1);
    expect_exact(out, (const float[]){ 12, 20 }, 2, "s1 cropped");

    /* Stride 2, 2x2 kernel: each input value stamps a scaled copy. */
    const float in2[4] = { 1, 2, 3, 4 };
    const float w2[4] = { 1, 2, 3, 4 };
    const float bias = 1.0f;
    g = geom1(2, 2, 1, 4, 4, 1, 2, 2, 2, 0, 0, -INFINITY, INFINITY);
    KT->transpose_conv(&g, in2, w2, &bias, out, 0, 4);
    expect_exact(out,
                 (const float[]){ 2, 3, 3, 5, 4, 5, 7, 9, 4, 7, 5, 9, 10, 13,
                                  13, 17 },
                 16, "s2");

    /* Stride 3 with a 1x1 kernel leaves gaps that get only the bias, and
     * relu6 clamps. */
    const float in3[2] = { 7, -2 };
    const float w3[1] = { 1 };
    g = geom1(1, 2, 1, 1, 6, 1, 1, 1, 3, 0, 0, 0.0f, 6.0f);
    KT->transpose_conv(&g, in3, w3, &bias, out, 0, 1);
    expect_exact(out, (const float[]){ 6, 1, 1, 0, 1, 1 }, 6, "s3 gaps");

    /* Two input channels are summed, two output channels kept apart. */
    const float in4[2] = { 1, 2 };                  /* 1x1 pixel, 2 ch */
    const float w4[4] = { 1, 1, 3, -1 };            /* [o][1][1][i] */
    g = geom1(1, 1, 2, 1, 1, 2, 1, 1, 1, 0, 0, -INFINITY, INFINITY);
    KT->transpose_conv(&g, in4, w4, NULL, out, 0, 1);
    expect_exact(out, (const float[]){ 3, 1 }, 2, "channels");
}
END_TEST

/* ---- FULLY_CONNECTED ---- */

typedef struct fc_call {
    int batches, in_dim, out_dim;
    const float *in, *w, *bias;
    float lo, hi;
} fc_call;

static void run_fc_rows(const void *ctx, float *out, int r0, int r1)
{
    const fc_call *c = ctx;
    KT->fully_connected(c->batches, c->in_dim, c->out_dim, c->in, c->w,
                        c->bias, c->lo, c->hi, out, r0, r1);
}

START_TEST(fully_connected_random)
{
    static const int IN_DIMS[] = { 1, 3, 5, 17, 33, 100, 257 };
    static const int OUT_DIMS[] = { 1, 2, 7, 17, 33 };
    kt_rng r;
    kt_seed(&r, 4000);
    for (int t = 0; t < 60; t++) {
        fc_call c;
        c.batches = kt_int(&r, 1, 7);
        c.in_dim = kt_pick(&r, IN_DIMS, 7);
        c.out_dim = kt_pick(&r, OUT_DIMS, 5);
        kt_act(kt_int(&r, 0, 2), &c.lo, &c.hi);
        const size_t n_in = (size_t)c.batches * c.in_dim;
        const size_t n_w = (size_t)c.out_dim * c.in_dim;
        const size_t n_out = (size_t)c.batches * c.out_dim;
        float *in = kt_alloc(n_in), *w = kt_alloc(n_w);
        float *bias = kt_alloc((size_t)c.out_dim), *got = kt_alloc(n_out);
        double *want = kt_alloc_d(n_out);
        kt_fill(&r, in, n_in, -1, 1);
        const float wa = 2.0f / sqrtf((float)c.in_dim);
        kt_fill(&r, w, n_w, -wa, wa);
        kt_fill(&r, bias, (size_t)c.out_dim, -1, 1);
        c.in = in;
        c.w = w;
        c.bias = kt_int(&r, 0, 3) == 0 ? NULL : bias;

        KT->fully_connected(c.batches, c.in_dim, c.out_dim, in, w, c.bias,
                            c.lo, c.hi, got, 0, c.batches);
        for (int b = 0; b < c.batches; b++)
            for (int o = 0; o < c.out_dim; o++) {
                double s = 0.0;
                for (int i = c.in_dim - 1; i >= 0; i--)   /* other order */
                    s += (double)w[(size_t)o * c.in_dim + i] *
                         in[(size_t)b * c.in_dim + i];
                if (c.bias)
                    s += c.bias[o];
                want[(size_t)b * c.out_dim + o] = kt_clampd(s, c.lo, c.hi);
            }
        const double err = kt_max_err(got, want, n_out);
        kt_err_note("fully_connected", err);
        ck_assert_msg(err <= KT_TOL,
                      "fc b%d in%d out%d act [%g,%g]: max err %g", c.batches,
                      c.in_dim, c.out_dim, c.lo, c.hi, err);
        const char *msg = kt_check_rows(&r, run_fc_rows, &c, c.batches,
                                        (size_t)c.out_dim, got);
        ck_assert_msg(msg == NULL, "fc b%d in%d out%d: %s", c.batches,
                      c.in_dim, c.out_dim, msg);
        free(in);
        free(w);
        free(bias);
        free(got);
        free(want);
    }
}
END_TEST

START_TEST(fully_connected_hand)
{
    const float in[6] = { 1, 2, 3, -1, 0, 1 };
    const float w[6] = { 1, 0, -1, 2, 2, 2 };
    const float bias[2] = { 0.5f, -1 };
    float out[4];
    KT->fully_connected(2, 3, 2, in, w, bias, -INFINITY, INFINITY, out, 0, 2);
    expect_exact(out, (const float[]){ -1.5f, 11, -1.5f, -1 }, 4, "fc");
    KT->fully_connected(2, 3, 2, in, w, bias, 0.0f, 6.0f, out, 0, 2);
    expect_exact(out, (const float[]){ 0, 6, 0, 0 }, 4, "fc relu6");
}
END_TEST

static Suite *conv_suite(void)
{
    Suite *s = suite_create("kernels_conv");
    TCase *tc = tcase_create("conv");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, conv2d_random, 0, N_CONV_CFGS);
    tcase_add_loop_test(tc, depthwise_random, 0, N_CONV_CFGS);
    tcase_add_loop_test(tc, transpose_conv_random, 0, 4);
    tcase_add_test(tc, conv2d_hand);
    tcase_add_test(tc, depthwise_hand);
    tcase_add_test(tc, transpose_conv_hand);
    tcase_add_test(tc, fully_connected_random);
    tcase_add_test(tc, fully_connected_hand);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return kt_run_suite(conv_suite());
}
