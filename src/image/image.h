/* image.h — the pixel buffer every part of src/ passes around: 8-bit,
 * interleaved, 1 (gray/mask), 3 (RGB) or 4 (RGBA) channels, rows `stride`
 * bytes apart. Float planes (masks, tensors) use arv_fimage. */
#ifndef ARV_IMAGE_H
#define ARV_IMAGE_H

#include <stddef.h>
#include <stdint.h>

typedef struct arv_image {
    int w, h, c;
    size_t stride;      /* bytes per row, >= w * c */
    uint8_t *data;      /* owned when created by arv_image_alloc */
} arv_image;

typedef struct arv_fimage {
    int w, h, c;        /* rows are w * c floats, no padding */
    float *data;
} arv_fimage;

/* Allocate (zeroed); returns 0, or -1 on overflow / out of memory. */
int arv_image_alloc(arv_image *im, int w, int h, int c);
void arv_image_free(arv_image *im);
int arv_fimage_alloc(arv_fimage *im, int w, int h, int c);
void arv_fimage_free(arv_fimage *im);

static inline uint8_t *arv_image_row(const arv_image *im, int y)
{
    return im->data + (size_t)y * im->stride;
}

#endif
