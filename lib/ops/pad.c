/* pad.c — PAD with zeros; paddings must be a constant int32 [rank, 2]. */
#include <limits.h>
#include <stdio.h>
#include "ops/ops.h"
#include "model/tflite_schema.h"

#define T(i) (&g->tensors[(i)].t)

/* Paddings right-aligned to 4-D. */
static int pads4(const arv_tensor *in, const arv_tensor *pt, const void *data,
                 int before[4], int after[4], int in4[4])
{
    const int32_t *p = data;
    if (!p || pt->type != ARV_INT32 || in->ndim > 4 || arv_tensor_elems(pt) != (size_t)in->ndim * 2)
        return 0;
    for (int d = 0; d < 4; d++) {
        int k = d - (4 - in->ndim);
        before[d] = k >= 0 ? p[2 * k] : 0;
        after[d] = k >= 0 ? p[2 * k + 1] : 0;
        in4[d] = k >= 0 ? in->dims[k] : 1;
        if (before[d] < 0 || after[d] < 0 || before[d] > (1 << 20) || after[d] > (1 << 20))
            return 0;
    }
    return 1;
}

static arv_status prepare(arv_graph *g, arv_node *n, char *err)
{
    arv_status s;
    n->q8 = T(n->in[0])->type == ARV_INT8;
    if (arv_node_has_int16(g, n)) {
        if ((s = arv_q16_prepare_same(g, n, err)))
            return s;
    } else if (n->q8) {
        if ((s = arv_q8_prepare_same(g, n, err)))
            return s;
    } else if ((s = arv_expect_f32(g, n, n->in[0], "input", err))) {
        return s;
    }
    int before[4], after[4], in4[4];
    const arv_tensor *in = T(n->in[0]);
    if (n->in[1] < 0 || !pads4(in, T(n->in[1]), g->tensors[n->in[1]].const_data, before, after, in4)) {
        arv_set_err(err, "operator %d (PAD): paddings must be a constant int32 [%d,2] of "
                    "non-negative values", n->model_index, in->ndim);
        return ARV_ERR_UNSUPPORTED;
    }
    int dims[ARV_MAX_DIMS];
    for (int d = 0; d < in->ndim; d++) {
        int k = d + 4 - in->ndim;
        int64_t v = (int64_t)in->dims[d] + before[k] + after[k];
        if (v > INT_MAX) {
            arv_set_err(err, "operator %d (PAD): padded dimension %d too large",
                        n->model_index, d);
            return ARV_ERR_SHAPE;
        }
        dims[d] = (int)v;
    }
    if ((s = arv_check_out_shape(g, n, 0, dims, in->ndim, err)))
        return s;
    snprintf(n->params_str, sizeof n->params_str, "[%d,%d,%d,%d|%d,%d,%d,%d]", before[0],
             before[1], before[2], before[3], after[0], after[1], after[2], after[3]);
    return ARV_OK;
}

typedef struct pad_job {
    const arv_kernel_table *k;
    int before[4], after[4], in4[4];
    const float *in;
    float *out;
} pad_job;

static void pad_rows(void *ctx, int b, int e)
{
    const pad_job *j = ctx;
    j->k->pad4_rows(j->in4, j->before, j->after, j->in, j->out, b, e);
}

static void eval(const arv_exec *x, const arv_node *n)
{
    pad_job j;
    pads4(x_t(x, n->in[0]), x_t(x, n->in[1]), x_t(x, n->in[1])->data, j.before, j.after, j.in4);
    if (n->q8 && arv_q8_of(n)->q16) {
        arv_q16_pad4(j.in4, j.before, j.after, x->t[n->in[0]].data, x->t[n->out[0]].data);
        return;
    }
    if (n->q8) {
        /* TFLite pads int8 with the output's zero point. */
        x->k8->pad4(j.in4, j.before, j.after, (int8_t)arv_q8_of(n)->out_zp, x->t[n->in[0]].data,
                    x->t[n->out[0]].data);
        return;
    }
    j.k = x->k;
    j.in = x_f32(x, n->in[0]);
    j.out = x_f32(x, n->out[0]);
    const int64_t rows = (int64_t)(j.before[0] + j.in4[0] + j.after[0]) *
                         (j.before[1] + j.in4[1] + j.after[1]) *
                         (j.before[2] + j.in4[2] + j.after[2]);
    if (x->k->pad4_rows && rows <= INT_MAX)
        arv_exec_split(x, (int)rows,
                       arv_exec_min_items((uint64_t)(j.before[3] + j.in4[3] + j.after[3]),
                                          ARV_SPLIT_MIN_ELEMS),
                       pad_rows, &j);
    else
        x->k->pad4(j.in4, j.before, j.after, j.in, j.out);
}

const arv_op_def arv_op_pad = {TFL_PAD, "PAD", 4, 2, 2, 1, prepare, eval, NULL};
