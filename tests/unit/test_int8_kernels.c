/* test_int8_kernels.c — the generic int8 kernels on random shapes against
 * naive formulations written here independently of lib/:
 *   - convolutions sum over an input explicitly padded with its zero point
 *     (transposed conv gathers instead of scattering), in int64;
 *   - requantization uses this file's own restatement of TFLite's rounding
 *     (see test_int8_fixedpoint.c): exact equality is required wherever
 *     TFLite's semantics fix every bit (conv, depthwise, transposed conv,
 *     FC, ADD/SUB, MUL, PRELU, pools, PAD, QUANTIZE, DEQUANTIZE, equal-scale
 *     CONCATENATION, the LOGISTIC table);
 *   - every result is also compared with plain double arithmetic on the
 *     dequantized values: within one quantization step (HARD_SWISH and
 *     rescaling CONCATENATION are checked only this way). */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "kernels/kernels_int8.h"
#include "support/int8_tables.h"
#include "support/ktest.h"
#include "support/q8_ref.h"

#define EXPECT(c, ...) do { if (!(c)) ck_abort_msg(__VA_ARGS__); } while (0)

static const arv_kernel_table_int8 *K = &arv_kernels_int8_generic;

static int32_t clampi(int64_t v, int32_t lo, int32_t hi)
{
    return (int32_t)(v < lo ? lo : v > hi ? hi : v);
}

static float rand_scale(kt_rng *r, float lo, float hi)
{
    return expf(kt_uniform(r, logf(lo), logf(hi)));
}

/* ---- convolutions ---- */

typedef struct conv_case {
    arv_conv_geom g;
    float in_s, out_s, *w_s;
    int32_t in_zp, out_zp, act_lo, act_hi;
    int32_t *mult;
    int *shift;
    arv_q_conv q;
} conv_case;

static void make_q(kt_rng *r, conv_case *c, int out_c)
{
    c->in_s = rand_scale(r, 0.005f, 0.1f);
    c->out_s = rand_scale(r, 0.01f, 0.5f);
    c->in_zp = kt_int(r, -128, 127);
    c->out_zp = kt_int(r, -128, 127);
    c->w_s = malloc(sizeof(float) * (size_t)out_c);
    c->mult = malloc(sizeof(int32_t) * (size_t)out_c);
    c->shift = malloc(sizeof(int) * (size_t)out_c);
    for (int o = 0; o < out_c; o++) {
        c->w_s[o] = rand_scale(r, 0.001f, 0.05f);
        arv_q_conv_mult(c->in_s, c->w_s[o], c->out_s, &c->mult[o], &c->shift[o]);
    }
    arv_q_act_range(kt_pick(r, (const int[]){0, 1, 3}, 3), c->out_s, c->out_zp, &c->act_lo,
                    &c->act_hi);
    c->q = (arv_q_conv){.input_offset = -c->in_zp, .weight_offset = 0,
                        .output_offset = c->out_zp, .mult = c->mult, .shift = c->shift,
                        .act_min = c->act_lo, .act_max = c->act_hi};
}

static void free_q(conv_case *c)
{
    free(c->w_s);
    free(c->mult);
    free(c->shift);
}

/* Compare one output with the reference requantization of acc, and with
 * the real-valued result. */
static void check_out(int8_t got, int64_t acc, const conv_case *c, int oc, const char *what,
                      size_t i)
{
    int32_t want = clampi((int64_t)q8_mbqm_ref(acc, c->mult[oc], c->shift[oc]) + c->out_zp,
                          c->act_lo, c->act_hi);
    EXPECT(got == want, "%s: element %zu = %d, want %d (acc %lld)", what, i, got, want,
           (long long)acc);
    double real = (double)acc * c->in_s * c->w_s[oc] / c->out_s + c->out_zp;
    real = real < c->act_lo ? c->act_lo : real > c->act_hi ? c->act_hi : real;
    EXPECT(fabs(got - real) <= 1.0, "%s: element %zu = %d, real %f", what, i, got, real);
}

