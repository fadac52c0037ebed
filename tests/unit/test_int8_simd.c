/* test_int8_simd.c — every optimized int8 table against the generic int8
 * kernels (the oracle), bit for bit: any differing byte fails.
 *
 * The optimized tables (lib/kernels/x86/avx2_int8_*.c, avx512vnni_int8_*.c)
 * implement CONV_2D, FULLY_CONNECTED and DEPTHWISE_CONV_2D through the
 * packed hooks; each case packs the weights into a 64-byte aligned buffer,
 * runs the whole row range, then the same rows split in two calls and a
 * random sub-range (which must leave the other rows untouched). Shapes
 * straddle the kernels' tiles (4 pixels; 8/16/64 channels; k pairs and
 * quads), zero points include -128 and 127, multipliers come from
 * arv_q_quantize_mult of random scales, activation clamps are random, and
 * the requantization is any of ARV_QR_DOUBLE, ARV_QR_FP32, ARV_QR_SINGLE.
 * ADD/SUB, MUL and PRELU are compared on same-shape, per-channel and other
 * broadcasts, MAX_POOL_2D and PAD on random shapes, QUANTIZE (ties) and DEQUANTIZE. Tables this CPU cannot run are skipped with a note. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kernels/kernels_int8.h"
#include "model/tflite_schema.h"
#include "runtime/cpu.h"
#include "support/int8_tables.h"
#include "support/ktest.h"

#define NT 4
static const arv_kernel_table_int8 *tables[NT];
static int n_tables;

static void find_tables(void)
{
    n_tables = kt_int8_tables("test_int8_simd", tables, NT);
}

/* Per-channel multipliers of realistic convs: in*w/out from 2^-18 to 2^2. */
typedef struct qparams {
    arv_q_conv q;
    int32_t mult[512];
    int shift[512];
    float fscale[512];
} qparams;

static void make_q(kt_rng *r, int out_c, qparams *p)
{
    const int32_t in_zp = kt_pick_zp(r), out_zp = kt_pick_zp(r);
    p->q.input_offset = -in_zp;
    p->q.weight_offset = 0;
    p->q.output_offset = out_zp;
    const double base = ldexp(1.0, -kt_int(r, 2, 16));
    for (int c = 0; c < out_c; c++) {
        const double m = base * exp2(kt_uniform(r, -2.0f, 4.0f));
        arv_q_quantize_mult(m, &p->mult[c], &p->shift[c]);
        p->fscale[c] = (float)m;
    }
    p->q.mult = p->mult;
    p->q.shift = p->shift;
    /* The roundings the runtime asks for: TFLite's reference (double), what
     * its XNNPACK delegate runs (fp32), its optimized FC (single). */
    const int rk = kt_int(r, 0, 5);
    p->q.rounding = rk < 3 ? ARV_QR_DOUBLE : rk < 5 ? ARV_QR_FP32 : ARV_QR_SINGLE;
    p->q.fscale = p->fscale;
    switch (kt_int(r, 0, 3)) {
    case 0:
        p->q.act_min = -128, p->q.act_max = 127;
        break;
    case 1:   /* RELU */
        p->q.act_min = out_zp, p->q.act_max = 127;
        break;
    default: {
        const int a = kt_int(r, -128, 127), b = kt_int(r, -128, 127);
        p->q.act_min = a < b ? a : b;
        p->q.act_max = a < b ? b : a;
    }
    }
}

static int32_t *make_bias(kt_rng *r, int n, int32_t range)
{
    if (kt_int(r, 0, 7) == 0)
        return NULL;
    int32_t *b = malloc((size_t)n * sizeof *b);
    for (int i = 0; i < n; i++)
        b[i] = kt_int(r, -range, range);
    return b;
}

typedef void (*ref_fn)(const arv_conv_geom *g, const arv_q_conv *q, const int8_t *in,
                       const int8_t *w, const int32_t *bias, int8_t *out, int r0, int r1);

static void fc_ref(const arv_conv_geom *g, const arv_q_conv *q, const int8_t *in,
                   const int8_t *w, const int32_t *bias, int8_t *out, int r0, int r1)
{
    arv_q8_fully_connected(g->batch, g->in_c, g->out_c, q, in, w, bias, out, r0, r1);
}

static int n_checked, n_unpacked;

/* Packs for table t and compares run_packed with the reference; returns 0
 * when the table has no packed kernel for g. */
