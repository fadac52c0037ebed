/* image.c — allocation of pixel buffers (see image.h). */
#include <stdlib.h>
#include <string.h>
#include "image/image.h"

/* Limits keep w*h*c far from overflow and any single frame under 1 GiB. */
#define ARV_IMAGE_MAX_DIM 32768

int arv_image_alloc(arv_image *im, int w, int h, int c)
{
    memset(im, 0, sizeof *im);
    if (w <= 0 || h <= 0 || w > ARV_IMAGE_MAX_DIM || h > ARV_IMAGE_MAX_DIM || c < 1 || c > 4)
        return -1;
    size_t stride = (size_t)w * (size_t)c;
    im->data = calloc((size_t)h, stride);
    if (!im->data)
        return -1;
    im->w = w;
    im->h = h;
    im->c = c;
    im->stride = stride;
    return 0;
}

void arv_image_free(arv_image *im)
{
    free(im->data);
    memset(im, 0, sizeof *im);
}

int arv_fimage_alloc(arv_fimage *im, int w, int h, int c)
{
    memset(im, 0, sizeof *im);
    if (w <= 0 || h <= 0 || w > ARV_IMAGE_MAX_DIM || h > ARV_IMAGE_MAX_DIM || c < 1 || c > 4)
        return -1;
    im->data = calloc((size_t)w * (size_t)h * (size_t)c, sizeof(float));
    if (!im->data)
        return -1;
    im->w = w;
    im->h = h;
    im->c = c;
    return 0;
}

void arv_fimage_free(arv_fimage *im)
{
    free(im->data);
    memset(im, 0, sizeof *im);
}
