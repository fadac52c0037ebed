/* quantize.c — `arv quantize IN -o OUT --calibration DIR|FILES...`:
 * post-training int8 quantization. Calibration images go through the task
 * pipeline's own preprocessing (src/tasks), the fp32 model runs on them
 * while lib/quant records every activation's range, and the int8 model is
 * written through a temporary file, so a failure leaves nothing behind.
 * --report runs the fp32 and the int8 model side by side on held-back
 * images (src/tasks/quant_report.c). */
#include <getopt.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "arv.h"
#include "cmd.h"
#include "io/npy.h"
#include "media/exif.h"
#include "media/image_io.h"
#include "media/inputs.h"
#include "quant/quant.h"
#include "tasks/quant_task.h"
#include "util/model_path.h"

#define MAX_ARGS 4096

static void usage(FILE *fp)
{
    fprintf(fp,
            "usage: arv quantize MODEL -o OUT.tflite --calibration DIR|FILE|@LIST... [options]\n\n"
            "Post-training int8 quantization. Runs the float model over calibration images\n"
            "prepared as the task pipeline prepares them, records every activation's range and\n"
            "writes an int8 .tflite that keeps the model's float inputs and outputs (TFLite's\n"
            "quantization spec: int8 weights per output channel, int32 bias, int8 activations).\n\n"
            "  -o, --output FILE        the int8 model to write (required)\n"
            "  -c, --calibration INPUT  images: files, directories, @lists (repeatable; further\n"
            "                           arguments after MODEL are calibration inputs too)\n"
            "  -t, --task TASK          preprocessing and defaults: segment, pose-detector,\n"
            "                           pose-landmark, palm, hand-landmark, ssd (default: from\n"
            "                           the model's file name, else segment)\n"
            "      --ranges METHOD      activation ranges: minmax, mse (the clipping range with\n"
            "                           the least quantization error; a second pass) or\n"
            "                           percentile:P (keep P %% of the values); default per task\n"
            "      --percentile P       the same as --ranges percentile:P\n"
            "      --keep-float OP|NAME keep ops of this type (CONV_2D) or with this output\n"
            "                           tensor name in float (repeatable); adds to the task's\n"
            "                           defaults\n"
            "      --no-default-keep    do not keep the task's default ops (and the output\n"
            "                           heads) in float: everything int8 that can be\n"
            "      --equalize[=all|depthwise|off], --no-equalize\n"
            "                           cross-layer equalization: a conv output's narrow\n"
            "                           channels scaled up, the conv reading them scaled\n"
            "                           down; all: into depthwise and regular convs,\n"
            "                           depthwise: into depthwise convs only (default per\n"
            "                           task: off for segment but all for its square\n"
            "                           model, depthwise for pose-detector, all for the\n"
            "                           others)\n"
            "      --per-tensor         one weight scale per tensor instead of per channel\n"
            "      --mirror, --no-mirror\n"
            "                           calibrate on each image and its left-right mirror\n"
            "                           (twice the statistics for the ranges and GPTQ;\n"
            "                           default per task)\n"
            "      --jitter N           landmark tasks: N more calibration crops per\n"
            "                           detected ROI, rotated, scaled and shifted as a\n"
            "                           tracker's ROI moves (0-8; default per task)\n"
            "      --weights METHOD     weight rounding: gptq (each rounding error spread over\n"
            "                           the weights not yet rounded, by how their calibration\n"
            "                           inputs correlate; a statistics pass) or nearest\n"
            "                           (default per task; gptq for the square segment\n"
            "                           model)\n"
            "      --report INPUT       held-back images: error of the int8 model against fp32\n"
            "                           per output (max abs, RMSE) and the task's metric\n"
            "                           (repeatable; needs int8 kernels in this build)\n"
            "      --report-layers      with --report: the error of every quantized tensor too\n"
            "                           (equalized ones divided back by their factors)\n"
            "      --report-sensitivity with --report: the task metric with each int8 tensor in\n"
            "                           turn kept in float (and the MACs that costs), best\n"
            "                           first; slow (one model per tensor)\n"
            "      --report-noise L     with --report: the same metric for the fp32 model\n"
            "                           against itself with uniform noise of +-L steps of\n"
            "                           the input's 8-bit range added to its input (the\n"
            "                           floor to read the int8 figure against)\n"
            "      --float-tensor NAME  keep this activation tensor in float: the op writing it\n"
            "                           and the ops reading it (repeatable; adds to the task's\n"
            "                           defaults)\n"
            "      --int16 NAME         compute this activation tensor in int16 (TFLite's 16x8\n"
            "                           mode: the op writing it reads and writes int16, int8\n"
            "                           weights, int64 bias; repeatable; adds to the task's\n"
            "                           defaults)\n"
            "      --int16-small N      every feature map of at most N x N in int16 (0: none;\n"
            "                           default per task: 4 for pose-landmark, 16 for its\n"
            "                           lite model, else 0)\n"
            "      --dump-inputs DIR    write each preprocessed calibration input as\n"
            "                           DIR/NNNN.npy (nothing is quantized; -o not needed)\n"
            "      --threads N          interpreter threads (default all)\n"
            "  -q, --quiet              no warnings about ops kept in float\n"
            "  -h, --help               this help\n");
}

