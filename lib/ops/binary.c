/* binary.c — ADD, SUB, MUL (broadcasting, fused activation) and PRELU. */
#include <stdio.h>
#include "ops/ops.h"
#include "model/tflite_schema.h"

#define T(i) (&g->tensors[(i)].t)

static arv_status prepare(arv_graph *g, arv_node *n, char *err)
{
    arv_status s;
    if ((s = arv_expect_f32(g, n, n->in[0], "input 0", err)) ||
        (s = arv_expect_f32(g, n, n->in[1], "input 1", err)))
        return s;
    arv_bcast4 b;
    int dims[4], nd;
    float lo, hi;
    if (!arv_bcast_fill(T(n->in[0]), T(n->in[1]), &b, dims, &nd) ||
        !arv_act_range(n->p.act, &lo, &hi)) {
        arv_set_err(err, "operator %d (%s): shapes do not broadcast (rank <= 4) or bad activation",
                    n->model_index, n->def->name);
        return ARV_ERR_SHAPE;
    }
    if ((s = arv_check_out_shape(g, n, 0, dims, nd, err)))
        return s;
    if (n->op == TFL_PRELU)
        snprintf(n->params_str, sizeof n->params_str, "alpha %zu",
                 arv_tensor_elems(T(n->in[1])));
    else
        snprintf(n->params_str, sizeof n->params_str, "%s%s", arv_act_name(n->p.act),
                 arv_tensor_elems(T(n->in[0])) != arv_tensor_elems(T(n->in[1])) ? " bcast" : "");
    return ARV_OK;
}

static void eval(const arv_exec *x, const arv_node *n)
{
    arv_bcast4 b;
    int dims[4], nd;
    float lo, hi;
    arv_bcast_fill(x_t(x, n->in[0]), x_t(x, n->in[1]), &b, dims, &nd);
    if (n->op == TFL_PRELU) {
        x->k->prelu(&b, x_f32(x, n->in[0]), x_f32(x, n->in[1]), x_f32(x, n->out[0]));
        return;
    }
    arv_act_range(n->p.act, &lo, &hi);
    arv_binary_op op = n->op == TFL_ADD ? ARV_BIN_ADD : n->op == TFL_MUL ? ARV_BIN_MUL : ARV_BIN_SUB;
    x->k->binary(op, &b, x_f32(x, n->in[0]), x_f32(x, n->in[1]), lo, hi, x_f32(x, n->out[0]));
}

const arv_op_def arv_op_add = {TFL_ADD, "ADD", 4, 2, 2, 1, prepare, eval};
const arv_op_def arv_op_sub = {TFL_SUB, "SUB", 3, 2, 2, 1, prepare, eval};
const arv_op_def arv_op_mul = {TFL_MUL, "MUL", 5, 2, 2, 1, prepare, eval};
const arv_op_def arv_op_prelu = {TFL_PRELU, "PRELU", 1, 2, 2, 1, prepare, eval};
