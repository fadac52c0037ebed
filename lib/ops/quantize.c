/* quantize.c — QUANTIZE: float32 -> int8 (round(x / scale) + zero point,
 * saturated; by default rounded as TFLite runs it, through XNNPACK: nearest
 * even of x * (1 / scale)), and int8 -> int8 requantization as TFLite does it (one
 * fixed-point multiplier in_scale / out_scale, then the output zero point),
 * here as a 256-entry table. */
#include <limits.h>
#include <stdio.h>
#include "ops/ops.h"
#include "model/tflite_schema.h"

#define T(i) (&g->tensors[(i)].t)

/* When a DEQUANTIZE from int8 (one scale) writes float input ti, the
 * int16 value each of the 256 int8 values ends as: the generic dequantize
 * (every ISA's equals it) and arv_q16_quantize (every ISA's equals it). */
static void tabulate_dequant(const arv_graph *g, int ti, arv_q8 *q)
{
    /* prepare runs before the graph's producers are counted */
    const arv_node *d = NULL;
    for (int i = 0; i < g->n_nodes && !d; i++)
        if (g->nodes[i].n_out == 1 && g->nodes[i].out[0] == ti)
            d = &g->nodes[i];
    if (!d || d->op != TFL_DEQUANTIZE || d->n_in < 1 || d->in[0] < 0)
        return;
    const arv_gtensor *src = &g->tensors[d->in[0]];
    if (src->t.type != ARV_INT8 || src->const_data || src->q_n != 1)
        return;
    int8_t v[256];
    float f[256];
    for (int i = 0; i < 256; i++)
        v[i] = (int8_t)(i - 128);
    arv_kernels_int8_generic.dequantize(256, v, src->q_scale[0], src->q_zp[0], f);
    int16_t r[256];
    arv_q16_quantize(256, f, q->out_scale, q->out_zp, r);
    for (int i = 0; i < 256; i++)
        q->lut16[(uint8_t)v[i]] = r[i];
    q->use_lut16 = 1;
}

/* QUANTIZE into or out of int16 (quantize.cc): float -> int16, and the
 * requantizations int16 -> int8 / int16 and int8 -> int16, int16 zero
 * points 0; kernels in int16_elementwise.c. */
static arv_status prepare16(arv_graph *g, arv_node *n, char *err)
{
    arv_status s;
    const int ti = n->in[0], to = n->out[0];
    const arv_tensor *in = T(ti), *out = T(to);
    if (in->type == ARV_INT16 && (s = arv_expect_q16(g, n, ti, "input", err)))
        return s;
    if (out->type == ARV_INT16 && (s = arv_expect_q16(g, n, to, "output", err)))
        return s;
    if (in->type == ARV_INT8 && (s = arv_expect_q8(g, n, ti, "input", err)))
        return s;
    if (out->type == ARV_INT8 && (s = arv_expect_q8(g, n, to, "output", err)))
        return s;
    if ((in->type != ARV_FLOAT32 && in->type != ARV_INT8 && in->type != ARV_INT16) ||
        (out->type != ARV_INT8 && out->type != ARV_INT16))
        return arv_q16_unsupported(g, n, err);
    arv_q8 *q = arv_q8_alloc(n, 0);
    if (!q) {
        arv_set_err(err, "out of memory");
        return ARV_ERR_NOMEM;
    }
    q->q16 = 1;
    q->out_scale = g->tensors[to].q_scale[0];
    q->out_zp = g->tensors[to].q_zp[0];
    if (in->type != ARV_FLOAT32) {
        q->in_scale = g->tensors[ti].q_scale[0];
        q->in_zp = g->tensors[ti].q_zp[0];
        arv_q_quantize_mult((double)q->in_scale / (double)q->out_scale, &q->rq_mult, &q->rq_shift);
        /* (x - zp) << shift must stay in int32, as TFLite's arithmetic needs */
        if (q->rq_shift > 14) {
            arv_set_err(err, "operator %d (QUANTIZE): scale ratio %g too large", n->model_index,
                        (double)q->in_scale / (double)q->out_scale);
            return ARV_ERR_UNSUPPORTED;
        }
    }
    if (in->type == ARV_FLOAT32 && out->type == ARV_INT16)
        tabulate_dequant(g, ti, q);
    snprintf(n->params_str, sizeof n->params_str, "%s->%s", arv_dtype_name(in->type),
             arv_dtype_name(out->type));
    return arv_check_out_shape(g, n, 0, in->dims, in->ndim, err);
}

