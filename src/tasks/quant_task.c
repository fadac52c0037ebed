/* quant_task.c — per-task preprocessing, defaults and report for
 * `arv quantize` (see quant_task.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "detect/detect.h"
#include "media/image_io.h"
#include "tasks/pose.h"
#include "tasks/prep.h"
#include "tasks/quant_task.h"
#include "tasks/segment.h"
#include "util/model_path.h"
#include "util/xorshift.h"

static const char *const names[ARV_QTASK_N] = {"segment", "pose-detector", "pose-landmark",
                                                "palm", "hand-landmark", "ssd"};

/* ---- defaults, with the measurements that chose them ----
 *
 * Measured with `arv quantize --report` (arv's own int8 kernels, default
 * ISA and threads; TFLite itself, scripts/quant_eval.mjs, agrees within
 * about 0.01) on photos of the workplace media set (../shared/media) that
 * are not in testdata/calib/ (the README's quantize section lists them and gives the
 * table for the files `make models` writes). 6 to 15 images per model: a
 * difference of 0.01 is within the noise.
 *
 * All tasks: MSE ranges and the output heads in float; equalization for
 * all but segment.
 * - MSE ranges (arv_calib_range_mse) against min/max: selfie general mask
 *   IoU 0.94 against 0.81 with min/max (the same float ops kept); min/max
 *   lets one held-out outlier wreck an image (min IoU 0.005 against 0.82).
 *   Percentile 99.99 was as good on average (0.944) but 99.9 and 99.999
 *   were worse (0.89, 0.87): MSE needs no number to tune.
 * - Output heads in float (quant_opts.float_heads): the ops that compute
 *   the outputs, back to the first op with weights. The logits of the
 *   selfie model's last op span -910..371 but the mask is decided at 0:
 *   in int8 every logit within +-2.5 of it rounds to the same value. With
 *   the final transposed conv and LOGISTIC in float, selfie general goes
 *   from 0.81 to 0.94, landscape from 0.88 to 0.96; the pose detector's
 *   top box IoU from 0.67 to 0.83 and palm lite from 0.65 to 0.94 (their
 *   box, keypoint and score heads are concatenations of heads with very
 *   different ranges). Cost: a few percent of the MACs.
 * - Equalization (quantize.c, equalize; 1 = into depthwise convs, 2 = into
 *   regular convs too), measured against none:
 *     selfie general      0.937 (none)  0.930 (1)  0.933 (2)   -> none
 *     pose detector       0.826         0.852      0.841       -> 1
 *     pose_landmark_lite  4.96 %        3.98 %     4.14 %      -> 2
 *     pose_landmark_full  4.85 %        4.47 %     4.15 %      -> 2
 *     hand_landmark_full  2.00 %        1.89 %     1.50 %      -> 2
 *     SSD                 0.958         0.879      0.971       -> 2
 *   (hand_landmark_lite: no change. The palm detectors
 *   were not equalized at all until 2026-11-22, their depthwise convs
 *   sharing one zero bias; now palm full 0.781 -> 0.893, lite 0.929 ->
 *   0.944 on the 4 held-out photos with a palm.) pose_landmark_lite's
 *   first depthwise reads a channel of ~1e-3 through weights up to 1290:
 *   int8 over the tensor's 0..6 zeroed it without equalization.
 * - GPTQ weight rounding (lib/quant/gptq.c) against round-to-nearest,
 *   everything else at these defaults (2026-11-21):
 *     pose_landmark_lite  4.06 % -> 3.62 %   (visible 3.73 -> 3.18)
 *     pose_landmark_full  3.87 % -> 3.40 %   (visible 3.56 -> 2.81)
 *     pose_landmark_heavy 5.33 % -> 4.92 %   (visible 3.09 -> 3.56)
 *     hand_landmark_full  1.56 % -> 1.31 %   (worst 5.3 -> 4.1 %)
 *     hand_landmark_lite  0.37 % -> 0.55 %
 *     selfie general      0.922 -> 0.920, landscape 0.954 -> 0.882
 *     pose detector       0.857 -> 0.859, palm full 0.781 -> 0.700,
 *     palm lite 0.929 -> 0.911, SSD 0.961 -> 0.855   -> landmark tasks only.
 *   The landmark regressors gain; the detectors' and the selfie masks'
 *   scores are decided by few values near a threshold and one image can
 *   flip (landscape: 0.955 with dampening 0.1, 0.883 with 1.0: noise).
 *   Dampening 0.1 instead of 0.01 on the landmark models: pose full
 *   3.92 %, lite 3.87 %, hand full 1.36 % (worse). A simulation with
 *   fake-quantized weights only (activations float) puts pose_landmark_full
 *   at 2.30 % with round-to-nearest and 0.96 % with GPTQ; activations only
 *   at 8 bits 4.53 %, at 16 bits 0.52 %: int8 activations are the larger
 *   loss, and about 20 tensors carry most of it (see the README).
 * - Float tensors (quant_opts.float_tensors; none by default), found with
 *   --report-sensitivity on the calibration images (every int8 activation
 *   in turn kept in float, scored by the task metric), then checked on the
 *   held-out photos. hand_landmark_full: its third conv's output
 *   ("model_1/model/re_lu_2/Relu6;...;model_1/model/conv2d_2/Conv2D", a
 *   112x112x48 RELU6 expansion) took the calibration crops from 3.57 % to
 *   1.65 % and the held-out ones from 1.56 % to 0.90 % (worst 5.3 % to
 *   3.4 %, the 1.5 % met) for 4 % of the MACs in float (int8 still
 *   4.0x faster than fp32, one thread); adding the next two (re_lu_1,
 *   re_lu) made the held-out error worse (2.1 %, 2.2 %). Not a default:
 *   a float op inside the int8 chain is re-quantized from float sums that
 *   arv and TFLite round differently in the last bit, so whole-model
 *   outputs are no longer identical to TFLite's (test_int8_models: 70 % of
 *   the landmarks identical, up to 197 steps on the handedness).
 *   Not taken either: the best single tensor for pose_landmark_lite
 *   (3.40 % -> 2.84 % on the calibration crops; every other under 0.6 %
 *   better: the error is spread over the whole net), selfie (h_swish_5:
 *   0.922 -> 0.923, worst 0.69 -> 0.76; two or three tensors worse),
 *   pose_detection (0.844 -> 0.850), palm_detection_full (0.78 -> 0.67).
 * - Also measured, not taken: empirical bias correction (each conv's
 *   per-channel mean error on the calibration inputs taken off its bias,
 *   1-4 rounds): pose_landmark_lite 4.05 % -> 4.05-4.17 % (linear convs
 *   only; with the RELU convs too it diverged, 6-20 %), hand_landmark_full
 *   1.56 % -> 3.4 %, selfie 0.922 -> 0.912; more pose calibration images
 *   (18 instead of 11: pose_landmark_lite 4.05 % -> 4.52 %, pose_detection
 *   0.844 -> 0.837); other ranges for pose_landmark_lite (min/max 4.07 %,
 *   percentile 99.9/99.99/99.999: 4.30/3.90/4.35 %).
 * - int16 activations (TFLite's 16x8 mode, quant_opts.int16_tensors /
 *   int16_max_hw), 2026-11-22, after GPTQ also rounds the depthwise convs
 *   with a dead input channel (before, one such channel sent the whole op
 *   to round-to-nearest: 25 of pose_landmark_full's 38):
 *     pose_landmark_full: int8 only 3.97 %; every activation int16
 *       0.97 %; only the feature maps of at most 4x4 (its regression
 *       branch: 35 ops, 2 % of the MACs) 1.31 %; at most 8x8 1.24 %.
 *     pose_landmark_lite 3.48 % -> 1.52 % (4x4), 1.48 % (8x8);
 *     pose_landmark_heavy 4.15 % -> 2.60 % (4x4; one crop at 14 %).
 *     hand_landmark_full 1.67 % -> 0.80 % with its third conv's output and
 *       the depthwise conv reading it in int16 (the tensor that in float
 *       gave 0.90 %, see below); at most 7x7 or 14x14: 1.70 / 1.53 %.
 *   The int16 regions keep the outputs equal to TFLite's: their
 *   conversions (QUANTIZE, DEQUANTIZE) are exact, unlike a float op's sums.
 * - Mirrored calibration (defaults .mirror, --mirror), 2026-11-22: every
 *   calibration image also mirrored left-right, twice the inputs for the
 *   ranges and for GPTQ, whose Hessians in the small late layers (7x7 or
 *   4x4 pixels times 9 crops against K up to 1152 inputs) are short of
 *   samples. Held-out photos, the README's sets / every photo not used for
 *   calibration (larger; see the README), before -> after:
 *     hand_landmark_full  0.80 -> 1.60 % (6 crops, one at 8 %) / 1.62 -> 1.11 % (27)
 *     hand_landmark_lite  0.65 -> 0.45 % / 0.95 -> 0.93 %
 *     pose_landmark_full  1.31 -> 1.23 % / 1.41 -> 1.26 %
 *     pose_landmark_lite  1.52 -> 1.52 % / 1.93 -> 1.76 %
 *     pose_landmark_heavy 2.60 -> 2.82 % (visible landmarks 1.58 -> 1.50 %)
 *   Not for the other tasks (with JPEG-written mirrors, larger sets):
 *   selfie 0.891 -> 0.854, landscape 0.870 -> 0.879, pose detector 0.877
 *   -> 0.889, palm full 0.682 -> 0.665: noise or worse.
 * What still misses the bars is in the README (per-tensor int8
 * activations are too coarse for these float-trained MobileNet-style nets:
 * their activations have channels and outliers far wider than the bulk). */
