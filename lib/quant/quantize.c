/* quantize.c — rewrite an fp32 graph to TFLite's int8 quantization spec and
 * write it with the FlatBuffer writer.
 *
 * - Activations: asymmetric int8, per tensor, from the calibrated range
 *   widened to include 0 (so 0.0 is exact, which zero padding needs).
 * - Weights of CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED /
 *   TRANSPOSE_CONV: symmetric int8 per output channel ([-127, 127], zero
 *   point 0); bias int32 with scale input_scale * weight_scale[c].
 * - Ops TFLite requires to keep their input's quantization (pools, RESHAPE,
 *   PAD, CONCATENATION, RESIZE_BILINEAR, DEPTH_TO_SPACE) share one set of
 *   parameters with their inputs: the union of the ranges.
 * - LOGISTIC output: scale 1/256, zero point -128, as TFLite requires.
 * - Activations named in opt->int16_tensors: TFLite's 16x8 mode for the op
 *   writing them (int16 symmetric activations, zero point 0, scale
 *   max|range| / 32767; int8 weights; int64 bias; ADD with
 *   pot_scale_int16 off, the general-scale form). Its activation inputs
 *   are read in int16 too. An int16 tensor read by an int8 op goes through
 *   QUANTIZE int16 -> int8; an int8 tensor read by an int16 op through
 *   DEQUANTIZE and QUANTIZE float -> int16, because TFLite refuses
 *   QUANTIZE int8 -> int16. Both conversions are exact functions of their
 *   input, so the model stays step-for-step equal to TFLite's run of it.
 * - The model keeps its float interface: QUANTIZE after each float input,
 *   DEQUANTIZE before each float output; an op that cannot be quantized
 *   stays float between a DEQUANTIZE and a QUANTIZE.
 * - MediaPipe's Convolution2DTransposeBias becomes the builtin TRANSPOSE_CONV
 *   (output-shape input, bias as 4th input, version 3).
 * Tensors of the input graph are rebuilt; constants of int8 ops are
 * quantized per use, so a weight shared by two ops may appear twice. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "quant/quant.h"
#include "quant/gptq.h"
#include "model/tflite_model.h"
#include "model/tflite_schema.h"
#include "model/tflite_write.h"
#include "ops/ops.h"

typedef struct qb {
    const arv_graph *g;
    const arv_calib *cal;
    const arv_quant_opts *opt;
    arv_gtensor *t;            /* the new graph's tensors */
    arv_wquant *wq;
    int nt, cap_t;
    arv_node *n;
    int nn, cap_n;
    int *fidx, *qidx, *q16idx; /* per old tensor: its float / int8 / int16 version */
    int *p16;                  /* per old tensor: produced in int16 */
    int *par;                  /* union-find over old tensors (shared params) */
    float *lo, *hi;            /* per old tensor: range (group range at root) */
    int *has, *fixed;          /* range known; params fixed (LOGISTIC) */
    int *q8;                   /* per old node: computed in int8 (1) or 16x8 (2) */
    float **wov;               /* per old constant: equalized copy (or NULL) */
    float **eqk;               /* per old activation: equalization factor per
                                  channel (its values were multiplied by it) */
    void **own;
    int n_own, cap_own;
    int oom;
    arv_quant_report rep;
    char *err;
} qb;

static void *own(qb *b, void *p)
{
    if (!p) {
        b->oom = 1;
        return NULL;
    }
    if (b->n_own == b->cap_own) {
        int nc = b->cap_own ? b->cap_own * 2 : 256;
        void **np = realloc(b->own, sizeof *np * (size_t)nc);
        if (!np) {
            free(p);
            b->oom = 1;
            return NULL;
        }
        b->own = np;
        b->cap_own = nc;
    }
    b->own[b->n_own++] = p;
    return p;
}

static const char *name_with(qb *b, const char *name, const char *suffix)
{
    size_t n = strlen(name) + strlen(suffix) + 1;
    char *s = own(b, malloc(n));
    if (!s)
        return "";
    snprintf(s, n, "%s%s", name, suffix);
    return s;
}

/* New tensor shaped like old tensor `like`, of type ty, no data. */
static int new_tensor(qb *b, const arv_gtensor *like, arv_dtype ty, const char *name)
{
    if (b->nt == b->cap_t) {
        int nc = b->cap_t * 2 + 16;
        arv_gtensor *nt = realloc(b->t, sizeof *nt * (size_t)nc);
        arv_wquant *nw = nt ? realloc(b->wq, sizeof *nw * (size_t)nc) : NULL;
        if (nt)
            b->t = nt;
        if (!nt || !nw) {
            b->oom = 1;
            return 0;
        }
        b->wq = nw;
        b->cap_t = nc;
    }
    arv_gtensor *t = &b->t[b->nt];
    memset(t, 0, sizeof *t);
    memset(&b->wq[b->nt], 0, sizeof b->wq[0]);
    t->t = like->t;
    t->t.name = name;
    t->t.type = ty;
    t->t.data = NULL;
    t->t.scale = 0.0f;
    t->t.zero_point = 0;
    t->t.bytes = arv_tensor_elems(&like->t) * arv_dtype_size(ty);
    t->producer = -1;
    return b->nt++;
}

static arv_node *new_node(qb *b, int op, int version, int n_in, int n_out)
{
    if (b->nn == b->cap_n) {
        int nc = b->cap_n * 2 + 16;
        arv_node *nn = realloc(b->n, sizeof *nn * (size_t)nc);
        if (!nn) {
            b->oom = 1;
            return NULL;
        }
        b->n = nn;
        b->cap_n = nc;
    }
    int *io = own(b, calloc((size_t)(n_in + n_out + 1), sizeof(int)));
    if (!io)
        return NULL;
    arv_node *n = &b->n[b->nn++];
    memset(n, 0, sizeof *n);
    n->op = op;
    n->version = version;
    n->n_in = n_in;
    n->n_out = n_out;
    n->in = io;
    n->out = io + n_in;
    n->p.stride_w = n->p.stride_h = n->p.dil_w = n->p.dil_h = 1;
    return n;
}

static int find(qb *b, int i)
{
    while (b->par[i] != i)
        i = b->par[i] = b->par[b->par[i]];
    return i;
}

static void unite(qb *b, int x, int y)
{
    x = find(b, x);
    y = find(b, y);
    if (x == y)
        return;
    b->par[y] = x;
    if (b->has[y]) {
        b->lo[x] = b->has[x] && b->lo[x] < b->lo[y] ? b->lo[x] : b->lo[y];
        b->hi[x] = b->has[x] && b->hi[x] > b->hi[y] ? b->hi[x] : b->hi[y];
        b->has[x] = 1;
    }
    b->fixed[x] |= b->fixed[y];
}

