/* ops.h — the operator registry: one table row per supported op, with its
 * shape checks (prepare), its MAC count and the call into the kernel table
 * (eval). Adding an op = one file in lib/ops/ and one row in registry.c. */
#ifndef ARV_OPS_H
#define ARV_OPS_H

#include "arv.h"
#include "graph/graph.h"
#include "kernels/kernels.h"
#include "kernels/kernels_int8.h"
#include "model/flatbuf.h"
#include "runtime/threadpool.h"

/* What eval sees: the graph (tensor data pointers set by the interpreter),
 * the kernel table chosen for this interpreter, its thread pool and the
 * weights packed for this table at interpreter creation. */
typedef struct arv_exec {
    const arv_graph *g;
    arv_tensor *t;              /* interpreter's tensor views, data set */
    const arv_kernel_table *k;
    const arv_kernel_table_int8 *k8;  /* int8 table of the same ISA family */
    arv_pool *pool;             /* NULL: run on the calling thread */
    void *const *packed;        /* per node index, NULL where none */
    void *const *scratch;       /* per node index: op_def scratch_bytes, or NULL */
    int q8_reference;           /* int8: TFLite's reference rounding, not what it runs */
} arv_exec;

/* fn(ctx, b, e) over [0, n) split across the interpreter's threads; ranges
 * under min_chunk items are not worth a thread. */
static inline void arv_exec_split(const arv_exec *x, int n, int min_chunk, arv_pool_fn fn,
                                  void *ctx)
{
    arv_pool_run(x->pool, n, min_chunk, fn, ctx);
}

/* Smallest share of an op worth a thread (about 10 us of work): below it,
 * handing it over and moving its data between the cores' caches cost about
 * as much as the work. On the models here, 2 threads, this and splitting
 * every op measured within noise of each other; the floor is for machines
 * where a hand-over costs more. In multiply-adds for the convolutions, in
 * output elements for the ops that move data. */
#define ARV_SPLIT_MIN_MACS 400000
#define ARV_SPLIT_MIN_ELEMS 65536

/* min_chunk for arv_exec_split when each item (row) holds `per_item` units
 * of work and a thread should get at least `min_work`. */
static inline int arv_exec_min_items(uint64_t per_item, uint64_t min_work)
{
    if (per_item == 0)
        return 1;
    const uint64_t n = (min_work + per_item - 1) / per_item;
    return n > (uint64_t)INT32_MAX ? INT32_MAX : (int)n;
}

/* The packed weights of node n for this kernel table, or NULL. */
static inline const void *arv_exec_packed(const arv_exec *x, const arv_node *n)
{
    return x->packed ? x->packed[n - x->g->nodes] : NULL;
}

typedef struct arv_op_def {
    int op;
    const char *name;
    int max_version;
    int min_in, max_in, n_out;  /* input count range, exact output count */
    /* Check input types/shapes, compute and check output shapes, set
     * node->macs and node->params_str. Graph shapes are those of the file. */
    arv_status (*prepare)(arv_graph *g, arv_node *n, char *err);
    void (*eval)(const arv_exec *x, const arv_node *n);
    /* Optional: bytes of per-interpreter scratch memory the node's eval
     * needs (x->scratch[node]); 0 = none. */
    size_t (*scratch_bytes)(const arv_graph *g, const arv_node *n);
} arv_op_def;

/* int8 parameters of a node, computed once by prepare (n->qdata, owned by
 * the graph). Which fields mean something depends on the op. */
