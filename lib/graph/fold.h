/* fold.h — load-time constant folding helpers (DEQUANTIZE, DENSIFY). */
#ifndef ARV_FOLD_H
#define ARV_FOLD_H

#include "graph/graph.h"

/* Convert float16/int8/uint8 data shaped like t to float32 (t's scale and
 * zero point for the integer types). */
void arv_dequantize_f32(const arv_tensor *t, const void *src, float *dst);

/* Expand a TFLite sparse tensor into dst (dense, t's dims, elem bytes each).
 * Returns 0 and fills err when the sparse structure is inconsistent. */
int arv_densify(const arv_gtensor *t, size_t elem, void *dst, char *err);

#endif
