/* test_int8_simd_ops.c — the optimized int8 tables' non-convolution kernels
 * against the generic ones, bit for bit: RESIZE_BILINEAR in the 11-bit
 * flavour (up and down, align corners, half-pixel centres, odd channel
 * counts, split and partial row ranges), table lookups (LOGISTIC, RELU and
 * HARD_SWISH run as lookups), and MUL / PRELU / ADD in every rounding they
 * take with the broadcasts the models use: a per-channel or scalar operand
 * against a full one (either side), row sizes below, at and above the
 * vector widths; PRELU over its whole input domain; AVERAGE_POOL_2D with
 * padding and global windows; TRANSPOSE_CONV in every rounding; DEQUANTIZE
 * and XNNPACK's QUANTIZE. Tables this CPU cannot run are skipped with a
 * note. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kernels/kernels_int8.h"
#include "runtime/cpu.h"
#include "support/int8_tables.h"
#include "support/ktest.h"

#define NT 4
static const arv_kernel_table_int8 *tables[NT];
static int n_tables;

static void find_tables(void)
{
    n_tables = kt_int8_tables("test_int8_simd_ops", tables, NT);
}

static const int chans[] = {1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 48, 63, 64, 65,
                            96, 128, 129};
#define NCH ((int)(sizeof chans / sizeof chans[0]))

static void resize_q11(const arv_kernel_table_int8 *t, const arv_resize_geom *g,
                       const int8_t *in, int8_t *out, int r0, int r1)
{
    (t->resize_bilinear_q11 ? t->resize_bilinear_q11 : arv_q8_resize_bilinear_q11)(g, in, out,
                                                                                   r0, r1);
}

START_TEST(resize_bilinear_q11)
{
    kt_rng r;
    kt_seed(&r, 0x2e51);
    for (int it = 0; it < 400; it++) {
        arv_resize_geom g;
        g.batch = kt_int(&r, 1, 2);
        g.c = chans[kt_int(&r, 0, NCH - 1)];
        g.in_h = kt_int(&r, 1, 12);
        g.in_w = kt_int(&r, 1, 12);
        switch (it % 4) {
        case 0:   /* the models' 2x upsampling */
            g.out_h = 2 * g.in_h;
            g.out_w = 2 * g.in_w;
            break;
        case 1:   /* downsampling */
            g.out_h = kt_int(&r, 1, g.in_h);
            g.out_w = kt_int(&r, 1, g.in_w);
            break;
        default:
            g.out_h = kt_int(&r, 1, 30);
            g.out_w = kt_int(&r, 1, 30);
        }
        const int mode = kt_int(&r, 0, 2);
        g.align_corners = mode == 1;
        g.half_pixel_centers = mode == 2;
        const int rows = g.batch * g.out_h;
        const size_t row_bytes = (size_t)g.out_w * g.c, n = (size_t)rows * row_bytes;
        const size_t ni = (size_t)g.batch * g.in_h * g.in_w * g.c;
        int8_t *in = malloc(ni), *want = malloc(n), *got = malloc(n);
        kt_fill8(&r, in, ni);
        arv_q8_resize_bilinear_q11(&g, in, want, 0, rows);
        for (int t = 0; t < n_tables; t++) {
            memset(got, 0x5a, n);
            resize_q11(tables[t], &g, in, got, 0, rows);
            for (size_t i = 0; i < n; i++)
                if (got[i] != want[i])
                    ck_abort_msg("%s resize %dx%d->%dx%d c %d mode %d: byte %zu got %d want %d",
                                 tables[t]->name, g.in_h, g.in_w, g.out_h, g.out_w, g.c, mode, i,
                                 got[i], want[i]);
            const int k = kt_int(&r, 0, rows);
            memset(got, 0x5a, n);
            resize_q11(tables[t], &g, in, got, 0, k);
            resize_q11(tables[t], &g, in, got, k, rows);
            ck_assert_msg(memcmp(got, want, n) == 0, "%s resize split at %d differs",
                          tables[t]->name, k);
            const int a = kt_int(&r, 0, rows), b = kt_int(&r, a, rows);
            memset(got, 0x5a, n);
            resize_q11(tables[t], &g, in, got, a, b);
            for (size_t i = 0; i < n; i++) {
                const int row = (int)(i / row_bytes);
                const int8_t e = row >= a && row < b ? want[i] : (int8_t)0x5a;
                ck_assert_msg(got[i] == e, "%s resize rows [%d,%d): byte %zu got %d want %d",
                              tables[t]->name, a, b, i, got[i], e);
            }
        }
        free(in);
        free(want);
        free(got);
    }
}
END_TEST