/* Asymmetric int8 parameters of old tensor i (its group's). */
static void act_params(qb *b, int i, float *scale, int32_t *zp)
{
    int r = find(b, i);
    if (b->fixed[r]) {
        *scale = 1.0f / 256.0f;
        *zp = -128;
        return;
    }
    double lo = b->lo[r] < 0 ? b->lo[r] : 0.0, hi = b->hi[r] > 0 ? b->hi[r] : 0.0;
    double s = (hi - lo) / 255.0;
    if (!(s > 0))
        s = 1.0 / 255.0;   /* constant zero: any scale represents it */
    double z = round(-128.0 - lo / s);
    *scale = (float)s;
    *zp = (int32_t)(z < -128 ? -128 : z > 127 ? 127 : z);
}

/* Symmetric int16 scale of old tensor i (its group's; zero point 0). */
static float act16_scale(qb *b, int i)
{
    int r = find(b, i);
    double m = fmax(fabs((double)b->lo[r]), fabs((double)b->hi[r]));
    return m > 0 ? (float)(m / 32767.0) : 1.0f / 32767.0f;
}

static int is_const(const arv_gtensor *t) { return t->const_data != NULL; }

/* A float constant's values: the equalized copy when there is one. */
static const float *cdata(const qb *b, int i)
{
    return b->wov && b->wov[i] ? b->wov[i] : b->g->tensors[i].const_data;
}

/* The float version of old tensor i. */
static int get_f(qb *b, int i)
{
    if (b->fidx[i] >= 0)
        return b->fidx[i];
    const arv_gtensor *o = &b->g->tensors[i];
    if (is_const(o) || (b->qidx[i] < 0 && b->q16idx[i] < 0)) {
        /* constants, int32 operands: reused as they are */
        int k = new_tensor(b, o, o->t.type, o->t.name);
        if (b->oom)
            return 0;
        b->t[k].const_data = o->const_data;
        b->t[k].t.bytes = o->t.bytes;
        b->t[k].t.scale = o->t.scale;
        b->t[k].t.zero_point = o->t.zero_point;
        return b->fidx[i] = k;
    }
    /* produced in int8 or int16: DEQUANTIZE; a model output keeps its name */
    const int src = b->p16[i] ? b->q16idx[i] : b->qidx[i];
    int k = new_tensor(b, o, ARV_FLOAT32, o->is_output ? o->t.name : name_with(b, o->t.name, "/float"));
    arv_node *n = new_node(b, TFL_DEQUANTIZE, 2, 1, 1);
    if (b->oom || !n)
        return 0;
    n->in[0] = src;
    n->out[0] = k;
    b->rep.n_dequantize++;
    return b->fidx[i] = k;
}

static int8_t q8(double v, double s, int32_t zp)
{
    double q = round(v / s) + zp;
    return (int8_t)(q < -128 ? -128 : q > 127 ? 127 : q);
}

/* The int8 version of old tensor i (activation or per-tensor constant). */
static int get_q(qb *b, int i)
{
    if (b->qidx[i] >= 0)
        return b->qidx[i];
    const arv_gtensor *o = &b->g->tensors[i];
    float s;
    int32_t zp;
    act_params(b, i, &s, &zp);
    if (is_const(o)) {
        int k = new_tensor(b, o, ARV_INT8, o->t.name);
        size_t n = arv_tensor_elems(&o->t);
        int8_t *d = own(b, malloc(n ? n : 1));
        if (b->oom)
            return 0;
        const float *f = o->const_data;
        for (size_t j = 0; j < n; j++)
            d[j] = q8(f[j], s, zp);
        b->t[k].const_data = d;
        b->t[k].t.scale = s;
        b->t[k].t.zero_point = zp;
        return b->qidx[i] = k;
    }
    /* from the int16 version straight (QUANTIZE requantizes), else float */
    int f = b->p16[i] ? b->q16idx[i] : get_f(b, i);
    int k = new_tensor(b, o, ARV_INT8, name_with(b, o->t.name, o->is_input ? "/int8" : "/quant"));
    arv_node *n = new_node(b, TFL_QUANTIZE, 1, 1, 1);
    if (b->oom || !n)
        return 0;
    b->t[k].t.scale = s;
    b->t[k].t.zero_point = zp;
    n->in[0] = f;
    n->out[0] = k;
    b->rep.n_quantize++;
    return b->qidx[i] = k;
}

/* The int16 version of old tensor i (activation or constant): constants
 * quantized symmetrically; activations through QUANTIZE from float (an int8
 * producer's output is dequantized first: TFLite has no int8 -> int16). */
static int get_q16(qb *b, int i)
{
    if (b->q16idx[i] >= 0)
        return b->q16idx[i];
    const arv_gtensor *o = &b->g->tensors[i];
    const float s = act16_scale(b, i);
    if (is_const(o)) {
        int k = new_tensor(b, o, ARV_INT16, o->t.name);
        size_t n = arv_tensor_elems(&o->t);
        int16_t *d = own(b, malloc(sizeof(int16_t) * (n ? n : 1)));
        if (b->oom)
            return 0;
        const float *f = cdata(b, i);
        for (size_t j = 0; j < n; j++) {
            double q = round((double)f[j] / s);
            d[j] = (int16_t)(q < -32768 ? -32768 : q > 32767 ? 32767 : q);
        }
        b->t[k].const_data = d;
        b->t[k].t.scale = s;
        return b->q16idx[i] = k;
    }
    int f = get_f(b, i);
    int k = new_tensor(b, o, ARV_INT16, name_with(b, o->t.name, "/int16"));
    arv_node *n = new_node(b, TFL_QUANTIZE, 1, 1, 1);
    if (b->oom || !n)
        return 0;
    b->t[k].t.scale = s;
    n->in[0] = f;
    n->out[0] = k;
    b->rep.n_quantize++;
    return b->q16idx[i] = k;
}

/* GPTQ codes for the weights w (old tensor i, quantized along qd with
 * scales sc) of old node `node` reading activation x_ti, into d; 0 when
 * done, -1 when the calibration has no statistics for the node (or GPTQ
 * failed): round to nearest then. */
static int gptq_weights(qb *b, int node, int x_ti, int i, int qd, const float *w,
                        const float *sc, int8_t *d)
{
    int K, G;
    uint64_t ns;
    const double *H = arv_calib_hessian(b->cal, node, &K, &G, &ns);
    const arv_gtensor *o = &b->g->tensors[i];
    if (!H || ns == 0)
        return -1;
    const int nc = o->t.dims[qd];
    const size_t total = arv_tensor_elems(&o->t);
    if (qd == o->t.ndim - 1 && o->t.ndim == 4) {
        /* depthwise [1, kh, kw, C]: one matrix per channel; an equalization
         * factor scales all taps of a channel alike, which GPTQ ignores */
        if (G != nc || (size_t)K * (size_t)nc != total)
            return -1;
        /* A channel GPTQ cannot take (its input was always zero: a dead
         * ReLU channel, H = 0) is rounded to nearest alone; failing the
         * whole op for it left 25 of pose_landmark_full's 38 depthwise
         * convs with round-to-nearest. */
        for (int c = 0; c < nc; c++)
            if (arv_gptq_round(w + c, d + c, 1, K, 0, (size_t)nc, &sc[c],
                               H + (size_t)c * (size_t)K * (size_t)K, NULL) != 0)
                for (int t = 0; t < K; t++) {
                    double q = sc[c] > 0 ? round((double)w[(size_t)t * nc + c] / sc[c]) : 0.0;
                    d[(size_t)t * nc + c] = (int8_t)(q < -127 ? -127 : q > 127 ? 127 : q);
                }
        return 0;
    }
    if (qd != 0 || G != 1 || (size_t)K * (size_t)nc != total)
        return -1;
    float *colk = NULL;
    const float *k = b->eqk ? b->eqk[x_ti] : NULL;
    if (k) {
        const int C = b->g->tensors[x_ti].t.dims[b->g->tensors[x_ti].t.ndim - 1];
        colk = malloc(sizeof(float) * (size_t)K);
        if (!colk || C <= 0) {
            free(colk);
            return -1;
        }
        for (int j = 0; j < K; j++)
            colk[j] = k[j % C];
    }
    int r = arv_gptq_round(w, d, nc, K, (size_t)K, 1, sc, H, colk);
    free(colk);
    return r;
}

