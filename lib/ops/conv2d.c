/* conv2d.c — CONV_2D: NHWC input, OHWI weights, optional bias, fused act. */
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
        if ((s = arv_q16_prepare_conv(g, n, n->in[0], n->in[1], n->n_in > 2 ? n->in[2] : -1, 0,
                                      w16->ndim == 4 ? w16->dims[0] : 0, err)))
            return s;
    } else if (n->q8) {
        const arv_tensor *w8 = T(n->in[1]);
        if ((s = arv_q8_prepare_conv(g, n, n->in[0], n->in[1], n->n_in > 2 ? n->in[2] : -1, 0,
                                     w8->ndim == 4 ? w8->dims[0] : 0, err)))
            return s;
    } else if ((s = arv_expect_f32(g, n, n->in[0], "input", err)) ||
               (s = arv_expect_f32(g, n, n->in[1], "filter", err))) {
        return s;
    } else if (n->n_in > 2 && n->in[2] >= 0 && (s = arv_expect_f32(g, n, n->in[2], "bias", err))) {
        return s;
    }
    const arv_tensor *in = T(n->in[0]), *w = T(n->in[1]);
    float lo, hi;
    if (in->ndim != 4 || w->ndim != 4 || w->dims[3] != in->dims[3] ||
        n->p.stride_w < 1 || n->p.stride_h < 1 || n->p.dil_w < 1 || n->p.dil_h < 1 ||
        !arv_act_range(n->p.act, &lo, &hi) || w->dims[0] < 1 || w->dims[1] < 1 || w->dims[2] < 1) {
        arv_set_err(err, "operator %d (CONV_2D): unsupported shapes or options "
                    "(input rank %d, filter rank %d, act %s)", n->model_index, in->ndim,
                    w->ndim, arv_act_name(n->p.act));
        return ARV_ERR_UNSUPPORTED;
    }
    if (n->n_in > 2 && n->in[2] >= 0 && arv_tensor_elems(T(n->in[2])) != (size_t)w->dims[0]) {
        arv_set_err(err, "operator %d (CONV_2D): bias has %zu elements, filter has %d outputs",
                    n->model_index, arv_tensor_elems(T(n->in[2])), w->dims[0]);
        return ARV_ERR_SHAPE;
    }
    int oh = arv_conv_out_size(n->p.padding, in->dims[1], w->dims[1], n->p.stride_h, n->p.dil_h);
    int ow = arv_conv_out_size(n->p.padding, in->dims[2], w->dims[2], n->p.stride_w, n->p.dil_w);
    int dims[4] = {in->dims[0], oh, ow, w->dims[0]};
    if ((s = arv_check_out_shape(g, n, 0, dims, 4, err)))
        return s;
    n->macs = (uint64_t)arv_dims_elems(dims, 4) * w->dims[1] * w->dims[2] * w->dims[3];
    snprintf(n->params_str, sizeof n->params_str, "%dx%d s%d%s %s %s %d->%d",
             w->dims[1], w->dims[2], n->p.stride_h,
             n->p.dil_h > 1 ? " dil" : "", n->p.padding == TFL_PAD_SAME ? "SAME" : "VALID",
             arv_act_name(n->p.act), w->dims[3], w->dims[0]);
    return ARV_OK;
}

typedef struct conv_job {
    const arv_kernel_table *k;
    arv_conv_geom geo;
    const float *in, *w, *bias;
    const void *packed;
    float *out;
    /* A fused residual ADD (graph/residual_fuse.c): res, or NULL; then a
     * fused PRELU's per-channel alpha, or NULL. */
    const float *res, *alpha;
    int res_first;
    float res_lo, res_hi;
} conv_job;

static void conv_kernel(const conv_job *j, int b, int e)
{
    if (j->packed)
        j->k->conv2d_packed(&j->geo, j->in, j->packed, j->out, b, e);
    else
        j->k->conv2d(&j->geo, j->in, j->w, j->bias, j->out, b, e);
}

