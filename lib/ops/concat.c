/* concat.c — CONCATENATION along any axis (negative counts from the end). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include "ops/ops.h"
#include "model/tflite_schema.h"

#define T(i) (&g->tensors[(i)].t)
#define MAX_CAT 64

static int norm_axis(int axis, int nd) { return axis < 0 ? axis + nd : axis; }

static arv_status prepare(arv_graph *g, arv_node *n, char *err)
{
    arv_status s;
    const arv_tensor *t0 = T(n->in[0] >= 0 ? n->in[0] : 0);
    int axis = norm_axis(n->p.axis, t0->ndim);
    float lo, hi;
    if (n->n_in > MAX_CAT || axis < 0 || axis >= t0->ndim || !arv_act_range(n->p.act, &lo, &hi)) {
        arv_set_err(err, "operator %d (CONCATENATION): axis %d invalid for rank %d",
                    n->model_index, n->p.axis, t0->ndim);
        return ARV_ERR_UNSUPPORTED;
    }
    int dims[ARV_MAX_DIMS];
    int64_t cat = 0;
    for (int d = 0; d < t0->ndim; d++)
        dims[d] = t0->dims[d];
    n->q8 = g->tensors[n->out[0]].t.type == ARV_INT8;
    arv_q8 *q = NULL;
    const int q16 = arv_node_has_int16(g, n);
    if (q16) {
        /* TFLite: int16 inputs carry the output's scale (zero points 0). */
        if (n->p.act != TFL_ACT_NONE)
            return arv_q16_unsupported(g, n, err);
        if ((s = arv_expect_q16(g, n, n->out[0], "output", err)))
            return s;
        for (int i = 0; i < n->n_in; i++) {
            if ((s = arv_expect_q16(g, n, n->in[i], "input", err)))
                return s;
            if (g->tensors[n->in[i]].q_scale[0] != g->tensors[n->out[0]].q_scale[0]) {
                arv_set_err(err, "operator %d (CONCATENATION): int16 input %d has scale %g, "
                            "the output %g; TFLite requires them equal", n->model_index, i,
                            (double)g->tensors[n->in[i]].q_scale[0],
                            (double)g->tensors[n->out[0]].q_scale[0]);
                return ARV_ERR_UNSUPPORTED;
            }
        }
        if (!(q = arv_q8_alloc(n, 0))) {
            arv_set_err(err, "out of memory");
            return ARV_ERR_NOMEM;
        }
        n->q8 = q->q16 = 1;
    } else if (n->q8) {
        if (n->p.act != TFL_ACT_NONE) {
            arv_set_err(err, "operator %d (CONCATENATION): int8 with a fused activation (%s) "
                        "is not supported", n->model_index, arv_act_name(n->p.act));
            return ARV_ERR_UNSUPPORTED;
        }
        if ((s = arv_expect_q8(g, n, n->out[0], "output", err)))
            return s;
        if (!(q = arv_q8_alloc(n, 0))) {
            arv_set_err(err, "out of memory");
            return ARV_ERR_NOMEM;
        }
        q->out_scale = g->tensors[n->out[0]].q_scale[0];
        q->out_zp = g->tensors[n->out[0]].q_zp[0];
    }
    for (int i = 0; i < n->n_in; i++) {
        if (q16) {
            /* checked above */
        } else if (n->q8) {
            if ((s = arv_expect_q8(g, n, n->in[i], "input", err)))
                return s;
            q->cat_scale[i] = g->tensors[n->in[i]].q_scale[0];
            q->cat_zp[i] = g->tensors[n->in[i]].q_zp[0];
        } else if ((s = arv_expect_f32(g, n, n->in[i], "input", err))) {
            return s;
        }
        const arv_tensor *t = T(n->in[i]);
        for (int d = 0; d < t0->ndim; d++)
            if (t->ndim != t0->ndim || (d != axis && t->dims[d] != t0->dims[d])) {
                arv_set_err(err, "operator %d (CONCATENATION): input %d shape differs off axis",
                            n->model_index, i);
                return ARV_ERR_SHAPE;
            }
        cat += t->dims[axis];
    }
    if (cat > INT_MAX) {
        arv_set_err(err, "operator %d (CONCATENATION): concatenated dimension too large",
                    n->model_index);
        return ARV_ERR_SHAPE;
    }
    dims[axis] = (int)cat;
    if ((s = arv_check_out_shape(g, n, 0, dims, t0->ndim, err)))
        return s;
    snprintf(n->params_str, sizeof n->params_str, "axis %d, %d inputs", n->p.axis, n->n_in);
    return ARV_OK;
}

static void eval(const arv_exec *x, const arv_node *n)
{
    const arv_tensor *t0 = x_t(x, n->in[0]);
    int axis = norm_axis(n->p.axis, t0->ndim);
    const float *ins[MAX_CAT];
    int sizes[MAX_CAT];
    size_t outer = 1, inner = 1;
    for (int d = 0; d < axis; d++)
        outer *= (size_t)t0->dims[d];
    for (int d = axis + 1; d < t0->ndim; d++)
        inner *= (size_t)t0->dims[d];
    for (int i = 0; i < n->n_in; i++) {
        ins[i] = n->q8 ? NULL : x_f32(x, n->in[i]);
        sizes[i] = x_t(x, n->in[i])->dims[axis];
    }
    if (n->q8 && arv_q8_of(n)->q16) {
        const int16_t *ins16[MAX_CAT];
        for (int i = 0; i < n->n_in; i++)
            ins16[i] = x->t[n->in[i]].data;
        arv_q16_concat(n->n_in, ins16, sizes, outer, inner, x->t[n->out[0]].data);
        return;
    }
    if (n->q8) {
        const arv_q8 *q = arv_q8_of(n);
        const int8_t *ins8[MAX_CAT];
        for (int i = 0; i < n->n_in; i++)
            ins8[i] = x->t[n->in[i]].data;
        x->k8->concat(n->n_in, ins8, sizes, q->cat_scale, q->cat_zp, q->out_scale, q->out_zp,
                      outer, inner, x->t[n->out[0]].data);
        return;
    }
    float *out = x_f32(x, n->out[0]);
    x->k->concat(n->n_in, ins, sizes, outer, inner, out);
    float lo, hi;
    arv_act_range(n->p.act, &lo, &hi);
    if (n->p.act != TFL_ACT_NONE)
        x->k->clamp(arv_tensor_elems(x_t(x, n->out[0])), out, lo, hi, out);
}

const arv_op_def arv_op_concat = {TFL_CONCATENATION, "CONCATENATION", 3, 1, MAX_CAT, 1,
                                  prepare, eval, NULL};
