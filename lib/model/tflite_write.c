/* tflite_write.c — a FlatBuffer builder just big enough for TFLite's schema,
 * and the graph → .tflite serializer on top of it (see tflite_write.h).
 *
 * FlatBuffers point only forward (uoffset is unsigned), so children must lie
 * after their parents. The builder therefore writes back to front: content
 * grows towards lower addresses at the start of a growable buffer, and every
 * position is kept as a distance from the END of the buffer, which does not
 * change when the buffer is reallocated. Alignment is likewise relative to
 * the end; finishing pads the front so the total length is a multiple of the
 * largest alignment used, which makes end-relative alignment absolute. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model/tflite_write.h"
#include "model/tflite_schema.h"

#define MAX_FIELDS 16

typedef struct fbw {
    uint8_t *buf;          /* content is buf[cap - used, cap) */
    size_t cap, used, minalign;
    int oom;
    size_t tstart;         /* `used` when the open table began */
    int nf;
    size_t foff[MAX_FIELDS];
} fbw;

static int w_grow(fbw *w, size_t need)
{
    if (w->oom)
        return 0;
    if (w->cap - w->used >= need)
        return 1;
    size_t nc = w->cap ? w->cap : 4096;
    while (nc - w->used < need) {
        if (nc > SIZE_MAX / 2) {
            w->oom = 1;
            return 0;
        }
        nc *= 2;
    }
    uint8_t *nb = malloc(nc);
    if (!nb) {
        w->oom = 1;
        return 0;
    }
    if (w->used)
        memcpy(nb + nc - w->used, w->buf + w->cap - w->used, w->used);
    free(w->buf);
    w->buf = nb;
    w->cap = nc;
    return 1;
}

/* Reserve n zeroed bytes in front; NULL after an allocation failure (the
 * failure is sticky and reported once at the end). */
static uint8_t *w_push(fbw *w, size_t n)
{
    if (!w_grow(w, n))
        return NULL;
    w->used += n;
    uint8_t *p = w->buf + w->cap - w->used;
    memset(p, 0, n);
    return p;
}

/* Pad so that after `size` more bytes the front is aligned to a. */
static void w_align(fbw *w, size_t size, size_t a)
{
    if (a > w->minalign)
        w->minalign = a;
    size_t pad = (a - (w->used + size) % a) % a;
    if (pad)
        w_push(w, pad);
}