/* - ROI jitter (defaults .jitter, --jitter N), 2026-11-22: each detected
 *   ROI also calibrates as N moved crops (jittered() below). The hand
 *   calibration has 8 photos; hand_landmark_full on the 27 held-out crops,
 *   N = 0..6: 1.11, 0.79, 0.77, 0.80, 0.91, -, 1.11 % (worst 8.1 % -> 2.6 %
 *   at N = 2); on the README's 6: 1.60 -> 0.59 %. hand_landmark_lite 0.93
 *   -> 0.91 % (README's 0.45 -> 0.58 %). Not for the pose landmarks (N = 2:
 *   full 1.26 -> 1.38 %, lite 1.76 -> 1.84 %, heavy 2.63 -> 2.67 %): their loss
 *   is not in the crops' variety. */
/* hand_landmark_full's third conv output (112x112x64) and the depthwise
 * conv reading it, in int16 (see above): 1.67 % -> 0.80 %. The names are
 * that model's; other models do not have them and are not affected. */
static const char *const hand_int16[] = {
    "model_1/model/re_lu_2/Relu6;model_1/model/batch_normalization_3/FusedBatchNormV3;"
    "model_1/model/batch_normalization_4/FusedBatchNormV3;model_1/model/depthwise_conv2d_1/"
    "depthwise;model_1/model/conv2d_2/Conv2D",
    "model_1/model/re_lu_3/Relu6;model_1/model/batch_normalization_4/FusedBatchNormV3;"
    "model_1/model/depthwise_conv2d_1/depthwise",
};