/* Per-channel symmetric int8 weights of old tensor i along dim qd, read by
 * old node `node` from activation x_ti; returns the new tensor and its
 * scales in *sc (n_ch entries). */
static int quant_weights(qb *b, int node, int x_ti, int i, int qd, const float *bias,
                         float in_s, float out_s, int wide, const float **sc_out, int *n_ch)
{
    const arv_gtensor *o = &b->g->tensors[i];
    const float *w = cdata(b, i);
    int nc = o->t.dims[qd];
    size_t inner = 1, total = arv_tensor_elems(&o->t);
    for (int d = qd + 1; d < o->t.ndim; d++)
        inner *= (size_t)o->t.dims[d];
    float *sc = own(b, malloc(sizeof(float) * (size_t)(nc ? nc : 1)));
    int64_t *zp = own(b, calloc((size_t)(nc ? nc : 1), sizeof(int64_t)));
    int8_t *d = own(b, malloc(total ? total : 1));
    int k = new_tensor(b, o, ARV_INT8, o->t.name);
    if (b->oom)
        return 0;
    for (int c = 0; c < nc; c++)
        sc[c] = 0.0f;
    for (size_t j = 0; j < total; j++) {
        int c = (int)((j / inner) % (size_t)nc);
        float a = fabsf(w[j]);
        if (a > sc[c])
            sc[c] = a;
    }
    if (b->opt && b->opt->per_tensor) {
        float m = 0.0f;
        for (int c = 0; c < nc; c++)
            m = sc[c] > m ? sc[c] : m;
        for (int c = 0; c < nc; c++)
            sc[c] = m;
    }
    for (int c = 0; c < nc; c++) {
        sc[c] = sc[c] > 0.0f ? sc[c] / 127.0f : 1.0f;
        /* The bias is stored as int32 at scale in_s * sc[c]: a channel with
         * tiny weights (fp16 denormals) and a real bias would overflow it
         * and lose the bias (pose_landmark_lite has such channels: its
         * output went wrong by the full RELU6 range). Widen the weight scale
         * until the bias fits in 2^30; those weights round to ~0, as they
         * nearly are. */
        if (bias && in_s > 0.0f) {
            double need = fabs((double)bias[c]) / ((double)in_s * 1073741824.0);
            if (need > sc[c])
                sc[c] = (float)need;
        }
        /* XNNPACK, which TFLite runs int8 convolutions with, refuses a
         * requantization scale in * w / out outside [2^-32, 256), and then
         * TFLite drops the delegate for the whole model (pose_landmark_heavy
         * had a channel at 293). Cap this channel's weight scale, clipping
         * its few largest weights, rather than widen the output's scale for
         * every channel. */
        if (in_s > 0.0f && out_s > 0.0f) {
            /* (the 16x8 kernels' multipliers must stay below 2^7) */
            const float hi = (wide ? 127.0f : 255.0f) * out_s / in_s,
                        lo = 0x1.0p-31f * out_s / in_s;
            sc[c] = sc[c] > hi ? hi : sc[c] < lo ? lo : sc[c];
        }
    }
    if (b->opt && b->opt->per_tensor)
        for (int c = 1; c < nc; c++)
            sc[0] = sc[c] > sc[0] ? sc[c] : sc[0];
    if (b->opt && b->opt->per_tensor)
        for (int c = 1; c < nc; c++)
            sc[c] = sc[0];
    if (!(b->opt && b->opt->gptq) || gptq_weights(b, node, x_ti, i, qd, w, sc, d) != 0)
        for (size_t j = 0; j < total; j++) {
            int c = (int)((j / inner) % (size_t)nc);
            double q = round((double)w[j] / sc[c]);
            d[j] = (int8_t)(q < -127 ? -127 : q > 127 ? 127 : q);
        }
    b->t[k].const_data = d;
    b->t[k].t.scale = sc[0];
    b->wq[k] = (arv_wquant){.n = nc, .scale = sc, .zero_point = zp, .quantized_dimension = qd};
    *sc_out = sc;
    *n_ch = nc;
    return k;
}

/* Bias of old tensor i with scale in_s * w_s[c]: int32, or int64 for a
 * 16x8 op (wide: the 16x8 kernels accumulate in 64 bits). */
static int quant_bias(qb *b, int i, float in_s, const float *w_s, int nc, int wide)
{
    const arv_gtensor *o = &b->g->tensors[i];
    const float *f = cdata(b, i);
    size_t n = arv_tensor_elems(&o->t);
    float *sc = own(b, malloc(sizeof(float) * (size_t)(nc ? nc : 1)));
    int64_t *zp = own(b, calloc((size_t)(nc ? nc : 1), sizeof(int64_t)));
    void *d = own(b, malloc((wide ? sizeof(int64_t) : sizeof(int32_t)) * (n ? n : 1)));
    int k = new_tensor(b, o, wide ? ARV_INT64 : ARV_INT32, o->t.name);
    if (b->oom)
        return 0;
    for (int c = 0; c < nc; c++)
        sc[c] = in_s * w_s[c];
    const double lim = wide ? 0x1p62 : 2147483647.0;
    for (size_t j = 0; j < n; j++) {
        double q = round((double)f[j] / sc[j % (size_t)nc]);
        q = q < -lim ? -lim : q > lim ? lim : q;
        if (wide)
            ((int64_t *)d)[j] = (int64_t)q;
        else
            ((int32_t *)d)[j] = (int32_t)q;
    }
    b->t[k].const_data = d;
    b->t[k].t.scale = sc[0];
    b->wq[k] = (arv_wquant){.n = nc, .scale = sc, .zero_point = zp, .quantized_dimension = 0};
    return k;
}

