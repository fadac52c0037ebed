/* convert.h — internal to src/media/: pixel format conversion between
 * arv_image (packed gray/RGB/RGBA) and libav planes (YUV, ...) through
 * libswscale, with a cached context.
 *
 * swscale's SIMD code reads and writes a little past the end of rows and
 * planes, so it never touches an arv_image directly: the image side goes
 * through a padded scratch buffer owned by the converter. The planes side
 * must be padded too: AVFrames from libavcodec / av_frame_get_buffer are,
 * and arv_planes_alloc makes such buffers. */
#ifndef ARV_CONVERT_H
#define ARV_CONVERT_H

#include <stdint.h>
#include "image/image.h"

struct SwsContext;

typedef struct arv_conv {
    struct SwsContext *sws;
    int key[10];               /* the parameters the context was made for */
    uint8_t *scratch;          /* packed image-side buffer */
    size_t scratch_size;
} arv_conv;

/* A picture in up to 4 planes; fmt is an enum AVPixelFormat. */
typedef struct arv_planes {
    uint8_t *data[4];
    int stride[4];
    int w, h, fmt;
} arv_planes;

/* Planes (YUV, gray, ...) of src->w x src->h into an RGB image of the same
 * size (dst must be allocated, c = 3). colorspace (enum AVColorSpace;
 * UNSPECIFIED = BT.601) and full_range describe src. Returns 0 or -1. */
int arv_conv_to_image(arv_conv *c, const arv_planes *src, arv_image *dst, int colorspace,
                      int full_range);

/* A gray/RGB/RGBA image into dst planes, scaled if the sizes differ.
 * colorspace and full_range describe dst. Returns 0 or -1. */
int arv_conv_from_image(arv_conv *c, const arv_image *src, const arv_planes *dst, int colorspace,
                        int full_range);

void arv_conv_free(arv_conv *c);

/* Separate, padded planes (aligned strides, slack after each row and
 * plane) for fmt at w x h. Returns 0 or -1; free with arv_planes_free. */
int arv_planes_alloc(arv_planes *p, int w, int h, int fmt);
void arv_planes_free(arv_planes *p);

#endif
