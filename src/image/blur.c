/* blur.c — separable gaussian blur (see blur.h).
 *
 * Both versions run the same float core: a horizontal pass of each row (from
 * an edge-padded copy, so the tap loop has no clamps) into a float
 * intermediate image, then a vertical pass that accumulates whole rows
 * (out_row += k[j] * tmp_row[y + j]), which keeps memory access sequential
 * and vectorizes. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "image/blur.h"

int arv_gauss_radius(float sigma)
{
    if (!(sigma > 0))
        return 0;
    double r = ceil(3.0 * sigma);
    return r > 10000 ? 10000 : (int)r;
}

int arv_gauss_kernel(float sigma, int r, float *k)
{
    if (!(sigma > 0) || r < 0 || !k)
        return -1;
    double sum = 0;
    for (int i = -r; i <= r; i++)
        sum += exp(-(double)i * i / (2.0 * sigma * sigma));
    for (int i = -r; i <= r; i++)
        k[i + r] = (float)(exp(-(double)i * i / (2.0 * sigma * sigma)) / sum);
    return 0;
}

/* y[i] += a * x[i]. Written in blocks of 8 so that a compiler at -O2 (which
 * vectorizes straight-line code but hardly any loop) turns each block into
 * vector instructions; the tail is scalar. */
static void axpy(float *restrict y, const float *restrict x, float a, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        float *yy = y + i;
        const float *xx = x + i;
        yy[0] += a * xx[0], yy[1] += a * xx[1], yy[2] += a * xx[2], yy[3] += a * xx[3];
        yy[4] += a * xx[4], yy[5] += a * xx[5], yy[6] += a * xx[6], yy[7] += a * xx[7];
    }
    for (; i < n; i++)
        y[i] += a * x[i];
}

/* Core: blur a w x h x c plane whose rows are produced by load(), writing
 * float rows through store(). */
typedef struct blur_io {
    void (*load)(const struct blur_io *io, int y, float *out);    /* w*c floats */
    void (*store)(const struct blur_io *io, int y, const float *row);
    const void *src;
    void *dst;
} blur_io;

static int blur_core(int w, int h, int c, float sigma, int r, const blur_io *io)
{
    if (r <= 0)
        r = arv_gauss_radius(sigma);
    if (r > 10000)
        return -1;
    float *k = malloc((size_t)(2 * r + 1) * sizeof *k);
    size_t rowlen = (size_t)w * c;
    float *pad = malloc(((size_t)w + 2 * (size_t)r) * c * sizeof *pad);
    float *tmp = malloc(rowlen * (size_t)h * sizeof *tmp);
    float *acc = malloc(rowlen * sizeof *acc);
    if (!k || !pad || !tmp || !acc || arv_gauss_kernel(sigma, r, k) != 0) {
        free(k), free(pad), free(tmp), free(acc);
        return -1;
    }
    /* Horizontal. */
    for (int y = 0; y < h; y++) {
        float *mid = pad + (size_t)r * c;
        io->load(io, y, mid);
        for (int i = 0; i < r; i++)
            for (int ch = 0; ch < c; ch++) {
                pad[(size_t)i * c + ch] = mid[ch];
                mid[rowlen + (size_t)i * c + ch] = mid[rowlen - c + ch];
            }
        float *t = tmp + (size_t)y * rowlen;
        memset(t, 0, rowlen * sizeof *t);
        for (int j = 0; j <= 2 * r; j++)
            axpy(t, pad + (size_t)j * c, k[j], rowlen);
    }
    /* Vertical, rows clamped at the borders. */
    for (int y = 0; y < h; y++) {
        memset(acc, 0, rowlen * sizeof *acc);
        for (int j = -r; j <= r; j++) {
            int yy = y + j < 0 ? 0 : y + j >= h ? h - 1 : y + j;
            axpy(acc, tmp + (size_t)yy * rowlen, k[j + r], rowlen);
        }
        io->store(io, y, acc);
    }
    free(k), free(pad), free(tmp), free(acc);
    return 0;
}

static void load_u8(const blur_io *io, int y, float *out)
{
    const arv_image *im = io->src;
    const uint8_t *s = arv_image_row(im, y);
    for (int i = 0; i < im->w * im->c; i++)
        out[i] = s[i];
}

static void store_u8(const blur_io *io, int y, const float *row)
{
    arv_image *im = io->dst;
    uint8_t *d = arv_image_row(im, y);
    for (int i = 0; i < im->w * im->c; i++) {
        float v = row[i] + 0.5f;
        d[i] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
    }
}

static void load_f(const blur_io *io, int y, float *out)
{
    const arv_fimage *im = io->src;
    size_t n = (size_t)im->w * im->c;
    memcpy(out, im->data + (size_t)y * n, n * sizeof *out);
}

static void store_f(const blur_io *io, int y, const float *row)
{
    arv_fimage *im = io->dst;
    size_t n = (size_t)im->w * im->c;
    memcpy(im->data + (size_t)y * n, row, n * sizeof *row);
}

int arv_blur_image(const arv_image *src, arv_image *dst, float sigma, int radius)
{
    if (!src || !dst || !src->data || !dst->data || src->w != dst->w || src->h != dst->h ||
        src->c != dst->c || radius < 0)
        return -1;
    if (!(sigma > 0)) {
        if (src != dst)
            for (int y = 0; y < src->h; y++)
                memcpy(arv_image_row(dst, y), arv_image_row(src, y), (size_t)src->w * src->c);
        return 0;
    }
    /* The horizontal pass reads every source row before the vertical pass
     * writes any, so dst may alias src. */
    blur_io io = {load_u8, store_u8, src, dst};
    return blur_core(src->w, src->h, src->c, sigma, radius, &io);
}

int arv_blur_fimage(const arv_fimage *src, arv_fimage *dst, float sigma, int radius)
{
    if (!src || !dst || !src->data || !dst->data || src->w != dst->w || src->h != dst->h ||
        src->c != dst->c || radius < 0)
        return -1;
    if (!(sigma > 0)) {
        if (src != dst)
            memcpy(dst->data, src->data, (size_t)src->w * src->h * src->c * sizeof *src->data);
        return 0;
    }
    blur_io io = {load_f, store_f, src, dst};
    return blur_core(src->w, src->h, src->c, sigma, radius, &io);
}
