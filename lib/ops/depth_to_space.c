/* depth_to_space.c — DEPTH_TO_SPACE (NHWC, DCR order as TFLite). */
#include <limits.h>
#include <stdio.h>
#include "ops/ops.h"
#include "model/tflite_schema.h"

#define T(i) (&g->tensors[(i)].t)

static arv_status prepare(arv_graph *g, arv_node *n, char *err)
{
    arv_status s;
    if ((s = arv_expect_f32(g, n, n->in[0], "input", err)))
        return s;
    const arv_tensor *in = T(n->in[0]);
    int b = n->p.block_size;
    if (in->ndim != 4 || b < 1 || b > 64 || in->dims[3] % (b * b) ||
        (int64_t)in->dims[1] * b > INT_MAX || (int64_t)in->dims[2] * b > INT_MAX) {
        arv_set_err(err, "operator %d (DEPTH_TO_SPACE): block %d does not divide the depth "
                    "or makes the output too large", n->model_index, b);
        return ARV_ERR_UNSUPPORTED;
    }
    int dims[4] = {in->dims[0], in->dims[1] * b, in->dims[2] * b, in->dims[3] / (b * b)};
    if ((s = arv_check_out_shape(g, n, 0, dims, 4, err)))
        return s;
    snprintf(n->params_str, sizeof n->params_str, "block %d", b);
    return ARV_OK;
}

static void eval(const arv_exec *x, const arv_node *n)
{
    const arv_tensor *in = x_t(x, n->in[0]);
    x->k->depth_to_space(in->dims[0], in->dims[1], in->dims[2], in->dims[3], n->p.block_size,
                         x_f32(x, n->in[0]), x_f32(x, n->out[0]));
}

const arv_op_def arv_op_depth_to_space = {TFL_DEPTH_TO_SPACE, "DEPTH_TO_SPACE", 2, 1, 1, 1,
                                          prepare, eval};