/* Wide rows: output chunks and input spans beyond the kernels' buffers. */
START_TEST(resize_bilinear_q11_wide)
{
    kt_rng r;
    kt_seed(&r, 0x71de);
    static const int shapes[][4] = {{3, 600, 6, 1200}, {2, 300, 4, 130}, {4, 70, 8, 140},
                                    {2, 40, 3, 900},   {5, 257, 9, 511}};
    for (int s = 0; s < 5; s++)
        for (int ci = 0; ci < 4; ci++) {
            static const int cs[] = {1, 8, 33, 200};
            arv_resize_geom g = {1, shapes[s][0], shapes[s][1], cs[ci], shapes[s][2],
                                 shapes[s][3], 0, 1};
            const size_t n = (size_t)g.out_h * g.out_w * g.c, ni = (size_t)g.in_h * g.in_w * g.c;
            int8_t *in = malloc(ni), *want = malloc(n), *got = malloc(n);
            kt_fill8(&r, in, ni);
            arv_q8_resize_bilinear_q11(&g, in, want, 0, g.out_h);
            for (int t = 0; t < n_tables; t++) {
                memset(got, 0x5a, n);
                resize_q11(tables[t], &g, in, got, 0, g.out_h);
                ck_assert_msg(memcmp(got, want, n) == 0, "%s resize %dx%d->%dx%d c %d differs",
                              tables[t]->name, g.in_h, g.in_w, g.out_h, g.out_w, g.c);
            }
            free(in);
            free(want);
            free(got);
        }
}
END_TEST

START_TEST(lut)
{
    kt_rng r;
    kt_seed(&r, 0x1a7e);
    for (int it = 0; it < 100; it++) {
        const size_t n = (size_t)kt_int(&r, 0, 300) + (it % 10 == 0 ? 5000u : 0u);
        int8_t table[256], *in = malloc(n + 1), *want = malloc(n + 1), *got = malloc(n + 1);
        kt_fill8(&r, table, 256);
        kt_fill8(&r, in, n);
        if (it % 2) {   /* HARD_SWISH as the op layer tabulates it */
            arv_q_hswish hs;
            arv_q_hswish_prepare(ldexpf(kt_uniform(&r, 1.0f, 2.0f), -kt_int(&r, 1, 6)),
                                 kt_pick_zp(&r), ldexpf(kt_uniform(&r, 1.0f, 2.0f), -kt_int(&r, 1, 6)),
                                 kt_pick_zp(&r), &hs);
            int8_t all[256];
            for (int v = 0; v < 256; v++)
                all[v] = (int8_t)(uint8_t)v;
            arv_q8_hard_swish(&hs, 256, all, table);
            arv_q8_hard_swish(&hs, n, in, want);
        } else {
            arv_q8_lut(n, in, table, want);
        }
        for (int t = 0; t < n_tables; t++) {
            memset(got, 0x5a, n + 1);
            tables[t]->lut(n, in, table, got);
            ck_assert_msg(memcmp(got, want, n) == 0 && got[n] == 0x5a, "%s lut (n %zu) differs",
                          tables[t]->name, n);
        }
        free(in);
        free(want);
        free(got);
    }
}
END_TEST

/* ---- MUL / PRELU / ADD with the models' broadcasts ---- */

static size_t numel(const int d[4]) { return (size_t)d[0] * d[1] * d[2] * d[3]; }

