/* q16common.c — helpers shared by the int16-activation ("16x8") paths of
 * the op files: TFLite's constraints (int16 zero points 0, int8 symmetric
 * weights, int64 bias) and the conv-family requantization. An int16 node
 * runs with n->q8 set (it is quantized: no float packing, no PAD folding)
 * and arv_q8.q16 set (no int8 weight packing). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "ops/ops.h"
#include "model/tflite_schema.h"

int arv_is_q16_tensor(const arv_graph *g, int ti)
{
    if (ti < 0)
        return 0;
    const arv_gtensor *t = &g->tensors[ti];
    return t->t.type == ARV_INT16 && t->q_n == 1 && t->q_scale[0] > 0.0f &&
           isfinite(t->q_scale[0]) && t->q_zp[0] == 0;
}

arv_status arv_expect_q16(const arv_graph *g, const arv_node *n, int ti, const char *role,
                          char *err)
{
    if (ti < 0) {
        arv_set_err(err, "operator %d (%s): missing %s", n->model_index, n->def->name, role);
        return ARV_ERR_FORMAT;
    }
    if (!arv_is_q16_tensor(g, ti)) {
        const arv_gtensor *t = &g->tensors[ti];
        arv_set_err(err, "operator %d (%s): %s '%s' is %s%s; the int16 path needs int16 with "
                    "one positive scale and zero point 0", n->model_index, n->def->name, role,
                    t->t.name, arv_dtype_name(t->t.type),
                    t->q_n > 1 ? " quantized per channel" : t->q_n == 0 ? " without quantization" : "");
        return ARV_ERR_UNSUPPORTED;
    }
    return ARV_OK;
}

int arv_node_has_int16(const arv_graph *g, const arv_node *n)
{
    for (int k = 0; k < n->n_in; k++)
        if (n->in[k] >= 0 && g->tensors[n->in[k]].t.type == ARV_INT16)
            return 1;
    for (int k = 0; k < n->n_out; k++)
        if (g->tensors[n->out[k]].t.type == ARV_INT16)
            return 1;
    return 0;
}

arv_status arv_q16_unsupported(const arv_graph *g, const arv_node *n, char *err)
{
    return arv_q_form_unsupported(g, n, "int16", err);
}

arv_status arv_q16_prepare_conv(arv_graph *g, arv_node *n, int ti_in, int ti_w, int ti_b,
                                int chan_dim, int out_c, char *err)
{
    arv_status s;
    n->q8 = 1;
    if ((s = arv_expect_q16(g, n, ti_in, "input", err)) ||
        (s = arv_expect_q16(g, n, n->out[0], "output", err)))
        return s;
    if ((s = arv_q_check_filter(g, n, ti_w, chan_dim, out_c, err)))
        return s;
    const arv_gtensor *w = &g->tensors[ti_w];
    /* TFLite runs an int32 bias through other kernels (int32 accumulators,
     * optimized path); only the int64 form is implemented here. */
    if (ti_b >= 0 && g->tensors[ti_b].t.type != ARV_INT64) {
        arv_set_err(err, "operator %d (%s): bias '%s' is %s; the int16 path takes an int64 bias",
                    n->model_index, n->def->name, g->tensors[ti_b].t.name,
                    arv_dtype_name(g->tensors[ti_b].t.type));
        return ARV_ERR_UNSUPPORTED;
    }
    if (ti_b >= 0) {
        /* TFLite's 64-bit requantization assumes sums below 2^47; a bias
         * near that is no real model's, and would overflow the sums. */
        const arv_gtensor *b = &g->tensors[ti_b];
        const int64_t *bv = b->const_data;
        size_t nb = arv_tensor_elems(&b->t);
        int ok = bv != NULL;
        for (size_t i = 0; ok && i < nb; i++)
            ok = bv[i] > -((int64_t)1 << 40) && bv[i] < ((int64_t)1 << 40);
        if (!ok) {
            arv_set_err(err, "operator %d (%s): int64 bias '%s' must be constant with values "
                        "below 2^40", n->model_index, n->def->name, b->t.name);
            return ARV_ERR_UNSUPPORTED;
        }
    }
    arv_q8 *q = arv_q8_alloc(n, out_c);
    if (!q) {
        arv_set_err(err, "out of memory");
        return ARV_ERR_NOMEM;
    }
    q->q16 = 1;
    q->in_scale = g->tensors[ti_in].q_scale[0];
    q->out_scale = g->tensors[n->out[0]].q_scale[0];
    for (int c = 0; c < out_c; c++) {
        arv_q_conv_mult(q->in_scale, w->q_scale[w->q_n > 1 ? c : 0], q->out_scale,
                        &q->mults[c], &q->shifts[c]);
        /* the range TFLite's 64-bit MultiplyByQuantizedMultiplier takes */
        if (q->mults[c] && (q->shifts[c] > 7 || q->shifts[c] < -31)) {
            arv_set_err(err, "operator %d (%s): channel %d's scale ratio in * w / out is "
                        "outside [2^-32, 2^7)", n->model_index, n->def->name, c);
            return ARV_ERR_UNSUPPORTED;
        }
    }
    arv_q16_act_range(n->p.act, q->out_scale, 0, &q->act_min, &q->act_max);
    q->conv16 = (arv_q16_conv){.mult = q->mults, .shift = q->shifts, .act_min = q->act_min,
                               .act_max = q->act_max};
    return ARV_OK;
}

