/* binary.c — ADD, SUB, MUL (broadcasting, fused activation) and PRELU. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include "ops/ops.h"
#include "model/tflite_schema.h"

#define T(i) (&g->tensors[(i)].t)

static float qs(const arv_graph *g, int ti) { return g->tensors[ti].q_scale[0]; }
static int32_t qz(const arv_graph *g, int ti) { return g->tensors[ti].q_zp[0]; }

/* int8 ADD / SUB / MUL / PRELU: both operands and the output int8 per
 * tensor (PRELU's alpha too), parameters as TFLite prepares them. */
static arv_status prepare8(arv_graph *g, arv_node *n, char *err)
{
    arv_status s;
    if ((s = arv_expect_q8(g, n, n->in[0], "input 0", err)) ||
        (s = arv_expect_q8(g, n, n->in[1], n->op == TFL_PRELU ? "alpha" : "input 1", err)) ||
        (s = arv_expect_q8(g, n, n->out[0], "output", err)))
        return s;
    arv_q8 *q = arv_q8_alloc(n, 0);
    if (!q) {
        arv_set_err(err, "out of memory");
        return ARV_ERR_NOMEM;
    }
    const int a = n->in[0], b = n->in[1], o = n->out[0];
    switch (n->op) {
    case TFL_ADD:
    case TFL_SUB:
        arv_q_add_prepare(qs(g, a), qz(g, a), qs(g, b), qz(g, b), qs(g, o), qz(g, o), n->p.act,
                          &q->add);
        /* XNNPACK's ADD (what TFLite runs; SUB stays on TFLite's scheme). */
        q->add_tfl = q->add;
        if (n->op == TFL_ADD)
            arv_q_add_prepare_xnn(qs(g, a), qz(g, a), qs(g, b), qz(g, b), qs(g, o), &q->add_tfl);
        break;
    case TFL_MUL:
        arv_q_mul_prepare(qs(g, a), qz(g, a), qs(g, b), qz(g, b), qs(g, o), qz(g, o), n->p.act,
                          &q->mul);
        /* XNNPACK's MUL (what TFLite runs): float requantization with
         * s1 * s2 / so formed in float. */
        q->mul_tfl = q->mul;
        q->mul_tfl.rounding = ARV_QR_FP32;
        q->mul_tfl.fscale = qs(g, a) * qs(g, b) / qs(g, o);
        break;
    default:
        arv_q_prelu_prepare(qs(g, a), qz(g, a), qs(g, b), qz(g, b), qs(g, o), qz(g, o), &q->prelu);
        break;
    }
    return ARV_OK;
}

/* int16 ADD (add.cc's general int16 scheme, int16_elementwise.c): all
 * three int16 with zero point 0. The power-of-two form TFLite takes when
 * pot_scale_int16 is set and every scale is a power of two is refused. */
static arv_status prepare16(arv_graph *g, arv_node *n, char *err)
{
    arv_status s;
    n->q8 = 1;
    if (n->op != TFL_ADD && n->op != TFL_MUL)
        return arv_q16_unsupported(g, n, err);
    if ((s = arv_expect_q16(g, n, n->in[0], "input 0", err)) ||
        (s = arv_expect_q16(g, n, n->in[1], "input 1", err)) ||
        (s = arv_expect_q16(g, n, n->out[0], "output", err)))
        return s;
    const int a = n->in[0], b = n->in[1], o = n->out[0];
    if (n->op == TFL_ADD && n->p.pot_scale_int16) {
        int pot = 1;
        for (int k = 0; k < 3; k++) {
            int e;
            const float m = frexpf(qs(g, k == 0 ? a : k == 1 ? b : o), &e);
            pot &= m == 0.5f;
        }
        if (pot) {
            arv_set_err(err, "operator %d (ADD): int16 with power-of-two scales and "
                        "pot_scale_int16 set (TFLite's LSTM form) is not supported",
                        n->model_index);
            return ARV_ERR_UNSUPPORTED;
        }
    }
    arv_q8 *q = arv_q8_alloc(n, 0);
    if (!q) {
        arv_set_err(err, "out of memory");
        return ARV_ERR_NOMEM;
    }
    q->q16 = 1;
    if (n->op == TFL_MUL) {
        arv_q_mul_prepare(qs(g, a), 0, qs(g, b), 0, qs(g, o), 0, n->p.act, &q->mul);
        arv_q16_act_range(n->p.act, qs(g, o), 0, &q->mul.act_min, &q->mul.act_max);
    } else {
        arv_q16_add_prepare(qs(g, a), qs(g, b), qs(g, o), n->p.act, &q->add);
    }
    /* products (2^30) and lifted sums (2^31) leave no room for a left shift */
    if ((n->op == TFL_MUL && q->mul.shift > 0) || (n->op == TFL_ADD && q->add.out_shift > 0)) {
        arv_set_err(err, "operator %d (%s): int16 output scale %g too small for the inputs'",
                    n->model_index, n->def->name, (double)qs(g, o));
        return ARV_ERR_UNSUPPORTED;
    }
    return ARV_OK;
}

