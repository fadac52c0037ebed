/* test_pose_roi.c — ROI maths of the pose pipeline (track/roi.h,
 * image/warp.h):
 *   - AlignmentPointsRects: centre, size 2 x distance, rotation that turns
 *     the hip → scale-point segment upright (hand-computed cases);
 *   - RectTransformation: square_long then scale 1.25;
 *   - project / unproject are inverse;
 *   - round trip of the warp: a frame whose red and green channels are
 *     linear in x and y is warped through a rotated ROI into 256x256; every
 *     tensor pixel, mapped back through the inverse ROI transform
 *     (arv_roi_project), must find the value the frame has there (bilinear
 *     is exact on linear ramps: only the 8-bit rounding, <= 1 level, remains);
 *   - border replicate / zero outside the frame;
 *   - the GL-path warp (arv_warp_affine_to_tensor_gl, what the pose models
 *     get): against a restatement of GL bilinear texture sampling
 *     (CLAMP_TO_EDGE, floats, no 8-bit rounding) and of the shader's zero
 *     border (lo only beyond the outer edge of the edge pixels); the pose
 *     detector's letterbox;
 *   - BlazePose 33 -> COCO 17 mapping by name. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "image/warp.h"
#include "support/testutil.h"
#include "tasks/pose.h"
#include "tasks/prep.h"
#include "track/roi.h"

#define PI_F 3.14159265f

START_TEST(alignment_points)
{
    /* upright: scale point straight above the hip centre */
    arv_roi r = arv_roi_from_points(100, 200, 100, 100, PI_F / 2);
    ck_assert_float_eq_tol(r.cx, 100, 1e-5f);
    ck_assert_float_eq_tol(r.cy, 200, 1e-5f);
    ck_assert_float_eq_tol(r.w, 200, 1e-4f);
    ck_assert_float_eq_tol(r.h, 200, 1e-4f);
    ck_assert_float_eq_tol(r.rotation, 0, 1e-6f);
    /* lying, head to the right: 90 - atan2(0, 100) = 90 - 0 -> pi/2 */
    r = arv_roi_from_points(100, 200, 150, 200, PI_F / 2);
    ck_assert_float_eq_tol(r.w, 100, 1e-4f);
    ck_assert_float_eq_tol(r.rotation, PI_F / 2, 1e-6f);
    /* head to the left: 90 - 180 = -90 */
    r = arv_roi_from_points(100, 200, 50, 200, PI_F / 2);
    ck_assert_float_eq_tol(r.rotation, -PI_F / 2, 1e-6f);
    /* upside down: 90 - (-90) = 180 -> normalized to -180 */
    r = arv_roi_from_points(100, 200, 100, 300, PI_F / 2);
    ck_assert_float_eq_tol(fabsf(r.rotation), PI_F, 1e-5f);
    ck_assert_float_eq_tol(arv_normalize_radians(3 * PI_F / 2), -PI_F / 2, 1e-5f);
    /* leaning 45 degrees to the right (scale point up-right): rotation +45 */
    r = arv_roi_from_points(0, 0, 10, -10, PI_F / 2);
    ck_assert_float_eq_tol(r.rotation, PI_F / 4, 1e-6f);
    ck_assert_float_eq_tol(r.w, 2 * sqrtf(200), 1e-4f);
}
END_TEST

START_TEST(rect_transform)
{
    arv_roi r = {10, 20, 100, 60, 0.3f};
    arv_roi t = arv_roi_transform(r, 1.25f, 1.25f, 1);
    ck_assert_float_eq_tol(t.w, 125, 1e-4f);
    ck_assert_float_eq_tol(t.h, 125, 1e-4f);
    ck_assert_float_eq_tol(t.cx, 10, 1e-6f);
    ck_assert_float_eq_tol(t.rotation, 0.3f, 1e-6f);
    t = arv_roi_transform(r, 2, 1, 0);
    ck_assert_float_eq_tol(t.w, 200, 1e-4f);
    ck_assert_float_eq_tol(t.h, 60, 1e-4f);
}
END_TEST

