/* test_segment_pipeline.c — the selfie segmentation pipeline against
 * TensorFlow Lite's goldens (testdata/golden/selfie_segmentation{,_landscape}/photo/,
 * made by scripts/make-golden):
 *   - our preprocessing of the photo equals the golden input tensor (made by
 *     scripts/golden/image.mjs 'stretch', range [0,1]) up to JPEG decoder
 *     differences; the max and mean absolute differences are printed.
 *     jpeg-js (goldens) upsamples chroma by replication, libjpeg-turbo (us,
 *     and OpenCV/Chromium under MediaPipe) by its "fancy" triangle filter:
 *     that alone makes up to 20/255 at colour edges. Measured once with
 *     libjpeg's do_fancy_upsampling = FALSE: max 3/255, mean 0.47/255 (IDCT
 *     rounding), so the resampling itself matches;
 *   - fed TFLite's own input tensor, the model output agrees exactly at 0.5
 *     (IoU 1.0: the engine is not the source of any difference);
 *   - the mask we compute from the JPEG agrees with TFLite's output at model
 *     resolution: IoU at 0.5 >= 0.99 on kpa_anne_helene.jpg (issue 5). The
 *     landscape photo (kpa_bar55.jpg, a dim bar with five people) has 11% of
 *     its pixels between 0.3 and 0.7, where the decoder's few levels of
 *     difference flip pixels: 0.981 there (0.985 with non-fancy chroma), so
 *     its bound is 0.97;
 *   - the image-resolution mask is the bilinear upsampling of it;
 *   - automatic model choice by aspect ratio. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "io/npy.h"
#include "media/image_io.h"
#include "tasks/segment.h"
#include "support/testutil.h"

typedef struct gcase {
    const char *model, *image;
    arv_seg_model which;
} gcase;

static const gcase cases[] = {
    {"selfie_segmentation", "kpa_anne_helene.jpg", ARV_SEG_GENERAL},
    {"selfie_segmentation_landscape", "kpa_bar55.jpg", ARV_SEG_LANDSCAPE},
};

static void load_photo(const char *name, arv_image *im)
{
    char path[1024], err[256];
    snprintf(path, sizeof path, "%s/testdata/images/%s", tu_srcdir(), name);
    arv_image_load_opts o = {.no_exif = 1};   /* as the goldens: pixels as stored */
    ck_assert_msg(arv_image_load(path, &o, im, err) == 0, "%s", err);
}

static void load_npy(const char *model, const char *file, arv_npy *a)
{
    char path[1024], err[256];
    snprintf(path, sizeof path, "%s/testdata/golden/%s/photo/%s", tu_srcdir(), model, file);
    ck_assert_msg(arv_npy_read(path, a, err) == 0, "%s", err);
}

START_TEST(preprocess_matches_golden)
{
    const gcase *g = &cases[_i];
    arv_image im;
    arv_npy ref;
    load_photo(g->image, &im);
    load_npy(g->model, "input_0.npy", &ref);
    ck_assert_int_eq(ref.ndim, 4);
    int H = ref.dims[1], W = ref.dims[2];
    float *t = malloc(ref.count * sizeof *t);
    ck_assert_int_eq(arv_seg_preprocess(&im, W, H, t), 0);
    double maxd = 0, sum = 0;
    size_t exact = 0;
    for (size_t i = 0; i < ref.count; i++) {
        double d = fabs((double)t[i] - ref.data[i]);
        maxd = d > maxd ? d : maxd;
        sum += d;
        exact += d == 0;
    }
    printf("%s preprocessing vs golden input: max |diff| %.6f (%.1f/255), mean %.6f, "
           "%.1f%% of values identical\n", g->model, maxd, maxd * 255, sum / ref.count,
           100.0 * exact / ref.count);
    /* decoder differences only (see the top of this file) */
    ck_assert_msg(maxd <= 24.0 / 255 + 1e-6, "max diff %f", maxd);
    ck_assert_msg(sum / ref.count <= 0.6 / 255, "mean diff %f", sum / ref.count);
    free(t);
    arv_npy_free(&ref);
    arv_image_free(&im);
}
END_TEST

static double iou_at_half(const float *a, const float *b, size_t n)
{
    size_t inter = 0, uni = 0;
    for (size_t i = 0; i < n; i++) {
        int pa = a[i] > 0.5f, pb = b[i] > 0.5f;
        inter += pa && pb;
        uni += pa || pb;
    }
    return uni ? (double)inter / uni : 1.0;
}

