/* kernels_int8.h — int8 kernels with TensorFlow Lite's integer semantics.
 *
 * Same conventions as kernels.h (NHWC, no allocation, no failure, row ranges
 * over batch*out_h): only the arithmetic differs. Every kernel reproduces
 * TFLite's reference integer kernels bit for bit: real multipliers become a
 * Q31 fixed-point multiplier and a power-of-two shift (arv_q_quantize_mult),
 * applied with gemmlowp's SaturatingRoundingDoublingHighMul followed by a
 * RoundingDivideByPOT (arv_q_mul_by_mult) — "double rounding", TFLite's
 * default build. Zero points are passed as TFLite passes them to its
 * kernels: input_offset = -input zero point, output_offset = +output zero
 * point. act_min/act_max are the fused activation as an int8 clamp (the
 * quantized image of the float range, see arv_q_act_range).
 */
#ifndef ARV_KERNELS_INT8_H
#define ARV_KERNELS_INT8_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include "kernels/kernels.h"

/* ---- fixed-point helpers (int8_fixedpoint.c) ---- */

/* m -> (q, shift) with m ~= q * 2^(shift - 31), q in [2^30, 2^31) or 0. */
void arv_q_quantize_mult(double m, int32_t *q, int *shift);
int32_t arv_q_srdhm(int32_t a, int32_t b);            /* Q31 high mul, rounded */
int32_t arv_q_rdiv_pot(int32_t x, int exponent);      /* x / 2^e, half away */
int32_t arv_q_mul_by_mult(int32_t x, int32_t q, int shift);
/* The same rounded once (TFLite's TFLITE_SINGLE_ROUNDING arithmetic):
 * (x * q + 2^(30 - shift)) >> (31 - shift) in 64 bits. */
int32_t arv_q_mul_by_mult_single(int32_t x, int32_t q, int shift);
/* ARV_QR_FP32: nearest-even of (float)x * scale, clamped to [lo, hi] after
 * adding zp (XNNPACK's "fp32" requantization). */
static inline int32_t arv_q_fp32_requant(int32_t x, float scale, int32_t zp, int32_t lo,
                                         int32_t hi)
{
    float v = (float)x * scale;
    const float flo = (float)(lo - zp), fhi = (float)(hi - zp);
    v = v < flo ? flo : v > fhi ? fhi : v;
    /* |v| <= 255: adding and removing 1.5 * 2^23 rounds to nearest even
     * in the default rounding mode, as XNNPACK's magic bias does. */
    const float magic = 12582912.0f;
    return (int32_t)((v + magic) - magic) + zp;
}
/* Fused activation (TFL_ACT_*) to an int8 clamp for output (scale, zp). */
void arv_q_act_range(int act, float scale, int32_t zp, int32_t *lo, int32_t *hi);

/* Multiplier of one output channel of a conv/FC: in*w/out in double. */
void arv_q_conv_mult(float in_scale, float w_scale, float out_scale, int32_t *q, int *shift);

/* Per-output-channel requantization shared by CONV_2D, DEPTHWISE_CONV_2D,
 * TRANSPOSE_CONV and FULLY_CONNECTED. mult/shift have out_c entries (for a
 * per-tensor op, the caller repeats the one value). */
/* How an int32 accumulator becomes the int8 output. TFLite's reference
 * kernels use ARV_QR_DOUBLE; what TFLite actually runs by default differs
 * per op (lib/ops/q8common.c says which): its XNNPACK delegate requantizes
 * convolutions and MUL in float (ARV_QR_FP32: (float)acc * scale, rounded
 * to nearest even, with scale = in * w / out formed in float), and its own
 * optimized FULLY_CONNECTED rounds once (ARV_QR_SINGLE). */
enum { ARV_QR_DOUBLE = 0, ARV_QR_SINGLE = 1, ARV_QR_FP32 = 2, ARV_QR_XNN_ADD = 3 };

typedef struct arv_q_conv {
    int32_t input_offset;     /* -input zero point */
    int32_t weight_offset;    /* -weight zero point (0 for symmetric) */
    int32_t output_offset;    /* output zero point */
    const int32_t *mult;
    const int *shift;
    int32_t act_min, act_max;
    int rounding;             /* ARV_QR_*; DOUBLE when zero-initialised */
    const float *fscale;      /* ARV_QR_FP32: per output channel in * w / out */
} arv_q_conv;