START_TEST(project_round_trip)
{
    arv_roi r = {120.5f, 80.25f, 90, 90, 0.7f};
    float px, py, nx, ny;
    arv_roi_project(&r, 0.5f, 0.5f, &px, &py);
    ck_assert_float_eq_tol(px, 120.5f, 1e-4f);
    ck_assert_float_eq_tol(py, 80.25f, 1e-4f);
    /* the ROI's "up" (ny = 0) is rotated by +0.7 rad (clockwise on screen) */
    arv_roi_project(&r, 0.5f, 0.0f, &px, &py);
    ck_assert_float_eq_tol(px, 120.5f + sinf(0.7f) * 45, 1e-3f);
    ck_assert_float_eq_tol(py, 80.25f - cosf(0.7f) * 45, 1e-3f);
    for (int i = 0; i < 50; i++) {
        float ax = (float)i / 49, ay = (float)((i * 7) % 50) / 49;
        arv_roi_project(&r, ax, ay, &px, &py);
        arv_roi_unproject(&r, px, py, &nx, &ny);
        ck_assert_float_eq_tol(nx, ax, 1e-5f);
        ck_assert_float_eq_tol(ny, ay, 1e-5f);
    }
}
END_TEST

static void ramp(arv_image *im, int w, int h)
{
    ck_assert_int_eq(arv_image_alloc(im, w, h, 3), 0);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint8_t *p = arv_image_row(im, y) + x * 3;
            p[0] = (uint8_t)lrint(x * 0.8);
            p[1] = (uint8_t)lrint(y * 0.8);
            p[2] = 77;
        }
}

START_TEST(warp_round_trip)
{
    arv_image im;
    ramp(&im, 300, 300);
    arv_roi r = {150, 140, 160, 160, 0.4f};   /* rotated, inside the frame */
    float *t = malloc(sizeof(float) * 256 * 256 * 3);
    double m[6];
    arv_roi_to_matrix(&r, 256, 256, m);
    ck_assert_int_eq(arv_warp_affine_to_tensor(&im, m, 256, 256, ARV_BORDER_ZERO, 0, 1, t), 0);
    double worst = 0;
    for (int v = 0; v < 256; v++)
        for (int u = 0; u < 256; u++) {
            float px, py;
            /* tensor pixel centre, normalized to the ROI, back to the image */
            arv_roi_project(&r, (u + 0.5f) / 256, (v + 0.5f) / 256, &px, &py);
            const float *o = t + ((size_t)v * 256 + u) * 3;
            /* image index of a position is position - 0.5 (pixel centres) */
            double er = fabs(o[0] * 255.0 - (px - 0.5) * 0.8);
            double eg = fabs(o[1] * 255.0 - (py - 0.5) * 0.8);
            worst = fmax(worst, fmax(er, eg));
            ck_assert_float_eq_tol(o[2] * 255.0f, 77.0f, 1e-3f);
        }
    /* source rounding (0.5) + tensor rounding (0.5) */
    ck_assert_msg(worst <= 1.0 + 1e-6, "warp round trip: worst %.3f levels", worst);
    free(t);
    arv_image_free(&im);
}
END_TEST

/* The warp against a direct restatement (floor, zero border, clamp for
 * REPLICATE) on random images and matrices that put the crop inside, across
 * the edges and outside: the same bytes, with the rows split any way. */
