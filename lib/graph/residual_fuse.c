/* residual_fuse.c — a projection conv followed by the residual ADD of an
 * inverted-bottleneck block (conv output + block input, then RELU6 in the
 * pose models) writes a tensor only for the ADD to read it back at once,
 * and the ADD writes a third. At the pose decoders' 256x256x8 those are
 * 2 MB tensors streamed from L3: the ADDs took 4-7 % of the pose models'
 * float time. Fused, the conv runs the ADD over each few output rows right
 * after computing them, so its output is re-read from L1/L2 and the
 * intermediate tensor is never allocated.
 *
 * The result is bit for bit the unfused one: the conv's rows are complete
 * (its own bias and activation applied) before the ADD kernel, the same
 * one with the same operand order, reads them.
 *
 * palm detection's blocks follow the ADD with a PRELU (per-channel alpha)
 * that alone reads its output: that runs on the same rows as well.
 *
 * Like pad_fold.c, the pass edits an interpreter's copy of the node list
 * and only when no observer asks for every tensor; the model's graph, which
 * the writer and the quantizer emit, keeps both ops. Float only: the int8
 * ADD requantizes both inputs, and the int8 path is held to TFLite's own
 * graph. */
#include "graph/graph.h"
#include "model/tflite_schema.h"

static int same_shape(const arv_tensor *a, const arv_tensor *b)
{
    if (a->ndim != b->ndim)
        return 0;
    for (int d = 0; d < a->ndim; d++)
        if (a->dims[d] != b->dims[d])
            return 0;
    return 1;
}

/* The float PRELU that alone reads tensor ti (not a model output), with a
 * constant alpha broadcast along the last dimension only; -1 if none. */
static int lone_prelu(const arv_graph *g, const arv_node *nodes, int from, int ti)
{
    const arv_gtensor *t = &g->tensors[ti];
    if (t->is_output || t->n_consumers != 1)
        return -1;
    for (int j = from; j < g->n_nodes; j++) {
        const arv_node *n = &nodes[j];
        int reads = 0;
        for (int k = 0; k < n->n_in; k++)
            reads |= n->in[k] == ti;
        if (!reads)
            continue;
        if (n->folded || n->op != TFL_PRELU || n->q8 || n->n_in != 2 || n->n_out != 1 ||
            n->in[0] != ti || n->in[1] == ti)
            return -1;
        const arv_gtensor *a = &g->tensors[n->in[1]];
        const arv_tensor *o = &g->tensors[n->out[0]].t;
        if (!a->const_data || a->t.type != ARV_FLOAT32 || o->type != ARV_FLOAT32 ||
            !same_shape(o, &t->t) || a->t.ndim < 1 || o->ndim < 1 ||
            a->t.dims[a->t.ndim - 1] != o->dims[o->ndim - 1])
            return -1;
        for (int d = 0; d < a->t.ndim - 1; d++)
            if (a->t.dims[d] != 1)
                return -1;
        return j;
    }
    return -1;
}

int arv_graph_fuse_residuals(const arv_graph *g, arv_node *nodes, int *in_store,
                             int *out_store)
{
    int fused = 0;
    for (int i = 0; i < g->n_nodes; i++) {
        arv_node *add = &nodes[i];
        if (add->folded || add->op != TFL_ADD || add->q8 || add->n_in != 2 || add->n_out != 1)
            continue;
        const arv_tensor *out = &g->tensors[add->out[0]].t;
        if (out->type != ARV_FLOAT32)
            continue;
        for (int side = 0; side < 2; side++) {
            const int mid = add->in[side], res = add->in[1 - side];
            if (mid < 0 || res < 0 || mid == res)
                continue;
            const arv_gtensor *t = &g->tensors[mid];
            const arv_gtensor *r = &g->tensors[res];
            if (t->is_output || t->n_consumers != 1 || t->producer < 0 ||
                t->t.type != ARV_FLOAT32 || r->t.type != ARV_FLOAT32 ||
                !same_shape(&t->t, out) || !same_shape(&r->t, out))
                continue;
            const int pi = t->producer;
            arv_node *conv = &nodes[pi];
            if (conv->folded || conv->op != TFL_CONV_2D || conv->q8 || conv->n_out != 1 ||
                conv->n_in > 3 || conv->p.res_fused || conv->out[0] != mid)
                continue;
            /* The residual must exist when the conv runs. */
            if (r->producer >= pi)
                continue;
            int *in = in_store + ARV_IN_STORE * pi;
            for (int k = 0; k < 3; k++)
                in[k] = k < conv->n_in ? conv->in[k] : -1;
            in[3] = res;
            in[4] = -1;
            conv->in = in;
            conv->n_in = 4;
            out_store[pi] = add->out[0];
            conv->out = out_store + pi;
            conv->p.res_fused = 1;
            conv->p.res_act = add->p.act;
            conv->p.res_first = side == 1;
            add->folded = 4;   /* 4 = run by the conv that produces its input */
            fused++;
            const int pr = lone_prelu(g, nodes, i + 1, add->out[0]);
            if (pr >= 0) {
                in[4] = nodes[pr].in[1];
                conv->n_in = 5;
                out_store[pi] = nodes[pr].out[0];
                conv->p.res_prelu = 1;
                nodes[pr].folded = 4;
                fused++;
            }
            break;
        }
    }
    return fused;
}
