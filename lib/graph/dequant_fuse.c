/* dequant_fuse.c — TensorFlow Lite has no int8 -> int16 QUANTIZE, so an
 * int16 region of a quantized model is entered through DEQUANTIZE (int8 ->
 * float) and QUANTIZE (float -> int16). The pair is exact but costs a float
 * tensor twice the int8 one's size written and read, and a double division
 * per element: in pose_landmark_lite's int16 trunk, 0.22 ms of 4.5. Its
 * input has only 256 values, so QUANTIZE's prepare tabulates both ops'
 * arithmetic (ops/quantize.c, use_lut16); run as one, the QUANTIZE reads
 * the int8 tensor through that table. Bit for bit the two ops.
 *
 * Like pad_fold.c, the pass edits an interpreter's copy of the node list
 * and only when no observer asks for every tensor. */
#include "graph/graph.h"
#include "model/tflite_schema.h"
#include "ops/ops.h"

int arv_graph_fuse_dequant(const arv_graph *g, arv_node *nodes, int *in_store)
{
    int fused = 0;
    for (int i = 0; i < g->n_nodes; i++) {
        arv_node *q = &nodes[i];
        if (q->folded || q->op != TFL_QUANTIZE || !q->q8 || !q->qdata || q->n_in != 1 ||
            !((const arv_q8 *)q->qdata)->use_lut16)
            continue;
        const int mid = q->in[0];
        const arv_gtensor *t = &g->tensors[mid];
        if (t->is_output || t->n_consumers != 1 || t->producer < 0)
            continue;
        arv_node *d = &nodes[t->producer];
        if (d->folded || d->op != TFL_DEQUANTIZE || d->n_out != 1 || d->out[0] != mid)
            continue;
        int *in = in_store + ARV_IN_STORE * i;
        in[0] = d->in[0];
        q->in = in;
        q->p.deq_fused = 1;
        d->folded = 4;   /* 4 = run by the op reading its output */
        fused++;
    }
    return fused;
}
