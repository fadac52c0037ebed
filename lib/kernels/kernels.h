/* kernels.h — the float kernel interface every ISA implements.
 *
 * Kernels see plain pointers and a geometry struct; they know nothing of the
 * graph. Tensors are NHWC, row-major, densely packed. An ISA provides an
 * arv_kernel_table; the generic (portable C) table is the oracle every other
 * table is tested against. Kernels never allocate and never fail: shapes are
 * checked by the op layer (lib/ops) before a kernel is called.
 *
 * Threading: kernels that take [row_begin, row_end) compute only those output
 * rows (flattened N*H for NHWC ops), so a pool can split one call.
 */
#ifndef ARV_KERNELS_H
#define ARV_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/* Geometry shared by CONV_2D, DEPTHWISE_CONV_2D and transposed convolution.
 * For conv/depthwise: pad_top/pad_left are the implicit zero rows/cols before
 * the input (TFLite: SAME gives total/2 on top/left). For transposed conv they
 * are the rows/cols cropped from the top/left of the full scatter result. */
typedef struct arv_conv_geom {
    int batch;
    int in_h, in_w, in_c;
    int out_h, out_w, out_c;
    int k_h, k_w;
    int stride_h, stride_w;
    int dil_h, dil_w;
    int pad_top, pad_left;
    int depth_mult;          /* depthwise only: out_c = in_c * depth_mult */
    float act_min, act_max;  /* fused activation as a clamp */
} arv_conv_geom;

/* A residual ADD (and a PRELU after it) run on a conv's outputs before
 * they are stored: out = conv (clamped to the conv's activation), then
 * conv + res (res + conv when res_first) clamped to [lo, hi], then, with
 * alpha, x >= 0 ? x : x * alpha[channel]. The same operations, in the same
 * order, as the ADD and PRELU kernels on the stored output, so the same
 * results. res has the output's shape. */
typedef struct arv_conv_epilogue {
    const float *res;
    const float *alpha;      /* per output channel, or NULL */
    int res_first;
    float lo, hi;
} arv_conv_epilogue;

typedef struct arv_pool_geom {
    int batch;
    int in_h, in_w, c;
    int out_h, out_w;
    int k_h, k_w;
    int stride_h, stride_w;
    int pad_top, pad_left;
    float act_min, act_max;
} arv_pool_geom;

/* Element-wise binary op on up-to-4-D shapes with numpy broadcasting. The op
 * layer right-aligns both shapes to 4-D; a dim of 1 broadcasts. */
typedef enum arv_binary_op { ARV_BIN_ADD, ARV_BIN_MUL, ARV_BIN_SUB } arv_binary_op;

typedef struct arv_bcast4 {
    int out[4];   /* output dims */
    int a[4];     /* input a dims (1 or == out) */
    int b[4];     /* input b dims (1 or == out) */
} arv_bcast4;

typedef struct arv_resize_geom {
    int batch, in_h, in_w, c, out_h, out_w;
    int align_corners, half_pixel_centers;
} arv_resize_geom;

