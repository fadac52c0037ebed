/* pose.h — body pose: MediaPipe Pose (BlazePose) run the way MediaPipe's
 * graphs run it (mediapipe/modules/pose_detection/pose_detection_cpu.pbtxt,
 * mediapipe/modules/pose_landmark/pose_landmark_cpu.pbtxt and the graphs
 * they include):
 *   Both model inputs are made as the GPU variants of these graphs make
 *   them (pose_detection_gpu.pbtxt, pose_landmark_by_roi_gpu.pbtxt: what
 *   MediaPipe's web solution runs), bilinear straight into floats
 *   (tasks/prep.h, image/warp.h).
 *   1. Detector (pose_detection.tflite): the frame letterboxed to 224x224,
 *      values in [-1, 1], zero border; SSD decoding and weighted NMS
 *      (detect/detect.h); letterbox removed.
 *   2. ROI (pose_detection_to_roi.pbtxt): alignment keypoints 0 (hip centre)
 *      and 1 (scale point), target angle 90° (upright), then square_long and
 *      scale 1.25 (track/roi.h).
 *   3. Landmarks (pose_landmark_by_roi_cpu.pbtxt): the ROI warped into the
 *      256x256 input (bilinear, edge replicated, [0, 1]); Identity (39 x 5:
 *      x, y, z, visibility, presence; the first 33 are the body, 33 and 34
 *      the auxiliary hip centre / scale point for tracking), Identity_1
 *      (pose presence, the model's LOGISTIC output: already a probability),
 *      Identity_3 (64x64x39 heatmap: RefineLandmarksFromHeatmapCalculator,
 *      kernel 7, min confidence 0.5, body and auxiliary landmarks),
 *      Identity_4 (39 x 3 world landmarks,
 *      metres, hip origin). Visibility and presence through a sigmoid
 *      (TensorsToLandmarksCalculator visibility/presence_activation SIGMOID).
 *      Projected to the image through the ROI (LandmarkProjectionCalculator);
 *      world landmarks rotated by the ROI's rotation.
 *   4. Video (pose_landmark_cpu.pbtxt): the next frame's ROI comes from
 *      landmarks 33/34 of this one (pose_landmarks_to_roi.pbtxt: same
 *      alignment and 1.25 scale); when the pose presence falls below
 *      min_tracking_confidence the detector runs again. Where we differ:
 *      MediaPipe re-detects on the next frame, we re-detect on the same one.
 *   5. Several people (max_people > 1; MediaPipe's Pose is one person): the
 *      landmark model runs per detection (up to max_people, best first after
 *      NMS), and per person on the following frames, each from its own
 *      landmarks. The detector runs again when a person is lost (presence
 *      below min_tracking_confidence, or two tracks converged onto one
 *      person: OKS > 0.5, the weaker dropped) and, while fewer than
 *      max_people are followed, every ARV_POSE_REDETECT_FRAMES frames to pick
 *      up newcomers. On a frame with a detection, the people found are
 *      matched to the previous frame's by OKS (track/match.h: greedy,
 *      threshold ARV_TRACK_MIN_OKS 0.3): a match keeps its track_id and its
 *      One Euro filter state, the others start new tracks (new ids, fresh
 *      filters), unmatched old tracks end. With max_people 1 this is the
 *      single-person pipeline above, except that a person re-detected right
 *      after a loss keeps its id when its pose matches. */
#ifndef ARV_POSE_H
#define ARV_POSE_H

#include <stdint.h>
#include "detect/detect.h"
#include "image/image.h"
#include "track/roi.h"

#define ARV_POSE_N 33          /* body landmarks */
#define ARV_POSE_N_ALL 39      /* model outputs: body + 2 auxiliary + 4 unused */
#define ARV_POSE_IN 256        /* landmark model input */

extern const char *const arv_pose_landmark_names[ARV_POSE_N];

typedef struct arv_pose_opts {
    int complexity;                 /* 0 lite, 1 full (default), 2 heavy */
    const char *detector_path;      /* NULL: "pose_detection" */
    const char *landmark_path;      /* NULL: from complexity */
    float min_detection_confidence; /* 0.5 */
    float min_tracking_confidence;  /* 0.5 */
    int static_image_mode;          /* 1: detect on every frame */
    int threads;
    const char *isa;
    int no_smooth;                  /* 1: no One Euro / visibility filtering on video */
    int max_people;                 /* 1 (0 counts as 1) .. ARV_POSE_MAX_PEOPLE */
    int segmentation;               /* 1: keep the segmentation mask (arv_pose_mask) */
    int precision;                  /* model names: ARV_PREC_FP32 (0) or ARV_PREC_INT8, the
                                       int8 twins in models/int8/ (util/model_path.h) */
} arv_pose_opts;

