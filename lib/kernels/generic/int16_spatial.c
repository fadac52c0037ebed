/* int16_spatial.c — MAX_POOL_2D, AVERAGE_POOL_2D and PAD on int16, as
 * TensorFlow Lite's builtin kernels run them (pooling.cc takes
 * reference_integer_ops::MaxPool / AveragePool for int16 whatever the
 * kernel_type; pad.cc pads int16 with the zero point, 0).
 * Pools: over the taps inside the input only; the average is the int32 sum
 * divided by that tap count, rounded half away from zero; then the fused
 * activation's clamp. The values keep their scale (zero points are 0). */
#include <string.h>
#include "kernels/kernels_int8.h"

static void clip(const arv_pool_geom *g, int oy, int ox, int *y0, int *y1, int *x0, int *x1)
{
    const int ys = oy * g->stride_h - g->pad_top, xs = ox * g->stride_w - g->pad_left;
    *y0 = ys < 0 ? 0 : ys;
    *y1 = ys + g->k_h > g->in_h ? g->in_h : ys + g->k_h;
    *x0 = xs < 0 ? 0 : xs;
    *x1 = xs + g->k_w > g->in_w ? g->in_w : xs + g->k_w;
}

void arv_q16_pool(int avg, const arv_pool_geom *g, int32_t act_min, int32_t act_max,
                  const int16_t *in, int16_t *out, int row_begin, int row_end)
{
    const int c = g->c;
    for (int r = row_begin; r < row_end; r++) {
        const int b = r / g->out_h, oy = r % g->out_h;
        const int16_t *in_b = in + (size_t)b * g->in_h * g->in_w * c;
        for (int ox = 0; ox < g->out_w; ox++) {
            int y0, y1, x0, x1;
            clip(g, oy, ox, &y0, &y1, &x0, &x1);
            const int32_t count = (y1 - y0) * (x1 - x0);
            int16_t *o = out + ((size_t)r * g->out_w + ox) * c;
            for (int ch = 0; ch < c; ch++) {
                int32_t acc = avg ? 0 : act_min;
                for (int y = y0; y < y1; y++)
                    for (int x = x0; x < x1; x++) {
                        const int32_t v = in_b[((size_t)y * g->in_w + x) * c + ch];
                        if (avg)
                            acc += v;
                        else if (v > acc)
                            acc = v;
                    }
                if (avg)
                    acc = count <= 0 ? 0
                          : acc > 0  ? (acc + count / 2) / count
                                     : (acc - count / 2) / count;
                acc = acc < act_min ? act_min : acc > act_max ? act_max : acc;
                o[ch] = (int16_t)acc;
            }
        }
    }
}

void arv_q16_pad4(const int d[4], const int before[4], const int after[4], const int16_t *in,
                  int16_t *out)
{
    const int od[4] = {d[0] + before[0] + after[0], d[1] + before[1] + after[1],
                       d[2] + before[2] + after[2], d[3] + before[3] + after[3]};
    for (int i0 = 0; i0 < od[0]; i0++)
        for (int i1 = 0; i1 < od[1]; i1++)
            for (int i2 = 0; i2 < od[2]; i2++) {
                int16_t *o = out + (((size_t)i0 * od[1] + i1) * od[2] + i2) * od[3];
                const int s0 = i0 - before[0], s1 = i1 - before[1], s2 = i2 - before[2];
                memset(o, 0, sizeof *o * (size_t)od[3]);
                if (s0 < 0 || s0 >= d[0] || s1 < 0 || s1 >= d[1] || s2 < 0 || s2 >= d[2])
                    continue;
                memcpy(o + before[3], in + (((size_t)s0 * d[1] + s1) * d[2] + s2) * d[3],
                       sizeof *o * (size_t)d[3]);
            }
}

/* CONCATENATION: TFLite requires every int16 input to carry the output's
 * scale, so the values are copied as they are. */
void arv_q16_concat(int n_inputs, const int16_t *const *ins, const int *sizes, size_t outer,
                    size_t inner, int16_t *out)
{
    for (size_t o = 0; o < outer; o++)
        for (int i = 0; i < n_inputs; i++) {
            const size_t len = (size_t)sizes[i] * inner;
            memcpy(out, ins[i] + o * len, len * sizeof *out);
            out += len;
        }
}
