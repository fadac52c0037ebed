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

/* acc[i] += wt[i] * p[i], in blocks of 8 so that -O2's straight-line
 * vectorizer turns each block into vector code; scalar tail. */
static void mul_add_u8(float *restrict acc, const float *restrict wt, const uint8_t *restrict p,
                       size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; k++)
            acc[i + k] += wt[i + k] * (float)p[i + k];
    for (; i < n; i++)
        acc[i] += wt[i] * (float)p[i];
}

/* out[i] = round(bg[i] + a[i] * (fg[i] - bg[i])), same blocking. bg is a
 * weighted mean of pixels, so the value lies in [0.5, 255.5] give or take
 * float rounding, which the truncating cast absorbs: no clamp needed. out
 * may be fg. */
static void blend_u8(uint8_t *out, const uint8_t *fg, const float *restrict bg,
                     const float *restrict a, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        float v[8];
        for (int k = 0; k < 8; k++)
            v[k] = bg[i + k] + a[i + k] * ((float)fg[i + k] - bg[i + k]) + 0.5f;
        for (int k = 0; k < 8; k++)
            out[i + k] = (uint8_t)v[k];
    }
    for (; i < n; i++)
        out[i] = (uint8_t)(bg[i] + a[i] * ((float)fg[i] - bg[i]) + 0.5f);
}

int arv_seg_blur_background(const arv_image *frame, const arv_fimage *alpha, float sigma,
                            arv_image *out)
{
    if (!frame || !alpha || !out || frame->c != 3 || out->c != 3 || alpha->c != 1 ||
        alpha->w != frame->w || alpha->h != frame->h || out->w != frame->w ||
        out->h != frame->h || !(sigma > 0))
        return -1;
    const int w = frame->w, h = frame->h;
    /* Work on a grid d times coarser: a d x d box average, a gaussian there,
     * bilinear back up. The box adds a variance of about (d^2 - 1) / 12 and
     * the bilinear tent d^2 / 6 (per axis, in full-resolution pixels), so the
     * coarse gaussian gets what remains of sigma^2. d = sigma / 1.5 leaves it
     * about 1.4 coarse pixels: still well sampled, and the blurred picture
     * has nothing left near the coarse grid's Nyquist frequency (the
     * gaussian's response there is exp(-2 pi^2 (1.5)^2 / 4) < 1e-4). */
    int d = (int)(sigma / 1.5f);
    d = d < 1 ? 1 : d;
    const int lw = (w + d - 1) / d, lh = (h + d - 1) / d;
    float var = sigma * sigma - (d > 1 ? ((float)d * d - 1) / 12.0f + (float)d * d / 6.0f : 0.0f);
    float low_sigma = sqrtf(var > 0.25f * d * d ? var : 0.25f * d * d) / d;
    /* Premultiplied low-resolution planes: R*wt, G*wt, B*wt, wt, each a sum
     * over a d x d block (partial blocks at the right and bottom). The full-
     * resolution passes work on whole rows with the weight repeated per
     * channel (w3), in blocks of 8 (see mul_add_u8), so they vectorize. */
    arv_fimage low;
    if (arv_fimage_alloc(&low, lw, lh, 4) != 0)
        return -1;
    const size_t n3 = (size_t)w * 3;
    float *w3 = malloc(n3 * sizeof *w3);          /* per-channel weight or alpha */
    float *acc = malloc((n3 + (size_t)w) * sizeof *acc);   /* column sums + weight sums */
    float *bg = malloc(n3 * sizeof *bg);          /* one upsampled background row */
    float *row = malloc((size_t)lw * 3 * sizeof *row);
    int *x0 = malloc((size_t)w * 2 * sizeof *x0);
    float *fx = malloc((size_t)w * sizeof *fx);
    if (!w3 || !acc || !bg || !row || !x0 || !fx) {
        free(w3), free(acc), free(bg), free(row), free(x0), free(fx);
        arv_fimage_free(&low);
        return -1;
    }
    float *wacc = acc + n3;
    for (int ly = 0; ly < lh; ly++) {
        memset(acc, 0, (n3 + (size_t)w) * sizeof *acc);
        for (int y = ly * d; y < h && y < (ly + 1) * d; y++) {
            const float *a = alpha->data + (size_t)y * w;
            for (int x = 0; x < w; x++) {
                float av = a[x] > 0 ? (a[x] < 1 ? a[x] : 1) : 0;
                float wt = 1.0f - av + BG_EPS;
                w3[3 * x] = w3[3 * x + 1] = w3[3 * x + 2] = wt;
                wacc[x] += wt;
            }
            mul_add_u8(acc, w3, arv_image_row(frame, y), n3);
        }
        float *l = low.data + (size_t)ly * lw * 4;
        for (int x = 0; x < w; x++) {
            float *q = l + (size_t)(x / d) * 4;
            q[0] += acc[3 * x], q[1] += acc[3 * x + 1], q[2] += acc[3 * x + 2], q[3] += wacc[x];
        }
    }
    /* (No division by the block's pixel count: every channel carries the
     * same factor and the ratio below cancels it; partial blocks are then
     * weighted by their real area, which is right.) */
    if (arv_blur_fimage(&low, &low, low_sigma, 0) != 0) {
        free(w3), free(acc), free(bg), free(row), free(x0), free(fx);
        arv_fimage_free(&low);
        return -1;
    }
    /* The blurred background at low resolution: numerator / weight, in
     * place in the first three channels. */
    for (size_t i = 0, n = (size_t)lw * lh; i < n; i++) {
        float *q = low.data + 4 * i, inv = q[3] > 0 ? 1.0f / q[3] : 0;
        q[0] *= inv, q[1] *= inv, q[2] *= inv;
    }
    /* Upsample (bilinear, block centres at (j + 0.5) d - 0.5: first the two
     * rows, then along the row) and composite the sharp frame over it. */
    int *x1 = x0 + w;
    for (int x = 0; x < w; x++) {
        float u = (x + 0.5f) / d - 0.5f, fl = floorf(u);
        int i = (int)fl;
        fx[x] = u - fl;
        x0[x] = (i < 0 ? 0 : i >= lw ? lw - 1 : i) * 3;
        x1[x] = (i + 1 < 0 ? 0 : i + 1 >= lw ? lw - 1 : i + 1) * 3;
    }
    for (int y = 0; y < h; y++) {
        float v = (y + 0.5f) / d - 0.5f, fl = floorf(v), fy = v - fl;
        int j = (int)fl;
        const float *r0 = low.data + (size_t)(j < 0 ? 0 : j >= lh ? lh - 1 : j) * lw * 4;
        const float *r1 = low.data + (size_t)(j + 1 < 0 ? 0 : j + 1 >= lh ? lh - 1 : j + 1) * lw * 4;
        for (int i = 0; i < lw; i++)
            for (int c = 0; c < 3; c++)
                row[3 * i + c] = r0[4 * i + c] + fy * (r1[4 * i + c] - r0[4 * i + c]);
        const float *a = alpha->data + (size_t)y * w;
        for (int x = 0; x < w; x++) {
            const float *b0 = row + x0[x], *b1 = row + x1[x], f = fx[x];
            float av = a[x] > 0 ? (a[x] < 1 ? a[x] : 1) : 0;
            for (int c = 0; c < 3; c++) {
                bg[3 * x + c] = b0[c] + f * (b1[c] - b0[c]);
                w3[3 * x + c] = av;
            }
        }
        blend_u8(arv_image_row(out, y), arv_image_row(frame, y), bg, w3, n3);
    }
    free(w3), free(acc), free(bg), free(row), free(x0), free(fx);
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
