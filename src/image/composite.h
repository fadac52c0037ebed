/* composite.h — alpha compositing with a float alpha plane.
 *
 * out = a * fg + (1 - a) * bg per channel, a clamped to [0, 1], rounded to
 * nearest. All images the same size; fg, bg and out RGB (c = 3) unless said;
 * out may be the same buffer as fg or bg. */
#ifndef ARV_COMPOSITE_H
#define ARV_COMPOSITE_H

#include "image/image.h"

/* fg over bg. Returns 0, or -1 on mismatched sizes. */
int arv_composite(const arv_image *fg, const arv_image *bg, const arv_fimage *alpha,
                  arv_image *out);
/* fg over a solid colour. */
int arv_composite_colour(const arv_image *fg, const uint8_t rgb[3], const arv_fimage *alpha,
                         arv_image *out);
/* RGBA cutout (out c = 4): fg's colours, alpha = round(255 a). */
int arv_cutout(const arv_image *fg, const arv_fimage *alpha, arv_image *out);
/* Float plane (c = 1) in [0, 1] -> 8-bit gray (c = 1), round(255 v), clamped. */
int arv_fimage_to_gray(const arv_fimage *src, arv_image *out);

#endif