static float ref_sample(const arv_image *im, double x, double y, int c, arv_border b)
{
    if (b == ARV_BORDER_REPLICATE) {
        x = fmin(fmax(x, 0), im->w - 1);
        y = fmin(fmax(y, 0), im->h - 1);
    }
    double acc = 0;
    if (x > -1 && y > -1 && x < im->w && y < im->h) {
        int x0 = (int)floor(x), y0 = (int)floor(y);
        for (int j = 0; j < 2; j++)
            for (int i = 0; i < 2; i++) {
                int xx = x0 + i, yy = y0 + j;
                if (xx >= 0 && xx < im->w && yy >= 0 && yy < im->h)
                    acc += (j ? y - y0 : 1 - (y - y0)) * (i ? x - x0 : 1 - (x - x0)) *
                           arv_image_row(im, yy)[3 * xx + c];
            }
    }
    return (float)(-1 + 2.0 / 255 * floor(acc + 0.5));
}

START_TEST(warp_vs_direct)
{
    arv_image im;
    ck_assert_int_eq(arv_image_alloc(&im, 37, 23, 3), 0);
    unsigned st = 9;
    for (int i = 0; i < 37 * 23 * 3; i++)
        im.data[i] = (uint8_t)((st = st * 1103515245u + 12345u) >> 16);
    float *a = malloc(sizeof(float) * 20 * 20 * 3), *b = malloc(sizeof(float) * 20 * 20 * 3);
    for (int t = 0; t < 40; t++) {
        double ang = t * 0.41, sc = 0.3 + (t % 5) * 0.5;
        double m[6] = {sc * cos(ang), -sc * sin(ang), (t % 9) * 6.0 - 10,
                       sc * sin(ang), sc * cos(ang), (t % 7) * 5.0 - 8};
        for (int bd = 0; bd < 2; bd++) {
            const arv_border border = bd ? ARV_BORDER_REPLICATE : ARV_BORDER_ZERO;
            ck_assert_int_eq(arv_warp_affine_to_tensor(&im, m, 20, 20, border, -1, 1, a), 0);
            for (int v = 0; v < 20; v++)
                for (int u = 0; u < 20; u++)
                    for (int c = 0; c < 3; c++) {
                        float want = ref_sample(&im, m[0] * u + m[1] * v + m[2],
                                                m[3] * u + m[4] * v + m[5], c, border);
                        ck_assert_msg(a[(v * 20 + u) * 3 + c] == want, "t %d (%d,%d,%d): %g vs %g",
                                      t, u, v, c, a[(v * 20 + u) * 3 + c], want);
                    }
            ck_assert_int_eq(arv_warp_affine_to_tensor_par(&im, m, 20, 20, border, -1, 1, b,
                                                           &tu_par_scrambled), 0);
            ck_assert_mem_eq(a, b, sizeof(float) * 20 * 20 * 3);
        }
    }
    free(a), free(b);
    arv_image_free(&im);
}
END_TEST

START_TEST(warp_border)
{
    arv_image im;
    ramp(&im, 40, 30);
    arv_roi r = {20, 15, 400, 400, 0};     /* mostly outside */
    float *t = malloc(sizeof(float) * 16 * 16 * 3);
    double m[6];
    arv_roi_to_matrix(&r, 16, 16, m);
    ck_assert_int_eq(arv_warp_affine_to_tensor(&im, m, 16, 16, ARV_BORDER_ZERO, 0, 1, t), 0);
    ck_assert_float_eq_tol(t[2], 0.0f, 1e-6f);                   /* corner: black */
    ck_assert_int_eq(arv_warp_affine_to_tensor(&im, m, 16, 16, ARV_BORDER_REPLICATE, 0, 1, t), 0);
    ck_assert_float_eq_tol(t[2] * 255, 77.0f, 1e-3f);            /* corner: edge pixel */
    ck_assert_float_eq_tol(t[0], 0.0f, 1e-6f);                   /* x clamped to 0 */
    ck_assert_float_eq_tol(t[(15 * 16 + 15) * 3 + 0] * 255, 31.0f, 1e-3f); /* x = 39 -> 31 */
    ck_assert_int_eq(arv_warp_affine_to_tensor(&im, m, 0, 16, ARV_BORDER_ZERO, 0, 1, t), -1);
    double inv[6], id[6] = {2, 0, 1, 0, 4, 3};
    ck_assert_int_eq(arv_affine_invert(id, inv), 0);
    ck_assert_float_eq_tol(inv[0], 0.5, 1e-12);
    ck_assert_float_eq_tol(inv[2], -0.5, 1e-12);
    ck_assert_float_eq_tol(inv[5], -0.75, 1e-12);
    free(t);
    arv_image_free(&im);
}
END_TEST

