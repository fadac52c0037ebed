/* interp.c — the interpreter: one arena, tensor views, an op loop, and the
 * per-op profile. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "model/tflite_model.h"
#include "ops/ops.h"
#include "runtime/cpu.h"
#include "runtime/plan.h"
#include "runtime/threadpool.h"
#include "model/tflite_schema.h"

struct arv_interp {
    const arv_model *m;
    /* What this interpreter executes: the model's graph with its own copy
     * of the node list, which graph/pad_fold.c and residual_fuse.c edit. */
    arv_graph g;
    arv_node *nodes;
    int *in_store;
    arv_tensor *t;            /* views of every graph tensor */
    unsigned char *arena;
    size_t arena_bytes;
    const arv_kernel_table *k;
    const arv_kernel_table_int8 *k8;
    int q8_reference;         /* arv_options.int8_reference */
    int threads;
    arv_pool *pool;           /* NULL when single-threaded */
    void **packed;            /* per node: weights packed for k (or k8), or NULL */
    void **scratch;           /* per node: op scratch memory, or NULL */
    int profiling;
    void (*observe)(void *user, int tensor_index, const arv_tensor *t);
    void *observe_user;
    arv_profile prof;
    arv_profile_entry *entries;
    char err[ARV_ERR_LEN];
};

/* The graph an interpreter runs: m's, with its own copy of the node list
 * in which PADs are folded into convolutions (graph/pad_fold.c),
 * residual ADDs into the convs feeding them (graph/residual_fuse.c) and
 * int8 DEQUANTIZEs into the QUANTIZEs to int16 reading them
 * (graph/dequant_fuse.c) unless
 * every tensor must be computed (an observer). in_store holds the edited
 * nodes' input lists, then one output index per node. */
static arv_status exec_graph(const arv_model *m, int fold, arv_graph *g, arv_node **nodes,
                             int **in_store)
{
    const size_t slots = (size_t)m->g.n_nodes + 1;
    *g = m->g;
    *nodes = malloc(slots * sizeof **nodes);
    *in_store = malloc(slots * (ARV_IN_STORE + 1) * sizeof **in_store);
    if (!*nodes || !*in_store)
        return ARV_ERR_NOMEM;
    memcpy(*nodes, m->g.nodes, (size_t)m->g.n_nodes * sizeof **nodes);
    g->nodes = *nodes;
    if (fold) {
        arv_graph_fold_pads(&m->g, *nodes, *in_store);
        arv_graph_fuse_residuals(&m->g, *nodes, *in_store, *in_store + slots * ARV_IN_STORE);
        arv_graph_fuse_dequant(&m->g, *nodes, *in_store);
    }
    return ARV_OK;
}

arv_status arv_model_plan_arena(const arv_model *m, size_t *bytes)
{
    arv_graph g;
    arv_node *nodes = NULL;
    int *in_store = NULL;
    size_t *off = malloc(sizeof(size_t) * (size_t)(m->g.n_tensors + 1));
    arv_status s = off ? exec_graph(m, 1, &g, &nodes, &in_store) : ARV_ERR_NOMEM;
    if (s == ARV_OK)
        s = arv_plan_arena(&g, off, bytes, NULL);
    free(off);
    free(nodes);
    free(in_store);
    return s;
}

static void *alloc64(size_t bytes)
{
    return aligned_alloc(64, (bytes + 63) & ~(size_t)63);
}

/* Node i's packed-weight buffer of bytes, refused when it exceeds the
 * model's tensor limit times growth (how much larger than the filter the
 * packed layout can get). */
static arv_status alloc_packed(arv_interp *it, int i, size_t bytes, size_t growth, char *err)
{
    if (bytes / growth > it->m->lim.max_tensor_bytes) {
        arv_set_err(err, "operator %d: packed weights of %zu bytes exceed the limit",
                    it->g.nodes[i].model_index, bytes);
        return ARV_ERR_LIMIT;
    }
    if (!(it->packed[i] = alloc64(bytes))) {
        arv_set_err(err, "out of memory packing weights");
        return ARV_ERR_NOMEM;
    }
    return ARV_OK;
}

/* 16x8 1x1 CONV_2D with constant weights: packed once in the layout of the
 * q16 loops' pointwise kernel (the same for every table; the bias stays
 * with the node); DEPTHWISE_CONV_2D in tap pairs where the table's loops
 * have a packed depthwise kernel. */
