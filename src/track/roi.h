/* roi.h — regions of interest for two-stage pipelines (detector → ROI →
 * landmark model), in image pixels: a square-ish box with a centre, a size
 * and a rotation, as MediaPipe's NormalizedRect but in pixels.
 *
 *   AlignmentPointsRectsCalculator: the ROI is centred on an alignment point
 *     (pose: the hip centre), its size is twice the distance to a second point
 *     (the point that encloses the body) and its rotation turns the segment
 *     between them to target_angle (pose: 90°, the body upright):
 *       rotation = normalize(target - atan2(-(y1 - y0), x1 - x0)).
 *   RectTransformationCalculator: square_long (both sides become the longer
 *     one, in pixels), then the sides are scaled (pose: 1.25).
 *
 * Rotation convention (image y pointing down): an ROI-frame offset (a, b),
 * in units of the ROI's size with the centre at 0, lies at
 *   x = cx + cos(r) a w - sin(r) b h,   y = cy + sin(r) a w + cos(r) b h. */
#ifndef ARV_ROI_H
#define ARV_ROI_H

typedef struct arv_roi {
    float cx, cy, w, h;    /* pixels */
    float rotation;        /* radians, in (-pi, pi] */
} arv_roi;

/* Wrap an angle into [-pi, pi) as MediaPipe's NormalizeRadians. */
float arv_normalize_radians(float a);

/* AlignmentPointsRectsCalculator: from (x0, y0) (centre) and (x1, y1)
 * (scale point), pixels; target_angle in radians. */
arv_roi arv_roi_from_points(float x0, float y0, float x1, float y1, float target_angle);

/* RectTransformationCalculator without shift: square_long, then scale. */
arv_roi arv_roi_transform(arv_roi r, float scale_x, float scale_y, int square_long);

/* The affine matrix (warp.h convention) from a W x H tensor's pixel indices
 * to image pixel indices: the tensor's outer corners (-0.5, -0.5) and
 * (W - 0.5, H - 0.5) land on the ROI's corners, i.e. pixel centres map to
 * pixel centres, as GL texture sampling does in MediaPipe's GPU
 * ImageToTensor path (what MediaPipe's web solution runs). OpenCV's CPU path
 * maps corner to corner in index space instead, half a tensor pixel away:
 * against MediaPipe's web results (tests/unit/test_pose_mediapipe.c) the
 * centre convention brings the mean error on kpa_bar55.jpg from 2.7% to
 * 2.0% of the person box. */
void arv_roi_to_matrix(const arv_roi *r, int W, int H, double m[6]);

/* LandmarkProjectionCalculator: a point normalized to the ROI ([0,1] across
 * it) → image pixels. */
void arv_roi_project(const arv_roi *r, float nx, float ny, float *px, float *py);
/* The inverse: image pixels → ROI-normalized. */
void arv_roi_unproject(const arv_roi *r, float px, float py, float *nx, float *ny);

#endif
