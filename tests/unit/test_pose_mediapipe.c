/* test_pose_mediapipe.c — `arv pose`'s pipeline end to end against
 * MediaPipe's own Pose solution (@mediapipe/pose, one send per image, no
 * smoothing, useCpuInference) run on the same photos:
 * testdata/mediapipe/pose/<stem>.c<N>.json for model complexity N = 0, 1, 2
 * (lite, full, heavy), made by scripts/make-mediapipe-pose-golden.
 *
 * For every golden: when MediaPipe found a pose we must find one too, and
 * the mean distance between our landmarks and MediaPipe's, over the
 * landmarks MediaPipe calls visible (visibility > 0.5; all 33 when none
 * is), must be <= BOUND of the diagonal of the person box (the box of
 * MediaPipe's 33 landmarks, in pixels). Issue 6 asks for 2%; BOUND is
 * 0.5%. When MediaPipe found nobody, we report what we found (printed, not
 * failed: scores near the 0.5 thresholds can tip either way). Per-image
 * numbers are printed.
 *
 * Two causes made the earlier misses (kpa_bar55_2 6.8% full, 4.9% lite;
 * labelme_2011_000006, kpa_qt-logo lite, ...), neither "a few pixels":
 *   1. arv made the model inputs as MediaPipe's OpenCV path does, through
 *      an 8-bit image; the solution's graph (PoseLandmarkGpu) makes them on
 *      its GPU path, bilinear texture sampling straight into floats. The
 *      rounding moved the detector's keypoints by up to 0.75 px of its
 *      224 px input, and the ROI with them; on weak detections (kpa_bar55_2,
 *      score 0.59) the landmark model's guesses for limbs out of the frame
 *      follow the ROI: 8.0% lite, 2.1% full against these goldens. Now
 *      image/warp.h arv_warp_affine_to_tensor_gl; the detector's keypoints
 *      agree to 0.001 px, and given MediaPipe's own ROI the landmarks to
 *      0.03 px. (The heatmap refinement now also takes its cell as MediaPipe
 *      does, truncated toward zero, and refines the 2 auxiliary landmarks.)
 *   2. The goldens were made with the solution's default inference on
 *      desktop browsers, its WebGL delegate, which MediaPipe lets compute in
 *      16-bit floats (InferenceCalculatorOptions.Delegate.Gpu
 *      allow_precision_loss, default true): on kpa_bar55_2 its detector's
 *      keypoints are ~13 px from the float32 ones (ROI 851 against 885 px,
 *      in MediaPipe's own CPU inference as in arv). Against those goldens
 *      (`--inference gpu` re-makes them) arv, even with 1. fixed, is at
 *      kpa_bar55_2 6.5% full / 8.6% lite, kpa_qt-logo lite 5.4%,
 *      labelme_2011_000006 2.5% / 3.9%: the arithmetic of a GPU delegate,
 *      not a step of the pipeline. So the goldens use useCpuInference.
 * Now all comparisons are within 0.03% but two, where one landmark sits on
 * a heatmap cell boundary and is refined from the neighbouring cell
 * (cv_basketball1 full: right foot index 15 px, 0.12%; kpa_bar55 heavy:
 * right pinky 23 px, 0.09%). */
#include <check.h>
#include <dirent.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cJSON.h>
#include "media/image_io.h"
#include "tasks/pose.h"
#include "support/testutil.h"


static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

#define BOUND 0.005