/* ADD / SUB: TFLite's scheme with left_shift = 20 (arv_q_add_prepare). */
typedef struct arv_q_add {
    int32_t in1_offset, in2_offset, out_offset;
    int left_shift;
    int32_t in1_mult, in2_mult, out_mult;
    int in1_shift, in2_shift, out_shift;
    int32_t act_min, act_max;
    /* ARV_QR_XNN_ADD (XNNPACK's ADD, what TFLite runs): out = zp +
     * ((x_bias + a * x_a_mult + b * x_b_mult + 2^(x_shift-1)) >> x_shift),
     * the multipliers s_in / s_out in 20-21 bits. */
    int rounding;
    int32_t x_a_mult, x_b_mult, x_bias;
    int x_shift;
} arv_q_add;
void arv_q_add_prepare(float s1, int32_t zp1, float s2, int32_t zp2, float so,
                       int32_t zpo, int act, arv_q_add *p);
/* Fill the ARV_QR_XNN_ADD fields of p (set up by arv_q_add_prepare) and set
 * its rounding to it; -1 (p unchanged) for scale ratios outside XNNPACK's
 * [2^-10, 2^8). */
int arv_q_add_prepare_xnn(float s1, int32_t zp1, float s2, int32_t zp2, float so, arv_q_add *p);

/* MUL: one multiplier s1*s2/so. */
typedef struct arv_q_mul {
    int32_t in1_offset, in2_offset, out_offset;
    int32_t mult;
    int shift;
    int32_t act_min, act_max;
    int rounding;             /* ARV_QR_DOUBLE or ARV_QR_FP32 (fscale) */
    float fscale;
} arv_q_mul;
void arv_q_mul_prepare(float s1, int32_t zp1, float s2, int32_t zp2, float so,
                       int32_t zpo, int act, arv_q_mul *p);

/* PRELU: x >= 0 ? x*in/out : x*alpha*in*alpha/out. */
typedef struct arv_q_prelu {
    int32_t in_offset, alpha_offset, out_offset;
    int32_t mult1, mult2;
    int shift1, shift2;
} arv_q_prelu;
void arv_q_prelu_prepare(float in_scale, int32_t in_zp, float alpha_scale, int32_t alpha_zp,
                         float out_scale, int32_t out_zp, arv_q_prelu *p);

/* HARD_SWISH: TFLite's int16 fixed-point pipeline. */
typedef struct arv_q_hswish {
    int32_t in_zp, out_zp;
    int16_t reluish_mult, out_mult;
    int reluish_exp, out_exp;
} arv_q_hswish;
void arv_q_hswish_prepare(float in_scale, int32_t in_zp, float out_scale,
                          int32_t out_zp, arv_q_hswish *p);

/* 256-entry lookup for element-wise functions TFLite tabulates (LOGISTIC):
 * entry (uint8)v = clamp(round(f(in_scale*(v - in_zp)) / out_scale) + out_zp),
 * in float as TFLite computes it. */
void arv_q_lut_logistic(float in_scale, int32_t in_zp, float out_scale,
                        int32_t out_zp, int8_t lut[256]);

/* What an ISA supplies to the shared 16x8 loops (int16_conv.c).
 * dot: sums[j] = sum over runs s of sum_{c < len} (ws[s] + j * oc_stride)[c]
 * * xs[s][c], for j < n_oc <= 4, exactly (any len, any number of runs);
 * unless xs2 is NULL, the same for a second pixel's runs xs2 into sums2
 * (same weights: two pixels share each weight load).
 * dw: acc[c] = sum over taps t of ws[t][c] * xs[t][c] for c < n; at most
 * 64 taps, so int32 is exact.
 * requant: out[j] = clamp(arv_q16_mul_by_mult64(acc[j] + bias[oc0 + j],
 * mult[oc0 + j], shift[oc0 + j])) for j < n (bias NULL: none). */
typedef void (*arv_q16_dot_fn)(const int16_t *const *xs, const int16_t *const *xs2,
                               const int8_t *const *ws, int nseg, int len, size_t oc_stride,
                               int n_oc, int64_t *sums, int64_t *sums2);
typedef void (*arv_q16_dw_fn)(const int16_t *const *xs, const int8_t *const *ws, int ntaps,
                              int n, int32_t *acc);