/* GL texture sampling: CLAMP_TO_EDGE bilinear in floats; the shader's zero
 * border (texture coordinate outside [0, 1]) is lo. */
static double ref_gl(const arv_image *im, double x, double y, int c, arv_border b, double lo,
                     double hi)
{
    if (b == ARV_BORDER_ZERO && !(x >= -0.5 && y >= -0.5 && x <= im->w - 0.5 && y <= im->h - 0.5))
        return lo;
    x = fmin(fmax(x, 0), im->w - 1);
    y = fmin(fmax(y, 0), im->h - 1);
    int x0 = (int)x, y0 = (int)y, x1 = x0 + 1 < im->w ? x0 + 1 : x0,
        y1 = y0 + 1 < im->h ? y0 + 1 : y0;
    double fx = x - x0, fy = y - y0;
    const uint8_t *r0 = arv_image_row(im, y0), *r1 = arv_image_row(im, y1);
    double v = (1 - fy) * ((1 - fx) * r0[3 * x0 + c] + fx * r0[3 * x1 + c]) +
               fy * ((1 - fx) * r1[3 * x0 + c] + fx * r1[3 * x1 + c]);
    return lo + (hi - lo) * v / 255;
}

START_TEST(warp_gl_vs_direct)
{
    arv_image im;
    ck_assert_int_eq(arv_image_alloc(&im, 37, 23, 3), 0);
    unsigned st = 5;
    for (int i = 0; i < 37 * 23 * 3; i++)
        im.data[i] = (uint8_t)((st = st * 1103515245u + 12345u) >> 16);
    float *a = malloc(sizeof(float) * 20 * 20 * 3), *b = malloc(sizeof(float) * 20 * 20 * 3);
    int non_level = 0;
    for (int t = 0; t < 40; t++) {
        double ang = t * 0.37, sc = 0.3 + (t % 5) * 0.5;
        double m[6] = {sc * cos(ang), -sc * sin(ang), (t % 9) * 6.0 - 10,
                       sc * sin(ang), sc * cos(ang), (t % 7) * 5.0 - 8};
        for (int bd = 0; bd < 2; bd++) {
            const arv_border border = bd ? ARV_BORDER_REPLICATE : ARV_BORDER_ZERO;
            ck_assert_int_eq(arv_warp_affine_to_tensor_gl(&im, m, 20, 20, border, -1, 1, a, NULL),
                             0);
            for (int v = 0; v < 20; v++)
                for (int u = 0; u < 20; u++)
                    for (int c = 0; c < 3; c++) {
                        double want = ref_gl(&im, m[0] * u + m[1] * v + m[2],
                                             m[3] * u + m[4] * v + m[5], c, border, -1, 1);
                        float got = a[(v * 20 + u) * 3 + c];
                        ck_assert_msg(fabs(got - want) < 1e-6, "t %d (%d,%d,%d): %.9g vs %.9g", t,
                                      u, v, c, got, want);
                        double q = (got + 1) * 127.5;
                        non_level += fabs(q - floor(q + 0.5)) > 1e-3;
                    }
            ck_assert_int_eq(arv_warp_affine_to_tensor_gl(&im, m, 20, 20, border, -1, 1, b,
                                                          &tu_par_scrambled), 0);
            ck_assert_mem_eq(a, b, sizeof(float) * 20 * 20 * 3);
        }
    }
    ck_assert_int_gt(non_level, 1000);   /* not rounded to 8-bit levels */
    free(a), free(b);
    arv_image_free(&im);
}
END_TEST

