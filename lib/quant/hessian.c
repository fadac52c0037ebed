/* hessian.c — second moments of the inputs each float convolution sees
 * during calibration: H = sum over output pixels of x x^T, x the patch the
 * conv multiplies with one output channel's weights (kh*kw*C values in the
 * weights' own order). GPTQ (gptq.c) rounds weights against it: H says how
 * much a weight error in one tap costs, and how an error in one tap can be
 * cancelled by another that sees correlated inputs.
 *
 * CONV_2D and FULLY_CONNECTED: one K x K matrix per node, shared by all
 * output channels. DEPTHWISE_CONV_2D (multiplier 1): one T x T matrix per
 * channel (T = kh*kw taps), since each channel reads its own input channel.
 * Sums are in double: a 64x64 map gives 4096 terms per entry per image and
 * GPTQ inverts H. Only the upper triangle is summed; it is mirrored when
 * read. */
#include <stdlib.h>
#include <string.h>
#include "quant/hessian.h"
#include "model/tflite_model.h"
#include "model/tflite_schema.h"
#include "ops/ops.h"

typedef struct hnode {
    int k;          /* matrix order: patch length (conv) or taps (depthwise) */
    int groups;     /* 1, or the channels of a depthwise conv */
    double *h;      /* groups * k * k */
    uint64_t n;     /* patches summed */
    int mirrored;
} hnode;

struct arv_hess {
    const arv_graph *g;
    int n_nodes;
    hnode *nodes;
    int *first, *next;   /* per tensor: first consumer node with a matrix; per node: next */
    float *patch;        /* scratch: one patch (conv) or taps x channels (depthwise) */
    size_t patch_cap;
};

static int weighted(const arv_graph *g, const arv_node *n)
{
    if (n->folded || n->n_in < 2 || n->in[0] < 0 || n->in[1] < 0)
        return 0;
    const arv_gtensor *w = &g->tensors[n->in[1]], *x = &g->tensors[n->in[0]];
    if (!w->const_data || w->t.type != ARV_FLOAT32 || x->t.type != ARV_FLOAT32)
        return 0;
    /* both read the input's channels along the weights' last dimension
     * (depthwise: multiplier 1 only) */
    if (n->op == TFL_CONV_2D || n->op == TFL_DEPTHWISE_CONV_2D)
        return w->t.ndim == 4 && x->t.ndim == 4 && w->t.dims[3] == x->t.dims[3];
    if (n->op == TFL_FULLY_CONNECTED)
        return w->t.ndim == 2;
    return 0;
}

arv_hess *arv_hess_new(const arv_graph *g)
{
    arv_hess *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->g = g;
    h->n_nodes = g->n_nodes;
    h->nodes = calloc((size_t)g->n_nodes + 1, sizeof *h->nodes);
    h->first = malloc(sizeof(int) * ((size_t)g->n_tensors + 1));
    h->next = malloc(sizeof(int) * ((size_t)g->n_nodes + 1));
    if (!h->nodes || !h->first || !h->next) {
        arv_hess_free(h);
        return NULL;
    }
    for (int i = 0; i < g->n_tensors; i++)
        h->first[i] = -1;
    for (int i = g->n_nodes - 1; i >= 0; i--) {
        const arv_node *n = &g->nodes[i];
        h->next[i] = -1;
        if (!weighted(g, n))
            continue;
        const arv_tensor *w = &g->tensors[n->in[1]].t;
        hnode *hn = &h->nodes[i];
        if (n->op == TFL_DEPTHWISE_CONV_2D) {
            hn->k = w->dims[1] * w->dims[2];
            hn->groups = w->dims[3];
        } else {
            hn->k = (int)(arv_tensor_elems(w) / (size_t)w->dims[0]);
            hn->groups = 1;
        }
        hn->h = calloc((size_t)hn->groups * (size_t)hn->k * (size_t)hn->k, sizeof(double));
        if (!hn->h) {
            arv_hess_free(h);
            return NULL;
        }
        h->next[i] = h->first[n->in[0]];
        h->first[n->in[0]] = i;
    }
    return h;
}

static float *scratch(arv_hess *h, size_t n)
{
    if (n > h->patch_cap) {
        float *p = realloc(h->patch, n * sizeof(float));
        if (!p)
            return NULL;
        h->patch = p;
        h->patch_cap = n;
    }
    return h->patch;
}