struct arv_q16_conv;
typedef void (*arv_q16_requant_fn)(const int64_t *acc, const int64_t *bias,
                                   const struct arv_q16_conv *q, int oc0, int n, int16_t *out);
/* pw (1x1 convs; lanes are output channels): acc[p * ocp + j] =
 * sum_{k < K} xs[p][k] * w_k[j] for p < npix, j < ocp (a multiple of 16),
 * K <= ARV_Q16_PW_MAX_K, so that the int32 sums are exact (at most 510
 * products of 2^22; longer K comes in chunks); the weights come packed in
 * pairs of input channels, channel j of pair k2 at
 * wp[(k2 * ocp + j) * 2 + {0, 1}] (zero past K). Reads xs[p][k] for k < K
 * only.
 * quantize / requantize (NULL: the portable ones): arv_q16_quantize and
 * arv_q16_requantize, bit for bit. */
#define ARV_Q16_PW_MAX_K 510
typedef void (*arv_q16_pw_fn)(const int16_t *const *xs, int npix, const int16_t *wp, int K,
                              int ocp, int32_t *acc);
/* requant32 (NULL: none; the caller widens into requant): requant of int32
 * sums, with the per-channel terms of arv_q16_mul_by_mult64
 * worked out once (arv_q16_rq_prepare) instead of per pixel. */
#define ARV_Q16_RQ_MAX 256
typedef struct arv_q16_rq {
    int64_t bias[ARV_Q16_RQ_MAX];
    int64_t red[ARV_Q16_RQ_MAX];     /* the multiplier cut to Q15 */
    int64_t total[ARV_Q16_RQ_MAX];   /* its right shift, 15 - shift */
    int64_t rnd[ARV_Q16_RQ_MAX];     /* 1 << (total - 1) */
    int32_t act_min, act_max;
} arv_q16_rq;
typedef void (*arv_q16_requant32_fn)(const int32_t *acc, const arv_q16_rq *p, int n,
                                     int16_t *out);
/* dw_packed (NULL: none): rows [row_begin, row_end) of a 16x8
 * DEPTHWISE_CONV_2D whose weights arv_q16_dw_pack packed, exactly as
 * arv_q16_depthwise_with; returns 0 without writing when it cannot (a bias
 * of 2^46 or more), and the caller runs the unpacked loops. */
typedef int (*arv_q16_dw_packed_fn)(const arv_conv_geom *g,
                                    const struct arv_q16_conv *q, const int16_t *in,
                                    const void *packed, const int64_t *bias, int16_t *out,
                                    int row_begin, int row_end);
typedef struct arv_q16_loops {
    arv_q16_dot_fn dot;
    arv_q16_dw_fn dw;
    arv_q16_requant_fn requant;
    arv_q16_pw_fn pw;
    arv_q16_requant32_fn requant32;
    arv_q16_dw_packed_fn dw_packed;
    void (*quantize)(size_t n, const float *in, float scale, int32_t zp, int16_t *out);
    void (*requantize)(size_t n, const void *in, int in_bits, int32_t in_zp, int32_t mult,
                       int shift, int32_t out_zp, int out_bits, void *out);
    /* NULL: the portable arv_q16_lut8 */
    void (*lut8)(size_t n, const int8_t *in, const int16_t lut[256], int16_t *out);
} arv_q16_loops;

