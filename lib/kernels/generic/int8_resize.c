/* int8_resize.c — RESIZE_BILINEAR on int8 with TFLite's integer kernel
 * (ResizeBilinearInteger): positions in 10-bit fixed point, the four
 * weights' product in 20 bits, rounded half away from zero (TFLite's
 * default double-rounding build). Values are interpolated raw: input and
 * output share their quantization. */
#include <math.h>
#include "kernels/kernels_int8.h"

#define RESIZE_T int8_t
#define RESIZE_FN arv_q8_resize_bilinear
#include "resize_integer.inc"

void arv_q8_resize_bilinear_q11(const arv_resize_geom *g, const int8_t *in, int8_t *out,
                                int row_begin, int row_end)
{
    const size_t c = (size_t)g->c;
    for (int r = row_begin; r < row_end; r++) {
        const int b = r / g->out_h, y = r % g->out_h;
        int y0, y1, x0, x1;
        int32_t ay, ax;
        arv_q11_axis(y, g->in_h, g->out_h, g->align_corners, g->half_pixel_centers, &y0, &y1, &ay);
        const int8_t *ib = in + (size_t)b * (size_t)g->in_h * (size_t)g->in_w * c;
        int8_t *o = out + ((size_t)b * (size_t)g->out_h + (size_t)y) * (size_t)g->out_w * c;
        for (int x = 0; x < g->out_w; x++) {
            arv_q11_axis(x, g->in_w, g->out_w, g->align_corners, g->half_pixel_centers, &x0, &x1,
                     &ax);
            const int8_t *tl = ib + ((size_t)y0 * (size_t)g->in_w + (size_t)x0) * c;
            const int8_t *tr = ib + ((size_t)y0 * (size_t)g->in_w + (size_t)x1) * c;
            const int8_t *bl = ib + ((size_t)y1 * (size_t)g->in_w + (size_t)x0) * c;
            const int8_t *br = ib + ((size_t)y1 * (size_t)g->in_w + (size_t)x1) * c;
            for (size_t k = 0; k < c; k++) {
                /* Horizontal lerps in 11 fractional bits, the vertical one
                 * in 22, rounded half up by an arithmetic shift. */
                const int32_t t = tl[k] * 2048 + (tr[k] - tl[k]) * ax;
                const int32_t bt = bl[k] * 2048 + (br[k] - bl[k]) * ax;
                const int32_t acc = t * 2048 + (bt - t) * ay;
                o[(size_t)x * c + k] = (int8_t)((acc + (1 << 21)) >> 22);
            }
        }
    }
}