static void on_warn(void *user, const char *msg)
{
    if (!*(const int *)user)
        fprintf(stderr, "arv quantize: warning: %s\n", msg);
}

typedef struct pass_ctx {
    arv_calib *cb;
    const char *dump_dir;
    int n_dumped;
    const arv_tensor *in;
    int mirror;   /* each image also mirrored left-right */
} pass_ctx;

static int use_input(void *user, float *tensor, char *err)
{
    pass_ctx *p = user;
    if (p->dump_dir) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%04d.npy", p->dump_dir, p->n_dumped++);
        return arv_npy_write(path, tensor, p->in->dims, p->in->ndim, err) == 0 ? 0 : -1;
    }
    return arv_calib_run(p->cb, err) == ARV_OK ? 0 : -1;
}

/* One pass over the calibration images; returns how many failed. */
static int calib_pass(arv_qtask *qt, pass_ctx *pc, float *dst, const arv_input_list *list,
                      int report, int *n_skipped)
{
    char err[ARV_ERR_LEN] = "";
    int failed = 0;
    for (int i = 0; i < list->n; i++) {
        arv_image im = {0};
        if (list->v[i].error) {
            if (report)
                cmd_error("quantize", "%s", list->v[i].error);
            failed++;
            continue;
        }
        if (arv_image_load(list->v[i].path, NULL, &im, err) != 0) {
            if (report)
                cmd_error("quantize", "%s", err);
            failed++;
            continue;
        }
        int n = arv_qtask_each(qt, &im, dst, use_input, pc, err);
        if (n >= 0 && pc->mirror) {
            int nm = arv_image_orient(&im, 2) == 0
                         ? arv_qtask_each(qt, &im, dst, use_input, pc, err)
                         : (snprintf(err, ARV_ERR_LEN, "out of memory mirroring"), -1);
            n = nm < 0 ? nm : n + nm;
        }
        arv_image_free(&im);
        if (n < 0) {
            if (report)
                cmd_error("quantize", "%s: %s", list->v[i].path, err);
            failed++;
        } else if (n == 0 && n_skipped) {
            ++*n_skipped;
        }
    }
    return failed;
}

typedef struct sens_row {
    const char *name;
    uint64_t macs;
    double mean, worst;
} sens_row;

static int sens_higher;

static int sens_cmp(const void *a, const void *b)
{
    const sens_row *x = a, *y = b;
    double dx = isnan(x->mean) ? -INFINITY : sens_higher ? x->mean : -x->mean;
    double dy = isnan(y->mean) ? -INFINITY : sens_higher ? y->mean : -y->mean;
    return dx < dy ? 1 : dx > dy ? -1 : strcmp(x->name, y->name);
}

/* --report-sensitivity: the model again with each int8 activation tensor in
 * turn kept in float (ftens has room for one more name), scored on the
 * report images; printed best first. */