/* Ops computed in int8, and whether they share their input's parameters. */
static int q_supported(int op, int *tied)
{
    *tied = 0;
    switch (op) {
    case TFL_AVERAGE_POOL_2D: case TFL_MAX_POOL_2D: case TFL_RESHAPE: case TFL_PAD:
    case TFL_CONCATENATION: case TFL_RESIZE_BILINEAR: case TFL_DEPTH_TO_SPACE:
        *tied = 1;
        return 1;
    case TFL_CONV_2D: case TFL_DEPTHWISE_CONV_2D: case TFL_FULLY_CONNECTED:
    case TFL_TRANSPOSE_CONV: case ARV_OP_CUSTOM_TRANSPOSE_CONV_BIAS: case TFL_ADD:
    case TFL_SUB: case TFL_MUL: case TFL_LOGISTIC: case TFL_HARD_SWISH: case TFL_PRELU:
    case TFL_MEAN: case TFL_RELU: case TFL_RELU6:
        return 1;
    default:
        return 0;
    }
}

static int q_version(int op, int v)
{
    int want = 2;
    switch (op) {
    case TFL_CONV_2D: case TFL_DEPTHWISE_CONV_2D: case TFL_TRANSPOSE_CONV: want = 3; break;
    case TFL_FULLY_CONNECTED: want = 4; break;
    case TFL_RESHAPE: case TFL_HARD_SWISH: case TFL_PRELU: want = 1; break;
    default: break;
    }
    return v > want ? v : want;
}

/* Ops with a 16x8 form (TFLite's and arv's), and the version it needs. */
static int q16_version(int op)
{
    switch (op) {
    case TFL_CONV_2D: return 4;
    case TFL_DEPTHWISE_CONV_2D: return 5;
    case TFL_FULLY_CONNECTED: return 7;
    case TFL_MUL: case TFL_PAD: return 4;
    case TFL_ADD: case TFL_AVERAGE_POOL_2D: case TFL_MAX_POOL_2D: case TFL_CONCATENATION:
    case TFL_RESIZE_BILINEAR: return 3;
    case TFL_RESHAPE: return 1;
    default: return 0;
    }
}

/* Index of the weight input, its channel dim, and the activation input. */
static int weight_role(const arv_node *n, int *w, int *qd, int *x, int *bias)
{
    switch (n->op) {
    case TFL_CONV_2D: *x = 0; *w = 1; *qd = 0; *bias = 2; return 1;
    case TFL_DEPTHWISE_CONV_2D: *x = 0; *w = 1; *qd = 3; *bias = 2; return 1;
    case TFL_FULLY_CONNECTED: *x = 0; *w = 1; *qd = 0; *bias = 2; return 1;
    case TFL_TRANSPOSE_CONV: *x = 2; *w = 1; *qd = 0; *bias = 3; return 1;
    case ARV_OP_CUSTOM_TRANSPOSE_CONV_BIAS: *x = 0; *w = 1; *qd = 0; *bias = 2; return 1;
    default: return 0;
    }
}

/* The name of node n's output before an activation fused into it (NULL
 * when none was): `arv inspect --ops` lists the op by that name. */
static const char *fused_pre_name(const arv_graph *g, const arv_node *n)
{
    for (int i = 0; i < g->n_nodes; i++)
        if (g->nodes[i].folded == 2 && g->nodes[i].n_out > 0 && g->nodes[i].out[0] == n->out[0] &&
            g->nodes[i].n_in > 0 && g->nodes[i].in[0] >= 0)
            return g->tensors[g->nodes[i].in[0]].t.name;
    return NULL;
}

static int keep_float_by_opt(const qb *b, const arv_node *n)
{
    if (!b->opt)
        return 0;
    const arv_graph *g = b->g;
    const char *out = g->tensors[n->out[0]].t.name;
    /* An activation fused into this op (graph/fuse.c) took over its output:
     * the op's own output, as `arv inspect --ops` lists it, is the fused
     * RELU's input. Both names select the op. */
    const char *pre = fused_pre_name(g, n);
    for (int k = 0; k < b->opt->n_keep_float; k++) {
        const char *s = b->opt->keep_float[k];
        if ((n->def && strcmp(s, n->def->name) == 0) || strcmp(s, out) == 0 ||
            (pre && strcmp(s, pre) == 0))
            return 1;
    }
    /* float tensors: the producer by its output, readers by any input */
    for (int k = 0; k < b->opt->n_float_tensors; k++) {
        const char *s = b->opt->float_tensors[k];
        if (strcmp(s, out) == 0 || (pre && strcmp(s, pre) == 0))
            return 1;
        for (int j = 0; j < n->n_in; j++)
            if (n->in[j] >= 0 && !is_const(&g->tensors[n->in[j]]) && g->tensors[n->in[j]].t.name &&
                strcmp(s, g->tensors[n->in[j]].t.name) == 0)
                return 1;
    }
    return 0;
}

/* Is the op's output (or, with a fused activation, its pre-activation
 * name) in opt->int16_tensors, or a feature map of at most
 * opt->int16_max_hw squared? */
static int wants_int16(const qb *b, const arv_node *n)
{
    if (!b->opt)
        return 0;
    const arv_graph *g = b->g;
    const arv_tensor *ot = &g->tensors[n->out[0]].t;
    const int small = b->opt->int16_max_hw;
    if (small > 0 && ot->ndim == 4 && ot->dims[1] <= small && ot->dims[2] <= small)
        return 1;
    const char *out = g->tensors[n->out[0]].t.name, *pre = fused_pre_name(g, n);
    for (int k = 0; k < b->opt->n_int16_tensors; k++) {
        const char *s = b->opt->int16_tensors[k];
        if ((out && strcmp(s, out) == 0) || (pre && strcmp(s, pre) == 0))
            return 1;
    }
    return 0;
}

static void warn(qb *b, const char *fmt, const char *a, const char *c)
{
    if (!b->opt || !b->opt->warn)
        return;
    char msg[512];
    snprintf(msg, sizeof msg, fmt, a, c);
    b->opt->warn(b->opt->warn_user, msg);
}

/* Output heads: the ops that compute a model output, back through ops that
 * only move or squash values (RESHAPE, CONCATENATION, LOGISTIC, ...) to and
 * including the first op with weights. Marked in head[]. */
static void mark_head(const arv_graph *g, int ti, int *head, int depth)
{
    if (ti < 0 || depth > 64)
        return;
    int p = g->tensors[ti].producer;
    if (p < 0 || head[p])
        return;
    const arv_node *n = &g->nodes[p];
    head[p] = 1;
    int w, qd, x, bias;
    if (weight_role(n, &w, &qd, &x, &bias))
        return;
    switch (n->op) {
    case TFL_RESHAPE: case TFL_CONCATENATION: case TFL_LOGISTIC: case TFL_PAD:
    case TFL_RESIZE_BILINEAR: case TFL_DEPTH_TO_SPACE:
        for (int k = 0; k < n->n_in; k++)
            if (n->in[k] >= 0 && !is_const(&g->tensors[n->in[k]]))
                mark_head(g, n->in[k], head, depth + 1);
        break;
    default:
        break;
    }
}