typedef struct arv_kernel_table_int8 {
    const char *name;
    void (*conv2d)(const arv_conv_geom *g, const arv_q_conv *q, const int8_t *in,
                   const int8_t *w, const int32_t *bias, int8_t *out,
                   int row_begin, int row_end);
    void (*depthwise)(const arv_conv_geom *g, const arv_q_conv *q, const int8_t *in,
                      const int8_t *w, const int32_t *bias, int8_t *out,
                      int row_begin, int row_end);
    /* Whole tensor: the scatter needs an int32 scratch of
     * batch*out_h*out_w*out_c elements. */
    void (*transpose_conv)(const arv_conv_geom *g, const arv_q_conv *q,
                           const int8_t *in, const int8_t *w, const int32_t *bias,
                           int32_t *scratch, int8_t *out);
    void (*fully_connected)(int batches, int in_dim, int out_dim, const arv_q_conv *q,
                            const int8_t *in, const int8_t *w, const int32_t *bias,
                            int8_t *out, int row_begin, int row_end);
    /* Pools keep the input's scale and zero point (TFLite requires it);
     * act_min/act_max are the int8 clamp. */
    void (*max_pool)(const arv_pool_geom *g, int32_t act_min, int32_t act_max,
                     const int8_t *in, int8_t *out, int row_begin, int row_end);
    void (*avg_pool)(const arv_pool_geom *g, int32_t act_min, int32_t act_max,
                     const int8_t *in, int8_t *out, int row_begin, int row_end);
    void (*add)(int sub, const arv_q_add *p, const arv_bcast4 *s, const int8_t *a,
                const int8_t *b, int8_t *out);
    void (*mul)(const arv_q_mul *p, const arv_bcast4 *s, const int8_t *a,
                const int8_t *b, int8_t *out);
    /* PRELU: alpha broadcast as b in arv_bcast4. */
    void (*prelu)(const arv_q_prelu *p, const arv_bcast4 *s, const int8_t *x,
                  const int8_t *alpha, int8_t *out);
    void (*lut)(size_t n, const int8_t *in, const int8_t lut[256], int8_t *out);
    void (*hard_swish)(const arv_q_hswish *p, size_t n, const int8_t *in, int8_t *out);
    /* PAD with the output zero point. */
    void (*pad4)(const int in_dims[4], const int before[4], const int after[4],
                 int8_t pad_value, const int8_t *in, int8_t *out);
    /* CONCATENATION: input i requantized from (scale[i], zp[i]) to the
     * output's (TFLite's float rescale); a plain copy where they agree. */
    void (*concat)(int n_inputs, const int8_t *const *ins, const int *sizes,
                   const float *scales, const int32_t *zps, float out_scale,
                   int32_t out_zp, size_t outer, size_t inner, int8_t *out);
    /* QUANTIZE float -> int8 and DEQUANTIZE int8 -> float. */
    void (*quantize)(size_t n, const float *in, float scale, int32_t zp, int8_t *out);
    void (*dequantize)(size_t n, const int8_t *in, float scale, int32_t zp, float *out);

    /* Optional packed-weight path (all three NULL in the generic table).
     * op is TFL_CONV_2D, TFL_DEPTHWISE_CONV_2D or TFL_FULLY_CONNECTED; for
     * FULLY_CONNECTED the geometry is batch = batches, in_h = in_w = out_h =
     * out_w = k_h = k_w = stride = dil = 1, in_c = in_dim, out_c = out_dim.
     * packed_size returns 0 when this table has no packed kernel for the
     * geometry (the unpacked kernel then runs); otherwise the bytes pack
     * fills once, at interpreter creation, into a 64-byte aligned buffer
     * (weights in the kernel's layout, the bias with the zero-point
     * corrections folded in). q and its mult/shift arrays stay valid and
     * unchanged for the interpreter's life. run_packed computes output rows
     * [row_begin, row_end) of batch*out_h exactly as the unpacked kernel. */
    size_t (*packed_size)(int op, const arv_conv_geom *g);
    void (*pack)(int op, const arv_conv_geom *g, const arv_q_conv *q, const int8_t *w,
                 const int32_t *bias, void *packed);
    void (*run_packed)(int op, const arv_conv_geom *g, const arv_q_conv *q, const int8_t *in,
                       const void *packed, int8_t *out, int row_begin, int row_end);

    /* RESIZE_BILINEAR in XNNPACK's 11-bit flavour, exactly as
     * arv_q8_resize_bilinear_q11 (output rows [row_begin, row_end) of
     * batch*out_h); NULL: that generic kernel runs. */
    void (*resize_bilinear_q11)(const arv_resize_geom *g, const int8_t *in, int8_t *out,
                                int row_begin, int row_end);

    /* QUANTIZE as XNNPACK runs it, exactly as arv_q8_quantize_rne; NULL:
     * that generic kernel runs. */
    void (*quantize_rne)(size_t n, const float *in, float inv_scale, int32_t zp, int8_t *out);

    /* Roundings (1 << ARV_QR_*) the conv-family and MUL kernels of this
     * table implement besides ARV_QR_DOUBLE; a node asking for another
     * runs on the generic table (arv_q8_table_for). */
    unsigned roundings;

    /* The 16x8 conv family's inner loops (int16 activations, int8
     * weights); NULL: the portable ones (arv_q16_loops_c). */
    const arv_q16_loops *q16;

    /* int16 ADD exactly as arv_q16_add; NULL: that generic kernel runs. */
    void (*add16)(const arv_q_add *p, const arv_bcast4 *s, const int16_t *a, const int16_t *b,
                  int16_t *out);
} arv_kernel_table_int8;


