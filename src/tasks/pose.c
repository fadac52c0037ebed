/* pose.c — the MediaPipe Pose pipeline (see pose.h for the graphs). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "arv.h"
#include "image/resize.h"
#include "image/warp.h"
#include "tasks/pose.h"
#include "tasks/prep.h"
#include "tasks/segment.h"
#include "track/match.h"
#include "track/one_euro.h"
#include "util/model_path.h"

#define DET_IN ARV_POSE_DET_IN   /* tasks/prep.h: the detector input size */
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

_Static_assert(ARV_POSE_MAX_PEOPLE <= ARV_TRACK_MAX, "one tracker slot per person");

/* One followed person: its last landmarks and its filters. */
typedef struct pose_track {
    arv_pose_person prev;
    /* smoothing (pose_landmark_filtering.pbtxt) */
    int filt_on;
    arv_one_euro f_lm[ARV_POSE_N][3], f_aux[2][2], f_world[ARV_POSE_N][3];
    arv_lowpass f_vis[ARV_POSE_N];
} pose_track;

struct arv_pose {
    arv_pose_opts o;
    arv_model *dm, *lm;
    arv_interp *di, *li;
    arv_anchor anchors[N_ANCHORS];
    /* tracking: n_tracks people followed from their own landmarks */
    int n_tracks;
    pose_track tr[ARV_POSE_MAX_PEOPLE], tmp[ARV_POSE_MAX_PEOPLE];
    arv_kp_tracker ids;
    int since_detect;          /* frames since the detector last ran */
    /* segmentation: the ROI masks of this frame's landmark runs (slots), the
     * image-size mask and whether it holds the previous frame's */
    float *slots;              /* MASK_SLOTS x 256 x 256 */
    int n_slots;
    float *mask;
    int mask_w, mask_h, mask_prev;
};

#define MASK_SLOTS (2 * ARV_POSE_MAX_PEOPLE)
#define MASK_PX (ARV_POSE_IN * ARV_POSE_IN)