static float rscale(kt_rng *r) { return ldexpf(kt_uniform(r, 1.0f, 2.0f), -kt_int(r, 2, 9)); }

/* kind: 0 same shape, 1 per-channel b, 2 per-channel a, 3 scalar b,
 * 4 scalar a, 5 [1,1,1,C] against [N,H,W,1]-style (generic path). */
static void make_bcast(kt_rng *r, arv_bcast4 *s, int kind)
{
    for (int i = 0; i < 4; i++)
        s->out[i] = i == 0 ? kt_int(r, 1, 2) : i == 3 ? chans[kt_int(r, 0, NCH - 1)]
                                                      : kt_int(r, 1, 7);
    for (int i = 0; i < 4; i++) {
        const int chan = i == 3 ? s->out[3] : 1;
        s->a[i] = kind == 2 ? chan : kind == 4 ? 1 : s->out[i];
        s->b[i] = kind == 1 ? chan : kind == 3 ? 1 : s->out[i];
        if (kind == 5) {
            s->a[i] = chan;
            s->b[i] = i == 3 ? 1 : s->out[i];
        }
    }
}

START_TEST(binary_broadcasts)
{
    kt_rng r;
    kt_seed(&r, 0xb1a5);
    for (int it = 0; it < 600; it++) {
        arv_bcast4 s;
        const int kind = it % 6;
        make_bcast(&r, &s, kind);
        const size_t n = numel(s.out), na = numel(s.a), nb = numel(s.b);
        int8_t *a = malloc(na), *b = malloc(nb), *want = malloc(n + 1), *got = malloc(n + 1);
        kt_fill8(&r, a, na);
        kt_fill8(&r, b, nb);
        static const int acts[] = {0, 1, 3};   /* NONE, RELU, RELU6 */
        const int act = acts[kt_int(&r, 0, 2)];
        const float s1 = rscale(&r), s2 = rscale(&r), so = rscale(&r);
        const int32_t z1 = kt_pick_zp(&r), z2 = kt_pick_zp(&r), zo = kt_pick_zp(&r);
        arv_q_mul pm;
        arv_q_mul_prepare(s1, z1, s2, z2, so, zo, act, &pm);
        if (it % 2) {   /* what TFLite runs: XNNPACK's float requantization */
            pm.rounding = ARV_QR_FP32;
            pm.fscale = s1 * s2 / so;
        }
        arv_q_prelu pp;
        arv_q_prelu_prepare(s1, z1, s2, z2, so, zo, &pp);
        arv_q_add pa;
        arv_q_add_prepare(s1, z1, s2, z2, so, zo, act, &pa);
        if (it % 3 && arv_q_add_prepare_xnn(s1, z1, s2, z2, so, &pa) == 0)
            ck_assert_int_eq(pa.rounding, ARV_QR_XNN_ADD);
        for (int t = 0; t < n_tables; t++) {
            const arv_kernel_table_int8 *k = tables[t];
            arv_q8_mul(&pm, &s, a, b, want);
            memset(got, 0x5a, n + 1);
            arv_q8_table_for(k, pm.rounding)->mul(&pm, &s, a, b, got);
            ck_assert_msg(memcmp(got, want, n) == 0 && got[n] == 0x5a,
                          "%s mul (rounding %d, kind %d, c %d) differs", k->name, pm.rounding,
                          kind, s.out[3]);
            arv_q8_prelu(&pp, &s, a, b, want);
            memset(got, 0x5a, n + 1);
            k->prelu(&pp, &s, a, b, got);
            ck_assert_msg(memcmp(got, want, n) == 0 && got[n] == 0x5a,
                          "%s prelu (kind %d, c %d) differs", k->name, kind, s.out[3]);
            arv_q8_add(0, &pa, &s, a, b, want);
            memset(got, 0x5a, n + 1);
            arv_q8_table_for(k, pa.rounding)->add(0, &pa, &s, a, b, got);
            ck_assert_msg(memcmp(got, want, n) == 0 && got[n] == 0x5a,
                          "%s add (rounding %d, kind %d, c %d) differs", k->name, pa.rounding,
                          kind, s.out[3]);
        }
        free(a);
        free(b);
        free(want);
        free(got);
    }
}
END_TEST

