/* test_image_blur.c — separable gaussian blur against a direct 2-D
 * convolution (double, clamped coordinates), on float planes and 8-bit
 * images, plus kernel normalization and flat-image invariance. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include "image/blur.h"
#include "support/ktest.h"

static double gauss_w(int i, double sigma)
{
    return exp(-(double)i * i / (2 * sigma * sigma));
}

/* Direct 2-D convolution with the product kernel, normalized. */
static double naive_at(const float *src, int w, int h, int c, int x, int y, int ch, double sigma,
                       int r)
{
    double acc = 0, norm = 0;
    for (int j = -r; j <= r; j++)
        for (int i = -r; i <= r; i++) {
            int xx = x + i < 0 ? 0 : x + i >= w ? w - 1 : x + i;
            int yy = y + j < 0 ? 0 : y + j >= h ? h - 1 : y + j;
            double k = gauss_w(i, sigma) * gauss_w(j, sigma);
            acc += k * src[((size_t)yy * w + xx) * c + ch];
            norm += k;
        }
    return acc / norm;
}

START_TEST(kernel)
{
    float k[31];
    ck_assert_int_eq(arv_gauss_radius(2.0f), 6);
    ck_assert_int_eq(arv_gauss_radius(0.0f), 0);
    ck_assert_int_eq(arv_gauss_kernel(2.0f, 6, k), 0);
    double s = 0;
    for (int i = 0; i < 13; i++)
        s += k[i];
    ck_assert_double_eq_tol(s, 1.0, 1e-6);
    ck_assert_float_eq_tol(k[6] / k[7], (float)exp(1.0 / 8), 1e-5);   /* exp(1/(2*4)) */
    ck_assert_float_eq(k[0], k[12]);
    ck_assert_int_eq(arv_gauss_kernel(0.0f, 3, k), -1);
}
END_TEST

START_TEST(float_vs_naive)
{
    kt_rng r;
    kt_seed(&r, 21);
    for (int it = 0; it < 12; it++) {
        int w = kt_int(&r, 1, 33), h = kt_int(&r, 1, 33), c = kt_int(&r, 1, 4);
        float sigma = kt_uniform(&r, 0.3f, 4.0f);
        int radius = kt_int(&r, 0, 1) ? 0 : kt_int(&r, 1, 9);
        int rr = radius ? radius : arv_gauss_radius(sigma);
        arv_fimage a, b;
        ck_assert_int_eq(arv_fimage_alloc(&a, w, h, c), 0);
        ck_assert_int_eq(arv_fimage_alloc(&b, w, h, c), 0);
        kt_fill(&r, a.data, (size_t)w * h * c, 0, 1);
        ck_assert_int_eq(arv_blur_fimage(&a, &b, sigma, radius), 0);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int ch = 0; ch < c; ch++)
                    ck_assert_double_eq_tol(b.data[((size_t)y * w + x) * c + ch],
                                            naive_at(a.data, w, h, c, x, y, ch, sigma, rr), 1e-5);
        /* in place gives the same */
        ck_assert_int_eq(arv_blur_fimage(&a, &a, sigma, radius), 0);
        for (size_t i = 0; i < (size_t)w * h * c; i++)
            ck_assert_float_eq(a.data[i], b.data[i]);
        arv_fimage_free(&a);
        arv_fimage_free(&b);
    }
}
END_TEST

START_TEST(u8_vs_naive)
{
    kt_rng r;
    kt_seed(&r, 22);
    for (int it = 0; it < 10; it++) {
        int w = kt_int(&r, 1, 40), h = kt_int(&r, 1, 40), c = kt_int(&r, 1, 4);
        float sigma = kt_uniform(&r, 0.5f, 5.0f);
        arv_image a, b;
        ck_assert_int_eq(arv_image_alloc(&a, w, h, c), 0);
        ck_assert_int_eq(arv_image_alloc(&b, w, h, c), 0);
        float *f = kt_alloc((size_t)w * h * c);
        for (size_t i = 0; i < (size_t)w * h * c; i++)
            f[i] = a.data[i] = (uint8_t)kt_int(&r, 0, 255);
        ck_assert_int_eq(arv_blur_image(&a, &b, sigma, 0), 0);
        int rr = arv_gauss_radius(sigma);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int ch = 0; ch < c; ch++) {
                    double want = naive_at(f, w, h, c, x, y, ch, sigma, rr);
                    ck_assert_msg(fabs(arv_image_row(&b, y)[x * c + ch] - want) <= 0.5 + 1e-3,
                                  "got %d want %f", arv_image_row(&b, y)[x * c + ch], want);
                }
        free(f);
        arv_image_free(&a);
        arv_image_free(&b);
    }
}
END_TEST

START_TEST(flat_and_copy)
{
    arv_image a;
    ck_assert_int_eq(arv_image_alloc(&a, 50, 7, 3), 0);
    for (size_t i = 0; i < 50 * 7 * 3; i++)
        a.data[i] = (uint8_t)(i % 3 == 0 ? 17 : i % 3 == 1 ? 200 : 255);
    ck_assert_int_eq(arv_blur_image(&a, &a, 12.0f, 0), 0);   /* radius 36 > image */
    for (size_t i = 0; i < 50 * 7 * 3; i++)
        ck_assert_int_eq(a.data[i], i % 3 == 0 ? 17 : i % 3 == 1 ? 200 : 255);
    arv_image b;
    ck_assert_int_eq(arv_image_alloc(&b, 50, 7, 3), 0);
    ck_assert_int_eq(arv_blur_image(&a, &b, 0.0f, 0), 0);   /* sigma 0 copies */
    ck_assert_int_eq(b.data[5], a.data[5]);
    ck_assert_int_eq(arv_blur_image(&a, &b, 1.0f, -1), -1);
    arv_image_free(&a);
    arv_image_free(&b);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("image_blur");
    TCase *tc = tcase_create("blur");
    tcase_add_test(tc, kernel);
    tcase_add_test(tc, float_vs_naive);
    tcase_add_test(tc, u8_vs_naive);
    tcase_add_test(tc, flat_and_copy);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
