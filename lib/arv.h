/* arv.h — the public interface of arv's inference core (libarv).
 *
 * The only header a user of the core includes. Opaque handles, a status from
 * every call that can fail, the error text kept on the handle (or written to a
 * caller buffer where no handle exists yet). No globals, no printing, no exit.
 */
#ifndef ARV_H
#define ARV_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ARV_VERSION "0.1.0"
#define ARV_MAX_DIMS 6
#define ARV_ERR_LEN 256

typedef enum arv_status {
    ARV_OK = 0,
    ARV_ERR_IO,          /* file could not be opened, read or mapped */
    ARV_ERR_FORMAT,      /* malformed model: offsets, sizes, graph structure */
    ARV_ERR_UNSUPPORTED, /* valid model using an op, version or type we lack */
    ARV_ERR_SHAPE,       /* shapes that do not fit the op */
    ARV_ERR_LIMIT,       /* a configured limit (tensor size, arena) exceeded */
    ARV_ERR_NOMEM,
    ARV_ERR_ARG          /* bad argument from the caller */
} arv_status;

const char *arv_status_name(arv_status s);

/* Element types, numbered as TFLite's TensorType so values read from a model
 * need no table. */
typedef enum arv_dtype {
    ARV_FLOAT32 = 0, ARV_FLOAT16 = 1, ARV_INT32 = 2, ARV_UINT8 = 3,
    ARV_INT64 = 4, ARV_STRING = 5, ARV_BOOL = 6, ARV_INT16 = 7,
    ARV_INT8 = 9, ARV_FLOAT64 = 10
} arv_dtype;

const char *arv_dtype_name(arv_dtype t);
size_t arv_dtype_size(arv_dtype t);   /* 0 for types without a fixed size */

typedef struct arv_tensor {
    const char *name;
    arv_dtype type;
    int ndim;
    int dims[ARV_MAX_DIMS];
    void *data;          /* NULL until the interpreter has planned memory */
    size_t bytes;
    /* per-tensor affine quantization (scale 0 = not quantized) */
    float scale;
    int32_t zero_point;
} arv_tensor;

size_t arv_tensor_elems(const arv_tensor *t);

/* Limits applied while loading; zero fields take the defaults below. */
typedef struct arv_limits {
    size_t max_file_bytes;    /* default 1 GiB */
    size_t max_tensor_bytes;  /* default 512 MiB */
    size_t max_arena_bytes;   /* default 1 GiB */
    int max_tensors;          /* default 1,000,000 */
    int max_ops;              /* default 1,000,000 */
} arv_limits;

typedef struct arv_model arv_model;
typedef struct arv_interp arv_interp;

/* Open a .tflite: mmap, verify every offset of the FlatBuffer, read the graph,
 * fold load-time constants (DEQUANTIZE, DENSIFY). On failure *out is NULL and
 * err (ARV_ERR_LEN bytes, may be NULL) says what is wrong. */
arv_status arv_model_open(const char *path, const arv_limits *lim,
                          arv_model **out, char *err);
/* Same from a caller-owned buffer that must outlive the model. */
arv_status arv_model_open_buffer(const void *buf, size_t len,
                                 const arv_limits *lim, arv_model **out,
                                 char *err);
void arv_model_close(arv_model *m);

/* Model description, independent of any interpreter. */
typedef struct arv_op_info {
    int index;              /* node index in the model's operator list */
    const char *op_name;    /* "CONV_2D", "Convolution2DTransposeBias", ... */
    int version;
    const char *output_name;/* name of the op's first output tensor */
    uint64_t macs;          /* multiply-accumulates at the model's shapes */
    char params[160];       /* human-readable parameters: "3x3 s2 SAME RELU6" */
    int folded;             /* 1: computed at load time (DEQUANTIZE, DENSIFY) */
} arv_op_info;

const char *arv_model_description(const arv_model *m);
int arv_model_num_ops(const arv_model *m);            /* as stored, incl. folded */
const arv_op_info *arv_model_op(const arv_model *m, int i);
int arv_model_num_inputs(const arv_model *m);
int arv_model_num_outputs(const arv_model *m);
const arv_tensor *arv_model_input(const arv_model *m, int i);   /* shape only */
const arv_tensor *arv_model_output(const arv_model *m, int i);  /* shape only */
uint64_t arv_model_macs(const arv_model *m);
/* Elements of the float constant tensors the executed graph reads (weights
 * after load-time folding, so sparse weights count densely). */
