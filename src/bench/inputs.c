/* inputs.c — see inputs.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench/inputs.h"
#include "io/npy.h"
#include "util/shape.h"
#include "util/xorshift.h"

/* reasons from a file stay within the 512 bytes they always had */
#define FILE_ERR_LEN 512

void arv_bench_inputs_free(arv_bench_inputs *in)
{
    for (int i = 0; i < in->n; i++)
        free(in->data[i]);
    in->n = 0;
}

/* A .npy (by its magic) or a raw little-endian float32 file of exactly the
 * tensor's size. Returns 0 or writes a one-line reason. */
static int read_input_file(const char *file, const arv_tensor *t, int idx, float *dst, char *err)
{
    char a[64], b[64], magic[6] = {0};
    FILE *fp = fopen(file, "rb");
    if (!fp) {
        snprintf(err, FILE_ERR_LEN, "%s: %s", file, strerror(errno));
        return -1;
    }
    size_t got = fread(magic, 1, sizeof magic, fp);
    if (got == sizeof magic && memcmp(magic, "\x93NUMPY", 6) == 0) {
        fclose(fp);
        arv_npy arr;
        if (arv_npy_read(file, &arr, err) != 0)
            return -1;
        if (arr.count != arv_tensor_elems(t)) {
            arv_shape_str(t->dims, t->ndim, a, sizeof a);
            arv_shape_str(arr.dims, arr.ndim, b, sizeof b);
            snprintf(err, FILE_ERR_LEN, "%s: shape %s does not match model input %d '%s' %s", file,
                     b, idx, t->name, a);
            arv_npy_free(&arr);
            return -1;
        }
        memcpy(dst, arr.data, t->bytes);
        arv_npy_free(&arr);
        return 0;
    }
    /* raw float32, as benchmark_model reads its value files */
    if (fseek(fp, 0, SEEK_END) != 0 || ftell(fp) != (long)t->bytes) {
        long size = ftell(fp);
        fclose(fp);
        snprintf(err, FILE_ERR_LEN, "%s: not a .npy file, and its %ld bytes are not the %zu of model input %d '%s' as raw float32",
                 file, size, t->bytes, idx, t->name);
        return -1;
    }
    rewind(fp);
    int ok = fread(dst, 1, t->bytes, fp) == t->bytes;
    fclose(fp);
    if (!ok) {
        snprintf(err, FILE_ERR_LEN, "%s: read error", file);
        return -1;
    }
    return 0;
}

arv_bench_status arv_bench_inputs_load(const arv_model *m, const arv_bench_opts *o,
                                       arv_bench_inputs *in, const char *path, char *err)
{
    char ferr[FILE_ERR_LEN];
    int n = arv_model_num_inputs(m);
    if (n > ARV_BENCH_MAX_INPUTS) {
        snprintf(err, ARV_BENCH_ERR_LEN, "%s: %d inputs, at most %d supported", path, n,
                 ARV_BENCH_MAX_INPUTS);
        return ARV_BENCH_FAIL_IO;
    }
    if (o->n_inputs && o->n_inputs != n) {
        snprintf(err, ARV_BENCH_ERR_LEN, "%s: model has %d input(s), %d --input given", path, n,
                 o->n_inputs);
        return ARV_BENCH_FAIL_USAGE;
    }
    for (int k = 0; k < o->n_lv; k++) {
        int found = 0;
        for (int i = 0; i < n; i++)
            found |= strcmp(arv_model_input(m, i)->name, o->lv_name[k]) == 0;
        if (!found) {
            snprintf(err, ARV_BENCH_ERR_LEN,
                     "--input_layer_value_files: %s has no input named '%s' (inputs: %s%s)", path,
                     o->lv_name[k], arv_model_input(m, 0)->name, n > 1 ? ", ..." : "");
            return ARV_BENCH_FAIL_USAGE;
        }
    }
    uint32_t st = arv_xorshift_init((uint32_t)o->seed);
    for (int i = 0; i < n; i++) {
        const arv_tensor *t = arv_model_input(m, i);
        if (t->type != ARV_FLOAT32) {
            snprintf(err, ARV_BENCH_ERR_LEN, "%s: input %d is %s; only float32 inputs are supported",
                     path, i, arv_dtype_name(t->type));
            return ARV_BENCH_FAIL_IO;
        }
        size_t elems = arv_tensor_elems(t);
        if (!(in->data[i] = malloc(elems ? elems * sizeof(float) : 1))) {
            snprintf(err, ARV_BENCH_ERR_LEN, "out of memory");
            return ARV_BENCH_FAIL_IO;
        }
        in->n = i + 1;
        const char *file = o->n_inputs ? o->inputs[i] : NULL;
        for (int k = 0; k < o->n_lv && !file; k++)
            if (strcmp(t->name, o->lv_name[k]) == 0)
                file = o->lv_file[k];
        if (file) {
            if (read_input_file(file, t, i, in->data[i], ferr) != 0) {
                snprintf(err, ARV_BENCH_ERR_LEN, "%s", ferr);
                return ARV_BENCH_FAIL_IO;
            }
            snprintf(in->desc[i], sizeof in->desc[i], "%s", file);
        } else {
            arv_xorshift_fill(&st, o->lo, o->hi, in->data[i], elems);
            snprintf(in->desc[i], sizeof in->desc[i], "random (seed %ld, range [%g,%g])", o->seed,
                     (double)o->lo, (double)o->hi);
        }
    }
    return ARV_BENCH_OK;
}
