/* graph.h — arv's internal graph IR: what the loader produces, the passes
 * rewrite and the interpreter executes. Not part of the public API. */
#ifndef ARV_GRAPH_H
#define ARV_GRAPH_H

#include <stddef.h>
#include <stdint.h>
#include "arv.h"

/* Op identities: TFLite builtin codes, plus custom ops mapped above them. */
enum { ARV_OP_CUSTOM_TRANSPOSE_CONV_BIAS = 100000 };

typedef struct arv_sparsity arv_sparsity;   /* model/sparse.h */

typedef struct arv_gtensor {
    arv_tensor t;             /* public view: name, type, dims, data, bytes */
    const void *const_data;   /* constant contents (in the file or owned) */
    int owned;                /* const_data was malloc'd by a pass */
    int is_input, is_output;
    int producer;             /* node index, -1 for inputs and constants */
    int n_consumers;
    const arv_sparsity *sparsity;
    int buffer;               /* model buffer index (0 = none) */
    /* Full affine quantization as stored (t.scale/t.zero_point keep the
     * first entry): q_n scales and zero points (q_n > 1: per channel along
     * dimension q_dim). Owned (freed with the graph); q_n 0 = none. */
    int q_n, q_dim;
    float *q_scale;
    int32_t *q_zp;
} arv_gtensor;

/* Parsed operator options, one struct for all ops (small, flat). */
typedef struct arv_op_params {
    int padding;              /* TFL_PAD_SAME / TFL_PAD_VALID */
    int stride_w, stride_h;
    int dil_w, dil_h;
    int filter_w, filter_h;
    int depth_mult;
    int act;                  /* TFL_ACT_* */
    int axis;
    int keep_dims;
    int align_corners, half_pixel_centers;
    int block_size;
    int weights_format;
    int pot_scale_int16;      /* ADD: TFLite's int16 power-of-two form asked */
    int n_new_shape;
    int new_shape[ARV_MAX_DIMS];
    /* Leading zero padding taken over from a PAD the interpreter skips
     * (graph/pad_fold.c); 0 in the model's own graph. */
    int pad_add_top, pad_add_left;
    /* A float CONV_2D that also runs the residual ADD reading its output
     * (graph/residual_fuse.c): its in[3] is the ADD's other input, out[0]
     * the ADD's output; res_act the ADD's activation, res_first whether
     * the other input was the ADD's first. 0 in the model's own graph. */
    int res_fused, res_act, res_first;
    /* ... and then the PRELU that alone reads the ADD's output: in[4] its
     * per-channel alpha, out[0] the PRELU's output. */
    int res_prelu;
    /* A QUANTIZE to int16 that also runs the int8 DEQUANTIZE feeding it
     * (graph/dequant_fuse.c): in[0] is the DEQUANTIZE's input. */
    int deq_fused;
} arv_op_params;

struct arv_op_def;

typedef struct arv_node {
    int op;                   /* TFL_* builtin code or ARV_OP_CUSTOM_* */
    int version;
    int model_index;          /* position in the model's operator list */
    const struct arv_op_def *def;
    int n_in, n_out;
    int *in;                  /* tensor indices, -1 = optional and absent */
    int *out;
    arv_op_params p;
    int folded;               /* computed at load time; not executed */
    uint64_t macs;
    char params_str[160];
    int refresh;              /* a pass changed options: prepare again */
    int q8;                   /* runs the int8 path (output int8, or QUANTIZE) */
    void *qdata;              /* int8 parameters precomputed by prepare (ops.h
                                 arv_q8); owned, freed with the graph */
} arv_node;

typedef struct arv_graph {
    int n_tensors;
    arv_gtensor *tensors;
    int n_nodes;
    arv_node *nodes;
    int n_inputs, n_outputs;
    int *inputs, *outputs;
    char description[128];
} arv_graph;

static inline arv_gtensor *g_tensor(arv_graph *g, int i)
{
    return &g->tensors[i];
}

/* Element count of a tensor; saturates at SIZE_MAX on overflow. */
size_t arv_dims_elems(const int *dims, int ndim);

/* Set an error message (printf-style) into a caller buffer of ARV_ERR_LEN. */
void arv_set_err(char *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

void arv_graph_free(arv_graph *g);

/* Passes (graph/fold.c, graph/fuse.c). */
arv_status arv_graph_fold_constants(arv_graph *g, const arv_limits *lim, char *err);
arv_status arv_graph_check_order(const arv_graph *g, char *err);
/* Returns how many RELU/RELU6 nodes were fused into their producers. */
int arv_graph_fuse_activations(arv_graph *g);
/* On `nodes`, a copy of g's node list for one interpreter: folds each zero
 * PAD whose only reader is a float VALID CONV_2D / DEPTHWISE_CONV_2D into
 * that reader's padding. Readers that change get their input list from
 * in_store (ARV_IN_STORE ints per node). Returns how many PADs were folded. */
int arv_graph_fold_pads(const arv_graph *g, arv_node *nodes, int *in_store);
/* Room per node in an interpreter's in_store: a conv's input, filter, bias,
 * a fused residual and a fused PRELU's alpha. */
#define ARV_IN_STORE 5
/* On an interpreter's node copy, after arv_graph_fold_pads: lets each float
 * CONV_2D whose output only a same-shape float ADD reads run that ADD on
 * its output rows while they are in cache (res_fused above), and a PRELU
 * that alone reads that ADD's output too (res_prelu). Returns how many
 * ops were fused (ADDs and PRELUs). */
int arv_graph_fuse_residuals(const arv_graph *g, arv_node *nodes, int *in_store,
                             int *out_store);
/* On an interpreter's node copy: lets each QUANTIZE float -> int16 whose
 * prepare tabulated the int8 DEQUANTIZE feeding it (its only reader) read
 * the int8 tensor instead, the DEQUANTIZE skipped. Returns how many. */
int arv_graph_fuse_dequant(const arv_graph *g, arv_node *nodes, int *in_store);

#endif
