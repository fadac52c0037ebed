/* pose.c — the MediaPipe Pose pipeline (see pose.h for the graphs). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "arv.h"
#include "image/resize.h"
#include "image/warp.h"
#include "tasks/pose.h"
#include "track/one_euro.h"
#include "util/model_path.h"

#define DET_IN 224
#define N_ANCHORS 2254
#define DET_CAP 64
#define HALF_PI 1.57079632679489661923f

const char *const arv_pose_landmark_names[ARV_POSE_N] = {
    "nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner", "right_eye",
    "right_eye_outer", "left_ear", "right_ear", "mouth_left", "mouth_right", "left_shoulder",
    "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_pinky",
    "right_pinky", "left_index", "right_index", "left_thumb", "right_thumb", "left_hip",
    "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle", "left_heel",
    "right_heel", "left_foot_index", "right_foot_index"};

const int arv_pose_coco17[17] = {0, 2, 5, 7, 8, 11, 12, 13, 14, 15, 16, 23, 24, 25, 26, 27, 28};

static const char *const landmark_model[3] = {"pose_landmark_lite", "pose_landmark_full",
                                              "pose_landmark_heavy"};

struct arv_pose {
    arv_pose_opts o;
    arv_model *dm, *lm;
    arv_interp *di, *li;
    arv_anchor anchors[N_ANCHORS];
    /* tracking */
    int tracking;
    arv_pose_person prev;
    int next_id;
    /* smoothing (pose_landmark_filtering.pbtxt) */
    int filt_on;
    arv_one_euro f_lm[ARV_POSE_N][3], f_aux[2][2], f_world[ARV_POSE_N][3];
    arv_lowpass f_vis[ARV_POSE_N];
};

static int open_one(const char *arg, int threads, const char *isa, arv_model **m, arv_interp **it,
                    char *err)
{
    char path[4096], e[ARV_ERR_LEN];
    if (arv_find_model(arg, path, sizeof path) != 0) {
        snprintf(err, 256, "%.200s: model not found (run 'make models' or set ARV_MODELS)", arg);
        return -1;
    }
    if (arv_model_open(path, NULL, m, e) != ARV_OK) {
        snprintf(err, 256, "%.100s: %.150s", path, e);
        return -1;
    }
    arv_options io = {.num_threads = threads, .isa = isa};
    if (arv_interp_new(*m, &io, it, e) != ARV_OK) {
        snprintf(err, 256, "%.100s: %.150s", path, e);
        return -1;
    }
    return 0;
}

static int has_shape(const arv_tensor *t, int ndim, const int *dims)
{
    if (!t || t->type != ARV_FLOAT32 || t->ndim != ndim)
        return 0;
    for (int i = 0; i < ndim; i++)
        if (t->dims[i] != dims[i])
            return 0;
    return 1;
}