static arv_status pack_node_q16(arv_interp *it, int i, char *err)
{
    const arv_graph *g = &it->g;
    const arv_node *n = &g->nodes[i];
    const int dw = n->op == TFL_DEPTHWISE_CONV_2D;
    if ((n->op != TFL_CONV_2D && !dw) || !g->tensors[n->in[1]].const_data ||
        (dw && (!it->k8->q16 || !it->k8->q16->dw_packed)))
        return ARV_OK;
    arv_conv_geom geo;
    arv_conv_geom_fill(&it->t[n->in[0]], &it->t[n->in[1]], &it->t[n->out[0]], &n->p, dw, &geo);
    const size_t bytes = dw ? arv_q16_dw_packed_size(&geo) : arv_q16_pw_packed_size(&geo);
    if (!bytes || (!dw && !arv_q16_pw_packed_pays(&geo)))
        return ARV_OK;
    /* int16 pairs padded to 16 or 32 channels (and depthwise to an even tap
     * count): at most 64x the filter */
    const arv_status st = alloc_packed(it, i, bytes, 64, err);
    if (st != ARV_OK)
        return st;
    const int8_t *w = g->tensors[n->in[1]].const_data;
    if (dw)
        arv_q16_dw_pack(&geo, w, it->packed[i]);
    else
        arv_q16_pw_pack(&geo, w, it->packed[i]);
    return ARV_OK;
}

/* int8 CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED with constant weights
 * (and bias), packed once for this int8 table's packed path when it has one
 * for the node's geometry. */
static arv_status pack_node_q8(arv_interp *it, int i, char *err)
{
    const arv_graph *g = &it->g;
    const arv_node *n = &g->nodes[i];
    if (n->qdata && arv_q8_of(n)->q16)
        return pack_node_q16(it, i, err);
    if (!it->k8->packed_size || !it->k8->pack || !it->k8->run_packed || !n->qdata ||
        (n->op != TFL_CONV_2D && n->op != TFL_DEPTHWISE_CONV_2D &&
         n->op != TFL_FULLY_CONNECTED) || !g->tensors[n->in[1]].const_data)
        return ARV_OK;
    const int has_bias = n->n_in > 2 && n->in[2] >= 0;
    if (has_bias && !g->tensors[n->in[2]].const_data)
        return ARV_OK;
    arv_conv_geom geo;
    if (n->op == TFL_FULLY_CONNECTED)
        arv_fc_geom(&it->t[n->in[0]], &it->t[n->in[1]], &geo);
    else
        arv_conv_geom_fill(&it->t[n->in[0]], &it->t[n->in[1]], &it->t[n->out[0]], &n->p,
                           n->op == TFL_DEPTHWISE_CONV_2D, &geo);
    const arv_q8 *q = arv_q8_of(n);
    const arv_q_conv *qc = it->q8_reference ? &q->conv : &q->conv_tfl;
    if (arv_q8_table_for(it->k8, qc->rounding) != it->k8)
        return ARV_OK;   /* this table cannot round that way: generic, unpacked */
    size_t bytes = it->k8->packed_size(n->op, &geo);
    if (!bytes)
        return ARV_OK;
    const arv_status st = alloc_packed(it, i, bytes, 8, err);
    if (st != ARV_OK)
        return st;
    it->k8->pack(n->op, &geo, qc,
                 g->tensors[n->in[1]].const_data,
                 has_bias ? g->tensors[n->in[2]].const_data : NULL, it->packed[i]);
    return ARV_OK;
}

/* Weights of every CONV_2D with constant filter (and bias) packed once into
 * the layout this table's microkernels read, so invoke never repacks. */
static arv_status pack_weights(arv_interp *it, char *err)
{
    const arv_graph *g = &it->g;
    /* q16 1x1 convs pack on every table, so the node list is always kept */
    it->packed = calloc((size_t)g->n_nodes + 1, sizeof *it->packed);
    if (!it->packed) {
        arv_set_err(err, "out of memory");
        return ARV_ERR_NOMEM;
    }
    for (int i = 0; i < g->n_nodes; i++) {
        const arv_node *n = &g->nodes[i];
        if (n->folded)
            continue;
        if (n->q8) {
            arv_status s = pack_node_q8(it, i, err);
            if (s != ARV_OK)
                return s;
            continue;
        }
        if (!it->k->conv2d_packed_size || n->op != TFL_CONV_2D ||
            !g->tensors[n->in[1]].const_data)
            continue;
        const int has_bias = n->n_in > 2 && n->in[2] >= 0;
        if (has_bias && !g->tensors[n->in[2]].const_data)
            continue;
        arv_conv_geom geo;
        arv_conv_geom_fill(&it->t[n->in[0]], &it->t[n->in[1]], &it->t[n->out[0]], &n->p, 0,
                           &geo);
        size_t bytes = it->k->conv2d_packed_size(&geo, g->tensors[n->in[1]].const_data);
        if (!bytes)
            continue;
        /* Panels pad N to a multiple of 16: at most 4x a filter with N > 3. */
        if (bytes / 4 > it->m->lim.max_tensor_bytes) {
            arv_set_err(err, "operator %d: packed weights of %zu bytes exceed the limit",
                        n->model_index, bytes);
            return ARV_ERR_LIMIT;
        }
        it->packed[i] = alloc64(bytes);
        if (!it->packed[i]) {
            arv_set_err(err, "out of memory packing weights");
            return ARV_ERR_NOMEM;
        }
        it->k->conv2d_pack(&geo, g->tensors[n->in[1]].const_data,
                           has_bias ? g->tensors[n->in[2]].const_data : NULL, it->packed[i]);
    }
    return ARV_OK;
}