static void rand_geom(kt_rng *r, arv_conv_geom *g, int dw)
{
    memset(g, 0, sizeof *g);
    g->batch = kt_int(r, 1, 2);
    g->in_h = kt_int(r, 1, 9);
    g->in_w = kt_int(r, 1, 9);
    g->in_c = kt_int(r, 1, dw ? 6 : 9);
    g->depth_mult = dw ? kt_int(r, 1, 2) : 1;
    g->out_c = dw ? g->in_c * g->depth_mult : kt_int(r, 1, 7);
    g->k_h = kt_int(r, 1, 3);
    g->k_w = kt_int(r, 1, 3);
    g->stride_h = kt_int(r, 1, 2);
    g->stride_w = kt_int(r, 1, 2);
    g->dil_h = kt_int(r, 1, 2);
    g->dil_w = kt_int(r, 1, 2);
    int same = kt_int(r, 0, 1);
    kt_conv_axis(g->in_h, g->k_h, g->stride_h, g->dil_h, same, &g->out_h, &g->pad_top);
    kt_conv_axis(g->in_w, g->k_w, g->stride_w, g->dil_w, same, &g->out_w, &g->pad_left);
}

/* Input value at (b, y, x, c) of the zero-point-padded input. */
static int32_t at_padded(const conv_case *c, const int8_t *in, int b, int y, int x, int ch)
{
    const arv_conv_geom *g = &c->g;
    if (y < 0 || y >= g->in_h || x < 0 || x >= g->in_w)
        return c->in_zp;
    return in[(((size_t)b * g->in_h + y) * g->in_w + x) * g->in_c + ch];
}

static void conv_test(int dw)
{
    kt_rng r;
    kt_seed(&r, dw ? 201 : 200);
    int done = 0;
    for (int it = 0; it < 300; it++) {
        conv_case c;
        rand_geom(&r, &c.g, dw);
        const arv_conv_geom *g = &c.g;
        if (g->out_h <= 0 || g->out_w <= 0)
            continue;
        make_q(&r, &c, g->out_c);
        size_t n_in = (size_t)g->batch * g->in_h * g->in_w * g->in_c;
        size_t n_w = dw ? (size_t)g->k_h * g->k_w * g->out_c
                        : (size_t)g->out_c * g->k_h * g->k_w * g->in_c;
        size_t n_out = (size_t)g->batch * g->out_h * g->out_w * g->out_c;
        int8_t *in = malloc(n_in), *w = malloc(n_w), *out = malloc(n_out);
        int32_t *bias = malloc(sizeof(int32_t) * (size_t)g->out_c);
        kt_fill8(&r, in, n_in);
        kt_fill8(&r, w, n_w);
        int use_bias = kt_int(&r, 0, 1);
        for (int o = 0; o < g->out_c; o++)
            bias[o] = kt_int(&r, -20000, 20000);
        int rows = g->batch * g->out_h, mid = kt_int(&r, 0, rows);
        /* split in two row ranges: the result must not depend on it */
        if (dw) {
            K->depthwise(g, &c.q, in, w, use_bias ? bias : NULL, out, 0, mid);
            K->depthwise(g, &c.q, in, w, use_bias ? bias : NULL, out, mid, rows);
        } else {
            K->conv2d(g, &c.q, in, w, use_bias ? bias : NULL, out, 0, mid);
            K->conv2d(g, &c.q, in, w, use_bias ? bias : NULL, out, mid, rows);
        }
        size_t i = 0;
        for (int b = 0; b < g->batch; b++)
            for (int oy = 0; oy < g->out_h; oy++)
                for (int ox = 0; ox < g->out_w; ox++)
                    for (int oc = 0; oc < g->out_c; oc++, i++) {
                        int64_t acc = use_bias ? bias[oc] : 0;
                        for (int ky = 0; ky < g->k_h; ky++)
                            for (int kx = 0; kx < g->k_w; kx++) {
                                int y = oy * g->stride_h - g->pad_top + ky * g->dil_h;
                                int x = ox * g->stride_w - g->pad_left + kx * g->dil_w;
                                if (dw) {
                                    int ic = oc / g->depth_mult;
                                    acc += (int64_t)(at_padded(&c, in, b, y, x, ic) - c.in_zp) *
                                           w[((size_t)ky * g->k_w + kx) * g->out_c + oc];
                                } else {
                                    for (int ic = 0; ic < g->in_c; ic++)
                                        acc += (int64_t)(at_padded(&c, in, b, y, x, ic) - c.in_zp) *
                                               w[(((size_t)oc * g->k_h + ky) * g->k_w + kx) * g->in_c + ic];
                                }
                            }
                        check_out(out[i], acc, &c, oc, dw ? "depthwise" : "conv2d", i);
                    }
        free(in);
        free(w);
        free(out);
        free(bias);
        free_q(&c);
        done++;
    }
    ck_assert_int_gt(done, 100);
}

