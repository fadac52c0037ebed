/* roi.c — ROI geometry (see roi.h). */
#include <math.h>
#include "track/roi.h"

#define PI_D 3.14159265358979323846

float arv_normalize_radians(float a)
{
    double d = a;
    return (float)(d - 2 * PI_D * floor((d + PI_D) / (2 * PI_D)));
}

arv_roi arv_roi_from_points(float x0, float y0, float x1, float y1, float target_angle)
{
    arv_roi r;
    double dx = (double)x1 - x0, dy = (double)y1 - y0;
    double size = 2.0 * sqrt(dx * dx + dy * dy);
    r.cx = x0;
    r.cy = y0;
    r.w = r.h = (float)size;
    r.rotation = arv_normalize_radians((float)(target_angle - atan2(-dy, dx)));
    return r;
}

arv_roi arv_roi_transform(arv_roi r, float scale_x, float scale_y, int square_long)
{
    if (square_long) {
        float l = r.w > r.h ? r.w : r.h;
        r.w = r.h = l;
    }
    r.w *= scale_x;
    r.h *= scale_y;
    return r;
}

void arv_roi_to_matrix(const arv_roi *r, int W, int H, double m[6])
{
    double c = cos(r->rotation), s = sin(r->rotation);
    /* tensor index u -> ROI offset a = u / W - 0.5 (in ROI widths) */
    double aw = (double)r->w / W, bh = (double)r->h / H;
    m[0] = c * aw;
    m[1] = -s * bh;
    m[3] = s * aw;
    m[4] = c * bh;
    m[2] = r->cx - c * 0.5 * r->w + s * 0.5 * r->h;
    m[5] = r->cy - s * 0.5 * r->w - c * 0.5 * r->h;
    /* pixel centres: index u samples the ROI at u + 0.5, the image index is
     * the position - 0.5 */
    m[2] += 0.5 * (m[0] + m[1]) - 0.5;
    m[5] += 0.5 * (m[3] + m[4]) - 0.5;
}

void arv_roi_project(const arv_roi *r, float nx, float ny, float *px, float *py)
{
    double c = cos(r->rotation), s = sin(r->rotation);
    double a = ((double)nx - 0.5) * r->w, b = ((double)ny - 0.5) * r->h;
    *px = (float)(r->cx + c * a - s * b);
    *py = (float)(r->cy + s * a + c * b);
}

void arv_roi_unproject(const arv_roi *r, float px, float py, float *nx, float *ny)
{
    double c = cos(r->rotation), s = sin(r->rotation);
    double dx = (double)px - r->cx, dy = (double)py - r->cy;
    double a = c * dx + s * dy, b = -s * dx + c * dy;
    *nx = (float)(r->w > 0 ? a / r->w + 0.5 : 0.5);
    *ny = (float)(r->h > 0 ? b / r->h + 0.5 : 0.5);
}