static const arv_qtask_defaults defaults[ARV_QTASK_N] = {
    [ARV_QTASK_SEGMENT] = {.ranges = ARV_QRANGE_MSE, .float_heads = 1, .equalize = 0, .gptq = 0},
    [ARV_QTASK_POSE_DETECTOR] = {.ranges = ARV_QRANGE_MSE, .float_heads = 1, .equalize = 1, .gptq = 0},
    [ARV_QTASK_POSE_LANDMARK] = {.ranges = ARV_QRANGE_MSE, .float_heads = 1, .equalize = 2, .gptq = 1,
                                 .mirror = 1,
                                 .int16_max_hw = 4},
    [ARV_QTASK_PALM] = {.ranges = ARV_QRANGE_MSE, .float_heads = 1, .equalize = 2, .gptq = 0},
    [ARV_QTASK_HAND_LANDMARK] = {.ranges = ARV_QRANGE_MSE, .float_heads = 1, .equalize = 2, .gptq = 1,
                                 .mirror = 1, .jitter = 2,
                                 .int16_tensors = hand_int16, .n_int16_tensors = 2},
    [ARV_QTASK_SSD] = {.ranges = ARV_QRANGE_MSE, .float_heads = 1, .equalize = 2, .gptq = 0},
};

int arv_qtask_by_name(const char *name)
{
    for (int i = 0; i < ARV_QTASK_N; i++)
        if (strcmp(name, names[i]) == 0)
            return i;
    return -1;
}

const char *arv_qtask_name(arv_qtask_id t)
{
    return t >= 0 && t < ARV_QTASK_N ? names[t] : "?";
}

arv_qtask_id arv_qtask_for_model(const char *f)
{
    static const struct {
        const char *prefix;
        arv_qtask_id t;
    } map[] = {
        {"selfie_segmentation", ARV_QTASK_SEGMENT}, {"pose_detection", ARV_QTASK_POSE_DETECTOR},
        {"pose_landmark", ARV_QTASK_POSE_LANDMARK}, {"palm_detection", ARV_QTASK_PALM},
        {"hand_landmark", ARV_QTASK_HAND_LANDMARK}, {"object_detection_ssd", ARV_QTASK_SSD},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strncmp(f, map[i].prefix, strlen(map[i].prefix)) == 0)
            return map[i].t;
    return ARV_QTASK_SEGMENT;
}

/* The square selfie model (256x256 input; the landscape one is 144x256)
 * with cross-layer equalization into every conv and GPTQ rounding: mask
 * IoU 0.891 -> 0.934 on the 23 photos not used for calibration (worst
 * 0.32 -> 0.71; qtrss_Sports, where fp32 marks nearly the whole frame,
 * 0.32 -> 0.99), 0.922 -> 0.932 on the README's 15 (2026-11-22). Either
 * alone was noise or worse (equalization 0.907, GPTQ 0.877). The same
 * settings took landscape from 0.870 to 0.836, so it keeps the task's. */
static const arv_qtask_defaults segment_square = {
    .ranges = ARV_QRANGE_MSE, .float_heads = 1, .equalize = 2, .gptq = 1};

/* pose_landmark_lite (198 M MACs; full has 386 M, heavy 1.93 G) with its
 * feature maps of at most 16x16 in int16 (69 int16 ops against 23): the
 * landmark error on the 21 held-out crops 1.71 % (at most 8x8) / 1.76 %
 * (4x4, the task's) -> 1.46 %, 1.34 % at 32x32; on the README's 13, 1.28 %.
 * It costs speed: 3.19 -> 4.51 ms against fp32's 6.85 (1 thread, AVX-512
 * VNNI, 2026-11-22, with the int16 depthwise and vpdpwssd loops; 5.24 at
 * 32x32). The 2x bar is for the full models; full and heavy keep
 * 4x4 (full at 16x16 fell to 1.48x fp32 before those loops). */
static const arv_qtask_defaults pose_lite = {
    .ranges = ARV_QRANGE_MSE, .float_heads = 1, .equalize = 2, .gptq = 1, .mirror = 1,
    .int16_max_hw = 16};
#define POSE_LITE_MAX_MACS 250000000u

const arv_qtask_defaults *arv_qtask_default(arv_qtask_id t, const arv_model *m)
{
    if (t == ARV_QTASK_POSE_LANDMARK && m && arv_model_macs(m) < POSE_LITE_MAX_MACS)
        return &pose_lite;
    if (t == ARV_QTASK_SEGMENT && m && arv_model_num_inputs(m) == 1) {
        const arv_tensor *in = arv_model_input(m, 0);
        if (in->ndim == 4 && in->dims[1] == in->dims[2])
            return &segment_square;
    }
    return &defaults[t >= 0 && t < ARV_QTASK_N ? t : 0];
}

/* ---- preprocessing ---- */

#define MAX_CROPS 2   /* hands: MediaPipe Hands' default max_num_hands */

struct arv_qtask {
    arv_qtask_id t;
    const arv_model *m;
    int W, H;
    arv_pose *pose;                 /* pose-landmark: the fp32 detector */
    arv_model *palm_m;              /* hand-landmark: the fp32 palm detector */
    arv_interp *palm_it;
    arv_anchor *anchors;            /* report: detector anchors */
    int n_anchors;
    int jitter;                     /* landmark tasks: extra crops per ROI */
    int n_resc;                     /* equalized activations (set_rescaled) */
    const char *const *resc_names;
    const int *resc_nc;
    const float *const *resc_k;
};

static int want_size(arv_qtask_id t, int *W, int *H)
{
    switch (t) {
    case ARV_QTASK_POSE_DETECTOR: *W = *H = ARV_POSE_DET_IN; return 1;
    case ARV_QTASK_POSE_LANDMARK: *W = *H = ARV_POSE_LM_IN; return 1;
    case ARV_QTASK_PALM: *W = *H = ARV_PALM_IN; return 1;
    case ARV_QTASK_HAND_LANDMARK: *W = *H = ARV_HAND_IN; return 1;
    case ARV_QTASK_SSD: *W = *H = ARV_SSD_IN; return 1;
    default: return 0;
    }
}

/* SsdAnchorsCalculator for the SSD MobileNetV2 OIDv4 detector
 * (object_detection_oid_v4_cpu.pbtxt: 6 layers, scales 0.2..0.95, strides
 * 16..512, aspect ratios 1, 2, 0.5, 3, 0.3333, reduce_boxes_in_lowest_layer;
 * 1917 anchors), for the report's top-box IoU. */