START_TEST(warp_gl_border)
{
    arv_image im;
    ramp(&im, 40, 30);
    float t[4 * 3];
    /* one row of 4 samples at x = -0.6, -0.4, 38.4, 39.6 on row 10 */
    double m[6] = {0, 0, 0, 0, 0, 10};
    const double xs[4] = {-0.6, -0.4, 39.4, 39.6};
    for (int i = 0; i < 4; i++) {
        m[2] = xs[i];
        ck_assert_int_eq(arv_warp_affine_to_tensor_gl(&im, m, 1, 1, ARV_BORDER_ZERO, 0, 1,
                                                      t + 3 * i, NULL), 0);
    }
    ck_assert_float_eq_tol(t[2], 0.0f, 1e-7f);                  /* beyond the edge: 0 */
    ck_assert_float_eq_tol(t[5] * 255, 77.0f, 1e-4f);           /* within half a pixel: */
    ck_assert_float_eq_tol(t[3] * 255, 0.0f, 1e-4f);            /* the edge pixel */
    ck_assert_float_eq_tol(t[8] * 255, 77.0f, 1e-4f);
    ck_assert_float_eq_tol(t[6] * 255, 31.0f, 1e-4f);           /* x 39 -> lrint(31.2) */
    ck_assert_float_eq_tol(t[11], 0.0f, 1e-7f);
    ck_assert_int_eq(arv_warp_affine_to_tensor_gl(&im, m, 0, 1, ARV_BORDER_ZERO, 0, 1, t, NULL),
                     -1);
    arv_image_free(&im);
}
END_TEST

/* The detector input: a 56 x 28 image letterboxed into 224 x 224 (scale 4,
 * 56 rows of -1 above and below), each tensor pixel the GL sample at
 * (u + 0.5) / 4 - 0.5. */
START_TEST(pose_detector_letterbox)
{
    arv_image im;
    ramp(&im, 56, 28);
    const int n = ARV_POSE_DET_IN;
    float *t = malloc(sizeof(float) * n * n * 3);
    ck_assert_int_eq(arv_pose_detector_preprocess(&im, t), 0);
    for (int v = 0; v < n; v++)
        for (int u = 0; u < n; u++)
            for (int c = 0; c < 3; c++) {
                double want = v < 56 || v >= 168
                                  ? -1.0
                                  : ref_gl(&im, (u + 0.5) / 4 - 0.5, (v - 56 + 0.5) / 4 - 0.5, c,
                                           ARV_BORDER_ZERO, -1, 1);
                ck_assert_msg(fabs(t[((size_t)v * n + u) * 3 + c] - want) < 1e-6,
                              "(%d,%d,%d): %g vs %g", u, v, c, t[((size_t)v * n + u) * 3 + c],
                              want);
            }
    free(t);
    arv_image_free(&im);
}
END_TEST

START_TEST(coco_mapping)
{
    static const char *const coco[17] = {
        "nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder",
        "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_hip",
        "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle"};
    for (int k = 0; k < 17; k++)
        ck_assert_str_eq(arv_pose_landmark_names[arv_pose_coco17[k]], coco[k]);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pose_roi");
    TCase *tc = tcase_create("roi");
    tcase_add_test(tc, alignment_points);
    tcase_add_test(tc, rect_transform);
    tcase_add_test(tc, project_round_trip);
    tcase_add_test(tc, warp_round_trip);
    tcase_add_test(tc, warp_border);
    tcase_add_test(tc, warp_vs_direct);
    tcase_add_test(tc, warp_gl_vs_direct);
    tcase_add_test(tc, warp_gl_border);
    tcase_add_test(tc, pose_detector_letterbox);
    tcase_add_test(tc, coco_mapping);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int nf = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nf ? 1 : 0;
}