int arv_pose_new(const arv_pose_opts *o, arv_pose **out, char *err)
{
    *out = NULL;
    arv_pose *p = calloc(1, sizeof *p);
    if (!p) {
        snprintf(err, 256, "out of memory");
        return -1;
    }
    arv_pose_opts def = ARV_POSE_OPTS_DEFAULT;
    p->o = o ? *o : def;
    if (p->o.complexity < 0 || p->o.complexity > 2) {
        snprintf(err, 256, "model complexity must be 0, 1 or 2");
        free(p);
        return -1;
    }
    const char *dpath = p->o.detector_path ? p->o.detector_path : "pose_detection";
    const char *lpath = p->o.landmark_path ? p->o.landmark_path : landmark_model[p->o.complexity];
    if (open_one(dpath, p->o.threads, p->o.isa, &p->dm, &p->di, err) != 0 ||
        open_one(lpath, p->o.threads, p->o.isa, &p->lm, &p->li, err) != 0) {
        arv_pose_free(p);
        return -1;
    }
    static const int din[4] = {1, DET_IN, DET_IN, 3}, dbox[3] = {1, N_ANCHORS, 12},
                     dsc[3] = {1, N_ANCHORS, 1};
    static const int lin[4] = {1, ARV_POSE_IN, ARV_POSE_IN, 3}, l0[2] = {1, 195}, l1[2] = {1, 1},
                     l3[4] = {1, 64, 64, ARV_POSE_N_ALL}, l4[2] = {1, 117};
    if (!has_shape(arv_interp_input(p->di, 0), 4, din) || arv_interp_num_outputs(p->di) < 2 ||
        !has_shape(arv_interp_output(p->di, 0), 3, dbox) ||
        !has_shape(arv_interp_output(p->di, 1), 3, dsc)) {
        snprintf(err, 256, "%.100s: not the pose detector (want input [1,224,224,3], "
                           "outputs [1,2254,12] and [1,2254,1])", dpath);
        arv_pose_free(p);
        return -1;
    }
    if (!has_shape(arv_interp_input(p->li, 0), 4, lin) || arv_interp_num_outputs(p->li) < 5 ||
        !has_shape(arv_interp_output(p->li, 0), 2, l0) ||
        !has_shape(arv_interp_output(p->li, 1), 2, l1) ||
        !has_shape(arv_interp_output(p->li, 3), 4, l3) ||
        !has_shape(arv_interp_output(p->li, 4), 2, l4)) {
        snprintf(err, 256, "%.100s: not a pose landmark model (want input [1,256,256,3], "
                           "outputs [1,195], [1,1], mask, [1,64,64,39], [1,117])", lpath);
        arv_pose_free(p);
        return -1;
    }
    if (arv_ssd_anchors(&arv_pose_anchor_opts, p->anchors, N_ANCHORS) != N_ANCHORS) {
        snprintf(err, 256, "anchor generation failed");
        arv_pose_free(p);
        return -1;
    }
    *out = p;
    return 0;
}

void arv_pose_free(arv_pose *p)
{
    if (!p)
        return;
    arv_interp_free(p->di);
    arv_interp_free(p->li);
    arv_model_close(p->dm);
    arv_model_close(p->lm);
    free(p);
}

void arv_pose_reset(arv_pose *p)
{
    p->tracking = 0;
    p->filt_on = 0;
}

/* Smooth a person in place (see pose.h). Filters are (re)made on the first
 * frame of a track. */
static void smooth(arv_pose *p, int64_t t_us, int img_w, int img_h, arv_pose_person *pp)
{
    if (!p->filt_on) {
        for (int i = 0; i < ARV_POSE_N; i++)
            for (int k = 0; k < 3; k++) {
                /* landmarks: min_cutoff 0.05, beta 80, derivate_cutoff 1 */
                p->f_lm[i][k] = arv_one_euro_make(30.0f, 0.05f, 80.0f, 1.0f);
                /* world landmarks: min_cutoff 0.1, beta 40, no value scaling */
                p->f_world[i][k] = arv_one_euro_make(30.0f, 0.1f, 40.0f, 1.0f);
            }
        for (int i = 0; i < 2; i++)
            for (int k = 0; k < 2; k++)   /* auxiliary: min_cutoff 0.01, beta 10 */
                p->f_aux[i][k] = arv_one_euro_make(30.0f, 0.01f, 10.0f, 1.0f);
        memset(p->f_vis, 0, sizeof p->f_vis);
        p->filt_on = 1;
    }
    /* value scale: 1 / object size, the ROI's mean side in pixels (MediaPipe
     * converts landmarks to pixels and scales by the object's size) */
    float osz = 0.5f * (pp->roi.w + pp->roi.h);
    float vs = osz > 1e-3f ? 1.0f / osz : 1.0f;
    float minx = INFINITY, miny = INFINITY, maxx = -INFINITY, maxy = -INFINITY;
    for (int i = 0; i < ARV_POSE_N; i++) {
        arv_pose_landmark *L = &pp->lm[i];
        L->x = arv_one_euro_apply(&p->f_lm[i][0], t_us, vs, L->x);
        L->y = arv_one_euro_apply(&p->f_lm[i][1], t_us, vs, L->y);
        L->z = arv_one_euro_apply(&p->f_lm[i][2], t_us, vs, L->z);
        L->nx = L->x / img_w;
        L->ny = L->y / img_h;
        L->nz = L->z / img_w;
        /* VisibilitySmoothingCalculator low_pass_filter alpha 0.1 */
        L->visibility = arv_lowpass_apply(&p->f_vis[i], L->visibility, 0.1f);
        for (int k = 0; k < 3; k++)
            pp->world[i][k] = arv_one_euro_apply(&p->f_world[i][k], t_us, 1.0f, pp->world[i][k]);
        minx = fminf(minx, L->x);
        maxx = fmaxf(maxx, L->x);
        miny = fminf(miny, L->y);
        maxy = fmaxf(maxy, L->y);
    }
    for (int i = 0; i < 2; i++)
        for (int k = 0; k < 2; k++)
            pp->aux[i][k] = arv_one_euro_apply(&p->f_aux[i][k], t_us, vs, pp->aux[i][k]);
    pp->box[0] = minx;
    pp->box[1] = miny;
    pp->box[2] = maxx - minx;
    pp->box[3] = maxy - miny;
}

