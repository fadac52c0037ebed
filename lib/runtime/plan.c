/* plan.c — one arena for all activations. Each tensor lives from the op that
 * writes it (inputs: from the start) to the last op that reads it (outputs:
 * to the end). Tensors are placed largest first at the lowest offset that
 * does not overlap any placed tensor alive at the same time — the greedy-by-
 * size strategy TFLite's arena planner also uses. */
#include <stdlib.h>
#include <string.h>
#include "runtime/plan.h"

typedef struct live {
    int t;
    int first, last;
    size_t size;
    size_t off;
} live;

static int by_size_desc(const void *a, const void *b)
{
    const live *x = a, *y = b;
    if (x->size != y->size)
        return x->size < y->size ? 1 : -1;
    return x->t - y->t;   /* deterministic */
}

static int by_offset(const void *a, const void *b)
{
    const live *x = *(const live *const *)a, *y = *(const live *const *)b;
    return x->off < y->off ? -1 : x->off > y->off;
}

static size_t align_up(size_t v) { return (v + ARV_ARENA_ALIGN - 1) & ~(size_t)(ARV_ARENA_ALIGN - 1); }

arv_status arv_plan_arena(const arv_graph *g, size_t *offsets, size_t *bytes, char *err)
{
    int n = g->n_tensors;
    int *first = malloc(sizeof(int) * (size_t)(n ? n : 1));
    int *last = malloc(sizeof(int) * (size_t)(n ? n : 1));
    live *L = malloc(sizeof(live) * (size_t)(n ? n : 1));
    if (!first || !last || !L) {
        free(first); free(last); free(L);
        arv_set_err(err, "out of memory planning the arena");
        return ARV_ERR_NOMEM;
    }
    for (int i = 0; i < n; i++) {
        first[i] = g->tensors[i].is_input ? -1 : -2;   /* -2: not yet seen */
        last[i] = -2;
        offsets[i] = SIZE_MAX;
    }
    for (int i = 0; i < g->n_nodes; i++) {
        const arv_node *nd = &g->nodes[i];
        if (nd->folded)
            continue;
        for (int k = 0; k < nd->n_in; k++) {
            int t = nd->in[k];
            if (t >= 0 && !g->tensors[t].const_data)
                last[t] = i;
        }
        for (int k = 0; k < nd->n_out; k++) {
            int t = nd->out[k];
            if (first[t] == -2)
                first[t] = i;
            if (last[t] < i)
                last[t] = i;
        }
    }
    int count = 0;
    for (int i = 0; i < n; i++) {
        if (g->tensors[i].const_data || first[i] == -2)
            continue;
        if (g->tensors[i].is_output || g->tensors[i].is_input)
            last[i] = g->n_nodes;      /* caller reads it after invoke */
        L[count++] = (live){i, first[i], last[i], align_up(g->tensors[i].t.bytes), 0};
    }
    qsort(L, (size_t)count, sizeof *L, by_size_desc);

    /* For each tensor, sweep the placed tensors that overlap it in time in
     * offset order and take the first gap that fits. */
    live **ov = malloc(sizeof(live *) * (size_t)(count ? count : 1));
    if (!ov) {
        free(first); free(last); free(L);
        arv_set_err(err, "out of memory planning the arena");
        return ARV_ERR_NOMEM;
    }
    size_t total = 0;
    for (int i = 0; i < count; i++) {
        int no = 0;
        for (int j = 0; j < i; j++)
            if (!(L[j].last < L[i].first || L[i].last < L[j].first))
                ov[no++] = &L[j];
        qsort(ov, (size_t)no, sizeof *ov, by_offset);
        size_t cand = 0;
        for (int j = 0; j < no; j++) {
            if (cand + L[i].size <= ov[j]->off)
                break;
            if (ov[j]->off + ov[j]->size > cand)
                cand = ov[j]->off + ov[j]->size;
        }
        L[i].off = cand;
        offsets[L[i].t] = cand;
        if (cand + L[i].size > total)
            total = cand + L[i].size;
    }
    free(ov);
    *bytes = total + ARV_ARENA_TAIL;
    free(first);
    free(last);
    free(L);
    return ARV_OK;
}
