/* detect.c — SSD anchors, decoding, weighted NMS, letterbox removal (the
 * MediaPipe calculators these follow are named in detect.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "detect/detect.h"

/* mediapipe/modules/pose_detection/pose_detection_cpu.pbtxt,
 * SsdAnchorsCalculatorOptions: num_layers 5, min_scale 0.1484375,
 * max_scale 0.75, input_size 224 x 224, anchor_offset_x/y 0.5,
 * strides 8, 16, 32, 32, 32, aspect_ratios 1.0, fixed_anchor_size true.
 * interpolated_scale_aspect_ratio keeps its default 1.0, so each layer has
 * 2 anchors per cell: 28*28*2 + 14*14*2 + 7*7*2*3 = 2254. */
const arv_ssd_anchor_opts arv_pose_anchor_opts = {
    .num_layers = 5, .min_scale = 0.1484375f, .max_scale = 0.75f,
    .input_w = 224, .input_h = 224, .offset_x = 0.5f, .offset_y = 0.5f,
    .strides = {8, 16, 32, 32, 32}, .fixed_anchor_size = 1, .num_aspect_ratios = 1,
};

/* Same file, TensorsToDetectionsCalculatorOptions: num_classes 1,
 * num_boxes 2254, num_coords 12, box_coord_offset 0, keypoint_coord_offset 4,
 * num_keypoints 4, num_values_per_keypoint 2, sigmoid_score true,
 * score_clipping_thresh 100, reverse_output_order true, x/y/w/h_scale 224,
 * min_score_thresh 0.5. */
const arv_ssd_decode_opts arv_pose_decode_opts = {
    .num_coords = 12, .num_keypoints = 4,
    .x_scale = 224.0f, .y_scale = 224.0f, .w_scale = 224.0f, .h_scale = 224.0f,
    .score_clip = 100.0f, .min_score = 0.5f,
};

static int valid_opts(const arv_ssd_anchor_opts *o)
{
    if (!o || o->num_layers < 1 || o->num_layers > ARV_SSD_MAX_LAYERS || o->input_w < 1 ||
        o->input_h < 1 || o->num_aspect_ratios < 1)
        return 0;
    for (int i = 0; i < o->num_layers; i++)
        if (o->strides[i] < 1)
            return 0;
    return 1;
}

/* Anchors per cell of a group of consecutive layers with the same stride:
 * per layer, one per aspect ratio plus the interpolated-scale one. */
static int group_end(const arv_ssd_anchor_opts *o, int layer)
{
    int last = layer;
    while (last < o->num_layers && o->strides[last] == o->strides[layer])
        last++;
    return last;
}

int arv_ssd_anchor_count(const arv_ssd_anchor_opts *o)
{
    if (!valid_opts(o))
        return -1;
    int n = 0;
    for (int layer = 0; layer < o->num_layers;) {
        int last = group_end(o, layer);
        int per_cell = (last - layer) * (o->num_aspect_ratios + 1);
        int fw = (o->input_w + o->strides[layer] - 1) / o->strides[layer];
        int fh = (o->input_h + o->strides[layer] - 1) / o->strides[layer];
        n += fw * fh * per_cell;
        layer = last;
    }
    return n;
}

static float layer_scale(const arv_ssd_anchor_opts *o, int i)
{
    if (o->num_layers == 1)
        return (o->min_scale + o->max_scale) * 0.5f;
    return o->min_scale + (o->max_scale - o->min_scale) * (float)i / (float)(o->num_layers - 1);
}

int arv_ssd_anchors(const arv_ssd_anchor_opts *o, arv_anchor *out, int cap)
{
    int total = arv_ssd_anchor_count(o);
    if (total < 0 || total > cap)
        return -1;
    int n = 0;
    for (int layer = 0; layer < o->num_layers;) {
        int last = group_end(o, layer);
        /* sizes of the anchors of one cell (only used without fixed size) */
        float aw[2 * ARV_SSD_MAX_LAYERS * 4], ah[2 * ARV_SSD_MAX_LAYERS * 4];
        int per_cell = 0;
        for (int l = layer; l < last; l++) {
            float s = layer_scale(o, l);
            float s_next = l == o->num_layers - 1 ? 1.0f : layer_scale(o, l + 1);
            for (int a = 0; a < o->num_aspect_ratios && per_cell < (int)(sizeof aw / sizeof aw[0]) - 1; a++) {
                aw[per_cell] = s;    /* aspect ratio 1.0 */
                ah[per_cell++] = s;
            }
            float si = sqrtf(s * s_next);   /* interpolated scale, aspect 1.0 */
            aw[per_cell] = si;
            ah[per_cell++] = si;
        }
        int stride = o->strides[layer];
        int fw = (o->input_w + stride - 1) / stride, fh = (o->input_h + stride - 1) / stride;
        for (int y = 0; y < fh; y++)
            for (int x = 0; x < fw; x++)
                for (int a = 0; a < per_cell; a++) {
                    arv_anchor *an = &out[n++];
                    an->x = ((float)x + o->offset_x) / (float)fw;
                    an->y = ((float)y + o->offset_y) / (float)fh;
                    an->w = o->fixed_anchor_size ? 1.0f : aw[a];
                    an->h = o->fixed_anchor_size ? 1.0f : ah[a];
                }
        layer = last;
    }
    return n;
}

static int by_score_desc(const void *pa, const void *pb)
{
    const arv_detection *a = pa, *b = pb;
    return a->score < b->score ? 1 : a->score > b->score ? -1 : 0;
}

