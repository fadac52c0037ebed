/* depthwise.c — DEPTHWISE_CONV_2D: weights [1, KH, KW, C*mult]. */
#include <stdio.h>
#include "ops/ops.h"
#include "model/tflite_schema.h"

#define T(i) (&g->tensors[(i)].t)

static arv_status prepare(arv_graph *g, arv_node *n, char *err)
{
    arv_status s;
    n->q8 = T(n->in[0])->type == ARV_INT8;
    if (arv_node_has_int16(g, n)) {
        const arv_tensor *w16 = T(n->in[1]);
        if ((s = arv_q16_prepare_conv(g, n, n->in[0], n->in[1], n->n_in > 2 ? n->in[2] : -1, 3,
                                      w16->ndim == 4 ? w16->dims[3] : 0, err)))
            return s;
    } else if (n->q8) {
        const arv_tensor *w8 = T(n->in[1]);
        if ((s = arv_q8_prepare_conv(g, n, n->in[0], n->in[1], n->n_in > 2 ? n->in[2] : -1, 3,
                                     w8->ndim == 4 ? w8->dims[3] : 0, err)))
            return s;
    } else if ((s = arv_expect_f32(g, n, n->in[0], "input", err)) ||
               (s = arv_expect_f32(g, n, n->in[1], "filter", err))) {
        return s;
    } else if (n->n_in > 2 && n->in[2] >= 0 && (s = arv_expect_f32(g, n, n->in[2], "bias", err))) {
        return s;
    }
    const arv_tensor *in = T(n->in[0]), *w = T(n->in[1]);
    float lo, hi;
    int oc = w->ndim == 4 ? w->dims[3] : 0;
    if (in->ndim != 4 || w->ndim != 4 || w->dims[0] != 1 || in->dims[3] < 1 ||
        oc % in->dims[3] != 0 || oc < 1 ||
        n->p.stride_w < 1 || n->p.stride_h < 1 || n->p.dil_w < 1 || n->p.dil_h < 1 ||
        !arv_act_range(n->p.act, &lo, &hi) || w->dims[1] < 1 || w->dims[2] < 1) {
        arv_set_err(err, "operator %d (DEPTHWISE_CONV_2D): unsupported shapes or options",
                    n->model_index);
        return ARV_ERR_UNSUPPORTED;
    }
    if (n->n_in > 2 && n->in[2] >= 0 && arv_tensor_elems(T(n->in[2])) != (size_t)oc) {
        arv_set_err(err, "operator %d (DEPTHWISE_CONV_2D): bias size does not match %d channels",
                    n->model_index, oc);
        return ARV_ERR_SHAPE;
    }
    int oh = arv_conv_out_size(n->p.padding, in->dims[1], w->dims[1], n->p.stride_h, n->p.dil_h);
    int ow = arv_conv_out_size(n->p.padding, in->dims[2], w->dims[2], n->p.stride_w, n->p.dil_w);
    int dims[4] = {in->dims[0], oh, ow, oc};
    if ((s = arv_check_out_shape(g, n, 0, dims, 4, err)))
        return s;
    n->macs = (uint64_t)arv_dims_elems(dims, 4) * w->dims[1] * w->dims[2];
    snprintf(n->params_str, sizeof n->params_str, "%dx%d s%d%s %s %s c%d%s",
             w->dims[1], w->dims[2], n->p.stride_h, n->p.dil_h > 1 ? " dil" : "",
             n->p.padding == TFL_PAD_SAME ? "SAME" : "VALID", arv_act_name(n->p.act), oc,
             oc != in->dims[3] ? " mult" : "");
    return ARV_OK;
}

typedef struct dw_job {
    const arv_kernel_table *k;
    arv_conv_geom geo;
    const float *in, *w, *bias;
    float *out;
} dw_job;

static void dw_rows(void *ctx, int b, int e)
{
    const dw_job *j = ctx;
    j->k->depthwise(&j->geo, j->in, j->w, j->bias, j->out, b, e);
}

static void eval8(const arv_exec *x, const arv_node *n)
{
    arv_conv_geom geo;
    arv_conv_geom_fill(x_t(x, n->in[0]), x_t(x, n->in[1]), x_t(x, n->out[0]), &n->p, 1, &geo);
    const uint64_t row_macs = (uint64_t)geo.out_w * geo.out_c * geo.k_h * geo.k_w;
    if (arv_q8_of(n)->q16)
        arv_q16_conv_eval(x, n, &geo, row_macs);
    else
        arv_q8_conv_eval(x, n, &geo, row_macs);
}

static void eval(const arv_exec *x, const arv_node *n)
{
    if (n->q8) {
        eval8(x, n);
        return;
    }
    dw_job j;
    arv_conv_geom_fill(x_t(x, n->in[0]), x_t(x, n->in[1]), x_t(x, n->out[0]), &n->p, 1, &j.geo);
    j.k = x->k;
    j.in = x_f32(x, n->in[0]);
    j.w = x_f32(x, n->in[1]);
    j.bias = n->n_in > 2 && n->in[2] >= 0 ? x_f32(x, n->in[2]) : NULL;
    j.out = x_f32(x, n->out[0]);
    const uint64_t row_macs =
        (uint64_t)j.geo.out_w * (uint64_t)j.geo.out_c * (uint64_t)j.geo.k_h * (uint64_t)j.geo.k_w;
    arv_exec_split(x, j.geo.batch * j.geo.out_h, arv_exec_min_items(row_macs, ARV_SPLIT_MIN_MACS),
                   dw_rows, &j);
}

const arv_op_def arv_op_depthwise = {TFL_DEPTHWISE_CONV_2D, "DEPTHWISE_CONV_2D", 6, 2, 3, 1,
                                     prepare, eval, NULL};
