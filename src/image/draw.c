/* draw.c — discs and thick lines (see draw.h). A pixel is painted when its
 * centre lies within the shape: no anti-aliasing, but no gaps either. */
#include <math.h>
#include "image/draw.h"

static void put(arv_image *im, int x, int y, const uint8_t rgb[3])
{
    uint8_t *p = arv_image_row(im, y) + (size_t)x * im->c;
    for (int c = 0; c < 3 && c < im->c; c++)
        p[c] = rgb[c];
}

static int bounds(const arv_image *im, float lo_x, float lo_y, float hi_x, float hi_y, int b[4])
{
    if (!im || !im->data || im->c < 3 || !(lo_x == lo_x) || !(hi_y == hi_y))
        return 0;
    double x0 = floor(lo_x), y0 = floor(lo_y), x1 = ceil(hi_x), y1 = ceil(hi_y);
    if (x1 < 0 || y1 < 0 || x0 >= im->w || y0 >= im->h)
        return 0;
    b[0] = x0 < 0 ? 0 : (int)x0;
    b[1] = y0 < 0 ? 0 : (int)y0;
    b[2] = x1 >= im->w ? im->w - 1 : (int)x1;
    b[3] = y1 >= im->h ? im->h - 1 : (int)y1;
    return 1;
}

void arv_draw_disc(arv_image *im, float x, float y, float r, const uint8_t rgb[3])
{
    int b[4];
    if (!(r > 0) || !bounds(im, x - r, y - r, x + r, y + r, b))
        return;
    for (int j = b[1]; j <= b[3]; j++)
        for (int i = b[0]; i <= b[2]; i++) {
            float dx = i + 0.5f - x, dy = j + 0.5f - y;
            if (dx * dx + dy * dy <= r * r)
                put(im, i, j, rgb);
        }
}

void arv_draw_line(arv_image *im, float x0, float y0, float x1, float y1, float width,
                   const uint8_t rgb[3])
{
    float r = width * 0.5f;
    int b[4];
    if (!(r > 0) || !bounds(im, fminf(x0, x1) - r, fminf(y0, y1) - r, fmaxf(x0, x1) + r,
                            fmaxf(y0, y1) + r, b))
        return;
    float dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy;
    for (int j = b[1]; j <= b[3]; j++)
        for (int i = b[0]; i <= b[2]; i++) {
            float px = i + 0.5f - x0, py = j + 0.5f - y0;
            float t = len2 > 0 ? (px * dx + py * dy) / len2 : 0;
            t = t < 0 ? 0 : t > 1 ? 1 : t;
            float ex = px - t * dx, ey = py - t * dy;
            if (ex * ex + ey * ey <= r * r)
                put(im, i, j, rgb);
        }
}