static int check_case(kt_rng *r, const arv_kernel_table_int8 *t, int op, const arv_conv_geom *g,
                      const arv_q_conv *q, const int8_t *in, const int8_t *w,
                      const int32_t *bias, ref_fn ref, const char *what)
{
    const size_t sz = t->packed_size(op, g);
    if (!sz) {
        n_unpacked++;
        return 0;
    }
    void *packed = aligned_alloc(64, (sz + 63) / 64 * 64);
    ck_assert_ptr_nonnull(packed);
    t->pack(op, g, q, w, bias, packed);
    const int rows = g->batch * g->out_h;
    const size_t row_bytes = (size_t)g->out_w * g->out_c, n = (size_t)rows * row_bytes;
    int8_t *want = malloc(n), *got = malloc(n);
    ref(g, q, in, w, bias, want, 0, rows);

    memset(got, 0x5a, n);
    t->run_packed(op, g, q, in, packed, got, 0, rows);
    for (size_t i = 0; i < n; i++)
        if (got[i] != want[i])
            ck_abort_msg("%s %s: byte %zu (row %zu, ch %zu) got %d want %d "
                         "[in %dx%dx%dx%d k %dx%d s %d,%d d %d,%d pad %d,%d out %dx%dx%d "
                         "io %d oo %d act %d..%d]",
                         t->name, what, i, i / row_bytes, i % g->out_c, got[i], want[i],
                         g->batch, g->in_h, g->in_w, g->in_c, g->k_h, g->k_w, g->stride_h,
                         g->stride_w, g->dil_h, g->dil_w, g->pad_top, g->pad_left, g->out_h,
                         g->out_w, g->out_c, q->input_offset, q->output_offset, q->act_min,
                         q->act_max);

    /* Two calls [0,k) and [k,rows) equal one call. */
    const int k = kt_int(r, 0, rows);
    memset(got, 0x5a, n);
    t->run_packed(op, g, q, in, packed, got, 0, k);
    t->run_packed(op, g, q, in, packed, got, k, rows);
    ck_assert_msg(memcmp(got, want, n) == 0, "%s %s: split at row %d differs", t->name, what,
                  k);

    /* A sub-range writes exactly its rows. */
    const int a = kt_int(r, 0, rows), b = kt_int(r, a, rows);
    memset(got, 0x5a, n);
    t->run_packed(op, g, q, in, packed, got, a, b);
    for (size_t i = 0; i < n; i++) {
        const int row = (int)(i / row_bytes);
        const int8_t e = (row >= a && row < b) ? want[i] : (int8_t)0x5a;
        if (got[i] != e)
            ck_abort_msg("%s %s: rows [%d,%d) of %d: byte %zu got %d want %d", t->name, what, a,
                         b, rows, i, got[i], e);
    }
    free(want);
    free(got);
    free(packed);
    n_checked++;
    return 1;
}

static const int chans[] = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33,
                            40, 47, 48, 63, 64, 65, 70};
#define NCH ((int)(sizeof chans / sizeof chans[0]))

static int rand_geom(kt_rng *r, arv_conv_geom *g, int dw)
{
    static const int ks[] = {1, 1, 2, 3, 3, 5};
    memset(g, 0, sizeof *g);
    g->batch = kt_int(r, 1, 2);
    g->in_h = kt_int(r, 1, 11);
    g->in_w = kt_int(r, 1, 13);
    g->in_c = chans[kt_int(r, 0, NCH - 1)];
    g->k_h = ks[kt_int(r, dw ? 2 : 0, 5)];
    g->k_w = kt_int(r, 0, 3) ? g->k_h : ks[kt_int(r, 0, 5)];
    g->stride_h = kt_int(r, 1, 2);
    g->stride_w = kt_int(r, 0, 3) ? g->stride_h : kt_int(r, 1, 2);
    g->dil_h = kt_int(r, 0, 5) ? 1 : 2;
    g->dil_w = g->dil_h;
    const int same = kt_int(r, 0, 1);
    kt_conv_axis(g->in_h, g->k_h, g->stride_h, g->dil_h, same, &g->out_h, &g->pad_top);
    kt_conv_axis(g->in_w, g->k_w, g->stride_w, g->dil_w, same, &g->out_w, &g->pad_left);
    g->depth_mult = 1;
    g->out_c = dw ? g->in_c : chans[kt_int(r, 0, NCH - 1)];
    g->act_min = -INFINITY;
    g->act_max = INFINITY;
    return g->out_h > 0 && g->out_w > 0;
}

START_TEST(conv2d)
{
    kt_rng r;
    kt_seed(&r, 0xc0417);
    for (int it = 0; it < 400; it++) {
        arv_conv_geom g;
        if (!rand_geom(&r, &g, 0))
            continue;
        qparams p;
        make_q(&r, g.out_c, &p);
        const size_t nin = (size_t)g.batch * g.in_h * g.in_w * g.in_c;
        const size_t nw = (size_t)g.out_c * g.k_h * g.k_w * g.in_c;
        int8_t *in = malloc(nin), *w = malloc(nw);
        kt_fill8(&r, in, nin);
        kt_fill8(&r, w, nw);
        int32_t *bias = make_bias(&r, g.out_c, 1 << 16);
        for (int t = 0; t < n_tables; t++)
            ck_assert(check_case(&r, tables[t], TFL_CONV_2D, &g, &p.q, in, w, bias,
                                 arv_q8_conv2d, "conv2d"));
        free(in);
        free(w);
        free(bias);
    }
}
END_TEST

