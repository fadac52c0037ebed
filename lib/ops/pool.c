/* pool.c — MAX_POOL_2D and AVERAGE_POOL_2D. */
#include <stdio.h>
#include "ops/ops.h"
#include "model/tflite_schema.h"

#define T(i) (&g->tensors[(i)].t)

static arv_status prepare(arv_graph *g, arv_node *n, char *err)
{
    arv_status s;
    n->q8 = T(n->in[0])->type == ARV_INT8;
    if (arv_node_has_int16(g, n)) {
        /* TFLite's int16 pools need zero points 0 and move values as they
         * are; the clamp follows the output's scale. */
        if ((s = arv_expect_q16(g, n, n->in[0], "input", err)) ||
            (s = arv_expect_q16(g, n, n->out[0], "output", err)))
            return s;
        arv_q8 *q = arv_q8_alloc(n, 0);
        if (!q) {
            arv_set_err(err, "out of memory");
            return ARV_ERR_NOMEM;
        }
        n->q8 = q->q16 = 1;
        arv_q16_act_range(n->p.act, g->tensors[n->out[0]].q_scale[0], 0, &q->act_min,
                          &q->act_max);
    } else if (n->q8) {
        if ((s = arv_q8_prepare_same(g, n, err)))
            return s;
    } else if ((s = arv_expect_f32(g, n, n->in[0], "input", err))) {
        return s;
    }
    const arv_tensor *in = T(n->in[0]);
    float lo, hi;
    if (in->ndim != 4 || n->p.filter_h < 1 || n->p.filter_w < 1 || n->p.stride_h < 1 ||
        n->p.stride_w < 1 || !arv_act_range(n->p.act, &lo, &hi)) {
        arv_set_err(err, "operator %d (%s): unsupported shapes or options", n->model_index,
                    n->def->name);
        return ARV_ERR_UNSUPPORTED;
    }
    int dims[4] = {in->dims[0],
                   arv_conv_out_size(n->p.padding, in->dims[1], n->p.filter_h, n->p.stride_h, 1),
                   arv_conv_out_size(n->p.padding, in->dims[2], n->p.filter_w, n->p.stride_w, 1),
                   in->dims[3]};
    if ((s = arv_check_out_shape(g, n, 0, dims, 4, err)))
        return s;
    snprintf(n->params_str, sizeof n->params_str, "%dx%d s%d %s %s", n->p.filter_h,
             n->p.filter_w, n->p.stride_h, n->p.padding == TFL_PAD_SAME ? "SAME" : "VALID",
             arv_act_name(n->p.act));
    return ARV_OK;
}

static void geom(const arv_exec *x, const arv_node *n, arv_pool_geom *p)
{
    const arv_tensor *in = x_t(x, n->in[0]), *out = x_t(x, n->out[0]);
    p->batch = in->dims[0];
    p->in_h = in->dims[1];
    p->in_w = in->dims[2];
    p->c = in->dims[3];
    p->out_h = out->dims[1];
    p->out_w = out->dims[2];
    p->k_h = n->p.filter_h;
    p->k_w = n->p.filter_w;
    p->stride_h = n->p.stride_h;
    p->stride_w = n->p.stride_w;
    p->pad_top = arv_conv_pad_before(n->p.padding, p->in_h, p->k_h, p->stride_h, 1, p->out_h);
    p->pad_left = arv_conv_pad_before(n->p.padding, p->in_w, p->k_w, p->stride_w, 1, p->out_w);
    arv_act_range(n->p.act, &p->act_min, &p->act_max);
}

typedef struct pool_job {
    void (*fn)(const arv_pool_geom *, const float *, float *, int, int);
    arv_pool_geom p;
    const float *in;
    float *out;
    void (*fn8)(const arv_pool_geom *, int32_t, int32_t, const int8_t *, int8_t *, int, int);
    int32_t lo, hi;
    const int8_t *in8;
    int8_t *out8;
    int q16, avg;
} pool_job;

static void pool_rows(void *ctx, int b, int e)
{
    const pool_job *j = ctx;
    if (j->q16)
        arv_q16_pool(j->avg, &j->p, j->lo, j->hi, (const int16_t *)j->in8, (int16_t *)j->out8,
                     b, e);
    else if (j->fn8)
        j->fn8(&j->p, j->lo, j->hi, j->in8, j->out8, b, e);
    else
        j->fn(&j->p, j->in, j->out, b, e);
}

static void pool8_setup(const arv_exec *x, const arv_node *n, pool_job *j)
{
    j->fn8 = n->op == TFL_MAX_POOL_2D ? x->k8->max_pool : x->k8->avg_pool;
    j->lo = arv_q8_of(n)->act_min;
    j->hi = arv_q8_of(n)->act_max;
    j->in8 = x->t[n->in[0]].data;
    j->out8 = x->t[n->out[0]].data;
    j->in = NULL;
    j->out = NULL;
    j->q16 = arv_q8_of(n)->q16;
    j->avg = n->op == TFL_AVERAGE_POOL_2D;
}

static void eval_max(const arv_exec *x, const arv_node *n)
{
    pool_job j = {x->k->max_pool, {0}, NULL, NULL, NULL, 0, 0, NULL, NULL, 0, 0};
    geom(x, n, &j.p);
    if (n->q8)
        pool8_setup(x, n, &j);
    else {
        j.in = x_f32(x, n->in[0]);
        j.out = x_f32(x, n->out[0]);
    }
    arv_exec_split(x, j.p.batch * j.p.out_h,
                   arv_exec_min_items((uint64_t)j.p.out_w * (uint64_t)j.p.c, ARV_SPLIT_MIN_ELEMS),
                   pool_rows, &j);
}

static void eval_avg(const arv_exec *x, const arv_node *n)
{
    pool_job j = {x->k->avg_pool, {0}, NULL, NULL, NULL, 0, 0, NULL, NULL, 0, 0};
    geom(x, n, &j.p);
    if (n->q8)
        pool8_setup(x, n, &j);
    else {
        j.in = x_f32(x, n->in[0]);
        j.out = x_f32(x, n->out[0]);
    }
    /* Global pools read whole images per output row: count the input. */
    const uint64_t row = (uint64_t)j.p.out_w * (uint64_t)j.p.c * (uint64_t)j.p.k_h * (uint64_t)j.p.k_w;
    arv_exec_split(x, j.p.batch * j.p.out_h, arv_exec_min_items(row, ARV_SPLIT_MIN_ELEMS),
                   pool_rows, &j);
}

const arv_op_def arv_op_max_pool = {TFL_MAX_POOL_2D, "MAX_POOL_2D", 3, 1, 1, 1, prepare, eval_max, NULL};
const arv_op_def arv_op_avg_pool = {TFL_AVERAGE_POOL_2D, "AVERAGE_POOL_2D", 3, 1, 1, 1, prepare,
                                    eval_avg, NULL};