/* Decide per node: int8 or float. */
static void classify(qb *b)
{
    const arv_graph *g = b->g;
    int *head = calloc((size_t)g->n_nodes + 1, sizeof(int));
    if (!head) {
        b->oom = 1;
        return;
    }
    if (b->opt && b->opt->float_heads)
        for (int i = 0; i < g->n_outputs; i++)
            mark_head(g, g->outputs[i], head, 0);
    for (int i = 0; i < g->n_nodes; i++) {
        const arv_node *n = &g->nodes[i];
        int tied, w = -1, qd = 0, x = -1, bias = -1;
        if (n->folded)
            continue;
        if (head[i]) {
            warn(b, "%s (output '%s'): computes a model output; kept in float (output heads)",
                 n->def ? n->def->name : "?", g->tensors[n->out[0]].t.name);
            continue;
        }
        const char *name = n->def ? n->def->name : "?";
        const char *out = g->tensors[n->out[0]].t.name;
        if (!q_supported(n->op, &tied)) {
            warn(b, "%s (output '%s'): no int8 form; kept in float", name, out);
            continue;
        }
        if (keep_float_by_opt(b, n)) {
            warn(b, "%s (output '%s'): kept in float as asked", name, out);
            continue;
        }
        int ok = n->n_out == 1 && g->tensors[n->out[0]].t.type == ARV_FLOAT32 && b->has[n->out[0]];
        int has_w = weight_role(n, &w, &qd, &x, &bias);
        for (int k = 0; ok && k < n->n_in; k++) {
            int ti = n->in[k];
            if (ti < 0)
                continue;
            const arv_gtensor *t = &g->tensors[ti];
            if (t->t.type != ARV_FLOAT32)
                continue;    /* int32 shapes, axes, paddings pass through */
            if (has_w && (k == w || k == bias))
                ok = is_const(t) && (k != w || t->t.ndim > qd);
            else
                ok = b->has[ti];
        }
        if (!ok) {
            warn(b, "%s (output '%s'): non-constant weights or no calibrated range; kept in float",
                 name, out);
            continue;
        }
        b->q8[i] = 1;
        if (wants_int16(b, n)) {
            if (q16_version(n->op))
                b->q8[i] = 2;
            else
                warn(b, "%s (output '%s'): no 16x8 form; stays int8", name, out);
        }
    }
    free(head);
}

static void ranges(qb *b)
{
    const arv_graph *g = b->g;
    for (int i = 0; i < g->n_tensors; i++) {
        const arv_gtensor *t = &g->tensors[i];
        b->par[i] = i;
        if (is_const(t) && t->t.type == ARV_FLOAT32) {
            const float *f = t->const_data;
            size_t n = arv_tensor_elems(&t->t);
            float lo = INFINITY, hi = -INFINITY;
            for (size_t j = 0; j < n; j++) {
                lo = f[j] < lo ? f[j] : lo;
                hi = f[j] > hi ? f[j] : hi;
            }
            if (lo <= hi && isfinite(lo) && isfinite(hi)) {
                b->lo[i] = lo;
                b->hi[i] = hi;
                b->has[i] = 1;
            }
        } else {
            /* a model input is not clipped: its values are the data (8-bit
             * pixels map exactly onto 256 levels over their full range) */
            if (t->is_input)
                b->has[i] = arv_calib_range(b->cal, i, &b->lo[i], &b->hi[i]);
            else
                b->has[i] = b->opt && b->opt->mse
                    ? arv_calib_range_mse(b->cal, i, &b->lo[i], &b->hi[i])
                    : arv_calib_range_pct(b->cal, i, b->opt ? b->opt->percentile : 0.0,
                                          &b->lo[i], &b->hi[i]);
        }
    }
}

/* int16 outputs take the calibrated min/max: clipping ranges (MSE,
 * percentile) trade clipping for resolution, which 16 bits do not need
 * (pose_landmark_full with every activation int16 was worse than with a
 * few: 1.72 % against 1.63 % landmark error, with MSE ranges). */
static void wide_ranges(qb *b)
{
    const arv_graph *g = b->g;
    for (int i = 0; i < g->n_nodes; i++) {
        float lo, hi;
        if (b->q8[i] == 2 && arv_calib_range(b->cal, g->nodes[i].out[0], &lo, &hi)) {
            b->lo[g->nodes[i].out[0]] = lo;
            b->hi[g->nodes[i].out[0]] = hi;
        }
    }
}

/* Cross-layer equalization (after Nagel et al., "Data-Free Quantization
 * Through Weight Equalization and Bias Correction", 2019, with activation
 * ranges from calibration instead of weight ranges): where op A (CONV_2D or
 * DEPTHWISE_CONV_2D, activation NONE, RELU or RELU6) feeds only a
 * DEPTHWISE_CONV_2D B, both int8, output channel c of A is multiplied by
 * k_c >= 1 (its weights and bias) and B's weights of channel c divided by
 * k_c. The float function is unchanged (ReLU commutes with a positive
 * scale; RELU6 too below 6 / k_c, and k_c keeps the calibrated values below
 * half of that), B's per-channel weight scales absorb the division exactly,
 * and A's output, which int8 quantizes with one scale for all channels, no
 * longer has channels many times narrower than the widest:
 * pose_landmark_lite's first depthwise reads a channel of ~1e-3 through
 * weights up to 1290; over the tensor's 0..6 int8 zeroed it (its output off
 * by the full 6). k_c = T / range_c, capped at 256, T the widest channel's
 * range (half of it after RELU6).
 * Level 2 also equalizes into a CONV_2D B: there B's weight columns shrink
 * under a per-output-channel scale, so k_c is only sqrt(T / range_c),
 * halfway in log scale (with the full T / range_c the selfie model fell
 * from 0.930 to 0.875 mask IoU; with the square root the SSD went from
 * 0.958 to 0.971 top-box IoU, hand_landmark_full from 1.89 % to 1.50 %
 * landmark error). */
static int all_zero(const arv_gtensor *t)
{
    const float *v = t->const_data;
    for (size_t i = 0, n = arv_tensor_elems(&t->t); i < n; i++)
        if (v[i] != 0.0f)
            return 0;
    return 1;
}