/* The models' shapes: stem 3x3 s2 3->16/24/32 and 1x1 with many channels
 * (several 64-channel tiles, k beyond one cache line). */
START_TEST(conv2d_model_shapes)
{
    static const int sh[][7] = {
        /* in_h in_w in_c out_c k stride same */
        {17, 17, 3, 24, 3, 2, 1}, {16, 16, 3, 32, 3, 2, 1}, {9, 9, 3, 16, 3, 2, 0},
        {6, 7, 24, 144, 1, 1, 0}, {5, 5, 144, 24, 1, 1, 0}, {4, 6, 192, 288, 1, 1, 0},
        {3, 3, 1152, 70, 1, 1, 0}, {7, 5, 32, 64, 3, 1, 1}, {8, 8, 48, 96, 5, 2, 1},
        {6, 6, 16, 8, 2, 2, 0},
    };
    kt_rng r;
    kt_seed(&r, 0x5e0e);
    for (size_t s = 0; s < sizeof sh / sizeof sh[0]; s++) {
        arv_conv_geom g;
        memset(&g, 0, sizeof g);
        g.batch = 1, g.in_h = sh[s][0], g.in_w = sh[s][1], g.in_c = sh[s][2];
        g.out_c = sh[s][3], g.k_h = g.k_w = sh[s][4], g.stride_h = g.stride_w = sh[s][5];
        g.dil_h = g.dil_w = 1, g.depth_mult = 1;
        kt_conv_axis(g.in_h, g.k_h, g.stride_h, 1, sh[s][6], &g.out_h, &g.pad_top);
        kt_conv_axis(g.in_w, g.k_w, g.stride_w, 1, sh[s][6], &g.out_w, &g.pad_left);
        qparams p;
        make_q(&r, g.out_c, &p);
        const size_t nin = (size_t)g.in_h * g.in_w * g.in_c;
        const size_t nw = (size_t)g.out_c * g.k_h * g.k_w * g.in_c;
        int8_t *in = malloc(nin), *w = malloc(nw);
        kt_fill8(&r, in, nin);
        kt_fill8(&r, w, nw);
        int32_t *bias = make_bias(&r, g.out_c, 1 << 18);
        for (int t = 0; t < n_tables; t++)
            ck_assert(check_case(&r, tables[t], TFL_CONV_2D, &g, &p.q, in, w, bias,
                                 arv_q8_conv2d, "conv2d_model"));
        free(in);
        free(w);
        free(bias);
    }
}
END_TEST

/* One output channel from 4 or 8 (the segmentation heads' 3x3 8->1): the
 * VNNI table computes 16 output pixels per vector there. */
START_TEST(conv2d_one_channel)
{
    kt_rng r;
    kt_seed(&r, 0x1c4a);
    static const int ks[] = {1, 2, 3, 5};
    for (int it = 0; it < 150; it++) {
        arv_conv_geom g;
        memset(&g, 0, sizeof g);
        g.batch = kt_int(&r, 1, 2);
        g.in_h = kt_int(&r, 1, 9);
        g.in_w = kt_int(&r, 1, 45);
        g.in_c = it % 2 ? 8 : 4;
        g.out_c = it % 7 ? 1 : 2;
        g.k_h = ks[kt_int(&r, 0, 3)];
        g.k_w = kt_int(&r, 0, 2) ? g.k_h : ks[kt_int(&r, 0, 3)];
        g.stride_h = kt_int(&r, 1, 2);
        g.stride_w = it % 5 ? 1 : 2;
        g.dil_h = g.dil_w = kt_int(&r, 0, 4) ? 1 : 2;
        g.depth_mult = 1;
        const int same = kt_int(&r, 0, 1);
        kt_conv_axis(g.in_h, g.k_h, g.stride_h, g.dil_h, same, &g.out_h, &g.pad_top);
        kt_conv_axis(g.in_w, g.k_w, g.stride_w, g.dil_w, same, &g.out_w, &g.pad_left);
        if (g.out_h <= 0 || g.out_w <= 0)
            continue;
        qparams p;
        make_q(&r, g.out_c, &p);
        const size_t nin = (size_t)g.batch * g.in_h * g.in_w * g.in_c;
        const size_t nw = (size_t)g.out_c * g.k_h * g.k_w * g.in_c;
        int8_t *in = malloc(nin), *w = malloc(nw);
        kt_fill8(&r, in, nin);
        kt_fill8(&r, w, nw);
        int32_t *bias = make_bias(&r, g.out_c, 1 << 16);
        for (int t = 0; t < n_tables; t++)
            ck_assert(check_case(&r, tables[t], TFL_CONV_2D, &g, &p.q, in, w, bias,
                                 arv_q8_conv2d, "conv2d_one_channel"));
        free(in);
        free(w);
        free(bias);
    }
}
END_TEST

/* Requantization over the whole int32 range: a 1x1 conv of one channel
 * whose accumulator is a full-range bias; shifts from -31 to +8, the
 * multiplier 0, large left shifts that wrap, every clamp. */
