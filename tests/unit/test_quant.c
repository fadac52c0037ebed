/* test_quant.c — calibration and the int8 rewrite on the real models:
 * calibrate on a few seeded random inputs, quantize, and check the written
 * file structurally against TFLite's quantization spec (arv cannot run int8
 * models yet, so numbers are not compared here):
 *   - it passes our verifier; quantizing twice gives the same bytes;
 *   - inputs and outputs stay float32; no custom op is left
 *     (Convolution2DTransposeBias became TRANSPOSE_CONV);
 *   - CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED / TRANSPOSE_CONV take
 *     int8 input, int8 weights with one symmetric scale per output channel
 *     (zero points 0, values in [-127, 127]), int32 bias with scale
 *     input_scale * weight_scale[c], and give int8 output;
 *   - LOGISTIC outputs have scale 1/256 and zero point -128;
 *   - every op reading a tensor sees the type its producer wrote.
 * Also: the calibration observer sees every op output, and ranges match a
 * direct read of the model outputs; a tensor asked to stay float
 * (float_tensors, one of arv_quant_candidates) is written as float only;
 * tensors asked in int16 (int16_tensors) are written in TFLite's 16x8 form
 * (int16 symmetric activations with the calibrated min/max, int64 bias),
 * entered from int8 through DEQUANTIZE + QUANTIZE, and the model runs. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "arv.h"
#include "model/tflite_model.h"
#include "model/tflite_schema.h"
#include "quant/quant.h"
#include "util/model_path.h"
#include "util/xorshift.h"
#include "support/testutil.h"

#define EXPECT(c, ...) do { if (!(c)) ck_abort_msg(__VA_ARGS__); } while (0)

static const char *MODELS[] = {
    "selfie_segmentation", "selfie_segmentation_landscape", "pose_detection",
    "pose_landmark_lite", "palm_detection_lite", "hand_landmark_lite",
};
#define N_MODELS ((int)(sizeof MODELS / sizeof MODELS[0]))

typedef struct tinfo {
    int type, n_scale, qdim;
    float scale0;
    int64_t zp0;
    int nonzero_zp;
    const float *scales;   /* into a copy */
    int dim0, dimlast, ndim;
    uint32_t buffer;
} tinfo;

static void read_tensor(const fb_buf *b, const fb_table *t, tinfo *ti, float *scales, int max_sc)
{
    int bad = 0;
    fb_table q;
    fb_vec shape;
    memset(ti, 0, sizeof *ti);
    ti->type = fb_get_u8(t, TENSOR_TYPE, 0, &bad);
    ti->buffer = fb_get_u32(t, TENSOR_BUFFER, 0, &bad);
    fb_get_vec(t, TENSOR_SHAPE, 4, &shape, &bad);
    ti->ndim = (int)shape.n;
    ti->dim0 = shape.n ? (int)fb_u32(b, shape.data) : 0;
    ti->dimlast = shape.n ? (int)fb_u32(b, shape.data + 4ull * (shape.n - 1)) : 0;
    if (fb_get_table(t, TENSOR_QUANTIZATION, &q, &bad)) {
        fb_vec sc, zp;
        fb_get_vec(&q, QP_SCALE, 4, &sc, &bad);
        fb_get_vec(&q, QP_ZERO_POINT, 8, &zp, &bad);
        ti->n_scale = (int)sc.n;
        ti->qdim = fb_get_i32(&q, QP_QUANTIZED_DIMENSION, 0, &bad);
        for (uint32_t i = 0; i < sc.n && (int)i < max_sc; i++)
            scales[i] = fb_f32(b, sc.data + 4ull * i);
        ti->scale0 = sc.n ? scales[0] : 0.0f;
        ti->scales = scales;
        for (uint32_t i = 0; i < zp.n; i++)
            ti->nonzero_zp |= fb_u64(b, zp.data + 8ull * i) != 0;
        ti->zp0 = zp.n ? (int64_t)fb_u64(b, zp.data) : 0;
    }
    ck_assert(!bad);
}