static void equalize(qb *b)
{
    const arv_graph *g = b->g;
    for (int ai = 0; ai < g->n_nodes && !b->oom; ai++) {
        const arv_node *A = &g->nodes[ai];
        if (A->folded || !b->q8[ai] || A->n_out != 1 || A->n_in < 3 ||
            (A->op != TFL_CONV_2D && A->op != TFL_DEPTHWISE_CONV_2D) ||
            (A->p.act != TFL_ACT_NONE && A->p.act != TFL_ACT_RELU && A->p.act != TFL_ACT_RELU6))
            continue;
        const int t = A->out[0];
        const arv_gtensor *tt = &g->tensors[t];
        if (tt->n_consumers != 1 || tt->is_output || tt->t.ndim != 4)
            continue;
        const int C = tt->t.dims[3];
        int bi = -1;
        for (int j = 0; j < g->n_nodes && bi < 0; j++)
            if (!g->nodes[j].folded && g->nodes[j].n_in > 0 && g->nodes[j].in[0] == t)
                bi = j;
        if (bi < 0 || !b->q8[bi])
            continue;
        const arv_node *B = &g->nodes[bi];
        const int bconv = B->op == TFL_CONV_2D && b->opt->equalize >= 2;
        if ((B->op != TFL_DEPTHWISE_CONV_2D && !bconv) || B->n_in < 2)
            continue;
        const int aw = A->in[1], ab = A->in[2], bw = B->in[1];
        if (aw < 0 || ab < 0 || bw < 0)
            continue;
        const arv_gtensor *AW = &g->tensors[aw], *AB = &g->tensors[ab], *BW = &g->tensors[bw];
        /* a zero bias scales to itself: converters share one zero bias
         * between many convs (palm_detection_full's depthwise convs) */
        const int bias_zero = is_const(AB) && AB->t.type == ARV_FLOAT32 && all_zero(AB);
        if (!is_const(AW) || !is_const(AB) || !is_const(BW) || AW->t.type != ARV_FLOAT32 ||
            AB->t.type != ARV_FLOAT32 || BW->t.type != ARV_FLOAT32 || AW->n_consumers != 1 ||
            (AB->n_consumers != 1 && !bias_zero) || BW->n_consumers != 1 || b->wov[aw] ||
            (b->wov[ab] && !bias_zero) || b->wov[bw] ||
            AW->t.ndim != 4 || BW->t.ndim != 4 || arv_tensor_elems(&AB->t) != (size_t)C ||
            BW->t.dims[3] != C || (A->op == TFL_CONV_2D ? AW->t.dims[0] : AW->t.dims[3]) != C)
            continue;
        const float *clo, *chi;
        if (arv_calib_channels(b->cal, t, &clo, &chi) != C)
            continue;
        float *k = own(b, malloc(sizeof(float) * (size_t)C));
        if (!k)
            return;
        double M = 0;
        for (int c = 0; c < C; c++) {
            double m = fmax(fabs(clo[c]), fabs(chi[c]));
            M = m > M ? m : M;
        }
        if (!(M > 0) || !isfinite(M))
            continue;
        const double T = A->p.act == TFL_ACT_RELU6 ? 0.5 * M : M;
        int any = 0;
        double lo = 0, hi = 0;
        for (int c = 0; c < C; c++) {
            double m = fmax(fabs(clo[c]), fabs(chi[c])), kc = m > 0 ? T / m : 1.0;
            if (bconv)
                kc = sqrt(kc);
            kc = kc < 1.0 ? 1.0 : kc > 256.0 ? 256.0 : kc;
            k[c] = (float)kc;
            any |= kc > 1.0;
            lo = fmin(lo, kc * clo[c]);
            hi = fmax(hi, kc * chi[c]);
        }
        if (!any)
            continue;
        size_t naw = arv_tensor_elems(&AW->t), nbw = arv_tensor_elems(&BW->t);
        float *w1 = own(b, malloc(sizeof(float) * naw)), *b1 = own(b, malloc(sizeof(float) * (size_t)C));
        float *w2 = own(b, malloc(sizeof(float) * nbw));
        if (b->oom)
            return;
        const float *ow = AW->const_data, *ob = AB->const_data, *obw = BW->const_data;
        const size_t inner = A->op == TFL_CONV_2D ? naw / (size_t)C : 1;
        for (size_t j = 0; j < naw; j++)
            w1[j] = ow[j] * k[A->op == TFL_CONV_2D ? j / inner : j % (size_t)C];
        for (int c = 0; c < C; c++)
            b1[c] = ob[c] * k[c];
        /* B's input channel is its weights' last dimension (CONV_2D
         * [O,kh,kw,I]; DEPTHWISE_CONV_2D [1,kh,kw,C] with multiplier 1) */
        for (size_t j = 0; j < nbw; j++)
            w2[j] = obw[j] / k[j % (size_t)C];
        b->wov[aw] = w1;
        if (!bias_zero)
            b->wov[ab] = b1;
        b->wov[bw] = w2;
        b->eqk[t] = k;
        b->rep.n_equalized++;
        b->lo[t] = (float)lo;
        b->hi[t] = (float)hi;
        b->has[t] = 1;
    }
}

static int report_equalized(const qb *b, arv_quant_report *rep);

static void tie(qb *b)
{

    const arv_graph *g = b->g;
    for (int i = 0; i < g->n_nodes; i++) {
        const arv_node *n = &g->nodes[i];
        int tied;
        if (n->folded || !b->q8[i])
            continue;
        q_supported(n->op, &tied);
        if (n->op == TFL_LOGISTIC)
            b->fixed[find(b, n->out[0])] = 1;
        if (!tied)
            continue;
        for (int k = 0; k < n->n_in; k++)
            if (n->in[k] >= 0 && g->tensors[n->in[k]].t.type == ARV_FLOAT32)
                unite(b, n->out[0], n->in[k]);
    }
    for (int i = 0; i < g->n_tensors; i++) {
        int r = find(b, i);
        if (b->has[r]) {
            b->lo[i] = b->lo[r];
            b->hi[i] = b->hi[r];
        }
    }
}

