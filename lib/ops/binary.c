/* binary.c — ADD, SUB, MUL (broadcasting, fused activation) and PRELU. */
#include <limits.h>
#include <stdio.h>
#include "ops/ops.h"
#include "model/tflite_schema.h"

#define T(i) (&g->tensors[(i)].t)

static arv_status prepare(arv_graph *g, arv_node *n, char *err)
{
    arv_status s;
    if ((s = arv_expect_f32(g, n, n->in[0], "input 0", err)) ||
        (s = arv_expect_f32(g, n, n->in[1], "input 1", err)))
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
} bin_job;

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
    s.out[0] = s.out[1] = 1;
    s.out[2] = r1 - r0;
    if (spans(j->s.a, j->s.out)) {
        s.a[0] = s.a[1] = 1;
        s.a[2] = r1 - r0;
        a += (size_t)r0 * c;
    }
    if (spans(j->s.b, j->s.out)) {
        s.b[0] = s.b[1] = 1;
        s.b[2] = r1 - r0;
        b += (size_t)r0 * c;
    }
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

const arv_op_def arv_op_add = {TFL_ADD, "ADD", 4, 2, 2, 1, prepare, eval};
const arv_op_def arv_op_sub = {TFL_SUB, "SUB", 3, 2, 2, 1, prepare, eval};
const arv_op_def arv_op_mul = {TFL_MUL, "MUL", 5, 2, 2, 1, prepare, eval};
const arv_op_def arv_op_prelu = {TFL_PRELU, "PRELU", 1, 2, 2, 1, prepare, eval};