int arv_pose_detect(arv_pose *p, const arv_image *rgb, arv_detection *out, int cap, char *err)
{
    if (!rgb || !rgb->data || rgb->c != 3 || rgb->w < 1 || rgb->h < 1) {
        snprintf(err, 256, "pose: need an RGB frame");
        return -1;
    }
    /* pose_detection_cpu.pbtxt ImageToTensorCalculator: 224x224,
     * keep_aspect_ratio true (letterbox), output_tensor_float_range -1..1,
     * border zero (padding = -1 after the range map). */
    arv_tensor *in = arv_interp_input(p->di, 0);
    if (arv_resize_to_tensor(rgb, DET_IN, DET_IN, ARV_FIT_LETTERBOX, -1.0f, 1.0f, in->data, NULL) != 0) {
        snprintf(err, 256, "pose: preprocessing failed (out of memory)");
        return -1;
    }
    if (arv_interp_invoke(p->di) != ARV_OK) {
        snprintf(err, 256, "pose: %.200s", arv_interp_error(p->di));
        return -1;
    }
    arv_detection d[DET_CAP];
    arv_ssd_decode_opts dopt = arv_pose_decode_opts;
    dopt.min_score = p->o.min_detection_confidence;
    int n = arv_ssd_decode(&dopt, p->anchors, N_ANCHORS, arv_interp_output(p->di, 0)->data,
                           arv_interp_output(p->di, 1)->data, d, DET_CAP);
    /* NonMaxSuppressionCalculator: min_suppression_threshold 0.3, IoU,
     * WEIGHTED (pose_detection_cpu.pbtxt). */
    n = arv_nms_weighted(d, n, 0.3f, 0);
    arv_letterbox lb = arv_letterbox_for(rgb->w, rgb->h, DET_IN, DET_IN);
    int m = n < cap ? n : cap;
    for (int i = 0; i < m; i++) {
        arv_detection_unletterbox(&d[i], &lb);
        out[i] = d[i];
    }
    return m;
}

arv_roi arv_pose_roi_from_detection(const arv_detection *d, int w, int h)
{
    /* pose_detection_to_roi.pbtxt: AlignmentPointsRectsCalculator
     * rotation_vector_start_keypoint_index 0, end 1, target angle 90;
     * RectTransformationCalculator scale_x/y 1.25, square_long true. */
    arv_roi r = arv_roi_from_points(d->kp[0][0] * w, d->kp[0][1] * h, d->kp[1][0] * w,
                                    d->kp[1][1] * h, HALF_PI);
    return arv_roi_transform(r, 1.25f, 1.25f, 1);
}