static arv_status prepare(arv_graph *g, arv_node *n, char *err)
{
    arv_status s;
    const arv_tensor *in = T(n->in[0]);
    n->q8 = 1;
    if (arv_node_has_int16(g, n))
        return prepare16(g, n, err);
    if ((s = arv_expect_q8(g, n, n->out[0], "output", err)))
        return s;
    if (in->type != ARV_FLOAT32 && !arv_is_q8_tensor(g, n->in[0]))
        return arv_q8_unsupported(g, n, err);
    arv_q8 *q = arv_q8_alloc(n, 0);
    if (!q) {
        arv_set_err(err, "out of memory");
        return ARV_ERR_NOMEM;
    }
    const arv_gtensor *out = &g->tensors[n->out[0]];
    q->out_scale = out->q_scale[0];
    q->out_zp = out->q_zp[0];
    if (in->type == ARV_INT8) {
        const arv_gtensor *gi = &g->tensors[n->in[0]];
        int32_t m;
        int shift;
        q->in_scale = gi->q_scale[0];
        q->in_zp = gi->q_zp[0];
        arv_q_quantize_mult((double)q->in_scale / (double)q->out_scale, &m, &shift);
        for (int v = -128; v < 128; v++) {
            int32_t r = arv_q_mul_by_mult(v - q->in_zp, m, shift) + q->out_zp;
            q->lut[(uint8_t)(int8_t)v] = (int8_t)(r < -128 ? -128 : r > 127 ? 127 : r);
        }
        q->use_lut = 1;
    }
    snprintf(n->params_str, sizeof n->params_str, "%s->INT8", arv_dtype_name(in->type));
    return arv_check_out_shape(g, n, 0, in->dims, in->ndim, err);
}

#define Q_BLOCK 4096

typedef struct q_job {
    const arv_kernel_table_int8 *k;
    const arv_q8 *q;
    int rne;
    size_t count;
    const void *in;
    int8_t *out;
    int in_bits, out_bits;      /* int16 forms: element widths */
} q_job;

static void q_range(const q_job *j, size_t i0, size_t i1)
{
    const arv_q8 *q = j->q;
    if (q->q16) {
        const int ob = j->out_bits, ib = j->in_bits;
        /* the ISA's loops when its table has them (bit for bit the portable ones) */
        const arv_q16_loops *f = j->k && j->k->q16 ? j->k->q16 : &arv_q16_loops_c;
        if (ib == 8 && q->use_lut16)   /* run with its DEQUANTIZE (dequant_fuse.c) */
            (f->lut8 ? f->lut8 : arv_q16_lut8)(i1 - i0, (const int8_t *)j->in + i0, q->lut16,
                                               (int16_t *)j->out + i0);
        else if (ib == 32)
            (f->quantize ? f->quantize : arv_q16_quantize)(
                i1 - i0, (const float *)j->in + i0, q->out_scale, q->out_zp,
                (int16_t *)j->out + i0);
        else
            (f->requantize ? f->requantize : arv_q16_requantize)(
                i1 - i0, (const char *)j->in + i0 * (size_t)(ib / 8), ib, q->in_zp, q->rq_mult,
                q->rq_shift, q->out_zp, ob, (char *)j->out + i0 * (size_t)(ob / 8));
        return;
    }
    if (j->q->use_lut)
        j->k->lut(i1 - i0, (const int8_t *)j->in + i0, j->q->lut, j->out + i0);
    else if (j->rne)
        (j->k->quantize_rne ? j->k->quantize_rne : arv_q8_quantize_rne)(
            i1 - i0, (const float *)j->in + i0, 1.0f / j->q->out_scale, j->q->out_zp,
            j->out + i0);
    else
        j->k->quantize(i1 - i0, (const float *)j->in + i0, j->q->out_scale, j->q->out_zp,
                       j->out + i0);
}

static void q_blocks(void *ctx, int b, int e)
{
    const q_job *j = ctx;
    const size_t i1 = (size_t)e * Q_BLOCK;
    q_range(j, (size_t)b * Q_BLOCK, i1 < j->count ? i1 : j->count);
}

static void eval(const arv_exec *x, const arv_node *n)
{
    q_job j = {x->k8, arv_q8_of(n), !x->q8_reference, arv_tensor_elems(x_t(x, n->in[0])),
               x->t[n->in[0]].data, x->t[n->out[0]].data,
               (int)arv_dtype_size(x->t[n->in[0]].type) * 8,
               (int)arv_dtype_size(x->t[n->out[0]].type) * 8};
    const size_t blocks = (j.count + Q_BLOCK - 1) / Q_BLOCK;
    if (blocks > INT_MAX)
        q_range(&j, 0, j.count);   /* beyond any tensor limit in use: one piece */
    else
        arv_exec_split(x, (int)blocks, arv_exec_min_items(Q_BLOCK, ARV_SPLIT_MIN_ELEMS),
                       q_blocks, &j);
}

const arv_op_def arv_op_quantize = {TFL_QUANTIZE, "QUANTIZE", 2, 1, 1, 1, prepare, eval, NULL};
