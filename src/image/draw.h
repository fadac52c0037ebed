/* draw.h — simple overlays on RGB8 images (skeletons, boxes): solid discs
 * and thick lines, clipped to the image. */
#ifndef ARV_DRAW_H
#define ARV_DRAW_H

#include <stdint.h>
#include "image/image.h"

/* Filled disc of radius r (pixels) centred at (x, y) in pixel-centre
 * coordinates (pixel i covers [i, i + 1)). */
void arv_draw_disc(arv_image *im, float x, float y, float r, const uint8_t rgb[3]);
/* Line from (x0, y0) to (x1, y1), `width` pixels thick, round ends. */
void arv_draw_line(arv_image *im, float x0, float y0, float x1, float y1, float width,
                   const uint8_t rgb[3]);

#endif