uint64_t arv_model_params(const arv_model *m);
/* Ops executed at invoke (stored ops minus folded and fused ones). */
int arv_model_num_exec_ops(const arv_model *m);

typedef struct arv_options {
    int num_threads;        /* 0 = all cores (the interpreter may use fewer) */
    const char *isa;        /* NULL = best available (or $ARV_ISA); "generic",
                               "avx2", "avx512", "neon": an error if this
                               machine or build lacks it */
    int enable_profiling;   /* record per-op times on every invoke */
    /* Called during invoke after each executed op, once per output of the
     * op, with that output (its data valid only during the call: the arena
     * reuses it later) and its index in the model's tensor list. For
     * calibration and debugging; NULL = none. With an observer every op
     * runs as stored; without one a zero PAD that only feeds a float VALID
     * convolution is skipped (the convolution pads instead), and a float
     * CONV_2D whose output only a residual ADD reads runs that ADD itself
     * (and a PRELU alone reading the ADD's output; the intermediate
     * tensors are then never computed). Outputs are the same either way. */
    void (*observe)(void *user, int tensor_index, const arv_tensor *t);
    void *observe_user;
    /* int8 models: 0 (default) rounds as TensorFlow Lite runs them by
     * default, so outputs match TFLite's (its XNNPACK delegate's float
     * requantization for convolutions and MUL, its optimized kernels'
     * single rounding for FULLY_CONNECTED); 1 rounds everywhere as
     * TFLite's reference integer kernels do (fixed-point multiplier,
     * double rounding). The two differ by one step in under 2 % of the
     * outputs of an op. */
    int int8_reference;
} arv_options;

arv_status arv_interp_new(const arv_model *m, const arv_options *opt,
                          arv_interp **out, char *err);
void arv_interp_free(arv_interp *it);
int arv_interp_num_inputs(const arv_interp *it);
int arv_interp_num_outputs(const arv_interp *it);
arv_tensor *arv_interp_input(arv_interp *it, int i);
const arv_tensor *arv_interp_output(const arv_interp *it, int i);
const arv_tensor *arv_interp_tensor_by_name(const arv_interp *it,
                                            const char *name);
arv_status arv_interp_invoke(arv_interp *it);
const char *arv_interp_error(const arv_interp *it);
size_t arv_interp_arena_bytes(const arv_interp *it);
const char *arv_interp_isa(const arv_interp *it);

/* Run fn(ctx, begin, end) over [0, n) on the interpreter's threads, the
 * calling thread included, and return when every range is done: at most
 * one range per thread, and no more than n / min_chunk ranges (rounded
 * up), so that no thread is woken for much less than min_chunk items.
 * For the work around invoke (pre- and post-processing): it then uses the
 * cores the model uses, and the workers, still spinning after the last op,
 * do it instead of waiting.
 * Single-threaded interpreters run fn(ctx, 0, n) inline. Not from two
 * threads at once, nor from inside fn, nor concurrently with invoke. */
typedef void (*arv_range_fn)(void *ctx, int begin, int end);
void arv_interp_parallel(arv_interp *it, int n, int min_chunk, arv_range_fn fn, void *ctx);
/* The caller has no work for the interpreter's threads for a while (say,
 * until the next video frame): they sleep at once instead of spinning for
 * the next op, leaving the cores to the caller's other threads (decoding,
 * encoding). The next invoke or parallel call wakes them. */
void arv_interp_rest(arv_interp *it);

/* Per-op profile of the last invoke (when enable_profiling is set). */
typedef struct arv_profile_entry {
    int node;               /* index in the model's operator list */
    const char *op_name;
    const char *output_name;
    const char *kernel;     /* kernel that ran, e.g. "generic" */
    uint64_t macs;
    double ms;              /* time of the last invoke */
} arv_profile_entry;

typedef struct arv_profile {
    int count;
    const arv_profile_entry *entries;
} arv_profile;

const arv_profile *arv_interp_profile(const arv_interp *it);

/* Arena size the planner would give without creating an interpreter. */
arv_status arv_model_plan_arena(const arv_model *m, size_t *bytes);

#ifdef __cplusplus
}
#endif
#endif
