/* dequantize.c — DEQUANTIZE (float16 / int8 / uint8 -> float32) and DENSIFY
 * (sparse constant -> dense). Both normally run once at load (graph/fold.c);
 * DEQUANTIZE of a non-constant input also runs here at invoke time. */
#include <stdio.h>
#include "ops/ops.h"
#include "graph/fold.h"
#include "model/tflite_schema.h"

#define T(i) (&g->tensors[(i)].t)

/* int16 constants are not folded (fold.c has no int16): refused. */
static int gi_const(const arv_graph *g, const arv_node *n)
{
    return g->tensors[n->in[0]].const_data != NULL;
}

static arv_status prepare_deq(arv_graph *g, arv_node *n, char *err)
{
    arv_status s;
    const arv_tensor *in = T(n->in[0]);
    if ((s = arv_expect_f32(g, n, n->out[0], "output", err)))
        return s;
    if (in->type == ARV_INT16 && !gi_const(g, n) && (s = arv_expect_q16(g, n, n->in[0], "input", err)))
        return s;
    if (in->type != ARV_FLOAT16 && in->type != ARV_INT8 && in->type != ARV_UINT8 &&
        (in->type != ARV_INT16 || gi_const(g, n))) {
        arv_set_err(err, "operator %d (DEQUANTIZE): input type %s not supported",
                    n->model_index, arv_dtype_name(in->type));
        return ARV_ERR_UNSUPPORTED;
    }
    const arv_gtensor *gi = &g->tensors[n->in[0]];
    if (gi->q_n > 1 && in->type != ARV_FLOAT16 && !gi->const_data) {
        /* constants fold per channel at load; at invoke, one scale */
        arv_set_err(err, "operator %d (DEQUANTIZE): input '%s' is quantized per channel; "
                    "only constants can be", n->model_index, in->name);
        return ARV_ERR_UNSUPPORTED;
    }
    snprintf(n->params_str, sizeof n->params_str, "%s->FLOAT32", arv_dtype_name(in->type));
    return arv_check_out_shape(g, n, 0, in->dims, in->ndim, err);
}

static void eval_deq(const arv_exec *x, const arv_node *n)
{
    const arv_tensor *in = x_t(x, n->in[0]);
    if (in->type == ARV_INT8) {
        x->k8->dequantize(arv_tensor_elems(in), in->data, in->scale, in->zero_point,
                          x_f32(x, n->out[0]));
        return;
    }
    if (in->type == ARV_INT16) {
        arv_q16_dequantize(arv_tensor_elems(in), in->data, in->scale, 0, x_f32(x, n->out[0]));
        return;
    }
    arv_dequantize_f32(in, in->data, x_f32(x, n->out[0]));
}

static arv_status prepare_densify(arv_graph *g, arv_node *n, char *err)
{
    const arv_gtensor *in = &g->tensors[n->in[0]];
    if (!in->sparsity || !in->const_data) {
        arv_set_err(err, "operator %d (DENSIFY): input '%s' is not a sparse constant",
                    n->model_index, in->t.name);
        return ARV_ERR_UNSUPPORTED;
    }
    if (T(n->out[0])->type != in->t.type) {
        arv_set_err(err, "operator %d (DENSIFY): output type differs from input", n->model_index);
        return ARV_ERR_FORMAT;
    }
    snprintf(n->params_str, sizeof n->params_str, "%s", arv_dtype_name(in->t.type));
    return arv_check_out_shape(g, n, 0, in->t.dims, in->t.ndim, err);
}

/* DENSIFY is always folded at load (prepare requires a constant input), so
 * invoke never reaches this. */
static void eval_densify(const arv_exec *x, const arv_node *n)
{
    (void)x;
    (void)n;
}

const arv_op_def arv_op_dequantize = {TFL_DEQUANTIZE, "DEQUANTIZE", 5, 1, 1, 1, prepare_deq,
                                      eval_deq, NULL};
const arv_op_def arv_op_densify = {TFL_DENSIFY, "DENSIFY", 1, 1, 1, 1, prepare_densify,
                                   eval_densify, NULL};
