/* test_detect_ssd.c — the pose detector's post-processing (src/detect/):
 *   - anchors: count 2254 and the first/last anchors, computed here by hand
 *     from pose_detection_cpu.pbtxt's options (input 224, strides 8, 16, 32,
 *     32, 32, offset 0.5, fixed size: first cell centre 0.5/28, last 6.5/7);
 *   - decoding + weighted NMS on TensorFlow Lite's raw outputs for the
 *     letterboxed darknet_person.jpg (testdata/golden/pose_detection/photo/):
 *     exactly one person, with a box around the head and the hip centre
 *     below it (printed; hand-checked against the photo's landmarks);
 *   - NMS merging and IoU on small hand-made cases, letterbox removal. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "detect/detect.h"
#include "io/npy.h"
#include "support/testutil.h"

START_TEST(anchors_pose)
{
    const arv_ssd_anchor_opts *o = &arv_pose_anchor_opts;
    int n = arv_ssd_anchor_count(o);
    /* stride 8: 28x28 cells x 2; 16: 14x14 x 2; the three stride-32 layers
     * share 7x7 cells with 2 anchors each: 1568 + 392 + 294 */
    ck_assert_int_eq(n, 28 * 28 * 2 + 14 * 14 * 2 + 7 * 7 * 6);
    ck_assert_int_eq(n, 2254);
    arv_anchor *a = malloc(sizeof *a * (size_t)n);
    ck_assert_int_eq(arv_ssd_anchors(o, a, n), 2254);
    ck_assert_int_eq(arv_ssd_anchors(o, a, n - 1), -1);
    const float e = 1e-6f;
    ck_assert_float_eq_tol(a[0].x, 0.5f / 28, e);
    ck_assert_float_eq_tol(a[0].y, 0.5f / 28, e);
    ck_assert_float_eq_tol(a[0].w, 1.0f, e);
    ck_assert_float_eq_tol(a[0].h, 1.0f, e);
    ck_assert_float_eq_tol(a[1].x, 0.5f / 28, e);   /* second anchor, same cell */
    ck_assert_float_eq_tol(a[2].x, 1.5f / 28, e);   /* next cell to the right */
    ck_assert_float_eq_tol(a[1567].x, 27.5f / 28, e);
    ck_assert_float_eq_tol(a[1567].y, 27.5f / 28, e);
    ck_assert_float_eq_tol(a[1568].x, 0.5f / 14, e); /* first of stride 16 */
    ck_assert_float_eq_tol(a[1960].x, 0.5f / 7, e);  /* first of stride 32 */
    ck_assert_float_eq_tol(a[1965].x, 0.5f / 7, e);  /* 6 anchors per cell there */
    ck_assert_float_eq_tol(a[1966].x, 1.5f / 7, e);
    ck_assert_float_eq_tol(a[2253].x, 6.5f / 7, e);
    ck_assert_float_eq_tol(a[2253].y, 6.5f / 7, e);
    ck_assert_float_eq_tol(a[2253].w, 1.0f, e);
    free(a);
}
END_TEST

static void load(const char *file, arv_npy *a)
{
    char path[1024], err[256];
    snprintf(path, sizeof path, "%s/testdata/golden/pose_detection/photo/%s", tu_srcdir(), file);
    ck_assert_msg(arv_npy_read(path, a, err) == 0, "%s", err);
}