START_TEST(conv2d) { conv_test(0); }
END_TEST
START_TEST(depthwise) { conv_test(1); }
END_TEST

START_TEST(transpose_conv)
{
    kt_rng r;
    kt_seed(&r, 202);
    for (int it = 0; it < 200; it++) {
        conv_case c;
        arv_conv_geom *g = &c.g;
        memset(g, 0, sizeof *g);
        g->batch = kt_int(&r, 1, 2);
        g->in_h = kt_int(&r, 1, 6);
        g->in_w = kt_int(&r, 1, 6);
        g->in_c = kt_int(&r, 1, 6);
        g->out_c = kt_int(&r, 1, 5);
        g->k_h = kt_int(&r, 1, 4);
        g->k_w = kt_int(&r, 1, 4);
        g->stride_h = kt_int(&r, 1, 3);
        g->stride_w = kt_int(&r, 1, 3);
        g->dil_h = g->dil_w = 1;
        /* TFLite: SAME gives out = in*stride, VALID (in-1)*stride + k;
         * the crop is half the excess. */
        int same = kt_int(&r, 0, 1);
        g->out_h = same ? g->in_h * g->stride_h : (g->in_h - 1) * g->stride_h + g->k_h;
        g->out_w = same ? g->in_w * g->stride_w : (g->in_w - 1) * g->stride_w + g->k_w;
        int th = (g->in_h - 1) * g->stride_h + g->k_h - g->out_h;
        int tw = (g->in_w - 1) * g->stride_w + g->k_w - g->out_w;
        g->pad_top = th > 0 ? th / 2 : 0;
        g->pad_left = tw > 0 ? tw / 2 : 0;
        make_q(&r, &c, g->out_c);
        size_t n_in = (size_t)g->batch * g->in_h * g->in_w * g->in_c;
        size_t n_w = (size_t)g->out_c * g->k_h * g->k_w * g->in_c;
        size_t n_out = (size_t)g->batch * g->out_h * g->out_w * g->out_c;
        int8_t *in = malloc(n_in), *w = malloc(n_w), *out = malloc(n_out);
        int32_t *bias = malloc(sizeof(int32_t) * (size_t)g->out_c);
        int32_t *scratch = malloc(sizeof(int32_t) * n_out);
        kt_fill8(&r, in, n_in);
        kt_fill8(&r, w, n_w);
        for (int o = 0; o < g->out_c; o++)
            bias[o] = kt_int(&r, -20000, 20000);
        K->transpose_conv(g, &c.q, in, w, bias, scratch, out);
        size_t i = 0;
        for (int b = 0; b < g->batch; b++)
            for (int oy = 0; oy < g->out_h; oy++)
                for (int ox = 0; ox < g->out_w; ox++)
                    for (int oc = 0; oc < g->out_c; oc++, i++) {
                        /* gather: the input pixels whose scatter reaches oy */
                        int64_t acc = bias[oc];
                        for (int ky = 0; ky < g->k_h; ky++) {
                            int t = oy + g->pad_top - ky;
                            if (t < 0 || t % g->stride_h)
                                continue;
                            int iy = t / g->stride_h;
                            if (iy >= g->in_h)
                                continue;
                            for (int kx = 0; kx < g->k_w; kx++) {
                                int u = ox + g->pad_left - kx;
                                if (u < 0 || u % g->stride_w)
                                    continue;
                                int ix = u / g->stride_w;
                                if (ix >= g->in_w)
                                    continue;
                                for (int ic = 0; ic < g->in_c; ic++)
                                    acc += (int64_t)(in[(((size_t)b * g->in_h + iy) * g->in_w + ix) * g->in_c + ic] - c.in_zp) *
                                           w[(((size_t)oc * g->k_h + ky) * g->k_w + kx) * g->in_c + ic];
                            }
                        }
                        check_out(out[i], acc, &c, oc, "transpose_conv", i);
                    }
        free(in);
        free(w);
        free(out);
        free(bias);
        free(scratch);
        free_q(&c);
    }
}
END_TEST

