/* quant.h — post-training int8 quantization of a loaded fp32 model:
 * calibration (activation ranges over representative inputs) and the graph
 * rewrite to TFLite's int8 quantization spec, written as a .tflite.
 * Internal to lib/ (cmd/quantize.c drives it). */
#ifndef ARV_QUANT_H
#define ARV_QUANT_H

#include "arv.h"

/* Calibration: fill the inputs, run, repeat; min/max of every tensor the
 * executed graph produces or reads is accumulated over all runs. */
typedef struct arv_calib arv_calib;

arv_status arv_calib_new(const arv_model *m, int num_threads, arv_calib **out, char *err);
int arv_calib_num_inputs(const arv_calib *c);
arv_tensor *arv_calib_input(arv_calib *c, int i);     /* float32, fill before run */
arv_status arv_calib_run(arv_calib *c, char *err);
int arv_calib_runs(const arv_calib *c);
/* Range of model tensor i; 0 if it was never seen (or is not finite). */
int arv_calib_range(const arv_calib *c, int tensor_index, float *min, float *max);
/* Percentile calibration: after a first pass over the inputs (min/max),
 * start histograms over those ranges and run the inputs again; then
 * arv_calib_range_pct gives the range that keeps pct % of the values
 * (half of the rest cut from each tail). Without histograms, or with pct
 * outside (0, 100), it is arv_calib_range. */
arv_status arv_calib_start_histograms(arv_calib *c, int bins, char *err);
int arv_calib_range_pct(const arv_calib *c, int tensor_index, double pct, float *min, float *max);
/* MSE calibration: the range (within the histogram, holding 0) that
 * minimises the squared error of 8-bit quantization, clipping included.
 * Without histograms it is arv_calib_range. */
int arv_calib_range_mse(const arv_calib *c, int tensor_index, float *min, float *max);
/* GPTQ statistics: from now on, runs also sum the second moments of the
 * inputs of every float convolution (quant/hessian.h). */
arv_status arv_calib_start_hessians(arv_calib *c, char *err);
/* Node's input second moments (groups matrices of k x k; depthwise convs
 * have one per channel) summed over *samples patches, or NULL if none were
 * gathered. */
const double *arv_calib_hessian(const arv_calib *c, int node, int *k, int *groups,
                                uint64_t *samples);
/* Per-channel (last dimension) ranges of tensor i from the first pass:
 * returns the channel count (0: none) and points lo/hi at them. */
int arv_calib_channels(const arv_calib *c, int tensor_index, const float **lo, const float **hi);
void arv_calib_free(arv_calib *c);

typedef struct arv_quant_opts {
    int per_tensor;                 /* one weight scale per tensor, not per channel */
    int gptq;                       /* round weights with GPTQ (quant/gptq.h) where
                                       the calibration has its statistics
                                       (arv_calib_start_hessians); else to nearest */
    double percentile;              /* activation ranges: 0 = min/max, else this
                                       percentile (needs histograms, see above) */
    int mse;                        /* activation ranges: MSE-optimal (needs histograms;
                                       overrides percentile) */
    int equalize;                   /* cross-layer equalization (quantize.c, equalize):
                                       0 off, 1 into depthwise convs, 2 into
                                       depthwise and regular convs */
    int float_heads;                /* keep the ops computing each model output in float:
                                       back through RESHAPE, CONCATENATION, LOGISTIC, PAD,
                                       RESIZE_BILINEAR, DEPTH_TO_SPACE to the first op with
                                       weights (quantize.c, mark_head) */
    const char *const *keep_float;  /* op names (CONV_2D) or output tensor names */
    int n_keep_float;
    /* Activation tensors to keep in float: the op producing each and every
     * op reading it stay float, so the tensor is never rounded to int8
     * (keeping one op in float does not do that: its int8 neighbours still
     * quantize what it reads and writes). */
    const char *const *float_tensors;
    int n_float_tensors;
    /* Activation tensors to compute in TFLite's 16x8 mode (int16 symmetric
     * activations, int8 weights, int64 bias): the op producing each, if it
     * has a 16x8 form (CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, ADD,
     * MUL, pools, PAD, CONCATENATION, RESIZE_BILINEAR, RESHAPE), reads and
     * writes int16 (quantize.c). */
    const char *const *int16_tensors;
    int n_int16_tensors;
    /* ... and every activation of rank 4 at most this high and wide (0:
     * none): the small feature maps of a regression branch, few MACs and
     * the most sensitive tensors of the pose landmark models. */
    int int16_max_hw;
    /* Warnings (an op kept in float, and why); NULL = silent. */
    void (*warn)(void *user, const char *msg);
    void *warn_user;
} arv_quant_opts;

/* An activation that cross-layer equalization rescaled: its channel c
 * (channels last) holds k[c] times the float model's values. */
typedef struct arv_quant_eq {
    char *name;
    int nc;
    float *k;
} arv_quant_eq;

typedef struct arv_quant_report {
    int n_ops;            /* ops in the written model */
    int n_int8_ops;       /* ... computing in int8 */
    int n_int16_ops;      /* ... in 16x8 (int16 activations) */
    int n_float_ops;      /* ... kept in float */
    int n_quantize, n_dequantize;   /* conversion ops inserted */
    int n_equalized;      /* conv/depthwise pairs rescaled by equalization */
    arv_quant_eq *eq;     /* the n_eq rescaled activations (to compare them
                           * with the float model's); arv_quant_report_free */
    int n_eq;
} arv_quant_report;

/* Frees rep's lists (not rep); a failed arv_quantize_model* leaves none. */
void arv_quant_report_free(arv_quant_report *rep);

/* The activation tensors that opt quantizes to int8 (model outputs and
 * tensors tied to others excluded): up to cap names (pointers into m) into
 * names[] and, per name, the MACs of the int8 ops that would go float with
 * it (arv_quant_opts.float_tensors) into macs[] (may be NULL). Returns the
 * count, or -1 when out of memory. */
int arv_quant_candidates(const arv_model *m, const arv_calib *c, const arv_quant_opts *opt,
                         const char **names, uint64_t *macs, int cap);

/* Quantize m with the ranges of c; write the result to path (nothing is
 * written on failure). rep may be NULL. */
arv_status arv_quantize_model(const arv_model *m, const arv_calib *c,
                              const arv_quant_opts *opt, const char *path,
                              arv_quant_report *rep, char *err);
/* The same into memory (*out malloc'd). */
arv_status arv_quantize_model_mem(const arv_model *m, const arv_calib *c,
                                  const arv_quant_opts *opt, uint8_t **out, size_t *len,
                                  arv_quant_report *rep, char *err);

#endif
