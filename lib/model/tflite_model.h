/* tflite_model.h — reading a verified .tflite into the graph IR, and the
 * model object that owns both. Internal to lib/. */
#ifndef ARV_TFLITE_MODEL_H
#define ARV_TFLITE_MODEL_H

#include "arv.h"
#include "model/flatbuf.h"
#include "graph/graph.h"

/* Sparse constant as stored (TFLite SparsityParameters), copied out of the
 * file so DENSIFY can run without the FlatBuffer. */
struct arv_sparsity {
    int n_dims;
    int traversal_order[ARV_MAX_DIMS * 2];
    int n_block_map;
    struct {
        int format;            /* DIM_DENSE / DIM_SPARSE_CSR */
        int dense_size;
        uint32_t n_segments, n_indices;
        uint32_t *segments;
        uint32_t *indices;
    } dim[ARV_MAX_DIMS * 2];
};

struct arv_model {
    void *map;                 /* mmap of the file, or NULL for buffers */
    size_t map_len;
    fb_buf fb;
    arv_limits lim;
    arv_graph g;
    arv_sparsity **sparse;     /* owned, one per sparse tensor (or NULL) */
    arv_op_info *info;         /* one per model operator */
    uint64_t macs;
    uint64_t params;
    int n_exec;
};

int arv_tflite_verify(const fb_buf *b, char *err);
arv_status arv_tflite_read(arv_model *m, char *err);
void arv_limits_fill(arv_limits *out, const arv_limits *in);

#endif
