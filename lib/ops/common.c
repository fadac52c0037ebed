/* common.c — helpers shared by the op files: activation ranges, TFLite's
 * padding arithmetic, option parsing, shape checks. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "ops/ops.h"
#include "model/tflite_schema.h"

int arv_act_range(int act, float *lo, float *hi)
{
    switch (act) {
    case TFL_ACT_NONE: *lo = -INFINITY; *hi = INFINITY; return 1;
    case TFL_ACT_RELU: *lo = 0.0f; *hi = INFINITY; return 1;
    case TFL_ACT_RELU_N1_TO_1: *lo = -1.0f; *hi = 1.0f; return 1;
    case TFL_ACT_RELU6: *lo = 0.0f; *hi = 6.0f; return 1;
    default: return 0;
    }
}

const char *arv_act_name(int act)
{
    static const char *names[] = {"NONE", "RELU", "RELU_N1_TO_1", "RELU6", "TANH", "SIGN_BIT"};
    return act >= 0 && act < 6 ? names[act] : "?";
}

/* Sizes, strides and dilations come from the file and may be anything up
 * to INT_MAX, so the arithmetic is 64-bit. An effective kernel extent over
 * INT_MAX / 2 gives -1, which no stored output dimension matches: beyond
 * it, a kernel's int window arithmetic (padding plus dilation) overflows. */
int arv_conv_out_size(int padding, int in, int k, int stride, int dil)
{
    int64_t eff = ((int64_t)k - 1) * dil + 1;
    if (stride <= 0 || eff > INT_MAX / 2)
        return -1;
    int64_t out = padding == TFL_PAD_SAME ? ((int64_t)in + stride - 1) / stride
                  : in >= eff ? (in - eff) / stride + 1 : 0;
    return out > INT_MAX ? -1 : (int)out;
}

int arv_conv_pad_before(int padding, int in, int k, int stride, int dil, int out)
{
    if (padding != TFL_PAD_SAME)
        return 0;
    int64_t eff = ((int64_t)k - 1) * dil + 1;
    int64_t total = ((int64_t)out - 1) * stride + eff - in;
    return total > 0 ? (int)(total / 2 < INT_MAX ? total / 2 : INT_MAX) : 0;
}

arv_status arv_check_out_shape(arv_graph *g, const arv_node *n, int oi,
                               const int *dims, int ndim, char *err)
{
    arv_gtensor *t = &g->tensors[n->out[oi]];
    /* Every op that gets its output shape checked here writes float32,
     * except DENSIFY, which keeps (and checks) its input's type; a stored
     * type with smaller elements would make the kernel overrun the arena. */
    if (n->q8) {
        /* int16 ops: int16 output, or int8 out of a requantizing QUANTIZE */
        const int want16 = t->t.type == ARV_INT16 ||
                           (n->qdata && arv_q8_of(n)->q16 && n->op == TFL_QUANTIZE);
        if (want16 && t->t.type == ARV_INT16) {
            if (arv_expect_q16(g, n, n->out[oi], "output", err) != ARV_OK)
                return ARV_ERR_UNSUPPORTED;
        } else if ((n->op != TFL_DENSIFY && n->op != TFL_DEQUANTIZE) &&
            arv_expect_q8(g, n, n->out[oi], "output", err) != ARV_OK)
            return ARV_ERR_UNSUPPORTED;
    } else if (n->op != TFL_DENSIFY && t->t.type != ARV_FLOAT32) {
        if (t->t.type == ARV_INT16)
            return arv_q16_unsupported(g, n, err);
        return arv_expect_f32(g, n, n->out[oi], "output", err);
    }
    int same = t->t.ndim == ndim;
    for (int d = 0; same && d < ndim; d++)
        same = t->t.dims[d] == dims[d];
    if (!same) {
        char want[64] = "", got[64] = "";
        for (int d = 0; d < ndim; d++)
            snprintf(want + strlen(want), sizeof want - strlen(want), "%s%d", d ? "," : "", dims[d]);
        for (int d = 0; d < t->t.ndim; d++)
            snprintf(got + strlen(got), sizeof got - strlen(got), "%s%d", d ? "," : "", t->t.dims[d]);
        arv_set_err(err, "operator %d (%s): output '%s' has shape [%s], the op gives [%s]",
                    n->model_index, n->def->name, t->t.name, got, want);
        return ARV_ERR_SHAPE;
    }
    return ARV_OK;
}