arv_roi arv_pose_roi_from_person(const arv_pose_person *pp)
{
    /* pose_landmarks_to_roi.pbtxt: landmarks 33 -> 34, target angle 90,
     * scale 1.25, square_long. */
    arv_roi r = arv_roi_from_points(pp->aux[0][0], pp->aux[0][1], pp->aux[1][0], pp->aux[1][1],
                                    HALF_PI);
    return arv_roi_transform(r, 1.25f, 1.25f, 1);
}

static float sigmoidf(float x)
{
    return 1.0f / (1.0f + expf(-x));
}

void arv_pose_decode(const float *lm, const float *heatmap, int hm_w, int hm_h, const float *world,
                     const arv_roi *roi, int img_w, int img_h, arv_pose_person *out)
{
    float nx[ARV_POSE_N + 2], ny[ARV_POSE_N + 2];
    for (int i = 0; i < ARV_POSE_N + 2; i++) {
        /* TensorsToLandmarksCalculator: input_image_width/height 256 */
        nx[i] = lm[i * 5 + 0] / ARV_POSE_IN;
        ny[i] = lm[i * 5 + 1] / ARV_POSE_IN;
    }
    if (heatmap) {
        /* RefineLandmarksFromHeatmapCalculator (kernel_size 7,
         * min_confidence_to_refine 0.5), body landmarks only. */
        const int off = 3;
        for (int i = 0; i < ARV_POSE_N; i++) {
            if (!(nx[i] >= 0 && nx[i] < 1 && ny[i] >= 0 && ny[i] < 1))
                continue;   /* outside the heatmap (also NaN): keep as is */
            int cc = (int)(nx[i] * hm_w), cr = (int)(ny[i] * hm_h);
            int c0 = cc - off > 0 ? cc - off : 0, c1 = cc + off + 1 < hm_w ? cc + off + 1 : hm_w;
            int r0 = cr - off > 0 ? cr - off : 0, r1 = cr + off + 1 < hm_h ? cr + off + 1 : hm_h;
            double sum = 0, wc = 0, wr = 0, maxc = 0;
            for (int r = r0; r < r1; r++)
                for (int c = c0; c < c1; c++) {
                    double conf = sigmoidf(heatmap[((size_t)r * hm_w + c) * ARV_POSE_N_ALL + i]);
                    sum += conf;
                    if (conf > maxc)
                        maxc = conf;
                    wc += c * conf;
                    wr += r * conf;
                }
            if (maxc >= 0.5 && sum > 0) {
                nx[i] = (float)(wc / hm_w / sum);
                ny[i] = (float)(wr / hm_h / sum);
            }
        }
    }
    float minx = INFINITY, miny = INFINITY, maxx = -INFINITY, maxy = -INFINITY;
    for (int i = 0; i < ARV_POSE_N; i++) {
        arv_pose_landmark *L = &out->lm[i];
        arv_roi_project(roi, nx[i], ny[i], &L->x, &L->y);
        L->z = lm[i * 5 + 2] / ARV_POSE_IN * roi->w;
        L->nx = L->x / img_w;
        L->ny = L->y / img_h;
        L->nz = L->z / img_w;
        L->visibility = sigmoidf(lm[i * 5 + 3]);
        L->presence = sigmoidf(lm[i * 5 + 4]);
        minx = fminf(minx, L->x);
        maxx = fmaxf(maxx, L->x);
        miny = fminf(miny, L->y);
        maxy = fmaxf(maxy, L->y);
    }
    for (int k = 0; k < 2; k++)
        arv_roi_project(roi, nx[ARV_POSE_N + k], ny[ARV_POSE_N + k], &out->aux[k][0], &out->aux[k][1]);
    out->box[0] = minx;
    out->box[1] = miny;
    out->box[2] = maxx - minx;
    out->box[3] = maxy - miny;
    out->roi = *roi;
    if (world) {
        /* WorldLandmarkProjectionCalculator: rotate x, y by the ROI rotation */
        float c = cosf(roi->rotation), s = sinf(roi->rotation);
        for (int i = 0; i < ARV_POSE_N; i++) {
            float x = world[i * 3], y = world[i * 3 + 1];
            out->world[i][0] = c * x - s * y;
            out->world[i][1] = s * x + c * y;
            out->world[i][2] = world[i * 3 + 2];
        }
    } else {
        memset(out->world, 0, sizeof out->world);
    }
}

