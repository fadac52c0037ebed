/* test_int8_spatial2.c — the int8 MEAN and RESIZE_BILINEAR reference kernels
 * (lib/kernels/generic/int8_mean.c, int8_resize.c) against oracles written
 * here from TFLite's definitions: RESIZE_BILINEAR's 10-bit positions and
 * 20-bit weights recomputed with floor/ceil in double (exact at these sizes),
 * MEAN against the real-valued mean it approximates. Row ranges must give
 * the same bytes as one whole call. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "kernels/kernels_int8.h"
#include "support/ktest.h"

static int8_t *rand_i8(kt_rng *r, size_t n)
{
    int8_t *p = malloc(n ? n : 1);
    ck_assert_ptr_nonnull(p);
    for (size_t i = 0; i < n; i++)
        p[i] = (int8_t)kt_int(r, -128, 127);
    return p;
}

/* TFLite ResizeBilinearInteger, restated. */
static void resize_oracle(const arv_resize_geom *g, const int8_t *in, int8_t *out)
{
    long sh = g->align_corners && g->out_h > 1
                  ? (1024L * (g->in_h - 1) + (g->out_h - 1) / 2) / (g->out_h - 1)
                  : (1024L * g->in_h + g->out_h / 2) / g->out_h;
    long sw = g->align_corners && g->out_w > 1
                  ? (1024L * (g->in_w - 1) + (g->out_w - 1) / 2) / (g->out_w - 1)
                  : (1024L * g->in_w + g->out_w / 2) / g->out_w;
    for (int b = 0; b < g->batch; b++)
        for (int y = 0; y < g->out_h; y++)
            for (int x = 0; x < g->out_w; x++) {
                long py = g->half_pixel_centers ? y * sh + sh / 2 - 512 : y * sh;
                long px = g->half_pixel_centers ? x * sw + sw / 2 - 512 : x * sw;
                long y0 = (long)fmax(floor(py / 1024.0), 0.0);
                long x0 = (long)fmax(floor(px / 1024.0), 0.0);
                if (py < 0)
                    y0 = 0;
                if (px < 0)
                    x0 = 0;
                long y1 = (long)fmin(ceil(py / 1024.0), g->in_h - 1.0);
                long x1 = (long)fmin(ceil(px / 1024.0), g->in_w - 1.0);
                double wy1 = (double)(py - 1024 * y0), wy0 = 1024.0 - wy1;
                double wx1 = (double)(px - 1024 * x0), wx0 = 1024.0 - wx1;
                for (int c = 0; c < g->c; c++) {
#define AT(yy, xx) (double)in[(((size_t)b * g->in_h + (size_t)(yy)) * g->in_w + (size_t)(xx)) * g->c + c]
                    double v = AT(y0, x0) * wy0 * wx0 + AT(y1, x0) * wy1 * wx0 +
                               AT(y0, x1) * wy0 * wx1 + AT(y1, x1) * wy1 * wx1;
#undef AT
                    double q = v / 1048576.0;
                    double r = q >= 0 ? floor(q + 0.5) : -floor(-q + 0.5);
                    out[(((size_t)b * g->out_h + y) * g->out_w + x) * g->c + c] = (int8_t)r;
                }
            }
}

