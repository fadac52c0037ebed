/* int16_resize.c — RESIZE_BILINEAR on int16 as TensorFlow Lite runs it:
 * resize_bilinear.cc sends int16 to reference_ops::ResizeBilinearInteger
 * (XNNPACK takes no int16), the same integer scheme as int8_resize.c's
 * reference kernel: positions in 10-bit fixed point, the four weights'
 * products summed in int64 (20 fractional bits), rounded half away from
 * zero. Input and output share their scale (zero points 0). */
#include "kernels/kernels_int8.h"

static void interp_values(int32_t v, int32_t scale10, int half_pixel, int32_t size,
                          int32_t *scaled, int32_t *lo, int32_t *hi)
{
    *scaled = half_pixel ? v * scale10 + scale10 / 2 - (1 << 9) : v * scale10;
    const int32_t l = *scaled / (1 << 10);   /* truncating, as TFLite's */
    *lo = l > 0 ? l : 0;
    const int32_t h = (*scaled + (1 << 10) - 1) / (1 << 10);
    *hi = h < size - 1 ? h : size - 1;
}

static int32_t scale10_of(int in, int out, int align_corners)
{
    if (align_corners && out > 1)
        return (int32_t)(((int64_t)(1 << 10) * (in - 1) + (out - 1) / 2) / (out - 1));
    return (int32_t)(((int64_t)(1 << 10) * in + out / 2) / out);
}

void arv_q16_resize_bilinear(const arv_resize_geom *g, const int16_t *in, int16_t *out,
                             int row_begin, int row_end)
{
    const int32_t sh = scale10_of(g->in_h, g->out_h, g->align_corners);
    const int32_t sw = scale10_of(g->in_w, g->out_w, g->align_corners);
    const size_t c = (size_t)g->c;
    for (int r = row_begin; r < row_end; r++) {
        const int b = r / g->out_h, y = r % g->out_h;
        int32_t iy, y0, y1;
        interp_values(y, sh, g->half_pixel_centers, g->in_h, &iy, &y0, &y1);
        const int16_t *ib = in + (size_t)b * (size_t)g->in_h * (size_t)g->in_w * c;
        int16_t *o = out + ((size_t)b * (size_t)g->out_h + (size_t)y) * (size_t)g->out_w * c;
        const int64_t wy1 = iy - (1 << 10) * y0, wy0 = (1 << 10) - wy1;
        for (int x = 0; x < g->out_w; x++) {
            int32_t ix, x0, x1;
            interp_values(x, sw, g->half_pixel_centers, g->in_w, &ix, &x0, &x1);
            const int64_t wx1 = ix - (1 << 10) * x0, wx0 = (1 << 10) - wx1;
            const int16_t *p00 = ib + ((size_t)y0 * (size_t)g->in_w + (size_t)x0) * c;
            const int16_t *p10 = ib + ((size_t)y1 * (size_t)g->in_w + (size_t)x0) * c;
            const int16_t *p01 = ib + ((size_t)y0 * (size_t)g->in_w + (size_t)x1) * c;
            const int16_t *p11 = ib + ((size_t)y1 * (size_t)g->in_w + (size_t)x1) * c;
            for (size_t k = 0; k < c; k++) {
                const int64_t v = p00[k] * wy0 * wx0 + p10[k] * wy1 * wx0 +
                                  p01[k] * wy0 * wx1 + p11[k] * wy1 * wx1;
                const int64_t rnd = v > 0 ? (1 << 19) : -(1 << 19);
                o[(size_t)x * c + k] = (int16_t)((v + rnd) / (1 << 20));
            }
        }
    }
}