static int ssd_anchors(arv_anchor *a, int cap)
{
    static const float ar[5] = {1.0f, 2.0f, 0.5f, 3.0f, 0.3333f};
    const int strides[6] = {16, 32, 64, 128, 256, 512};
    int n = 0;
    for (int l = 0; l < 6; l++) {
        float sc = 0.2f + (0.95f - 0.2f) * l / 5.0f;
        float next = l == 5 ? 1.0f : 0.2f + (0.95f - 0.2f) * (l + 1) / 5.0f;
        float ws[8], hs[8];
        int k = 0;
        if (l == 0) {
            ws[k] = hs[k] = 0.1f, k++;
            ws[k] = sc * sqrtf(2.0f), hs[k] = sc / sqrtf(2.0f), k++;
            ws[k] = sc * sqrtf(0.5f), hs[k] = sc / sqrtf(0.5f), k++;
        } else {
            for (int r = 0; r < 5; r++)
                ws[k] = sc * sqrtf(ar[r]), hs[k] = sc / sqrtf(ar[r]), k++;
            ws[k] = hs[k] = sqrtf(sc * next), k++;
        }
        int fm = (int)ceilf(300.0f / strides[l]);
        for (int y = 0; y < fm; y++)
            for (int x = 0; x < fm; x++)
                for (int j = 0; j < k; j++) {
                    if (n >= cap)
                        return -1;
                    a[n++] = (arv_anchor){(x + 0.5f) / fm, (y + 0.5f) / fm, ws[j], hs[j]};
                }
    }
    return n;
}

int arv_qtask_new(arv_qtask_id t, const arv_model *m, const char *path, int threads,
                  arv_qtask **out, char *err)
{
    *out = NULL;
    if (arv_model_num_inputs(m) != 1) {
        snprintf(err, ARV_ERR_LEN, "%d inputs; task '%s' wants one image input",
                 arv_model_num_inputs(m), names[t]);
        return -1;
    }
    const arv_tensor *in = arv_model_input(m, 0);
    if (in->type != ARV_FLOAT32 || in->ndim != 4 || in->dims[0] != 1 || in->dims[3] != 3) {
        snprintf(err, ARV_ERR_LEN, "input is not a float [1,H,W,3] image");
        return -1;
    }
    int W, H;
    if (want_size(t, &W, &H) && (in->dims[1] != H || in->dims[2] != W)) {
        snprintf(err, ARV_ERR_LEN, "input is %dx%d; task '%s' makes %dx%d inputs", in->dims[2],
                 in->dims[1], names[t], W, H);
        return -1;
    }
    arv_qtask *q = calloc(1, sizeof *q);
    if (!q) {
        snprintf(err, ARV_ERR_LEN, "out of memory");
        return -1;
    }
    q->t = t;
    q->m = m;
    q->W = in->dims[2];
    q->H = in->dims[1];
    char e[ARV_ERR_LEN];
    if (t == ARV_QTASK_POSE_LANDMARK) {
        arv_pose_opts po = ARV_POSE_OPTS_DEFAULT;
        po.landmark_path = path;
        po.static_image_mode = 1;
        po.threads = threads;
        if (arv_pose_new(&po, &q->pose, e) != 0) {
            snprintf(err, ARV_ERR_LEN, "the pose detector, for the landmark crops: %.180s", e);
            arv_qtask_free(q);
            return -1;
        }
    } else if (t == ARV_QTASK_HAND_LANDMARK || t == ARV_QTASK_PALM) {
        char pp[4096];
        q->anchors = malloc(sizeof(arv_anchor) * ARV_PALM_ANCHORS);
        if (!q->anchors ||
            arv_ssd_anchors(&arv_palm_anchor_opts, q->anchors, ARV_PALM_ANCHORS) != ARV_PALM_ANCHORS) {
            snprintf(err, ARV_ERR_LEN, "palm anchors failed");
            arv_qtask_free(q);
            return -1;
        }
        q->n_anchors = ARV_PALM_ANCHORS;
        if (t == ARV_QTASK_HAND_LANDMARK) {
            arv_options io = {.num_threads = threads};
            if (arv_find_model("palm_detection_full", pp, sizeof pp) != 0 ||
                arv_model_open(pp, NULL, &q->palm_m, e) != ARV_OK ||
                arv_interp_new(q->palm_m, &io, &q->palm_it, e) != ARV_OK) {
                snprintf(err, ARV_ERR_LEN,
                         "palm_detection_full (for the hand crops) not found or not loadable");
                arv_qtask_free(q);
                return -1;
            }
        }
    } else if (t == ARV_QTASK_POSE_DETECTOR) {
        int n = arv_ssd_anchor_count(&arv_pose_anchor_opts);
        q->anchors = n > 0 ? malloc(sizeof(arv_anchor) * (size_t)n) : NULL;
        if (!q->anchors || arv_ssd_anchors(&arv_pose_anchor_opts, q->anchors, n) != n) {
            snprintf(err, ARV_ERR_LEN, "pose anchors failed");
            arv_qtask_free(q);
            return -1;
        }
        q->n_anchors = n;
    } else if (t == ARV_QTASK_SSD) {
        q->anchors = malloc(sizeof(arv_anchor) * 1917);
        if (!q->anchors || (q->n_anchors = ssd_anchors(q->anchors, 1917)) != 1917) {
            snprintf(err, ARV_ERR_LEN, "SSD anchors failed");
            arv_qtask_free(q);
            return -1;
        }
    }
    *out = q;
    return 0;
}

void arv_qtask_free(arv_qtask *q)
{
    if (!q)
        return;
    arv_pose_free(q->pose);
    arv_interp_free(q->palm_it);
    arv_model_close(q->palm_m);
    free(q->anchors);
    free(q);
}


void arv_qtask_set_rescaled(arv_qtask *q, int n, const char *const *tensors, const int *nc,
                            const float *const *k)
{
    q->n_resc = n > 0 ? n : 0;
    q->resc_names = tensors;
    q->resc_nc = nc;
    q->resc_k = k;
}

