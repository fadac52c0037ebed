/* convert.c — swscale conversions with padded buffers (see convert.h). */
#include <stdlib.h>
#include <string.h>
#include <libavutil/imgutils.h>
#include <libavutil/mem.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
#include "media/convert.h"

#define PAD 64   /* bytes of slack after each row, and rows after each plane */

static size_t padded_stride(size_t row_bytes)
{
    return (row_bytes + PAD + 63) & ~(size_t)63;
}

static int get_ctx(arv_conv *c, int sw, int sh, int sfmt, int s_full, int dw, int dh, int dfmt,
                   int d_full, int colorspace)
{
    int key[10] = {sw, sh, sfmt, s_full, dw, dh, dfmt, d_full, colorspace, 1};
    if (c->sws && memcmp(key, c->key, sizeof key) == 0)
        return 0;
    c->sws = sws_getCachedContext(c->sws, sw, sh, sfmt, dw, dh, dfmt, SWS_BILINEAR, NULL, NULL,
                                  NULL);
    if (!c->sws) {
        memset(c->key, 0, sizeof c->key);
        return -1;
    }
    /* swscale's coefficient table maps unknown values (UNSPECIFIED too) to
     * BT.601. The YUV side's range is the one that matters; RGB and gray
     * images are full range. */
    const int *coef = sws_getCoefficients(colorspace == AVCOL_SPC_UNSPECIFIED ? SWS_CS_DEFAULT
                                                                              : colorspace);
    sws_setColorspaceDetails(c->sws, coef, s_full, coef, d_full, 0, 1 << 16, 1 << 16);
    memcpy(c->key, key, sizeof key);
    return 0;
}

static int image_fmt(int ch)
{
    return ch == 1 ? AV_PIX_FMT_GRAY8 : ch == 3 ? AV_PIX_FMT_RGB24 : ch == 4 ? AV_PIX_FMT_RGBA
                                                                          : AV_PIX_FMT_NONE;
}

static uint8_t *scratch(arv_conv *c, const arv_image *im, size_t *stride)
{
    *stride = padded_stride((size_t)im->w * (size_t)im->c);
    size_t need = *stride * (size_t)(im->h + 2);
    if (need > c->scratch_size) {
        av_free(c->scratch);
        c->scratch = av_mallocz(need);
        c->scratch_size = c->scratch ? need : 0;
    }
    return c->scratch;
}

int arv_conv_to_image(arv_conv *c, const arv_planes *src, arv_image *dst, int colorspace,
                      int full_range)
{
    if (dst->c != 3 || dst->w != src->w || dst->h != src->h)
        return -1;
    size_t st;
    uint8_t *buf = scratch(c, dst, &st);
    if (!buf || get_ctx(c, src->w, src->h, src->fmt, full_range, dst->w, dst->h,
                        AV_PIX_FMT_RGB24, 1, colorspace) != 0)
        return -1;
    uint8_t *d[4] = {buf};
    int ds[4] = {(int)st};
    if (sws_scale(c->sws, (const uint8_t *const *)src->data, src->stride, 0, src->h, d, ds) !=
        dst->h)
        return -1;
    for (int y = 0; y < dst->h; y++)
        memcpy(arv_image_row(dst, y), buf + (size_t)y * st, (size_t)dst->w * 3);
    return 0;
}

int arv_conv_from_image(arv_conv *c, const arv_image *src, const arv_planes *dst, int colorspace,
                        int full_range)
{
    int fmt = image_fmt(src->c);
    size_t st;
    uint8_t *buf = scratch(c, src, &st);
    if (fmt == AV_PIX_FMT_NONE || !buf ||
        get_ctx(c, src->w, src->h, fmt, 1, dst->w, dst->h, dst->fmt, full_range, colorspace) != 0)
        return -1;
    /* Copy with the edges repeated one pixel right and one row down:
     * chroma subsampling of an odd width or height reads there. */
    const size_t row = (size_t)src->w * (size_t)src->c, px = (size_t)src->c;
    for (int y = 0; y < src->h; y++) {
        uint8_t *d = buf + (size_t)y * st;
        memcpy(d, arv_image_row(src, y), row);
        memcpy(d + row, d + row - px, px);
    }
    memcpy(buf + (size_t)src->h * st, buf + (size_t)(src->h - 1) * st, row + px);
    const uint8_t *s[4] = {buf};
    int ss[4] = {(int)st};
    return sws_scale(c->sws, s, ss, 0, src->h, dst->data, dst->stride) == dst->h ? 0 : -1;
}

void arv_conv_free(arv_conv *c)
{
    sws_freeContext(c->sws);
    av_free(c->scratch);
    memset(c, 0, sizeof *c);
}

int arv_planes_alloc(arv_planes *p, int w, int h, int fmt)
{
    memset(p, 0, sizeof *p);
    const AVPixFmtDescriptor *d = av_pix_fmt_desc_get(fmt);
    int lines[4];
    if (!d || av_image_fill_linesizes(lines, fmt, w) < 0)
        return -1;
    p->w = w;
    p->h = h;
    p->fmt = fmt;
    for (int i = 0; i < 4 && lines[i] > 0; i++) {
        int ph = (i == 1 || i == 2) ? -((-h) >> d->log2_chroma_h) : h;
        size_t st = padded_stride((size_t)lines[i]);
        if (!(p->data[i] = av_mallocz(st * (size_t)(ph + 2)))) {
            arv_planes_free(p);
            return -1;
        }
        p->stride[i] = (int)st;
    }
    return 0;
}

void arv_planes_free(arv_planes *p)
{
    for (int i = 0; i < 4; i++)
        av_freep(&p->data[i]);
}