/* PRELU over every input value against every alpha value, both zero points
 * at their extremes: the whole domain of the two branches. */
START_TEST(prelu_full_domain)
{
    kt_rng r;
    kt_seed(&r, 0x9e1f);
    const int c = 256;
    arv_bcast4 s = {{1, 1, 256, c}, {1, 1, 256, c}, {1, 1, 1, c}};
    int8_t *x = malloc(256 * c), *al = malloc(c), *want = malloc(256 * c), *got = malloc(256 * c);
    for (int v = 0; v < 256; v++)
        for (int k = 0; k < c; k++)
            x[v * c + k] = (int8_t)(uint8_t)v;
    for (int k = 0; k < c; k++)
        al[k] = (int8_t)(uint8_t)k;
    for (int it = 0; it < 40; it++) {
        /* every fourth case: powers of two, whose multipliers are 2^30 */
        const int p2 = it % 4 == 3;
        const float m1 = p2 ? 1.0f : kt_uniform(&r, 1.0f, 2.0f);
        const float m2 = p2 ? 1.0f : kt_uniform(&r, 1.0f, 2.0f);
        const float m3 = p2 ? 1.0f : kt_uniform(&r, 1.0f, 2.0f);
        arv_q_prelu pp;
        arv_q_prelu_prepare(ldexpf(m1, -kt_int(&r, 0, 8)), kt_pick_zp(&r),
                            ldexpf(m2, -kt_int(&r, 0, 10)), kt_pick_zp(&r),
                            ldexpf(m3, -kt_int(&r, 0, 8)), kt_pick_zp(&r), &pp);
        arv_q8_prelu(&pp, &s, x, al, want);
        for (int t = 0; t < n_tables; t++) {
            memset(got, 0x5a, 256 * c);
            tables[t]->prelu(&pp, &s, x, al, got);
            for (int i = 0; i < 256 * c; i++)
                if (got[i] != want[i])
                    ck_abort_msg("%s prelu x %d alpha %d (zp %d/%d, m %d/%d, s %d/%d) got %d "
                                 "want %d",
                                 tables[t]->name, x[i], al[i % c], -pp.in_offset,
                                 -pp.alpha_offset, pp.mult1, pp.mult2, pp.shift1, pp.shift2,
                                 got[i], want[i]);
        }
    }
    free(x);
    free(al);
    free(want);
    free(got);
}
END_TEST

/* Per-channel alpha with short rows over many pixels (the kernels regroup
 * rows of fewer than 128 channels). */
START_TEST(prelu_short_rows)
{
    kt_rng r;
    kt_seed(&r, 0x5e0a);
    static const int cs[] = {1, 3, 8, 16, 32, 33, 48, 64, 100, 127};
    for (int it = 0; it < 60; it++) {
        const int c = cs[it % 10], px = kt_int(&r, 1, 700);
        arv_bcast4 s = {{1, 1, px, c}, {1, 1, px, c}, {1, 1, 1, c}};
        const size_t n = (size_t)px * c;
        int8_t *x = malloc(n), *al = malloc(c), *want = malloc(n + 1), *got = malloc(n + 1);
        kt_fill8(&r, x, n);
        kt_fill8(&r, al, c);
        arv_q_prelu pp;
        arv_q_prelu_prepare(rscale(&r), kt_pick_zp(&r), rscale(&r), kt_pick_zp(&r), rscale(&r),
                            kt_pick_zp(&r), &pp);
        arv_q8_prelu(&pp, &s, x, al, want);
        for (int t = 0; t < n_tables; t++) {
            memset(got, 0x5a, n + 1);
            tables[t]->prelu(&pp, &s, x, al, got);
            ck_assert_msg(memcmp(got, want, n) == 0 && got[n] == 0x5a,
                          "%s prelu c %d x %d pixels differs", tables[t]->name, c, px);
        }
        free(x);
        free(al);
        free(want);
        free(got);
    }
}
END_TEST

