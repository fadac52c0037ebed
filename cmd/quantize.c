/* quantize.c — `arv quantize IN -o OUT --calibration DIR|FILES...`:
 * post-training int8 quantization. Calibration images go through the task
 * pipeline's own preprocessing (src/tasks), the fp32 model runs on them
 * while lib/quant records every activation's range, and the int8 model is
 * written through a temporary file, so a failure leaves nothing behind. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "arv.h"
#include "cmd.h"
#include "media/image_io.h"
#include "media/inputs.h"
#include "quant/quant.h"
#include "tasks/segment.h"
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
            "  -t, --task TASK          preprocessing: segment (default; the only one so far)\n"
            "      --per-tensor         one weight scale per tensor instead of per channel\n"
            "      --percentile P       activation ranges keep P %% of the values (e.g. 99.99;\n"
            "                           a second pass over the images); default: min/max\n"
            "      --keep-float OP|NAME keep ops of this type (CONV_2D) or with this output\n"
            "                           tensor name in float (repeatable)\n"
            "      --threads N          interpreter threads for calibration (default all)\n"
            "  -q, --quiet              no warnings about ops kept in float\n"
            "  -h, --help               this help\n");
}

static void on_warn(void *user, const char *msg)
{
    if (!*(const int *)user)
        fprintf(stderr, "arv quantize: warning: %s\n", msg);
}

/* One pass over the calibration images; returns how many failed. */
static int calib_pass(arv_calib *cb, const arv_input_list *list, int W, int H, int report)
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
        int ok = arv_seg_preprocess(&im, W, H, arv_calib_input(cb, 0)->data) == 0;
        arv_image_free(&im);
        if (!ok || arv_calib_run(cb, err) != ARV_OK) {
            if (report)
                cmd_error("quantize", "%s: %s", list->v[i].path, ok ? err : "preprocessing failed");
            failed++;
        }
    }
    return failed;
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'},
        {"calibration", required_argument, NULL, 'c'},
        {"task", required_argument, NULL, 't'},
        {"per-tensor", no_argument, NULL, 'P'},
        {"percentile", required_argument, NULL, 'R'},
        {"keep-float", required_argument, NULL, 'K'},
        {"threads", required_argument, NULL, 'T'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *out = NULL, *task = "segment";
    const char *cal[MAX_ARGS], *keep[MAX_ARGS];
    int n_cal = 0, n_keep = 0, per_tensor = 0, threads = 0, quiet = 0, c;
    double percentile = 0.0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:c:t:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'c':
            if (n_cal < MAX_ARGS)
                cal[n_cal++] = optarg;
            break;
        case 't': task = optarg; break;
        case 'P': per_tensor = 1; break;
        case 'R': {
            char *end;
            percentile = strtod(optarg, &end);
            if (!*optarg || *end || !(percentile > 50.0 && percentile < 100.0)) {
                cmd_error("quantize", "--percentile wants a number above 50 and below 100, not '%s'",
                          optarg);
                return EXIT_USAGE;
            }
            break;
        }
        case 'K':
            if (n_keep < MAX_ARGS)
                keep[n_keep++] = optarg;
            break;
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
    if (!out) {
        cmd_error("quantize", "no output file (-o OUT.tflite)");
        return EXIT_USAGE;
    }
    if (n_cal == 0) {
        cmd_error("quantize", "no calibration images (--calibration DIR|FILES)");
        return EXIT_USAGE;
    }
    if (strcmp(task, "segment") != 0) {
        cmd_error("quantize", "task '%s' is not supported yet (supported: segment)", task);
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
    if (arv_model_num_inputs(m) != 1) {
        cmd_error("quantize", "%s: %d inputs; task 'segment' wants one image input", path,
                  arv_model_num_inputs(m));
        arv_model_close(m);
        return EXIT_MODEL_IO;
    }
    const arv_tensor *in = arv_model_input(m, 0);
    if (in->type != ARV_FLOAT32 || in->ndim != 4 || in->dims[0] != 1 || in->dims[3] != 3) {
        cmd_error("quantize", "%s: input is not a float [1,H,W,3] image", path);
        arv_model_close(m);
        return EXIT_MODEL_IO;
    }
    const int H = in->dims[1], W = in->dims[2];

    arv_input_list list = {0};
    if (arv_inputs_expand(cal, n_cal, &list, err) != 0) {
        cmd_error("quantize", "%s", err);
        arv_model_close(m);
        return EXIT_USAGE;
    }
    arv_calib *cb = NULL;
    int rc = EXIT_OK;
    if (arv_calib_new(m, threads, &cb, err) != ARV_OK) {
        cmd_error("quantize", "%s", err);
        rc = EXIT_MODEL_IO;
        goto done;
    }
    int failed = calib_pass(cb, &list, W, H, 1);
    const int used = arv_calib_runs(cb);
    if (percentile > 0.0 && arv_calib_runs(cb) > 0) {
        /* second pass: histograms over the ranges of the first */
        if (arv_calib_start_histograms(cb, 2048, err) != ARV_OK) {
            cmd_error("quantize", "%s", err);
            rc = EXIT_MODEL_IO;
            goto done;
        }
        calib_pass(cb, &list, W, H, 0);
    }
    if (arv_calib_runs(cb) == 0) {
        cmd_error("quantize", "no calibration image could be used");
        rc = EXIT_SOME_FAILED;
        goto done;
    }
    arv_quant_opts qo = {.per_tensor = per_tensor, .percentile = percentile, .keep_float = keep, .n_keep_float = n_keep,
                         .warn = on_warn, .warn_user = &quiet};
    arv_quant_report rep;
    if (arv_quantize_model(m, cb, &qo, out, &rep, err) != ARV_OK) {
        cmd_error("quantize", "%s: %s", out, err);
        rc = EXIT_MODEL_IO;
        goto done;
    }
    printf("%s: %d ops: %d int8, %d float, %d QUANTIZE, %d DEQUANTIZE; calibrated on %d image(s)\n",
           out, rep.n_ops, rep.n_int8_ops, rep.n_float_ops, rep.n_quantize, rep.n_dequantize,
           used);
    rc = failed ? EXIT_SOME_FAILED : EXIT_OK;
done:
    arv_calib_free(cb);
    arv_inputs_free(&list);
    arv_model_close(m);
    return rc;
}

const arv_command arv_cmd_quantize = {"quantize", "post-training int8 quantization of a model",
                                      run, usage};
