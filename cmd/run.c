/* run.c — `arv run MODEL --input X.npy...`: one inference on NumPy inputs,
 * outputs written as output_<i>.npy in model-output order, so anyone can
 * diff arv against another runtime. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cjson/cJSON.h>
#include "arv.h"
#include "cmd.h"
#include "io/npy.h"
#include "util/model_open.h"
#include "util/shape.h"
#include "util/xorshift.h"

#define MAX_INPUTS 16

static void usage(FILE *fp)
{
    fprintf(fp,
            "usage: arv run MODEL (--input FILE.npy ... | --random-seed N) [options]\n\n"
            "Run one inference. Inputs are NumPy .npy float32 arrays given in model-input\n"
            "order; outputs are written as DIR/output_0.npy, output_1.npy, ... in model-output\n"
            "order, in the model's shapes and types (float32; int8 and other integer outputs raw).\n\n"
            "  -i, --input FILE.npy    an input (repeat for each model input, in order)\n"
            "      --random-seed N     instead of --input: seeded uniform inputs (the xorshift\n"
            "                          generator used by scripts/make-golden)\n"
            "      --range LO,HI       value range for --random-seed (default 0,1)\n"
            "  -o, --output-dir DIR    where to write outputs (default: .)\n"
            "  -t, --threads N         worker threads (default: all cores)\n"
            "      --isa NAME          kernel set: generic, avx2, avx512, neon (default: best\n"
            "                          available here; also $ARV_ISA)\n"
            "  -j, --json              print output names, shapes and files as JSON\n"
            "  -h, --help              this help\n");
}

static int ensure_dir(const char *dir, char *err)
{
    struct stat st;
    if (stat(dir, &st) == 0)
        return S_ISDIR(st.st_mode) ? 0 : (snprintf(err, 256, "%s: not a directory", dir), -1);
    if (mkdir(dir, 0777) != 0) {
        snprintf(err, 256, "%s: cannot create directory: %s", dir, strerror(errno));
        return -1;
    }
    return 0;
}

static int same_shape(const arv_tensor *t, const arv_npy *a)
{
    if (t->ndim != a->ndim)
        return 0;
    for (int d = 0; d < t->ndim; d++)
        if (t->dims[d] != a->dims[d])
            return 0;
    return 1;
}

typedef struct run_opts {
    const char *inputs[MAX_INPUTS];
    int n_inputs;
    long seed;
    float lo, hi;
    const char *out_dir;
    int threads;
    const char *isa;
    int json;
} run_opts;

static int load_inputs(arv_interp *it, const run_opts *o, const char *model)
{
    int n = arv_interp_num_inputs(it);
    char err[256], a[64], b[64];
    if (o->seed >= 0) {
        uint32_t st = arv_xorshift_init((uint32_t)o->seed);
        for (int i = 0; i < n; i++) {
            arv_tensor *t = arv_interp_input(it, i);
            if (t->type != ARV_FLOAT32) {
                cmd_error("run", "%s: input %d is %s; only float32 inputs are supported", model, i,
                          arv_dtype_name(t->type));
                return EXIT_MODEL_IO;
            }
            arv_xorshift_fill(&st, o->lo, o->hi, t->data, arv_tensor_elems(t));
        }
        return EXIT_OK;
    }
    if (o->n_inputs != n) {
        cmd_error("run", "%s: model has %d input(s), %d given", model, n, o->n_inputs);
        return EXIT_USAGE;
    }
    for (int i = 0; i < n; i++) {
        arv_tensor *t = arv_interp_input(it, i);
        arv_npy arr;
        if (arv_npy_read(o->inputs[i], &arr, err) != 0) {
            cmd_error("run", "%s", err);
            return EXIT_MODEL_IO;
        }
        if (t->type != ARV_FLOAT32 || !same_shape(t, &arr)) {
            arv_shape_str(t->dims, t->ndim, a, sizeof a);
            arv_shape_str(arr.dims, arr.ndim, b, sizeof b);
            cmd_error("run", "%s: shape %s does not match model input %d '%s' %s %s", o->inputs[i],
                      b, i, t->name, arv_dtype_name(t->type), a);
            arv_npy_free(&arr);
            return EXIT_MODEL_IO;
        }
        memcpy(t->data, arr.data, t->bytes);
        arv_npy_free(&arr);
    }
    return EXIT_OK;
}

static int parse_args(int argc, char **argv, run_opts *o)
{
    static const struct option opts[] = {
        {"input", required_argument, NULL, 'i'}, {"output-dir", required_argument, NULL, 'o'},
        {"threads", required_argument, NULL, 't'}, {"isa", required_argument, NULL, 'I'},
        {"random-seed", required_argument, NULL, 'S'}, {"range", required_argument, NULL, 'R'},
        {"json", no_argument, NULL, 'j'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "i:o:t:jh", opts, NULL)) != -1) {
        switch (c) {
        case 'i':
            if (o->n_inputs == MAX_INPUTS) {
                cmd_error("run", "too many --input files (max %d)", MAX_INPUTS);
                return EXIT_USAGE;
            }
            o->inputs[o->n_inputs++] = optarg;
            break;
        case 'o': o->out_dir = optarg; break;
        case 't':
            if ((o->threads = cmd_parse_int(optarg, 1, 1024)) < 0) {
                cmd_error("run", "--threads: '%s' is not a number from 1 to 1024", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'I': o->isa = optarg; break;
        case 'S':
            if ((o->seed = cmd_parse_int(optarg, 0, 2147483647)) < 0) {
                cmd_error("run", "--random-seed: '%s' is not a non-negative number", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'R':
            if (sscanf(optarg, "%f,%f", &o->lo, &o->hi) != 2 || !(o->lo < o->hi)) {
                cmd_error("run", "--range: expected LO,HI with LO < HI, got '%s'", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'j': o->json = 1; break;
        case 'h': usage(stdout); return -1;
        default:
            cmd_error("run", "unknown option or missing value '%s' (see 'arv help run')",
                      argv[optind - 1]);
            return EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        cmd_error("run", "expected exactly one MODEL (see 'arv help run')");
        return EXIT_USAGE;
    }
    if ((o->n_inputs > 0) == (o->seed >= 0)) {
        cmd_error("run", "give either --input files or --random-seed");
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

static int write_outputs(const arv_interp *it, const run_opts *o)
{
    char err[256], path[4096 + 32];
    cJSON *root = o->json ? cJSON_CreateObject() : NULL;
    cJSON *outs = root ? cJSON_AddArrayToObject(root, "outputs") : NULL;
    if (ensure_dir(o->out_dir, err) != 0) {
        cmd_error("run", "%s", err);
        cJSON_Delete(root);
        return EXIT_MODEL_IO;
    }
    for (int i = 0; i < arv_interp_num_outputs(it); i++) {
        const arv_tensor *t = arv_interp_output(it, i);
        snprintf(path, sizeof path, "%s/output_%d.npy", o->out_dir, i);
        /* Integer outputs (an int8 model's intermediate tensors exposed as
         * outputs, say) are written raw, in numpy's name for their type. */
        const char *descr = t->type == ARV_FLOAT32 ? "<f4"
                            : t->type == ARV_INT8  ? "|i1"
                            : t->type == ARV_UINT8 ? "|u1"
                            : t->type == ARV_INT16 ? "<i2"
                            : t->type == ARV_INT32 ? "<i4"
                                                   : NULL;
        if (descr == NULL) {
            cmd_error("run", "output %d '%s' is %s; only float32 and integer outputs can be written",
                      i, t->name, arv_dtype_name(t->type));
            cJSON_Delete(root);
            return EXIT_MODEL_IO;
        }
        if (arv_npy_write_raw(path, t->data, descr, arv_dtype_size(t->type), t->dims, t->ndim,
                              err) != 0) {
            cmd_error("run", "%s", err);
            cJSON_Delete(root);
            return EXIT_MODEL_IO;
        }
        if (outs) {
            cJSON *e = cJSON_CreateObject();
            cJSON_AddNumberToObject(e, "index", i);
            cJSON_AddStringToObject(e, "name", t->name);
            cJSON *sh = cJSON_AddArrayToObject(e, "shape");
            for (int d = 0; d < t->ndim; d++)
                cJSON_AddItemToArray(sh, cJSON_CreateNumber(t->dims[d]));
            cJSON_AddStringToObject(e, "dtype", "float32");
            cJSON_AddStringToObject(e, "file", path);
            cJSON_AddItemToArray(outs, e);
        }
    }
    if (root) {
        char *s = cJSON_Print(root);
        if (s)
            puts(s);
        free(s);
        cJSON_Delete(root);
    }
    return EXIT_OK;
}