START_TEST(requant_full_range)
{
    kt_rng r;
    kt_seed(&r, 0x2e9a);
    for (int it = 0; it < 60; it++) {
        arv_conv_geom g;
        memset(&g, 0, sizeof g);
        g.batch = 1, g.in_h = 1, g.in_w = kt_int(&r, 1, 9), g.in_c = kt_int(&r, 1, 3);
        g.out_h = 1, g.out_w = g.in_w, g.out_c = kt_int(&r, 1, 40);
        g.k_h = g.k_w = g.stride_h = g.stride_w = g.dil_h = g.dil_w = g.depth_mult = 1;
        qparams p;
        make_q(&r, g.out_c, &p);
        for (int c = 0; c < g.out_c; c++) {
            const int kind = kt_int(&r, 0, 9);
            if (kind == 0) {
                p.mult[c] = 0, p.shift[c] = 0;
            } else {
                p.mult[c] = (int32_t)(0x40000000u + (kt_u32(&r) & 0x3fffffffu));
                p.shift[c] = kind == 1 ? -31 : kind == 2 ? kt_int(&r, 1, 8) : kt_int(&r, -31, 0);
            }
        }
        const size_t nin = (size_t)g.in_w * g.in_c, nw = (size_t)g.out_c * g.in_c;
        int8_t *in = malloc(nin), *w = malloc(nw);
        kt_fill8(&r, in, nin);
        kt_fill8(&r, w, nw);
        int32_t *bias = malloc((size_t)g.out_c * sizeof *bias);
        for (int c = 0; c < g.out_c; c++) {
            const int32_t big = INT32_MAX - 200000;
            bias[c] = kt_int(&r, 0, 3) ? (int32_t)(kt_u32(&r) % (2u * (uint32_t)big) - (uint32_t)big)
                                       : kt_int(&r, -100, 100);
        }
        for (int t = 0; t < n_tables; t++)
            ck_assert(check_case(&r, tables[t], TFL_CONV_2D, &g, &p.q, in, w, bias,
                                 arv_q8_conv2d, "requant"));
        free(in);
        free(w);
        free(bias);
    }
}
END_TEST

/* Inputs the packed arithmetic does not cover must still be exact (the
 * pack falls back): a weight zero point, a multiplier of INT32_MIN. */
START_TEST(fallbacks)
{
    kt_rng r;
    kt_seed(&r, 0xfa11);
    for (int it = 0; it < 40; it++) {
        arv_conv_geom g;
        const int dw = it & 1;
        if (!rand_geom(&r, &g, dw))
            continue;
        qparams p;
        make_q(&r, g.out_c, &p);
        if (it & 2)
            p.q.weight_offset = kt_int(&r, -127, 127) | 1;
        else
            p.mult[kt_int(&r, 0, g.out_c - 1)] = INT32_MIN;
        const int taps = g.k_h * g.k_w;
        const size_t nin = (size_t)g.batch * g.in_h * g.in_w * g.in_c;
        const size_t nw = dw ? (size_t)taps * g.out_c : (size_t)g.out_c * taps * g.in_c;
        int8_t *in = malloc(nin), *w = malloc(nw);
        kt_fill8(&r, in, nin);
        kt_fill8(&r, w, nw);
        int32_t *bias = make_bias(&r, g.out_c, 1 << 16);
        for (int t = 0; t < n_tables; t++)
            ck_assert(check_case(&r, tables[t], dw ? TFL_DEPTHWISE_CONV_2D : TFL_CONV_2D, &g,
                                 &p.q, in, w, bias, dw ? arv_q8_depthwise : arv_q8_conv2d,
                                 "fallback"));
        free(in);
        free(w);
        free(bias);
    }
}
END_TEST