extern const arv_kernel_table_int8 arv_kernels_int8_generic;

/* t if it implements rounding r, else the generic table. */
static inline const arv_kernel_table_int8 *arv_q8_table_for(const arv_kernel_table_int8 *t, int r)
{
    return r == ARV_QR_DOUBLE || (t->roundings >> r & 1u) ? t : &arv_kernels_int8_generic;
}
#if defined(ARV_HAVE_X86_KERNELS)
/* Packed conv/FC/depthwise on x86 (the other entries are the generic
 * kernels); run only where arv_kernels_int8_for returns them. */
extern const arv_kernel_table_int8 arv_kernels_int8_avx2;        /* AVX2 + FMA */
extern const arv_kernel_table_int8 arv_kernels_int8_avx512vnni;  /* + AVX-512 F/BW/VL/DQ/VNNI */

/* What TFLite's XNNPACK delegate runs instead (the default flavour,
 * arv_options.int8_reference = 0): bilinear weights in 11-bit fixed point
 * from float positions, one rounding at the end; MEAN over H and W as a
 * global average pool, sum minus count * in_zp requantized in float with
 * in_scale / (out_scale * count). */
void arv_q8_resize_bilinear_q11(const arv_resize_geom *g, const int8_t *in, int8_t *out,
                                int row_begin, int row_end);
void arv_q8_mean_hw_fp32(int batch, int h, int w, int c, float scale, int32_t in_zp,
                         int32_t out_zp, const int8_t *in, int8_t *out, int c_begin, int c_end);

#endif

/* The int8 table that goes with an fp32 table chosen by arv_kernels_select
 * (same ISA family; the generic one where no optimized int8 table exists). */
const arv_kernel_table_int8 *arv_kernels_int8_for(const arv_kernel_table *fp32);

/* The generic kernels by name, for tests and for tables that reuse them. */
void arv_q8_conv2d(const arv_conv_geom *g, const arv_q_conv *q, const int8_t *in,
                   const int8_t *w, const int32_t *bias, int8_t *out, int row_begin,
                   int row_end);
void arv_q8_depthwise(const arv_conv_geom *g, const arv_q_conv *q, const int8_t *in,
                      const int8_t *w, const int32_t *bias, int8_t *out, int row_begin,
                      int row_end);
void arv_q8_transpose_conv(const arv_conv_geom *g, const arv_q_conv *q, const int8_t *in,
                           const int8_t *w, const int32_t *bias, int32_t *scratch,
                           int8_t *out);
void arv_q8_fully_connected(int batches, int in_dim, int out_dim, const arv_q_conv *q,
                            const int8_t *in, const int8_t *w, const int32_t *bias,
                            int8_t *out, int row_begin, int row_end);
void arv_q8_max_pool(const arv_pool_geom *g, int32_t act_min, int32_t act_max,
                     const int8_t *in, int8_t *out, int row_begin, int row_end);
void arv_q8_avg_pool(const arv_pool_geom *g, int32_t act_min, int32_t act_max,
                     const int8_t *in, int8_t *out, int row_begin, int row_end);
void arv_q8_add(int sub, const arv_q_add *p, const arv_bcast4 *s, const int8_t *a,
                const int8_t *b, int8_t *out);
void arv_q8_mul(const arv_q_mul *p, const arv_bcast4 *s, const int8_t *a,
                const int8_t *b, int8_t *out);
void arv_q8_prelu(const arv_q_prelu *p, const arv_bcast4 *s, const int8_t *x,
                  const int8_t *alpha, int8_t *out);
void arv_q8_lut(size_t n, const int8_t *in, const int8_t lut[256], int8_t *out);
void arv_q8_hard_swish(const arv_q_hswish *p, size_t n, const int8_t *in, int8_t *out);
void arv_q8_pad4(const int in_dims[4], const int before[4], const int after[4],
                 int8_t pad_value, const int8_t *in, int8_t *out);
void arv_q8_concat(int n_inputs, const int8_t *const *ins, const int *sizes,
                   const float *scales, const int32_t *zps, float out_scale,
                   int32_t out_zp, size_t outer, size_t inner, int8_t *out);
