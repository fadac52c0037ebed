/* simd_kernels.h — the kernels every SIMD table (AVX2, AVX-512, NEON) adds
 * to the generic ones. Each body is written once (the .inc files in kernels/simd,
 * in the vocabulary of the ISA's simd.h) and compiled per ISA with its own flags;
 * the names carry the ISA as a suffix. Private to lib/kernels. */
#ifndef ARV_SIMD_KERNELS_H
#define ARV_SIMD_KERNELS_H

#include "kernels/kernels.h"

#define ARV_SIMD_DECLARE(isa)                                                         \
    size_t arv_conv2d_packed_size_##isa(const arv_conv_geom *g, const float *w);     \
    void arv_conv2d_pack_##isa(const arv_conv_geom *g, const float *w,               \
                               const float *bias, void *packed);                     \
    void arv_conv2d_packed_##isa(const arv_conv_geom *g, const float *in,            \
                                 const void *packed, float *out, int row_begin,      \
                                 int row_end);                                       \
    int arv_conv2d_packed_ep_##isa(const arv_conv_geom *g, const float *in,          \
                                   const void *packed, float *out, int row_begin,    \
                                   int row_end, const arv_conv_epilogue *ep);        \
    void arv_transpose_conv_##isa(const arv_conv_geom *g, const float *in,            \
                                  const float *w, const float *bias, float *out,     \
                                  int row_begin, int row_end);                       \
    void arv_depthwise_##isa(const arv_conv_geom *g, const float *in, const float *w, \
                             const float *bias, float *out, int row_begin,           \
                             int row_end);                                           \
    void arv_binary_##isa(arv_binary_op op, const arv_bcast4 *s, const float *a,     \
                          const float *b, float act_min, float act_max, float *out); \
    void arv_prelu_##isa(const arv_bcast4 *s, const float *x, const float *alpha,    \
                         float *out);                                                \
    void arv_clamp_##isa(size_t n, const float *in, float lo, float hi, float *out); \
    void arv_logistic_##isa(size_t n, const float *in, float *out);                  \
    void arv_hard_swish_##isa(size_t n, const float *in, float *out);                \
    void arv_max_pool_##isa(const arv_pool_geom *g, const float *in, float *out,     \
                            int row_begin, int row_end);                             \
    void arv_avg_pool_##isa(const arv_pool_geom *g, const float *in, float *out,     \
                            int row_begin, int row_end);                             \
    void arv_mean4_##isa(const int in_dims[4], const int reduce[4], const float *in, \
                         float *out);                                                \
    void arv_resize_bilinear_##isa(const arv_resize_geom *g, const float *in,        \
                                   float *out);                                      \
    void arv_resize_bilinear_rows_##isa(const arv_resize_geom *g, const float *in,   \
                                        float *out, int row_begin, int row_end);     \
    void arv_pad4_rows_##isa(const int in_dims[4], const int before[4],              \
                             const int after[4], const float *in, float *out,        \
                             int row_begin, int row_end);

ARV_SIMD_DECLARE(avx2)
ARV_SIMD_DECLARE(avx512)
ARV_SIMD_DECLARE(neon)

#endif
