/* test_pose_heatmap.c — the landmark refinement by heatmap in
 * arv_pose_decode, as MediaPipe's RefineLandmarksFromHeatmapCalculator
 * (kernel_size 7, min_confidence_to_refine 0.5) does it. The ROI is the
 * 256 x 256 tensor itself (centre 128, 128, no rotation), so a landmark's
 * pixel is its tensor coordinate, and a heatmap cell (64 x 64) is 4 px:
 * a refined landmark lands on 4 * (the confidence-weighted mean cell).
 *   - a landmark inside with one confident cell in its 7 x 7 window moves
 *     to that cell;
 *   - the cell is the coordinate truncated toward zero (C++ int
 *     conversion): at x = -0.5 px (-0.125 cells) it is cell 0, so the
 *     landmark is refined; at x = -5 px (-1.25 cells: cell -1) it is kept;
 *   - the maximum confidence must reach 0.5 (0.4 leaves it);
 *   - the two auxiliary landmarks (33, 34: the tracking ROI's) are refined
 *     too (the calculator gets all 39). */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include "tasks/pose.h"

#define HM 64
#define LOGIT_NONE (-40.0f)   /* sigmoid ~ 4e-18: no weight */

static float *heatmap(void)
{
    float *h = malloc(sizeof(float) * HM * HM * ARV_POSE_N_ALL);
    ck_assert_ptr_nonnull(h);
    for (int i = 0; i < HM * HM * ARV_POSE_N_ALL; i++)
        h[i] = LOGIT_NONE;
    return h;
}

static void put(float *h, int lm, int col, int row, float logit)
{
    h[((size_t)row * HM + col) * ARV_POSE_N_ALL + lm] = logit;
}

static void place(float *lm, int i, float x, float y)
{
    lm[i * 5 + 0] = x;   /* tensor pixels */
    lm[i * 5 + 1] = y;
}

START_TEST(refine_like_mediapipe)
{
    float lm[ARV_POSE_N_ALL * 5] = {0};
    for (int i = 0; i < ARV_POSE_N_ALL; i++)
        place(lm, i, 200, 200);
    float *h = heatmap();
    place(lm, 0, 101, 99);          /* cells (25, 24); peak at (27, 23) */
    put(h, 0, 27, 23, 6.0f);
    place(lm, 1, -0.5f, 100);       /* cell 0 by truncation: refined */
    put(h, 1, 0, 25, 6.0f);
    place(lm, 2, -5.0f, 100);       /* cell -1: outside, kept */
    put(h, 2, 0, 25, 6.0f);
    place(lm, 3, 60, 60);           /* max confidence 0.4 < 0.5: kept */
    put(h, 3, 15, 15, logf(0.4f / 0.6f));
    place(lm, ARV_POSE_N, 101, 99); /* auxiliary: refined as well */
    put(h, ARV_POSE_N, 27, 23, 6.0f);
    const arv_roi roi = {128, 128, 256, 256, 0};
    arv_pose_person p;
    arv_pose_decode(lm, h, HM, HM, NULL, &roi, 256, 256, &p);
    ck_assert_float_eq_tol(p.lm[0].x, 108.0f, 1e-3f);
    ck_assert_float_eq_tol(p.lm[0].y, 92.0f, 1e-3f);
    ck_assert_float_eq_tol(p.lm[1].x, 0.0f, 1e-3f);
    ck_assert_float_eq_tol(p.lm[1].y, 100.0f, 1e-3f);
    ck_assert_float_eq_tol(p.lm[2].x, -5.0f, 1e-3f);
    ck_assert_float_eq_tol(p.lm[2].y, 100.0f, 1e-3f);
    ck_assert_float_eq_tol(p.lm[3].x, 60.0f, 1e-3f);
    ck_assert_float_eq_tol(p.aux[0][0], 108.0f, 1e-3f);
    ck_assert_float_eq_tol(p.aux[0][1], 92.0f, 1e-3f);
    /* no heatmap: the raw coordinates */
    arv_pose_decode(lm, NULL, HM, HM, NULL, &roi, 256, 256, &p);
    ck_assert_float_eq_tol(p.lm[0].x, 101.0f, 1e-4f);
    ck_assert_float_eq_tol(p.aux[0][0], 101.0f, 1e-4f);
    free(h);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pose_heatmap");
    TCase *tc = tcase_create("heatmap");
    tcase_add_test(tc, refine_like_mediapipe);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int nf = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nf ? 1 : 0;
}