START_TEST(fully_connected)
{
    kt_rng r;
    kt_seed(&r, 203);
    for (int it = 0; it < 300; it++) {
        conv_case c;
        int batches = kt_int(&r, 1, 4), in_dim = kt_int(&r, 1, 300), out_dim = kt_int(&r, 1, 20);
        make_q(&r, &c, out_dim);
        int8_t *in = malloc((size_t)batches * in_dim), *w = malloc((size_t)out_dim * in_dim);
        int8_t *out = malloc((size_t)batches * out_dim);
        int32_t *bias = malloc(sizeof(int32_t) * (size_t)out_dim);
        kt_fill8(&r, in, (size_t)batches * in_dim);
        kt_fill8(&r, w, (size_t)out_dim * in_dim);
        for (int o = 0; o < out_dim; o++)
            bias[o] = kt_int(&r, -20000, 20000);
        K->fully_connected(batches, in_dim, out_dim, &c.q, in, w, bias, out, 0, batches);
        for (int b = 0; b < batches; b++)
            for (int o = 0; o < out_dim; o++) {
                int64_t acc = bias[o];
                for (int k = 0; k < in_dim; k++)
                    acc += (int64_t)(in[(size_t)b * in_dim + k] - c.in_zp) * w[(size_t)o * in_dim + k];
                check_out(out[(size_t)b * out_dim + o], acc, &c, o, "fully_connected",
                          (size_t)b * out_dim + o);
            }
        free(in);
        free(w);
        free(out);
        free(bias);
        free_q(&c);
    }
}
END_TEST

/* ---- element-wise ---- */

static void rand_bcast(kt_rng *r, arv_bcast4 *s)
{
    for (int d = 0; d < 4; d++) {
        s->out[d] = kt_int(r, 1, 5);
        s->a[d] = kt_int(r, 0, 3) ? s->out[d] : 1;
        s->b[d] = kt_int(r, 0, 3) ? s->out[d] : 1;
    }
}
static size_t n4(const int d[4]) { return (size_t)d[0] * d[1] * d[2] * d[3]; }
static size_t ix4(const int d[4], const int i[4])
{
    size_t o = 0;
    for (int k = 0; k < 4; k++)
        o = o * d[k] + (d[k] == 1 ? 0 : i[k]);
    return o;
}
static void unflat(const int d[4], size_t f, int i[4])
{
    for (int k = 3; k >= 0; k--) {
        i[k] = (int)(f % d[k]);
        f /= d[k];
    }
}

START_TEST(add_sub)
{
    kt_rng r;
    kt_seed(&r, 204);
    for (int it = 0; it < 500; it++) {
        arv_bcast4 s;
        rand_bcast(&r, &s);
        float s1 = rand_scale(&r, 0.005f, 0.2f), s2 = rand_scale(&r, 0.005f, 0.2f);
        float so = rand_scale(&r, 0.01f, 0.4f);
        int32_t z1 = kt_int(&r, -128, 127), z2 = kt_int(&r, -128, 127), zo = kt_int(&r, -128, 127);
        int sub = kt_int(&r, 0, 1), act = kt_pick(&r, (const int[]){0, 1, 3}, 3);
        arv_q_add p;
        arv_q_add_prepare(s1, z1, s2, z2, so, zo, act, &p);
        ck_assert_int_eq(p.left_shift, 20);
        size_t na = n4(s.a), nb = n4(s.b), no = n4(s.out);
        int8_t *a = malloc(na), *b = malloc(nb), *o = malloc(no);
        kt_fill8(&r, a, na);
        kt_fill8(&r, b, nb);
        K->add(sub, &p, &s, a, b, o);
        for (size_t f = 0; f < no; f++) {
            int i[4];
            unflat(s.out, f, i);
            int32_t x1 = a[ix4(s.a, i)] - z1, x2 = b[ix4(s.b, i)] - z2;
            int32_t y1 = q8_mbqm_ref((int64_t)x1 * (1 << 20), p.in1_mult, p.in1_shift);
            int32_t y2 = q8_mbqm_ref((int64_t)x2 * (1 << 20), p.in2_mult, p.in2_shift);
            int32_t want = clampi((int64_t)q8_mbqm_ref(sub ? y1 - y2 : y1 + y2, p.out_mult,
                                                    p.out_shift) + zo, p.act_min, p.act_max);
            EXPECT(o[f] == want, "add: %zu = %d want %d", f, o[f], want);
            double real = ((double)s1 * x1 + (sub ? -1 : 1) * (double)s2 * x2) / so + zo;
            real = real < p.act_min ? p.act_min : real > p.act_max ? p.act_max : real;
            EXPECT(fabs(o[f] - real) <= 1.0, "add: %zu = %d, real %f", f, o[f], real);
        }
        free(a);
        free(b);
        free(o);
    }
}
END_TEST