/* AVERAGE_POOL_2D: random windows with padding, global pools up to 64x64,
 * activation clamps; rounding ties of the division come up often. */
START_TEST(avg_pool)
{
    kt_rng r;
    kt_seed(&r, 0xa7e9);
    for (int it = 0; it < 300; it++) {
        arv_pool_geom g;
        memset(&g, 0, sizeof g);
        g.batch = kt_int(&r, 1, 2);
        g.c = chans[kt_int(&r, 0, NCH - 1)];
        if (it % 5 == 0) {   /* global, as the SE blocks */
            g.in_h = g.in_w = g.k_h = g.k_w = kt_int(&r, 1, 64);
            g.stride_h = g.stride_w = g.k_h;
            g.out_h = g.out_w = 1;
        } else {
            g.in_h = kt_int(&r, 1, 10);
            g.in_w = kt_int(&r, 1, 10);
            g.k_h = kt_int(&r, 1, 4);
            g.k_w = kt_int(&r, 1, 4);
            g.stride_h = kt_int(&r, 1, 3);
            g.stride_w = kt_int(&r, 1, 3);
            const int same = kt_int(&r, 0, 1);
            kt_conv_axis(g.in_h, g.k_h, g.stride_h, 1, same, &g.out_h, &g.pad_top);
            kt_conv_axis(g.in_w, g.k_w, g.stride_w, 1, same, &g.out_w, &g.pad_left);
            if (g.out_h < 1 || g.out_w < 1)
                continue;
        }
        int32_t lo = -128, hi = 127;
        if (it % 3 == 1) {
            lo = kt_int(&r, -128, 0);
            hi = kt_int(&r, lo, 127);
        }
        const int rows = g.batch * g.out_h;
        const size_t ni = (size_t)g.batch * g.in_h * g.in_w * g.c;
        const size_t n = (size_t)rows * g.out_w * g.c;
        int8_t *in = malloc(ni), *want = malloc(n + 1), *got = malloc(n + 1);
        kt_fill8(&r, in, ni);
        if (it % 4 == 3)   /* narrow values: sums land on ties */
            for (size_t i = 0; i < ni; i++)
                in[i] = (int8_t)(in[i] & 3) - 2;
        arv_q8_avg_pool(&g, lo, hi, in, want, 0, rows);
        for (int t = 0; t < n_tables; t++) {
            memset(got, 0x5a, n + 1);
            const int k = kt_int(&r, 0, rows);
            tables[t]->avg_pool(&g, lo, hi, in, got, 0, k);
            tables[t]->avg_pool(&g, lo, hi, in, got, k, rows);
            ck_assert_msg(memcmp(got, want, n) == 0 && got[n] == 0x5a,
                          "%s avg_pool %dx%d k %dx%d s %d,%d c %d differs", tables[t]->name,
                          g.in_h, g.in_w, g.k_h, g.k_w, g.stride_h, g.stride_w, g.c);
        }
        free(in);
        free(want);
        free(got);
    }
}
END_TEST

/* TRANSPOSE_CONV: random kernels, strides and crops, channel counts around
 * 16, every rounding, per-channel multipliers; the selfie model's shape. */