static int sensitivity(const arv_model *m, const arv_calib *cb, arv_quant_opts *qo, arv_qtask *qt,
                       const char *out, const arv_input_list *rlist, int threads,
                       const char **ftens, int n_ftens)
{
    enum { CAP = 4096 };
    const char **names = malloc(sizeof *names * CAP);
    uint64_t *macs = malloc(sizeof *macs * CAP);
    sens_row *rows = malloc(sizeof *rows * CAP);
    char tmp[4200], err[ARV_ERR_LEN] = "";
    snprintf(tmp, sizeof tmp, "%s.sensitivity.tflite", out);
    int n = names && macs && rows ? arv_quant_candidates(m, cb, qo, names, macs, CAP) : -1;
    if (n < 0)
        cmd_error("quantize", "--report-sensitivity: out of memory");
    qo->warn = NULL;
    qo->n_float_tensors = n_ftens + 1;
    for (int i = 0; i < n; i++) {
        ftens[n_ftens] = names[i];
        rows[i] = (sens_row){names[i], macs[i], NAN, NAN};
        if (arv_quantize_model(m, cb, qo, tmp, NULL, err) != ARV_OK ||
            arv_qtask_score(qt, tmp, rlist, threads, &rows[i].mean, &rows[i].worst, err) < 0) {
            cmd_error("quantize", "--report-sensitivity: %s: %s", names[i], err);
            n = -1;
            break;
        }
        fprintf(stderr, "\rsensitivity: %d/%d", i + 1, n);
    }
    remove(tmp);
    if (n >= 0) {
        fprintf(stderr, "\n");
        sens_higher = arv_qtask_higher_is_better(qt);
        qsort(rows, (size_t)n, sizeof *rows, sens_cmp);
        printf("  sensitivity (metric with one more tensor in float; best first):\n"
               "    %10s %10s %10s  %s\n", "mean", sens_higher ? "min" : "max", "MACs (M)",
               "tensor");
        for (int i = 0; i < n; i++)
            printf("    %10.4f %10.4f %10.2f  %s\n", rows[i].mean, rows[i].worst,
                   (double)rows[i].macs / 1e6, rows[i].name);
    }
    free(names);
    free(macs);
    free(rows);
    return n < 0 ? -1 : 0;
}

