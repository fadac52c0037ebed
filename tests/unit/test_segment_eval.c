/* test_segment_eval.c — IoU, dataset mIoU and flicker against counts done
 * by hand / naively; ground-truth value parsing; and, on the two labelme
 * photos with person masks (testdata/seg/), the IoU our pipeline reaches
 * against their coarse PASCAL-VOC polygons (person = #c08080, void #e0e0c0
 * ignored). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "media/image_io.h"
#include "support/ktest.h"
#include "tasks/segment.h"
#include "support/testutil.h"

START_TEST(parse_values)
{
    arv_gt_value v;
    ck_assert_int_eq(arv_gt_value_parse("nonzero", &v), 0);
    ck_assert_int_eq(v.kind, ARV_GT_NONZERO);
    ck_assert_int_eq(arv_gt_value_parse("none", &v), 0);
    ck_assert_int_eq(v.kind, ARV_GT_NONE);
    ck_assert_int_eq(arv_gt_value_parse("255", &v), 0);
    ck_assert(v.kind == ARV_GT_GRAY && v.rgb[0] == 255 && v.rgb[2] == 255);
    ck_assert_int_eq(arv_gt_value_parse("#C08080", &v), 0);
    ck_assert(v.kind == ARV_GT_RGB && v.rgb[0] == 192 && v.rgb[1] == 128 && v.rgb[2] == 128);
    const char *bad[] = {"", "256", "-1", "#12345", "#12345g", "12x", "person"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_int_eq(arv_gt_value_parse(bad[i], &v), -1);
}
END_TEST

START_TEST(counts_vs_naive)
{
    kt_rng r;
    kt_seed(&r, 51);
    for (int it = 0; it < 20; it++) {
        int w = kt_int(&r, 1, 40), h = kt_int(&r, 1, 40), c = kt_pick(&r, (int[]){1, 3, 4}, 3);
        arv_fimage m;
        arv_image gt;
        ck_assert_int_eq(arv_fimage_alloc(&m, w, h, 1), 0);
        ck_assert_int_eq(arv_image_alloc(&gt, w, h, c), 0);
        kt_fill(&r, m.data, (size_t)w * h, 0, 1);
        const uint8_t pal[4][3] = {{0, 0, 0}, {192, 128, 128}, {224, 224, 192}, {7, 7, 7}};
        for (int i = 0; i < w * h; i++) {
            int k = kt_int(&r, 0, 3);
            for (int ch = 0; ch < c; ch++)
                gt.data[i * c + ch] = c == 1 ? pal[k][0] : ch < 3 ? pal[k][ch] : 255;
        }
        arv_gt_spec spec;
        int mode = it % 3;
        if (mode == 0) {   /* non-zero foreground, nothing ignored */
            arv_gt_value_parse("nonzero", &spec.fg);
            arv_gt_value_parse("none", &spec.ignore);
        } else if (mode == 1) {
            arv_gt_value_parse(c == 1 ? "192" : "#c08080", &spec.fg);
            arv_gt_value_parse(c == 1 ? "224" : "#e0e0c0", &spec.ignore);
        } else {
            arv_gt_value_parse("7", &spec.fg);
            arv_gt_value_parse("none", &spec.ignore);
        }
        float thr = kt_uniform(&r, 0.2f, 0.8f);
        arv_seg_counts got;
        char err[256];
        ck_assert_int_eq(arv_seg_compare(&m, thr, &gt, &spec, &got, err), 0);
        uint64_t tp = 0, fp = 0, fn = 0, tn = 0, ig = 0;
        for (int i = 0; i < w * h; i++) {
            const uint8_t *p = gt.data + (size_t)i * c;
            uint8_t R = p[0], G = c > 1 ? p[1] : p[0], B = c > 1 ? p[2] : p[0];
            int isfg, isig;
            if (mode == 0)
                isfg = R || G || B, isig = 0;
            else if (mode == 1)
                isfg = R == 192 && G == (c == 1 ? 192 : 128) && B == (c == 1 ? 192 : 128),
                isig = R == 224 && G == 224 && B == (c == 1 ? 224 : 192);
            else
                isfg = R == 7 && G == 7 && B == 7, isig = 0;
            if (isig) {
                ig++;
                continue;
            }
            int pr = m.data[i] > thr;
            tp += pr && isfg, fp += pr && !isfg, fn += !pr && isfg, tn += !pr && !isfg;
        }
        ck_assert(got.tp == tp && got.fp == fp && got.fn == fn && got.tn == tn && got.ignored == ig);
        arv_fimage_free(&m);
        arv_image_free(&gt);
    }
}
END_TEST

START_TEST(iou_miou_by_hand)
{
    arv_seg_counts a = {.tp = 6, .fp = 2, .fn = 2, .tn = 10}, b = {.tp = 0, .fp = 0, .fn = 0, .tn = 5};
    ck_assert_double_eq_tol(arv_seg_iou(&a), 0.6, 1e-12);
    ck_assert_double_eq_tol(arv_seg_iou_bg(&a), 10.0 / 14, 1e-12);
    ck_assert(isnan(arv_seg_iou(&b)));           /* no person anywhere: undefined */
    ck_assert_double_eq(arv_seg_miou(&b), 1.0);  /* nanmean leaves the class out */
    arv_seg_counts t = {0};
    arv_seg_counts_add(&t, &a);
    arv_seg_counts_add(&t, &b);
    /* dataset: person 6/10, background 15/19 */
    ck_assert_double_eq_tol(arv_seg_miou(&t), (0.6 + 15.0 / 19) / 2, 1e-12);
}
END_TEST