static void check_model(const uint8_t *p, size_t len, const char *name)
{
    char err[ARV_ERR_LEN] = "";
    fb_buf b = {p, len};
    ck_assert_msg(arv_tflite_verify(&b, err), "%s: %s", name, err);
    fb_table mt, sg, ot, oc;
    fb_vec subgraphs, tensors, ops, codes, bufs, iv, ov;
    int bad = 0;
    ck_assert(fb_root(&b, &mt));
    fb_get_vec(&mt, MODEL_SUBGRAPHS, 4, &subgraphs, &bad);
    fb_get_vec(&mt, MODEL_OPERATOR_CODES, 4, &codes, &bad);
    fb_get_vec(&mt, MODEL_BUFFERS, 4, &bufs, &bad);
    ck_assert(fb_vec_table(&b, &subgraphs, 0, &sg));
    fb_get_vec(&sg, SG_TENSORS, 4, &tensors, &bad);
    fb_get_vec(&sg, SG_OPERATORS, 4, &ops, &bad);
    int nt = (int)tensors.n;
    tinfo *ti = calloc((size_t)nt + 1, sizeof *ti);
    float *sc = calloc((size_t)nt * 1024 + 1, sizeof(float));
    int *written = calloc((size_t)nt + 1, sizeof(int));
    for (int i = 0; i < nt; i++) {
        fb_table t;
        ck_assert(fb_vec_table(&b, &tensors, (uint32_t)i, &t));
        read_tensor(&b, &t, &ti[i], sc + (size_t)i * 1024, 1024);
    }
    fb_get_vec(&sg, SG_INPUTS, 4, &iv, &bad);
    fb_get_vec(&sg, SG_OUTPUTS, 4, &ov, &bad);
    for (uint32_t i = 0; i < iv.n; i++) {
        int k = (int)fb_u32(&b, iv.data + 4ull * i);
        ck_assert_int_eq(ti[k].type, ARV_FLOAT32);
        written[k] = 1;
    }
    for (uint32_t i = 0; i < ov.n; i++)
        ck_assert_int_eq(ti[(int)fb_u32(&b, ov.data + 4ull * i)].type, ARV_FLOAT32);
    for (int i = 0; i < nt; i++)
        written[i] |= ti[i].buffer != 0;
    int n_q = 0, n_dq = 0, n_conv = 0, n_int8 = 0;
    for (uint32_t i = 0; i < ops.n; i++) {
        ck_assert(fb_vec_table(&b, &ops, i, &ot));
        uint32_t ci = fb_get_u32(&ot, OP_OPCODE_INDEX, 0, &bad);
        ck_assert(ci < codes.n && fb_vec_table(&b, &codes, ci, &oc));
        int code = fb_get_i32(&oc, OPC_BUILTIN_CODE, 0, &bad);
        ck_assert_msg(code != TFL_CUSTOM, "%s: custom op left", name);
        fb_vec in, out;
        fb_get_vec(&ot, OP_INPUTS, 4, &in, &bad);
        fb_get_vec(&ot, OP_OUTPUTS, 4, &out, &bad);
        int x[8] = {-1, -1, -1, -1, -1, -1, -1, -1};
        for (uint32_t k = 0; k < in.n && k < 8; k++)
            x[k] = (int32_t)fb_u32(&b, in.data + 4ull * k);
        int y = (int32_t)fb_u32(&b, out.data);
        /* topological: every input exists before it is read */
        for (uint32_t k = 0; k < in.n && k < 8; k++)
            EXPECT(x[k] < 0 || written[x[k]], "%s: op %u reads tensor %d before it is written",
                   name, i, x[k]);
        for (uint32_t k = 0; k < out.n; k++)
            written[(int32_t)fb_u32(&b, out.data + 4ull * k)] = 1;
        n_q += code == TFL_QUANTIZE;
        n_dq += code == TFL_DEQUANTIZE;
        /* float -> int8 or int16; int16 -> int8 (TFLite has no int8 -> int16) */
        if (code == TFL_QUANTIZE)
            EXPECT((ti[x[0]].type == ARV_FLOAT32 &&
                    (ti[y].type == ARV_INT8 || ti[y].type == ARV_INT16)) ||
                   (ti[x[0]].type == ARV_INT16 && ti[y].type == ARV_INT8), "QUANTIZE types");
        if (code == TFL_DEQUANTIZE && (ti[x[0]].type == ARV_INT8 || ti[x[0]].type == ARV_INT16))
            EXPECT(ti[y].type == ARV_FLOAT32, "DEQUANTIZE types");
        if (ti[y].type == ARV_INT16)
            EXPECT(ti[y].zp0 == 0 && ti[y].n_scale == 1, "%s: op %u int16 output not symmetric",
                   name, i);
        n_int8 += ti[y].type == ARV_INT8 && code != TFL_QUANTIZE;
        int xi = -1, wi = -1, bi = -1, qd = 0;
        if (code == TFL_CONV_2D || code == TFL_FULLY_CONNECTED) {
            xi = x[0]; wi = x[1]; bi = x[2];
        } else if (code == TFL_DEPTHWISE_CONV_2D) {
            xi = x[0]; wi = x[1]; bi = x[2]; qd = 3;
        } else if (code == TFL_TRANSPOSE_CONV) {
            xi = x[2]; wi = x[1]; bi = x[3];
        }
        if (code == TFL_LOGISTIC && ti[y].type == ARV_INT8)
            EXPECT(ti[y].scale0 == 1.0f / 256.0f && ti[y].zp0 == -128, "%s: LOGISTIC output", name);
        if (wi < 0 || (ti[y].type != ARV_INT8 && ti[y].type != ARV_INT16))
            continue;
        n_conv++;
        const tinfo *X = &ti[xi], *W = &ti[wi];
        const int wide = ti[y].type == ARV_INT16;
        EXPECT(X->type == ti[y].type && X->n_scale == 1, "%s: op %u input not %s", name, i,
               wide ? "int16" : "int8");
        EXPECT(W->type == ARV_INT8 && !W->nonzero_zp && W->qdim == qd, "%s: op %u weights", name, i);
        int nch = qd == 0 ? W->dim0 : W->dimlast;
        EXPECT(W->n_scale == nch, "%s: op %u: %d weight scales for %d channels", name, i,
               W->n_scale, nch);
        if (bi >= 0) {
            const tinfo *B = &ti[bi];
            EXPECT(B->type == (wide ? ARV_INT64 : ARV_INT32) && B->n_scale == nch &&
                   !B->nonzero_zp, "%s: op %u bias", name, i);
            for (int c = 0; c < nch && c < 1024; c++)
                EXPECT(fabsf(B->scales[c] - X->scale0 * W->scales[c]) <= 1e-6f * B->scales[c],
                       "%s: op %u bias scale %d", name, i, c);
        }
    }
    ck_assert_int_eq(n_q >= (int)iv.n, 1);
    ck_assert_int_gt(n_conv, 0);
    printf("%s: %u ops (%d int8, %d QUANTIZE, %d DEQUANTIZE, %d conv/fc), %zu bytes\n", name,
           ops.n, n_int8, n_q, n_dq, n_conv, len);
    ck_assert(!bad);
    free(ti);
    free(sc);
    free(written);
}