START_TEST(test_resize_matches_oracle)
{
    kt_rng r;
    kt_seed(&r, 0x5e51);
    for (int it = 0; it < 300; it++) {
        arv_resize_geom g = {kt_int(&r, 1, 2), kt_int(&r, 1, 9), kt_int(&r, 1, 9),
                             kt_int(&r, 1, 5), kt_int(&r, 1, 19), kt_int(&r, 1, 19), 0, 0};
        int mode = kt_int(&r, 0, 2);
        g.align_corners = mode == 1;
        g.half_pixel_centers = mode == 2;
        size_t ni = (size_t)g.batch * g.in_h * g.in_w * g.c;
        size_t no = (size_t)g.batch * g.out_h * g.out_w * g.c;
        int8_t *in = rand_i8(&r, ni), *want = malloc(no), *got = malloc(no), *split = malloc(no);
        resize_oracle(&g, in, want);
        arv_q8_resize_bilinear(&g, in, got, 0, g.batch * g.out_h);
        ck_assert_msg(memcmp(got, want, no) == 0,
                      "resize %dx%d -> %dx%d c%d mode %d differs from the oracle", g.in_h,
                      g.in_w, g.out_h, g.out_w, g.c, mode);
        int rows = g.batch * g.out_h, cut = kt_int(&r, 0, rows);
        arv_q8_resize_bilinear(&g, in, split, 0, cut);
        arv_q8_resize_bilinear(&g, in, split, cut, rows);
        ck_assert(memcmp(split, got, no) == 0);
        free(in);
        free(want);
        free(got);
        free(split);
    }
}
END_TEST

START_TEST(test_resize_same_size_is_copy)
{
    kt_rng r;
    kt_seed(&r, 7);
    arv_resize_geom g = {1, 6, 5, 3, 6, 5, 0, 0};
    for (int mode = 0; mode < 3; mode++) {
        g.align_corners = mode == 1;
        g.half_pixel_centers = mode == 2;
        int8_t *in = rand_i8(&r, 90), out[90];
        arv_q8_resize_bilinear(&g, in, out, 0, 6);
        ck_assert_msg(memcmp(in, out, 90) == 0, "mode %d", mode);
        free(in);
    }
}
END_TEST

START_TEST(test_mean_hw_close_to_real_mean)
{
    kt_rng r;
    kt_seed(&r, 11);
    for (int it = 0; it < 200; it++) {
        /* channels: below, at and above the 16-wide blocks, and past the
         * 256-channel chunks of the pixel-major sums */
        int b = kt_int(&r, 1, 2), h = kt_int(&r, 1, 17), w = kt_int(&r, 1, 17),
            c = it % 4 == 0 ? kt_int(&r, 250, 600) : kt_int(&r, 1, 40);
        float is = kt_uniform(&r, 0.005f, 0.2f), os = kt_uniform(&r, 0.005f, 0.2f);
        int32_t iz = kt_int(&r, -128, 127), oz = kt_int(&r, -128, 127);
        size_t n = (size_t)b * h * w * c;
        int8_t *in = rand_i8(&r, n), *out = malloc((size_t)b * c), *split = malloc((size_t)b * c);
        int32_t mult, bias;
        int shift;
        arv_q8_mean_hw_prepare(is, iz, os, oz, h * w, &mult, &shift, &bias);
        arv_q8_mean_hw(b, h, w, c, mult, shift, bias, in, out, 0, c);
        int cut = kt_int(&r, 0, c);
        arv_q8_mean_hw(b, h, w, c, mult, shift, bias, in, split, 0, cut);
        arv_q8_mean_hw(b, h, w, c, mult, shift, bias, in, split, cut, c);
        ck_assert(memcmp(out, split, (size_t)b * c) == 0);
        /* the XNNPACK-arithmetic variant: exact int32 sums, then its
         * float requantization */
        const float fs = is / (os * (float)(h * w));
        arv_q8_mean_hw_fp32(b, h, w, c, fs, iz, oz, in, split, 0, cut);
        arv_q8_mean_hw_fp32(b, h, w, c, fs, iz, oz, in, split, cut, c);
        for (int bb = 0; bb < b; bb++)
            for (int ch = 0; ch < c; ch++) {
                int32_t acc = 0;
                for (int k = 0; k < h * w; k++)
                    acc += in[((size_t)bb * h * w + (size_t)k) * c + (size_t)ch] - iz;
                ck_assert_int_eq(split[bb * c + ch], arv_q_fp32_requant(acc, fs, oz, -128, 127));
            }
        for (int bb = 0; bb < b; bb++)
            for (int ch = 0; ch < c; ch++) {
                double sum = 0;
                for (int k = 0; k < h * w; k++)
                    sum += in[((size_t)bb * h * w + (size_t)k) * c + (size_t)ch] - iz;
                double real = sum / (h * w) * is / os + oz;
                double want = fmin(fmax(round(real), -128), 127);
                ck_assert_msg(fabs(out[bb * c + ch] - want) <= 1.0,
                              "mean %d vs real %.3f (h%d w%d)", out[bb * c + ch], real, h, w);
            }
        free(in);
        free(out);
        free(split);
    }
}
END_TEST