START_TEST(landmarks_match_mediapipe)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/testdata/mediapipe/pose", tu_srcdir());
    DIR *d = opendir(dir);
    ck_assert_msg(d != NULL, "%s: missing", dir);
    char *names[256], suffix[16];
    int nn = 0, cplx = _i;
    snprintf(suffix, sizeof suffix, ".c%d.json", cplx);
    struct dirent *e;
    while ((e = readdir(d)) && nn < 256) {
        size_t l = strlen(e->d_name);
        if (l > 8 && strcmp(e->d_name + l - 8, suffix) == 0)
            names[nn++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, (size_t)nn, sizeof *names, by_name);
    if (nn == 0 && cplx != 1) {
        printf("pose vs MediaPipe, model complexity %d: no goldens\n", cplx);
        return;
    }
    ck_assert_int_gt(nn, 0);

    arv_pose_opts o = ARV_POSE_OPTS_DEFAULT;
    o.static_image_mode = 1;
    o.complexity = cplx;
    arv_pose *p;
    char err[256];
    ck_assert_msg(arv_pose_new(&o, &p, err) == 0, "%s", err);
    int compared = 0, failed = 0;
    double worst = 0;
    for (int i = 0; i < nn; i++) {
        char path[1400];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        char *txt = tu_slurp(path, NULL);
        ck_assert_msg(txt != NULL, "%s: unreadable", path);
        cJSON *j = cJSON_Parse(txt);
        free(txt);
        ck_assert_msg(j != NULL, "%s: bad JSON", path);
        const cJSON *src = cJSON_GetObjectItem(j, "source");
        const cJSON *lms = cJSON_GetObjectItem(j, "poseLandmarks");
        int found = cJSON_IsTrue(cJSON_GetObjectItem(j, "pose_found"));
        ck_assert(cJSON_IsString(src));
        char ipath[1400];
        snprintf(ipath, sizeof ipath, "%s/%s", tu_srcdir(), src->valuestring);
        arv_image im;
        ck_assert_msg(arv_image_load(ipath, NULL, &im, err) == 0, "%s", err);
        arv_pose_result r;
        arv_pose_reset(p);
        ck_assert_msg(arv_pose_process(p, &im, INT64_MIN, &r, err) == 0, "%s", err);
        if (!found) {
            printf("%-44s MediaPipe: no pose; arv: %s\n", names[i],
                   r.n ? "a pose (disagreement)" : "no pose");
        } else {
            ck_assert_int_eq(cJSON_GetArraySize(lms), ARV_POSE_N);
            if (r.n != 1) {
                printf("%-44s MediaPipe found a pose, arv none: FAIL\n", names[i]);
                failed++;
            } else {
                double minx = 1e30, miny = 1e30, maxx = -1e30, maxy = -1e30, sum = 0, vmax = 0;
                int nv = 0, any_visible = 0;
                for (int k = 0; k < ARV_POSE_N; k++)
                    any_visible |= cJSON_GetObjectItem(cJSON_GetArrayItem(lms, k), "visibility")
                                       ->valuedouble > 0.5;
                for (int k = 0; k < ARV_POSE_N; k++) {
                    const cJSON *L = cJSON_GetArrayItem(lms, k);
                    double x = cJSON_GetObjectItem(L, "x")->valuedouble * im.w;
                    double y = cJSON_GetObjectItem(L, "y")->valuedouble * im.h;
                    double v = cJSON_GetObjectItem(L, "visibility")->valuedouble;
                    minx = fmin(minx, x);
                    maxx = fmax(maxx, x);
                    miny = fmin(miny, y);
                    maxy = fmax(maxy, y);
                    if (v > 0.5 || !any_visible) {
                        double dd = hypot(r.person[0].lm[k].x - x, r.person[0].lm[k].y - y);
                        sum += dd;
                        vmax = fmax(vmax, dd);
                        nv++;
                    }
                }
                double diag = hypot(maxx - minx, maxy - miny);
                double rel = nv ? sum / nv / diag : 0;
                int ok = nv > 0 && rel <= BOUND;
                printf("%-44s %2d %s, mean %.2f px (max %.2f) = %.3f%% of box diagonal %.0f px: %s\n",
                       names[i], nv, any_visible ? "visible" : "(none visible: all)",
                       nv ? sum / nv : 0.0, vmax, 100 * rel, diag, ok ? "ok" : "FAIL");
                compared++;
                failed += !ok;
                worst = fmax(worst, rel);
            }
        }
        arv_image_free(&im);
        cJSON_Delete(j);
        free(names[i]);
    }
    arv_pose_free(p);
    printf("pose vs MediaPipe, model complexity %d: %d images compared, worst %.3f%%, %d failed\n",
           cplx, compared, 100 * worst, failed);
    ck_assert_int_gt(compared, 0);
    ck_assert_int_eq(failed, 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pose_mediapipe");
    TCase *tc = tcase_create("mediapipe");
    tcase_set_timeout(tc, 300);
    tcase_add_loop_test(tc, landmarks_match_mediapipe, 0, 3);   /* lite, full, heavy */
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int nf = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nf ? 1 : 0;
}