static int warned;
static void on_warn(void *u, const char *msg)
{
    (void)u;
    if (warned++ < 3)
        printf("  warning: %s\n", msg);
}

/* Every third candidate in int16: written as 16x8 with the calibrated
 * min/max, valid, deterministic, and runnable with finite outputs. */
static void int16_region(const arv_model *m, const arv_calib *c, const arv_quant_opts *base,
                         const char **names, int nc)
{
    char err[ARV_ERR_LEN] = "";
    static const char *w16[2048];
    int n16 = 0;
    for (int i = 0; i < nc && n16 < 2048; i += 3)
        w16[n16++] = names[i];
    arv_quant_opts o = *base;
    o.int16_tensors = w16;
    o.n_int16_tensors = n16;
    o.warn = NULL;
    uint8_t *p, *p2;
    size_t len, len2;
    arv_quant_report r;
    ck_assert_msg(arv_quantize_model_mem(m, c, &o, &p, &len, &r, err) == ARV_OK, "%s", err);
    ck_assert_msg(arv_quantize_model_mem(m, c, &o, &p2, &len2, NULL, err) == ARV_OK, "%s", err);
    ck_assert_msg(len == len2 && memcmp(p, p2, len) == 0, "int16: not deterministic");
    ck_assert_msg(r.n_int16_ops > 0 && r.n_int8_ops > 0, "int16 ops %d, int8 ops %d",
                  r.n_int16_ops, r.n_int8_ops);
    arv_quant_report_free(&r);
    check_model(p, len, "int16 regions");
    arv_model *q;
    ck_assert_msg(arv_model_open_buffer(p, len, NULL, &q, err) == ARV_OK, "%s", err);
    int seen = 0;
    for (int k = 0; k < n16; k++)
        for (int t = 0; t < q->g.n_tensors; t++) {
            const arv_tensor *tt = &q->g.tensors[t].t;
            if (!tt->name || strcmp(tt->name, w16[k]) != 0 || tt->type != ARV_INT16)
                continue;
            /* the scale covers the calibrated min/max, no clipping */
            int src = -1;
            for (int j = 0; j < m->g.n_tensors && src < 0; j++)
                if (m->g.tensors[j].t.name && strcmp(m->g.tensors[j].t.name, w16[k]) == 0)
                    src = j;
            float lo, hi;
            ck_assert(src >= 0 && arv_calib_range(c, src, &lo, &hi));
            const float want = fmaxf(fabsf(lo), fabsf(hi)) / 32767.0f;
            EXPECT(tt->zero_point == 0 && fabsf(tt->scale - want) <= 1e-6f * want + 1e-12f,
                   "%s: int16 scale %g, want %g", w16[k], tt->scale, want);
            seen++;
        }
    ck_assert_msg(seen > 0, "no tensor written as int16");
    arv_interp *it;
    arv_options io = {.num_threads = 1};
    ck_assert_msg(arv_interp_new(q, &io, &it, err) == ARV_OK, "%s", err);
    for (int i = 0; i < arv_interp_num_inputs(it); i++) {
        arv_tensor *t = arv_interp_input(it, i);
        float *d = t->data;
        for (size_t j = 0; j < arv_tensor_elems(t); j++)
            d[j] = 0.5f;
    }
    ck_assert_int_eq(arv_interp_invoke(it), ARV_OK);
    for (int k = 0; k < arv_interp_num_outputs(it); k++) {
        const arv_tensor *t = arv_interp_output(it, k);
        const float *d = t->data;
        for (size_t j = 0; j < arv_tensor_elems(t); j++)
            EXPECT(isfinite(d[j]), "output %d not finite", k);
    }
    printf("  int16 regions: %d of %d candidates asked, %d int16 ops, %d tensors int16\n", n16,
           nc, r.n_int16_ops, seen);
    arv_interp_free(it);
    arv_model_close(q);
    free(p);
    free(p2);
}

