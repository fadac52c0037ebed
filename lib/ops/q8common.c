/* q8common.c — helpers shared by the int8 paths of the op files: checks of
 * TFLite's int8 quantization spec and the conv-like requantization. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ops/ops.h"
#include "model/tflite_schema.h"

arv_q8 *arv_q8_alloc(arv_node *n, int n_ch)
{
    free(n->qdata);
    n->qdata = NULL;
    size_t nc = n_ch > 0 ? (size_t)n_ch : 1;
    size_t bytes = sizeof(arv_q8) + nc * (sizeof(int32_t) + sizeof(int) + sizeof(float));
    arv_q8 *q = calloc(1, bytes);
    if (!q)
        return NULL;
    q->n_ch = n_ch;
    q->mults = (int32_t *)(q + 1);
    q->shifts = (int *)(q->mults + nc);
    q->fscales = (float *)(q->shifts + nc);
    n->qdata = q;
    return q;
}

int arv_is_q8_tensor(const arv_graph *g, int ti)
{
    if (ti < 0)
        return 0;
    const arv_gtensor *t = &g->tensors[ti];
    return t->t.type == ARV_INT8 && t->q_n == 1 && t->q_scale[0] > 0.0f &&
           isfinite(t->q_scale[0]) && t->q_zp[0] >= -128 && t->q_zp[0] <= 127;
}

arv_status arv_expect_q8(const arv_graph *g, const arv_node *n, int ti, const char *role,
                         char *err)
{
    if (ti < 0) {
        arv_set_err(err, "operator %d (%s): missing %s", n->model_index, n->def->name, role);
        return ARV_ERR_FORMAT;
    }
    if (!arv_is_q8_tensor(g, ti)) {
        const arv_gtensor *t = &g->tensors[ti];
        arv_set_err(err, "operator %d (%s): %s '%s' is %s%s; the int8 path needs int8 with one "
                    "positive scale and a zero point in [-128, 127]", n->model_index,
                    n->def->name, role, t->t.name, arv_dtype_name(t->t.type),
                    t->q_n > 1 ? " quantized per channel" : t->q_n == 0 ? " without quantization" : "");
        return ARV_ERR_UNSUPPORTED;
    }
    return ARV_OK;
}

arv_status arv_q_check_filter(const arv_graph *g, const arv_node *n, int ti_w, int chan_dim,
                              int out_c, char *err)
{
    const arv_gtensor *w = &g->tensors[ti_w];
    if (w->t.type != ARV_INT8 || w->q_n < 1 || !w->const_data ||
        (w->q_n > 1 && (w->q_dim != chan_dim || w->q_n != out_c))) {
        arv_set_err(err, "operator %d (%s): filter '%s' must be constant int8, quantized per "
                    "tensor or per output channel (dimension %d, %d channels)", n->model_index,
                    n->def->name, w->t.name, chan_dim, out_c);
        return ARV_ERR_UNSUPPORTED;
    }
    for (int c = 0; c < w->q_n; c++)
        if (w->q_zp[c] != 0 || !(w->q_scale[c] > 0.0f) || !isfinite(w->q_scale[c])) {
            arv_set_err(err, "operator %d (%s): filter '%s' channel %d has zero point %d, scale "
                        "%g (int8 filters are symmetric)", n->model_index, n->def->name,
                        w->t.name, c, w->q_zp[c], (double)w->q_scale[c]);
            return ARV_ERR_UNSUPPORTED;
        }
    return ARV_OK;
}

arv_status arv_q_form_unsupported(const arv_graph *g, const arv_node *n, const char *form,
                                  char *err)
{
    char types[128] = "";
    for (int k = 0; k < n->n_in && strlen(types) < 100; k++)
        snprintf(types + strlen(types), sizeof types - strlen(types), "%s%s", k ? "," : "",
                 n->in[k] >= 0 ? arv_dtype_name(g->tensors[n->in[k]].t.type) : "-");
    arv_set_err(err, "operator %d (%s): %s form with inputs (%s) -> %s is not supported",
                n->model_index, n->def->name, form, types,
                arv_dtype_name(g->tensors[n->out[0]].t.type));
    return ARV_ERR_UNSUPPORTED;
}

arv_status arv_q8_unsupported(const arv_graph *g, const arv_node *n, char *err)
{
    return arv_q_form_unsupported(g, n, "int8", err);
}

arv_status arv_q8_prepare_conv(arv_graph *g, arv_node *n, int ti_in, int ti_w, int ti_b,
                               int chan_dim, int out_c, char *err)
{
    arv_status s;
    if ((s = arv_expect_q8(g, n, ti_in, "input", err)) ||
        (s = arv_expect_q8(g, n, n->out[0], "output", err)))
        return s;
    if ((s = arv_q_check_filter(g, n, ti_w, chan_dim, out_c, err)))
        return s;
    const arv_gtensor *w = &g->tensors[ti_w];
    if (ti_b >= 0 && g->tensors[ti_b].t.type != ARV_INT32) {
        arv_set_err(err, "operator %d (%s): bias '%s' is %s; int8 ops take an int32 bias",
                    n->model_index, n->def->name, g->tensors[ti_b].t.name,
                    arv_dtype_name(g->tensors[ti_b].t.type));
        return ARV_ERR_UNSUPPORTED;
    }
    arv_q8 *q = arv_q8_alloc(n, out_c);
    if (!q) {
        arv_set_err(err, "out of memory");
        return ARV_ERR_NOMEM;
    }
    const arv_gtensor *in = &g->tensors[ti_in], *out = &g->tensors[n->out[0]];
    q->in_scale = in->q_scale[0];
    q->in_zp = in->q_zp[0];
    q->out_scale = out->q_scale[0];
    q->out_zp = out->q_zp[0];
    for (int c = 0; c < out_c; c++)
        arv_q_conv_mult(q->in_scale, w->q_scale[w->q_n > 1 ? c : 0], q->out_scale,
                        &q->mults[c], &q->shifts[c]);
    arv_q_act_range(n->p.act, q->out_scale, q->out_zp, &q->act_min, &q->act_max);
    q->conv = (arv_q_conv){.input_offset = -q->in_zp, .weight_offset = 0,
                           .output_offset = q->out_zp, .mult = q->mults, .shift = q->shifts,
                           .act_min = q->act_min, .act_max = q->act_max};
    /* What TFLite runs (checked op by op against its WASM build's
     * activations, testdata/golden/int8/<model>/ops): its XNNPACK delegate
     * takes CONV_2D, DEPTHWISE_CONV_2D and TRANSPOSE_CONV and requantizes
     * in float with in * w / out formed in float (100 % identical where
     * the fixed-point multiplier gave 99.8 %); FULLY_CONNECTED stays on
     * TFLite's optimized kernel, built with single rounding. */
    for (int c = 0; c < out_c; c++)
        q->fscales[c] = q->in_scale * w->q_scale[w->q_n > 1 ? c : 0] / q->out_scale;
    q->conv_tfl = q->conv;
    q->conv_tfl.rounding = n->op == TFL_FULLY_CONNECTED ? ARV_QR_SINGLE : ARV_QR_FP32;
    q->conv_tfl.fscale = q->fscales;
    return ARV_OK;
}

