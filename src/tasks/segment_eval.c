/* segment_eval.c — masks against ground truth (IoU, dataset mIoU) and
 * temporal stability (flicker). Conventions follow mmsegmentation's
 * IoUMetric (anchors-users.md C1): confusion counts accumulated over the
 * whole dataset, ignored pixels left out, mIoU the nanmean over classes. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "image/resize.h"
#include "tasks/segment.h"

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

int arv_gt_value_parse(const char *s, arv_gt_value *out)
{
    memset(out, 0, sizeof *out);
    if (!s || !*s)
        return -1;
    if (strcmp(s, "nonzero") == 0) {
        out->kind = ARV_GT_NONZERO;
        return 0;
    }
    if (strcmp(s, "none") == 0) {
        out->kind = ARV_GT_NONE;
        return 0;
    }
    if (s[0] == '#') {
        if (strlen(s) != 7)
            return -1;
        for (int i = 0; i < 3; i++) {
            int hi = hexval(s[1 + 2 * i]), lo = hexval(s[2 + 2 * i]);
            if (hi < 0 || lo < 0)
                return -1;
            out->rgb[i] = (uint8_t)(hi * 16 + lo);
        }
        out->kind = ARV_GT_RGB;
        return 0;
    }
    char *end;
    long v = strtol(s, &end, 10);
    if (*end || v < 0 || v > 255)
        return -1;
    out->kind = ARV_GT_GRAY;
    out->rgb[0] = out->rgb[1] = out->rgb[2] = (uint8_t)v;
    return 0;
}

static inline int gt_match(const arv_gt_value *v, const uint8_t *p, int c)
{
    uint8_t r = p[0], g = c >= 3 ? p[1] : p[0], b = c >= 3 ? p[2] : p[0];
    switch (v->kind) {
    case ARV_GT_NONZERO: return (r | g | b) != 0;
    case ARV_GT_GRAY:
    case ARV_GT_RGB: return r == v->rgb[0] && g == v->rgb[1] && b == v->rgb[2];
    default: return 0;
    }
}

int arv_seg_compare(const arv_fimage *mask, float thr, const arv_image *gt,
                    const arv_gt_spec *spec, arv_seg_counts *out, char *err)
{
    memset(out, 0, sizeof *out);
    if (!mask || !mask->data || mask->c != 1 || !gt || !gt->data || gt->c < 1) {
        snprintf(err, 256, "bad arguments");
        return -1;
    }
    arv_gt_spec def = {{ARV_GT_NONZERO, {0, 0, 0}}, {ARV_GT_NONE, {0, 0, 0}}};
    if (!spec)
        spec = &def;
    const arv_fimage *m = mask;
    arv_fimage scaled = {0};
    if (mask->w != gt->w || mask->h != gt->h) {
        /* Same picture at another size: the aspect ratios agree. */
        double ra = (double)mask->w / mask->h, rb = (double)gt->w / gt->h;
        if (fabs(ra / rb - 1) > 0.01) {
            snprintf(err, 256, "ground truth is %dx%d, the image %dx%d (not the same picture?)",
                     gt->w, gt->h, mask->w, mask->h);
            return -1;
        }
        if (arv_fimage_alloc(&scaled, gt->w, gt->h, 1) != 0 || arv_resize_fimage(mask, &scaled) != 0) {
            arv_fimage_free(&scaled);
            snprintf(err, 256, "out of memory");
            return -1;
        }
        m = &scaled;
    }
    for (int y = 0; y < gt->h; y++) {
        const uint8_t *g = arv_image_row(gt, y);
        const float *p = m->data + (size_t)y * m->w;
        for (int x = 0; x < gt->w; x++, g += gt->c) {
            if (spec->ignore.kind != ARV_GT_NONE && gt_match(&spec->ignore, g, gt->c)) {
                out->ignored++;
                continue;
            }
            int truth = gt_match(&spec->fg, g, gt->c), pred = p[x] > thr;
            if (pred && truth)
                out->tp++;
            else if (pred)
                out->fp++;
            else if (truth)
                out->fn++;
            else
                out->tn++;
        }
    }
    arv_fimage_free(&scaled);
    return 0;
}

double arv_seg_iou(const arv_seg_counts *c)
{
    uint64_t u = c->tp + c->fp + c->fn;
    return u ? (double)c->tp / (double)u : NAN;
}

double arv_seg_iou_bg(const arv_seg_counts *c)
{
    uint64_t u = c->tn + c->fp + c->fn;
    return u ? (double)c->tn / (double)u : NAN;
}

void arv_seg_counts_add(arv_seg_counts *a, const arv_seg_counts *b)
{
    a->tp += b->tp;
    a->fp += b->fp;
    a->fn += b->fn;
    a->tn += b->tn;
    a->ignored += b->ignored;
}

double arv_seg_miou(const arv_seg_counts *total)
{
    double v[2] = {arv_seg_iou_bg(total), arv_seg_iou(total)}, s = 0;
    int n = 0;
    for (int i = 0; i < 2; i++)
        if (!isnan(v[i]))
            s += v[i], n++;
    return n ? s / n : NAN;
}

int arv_seg_flicker_add(arv_seg_flicker *f, const arv_fimage *alpha)
{
    if (!f || !alpha || !alpha->data || alpha->c != 1)
        return -1;
    size_t n = (size_t)alpha->w * alpha->h;
    if (f->has_prev && f->prev.w == alpha->w && f->prev.h == alpha->h) {
        double s = 0;
        for (size_t i = 0; i < n; i++)
            s += fabsf(alpha->data[i] - f->prev.data[i]);
        f->sum += s / (double)n;
        f->pairs++;
    }
    if (arv_fimage_ensure(&f->prev, alpha->w, alpha->h, 1) != 0) {
        f->has_prev = 0;
        return -1;
    }
    memcpy(f->prev.data, alpha->data, n * sizeof *alpha->data);
    f->has_prev = 1;
    return 0;
}

double arv_seg_flicker_value(const arv_seg_flicker *f)
{
    return f->pairs ? f->sum / (double)f->pairs : NAN;
}

void arv_seg_flicker_free(arv_seg_flicker *f)
{
    arv_fimage_free(&f->prev);
    f->has_prev = 0;
}