int arv_ssd_decode(const arv_ssd_decode_opts *o, const arv_anchor *anchors, int n,
                   const float *boxes, const float *scores, arv_detection *out, int cap)
{
    int kept = 0, nkp = o->num_keypoints < ARV_DET_MAX_KP ? o->num_keypoints : ARV_DET_MAX_KP;
    for (int i = 0; i < n; i++) {
        float s = scores[i];
        if (!(s == s))
            continue;
        if (o->score_clip > 0)
            s = s < -o->score_clip ? -o->score_clip : s > o->score_clip ? o->score_clip : s;
        s = 1.0f / (1.0f + expf(-s));
        if (s < o->min_score)
            continue;
        const float *r = boxes + (size_t)i * o->num_coords;
        const arv_anchor *a = &anchors[i];
        arv_detection d;
        memset(&d, 0, sizeof d);
        d.score = s;
        float xc = r[0] / o->x_scale * a->w + a->x;
        float yc = r[1] / o->y_scale * a->h + a->y;
        d.w = r[2] / o->w_scale * a->w;
        d.h = r[3] / o->h_scale * a->h;
        d.xmin = xc - d.w * 0.5f;
        d.ymin = yc - d.h * 0.5f;
        d.n_kp = nkp;
        for (int k = 0; k < nkp; k++) {
            d.kp[k][0] = r[4 + 2 * k] / o->x_scale * a->w + a->x;
            d.kp[k][1] = r[4 + 2 * k + 1] / o->y_scale * a->h + a->y;
        }
        if (kept < cap) {
            out[kept++] = d;
        } else if (cap > 0) {   /* replace the weakest kept one */
            int worst = 0;
            for (int j = 1; j < kept; j++)
                if (out[j].score < out[worst].score)
                    worst = j;
            if (out[worst].score < d.score)
                out[worst] = d;
        }
    }
    return kept;
}

float arv_box_iou(const arv_detection *a, const arv_detection *b)
{
    if (a->w <= 0 || a->h <= 0 || b->w <= 0 || b->h <= 0)
        return 0.0f;
    float x0 = fmaxf(a->xmin, b->xmin), y0 = fmaxf(a->ymin, b->ymin);
    float x1 = fminf(a->xmin + a->w, b->xmin + b->w), y1 = fminf(a->ymin + a->h, b->ymin + b->h);
    if (x1 <= x0 || y1 <= y0)
        return 0.0f;
    float inter = (x1 - x0) * (y1 - y0);
    return inter / (a->w * a->h + b->w * b->h - inter);
}

int arv_nms_weighted(arv_detection *d, int n, float thr, int max_out)
{
    if (n <= 0)
        return 0;
    qsort(d, (size_t)n, sizeof *d, by_score_desc);
    char *used = calloc((size_t)n, 1);
    arv_detection *res = malloc((size_t)n * sizeof *res);
    if (!used || !res) {   /* out of memory: keep the best one alone */
        free(used);
        free(res);
        return 1;
    }
    int m = 0;
    for (int i = 0; i < n && (max_out <= 0 || m < max_out); i++) {
        if (used[i])
            continue;
        const arv_detection *top = &d[i];
        double sw = 0, x0 = 0, y0 = 0, x1 = 0, y1 = 0, kp[ARV_DET_MAX_KP][2] = {{0}};
        for (int j = i; j < n; j++) {
            if (used[j] || (j != i && !(arv_box_iou(top, &d[j]) > thr)))
                continue;
            used[j] = 1;
            double w = d[j].score;
            sw += w;
            x0 += w * d[j].xmin;
            y0 += w * d[j].ymin;
            x1 += w * (d[j].xmin + d[j].w);
            y1 += w * (d[j].ymin + d[j].h);
            for (int k = 0; k < d[j].n_kp; k++) {
                kp[k][0] += w * d[j].kp[k][0];
                kp[k][1] += w * d[j].kp[k][1];
            }
        }
        arv_detection r = *top;
        if (sw > 0) {
            r.xmin = (float)(x0 / sw);
            r.ymin = (float)(y0 / sw);
            r.w = (float)((x1 - x0) / sw);
            r.h = (float)((y1 - y0) / sw);
            for (int k = 0; k < r.n_kp; k++) {
                r.kp[k][0] = (float)(kp[k][0] / sw);
                r.kp[k][1] = (float)(kp[k][1] / sw);
            }
        }
        res[m++] = r;
    }
    memcpy(d, res, (size_t)m * sizeof *d);
    free(used);
    free(res);
    return m;
}

arv_letterbox arv_letterbox_for(int w, int h, int W, int H)
{
    arv_letterbox lb = {{0, 0, 0, 0}};
    if (w <= 0 || h <= 0 || W <= 0 || H <= 0)
        return lb;
    double s = fmin((double)W / w, (double)H / h);
    double cw = w * s / W, ch = h * s / H;   /* content as a fraction of the tensor */
    lb.pad[0] = lb.pad[2] = (float)((1.0 - cw) * 0.5);
    lb.pad[1] = lb.pad[3] = (float)((1.0 - ch) * 0.5);
    return lb;
}

void arv_detection_unletterbox(arv_detection *d, const arv_letterbox *lb)
{
    float l = lb->pad[0], t = lb->pad[1];
    float sx = 1.0f - lb->pad[0] - lb->pad[2], sy = 1.0f - lb->pad[1] - lb->pad[3];
    if (sx <= 0 || sy <= 0)
        return;
    d->xmin = (d->xmin - l) / sx;
    d->ymin = (d->ymin - t) / sy;
    d->w /= sx;
    d->h /= sy;
    for (int k = 0; k < d->n_kp; k++) {
        d->kp[k][0] = (d->kp[k][0] - l) / sx;
        d->kp[k][1] = (d->kp[k][1] - t) / sy;
    }
}