arv_status arv_q16_prepare_same(arv_graph *g, arv_node *n, char *err)
{
    arv_status s;
    n->q8 = 1;
    if ((s = arv_expect_q16(g, n, n->in[0], "input", err)) ||
        (s = arv_expect_q16(g, n, n->out[0], "output", err)))
        return s;
    const arv_gtensor *in = &g->tensors[n->in[0]], *out = &g->tensors[n->out[0]];
    if (in->q_scale[0] != out->q_scale[0]) {
        arv_set_err(err, "operator %d (%s): int16 input '%s' (scale %g) and output '%s' "
                    "(scale %g) must share their quantization", n->model_index, n->def->name,
                    in->t.name, (double)in->q_scale[0], out->t.name, (double)out->q_scale[0]);
        return ARV_ERR_UNSUPPORTED;
    }
    arv_q8 *q = arv_q8_alloc(n, 0);
    if (!q) {
        arv_set_err(err, "out of memory");
        return ARV_ERR_NOMEM;
    }
    q->q16 = 1;
    q->in_scale = q->out_scale = out->q_scale[0];
    arv_q16_act_range(n->p.act, q->out_scale, 0, &q->act_min, &q->act_max);
    return ARV_OK;
}

/* One int16 conv-family node over a range of output rows (batch * out_h;
 * FULLY_CONNECTED: batches). */
typedef struct conv16_job {
    int op;
    arv_conv_geom geo;
    const arv_q16_conv *q;
    const int16_t *in;
    const int8_t *w;
    const int64_t *bias;
    int16_t *out;
    const arv_q16_loops *f;   /* the interpreter's ISA's inner loops */
    const void *packed;       /* 1x1 CONV_2D weights packed at creation, or NULL */
    const void *packed_dw;    /* DEPTHWISE_CONV_2D weights in tap pairs, or NULL */
} conv16_job;

static void conv16_rows(void *ctx, int b, int e)
{
    const conv16_job *j = ctx;
    if (j->packed)
        arv_q16_conv2d_packed_with(&j->geo, j->q, j->in, j->packed, j->bias, j->out, b, e,
                                   j->f);
    else if (j->op == TFL_CONV_2D)
        arv_q16_conv2d_with(&j->geo, j->q, j->in, j->w, j->bias, j->out, b, e, j->f);
    else if (j->op == TFL_DEPTHWISE_CONV_2D) {
        if (!j->packed_dw || !j->f->dw_packed ||
            !j->f->dw_packed(&j->geo, j->q, j->in, j->packed_dw, j->bias, j->out, b, e))
            arv_q16_depthwise_with(&j->geo, j->q, j->in, j->w, j->bias, j->out, b, e, j->f);
    } else
        arv_q16_fully_connected_with(j->geo.batch, j->geo.in_c, j->geo.out_c, j->q, j->in,
                                     j->w, j->bias, j->out, b, e, j->f);
}

void arv_q16_conv_eval(const arv_exec *x, const arv_node *n, const arv_conv_geom *geo,
                       uint64_t row_macs)
{
    conv16_job j;
    j.op = n->op;
    j.geo = *geo;
    j.q = &arv_q8_of(n)->conv16;
    j.in = x->t[n->in[0]].data;
    j.w = x->t[n->in[1]].data;
    j.bias = n->n_in > 2 && n->in[2] >= 0 ? x->t[n->in[2]].data : NULL;
    j.out = x->t[n->out[0]].data;
    j.f = x->k8->q16 ? x->k8->q16 : &arv_q16_loops_c;
    /* packed at creation only where it pays (arv_q16_pw_packed_pays) */
    j.packed = n->op == TFL_CONV_2D ? arv_exec_packed(x, n) : NULL;
    j.packed_dw = n->op == TFL_DEPTHWISE_CONV_2D ? arv_exec_packed(x, n) : NULL;
    const int rows = n->op == TFL_FULLY_CONNECTED ? geo->batch : geo->batch * geo->out_h;
    arv_exec_split(x, rows, arv_exec_min_items(row_macs, ARV_SPLIT_MIN_MACS), conv16_rows, &j);
}