void arv_q8_quantize(size_t n, const float *in, float scale, int32_t zp, int8_t *out);
/* QUANTIZE as TFLite's XNNPACK delegate runs it (the default flavour):
 * nearest even of in * inv_scale, inv_scale = 1.0f / scale in float
 * (int8_quantize.c). */
void arv_q8_quantize_rne(size_t n, const float *in, float inv_scale, int32_t zp, int8_t *out);
void arv_q8_dequantize(size_t n, const int8_t *in, float scale, int32_t zp, float *out);

/* MEAN (int8_mean.c). Over H and W of a 4-D tensor with keep_dims, as
 * TFLite's optimized int8 Mean: out = clamp(mul_by_mult(sum of raw values,
 * mult, shift) + bias), channels [c_begin, c_end). Other axes: TFLite's
 * QuantizedMeanOrSum (int32 sum, float rescale), reduce[d] set for reduced
 * dims of the 4-D view; out holds the kept dims in order. */
void arv_q8_mean_hw_prepare(float in_scale, int32_t in_zp, float out_scale, int32_t out_zp,
                            int count, int32_t *mult, int *shift, int32_t *bias);
void arv_q8_mean_hw(int batch, int h, int w, int c, int32_t mult, int shift, int32_t bias,
                    const int8_t *in, int8_t *out, int c_begin, int c_end);
void arv_q8_mean4(const int in_dims[4], const int reduce[4], float in_scale, int32_t in_zp,
                  float out_scale, int32_t out_zp, const int8_t *in, int8_t *out);
/* RESIZE_BILINEAR (int8_resize.c): TFLite's ResizeBilinearInteger, output
 * rows [row_begin, row_end) of batch*out_h; input and output share their
 * quantization. */
void arv_q8_resize_bilinear(const arv_resize_geom *g, const int8_t *in, int8_t *out,
                            int row_begin, int row_end);

/* What TFLite's XNNPACK delegate runs instead (the default flavour,
 * arv_options.int8_reference = 0): bilinear weights in 11-bit fixed point
 * from float positions, one rounding at the end; MEAN over H and W as a
 * global average pool, sum minus count * in_zp requantized in float with
 * in_scale / (out_scale * count). */
void arv_q8_resize_bilinear_q11(const arv_resize_geom *g, const int8_t *in, int8_t *out,
                                int row_begin, int row_end);
void arv_q8_mean_hw_fp32(int batch, int h, int w, int c, float scale, int32_t in_zp,
                         int32_t out_zp, const int8_t *in, int8_t *out, int c_begin, int c_end);

/* The position of output index o along one axis of the 11-bit resize, as
 * XNNPACK computes it in float (align corners, TensorFlow's legacy mapping
 * without half-pixel centres, or half-pixel centres clamped to the input):
 * its first input index, the next one (clamped) and the 11-bit fraction
 * toward it. Shared by every resize_bilinear_q11 so they agree to the bit. */
static inline void arv_q11_axis(int o, int in, int out, int align_corners, int half_pixel,
                                int *i0, int *i1, int32_t *alpha)
{
    const int adj = align_corners && out != 1;
    const float scale = (float)(in - adj) / (float)(out - adj);
    /* The product rounds on its own (a separate statement: no compiler
     * fuses it with the add into an FMA, which the SIMD files could use). */
    float p = (float)o * scale;
    if (!align_corners && half_pixel) {
        p = p + (0.5f * scale - 0.5f);
        p = p < 0.0f ? 0.0f : p > (float)(in - 1) ? (float)(in - 1) : p;
    }
    *i0 = (int)p;
    *i1 = *i0 + 1 < in - 1 ? *i0 + 1 : in - 1;
    *alpha = (int32_t)lrintf((p - (float)*i0) * 2048.0f);
}

/* ---- int16 activations, int8 weights ("16x8"; int16_conv.c,
 * int16_elementwise.c say what TFLite does). Zero points of int16 tensors
 * are 0; biases are int64. ---- */

typedef struct arv_q16_conv {
    const int32_t *mult;      /* per output channel, Q31 */
    const int *shift;
    int32_t act_min, act_max; /* int16 clamp of the output */
} arv_q16_conv;
/* TFLite's 64-bit MultiplyByQuantizedMultiplier (multiplier cut to Q15). */
int32_t arv_q16_mul_by_mult64(int64_t x, int32_t q, int shift);
/* Its multiplier rounded to 15 fractional bits, which keeps x * q inside
 * 64 bits for |x| < 2^47; TFLite saturates the rounding at 0x7FFF. */