typedef struct arv_kernel_table {
    const char *name;   /* "generic", "avx2", ... */

    /* CONV_2D: w is [out_c][k_h][k_w][in_c] (OHWI), bias [out_c] or NULL. */
    void (*conv2d)(const arv_conv_geom *g, const float *in, const float *w,
                   const float *bias, float *out, int row_begin, int row_end);
    /* DEPTHWISE_CONV_2D: w is [1][k_h][k_w][out_c]; out channel
     * oc = ic*depth_mult + m. */
    void (*depthwise)(const arv_conv_geom *g, const float *in, const float *w,
                      const float *bias, float *out, int row_begin, int row_end);
    /* Transposed convolution (TRANSPOSE_CONV, Convolution2DTransposeBias):
     * w is [out_c][k_h][k_w][in_c]. out[oy][ox][o] = bias[o] + sum over
     * (y, x, ky, kx, i) with oy = y*stride_h - pad_top + ky (same for x) of
     * in[y][x][i] * w[o][ky][kx][i]. Then the clamp. Rows are output rows. */
    void (*transpose_conv)(const arv_conv_geom *g, const float *in,
                           const float *w, const float *bias, float *out,
                           int row_begin, int row_end);
    /* FULLY_CONNECTED: w is [out_dim][in_dim], bias [out_dim] or NULL.
     * Rows are batch rows. */
    void (*fully_connected)(int batches, int in_dim, int out_dim,
                            const float *in, const float *w, const float *bias,
                            float act_min, float act_max, float *out,
                            int row_begin, int row_end);
    /* Pools: padding cells are excluded (average divides by the count of
     * in-bounds cells, as TFLite). Rows are batch*out_h rows. */
    void (*max_pool)(const arv_pool_geom *g, const float *in, float *out,
                     int row_begin, int row_end);
    void (*avg_pool)(const arv_pool_geom *g, const float *in, float *out,
                     int row_begin, int row_end);

    /* Broadcasting binary op followed by clamp [act_min, act_max]. */
    void (*binary)(arv_binary_op op, const arv_bcast4 *s, const float *a,
                   const float *b, float act_min, float act_max, float *out);
    /* PRELU: out = x >= 0 ? x : alpha*x, alpha broadcast as in binary. */
    void (*prelu)(const arv_bcast4 *s, const float *x, const float *alpha,
                  float *out);

    /* Unary element-wise over n elements; in == out is allowed. */
    void (*clamp)(size_t n, const float *in, float lo, float hi, float *out);
    void (*logistic)(size_t n, const float *in, float *out);
    void (*hard_swish)(size_t n, const float *in, float *out);

    /* CONCATENATION: out is [outer][sum(sizes)*inner]; input i is
     * [outer][sizes[i]*inner]. */
    void (*concat)(int n_inputs, const float *const *ins, const int *sizes,
                   size_t outer, size_t inner, float *out);
    /* PAD with zeros on a 4-D tensor: before[d] and after[d] per dim. */
    void (*pad4)(const int in_dims[4], const int before[4], const int after[4],
                 const float *in, float *out);
    /* MEAN over the dims whose reduce[d] is set (4-D); out has the kept dims
     * in order (size 1 for reduced dims). */
    void (*mean4)(const int in_dims[4], const int reduce[4], const float *in,
                  float *out);
    /* RESIZE_BILINEAR with TFLite's reference rounding rules. */
    void (*resize_bilinear)(const arv_resize_geom *g, const float *in,
                            float *out);
    /* DEPTH_TO_SPACE (DCR order as TFLite): in [n][h][w][c*b*b] ->
     * out [n][h*b][w*b][c]. */
    void (*depth_to_space)(int batch, int in_h, int in_w, int in_c, int block,
                           const float *in, float *out);

    /* Optional CONV_2D with weights packed once, when the interpreter is
     * created, into the layout this table's microkernels read. NULL in a
     * table without it (generic). conv2d_packed_size returns 0 for a
     * geometry the packed path does not take (then conv2d runs); otherwise
     * the bytes conv2d_pack fills from OHWI weights and the bias (may be
     * NULL). It sees the same weights conv2d_pack will (NULL: size for any
     * weights), as the layout may depend on them (pruned, mostly-zero 1x1
     * weights pack sparse). The buffer is 64-byte aligned. conv2d_packed
     * computes output rows [row_begin, row_end) as conv2d would, bias
     * included. */
    size_t (*conv2d_packed_size)(const arv_conv_geom *g, const float *w);
    void (*conv2d_pack)(const arv_conv_geom *g, const float *w,
                        const float *bias, void *packed);
    void (*conv2d_packed)(const arv_conv_geom *g, const float *in,
                          const void *packed, float *out, int row_begin,
                          int row_end);
    /* Optional: conv2d_packed that also applies a residual epilogue to each
     * output as it leaves the registers (see arv_conv_epilogue). Returns 0,
     * having done nothing, for a packed layout it has no epilogue for (then
     * the caller runs conv2d_packed and the ADD/PRELU kernels). */
    int (*conv2d_packed_ep)(const arv_conv_geom *g, const float *in,
                            const void *packed, float *out, int row_begin,
                            int row_end, const struct arv_conv_epilogue *ep);

    /* Optional row-range forms of two whole-tensor kernels, so a pool can
     * split them; NULL where a table has none (then the whole-tensor entry
     * runs). Rows: batch*out_h output rows for RESIZE_BILINEAR; the output's
     * rows of its last dim (od[0]*od[1]*od[2]) for PAD. Same values as the
     * whole-tensor entries. */
    void (*resize_bilinear_rows)(const arv_resize_geom *g, const float *in,
                                 float *out, int row_begin, int row_end);
    void (*pad4_rows)(const int in_dims[4], const int before[4],
                      const int after[4], const float *in, float *out,
                      int row_begin, int row_end);
} arv_kernel_table;

extern const arv_kernel_table arv_kernels_generic;
/* Per-ISA tables; each exists only in builds for its architecture, and
 * lib/runtime/cpu.c hands one out only when the CPU and OS support it. */
extern const arv_kernel_table arv_kernels_avx2;
extern const arv_kernel_table arv_kernels_avx512;
extern const arv_kernel_table arv_kernels_neon;

/* IEEE half -> float (all values incl. subnormals, inf, NaN). */
float arv_fp16_to_f32(uint16_t h);

#endif