arv_status arv_expect_f32(const arv_graph *g, const arv_node *n, int ti,
                          const char *role, char *err)
{
    if (ti < 0) {
        arv_set_err(err, "operator %d (%s): missing %s", n->model_index, n->def->name, role);
        return ARV_ERR_FORMAT;
    }
    if (g->tensors[ti].t.type != ARV_FLOAT32) {
        arv_set_err(err, "operator %d (%s): %s '%s' is %s, only float32 is supported here "
                    "(or int8 throughout the op)",
                    n->model_index, n->def->name, role, g->tensors[ti].t.name,
                    arv_dtype_name(g->tensors[ti].t.type));
        return ARV_ERR_UNSUPPORTED;
    }
    return ARV_OK;
}

/* Raw little-endian int32 at byte i of custom options. */
static int32_t raw_i32(const uint8_t *p, int i)
{
    return (int32_t)((uint32_t)p[4 * i] | ((uint32_t)p[4 * i + 1] << 8) |
                     ((uint32_t)p[4 * i + 2] << 16) | ((uint32_t)p[4 * i + 3] << 24));
}

arv_status arv_op_parse_options(arv_node *n, int opt_type, const fb_table *o,
                                const uint8_t *custom, uint32_t custom_len, char *err)
{
    arv_op_params *p = &n->p;
    int bad = 0;
    memset(p, 0, sizeof *p);
    p->stride_w = p->stride_h = p->dil_w = p->dil_h = 1;

    if (n->op == ARV_OP_CUSTOM_TRANSPOSE_CONV_BIAS) {
        /* MediaPipe stores TfLiteTransposeConvParams as raw bytes:
         * {int32 padding (1 SAME, 2 VALID), stride_w, stride_h}. */
        if (!custom || custom_len < 12) {
            arv_set_err(err, "operator %d (Convolution2DTransposeBias): custom options are %u bytes, need 12",
                        n->model_index, custom_len);
            return ARV_ERR_FORMAT;
        }
        int pad = raw_i32(custom, 0);
        if (pad != 1 && pad != 2) {
            arv_set_err(err, "operator %d (Convolution2DTransposeBias): unknown padding %d",
                        n->model_index, pad);
            return ARV_ERR_FORMAT;
        }
        p->padding = pad == 1 ? TFL_PAD_SAME : TFL_PAD_VALID;
        p->stride_w = raw_i32(custom, 1);
        p->stride_h = raw_i32(custom, 2);
        return ARV_OK;
    }
    if (!o || opt_type == OPT_NONE)
        return ARV_OK;

    switch (opt_type) {
    case OPT_CONV2D:
        p->padding = fb_get_u8(o, CONV_PADDING, 0, &bad);
        p->stride_w = fb_get_i32(o, CONV_STRIDE_W, 0, &bad);
        p->stride_h = fb_get_i32(o, CONV_STRIDE_H, 0, &bad);
        p->act = fb_get_u8(o, CONV_ACT, 0, &bad);
        p->dil_w = fb_get_i32(o, CONV_DIL_W, 1, &bad);
        p->dil_h = fb_get_i32(o, CONV_DIL_H, 1, &bad);
        break;
    case OPT_DEPTHWISE_CONV2D:
        p->padding = fb_get_u8(o, DW_PADDING, 0, &bad);
        p->stride_w = fb_get_i32(o, DW_STRIDE_W, 0, &bad);
        p->stride_h = fb_get_i32(o, DW_STRIDE_H, 0, &bad);
        p->depth_mult = fb_get_i32(o, DW_DEPTH_MULT, 0, &bad);
        p->act = fb_get_u8(o, DW_ACT, 0, &bad);
        p->dil_w = fb_get_i32(o, DW_DIL_W, 1, &bad);
        p->dil_h = fb_get_i32(o, DW_DIL_H, 1, &bad);
        break;
    case OPT_POOL2D:
        p->padding = fb_get_u8(o, POOL_PADDING, 0, &bad);
        p->stride_w = fb_get_i32(o, POOL_STRIDE_W, 0, &bad);
        p->stride_h = fb_get_i32(o, POOL_STRIDE_H, 0, &bad);
        p->filter_w = fb_get_i32(o, POOL_FILTER_W, 0, &bad);
        p->filter_h = fb_get_i32(o, POOL_FILTER_H, 0, &bad);
        p->act = fb_get_u8(o, POOL_ACT, 0, &bad);
        break;
    case OPT_FULLY_CONNECTED:
        p->act = fb_get_u8(o, FC_ACT, 0, &bad);
        p->weights_format = fb_get_u8(o, FC_WEIGHTS_FORMAT, 0, &bad);
        p->keep_dims = fb_get_u8(o, FC_KEEP_NUM_DIMS, 0, &bad);
        break;
    case OPT_CONCATENATION:
        p->axis = fb_get_i32(o, CAT_AXIS, 0, &bad);
        p->act = fb_get_u8(o, CAT_ACT, 0, &bad);
        break;
    case OPT_ADD:
        p->act = fb_get_u8(o, ADD_ACT, 0, &bad);
        /* schema default true; only int16 ADD reads it */
        p->pot_scale_int16 = fb_get_u8(o, ADD_POT_SCALE_INT16, 1, &bad);
        break;
    case OPT_SUB: p->act = fb_get_u8(o, 0, 0, &bad); break;
    case OPT_MUL: p->act = fb_get_u8(o, MUL_ACT, 0, &bad); break;
    case OPT_RESIZE_BILINEAR:
        p->align_corners = fb_get_u8(o, RB_ALIGN_CORNERS, 0, &bad);
        p->half_pixel_centers = fb_get_u8(o, RB_HALF_PIXEL, 0, &bad);
        break;
    case OPT_REDUCER: p->keep_dims = fb_get_u8(o, REDUCER_KEEP_DIMS, 0, &bad); break;
    case OPT_TRANSPOSE_CONV:
        p->padding = fb_get_u8(o, TC_PADDING, 0, &bad);
        p->stride_w = fb_get_i32(o, TC_STRIDE_W, 0, &bad);
        p->stride_h = fb_get_i32(o, TC_STRIDE_H, 0, &bad);
        p->act = fb_get_u8(o, TC_ACT, 0, &bad);
        break;
    case OPT_DEPTH_TO_SPACE: p->block_size = fb_get_i32(o, D2S_BLOCK, 0, &bad); break;
    case OPT_RESHAPE: {
        fb_vec v;
        if (fb_get_vec(o, RESHAPE_NEW_SHAPE, 4, &v, &bad)) {
            if (v.n > ARV_MAX_DIMS) {
                arv_set_err(err, "operator %d (RESHAPE): new_shape has %u dims",
                            n->model_index, v.n);
                return ARV_ERR_UNSUPPORTED;
            }
            p->n_new_shape = (int)v.n;
            for (uint32_t i = 0; i < v.n; i++)
                p->new_shape[i] = (int32_t)fb_u32(o->b, v.data + 4ull * i);
        }
        break;
    }
    default:
        break;   /* options the op does not need */
    }
    if (bad) {
        arv_set_err(err, "operator %d: malformed options table", n->model_index);
        return ARV_ERR_FORMAT;
    }
    return ARV_OK;
}