void arv_qtask_set_jitter(arv_qtask *q, int n)
{
    q->jitter = n < 0 ? 0 : n > ARV_QTASK_MAX_JITTER ? ARV_QTASK_MAX_JITTER : n;
}

/* Crop k of a detected ROI: k = 0 the ROI itself, k = 1..8 moved as a
 * tracker's ROI moves between frames (rotated up to 12 degrees, scaled by
 * up to 12 %, shifted by up to 6 % of its size). A fixed table, so the
 * calibration stays deterministic. */
static arv_roi jittered(const arv_roi *r0, int k)
{
    static const float pat[ARV_QTASK_MAX_JITTER][4] = {   /* degrees, scale, dx, dy */
        {8, 1.08f, 0, 0}, {-8, 0.92f, 0, 0}, {4, 1.0f, 0.06f, -0.06f}, {-4, 1.0f, -0.06f, 0.06f},
        {-12, 1.04f, 0.03f, 0.03f}, {12, 0.96f, -0.03f, -0.03f}, {0, 1.12f, 0, 0.05f}, {0, 0.88f, 0, -0.05f}};
    arv_roi r = *r0;
    if (k <= 0)
        return r;
    const float *p = pat[(k - 1) % ARV_QTASK_MAX_JITTER];
    r.rotation = arv_normalize_radians(r.rotation + p[0] * 3.14159265f / 180.0f);
    r.cx += p[2] * r.w;
    r.cy += p[3] * r.h;
    r.w *= p[1];
    r.h *= p[1];
    return r;
}

/* arv_qtask_each with nj moved crops per detected ROI (the report asks
 * for none: it scores the crops the pipeline makes). */
static int each_input(arv_qtask *q, int nj, const arv_image *rgb, float *dst,
                      int (*use)(void *user, float *tensor, char *err), void *user, char *err)
{
    int r = 0;
    switch (q->t) {
    case ARV_QTASK_SEGMENT: r = arv_seg_preprocess(rgb, q->W, q->H, dst); break;
    case ARV_QTASK_POSE_DETECTOR: r = arv_pose_detector_preprocess(rgb, dst); break;
    case ARV_QTASK_PALM: r = arv_palm_preprocess(rgb, dst); break;
    case ARV_QTASK_SSD: r = arv_ssd_preprocess(rgb, dst); break;
    case ARV_QTASK_POSE_LANDMARK: {
        arv_detection d[1];
        int n = arv_pose_detect(q->pose, rgb, d, 1, err);
        if (n < 0)
            return -1;
        if (n == 0)
            return 0;
        arv_roi roi0 = arv_pose_roi_from_detection(&d[0], rgb->w, rgb->h);
        for (int k = 0; k <= nj; k++) {
            arv_roi roi = jittered(&roi0, k);
            if (arv_pose_landmark_preprocess(rgb, &roi, dst, NULL) != 0) {
                snprintf(err, ARV_ERR_LEN, "preprocessing failed");
                return -1;
            }
            if (use(user, dst, err) != 0)
                return -1;
        }
        return nj + 1;
    }
    case ARV_QTASK_HAND_LANDMARK: {
        arv_detection d[MAX_CROPS];
        int n = arv_palm_detect(q->palm_it, q->anchors, rgb, d, MAX_CROPS);
        if (n < 0) {
            snprintf(err, ARV_ERR_LEN, "palm detection failed");
            return -1;
        }
        for (int i = 0; i < n; i++) {
            arv_roi roi0 = arv_hand_roi_from_palm(&d[i], rgb->w, rgb->h);
            for (int k = 0; k <= nj; k++) {
                arv_roi roi = jittered(&roi0, k);
                if (arv_hand_landmark_preprocess(rgb, &roi, dst) != 0) {
                    snprintf(err, ARV_ERR_LEN, "preprocessing failed");
                    return -1;
                }
                if (use(user, dst, err) != 0)
                    return -1;
            }
        }
        return n * (nj + 1);
    }
    default: r = -1; break;
    }
    if (r != 0) {
        snprintf(err, ARV_ERR_LEN, "preprocessing failed");
        return -1;
    }
    return use(user, dst, err) == 0 ? 1 : -1;
}

int arv_qtask_each(arv_qtask *q, const arv_image *rgb, float *dst,
                   int (*use)(void *user, float *tensor, char *err), void *user, char *err)
{
    return each_input(q, q->jitter, rgb, dst, use, user, err);
}

/* ---- report ---- */

#define MAX_OUT 16

typedef struct layer_err {
    char *name;
    float *ref;        /* fp32 values of the current input */
    size_t n;
    double se, ss, maxabs;   /* sum sq error, sum sq fp32, max abs error */
    int int8;          /* seen as an int8 tensor in the quantized model */
    const float *k;    /* equalized: channel c holds k[c] times fp32 (nk channels) */
    int nk;
} layer_err;

typedef struct rep_ctx {
    arv_qtask *q;
    arv_interp *fi, *qi;
    float noise;                /* > 0: qi is the fp32 model, its input perturbed */
    uint32_t rng;
    double maxabs[MAX_OUT], se[MAX_OUT], ss[MAX_OUT];
    size_t cnt[MAX_OUT];
    double metric_sum, metric_min;
    int n_metric, n_inputs;
    const char *cur_path;       /* the image being compared */
    const char *worst_path;     /* the image that gave metric_min */
    double vis_sum, vis_max;    /* pose: visible landmarks only */
    int n_vis;
    double matched_sum, matched_min; /* detectors: fp32's best box against any int8 box */
    int n_matched;
    layer_err *L;
    int nL, capL, oom;
} rep_ctx;