/* Per-interpreter scratch memory of the ops that ask for it. */
static arv_status alloc_scratch(arv_interp *it, char *err)
{
    const arv_graph *g = &it->g;
    for (int i = 0; i < g->n_nodes; i++) {
        const arv_node *n = &g->nodes[i];
        size_t bytes = !n->folded && n->def->scratch_bytes ? n->def->scratch_bytes(g, n) : 0;
        if (!bytes)
            continue;
        if (bytes > it->m->lim.max_arena_bytes) {
            arv_set_err(err, "operator %d: scratch of %zu bytes exceeds the limit",
                        n->model_index, bytes);
            return ARV_ERR_LIMIT;
        }
        if (!it->scratch && !(it->scratch = calloc((size_t)g->n_nodes + 1, sizeof *it->scratch))) {
            arv_set_err(err, "out of memory");
            return ARV_ERR_NOMEM;
        }
        if (!(it->scratch[i] = alloc64(bytes))) {
            arv_set_err(err, "out of memory for scratch");
            return ARV_ERR_NOMEM;
        }
    }
    return ARV_OK;
}

arv_status arv_interp_new(const arv_model *m, const arv_options *opt, arv_interp **out, char *err)
{
    *out = NULL;
    if (!m) {
        arv_set_err(err, "no model");
        return ARV_ERR_ARG;
    }
    arv_interp *it = calloc(1, sizeof *it);
    if (!it) {
        arv_set_err(err, "out of memory");
        return ARV_ERR_NOMEM;
    }
    it->m = m;
    it->k = arv_kernels_select(opt ? opt->isa : NULL);
    if (!it->k) {
        arv_set_err(err, "ISA '%s' is not available on this machine or build",
                    opt && opt->isa ? opt->isa : getenv("ARV_ISA"));
        free(it);
        return ARV_ERR_ARG;
    }
    it->q8_reference = opt && opt->int8_reference;
    it->k8 = arv_kernels_int8_for(it->k);
    if (!it->k8)
        it->k8 = &arv_kernels_int8_generic;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    it->threads = opt && opt->num_threads > 0 ? opt->num_threads : (cores > 0 ? (int)cores : 1);
    it->profiling = opt ? opt->enable_profiling : 0;
    it->observe = opt ? opt->observe : NULL;
    it->observe_user = opt ? opt->observe_user : NULL;

    /* An observer is promised every tensor, the PAD's output included. */
    if (exec_graph(m, !it->observe, &it->g, &it->nodes, &it->in_store) != ARV_OK) {
        arv_set_err(err, "out of memory");
        arv_interp_free(it);
        return ARV_ERR_NOMEM;
    }
    const arv_graph *g = &it->g;
    size_t *off = malloc(sizeof(size_t) * (size_t)(g->n_tensors + 1));
    it->t = calloc((size_t)g->n_tensors + 1, sizeof *it->t);
    it->entries = calloc((size_t)g->n_nodes + 1, sizeof *it->entries);
    arv_status s = off && it->t && it->entries ? ARV_OK : ARV_ERR_NOMEM;
    if (s == ARV_OK)
        s = arv_plan_arena(g, off, &it->arena_bytes, err);
    if (s == ARV_OK && it->arena_bytes > m->lim.max_arena_bytes) {
        arv_set_err(err, "arena of %zu bytes exceeds the limit of %zu", it->arena_bytes,
                    m->lim.max_arena_bytes);
        s = ARV_ERR_LIMIT;
    }
    if (s == ARV_OK) {
        /* 64-byte aligned for the SIMD kernels; zeroed so never-written
         * padding reads as 0. */
        size_t sz = (it->arena_bytes + 63) & ~(size_t)63;
        it->arena = aligned_alloc(64, sz);
        if (!it->arena)
            s = ARV_ERR_NOMEM;
        else
            memset(it->arena, 0, sz);
    }
    if (s != ARV_OK) {
        if (s == ARV_ERR_NOMEM)
            arv_set_err(err, "out of memory");
        free(off);
        arv_interp_free(it);
        return s;
    }
    for (int i = 0; i < g->n_tensors; i++) {
        it->t[i] = g->tensors[i].t;
        if (g->tensors[i].const_data) {
            it->t[i].data = (void *)g->tensors[i].const_data;
        } else if (off[i] != SIZE_MAX) {
            it->t[i].data = it->arena + off[i];
        }
    }
    free(off);
    if (it->threads > 1 && !(it->pool = arv_pool_new(it->threads))) {
        arv_set_err(err, "cannot start %d threads", it->threads);
        arv_interp_free(it);
        return ARV_ERR_NOMEM;
    }
    if ((s = pack_weights(it, err)) != ARV_OK || (s = alloc_scratch(it, err)) != ARV_OK) {
        arv_interp_free(it);
        return s;
    }
    int e = 0;
    for (int i = 0; i < g->n_nodes; i++) {
        const arv_node *n = &g->nodes[i];
        if (n->folded)
            continue;
        it->entries[e++] = (arv_profile_entry){
            .node = n->model_index, .op_name = n->p.res_prelu   ? "CONV_2D+ADD+PRELU"
                                         : n->p.res_fused ? "CONV_2D+ADD"
                                         : n->p.deq_fused ? "DEQUANTIZE+QUANTIZE"
                                                          : n->def->name,
            .output_name = g->tensors[n->out[0]].t.name,
            .kernel = n->q8 ? it->k8->name : it->k->name,
            .macs = n->macs, .ms = 0.0};
    }
    it->prof.count = e;
    it->prof.entries = it->entries;
    *out = it;
    return ARV_OK;
}

