/* npy.h — NumPy .npy files (format 1.0–3.0): float32 tensors in and out. */
#ifndef ARV_NPY_H
#define ARV_NPY_H

#include <stddef.h>
#include "arv.h"

typedef struct arv_npy {
    int ndim;
    int dims[ARV_MAX_DIMS];
    size_t count;
    float *data;      /* malloc'd, count floats */
} arv_npy;

/* Read a little-endian float32 (or float64, converted) C-order array.
 * On failure returns -1 and writes a one-line reason into err (256 bytes). */
int arv_npy_read(const char *path, arv_npy *out, char *err);
/* Write float32 data with the given shape: temp file + rename, so a failure
 * never leaves a partial file. */
int arv_npy_write(const char *path, const float *data, const int *dims, int ndim, char *err);
/* Any fixed-size element type: descr is numpy's ("|i1", "<i4", ...); the
 * data are written as they are in memory (little-endian machines). */
int arv_npy_write_raw(const char *path, const void *data, const char *descr, size_t elem_size,
                      const int *dims, int ndim, char *err);
void arv_npy_free(arv_npy *a);

#endif
