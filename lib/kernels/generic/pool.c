/* MAX_POOL_2D and AVERAGE_POOL_2D, float32, as tflite::reference_ops. The
 * window is clipped to the input, so padding cells never count. */
#include "generic.h"

#include <float.h>

/* One output pixel's clipped window, shared by both pools. */
typedef struct window {
    int y0, y1, x0, x1;   /* input rows [y0, y1), cols [x0, x1) */
} window;

static window clip_window(const arv_pool_geom *g, int oy, int ox)
{
    window wd;
    int k0, k1;
    const int ys = oy * g->stride_h - g->pad_top;
    const int xs = ox * g->stride_w - g->pad_left;
    arv_ref_tap_range(ys, g->k_h, 1, g->in_h, &k0, &k1);
    wd.y0 = ys + k0;
    wd.y1 = ys + k1;
    arv_ref_tap_range(xs, g->k_w, 1, g->in_w, &k0, &k1);
    wd.x0 = xs + k0;
    wd.x1 = xs + k1;
    return wd;
}

void arv_ref_max_pool_f32(const arv_pool_geom *g, const float *in, float *out,
                          int row_begin, int row_end)
{
    const int c = g->c;
    const size_t in_row = (size_t)g->in_w * (size_t)c;
    for (int r = row_begin; r < row_end; r++) {
        const int b = r / g->out_h, oy = r % g->out_h;
        const float *in_b = in + (size_t)b * (size_t)g->in_h * in_row;
        for (int ox = 0; ox < g->out_w; ox++) {
            const window wd = clip_window(g, oy, ox);
            float *o = out + ((size_t)r * (size_t)g->out_w + (size_t)ox) *
                                 (size_t)c;
            /* TFLite starts from the lowest float and keeps the old maximum
             * unless the new value compares greater, so NaNs are skipped. */
            for (int ch = 0; ch < c; ch++)
                o[ch] = -FLT_MAX;
            for (int y = wd.y0; y < wd.y1; y++) {
                for (int x = wd.x0; x < wd.x1; x++) {
                    const float *ip =
                        in_b + (size_t)y * in_row + (size_t)x * (size_t)c;
                    for (int ch = 0; ch < c; ch++)
                        if (o[ch] < ip[ch])
                            o[ch] = ip[ch];
                }
            }
            for (int ch = 0; ch < c; ch++)
                o[ch] = arv_ref_act(o[ch], g->act_min, g->act_max);
        }
    }
}

void arv_ref_avg_pool_f32(const arv_pool_geom *g, const float *in, float *out,
                          int row_begin, int row_end)
{
    const int c = g->c;
    const size_t in_row = (size_t)g->in_w * (size_t)c;
    for (int r = row_begin; r < row_end; r++) {
        const int b = r / g->out_h, oy = r % g->out_h;
        const float *in_b = in + (size_t)b * (size_t)g->in_h * in_row;
        for (int ox = 0; ox < g->out_w; ox++) {
            const window wd = clip_window(g, oy, ox);
            float *o = out + ((size_t)r * (size_t)g->out_w + (size_t)ox) *
                                 (size_t)c;
            /* An empty window (only possible with inconsistent geometry)
             * gives 0/0 = NaN, as TFLite would. */
            int cells = 0;
            if (wd.y1 > wd.y0 && wd.x1 > wd.x0)
                cells = (wd.y1 - wd.y0) * (wd.x1 - wd.x0);
            const float count = (float)cells;
            for (int ch = 0; ch < c; ch++)
                o[ch] = 0.0f;
            for (int y = wd.y0; y < wd.y1; y++) {
                for (int x = wd.x0; x < wd.x1; x++) {
                    const float *ip =
                        in_b + (size_t)y * in_row + (size_t)x * (size_t)c;
                    for (int ch = 0; ch < c; ch++)
                        o[ch] += ip[ch];
                }
            }
            for (int ch = 0; ch < c; ch++)
                o[ch] = arv_ref_act(o[ch] / count, g->act_min, g->act_max);
        }
    }
}
