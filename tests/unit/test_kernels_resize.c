/* Generic RESIZE_BILINEAR against a naive version that clamps the source
 * coordinate into the input and interpolates in double as two nested lerps
 * (TFLite instead keeps the unclamped coordinate and weights four corners).
 * Tolerance: see support/ktest.h. The hand cases pin TFLite's exact border
 * behaviour. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/kernels.h"
#include "support/ktest.h"

#define KT (&arv_kernels_generic)

/* The source coordinate is part of TFLite's definition, float rounding
 * included (float scale, then (o + 0.5) * scale - 0.5 in float), so it is
 * computed the same way here; everything after it (clamping to the input,
 * the lerp) is done differently and in double. */
static void src_axis(int o, int in, int out, int align, int half, int *lo,
                     int *hi, double *f)
{
    float scale = (float)in / (float)out;
    if (align && out > 1)
        scale = (float)(in - 1) / (float)(out - 1);
    const float sf = half ? ((float)o + 0.5f) * scale - 0.5f
                          : (float)o * scale;
    double s = sf;
    if (s < 0)
        s = 0;
    if (s > in - 1)
        s = in - 1;
    *lo = (int)floor(s);
    *hi = *lo + 1 < in ? *lo + 1 : in - 1;
    *f = s - *lo;
}

static void naive_resize(const arv_resize_geom *g, const float *in,
                         double *out)
{
    for (int b = 0; b < g->batch; b++)
        for (int y = 0; y < g->out_h; y++) {
            int y0, y1;
            double fy;
            src_axis(y, g->in_h, g->out_h, g->align_corners,
                     g->half_pixel_centers, &y0, &y1, &fy);
            for (int x = 0; x < g->out_w; x++) {
                int x0, x1;
                double fx;
                src_axis(x, g->in_w, g->out_w, g->align_corners,
                         g->half_pixel_centers, &x0, &x1, &fx);
                for (int c = 0; c < g->c; c++) {
#define AT(yy, xx) \
    ((double)in[(((size_t)b * g->in_h + (yy)) * g->in_w + (xx)) * g->c + c])
                    const double top = AT(y0, x0) + (AT(y0, x1) - AT(y0, x0)) * fx;
                    const double bot = AT(y1, x0) + (AT(y1, x1) - AT(y1, x0)) * fx;
#undef AT
                    out[(((size_t)b * g->out_h + y) * g->out_w + x) * g->c +
                        c] = top + (bot - top) * fy;
                }
            }
        }
}

START_TEST(resize_random)
{
    static const int CHANS[] = { 1, 3, 5, 17 };
    kt_rng r;
    kt_seed(&r, 8000 + (uint64_t)_i);
    /* _i selects the coordinate mode: 0 plain, 1 align_corners, 2 half
     * pixel centers. */
    for (int t = 0; t < 80; t++) {
        arv_resize_geom g;
        memset(&g, 0, sizeof g);
        g.batch = kt_int(&r, 1, 2);
        g.in_h = kt_int(&r, 1, 9);
        g.in_w = kt_int(&r, 1, 9);
        g.c = kt_pick(&r, CHANS, 4);
        /* Upsampling (including integer factors), downsampling, identity. */
        switch (t % 4) {
        case 0:
            g.out_h = g.in_h * kt_int(&r, 1, 4);
            g.out_w = g.in_w * kt_int(&r, 1, 4);
            break;
        case 1:
            g.out_h = kt_int(&r, 1, g.in_h);
            g.out_w = kt_int(&r, 1, g.in_w);
            break;
        default:
            g.out_h = kt_int(&r, 1, 20);
            g.out_w = kt_int(&r, 1, 20);
            break;
        }
        g.align_corners = _i == 1;
        g.half_pixel_centers = _i == 2;
        const size_t n_in = (size_t)g.batch * g.in_h * g.in_w * g.c;
        const size_t n = (size_t)g.batch * g.out_h * g.out_w * g.c;
        float *in = kt_alloc(n_in), *got = kt_alloc(n);
        double *want = kt_alloc_d(n);
        kt_fill(&r, in, n_in, -5, 5);
        KT->resize_bilinear(&g, in, got);
        naive_resize(&g, in, want);
        const double err = kt_max_err(got, want, n);
        kt_err_note("resize_bilinear", err);
        ck_assert_msg(err <= KT_TOL,
                      "resize n%d %dx%d -> %dx%d c%d align %d half %d: err %g",
                      g.batch, g.in_h, g.in_w, g.out_h, g.out_w, g.c,
                      g.align_corners, g.half_pixel_centers, err);
        free(in);
        free(got);
        free(want);
    }
}
END_TEST

static void resize_row(const float *in, int in_w, int out_w, int align,
                       int half, float *out)
{
    arv_resize_geom g = { 1, 1, in_w, 1, 1, out_w, align, half };
    KT->resize_bilinear(&g, in, out);
}

START_TEST(resize_hand)
{
    const float in[2] = { 1, 3 };
    float out[8];

    /* Plain: source x = 0, 0.5, 1, 1.5; the last clamps to the border. */
    resize_row(in, 2, 4, 0, 0, out);
    ck_assert_float_eq(out[0], 1);
    ck_assert_float_eq(out[1], 2);
    ck_assert_float_eq(out[2], 3);
    ck_assert_float_eq(out[3], 3);

    /* Half pixel: source x = -0.25, 0.25, 0.75, 1.25. The first uses lower =
     * upper = 0 with weights 1.25 and -0.25, still exactly in[0]. */
    resize_row(in, 2, 4, 0, 1, out);
    ck_assert_float_eq(out[0], 1);
    ck_assert_float_eq(out[1], 1.5f);
    ck_assert_float_eq(out[2], 2.5f);
    ck_assert_float_eq(out[3], 3);

    /* Align corners: 2 -> 3 maps onto 0, 0.5, 1. */
    resize_row(in, 2, 3, 1, 0, out);
    ck_assert_float_eq(out[0], 1);
    ck_assert_float_eq(out[1], 2);
    ck_assert_float_eq(out[2], 3);

    /* Downsampling 4 -> 2, plain: samples x = 0 and 2 exactly. */
    const float in4[4] = { 1, 2, 4, 8 };
    resize_row(in4, 4, 2, 0, 0, out);
    ck_assert_float_eq(out[0], 1);
    ck_assert_float_eq(out[1], 4);
    /* Half pixel 4 -> 2: x = 0.5, 2.5. */
    resize_row(in4, 4, 2, 0, 1, out);
    ck_assert_float_eq(out[0], 1.5f);
    ck_assert_float_eq(out[1], 6);

    /* 2x2 -> 3x3 align corners: the centre is the mean of all four. */
    const float sq[4] = { 0, 4, 8, 16 };
    float o9[9];
    arv_resize_geom g = { 1, 2, 2, 1, 3, 3, 1, 0 };
    KT->resize_bilinear(&g, sq, o9);
    const float want[9] = { 0, 2, 4, 4, 7, 10, 8, 12, 16 };
    for (int i = 0; i < 9; i++)
        ck_assert_float_eq(o9[i], want[i]);
}
END_TEST

static Suite *resize_suite(void)
{
    Suite *s = suite_create("kernels_resize");
    TCase *tc = tcase_create("resize");
    tcase_add_loop_test(tc, resize_random, 0, 3);
    tcase_add_test(tc, resize_hand);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return kt_run_suite(resize_suite());
}
