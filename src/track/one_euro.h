/* one_euro.h — the One Euro filter (Casiez, Roussel, Vogel, CHI 2012) as
 * MediaPipe's LandmarksSmoothingCalculator runs it
 * (mediapipe/util/filtering/one_euro_filter.cc, low_pass_filter.cc):
 *
 *   frequency = 1 / (t - t_prev)          (the first call keeps `freq`)
 *   alpha(c)  = 1 / (1 + tau / te),  tau = 1 / (2 pi c),  te = 1 / frequency
 *   dx        = (x - x_prev_raw) * value_scale * frequency   (0 on the first call)
 *   edx       = lowpass_d(dx, alpha(derivate_cutoff))
 *   cutoff    = min_cutoff + beta * |edx|
 *   out       = lowpass_x(x, alpha(cutoff))
 * with lowpass(v, a) = a v + (1 - a) previous output (the first value passes).
 * A timestamp that does not increase returns x unfiltered (as MediaPipe).
 *
 * MediaPipe Pose's parameters (mediapipe/modules/pose_landmark/
 * pose_landmark_filtering.pbtxt): landmarks min_cutoff 0.05, beta 80,
 * derivate_cutoff 1, values scaled by 1 / object size; auxiliary landmarks
 * min_cutoff 0.01, beta 10; world landmarks min_cutoff 0.1, beta 40, no
 * value scaling; visibility low-pass alpha 0.1. frequency starts at 30. */
#ifndef ARV_ONE_EURO_H
#define ARV_ONE_EURO_H

#include <stdint.h>

typedef struct arv_lowpass {
    int init;
    float raw, stored;
} arv_lowpass;

/* a v + (1 - a) stored; the first value passes through. */
float arv_lowpass_apply(arv_lowpass *f, float v, float alpha);

typedef struct arv_one_euro {
    float freq, min_cutoff, beta, d_cutoff;
    arv_lowpass x, dx;
    int64_t last_us;
    int has_last;
} arv_one_euro;

/* A fresh filter. */
arv_one_euro arv_one_euro_make(float freq, float min_cutoff, float beta, float d_cutoff);
float arv_one_euro_apply(arv_one_euro *f, int64_t t_us, float value_scale, float x);

#endif
