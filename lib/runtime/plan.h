/* plan.h — activation arena planning from tensor lifetimes. */
#ifndef ARV_PLAN_H
#define ARV_PLAN_H

#include "graph/graph.h"

#define ARV_ARENA_ALIGN 64
/* Slack after the last tensor so SIMD tails may over-read. */
#define ARV_ARENA_TAIL 64

/* offsets[i] = arena offset of tensor i, or SIZE_MAX if it needs no arena
 * space (constants, tensors no executed op touches). Returns the arena size
 * in *bytes. offsets has g->n_tensors entries. */
arv_status arv_plan_arena(const arv_graph *g, size_t *offsets, size_t *bytes, char *err);

#endif
