/* png.h — PNG decoding and encoding through libpng.
 *
 * Every PNG colour type and depth is read (1/2/4/8/16-bit gray, gray+alpha,
 * palette with or without tRNS, RGB, RGBA, interlaced or not) and returned
 * as 8-bit RGB or RGBA: 16-bit samples are scaled with rounding (v16 * 255
 * / 65535), so a 16-bit file made from 8-bit values (v * 257) gives them
 * back exactly. No gamma or colour-profile conversion is done. libpng's
 * errors (bad CRC in a critical chunk, truncation, bad zlib data) become one
 * line in err; its warnings are dropped. */
#ifndef ARV_PNG_H
#define ARV_PNG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "image/image.h"
#include "media/media.h"

/* Decode the PNG in [data, data + n) to channels 3 (RGB; alpha dropped) or
 * 4 (RGBA; alpha 255 where the file has none). Returns 0, or -1 with err
 * set (*out is then empty). */
int arv_png_decode(const uint8_t *data, size_t n, const char *name, int channels,
                   const arv_media_limits *lim, arv_image *out, char *err);

/* Write an 8-bit gray (c = 1), RGB (3) or RGBA (4) image. Returns 0, or -1
 * with err set. */
int arv_png_encode(FILE *fp, const arv_image *im, const char *name, char *err);

#endif
