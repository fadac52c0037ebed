/* test_image_composite.c — compositing and mask conversion against the
 * formula out = round(a * fg + (1 - a) * bg) computed in double; colour
 * helpers: Lab reference values, round trip, weighted statistics against a
 * two-pass naive computation, and colour transfer reaching its target. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include "image/colour.h"
#include "image/composite.h"
#include "support/ktest.h"

static void fill_rand(kt_rng *r, arv_image *im)
{
    for (int y = 0; y < im->h; y++)
        for (int x = 0; x < im->w * im->c; x++)
            arv_image_row(im, y)[x] = (uint8_t)kt_int(r, 0, 255);
}

START_TEST(composite_formula)
{
    kt_rng r;
    kt_seed(&r, 31);
    int w = 37, h = 23;
    arv_image fg, bg, out, rgba, gray;
    arv_fimage a;
    ck_assert_int_eq(arv_image_alloc(&fg, w, h, 3), 0);
    ck_assert_int_eq(arv_image_alloc(&bg, w, h, 3), 0);
    ck_assert_int_eq(arv_image_alloc(&out, w, h, 3), 0);
    ck_assert_int_eq(arv_image_alloc(&rgba, w, h, 4), 0);
    ck_assert_int_eq(arv_image_alloc(&gray, w, h, 1), 0);
    ck_assert_int_eq(arv_fimage_alloc(&a, w, h, 1), 0);
    fill_rand(&r, &fg);
    fill_rand(&r, &bg);
    kt_fill(&r, a.data, (size_t)w * h, -0.2f, 1.2f);   /* outside [0,1] is clamped */
    a.data[3] = NAN;                                     /* NaN counts as 0 */
    ck_assert_int_eq(arv_composite(&fg, &bg, &a, &out), 0);
    ck_assert_int_eq(arv_cutout(&fg, &a, &rgba), 0);
    ck_assert_int_eq(arv_fimage_to_gray(&a, &gray), 0);
    for (int i = 0; i < w * h; i++) {
        double t = a.data[i] != a.data[i] ? 0 : fmin(1, fmax(0, a.data[i]));
        for (int c = 0; c < 3; c++) {
            double want = t * fg.data[3 * i + c] + (1 - t) * bg.data[3 * i + c];
            ck_assert(fabs(out.data[3 * i + c] - want) <= 0.5 + 1e-4);
            ck_assert_int_eq(rgba.data[4 * i + c], fg.data[3 * i + c]);
        }
        ck_assert_int_eq(rgba.data[4 * i + 3], (int)floor(t * 255 + 0.5));
        ck_assert_int_eq(gray.data[i], (int)floor(t * 255 + 0.5));
    }
    /* solid colour and in-place use */
    uint8_t col[3] = {0, 255, 7};
    ck_assert_int_eq(arv_composite_colour(&fg, col, &a, &fg), 0);
    for (int i = 0; i < w * h; i++)
        if (a.data[i] <= 0 || a.data[i] != a.data[i])
            for (int c = 0; c < 3; c++)
                ck_assert_int_eq(fg.data[3 * i + c], col[c]);
    /* size mismatch */
    arv_fimage small;
    ck_assert_int_eq(arv_fimage_alloc(&small, 3, 3, 1), 0);
    ck_assert_int_eq(arv_composite(&fg, &bg, &small, &out), -1);
    arv_fimage_free(&small);
    arv_image_free(&fg), arv_image_free(&bg), arv_image_free(&out);
    arv_image_free(&rgba), arv_image_free(&gray), arv_fimage_free(&a);
}
END_TEST

