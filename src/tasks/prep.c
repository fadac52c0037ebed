/* prep.c — model inputs as MediaPipe's graphs prepare them (see prep.h for
 * the values and where they come from). */
#include <math.h>
#include <stdlib.h>
#include "image/resize.h"
#include "image/warp.h"
#include "tasks/prep.h"

#define HALF_PI 1.57079632679489661923f

const arv_ssd_anchor_opts arv_palm_anchor_opts = {
    .num_layers = 4, .min_scale = 0.1484375f, .max_scale = 0.75f,
    .input_w = ARV_PALM_IN, .input_h = ARV_PALM_IN, .offset_x = 0.5f, .offset_y = 0.5f,
    .strides = {8, 16, 16, 16}, .fixed_anchor_size = 1, .num_aspect_ratios = 1,
};

const arv_ssd_decode_opts arv_palm_decode_opts = {
    .num_coords = 18, .num_keypoints = 7,
    .x_scale = 192.0f, .y_scale = 192.0f, .w_scale = 192.0f, .h_scale = 192.0f,
    .score_clip = 100.0f, .min_score = 0.5f,
};

static int ok_image(const arv_image *rgb)
{
    return rgb && rgb->data && rgb->c == 3 && rgb->w > 0 && rgb->h > 0;
}

int arv_palm_preprocess(const arv_image *rgb, float *dst)
{
    if (!ok_image(rgb))
        return -1;
    return arv_resize_to_tensor(rgb, ARV_PALM_IN, ARV_PALM_IN, ARV_FIT_LETTERBOX, 0.0f, 1.0f, dst,
                                NULL);
}

int arv_ssd_preprocess(const arv_image *rgb, float *dst)
{
    if (!ok_image(rgb))
        return -1;
    return arv_resize_to_tensor(rgb, ARV_SSD_IN, ARV_SSD_IN, ARV_FIT_STRETCH, -1.0f, 1.0f, dst,
                                NULL);
}

/* pose_detection_gpu.pbtxt's ImageToTensorCalculator on the GPU path (the
 * one MediaPipe's web Pose solution runs): the whole image letterboxed into
 * 224 x 224 (keep_aspect_ratio), BORDER_ZERO, range -1..1, sampled straight
 * into floats (image/warp.h). */
int arv_pose_detector_preprocess(const arv_image *rgb, float *dst)
{
    if (!ok_image(rgb))
        return -1;
    const int n = ARV_POSE_DET_IN;
    const double s = fmin((double)n / rgb->w, (double)n / rgb->h);
    const double ox = (n - rgb->w * s) / 2, oy = (n - rgb->h * s) / 2;
    /* tensor pixel centre u + 0.5 -> image position, pixel centres at i */
    const double m[6] = {1 / s, 0, (0.5 - ox) / s - 0.5, 0, 1 / s, (0.5 - oy) / s - 0.5};
    return arv_warp_affine_to_tensor_gl(rgb, m, n, n, ARV_BORDER_ZERO, -1.0f, 1.0f, dst, NULL);
}

/* pose_landmark_by_roi / hand_landmark ImageToTensorCalculator: the ROI
 * warped to n x n, output_tensor_float_range 0..1, the default border
 * (replicate: GL CLAMP_TO_EDGE, OpenCV BORDER_REPLICATE). gl: sampled as the
 * GPU path does (pose: MediaPipe's web solution), else as the OpenCV path
 * (an 8-bit image in between). */
static int roi_warp(const arv_image *rgb, const arv_roi *roi, int n, float *dst,
                    const arv_par *par, int gl)
{
    if (!ok_image(rgb) || !roi || !(roi->w > 0) || !(roi->h > 0))
        return -1;
    double m[6];
    arv_roi_to_matrix(roi, n, n, m);
    if (gl)
        return arv_warp_affine_to_tensor_gl(rgb, m, n, n, ARV_BORDER_REPLICATE, 0.0f, 1.0f, dst,
                                            par);
    return arv_warp_affine_to_tensor_par(rgb, m, n, n, ARV_BORDER_REPLICATE, 0.0f, 1.0f, dst,
                                         par);
}

int arv_pose_landmark_preprocess(const arv_image *rgb, const arv_roi *roi, float *dst,
                                 const arv_par *par)
{
    return roi_warp(rgb, roi, ARV_POSE_LM_IN, dst, par, 1);
}

int arv_hand_landmark_preprocess(const arv_image *rgb, const arv_roi *roi, float *dst)
{
    return roi_warp(rgb, roi, ARV_HAND_IN, dst, NULL, 0);
}

arv_roi arv_hand_roi_from_palm(const arv_detection *d, int w, int h)
{
    arv_roi r = arv_roi_from_points(d->kp[0][0] * w, d->kp[0][1] * h, d->kp[2][0] * w,
                                    d->kp[2][1] * h, HALF_PI);
    /* DetectionsToRectsCalculator: the detection's box, rotated so that
     * keypoint 0 -> 2 points up (only the rotation comes from the points). */
    r.w = d->w * w;
    r.h = d->h * h;
    r.cx = (d->xmin + d->w * 0.5f) * w;
    r.cy = (d->ymin + d->h * 0.5f) * h;
    /* RectTransformationCalculator shift_y -0.5 (of the height, along the
     * ROI's own rotated y axis), then square_long and scale 2.6. */
    const float sy = -0.5f * r.h, c = cosf(r.rotation), s = sinf(r.rotation);
    r.cx += -sy * s;
    r.cy += sy * c;
    return arv_roi_transform(r, 2.6f, 2.6f, 1);
}

int arv_palm_detect(arv_interp *it, const arv_anchor *anchors, const arv_image *rgb,
                    arv_detection *out, int cap)
{
    arv_tensor *in = arv_interp_input(it, 0);
    if (!in || arv_tensor_elems(in) != (size_t)ARV_PALM_IN * ARV_PALM_IN * 3 ||
        arv_palm_preprocess(rgb, in->data) != 0 || arv_interp_invoke(it) != ARV_OK ||
        arv_interp_num_outputs(it) < 2)
        return -1;
    const arv_tensor *boxes = arv_interp_output(it, 0), *scores = arv_interp_output(it, 1);
    if (arv_tensor_elems(boxes) != (size_t)ARV_PALM_ANCHORS * 18 ||
        arv_tensor_elems(scores) != ARV_PALM_ANCHORS)
        return -1;
    arv_detection d[64];
    int n = arv_ssd_decode(&arv_palm_decode_opts, anchors, ARV_PALM_ANCHORS, boxes->data,
                           scores->data, d, 64);
    n = arv_nms_weighted(d, n, 0.3f, 0);
    arv_letterbox lb = arv_letterbox_for(rgb->w, rgb->h, ARV_PALM_IN, ARV_PALM_IN);
    int m = n < cap ? n : cap;
    for (int i = 0; i < m; i++) {
        arv_detection_unletterbox(&d[i], &lb);
        out[i] = d[i];
    }
    return m;
}