START_TEST(decode_golden_photo)
{
    arv_npy boxes, scores;
    load("output_0.npy", &boxes);
    load("output_1.npy", &scores);
    ck_assert_int_eq((int)boxes.count, 2254 * 12);
    ck_assert_int_eq((int)scores.count, 2254);
    arv_anchor a[2254];
    ck_assert_int_eq(arv_ssd_anchors(&arv_pose_anchor_opts, a, 2254), 2254);
    arv_detection d[64];
    int n = arv_ssd_decode(&arv_pose_decode_opts, a, 2254, boxes.data, scores.data, d, 64);
    ck_assert_int_ge(n, 1);
    int m = arv_nms_weighted(d, n, 0.3f, 0);
    printf("pose_detection photo: %d raw detections >= 0.5, %d after weighted NMS\n", n, m);
    ck_assert_int_eq(m, 1);
    /* manifest.json: content_rect [0, 37.8, 224, 148.4] of 224 */
    arv_letterbox lb = arv_letterbox_for(640, 424, 224, 224);
    ck_assert_float_eq_tol(lb.pad[1] * 224, 37.8f, 1e-3f);
    ck_assert_float_eq_tol(lb.pad[0], 0.0f, 1e-6f);
    arv_detection_unletterbox(&d[0], &lb);
    float W = 640, H = 424;
    printf("  score %.4f box x %.1f y %.1f w %.1f h %.1f px; hip centre (%.1f, %.1f), "
           "scale point (%.1f, %.1f)\n", d[0].score, d[0].xmin * W, d[0].ymin * H, d[0].w * W,
           d[0].h * H, d[0].kp[0][0] * W, d[0].kp[0][1] * H, d[0].kp[1][0] * W, d[0].kp[1][1] * H);
    ck_assert_float_ge(d[0].score, 0.5f);
    ck_assert_int_eq(d[0].n_kp, 4);
    /* BlazePose's detector is built around the head (the box here, centred
     * near the face at x 225, y 141, is 128 px wide) and regresses the body's
     * alignment points from it: the box lies inside the image and the hip
     * centre (keypoint 0) is below it, inside the picture; the pose landmarks
     * of this photo (tests/unit/test_pose_mediapipe.c) put the nose at
     * (240, 128) and the hips around y 238. */
    ck_assert(d[0].xmin > 0 && d[0].xmin + d[0].w < 1 && d[0].ymin > -0.05f && d[0].ymin + d[0].h < 1);
    ck_assert(d[0].w > 0.01f && d[0].h > 0.01f);
    ck_assert(d[0].kp[0][1] > d[0].ymin + d[0].h);
    ck_assert(d[0].kp[0][0] > 0 && d[0].kp[0][0] < 1 && d[0].kp[0][1] < 1);
    arv_npy_free(&boxes);
    arv_npy_free(&scores);
}
END_TEST

static arv_detection box(float s, float x, float y, float w, float h)
{
    arv_detection d = {.score = s, .xmin = x, .ymin = y, .w = w, .h = h, .n_kp = 1};
    d.kp[0][0] = x;
    d.kp[0][1] = y;
    return d;
}

START_TEST(nms_weighted_hand)
{
    arv_detection a = box(0.9f, 0, 0, 1, 1), b = box(0.6f, 0.5f, 0, 1, 1);
    ck_assert_float_eq_tol(arv_box_iou(&a, &b), 0.5f / 1.5f, 1e-6f);
    arv_detection d[3] = {box(0.6f, 0.2f, 0, 1, 1), box(0.9f, 0, 0, 1, 1), box(0.8f, 5, 5, 1, 1)};
    /* IoU(0, 0.2 shift) = 0.8 / 1.2 > 0.3: merged; the far box stays */
    int m = arv_nms_weighted(d, 3, 0.3f, 0);
    ck_assert_int_eq(m, 2);
    ck_assert_float_eq_tol(d[0].score, 0.9f, 1e-6f);
    ck_assert_float_eq_tol(d[0].xmin, (0.9f * 0 + 0.6f * 0.2f) / 1.5f, 1e-6f);
    ck_assert_float_eq_tol(d[0].w, 1.0f, 1e-6f);
    ck_assert_float_eq_tol(d[0].kp[0][0], 0.08f, 1e-6f);
    ck_assert_float_eq_tol(d[1].xmin, 5.0f, 1e-6f);
    arv_detection e[2] = {box(0.9f, 0, 0, 1, 1), box(0.8f, 5, 5, 1, 1)};
    ck_assert_int_eq(arv_nms_weighted(e, 2, 0.3f, 1), 1);
    ck_assert_int_eq(arv_nms_weighted(e, 0, 0.3f, 0), 0);
}
END_TEST

START_TEST(letterbox_tall)
{
    arv_letterbox lb = arv_letterbox_for(100, 200, 224, 224);
    ck_assert_float_eq_tol(lb.pad[0], 0.25f, 1e-6f);
    ck_assert_float_eq_tol(lb.pad[1], 0.0f, 1e-6f);
    arv_detection d = box(1, 0.25f, 0.5f, 0.5f, 0.25f);
    arv_detection_unletterbox(&d, &lb);
    ck_assert_float_eq_tol(d.xmin, 0.0f, 1e-6f);
    ck_assert_float_eq_tol(d.w, 1.0f, 1e-6f);
    ck_assert_float_eq_tol(d.ymin, 0.5f, 1e-6f);
    ck_assert_float_eq_tol(d.kp[0][0], 0.0f, 1e-6f);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("detect_ssd");
    TCase *tc = tcase_create("ssd");
    tcase_add_test(tc, anchors_pose);
    tcase_add_test(tc, decode_golden_photo);
    tcase_add_test(tc, nms_weighted_hand);
    tcase_add_test(tc, letterbox_tall);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int nf = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nf ? 1 : 0;
}