void arv_conv_geom_fill(const arv_tensor *in, const arv_tensor *w, const arv_tensor *out,
                        const arv_op_params *p, int depthwise, arv_conv_geom *g)
{
    memset(g, 0, sizeof *g);
    g->batch = in->dims[0];
    g->in_h = in->dims[1];
    g->in_w = in->dims[2];
    g->in_c = in->dims[3];
    g->out_h = out->dims[1];
    g->out_w = out->dims[2];
    g->out_c = out->dims[3];
    g->k_h = w->dims[1];
    g->k_w = w->dims[2];
    g->stride_h = p->stride_h;
    g->stride_w = p->stride_w;
    g->dil_h = p->dil_h;
    g->dil_w = p->dil_w;
    g->depth_mult = depthwise && g->in_c ? g->out_c / g->in_c : 1;
    g->pad_top = arv_conv_pad_before(p->padding, g->in_h, g->k_h, g->stride_h, g->dil_h, g->out_h);
    g->pad_left = arv_conv_pad_before(p->padding, g->in_w, g->k_w, g->stride_w, g->dil_w, g->out_w);
    g->pad_top += p->pad_add_top;
    g->pad_left += p->pad_add_left;
    arv_act_range(p->act, &g->act_min, &g->act_max);
}

int arv_bcast_fill(const arv_tensor *a, const arv_tensor *b, arv_bcast4 *s,
                   int *out_dims, int *out_ndim)
{
    if (a->ndim > 4 || b->ndim > 4)
        return 0;
    int nd = a->ndim > b->ndim ? a->ndim : b->ndim;
    for (int d = 0; d < 4; d++) {
        int ia = d - (4 - a->ndim), ib = d - (4 - b->ndim);
        int da = ia >= 0 ? a->dims[ia] : 1;
        int db = ib >= 0 ? b->dims[ib] : 1;
        if (da != db && da != 1 && db != 1)
            return 0;
        s->a[d] = da;
        s->b[d] = db;
        s->out[d] = da == 1 ? db : da;
    }
    for (int d = 0; d < nd; d++)
        out_dims[d] = s->out[4 - nd + d];
    *out_ndim = nd;
    return 1;
}
