/* blur.h — separable gaussian blur of 8-bit images and float planes.
 *
 * Kernel: k[i] = exp(-i^2 / (2 sigma^2)) for i = -r..r, normalized to sum 1;
 * radius r = ceil(3 sigma) when 0 is given. Borders replicate the edge pixel
 * (the image is extended with its first/last row and column). */
#ifndef ARV_BLUR_H
#define ARV_BLUR_H

#include "image/image.h"

/* Radius used for sigma when none is given. */
int arv_gauss_radius(float sigma);
/* Fill k[0..2r] (centre at k[r]); returns 0, or -1 if sigma <= 0 or r < 0. */
int arv_gauss_kernel(float sigma, int r, float *k);

/* Blur src into dst (same size and channels; dst may be src). radius 0 =
 * default. sigma <= 0 copies. Returns 0, or -1 on bad arguments/memory. */
int arv_blur_image(const arv_image *src, arv_image *dst, float sigma, int radius);
int arv_blur_fimage(const arv_fimage *src, arv_fimage *dst, float sigma, int radius);

#endif