START_TEST(transpose_conv)
{
    kt_rng r;
    kt_seed(&r, 0x7c0f);
    for (int it = 0; it < 200; it++) {
        arv_conv_geom g;
        memset(&g, 0, sizeof g);
        g.batch = kt_int(&r, 1, 2);
        if (it == 0) {   /* selfie_segmentation's last op, smaller */
            g.in_h = g.in_w = 16;
            g.in_c = 16;
            g.k_h = g.k_w = 2;
            g.stride_h = g.stride_w = 2;
            g.out_c = 1;
        } else {
            g.in_h = kt_int(&r, 1, 7);
            g.in_w = kt_int(&r, 1, 7);
            g.in_c = chans[kt_int(&r, 0, NCH - 1)];
            g.k_h = kt_int(&r, 1, 4);
            g.k_w = kt_int(&r, 1, 4);
            g.stride_h = kt_int(&r, 1, 3);
            g.stride_w = kt_int(&r, 1, 3);
            g.out_c = it % 3 == 0 ? 1 : kt_int(&r, 1, 9);
        }
        g.pad_top = kt_int(&r, 0, g.k_h - 1);
        g.pad_left = kt_int(&r, 0, g.k_w - 1);
        g.out_h = (g.in_h - 1) * g.stride_h + g.k_h - g.pad_top - kt_int(&r, 0, g.k_h - 1);
        g.out_w = (g.in_w - 1) * g.stride_w + g.k_w - g.pad_left - kt_int(&r, 0, g.k_w - 1);
        g.dil_h = g.dil_w = 1;
        g.depth_mult = 1;
        if (g.out_h < 1 || g.out_w < 1)
            continue;
        int32_t mult[16], bias_v[16];
        int shift[16];
        float fscale[16];
        for (int c = 0; c < g.out_c; c++) {
            const double m = ldexp(kt_uniform(&r, 1.0f, 2.0f), -kt_int(&r, 6, 14));
            arv_q_quantize_mult(m, &mult[c], &shift[c]);
            fscale[c] = (float)m;
            bias_v[c] = kt_int(&r, -5000, 5000);
        }
        arv_q_conv q;
        memset(&q, 0, sizeof q);
        q.input_offset = -kt_pick_zp(&r);
        q.weight_offset = it % 4 == 1 ? -kt_pick_zp(&r) : 0;
        q.output_offset = kt_pick_zp(&r);
        q.mult = mult;
        q.shift = shift;
        q.fscale = fscale;
        q.rounding = it % 3 == 2 ? ARV_QR_DOUBLE : it % 3 == 1 ? ARV_QR_SINGLE : ARV_QR_FP32;
        q.act_min = kt_int(&r, -128, 0);
        q.act_max = kt_int(&r, q.act_min, 127);
        if (it % 2)
            q.act_min = -128, q.act_max = 127;
        const size_t ni = (size_t)g.batch * g.in_h * g.in_w * g.in_c;
        const size_t nw = (size_t)g.out_c * g.k_h * g.k_w * g.in_c;
        const size_t no = (size_t)g.batch * g.out_h * g.out_w * g.out_c;
        int8_t *in = malloc(ni), *w = malloc(nw), *want = malloc(no + 1), *got = malloc(no + 1);
        int32_t *scr = malloc(no * sizeof *scr);
        kt_fill8(&r, in, ni);
        kt_fill8(&r, w, nw);
        const int32_t *bias = it % 5 ? bias_v : NULL;
        arv_q8_transpose_conv(&g, &q, in, w, bias, scr, want);
        for (int t = 0; t < n_tables; t++) {
            memset(got, 0x5a, no + 1);
            arv_q8_table_for(tables[t], q.rounding)->transpose_conv(&g, &q, in, w, bias, scr, got);
            ck_assert_msg(memcmp(got, want, no) == 0 && got[no] == 0x5a,
                          "%s transpose_conv %dx%dx%d k %dx%d s %d,%d -> %dx%dx%d rounding %d "
                          "differs",
                          tables[t]->name, g.in_h, g.in_w, g.in_c, g.k_h, g.k_w, g.stride_h,
                          g.stride_w, g.out_h, g.out_w, g.out_c, q.rounding);
        }
        free(in);
        free(w);
        free(want);
        free(got);
        free(scr);
    }
}
END_TEST

/* DEQUANTIZE by one float multiply must equal the generic double product
 * rounded to float: every int8 value, every zero point, scales over a wide
 * range of magnitudes and mantissas. */
