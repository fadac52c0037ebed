/* jpeg.h — JPEG decoding and encoding through libjpeg-turbo.
 *
 * libjpeg's own error and warning output is captured: a truncated or corrupt
 * file gives one line in err ("NAME: corrupt JPEG: Premature end of JPEG
 * file"), never a crash, an exit() or text on stderr. Warnings that mean
 * pixels are missing (premature end of data, lost sync) are errors here;
 * harmless ones (extraneous bytes before a marker) are ignored. */
#ifndef ARV_JPEG_H
#define ARV_JPEG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "image/image.h"
#include "media/media.h"

/* Decode the JPEG in [data, data + n). channels: 3 (RGB) or 4 (RGBA, alpha
 * 255). Gray, YCbCr, CMYK and YCCK files are converted. If orientation is
 * not NULL it receives the EXIF orientation (1..8, 0 if none); the pixels
 * are returned as stored (image_io.h applies the orientation). `name` is
 * used in messages. Returns 0, or -1 with err set (*out is then empty). */
int arv_jpeg_decode(const uint8_t *data, size_t n, const char *name, int channels,
                    const arv_media_limits *lim, arv_image *out, int *orientation,
                    char *err);

/* Write a gray (c = 1) or RGB (c = 3) image as baseline JPEG with 4:2:0
 * chroma (4:4:4 at quality >= 90), quality 1..100 (0 means 90). RGBA is
 * refused (JPEG has no alpha). Returns 0, or -1 with err set. */
int arv_jpeg_encode(FILE *fp, const arv_image *im, int quality, const char *name, char *err);

#endif
