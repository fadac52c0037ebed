/* warp.c — affine warp into a tensor (see warp.h). */
#include <math.h>
#include "image/warp.h"

int arv_affine_invert(const double m[6], double inv[6])
{
    double det = m[0] * m[4] - m[1] * m[3];
    if (!(fabs(det) > 1e-12))
        return -1;
    inv[0] = m[4] / det;
    inv[1] = -m[1] / det;
    inv[3] = -m[3] / det;
    inv[4] = m[0] / det;
    inv[2] = -(inv[0] * m[2] + inv[1] * m[5]);
    inv[5] = -(inv[3] * m[2] + inv[4] * m[5]);
    return 0;
}

/* Bilinear sample at (x, y) of an interior point: x in [0, w - 1), y in
 * [0, h - 1), so all four taps exist. The same sums in the same order as
 * the general path below, without its floor() calls (a libm call each on
 * plain x86-64) and branches: truncation is floor for x, y >= 0. */
static inline void sample_inside(const arv_image *src, double x, double y, double acc[3])
{
    const int x0 = (int)x, y0 = (int)y;
    const double fx = x - x0, fy = y - y0;
    const uint8_t *r0 = arv_image_row(src, y0) + (size_t)x0 * 3;
    const uint8_t *r1 = arv_image_row(src, y0 + 1) + (size_t)x0 * 3;
    const double w00 = (1.0 - fy) * (1.0 - fx), w01 = (1.0 - fy) * fx;
    const double w10 = fy * (1.0 - fx), w11 = fy * fx;
    for (int c = 0; c < 3; c++) {
        double a = 0;
        a += w00 * r0[c];
        a += w01 * r0[3 + c];
        a += w10 * r1[c];
        a += w11 * r1[3 + c];
        acc[c] = a;
    }
}

/* Any point: taps outside the image are the zero border. */
static void sample_any(const arv_image *src, double x, double y, double acc[3])
{
    acc[0] = acc[1] = acc[2] = 0;
    if (!(x > -1.0 && y > -1.0 && x < src->w && y < src->h))
        return;
    int x0 = (int)floor(x), y0 = (int)floor(y);
    double fx = x - x0, fy = y - y0;
    for (int j = 0; j < 2; j++) {
        int yy = y0 + j;
        if (yy < 0 || yy >= src->h)
            continue;
        double wy = j ? fy : 1.0 - fy;
        const uint8_t *row = arv_image_row(src, yy);
        for (int i = 0; i < 2; i++) {
            int xx = x0 + i;
            if (xx < 0 || xx >= src->w)
                continue;
            double w = wy * (i ? fx : 1.0 - fx);
            const uint8_t *p = row + (size_t)xx * 3;
            acc[0] += w * p[0];
            acc[1] += w * p[1];
            acc[2] += w * p[2];
        }
    }
}

typedef struct warp_job {
    const arv_image *src;
    const double *m;
    int W;
    arv_border border;
    int gl;                    /* GL texture sampling: float, no 8-bit image */
    float lo;
    double k;
    float *out;
} warp_job;

static void warp_rows(void *ctx, int b, int e)
{
    const warp_job *j = ctx;
    const arv_image *src = j->src;
    const double *m = j->m;
    const double xmax = src->w - 1, ymax = src->h - 1;
    for (int v = b; v < e; v++) {
        float *o = j->out + (size_t)v * j->W * 3;
        for (int u = 0; u < j->W; u++, o += 3) {
            double x = m[0] * u + m[1] * v + m[2];
            double y = m[3] * u + m[4] * v + m[5];
            if (j->gl && j->border == ARV_BORDER_ZERO &&
                !(x >= -0.5 && y >= -0.5 && x <= xmax + 0.5 && y <= ymax + 0.5)) {
                /* the shader's zero border: a texture coordinate outside
                 * [0, 1], i.e. beyond the outer edge of the edge pixels */
                o[0] = o[1] = o[2] = j->lo;
                continue;
            }
            if (j->gl || j->border == ARV_BORDER_REPLICATE) {   /* CLAMP_TO_EDGE */
                x = x < 0 ? 0 : x > xmax ? xmax : x;
                y = y < 0 ? 0 : y > ymax ? ymax : y;
            }
            double acc[3];
            if (x >= 0 && y >= 0 && x < xmax && y < ymax)
                sample_inside(src, x, y, acc);
            else
                sample_any(src, x, y, acc);
            if (j->gl) {
                for (int c = 0; c < 3; c++)
                    o[c] = (float)(j->lo + j->k * acc[c]);
                continue;
            }
            /* The 8-bit warped image: floor(acc + 0.5), acc >= 0. */
            for (int c = 0; c < 3; c++)
                o[c] = (float)(j->lo + j->k * (double)(int)(acc[c] + 0.5));
        }
    }
}

int arv_warp_affine_to_tensor_par(const arv_image *src, const double m[6], int W, int H,
                                  arv_border border, float lo, float hi, float *out,
                                  const arv_par *par)
{
    if (!src || !src->data || src->c != 3 || src->w < 1 || src->h < 1 || W < 1 || H < 1 || !out)
        return -1;
    warp_job j = {src, m, W, border, 0, lo, ((double)hi - lo) / 255.0, out};
    arv_par_for(par, H, 1 + 16384 / W, warp_rows, &j);
    return 0;
}

int arv_warp_affine_to_tensor_gl(const arv_image *src, const double m[6], int W, int H,
                                 arv_border border, float lo, float hi, float *out,
                                 const arv_par *par)
{
    if (!src || !src->data || src->c != 3 || src->w < 1 || src->h < 1 || W < 1 || H < 1 || !out)
        return -1;
    warp_job j = {src, m, W, border, 1, lo, ((double)hi - lo) / 255.0, out};
    arv_par_for(par, H, 1 + 16384 / W, warp_rows, &j);
    return 0;
}

int arv_warp_affine_to_tensor(const arv_image *src, const double m[6], int W, int H,
                              arv_border border, float lo, float hi, float *out)
{
    return arv_warp_affine_to_tensor_par(src, m, W, H, border, lo, hi, out, NULL);
}
