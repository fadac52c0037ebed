/* unary.c — element-wise activations: RELU, RELU6, LOGISTIC, HARD_SWISH. */
#include <limits.h>
#include <math.h>
#include "ops/ops.h"
#include "model/tflite_schema.h"

#define T(i) (&g->tensors[(i)].t)

/* TFLite's int8 RELU / RELU6: requantize from the input's parameters to the
 * output's (one multiplier), then clamp to the activation's int8 range; as a
 * table over the 256 inputs. */
static void relu_lut(int act, float in_s, int32_t in_zp, float out_s, int32_t out_zp,
                     int8_t lut[256])
{
    int32_t q, lo, hi;
    int shift;
    arv_q_quantize_mult((double)in_s / (double)out_s, &q, &shift);
    arv_q_act_range(act, out_s, out_zp, &lo, &hi);
    for (int v = -128; v < 128; v++) {
        int32_t r = out_zp + arv_q_mul_by_mult(v - in_zp, q, shift);
        r = r < lo ? lo : r > hi ? hi : r;
        lut[(uint8_t)(int8_t)v] = (int8_t)r;
    }
}

static arv_status prepare8(arv_graph *g, arv_node *n, char *err)
{
    arv_status s;
    if ((s = arv_expect_q8(g, n, n->in[0], "input", err)) ||
        (s = arv_expect_q8(g, n, n->out[0], "output", err)))
        return s;
    const arv_gtensor *in = &g->tensors[n->in[0]], *out = &g->tensors[n->out[0]];
    const float is = in->q_scale[0], os = out->q_scale[0];
    const int32_t iz = in->q_zp[0], oz = out->q_zp[0];
    if (n->op == TFL_LOGISTIC && (oz != -128 || os != 1.0f / 256.0f)) {
        arv_set_err(err, "operator %d (LOGISTIC): int8 output '%s' must have scale 1/256 and "
                    "zero point -128 (has %g, %d)", n->model_index, out->t.name, (double)os, oz);
        return ARV_ERR_UNSUPPORTED;
    }
    arv_q8 *q = arv_q8_alloc(n, 0);
    if (!q) {
        arv_set_err(err, "out of memory");
        return ARV_ERR_NOMEM;
    }
    q->use_lut = 1;
    switch (n->op) {
    case TFL_RELU: relu_lut(TFL_ACT_RELU, is, iz, os, oz, q->lut); break;
    case TFL_RELU6: relu_lut(TFL_ACT_RELU6, is, iz, os, oz, q->lut); break;
    case TFL_LOGISTIC: arv_q_lut_logistic(is, iz, os, oz, q->lut); break;
    default: {
        /* HARD_SWISH is a function of the int8 input alone: tabulate the
         * generic kernel (the oracle) over all 256 inputs, so every table
         * runs it as a lookup and agrees with it by construction. */
        arv_q_hswish_prepare(is, iz, os, oz, &q->hswish);
        int8_t all[256];
        for (int v = 0; v < 256; v++)
            all[v] = (int8_t)(uint8_t)v;
        arv_q8_hard_swish(&q->hswish, 256, all, q->lut);
        break;
    }
    }
    return ARV_OK;
}

static arv_status prepare(arv_graph *g, arv_node *n, char *err)
{
    arv_status s;
    n->q8 = T(n->in[0])->type == ARV_INT8;
    if (n->q8) {
        if ((s = prepare8(g, n, err)))
            return s;
    } else if ((s = arv_expect_f32(g, n, n->in[0], "input", err))) {
        return s;
    }
    const arv_tensor *in = T(n->in[0]);
    return arv_check_out_shape(g, n, 0, in->dims, in->ndim, err);
}

/* Work is split in blocks of UNARY_BLOCK elements: every element is computed
 * alone, so where a range starts does not change any value. */
#define UNARY_BLOCK 1024

static void unary_run(const arv_kernel_table *k, int op, size_t count, const float *in,
                      float *out)
{
    switch (op) {
    case TFL_RELU: k->clamp(count, in, 0.0f, INFINITY, out); break;
    case TFL_RELU6: k->clamp(count, in, 0.0f, 6.0f, out); break;
    case TFL_LOGISTIC: k->logistic(count, in, out); break;
    default: k->hard_swish(count, in, out); break;
    }
}

typedef struct unary_job {
    const arv_kernel_table *k;
    int op;
    size_t count;
    const float *in;
    float *out;
    const arv_kernel_table_int8 *k8;
    const arv_q8 *q;
    const int8_t *in8;
    int8_t *out8;
} unary_job;

static void unary8_run(const unary_job *j, size_t i0, size_t i1)
{
    if (j->q->use_lut)
        j->k8->lut(i1 - i0, j->in8 + i0, j->q->lut, j->out8 + i0);
    else
        j->k8->hard_swish(&j->q->hswish, i1 - i0, j->in8 + i0, j->out8 + i0);
}

static void unary_blocks(void *ctx, int b, int e)
{
    const unary_job *j = ctx;
    const size_t i0 = (size_t)b * UNARY_BLOCK;
    size_t i1 = (size_t)e * UNARY_BLOCK;
    if (i1 > j->count)
        i1 = j->count;
    if (j->k8)
        unary8_run(j, i0, i1);
    else
        unary_run(j->k, j->op, i1 - i0, j->in + i0, j->out + i0);
}

static void eval(const arv_exec *x, const arv_node *n)
{
    if (n->q8) {
        unary_job j8 = {x->k, n->op, arv_tensor_elems(x_t(x, n->in[0])), NULL, NULL, x->k8,
                        arv_q8_of(n), x->t[n->in[0]].data, x->t[n->out[0]].data};
        const size_t blocks8 = (j8.count + UNARY_BLOCK - 1) / UNARY_BLOCK;
        if (blocks8 > INT_MAX)
            unary8_run(&j8, 0, j8.count);
        else
            arv_exec_split(x, (int)blocks8, arv_exec_min_items(UNARY_BLOCK, ARV_SPLIT_MIN_ELEMS),
                           unary_blocks, &j8);
        return;
    }
    unary_job j = {x->k, n->op, arv_tensor_elems(x_t(x, n->in[0])), x_f32(x, n->in[0]),
                   x_f32(x, n->out[0]), NULL, NULL, NULL, NULL};
    const size_t blocks = (j.count + UNARY_BLOCK - 1) / UNARY_BLOCK;
    if (blocks > INT_MAX)   /* beyond any tensor limit in use */
        unary_run(j.k, j.op, j.count, j.in, j.out);
    else
        arv_exec_split(x, (int)blocks, arv_exec_min_items(UNARY_BLOCK, ARV_SPLIT_MIN_ELEMS),
                       unary_blocks, &j);
}

const arv_op_def arv_op_relu = {TFL_RELU, "RELU", 3, 1, 1, 1, prepare, eval, NULL};
const arv_op_def arv_op_relu6 = {TFL_RELU6, "RELU6", 3, 1, 1, 1, prepare, eval, NULL};
const arv_op_def arv_op_logistic = {TFL_LOGISTIC, "LOGISTIC", 3, 1, 1, 1, prepare, eval, NULL};
const arv_op_def arv_op_hard_swish = {TFL_HARD_SWISH, "HARD_SWISH", 1, 1, 1, 1, prepare, eval, NULL};
