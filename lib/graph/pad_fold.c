/* pad_fold.c — a zero PAD in front of a VALID convolution is the
 * convolution's own padding in disguise (MobileNet-style models pad by hand
 * before each stride-2 conv to get TensorFlow's top/left alignment). The
 * interpreter skips such a PAD and lets the convolution read the PAD's input
 * with its leading pads as pad_top/pad_left; trailing pads need nothing,
 * since every kernel reads taps past the input's end as zero. That saves
 * writing the padded copy and reading it back (1.4-4.5 % of the pose
 * models' time).
 *
 * The pass edits an interpreter's copy of the node list, never the model's
 * graph: the graph stays what the file says, so the writer and the
 * quantizer, which emit nodes as stored, still see the PAD. Float only: an
 * int8 PAD fills with its zero point, which an int8 kernel's padding is
 * exact for too, but the int8 path is held bit-exact to TFLite's own graph
 * and gains little. */
#include "graph/graph.h"
#include "model/tflite_schema.h"

/* The PAD's [4,2] int32 paddings when they pad only height and width by
 * non-negative amounts; 0 otherwise. */
static int spatial_pads(const arv_graph *g, const arv_node *pad, int *top, int *left)
{
    if (pad->n_in < 2 || pad->in[1] < 0)
        return 0;
    const arv_gtensor *pt = &g->tensors[pad->in[1]];
    const arv_tensor *in = &g->tensors[pad->in[0]].t;
    if (!pt->const_data || pt->t.type != ARV_INT32 || in->ndim != 4 ||
        arv_tensor_elems(&pt->t) != 8)
        return 0;
    const int32_t *p = pt->const_data;
    if (p[0] || p[1] || p[6] || p[7])
        return 0;
    for (int k = 2; k < 6; k++)
        if (p[k] < 0 || p[k] > (1 << 20))
            return 0;
    *top = p[2];
    *left = p[4];
    return 1;
}

int arv_graph_fold_pads(const arv_graph *g, arv_node *nodes, int *in_store)
{
    int folded = 0;
    for (int i = 0; i < g->n_nodes; i++) {
        arv_node *pad = &nodes[i];
        if (pad->folded || pad->op != TFL_PAD || pad->q8 || pad->n_out != 1)
            continue;
        const int mid = pad->out[0], src = pad->in[0];
        const arv_gtensor *t = &g->tensors[mid];
        int top, left;
        if (t->is_output || t->n_consumers != 1 || t->t.type != ARV_FLOAT32 ||
            g->tensors[src].t.type != ARV_FLOAT32 || !spatial_pads(g, pad, &top, &left))
            continue;
        /* Its one reader, later in execution order. */
        int r = -1;
        for (int j = i + 1; j < g->n_nodes && r < 0; j++)
            for (int k = 0; k < nodes[j].n_in; k++)
                if (!nodes[j].folded && nodes[j].in[k] == mid)
                    r = j;
        if (r < 0)
            continue;
        arv_node *c = &nodes[r];
        if ((c->op != TFL_CONV_2D && c->op != TFL_DEPTHWISE_CONV_2D) || c->q8 ||
            c->p.padding != TFL_PAD_VALID || c->n_in > 3 || c->in[0] != mid)
            continue;
        int *in = in_store + ARV_IN_STORE * r;
        for (int k = 0; k < c->n_in; k++)
            in[k] = c->in[k] == mid ? src : c->in[k];
        if (in[1] == src || (c->n_in > 2 && in[2] == src))
            continue;   /* the padded tensor is also the filter or bias */
        c->in = in;
        c->p.pad_add_top += top;
        c->p.pad_add_left += left;
        pad->folded = 3;   /* 3 = folded into its reader's padding */
        folded++;
    }
    return folded;
}