#define ARV_POSE_OPTS_DEFAULT {1, NULL, NULL, 0.5f, 0.5f, 0, 0, NULL, 0, 1, 0, 0}
#define ARV_POSE_MAX_PEOPLE 16
#define ARV_POSE_REDETECT_FRAMES 10   /* fewer than max_people followed: detect this often */

typedef struct arv_pose_landmark {
    float x, y, z;          /* pixels (z: same scale as x, hips ~0, smaller = nearer) */
    float nx, ny, nz;       /* normalized to the image width / height (z by width) */
    float visibility, presence;
} arv_pose_landmark;

typedef struct arv_pose_person {
    int track_id;
    float score;            /* pose presence (Identity_1) */
    float det_score;        /* detector score of the detection it came from (0: tracked) */
    arv_roi roi;            /* the ROI the landmarks were computed in, pixels */
    arv_pose_landmark lm[ARV_POSE_N];
    float aux[2][2];        /* landmarks 33 and 34 (pixels), for tracking */
    float world[ARV_POSE_N][3];   /* metres */
    float box[4];           /* x, y, w, h of the landmarks, pixels */
} arv_pose_person;

typedef struct arv_pose_result {
    int n;                  /* 0 .. max_people, by track_id */
    arv_pose_person person[ARV_POSE_MAX_PEOPLE];
    int detected;           /* 1 when the detector ran on this frame */
} arv_pose_result;

typedef struct arv_pose arv_pose;

/* Open the detector and the landmark model. err: 256 bytes. */
int arv_pose_new(const arv_pose_opts *o, arv_pose **out, char *err);
void arv_pose_free(arv_pose *p);
/* Forget tracking state (a new input): track ids start again from 0. */
void arv_pose_reset(arv_pose *p);

/* Detector alone: detections in image-normalized coordinates, best first
 * after NMS. Returns their count (<= cap) or -1 with err. */
int arv_pose_detect(arv_pose *p, const arv_image *rgb, arv_detection *out, int cap, char *err);

/* ROI of a detection (image-normalized) in an image w x h. */
arv_roi arv_pose_roi_from_detection(const arv_detection *d, int w, int h);
/* ROI for the next frame from a person's auxiliary landmarks. */
arv_roi arv_pose_roi_from_person(const arv_pose_person *pp);

/* Landmark model on one ROI. Returns 0 or -1 with err. */
int arv_pose_landmarks(arv_pose *p, const arv_image *rgb, const arv_roi *roi,
                       arv_pose_person *out, char *err);

/* Decode the landmark model's raw outputs (exposed for tests): lm 195,
 * heatmap 64*64*39 (may be NULL: no refinement), world 117 (may be NULL). */
void arv_pose_decode(const float *lm, const float *heatmap, int hm_w, int hm_h, const float *world,
                     const arv_roi *roi, int img_w, int img_h, arv_pose_person *out);

/* The whole pipeline on one frame (tracking unless static_image_mode).
 * t_us: the frame's time in microseconds, INT64_MIN when unknown (stills);
 * with tracking on and smoothing not disabled, landmarks, auxiliary and
 * world landmarks go through One Euro filters and visibility through a
 * low-pass (pose_landmark_filtering.pbtxt's parameters, track/one_euro.h);
 * the filters restart whenever the person is lost. */
int arv_pose_process(arv_pose *p, const arv_image *rgb, int64_t t_us, arv_pose_result *res,
                     char *err);

/* With opts.segmentation: the last processed frame's person mask at the
 * frame's size, w*h floats in [0, 1], or NULL (not enabled, out of memory).
 * The landmark model's Identity_2 (256x256 logits in the ROI) through a
 * sigmoid (TensorsToSegmentationCalculator activation SIGMOID), warped back
 * to the image through the inverse ROI (bilinear, 0 outside the ROI), the
 * maximum over the people reported; on video (tracking, smoothing on)
 * blended with the previous frame's mask as SegmentationSmoothingCalculator
 * does (combine_with_previous_ratio 0.7, pose_landmark_cpu.pbtxt with
 * smooth_segmentation). No person: all 0. */
const float *arv_pose_mask(const arv_pose *p, int *w, int *h);

/* BlazePose 33 -> COCO 17: coco index k is BlazePose index arv_pose_coco17[k]
 * (nose, eyes, ears, shoulders, elbows, wrists, hips, knees, ankles). */
extern const int arv_pose_coco17[17];

#endif
