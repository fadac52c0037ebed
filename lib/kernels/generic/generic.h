/* generic.h — the portable C reference kernels behind arv_kernels_generic.
 *
 * These follow TensorFlow Lite's reference kernels (float32), including the
 * order in which products are accumulated, so that other ISAs can be tested
 * against them and whole models match TFLite. Private to lib/kernels.
 */
#ifndef ARV_KERNELS_GENERIC_H
#define ARV_KERNELS_GENERIC_H

#include "kernels/kernels.h"

void arv_ref_conv2d_f32(const arv_conv_geom *g, const float *in,
                        const float *w, const float *bias, float *out,
                        int row_begin, int row_end);
void arv_ref_depthwise_f32(const arv_conv_geom *g, const float *in,
                           const float *w, const float *bias, float *out,
                           int row_begin, int row_end);
void arv_ref_transpose_conv_f32(const arv_conv_geom *g, const float *in,
                                const float *w, const float *bias, float *out,
                                int row_begin, int row_end);
void arv_ref_fully_connected_f32(int batches, int in_dim, int out_dim,
                                 const float *in, const float *w,
                                 const float *bias, float act_min,
                                 float act_max, float *out, int row_begin,
                                 int row_end);
void arv_ref_max_pool_f32(const arv_pool_geom *g, const float *in, float *out,
                          int row_begin, int row_end);
void arv_ref_avg_pool_f32(const arv_pool_geom *g, const float *in, float *out,
                          int row_begin, int row_end);
void arv_ref_binary_f32(arv_binary_op op, const arv_bcast4 *s, const float *a,
                        const float *b, float act_min, float act_max,
                        float *out);
void arv_ref_prelu_f32(const arv_bcast4 *s, const float *x, const float *alpha,
                       float *out);
void arv_ref_clamp_f32(size_t n, const float *in, float lo, float hi,
                       float *out);
void arv_ref_logistic_f32(size_t n, const float *in, float *out);
void arv_ref_hard_swish_f32(size_t n, const float *in, float *out);
void arv_ref_concat_f32(int n_inputs, const float *const *ins,
                        const int *sizes, size_t outer, size_t inner,
                        float *out);
void arv_ref_pad4_f32(const int in_dims[4], const int before[4],
                      const int after[4], const float *in, float *out);
void arv_ref_mean4_f32(const int in_dims[4], const int reduce[4],
                       const float *in, float *out);
void arv_ref_resize_bilinear_f32(const arv_resize_geom *g, const float *in,
                                 float *out);
void arv_ref_depth_to_space_f32(int batch, int in_h, int in_w, int in_c,
                                int block, const float *in, float *out);

/* TFLite's ActivationFunctionWithMinMax: std::min(std::max(x, lo), hi).
 * Written with comparisons rather than fminf/fmaxf so that a NaN input stays
 * NaN, as it does in TFLite. */
static inline float arv_ref_act(float x, float lo, float hi)
{
    float t = (x < lo) ? lo : x;
    return (hi < t) ? hi : t;
}

/* The taps k in [*k0, *k1) of a window starting at input coordinate `start`
 * (k taps, `dil` apart) that land inside [0, in). Empty ranges give k0 >= k1.
 * Computing this once per output pixel keeps bounds checks out of the
 * accumulation loops. */
static inline void arv_ref_tap_range(int start, int k, int dil, int in,
                                     int *k0, int *k1)
{
    int lo = 0, hi = k;
    if (start < 0)
        lo = (-start + dil - 1) / dil;
    int room = in - 1 - start;   /* last in-bounds offset from start */
    if (room < 0)
        hi = 0;
    else if (room / dil + 1 < hi)
        hi = room / dil + 1;
    *k0 = lo;
    *k1 = hi;
}

#endif
