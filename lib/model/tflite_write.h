/* tflite_write.h — serialize arv's graph IR back to a TFLite FlatBuffer
 * (schema v3). Internal to lib/; used by the quantizer and by tests.
 *
 * What is written is the graph as the interpreter would run it: nodes that
 * were folded at load (DEQUANTIZE / DENSIFY of constants) or fused (a RELU
 * merged into its producer) are left out, their constant results are
 * written as plain float32 buffers, and tensors nothing refers to any more
 * (the fp16 or sparse originals, fused intermediates) are dropped. Loading
 * the written file therefore gives the same executed graph, not the same
 * stored one. */
#ifndef ARV_TFLITE_WRITE_H
#define ARV_TFLITE_WRITE_H

#include <stddef.h>
#include <stdint.h>
#include "graph/graph.h"

/* Quantization of one tensor as TFLite stores it: n scales and zero points
 * (n > 1 = per channel along quantized_dimension). n = 0 means "use the
 * tensor's own per-tensor scale/zero_point, if its scale is non-zero". */
typedef struct arv_wquant {
    int n;
    const float *scale;
    const int64_t *zero_point;
    int quantized_dimension;
} arv_wquant;

/* Serialize g. quant, when not NULL, has g->n_tensors entries. keep, when
 * not NULL, receives for each graph tensor its index in the written file
 * (-1 if dropped). *out is malloc'd; the caller frees it. */
arv_status arv_tflite_write(const arv_graph *g, const arv_wquant *quant, int *keep,
                            uint8_t **out, size_t *len, char *err);

/* Write to path atomically enough for our use: a temporary file renamed
 * over path, so a failure leaves nothing behind. */
arv_status arv_tflite_write_file(const arv_graph *g, const arv_wquant *quant,
                                 const char *path, char *err);
/* Write n bytes to path through PATH.tmp + rename. */
arv_status arv_write_bytes_atomic(const char *path, const uint8_t *p, size_t n, char *err);

#endif
