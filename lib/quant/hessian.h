/* hessian.h — per-convolution input second moments gathered during
 * calibration, for GPTQ weight rounding (gptq.h). Internal to lib/quant. */
#ifndef ARV_QUANT_HESSIAN_H
#define ARV_QUANT_HESSIAN_H

#include "arv.h"
#include "graph/graph.h"

typedef struct arv_hess arv_hess;

/* A matrix for every float CONV_2D, DEPTHWISE_CONV_2D (multiplier 1) and
 * FULLY_CONNECTED of g with constant weights. NULL when out of memory. */
arv_hess *arv_hess_new(const arv_graph *g);
/* Tensor ti of g holds x during a calibration run: add its patches to the
 * matrices of the nodes that read it. */
void arv_hess_observe(arv_hess *h, int ti, const arv_tensor *x);
/* Node's matrices (groups of k x k, row-major, symmetric), or NULL if the
 * node has none; *samples: the patches summed into each. Valid until the
 * next observe. */
const double *arv_hess_get(arv_hess *h, int node, int *k, int *groups, uint64_t *samples);
void arv_hess_free(arv_hess *h);

#endif