static inline int32_t arv_q16_reduced_mult(int32_t q)
{
    return q < 0x7FFF0000 ? (int32_t)(((int64_t)q + (1 << 15)) >> 16) : 0x7FFF;
}
void arv_q16_act_range(int act, float scale, int32_t zp, int32_t *lo, int32_t *hi);
void arv_q16_conv2d(const arv_conv_geom *g, const arv_q16_conv *q, const int16_t *in,
                    const int8_t *w, const int64_t *bias, int16_t *out, int row_begin,
                    int row_end);
void arv_q16_depthwise(const arv_conv_geom *g, const arv_q16_conv *q, const int16_t *in,
                       const int8_t *w, const int64_t *bias, int16_t *out, int row_begin,
                       int row_end);
void arv_q16_fully_connected(int batches, int in_dim, int out_dim, const arv_q16_conv *q,
                             const int16_t *in, const int8_t *w, const int64_t *bias,
                             int16_t *out, int row_begin, int row_end);
/* The reference loops (int64 sum per product): the oracle the fast forms
 * above must equal. */
void arv_q16_conv2d_ref(const arv_conv_geom *g, const arv_q16_conv *q, const int16_t *in,
                        const int8_t *w, const int64_t *bias, int16_t *out, int row_begin,
                        int row_end);
void arv_q16_depthwise_ref(const arv_conv_geom *g, const arv_q16_conv *q, const int16_t *in,
                           const int8_t *w, const int64_t *bias, int16_t *out, int row_begin,
                           int row_end);
void arv_q16_fully_connected_ref(int batches, int in_dim, int out_dim, const arv_q16_conv *q,
                                 const int16_t *in, const int8_t *w, const int64_t *bias,
                                 int16_t *out, int row_begin, int row_end);
extern const arv_q16_loops arv_q16_loops_c;
/* 1x1 CONV_2D weights packed once (at interpreter creation) in the layout
 * pw reads, for every table's loops: packed_size is 0 for other kernels,
 * else the bytes pack fills; conv2d_packed_with then computes rows
 * [row_begin, row_end) exactly as arv_q16_conv2d_with. */
size_t arv_q16_pw_packed_size(const arv_conv_geom *g);
/* Whether the packed path beats the dots for this geometry (the
 * interpreter packs, and the op runs packed, only then). */
int arv_q16_pw_packed_pays(const arv_conv_geom *g);
void arv_q16_pw_pack(const arv_conv_geom *g, const int8_t *w, void *packed);
void arv_q16_conv2d_packed_with(const arv_conv_geom *g, const arv_q16_conv *q,
                                const int16_t *in, const void *packed, const int64_t *bias,
                                int16_t *out, int row_begin, int row_end,
                                const arv_q16_loops *f);
/* DEPTHWISE_CONV_2D weights (depth multiplier 1) packed once for the loops'
 * dw_packed: taps t = ky * k_w + kx in pairs p = (2p, 2p + 1), the odd
 * count's last pair with a zero second tap; channels in blocks of 32 (zero
 * past in_c); per pair and block 64 int16, as vpunpck{l,h}wd interleaves
 * two taps' inputs within each 128-bit lane: element
 * (h * 32 + l * 8 + i * 2 + s) holds tap 2p + s of channel 8l + 4h + i
 * (l < 4 lanes, h: low / high half, i < 4). AVX2's 16-channel halves read
 * the same layout. packed_size is 0 where dw_packed does not apply. */
#define ARV_Q16_DW_MAX_C 2048   /* the kernels' zero row for padded taps */
#define ARV_Q16_DW_MAX_TAPS 64  /* int32 sums stay exact: 64 * 2^22 < 2^31 */
size_t arv_q16_dw_packed_size(const arv_conv_geom *g);
void arv_q16_dw_pack(const arv_conv_geom *g, const int8_t *w, void *packed);
/* The terms of channels oc0 .. oc0 + n - 1 (n <= ARV_Q16_RQ_MAX). */
void arv_q16_rq_prepare(const arv_q16_conv *q, const int64_t *bias, int oc0, int n,
                        arv_q16_rq *p);
