/* quant_task.h — what `arv quantize` needs to know per task: how the task
 * pipeline turns an image into the model's input (calibration must see what
 * the model sees in use), the quantizer's defaults for the task's models
 * (and the measurements behind them, in quant_task.c), and the task metric
 * the --report compares the int8 model with the fp32 one by. */
#ifndef ARV_QUANT_TASK_H
#define ARV_QUANT_TASK_H

#include <stdio.h>
#include "arv.h"
#include "image/image.h"
#include "media/inputs.h"

typedef enum arv_qtask_id {
    ARV_QTASK_SEGMENT,
    ARV_QTASK_POSE_DETECTOR,
    ARV_QTASK_POSE_LANDMARK,
    ARV_QTASK_PALM,
    ARV_QTASK_HAND_LANDMARK,
    ARV_QTASK_SSD,
    ARV_QTASK_N
} arv_qtask_id;

#define ARV_QTASK_NAMES "segment, pose-detector, pose-landmark, palm, hand-landmark, ssd"

typedef enum arv_qrange {
    ARV_QRANGE_MINMAX,
    ARV_QRANGE_MSE,
    ARV_QRANGE_PERCENTILE
} arv_qrange;

typedef struct arv_qtask_defaults {
    arv_qrange ranges;
    double percentile;              /* with ARV_QRANGE_PERCENTILE */
    int float_heads;                /* ops computing the outputs in float (quant.h) */
    int equalize;                   /* cross-layer equalization (quant.h) */
    int gptq;                       /* GPTQ weight rounding (quant.h) */
    int mirror;                     /* calibrate on mirrored images too */
    int jitter;                     /* landmark tasks: extra crops per ROI */
    const char *const *keep_float;  /* op types or output tensor names */
    int n_keep_float;
    const char *const *float_tensors;   /* activations kept in float (quant.h) */
    int n_float_tensors;
    const char *const *int16_tensors;   /* activations in int16 (quant.h) */
    int int16_max_hw;                   /* feature maps this small in int16 (quant.h) */
    int n_int16_tensors;
} arv_qtask_defaults;

/* -1 when unknown. */
int arv_qtask_by_name(const char *name);
const char *arv_qtask_name(arv_qtask_id t);
/* From a model file's name (selfie_segmentation*, pose_detection*, ...);
 * segment when nothing matches. */
arv_qtask_id arv_qtask_for_model(const char *file_name);
/* The defaults for task t, refined by model m's shape where measured
 * (m may be NULL: the task's own). */
const arv_qtask_defaults *arv_qtask_default(arv_qtask_id t, const arv_model *m);

typedef struct arv_qtask arv_qtask;

/* m: the fp32 model to quantize (its input shape is checked against the
 * task); path: its file. Opens the helper models a task needs for its crops
 * (pose-landmark: pose_detection; hand-landmark: palm_detection_full).
 * err: ARV_ERR_LEN bytes. Returns 0 or -1. */
int arv_qtask_new(arv_qtask_id t, const arv_model *m, const char *path, int threads,
                  arv_qtask **out, char *err);
void arv_qtask_free(arv_qtask *qt);

/* Activations the int8 model holds rescaled per channel (cross-layer
 * equalization: channel c of tensors[i] is k[i][c] times the fp32 value, nc[i]
 * channels, last dimension): --report-layers divides them back before
 * comparing. The arrays must outlive the reports; n = 0 clears. */
void arv_qtask_set_rescaled(arv_qtask *qt, int n, const char *const *tensors, const int *nc,
                            const float *const *k);

/* Landmark tasks: each detected ROI also gives n more calibration crops,
 * the ROI rotated, scaled and shifted a little (0..ARV_QTASK_MAX_JITTER;
 * the report always scores the ROI itself). */
#define ARV_QTASK_MAX_JITTER 8
void arv_qtask_set_jitter(arv_qtask *qt, int n);

/* Prepare the model inputs one image gives (one for whole-image tasks;
 * one per detection for landmark tasks, none when nothing is detected)
 * into dst, calling use() after each. Returns the number of inputs, or -1
 * (with err) when preprocessing or use() failed. */
int arv_qtask_each(arv_qtask *qt, const arv_image *rgb, float *dst,
                   int (*use)(void *user, float *tensor, char *err), void *user, char *err);

/* Run the fp32 model and the int8 model at int8_path on the inputs the
 * images in list give; print per output: max abs error, RMSE, fp32 RMS,
 * and the task metric (segment: mask IoU at 0.5; landmarks: mean error /
 * diagonal of the fp32 landmarks' box; detectors: IoU of the top-scoring
 * boxes); layers: also every tensor the two graphs share by name.
 * Returns 0, the number of images that failed, or -1 (err) when the
 * models cannot be run. */
int arv_qtask_report(arv_qtask *qt, const char *int8_path, const arv_input_list *list, int layers,
                     int threads, FILE *fp, char *err);

/* The report's metric for the fp32 model against itself with uniform
 * noise of +-levels steps of each input's 8-bit range added to the input:
 * how far the metric moves for a change far below what int8 does (the
 * floor to read int8's figure against). Returns as arv_qtask_report. */
int arv_qtask_report_noise(arv_qtask *qt, float levels, const arv_input_list *list, int threads,
                           FILE *fp, char *err);

/* The task metric alone, as arv_qtask_report measures it, nothing
 * printed: mean and worst over the inputs (NAN when none gave one).
 * Returns as arv_qtask_report does. */
int arv_qtask_score(arv_qtask *qt, const char *int8_path, const arv_input_list *list, int threads,
                    double *mean, double *worst, char *err);
/* 1 for IoU metrics, 0 for landmark errors (lower is better). */
int arv_qtask_higher_is_better(const arv_qtask *qt);

#endif
