/* tflite_verify.c — structural verification of a .tflite FlatBuffer before
 * anything reads it: every table, vtable, vector and string reachable through
 * the schema fields arv knows must lie inside the buffer. Crafted models crash
 * real runtimes; here a bad offset becomes a message naming where it is. */
#include <stdio.h>
#include "model/flatbuf.h"
#include "model/tflite_schema.h"
#include "model/tflite_model.h"

typedef struct vctx {
    const fb_buf *b;
    char *err;
    int bad;
} vctx;

#define FAIL(c, ...) do { arv_set_err((c)->err, __VA_ARGS__); return 0; } while (0)

/* Check an optional vector field of fixed-size elements. */
static int v_vec(vctx *c, const fb_table *t, int id, uint32_t elem,
                 const char *what, int idx)
{
    fb_vec v;
    int bad = 0;
    fb_get_vec(t, id, elem, &v, &bad);
    if (bad)
        FAIL(c, "%s[%d]: vector out of bounds", what, idx);
    return 1;
}

static int v_str(vctx *c, const fb_table *t, int id, const char *what, int idx)
{
    const char *s;
    int bad = 0;
    fb_get_str(t, id, &s, NULL, &bad);
    if (bad)
        FAIL(c, "%s[%d]: string out of bounds or not terminated", what, idx);
    return 1;
}

/* Scalar slots must fit the table; sizes per field id in order. */
static int v_scalars(vctx *c, const fb_table *t, const uint8_t *sizes, int n,
                     const char *what, int idx)
{
    int bad = 0;
    for (int i = 0; i < n; i++)
        if (sizes[i])
            fb_field(t, i, sizes[i], &bad);
    if (bad)
        FAIL(c, "%s[%d]: field outside its table", what, idx);
    return 1;
}

/* A vector of tables: each element must be a valid table; calls fn on it. */
typedef int (*table_fn)(vctx *c, const fb_table *t, int idx);

static int v_tables(vctx *c, const fb_table *t, int id, const char *what,
                    table_fn fn)
{
    fb_vec v;
    int bad = 0;
    if (!fb_get_vec(t, id, 4, &v, &bad)) {
        if (bad)
            FAIL(c, "%s: vector out of bounds", what);
        return 1;
    }
    for (uint32_t i = 0; i < v.n; i++) {
        fb_table e;
        if (!fb_vec_table(c->b, &v, i, &e))
            FAIL(c, "%s[%u]: table out of bounds", what, i);
        if (fn && !fn(c, &e, (int)i))
            return 0;
    }
    return 1;
}

static int v_index_vector(vctx *c, const fb_table *t, int idx)
{
    /* Int32Vector / Uint16Vector / Uint8Vector: element size checked by the
     * caller once the union type is known; here only the slot. */
    return v_vec(c, t, 0, 1, "sparse index vector", idx);
}

static int v_union_vec(vctx *c, const fb_table *t, int type_id, int val_id,
                       int idx)
{
    int bad = 0;
    uint8_t ty = fb_get_u8(t, type_id, 0, &bad);
    fb_table u;
    int have = fb_get_table(t, val_id, &u, &bad);
    if (bad)
        FAIL(c, "dim_metadata[%d]: sparse vector out of bounds", idx);
    if (!have)
        return 1;
    uint32_t elem = ty == SIV_INT32 ? 4 : ty == SIV_UINT16 ? 2 : ty == SIV_UINT8 ? 1 : 0;
    if (!elem)
        FAIL(c, "dim_metadata[%d]: unknown sparse index vector type %u", idx, ty);
    if (!v_index_vector(c, &u, idx))
        return 0;
    return v_vec(c, &u, 0, elem, "dim_metadata values", idx);
}

static int v_dim_meta(vctx *c, const fb_table *t, int idx)
{
    static const uint8_t sz[] = {1, 4, 1, 4, 1, 4};
    return v_scalars(c, t, sz, 6, "dim_metadata", idx) &&
           v_union_vec(c, t, DM_SEGMENTS_TYPE, DM_SEGMENTS, idx) &&
           v_union_vec(c, t, DM_INDICES_TYPE, DM_INDICES, idx);
}

static int v_tensor(vctx *c, const fb_table *t, int idx)
{
    static const uint8_t sz[] = {4, 1, 4, 4, 4, 1, 4, 4, 1, 4};
    fb_table q, sp;
    int bad = 0;
    if (!v_scalars(c, t, sz, 10, "tensors", idx) ||
        !v_vec(c, t, TENSOR_SHAPE, 4, "tensors.shape", idx) ||
        !v_vec(c, t, TENSOR_SHAPE_SIGNATURE, 4, "tensors.shape_signature", idx) ||
        !v_str(c, t, TENSOR_NAME, "tensors.name", idx))
        return 0;
    if (fb_get_table(t, TENSOR_QUANTIZATION, &q, &bad)) {
        static const uint8_t qs[] = {4, 4, 4, 4, 1, 4, 4};
        if (!v_scalars(c, &q, qs, 7, "tensors.quantization", idx) ||
            !v_vec(c, &q, QP_MIN, 4, "tensors.quantization.min", idx) ||
            !v_vec(c, &q, QP_MAX, 4, "tensors.quantization.max", idx) ||
            !v_vec(c, &q, QP_SCALE, 4, "tensors.quantization.scale", idx) ||
            !v_vec(c, &q, QP_ZERO_POINT, 8, "tensors.quantization.zero_point", idx))
            return 0;
        fb_table d;
        fb_get_table(&q, QP_DETAILS, &d, &bad);
    }
    if (fb_get_table(t, TENSOR_SPARSITY, &sp, &bad)) {
        if (!v_vec(c, &sp, SP_TRAVERSAL_ORDER, 4, "tensors.sparsity.traversal_order", idx) ||
            !v_vec(c, &sp, SP_BLOCK_MAP, 4, "tensors.sparsity.block_map", idx) ||
            !v_tables(c, &sp, SP_DIM_METADATA, "tensors.sparsity.dim_metadata", v_dim_meta))
            return 0;
    }
    if (bad)
        FAIL(c, "tensors[%d]: quantization or sparsity table out of bounds", idx);
    return 1;
}