START_TEST(models)
{
    char path[4096], err[ARV_ERR_LEN] = "";
    snprintf(path, sizeof path, "%s/models/%s.tflite", tu_srcdir(), MODELS[_i]);
    if (access(path, R_OK) != 0) {
        printf("%s: not present (make models); skipped\n", path);
        return;
    }
    arv_model *m;
    ck_assert_msg(arv_model_open(path, NULL, &m, err) == ARV_OK, "%s", err);
    arv_calib *c;
    ck_assert_msg(arv_calib_new(m, 1, &c, err) == ARV_OK, "%s", err);
    uint32_t st = arv_xorshift_init(77);
    for (int run = 0; run < 2; run++) {
        for (int i = 0; i < arv_calib_num_inputs(c); i++) {
            arv_tensor *t = arv_calib_input(c, i);
            arv_xorshift_fill(&st, 0.0f, 1.0f, t->data, arv_tensor_elems(t));
        }
        ck_assert_int_eq(arv_calib_run(c, err), ARV_OK);
    }
    ck_assert_int_eq(arv_calib_runs(c), 2);
    /* every executed op's output has a range */
    for (int i = 0; i < m->g.n_nodes; i++) {
        const arv_node *n = &m->g.nodes[i];
        float lo, hi;
        if (!n->folded && m->g.tensors[n->out[0]].t.type == ARV_FLOAT32)
            EXPECT(arv_calib_range(c, n->out[0], &lo, &hi) && lo <= hi, "op %d: no range", i);
    }
    /* percentile ranges: inside min/max, and narrower for a lower pct */
    ck_assert_int_eq(arv_calib_start_histograms(c, 2048, err), ARV_OK);
    st = arv_xorshift_init(77);
    for (int run = 0; run < 2; run++) {
        for (int i = 0; i < arv_calib_num_inputs(c); i++) {
            arv_tensor *t = arv_calib_input(c, i);
            arv_xorshift_fill(&st, 0.0f, 1.0f, t->data, arv_tensor_elems(t));
        }
        ck_assert_int_eq(arv_calib_run(c, err), ARV_OK);
    }
    for (int i = 0; i < m->g.n_nodes; i++) {
        const arv_node *n = &m->g.nodes[i];
        float lo, hi, plo, phi, qlo, qhi;
        if (n->folded || !arv_calib_range(c, n->out[0], &lo, &hi))
            continue;
        ck_assert(arv_calib_range_pct(c, n->out[0], 99.99, &plo, &phi));
        ck_assert(arv_calib_range_pct(c, n->out[0], 90.0, &qlo, &qhi));
        EXPECT(lo <= plo && plo <= qlo && qlo <= qhi && qhi <= phi && phi <= hi,
               "op %d: [%g %g] [%g %g] [%g %g]", i, lo, hi, plo, phi, qlo, qhi);
    }
    /* MSE ranges: inside min/max, and holding 0 where min/max does */
    for (int i = 0; i < m->g.n_nodes; i++) {
        const arv_node *n = &m->g.nodes[i];
        float lo, hi, mlo, mhi;
        if (n->folded || !arv_calib_range(c, n->out[0], &lo, &hi))
            continue;
        ck_assert(arv_calib_range_mse(c, n->out[0], &mlo, &mhi));
        EXPECT(lo <= mlo && mlo <= mhi && mhi <= hi, "op %d: mse [%g %g] outside [%g %g]", i, mlo,
               mhi, lo, hi);
        EXPECT(!(lo <= 0 && hi >= 0) || (mlo <= 0.0f + (hi - lo) / 2048 && mhi >= -(hi - lo) / 2048),
               "op %d: mse [%g %g] lost 0", i, mlo, mhi);
    }
    /* the task defaults' options: valid and deterministic too */
    {
        warned = 0;
        arv_quant_opts o2 = {.mse = 1, .equalize = 2, .float_heads = 1, .warn = on_warn};
        uint8_t *a, *b2;
        size_t la, lb;
        arv_quant_report r2;
        ck_assert_msg(arv_quantize_model_mem(m, c, &o2, &a, &la, &r2, err) == ARV_OK, "%s", err);
        ck_assert_msg(arv_quantize_model_mem(m, c, &o2, &b2, &lb, NULL, err) == ARV_OK, "%s", err);
        ck_assert_msg(la == lb && memcmp(a, b2, la) == 0, "%s: mse/equalize not deterministic",
                      MODELS[_i]);
        ck_assert_msg(r2.n_float_ops > 0, "%s: float_heads kept nothing in float", MODELS[_i]);
        /* every model here has a conv feeding only a conv; palm_detection_lite's
         * depthwise convs share one zero bias, which must not stop them */
        ck_assert_msg(r2.n_equalized > 0, "%s: nothing equalized", MODELS[_i]);
        /* the report lists every rescaled activation with factors >= 1
         * (equalization only widens narrow channels), on an activation of
         * the float model with that many channels */
        ck_assert_msg(r2.n_eq > 0 && r2.n_eq <= r2.n_equalized, "%s: %d rescaled activations "
                      "for %d pairs", MODELS[_i], r2.n_eq, r2.n_equalized);
        int above = 0;
        for (int e = 0; e < r2.n_eq; e++) {
            const arv_quant_eq *q = &r2.eq[e];
            int found = 0;
            for (int t = 0; t < m->g.n_tensors && !found; t++) {
                const arv_tensor *tt = &m->g.tensors[t].t;
                found = tt->name && strcmp(tt->name, q->name) == 0 && tt->ndim > 0 &&
                        tt->dims[tt->ndim - 1] == q->nc;
            }
            ck_assert_msg(found, "%s: rescaled '%s' (%d channels) not in the model", MODELS[_i],
                          q->name, q->nc);
            for (int k = 0; k < q->nc; k++) {
                ck_assert_msg(q->k[k] >= 1.0f && q->k[k] <= 256.0f, "%s: %s k[%d] = %g",
                              MODELS[_i], q->name, k, (double)q->k[k]);
                above += q->k[k] > 1.0f;
            }
        }
        ck_assert_msg(above > 0, "%s: no channel rescaled", MODELS[_i]);
        arv_quant_report_free(&r2);
        ck_assert_msg(r2.eq == NULL && r2.n_eq == 0, "report not cleared");
        check_model(a, la, MODELS[_i]);
        /* float tensors: a candidate kept in float is written as float only
         * (its producer and readers float, no QUANTIZE of it) */
        enum { CAP = 2048 };
        static const char *names[CAP];
        static uint64_t macs[CAP];
        int nc = arv_quant_candidates(m, c, &o2, names, macs, CAP);
        ck_assert_msg(nc > 0, "%s: no candidates", MODELS[_i]);
        const char *ft = names[nc / 2];
        arv_quant_opts o3 = o2;
        o3.float_tensors = &ft;
        o3.n_float_tensors = 1;
        uint8_t *f3;
        size_t l3;
        arv_quant_report r3;
        ck_assert_msg(arv_quantize_model_mem(m, c, &o3, &f3, &l3, &r3, err) == ARV_OK, "%s", err);
        check_model(f3, l3, MODELS[_i]);
        ck_assert_msg(r3.n_float_ops > r2.n_float_ops, "%s: %s: no op went float", MODELS[_i], ft);
        arv_quant_report_free(&r3);
        arv_model *m3;
        ck_assert_msg(arv_model_open_buffer(f3, l3, NULL, &m3, err) == ARV_OK, "%s", err);
        char qn[2048];
        snprintf(qn, sizeof qn, "%s/quant", ft);
        int seen = 0;
        for (int t = 0; t < m3->g.n_tensors; t++) {
            const char *tn = m3->g.tensors[t].t.name;
            if (tn && strcmp(tn, ft) == 0) {
                seen = 1;
                EXPECT(m3->g.tensors[t].t.type == ARV_FLOAT32, "%s: %s not float", MODELS[_i], ft);
            }
            EXPECT(!tn || strcmp(tn, qn) != 0, "%s: %s quantized", MODELS[_i], ft);
        }
        ck_assert_msg(seen, "%s: %s missing", MODELS[_i], ft);
        arv_model_close(m3);
        free(f3);
        int16_region(m, c, &o2, names, nc);
        free(a);
        free(b2);
    }
    warned = 0;
    arv_quant_opts opt = {.warn = on_warn};
    arv_quant_report rep;
    uint8_t *p, *p2;
    size_t len, len2;
    ck_assert_msg(arv_quantize_model_mem(m, c, &opt, &p, &len, &rep, err) == ARV_OK, "%s", err);
    ck_assert_msg(arv_quantize_model_mem(m, c, &opt, &p2, &len2, NULL, err) == ARV_OK, "%s", err);
    ck_assert_msg(len == len2 && memcmp(p, p2, len) == 0, "%s: not deterministic", MODELS[_i]);
    printf("%s: %d int8 ops, %d float ops kept\n", MODELS[_i], rep.n_int8_ops, rep.n_float_ops);
    arv_quant_report_free(&rep);
    check_model(p, len, MODELS[_i]);
    free(p);
    free(p2);
    arv_calib_free(c);
    arv_model_close(m);
}
END_TEST