arv_status arv_q8_prepare_same(arv_graph *g, arv_node *n, char *err)
{
    arv_status s;
    if ((s = arv_expect_q8(g, n, n->in[0], "input", err)) ||
        (s = arv_expect_q8(g, n, n->out[0], "output", err)))
        return s;
    const arv_gtensor *in = &g->tensors[n->in[0]], *out = &g->tensors[n->out[0]];
    if (in->q_scale[0] != out->q_scale[0] || in->q_zp[0] != out->q_zp[0]) {
        arv_set_err(err, "operator %d (%s): int8 input '%s' (scale %g, zero point %d) and "
                    "output '%s' (scale %g, zero point %d) must share their quantization",
                    n->model_index, n->def->name, in->t.name, (double)in->q_scale[0],
                    in->q_zp[0], out->t.name, (double)out->q_scale[0], out->q_zp[0]);
        return ARV_ERR_UNSUPPORTED;
    }
    arv_q8 *q = arv_q8_alloc(n, 0);
    if (!q) {
        arv_set_err(err, "out of memory");
        return ARV_ERR_NOMEM;
    }
    q->in_scale = q->out_scale = out->q_scale[0];
    q->in_zp = q->out_zp = out->q_zp[0];
    arv_q_act_range(n->p.act, q->out_scale, q->out_zp, &q->act_min, &q->act_max);
    return ARV_OK;
}

const arv_q_conv *arv_q8_conv_params(const arv_exec *x, const arv_node *n)
{
    const arv_q8 *q = arv_q8_of(n);
    return x->q8_reference ? &q->conv : &q->conv_tfl;
}

const arv_q_mul *arv_q8_mul_params(const arv_exec *x, const arv_node *n)
{
    const arv_q8 *q = arv_q8_of(n);
    return x->q8_reference ? &q->mul : &q->mul_tfl;
}

/* One int8 CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED node over a range of
 * output rows (batch * out_h; FULLY_CONNECTED: batches). */
typedef struct conv8_job {
    const arv_kernel_table_int8 *k;
    int op;
    arv_conv_geom geo;
    const arv_q_conv *q;
    const int8_t *in, *w;
    const int32_t *bias;
    const void *packed;
    int8_t *out;
} conv8_job;

static void conv8_rows(void *ctx, int b, int e)
{
    const conv8_job *j = ctx;
    if (j->packed)
        j->k->run_packed(j->op, &j->geo, j->q, j->in, j->packed, j->out, b, e);
    else if (j->op == TFL_CONV_2D)
        j->k->conv2d(&j->geo, j->q, j->in, j->w, j->bias, j->out, b, e);
    else if (j->op == TFL_DEPTHWISE_CONV_2D)
        j->k->depthwise(&j->geo, j->q, j->in, j->w, j->bias, j->out, b, e);
    else
        j->k->fully_connected(j->geo.batch, j->geo.in_c, j->geo.out_c, j->q, j->in, j->w,
                              j->bias, j->out, b, e);
}

void arv_q8_conv_eval(const arv_exec *x, const arv_node *n, const arv_conv_geom *geo,
                      uint64_t row_macs)
{
    conv8_job j;
    j.op = n->op;
    j.geo = *geo;
    j.q = arv_q8_conv_params(x, n);
    /* a table that cannot round this way hands the node to the generic one,
     * unpacked (the weights were packed for this table only) */
    j.k = arv_q8_table_for(x->k8, j.q->rounding);
    j.in = x->t[n->in[0]].data;
    j.w = x->t[n->in[1]].data;
    j.bias = n->n_in > 2 && n->in[2] >= 0 ? x->t[n->in[2]].data : NULL;
    j.packed = j.k == x->k8 ? arv_exec_packed(x, n) : NULL;
    j.out = x->t[n->out[0]].data;
    const int rows = n->op == TFL_FULLY_CONNECTED ? geo->batch : geo->batch * geo->out_h;
    arv_exec_split(x, rows, arv_exec_min_items(row_macs, ARV_SPLIT_MIN_MACS), conv8_rows, &j);
}