START_TEST(test_mean_hw_same_params_constant)
{
    /* A constant input with the output's own quantization averages to itself. */
    for (int v = -128; v <= 127; v += 5) {
        int8_t in[4 * 4 * 2], out[2];
        memset(in, (int)(int8_t)v, sizeof in);
        int32_t mult, bias;
        int shift;
        arv_q8_mean_hw_prepare(0.05f, 3, 0.05f, 3, 16, &mult, &shift, &bias);
        arv_q8_mean_hw(1, 4, 4, 2, mult, shift, bias, in, out, 0, 2);
        ck_assert_int_eq(out[0], v);
        ck_assert_int_eq(out[1], v);
    }
}
END_TEST

START_TEST(test_mean4_general_axes)
{
    kt_rng r;
    kt_seed(&r, 13);
    for (int it = 0; it < 200; it++) {
        int d[4] = {kt_int(&r, 1, 3), kt_int(&r, 1, 5), kt_int(&r, 1, 5), kt_int(&r, 1, 6)};
        int red[4];
        for (int k = 0; k < 4; k++)
            red[k] = kt_int(&r, 0, 1);
        float is = kt_uniform(&r, 0.005f, 0.2f), os = kt_uniform(&r, 0.005f, 0.2f);
        int32_t iz = kt_int(&r, -128, 127), oz = kt_int(&r, -128, 127);
        size_t n = (size_t)d[0] * d[1] * d[2] * d[3];
        int8_t *in = rand_i8(&r, n), *out = malloc(n);
        arv_q8_mean4(d, red, is, iz, os, oz, in, out);
        int od[4];
        for (int k = 0; k < 4; k++)
            od[k] = red[k] ? 1 : d[k];
        size_t o = 0;
        for (int a = 0; a < od[0]; a++)
            for (int b = 0; b < od[1]; b++)
                for (int c = 0; c < od[2]; c++)
                    for (int e = 0; e < od[3]; e++, o++) {
                        double sum = 0;
                        int cnt = 0;
                        for (int i0 = 0; i0 < d[0]; i0++)
                            for (int i1 = 0; i1 < d[1]; i1++)
                                for (int i2 = 0; i2 < d[2]; i2++)
                                    for (int i3 = 0; i3 < d[3]; i3++) {
                                        if ((!red[0] && i0 != a) || (!red[1] && i1 != b) ||
                                            (!red[2] && i2 != c) || (!red[3] && i3 != e))
                                            continue;
                                        sum += in[(((size_t)i0 * d[1] + i1) * d[2] + i2) * d[3] + i3];
                                        cnt++;
                                    }
                        double real = (sum / cnt - iz) * is / os + oz;
                        double want = fmin(fmax(round(real), -128), 127);
                        ck_assert_msg(fabs(out[o] - want) <= 1.0, "mean4 %d vs %.3f", out[o], real);
                    }
        free(in);
        free(out);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("int8_spatial2");
    TCase *tc = tcase_create("kernels");
    tcase_add_test(tc, test_resize_matches_oracle);
    tcase_add_test(tc, test_resize_same_size_is_copy);
    tcase_add_test(tc, test_mean_hw_close_to_real_mean);
    tcase_add_test(tc, test_mean_hw_same_params_constant);
    tcase_add_test(tc, test_mean4_general_axes);
    suite_add_tcase(s, tc);
    return kt_run_suite(s);
}
