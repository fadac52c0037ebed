/* composite.c — alpha compositing (see composite.h). */
#include "image/composite.h"

static int same_size(const arv_image *a, const arv_fimage *m)
{
    return a && m && a->data && m->data && a->w == m->w && a->h == m->h && m->c == 1;
}

static inline float clamp01(float a)
{
    return a > 0 ? (a < 1 ? a : 1) : 0;   /* NaN -> 0 */
}

/* Alpha within 1/512 of 0 or 1 changes the exact result by less than half
 * a level (255 / 512), so those pixels -- most of a frame -- are copies. */
#define A_LO (1.0f / 512)
#define A_HI (1.0f - 1.0f / 512)

int arv_composite(const arv_image *fg, const arv_image *bg, const arv_fimage *alpha,
                  arv_image *out)
{
    if (!same_size(fg, alpha) || !same_size(bg, alpha) || !same_size(out, alpha) || fg->c != 3 ||
        bg->c != 3 || out->c != 3)
        return -1;
    for (int y = 0; y < fg->h; y++) {
        const uint8_t *f = arv_image_row(fg, y), *b = arv_image_row(bg, y);
        uint8_t *o = arv_image_row(out, y);
        const float *a = alpha->data + (size_t)y * alpha->w;
        for (int x = 0; x < fg->w; x++) {
            float t = clamp01(a[x]);
            if (t <= A_LO || t >= A_HI) {
                const uint8_t *src = t <= A_LO ? b : f;
                o[3 * x] = src[3 * x], o[3 * x + 1] = src[3 * x + 1], o[3 * x + 2] = src[3 * x + 2];
                continue;
            }
            for (int c = 0; c < 3; c++) {
                float bv = b[3 * x + c];
                o[3 * x + c] = (uint8_t)(bv + t * (f[3 * x + c] - bv) + 0.5f);
            }
        }
    }
    return 0;
}

int arv_composite_colour(const arv_image *fg, const uint8_t rgb[3], const arv_fimage *alpha,
                         arv_image *out)
{
    if (!same_size(fg, alpha) || !same_size(out, alpha) || fg->c != 3 || out->c != 3)
        return -1;
    for (int y = 0; y < fg->h; y++) {
        const uint8_t *f = arv_image_row(fg, y);
        uint8_t *o = arv_image_row(out, y);
        const float *a = alpha->data + (size_t)y * alpha->w;
        for (int x = 0; x < fg->w; x++) {
            float t = clamp01(a[x]);
            if (t <= A_LO) {
                o[3 * x] = rgb[0], o[3 * x + 1] = rgb[1], o[3 * x + 2] = rgb[2];
                continue;
            }
            if (t >= A_HI) {
                o[3 * x] = f[3 * x], o[3 * x + 1] = f[3 * x + 1], o[3 * x + 2] = f[3 * x + 2];
                continue;
            }
            for (int c = 0; c < 3; c++) {
                float bv = rgb[c];
                o[3 * x + c] = (uint8_t)(bv + t * (f[3 * x + c] - bv) + 0.5f);
            }
        }
    }
    return 0;
}

int arv_cutout(const arv_image *fg, const arv_fimage *alpha, arv_image *out)
{
    if (!same_size(fg, alpha) || !same_size(out, alpha) || fg->c != 3 || out->c != 4)
        return -1;
    for (int y = 0; y < fg->h; y++) {
        const uint8_t *f = arv_image_row(fg, y);
        uint8_t *o = arv_image_row(out, y);
        const float *a = alpha->data + (size_t)y * alpha->w;
        for (int x = 0; x < fg->w; x++) {
            float t = clamp01(a[x]);
            o[4 * x + 0] = f[3 * x + 0];
            o[4 * x + 1] = f[3 * x + 1];
            o[4 * x + 2] = f[3 * x + 2];
            o[4 * x + 3] = (uint8_t)(t * 255.0f + 0.5f);
        }
    }
    return 0;
}

int arv_fimage_to_gray(const arv_fimage *src, arv_image *out)
{
    if (!same_size(out, src) || out->c != 1)
        return -1;
    for (int y = 0; y < src->h; y++) {
        const float *a = src->data + (size_t)y * src->w;
        uint8_t *o = arv_image_row(out, y);
        for (int x = 0; x < src->w; x++) {
            float t = clamp01(a[x]);
            o[x] = (uint8_t)(t * 255.0f + 0.5f);
        }
    }
    return 0;
}