static layer_err *layer_find(rep_ctx *r, const char *name, int add)
{
    for (int i = 0; i < r->nL; i++)
        if (strcmp(r->L[i].name, name) == 0)
            return &r->L[i];
    if (!add)
        return NULL;
    if (r->nL == r->capL) {
        int nc = r->capL ? r->capL * 2 : 256;
        layer_err *nl = realloc(r->L, sizeof *nl * (size_t)nc);
        if (!nl) {
            r->oom = 1;
            return NULL;
        }
        r->L = nl;
        r->capL = nc;
    }
    layer_err *l = &r->L[r->nL];
    memset(l, 0, sizeof *l);
    l->name = strdup(name);
    if (!l->name) {
        r->oom = 1;
        return NULL;
    }
    for (int i = 0; i < r->q->n_resc; i++)
        if (strcmp(r->q->resc_names[i], name) == 0 && r->q->resc_nc[i] > 0) {
            l->k = r->q->resc_k[i];
            l->nk = r->q->resc_nc[i];
        }
    r->nL++;
    return l;
}

static void observe_f(void *user, int ti, const arv_tensor *t)
{
    (void)ti;
    rep_ctx *r = user;
    if (!t->name || t->type != ARV_FLOAT32 || !t->data)
        return;
    layer_err *l = layer_find(r, t->name, 1);
    if (!l)
        return;
    size_t n = arv_tensor_elems(t);
    if (l->n != n) {
        float *p = realloc(l->ref, n * sizeof(float));
        if (!p) {
            r->oom = 1;
            return;
        }
        l->ref = p;
        l->n = n;
    }
    memcpy(l->ref, t->data, n * sizeof(float));
}

static void observe_q(void *user, int ti, const arv_tensor *t)
{
    (void)ti;
    rep_ctx *r = user;
    if (!t->name || (t->type != ARV_INT8 && t->type != ARV_INT16) || !t->data || !(t->scale > 0))
        return;
    /* the quantizer names an int8 (int16) model output NAME/int8 (/int16) */
    char name[512];
    snprintf(name, sizeof name, "%s", t->name);
    size_t ln = strlen(name);
    if (ln > 5 && strcmp(name + ln - 5, "/int8") == 0)
        name[ln - 5] = 0;
    else if (ln > 6 && strcmp(name + ln - 6, "/int16") == 0)
        name[ln - 6] = 0;
    layer_err *l = layer_find(r, name, 0);
    size_t n = arv_tensor_elems(t);
    if (!l || l->n != n)
        return;
    const int8_t *p = t->data;
    const int16_t *p16 = t->data;
    l->int8 = 1;
    for (size_t i = 0; i < n; i++) {
        const double q = t->type == ARV_INT16 ? (double)p16[i] : (double)p[i];
        double v = t->scale * (q - t->zero_point);
        if (l->k)
            v /= l->k[i % (size_t)l->nk];
        const double d = v - l->ref[i];
        l->se += d * d;
        l->ss += (double)l->ref[i] * l->ref[i];
        if (fabs(d) > l->maxabs)
            l->maxabs = fabs(d);
    }
}

/* Mean landmark distance over the diagonal of the fp32 landmarks' box.
 * vis >= 0: only landmarks whose fp32 visibility logit (at that offset) is
 * > 0, i.e. visibility > 0.5 (the box still spans all); -1 when none. */
static double lm_error(const float *a, const float *b, int n, int stride, int vis)
{
    float x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    double e = 0;
    int m = 0;
    for (int i = 0; i < n; i++) {
        float x = a[i * stride], y = a[i * stride + 1];
        x0 = fminf(x0, x), x1 = fmaxf(x1, x), y0 = fminf(y0, y), y1 = fmaxf(y1, y);
        if (vis >= 0 && !(a[i * stride + vis] > 0.0f))
            continue;
        e += hypot(b[i * stride] - x, b[i * stride + 1] - y);
        m++;
    }
    double diag = hypot(x1 - x0, y1 - y0);
    if (m == 0)
        return -1.0;
    return diag > 0 ? e / m / diag : 0.0;
}

/* Top-scoring box: index of the best score (class 0 skipped for the SSD,
 * its background), decoded against its anchor. */
static arv_detection top_box(const arv_qtask *q, const float *box, const float *score)
{
    const int ssd = q->t == ARV_QTASK_SSD, nc = ssd ? 24 : 1;
    const int stride = q->t == ARV_QTASK_PALM ? 18 : q->t == ARV_QTASK_SSD ? 4 : 12;
    int best = 0;
    float bs = -INFINITY;
    for (int i = 0; i < q->n_anchors; i++)
        for (int c = ssd ? 1 : 0; c < nc; c++)
            if (score[(size_t)i * nc + c] > bs)
                bs = score[(size_t)i * nc + c], best = i;
    const float *r = box + (size_t)best * stride;
    const arv_anchor *a = &q->anchors[best];
    arv_detection d = {0};
    float cx, cy, w, h;
    if (ssd) {
        /* TfLiteTensorsToDetections: y, x, h, w; scales 10, 10, 5, 5;
         * apply_exponential_on_box_size */
        cy = r[0] / 10.0f * a->h + a->y;
        cx = r[1] / 10.0f * a->w + a->x;
        h = expf(r[2] / 5.0f) * a->h;
        w = expf(r[3] / 5.0f) * a->w;
    } else {
        const float s = (float)q->W;   /* x/y/w/h_scale = input size, fixed anchors */
        cx = r[0] / s + a->x;
        cy = r[1] / s + a->y;
        w = r[2] / s;
        h = r[3] / s;
    }
    d.xmin = cx - w / 2;
    d.ymin = cy - h / 2;
    d.w = w;
    d.h = h;
    d.score = bs;
    return d;
}

/* IoU metrics: higher is better; landmark errors: lower is better. */
static int q_is_iou(arv_qtask_id t)
{
    return t != ARV_QTASK_POSE_LANDMARK && t != ARV_QTASK_HAND_LANDMARK;
}