/* Upper triangle of H += v v^T (zeros skipped: after RELU most are). */
static void rank1(double *H, const float *v, int k)
{
    for (int i = 0; i < k; i++) {
        const double vi = v[i];
        if (vi == 0.0)
            continue;
        double *row = H + (size_t)i * (size_t)k;
        for (int j = i; j < k; j++)
            row[j] += vi * (double)v[j];
    }
}

static void add_conv(arv_hess *h, const arv_node *n, hnode *hn, const arv_tensor *x)
{
    const arv_graph *g = h->g;
    arv_conv_geom geo;
    arv_conv_geom_fill(x, &g->tensors[n->in[1]].t, &g->tensors[n->out[0]].t, &n->p,
                       n->op == TFL_DEPTHWISE_CONV_2D, &geo);
    const int C = geo.in_c, T = geo.k_h * geo.k_w;
    const int dh = geo.dil_h > 0 ? geo.dil_h : 1, dw = geo.dil_w > 0 ? geo.dil_w : 1;
    float *v = scratch(h, (size_t)T * (size_t)C);
    if (!v)
        return;
    const float *in = x->data;
    for (int b = 0; b < geo.batch; b++)
        for (int oy = 0; oy < geo.out_h; oy++)
            for (int ox = 0; ox < geo.out_w; ox++) {
                /* the patch in the weights' order: (ky, kx, c) */
                for (int ky = 0; ky < geo.k_h; ky++)
                    for (int kx = 0; kx < geo.k_w; kx++) {
                        const int iy = oy * geo.stride_h - geo.pad_top + ky * dh;
                        const int ix = ox * geo.stride_w - geo.pad_left + kx * dw;
                        float *dst = v + (size_t)(ky * geo.k_w + kx) * (size_t)C;
                        if (iy < 0 || iy >= geo.in_h || ix < 0 || ix >= geo.in_w)
                            memset(dst, 0, sizeof(float) * (size_t)C);
                        else
                            memcpy(dst, in + (((size_t)b * geo.in_h + iy) * geo.in_w + ix) * C,
                                   sizeof(float) * (size_t)C);
                    }
                hn->n++;
                if (hn->groups == 1) {
                    rank1(hn->h, v, hn->k);
                    continue;
                }
                for (int c = 0; c < C && c < hn->groups; c++) {
                    double *H = hn->h + (size_t)c * (size_t)T * (size_t)T;
                    for (int i = 0; i < T; i++) {
                        const double vi = v[(size_t)i * C + c];
                        if (vi == 0.0)
                            continue;
                        for (int j = i; j < T; j++)
                            H[i * T + j] += vi * (double)v[(size_t)j * C + c];
                    }
                }
            }
}

void arv_hess_observe(arv_hess *h, int ti, const arv_tensor *x)
{
    if (!h || ti < 0 || ti >= h->g->n_tensors || x->type != ARV_FLOAT32 || !x->data)
        return;
    for (int i = h->first[ti]; i >= 0; i = h->next[i]) {
        const arv_node *n = &h->g->nodes[i];
        hnode *hn = &h->nodes[i];
        hn->mirrored = 0;
        if (n->op != TFL_FULLY_CONNECTED) {
            add_conv(h, n, hn, x);
            continue;
        }
        /* FULLY_CONNECTED: every row of the input is one patch */
        const size_t total = arv_tensor_elems(x);
        for (size_t r = 0; r + (size_t)hn->k <= total; r += (size_t)hn->k) {
            rank1(hn->h, (const float *)x->data + r, hn->k);
            hn->n++;
        }
    }
}

const double *arv_hess_get(arv_hess *h, int node, int *k, int *groups, uint64_t *samples)
{
    if (!h || node < 0 || node >= h->n_nodes || !h->nodes[node].h)
        return NULL;
    hnode *hn = &h->nodes[node];
    if (!hn->mirrored) {
        const int K = hn->k;
        for (int gi = 0; gi < hn->groups; gi++) {
            double *H = hn->h + (size_t)gi * (size_t)K * (size_t)K;
            for (int i = 0; i < K; i++)
                for (int j = 0; j < i; j++)
                    H[(size_t)i * K + j] = H[(size_t)j * K + i];
        }
        hn->mirrored = 1;
    }
    *k = hn->k;
    *groups = hn->groups;
    *samples = hn->n;
    return hn->h;
}

void arv_hess_free(arv_hess *h)
{
    if (!h)
        return;
    if (h->nodes)
        for (int i = 0; i < h->n_nodes; i++)
            free(h->nodes[i].h);
    free(h->nodes);
    free(h->first);
    free(h->next);
    free(h->patch);
    free(h);
}
