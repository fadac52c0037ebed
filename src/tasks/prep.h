/* prep.h — model inputs prepared as MediaPipe's graphs prepare them, for
 * the tasks whose whole pipeline is not in src/ yet (palm detector, hand
 * landmarks, SSD object detector) and, as single calls, for the pose
 * models. `arv quantize --task` calibrates with these, so an int8 model
 * sees during calibration exactly what it sees in use.
 *
 * Values and the graph each comes from (google-ai-edge/mediapipe):
 *   palm detector   mediapipe/modules/palm_detection/palm_detection_cpu.pbtxt:
 *                   ImageToTensorCalculator 192x192, keep_aspect_ratio true
 *                   (letterbox), output_tensor_float_range 0..1, BORDER_ZERO;
 *                   SsdAnchorsCalculator num_layers 4, min_scale 0.1484375,
 *                   max_scale 0.75, strides 8 16 16 16, aspect_ratios 1.0,
 *                   fixed_anchor_size true, offsets 0.5 (2016 anchors);
 *                   TensorsToDetectionsCalculator num_coords 18, 7 keypoints,
 *                   sigmoid_score, score_clipping_thresh 100,
 *                   reverse_output_order, x/y/w/h_scale 192, min_score 0.5;
 *                   NonMaxSuppressionCalculator WEIGHTED, IoU 0.3.
 *   hand ROI        mediapipe/modules/hand_landmark/palm_detection_detection_to_roi.pbtxt:
 *                   keypoints 0 (wrist) -> 2 (middle finger MCP), target angle
 *                   90 degrees; RectTransformationCalculator scale 2.6,
 *                   shift_y -0.5, square_long true.
 *   hand landmarks  mediapipe/modules/hand_landmark/hand_landmark_cpu.pbtxt:
 *                   ImageToTensorCalculator 224x224 of the ROI,
 *                   keep_aspect_ratio true (the ROI is square: no padding),
 *                   output_tensor_float_range 0..1, default border (replicate).
 *   SSD (objectron) mediapipe/modules/objectron/object_detection_oid_v4_cpu.pbtxt:
 *                   ImageTransformationCalculator 300x300 (STRETCH, the
 *                   default scale mode), TfLiteConverterCalculator with its
 *                   default zero_center: values in [-1, 1].
 *   pose            mediapipe/modules/pose_detection/pose_detection_gpu.pbtxt,
 *                   pose_landmark/pose_landmark_by_roi_gpu.pbtxt (the graph
 *                   of MediaPipe's web Pose solution, PoseLandmarkGpu):
 *                   detector 224x224 letterbox [-1, 1], BORDER_ZERO; landmarks
 *                   256x256 ROI warp [0, 1], border replicated; both sampled
 *                   as its GPU path does, straight into floats (image/warp.h
 *                   arv_warp_affine_to_tensor_gl). Used by src/tasks/pose.c
 *                   (arv_pose_detect, arv_pose_landmarks). */
#ifndef ARV_TASKS_PREP_H
#define ARV_TASKS_PREP_H

#include "arv.h"
#include "detect/detect.h"
#include "image/image.h"
#include "util/par.h"
#include "track/roi.h"

#define ARV_PALM_IN 192
#define ARV_PALM_ANCHORS 2016
#define ARV_HAND_IN 224
#define ARV_SSD_IN 300
#define ARV_POSE_DET_IN 224
#define ARV_POSE_LM_IN 256

extern const arv_ssd_anchor_opts arv_palm_anchor_opts;
extern const arv_ssd_decode_opts arv_palm_decode_opts;

/* Each writes an NHWC float tensor [IN][IN][3]; returns 0, or -1 on a bad
 * image or out of memory. */
int arv_palm_preprocess(const arv_image *rgb, float *dst);
int arv_hand_landmark_preprocess(const arv_image *rgb, const arv_roi *roi, float *dst);
int arv_ssd_preprocess(const arv_image *rgb, float *dst);
int arv_pose_detector_preprocess(const arv_image *rgb, float *dst);
/* par (may be NULL): the threads to spread the warp over (util/par.h). */
int arv_pose_landmark_preprocess(const arv_image *rgb, const arv_roi *roi, float *dst,
                                 const arv_par *par);

/* Hand ROI (pixels) of a palm detection (image-normalized). */
arv_roi arv_hand_roi_from_palm(const arv_detection *d, int w, int h);

/* Palm detector on an interpreter of palm_detection_{lite,full}: preprocess,
 * invoke, decode, NMS, letterbox removed. anchors: ARV_PALM_ANCHORS of
 * arv_palm_anchor_opts. Returns the number of detections (<= cap, best
 * first) or -1. */
int arv_palm_detect(arv_interp *it, const arv_anchor *anchors, const arv_image *rgb,
                    arv_detection *out, int cap);

#endif
