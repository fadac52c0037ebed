/* colour.c — sRGB <-> Lab, weighted colour statistics, Reinhard colour
 * transfer (see colour.h). */
#include <math.h>
#include <pthread.h>
#include "image/colour.h"

/* 8-bit sRGB -> linear, once. */
static float srgb_lin[256];
static pthread_once_t lut_once = PTHREAD_ONCE_INIT;

static void init_lut(void)
{
    for (int i = 0; i < 256; i++) {
        double c = i / 255.0;
        srgb_lin[i] = (float)(c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4));
    }
}

/* CIE f(t): cube root above (6/29)^3, linear below. */
static inline float lab_f(float t)
{
    const float d3 = 216.0f / 24389.0f, k = 841.0f / 108.0f;   /* (6/29)^3, 1/(3 (6/29)^2) */
    return t > d3 ? cbrtf(t) : k * t + 4.0f / 29.0f;
}

static inline float lab_finv(float t)
{
    const float d = 6.0f / 29.0f;
    return t > d ? t * t * t : 3.0f * d * d * (t - 4.0f / 29.0f);
}

/* D65 white point (the sRGB matrix's white, normalized to Y = 1). */
#define XN 0.95047f
#define ZN 1.08883f

static inline void lin_to_lab(float r, float g, float b, float lab[3])
{
    float X = 0.4124564f * r + 0.3575761f * g + 0.1804375f * b;
    float Y = 0.2126729f * r + 0.7151522f * g + 0.0721750f * b;
    float Z = 0.0193339f * r + 0.1191920f * g + 0.9503041f * b;
    float fx = lab_f(X / XN), fy = lab_f(Y), fz = lab_f(Z / ZN);
    lab[0] = 116.0f * fy - 16.0f;
    lab[1] = 500.0f * (fx - fy);
    lab[2] = 200.0f * (fy - fz);
}

static inline uint8_t lin_to_srgb8(float c)
{
    if (!(c > 0))
        return 0;
    if (c >= 1)
        return 255;
    float v = c <= 0.0031308f ? 12.92f * c : 1.055f * powf(c, 1.0f / 2.4f) - 0.055f;
    return (uint8_t)(v * 255.0f + 0.5f);
}

void arv_srgb_to_lab(const uint8_t rgb[3], float lab[3])
{
    pthread_once(&lut_once, init_lut);
    lin_to_lab(srgb_lin[rgb[0]], srgb_lin[rgb[1]], srgb_lin[rgb[2]], lab);
}

void arv_lab_to_srgb(const float lab[3], uint8_t rgb[3])
{
    float fy = (lab[0] + 16.0f) / 116.0f;
    float X = XN * lab_finv(fy + lab[1] / 500.0f);
    float Y = lab_finv(fy);
    float Z = ZN * lab_finv(fy - lab[2] / 200.0f);
    rgb[0] = lin_to_srgb8(3.2404542f * X - 1.5371385f * Y - 0.4985314f * Z);
    rgb[1] = lin_to_srgb8(-0.9692660f * X + 1.8760108f * Y + 0.0415560f * Z);
    rgb[2] = lin_to_srgb8(0.0556434f * X - 0.2040259f * Y + 1.0572252f * Z);
}

static inline void to_space(const uint8_t *p, arv_colour_space space, float v[3])
{
    if (space == ARV_SPACE_LAB) {
        lin_to_lab(srgb_lin[p[0]], srgb_lin[p[1]], srgb_lin[p[2]], v);
    } else {
        v[0] = p[0], v[1] = p[1], v[2] = p[2];
    }
}

static inline float weight_at(const arv_fimage *w, size_t i, int invert)
{
    if (!w)
        return 1.0f;
    float a = w->data[i];
    a = a > 0 ? (a < 1 ? a : 1) : 0;
    return invert ? 1.0f - a : a;
}

int arv_colour_stats_compute(const arv_image *im, const arv_fimage *weight, int invert,
                             arv_colour_space space, arv_colour_stats *out)
{
    if (!im || !im->data || im->c != 3 || !out ||
        (weight && (!weight->data || weight->w != im->w || weight->h != im->h || weight->c != 1)))
        return -1;
    pthread_once(&lut_once, init_lut);
    /* Sums around a fixed shift (the first pixel's value) so that the
     * variance does not suffer from cancellation. */
    double sw = 0, s1[3] = {0}, s2[3] = {0}, shift[3];
    float v[3];
    to_space(arv_image_row(im, 0), space, v);
    for (int c = 0; c < 3; c++)
        shift[c] = v[c];
    for (int y = 0; y < im->h; y++) {
        const uint8_t *row = arv_image_row(im, y);
        for (int x = 0; x < im->w; x++) {
            float wt = weight_at(weight, (size_t)y * im->w + x, invert);
            if (wt <= 0)
                continue;
            to_space(row + 3 * x, space, v);
            sw += wt;
            for (int c = 0; c < 3; c++) {
                double d = v[c] - shift[c];
                s1[c] += wt * d;
                s2[c] += wt * d * d;
            }
        }
    }
    out->weight = sw;
    for (int c = 0; c < 3; c++) {
        if (sw > 0) {
            double m = s1[c] / sw, var = s2[c] / sw - m * m;
            out->mean[c] = shift[c] + m;
            out->std[c] = var > 0 ? sqrt(var) : 0;
        } else {
            out->mean[c] = out->std[c] = 0;
        }
    }
    return 0;
}

int arv_colour_transfer(arv_image *im, const arv_fimage *mask, const arv_colour_stats *from,
                        const arv_colour_stats *to, float strength, arv_colour_space space)
{
    if (!im || !im->data || im->c != 3 || !from || !to ||
        (mask && (!mask->data || mask->w != im->w || mask->h != im->h || mask->c != 1)))
        return -1;
    pthread_once(&lut_once, init_lut);
    float gain[3], off[3];   /* x' = gain * x + off */
    for (int c = 0; c < 3; c++) {
        double r = from->std[c] > 1e-6 ? to->std[c] / from->std[c] : 1.0;
        r = r < 1.0 / 3 ? 1.0 / 3 : r > 3 ? 3 : r;
        gain[c] = (float)r;
        off[c] = (float)(to->mean[c] - from->mean[c] * r);
    }
    for (int y = 0; y < im->h; y++) {
        uint8_t *row = arv_image_row(im, y);
        for (int x = 0; x < im->w; x++) {
            if (mask && !(mask->data[(size_t)y * im->w + x] > 0))
                continue;
            uint8_t *p = row + 3 * x;
            float v[3];
            to_space(p, space, v);
            for (int c = 0; c < 3; c++)
                v[c] += strength * (gain[c] * v[c] + off[c] - v[c]);
            if (space == ARV_SPACE_LAB) {
                arv_lab_to_srgb(v, p);
            } else {
                for (int c = 0; c < 3; c++) {
                    float q = v[c] + 0.5f;
                    p[c] = (uint8_t)(q < 0 ? 0 : q > 255 ? 255 : q);
                }
            }
        }
    }
    return 0;
}