START_TEST(dequantize_all_values)
{
    kt_rng r;
    kt_seed(&r, 0xdea1);
    int8_t in[256 + 7];
    for (int v = 0; v < 256 + 7; v++)
        in[v] = (int8_t)(uint8_t)v;
    float want[256 + 7], got[256 + 7];
    for (int it = 0; it < 3000; it++) {
        const float scale = ldexpf(kt_uniform(&r, 1.0f, 2.0f), kt_int(&r, -40, 20));
        const int32_t zp = kt_int(&r, -128, 127);
        const size_t n = 256 + (size_t)(it % 8);
        arv_q8_dequantize(n, in, scale, zp, want);
        for (int t = 0; t < n_tables; t++) {
            tables[t]->dequantize(n, in, scale, zp, got);
            ck_assert_msg(memcmp(got, want, n * sizeof *got) == 0,
                          "%s dequantize (scale %a, zp %d) differs", tables[t]->name,
                          (double)scale, zp);
        }
    }
}
END_TEST

/* QUANTIZE in XNNPACK's flavour: ties of x * (1/scale) (an image normalised
 * as k / 127.5 - 1), values beyond the int8 range, infinities and NaN. */
START_TEST(quantize_rne)
{
    kt_rng r;
    kt_seed(&r, 0x9e7e);
    for (int it = 0; it < 300; it++) {
        const size_t n = (size_t)kt_int(&r, 0, 300);
        float *x = malloc((n + 1) * sizeof *x);
        const float scale = it % 3 == 0 ? 1.0f / 127.5f
                                        : ldexpf(kt_uniform(&r, 1.0f, 2.0f), -kt_int(&r, 1, 9));
        const int32_t zp = it % 3 == 0 ? -1 : kt_pick_zp(&r);
        for (size_t i = 0; i < n; i++) {
            switch (kt_int(&r, 0, 9)) {
            case 0: x[i] = NAN; break;
            case 1: x[i] = kt_int(&r, 0, 1) ? INFINITY : -INFINITY; break;
            case 2: x[i] = kt_uniform(&r, -1000.0f, 1000.0f) * scale; break;
            case 3: x[i] = ((float)kt_int(&r, -300, 300) + 0.5f) * scale; break;
            default: x[i] = (float)kt_int(&r, 0, 255) / 127.5f - 1.0f; break;
            }
        }
        int8_t *want = malloc(n + 1), *got = malloc(n + 1);
        arv_q8_quantize_rne(n, x, 1.0f / scale, zp, want);
        for (int t = 0; t < n_tables; t++) {
            ck_assert_ptr_nonnull(tables[t]->quantize_rne);
            memset(got, 0x5a, n + 1);
            tables[t]->quantize_rne(n, x, 1.0f / scale, zp, got);
            ck_assert_msg(memcmp(got, want, n) == 0 && got[n] == 0x5a,
                          "%s quantize_rne (scale %g, zp %d, n %zu) differs", tables[t]->name,
                          (double)scale, zp, n);
        }
        free(x);
        free(want);
        free(got);
    }
}
END_TEST

START_TEST(entries)
{
    ck_assert_ptr_nonnull(arv_kernels_int8_generic.resize_bilinear_q11);
    ck_assert_ptr_nonnull(arv_kernels_int8_generic.quantize_rne);
    for (int t = 0; t < n_tables; t++)
        ck_assert_ptr_nonnull(tables[t]->resize_bilinear_q11);
}
END_TEST

int main(void)
{
    find_tables();
    Suite *s = suite_create("int8_simd_ops");
    TCase *tc = tcase_create("tables");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, entries);
    tcase_add_test(tc, resize_bilinear_q11);
    tcase_add_test(tc, resize_bilinear_q11_wide);
    tcase_add_test(tc, lut);
    tcase_add_test(tc, binary_broadcasts);
    tcase_add_test(tc, prelu_full_domain);
    tcase_add_test(tc, prelu_short_rows);
    tcase_add_test(tc, avg_pool);
    tcase_add_test(tc, transpose_conv);
    tcase_add_test(tc, dequantize_all_values);
    tcase_add_test(tc, quantize_rne);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    const int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