START_TEST(depthwise)
{
    kt_rng r;
    kt_seed(&r, 0xd3e9);
    for (int it = 0; it < 400; it++) {
        arv_conv_geom g;
        if (!rand_geom(&r, &g, 1))
            continue;
        if (it % 7 == 0) {   /* the models' 3x3 / 5x5 at stride 1 and 2 */
            g.k_h = g.k_w = it % 2 ? 3 : 5;
            g.dil_h = g.dil_w = 1;
            const int same = it % 3 != 0;
            g.in_h = kt_int(&r, 5, 14), g.in_w = kt_int(&r, 5, 19);
            kt_conv_axis(g.in_h, g.k_h, g.stride_h, 1, same, &g.out_h, &g.pad_top);
            kt_conv_axis(g.in_w, g.k_w, g.stride_w, 1, same, &g.out_w, &g.pad_left);
        }
        qparams p;
        make_q(&r, g.out_c, &p);
        const size_t nin = (size_t)g.batch * g.in_h * g.in_w * g.in_c;
        const size_t nw = (size_t)g.k_h * g.k_w * g.out_c;
        int8_t *in = malloc(nin), *w = malloc(nw);
        kt_fill8(&r, in, nin);
        kt_fill8(&r, w, nw);
        int32_t *bias = make_bias(&r, g.out_c, 1 << 16);
        for (int t = 0; t < n_tables; t++)
            ck_assert(check_case(&r, tables[t], TFL_DEPTHWISE_CONV_2D, &g, &p.q, in, w, bias,
                                 arv_q8_depthwise, "depthwise"));
        free(in);
        free(w);
        free(bias);
    }
    /* Wide channel counts (several 64-channel blocks). */
    static const int wide[] = {96, 130, 144, 240, 255};
    for (int i = 0; i < 5; i++) {
        arv_conv_geom g;
        memset(&g, 0, sizeof g);
        g.batch = 1, g.in_h = 7, g.in_w = 6, g.in_c = g.out_c = wide[i];
        g.k_h = g.k_w = i % 2 ? 5 : 3, g.stride_h = g.stride_w = 1 + i % 2;
        g.dil_h = g.dil_w = g.depth_mult = 1;
        kt_conv_axis(g.in_h, g.k_h, g.stride_h, 1, 1, &g.out_h, &g.pad_top);
        kt_conv_axis(g.in_w, g.k_w, g.stride_w, 1, 1, &g.out_w, &g.pad_left);
        qparams p;
        make_q(&r, g.out_c, &p);
        const size_t nin = (size_t)g.in_h * g.in_w * g.in_c, nw = (size_t)g.k_h * g.k_w * g.out_c;
        int8_t *in = malloc(nin), *w = malloc(nw);
        kt_fill8(&r, in, nin);
        kt_fill8(&r, w, nw);
        int32_t *bias = make_bias(&r, g.out_c, 1 << 16);
        for (int t = 0; t < n_tables; t++)
            ck_assert(check_case(&r, tables[t], TFL_DEPTHWISE_CONV_2D, &g, &p.q, in, w, bias,
                                 arv_q8_depthwise, "depthwise_wide"));
        free(in);
        free(w);
        free(bias);
    }
}
END_TEST

/* depth_multiplier != 1 has no packed kernel: packed_size says so. */
START_TEST(depthwise_multiplier_unpacked)
{
    arv_conv_geom g;
    memset(&g, 0, sizeof g);
    g.batch = 1, g.in_h = g.in_w = 5, g.in_c = 4, g.depth_mult = 2, g.out_c = 8;
    g.k_h = g.k_w = 3, g.stride_h = g.stride_w = g.dil_h = g.dil_w = 1;
    g.out_h = g.out_w = 3;
    for (int t = 0; t < n_tables; t++)
        ck_assert_uint_eq(tables[t]->packed_size(TFL_DEPTHWISE_CONV_2D, &g), 0);
}
END_TEST

START_TEST(fully_connected)
{
    kt_rng r;
    kt_seed(&r, 0xfc01);
    for (int it = 0; it < 200; it++) {
        arv_conv_geom g;
        memset(&g, 0, sizeof g);
        g.batch = kt_int(&r, 1, 6);
        g.in_c = kt_int(&r, 0, 3) ? kt_int(&r, 1, 80) : kt_int(&r, 100, 1200);
        g.out_c = kt_int(&r, 0, 3) ? chans[kt_int(&r, 0, NCH - 1)] : kt_int(&r, 70, 200);
        g.in_h = g.in_w = g.out_h = g.out_w = g.k_h = g.k_w = 1;
        g.stride_h = g.stride_w = g.dil_h = g.dil_w = g.depth_mult = 1;
        qparams p;
        make_q(&r, g.out_c, &p);
        const size_t nin = (size_t)g.batch * g.in_c, nw = (size_t)g.out_c * g.in_c;
        int8_t *in = malloc(nin), *w = malloc(nw);
        kt_fill8(&r, in, nin);
        kt_fill8(&r, w, nw);
        int32_t *bias = make_bias(&r, g.out_c, 1 << 16);
        for (int t = 0; t < n_tables; t++)
            ck_assert(check_case(&r, tables[t], TFL_FULLY_CONNECTED, &g, &p.q, in, w, bias,
                                 fc_ref, "fully_connected"));
        free(in);
        free(w);
        free(bias);
    }
}
END_TEST

/* ---- element-wise: same shapes, PRELU's per-channel alpha, and other
 * broadcasts (which must still agree, through whatever path) ---- */

static void rand_bcast(kt_rng *r, arv_bcast4 *s, int mode)
{
    for (int i = 0; i < 4; i++)
        s->out[i] = i == 0 ? kt_int(r, 1, 2) : i == 3 ? chans[kt_int(r, 0, NCH - 1)] : kt_int(r, 1, 9);
    for (int i = 0; i < 4; i++) {
        s->a[i] = s->out[i];
        s->b[i] = s->out[i];
        if (mode == 1)   /* per-channel b */
            s->b[i] = i == 3 ? s->out[3] : 1;
        if (mode == 2 && kt_int(r, 0, 1))   /* any broadcast */
            s->b[i] = 1;
    }
}