/* Node n computed in int8, or in 16x8 when wide. */
static void emit_quantized(qb *b, const arv_node *n, int wide)
{
    const arv_graph *g = b->g;
    int w = -1, qd = 0, x = -1, bias = -1;
    int has_w = weight_role(n, &w, &qd, &x, &bias);
    int custom = n->op == ARV_OP_CUSTOM_TRANSPOSE_CONV_BIAS;
    int n_in = custom ? 4 : n->n_in;
    int in_new[64];
    if (n_in > 64) {
        b->oom = 1;
        return;
    }
    float in_s = 0.0f;
    int32_t in_zp = 0;
    if (has_w && wide)
        in_s = act16_scale(b, n->in[x]);
    else if (has_w)
        act_params(b, n->in[x], &in_s, &in_zp);
    const float *w_s = NULL;
    int nc = 0;
    for (int k = 0; k < n->n_in; k++) {
        int ti = n->in[k];
        if (ti < 0) {
            in_new[k] = -1;
            continue;
        }
        if (has_w && k == w) {
            const float *bf = NULL;
            if (bias >= 0 && bias < n->n_in && n->in[bias] >= 0 &&
                arv_tensor_elems(&g->tensors[n->in[bias]].t) ==
                    (size_t)g->tensors[ti].t.dims[qd])
                bf = cdata(b, n->in[bias]);
            float out_s;
            int32_t out_zp;
            act_params(b, n->out[0], &out_s, &out_zp);
            if (wide)
                out_s = act16_scale(b, n->out[0]);
            /* an int64 bias holds any bias: no weight scale widening */
            in_new[k] = quant_weights(b, (int)(n - g->nodes), n->in[x], ti, qd, wide ? NULL : bf,
                                      in_s, out_s, wide, &w_s, &nc);
        }
        else if (has_w && k == bias)
            in_new[k] = -2;   /* after the weights */
        else if (g->tensors[ti].t.type == ARV_FLOAT32)
            in_new[k] = wide ? get_q16(b, ti) : get_q(b, ti);
        else
            in_new[k] = get_f(b, ti);
        if (b->oom)
            return;
    }
    if (has_w && bias >= 0 && bias < n->n_in && n->in[bias] >= 0)
        in_new[bias] = quant_bias(b, n->in[bias], in_s, w_s, nc, wide);
    const arv_gtensor *ot = &g->tensors[n->out[0]];
    int out = new_tensor(b, ot, wide ? ARV_INT16 : ARV_INT8,
                         ot->is_output ? name_with(b, ot->t.name, wide ? "/int16" : "/int8")
                                       : ot->t.name);
    if (b->oom)
        return;
    if (wide) {
        b->t[out].t.scale = act16_scale(b, n->out[0]);
        b->q16idx[n->out[0]] = out;
        b->p16[n->out[0]] = 1;
    } else {
        act_params(b, n->out[0], &b->t[out].t.scale, &b->t[out].t.zero_point);
        b->qidx[n->out[0]] = out;
    }

    if (custom) {
        /* TRANSPOSE_CONV(output_shape, weights, input, bias) */
        arv_gtensor shape = {0};
        shape.t.ndim = 1;
        shape.t.dims[0] = 4;
        int st = new_tensor(b, &shape, ARV_INT32, name_with(b, ot->t.name, "/output_shape"));
        int32_t *sd = own(b, malloc(4 * sizeof(int32_t)));
        arv_node *nn = new_node(b, TFL_TRANSPOSE_CONV, 3, 4, 1);
        if (b->oom || !nn)
            return;
        for (int d = 0; d < 4; d++)
            sd[d] = ot->t.ndim == 4 ? ot->t.dims[d] : 1;
        b->t[st].const_data = sd;
        nn->p = n->p;
        nn->p.act = TFL_ACT_NONE;
        nn->in[0] = st;
        nn->in[1] = in_new[1];
        nn->in[2] = in_new[0];
        nn->in[3] = in_new[2];
        nn->out[0] = out;
        return;
    }
    int v = q_version(n->op, n->version);
    if (wide && q16_version(n->op) > v)
        v = q16_version(n->op);
    arv_node *nn = new_node(b, n->op, v, n->n_in, 1);
    if (b->oom || !nn)
        return;
    nn->p = n->p;
    if (wide)
        nn->p.pot_scale_int16 = 0;   /* ADD: the general-scale int16 form */
    for (int k = 0; k < n->n_in; k++)
        nn->in[k] = in_new[k];
    nn->out[0] = out;
}

/* A TRANSPOSE_CONV output-shape constant for old tensor ot. */
static int shape_const(qb *b, const arv_gtensor *ot)
{
    arv_gtensor shape = {0};
    shape.t.ndim = 1;
    shape.t.dims[0] = 4;
    int st = new_tensor(b, &shape, ARV_INT32, name_with(b, ot->t.name, "/output_shape"));
    int32_t *sd = own(b, malloc(4 * sizeof(int32_t)));
    if (b->oom)
        return -1;
    for (int d = 0; d < 4; d++)
        sd[d] = ot->t.ndim == 4 ? ot->t.dims[d] : 1;
    b->t[st].const_data = sd;
    return st;
}

static void emit_float(qb *b, const arv_node *n)
{
    int in_new[64];
    if (n->n_in > 64 || n->n_out > 64) {
        b->oom = 1;
        return;
    }
    if (n->op == ARV_OP_CUSTOM_TRANSPOSE_CONV_BIAS && n->n_in == 3 && n->n_out == 1) {
        /* kept in float, still as the builtin TRANSPOSE_CONV (output shape,
         * weights, input, bias; version 3): stock TFLite has no
         * Convolution2DTransposeBias */
        const arv_gtensor *ot = &b->g->tensors[n->out[0]];
        int st = shape_const(b, ot);
        int w = get_f(b, n->in[1]), x = get_f(b, n->in[0]), bias = get_f(b, n->in[2]);
        int out = new_tensor(b, ot, ot->t.type, ot->t.name);
        arv_node *nn = new_node(b, TFL_TRANSPOSE_CONV, 3, 4, 1);
        if (b->oom || !nn || st < 0)
            return;
        b->fidx[n->out[0]] = out;
        nn->p = n->p;
        nn->p.act = TFL_ACT_NONE;
        nn->in[0] = st;
        nn->in[1] = w;
        nn->in[2] = x;
        nn->in[3] = bias;
        nn->out[0] = out;
        return;
    }
    for (int k = 0; k < n->n_in; k++)
        in_new[k] = n->in[k] < 0 ? -1 : get_f(b, n->in[k]);
    int out_new[64];
    for (int k = 0; k < n->n_out; k++) {
        const arv_gtensor *ot = &b->g->tensors[n->out[k]];
        out_new[k] = new_tensor(b, ot, ot->t.type, ot->t.name);
        if (b->oom)
            return;
        b->t[out_new[k]].t.scale = ot->t.scale;
        b->t[out_new[k]].t.zero_point = ot->t.zero_point;
        b->fidx[n->out[k]] = out_new[k];
    }
    arv_node *nn = new_node(b, n->op, n->version, n->n_in, n->n_out);
    if (b->oom || !nn)
        return;
    nn->p = n->p;
    memcpy(nn->in, in_new, sizeof(int) * (size_t)n->n_in);
    memcpy(nn->out, out_new, sizeof(int) * (size_t)n->n_out);
}

static void qb_free(qb *b)
{
    for (int i = 0; i < b->n_own; i++)
        free(b->own[i]);
    free(b->own);
    free(b->t);
    free(b->wq);
    free(b->n);
    free(b->fidx);
    free(b->qidx);
    free(b->q16idx);
    free(b->p16);
    free(b->par);
    free(b->lo);
    free(b->hi);
    free(b->has);
    free(b->fixed);
    free(b->q8);
    free(b->wov);
    free(b->eqk);
}