int arv_pose_landmarks(arv_pose *p, const arv_image *rgb, const arv_roi *roi,
                       arv_pose_person *out, char *err)
{
    double m[6];
    arv_roi_to_matrix(roi, ARV_POSE_IN, ARV_POSE_IN, m);
    /* pose_landmark_by_roi ImageToTensorCalculator: 256x256,
     * output_tensor_float_range 0..1. Border: we replicate the edge (GL
     * CLAMP_TO_EDGE, the GPU path MediaPipe's web solution runs) rather than
     * zero: against MediaPipe's web results (test_pose_mediapipe.c) the mean
     * error on kpa_anne_helene.jpg drops from 1.0% to 0.54% of the person
     * box, and no image gets worse by more than 0.2 points. */
    arv_tensor *in = arv_interp_input(p->li, 0);
    if (arv_warp_affine_to_tensor(rgb, m, ARV_POSE_IN, ARV_POSE_IN, ARV_BORDER_REPLICATE, 0.0f,
                                  1.0f, in->data) != 0) {
        snprintf(err, 256, "pose: need an RGB frame");
        return -1;
    }
    if (arv_interp_invoke(p->li) != ARV_OK) {
        snprintf(err, 256, "pose: %.200s", arv_interp_error(p->li));
        return -1;
    }
    const float *flag = arv_interp_output(p->li, 1)->data;
    memset(out, 0, sizeof *out);
    out->score = flag[0];
    arv_pose_decode(arv_interp_output(p->li, 0)->data, arv_interp_output(p->li, 3)->data, 64, 64,
                    arv_interp_output(p->li, 4)->data, roi, rgb->w, rgb->h, out);
    return 0;
}

int arv_pose_process(arv_pose *p, const arv_image *rgb, int64_t t_us, arv_pose_result *res,
                     char *err)
{
    memset(res, 0, sizeof *res);
    int do_smooth = !p->o.static_image_mode && !p->o.no_smooth && t_us != INT64_MIN;
    arv_pose_person pp;
    if (!p->o.static_image_mode && p->tracking) {
        arv_roi r = arv_pose_roi_from_person(&p->prev);
        if (arv_pose_landmarks(p, rgb, &r, &pp, err) != 0)
            return -1;
        if (pp.score >= p->o.min_tracking_confidence) {
            pp.track_id = p->prev.track_id;
            if (do_smooth)
                smooth(p, t_us, rgb->w, rgb->h, &pp);
            p->prev = pp;
            res->n = 1;
            res->person[0] = pp;
            return 0;
        }
        p->tracking = 0;
        p->filt_on = 0;
    }
    arv_detection d[1];
    int n = arv_pose_detect(p, rgb, d, 1, err);
    if (n < 0)
        return -1;
    res->detected = 1;
    if (n == 0)
        return 0;
    arv_roi r = arv_pose_roi_from_detection(&d[0], rgb->w, rgb->h);
    if (arv_pose_landmarks(p, rgb, &r, &pp, err) != 0)
        return -1;
    pp.det_score = d[0].score;
    /* pose_landmark_by_roi_cpu.pbtxt: ThresholdingCalculator, threshold 0.5
     * on the pose flag: below it there is no pose. */
    if (pp.score < 0.5f)
        return 0;
    pp.track_id = p->next_id++;
    p->filt_on = 0;   /* a new track: fresh filters */
    if (do_smooth)
        smooth(p, t_us, rgb->w, rgb->h, &pp);
    res->n = 1;
    res->person[0] = pp;
    if (!p->o.static_image_mode) {
        p->prev = pp;
        p->tracking = 1;
    }
    return 0;
}