static size_t numel(const int d[4]) { return (size_t)d[0] * d[1] * d[2] * d[3]; }

static float rscale(kt_rng *r) { return ldexpf(kt_uniform(r, 1.0f, 2.0f), -kt_int(r, 2, 9)); }

START_TEST(elementwise)
{
    kt_rng r;
    kt_seed(&r, 0xe1e3);
    static const int acts[] = {TFL_ACT_NONE, TFL_ACT_RELU, TFL_ACT_RELU6, TFL_ACT_RELU_N1_TO_1};
    for (int it = 0; it < 300; it++) {
        arv_bcast4 s;
        const int mode = it % 3;
        rand_bcast(&r, &s, mode);
        const size_t n = numel(s.out), na = numel(s.a), nb = numel(s.b);
        int8_t *a = malloc(na), *b = malloc(nb), *want = malloc(n), *got = malloc(n);
        kt_fill8(&r, a, na);
        kt_fill8(&r, b, nb);
        const int act = acts[kt_int(&r, 0, 3)];
        arv_q_add pa;
        const float s1 = rscale(&r), s2 = rscale(&r), so = rscale(&r);
        const int32_t z1 = kt_pick_zp(&r), z2 = kt_pick_zp(&r);
        arv_q_add_prepare(s1, z1, s2, z2, so, kt_pick_zp(&r), act, &pa);
        /* every other case: XNNPACK's ADD (the rounding TFLite runs), when the scale
         * ratios are in its range */
        if (it % 2 && arv_q_add_prepare_xnn(s1, z1, s2, z2, so, &pa) == 0)
            ck_assert_int_eq(pa.rounding, ARV_QR_XNN_ADD);
        arv_q_mul pm;
        arv_q_mul_prepare(rscale(&r), kt_pick_zp(&r), rscale(&r), kt_pick_zp(&r), rscale(&r),
                          kt_pick_zp(&r), act, &pm);
        arv_q_prelu pp;
        arv_q_prelu_prepare(rscale(&r), kt_pick_zp(&r), rscale(&r), kt_pick_zp(&r), rscale(&r),
                            kt_pick_zp(&r), &pp);
        for (int t = 0; t < n_tables; t++) {
            const arv_kernel_table_int8 *k = tables[t];
            for (int sub = 0; sub < 2; sub++) {
                arv_q8_add(sub, &pa, &s, a, b, want);
                memset(got, 0x5a, n);
                k->add(sub, &pa, &s, a, b, got);
                ck_assert_msg(memcmp(got, want, n) == 0, "%s %s differs (mode %d, %dx%dx%dx%d)",
                              k->name, sub ? "sub" : "add", mode, s.out[0], s.out[1], s.out[2],
                              s.out[3]);
            }
            arv_q8_mul(&pm, &s, a, b, want);
            memset(got, 0x5a, n);
            k->mul(&pm, &s, a, b, got);
            ck_assert_msg(memcmp(got, want, n) == 0, "%s mul differs (mode %d)", k->name, mode);
            arv_q8_prelu(&pp, &s, a, b, want);
            memset(got, 0x5a, n);
            k->prelu(&pp, &s, a, b, got);
            ck_assert_msg(memcmp(got, want, n) == 0, "%s prelu differs (mode %d, c %d)", k->name,
                          mode, s.out[3]);
        }
        free(a);
        free(b);
        free(want);
        free(got);
    }
}
END_TEST

START_TEST(pad)
{
    kt_rng r;
    kt_seed(&r, 0x9ad4);
    for (int it = 0; it < 200; it++) {
        int d[4], bf[4], af[4], od[4];
        for (int k = 0; k < 4; k++) {
            d[k] = k == 0 ? kt_int(&r, 1, 2) : kt_int(&r, 1, 9);
            const int padded = kt_int(&r, 0, 2) == 0 || (it % 4 == 0 && k == 3);
            bf[k] = padded ? kt_int(&r, 0, 3) : 0;
            af[k] = padded ? kt_int(&r, 0, 3) : 0;
            od[k] = bf[k] + d[k] + af[k];
        }
        const size_t n = numel(d), no = numel(od);
        int8_t *in = malloc(n), *want = malloc(no), *got = malloc(no);
        kt_fill8(&r, in, n);
        const int8_t pv = (int8_t)kt_pick_zp(&r);
        arv_q8_pad4(d, bf, af, pv, in, want);
        for (int t = 0; t < n_tables; t++) {
            memset(got, 0x5a, no);
            tables[t]->pad4(d, bf, af, pv, in, got);
            ck_assert_msg(memcmp(got, want, no) == 0, "%s pad4 differs", tables[t]->name);
        }
        free(in);
        free(want);
        free(got);
    }
}
END_TEST