static arv_status prepare(arv_graph *g, arv_node *n, char *err)
{
    arv_status s;
    n->q8 = T(n->in[0])->type == ARV_INT8 || T(n->in[1])->type == ARV_INT8;
    if (arv_node_has_int16(g, n)) {
        if ((s = prepare16(g, n, err)))
            return s;
    } else if (n->q8 && (s = prepare8(g, n, err))) {
        return s;
    }
    if (!n->q8 && ((s = arv_expect_f32(g, n, n->in[0], "input 0", err)) ||
                   (s = arv_expect_f32(g, n, n->in[1], "input 1", err))))
        return s;
    arv_bcast4 b;
    int dims[4], nd;
    float lo, hi;
    if (!arv_bcast_fill(T(n->in[0]), T(n->in[1]), &b, dims, &nd) ||
        !arv_act_range(n->p.act, &lo, &hi)) {
        arv_set_err(err, "operator %d (%s): shapes do not broadcast (rank <= 4) or bad activation",
                    n->model_index, n->def->name);
        return ARV_ERR_SHAPE;
    }
    if ((s = arv_check_out_shape(g, n, 0, dims, nd, err)))
        return s;
    if (n->op == TFL_PRELU)
        snprintf(n->params_str, sizeof n->params_str, "alpha %zu",
                 arv_tensor_elems(T(n->in[1])));
    else
        snprintf(n->params_str, sizeof n->params_str, "%s%s", arv_act_name(n->p.act),
                 arv_tensor_elems(T(n->in[0])) != arv_tensor_elems(T(n->in[1])) ? " bcast" : "");
    return ARV_OK;
}

/* Threads split the output into rows of its last dimension. An operand
 * either spans the output (its rows advance with the output's) or has size
 * 1 in the three outer dims (one row or one value, repeated); other
 * broadcasts run in one piece. Element values do not depend on the split. */
typedef struct bin_job {
    const arv_kernel_table *k;
    int prelu;
    arv_binary_op op;
    arv_bcast4 s;
    const float *a, *b;
    float lo, hi;
    float *out;
    /* int8 path */
    const arv_kernel_table_int8 *k8;
    const arv_node *n;
    const int8_t *a8, *b8;
    int8_t *out8;
    int q8_reference;
    /* int16 path (ADD) */
    int q16;
    const int16_t *a16, *b16;
    int16_t *out16;
} bin_job;

static void run8(const bin_job *j, const arv_bcast4 *s, const int8_t *a, const int8_t *b,
                 int8_t *out)
{
    const arv_q8 *q = arv_q8_of(j->n);
    switch (j->n->op) {
    case TFL_ADD: {
        const arv_q_add *p = j->q8_reference ? &q->add : &q->add_tfl;
        arv_q8_table_for(j->k8, p->rounding)->add(0, p, s, a, b, out);
        break;
    }
    case TFL_SUB: j->k8->add(1, &q->add, s, a, b, out); break;
    case TFL_MUL: {
        const arv_q_mul *m = j->q8_reference ? &q->mul : &q->mul_tfl;
        arv_q8_table_for(j->k8, m->rounding)->mul(m, s, a, b, out);
        break;
    }
    default: j->k8->prelu(&q->prelu, s, a, b, out); break;
    }
}

static void run16(const bin_job *j, const arv_bcast4 *s, const int16_t *a, const int16_t *b,
                  int16_t *out)
{
    const arv_node *n = j->n;
    if (n->op == TFL_MUL)
        arv_q16_mul(&arv_q8_of(n)->mul, s, a, b, out);
    else if (j->k8 && j->k8->add16)
        j->k8->add16(&arv_q8_of(n)->add, s, a, b, out);
    else
        arv_q16_add(&arv_q8_of(n)->add, s, a, b, out);
}

static int spans(const int *d, const int *out)
{
    return d[0] == out[0] && d[1] == out[1] && d[2] == out[2] && d[3] == out[3];
}

static int row_splittable(const arv_bcast4 *s)
{
    return (spans(s->a, s->out) || (s->a[0] == 1 && s->a[1] == 1 && s->a[2] == 1)) &&
           (spans(s->b, s->out) || (s->b[0] == 1 && s->b[1] == 1 && s->b[2] == 1));
}