START_TEST(lab_reference)
{
    /* Reference values (sRGB D65, e.g. Bruce Lindbloom's calculator). */
    struct { uint8_t rgb[3]; float lab[3]; } cases[] = {
        {{255, 255, 255}, {100.0f, 0.0f, 0.0f}},
        {{0, 0, 0}, {0.0f, 0.0f, 0.0f}},
        {{255, 0, 0}, {53.24f, 80.09f, 67.20f}},
        {{0, 255, 0}, {87.73f, -86.18f, 83.18f}},
        {{0, 0, 255}, {32.30f, 79.19f, -107.86f}},
        {{128, 128, 128}, {53.59f, 0.0f, 0.0f}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        float lab[3];
        arv_srgb_to_lab(cases[i].rgb, lab);
        for (int c = 0; c < 3; c++)
            ck_assert_msg(fabsf(lab[c] - cases[i].lab[c]) < 0.05f, "case %zu ch %d: %f vs %f", i,
                          c, lab[c], cases[i].lab[c]);
    }
    kt_rng r;
    kt_seed(&r, 32);
    for (int i = 0; i < 5000; i++) {
        uint8_t p[3] = {(uint8_t)kt_int(&r, 0, 255), (uint8_t)kt_int(&r, 0, 255), (uint8_t)kt_int(&r, 0, 255)}, q[3];
        float lab[3];
        arv_srgb_to_lab(p, lab);
        arv_lab_to_srgb(lab, q);
        for (int c = 0; c < 3; c++)
            ck_assert_int_le(abs(p[c] - q[c]), 1);
    }
}
END_TEST

START_TEST(stats_and_transfer)
{
    kt_rng r;
    kt_seed(&r, 33);
    int w = 41, h = 29;
    arv_image im;
    arv_fimage m;
    ck_assert_int_eq(arv_image_alloc(&im, w, h, 3), 0);
    ck_assert_int_eq(arv_fimage_alloc(&m, w, h, 1), 0);
    for (int i = 0; i < w * h; i++) {
        im.data[3 * i] = (uint8_t)kt_int(&r, 40, 120);
        im.data[3 * i + 1] = (uint8_t)kt_int(&r, 100, 200);
        im.data[3 * i + 2] = (uint8_t)kt_int(&r, 0, 255);
        m.data[i] = kt_int(&r, 0, 3) == 0 ? 0.0f : kt_uniform(&r, 0, 1);
    }
    for (int space = 0; space < 2; space++)
        for (int inv = 0; inv < 2; inv++) {
            arv_colour_stats st;
            ck_assert_int_eq(arv_colour_stats_compute(&im, &m, inv, (arv_colour_space)space, &st), 0);
            double sw = 0, s1[3] = {0}, s2[3] = {0};
            for (int pass = 0; pass < 2; pass++)
                for (int i = 0; i < w * h; i++) {
                    double wt = inv ? 1 - m.data[i] : m.data[i];
                    float v[3];
                    if (space == ARV_SPACE_LAB)
                        arv_srgb_to_lab(im.data + 3 * i, v);
                    else
                        v[0] = im.data[3 * i], v[1] = im.data[3 * i + 1], v[2] = im.data[3 * i + 2];
                    for (int c = 0; c < 3; c++) {
                        if (pass == 0)
                            s1[c] += wt * v[c];
                        else
                            s2[c] += wt * (v[c] - s1[c] / sw) * (v[c] - s1[c] / sw);
                    }
                    if (pass == 0)
                        sw += wt;
                }
            ck_assert_double_eq_tol(st.weight, sw, 1e-6 * sw);
            for (int c = 0; c < 3; c++) {
                ck_assert_double_eq_tol(st.mean[c], s1[c] / sw, 1e-3);
                ck_assert_double_eq_tol(st.std[c], sqrt(s2[c] / sw), 1e-3);
            }
        }
    /* Transfer at strength 1 in RGB: the result's statistics reach the
     * target within rounding (the gains stay inside the clamp here). */
    arv_colour_stats from, to = {{150, 60, 100}, {20, 15, 40}, 1};
    ck_assert_int_eq(arv_colour_stats_compute(&im, NULL, 0, ARV_SPACE_RGB, &from), 0);
    ck_assert_int_eq(arv_colour_transfer(&im, NULL, &from, &to, 1.0f, ARV_SPACE_RGB), 0);
    arv_colour_stats after;
    ck_assert_int_eq(arv_colour_stats_compute(&im, NULL, 0, ARV_SPACE_RGB, &after), 0);
    for (int c = 0; c < 3; c++) {
        ck_assert_double_eq_tol(after.mean[c], to.mean[c], 0.6);
        ck_assert_double_eq_tol(after.std[c], to.std[c], 0.6);
    }
    /* strength 0 changes nothing; Lab transfer toward itself changes at most 1 */
    arv_image copy;
    ck_assert_int_eq(arv_image_alloc(&copy, w, h, 3), 0);
    for (int i = 0; i < w * h * 3; i++)
        copy.data[i] = im.data[i];
    ck_assert_int_eq(arv_colour_transfer(&im, &m, &from, &to, 0.0f, ARV_SPACE_RGB), 0);
    ck_assert_int_eq(arv_colour_stats_compute(&im, NULL, 0, ARV_SPACE_LAB, &from), 0);
    ck_assert_int_eq(arv_colour_transfer(&im, &m, &from, &from, 1.0f, ARV_SPACE_LAB), 0);
    for (int i = 0; i < w * h * 3; i++)
        ck_assert_int_le(abs(im.data[i] - copy.data[i]), 1);
    arv_image_free(&copy);
    arv_image_free(&im);
    arv_fimage_free(&m);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("image_composite");
    TCase *tc = tcase_create("composite");
    tcase_add_test(tc, composite_formula);
    tcase_add_test(tc, lab_reference);
    tcase_add_test(tc, stats_and_transfer);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
