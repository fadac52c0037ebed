/* mean.c — MEAN over constant axes (rank <= 4), keep_dims or not. */
#include <stdio.h>
#include <string.h>
#include "ops/ops.h"
#include "model/tflite_schema.h"

#define T(i) (&g->tensors[(i)].t)

static int axes4(const arv_tensor *in, const arv_tensor *at, const void *data, int reduce[4],
                 int in4[4])
{
    const int32_t *a = data;
    if (!a || at->type != ARV_INT32 || in->ndim > 4 || in->ndim < 1)
        return 0;
    memset(reduce, 0, 4 * sizeof(int));
    for (size_t i = 0; i < arv_tensor_elems(at); i++) {
        int ax = a[i] < 0 ? a[i] + in->ndim : a[i];
        if (ax < 0 || ax >= in->ndim)
            return 0;
        reduce[ax + 4 - in->ndim] = 1;
    }
    for (int d = 0; d < 4; d++) {
        int k = d - (4 - in->ndim);
        in4[d] = k >= 0 ? in->dims[k] : 1;
    }
    return 1;
}

static arv_status prepare(arv_graph *g, arv_node *n, char *err)
{
    arv_status s;
    n->q8 = T(n->in[0])->type == ARV_INT8;
    if (n->q8) {
        if ((s = arv_expect_q8(g, n, n->in[0], "input", err)) ||
            (s = arv_expect_q8(g, n, n->out[0], "output", err)))
            return s;
    } else if ((s = arv_expect_f32(g, n, n->in[0], "input", err))) {
        return s;
    }
    const arv_tensor *in = T(n->in[0]);
    int reduce[4], in4[4];
    if (!axes4(in, T(n->in[1]), g->tensors[n->in[1]].const_data, reduce, in4)) {
        arv_set_err(err, "operator %d (MEAN): axes must be constant int32 within rank %d (<= 4)",
                    n->model_index, in->ndim);
        return ARV_ERR_UNSUPPORTED;
    }
    if (n->q8) {
        arv_q8 *q = arv_q8_alloc(n, 0);
        if (!q) {
            arv_set_err(err, "out of memory");
            return ARV_ERR_NOMEM;
        }
        const arv_gtensor *gi = &g->tensors[n->in[0]], *go = &g->tensors[n->out[0]];
        q->in_scale = gi->q_scale[0];
        q->in_zp = gi->q_zp[0];
        q->out_scale = go->q_scale[0];
        q->out_zp = go->q_zp[0];
        /* 4-D over exactly the axes {1, 2}: TFLite hands it to XNNPACK's
         * global average pooling, with keep_dims or without (the output
         * has the same layout). Its reference kernels take the optimized
         * integer Mean with keep_dims, QuantizedMeanOrSum without. */
        const int32_t *ax = g->tensors[n->in[1]].const_data;
        size_t nax = arv_tensor_elems(T(n->in[1]));
        q->mean_mode = in->ndim == 4 && nax == 2 &&
                       ((ax[0] == 1 && ax[1] == 2) || (ax[0] == 2 && ax[1] == 1));
        if (q->mean_mode)
            arv_q8_mean_hw_prepare(q->in_scale, q->in_zp, q->out_scale, q->out_zp,
                                   in->dims[1] * in->dims[2], &q->mult, &q->shift, &q->bias);
    }
    int dims[4], nd = 0;
    for (int d = 0; d < in->ndim; d++) {
        int r = reduce[d + 4 - in->ndim];
        if (!r)
            dims[nd++] = in->dims[d];
        else if (n->p.keep_dims)
            dims[nd++] = 1;
    }
    if ((s = arv_check_out_shape(g, n, 0, dims, nd, err)))
        return s;
    snprintf(n->params_str, sizeof n->params_str, "axes %s%s%s%s%s", reduce[0] ? "0" : "",
             reduce[1] ? "1" : "", reduce[2] ? "2" : "", reduce[3] ? "3" : "",
             n->p.keep_dims ? " keep_dims" : "");
    return ARV_OK;
}

typedef struct mean8_job {
    const arv_q8 *q;
    int in4[4];
    const int8_t *in;
    int8_t *out;
    int reference;
} mean8_job;

static void mean8_chans(void *ctx, int b, int e)
{
    const mean8_job *j = ctx;
    const arv_q8 *q = j->q;
    if (j->reference) {
        arv_q8_mean_hw(j->in4[0], j->in4[1], j->in4[2], j->in4[3], q->mult, q->shift, q->bias,
                       j->in, j->out, b, e);
    } else {
        /* What TFLite runs: XNNPACK's global average pooling, scale formed
         * in float as it does. */
        const float scale = q->in_scale / (q->out_scale * (float)(j->in4[1] * j->in4[2]));
        arv_q8_mean_hw_fp32(j->in4[0], j->in4[1], j->in4[2], j->in4[3], scale, q->in_zp,
                            q->out_zp, j->in, j->out, b, e);
    }
}

static void eval(const arv_exec *x, const arv_node *n)
{
    int reduce[4], in4[4];
    axes4(x_t(x, n->in[0]), x_t(x, n->in[1]), x_t(x, n->in[1])->data, reduce, in4);
    if (n->q8) {
        const arv_q8 *q = arv_q8_of(n);
        if (q->mean_mode && (n->p.keep_dims || !x->q8_reference)) {
            mean8_job j = {q, {in4[0], in4[1], in4[2], in4[3]}, x->t[n->in[0]].data,
                           x->t[n->out[0]].data, x->q8_reference};
            arv_exec_split(x, in4[3],
                           arv_exec_min_items((uint64_t)in4[0] * in4[1] * in4[2],
                                              ARV_SPLIT_MIN_ELEMS),
                           mean8_chans, &j);
        } else {
            arv_q8_mean4(in4, reduce, q->in_scale, q->in_zp, q->out_scale, q->out_zp,
                         x->t[n->in[0]].data, x->t[n->out[0]].data);
        }
        return;
    }
    x->k->mean4(in4, reduce, x_f32(x, n->in[0]), x_f32(x, n->out[0]));
}

const arv_op_def arv_op_mean = {TFL_MEAN, "MEAN", 2, 2, 2, 1, prepare, eval, NULL};