static void bin_rows(void *ctx, int r0, int r1)
{
    const bin_job *j = ctx;
    const size_t c = (size_t)j->s.out[3];
    arv_bcast4 s = j->s;
    const float *a = j->a, *b = j->b;
    size_t oa = 0, ob = 0;
    s.out[0] = s.out[1] = 1;
    s.out[2] = r1 - r0;
    if (spans(j->s.a, j->s.out)) {
        s.a[0] = s.a[1] = 1;
        s.a[2] = r1 - r0;
        oa = (size_t)r0 * c;
    }
    if (spans(j->s.b, j->s.out)) {
        s.b[0] = s.b[1] = 1;
        s.b[2] = r1 - r0;
        ob = (size_t)r0 * c;
    }
    if (j->q16) {
        run16(j, &s, j->a16 + oa, j->b16 + ob, j->out16 + (size_t)r0 * c);
        return;
    }
    if (j->k8) {
        run8(j, &s, j->a8 + oa, j->b8 + ob, j->out8 + (size_t)r0 * c);
        return;
    }
    a += oa;
    b += ob;
    float *out = j->out + (size_t)r0 * c;
    if (j->prelu)
        j->k->prelu(&s, a, b, out);
    else
        j->k->binary(j->op, &s, a, b, j->lo, j->hi, out);
}

static void eval(const arv_exec *x, const arv_node *n)
{
    bin_job j;
    int dims[4], nd;
    arv_bcast_fill(x_t(x, n->in[0]), x_t(x, n->in[1]), &j.s, dims, &nd);
    j.k = x->k;
    j.k8 = NULL;
    j.n = n;
    j.q8_reference = x->q8_reference;
    j.q16 = n->q8 && arv_q8_of(n)->q16;
    if (j.q16) {
        j.k8 = x->k8;
        j.a16 = x->t[n->in[0]].data;
        j.b16 = x->t[n->in[1]].data;
        j.out16 = x->t[n->out[0]].data;
        const int64_t rows16 = (int64_t)j.s.out[0] * j.s.out[1] * j.s.out[2];
        if (!row_splittable(&j.s) || rows16 > INT_MAX) {
            run16(&j, &j.s, j.a16, j.b16, j.out16);
            return;
        }
        const int c16 = j.s.out[3] > 0 ? j.s.out[3] : 1;
        arv_exec_split(x, (int)rows16, arv_exec_min_items((uint64_t)c16, ARV_SPLIT_MIN_ELEMS),
                       bin_rows, &j);
        return;
    }
    if (n->q8) {
        j.k8 = x->k8;
        j.a8 = x->t[n->in[0]].data;
        j.b8 = x->t[n->in[1]].data;
        j.out8 = x->t[n->out[0]].data;
        j.a = j.b = NULL;
        j.out = NULL;
        const int64_t rows8 = (int64_t)j.s.out[0] * j.s.out[1] * j.s.out[2];
        if (!row_splittable(&j.s) || rows8 > INT_MAX) {
            run8(&j, &j.s, j.a8, j.b8, j.out8);
            return;
        }
        const int c8 = j.s.out[3] > 0 ? j.s.out[3] : 1;
        arv_exec_split(x, (int)rows8, arv_exec_min_items((uint64_t)c8, ARV_SPLIT_MIN_ELEMS),
                       bin_rows, &j);
        return;
    }
    j.prelu = n->op == TFL_PRELU;
    j.op = n->op == TFL_ADD ? ARV_BIN_ADD : n->op == TFL_MUL ? ARV_BIN_MUL : ARV_BIN_SUB;
    j.lo = j.hi = 0.0f;
    if (!j.prelu)
        arv_act_range(n->p.act, &j.lo, &j.hi);
    j.a = x_f32(x, n->in[0]);
    j.b = x_f32(x, n->in[1]);
    j.out = x_f32(x, n->out[0]);
    const int64_t rows = (int64_t)j.s.out[0] * j.s.out[1] * j.s.out[2];
    if (!row_splittable(&j.s) || rows > INT_MAX) {
        if (j.prelu)
            x->k->prelu(&j.s, j.a, j.b, j.out);
        else
            x->k->binary(j.op, &j.s, j.a, j.b, j.lo, j.hi, j.out);
        return;
    }
    const int c = j.s.out[3] > 0 ? j.s.out[3] : 1;
    arv_exec_split(x, (int)rows, arv_exec_min_items((uint64_t)c, ARV_SPLIT_MIN_ELEMS), bin_rows, &j);
}

const arv_op_def arv_op_add = {TFL_ADD, "ADD", 4, 2, 2, 1, prepare, eval, NULL};
const arv_op_def arv_op_sub = {TFL_SUB, "SUB", 3, 2, 2, 1, prepare, eval, NULL};
const arv_op_def arv_op_mul = {TFL_MUL, "MUL", 5, 2, 2, 1, prepare, eval, NULL};
const arv_op_def arv_op_prelu = {TFL_PRELU, "PRELU", 1, 2, 2, 1, prepare, eval, NULL};
