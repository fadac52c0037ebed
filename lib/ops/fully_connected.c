/* fully_connected.c — FULLY_CONNECTED: [.., I] x [O, I]^T + bias. */
#include <limits.h>
#include <stdio.h>
#include "ops/ops.h"
#include "model/tflite_schema.h"

#define T(i) (&g->tensors[(i)].t)

static arv_status prepare(arv_graph *g, arv_node *n, char *err)
{
    arv_status s;
    if ((s = arv_expect_f32(g, n, n->in[0], "input", err)) ||
        (s = arv_expect_f32(g, n, n->in[1], "weights", err)))
        return s;
    int has_bias = n->n_in > 2 && n->in[2] >= 0;
    if (has_bias && (s = arv_expect_f32(g, n, n->in[2], "bias", err)))
        return s;
    const arv_tensor *in = T(n->in[0]), *w = T(n->in[1]);
    float lo, hi;
    if (w->ndim != 2 || w->dims[1] < 1 || n->p.weights_format != 0 ||
        !arv_act_range(n->p.act, &lo, &hi) || arv_tensor_elems(in) % (size_t)w->dims[1] ||
        arv_tensor_elems(in) / (size_t)w->dims[1] > INT_MAX ||
        (n->p.keep_dims && (in->ndim < 1 || in->dims[in->ndim - 1] != w->dims[1]))) {
        arv_set_err(err, "operator %d (FULLY_CONNECTED): unsupported shapes or options",
                    n->model_index);
        return ARV_ERR_UNSUPPORTED;
    }
    if (has_bias && arv_tensor_elems(T(n->in[2])) != (size_t)w->dims[0]) {
        arv_set_err(err, "operator %d (FULLY_CONNECTED): bias does not match %d outputs",
                    n->model_index, w->dims[0]);
        return ARV_ERR_SHAPE;
    }
    int batches = (int)(arv_tensor_elems(in) / (size_t)w->dims[1]);
    int dims[ARV_MAX_DIMS], nd;
    /* keep_num_dims swaps only the last dimension (checked above to be the
     * weights' input size), so the output holds exactly batches rows. */
    if (n->p.keep_dims) {
        nd = in->ndim;
        for (int d = 0; d < nd; d++)
            dims[d] = in->dims[d];
        dims[nd - 1] = w->dims[0];
    } else {
        nd = 2;
        dims[0] = batches;
        dims[1] = w->dims[0];
    }
    if ((s = arv_check_out_shape(g, n, 0, dims, nd, err)))
        return s;
    n->macs = (uint64_t)batches * w->dims[0] * w->dims[1];
    snprintf(n->params_str, sizeof n->params_str, "%d->%d %s", w->dims[1], w->dims[0],
             arv_act_name(n->p.act));
    return ARV_OK;
}

static void eval(const arv_exec *x, const arv_node *n)
{
    const arv_tensor *w = x_t(x, n->in[1]);
    int batches = (int)(arv_tensor_elems(x_t(x, n->in[0])) / (size_t)w->dims[1]);
    float lo, hi;
    arv_act_range(n->p.act, &lo, &hi);
    x->k->fully_connected(batches, w->dims[1], w->dims[0], x_f32(x, n->in[0]), x_f32(x, n->in[1]),
                          n->n_in > 2 && n->in[2] >= 0 ? x_f32(x, n->in[2]) : NULL, lo, hi,
                          x_f32(x, n->out[0]), 0, batches);
}

const arv_op_def arv_op_fully_connected = {TFL_FULLY_CONNECTED, "FULLY_CONNECTED", 9, 2, 3, 1,
                                           prepare, eval};