static void put_le(uint8_t *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void w_scalar(fbw *w, uint64_t v, int n)
{
    w_align(w, (size_t)n, (size_t)n);
    uint8_t *p = w_push(w, (size_t)n);
    if (p)
        put_le(p, v, n);
}

/* uoffset to an object already written at end-distance ref. */
static void w_uoff(fbw *w, size_t ref)
{
    w_align(w, 4, 4);
    w_scalar(w, (uint32_t)(w->used + 4 - ref), 4);
}

static void vec_begin(fbw *w, size_t n, size_t elem, size_t a)
{
    w_align(w, n * elem, 4);
    w_align(w, n * elem, a);
}

static size_t vec_end(fbw *w, size_t n)
{
    w_scalar(w, (uint32_t)n, 4);
    return w->used;
}

static size_t w_vec_i32(fbw *w, const int32_t *v, size_t n)
{
    vec_begin(w, n, 4, 4);
    for (size_t i = n; i-- > 0;)
        w_scalar(w, (uint32_t)v[i], 4);
    return vec_end(w, n);
}

static size_t w_vec_f32(fbw *w, const float *v, size_t n)
{
    vec_begin(w, n, 4, 4);
    for (size_t i = n; i-- > 0;) {
        uint32_t u;
        memcpy(&u, &v[i], 4);
        w_scalar(w, u, 4);
    }
    return vec_end(w, n);
}

static size_t w_vec_i64(fbw *w, const int64_t *v, size_t n)
{
    vec_begin(w, n, 8, 8);
    for (size_t i = n; i-- > 0;)
        w_scalar(w, (uint64_t)v[i], 8);
    return vec_end(w, n);
}

/* Byte vector whose first byte lands on a 16-byte boundary: TFLite maps
 * buffers in place and some kernels want aligned constants. */
static size_t w_vec_bytes(fbw *w, const void *p, size_t n, size_t a)
{
    vec_begin(w, n, 1, a);
    uint8_t *d = w_push(w, n);
    if (d && n)
        memcpy(d, p, n);
    return vec_end(w, n);
}

static size_t w_vec_off(fbw *w, const size_t *refs, size_t n)
{
    vec_begin(w, n, 4, 4);
    for (size_t i = n; i-- > 0;)
        w_uoff(w, refs[i]);
    return vec_end(w, n);
}

static size_t w_str(fbw *w, const char *s)
{
    size_t n = strlen(s);
    w_align(w, n + 1, 4);
    uint8_t *d = w_push(w, n + 1);
    if (d)
        memcpy(d, s, n);
    return vec_end(w, n);
}

static void tbl_begin(fbw *w)
{
    w->tstart = w->used;
    w->nf = 0;
    memset(w->foff, 0, sizeof w->foff);
}

static void tbl_mark(fbw *w, int id)
{
    w->foff[id] = w->used;
    if (id + 1 > w->nf)
        w->nf = id + 1;
}

static void f_u8(fbw *w, int id, int v) { w_scalar(w, (uint8_t)v, 1); tbl_mark(w, id); }
static void f_i32(fbw *w, int id, int32_t v) { w_scalar(w, (uint32_t)v, 4); tbl_mark(w, id); }
static void f_off(fbw *w, int id, size_t ref) { w_uoff(w, ref); tbl_mark(w, id); }

/* Close the table: its soffset, then its vtable just in front of it. */
static size_t tbl_end(fbw *w)
{
    w_scalar(w, 0, 4);
    size_t tbl = w->used;
    size_t tsize = tbl - w->tstart;
    for (int id = w->nf - 1; id >= 0; id--)
        w_scalar(w, w->foff[id] ? (uint16_t)(tbl - w->foff[id]) : 0, 2);
    w_scalar(w, (uint16_t)tsize, 2);
    w_scalar(w, (uint16_t)(4 + 2 * w->nf), 2);
    size_t vt = w->used;
    if (!w->oom)
        put_le(w->buf + w->cap - tbl, (uint32_t)(vt - tbl), 4);
    return tbl;
}

/* ---- graph → model ---- */

typedef struct opc {
    int op, version;
} opc;

static int opt_type_of(int op)
{
    switch (op) {
    case TFL_CONV_2D: return OPT_CONV2D;
    case TFL_DEPTHWISE_CONV_2D: return OPT_DEPTHWISE_CONV2D;
    case TFL_AVERAGE_POOL_2D: case TFL_MAX_POOL_2D: return OPT_POOL2D;
    case TFL_FULLY_CONNECTED: return OPT_FULLY_CONNECTED;
    case TFL_CONCATENATION: return OPT_CONCATENATION;
    case TFL_ADD: return OPT_ADD;
    case TFL_SUB: return OPT_SUB;
    case TFL_MUL: return OPT_MUL;
    case TFL_RESIZE_BILINEAR: return OPT_RESIZE_BILINEAR;
    case TFL_RESHAPE: return OPT_RESHAPE;
    case TFL_PAD: return OPT_PAD;
    case TFL_MEAN: return OPT_REDUCER;
    case TFL_TRANSPOSE_CONV: return OPT_TRANSPOSE_CONV;
    case TFL_DEPTH_TO_SPACE: return OPT_DEPTH_TO_SPACE;
    default: return OPT_NONE;
    }
}

/* Options table of node n; returns 0 (and *type OPT_NONE) when it has none.
 * Every field is written even when it equals the schema default: arv's
 * reader, like older TFLite ones, does not agree with the schema on every
 * default (strides). */
static size_t write_options(fbw *w, const arv_node *n, int *type)
{
    const arv_op_params *p = &n->p;
    *type = opt_type_of(n->op);
    size_t shape = 0;
    if (*type == OPT_RESHAPE) {
        if (p->n_new_shape == 0) {
            *type = OPT_NONE;
            return 0;
        }
        int32_t s[ARV_MAX_DIMS];
        for (int i = 0; i < p->n_new_shape; i++)
            s[i] = p->new_shape[i];
        shape = w_vec_i32(w, s, (size_t)p->n_new_shape);
    }
    if (*type == OPT_NONE)
        return 0;
    tbl_begin(w);
    switch (*type) {
    case OPT_CONV2D:
        f_i32(w, CONV_STRIDE_W, p->stride_w);
        f_i32(w, CONV_STRIDE_H, p->stride_h);
        f_i32(w, CONV_DIL_W, p->dil_w);
        f_i32(w, CONV_DIL_H, p->dil_h);
        f_u8(w, CONV_PADDING, p->padding);
        f_u8(w, CONV_ACT, p->act);
        break;
    case OPT_DEPTHWISE_CONV2D:
        f_i32(w, DW_STRIDE_W, p->stride_w);
        f_i32(w, DW_STRIDE_H, p->stride_h);
        f_i32(w, DW_DEPTH_MULT, p->depth_mult);
        f_i32(w, DW_DIL_W, p->dil_w);
        f_i32(w, DW_DIL_H, p->dil_h);
        f_u8(w, DW_PADDING, p->padding);
        f_u8(w, DW_ACT, p->act);
        break;
    case OPT_POOL2D:
        f_i32(w, POOL_STRIDE_W, p->stride_w);
        f_i32(w, POOL_STRIDE_H, p->stride_h);
        f_i32(w, POOL_FILTER_W, p->filter_w);
        f_i32(w, POOL_FILTER_H, p->filter_h);
        f_u8(w, POOL_PADDING, p->padding);
        f_u8(w, POOL_ACT, p->act);
        break;
    case OPT_FULLY_CONNECTED:
        f_u8(w, FC_ACT, p->act);
        f_u8(w, FC_WEIGHTS_FORMAT, p->weights_format);
        f_u8(w, FC_KEEP_NUM_DIMS, p->keep_dims);
        break;
    case OPT_CONCATENATION:
        f_i32(w, CAT_AXIS, p->axis);
        f_u8(w, CAT_ACT, p->act);
        break;
    case OPT_ADD:
        f_u8(w, ADD_ACT, p->act);
        /* the schema's default is true: write it only when off (int16 ADD
         * with general scales) */
        if (!p->pot_scale_int16)
            f_u8(w, ADD_POT_SCALE_INT16, 0);
        break;
    case OPT_SUB: f_u8(w, 0, p->act); break;
    case OPT_MUL: f_u8(w, MUL_ACT, p->act); break;
    case OPT_RESIZE_BILINEAR:
        f_u8(w, RB_ALIGN_CORNERS, p->align_corners);
        f_u8(w, RB_HALF_PIXEL, p->half_pixel_centers);
        break;
    case OPT_RESHAPE: f_off(w, RESHAPE_NEW_SHAPE, shape); break;
    case OPT_REDUCER: f_u8(w, REDUCER_KEEP_DIMS, p->keep_dims); break;
    case OPT_TRANSPOSE_CONV:
        f_i32(w, TC_STRIDE_W, p->stride_w);
        f_i32(w, TC_STRIDE_H, p->stride_h);
        f_u8(w, TC_PADDING, p->padding);
        f_u8(w, TC_ACT, p->act);
        break;
    case OPT_DEPTH_TO_SPACE: f_i32(w, D2S_BLOCK, p->block_size); break;
    default: break;   /* OPT_PAD: an empty table, as converters write it */
    }
    return tbl_end(w);
}

static size_t write_quant(fbw *w, const arv_gtensor *t, const arv_wquant *q)
{
    float s1 = t->t.scale;
    int64_t z1 = t->t.zero_point;
    const float *sc = &s1;
    const int64_t *zp = &z1;
    size_t n = 1;
    int qd = 0;
    if (q && q->n > 0) {
        sc = q->scale;
        zp = q->zero_point;
        n = (size_t)q->n;
        qd = q->quantized_dimension;
    } else if (t->t.scale == 0.0f) {
        return 0;
    }
    size_t vs = w_vec_f32(w, sc, n);
    size_t vz = w_vec_i64(w, zp, n);
    tbl_begin(w);
    f_off(w, QP_SCALE, vs);
    f_off(w, QP_ZERO_POINT, vz);
    f_i32(w, QP_QUANTIZED_DIMENSION, qd);
    return tbl_end(w);
}

#define ERR(st, ...) do { arv_set_err(err, __VA_ARGS__); status = (st); goto done; } while (0)

arv_status arv_tflite_write(const arv_graph *g, const arv_wquant *quant, int *keep_out,
                            uint8_t **out, size_t *len, char *err)
{
    arv_status status = ARV_OK;
    fbw w = {0};
    int nt = g->n_tensors;
    int *keep = calloc((size_t)nt + 1, sizeof *keep);
    int *bufidx = calloc((size_t)nt + 1, sizeof *bufidx);
    size_t *refs = malloc(((size_t)nt + (size_t)g->n_nodes + 2) * sizeof *refs);
    opc *codes = calloc((size_t)g->n_nodes + 1, sizeof *codes);
    int *node_code = calloc((size_t)g->n_nodes + 1, sizeof *node_code);
    int32_t *iobuf = malloc((size_t)(nt > 64 ? nt : 64) * sizeof *iobuf);
    *out = NULL;
    *len = 0;
    if (!keep || !bufidx || !refs || !codes || !node_code || !iobuf)
        ERR(ARV_ERR_NOMEM, "out of memory writing model");

    /* Which tensors survive: those the executed graph touches. */
    for (int i = 0; i < g->n_inputs; i++)
        keep[g->inputs[i]] = 1;
    for (int i = 0; i < g->n_outputs; i++)
        keep[g->outputs[i]] = 1;
    for (int i = 0; i < g->n_nodes; i++) {
        const arv_node *n = &g->nodes[i];
        if (n->folded)
            continue;
        for (int k = 0; k < n->n_in; k++)
            if (n->in[k] >= 0)
                keep[n->in[k]] = 1;
        for (int k = 0; k < n->n_out; k++)
            keep[n->out[k]] = 1;
    }
    int n_kept = 0;
    for (int i = 0; i < nt; i++) {
        keep[i] = keep[i] ? n_kept++ : -1;
        if (keep[i] >= 0 && g->tensors[i].sparsity)
            ERR(ARV_ERR_UNSUPPORTED, "tensor %d '%s': writing sparse tensors is not supported",
                i, g->tensors[i].t.name);
    }

    /* Buffers first: they are the bulk, and written first they end up at
     * the back of the file, after all the small tables. Buffer 0 is the
     * schema's conventional empty buffer. */
    int n_buf = 1;
    for (int i = 0; i < nt; i++) {
        const arv_gtensor *t = &g->tensors[i];
        if (keep[i] < 0 || !t->const_data)
            continue;
        size_t data = w_vec_bytes(&w, t->const_data, t->t.bytes, 16);
        tbl_begin(&w);
        f_off(&w, BUF_DATA, data);
        refs[n_buf] = tbl_end(&w);
        bufidx[i] = n_buf++;
    }
    tbl_begin(&w);
    refs[0] = tbl_end(&w);
    size_t buffers = w_vec_off(&w, refs, (size_t)n_buf);

    /* Tensors. */
    for (int i = 0, j = 0; i < nt; i++) {
        const arv_gtensor *t = &g->tensors[i];
        if (keep[i] < 0)
            continue;
        int32_t dims[ARV_MAX_DIMS];
        for (int d = 0; d < t->t.ndim; d++)
            dims[d] = t->t.dims[d];
        size_t shape = w_vec_i32(&w, dims, (size_t)t->t.ndim);
        size_t name = w_str(&w, t->t.name ? t->t.name : "");
        size_t q = write_quant(&w, t, quant ? &quant[i] : NULL);
        tbl_begin(&w);
        f_off(&w, TENSOR_SHAPE, shape);
        f_i32(&w, TENSOR_BUFFER, bufidx[i]);
        f_off(&w, TENSOR_NAME, name);
        if (q)
            f_off(&w, TENSOR_QUANTIZATION, q);
        f_u8(&w, TENSOR_TYPE, (int)t->t.type);
        refs[j++] = tbl_end(&w);
    }
    size_t tensors = w_vec_off(&w, refs, (size_t)n_kept);

    /* Operators, and the operator-code table they index. */
    int n_codes = 0, n_ops = 0;
    for (int i = 0; i < g->n_nodes; i++) {
        const arv_node *n = &g->nodes[i];
        if (n->folded)
            continue;
        int c = 0;
        while (c < n_codes && (codes[c].op != n->op || codes[c].version != n->version))
            c++;
        if (c == n_codes)
            codes[n_codes++] = (opc){n->op, n->version};
        node_code[i] = c;
    }
    for (int i = 0; i < g->n_nodes; i++) {
        const arv_node *n = &g->nodes[i];
        if (n->folded)
            continue;
        for (int k = 0; k < n->n_in; k++)
            iobuf[k] = n->in[k] >= 0 ? keep[n->in[k]] : -1;
        size_t ins = w_vec_i32(&w, iobuf, (size_t)n->n_in);
        for (int k = 0; k < n->n_out; k++)
            iobuf[k] = keep[n->out[k]];
        size_t outs = w_vec_i32(&w, iobuf, (size_t)n->n_out);
        int otype = OPT_NONE;
        size_t opts = 0, custom = 0;
        if (n->op == ARV_OP_CUSTOM_TRANSPOSE_CONV_BIAS) {
            /* MediaPipe's raw TfLiteTransposeConvParams: padding is the C
             * enum (1 SAME, 2 VALID), not the schema's. */
            uint8_t raw[12];
            put_le(raw, n->p.padding == TFL_PAD_SAME ? 1u : 2u, 4);
            put_le(raw + 4, (uint32_t)n->p.stride_w, 4);
            put_le(raw + 8, (uint32_t)n->p.stride_h, 4);
            custom = w_vec_bytes(&w, raw, sizeof raw, 4);
        } else {
            opts = write_options(&w, n, &otype);
        }
        tbl_begin(&w);
        f_i32(&w, OP_OPCODE_INDEX, node_code[i]);
        f_off(&w, OP_INPUTS, ins);
        f_off(&w, OP_OUTPUTS, outs);
        if (opts)
            f_off(&w, OP_BUILTIN_OPTIONS, opts);
        if (custom)
            f_off(&w, OP_CUSTOM_OPTIONS, custom);
        f_u8(&w, OP_BUILTIN_OPTIONS_TYPE, otype);
        refs[n_ops++] = tbl_end(&w);
    }
    size_t operators = w_vec_off(&w, refs, (size_t)n_ops);

    for (int i = 0; i < g->n_inputs; i++)
        iobuf[i] = keep[g->inputs[i]];
    size_t inputs = w_vec_i32(&w, iobuf, (size_t)g->n_inputs);
    for (int i = 0; i < g->n_outputs; i++)
        iobuf[i] = keep[g->outputs[i]];
    size_t outputs = w_vec_i32(&w, iobuf, (size_t)g->n_outputs);
    size_t sgname = w_str(&w, "main");
    tbl_begin(&w);
    f_off(&w, SG_TENSORS, tensors);
    f_off(&w, SG_INPUTS, inputs);
    f_off(&w, SG_OUTPUTS, outputs);
    f_off(&w, SG_OPERATORS, operators);
    f_off(&w, SG_NAME, sgname);
    size_t sg = tbl_end(&w);
    size_t subgraphs = w_vec_off(&w, &sg, 1);

    for (int c = 0; c < n_codes; c++) {
        int custom = codes[c].op == ARV_OP_CUSTOM_TRANSPOSE_CONV_BIAS;
        int code = custom ? TFL_CUSTOM : codes[c].op;
        size_t cname = custom ? w_str(&w, "Convolution2DTransposeBias") : 0;
        tbl_begin(&w);
        if (cname)
            f_off(&w, OPC_CUSTOM_CODE, cname);
        f_i32(&w, OPC_VERSION, codes[c].version);
        f_i32(&w, OPC_BUILTIN_CODE, code);
        /* Readers from before builtin_code existed look only here; codes
         * above 127 get TFLite's placeholder value. */
        f_u8(&w, OPC_DEPRECATED_BUILTIN_CODE, code < 127 ? code : 127);
        refs[c] = tbl_end(&w);
    }
    size_t opcodes = w_vec_off(&w, refs, (size_t)n_codes);
    size_t desc = w_str(&w, g->description);

    tbl_begin(&w);
    f_i32(&w, MODEL_VERSION, 3);
    f_off(&w, MODEL_OPERATOR_CODES, opcodes);
    f_off(&w, MODEL_SUBGRAPHS, subgraphs);
    f_off(&w, MODEL_DESCRIPTION, desc);
    f_off(&w, MODEL_BUFFERS, buffers);
    size_t model = tbl_end(&w);

    /* Root offset and file identifier; the padding in front makes the
     * total a multiple of the largest alignment used. */
    w_align(&w, 8, w.minalign > 4 ? w.minalign : 4);
    uint8_t *id = w_push(&w, 4);
    if (id)
        memcpy(id, "TFL3", 4);
    w_uoff(&w, model);
    if (w.oom)
        ERR(ARV_ERR_NOMEM, "out of memory writing model");
    *out = malloc(w.used);
    if (!*out)
        ERR(ARV_ERR_NOMEM, "out of memory writing model");
    memcpy(*out, w.buf + w.cap - w.used, w.used);
    *len = w.used;
    if (keep_out)
        memcpy(keep_out, keep, (size_t)nt * sizeof *keep);
done:
    free(w.buf);
    free(keep);
    free(bufidx);
    free(refs);
    free(codes);
    free(node_code);
    free(iobuf);
    return status;
}

arv_status arv_tflite_write_file(const arv_graph *g, const arv_wquant *quant,
                                 const char *path, char *err)
{
    uint8_t *p;
    size_t n;
    arv_status s = arv_tflite_write(g, quant, NULL, &p, &n, err);
    if (s != ARV_OK)
        return s;
    s = arv_write_bytes_atomic(path, p, n, err);
    free(p);
    return s;
}

/* The model bytes go to PATH.tmp first and are renamed into place, so a
 * failed write never leaves a partial model where a model is expected. */
arv_status arv_write_bytes_atomic(const char *path, const uint8_t *p, size_t n, char *err)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
        arv_set_err(err, "output path too long");
        return ARV_ERR_ARG;
    }
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        arv_set_err(err, "cannot create %s", tmp);
        return ARV_ERR_IO;
    }
    int ok = fwrite(p, 1, n, f) == n;
    ok = (fclose(f) == 0) && ok;
    if (!ok || rename(tmp, path) != 0) {
        remove(tmp);
        arv_set_err(err, "cannot write %s", path);
        return ARV_ERR_IO;
    }
    return ARV_OK;
}
