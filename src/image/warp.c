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

int arv_warp_affine_to_tensor(const arv_image *src, const double m[6], int W, int H,
                              arv_border border, float lo, float hi, float *out)
{
    if (!src || !src->data || src->c != 3 || src->w < 1 || src->h < 1 || W < 1 || H < 1 || !out)
        return -1;
    const double k = ((double)hi - lo) / 255.0;
    for (int v = 0; v < H; v++) {
        for (int u = 0; u < W; u++) {
            double x = m[0] * u + m[1] * v + m[2];
            double y = m[3] * u + m[4] * v + m[5];
            float *o = out + ((size_t)v * W + u) * 3;
            double acc[3] = {0, 0, 0};
            if (border == ARV_BORDER_REPLICATE) {
                x = x < 0 ? 0 : x > src->w - 1 ? src->w - 1 : x;
                y = y < 0 ? 0 : y > src->h - 1 ? src->h - 1 : y;
            }
            if (x > -1.0 && y > -1.0 && x < src->w && y < src->h) {
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
                            continue;      /* outside: the zero border */
                        double w = wy * (i ? fx : 1.0 - fx);
                        const uint8_t *p = row + (size_t)xx * 3;
                        acc[0] += w * p[0];
                        acc[1] += w * p[1];
                        acc[2] += w * p[2];
                    }
                }
            }
            for (int c = 0; c < 3; c++) {
                double q = floor(acc[c] + 0.5);   /* the 8-bit warped image */
                o[c] = (float)(lo + k * q);
            }
        }
    }
    return 0;
}
