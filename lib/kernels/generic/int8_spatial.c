/* int8_spatial.c — MAX_POOL_2D, AVERAGE_POOL_2D, PAD and CONCATENATION on
 * int8, as TFLite's reference kernels. Pools keep the input's quantization
 * (TFLite requires equal input and output scale/zero point), so they work on
 * the stored integers directly. */
#include <math.h>
#include <string.h>
#include "kernels/kernels_int8.h"

/* The pool window of one output pixel, clipped to the input. */
static void clip(const arv_pool_geom *g, int oy, int ox, int *y0, int *y1, int *x0, int *x1)
{
    const int ys = oy * g->stride_h - g->pad_top, xs = ox * g->stride_w - g->pad_left;
    *y0 = ys < 0 ? 0 : ys;
    *y1 = ys + g->k_h > g->in_h ? g->in_h : ys + g->k_h;
    *x0 = xs < 0 ? 0 : xs;
    *x1 = xs + g->k_w > g->in_w ? g->in_w : xs + g->k_w;
}

void arv_q8_max_pool(const arv_pool_geom *g, int32_t act_min, int32_t act_max,
                     const int8_t *in, int8_t *out, int row_begin, int row_end)
{
    const int c = g->c;
    for (int r = row_begin; r < row_end; r++) {
        const int b = r / g->out_h, oy = r % g->out_h;
        const int8_t *in_b = in + (size_t)b * g->in_h * g->in_w * c;
        for (int ox = 0; ox < g->out_w; ox++) {
            int y0, y1, x0, x1;
            clip(g, oy, ox, &y0, &y1, &x0, &x1);
            int8_t *o = out + ((size_t)r * g->out_w + ox) * c;
            for (int ch = 0; ch < c; ch++) {
                int32_t m = -128;
                for (int y = y0; y < y1; y++)
                    for (int x = x0; x < x1; x++) {
                        const int32_t v = in_b[((size_t)y * g->in_w + x) * c + ch];
                        m = v > m ? v : m;
                    }
                m = m < act_min ? act_min : m > act_max ? act_max : m;
                o[ch] = (int8_t)m;
            }
        }
    }
}

void arv_q8_avg_pool(const arv_pool_geom *g, int32_t act_min, int32_t act_max,
                     const int8_t *in, int8_t *out, int row_begin, int row_end)
{
    const int c = g->c;
    for (int r = row_begin; r < row_end; r++) {
        const int b = r / g->out_h, oy = r % g->out_h;
        const int8_t *in_b = in + (size_t)b * g->in_h * g->in_w * c;
        for (int ox = 0; ox < g->out_w; ox++) {
            int y0, y1, x0, x1;
            clip(g, oy, ox, &y0, &y1, &x0, &x1);
            const int32_t count = (y1 - y0) * (x1 - x0);
            int8_t *o = out + ((size_t)r * g->out_w + ox) * c;
            for (int ch = 0; ch < c; ch++) {
                int32_t acc = 0;
                for (int y = y0; y < y1; y++)
                    for (int x = x0; x < x1; x++)
                        acc += in_b[((size_t)y * g->in_w + x) * c + ch];
                if (count <= 0) {
                    o[ch] = 0;
                    continue;
                }
                /* Round half away from zero, in integers (C division
                 * truncates toward zero). */
                acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
                acc = acc < act_min ? act_min : acc > act_max ? act_max : acc;
                o[ch] = (int8_t)acc;
            }
        }
    }
}

void arv_q8_pad4(const int d[4], const int before[4], const int after[4],
                 int8_t pad_value, const int8_t *in, int8_t *out)
{
    int od[4];
    for (int k = 0; k < 4; k++)
        od[k] = before[k] + d[k] + after[k];
    size_t o = 0;
    for (int i0 = 0; i0 < od[0]; i0++)
        for (int i1 = 0; i1 < od[1]; i1++)
            for (int i2 = 0; i2 < od[2]; i2++)
                for (int i3 = 0; i3 < od[3]; i3++, o++) {
                    const int j0 = i0 - before[0], j1 = i1 - before[1];
                    const int j2 = i2 - before[2], j3 = i3 - before[3];
                    if (j0 < 0 || j0 >= d[0] || j1 < 0 || j1 >= d[1] || j2 < 0 ||
                        j2 >= d[2] || j3 < 0 || j3 >= d[3])
                        out[o] = pad_value;
                    else
                        out[o] = in[(((size_t)j0 * d[1] + j1) * d[2] + j2) * d[3] + j3];
                }
}

void arv_q8_concat(int n_inputs, const int8_t *const *ins, const int *sizes,
                   const float *scales, const int32_t *zps, float out_scale,
                   int32_t out_zp, size_t outer, size_t inner, int8_t *out)
{
    const float inv = 1.0f / out_scale;
    int8_t *o = out;
    for (size_t k = 0; k < outer; k++) {
        for (int i = 0; i < n_inputs; i++) {
            const size_t n = (size_t)sizes[i] * inner;
            const int8_t *ip = ins[i] + k * n;
            if (scales[i] == out_scale && zps[i] == out_zp) {
                memcpy(o, ip, n);
            } else {
                /* TFLite's ConcatenationWithScaling: float rescale,
                 * std::round, then the output zero point. */
                const float s = scales[i] * inv;
                const float bias = -(float)zps[i] * s;
                for (size_t j = 0; j < n; j++) {
                    int32_t v = (int32_t)roundf((float)ip[j] * s + bias) + out_zp;
                    o[j] = (int8_t)(v < -128 ? -128 : v > 127 ? 127 : v);
                }
            }
            o += n;
        }
    }
}