static double task_metric(rep_ctx *r)
{
    const arv_qtask *q = r->q;
    const float *f0 = arv_interp_output(r->fi, 0)->data, *q0 = arv_interp_output(r->qi, 0)->data;
    switch (q->t) {
    case ARV_QTASK_SEGMENT: {
        size_t n = arv_tensor_elems(arv_interp_output(r->fi, 0)), in = 0, un = 0;
        for (size_t i = 0; i < n; i++) {
            int a = f0[i] > 0.5f, b = q0[i] > 0.5f;
            in += a && b;
            un += a || b;
        }
        return un ? (double)in / (double)un : 1.0;
    }
    case ARV_QTASK_POSE_LANDMARK: {
        double v = lm_error(f0, q0, ARV_POSE_N, 5, 3);
        if (v >= 0) {
            r->vis_sum += v;
            r->vis_max = v > r->vis_max ? v : r->vis_max;
            r->n_vis++;
        }
        return lm_error(f0, q0, ARV_POSE_N, 5, -1);
    }
    case ARV_QTASK_HAND_LANDMARK: return lm_error(f0, q0, 21, 3, -1);
    case ARV_QTASK_POSE_DETECTOR:
    case ARV_QTASK_PALM: {
        /* the pipeline's own detections: decode, weighted NMS, the best */
        const arv_ssd_decode_opts *o =
            q->t == ARV_QTASK_PALM ? &arv_palm_decode_opts : &arv_pose_decode_opts;
        arv_detection da[64], db[64];
        int na = arv_ssd_decode(o, q->anchors, q->n_anchors, f0, arv_interp_output(r->fi, 1)->data,
                                da, 64);
        int nb = arv_ssd_decode(o, q->anchors, q->n_anchors, q0, arv_interp_output(r->qi, 1)->data,
                                db, 64);
        na = arv_nms_weighted(da, na, 0.3f, 8);
        nb = arv_nms_weighted(db, nb, 0.3f, 8);
        if (na == 0)
            return nb == 0 ? -1.0 : 0.0;   /* -1: nothing to compare */
        /* also the int8 detection that overlaps fp32's best most: two
         * objects within a few hundredths of score (two people, two hands)
         * can swap places, which the top-box IoU counts as 0 */
        double m = 0;
        for (int j = 0; j < nb; j++)
            m = fmax(m, arv_box_iou(&da[0], &db[j]));
        r->matched_sum += m;
        r->matched_min = r->n_matched++ ? fmin(r->matched_min, m) : m;
        return nb ? arv_box_iou(&da[0], &db[0]) : 0.0;
    }
    default: {
        arv_detection a = top_box(q, f0, arv_interp_output(r->fi, 1)->data);
        arv_detection b = top_box(q, q0, arv_interp_output(r->qi, 1)->data);
        return arv_box_iou(&a, &b);
    }
    }
}

/* Uniform noise of +-levels steps of the input's own 8-bit grid (its
 * range / 255): what a re-encoded or re-captured frame changes, so the
 * metric between fp32 and this is the floor int8 is judged against. */
static void perturb(float *x, size_t n, float levels, uint32_t *rng)
{
    float lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        lo = fminf(lo, x[i]);
        hi = fmaxf(hi, x[i]);
    }
    const float amp = levels * (hi - lo) / 255.0f;
    float u;
    for (size_t i = 0; i < n; i++) {
        arv_xorshift_fill(rng, -amp, amp, &u, 1);
        x[i] += u;
    }
}

static int rep_use(void *user, float *tensor, char *err)
{
    rep_ctx *r = user;
    arv_tensor *qin = arv_interp_input(r->qi, 0);
    memcpy(qin->data, tensor, arv_tensor_elems(qin) * sizeof(float));
    if (r->noise > 0)
        perturb(qin->data, arv_tensor_elems(qin), r->noise, &r->rng);
    if (arv_interp_invoke(r->fi) != ARV_OK) {
        snprintf(err, ARV_ERR_LEN, "fp32: %.200s", arv_interp_error(r->fi));
        return -1;
    }
    if (arv_interp_invoke(r->qi) != ARV_OK) {
        snprintf(err, ARV_ERR_LEN, "int8: %.200s", arv_interp_error(r->qi));
        return -1;
    }
    int no = arv_interp_num_outputs(r->fi);
    for (int k = 0; k < no && k < MAX_OUT; k++) {
        const arv_tensor *a = arv_interp_output(r->fi, k), *b = arv_interp_output(r->qi, k);
        size_t n = arv_tensor_elems(a);
        if (arv_tensor_elems(b) != n || a->type != ARV_FLOAT32 || b->type != ARV_FLOAT32)
            continue;
        const float *fa = a->data, *fb = b->data;
        for (size_t i = 0; i < n; i++) {
            double d = (double)fb[i] - fa[i];
            r->se[k] += d * d;
            r->ss[k] += (double)fa[i] * fa[i];
            if (fabs(d) > r->maxabs[k])
                r->maxabs[k] = fabs(d);
        }
        r->cnt[k] += n;
    }
    double m = task_metric(r);
    r->n_inputs++;
    if (m < 0)
        return 0;   /* the fp32 model found nothing either: no metric */
    r->metric_sum += m;
    if (r->n_metric == 0 || (q_is_iou(r->q->t) ? m < r->metric_min : m > r->metric_min)) {
        r->metric_min = m;
        r->worst_path = r->cur_path;
    }
    r->n_metric++;
    return 0;
}

/* fp NULL: nothing printed; mean/worst (may be NULL) get the task metric
 * (NAN when no input gave one). */