START_TEST(mul)
{
    kt_rng r;
    kt_seed(&r, 205);
    for (int it = 0; it < 500; it++) {
        arv_bcast4 s;
        rand_bcast(&r, &s);
        float s1 = rand_scale(&r, 0.005f, 0.2f), s2 = rand_scale(&r, 0.005f, 0.2f);
        float so = rand_scale(&r, 0.005f, 0.4f);
        int32_t z1 = kt_int(&r, -128, 127), z2 = kt_int(&r, -128, 127), zo = kt_int(&r, -128, 127);
        arv_q_mul p;
        arv_q_mul_prepare(s1, z1, s2, z2, so, zo, 0, &p);
        size_t na = n4(s.a), nb = n4(s.b), no = n4(s.out);
        int8_t *a = malloc(na), *b = malloc(nb), *o = malloc(no);
        kt_fill8(&r, a, na);
        kt_fill8(&r, b, nb);
        K->mul(&p, &s, a, b, o);
        for (size_t f = 0; f < no; f++) {
            int i[4];
            unflat(s.out, f, i);
            int32_t x1 = a[ix4(s.a, i)] - z1, x2 = b[ix4(s.b, i)] - z2;
            int32_t want = clampi((int64_t)q8_mbqm_ref(x1 * x2, p.mult, p.shift) + zo, -128, 127);
            EXPECT(o[f] == want, "mul: %zu = %d want %d", f, o[f], want);
            double real = (double)s1 * x1 * s2 * x2 / so + zo;
            real = real < -128 ? -128 : real > 127 ? 127 : real;
            EXPECT(fabs(o[f] - real) <= 1.0, "mul: %zu = %d, real %f", f, o[f], real);
        }
        free(a);
        free(b);
        free(o);
    }
}
END_TEST

START_TEST(prelu)
{
    kt_rng r;
    kt_seed(&r, 206);
    for (int it = 0; it < 300; it++) {
        arv_bcast4 s;
        rand_bcast(&r, &s);
        memcpy(s.a, s.out, sizeof s.a);
        float si = rand_scale(&r, 0.01f, 0.2f), sa = rand_scale(&r, 0.001f, 0.01f);
        float so = rand_scale(&r, 0.01f, 0.3f);
        int32_t zi = kt_int(&r, -128, 127), za = kt_int(&r, -128, 127), zo = kt_int(&r, -128, 127);
        arv_q_prelu p;
        arv_q_prelu_prepare(si, zi, sa, za, so, zo, &p);
        size_t na = n4(s.a), nb = n4(s.b), no = n4(s.out);
        int8_t *a = malloc(na), *b = malloc(nb), *o = malloc(no);
        kt_fill8(&r, a, na);
        kt_fill8(&r, b, nb);
        K->prelu(&p, &s, a, b, o);
        for (size_t f = 0; f < no; f++) {
            int i[4];
            unflat(s.out, f, i);
            int32_t x = a[ix4(s.a, i)] - zi, al = b[ix4(s.b, i)] - za;
            int32_t want = x >= 0 ? q8_mbqm_ref(x, p.mult1, p.shift1) : q8_mbqm_ref(x * al, p.mult2, p.shift2);
            want = clampi((int64_t)want + zo, -128, 127);
            EXPECT(o[f] == want, "prelu: %zu = %d want %d", f, o[f], want);
            double real = (x >= 0 ? (double)si * x : (double)si * x * sa * al) / so + zo;
            real = real < -128 ? -128 : real > 127 ? 127 : real;
            EXPECT(fabs(o[f] - real) <= 1.0, "prelu: %zu = %d, real %f", f, o[f], real);
        }
        free(a);
        free(b);
        free(o);
    }
}
END_TEST

