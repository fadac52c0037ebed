/* resize_bilinear.c — RESIZE_BILINEAR to a constant int32 [2] size. */
#include <stdio.h>
#include "ops/ops.h"
#include "model/tflite_schema.h"

#define T(i) (&g->tensors[(i)].t)

static arv_status prepare(arv_graph *g, arv_node *n, char *err)
{
    arv_status s;
    n->q8 = T(n->in[0])->type == ARV_INT8;
    if (arv_node_has_int16(g, n)) {
        if ((s = arv_q16_prepare_same(g, n, err)))
            return s;
    } else if (n->q8) {
        if ((s = arv_q8_prepare_same(g, n, err)))
            return s;
    } else if ((s = arv_expect_f32(g, n, n->in[0], "input", err))) {
        return s;
    }
    const arv_tensor *in = T(n->in[0]);
    const arv_gtensor *sz = &g->tensors[n->in[1] >= 0 ? n->in[1] : 0];
    if (n->in[1] < 0 || in->ndim != 4 || sz->t.type != ARV_INT32 || !sz->const_data ||
        arv_tensor_elems(&sz->t) != 2 || (n->p.align_corners && n->p.half_pixel_centers)) {
        arv_set_err(err, "operator %d (RESIZE_BILINEAR): needs 4-D input and a constant int32[2] size",
                    n->model_index);
        return ARV_ERR_UNSUPPORTED;
    }
    const int32_t *hw = sz->const_data;
    if (hw[0] < 1 || hw[1] < 1) {
        arv_set_err(err, "operator %d (RESIZE_BILINEAR): size %dx%d", n->model_index, hw[0], hw[1]);
        return ARV_ERR_SHAPE;
    }
    int dims[4] = {in->dims[0], hw[0], hw[1], in->dims[3]};
    if ((s = arv_check_out_shape(g, n, 0, dims, 4, err)))
        return s;
    snprintf(n->params_str, sizeof n->params_str, "%dx%d->%dx%d%s%s", in->dims[1], in->dims[2],
             hw[0], hw[1], n->p.align_corners ? " align_corners" : "",
             n->p.half_pixel_centers ? " half_pixel" : "");
    return ARV_OK;
}

typedef struct rb_job {
    const arv_kernel_table *k;
    arv_resize_geom r;
    const float *in;
    float *out;
} rb_job;

static void rb_rows(void *ctx, int b, int e)
{
    const rb_job *j = ctx;
    j->k->resize_bilinear_rows(&j->r, j->in, j->out, b, e);
}

typedef struct rb8_job {
    arv_resize_geom r;
    const int8_t *in;
    int8_t *out;
    int reference;
    const arv_kernel_table_int8 *k8;
    int q16;
} rb8_job;

static void rb8_rows(void *ctx, int b, int e)
{
    const rb8_job *j = ctx;
    if (j->q16)
        arv_q16_resize_bilinear(&j->r, (const int16_t *)j->in, (int16_t *)j->out, b, e);
    else if (j->reference)
        arv_q8_resize_bilinear(&j->r, j->in, j->out, b, e);
    else if (j->k8->resize_bilinear_q11)   /* what TFLite runs: XNNPACK's kernel */
        j->k8->resize_bilinear_q11(&j->r, j->in, j->out, b, e);
    else
        arv_q8_resize_bilinear_q11(&j->r, j->in, j->out, b, e);
}

static void eval(const arv_exec *x, const arv_node *n)
{
    const arv_tensor *in = x_t(x, n->in[0]), *out = x_t(x, n->out[0]);
    if (n->q8) {
        rb8_job j8 = {{in->dims[0], in->dims[1], in->dims[2], in->dims[3], out->dims[1],
                       out->dims[2], n->p.align_corners, n->p.half_pixel_centers},
                      in->data, out->data, x->q8_reference, x->k8, arv_q8_of(n)->q16};
        arv_exec_split(x, j8.r.batch * j8.r.out_h,
                       arv_exec_min_items((uint64_t)j8.r.out_w * (uint64_t)j8.r.c,
                                          ARV_SPLIT_MIN_ELEMS),
                       rb8_rows, &j8);
        return;
    }
    rb_job j = {x->k,
                {in->dims[0], in->dims[1], in->dims[2], in->dims[3], out->dims[1], out->dims[2],
                 n->p.align_corners, n->p.half_pixel_centers},
                x_f32(x, n->in[0]), x_f32(x, n->out[0])};
    if (x->k->resize_bilinear_rows)
        arv_exec_split(x, j.r.batch * j.r.out_h,
                       arv_exec_min_items((uint64_t)j.r.out_w * (uint64_t)j.r.c,
                                          ARV_SPLIT_MIN_ELEMS),
                       rb_rows, &j);
    else
        x->k->resize_bilinear(&j.r, j.in, j.out);
}

const arv_op_def arv_op_resize_bilinear = {TFL_RESIZE_BILINEAR, "RESIZE_BILINEAR", 4, 2, 2, 1,
                                           prepare, eval, NULL};