START_TEST(compare_resamples_and_rejects)
{
    arv_fimage m;
    arv_image gt;
    char err[256];
    arv_seg_counts c;
    ck_assert_int_eq(arv_fimage_alloc(&m, 4, 2, 1), 0);
    ck_assert_int_eq(arv_image_alloc(&gt, 8, 4, 1), 0);
    for (int x = 0; x < 4; x++)
        m.data[x] = m.data[4 + x] = x < 2 ? 0.0f : 1.0f;
    for (int y = 0; y < 4; y++)
        for (int x = 4; x < 8; x++)
            arv_image_row(&gt, y)[x] = 255;
    ck_assert_int_eq(arv_seg_compare(&m, 0.5f, &gt, NULL, &c, err), 0);
    ck_assert_double_eq(arv_seg_iou(&c), 1.0);
    arv_image_free(&gt);
    ck_assert_int_eq(arv_image_alloc(&gt, 8, 8, 1), 0);
    ck_assert_int_eq(arv_seg_compare(&m, 0.5f, &gt, NULL, &c, err), -1);
    ck_assert_msg(strstr(err, "8x8") != NULL, "%s", err);
    arv_image_free(&gt);
    arv_fimage_free(&m);
}
END_TEST

START_TEST(flicker)
{
    arv_seg_flicker f = {0};
    arv_fimage a;
    ck_assert_int_eq(arv_fimage_alloc(&a, 2, 2, 1), 0);
    ck_assert(isnan(arv_seg_flicker_value(&f)));
    ck_assert_int_eq(arv_seg_flicker_add(&f, &a), 0);   /* zeros */
    a.data[0] = 1.0f;                                    /* 1 of 4 pixels flips */
    ck_assert_int_eq(arv_seg_flicker_add(&f, &a), 0);
    ck_assert_double_eq_tol(arv_seg_flicker_value(&f), 0.25, 1e-12);
    a.data[1] = 0.5f;                                    /* mean |d| = 0.125 */
    ck_assert_int_eq(arv_seg_flicker_add(&f, &a), 0);
    ck_assert_double_eq_tol(arv_seg_flicker_value(&f), (0.25 + 0.125) / 2, 1e-12);
    arv_fimage_free(&a);
    arv_seg_flicker_free(&f);
}
END_TEST

/* The two labelme images: report the IoU. The masks are coarse demo
 * polygons (the media README suggests expecting 0.6-0.7); we measure 0.856
 * and 0.788 (general model, picked by AUTO for both). */
START_TEST(labelme_iou)
{
    const char *names[] = {"labelme_2011_000003", "labelme_2011_000006"};
    const double floor_iou[] = {0.83, 0.75};   /* a little under what we measure */
    char err[256], path[1024];
    arv_segmenter *s;
    arv_segmenter_opts o = {.model = ARV_SEG_AUTO};
    ck_assert_msg(arv_segmenter_new(&o, &s, err) == 0, "%s", err);
    arv_gt_spec spec;
    ck_assert_int_eq(arv_gt_value_parse("#c08080", &spec.fg), 0);    /* VOC person, class 15 */
    ck_assert_int_eq(arv_gt_value_parse("#e0e0c0", &spec.ignore), 0); /* VOC void, 255 */
    arv_seg_counts total = {0};
    for (int i = 0; i < 2; i++) {
        arv_image im, gt;
        snprintf(path, sizeof path, "%s/testdata/seg/%s.jpg", tu_srcdir(), names[i]);
        ck_assert_msg(arv_image_load(path, NULL, &im, err) == 0, "%s", err);
        snprintf(path, sizeof path, "%s/testdata/seg/%s_class.png", tu_srcdir(), names[i]);
        ck_assert_msg(arv_image_load(path, NULL, &gt, err) == 0, "%s", err);
        arv_fimage small = {0}, full = {0};
        ck_assert_msg(arv_segmenter_run(s, &im, ARV_SEG_AUTO, &small, &full, err) == 0, "%s", err);
        arv_seg_counts c;
        ck_assert_msg(arv_seg_compare(&full, 0.5f, &gt, &spec, &c, err) == 0, "%s", err);
        arv_seg_counts_add(&total, &c);
        printf("%s (%dx%d, %s model): person IoU %.4f (tp %llu fp %llu fn %llu, %llu void "
               "pixels ignored)\n", names[i], im.w, im.h,
               arv_seg_model_name(arv_segmenter_pick(s, im.w, im.h)), arv_seg_iou(&c),
               (unsigned long long)c.tp, (unsigned long long)c.fp, (unsigned long long)c.fn,
               (unsigned long long)c.ignored);
        ck_assert_msg(arv_seg_iou(&c) >= floor_iou[i], "%s IoU %f", names[i], arv_seg_iou(&c));
        arv_fimage_free(&small);
        arv_fimage_free(&full);
        arv_image_free(&im);
        arv_image_free(&gt);
    }
    printf("labelme: dataset person IoU %.4f, background IoU %.4f, mIoU %.4f\n",
           arv_seg_iou(&total), arv_seg_iou_bg(&total), arv_seg_miou(&total));
    arv_segmenter_free(s);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("segment_eval");
    TCase *tc = tcase_create("eval");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, parse_values);
    tcase_add_test(tc, counts_vs_naive);
    tcase_add_test(tc, iou_miou_by_hand);
    tcase_add_test(tc, compare_resamples_and_rejects);
    tcase_add_test(tc, flicker);
    tcase_add_test(tc, labelme_iou);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
