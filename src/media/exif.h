/* exif.h — the EXIF orientation tag (0x0112) and applying it to pixels.
 *
 * Cameras store pictures as the sensor saw them and say in EXIF how to turn
 * them upright. Values follow the TIFF/EXIF specification:
 *   1 upright            2 mirrored left-right   3 rotated 180
 *   4 mirrored top-down  5 transposed            6 needs 90 deg clockwise
 *   7 transversed        8 needs 90 deg counter-clockwise */
#ifndef ARV_EXIF_H
#define ARV_EXIF_H

#include <stddef.h>
#include <stdint.h>
#include "image/image.h"

/* Orientation from the payload of a JPEG APP1 segment (the bytes after the
 * segment length, i.e. starting with "Exif\0\0"). Returns 1..8, or 0 when
 * there is no valid orientation tag. Never reads outside [p, p + n). */
int arv_exif_orientation(const uint8_t *p, size_t n);

/* Turn *im upright according to `orientation` (1..8; anything else leaves
 * the image alone). Orientations 5..8 swap width and height. The old
 * buffer is freed and replaced. Returns 0, or -1 when out of memory (then
 * *im is unchanged). */
int arv_image_orient(arv_image *im, int orientation);

#endif