void arv_q16_requant_c(const int64_t *acc, const int64_t *bias, const arv_q16_conv *q, int oc0,
                       int n, int16_t *out);
void arv_q16_conv2d_with(const arv_conv_geom *g, const arv_q16_conv *q, const int16_t *in,
                         const int8_t *w, const int64_t *bias, int16_t *out, int row_begin,
                         int row_end, const arv_q16_loops *f);
void arv_q16_depthwise_with(const arv_conv_geom *g, const arv_q16_conv *q, const int16_t *in,
                            const int8_t *w, const int64_t *bias, int16_t *out, int row_begin,
                            int row_end, const arv_q16_loops *f);
void arv_q16_fully_connected_with(int batches, int in_dim, int out_dim, const arv_q16_conv *q,
                                  const int16_t *in, const int8_t *w, const int64_t *bias,
                                  int16_t *out, int row_begin, int row_end,
                                  const arv_q16_loops *f);
#if defined(ARV_HAVE_X86_KERNELS)
extern const arv_q16_loops arv_q16_loops_avx2;     /* avx2_int16_conv.c */
extern const arv_q16_loops arv_q16_loops_avx512vnni;   /* avx512vnni_int16_conv.c (F/BW/VL/DQ/VNNI) */
int arv_q16_dw_packed_avx512vnni(const arv_conv_geom *g, const struct arv_q16_conv *q,
                             const int16_t *in, const void *packed, const int64_t *bias,
                             int16_t *out, int row_begin, int row_end);
void arv_q16_quantize_avx2(size_t n, const float *in, float scale, int32_t zp, int16_t *out);
void arv_q16_requantize_avx2(size_t n, const void *in, int in_bits, int32_t in_zp, int32_t mult,
                             int shift, int32_t out_zp, int out_bits, void *out);
void arv_q16_lut8_avx512(size_t n, const int8_t *in, const int16_t lut[256], int16_t *out);
void arv_q16_quantize_avx512(size_t n, const float *in, float scale, int32_t zp, int16_t *out);
void arv_q16_requantize_avx512(size_t n, const void *in, int in_bits, int32_t in_zp,
                               int32_t mult, int shift, int32_t out_zp, int out_bits, void *out);
#endif
/* ADD: arv_q_add with left_shift 15 and no offsets. */
void arv_q16_add_prepare(float s1, float s2, float so, int act, arv_q_add *p);
void arv_q16_add(const arv_q_add *p, const arv_bcast4 *s, const int16_t *a, const int16_t *b,
                 int16_t *out);
/* MUL: arv_q_mul (arv_q_mul_prepare with zero points 0), int16 clamp. */
void arv_q16_mul(const arv_q_mul *p, const arv_bcast4 *s, const int16_t *a, const int16_t *b,
                 int16_t *out);
void arv_q16_quantize(size_t n, const float *in, float scale, int32_t zp, int16_t *out);
/* out[i] = lut[(uint8_t)in[i]]: int8 -> int16 through a table. */
void arv_q16_lut8(size_t n, const int8_t *in, const int16_t lut[256], int16_t *out);
/* Requantize int8/int16 (in_bits 8 or 16) to int8/int16 with one multiplier. */
void arv_q16_requantize(size_t n, const void *in, int in_bits, int32_t in_zp, int32_t mult,
                        int shift, int32_t out_zp, int out_bits, void *out);
void arv_q16_dequantize(size_t n, const int16_t *in, float scale, int32_t zp, float *out);
/* MAX_POOL_2D (avg 0) / AVERAGE_POOL_2D (avg 1), rows of batch*out_h; PAD
 * with 0 (int16_spatial.c). */
void arv_q16_pool(int avg, const arv_pool_geom *g, int32_t act_min, int32_t act_max,
                  const int16_t *in, int16_t *out, int row_begin, int row_end);
void arv_q16_pad4(const int in_dims[4], const int before[4], const int after[4],
                  const int16_t *in, int16_t *out);
/* RESIZE_BILINEAR, TFLite's integer kernel (int16_resize.c). */
void arv_q16_resize_bilinear(const arv_resize_geom *g, const int16_t *in, int16_t *out,
                             int row_begin, int row_end);
void arv_q16_concat(int n_inputs, const int16_t *const *ins, const int *sizes, size_t outer,
                    size_t inner, int16_t *out);

#endif