/* Output rows per conv call when an ADD follows: ~64 KB of output, so the
 * ADD re-reads it (and the residual rows next to it) from L1/L2. */
#define RES_CHUNK_FLOATS 16384

static void conv_rows(void *ctx, int b, int e)
{
    const conv_job *j = ctx;
    if (!j->res) {
        conv_kernel(j, b, e);
        return;
    }
    /* The dense GEMM adds the residual (and the PRELU) in registers, before
     * its one store; other layouts store, then the ADD re-reads. */
    if (j->packed && j->k->conv2d_packed_ep) {
        const arv_conv_epilogue ep = {j->res, j->alpha, j->res_first, j->res_lo, j->res_hi};
        if (j->k->conv2d_packed_ep(&j->geo, j->in, j->packed, j->out, b, e, &ep))
            return;
    }
    const size_t row = (size_t)j->geo.out_w * (size_t)j->geo.out_c;
    const int step = row >= RES_CHUNK_FLOATS ? 1 : (int)(RES_CHUNK_FLOATS / row);
    for (int r0 = b; r0 < e; r0 += step) {
        const int r1 = e - r0 < step ? e : r0 + step;
        conv_kernel(j, r0, r1);
        float *o = j->out + (size_t)r0 * row;
        const float *res = j->res + (size_t)r0 * row;
        const size_t n = (size_t)(r1 - r0) * row;
        /* A flat slice: n elements, no broadcasting. */
        arv_bcast4 s = {{1, 1, 1, (int)n}, {1, 1, 1, (int)n}, {1, 1, 1, (int)n}};
        if (j->res_first)
            j->k->binary(ARV_BIN_ADD, &s, res, o, j->res_lo, j->res_hi, o);
        else
            j->k->binary(ARV_BIN_ADD, &s, o, res, j->res_lo, j->res_hi, o);
        if (j->alpha) {
            const int c = j->geo.out_c;
            arv_bcast4 p = {{1, 1, (int)(n / (size_t)c), c}, {1, 1, (int)(n / (size_t)c), c},
                            {1, 1, 1, c}};
            j->k->prelu(&p, o, j->alpha, o);
        }
    }
}

static void eval8(const arv_exec *x, const arv_node *n)
{
    arv_conv_geom geo;
    arv_conv_geom_fill(x_t(x, n->in[0]), x_t(x, n->in[1]), x_t(x, n->out[0]), &n->p, 0, &geo);
    const uint64_t row_macs = (uint64_t)geo.out_w * geo.out_c * geo.k_h * geo.k_w * geo.in_c;
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
    conv_job j;
    const arv_tensor *out = x_t(x, n->out[0]);
    arv_conv_geom_fill(x_t(x, n->in[0]), x_t(x, n->in[1]), out, &n->p, 0, &j.geo);
    j.k = x->k;
    j.in = x_f32(x, n->in[0]);
    j.w = x_f32(x, n->in[1]);
    j.bias = n->n_in > 2 && n->in[2] >= 0 ? x_f32(x, n->in[2]) : NULL;
    j.packed = arv_exec_packed(x, n);
    j.out = x_f32(x, n->out[0]);
    j.res = j.alpha = NULL;
    if (n->p.res_prelu)
        j.alpha = x_f32(x, n->in[4]);
    if (n->p.res_fused) {
        j.res = x_f32(x, n->in[3]);
        j.res_first = n->p.res_first;
        arv_act_range(n->p.res_act, &j.res_lo, &j.res_hi);
    }
    const uint64_t row_macs = (uint64_t)j.geo.out_w * (uint64_t)j.geo.out_c * (uint64_t)j.geo.k_h *
                              (uint64_t)j.geo.k_w * (uint64_t)j.geo.in_c;
    arv_exec_split(x, j.geo.batch * j.geo.out_h, arv_exec_min_items(row_macs, ARV_SPLIT_MIN_MACS),
                   conv_rows, &j);
}

const arv_op_def arv_op_conv2d = {TFL_CONV_2D, "CONV_2D", 6, 2, 3, 1, prepare, eval, NULL};