/* QUANTIZE / DEQUANTIZE: halves, near-halves, both signs, saturation. */
START_TEST(quantize_dequantize)
{
    kt_rng r;
    kt_seed(&r, 0x9a27);
    for (int it = 0; it < 100; it++) {
        const size_t n = (size_t)kt_int(&r, 1, 300);
        float *x = malloc(n * sizeof *x), *fw = malloc(n * sizeof *fw), *fg = malloc(n * sizeof *fg);
        const float scale = rscale(&r);
        const int32_t zp = kt_pick_zp(&r);
        for (size_t i = 0; i < n; i++) {
            const int kind = kt_int(&r, 0, 3);
            const float h = (float)kt_int(&r, -300, 300) + 0.5f;
            x[i] = kind == 0 ? h * scale
                 : kind == 1 ? nextafterf(h, kt_int(&r, 0, 1) ? 1e9f : -1e9f) * scale
                 : kt_uniform(&r, -200.0f, 200.0f) * scale;
        }
        int8_t *want = malloc(n), *got = malloc(n);
        arv_q8_quantize(n, x, scale, zp, want);
        for (int t = 0; t < n_tables; t++) {
            memset(got, 0x5a, n);
            tables[t]->quantize(n, x, scale, zp, got);
            for (size_t i = 0; i < n; i++)
                ck_assert_msg(got[i] == want[i], "%s quantize(%.9g / %.9g) got %d want %d",
                              tables[t]->name, x[i], scale, got[i], want[i]);
            arv_q8_dequantize(n, want, scale, zp, fw);
            tables[t]->dequantize(n, want, scale, zp, fg);
            ck_assert_msg(memcmp(fw, fg, n * sizeof *fw) == 0, "%s dequantize differs",
                          tables[t]->name);
        }
        free(x);
        free(fw);
        free(fg);
        free(want);
        free(got);
    }
}
END_TEST

START_TEST(max_pool)
{
    kt_rng r;
    kt_seed(&r, 0x3a9f);
    for (int it = 0; it < 200; it++) {
        arv_pool_geom g;
        memset(&g, 0, sizeof g);
        g.batch = kt_int(&r, 1, 2);
        g.in_h = kt_int(&r, 1, 9);
        g.in_w = kt_int(&r, 1, 11);
        g.c = it % 3 ? chans[kt_int(&r, 0, NCH - 1)] : kt_int(&r, 60, 140);
        g.k_h = kt_int(&r, 1, 3);
        g.k_w = kt_int(&r, 1, 3);
        g.stride_h = kt_int(&r, 1, 2);
        g.stride_w = kt_int(&r, 1, 2);
        const int same = kt_int(&r, 0, 1);
        kt_conv_axis(g.in_h, g.k_h, g.stride_h, 1, same, &g.out_h, &g.pad_top);
        kt_conv_axis(g.in_w, g.k_w, g.stride_w, 1, same, &g.out_w, &g.pad_left);
        if (g.out_h <= 0 || g.out_w <= 0)
            continue;
        int32_t lo = -128, hi = 127;
        if (kt_int(&r, 0, 1)) {
            const int a = kt_int(&r, -128, 127), b = kt_int(&r, -128, 127);
            lo = a < b ? a : b;
            hi = a < b ? b : a;
        }
        const size_t nin = (size_t)g.batch * g.in_h * g.in_w * g.c;
        const size_t n = (size_t)g.batch * g.out_h * g.out_w * g.c;
        int8_t *in = malloc(nin), *want = malloc(n), *got = malloc(n);
        kt_fill8(&r, in, nin);
        const int rows = g.batch * g.out_h;
        arv_q8_max_pool(&g, lo, hi, in, want, 0, rows);
        for (int t = 0; t < n_tables; t++) {
            memset(got, 0x5a, n);
            const int k = kt_int(&r, 0, rows);
            tables[t]->max_pool(&g, lo, hi, in, got, 0, k);
            tables[t]->max_pool(&g, lo, hi, in, got, k, rows);
            ck_assert_msg(memcmp(got, want, n) == 0, "%s max_pool differs", tables[t]->name);
        }
        free(in);
        free(want);
        free(got);
    }
}
END_TEST

/* arv_kernels_int8_for: generic for generic/unknown tables; an optimized
 * table's unpacked entries are the generic kernels. */
/* The models' small-channel and depthwise shapes at sizes that reach the
 * new paths' whole blocks and tails: 1x1 to 8 channels (two pixels per
 * vector; 8 and 16 input channels permuted out of whole loads), outputs of
 * 16, 32 or a multiple of 64 channels (64 bytes requantized at once), the
 * stems (3x3 s2 3->24, 5x5 s2 3->32; the direct copy of interior taps),
 * depthwise 3x3 / 5x5 at stride 1 and 2 over many rows (the row ring),
 * with ARV_QR_FP32 (the fast requantization) most of the time and, in
 * every fourth case, a bias so large that the fast requantization must
 * give way to the float clamp. */