static int open_one(const char *arg, int prec, int threads, const char *isa, arv_model **m,
                    arv_interp **it, char *err)
{
    char path[4096], e[ARV_ERR_LEN];
    if (arv_find_model_prec(arg, prec == ARV_PREC_INT8 ? ARV_PREC_INT8 : ARV_PREC_FP32, path,
                            sizeof path) != 0) {
        snprintf(err, 256, "%.150s: %smodel not found (run 'make models' or set ARV_MODELS)", arg,
                 prec == ARV_PREC_INT8 ? "int8 " : "");
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
    if (p->o.max_people < 1)
        p->o.max_people = 1;
    if (p->o.max_people > ARV_POSE_MAX_PEOPLE)
        p->o.max_people = ARV_POSE_MAX_PEOPLE;
    if (p->o.complexity < 0 || p->o.complexity > 2) {
        snprintf(err, 256, "model complexity must be 0, 1 or 2");
        free(p);
        return -1;
    }
    const char *dpath = p->o.detector_path ? p->o.detector_path : "pose_detection";
    const char *lpath = p->o.landmark_path ? p->o.landmark_path : landmark_model[p->o.complexity];
    if (open_one(dpath, p->o.precision, p->o.threads, p->o.isa, &p->dm, &p->di, err) != 0 ||
        open_one(lpath, p->o.precision, p->o.threads, p->o.isa, &p->lm, &p->li, err) != 0) {
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
    static const int l2[4] = {1, ARV_POSE_IN, ARV_POSE_IN, 1};
    if (p->o.segmentation && !has_shape(arv_interp_output(p->li, 2), 4, l2)) {
        snprintf(err, 256, "%.100s: no segmentation output [1,256,256,1]", lpath);
        arv_pose_free(p);
        return -1;
    }
    if (p->o.segmentation && !(p->slots = malloc(sizeof(float) * MASK_SLOTS * MASK_PX))) {
        snprintf(err, 256, "out of memory");
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
    free(p->slots);
    free(p->mask);
    free(p);
}

void arv_pose_reset(arv_pose *p)
{
    p->n_tracks = 0;
    p->since_detect = 0;
    p->mask_prev = 0;
    memset(&p->ids, 0, sizeof p->ids);
}

/* Smooth a person in place (see pose.h). Filters are (re)made on the first
 * frame of a track. */
static void smooth(pose_track *p, int64_t t_us, int img_w, int img_h, arv_pose_person *pp)
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
    if (arv_pose_detector_preprocess(rgb, arv_interp_input(p->di, 0)->data) != 0) {
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
         * min_confidence_to_refine 0.5) on all the landmarks it gets, the
         * two auxiliary ones (the tracking ROI's) included. Its cell is the
         * coordinate truncated toward zero, so a point less than a cell
         * left of or above the heatmap is refined too. */
        const int off = 3;
        for (int i = 0; i < ARV_POSE_N + 2; i++) {
            if (!(nx[i] > -1 && nx[i] < 1 && ny[i] > -1 && ny[i] < 1))
                continue;   /* far outside (also NaN): no int conversion */
            int cc = (int)(nx[i] * hm_w), cr = (int)(ny[i] * hm_h);
            if (cc < 0 || cc >= hm_w || cr < 0 || cr >= hm_h)
                continue;   /* outside the heatmap: kept as is */
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
    /* The warp on the landmark model's threads, which wait for it anyway. */
    const arv_par par = arv_par_of_interp(p->li);
    if (arv_pose_landmark_preprocess(rgb, roi, arv_interp_input(p->li, 0)->data, &par) != 0) {
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

static void kp_person(const arv_pose_person *pp, arv_kp_person *k)
{
    for (int j = 0; j < ARV_TRACK_KP; j++) {
        k->kp[j][0] = pp->lm[arv_pose_coco17[j]].x;
        k->kp[j][1] = pp->lm[arv_pose_coco17[j]].y;
    }
    k->area = pp->box[2] * pp->box[3];
}

/* Drop people that duplicate a stronger one (OKS > 0.5 against it): two
 * tracks that drifted onto one person, or two detections of one. from[]
 * follows the people. Returns the count kept. */
static int dedupe(arv_pose_person *c, int *from, int *slot, int n)
{
    int keep = 0;
    for (int i = 0; i < n; i++) {
        arv_kp_person a, b;
        kp_person(&c[i], &a);
        int dup = 0;
        for (int j = 0; j < n && !dup; j++) {
            if (j == i || c[j].score < c[i].score || (c[j].score == c[i].score && j > i))
                continue;   /* only a stronger one (ties: the earlier) can win */
            kp_person(&c[j], &b);
            dup = arv_kp_oks(&a, &b) > 0.5f;
        }
        if (!dup) {
            c[keep] = c[i];
            slot[keep] = slot[i];
            from[keep++] = from[i];
        }
    }
    return keep;
}

/* Keep the landmark model's segmentation output of the run just made. */
static int keep_slot(arv_pose *p)
{
    if (!p->o.segmentation || p->n_slots >= MASK_SLOTS)
        return -1;
    memcpy(p->slots + (size_t)p->n_slots * MASK_PX, arv_interp_output(p->li, 2)->data,
           sizeof(float) * MASK_PX);
    return p->n_slots++;
}

/* The image-size mask of the people c[0..n) (see arv_pose_mask). */
static int compose_mask(arv_pose *p, int w, int h, const arv_pose_person *c, const int *slot, int n,
                        int smooth_on)
{
    size_t npx = (size_t)w * h;
    if (!p->mask || p->mask_w != w || p->mask_h != h) {
        free(p->mask);
        p->mask = malloc(npx * sizeof *p->mask);
        p->mask_w = w, p->mask_h = h, p->mask_prev = 0;
        if (!p->mask)
            return -1;
    }
    float *prev = NULL;
    if (smooth_on && p->mask_prev && n > 0) {
        prev = malloc(npx * sizeof *prev);
        if (!prev)
            return -1;
        memcpy(prev, p->mask, npx * sizeof *prev);
    }
    memset(p->mask, 0, npx * sizeof *p->mask);
    for (int i = 0; i < n; i++) {
        if (slot[i] < 0)
            continue;
        const float *lg = p->slots + (size_t)slot[i] * MASK_PX;
        double m[6], inv[6];
        arv_roi_to_matrix(&c[i].roi, ARV_POSE_IN, ARV_POSE_IN, m);
        if (arv_affine_invert(m, inv) != 0)
            continue;
        for (int y = 0; y < h; y++) {
            float *row = p->mask + (size_t)y * w;
            for (int x = 0; x < w; x++) {
                /* image pixel -> tensor index space (pixel centres at i) */
                double u = inv[0] * x + inv[1] * y + inv[2], v = inv[3] * x + inv[4] * y + inv[5];
                if (!(u > -1 && u < ARV_POSE_IN && v > -1 && v < ARV_POSE_IN))
                    continue;
                int u0 = (int)floor(u), v0 = (int)floor(v);
                float fu = (float)(u - u0), fv = (float)(v - v0), acc = 0;
                for (int dy = 0; dy < 2; dy++)
                    for (int dx = 0; dx < 2; dx++) {
                        int uu = u0 + dx, vv = v0 + dy;
                        if (uu < 0 || uu >= ARV_POSE_IN || vv < 0 || vv >= ARV_POSE_IN)
                            continue;   /* zero border */
                        float wgt = (dx ? fu : 1 - fu) * (dy ? fv : 1 - fv);
                        acc += wgt * sigmoidf(lg[vv * ARV_POSE_IN + uu]);
                    }
                acc = fminf(acc, 1.0f);   /* rounding of the weights */
                if (acc > row[x])
                    row[x] = acc;
            }
        }
    }
    if (prev) {
        for (size_t k = 0; k < npx; k++)
            p->mask[k] = arv_seg_smooth_px(prev[k], p->mask[k], 0.7f);
        free(prev);
    }
    p->mask_prev = smooth_on && n > 0;
    return 0;
}

const float *arv_pose_mask(const arv_pose *p, int *w, int *h)
{
    *w = p->mask_w;
    *h = p->mask_h;
    return p->o.segmentation ? p->mask : NULL;
}

/* Is person a a duplicate of one of c[0..n) (OKS > 0.5 against it)? */
static int duplicates(const arv_pose_person *a, const arv_pose_person *c, int n)
{
    arv_kp_person x, y;
    kp_person(a, &x);
    for (int j = 0; j < n; j++) {
        kp_person(&c[j], &y);
        if (arv_kp_oks(&x, &y) > 0.5f)
            return 1;
    }
    return 0;
}

int arv_pose_process(arv_pose *p, const arv_image *rgb, int64_t t_us, arv_pose_result *res,
                     char *err)
{
    memset(res, 0, sizeof *res);
    int do_smooth = !p->o.static_image_mode && !p->o.no_smooth && t_us != INT64_MIN;
    int N = p->o.max_people;
    arv_pose_person *cand = res->person;   /* built in place */
    int from[ARV_POSE_MAX_PEOPLE];         /* cand[i] continues track from[i], -1: new */
    int slot[ARV_POSE_MAX_PEOPLE];         /* its ROI mask (segmentation) */
    int nc = 0, lost = 0;
    p->n_slots = 0;
    /* 1. every followed person from its own previous landmarks */
    if (!p->o.static_image_mode) {
        for (int t = 0; t < p->n_tracks; t++) {
            arv_roi r = arv_pose_roi_from_person(&p->tr[t].prev);
            if (arv_pose_landmarks(p, rgb, &r, &cand[nc], err) != 0)
                return -1;
            slot[nc] = keep_slot(p);
            if (cand[nc].score >= p->o.min_tracking_confidence) {
                cand[nc].track_id = p->tr[t].prev.track_id;
                from[nc++] = t;
            } else {
                lost = 1;
            }
        }
        int kept = dedupe(cand, from, slot, nc);
        lost |= kept < nc;
        nc = kept;
    }
    /* 2. the detector: nobody followed, someone lost, or now and then while
     * fewer than max_people are followed */
    int redetect = p->o.static_image_mode || nc == 0 || lost ||
                   (nc < N && p->since_detect + 1 >= ARV_POSE_REDETECT_FRAMES);
    int ntracked = nc;
    if (redetect) {
        arv_detection d[ARV_POSE_MAX_PEOPLE];
        int n = arv_pose_detect(p, rgb, d, N, err);
        if (n < 0)
            return -1;
        res->detected = 1;
        p->since_detect = 0;
        for (int i = 0; i < n && nc < N; i++) {
            arv_roi r = arv_pose_roi_from_detection(&d[i], rgb->w, rgb->h);
            if (arv_pose_landmarks(p, rgb, &r, &cand[nc], err) != 0)
                return -1;
            slot[nc] = keep_slot(p);
            cand[nc].det_score = d[i].score;
            /* pose_landmark_by_roi_cpu.pbtxt: ThresholdingCalculator,
             * threshold 0.5 on the pose flag: below it there is no pose. A
             * detection of someone already followed is dropped. */
            if (cand[nc].score >= 0.5f && !duplicates(&cand[nc], cand, ntracked))
                from[nc++] = -1;
        }
        nc = ntracked + dedupe(cand + ntracked, from + ntracked, slot + ntracked, nc - ntracked);
    } else {
        p->since_detect++;
    }
    /* 3. ids: the followed keep theirs; the newly detected are matched by
     * OKS to the previous frame's people not followed on (track/match.h) */
    arv_kp_person kp[ARV_POSE_MAX_PEOPLE];
    int ids[ARV_POSE_MAX_PEOPLE], prev[ARV_POSE_MAX_PEOPLE];
    for (int i = 0; i < nc; i++) {
        kp_person(&cand[i], &kp[i]);
        ids[i] = i < ntracked ? cand[i].track_id : -1;
    }
    arv_kp_tracker_update(&p->ids, kp, nc, ARV_TRACK_MIN_OKS, ids, prev);
    for (int i = 0; i < nc; i++) {
        cand[i].track_id = ids[i];
        if (i >= ntracked)   /* the tracker's previous people are the tracks, in order */
            from[i] = prev[i] >= 0 && prev[i] < p->n_tracks ? prev[i] : -1;
    }
    /* 4. the new tracks: filters carried over from the matched ones */
    for (int i = 0; i < nc; i++) {
        pose_track *t = &p->tmp[i];
        if (from[i] >= 0)
            *t = p->tr[from[i]];
        else
            t->filt_on = 0;   /* a new track: fresh filters */
        if (do_smooth)
            smooth(t, t_us, rgb->w, rgb->h, &cand[i]);
        t->prev = cand[i];
    }
    if (!p->o.static_image_mode) {
        memcpy(p->tr, p->tmp, (size_t)nc * sizeof *p->tr);
        p->n_tracks = nc;
    }
    if (p->o.segmentation && compose_mask(p, rgb->w, rgb->h, cand, slot, nc,
                                          !p->o.static_image_mode && !p->o.no_smooth) != 0) {
        snprintf(err, 256, "pose: out of memory (mask)");
        return -1;
    }
    /* output by track id */
    for (int i = 1; i < nc; i++)
        for (int j = i; j > 0 && cand[j - 1].track_id > cand[j].track_id; j--) {
            arv_pose_person x = cand[j];
            cand[j] = cand[j - 1];
            cand[j - 1] = x;
        }
    res->n = nc;
    /* Done with this frame: the model threads sleep until the next one
     * instead of spinning against the decoder and the output thread. */
    arv_interp_rest(p->di);
    arv_interp_rest(p->li);
    return 0;
}