START_TEST(logistic_lut)
{
    kt_rng r;
    kt_seed(&r, 207);
    for (int it = 0; it < 200; it++) {
        float si = rand_scale(&r, 0.005f, 0.2f);
        int32_t zi = kt_int(&r, -128, 127);
        int8_t lut[256], in[256], out[256];
        arv_q_lut_logistic(si, zi, 1.0f / 256.0f, -128, lut);
        for (int v = 0; v < 256; v++)
            in[v] = (int8_t)(v - 128);
        K->lut(256, in, lut, out);
        for (int v = 0; v < 256; v++) {
            /* TFLite's table: float math, std::round, + zero point */
            float y = 1.0f / (1.0f + expf(-(si * (float)(in[v] - zi))));
            long q = lroundf(y * 256.0f) - 128;
            q = q > 127 ? 127 : q < -128 ? -128 : q;
            EXPECT(out[v] == q, "logistic(%d) = %d want %ld", in[v], out[v], q);
            double real = 256.0 / (1.0 + exp(-(double)si * (in[v] - zi))) - 128.0;
            real = real > 127 ? 127 : real;
            EXPECT(fabs(out[v] - real) <= 1.0, "logistic(%d) = %d real %f", in[v], out[v], real);
        }
    }
}
END_TEST

START_TEST(hard_swish)
{
    kt_rng r;
    kt_seed(&r, 208);
    for (int it = 0; it < 300; it++) {
        float si = rand_scale(&r, 0.01f, 0.1f), so = rand_scale(&r, 0.01f, 0.1f);
        int32_t zi = kt_int(&r, -128, 127), zo = kt_int(&r, -128, 127);
        arv_q_hswish p;
        arv_q_hswish_prepare(si, zi, so, zo, &p);
        int8_t in[256], out[256];
        for (int v = 0; v < 256; v++)
            in[v] = (int8_t)(v - 128);
        K->hard_swish(&p, 256, in, out);
        for (int v = 0; v < 256; v++) {
            double x = (double)si * (in[v] - zi);
            double h = x * fmin(fmax(x + 3.0, 0.0), 6.0) / 6.0;
            double real = h / so + zo;
            real = real < -128 ? -128 : real > 127 ? 127 : real;
            EXPECT(fabs(out[v] - real) <= 1.0, "hard_swish(%d) si=%g zi=%d so=%g zo=%d: %d, real %f",
                   in[v], si, zi, so, zo, out[v], real);
        }
    }
}
END_TEST

START_TEST(quantize_dequantize)
{
    kt_rng r;
    kt_seed(&r, 209);
    for (int it = 0; it < 200; it++) {
        float s = rand_scale(&r, 0.001f, 1.0f);
        int32_t zp = kt_int(&r, -128, 127);
        float x[512], back[512];
        int8_t q[512];
        for (int i = 0; i < 512; i++)
            x[i] = kt_uniform(&r, -200.0f * s, 200.0f * s);
        x[0] = 0.5f * s;       /* ties round away from zero */
        x[1] = -0.5f * s;
        K->quantize(512, x, s, zp, q);
        K->dequantize(512, q, s, zp, back);
        for (int i = 0; i < 512; i++) {
            long want = lroundf(x[i] / s) + zp;
            want = want > 127 ? 127 : want < -128 ? -128 : want;
            EXPECT(q[i] == want, "quantize(%g) = %d want %ld", x[i], q[i], want);
            EXPECT(back[i] == (float)((double)s * (q[i] - zp)), "dequantize");
        }
    }
}
END_TEST

/* QUANTIZE as TFLite runs it (XNNPACK's convert): x * (1 / s) in float, ties
 * to even. The image normaliser's values k / 127.5 - 1 with s = 1 / 127.5 hit
 * ties on every other k, where TFLite's own kernel (round half away from
 * zero of x / s) gives the other neighbour. */