static int v_operator(vctx *c, const fb_table *t, int idx)
{
    static const uint8_t sz[] = {4, 4, 4, 1, 4, 4, 1, 4, 4, 8, 8};
    fb_table o;
    int bad = 0;
    if (!v_scalars(c, t, sz, 11, "operators", idx) ||
        !v_vec(c, t, OP_INPUTS, 4, "operators.inputs", idx) ||
        !v_vec(c, t, OP_OUTPUTS, 4, "operators.outputs", idx) ||
        !v_vec(c, t, OP_CUSTOM_OPTIONS, 1, "operators.custom_options", idx) ||
        !v_vec(c, t, OP_MUTATING_VARIABLE_INPUTS, 1, "operators.mutating_variable_inputs", idx) ||
        !v_vec(c, t, OP_INTERMEDIATES, 4, "operators.intermediates", idx))
        return 0;
    if (fb_get_table(t, OP_BUILTIN_OPTIONS, &o, &bad)) {
        /* Option tables hold at most a few scalars and one int vector
         * (ReshapeOptions.new_shape); every slot up to 8 must fit. */
        for (int i = 0; i < 8; i++)
            fb_field(&o, i, 1, &bad);
        if (fb_get_u8(t, OP_BUILTIN_OPTIONS_TYPE, 0, &bad) == OPT_RESHAPE &&
            !v_vec(c, &o, RESHAPE_NEW_SHAPE, 4, "operators.options.new_shape", idx))
            return 0;
    }
    if (bad)
        FAIL(c, "operators[%d]: options table out of bounds", idx);
    return 1;
}

static int v_subgraph(vctx *c, const fb_table *t, int idx)
{
    (void)idx;
    return v_tables(c, t, SG_TENSORS, "tensors", v_tensor) &&
           v_vec(c, t, SG_INPUTS, 4, "subgraph.inputs", idx) &&
           v_vec(c, t, SG_OUTPUTS, 4, "subgraph.outputs", idx) &&
           v_tables(c, t, SG_OPERATORS, "operators", v_operator) &&
           v_str(c, t, SG_NAME, "subgraph.name", idx);
}

static int v_opcode(vctx *c, const fb_table *t, int idx)
{
    static const uint8_t sz[] = {1, 4, 4, 4};
    return v_scalars(c, t, sz, 4, "operator_codes", idx) &&
           v_str(c, t, OPC_CUSTOM_CODE, "operator_codes.custom_code", idx);
}

static int v_buffer(vctx *c, const fb_table *t, int idx)
{
    static const uint8_t sz[] = {4, 8, 8};
    int bad = 0;
    if (!v_scalars(c, t, sz, 3, "buffers", idx) ||
        !v_vec(c, t, BUF_DATA, 1, "buffers.data", idx))
        return 0;
    /* Large models (>2 GB) keep data after the FlatBuffer: offset/size
     * relative to the file start. */
    uint64_t off = fb_get_u64(t, BUF_OFFSET, 0, &bad);
    uint64_t size = fb_get_u64(t, BUF_SIZE, 0, &bad);
    if (off && (off > c->b->len || size > c->b->len - off))
        FAIL(c, "buffers[%d]: external data [%llu, +%llu) beyond the file", idx,
             (unsigned long long)off, (unsigned long long)size);
    return 1;
}

static int v_metadata(vctx *c, const fb_table *t, int idx)
{
    static const uint8_t sz[] = {4, 4};
    return v_scalars(c, t, sz, 2, "metadata", idx) &&
           v_str(c, t, META_NAME, "metadata.name", idx);
}

int arv_tflite_verify(const fb_buf *b, char *err)
{
    vctx c = {b, err, 0};
    fb_table m;
    if (b->len < 8)
        FAIL(&c, "file too small to be a model (%llu bytes)", (unsigned long long)b->len);
    if (memcmp(b->p + 4, "TFL3", 4) != 0)
        FAIL(&c, "not a TensorFlow Lite model (no TFL3 identifier)");
    if (!fb_root(b, &m))
        FAIL(&c, "root table out of bounds");
    static const uint8_t sz[] = {4, 4, 4, 4, 4, 4, 4, 4};
    if (!v_scalars(&c, &m, sz, 8, "model", 0) ||
        !v_tables(&c, &m, MODEL_OPERATOR_CODES, "operator_codes", v_opcode) ||
        !v_tables(&c, &m, MODEL_SUBGRAPHS, "subgraphs", v_subgraph) ||
        !v_str(&c, &m, MODEL_DESCRIPTION, "model.description", 0) ||
        !v_tables(&c, &m, MODEL_BUFFERS, "buffers", v_buffer) ||
        !v_vec(&c, &m, MODEL_METADATA_BUFFER, 4, "model.metadata_buffer", 0) ||
        !v_tables(&c, &m, MODEL_METADATA, "metadata", v_metadata) ||
        !v_tables(&c, &m, MODEL_SIGNATURE_DEFS, "signature_defs", NULL))
        return 0;
    return 1;
}