static void model_case(kt_rng *r, int dw, int in_h, int in_w, int in_c, int out_c, int k,
                       int stride, int same, int it, const char *what)
{
    arv_conv_geom g;
    memset(&g, 0, sizeof g);
    g.batch = 1 + (it % 5 == 4), g.in_h = in_h, g.in_w = in_w, g.in_c = in_c;
    g.out_c = dw ? in_c : out_c, g.k_h = g.k_w = k, g.stride_h = g.stride_w = stride;
    g.dil_h = g.dil_w = g.depth_mult = 1;
    kt_conv_axis(g.in_h, k, stride, 1, same, &g.out_h, &g.pad_top);
    kt_conv_axis(g.in_w, k, stride, 1, same, &g.out_w, &g.pad_left);
    qparams p;
    make_q(r, g.out_c, &p);
    if (it % 3 != 2)
        p.q.rounding = ARV_QR_FP32;
    const size_t nin = (size_t)g.batch * g.in_h * g.in_w * g.in_c;
    const size_t nw = dw ? (size_t)k * k * g.out_c : (size_t)g.out_c * k * k * g.in_c;
    int8_t *in = malloc(nin), *w = malloc(nw);
    kt_fill8(r, in, nin);
    kt_fill8(r, w, nw);
    int32_t *bias = make_bias(r, g.out_c, it % 4 == 3 ? 1 << 30 : 1 << 16);
    if (bias && it % 4 == 3)
        for (int c = 0; c < g.out_c; c++)
            p.fscale[c] = 4.0f;
    for (int t = 0; t < n_tables; t++)
        ck_assert(check_case(r, tables[t], dw ? TFL_DEPTHWISE_CONV_2D : TFL_CONV_2D, &g, &p.q,
                             in, w, bias, dw ? arv_q8_depthwise : arv_q8_conv2d, what));
    free(in);
    free(w);
    free(bias);
}

START_TEST(small_channels_and_depthwise_shapes)
{
    kt_rng r;
    kt_seed(&r, 0x5a11);
    static const int in_cs[] = {8, 16, 4, 12, 24, 48, 3, 5, 17};
    for (int it = 0; it < 72; it++)   /* 1x1 -> 8: whole 8-pixel blocks and tails */
        model_case(&r, 0, kt_int(&r, 1, 6), kt_int(&r, 1, 37), in_cs[it % 9], 8, 1, 1, 0, it,
                   "conv1x1_to8");
    static const int out_cs[] = {16, 32, 64, 128, 144, 48, 24};
    for (int it = 0; it < 42; it++)   /* 64 output bytes requantized together */
        model_case(&r, 0, kt_int(&r, 1, 5), kt_int(&r, 1, 19), in_cs[it % 9], out_cs[it % 7],
                   it % 6 == 5 ? 3 : 1, 1, it % 2, it, "conv_rq64");
    for (int it = 0; it < 8; it++)   /* the stems */
        model_case(&r, 0, 33 + it, 31 + 2 * it, 3, it % 2 ? 24 : 32, it % 2 ? 3 : 5, 2,
                   it % 3 == 0, it, "conv_stem");
    static const int dcs[] = {8, 24, 40, 16, 7, 32, 64, 144, 264, 33};
    for (int it = 0; it < 80; it++) {
        const int k = it % 2 ? 3 : 5, s = it % 3 == 0 ? 2 : 1;
        model_case(&r, 1, kt_int(&r, 5, 24), kt_int(&r, 5, 30), dcs[it % 10], 0, k, s,
                   it % 5 != 1, it, "depthwise_model");
    }
}
END_TEST

START_TEST(selection)
{
    ck_assert_ptr_eq(arv_kernels_int8_for(&arv_kernels_generic), &arv_kernels_int8_generic);
    ck_assert_ptr_eq(arv_kernels_int8_for(NULL), &arv_kernels_int8_generic);
    for (int t = 0; t < n_tables; t++) {
        ck_assert_ptr_nonnull(tables[t]->packed_size);
        ck_assert_ptr_nonnull(tables[t]->pack);
        ck_assert_ptr_nonnull(tables[t]->run_packed);
        ck_assert_ptr_nonnull(tables[t]->add);
        ck_assert_ptr_nonnull(tables[t]->dequantize);
    }
}
END_TEST

int main(void)
{
    find_tables();
    Suite *s = suite_create("int8_simd");
    TCase *tc = tcase_create("tables");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, selection);
    tcase_add_test(tc, conv2d);
    tcase_add_test(tc, conv2d_model_shapes);
    tcase_add_test(tc, conv2d_one_channel);
    tcase_add_test(tc, requant_full_range);
    tcase_add_test(tc, fallbacks);
    tcase_add_test(tc, depthwise);
    tcase_add_test(tc, depthwise_multiplier_unpacked);
    tcase_add_test(tc, small_channels_and_depthwise_shapes);
    tcase_add_test(tc, fully_connected);
    tcase_add_test(tc, elementwise);
    tcase_add_test(tc, pad);
    tcase_add_test(tc, max_pool);
    tcase_add_test(tc, quantize_dequantize);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    printf("test_int8_simd: %d packed cases checked, %d without a packed kernel\n", n_checked,
           n_unpacked);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