START_TEST(quantize_rne)
{
    kt_rng r;
    kt_seed(&r, 211);
    const float s_img = 1.0f / 127.5f;
    float x[256];
    int8_t q[256];
    int ties = 0, away_differs = 0;
    for (int k = 0; k < 256; k++)
        x[k] = (float)k / 127.5f - 1.0f;
    arv_q8_quantize_rne(256, x, 1.0f / s_img, -1, q);
    for (int k = 0; k < 256; k++) {
        const float v = x[k] * (1.0f / s_img);
        const double fl = floor((double)v);
        long want = (long)fl;
        if ((double)v - fl > 0.5 || ((double)v - fl == 0.5 && ((long)fl & 1)))
            want++;
        ties += (double)v - fl == 0.5;
        want = want - 1 > 127 ? 127 : want - 1 < -128 ? -128 : want - 1;
        EXPECT(q[k] == want, "quantize_rne(%.9g) = %d want %ld", x[k], q[k], want);
        away_differs += q[k] != (int8_t)(lroundf(x[k] / s_img) - 1 > 127 ? 127 : lroundf(x[k] / s_img) - 1);
    }
    /* the case is the one that matters: many ties, and they differ */
    EXPECT(ties > 50 && away_differs > 25, "ties %d, differing %d", ties, away_differs);
    for (int it = 0; it < 200; it++) {
        const float s = rand_scale(&r, 0.001f, 1.0f), inv = 1.0f / s;
        const int32_t zp = kt_int(&r, -128, 127);
        for (int i = 0; i < 256; i++)
            x[i] = kt_uniform(&r, -300.0f * s, 300.0f * s);
        arv_q8_quantize_rne(256, x, inv, zp, q);
        for (int i = 0; i < 256; i++) {
            long want = lrintf(x[i] * inv) + zp;   /* default mode: to nearest even */
            want = want > 127 ? 127 : want < -128 ? -128 : want;
            EXPECT(q[i] == want, "quantize_rne(%g, s %g, zp %d) = %d want %ld", x[i], s, zp, q[i],
                   want);
        }
    }
}
END_TEST

/* ---- spatial ---- */

START_TEST(pools)
{
    kt_rng r;
    kt_seed(&r, 210);
    for (int it = 0; it < 300; it++) {
        arv_pool_geom g = {0};
        g.batch = kt_int(&r, 1, 2);
        g.in_h = kt_int(&r, 1, 9);
        g.in_w = kt_int(&r, 1, 9);
        g.c = kt_int(&r, 1, 5);
        g.k_h = kt_int(&r, 1, 3);
        g.k_w = kt_int(&r, 1, 3);
        g.stride_h = kt_int(&r, 1, 2);
        g.stride_w = kt_int(&r, 1, 2);
        int same = kt_int(&r, 0, 1);
        kt_conv_axis(g.in_h, g.k_h, g.stride_h, 1, same, &g.out_h, &g.pad_top);
        kt_conv_axis(g.in_w, g.k_w, g.stride_w, 1, same, &g.out_w, &g.pad_left);
        if (g.out_h <= 0 || g.out_w <= 0)
            continue;
        int32_t lo = kt_int(&r, -128, -50), hi = kt_int(&r, 50, 127);
        size_t n_in = (size_t)g.batch * g.in_h * g.in_w * g.c;
        size_t n_out = (size_t)g.batch * g.out_h * g.out_w * g.c;
        int8_t *in = malloc(n_in), *mx = malloc(n_out), *av = malloc(n_out);
        kt_fill8(&r, in, n_in);
        K->max_pool(&g, lo, hi, in, mx, 0, g.batch * g.out_h);
        K->avg_pool(&g, lo, hi, in, av, 0, g.batch * g.out_h);
        size_t i = 0;
        for (int b = 0; b < g.batch; b++)
            for (int oy = 0; oy < g.out_h; oy++)
                for (int ox = 0; ox < g.out_w; ox++)
                    for (int ch = 0; ch < g.c; ch++, i++) {
                        int m = -1000, cnt = 0;
                        long sum = 0;
                        for (int ky = 0; ky < g.k_h; ky++)
                            for (int kx = 0; kx < g.k_w; kx++) {
                                int y = oy * g.stride_h - g.pad_top + ky;
                                int x = ox * g.stride_w - g.pad_left + kx;
                                if (y < 0 || y >= g.in_h || x < 0 || x >= g.in_w)
                                    continue;
                                int v = in[(((size_t)b * g.in_h + y) * g.in_w + x) * g.c + ch];
                                m = v > m ? v : m;
                                sum += v;
                                cnt++;
                            }
                        EXPECT(mx[i] == clampi(m, lo, hi), "max_pool %zu", i);
                        long want = clampi((long)round((double)sum / cnt), lo, hi);
                        EXPECT(av[i] == want, "avg_pool %zu: %d want %ld", i, av[i], want);
                    }
        free(in);
        free(mx);
        free(av);
    }
}
END_TEST