/* util/model_path: the int8 twin of a model path or name */
START_TEST(precision_lookup)
{
    char dir[512], p[4096], f[4200], out[4096];
    tu_tmp_template(dir, sizeof dir, "arv_qprec");
    ck_assert(mkdtemp(dir) != NULL);
    snprintf(p, sizeof p, "%s/int8", dir);
    ck_assert_int_eq(mkdir(p, 0700), 0);
    snprintf(f, sizeof f, "%s/m.tflite", dir);
    FILE *fp = fopen(f, "w");
    ck_assert(fp && fclose(fp) == 0);
    arv_precision pr;
    ck_assert_int_eq(arv_precision_parse("int8", &pr), 0);
    ck_assert_int_eq(pr, ARV_PREC_INT8);
    ck_assert_int_eq(arv_precision_parse("fp16", &pr), -1);
    /* fp32: the file itself; int8: missing twin */
    ck_assert_int_eq(arv_find_model_prec(f, ARV_PREC_FP32, out, sizeof out), 0);
    ck_assert_str_eq(out, f);
    ck_assert_int_eq(arv_find_model_prec(f, ARV_PREC_INT8, out, sizeof out), -1);
    char q[4300];
    snprintf(q, sizeof q, "%s/int8/m.tflite", dir);
    fp = fopen(q, "w");
    ck_assert(fp && fclose(fp) == 0);
    ck_assert_int_eq(arv_find_model_prec(f, ARV_PREC_INT8, out, sizeof out), 0);
    ck_assert_str_eq(out, q);
    /* by name through $ARV_MODELS */
    setenv("ARV_MODELS", dir, 1);
    ck_assert_int_eq(arv_find_model_prec("m", ARV_PREC_INT8, out, sizeof out), 0);
    ck_assert_str_eq(out, q);
    unsetenv("ARV_MODELS");
    remove(q);
    remove(f);
    rmdir(p);
    rmdir(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("quant");
    TCase *tp = tcase_create("precision");
    tcase_add_test(tp, precision_lookup);
    suite_add_tcase(s, tp);
    TCase *tc = tcase_create("models");
    tcase_set_timeout(tc, 600);
    tcase_add_loop_test(tc, models, 0, N_MODELS);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