static int report(arv_qtask *q, const char *int8_path, float noise, const arv_input_list *list,
                  int layers, int threads, FILE *fp, double *mean, double *worst, char *err)
{
    rep_ctx r = {.q = q, .noise = noise, .rng = arv_xorshift_init(1)};
    arv_model *qm = NULL;
    int failed = 0, rc = -1;
    arv_options fo = {.num_threads = threads}, qo = fo;
    if (layers) {
        fo.observe = observe_f;
        fo.observe_user = &r;
        qo.observe = observe_q;
        qo.observe_user = &r;
    }
    char e[ARV_ERR_LEN];
    if (arv_interp_new(q->m, &fo, &r.fi, e) != ARV_OK) {
        snprintf(err, ARV_ERR_LEN, "fp32 model: %.200s", e);
        goto out;
    }
    if (noise > 0 ? arv_interp_new(q->m, &qo, &r.qi, e) != ARV_OK
                  : arv_model_open(int8_path, NULL, &qm, e) != ARV_OK ||
                        arv_interp_new(qm, &qo, &r.qi, e) != ARV_OK) {
        snprintf(err, ARV_ERR_LEN, "%.60s: cannot run the int8 model here: %.150s",
                 noise > 0 ? "fp32 model" : int8_path, e);
        goto out;
    }
    if (arv_interp_num_outputs(r.qi) != arv_interp_num_outputs(r.fi)) {
        snprintf(err, ARV_ERR_LEN, "the int8 model has other outputs than the fp32 one");
        goto out;
    }
    float *dst = arv_interp_input(r.fi, 0)->data;
    for (int i = 0; i < list->n; i++) {
        arv_image im = {0};
        if (list->v[i].error || arv_image_load(list->v[i].path, NULL, &im, e) != 0) {
            if (fp)
                fprintf(stderr, "arv quantize: --report: %s\n",
                        list->v[i].error ? list->v[i].error : e);
            failed++;
            continue;
        }
        r.cur_path = list->v[i].path;
        int n = each_input(q, 0, &im, dst, rep_use, &r, e);
        arv_image_free(&im);
        if (n < 0) {
            if (strncmp(e, "int8: ", 6) == 0 || strncmp(e, "fp32: ", 6) == 0) {
                snprintf(err, ARV_ERR_LEN, "%.250s", e);
                goto out;
            }
            if (fp)
                fprintf(stderr, "arv quantize: --report: %s: %s\n", list->v[i].path, e);
            failed++;
        }
    }
    if (r.oom) {
        snprintf(err, ARV_ERR_LEN, "out of memory");
        goto out;
    }
    if (mean)
        *mean = r.n_metric ? r.metric_sum / r.n_metric : NAN;
    if (worst)
        *worst = r.n_metric ? r.metric_min : NAN;
    if (!fp) {
        rc = failed;
        goto out;
    }
    if (noise > 0)
        fprintf(fp, "report: fp32 with its input perturbed by +-%g level(s) vs fp32 on %d input(s) "
                    "from %d image(s)\n", noise, r.n_inputs, list->n - failed);
    else
        fprintf(fp, "report: %s vs fp32 on %d input(s) from %d image(s)\n", int8_path,
                r.n_inputs, list->n - failed);
    fprintf(fp, "  %-40s %12s %12s %12s\n", "output", "max_abs", "rmse", "fp32_rms");
    for (int k = 0; k < arv_interp_num_outputs(r.fi) && k < MAX_OUT; k++) {
        double c = r.cnt[k] ? (double)r.cnt[k] : 1.0;
        fprintf(fp, "  %-40s %12.6g %12.6g %12.6g\n", arv_interp_output(r.fi, k)->name,
                r.maxabs[k], sqrt(r.se[k] / c), sqrt(r.ss[k] / c));
    }
    if (r.n_metric) {
        static const char *const what[ARV_QTASK_N] = {
            "mask IoU (0.5)", "top-box IoU", "landmark error / box diagonal", "top-box IoU",
            "landmark error / box diagonal", "top-box IoU"};
        fprintf(fp, "  %s: mean %.4f, %s %.4f (%d input(s)); worst: %s\n", what[q->t],
                r.metric_sum / r.n_metric, q_is_iou(q->t) ? "min" : "max", r.metric_min,
                r.n_metric, r.worst_path ? r.worst_path : "?");
    }
    if (r.n_matched)
        fprintf(fp, "  fp32 top box against the compared model's box overlapping it most: "
                    "IoU mean %.4f, min %.4f (%d input(s))\n",
                r.matched_sum / r.n_matched, r.matched_min, r.n_matched);
    if (r.n_vis)
        fprintf(fp, "  landmark error / box diagonal, visible landmarks (fp32 visibility > 0.5): "
                    "mean %.4f, max %.4f (%d input(s))\n",
                r.vis_sum / r.n_vis, r.vis_max, r.n_vis);
    if (layers) {
        fprintf(fp, "  per tensor (int8 vs fp32, last input): relative RMSE, max abs\n");
        for (int i = 0; i < r.nL; i++) {
            const layer_err *l = &r.L[i];
            if (!l->int8)
                continue;
            fprintf(fp, "    %-60s %10.4f %12.6g\n", l->name, l->ss > 0 ? sqrt(l->se / l->ss) : 0.0,
                    l->maxabs);
        }
    }
    rc = failed;
out:
    for (int i = 0; i < r.nL; i++) {
        free(r.L[i].name);
        free(r.L[i].ref);
    }
    free(r.L);
    arv_interp_free(r.fi);
    arv_interp_free(r.qi);
    arv_model_close(qm);
    return rc;
}

int arv_qtask_report(arv_qtask *q, const char *int8_path, const arv_input_list *list, int layers,
                     int threads, FILE *fp, char *err)
{
    return report(q, int8_path, 0.0f, list, layers, threads, fp, NULL, NULL, err);
}

int arv_qtask_report_noise(arv_qtask *q, float levels, const arv_input_list *list, int threads,
                           FILE *fp, char *err)
{
    return report(q, NULL, levels, list, 0, threads, fp, NULL, NULL, err);
}

int arv_qtask_score(arv_qtask *q, const char *int8_path, const arv_input_list *list, int threads,
                    double *mean, double *worst, char *err)
{
    return report(q, int8_path, 0.0f, list, 0, threads, NULL, mean, worst, err);
}

int arv_qtask_higher_is_better(const arv_qtask *q)
{
    return q_is_iou(q->t);
}