START_TEST(pad_concat)
{
    kt_rng r;
    kt_seed(&r, 211);
    for (int it = 0; it < 200; it++) {
        int d[4], bf[4], af[4], od[4];
        for (int k = 0; k < 4; k++) {
            d[k] = kt_int(&r, 1, 4);
            bf[k] = kt_int(&r, 0, 2);
            af[k] = kt_int(&r, 0, 2);
            od[k] = d[k] + bf[k] + af[k];
        }
        int8_t pv = (int8_t)kt_int(&r, -128, 127);
        int8_t *in = malloc(n4(d)), *out = malloc(n4(od));
        kt_fill8(&r, in, n4(d));
        K->pad4(d, bf, af, pv, in, out);
        for (size_t f = 0; f < n4(od); f++) {
            int i[4], j[4], inside = 1;
            unflat(od, f, i);
            for (int k = 0; k < 4; k++) {
                j[k] = i[k] - bf[k];
                inside &= j[k] >= 0 && j[k] < d[k];
            }
            int want = inside ? in[(((size_t)j[0] * d[1] + j[1]) * d[2] + j[2]) * d[3] + j[3]] : pv;
            EXPECT(out[f] == want, "pad %zu", f);
        }
        free(in);
        free(out);

        /* concat of 1-3 inputs, some with the output's parameters */
        int n = kt_int(&r, 1, 3), sizes[3], tot = 0;
        size_t outer = (size_t)kt_int(&r, 1, 4), inner = (size_t)kt_int(&r, 1, 4);
        float sc[3], so = rand_scale(&r, 0.01f, 0.1f);
        int32_t zp[3], zo = kt_int(&r, -100, 100);
        int8_t *ins[3];
        for (int k = 0; k < n; k++) {
            sizes[k] = kt_int(&r, 1, 3);
            tot += sizes[k];
            int same = kt_int(&r, 0, 1);
            sc[k] = same ? so : rand_scale(&r, 0.005f, 0.2f);
            zp[k] = same ? zo : kt_int(&r, -128, 127);
            ins[k] = malloc(outer * sizes[k] * inner);
            kt_fill8(&r, ins[k], outer * sizes[k] * inner);
        }
        int8_t *cat = malloc(outer * tot * inner);
        K->concat(n, (const int8_t *const *)ins, sizes, sc, zp, so, zo, outer, inner, cat);
        size_t f = 0;
        for (size_t o = 0; o < outer; o++)
            for (int k = 0; k < n; k++)
                for (size_t j = 0; j < sizes[k] * inner; j++, f++) {
                    int8_t v = ins[k][o * sizes[k] * inner + j];
                    if (sc[k] == so && zp[k] == zo) {
                        EXPECT(cat[f] == v, "concat copy %zu", f);
                    } else {
                        double real = (double)sc[k] * (v - zp[k]) / so + zo;
                        real = real < -128 ? -128 : real > 127 ? 127 : real;
                        EXPECT(fabs(cat[f] - real) <= 1.0, "concat %zu: %d real %f", f, cat[f], real);
                    }
                }
        for (int k = 0; k < n; k++)
            free(ins[k]);
        free(cat);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("int8_kernels");
    TCase *tc = tcase_create("generic");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, conv2d);
    tcase_add_test(tc, depthwise);
    tcase_add_test(tc, transpose_conv);
    tcase_add_test(tc, fully_connected);
    tcase_add_test(tc, add_sub);
    tcase_add_test(tc, mul);
    tcase_add_test(tc, prelu);
    tcase_add_test(tc, logistic_lut);
    tcase_add_test(tc, hard_swish);
    tcase_add_test(tc, quantize_dequantize);
    tcase_add_test(tc, quantize_rne);
    tcase_add_test(tc, pools);
    tcase_add_test(tc, pad_concat);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
