/* RESIZE_BILINEAR, float32, following tflite::reference_ops::ResizeBilinear
 * operation for operation (float scale, float source coordinate, weights from
 * the unclamped coordinate), since the rounding is part of the result. */
#include "generic.h"

#include <math.h>

typedef struct src_coord {
    int lo, hi;      /* the two input indices sampled */
    float frac;      /* weight of hi; lo gets 1 - frac */
} src_coord;

static float axis_scale(int in, int out, int align_corners)
{
    if (align_corners && out > 1)
        return (float)(in - 1) / (float)(out - 1);
    return (float)in / (float)out;
}

static src_coord map_coord(int v, float scale, int half_pixel, int in)
{
    src_coord c;
    const float fv = (float)v;
    const float s = half_pixel ? (fv + 0.5f) * scale - 0.5f : fv * scale;
    const int fl = (int)floorf(s);
    const int ce = (int)ceilf(s);
    c.lo = fl > 0 ? fl : 0;
    c.hi = ce < in - 1 ? ce : in - 1;
    /* Near the borders s may lie outside [lo, hi]; TFLite still weights by
     * s - lo, and since both weights then sample the same clamped index
     * (lo == hi) they sum to one. */
    c.frac = s - (float)c.lo;
    return c;
}

void arv_ref_resize_bilinear_f32(const arv_resize_geom *g, const float *in,
                                 float *out)
{
    const int c = g->c;
    const float sy = axis_scale(g->in_h, g->out_h, g->align_corners);
    const float sx = axis_scale(g->in_w, g->out_w, g->align_corners);
    const size_t in_row = (size_t)g->in_w * (size_t)c;
    float *o = out;

    for (int b = 0; b < g->batch; b++) {
        const float *in_b = in + (size_t)b * (size_t)g->in_h * in_row;
        for (int y = 0; y < g->out_h; y++) {
            const src_coord cy = map_coord(y, sy, g->half_pixel_centers,
                                           g->in_h);
            const float wy1 = cy.frac, wy0 = 1.0f - cy.frac;
            const float *r0 = in_b + (size_t)cy.lo * in_row;
            const float *r1 = in_b + (size_t)cy.hi * in_row;
            for (int x = 0; x < g->out_w; x++, o += c) {
                const src_coord cx = map_coord(x, sx, g->half_pixel_centers,
                                               g->in_w);
                const float wx1 = cx.frac, wx0 = 1.0f - cx.frac;
                const float *p00 = r0 + (size_t)cx.lo * (size_t)c;
                const float *p10 = r1 + (size_t)cx.lo * (size_t)c;
                const float *p01 = r0 + (size_t)cx.hi * (size_t)c;
                const float *p11 = r1 + (size_t)cx.hi * (size_t)c;
                /* Same association as TFLite: ((v * wy) * wx), summed left
                 * to right. */
                for (int ch = 0; ch < c; ch++)
                    o[ch] = p00[ch] * wy0 * wx0 + p10[ch] * wy1 * wx0 +
                            p01[ch] * wy0 * wx1 + p11[ch] * wy1 * wx1;
            }
        }
    }
}