static int run(int argc, char **argv)
{
    run_opts o = {.seed = -1, .lo = 0.0f, .hi = 1.0f, .out_dir = "."};
    int rc = parse_args(argc, argv, &o);
    if (rc != EXIT_OK)
        return rc < 0 ? EXIT_OK : rc;
    const char *arg = argv[argc - 1];
    char path[4096], err[ARV_MODEL_OPEN_ERR_LEN];
    arv_model *m;
    if (arv_model_open_arg(arg, path, sizeof path, &m, err) != 0) {
        cmd_error("run", "%s", err);
        return EXIT_MODEL_IO;
    }
    arv_options opt = {.num_threads = o.threads, .isa = o.isa};
    arv_interp *it;
    arv_status s = arv_interp_new(m, &opt, &it, err);
    if (s != ARV_OK) {
        cmd_error("run", "%s: %s", path, err);
        arv_model_close(m);
        return s == ARV_ERR_ARG ? EXIT_USAGE : EXIT_MODEL_IO;
    }
    rc = load_inputs(it, &o, path);
    if (rc == EXIT_OK && arv_interp_invoke(it) != ARV_OK) {
        cmd_error("run", "%s: %s", path, arv_interp_error(it));
        rc = EXIT_MODEL_IO;
    }
    if (rc == EXIT_OK)
        rc = write_outputs(it, &o);
    arv_interp_free(it);
    arv_model_close(m);
    return rc;
}

const arv_command arv_cmd_run = {"run", "run one inference on .npy inputs", run, usage};
