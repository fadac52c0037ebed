/* warp.h — affine warp of an RGB8 image into a float model input, as
 * MediaPipe's ImageToTensorCalculator (OpenCV path) does for a rotated
 * region of interest: cv::warpPerspective with INTER_LINEAR and a constant
 * zero border on the 8-bit image, then a linear map of 0..255 to [lo, hi].
 *
 * The matrix m maps output pixel indices (u, v) to source coordinates with
 * pixel i's centre at i (the caller picks the geometry, see track/roi.h):
 *   x = m[0] u + m[1] v + m[2],   y = m[3] u + m[4] v + m[5]. */
#ifndef ARV_WARP_H
#define ARV_WARP_H

#include "image/image.h"
#include "util/par.h"

typedef enum arv_border {
    ARV_BORDER_ZERO,       /* outside pixels are 0 (black) */
    ARV_BORDER_REPLICATE   /* the nearest edge pixel (GL's CLAMP_TO_EDGE) */
} arv_border;

/* out: [H][W][3] floats. Returns 0, or -1 on bad arguments. */
int arv_warp_affine_to_tensor(const arv_image *src, const double m[6], int W, int H,
                              arv_border border, float lo, float hi, float *out);
/* The same with its rows spread over par's threads (NULL: this thread). */
int arv_warp_affine_to_tensor_par(const arv_image *src, const double m[6], int W, int H,
                                  arv_border border, float lo, float hi, float *out,
                                  const arv_par *par);

/* The same as MediaPipe's GPU ImageToTensorCalculator (GL texture path, what
 * its web solutions run) does it: the texture sampled bilinearly with
 * CLAMP_TO_EDGE straight into floats, with no 8-bit image in between.
 * ARV_BORDER_ZERO is its shader's zero border (WebGL has no
 * CLAMP_TO_BORDER): a sample beyond the outer edge of the image's edge
 * pixels is lo, one within half a pixel of them is clamped to the edge.
 * The 8-bit rounding of the OpenCV path moves the pose detector's keypoints
 * by up to 0.75 px of its 224 px input against MediaPipe's web results;
 * this path matches them to 0.001 px (tests/unit/test_pose_mediapipe.c). */
int arv_warp_affine_to_tensor_gl(const arv_image *src, const double m[6], int W, int H,
                                 arv_border border, float lo, float hi, float *out,
                                 const arv_par *par);
/* Invert a 2x3 affine matrix; returns -1 when it is singular. */
int arv_affine_invert(const double m[6], double inv[6]);

#endif