START_TEST(mask_matches_tflite)
{
    const gcase *g = &cases[_i];
    arv_image im;
    arv_npy ref;
    load_photo(g->image, &im);
    load_npy(g->model, "output_0.npy", &ref);
    char err[256];
    arv_segmenter *s;
    arv_segmenter_opts o = {.model = g->which};
    ck_assert_msg(arv_segmenter_new(&o, &s, err) == 0, "%s", err);
    arv_fimage small = {0}, full = {0};
    ck_assert_msg(arv_segmenter_run(s, &im, ARV_SEG_AUTO, &small, &full, err) == 0, "%s", err);
    ck_assert_int_eq(small.w, ref.dims[2]);
    ck_assert_int_eq(small.h, ref.dims[1]);
    ck_assert_int_eq(full.w, im.w);
    ck_assert_int_eq(full.h, im.h);
    double iou = iou_at_half(small.data, ref.data, ref.count), maxd = 0;
    for (size_t i = 0; i < ref.count; i++)
        maxd = fmax(maxd, fabs((double)small.data[i] - ref.data[i]));
    printf("%s on %s: IoU@0.5 vs TFLite %.5f at model resolution, max |p - p_tflite| %.4f\n",
           g->model, g->image, iou, maxd);
    ck_assert_msg(iou >= (g->which == ARV_SEG_GENERAL ? 0.99 : 0.97), "IoU %f", iou);

    /* Fed TFLite's own input tensor, the masks agree exactly at 0.5. */
    arv_npy in;
    load_npy(g->model, "input_0.npy", &in);
    char path[1024];
    snprintf(path, sizeof path, "%s/models/%s.tflite", tu_srcdir(), g->model);
    arv_model *m;
    arv_interp *it;
    ck_assert_msg(arv_model_open(path, NULL, &m, err) == ARV_OK, "%s", err);
    ck_assert_msg(arv_interp_new(m, NULL, &it, err) == ARV_OK, "%s", err);
    ck_assert_uint_eq(arv_interp_input(it, 0)->bytes, in.count * sizeof(float));
    memcpy(arv_interp_input(it, 0)->data, in.data, in.count * sizeof(float));
    ck_assert_int_eq(arv_interp_invoke(it), ARV_OK);
    double iou_t = iou_at_half(arv_interp_output(it, 0)->data, ref.data, ref.count);
    printf("%s fed TFLite's input tensor: IoU@0.5 %.5f\n", g->model, iou_t);
    ck_assert_msg(iou_t >= 0.9999, "IoU %f", iou_t);
    arv_interp_free(it);
    arv_model_close(m);
    arv_npy_free(&in);

    /* full is the bilinear (pixel-centre) upsampling of small */
    for (int y = 0; y < full.h; y += 37)
        for (int x = 0; x < full.w; x += 29) {
            double u = (x + 0.5) * small.w / full.w - 0.5, v = (y + 0.5) * small.h / full.h - 0.5;
            int x0 = (int)floor(u), y0 = (int)floor(v);
            double fx = u - x0, fy = v - y0;
            int xa = x0 < 0 ? 0 : x0, xb = x0 + 1 >= small.w ? small.w - 1 : x0 + 1;
            int ya = y0 < 0 ? 0 : y0, yb = y0 + 1 >= small.h ? small.h - 1 : y0 + 1;
            double want = (1 - fy) * ((1 - fx) * small.data[ya * small.w + xa] + fx * small.data[ya * small.w + xb]) +
                          fy * ((1 - fx) * small.data[yb * small.w + xa] + fx * small.data[yb * small.w + xb]);
            ck_assert_double_eq_tol(full.data[(size_t)y * full.w + x], want, 1e-5);
        }
    arv_fimage_free(&small);
    arv_fimage_free(&full);
    arv_segmenter_free(s);
    arv_npy_free(&ref);
    arv_image_free(&im);
}
END_TEST

START_TEST(model_choice)
{
    ck_assert_int_eq(arv_seg_model_for(400, 600), ARV_SEG_GENERAL);
    ck_assert_int_eq(arv_seg_model_for(256, 256), ARV_SEG_GENERAL);
    ck_assert_int_eq(arv_seg_model_for(800, 600), ARV_SEG_GENERAL);    /* 4:3 */
    ck_assert_int_eq(arv_seg_model_for(500, 338), ARV_SEG_GENERAL);    /* 3:2 */
    ck_assert_int_eq(arv_seg_model_for(1599, 1000), ARV_SEG_GENERAL);
    ck_assert_int_eq(arv_seg_model_for(1600, 1000), ARV_SEG_LANDSCAPE); /* 16:10 */
    ck_assert_int_eq(arv_seg_model_for(1280, 720), ARV_SEG_LANDSCAPE);
    char err[256];
    arv_segmenter *s;
    arv_segmenter_opts o = {.model = ARV_SEG_AUTO, .threads = 1};
    ck_assert_msg(arv_segmenter_new(&o, &s, err) == 0, "%s", err);
    ck_assert_int_eq(arv_segmenter_pick(s, 1920, 1080), ARV_SEG_LANDSCAPE);
    arv_segmenter_free(s);
    o.model = ARV_SEG_GENERAL;
    ck_assert_msg(arv_segmenter_new(&o, &s, err) == 0, "%s", err);
    ck_assert_int_eq(arv_segmenter_pick(s, 1920, 1080), ARV_SEG_GENERAL);
    /* a 1280x720 frame through the general model: mask at frame size */
    arv_image im;
    ck_assert_int_eq(arv_image_alloc(&im, 160, 90, 3), 0);
    arv_fimage small = {0}, full = {0};
    ck_assert_msg(arv_segmenter_run(s, &im, ARV_SEG_AUTO, &small, &full, err) == 0, "%s", err);
    ck_assert(small.w == 256 && small.h == 256 && full.w == 160 && full.h == 90);
    for (size_t i = 0; i < 160 * 90; i++)
        ck_assert(full.data[i] >= 0 && full.data[i] <= 1);
    /* the landscape model on demand, the buffers reshaped */
    ck_assert_msg(arv_segmenter_run(s, &im, ARV_SEG_LANDSCAPE, &small, &full, err) == 0, "%s", err);
    ck_assert(small.w == 256 && small.h == 144);
    arv_fimage_free(&small);
    arv_fimage_free(&full);
    arv_image_free(&im);
    arv_segmenter_free(s);
    /* a missing model is one clear error */
    o.general_path = "/nonexistent/model.tflite";
    ck_assert_int_eq(arv_segmenter_new(&o, &s, err), -1);
    ck_assert_ptr_null(s);
    ck_assert_msg(strstr(err, "/nonexistent/model.tflite") != NULL, "%s", err);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("segment_pipeline");
    TCase *tc = tcase_create("pipeline");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, preprocess_matches_golden, 0, 2);
    tcase_add_loop_test(tc, mask_matches_tflite, 0, 2);
    tcase_add_test(tc, model_choice);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
