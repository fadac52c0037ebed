/* unary.c — element-wise activations: RELU, RELU6, LOGISTIC, HARD_SWISH. */
#include <limits.h>
#include <math.h>
#include "ops/ops.h"
#include "model/tflite_schema.h"

#define T(i) (&g->tensors[(i)].t)

static arv_status prepare(arv_graph *g, arv_node *n, char *err)
{
    arv_status s;
    if ((s = arv_expect_f32(g, n, n->in[0], "input", err)))
        return s;
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
} unary_job;

static void unary_blocks(void *ctx, int b, int e)
{
    const unary_job *j = ctx;
    const size_t i0 = (size_t)b * UNARY_BLOCK;
    size_t i1 = (size_t)e * UNARY_BLOCK;
    if (i1 > j->count)
        i1 = j->count;
    unary_run(j->k, j->op, i1 - i0, j->in + i0, j->out + i0);
}

static void eval(const arv_exec *x, const arv_node *n)
{
    unary_job j = {x->k, n->op, arv_tensor_elems(x_t(x, n->in[0])), x_f32(x, n->in[0]),
                   x_f32(x, n->out[0])};
    const size_t blocks = (j.count + UNARY_BLOCK - 1) / UNARY_BLOCK;
    if (blocks > INT_MAX)   /* beyond any tensor limit in use */
        unary_run(j.k, j.op, j.count, j.in, j.out);
    else
        arv_exec_split(x, (int)blocks, arv_exec_min_items(UNARY_BLOCK, ARV_SPLIT_MIN_ELEMS),
                       unary_blocks, &j);
}

const arv_op_def arv_op_relu = {TFL_RELU, "RELU", 3, 1, 1, 1, prepare, eval};
const arv_op_def arv_op_relu6 = {TFL_RELU6, "RELU6", 3, 1, 1, 1, prepare, eval};
const arv_op_def arv_op_logistic = {TFL_LOGISTIC, "LOGISTIC", 3, 1, 1, 1, prepare, eval};
const arv_op_def arv_op_hard_swish = {TFL_HARD_SWISH, "HARD_SWISH", 1, 1, 1, 1, prepare, eval};
