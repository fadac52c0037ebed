/* detect.h — SSD-style detectors as MediaPipe runs them: anchor generation
 * (SsdAnchorsCalculator), decoding of box + keypoint regressors
 * (TensorsToDetectionsCalculator), weighted non-max suppression
 * (NonMaxSuppressionCalculator) and removal of the letterbox that
 * ImageToTensorCalculator added (DetectionLetterboxRemovalCalculator).
 *
 * All coordinates are normalized to [0, 1] of the tensor (after decoding) or
 * of the image (after letterbox removal). Nothing here prints or allocates
 * behind the caller's back except where a function says so. */
#ifndef ARV_DETECT_H
#define ARV_DETECT_H

#include <stddef.h>

#define ARV_DET_MAX_KP 8
#define ARV_SSD_MAX_LAYERS 8

typedef struct arv_anchor {
    float x, y, w, h;          /* centre and size, normalized */
} arv_anchor;

/* The subset of SsdAnchorsCalculatorOptions the MediaPipe detectors use. */
typedef struct arv_ssd_anchor_opts {
    int num_layers;
    float min_scale, max_scale;
    int input_w, input_h;
    float offset_x, offset_y;
    int strides[ARV_SSD_MAX_LAYERS];
    int fixed_anchor_size;     /* 1: every anchor is 1 x 1 (w and h unused by decoding) */
    int num_aspect_ratios;     /* aspect ratios all 1.0 here; plus one interpolated anchor */
} arv_ssd_anchor_opts;

/* pose_detection_cpu.pbtxt's options (see detect.c). */
extern const arv_ssd_anchor_opts arv_pose_anchor_opts;

/* Number of anchors the options give (2254 for the pose detector). */
int arv_ssd_anchor_count(const arv_ssd_anchor_opts *o);
/* Fill anchors (arv_ssd_anchor_count of them). Returns the count or -1. */
int arv_ssd_anchors(const arv_ssd_anchor_opts *o, arv_anchor *out, int cap);

typedef struct arv_detection {
    float score;
    float xmin, ymin, w, h;                 /* box, normalized */
    int n_kp;
    float kp[ARV_DET_MAX_KP][2];            /* keypoints x, y, normalized */
} arv_detection;

/* The subset of TensorsToDetectionsCalculatorOptions the detectors use
 * (box and keypoints stored x, y, w, h / x, y: reverse_output_order). */
typedef struct arv_ssd_decode_opts {
    int num_coords, num_keypoints;
    float x_scale, y_scale, w_scale, h_scale;
    float score_clip;          /* raw scores clipped to [-clip, clip] before the sigmoid */
    float min_score;
} arv_ssd_decode_opts;

extern const arv_ssd_decode_opts arv_pose_decode_opts;

/* Decode raw regressors [n][num_coords] and raw scores [n] against anchors.
 * Writes the detections with score >= min_score into out (at most cap;
 * the best are kept when there are more). Returns their count. */
int arv_ssd_decode(const arv_ssd_decode_opts *o, const arv_anchor *anchors, int n,
                   const float *boxes, const float *scores, arv_detection *out, int cap);

/* Intersection over union of two boxes (0 when either is empty). */
float arv_box_iou(const arv_detection *a, const arv_detection *b);

/* Weighted NMS (NonMaxSuppressionCalculator, algorithm WEIGHTED, overlap
 * IoU): in order of score, each remaining detection absorbs all others whose
 * IoU with it exceeds thr; its box and keypoints become their score-weighted
 * mean, its score stays the highest. In place; returns the new count
 * (at most max_out when max_out > 0). */
int arv_nms_weighted(arv_detection *d, int n, float thr, int max_out);

/* Letterbox: where the image sits in the tensor, as fractions of the tensor
 * (left, top, right, bottom padding). */
typedef struct arv_letterbox {
    float pad[4];
} arv_letterbox;

/* Padding for an image w x h letterboxed into W x H (keep aspect, centred). */
arv_letterbox arv_letterbox_for(int w, int h, int W, int H);
/* Map a detection from tensor-normalized to image-normalized coordinates
 * (DetectionLetterboxRemovalCalculator). */
void arv_detection_unletterbox(arv_detection *d, const arv_letterbox *lb);

#endif