static int expand(const char *const *args, int n, arv_input_list *list)
{
    char err[ARV_ERR_LEN] = "";
    if (arv_inputs_expand(args, n, list, err) != 0) {
        cmd_error("quantize", "%s", err);
        return -1;
    }
    return 0;
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'},
        {"calibration", required_argument, NULL, 'c'},
        {"task", required_argument, NULL, 't'},
        {"per-tensor", no_argument, NULL, 'P'},
        {"weights", required_argument, NULL, 'W'},
        {"percentile", required_argument, NULL, 'R'},
        {"ranges", required_argument, NULL, 'M'},
        {"keep-float", required_argument, NULL, 'K'},
        {"no-default-keep", no_argument, NULL, 'N'},
        {"no-equalize", no_argument, NULL, 'E'},
        {"equalize", optional_argument, NULL, 'Q'},
        {"report", required_argument, NULL, 'r'},
        {"report-layers", no_argument, NULL, 'L'},
        {"report-sensitivity", no_argument, NULL, 'S'},
        {"report-noise", required_argument, NULL, 'O'},
        {"mirror", no_argument, NULL, 'U'},
        {"no-mirror", no_argument, NULL, 'u'},
        {"jitter", required_argument, NULL, 'j'},
        {"float-tensor", required_argument, NULL, 'F'},
        {"int16", required_argument, NULL, 'I'},
        {"int16-small", required_argument, NULL, 'J'},
        {"dump-inputs", required_argument, NULL, 'D'},
        {"threads", required_argument, NULL, 'T'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *out = NULL, *task = NULL, *dump = NULL;
    static const char *cal[MAX_ARGS], *keep[MAX_ARGS + 16], *rep_in[MAX_ARGS];
    static const char *ftens[MAX_ARGS + 16], *i16[MAX_ARGS + 256];
    int n_ftens = 0, n_i16 = 0, report_sens = 0;
    int n_cal = 0, n_keep = 0, n_rep = 0, per_tensor = 0, threads = 0, quiet = 0, c;
    int no_default_keep = 0, report_layers = 0, equalize = -1;
    float report_noise = 0.0f;
    int ranges = -1;   /* -1 task default, else ARV_QRANGE_* */
    int gptq = -1;     /* -1 task default */
    int mirror = -1;   /* -1 task default */
    int jitter = -1;   /* -1 task default */
    int int16_hw = -1; /* -1 task default */
    double percentile = 0.0;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":o:c:t:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'c':
            if (n_cal < MAX_ARGS)
                cal[n_cal++] = optarg;
            break;
        case 't': task = optarg; break;
        case 'P': per_tensor = 1; break;
        case 'U': mirror = 1; break;
        case 'u': mirror = 0; break;
        case 'j': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (end == optarg || *end || v < 0 || v > ARV_QTASK_MAX_JITTER) {
                cmd_error("quantize", "--jitter wants a count from 0 to %d, not '%s'",
                          ARV_QTASK_MAX_JITTER, optarg);
                return EXIT_USAGE;
            }
            jitter = (int)v;
            break;
        }
        case 'W':
            if (strcmp(optarg, "gptq") == 0)
                gptq = 1;
            else if (strcmp(optarg, "nearest") == 0)
                gptq = 0;
            else {
                cmd_error("quantize", "--weights wants gptq or nearest, not '%s'", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'M':
        case 'R': {
            const char *v = optarg;
            if (c == 'M' && strcmp(v, "minmax") == 0) {
                ranges = ARV_QRANGE_MINMAX;
                break;
            }
            if (c == 'M' && strcmp(v, "mse") == 0) {
                ranges = ARV_QRANGE_MSE;
                break;
            }
            if (c == 'M' && strncmp(v, "percentile:", 11) != 0) {
                cmd_error("quantize", "--ranges wants minmax, mse or percentile:P, not '%s'", v);
                return EXIT_USAGE;
            }
            if (c == 'M')
                v += 11;
            char *end;
            percentile = strtod(v, &end);
            if (!*v || *end || !(percentile > 50.0 && percentile < 100.0)) {
                cmd_error("quantize", "--percentile wants a number above 50 and below 100, not '%s'",
                          v);
                return EXIT_USAGE;
            }
            ranges = ARV_QRANGE_PERCENTILE;
            break;
        }
        case 'K':
            if (n_keep < MAX_ARGS)
                keep[n_keep++] = optarg;
            break;
        case 'N': no_default_keep = 1; break;
        case 'E': equalize = 0; break;
        case 'Q':
            if (!optarg || strcmp(optarg, "all") == 0)
                equalize = 2;
            else if (strcmp(optarg, "depthwise") == 0)
                equalize = 1;
            else if (strcmp(optarg, "off") == 0)
                equalize = 0;
            else {
                cmd_error("quantize", "--equalize wants all, depthwise or off, not '%s'", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'r':
            if (n_rep < MAX_ARGS)
                rep_in[n_rep++] = optarg;
            break;
        case 'L': report_layers = 1; break;
        case 'S': report_sens = 1; break;
        case 'O': {
            char *end;
            report_noise = strtof(optarg, &end);
            if (end == optarg || *end || !(report_noise > 0.0f && report_noise <= 255.0f)) {
                cmd_error("quantize", "--report-noise wants a number of levels in (0, 255], not "
                                      "'%s'", optarg);
                return EXIT_USAGE;
            }
            break;
        }
        case 'F':
            if (n_ftens < MAX_ARGS)
                ftens[n_ftens++] = optarg;
            break;
        case 'I':
            if (n_i16 < MAX_ARGS)
                i16[n_i16++] = optarg;
            break;
        case 'J':
            if ((int16_hw = cmd_parse_int(optarg, 0, 1 << 20)) < 0) {
                cmd_error("quantize", "--int16-small wants a number from 0 up, not '%s'", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'D': dump = optarg; break;
        case 'T':
            if ((threads = cmd_parse_int(optarg, 1, 1024)) < 0) {
                cmd_error("quantize", "--threads wants a number from 1 to 1024, not '%s'", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'q': quiet = 1; break;
        case 'h': usage(stdout); return EXIT_OK;
        case ':':
            cmd_error("quantize", "option '%s' needs a value", argv[optind - 1]);
            return EXIT_USAGE;
        default:
            cmd_error("quantize", "unknown option '%s'", argv[optind - 1]);
            return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        cmd_error("quantize", "expected a MODEL");
        return EXIT_USAGE;
    }
    const char *model_arg = argv[optind++];
    for (; optind < argc && n_cal < MAX_ARGS; optind++)
        cal[n_cal++] = argv[optind];
    if (!out && !dump) {
        cmd_error("quantize", "no output file (-o OUT.tflite)");
        return EXIT_USAGE;
    }
    if (n_cal == 0) {
        cmd_error("quantize", "no calibration images (--calibration DIR|FILES)");
        return EXIT_USAGE;
    }
    if ((report_layers || report_sens || report_noise > 0) && n_rep == 0) {
        cmd_error("quantize",
                  "--report-layers, --report-sensitivity and --report-noise need --report IMAGES");
        return EXIT_USAGE;
    }
    arv_qtask_id tid;
    if (task) {
        int t = arv_qtask_by_name(task);
        if (t < 0) {
            cmd_error("quantize", "task '%s' is not supported (supported: %s)", task,
                      ARV_QTASK_NAMES);
            return EXIT_USAGE;
        }
        tid = (arv_qtask_id)t;
    } else {
        char tmp[4096];
        snprintf(tmp, sizeof tmp, "%s", model_arg);
        tid = arv_qtask_for_model(basename(tmp));
    }

    if (jitter > 0 && tid != ARV_QTASK_POSE_LANDMARK && tid != ARV_QTASK_HAND_LANDMARK) {
        cmd_error("quantize", "--jitter: task '%s' has no detected ROI to move (pose-landmark "
                  "and hand-landmark have)", arv_qtask_name(tid));
        return EXIT_USAGE;
    }
    char path[4096], err[ARV_ERR_LEN] = "";
    if (arv_find_model(model_arg, path, sizeof path) != 0) {
        cmd_error("quantize", "%s: no such file or model name", model_arg);
        return EXIT_MODEL_IO;
    }
    arv_model *m;
    if (arv_model_open(path, NULL, &m, err) != ARV_OK) {
        cmd_error("quantize", "%s: %s", path, err);
        return EXIT_MODEL_IO;
    }
    const arv_qtask_defaults *def = arv_qtask_default(tid, m);
    arv_qtask *qt = NULL;
    if (arv_qtask_new(tid, m, path, threads, &qt, err) != 0) {
        cmd_error("quantize", "%s: %s", path, err);
        arv_model_close(m);
        return EXIT_MODEL_IO;
    }
    arv_qtask_set_jitter(qt, jitter < 0 ? def->jitter : jitter);
    arv_input_list list = {0}, rlist = {0};
    arv_calib *cb = NULL;
    int rc = EXIT_OK;
    if (expand(cal, n_cal, &list) != 0 || (n_rep && expand(rep_in, n_rep, &rlist) != 0)) {
        rc = EXIT_USAGE;
        goto done;
    }
    if (dump) {
        mkdir(dump, 0777);
        arv_tensor tin = *arv_model_input(m, 0);
        float *buf = malloc(arv_tensor_elems(&tin) * sizeof(float));
        pass_ctx pc = {.dump_dir = dump, .in = arv_model_input(m, 0),
                       .mirror = mirror < 0 ? def->mirror : mirror};
        int failed = buf ? calib_pass(qt, &pc, buf, &list, 1, NULL) : list.n;
        free(buf);
        printf("%s: %d input(s) written\n", dump, pc.n_dumped);
        rc = failed ? EXIT_SOME_FAILED : EXIT_OK;
        goto done;
    }
    if (arv_calib_new(m, threads, &cb, err) != ARV_OK) {
        cmd_error("quantize", "%s", err);
        rc = EXIT_MODEL_IO;
        goto done;
    }
    if (ranges < 0) {
        ranges = def->ranges;
        percentile = def->percentile;
    }
    pass_ctx pc = {.cb = cb, .mirror = mirror < 0 ? def->mirror : mirror};
    float *dst = arv_calib_input(cb, 0)->data;
    int skipped = 0;
    int failed = calib_pass(qt, &pc, dst, &list, 1, &skipped);
    const int used = arv_calib_runs(cb);
    if (gptq < 0)
        gptq = def->gptq;
    if ((ranges != ARV_QRANGE_MINMAX || gptq) && arv_calib_runs(cb) > 0) {
        /* second pass: histograms over the ranges of the first, GPTQ's
         * input statistics */
        if ((ranges != ARV_QRANGE_MINMAX && arv_calib_start_histograms(cb, 2048, err) != ARV_OK) ||
            (gptq && arv_calib_start_hessians(cb, err) != ARV_OK)) {
            cmd_error("quantize", "%s", err);
            rc = EXIT_MODEL_IO;
            goto done;
        }
        calib_pass(qt, &pc, dst, &list, 0, NULL);
    }
    if (arv_calib_runs(cb) == 0) {
        cmd_error("quantize", "no calibration image could be used%s",
                  skipped ? " (the detector found nothing in any)" : "");
        rc = EXIT_SOME_FAILED;
        goto done;
    }
    if (!no_default_keep)
        for (int k = 0; k < def->n_keep_float && n_keep < MAX_ARGS + 16; k++)
            keep[n_keep++] = def->keep_float[k];
    if (!no_default_keep)
        for (int k = 0; k < def->n_float_tensors && n_ftens < MAX_ARGS + 15; k++)
            ftens[n_ftens++] = def->float_tensors[k];
    if (!no_default_keep)
        for (int k = 0; k < def->n_int16_tensors && n_i16 < MAX_ARGS + 256; k++)
            i16[n_i16++] = def->int16_tensors[k];
    arv_quant_opts qo = {.per_tensor = per_tensor,
                         .gptq = gptq,
                         .percentile = ranges == ARV_QRANGE_PERCENTILE ? percentile : 0.0,
                         .mse = ranges == ARV_QRANGE_MSE,
                         .float_heads = !no_default_keep && def->float_heads,
                         .equalize = equalize < 0 ? def->equalize : equalize,
                         .keep_float = keep,
                         .n_keep_float = n_keep,
                         .float_tensors = ftens,
                         .n_float_tensors = n_ftens,
                         .int16_tensors = i16,
                         .n_int16_tensors = n_i16,
                         .int16_max_hw = int16_hw < 0 ? def->int16_max_hw : int16_hw,
                         .warn = on_warn,
                         .warn_user = &quiet};
    arv_quant_report rep;
    if (arv_quantize_model(m, cb, &qo, out, &rep, err) != ARV_OK) {
        cmd_error("quantize", "%s: %s", out, err);
        rc = EXIT_MODEL_IO;
        goto done;
    }
    printf("%s: %d ops: %d int8, %d int16, %d float, %d QUANTIZE, %d DEQUANTIZE; calibrated on"
           " %d input(s) from %d image(s)\n",
           out, rep.n_ops, rep.n_int8_ops, rep.n_int16_ops, rep.n_float_ops, rep.n_quantize,
           rep.n_dequantize,
           used, list.n - failed - skipped);
    rc = failed ? EXIT_SOME_FAILED : EXIT_OK;
    const char **rn = rep.n_eq ? malloc(sizeof *rn * (size_t)rep.n_eq) : NULL;
    int *rc_n = rep.n_eq ? malloc(sizeof *rc_n * (size_t)rep.n_eq) : NULL;
    const float **rk = rep.n_eq ? malloc(sizeof *rk * (size_t)rep.n_eq) : NULL;
    if (rn && rc_n && rk) {
        for (int i = 0; i < rep.n_eq; i++)
            rn[i] = rep.eq[i].name, rc_n[i] = rep.eq[i].nc, rk[i] = rep.eq[i].k;
        arv_qtask_set_rescaled(qt, rep.n_eq, rn, rc_n, rk);
    }
    if (n_rep) {
        int r = arv_qtask_report(qt, out, &rlist, report_layers, threads, stdout, err);
        if (r < 0) {
            cmd_error("quantize", "--report: %s", err);
            rc = EXIT_MODEL_IO;
        } else if (r > 0 && rc == EXIT_OK) {
            rc = EXIT_SOME_FAILED;
        }
        if (r >= 0 && report_noise > 0 &&
            arv_qtask_report_noise(qt, report_noise, &rlist, threads, stdout, err) < 0) {
            cmd_error("quantize", "--report-noise: %s", err);
            rc = EXIT_MODEL_IO;
        }
        if (r >= 0 && report_sens && sensitivity(m, cb, &qo, qt, out, &rlist, threads, ftens,
                                                  n_ftens) != 0)
            rc = EXIT_MODEL_IO;
    }
    arv_qtask_set_rescaled(qt, 0, NULL, NULL, NULL);
    free(rn);
    free(rc_n);
    free(rk);
    arv_quant_report_free(&rep);
done:
    arv_calib_free(cb);
    arv_inputs_free(&list);
    arv_inputs_free(&rlist);
    arv_qtask_free(qt);
    arv_model_close(m);
    return rc;
}

const arv_command arv_cmd_quantize = {"quantize", "post-training int8 quantization of a model",
                                      run, usage};
