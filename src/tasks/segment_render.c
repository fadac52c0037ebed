/* segment_render.c — what the person mask is for: background blur and
 * colour harmonization (replacement and cut-outs are image/composite.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "image/blur.h"
#include "image/colour.h"
#include "tasks/segment.h"

/* Background weight: 1 - alpha, plus a little so that deep inside the
 * person (no background anywhere near) the division stays defined; there
 * alpha is ~1 and the value is not seen. */
#define BG_EPS 1e-3f

int arv_seg_blur_background(const arv_image *frame, const arv_fimage *alpha, float sigma,
                            arv_image *out)
{
    if (!frame || !alpha || !out || frame->c != 3 || out->c != 3 || alpha->c != 1 ||
        alpha->w != frame->w || alpha->h != frame->h || out->w != frame->w ||
        out->h != frame->h || !(sigma > 0))
        return -1;
    const int w = frame->w, h = frame->h;
    int d = (int)(sigma / 3.0f);
    d = d < 1 ? 1 : d;
    const int lw = (w + d - 1) / d, lh = (h + d - 1) / d;
    /* Premultiplied low-resolution planes: R*wt, G*wt, B*wt, wt, each a box
     * average over a d x d block (partial blocks at the right and bottom). */
    arv_fimage low;
    if (arv_fimage_alloc(&low, lw, lh, 4) != 0)
        return -1;
    for (int y = 0; y < h; y++) {
        const uint8_t *p = arv_image_row(frame, y);
        const float *a = alpha->data + (size_t)y * w;
        float *l = low.data + (size_t)(y / d) * lw * 4;
        for (int x = 0; x < w; x++) {
            float av = a[x] > 0 ? (a[x] < 1 ? a[x] : 1) : 0;
            float wt = 1.0f - av + BG_EPS;
            float *q = l + (size_t)(x / d) * 4;
            q[0] += wt * p[3 * x];
            q[1] += wt * p[3 * x + 1];
            q[2] += wt * p[3 * x + 2];
            q[3] += wt;
        }
    }
    /* (No division by the block's pixel count: every channel carries the
     * same factor and the ratio below cancels it; partial blocks are then
     * weighted by their real area, which is right.) */
    if (arv_blur_fimage(&low, &low, sigma / d, 0) != 0) {
        arv_fimage_free(&low);
        return -1;
    }
    /* Upsample (bilinear, block centres at (j + 0.5) d - 0.5) and composite
     * the sharp frame over the normalized background. */
    int *x0 = malloc((size_t)w * 2 * sizeof *x0);
    float *fx = malloc((size_t)w * sizeof *fx);
    if (!x0 || !fx) {
        free(x0), free(fx);
        arv_fimage_free(&low);
        return -1;
    }
    int *x1 = x0 + w;
    for (int x = 0; x < w; x++) {
        float u = (x + 0.5f) / d - 0.5f, fl = floorf(u);
        int i = (int)fl;
        fx[x] = u - fl;
        x0[x] = (i < 0 ? 0 : i >= lw ? lw - 1 : i) * 4;
        x1[x] = (i + 1 < 0 ? 0 : i + 1 >= lw ? lw - 1 : i + 1) * 4;
    }
    for (int y = 0; y < h; y++) {
        float v = (y + 0.5f) / d - 0.5f, fl = floorf(v), fy = v - fl;
        int j = (int)fl;
        const float *r0 = low.data + (size_t)(j < 0 ? 0 : j >= lh ? lh - 1 : j) * lw * 4;
        const float *r1 = low.data + (size_t)(j + 1 < 0 ? 0 : j + 1 >= lh ? lh - 1 : j + 1) * lw * 4;
        const uint8_t *p = arv_image_row(frame, y);
        const float *a = alpha->data + (size_t)y * w;
        uint8_t *o = arv_image_row(out, y);
        for (int x = 0; x < w; x++) {
            float s[4];
            for (int c = 0; c < 4; c++) {
                float t = r0[x0[x] + c] + fx[x] * (r0[x1[x] + c] - r0[x0[x] + c]);
                float b = r1[x0[x] + c] + fx[x] * (r1[x1[x] + c] - r1[x0[x] + c]);
                s[c] = t + fy * (b - t);
            }
            float av = a[x] > 0 ? (a[x] < 1 ? a[x] : 1) : 0;
            float inv = s[3] > 0 ? 1.0f / s[3] : 0;
            for (int c = 0; c < 3; c++) {
                float bg = s[c] * inv;
                float v2 = bg + av * (p[3 * x + c] - bg) + 0.5f;
                o[3 * x + c] = (uint8_t)(v2 < 0 ? 0 : v2 > 255 ? 255 : v2);
            }
        }
    }
    free(x0), free(fx);
    arv_fimage_free(&low);
    return 0;
}

int arv_seg_harmonize(arv_image *fg, const arv_fimage *alpha, const arv_image *bg,
                      const uint8_t colour[3], float strength)
{
    if (!fg || !alpha || (!bg && !colour))
        return -1;
    arv_colour_stats from, to;
    if (arv_colour_stats_compute(fg, alpha, 0, ARV_SPACE_LAB, &from) != 0)
        return -1;
    if (from.weight <= 0)
        return 0;   /* nobody there */
    if (bg) {
        if (arv_colour_stats_compute(bg, NULL, 0, ARV_SPACE_LAB, &to) != 0)
            return -1;
    } else {
        /* A flat colour has no spread to match: move the means only. */
        float lab[3];
        arv_srgb_to_lab(colour, lab);
        for (int c = 0; c < 3; c++) {
            to.mean[c] = lab[c];
            to.std[c] = from.std[c];
        }
        to.weight = 1;
    }
    return arv_colour_transfer(fg, alpha, &from, &to, strength, ARV_SPACE_LAB);
}