#define ARV_Q8_MAX_IN 64
typedef struct arv_q8 {
    arv_q_conv conv;            /* CONV_2D, DEPTHWISE, TRANSPOSE_CONV, FC */
    arv_q_add add;              /* ADD, SUB */
    arv_q_mul mul;              /* MUL */
    arv_q_prelu prelu;          /* PRELU */
    arv_q_hswish hswish;        /* HARD_SWISH */
    int use_lut;                /* element-wise through lut (LOGISTIC, RELU, requantize) */
    int8_t lut[256];            /* indexed by (uint8_t)input */
    int32_t act_min, act_max;   /* int8 clamp of the output */
    int32_t mult, bias;         /* MEAN */
    int shift, mean_mode;
    float in_scale, out_scale;  /* QUANTIZE / DEQUANTIZE / MEAN */
    int32_t in_zp, out_zp;
    float cat_scale[ARV_Q8_MAX_IN];   /* CONCATENATION */
    int32_t cat_zp[ARV_Q8_MAX_IN];
    int n_ch;                   /* entries of mult/shift below */
    int32_t *mults;             /* point into this allocation */
    int *shifts;
    float *fscales;
    /* The same requantizations with the rounding TFLite runs by default
     * (kernels_int8.h ARV_QR_*), which the interpreter uses unless asked
     * for the reference kernels' (arv_options.int8_reference). */
    arv_q_conv conv_tfl;
    arv_q_mul mul_tfl;
    arv_q_add add_tfl;
    /* int16 activations ("16x8", q16common.c): the node's int16 form. */
    int q16;
    arv_q16_conv conv16;
    int32_t rq_mult;            /* QUANTIZE requantization involving int16 */
    int rq_shift;
    /* QUANTIZE float -> int16 whose input a DEQUANTIZE makes from int8:
     * both ops' arithmetic tabulated over the 256 int8 values, for when the
     * interpreter runs the pair as one (graph/dequant_fuse.c). */
    int use_lut16;
    int16_t lut16[256];         /* indexed by (uint8_t)input */
} arv_q8;

struct arv_exec;
/* The conv-family / MUL parameters of node n for this interpreter. */
const arv_q_conv *arv_q8_conv_params(const struct arv_exec *x, const arv_node *n);
const arv_q_mul *arv_q8_mul_params(const struct arv_exec *x, const arv_node *n);
/* Run int8 CONV_2D, DEPTHWISE_CONV_2D or FULLY_CONNECTED node n with geometry
 * geo, split by output rows of row_macs multiply-adds each. */
void arv_q8_conv_eval(const struct arv_exec *x, const arv_node *n, const arv_conv_geom *geo,
                      uint64_t row_macs);

/* (Re)allocate n->qdata with n_ch per-channel slots, zeroed. NULL on OOM. */
arv_q8 *arv_q8_alloc(arv_node *n, int n_ch);
static inline const arv_q8 *arv_q8_of(const arv_node *n) { return (const arv_q8 *)n->qdata; }
/* 1 if tensor ti is int8 with one (per-tensor) scale. */
int arv_is_q8_tensor(const arv_graph *g, int ti);
/* Check that tensor ti is per-tensor int8; error naming the op otherwise. */
arv_status arv_expect_q8(const arv_graph *g, const arv_node *n, int ti, const char *role,
                         char *err);
/* Set up the conv-like requantization of an int8 node: input ti_in, weights
 * ti_w (int8, symmetric, per tensor or per channel along chan_dim with
 * out_c channels), bias ti_b (int32 or -1), output the node's out[0]. */
arv_status arv_q8_prepare_conv(arv_graph *g, arv_node *n, int ti_in, int ti_w, int ti_b,
                               int chan_dim, int out_c, char *err);
/* FULLY_CONNECTED as the int8 packed hooks see it (kernels_int8.h). */
void arv_fc_geom(const arv_tensor *in, const arv_tensor *w, arv_conv_geom *g);
/* int8 op whose input and output share scale and zero point (pools, PAD,
 * RESHAPE-like moves); sets act_min/act_max from n->p.act. */
arv_status arv_q8_prepare_same(arv_graph *g, arv_node *n, char *err);
/* int16 ("16x8") helpers, q16common.c. 1 if tensor ti is int16 with one
 * positive scale and zero point 0 (TFLite's requirement). */
int arv_is_q16_tensor(const arv_graph *g, int ti);
arv_status arv_expect_q16(const arv_graph *g, const arv_node *n, int ti, const char *role,
                          char *err);
/* CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED with int16 input and output,
 * int8 symmetric weights (per tensor or per channel along chan_dim), int64
 * bias (or none); sets n->q8 and q16. */
