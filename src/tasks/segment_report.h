/* segment_report.h — `arv segment --eval`: one row per still (IoU against its
 * ground-truth mask) or video (flicker), and the table or JSON at the end. */
#ifndef ARV_SEGMENT_REPORT_H
#define ARV_SEGMENT_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "tasks/segment.h"

typedef struct arv_seg_eval_row {
    char name[256];
    int is_video;
    int has_gt;
    arv_seg_counts counts;
    double flicker;
    int64_t frames;
} arv_seg_eval_row;

typedef struct arv_seg_eval_table {
    arv_seg_eval_row *rows;
    int n, cap;
} arv_seg_eval_table;

/* A zeroed row named name at the end of t; NULL when out of memory. */
arv_seg_eval_row *arv_seg_eval_add(arv_seg_eval_table *t, const char *name);
void arv_seg_eval_table_free(arv_seg_eval_table *t);

/* DIR/<stem>{,_class,_mask,.mask,_gt}.png: the first that is readable.
 * Returns 0 with it in path, or -1. */
int arv_seg_find_gt(const char *dir, const char *stem, char *path, size_t len);

/* Per-image IoU, dataset IoU / mIoU and per-video flicker, as a table or
 * (json) one JSON line {"eval": ...}. */
void arv_seg_eval_report(FILE *fp, const arv_seg_eval_table *t, int json);

#endif