arv_status arv_quantize_model_mem(const arv_model *m, const arv_calib *c,
                                  const arv_quant_opts *opt, uint8_t **out, size_t *len,
                                  arv_quant_report *rep, char *err)
{
    if (rep)
        memset(rep, 0, sizeof *rep);   /* nothing to free on failure */
    const arv_graph *g = &m->g;
    qb b = {.g = g, .cal = c, .opt = opt, .err = err};
    size_t nt = (size_t)g->n_tensors + 1;
    b.fidx = malloc(nt * sizeof(int));
    b.qidx = malloc(nt * sizeof(int));
    b.q16idx = malloc(nt * sizeof(int));
    b.p16 = calloc(nt, sizeof(int));
    b.par = malloc(nt * sizeof(int));
    b.lo = calloc(nt, sizeof(float));
    b.hi = calloc(nt, sizeof(float));
    b.has = calloc(nt, sizeof(int));
    b.fixed = calloc(nt, sizeof(int));
    b.q8 = calloc((size_t)g->n_nodes + 1, sizeof(int));
    b.wov = calloc(nt, sizeof(float *));
    b.eqk = calloc(nt, sizeof(float *));
    *out = NULL;
    *len = 0;
    arv_status s = ARV_OK;
    if (!b.fidx || !b.qidx || !b.q16idx || !b.p16 || !b.par || !b.lo || !b.hi || !b.has || !b.fixed || !b.q8 || !b.wov || !b.eqk) {
        qb_free(&b);
        arv_set_err(err, "out of memory");
        return ARV_ERR_NOMEM;
    }
    for (int i = 0; i < g->n_tensors; i++)
        b.fidx[i] = b.qidx[i] = b.q16idx[i] = -1;
    ranges(&b);
    classify(&b);
    wide_ranges(&b);
    if (opt && opt->equalize)
        equalize(&b);
    tie(&b);

    int *ins = own(&b, calloc((size_t)g->n_inputs + 1, sizeof(int)));
    int *outs = own(&b, calloc((size_t)g->n_outputs + 1, sizeof(int)));
    for (int i = 0; i < g->n_inputs && !b.oom; i++) {
        const arv_gtensor *t = &g->tensors[g->inputs[i]];
        int k = new_tensor(&b, t, t->t.type, t->t.name);
        if (!b.oom) {
            b.t[k].is_input = 1;
            b.fidx[g->inputs[i]] = ins[i] = k;
        }
    }
    for (int i = 0; i < g->n_nodes && !b.oom; i++) {
        const arv_node *n = &g->nodes[i];
        if (n->folded)
            continue;
        int before = b.nn;
        if (b.q8[i])
            emit_quantized(&b, n, b.q8[i] == 2);
        else
            emit_float(&b, n);
        /* count the op itself, not the conversions it pulled in */
        if (b.nn > before) {
            b.rep.n_int8_ops += b.q8[i] == 1;
            b.rep.n_int16_ops += b.q8[i] == 2;
            b.rep.n_float_ops += !b.q8[i];
        }
    }
    for (int i = 0; i < g->n_outputs && !b.oom; i++) {
        outs[i] = get_f(&b, g->outputs[i]);
        if (!b.oom)
            b.t[outs[i]].is_output = 1;
    }
    if (b.oom) {
        qb_free(&b);
        arv_set_err(err, "out of memory quantizing");
        return ARV_ERR_NOMEM;
    }
    arv_graph ng = {0};
    ng.n_tensors = b.nt;
    ng.tensors = b.t;
    ng.n_nodes = b.nn;
    ng.nodes = b.n;
    ng.n_inputs = g->n_inputs;
    ng.inputs = ins;
    ng.n_outputs = g->n_outputs;
    ng.outputs = outs;
    snprintf(ng.description, sizeof ng.description, "%.100s (int8, arv quantize)",
             g->description[0] ? g->description : "model");
    s = arv_tflite_write(&ng, b.wq, NULL, out, len, err);
    b.rep.n_ops = b.nn;
    if (rep && s == ARV_OK) {
        *rep = b.rep;
        if (report_equalized(&b, rep) != 0) {
            arv_quant_report_free(rep);
            s = ARV_ERR_NOMEM;
            snprintf(err, ARV_ERR_LEN, "out of memory");
        }
    }
    qb_free(&b);
    return s;
}

/* Copies of the equalization factors, for the report to undo. */
static int report_equalized(const qb *b, arv_quant_report *rep)
{
    const arv_graph *g = b->g;
    rep->eq = NULL;
    rep->n_eq = 0;
    int n = 0;
    for (int t = 0; t < g->n_tensors; t++)
        n += b->eqk[t] != NULL;
    if (!n)
        return 0;
    rep->eq = calloc((size_t)n, sizeof *rep->eq);
    if (!rep->eq)
        return -1;
    for (int t = 0; t < g->n_tensors; t++) {
        if (!b->eqk[t])
            continue;
        const arv_tensor *tt = &g->tensors[t].t;
        arv_quant_eq *e = &rep->eq[rep->n_eq++];
        e->nc = tt->ndim > 0 ? tt->dims[tt->ndim - 1] : 1;
        e->name = strdup(tt->name ? tt->name : "");
        e->k = malloc(sizeof(float) * (size_t)e->nc);
        if (!e->name || !e->k)
            return -1;
        memcpy(e->k, b->eqk[t], sizeof(float) * (size_t)e->nc);
    }
    return 0;
}

void arv_quant_report_free(arv_quant_report *rep)
{
    if (!rep)
        return;
    for (int i = 0; i < rep->n_eq; i++) {
        free(rep->eq[i].name);
        free(rep->eq[i].k);
    }
    free(rep->eq);
    rep->eq = NULL;
    rep->n_eq = 0;
}

int arv_quant_candidates(const arv_model *m, const arv_calib *c, const arv_quant_opts *opt,
                         const char **names, uint64_t *macs, int cap)
{
    const arv_graph *g = &m->g;
    arv_quant_opts quiet = *opt;
    quiet.warn = NULL;
    qb b = {.g = g, .cal = c, .opt = &quiet};
    size_t nt = (size_t)g->n_tensors + 1;
    b.par = malloc(nt * sizeof(int));
    b.lo = calloc(nt, sizeof(float));
    b.hi = calloc(nt, sizeof(float));
    b.has = calloc(nt, sizeof(int));
    b.fixed = calloc(nt, sizeof(int));
    b.q8 = calloc((size_t)g->n_nodes + 1, sizeof(int));
    int n = -1;
    if (b.par && b.lo && b.hi && b.has && b.fixed && b.q8) {
        ranges(&b);
        classify(&b);
        n = b.oom ? -1 : 0;
    }
    for (int i = 0; n >= 0 && i < g->n_nodes && n < cap; i++) {
        const arv_node *p = &g->nodes[i];
        int tied;
        if (p->folded || !b.q8[i] || p->n_out != 1 || !q_supported(p->op, &tied) || tied)
            continue;
        const int t = p->out[0];
        if (g->tensors[t].is_output || !g->tensors[t].t.name)
            continue;
        uint64_t cost = p->macs;
        for (int j = 0; j < g->n_nodes; j++) {
            const arv_node *r = &g->nodes[j];
            if (r->folded || !b.q8[j])
                continue;
            for (int k = 0; k < r->n_in; k++)
                if (r->in[k] == t) {
                    cost += r->macs;
                    break;
                }
        }
        names[n] = g->tensors[t].t.name;
        if (macs)
            macs[n] = cost;
        n++;
    }
    qb_free(&b);
    return n;
}

arv_status arv_quantize_model(const arv_model *m, const arv_calib *c,
                              const arv_quant_opts *opt, const char *path,
                              arv_quant_report *rep, char *err)
{
    uint8_t *p;
    size_t n;
    arv_status s = arv_quantize_model_mem(m, c, opt, &p, &n, rep, err);
    if (s != ARV_OK)
        return s;
    s = arv_write_bytes_atomic(path, p, n, err);
    free(p);
    if (s != ARV_OK)
        arv_quant_report_free(rep);
    return s;
}
