/* fully_connected.c — FULLY_CONNECTED: [.., I] x [O, I]^T + bias. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include "ops/ops.h"
#include "model/tflite_schema.h"

#define T(i) (&g->tensors[(i)].t)

void arv_fc_geom(const arv_tensor *in, const arv_tensor *w, arv_conv_geom *g)
{
    memset(g, 0, sizeof *g);
    g->batch = (int)(arv_tensor_elems(in) / (size_t)w->dims[1]);
    g->in_h = g->in_w = g->out_h = g->out_w = g->k_h = g->k_w = 1;
    g->stride_h = g->stride_w = g->dil_h = g->dil_w = g->depth_mult = 1;
    g->in_c = w->dims[1];
    g->out_c = w->dims[0];
}

static arv_status prepare(arv_graph *g, arv_node *n, char *err)
{
    arv_status s;
    int has_bias = n->n_in > 2 && n->in[2] >= 0;
    n->q8 = T(n->in[0])->type == ARV_INT8;
    if (arv_node_has_int16(g, n)) {
        /* fully_connected.cc, int16 in/out with int64 bias: the reference
         * kernel (int64 sum, 64-bit requantization), as conv 16x8 */
        const arv_tensor *w16 = T(n->in[1]);
        if ((s = arv_q16_prepare_conv(g, n, n->in[0], n->in[1], has_bias ? n->in[2] : -1, 0,
                                      w16->ndim == 2 ? w16->dims[0] : 0, err)))
            return s;
    } else if (n->q8) {
        const arv_tensor *w8 = T(n->in[1]);
        if ((s = arv_q8_prepare_conv(g, n, n->in[0], n->in[1], has_bias ? n->in[2] : -1, 0,
                                     w8->ndim == 2 ? w8->dims[0] : 0, err)))
            return s;
    } else if ((s = arv_expect_f32(g, n, n->in[0], "input", err)) ||
               (s = arv_expect_f32(g, n, n->in[1], "weights", err))) {
        return s;
    } else if (has_bias && (s = arv_expect_f32(g, n, n->in[2], "bias", err))) {
        return s;
    }
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

static void eval8(const arv_exec *x, const arv_node *n)
{
    arv_conv_geom geo;
    arv_fc_geom(x_t(x, n->in[0]), x_t(x, n->in[1]), &geo);
    if (arv_q8_of(n)->q16)
        arv_q16_conv_eval(x, n, &geo, (uint64_t)geo.in_c * geo.out_c);
    else
        arv_q8_conv_eval(x, n, &geo, (uint64_t)geo.in_c * geo.out_c);
}

static void eval(const arv_exec *x, const arv_node *n)
{
    if (n->q8) {
        eval8(x, n);
        return;
    }
    const arv_tensor *w = x_t(x, n->in[1]);
    int batches = (int)(arv_tensor_elems(x_t(x, n->in[0])) / (size_t)w->dims[1]);
    float lo, hi;
    arv_act_range(n->p.act, &lo, &hi);
    x->k->fully_connected(batches, w->dims[1], w->dims[0], x_f32(x, n->in[0]), x_f32(x, n->in[1]),
                          n->n_in > 2 && n->in[2] >= 0 ? x_f32(x, n->in[2]) : NULL, lo, hi,
                          x_f32(x, n->out[0]), 0, batches);
}

const arv_op_def arv_op_fully_connected = {TFL_FULLY_CONNECTED, "FULLY_CONNECTED", 9, 2, 3, 1,
                                           prepare, eval, NULL};