void arv_interp_free(arv_interp *it)
{
    if (!it)
        return;
    arv_pool_free(it->pool);
    if (it->packed)
        for (int i = 0; i < it->m->g.n_nodes; i++)
            free(it->packed[i]);
    free(it->packed);
    if (it->scratch)
        for (int i = 0; i < it->m->g.n_nodes; i++)
            free(it->scratch[i]);
    free(it->scratch);
    free(it->arena);
    free(it->t);
    free(it->entries);
    free(it->nodes);
    free(it->in_store);
    free(it);
}

int arv_interp_num_inputs(const arv_interp *it) { return it->m->g.n_inputs; }
int arv_interp_num_outputs(const arv_interp *it) { return it->m->g.n_outputs; }

arv_tensor *arv_interp_input(arv_interp *it, int i)
{
    return i >= 0 && i < it->m->g.n_inputs ? &it->t[it->m->g.inputs[i]] : NULL;
}

const arv_tensor *arv_interp_output(const arv_interp *it, int i)
{
    return i >= 0 && i < it->m->g.n_outputs ? &it->t[it->m->g.outputs[i]] : NULL;
}

const arv_tensor *arv_interp_tensor_by_name(const arv_interp *it, const char *name)
{
    for (int i = 0; i < it->m->g.n_tensors; i++)
        if (strcmp(it->t[i].name, name) == 0)
            return &it->t[i];
    return NULL;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

arv_status arv_interp_invoke(arv_interp *it)
{
    const arv_graph *g = &it->g;
    arv_exec x = {g, it->t, it->k, it->k8, it->pool, it->packed, it->scratch, it->q8_reference};
    int e = 0;
    for (int i = 0; i < g->n_nodes; i++) {
        const arv_node *n = &g->nodes[i];
        if (n->folded)
            continue;
        double t0 = it->profiling ? now_ms() : 0.0;
        n->def->eval(&x, n);
        if (it->profiling)
            it->entries[e].ms = now_ms() - t0;
        if (it->observe)
            for (int k = 0; k < n->n_out; k++)
                it->observe(it->observe_user, n->out[k], &it->t[n->out[k]]);
        e++;
    }
    return ARV_OK;
}

const char *arv_interp_error(const arv_interp *it) { return it->err; }
size_t arv_interp_arena_bytes(const arv_interp *it) { return it->arena_bytes; }
const char *arv_interp_isa(const arv_interp *it) { return it->k->name; }
const arv_profile *arv_interp_profile(const arv_interp *it) { return &it->prof; }

void arv_interp_parallel(arv_interp *it, int n, int min_chunk, arv_range_fn fn, void *ctx)
{
    if (n <= 0)
        return;
    if (it->pool)
        arv_pool_run(it->pool, n, min_chunk, fn, ctx);
    else
        fn(ctx, 0, n);
}

void arv_interp_rest(arv_interp *it)
{
    arv_pool_rest(it->pool);
}
