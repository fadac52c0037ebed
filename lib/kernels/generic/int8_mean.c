/* int8_mean.c — int8 MEAN with TensorFlow Lite's two integer paths.
 *
 * Over height and width of a 4-D tensor (keep_dims): the sum of the raw
 * int8 values, times one fixed-point multiplier in_scale / (count *
 * out_scale), plus a bias that folds both zero points (TFLite's optimized
 * int8 Mean, which the default build runs for this case).
 * Any other axes: the int32 sum of raw values, then in float: mean = sum /
 * count; round(mean * s + b) + out_zp with s = in_scale / out_scale and
 * b = -in_zp * s, saturated (TFLite's QuantizedMeanOrSum). */
#include <math.h>
#include "kernels/kernels_int8.h"

void arv_q8_mean_hw_prepare(float in_scale, int32_t in_zp, float out_scale, int32_t out_zp,
                            int count, int32_t *mult, int *shift, int32_t *bias)
{
    const float n = (float)count;
    float t = (float)in_zp * in_scale / out_scale;
    t = t > 0 ? t + 0.5f : t - 0.5f;
    *bias = out_zp - (int32_t)t;
    const float real = in_scale / (n * out_scale);
    arv_q_quantize_mult((double)real, mult, shift);
}

/* Channel sums of one batch over h*w pixels for channels [c0, c0 + n),
 * n <= MEAN_CHUNK: pixel-major, so the reads are contiguous (a channel-major
 * loop strides by c and was 10x slower on selfie_landscape's SE blocks). */
#define MEAN_CHUNK 256
static void chan_sums(const int8_t *restrict ib, size_t hw, int c, int c0, int n,
                      int32_t *restrict acc)
{
    for (int j = 0; j < n; j++)
        acc[j] = 0;
    const int n16 = n & ~15;
    for (size_t k = 0; k < hw; k++) {
        const int8_t *px = ib + k * (size_t)c + (size_t)c0;
        /* blocks of a fixed 16 so that -O2's cheap vectorizer takes them */
        for (int j0 = 0; j0 < n16; j0 += 16)
            for (int j = 0; j < 16; j++)
                acc[j0 + j] += px[j0 + j];
        for (int j = n16; j < n; j++)
            acc[j] += px[j];
    }
}

void arv_q8_mean_hw(int batch, int h, int w, int c, int32_t mult, int shift, int32_t bias,
                    const int8_t *in, int8_t *out, int c_begin, int c_end)
{
    int32_t acc[MEAN_CHUNK];
    for (int b = 0; b < batch; b++) {
        const int8_t *ib = in + (size_t)b * (size_t)h * (size_t)w * (size_t)c;
        for (int c0 = c_begin; c0 < c_end; c0 += MEAN_CHUNK) {
            const int n = c_end - c0 < MEAN_CHUNK ? c_end - c0 : MEAN_CHUNK;
            chan_sums(ib, (size_t)h * (size_t)w, c, c0, n, acc);
            for (int j = 0; j < n; j++) {
                int32_t v = arv_q_mul_by_mult(acc[j], mult, shift) + bias;
                v = v < -128 ? -128 : v > 127 ? 127 : v;
                out[(size_t)b * (size_t)c + (size_t)(c0 + j)] = (int8_t)v;
            }
        }
    }
}

void arv_q8_mean4(const int in_dims[4], const int reduce[4], float in_scale, int32_t in_zp,
                  float out_scale, int32_t out_zp, const int8_t *in, int8_t *out)
{
    int od[4];
    size_t count = 1;
    for (int d = 0; d < 4; d++) {
        od[d] = reduce[d] ? 1 : in_dims[d];
        if (reduce[d])
            count *= (size_t)in_dims[d];
    }
    const float s = in_scale / out_scale;
    const float bias = (float)(-in_zp) * s;
    size_t o = 0;
    for (int a = 0; a < od[0]; a++)
        for (int b = 0; b < od[1]; b++)
            for (int c = 0; c < od[2]; c++)
                for (int e = 0; e < od[3]; e++, o++) {
                    int32_t sum = 0;
                    const int n0 = reduce[0] ? in_dims[0] : 1, n1 = reduce[1] ? in_dims[1] : 1;
                    const int n2 = reduce[2] ? in_dims[2] : 1, n3 = reduce[3] ? in_dims[3] : 1;
                    for (int i0 = 0; i0 < n0; i0++)
                        for (int i1 = 0; i1 < n1; i1++)
                            for (int i2 = 0; i2 < n2; i2++)
                                for (int i3 = 0; i3 < n3; i3++) {
                                    size_t x0 = reduce[0] ? (size_t)i0 : (size_t)a;
                                    size_t x1 = reduce[1] ? (size_t)i1 : (size_t)b;
                                    size_t x2 = reduce[2] ? (size_t)i2 : (size_t)c;
                                    size_t x3 = reduce[3] ? (size_t)i3 : (size_t)e;
                                    sum += in[((x0 * (size_t)in_dims[1] + x1) *
                                                   (size_t)in_dims[2] + x2) *
                                                  (size_t)in_dims[3] + x3];
                                }
                    if (count == 0) {
                        out[o] = (int8_t)out_zp;
                        continue;
                    }
                    const float mean = (float)sum / (float)count;
                    float r = roundf(mean * s + bias) + (float)out_zp;
                    r = r > 127.0f ? 127.0f : r;
                    r = r < -128.0f ? -128.0f : r;
                    out[o] = (int8_t)r;
                }
}

void arv_q8_mean_hw_fp32(int batch, int h, int w, int c, float scale, int32_t in_zp,
                         int32_t out_zp, const int8_t *in, int8_t *out, int c_begin, int c_end)
{
    const int32_t count = h * w, bias = -count * in_zp;
    int32_t acc[MEAN_CHUNK];
    for (int b = 0; b < batch; b++) {
        const int8_t *ib = in + (size_t)b * (size_t)h * (size_t)w * (size_t)c;
        for (int c0 = c_begin; c0 < c_end; c0 += MEAN_CHUNK) {
            const int n = c_end - c0 < MEAN_CHUNK ? c_end - c0 : MEAN_CHUNK;
            chan_sums(ib, (size_t)count, c, c0, n, acc);
            for (int j = 0; j < n; j++)
                out[(size_t)b * (size_t)c + (size_t)(c0 + j)] =
                    (int8_t)arv_q_fp32_requant(acc[j] + bias, scale, out_zp, -128, 127);
        }
    }
}
