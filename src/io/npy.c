/* npy.c — minimal NumPy .npy reader/writer for float tensors. The header is
 * a Python dict literal; we accept exactly what numpy writes (descr, fortran
 * order, shape) and reject anything else with a reason. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "io/npy.h"
#include "util/atomic_file.h"

#define MAX_HEADER 65536
#define MAX_ELEMS ((size_t)1 << 31)

static void seterr(char *err, const char *path, const char *msg)
{
    snprintf(err, 256, "%s: %s", path, msg);
}

/* Find 'key': in the header dict and return a pointer after the colon. */
static const char *dict_value(const char *h, const char *key)
{
    char pat[32];
    snprintf(pat, sizeof pat, "'%s'", key);
    const char *p = strstr(h, pat);
    if (!p)
        return NULL;
    p += strlen(pat);
    while (*p == ' ')
        p++;
    if (*p != ':')
        return NULL;
    p++;
    while (*p == ' ')
        p++;
    return p;
}

static int parse_header(const char *h, int *is_f64, arv_npy *a, char *err, const char *path)
{
    const char *d = dict_value(h, "descr");
    if (!d) {
        seterr(err, path, "npy header has no 'descr'");
        return -1;
    }
    if (strncmp(d, "'<f4'", 5) == 0)
        *is_f64 = 0;
    else if (strncmp(d, "'<f8'", 5) == 0)
        *is_f64 = 1;
    else {
        seterr(err, path, "npy dtype is not little-endian float32 or float64");
        return -1;
    }
    const char *f = dict_value(h, "fortran_order");
    if (!f || strncmp(f, "False", 5) != 0) {
        seterr(err, path, "npy array is in Fortran order (need C order)");
        return -1;
    }
    const char *s = dict_value(h, "shape");
    if (!s || *s != '(') {
        seterr(err, path, "npy header has no shape tuple");
        return -1;
    }
    s++;
    a->ndim = 0;
    a->count = 1;
    while (*s && *s != ')') {
        while (*s == ' ' || *s == ',')
            s++;
        if (*s == ')')
            break;
        if (!isdigit((unsigned char)*s) || a->ndim == ARV_MAX_DIMS) {
            seterr(err, path, "npy shape is malformed or has more than 6 dims");
            return -1;
        }
        char *end;
        long v = strtol(s, &end, 10);
        if (v < 0 || v > (1L << 30)) {
            seterr(err, path, "npy dimension out of range");
            return -1;
        }
        a->dims[a->ndim++] = (int)v;
        if (v && a->count > MAX_ELEMS / (size_t)v) {
            seterr(err, path, "npy array too large");
            return -1;
        }
        a->count *= (size_t)v;
        s = end;
    }
    if (*s != ')') {
        seterr(err, path, "npy shape tuple is not closed");
        return -1;
    }
    return 0;
}

int arv_npy_read(const char *path, arv_npy *a, char *err)
{
    memset(a, 0, sizeof *a);
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        char msg[200];
        snprintf(msg, sizeof msg, "cannot open: %s", strerror(errno));
        seterr(err, path, msg);
        return -1;
    }
    unsigned char pre[12];
    int rc = -1;
    char *h = NULL;
    if (fread(pre, 1, 10, fp) != 10 || memcmp(pre, "\x93NUMPY", 6) != 0) {
        seterr(err, path, "not a NumPy .npy file");
        goto out;
    }
    size_t hlen;
    if (pre[6] == 1) {
        hlen = pre[8] | (pre[9] << 8);
    } else if (pre[6] == 2 || pre[6] == 3) {
        if (fread(pre + 10, 1, 2, fp) != 2) {
            seterr(err, path, "truncated npy header");
            goto out;
        }
        hlen = (size_t)pre[8] | ((size_t)pre[9] << 8) | ((size_t)pre[10] << 16) |
               ((size_t)pre[11] << 24);
    } else {
        seterr(err, path, "unknown npy format version");
        goto out;
    }
    if (hlen > MAX_HEADER) {
        seterr(err, path, "npy header too large");
        goto out;
    }
    h = malloc(hlen + 1);
    if (!h || fread(h, 1, hlen, fp) != hlen) {
        seterr(err, path, "truncated npy header");
        goto out;
    }
    h[hlen] = 0;
    int f64 = 0;
    if (parse_header(h, &f64, a, err, path) != 0)
        goto out;
    a->data = malloc(a->count ? a->count * sizeof(float) : 1);
    if (!a->data) {
        seterr(err, path, "out of memory");
        goto out;
    }
    if (f64) {
        for (size_t i = 0; i < a->count; i++) {
            double v;
            if (fread(&v, 8, 1, fp) != 1) {
                seterr(err, path, "npy data is shorter than its shape");
                goto out;
            }
            a->data[i] = (float)v;
        }
    } else if (fread(a->data, sizeof(float), a->count, fp) != a->count) {
        seterr(err, path, "npy data is shorter than its shape");
        goto out;
    }
    rc = 0;
out:
    free(h);
    fclose(fp);
    if (rc != 0)
        arv_npy_free(a);
    return rc;
}

int arv_npy_write(const char *path, const float *data, const int *dims, int ndim, char *err)
{
    return arv_npy_write_raw(path, data, "<f4", sizeof(float), dims, ndim, err);
}

int arv_npy_write_raw(const char *path, const void *data, const char *descr, size_t elem_size,
                      const int *dims, int ndim, char *err)
{
    char shape[128] = "";
    size_t count = 1;
    for (int d = 0; d < ndim; d++) {
        snprintf(shape + strlen(shape), sizeof shape - strlen(shape), "%d%s", dims[d],
                 ndim == 1 ? "," : d + 1 < ndim ? ", " : "");
        count *= (size_t)dims[d];
    }
    char dict[192];
    int n = snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }",
                     descr, shape);
    /* numpy pads the header with spaces so data starts on a 64-byte boundary */
    size_t total = 10 + (size_t)n + 1;
    size_t pad = (64 - total % 64) % 64;
    size_t hlen = (size_t)n + pad + 1;
    unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (unsigned char)(hlen & 0xff),
                             (unsigned char)(hlen >> 8)};
    arv_atomic_file af;
    if (arv_atomic_open(&af, path, err) != 0)
        return -1;
    int ok = fwrite(pre, 1, 10, af.fp) == 10 && fwrite(dict, 1, (size_t)n, af.fp) == (size_t)n;
    for (size_t i = 0; ok && i < pad; i++)
        ok = fputc(' ', af.fp) != EOF;
    ok = ok && fputc('\n', af.fp) != EOF;
    ok = ok && fwrite(data, elem_size, count, af.fp) == count;
    return arv_atomic_commit(&af, ok, err);
}

void arv_npy_free(arv_npy *a)
{
    free(a->data);
    a->data = NULL;
}
