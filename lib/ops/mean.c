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
    if ((s = arv_expect_f32(g, n, n->in[0], "input", err)))
        return s;
    const arv_tensor *in = T(n->in[0]);
    int reduce[4], in4[4];
    if (!axes4(in, T(n->in[1]), g->tensors[n->in[1]].const_data, reduce, in4)) {
        arv_set_err(err, "operator %d (MEAN): axes must be constant int32 within rank %d (<= 4)",
                    n->model_index, in->ndim);
        return ARV_ERR_UNSUPPORTED;
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

static void eval(const arv_exec *x, const arv_node *n)
{
    int reduce[4], in4[4];
    axes4(x_t(x, n->in[0]), x_t(x, n->in[1]), x_t(x, n->in[1])->data, reduce, in4);
    x->k->mean4(in4, reduce, x_f32(x, n->in[0]), x_f32(x, n->out[0]));
}

const arv_op_def arv_op_mean = {TFL_MEAN, "MEAN", 2, 2, 2, 1, prepare, eval};
