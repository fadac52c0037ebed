/* unary.c — element-wise activations: RELU, RELU6, LOGISTIC, HARD_SWISH. */
#include <math.h>
#include "ops/ops.h"
#include "model/tflite_schema.h"

#define T(i) (&g->tensors[(i)].t)

static arv_status prepare(arv_graph *g, arv_node *n, char *err)
{
    arv_status s;
    if ((s = arv_expect_f32(g, n, n->in[0], "input", err)))
        return s;
    const arv_tensor *in = T(n->in[0]);
    return arv_check_out_shape(g, n, 0, in->dims, in->ndim, err);
}

static void eval(const arv_exec *x, const arv_node *n)
{
    size_t count = arv_tensor_elems(x_t(x, n->in[0]));
    const float *in = x_f32(x, n->in[0]);
    float *out = x_f32(x, n->out[0]);
    switch (n->op) {
    case TFL_RELU: x->k->clamp(count, in, 0.0f, INFINITY, out); break;
    case TFL_RELU6: x->k->clamp(count, in, 0.0f, 6.0f, out); break;
    case TFL_LOGISTIC: x->k->logistic(count, in, out); break;
    default: x->k->hard_swish(count, in, out); break;
    }
}

const arv_op_def arv_op_relu = {TFL_RELU, "RELU", 3, 1, 1, 1, prepare, eval};
const arv_op_def arv_op_relu6 = {TFL_RELU6, "RELU6", 3, 1, 1, 1, prepare, eval};
const arv_op_def arv_op_logistic = {TFL_LOGISTIC, "LOGISTIC", 3, 1, 1, 1, prepare, eval};
const arv_op_def arv_op_hard_swish = {TFL_HARD_SWISH, "HARD_SWISH", 1, 1, 1, 1, prepare, eval};