arv_status arv_q16_prepare_conv(arv_graph *g, arv_node *n, int ti_in, int ti_w, int ti_b,
                                int chan_dim, int out_c, char *err);
void arv_q16_conv_eval(const struct arv_exec *x, const arv_node *n, const arv_conv_geom *geo,
                       uint64_t row_macs);
/* int16 op whose input and output share scale (zero point 0). */
arv_status arv_q16_prepare_same(arv_graph *g, arv_node *n, char *err);
/* 1 if any activation input or output of n is int16. */
int arv_node_has_int16(const arv_graph *g, const arv_node *n);
/* Error for an int16 type mix the op does not run. */
arv_status arv_q16_unsupported(const arv_graph *g, const arv_node *n, char *err);

/* Check that ti_w is a constant symmetric int8 filter, per tensor or per
 * channel along chan_dim with out_c channels (int8 and int16 convs alike). */
arv_status arv_q_check_filter(const arv_graph *g, const arv_node *n, int ti_w, int chan_dim,
                              int out_c, char *err);
/* Error naming the op and its input/output types: its `form` ("int8",
 * "int16") does not run this type mix. */
arv_status arv_q_form_unsupported(const arv_graph *g, const arv_node *n, const char *form,
                                  char *err);
/* Error for an int8 type mix the op does not run. */
arv_status arv_q8_unsupported(const arv_graph *g, const arv_node *n, char *err);

const arv_op_def *arv_op_find(int op);
const char *arv_op_code_name(int op);

/* Fill n->p from the op's builtin options table (may be NULL) or its raw
 * custom options bytes. */
arv_status arv_op_parse_options(arv_node *n, int opt_type, const fb_table *opts,
                                const uint8_t *custom, uint32_t custom_len, char *err);

/* Shared helpers for op files. */
int arv_act_range(int act, float *lo, float *hi);          /* 0 if unsupported */
const char *arv_act_name(int act);
/* TFLite padding: output size and leading pad for one spatial dim. */
int arv_conv_out_size(int padding, int in, int k, int stride, int dil);
int arv_conv_pad_before(int padding, int in, int k, int stride, int dil, int out);
/* Compare computed dims with the stored output dims; error if different. */
arv_status arv_check_out_shape(arv_graph *g, const arv_node *n, int oi,
                               const int *dims, int ndim, char *err);
arv_status arv_expect_f32(const arv_graph *g, const arv_node *n, int ti, const char *role,
                          char *err);

/* Data pointer of tensor ti during eval. */
static inline float *x_f32(const arv_exec *x, int ti) { return (float *)x->t[ti].data; }
static inline const arv_tensor *x_t(const arv_exec *x, int ti) { return &x->t[ti]; }

/* Per-op definitions (lib/ops/<op>.c). */
extern const arv_op_def arv_op_add, arv_op_sub, arv_op_mul, arv_op_conv2d,
    arv_op_depthwise, arv_op_transpose_conv, arv_op_transpose_conv_bias,
    arv_op_fully_connected, arv_op_max_pool, arv_op_avg_pool, arv_op_concat,
    arv_op_pad, arv_op_mean, arv_op_resize_bilinear, arv_op_depth_to_space,
    arv_op_reshape, arv_op_relu, arv_op_relu6, arv_op_logistic, arv_op_hard_swish,
    arv_op_prelu, arv_op_dequantize, arv_op_densify, arv_op_quantize;

#endif

/* Conv geometry from tensor views and options (CONV_2D, DEPTHWISE_CONV_2D).
 * Weight layout decides where out_c and the kernel size are read from. */
void arv_conv_geom_fill(const arv_tensor *in, const arv_tensor *w, const arv_tensor *out,
                        const arv_op_params *p, int depthwise, arv_conv_geom *g);
/* Right-align two shapes (rank <= 4) into a broadcast description; 0 if they
 * do not broadcast. out_dims gets the result shape at the larger rank. */
int arv_bcast_fill(const arv_tensor *a, const arv_tensor *b, arv_bcast4 *s,
                   int *out_dims, int *out_ndim);
