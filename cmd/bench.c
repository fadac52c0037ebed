/* bench.c — `arv bench MODEL`: latency of one model on arv's interpreter,
 * with the flags and report of TensorFlow Lite's benchmark_model (warm-up,
 * timed runs, count/first/curr/min/max/avg/std, per-op profile tables), plus
 * percentiles, achieved GMAC/s and share of the machine's peak, thread and
 * ISA sweeps, and one JSON document for CI. Statistics are in util/stats. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <cjson/cJSON.h>
#include "arv.h"
#include "cmd.h"
#include "io/npy.h"
#include "util/atomic_file.h"
#include "util/model_path.h"
#include "util/stats.h"
#include "util/xorshift.h"

#define MAX_INPUTS 16
#define MAX_SWEEP 16
#define TOP_N 10

static void usage(FILE *fp)
{
    fprintf(fp,
            "usage: arv bench MODEL [options]\n\n"
            "Measure a model's latency on arv's interpreter. Flags and report follow TensorFlow\n"
            "Lite's benchmark_model (both --flag=V and --flag V work); the report goes to stdout.\n\n"
            "run control (benchmark_model's defaults):\n"
            "      --num_threads N           interpreter threads (default -1: all cores)\n"
            "      --warmup_runs N           untimed runs first (default 1) ...\n"
            "      --warmup_min_secs S       ... and for at least S seconds (default 0.5)\n"
            "      --num_runs N              timed runs (default 50) ...\n"
            "      --min_secs S              ... and for at least S seconds (default 1)\n"
            "      --max_secs S              start no run after S seconds (default 150)\n"
            "      --run_delay S             sleep S seconds after each run (default: none)\n"
            "inputs (default: seeded uniform random, as 'arv run --random-seed'):\n"
            "  -i, --input FILE.npy          an input, in model-input order (repeatable)\n"
            "      --input_layer_value_files NAME:FILE,...\n"
            "                                inputs by tensor name ('::' for a ':' in NAME);\n"
            "                                FILE is .npy or raw little-endian float32\n"
            "      --random-seed N           seed of the random inputs (default 1)\n"
            "      --range LO,HI             their value range (default 0,1)\n"
            "per-op profile:\n"
            "      --enable_op_profiling[=true|false]\n"
            "                                per-op times: run order, top %d by time, summary\n"
            "                                by node type, with kernel and GMAC/s per op\n"
            "      --op_profiling_output_mode=stdout|csv|json   (implies profiling)\n"
            "      --op_profiling_output_file FILE   write the csv/json profile there\n"
            "beyond benchmark_model:\n"
            "  -t, --threads N[,N...]        thread sweep: whole benchmark per count, compared\n"
            "      --isa NAME[,NAME...]      kernel sets to compare (generic, avx2, avx512, ...;\n"
            "                                default: best available)\n"
            "  -j, --json                    one JSON document on stdout (see man arv-bench)\n"
            "  -h, --help                    this help\n",
            TOP_N);
}

typedef enum { PROF_STDOUT, PROF_CSV, PROF_JSON } prof_mode;

typedef struct bench_opts {
    int threads[MAX_SWEEP];           /* 0 = all cores */
    int n_threads;
    char *isa_list;                   /* strdup of the --isa argument */
    const char *isas[MAX_SWEEP];      /* NULL entry = default ISA */
    int n_isas;
    int warmup_runs, num_runs;
    double warmup_min_secs, min_secs, max_secs, run_delay;
    int profiling;
    prof_mode mode;
    const char *prof_file;
    const char *inputs[MAX_INPUTS];   /* --input, model-input order */
    int n_inputs;
    char *lv_name[MAX_INPUTS];        /* --input_layer_value_files */
    char *lv_file[MAX_INPUTS];
    int n_lv;
    long seed;
    float lo, hi;
    int json;
} bench_opts;

typedef struct machine {
    char cpu[128];
    int cores;
    double mhz;                       /* 0: unknown */
    const char *mhz_source;
} machine;

typedef struct op_prof {
    int node;
    char *op, *output, *kernel;
    uint64_t macs;
    double first, sum, min, max, avg, start;
    double mem_kb;
} op_prof;

typedef struct bench_result {
    const char *isa_req;              /* as asked; NULL = default */
    char isa[32];                     /* as the interpreter reports it */
    int threads_req, threads;
    int rc;                           /* EXIT_OK or the failure's exit code */
    char err[4096 + ARV_ERR_LEN + 64];
    double init_ms;
    arv_stats warm, inv;
    long peak_rss_kb;
    size_t arena;
    uint64_t macs;
    double gmacs, peak_gmacs, share;  /* share < 0: unknown */
    int mac_per_cycle;
    const char *mac_note;
    int n_ops;
    op_prof *ops;
    double ops_total_ms;
} bench_result;

/* ---------------------------------------------------------------- parsing */

static int parse_secs(const char *s, double *out, double min)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (!*s || *end || errno || !isfinite(v) || v < min || v > 1e6)
        return -1;
    *out = v;
    return 0;
}

static int parse_bool(const char *s, int *out)
{
    if (!s || !strcmp(s, "true") || !strcmp(s, "1") || !strcmp(s, "yes")) {
        *out = 1;
        return 0;
    }
    if (!strcmp(s, "false") || !strcmp(s, "0") || !strcmp(s, "no")) {
        *out = 0;
        return 0;
    }
    return -1;
}

static int parse_threads(const char *s, bench_opts *o)
{
    char buf[256];
    if (strlen(s) >= sizeof buf)
        return -1;
    strcpy(buf, s);
    o->n_threads = 0;
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        int v = cmd_parse_int(tok, 0, 1024);
        if (v < 0 || o->n_threads == MAX_SWEEP)
            return -1;
        o->threads[o->n_threads++] = v;
    }
    return o->n_threads > 0 ? 0 : -1;
}

static int parse_isas(const char *s, bench_opts *o)
{
    free(o->isa_list);
    if (!(o->isa_list = strdup(s)))
        return -1;
    o->n_isas = 0;
    for (char *save = NULL, *tok = strtok_r(o->isa_list, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        if (o->n_isas == MAX_SWEEP)
            return -1;
        o->isas[o->n_isas++] = tok;
    }
    return o->n_isas > 0 ? 0 : -1;
}

/* NAME:FILE,NAME:FILE with "::" standing for a ':' inside NAME (benchmark_model's
 * escape). Returns NULL or a one-line reason. */
static const char *parse_layer_files(const char *spec, bench_opts *o)
{
    const char *p = spec;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (o->n_lv == MAX_INPUTS)
            return "too many entries";
        char *name = malloc(len + 1), *file = NULL;
        if (!name)
            return "out of memory";
        size_t n = 0, i = 0;
        for (; i < len; i++) {
            if (p[i] == ':' && i + 1 < len && p[i + 1] == ':') {
                name[n++] = ':';
                i++;
            } else if (p[i] == ':') {
                break;
            } else {
                name[n++] = p[i];
            }
        }
        name[n] = 0;
        if (i >= len || n == 0 || i + 1 >= len) {
            free(name);
            return "expected NAME:FILE entries separated by commas";
        }
        if (!(file = strndup(p + i + 1, len - i - 1))) {
            free(name);
            return "out of memory";
        }
        o->lv_name[o->n_lv] = name;
        o->lv_file[o->n_lv++] = file;
        p += len;
        if (*p == ',')
            p++;
    }
    return o->n_lv ? NULL : "expected NAME:FILE entries separated by commas";
}

enum {
    O_NUM_THREADS = 256, O_WARMUP_RUNS, O_WARMUP_MIN_SECS, O_NUM_RUNS, O_MIN_SECS, O_MAX_SECS,
    O_RUN_DELAY, O_PROFILING, O_PROF_MODE, O_PROF_FILE, O_LAYER_FILES, O_SEED, O_RANGE, O_ISA
};

static int bad_value(const char *flag, const char *val, const char *want)
{
    cmd_error("bench", "--%s: '%s' is not %s", flag, val, want);
    return EXIT_USAGE;
}

static int parse_args(int argc, char **argv, bench_opts *o)
{
    static const struct option opts[] = {
        {"num_threads", required_argument, NULL, O_NUM_THREADS},
        {"warmup_runs", required_argument, NULL, O_WARMUP_RUNS},
        {"warmup_min_secs", required_argument, NULL, O_WARMUP_MIN_SECS},
        {"num_runs", required_argument, NULL, O_NUM_RUNS},
        {"min_secs", required_argument, NULL, O_MIN_SECS},
        {"max_secs", required_argument, NULL, O_MAX_SECS},
        {"run_delay", required_argument, NULL, O_RUN_DELAY},
        {"enable_op_profiling", optional_argument, NULL, O_PROFILING},
        {"op_profiling_output_mode", required_argument, NULL, O_PROF_MODE},
        {"op_profiling_output_file", required_argument, NULL, O_PROF_FILE},
        {"input_layer_value_files", required_argument, NULL, O_LAYER_FILES},
        {"input", required_argument, NULL, 'i'},
        {"random-seed", required_argument, NULL, O_SEED},
        {"range", required_argument, NULL, O_RANGE},
        {"threads", required_argument, NULL, 't'},
        {"isa", required_argument, NULL, O_ISA},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    int c, v, mode_given = 0;
    const char *why;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "i:t:jh", opts, NULL)) != -1) {
        switch (c) {
        case O_NUM_THREADS:
            if ((v = cmd_parse_int(optarg, 0, 1024)) < 0 && strcmp(optarg, "-1") != 0)
                return bad_value("num_threads", optarg, "-1 or a number from 0 to 1024");
            o->threads[0] = v < 0 ? 0 : v;
            o->n_threads = 1;
            break;
        case O_WARMUP_RUNS:
            if ((o->warmup_runs = cmd_parse_int(optarg, 0, 1000000)) < 0)
                return bad_value("warmup_runs", optarg, "a number from 0 to 1000000");
            break;
        case O_NUM_RUNS:
            if ((o->num_runs = cmd_parse_int(optarg, 1, 10000000)) < 0)
                return bad_value("num_runs", optarg, "a number from 1 to 10000000");
            break;
        case O_WARMUP_MIN_SECS:
            if (parse_secs(optarg, &o->warmup_min_secs, -1e6) != 0)
                return bad_value("warmup_min_secs", optarg, "a number of seconds");
            break;
        case O_MIN_SECS:
            if (parse_secs(optarg, &o->min_secs, -1e6) != 0)
                return bad_value("min_secs", optarg, "a number of seconds");
            break;
        case O_MAX_SECS:
            if (parse_secs(optarg, &o->max_secs, 0) != 0 || o->max_secs <= 0)
                return bad_value("max_secs", optarg, "a positive number of seconds");
            break;
        case O_RUN_DELAY:
            if (parse_secs(optarg, &o->run_delay, -1e6) != 0)
                return bad_value("run_delay", optarg, "a number of seconds");
            break;
        case O_PROFILING:
            if (parse_bool(optarg, &o->profiling) != 0)
                return bad_value("enable_op_profiling", optarg, "true or false");
            break;
        case O_PROF_MODE:
            if (!strcmp(optarg, "stdout"))
                o->mode = PROF_STDOUT;
            else if (!strcmp(optarg, "csv"))
                o->mode = PROF_CSV;
            else if (!strcmp(optarg, "json"))
                o->mode = PROF_JSON;
            else
                return bad_value("op_profiling_output_mode", optarg, "stdout, csv or json");
            mode_given = 1;
            break;
        case O_PROF_FILE: o->prof_file = optarg; break;
        case O_LAYER_FILES:
            if ((why = parse_layer_files(optarg, o)) != NULL) {
                cmd_error("bench", "--input_layer_value_files: %s, got '%s'", why, optarg);
                return EXIT_USAGE;
            }
            break;
        case 'i':
            if (o->n_inputs == MAX_INPUTS) {
                cmd_error("bench", "too many --input files (max %d)", MAX_INPUTS);
                return EXIT_USAGE;
            }
            o->inputs[o->n_inputs++] = optarg;
            break;
        case O_SEED:
            if ((o->seed = cmd_parse_int(optarg, 0, 2147483647)) < 0)
                return bad_value("random-seed", optarg, "a non-negative number");
            break;
        case O_RANGE:
            if (sscanf(optarg, "%f,%f", &o->lo, &o->hi) != 2 || !(o->lo < o->hi)) {
                cmd_error("bench", "--range: expected LO,HI with LO < HI, got '%s'", optarg);
                return EXIT_USAGE;
            }
            break;
        case 't':
            if (parse_threads(optarg, o) != 0)
                return bad_value("threads", optarg, "a list of 1 to 16 counts from 0 to 1024 (0 = all cores)");
            break;
        case O_ISA:
            if (parse_isas(optarg, o) != 0)
                return bad_value("isa", optarg, "a list of 1 to 16 ISA names");
            break;
        case 'j': o->json = 1; break;
        case 'h': usage(stdout); return -1;
        default:
            cmd_error("bench", "unknown option or missing value '%s' (see 'arv help bench')",
                      argv[optind - 1]);
            return EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        cmd_error("bench", "expected exactly one MODEL (see 'arv help bench')");
        return EXIT_USAGE;
    }
    if (mode_given)
        o->profiling = 1;
    if (o->n_inputs && o->n_lv) {
        cmd_error("bench", "give inputs either with --input or with --input_layer_value_files");
        return EXIT_USAGE;
    }
    if (o->json && o->profiling && o->mode != PROF_STDOUT && !o->prof_file) {
        cmd_error("bench", "--json takes stdout: give --op_profiling_output_file for the %s profile",
                  o->mode == PROF_CSV ? "csv" : "json");
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

/* ---------------------------------------------------------------- machine */

static void read_machine(machine *mc)
{
    memset(mc, 0, sizeof *mc);
    strcpy(mc->cpu, "unknown");
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    mc->cores = n > 0 ? (int)n : 1;
    char line[512];
    FILE *fp = fopen("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq", "r");
    if (fp) {
        double khz;
        if (fscanf(fp, "%lf", &khz) == 1 && khz > 0) {
            mc->mhz = khz / 1000.0;
            mc->mhz_source = "cpufreq cpuinfo_max_freq";
        }
        fclose(fp);
    }
    if (!(fp = fopen("/proc/cpuinfo", "r")))
        return;
    int have_name = 0;
    while (fgets(line, sizeof line, fp)) {
        char *colon = strchr(line, ':');
        if (!colon)
            continue;
        char *val = colon + 1;
        while (*val == ' ' || *val == '\t')
            val++;
        val[strcspn(val, "\n")] = 0;
        if (!have_name && (!strncmp(line, "model name", 10) || !strncmp(line, "Hardware", 8) ||
                           !strncmp(line, "cpu model", 9)) && *val) {
            snprintf(mc->cpu, sizeof mc->cpu, "%s", val);
            have_name = 1;
        } else if (!mc->mhz && !strncmp(line, "cpu MHz", 7)) {
            double mhz = atof(val);
            if (mhz > 0) {
                mc->mhz = mhz;
                mc->mhz_source = "/proc/cpuinfo cpu MHz";
            }
        }
    }
    fclose(fp);
}

/* fp32 multiply-accumulates per cycle and core for a kernel set, by name
 * prefix. Assumptions, printed with the figure: two FMA pipes per core on
 * x86 and on big aarch64 cores; generic C counted as scalar. */
static int isa_mac_per_cycle(const char *isa, const char **note)
{
    if (!strncmp(isa, "avx512", 6)) {
        *note = "AVX-512: 2 FMA units x 16 fp32 lanes";
        return 32;
    }
    if (!strncmp(isa, "avx", 3)) {
        *note = "AVX2+FMA: 2 FMA units x 8 fp32 lanes";
        return 16;
    }
    if (!strncmp(isa, "neon", 4) || !strncmp(isa, "asimd", 5)) {
        *note = "NEON: 2 FMA units x 4 fp32 lanes";
        return 8;
    }
    *note = "generic C: assumed 1 scalar fp32 MAC/cycle, compiler vectorization not counted";
    return 1;
}

/* ---------------------------------------------------------------- inputs */

typedef struct input_set {
    int n;
    float *data[MAX_INPUTS];
    char desc[MAX_INPUTS][160];
} input_set;

static void input_set_free(input_set *in)
{
    for (int i = 0; i < in->n; i++)
        free(in->data[i]);
    in->n = 0;
}

static void shape_str(const int *dims, int nd, char *buf, size_t len)
{
    size_t o = (size_t)snprintf(buf, len, "[");
    for (int d = 0; d < nd && o < len; d++)
        o += (size_t)snprintf(buf + o, len - o, "%s%d", d ? "," : "", dims[d]);
    if (o < len)
        snprintf(buf + o, len - o, "]");
}

/* A .npy (by its magic) or a raw little-endian float32 file of exactly the
 * tensor's size. Returns 0 or writes a one-line reason. */
static int read_input_file(const char *file, const arv_tensor *t, int idx, float *dst, char *err)
{
    char a[64], b[64], magic[6] = {0};
    FILE *fp = fopen(file, "rb");
    if (!fp) {
        snprintf(err, 512, "%s: %s", file, strerror(errno));
        return -1;
    }
    size_t got = fread(magic, 1, sizeof magic, fp);
    if (got == sizeof magic && memcmp(magic, "\x93NUMPY", 6) == 0) {
        fclose(fp);
        arv_npy arr;
        if (arv_npy_read(file, &arr, err) != 0)
            return -1;
        if (arr.count != arv_tensor_elems(t)) {
            shape_str(t->dims, t->ndim, a, sizeof a);
            shape_str(arr.dims, arr.ndim, b, sizeof b);
            snprintf(err, 512, "%s: shape %s does not match model input %d '%s' %s", file, b, idx,
                     t->name, a);
            arv_npy_free(&arr);
            return -1;
        }
        memcpy(dst, arr.data, t->bytes);
        arv_npy_free(&arr);
        return 0;
    }
    /* raw float32, as benchmark_model reads its value files */
    if (fseek(fp, 0, SEEK_END) != 0 || ftell(fp) != (long)t->bytes) {
        long size = ftell(fp);
        fclose(fp);
        snprintf(err, 512, "%s: not a .npy file, and its %ld bytes are not the %zu of model input %d '%s' as raw float32",
                 file, size, t->bytes, idx, t->name);
        return -1;
    }
    rewind(fp);
    int ok = fread(dst, 1, t->bytes, fp) == t->bytes;
    fclose(fp);
    if (!ok) {
        snprintf(err, 512, "%s: read error", file);
        return -1;
    }
    return 0;
}

/* Fill every model input once: from --input (model order), from
 * --input_layer_value_files (by name), else from one seeded xorshift stream
 * over the remaining inputs in model order. */
static int load_inputs(const arv_model *m, const bench_opts *o, input_set *in, const char *path)
{
    char err[512];
    int n = arv_model_num_inputs(m);
    if (n > MAX_INPUTS) {
        cmd_error("bench", "%s: %d inputs, at most %d supported", path, n, MAX_INPUTS);
        return EXIT_MODEL_IO;
    }
    if (o->n_inputs && o->n_inputs != n) {
        cmd_error("bench", "%s: model has %d input(s), %d --input given", path, n, o->n_inputs);
        return EXIT_USAGE;
    }
    for (int k = 0; k < o->n_lv; k++) {
        int found = 0;
        for (int i = 0; i < n; i++)
            found |= strcmp(arv_model_input(m, i)->name, o->lv_name[k]) == 0;
        if (!found) {
            cmd_error("bench", "--input_layer_value_files: %s has no input named '%s' (inputs: %s%s)",
                      path, o->lv_name[k], arv_model_input(m, 0)->name, n > 1 ? ", ..." : "");
            return EXIT_USAGE;
        }
    }
    uint32_t st = arv_xorshift_init((uint32_t)o->seed);
    for (int i = 0; i < n; i++) {
        const arv_tensor *t = arv_model_input(m, i);
        if (t->type != ARV_FLOAT32) {
            cmd_error("bench", "%s: input %d is %s; only float32 inputs are supported", path, i,
                      arv_dtype_name(t->type));
            return EXIT_MODEL_IO;
        }
        size_t elems = arv_tensor_elems(t);
        if (!(in->data[i] = malloc(elems ? elems * sizeof(float) : 1))) {
            cmd_error("bench", "out of memory");
            return EXIT_MODEL_IO;
        }
        in->n = i + 1;
        const char *file = o->n_inputs ? o->inputs[i] : NULL;
        for (int k = 0; k < o->n_lv && !file; k++)
            if (strcmp(t->name, o->lv_name[k]) == 0)
                file = o->lv_file[k];
        if (file) {
            if (read_input_file(file, t, i, in->data[i], err) != 0) {
                cmd_error("bench", "%s", err);
                return EXIT_MODEL_IO;
            }
            snprintf(in->desc[i], sizeof in->desc[i], "%s", file);
        } else {
            arv_xorshift_fill(&st, o->lo, o->hi, in->data[i], elems);
            snprintf(in->desc[i], sizeof in->desc[i], "random (seed %ld, range [%g,%g])", o->seed,
                     (double)o->lo, (double)o->hi);
        }
    }
    return EXIT_OK;
}

/* ---------------------------------------------------------------- running */

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void sleep_secs(double s)
{
    if (!(s > 0))
        return;
    struct timespec ts = {(time_t)s, (long)((s - floor(s)) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

typedef struct samples {
    double *v;
    size_t n, cap;
} samples;

static int push(samples *s, double x)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        double *v = realloc(s->v, cap * sizeof *v);
        if (!v)
            return -1;
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = x;
    return 0;
}

/* benchmark_model's loop: keep running while fewer than min_runs runs or less
 * than min_secs have passed, but start no run after max_secs. Per-op times
 * are summed into r->ops when acc is set. */
static int run_phase(arv_interp *it, const bench_opts *o, int min_runs, double min_secs,
                     samples *s, bench_result *r, int acc)
{
    double start = now_ms(), now = start;
    for (int run = 0; (run < min_runs || now - start < min_secs * 1e3) && now - start <= o->max_secs * 1e3;
         run++) {
        double t0 = now_ms();
        arv_status st = arv_interp_invoke(it);
        double t1 = now_ms();
        if (st != ARV_OK) {
            snprintf(r->err, sizeof r->err, "invoke failed: %s", arv_interp_error(it));
            r->rc = EXIT_MODEL_IO;
            return -1;
        }
        if (push(s, t1 - t0) != 0) {
            snprintf(r->err, sizeof r->err, "out of memory");
            r->rc = EXIT_MODEL_IO;
            return -1;
        }
        if (acc && r->ops) {
            const arv_profile *p = arv_interp_profile(it);
            for (int i = 0; i < r->n_ops && i < p->count; i++) {
                double ms = p->entries[i].ms;
                op_prof *op = &r->ops[i];
                if (s->n == 1) {
                    op->first = op->min = op->max = ms;
                } else {
                    op->min = ms < op->min ? ms : op->min;
                    op->max = ms > op->max ? ms : op->max;
                }
                op->sum += ms;
            }
        }
        sleep_secs(o->run_delay);
        now = now_ms();
    }
    return 0;
}

static void free_ops(bench_result *r)
{
    for (int i = 0; i < r->n_ops; i++) {
        free(r->ops[i].op);
        free(r->ops[i].output);
        free(r->ops[i].kernel);
    }
    free(r->ops);
    r->ops = NULL;
    r->n_ops = 0;
}

static int copy_profile(arv_interp *it, bench_result *r)
{
    const arv_profile *p = arv_interp_profile(it);
    r->ops = calloc((size_t)(p->count > 0 ? p->count : 1), sizeof *r->ops);
    if (!r->ops)
        return -1;
    r->n_ops = p->count;
    for (int i = 0; i < p->count; i++) {
        const arv_profile_entry *e = &p->entries[i];
        op_prof *op = &r->ops[i];
        op->node = e->node;
        op->macs = e->macs;
        op->op = strdup(e->op_name ? e->op_name : "?");
        op->output = strdup(e->output_name ? e->output_name : "");
        op->kernel = strdup(e->kernel ? e->kernel : "?");
        if (!op->op || !op->output || !op->kernel)
            return -1;
        const arv_tensor *t = e->output_name ? arv_interp_tensor_by_name(it, e->output_name) : NULL;
        op->mem_kb = t ? (double)t->bytes / 1024.0 : 0.0;
    }
    return 0;
}

/* One configuration: open (timed as init), fill inputs, warm up, time. */
static void run_config(const char *path, const bench_opts *o, const input_set *in,
                       const machine *mc, bench_result *r)
{
    char err[ARV_ERR_LEN];
    arv_model *m = NULL;
    arv_interp *it = NULL;
    samples warm = {0}, timed = {0};
    r->threads = r->threads_req > 0 ? r->threads_req : mc->cores;

    double t0 = now_ms();
    if (arv_model_open(path, NULL, &m, err) != ARV_OK) {
        snprintf(r->err, sizeof r->err, "%s: %s", path, err);
        r->rc = EXIT_MODEL_IO;
        return;
    }
    arv_options opt = {.num_threads = r->threads_req, .isa = r->isa_req,
                       .enable_profiling = o->profiling};
    arv_status s = arv_interp_new(m, &opt, &it, err);
    double t1 = now_ms();
    if (s != ARV_OK) {
        if (s == ARV_ERR_ARG && r->isa_req)
            snprintf(r->err, sizeof r->err, "--isa %s: %s", r->isa_req, err);
        else
            snprintf(r->err, sizeof r->err, "%s: %s", path, err);
        r->rc = s == ARV_ERR_ARG ? EXIT_USAGE : EXIT_MODEL_IO;
        arv_model_close(m);
        return;
    }
    r->init_ms = t1 - t0;
    snprintf(r->isa, sizeof r->isa, "%s", arv_interp_isa(it));
    r->arena = arv_interp_arena_bytes(it);
    r->macs = arv_model_macs(m);
    for (int i = 0; i < in->n && i < arv_interp_num_inputs(it); i++) {
        arv_tensor *t = arv_interp_input(it, i);
        memcpy(t->data, in->data[i], t->bytes);
    }
    if (o->profiling && copy_profile(it, r) != 0) {
        snprintf(r->err, sizeof r->err, "out of memory");
        r->rc = EXIT_MODEL_IO;
        goto done;
    }
    if (run_phase(it, o, o->warmup_runs, o->warmup_min_secs, &warm, r, 0) != 0 ||
        run_phase(it, o, o->num_runs, o->min_secs, &timed, r, 1) != 0)
        goto done;

    double *scratch = malloc((timed.n > warm.n ? timed.n : warm.n) * sizeof(double) + 1);
    if (!scratch) {
        snprintf(r->err, sizeof r->err, "out of memory");
        r->rc = EXIT_MODEL_IO;
        goto done;
    }
    arv_stats_summarize(warm.v, warm.n, scratch, &r->warm);
    arv_stats_summarize(timed.v, timed.n, scratch, &r->inv);
    free(scratch);

    struct rusage ru;
    r->peak_rss_kb = getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : 0;
    r->gmacs = r->inv.median > 0 ? (double)r->macs / (r->inv.median * 1e6) : 0.0;
    r->mac_per_cycle = isa_mac_per_cycle(r->isa, &r->mac_note);
    int cores_used = r->threads < mc->cores ? r->threads : mc->cores;
    r->peak_gmacs = (double)cores_used * mc->mhz / 1e3 * r->mac_per_cycle;
    r->share = r->peak_gmacs > 0 ? r->gmacs / r->peak_gmacs : -1.0;

    /* the kernel that ran is the one of the last invoke (it may be chosen at run time) */
    const arv_profile *p = arv_interp_profile(it);
    for (int i = 0; i < r->n_ops && i < p->count; i++) {
        const char *k = p->entries[i].kernel ? p->entries[i].kernel : "?";
        char *dup;
        if (strcmp(r->ops[i].kernel, k) != 0 && (dup = strdup(k)) != NULL) {
            free(r->ops[i].kernel);
            r->ops[i].kernel = dup;
        }
    }
    double start = 0;
    r->ops_total_ms = 0;
    for (int i = 0; i < r->n_ops; i++) {
        op_prof *op = &r->ops[i];
        op->avg = timed.n ? op->sum / (double)timed.n : 0.0;
        op->start = start;
        start += op->avg;
        r->ops_total_ms += op->avg;
    }
    r->rc = EXIT_OK;
done:
    free(warm.v);
    free(timed.v);
    arv_interp_free(it);
    arv_model_close(m);
}

/* ---------------------------------------------------------------- reports */

static double gmacs_of(uint64_t macs, double ms) { return ms > 0 ? (double)macs / (ms * 1e6) : 0.0; }
static double pct_of(double part, double total) { return total > 0 ? 100.0 * part / total : 0.0; }
static double rnd(double v, double scale) { return round(v * scale) / scale; }

typedef struct type_row {
    const char *op;
    int count;
    double avg, mem_kb;
    uint64_t macs;
    char kernels[96];
} type_row;

static int cmp_ops_by_avg(const void *a, const void *b)
{
    const op_prof *x = *(const op_prof *const *)a, *y = *(const op_prof *const *)b;
    if (x->avg != y->avg)
        return x->avg < y->avg ? 1 : -1;
    return x->node - y->node;
}

static int cmp_types(const void *a, const void *b)
{
    const type_row *x = a, *y = b;
    if (x->avg != y->avg)
        return x->avg < y->avg ? 1 : -1;
    return strcmp(x->op, y->op);
}

/* Ops sorted by average time (caller frees). */
static op_prof **sorted_ops(const bench_result *r)
{
    op_prof **v = malloc(sizeof *v * (size_t)(r->n_ops ? r->n_ops : 1));
    if (!v)
        return NULL;
    for (int i = 0; i < r->n_ops; i++)
        v[i] = &r->ops[i];
    qsort(v, (size_t)r->n_ops, sizeof *v, cmp_ops_by_avg);
    return v;
}

/* Per node type: count, summed average time and MACs, the kernels that ran. */
static int by_type(const bench_result *r, type_row *rows)
{
    int n = 0;
    for (int i = 0; i < r->n_ops; i++) {
        const op_prof *op = &r->ops[i];
        int k = 0;
        while (k < n && strcmp(rows[k].op, op->op) != 0)
            k++;
        if (k == n)
            rows[n++] = (type_row){.op = op->op};
        type_row *t = &rows[k];
        t->count++;
        t->avg += op->avg;
        t->mem_kb += op->mem_kb;
        t->macs += op->macs;
        /* distinct kernel names joined by '+' */
        const char *kn = op->kernel;
        size_t kl = strlen(kn), have = strlen(t->kernels);
        int dup = 0;
        for (const char *p = t->kernels; *p;) {
            size_t l = strcspn(p, "+");
            dup |= l == kl && strncmp(p, kn, l) == 0;
            p += l + (p[l] == '+');
        }
        if (!dup && have + kl + 2 < sizeof t->kernels)
            snprintf(t->kernels + have, sizeof t->kernels - have, "%s%s", have ? "+" : "", kn);
    }
    qsort(rows, (size_t)n, sizeof *rows, cmp_types);
    return n;
}

static void op_row_human(FILE *fp, const bench_result *r, const op_prof *op, double cdf)
{
    char g[32] = "-";
    if (op->macs)
        snprintf(g, sizeof g, "%.2f", gmacs_of(op->macs, op->avg));
    fprintf(fp, "%-28s %9.3f %9.3f %9.3f %7.2f%% %7.2f%% %9.1f %7zu  %-12s %8s %6d  %s\n", op->op,
            op->start, op->first, op->avg, pct_of(op->avg, r->ops_total_ms), cdf, op->mem_kb,
            r->inv.count, op->kernel, g, op->node, op->output);
}

static void print_profile_human(FILE *fp, const bench_result *r)
{
    static const char *hdr =
        "%-28s %9s %9s %9s %8s %8s %9s %7s  %-12s %8s %6s  %s\n";
    fprintf(fp, "\n============================== Run Order ==============================\n");
    fprintf(fp, hdr, "[node type]", "[start]", "[first]", "[avg ms]", "[%]", "[cdf%]", "[mem KB]",
            "[times]", "[kernel]", "[GMAC/s]", "[node]", "[Name]");
    double cdf = 0;
    for (int i = 0; i < r->n_ops; i++) {
        cdf += pct_of(r->ops[i].avg, r->ops_total_ms);
        op_row_human(fp, r, &r->ops[i], cdf);
    }
    op_prof **s = sorted_ops(r);
    if (s) {
        fprintf(fp, "\n============================== Top by Computation Time ==============================\n");
        fprintf(fp, hdr, "[node type]", "[start]", "[first]", "[avg ms]", "[%]", "[cdf%]", "[mem KB]",
                "[times]", "[kernel]", "[GMAC/s]", "[node]", "[Name]");
        cdf = 0;
        for (int i = 0; i < r->n_ops && i < TOP_N; i++) {
            cdf += pct_of(s[i]->avg, r->ops_total_ms);
            op_row_human(fp, r, s[i], cdf);
        }
        free(s);
    }
    type_row *rows = calloc((size_t)(r->n_ops ? r->n_ops : 1), sizeof *rows);
    if (rows) {
        int n = by_type(r, rows);
        fprintf(fp, "\n============================== Summary by node type ==============================\n");
        fprintf(fp, "%-28s %7s %9s %8s %8s %10s %7s %8s  %s\n", "[Node type]", "[count]", "[avg ms]",
                "[avg %]", "[cdf %]", "[mem KB]", "[times]", "[GMAC/s]", "[kernels]");
        cdf = 0;
        for (int i = 0; i < n; i++) {
            cdf += pct_of(rows[i].avg, r->ops_total_ms);
            char g[32] = "-";
            if (rows[i].macs)
                snprintf(g, sizeof g, "%.2f", gmacs_of(rows[i].macs, rows[i].avg));
            fprintf(fp, "%-28s %7d %9.3f %7.2f%% %7.2f%% %10.1f %7zu %8s  %s\n", rows[i].op,
                    rows[i].count, rows[i].avg, pct_of(rows[i].avg, r->ops_total_ms), cdf,
                    rows[i].mem_kb, r->inv.count, g, rows[i].kernels);
        }
        free(rows);
    }
    fprintf(fp, "\nNumber of nodes executed: %d\n", r->n_ops);
    fprintf(fp, "Sum of per-op averages %.3f ms; invoke mean %.3f ms (the rest is the op loop "
                "and timer overhead)\n",
            r->ops_total_ms, r->inv.mean);
}

static void csv_str(FILE *fp, const char *s)
{
    if (!strpbrk(s, ",\"\n")) {
        fputs(s, fp);
        return;
    }
    fputc('"', fp);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', fp);
        fputc(*s, fp);
    }
    fputc('"', fp);
}

static void csv_op_row(FILE *fp, const bench_result *r, const op_prof *op, double cdf)
{
    csv_str(fp, r->isa);
    fprintf(fp, ",%d,%d,", r->threads, op->node);
    csv_str(fp, op->op);
    fputc(',', fp);
    csv_str(fp, op->output);
    fputc(',', fp);
    csv_str(fp, op->kernel);
    fprintf(fp, ",%.4f,%.4f,%.4f,%.4f,%.4f,%.3f,%.3f,%.1f,%zu,%llu,%.3f\n", op->start, op->first,
            op->avg, op->min, op->max, pct_of(op->avg, r->ops_total_ms), cdf, op->mem_kb,
            r->inv.count, (unsigned long long)op->macs, gmacs_of(op->macs, op->avg));
}

/* Three CSV blocks (run order, top by time, by node type), each a '#' title
 * line and a header; rows of every configuration, with isa and threads. */
static void print_profile_csv(FILE *fp, const bench_result *res, int n)
{
    static const char *op_hdr = "isa,threads,node,op,output,kernel,start_ms,first_ms,avg_ms,min_ms,"
                                "max_ms,pct,cdf_pct,mem_kb,times_called,macs,gmacs_per_s\n";
    fprintf(fp, "# run_order\n%s", op_hdr);
    for (int k = 0; k < n; k++) {
        double cdf = 0;
        for (int i = 0; i < res[k].n_ops; i++) {
            cdf += pct_of(res[k].ops[i].avg, res[k].ops_total_ms);
            csv_op_row(fp, &res[k], &res[k].ops[i], cdf);
        }
    }
    fprintf(fp, "\n# top_by_time\n%s", op_hdr);
    for (int k = 0; k < n; k++) {
        op_prof **s = sorted_ops(&res[k]);
        double cdf = 0;
        for (int i = 0; s && i < res[k].n_ops && i < TOP_N; i++) {
            cdf += pct_of(s[i]->avg, res[k].ops_total_ms);
            csv_op_row(fp, &res[k], s[i], cdf);
        }
        free(s);
    }
    fprintf(fp, "\n# by_node_type\nisa,threads,op,count,avg_ms,pct,cdf_pct,mem_kb,times_called,macs,"
                "gmacs_per_s,kernels\n");
    for (int k = 0; k < n; k++) {
        const bench_result *r = &res[k];
        type_row *rows = calloc((size_t)(r->n_ops ? r->n_ops : 1), sizeof *rows);
        if (!rows)
            continue;
        int m = by_type(r, rows);
        double cdf = 0;
        for (int i = 0; i < m; i++) {
            cdf += pct_of(rows[i].avg, r->ops_total_ms);
            csv_str(fp, r->isa);
            fprintf(fp, ",%d,", r->threads);
            csv_str(fp, rows[i].op);
            fprintf(fp, ",%d,%.4f,%.3f,%.3f,%.1f,%zu,%llu,%.3f,", rows[i].count, rows[i].avg,
                    pct_of(rows[i].avg, r->ops_total_ms), cdf, rows[i].mem_kb, r->inv.count,
                    (unsigned long long)rows[i].macs, gmacs_of(rows[i].macs, rows[i].avg));
            csv_str(fp, rows[i].kernels);
            fputc('\n', fp);
        }
        free(rows);
    }
}

static cJSON *op_json(const bench_result *r, const op_prof *op)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "node", op->node);
    cJSON_AddStringToObject(o, "op", op->op);
    cJSON_AddStringToObject(o, "output", op->output);
    cJSON_AddStringToObject(o, "kernel", op->kernel);
    cJSON_AddNumberToObject(o, "macs", (double)op->macs);
    cJSON_AddNumberToObject(o, "start_ms", rnd(op->start, 1e4));
    cJSON_AddNumberToObject(o, "first_ms", rnd(op->first, 1e4));
    cJSON_AddNumberToObject(o, "avg_ms", rnd(op->avg, 1e4));
    cJSON_AddNumberToObject(o, "min_ms", rnd(op->min, 1e4));
    cJSON_AddNumberToObject(o, "max_ms", rnd(op->max, 1e4));
    cJSON_AddNumberToObject(o, "pct", rnd(pct_of(op->avg, r->ops_total_ms), 1e3));
    cJSON_AddNumberToObject(o, "mem_kb", rnd(op->mem_kb, 10));
    cJSON_AddNumberToObject(o, "times_called", (double)r->inv.count);
    cJSON_AddNumberToObject(o, "gmacs_per_s", rnd(gmacs_of(op->macs, op->avg), 1e3));
    return o;
}

/* ops (run order), top_by_time (node indices), by_node_type. */
static void add_profile_json(cJSON *o, const bench_result *r)
{
    cJSON *ops = cJSON_AddArrayToObject(o, "ops");
    for (int i = 0; i < r->n_ops; i++)
        cJSON_AddItemToArray(ops, op_json(r, &r->ops[i]));
    cJSON *top = cJSON_AddArrayToObject(o, "top_by_time");
    op_prof **s = sorted_ops(r);
    for (int i = 0; s && i < r->n_ops && i < TOP_N; i++)
        cJSON_AddItemToArray(top, cJSON_CreateNumber(s[i]->node));
    free(s);
    cJSON *types = cJSON_AddArrayToObject(o, "by_node_type");
    type_row *rows = calloc((size_t)(r->n_ops ? r->n_ops : 1), sizeof *rows);
    int n = rows ? by_type(r, rows) : 0;
    for (int i = 0; i < n; i++) {
        cJSON *t = cJSON_CreateObject();
        cJSON_AddStringToObject(t, "op", rows[i].op);
        cJSON_AddNumberToObject(t, "count", rows[i].count);
        cJSON_AddNumberToObject(t, "avg_ms", rnd(rows[i].avg, 1e4));
        cJSON_AddNumberToObject(t, "pct", rnd(pct_of(rows[i].avg, r->ops_total_ms), 1e3));
        cJSON_AddNumberToObject(t, "macs", (double)rows[i].macs);
        cJSON_AddNumberToObject(t, "gmacs_per_s", rnd(gmacs_of(rows[i].macs, rows[i].avg), 1e3));
        cJSON_AddStringToObject(t, "kernels", rows[i].kernels);
        cJSON_AddItemToArray(types, t);
    }
    free(rows);
    cJSON_AddNumberToObject(o, "ops_total_ms", rnd(r->ops_total_ms, 1e4));
}

static cJSON *machine_json(const machine *mc)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "cpu", mc->cpu);
    cJSON_AddNumberToObject(o, "cores", mc->cores);
    if (mc->mhz > 0) {
        cJSON_AddNumberToObject(o, "mhz", rnd(mc->mhz, 1e3));
        cJSON_AddStringToObject(o, "mhz_source", mc->mhz_source);
    } else {
        cJSON_AddNullToObject(o, "mhz");
    }
    return o;
}

static cJSON *stats_json(const arv_stats *s, int full)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "count", (double)s->count);
    cJSON_AddNumberToObject(o, "first", rnd(s->first, 1e4));
    cJSON_AddNumberToObject(o, "mean", rnd(s->mean, 1e4));
    if (!full)
        return o;
    cJSON_AddNumberToObject(o, "curr", rnd(s->last, 1e4));
    cJSON_AddNumberToObject(o, "min", rnd(s->min, 1e4));
    cJSON_AddNumberToObject(o, "max", rnd(s->max, 1e4));
    cJSON_AddNumberToObject(o, "std", rnd(s->std, 1e4));
    cJSON_AddNumberToObject(o, "median", rnd(s->median, 1e4));
    cJSON_AddNumberToObject(o, "p50", rnd(s->median, 1e4));
    cJSON_AddNumberToObject(o, "p90", rnd(s->p90, 1e4));
    cJSON_AddNumberToObject(o, "p99", rnd(s->p99, 1e4));
    return o;
}

static cJSON *result_json(const char *path, const machine *mc, const input_set *in,
                          const bench_result *r, const bench_opts *o)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "model", path);
    if (r->isa_req)
        cJSON_AddStringToObject(j, "isa_requested", r->isa_req);
    else
        cJSON_AddNullToObject(j, "isa_requested");
    cJSON_AddNumberToObject(j, "threads_requested", r->threads_req);
    if (r->rc != EXIT_OK) {
        cJSON_AddStringToObject(j, "error", r->err);
        return j;
    }
    cJSON_AddStringToObject(j, "isa", r->isa);
    cJSON_AddNumberToObject(j, "threads", r->threads);
    cJSON_AddItemToObject(j, "machine", machine_json(mc));
    cJSON *ins = cJSON_AddArrayToObject(j, "inputs");
    for (int i = 0; i < in->n; i++)
        cJSON_AddItemToArray(ins, cJSON_CreateString(in->desc[i]));
    cJSON_AddNumberToObject(j, "init_ms", rnd(r->init_ms, 1e4));
    cJSON_AddItemToObject(j, "warmup_ms", stats_json(&r->warm, 0));
    cJSON_AddItemToObject(j, "invoke_ms", stats_json(&r->inv, 1));
    cJSON_AddNumberToObject(j, "peak_rss_kb", (double)r->peak_rss_kb);
    cJSON_AddNumberToObject(j, "arena_bytes", (double)r->arena);
    cJSON_AddNumberToObject(j, "macs", (double)r->macs);
    cJSON_AddNumberToObject(j, "gmacs_per_s", rnd(r->gmacs, 1e3));
    if (r->share >= 0) {
        cJSON_AddNumberToObject(j, "peak_gmacs_per_s", rnd(r->peak_gmacs, 1e3));
        cJSON_AddNumberToObject(j, "peak_share", rnd(r->share, 1e5));
    } else {
        cJSON_AddNullToObject(j, "peak_gmacs_per_s");
        cJSON_AddNullToObject(j, "peak_share");
    }
    cJSON_AddNumberToObject(j, "mac_per_cycle_per_core", r->mac_per_cycle);
    cJSON_AddStringToObject(j, "peak_assumption", r->mac_note);
    if (o->profiling)
        add_profile_json(j, r);
    return j;
}

static void print_human(FILE *fp, const char *path, const machine *mc, const input_set *in,
                        const bench_result *r, const bench_opts *o, const arv_model *m)
{
    fprintf(fp, "model          %s\n", path);
    if (mc->mhz > 0)
        fprintf(fp, "machine        %s, %d cores, %.0f MHz (%s)\n", mc->cpu, mc->cores, mc->mhz,
                mc->mhz_source);
    else
        fprintf(fp, "machine        %s, %d cores, clock unknown\n", mc->cpu, mc->cores);
    fprintf(fp, "isa            %s%s%s\n", r->isa, r->isa_req ? "" : " (best available)",
            o->profiling ? "; per-op kernels below" : "");
    if (r->threads_req > 0)
        fprintf(fp, "threads        %d\n", r->threads);
    else
        fprintf(fp, "threads        %d (all cores)\n", r->threads);
    for (int i = 0; i < in->n; i++) {
        const arv_tensor *t = arv_model_input(m, i);
        char sh[64];
        shape_str(t->dims, t->ndim, sh, sizeof sh);
        fprintf(fp, "input %-8d %s %s: %s\n", i, t->name, sh, in->desc[i]);
    }
    fprintf(fp, "runs           warm-up >= %d runs and >= %g s; timed >= %d runs and >= %g s; "
                "no run started after %g s%s\n",
            o->warmup_runs, o->warmup_min_secs > 0 ? o->warmup_min_secs : 0, o->num_runs,
            o->min_secs > 0 ? o->min_secs : 0, o->max_secs, o->run_delay > 0 ? "; delay between runs" : "");
    fprintf(fp, "init           %.3f ms (model open + interpreter creation)\n", r->init_ms);
    if (r->warm.count)
        fprintf(fp, "warm-up (ms)   count=%zu first=%.3f avg=%.3f\n", r->warm.count, r->warm.first,
                r->warm.mean);
    else
        fprintf(fp, "warm-up        none\n");
    const arv_stats *s = &r->inv;
    fprintf(fp, "invoke (ms)    count=%zu first=%.3f curr=%.3f min=%.3f max=%.3f avg=%.3f std=%.3f\n",
            s->count, s->first, s->last, s->min, s->max, s->mean, s->std);
    fprintf(fp, "               p50=%.3f p90=%.3f p99=%.3f\n", s->median, s->p90, s->p99);
    fprintf(fp, "memory         peak RSS %ld KB (process so far), arena %zu bytes (%.2f MB)\n",
            r->peak_rss_kb, r->arena, (double)r->arena / 1e6);
    fprintf(fp, "work           %.2f M MACs, %.2f GMAC/s at the median\n", (double)r->macs / 1e6, r->gmacs);
    int cores_used = r->threads < mc->cores ? r->threads : mc->cores;
    if (r->share >= 0)
        fprintf(fp, "peak share     %.1f%% of %.1f GMAC/s = %d core%s x %.3f GHz x %d MAC/cycle (%s)\n",
                100 * r->share, r->peak_gmacs, cores_used, cores_used == 1 ? "" : "s", mc->mhz / 1e3,
                r->mac_per_cycle, r->mac_note);
    else
        fprintf(fp, "peak share     unknown (no clock in cpufreq or /proc/cpuinfo)\n");
}

static void print_comparison(FILE *fp, const bench_result *res, int n)
{
    const bench_result *base = NULL;
    for (int i = 0; i < n && !base; i++)
        if (res[i].rc == EXIT_OK)
            base = &res[i];
    fprintf(fp, "\n============================== Comparison ==============================\n");
    fprintf(fp, "%-10s %7s %10s %10s %10s %9s %7s %8s\n", "[isa]", "[threads]", "[p50 ms]",
            "[avg ms]", "[p90 ms]", "[GMAC/s]", "[peak]", "[speed-up]");
    for (int i = 0; i < n; i++) {
        const bench_result *r = &res[i];
        if (r->rc != EXIT_OK) {
            fprintf(fp, "%-10s %9d  failed: %s\n", r->isa_req ? r->isa_req : "default",
                    r->threads_req, r->err);
            continue;
        }
        char peak[16] = "?";
        if (r->share >= 0)
            snprintf(peak, sizeof peak, "%.1f%%", 100 * r->share);
        fprintf(fp, "%-10s %9d %10.3f %10.3f %10.3f %9.2f %7s %9.2fx\n", r->isa, r->threads,
                r->inv.median, r->inv.mean, r->inv.p90, r->gmacs, peak,
                r->inv.median > 0 ? base->inv.median / r->inv.median : 0.0);
    }
    fprintf(fp, "speed-up: median of the first configuration / median of this one\n");
}

static int print_json_doc(cJSON *root)
{
    char *s = cJSON_Print(root);
    int ok = s && puts(s) >= 0;
    free(s);
    cJSON_Delete(root);
    return ok;
}

/* Write the csv/json profile to FILE (atomically) or stdout. */
static int write_profile(const bench_opts *o, const char *path, const bench_result *res, int n)
{
    char err[256];
    arv_atomic_file af;
    FILE *fp = stdout;
    if (o->prof_file) {
        if (arv_atomic_open(&af, o->prof_file, err) != 0) {
            cmd_error("bench", "%s", err);
            return EXIT_MODEL_IO;
        }
        fp = af.fp;
    }
    if (o->mode == PROF_CSV) {
        print_profile_csv(fp, res, n);
    } else {
        cJSON *root = cJSON_CreateObject();
        cJSON_AddStringToObject(root, "model", path);
        cJSON *arr = cJSON_AddArrayToObject(root, "profiles");
        for (int k = 0; k < n; k++) {
            if (res[k].rc != EXIT_OK)
                continue;
            cJSON *p = cJSON_CreateObject();
            cJSON_AddStringToObject(p, "isa", res[k].isa);
            cJSON_AddNumberToObject(p, "threads", res[k].threads);
            cJSON_AddNumberToObject(p, "runs", (double)res[k].inv.count);
            add_profile_json(p, &res[k]);
            cJSON_AddItemToArray(arr, p);
        }
        char *s = cJSON_Print(root);
        if (s)
            fprintf(fp, "%s\n", s);
        free(s);
        cJSON_Delete(root);
    }
    if (o->prof_file && arv_atomic_commit(&af, !ferror(fp), err) != 0) {
        cmd_error("bench", "%s", err);
        return EXIT_MODEL_IO;
    }
    return EXIT_OK;
}

/* ---------------------------------------------------------------- command */

static int bench(int argc, char **argv, bench_opts *o)
{
    int rc = parse_args(argc, argv, o);
    if (rc != EXIT_OK)
        return rc < 0 ? EXIT_OK : rc;
    const char *arg = argv[argc - 1];
    char path[4096], err[ARV_ERR_LEN];
    if (arv_find_model(arg, path, sizeof path) != 0) {
        cmd_error("bench", "%s: no such file or model name", arg);
        return EXIT_MODEL_IO;
    }
    arv_model *m;
    if (arv_model_open(path, NULL, &m, err) != ARV_OK) {
        cmd_error("bench", "%s: %s", path, err);
        return EXIT_MODEL_IO;
    }
    input_set in = {0};
    machine mc;
    read_machine(&mc);
    int n_isa = o->n_isas ? o->n_isas : 1, n_thr = o->n_threads ? o->n_threads : 1;
    int n = n_isa * n_thr;
    bench_result *res = calloc((size_t)n, sizeof *res);
    if (!res) {
        cmd_error("bench", "out of memory");
        arv_model_close(m);
        return EXIT_MODEL_IO;
    }
    rc = load_inputs(m, o, &in, path);
    if (rc != EXIT_OK)
        goto out;

    /* Human report on stdout, unless stdout carries JSON or the csv/json profile. */
    FILE *hf = o->json ? NULL
             : (o->profiling && o->mode != PROF_STDOUT && !o->prof_file) ? stderr : stdout;
    int failed = 0, usage_failed = 0, printed = 0;
    for (int a = 0; a < n_isa; a++)
        for (int t = 0; t < n_thr; t++) {
            bench_result *r = &res[a * n_thr + t];
            r->isa_req = o->n_isas ? o->isas[a] : NULL;
            r->threads_req = o->n_threads ? o->threads[t] : 0;
            if (isatty(STDERR_FILENO))
                fprintf(stderr, "arv bench: %s, %d thread(s) ...\n", r->isa_req ? r->isa_req : "default ISA",
                        r->threads_req > 0 ? r->threads_req : mc.cores);
            const bench_result *prev = t ? &res[a * n_thr + t - 1] : NULL;
            if (prev && prev->rc == EXIT_USAGE) {
                /* an ISA this machine or build lacks: said once, not per thread count */
                r->rc = EXIT_USAGE;
                memcpy(r->err, prev->err, sizeof r->err);
                failed++;
                usage_failed++;
                continue;
            }
            run_config(path, o, &in, &mc, r);
            if (r->rc != EXIT_OK) {
                cmd_error("bench", "%s", r->err);
                failed++;
                usage_failed += r->rc == EXIT_USAGE;
                continue;
            }
            if (hf) {
                if (n > 1)
                    fprintf(hf, "%s---- %s, %d thread%s\n", printed ? "\n" : "", r->isa, r->threads,
                            r->threads == 1 ? "" : "s");
                printed++;
                print_human(hf, path, &mc, &in, r, o, m);
                if (o->profiling && o->mode == PROF_STDOUT)
                    print_profile_human(hf, r);
                fflush(hf);
            }
        }
    if (hf && n > 1)
        print_comparison(hf, res, n);
    if (o->profiling && o->mode != PROF_STDOUT && failed < n)
        rc = write_profile(o, path, res, n);
    if (o->json) {
        cJSON *root;
        if (n == 1) {
            root = result_json(path, &mc, &in, &res[0], o);
        } else {
            root = cJSON_CreateObject();
            cJSON_AddStringToObject(root, "model", path);
            cJSON_AddItemToObject(root, "machine", machine_json(&mc));
            cJSON *runs = cJSON_AddArrayToObject(root, "runs");
            for (int i = 0; i < n; i++)
                cJSON_AddItemToArray(runs, result_json(path, &mc, &in, &res[i], o));
        }
        if (!print_json_doc(root) && rc == EXIT_OK)
            rc = EXIT_MODEL_IO;
    }
    if (rc == EXIT_OK && failed)
        rc = failed < n ? EXIT_SOME_FAILED : usage_failed == n ? EXIT_USAGE : EXIT_MODEL_IO;
out:
    for (int i = 0; i < n; i++)
        free_ops(&res[i]);
    free(res);
    input_set_free(&in);
    arv_model_close(m);
    return rc;
}

static int run(int argc, char **argv)
{
    bench_opts o = {.warmup_runs = 1, .warmup_min_secs = 0.5, .num_runs = 50, .min_secs = 1.0,
                    .max_secs = 150.0, .run_delay = -1.0, .seed = 1, .lo = 0.0f, .hi = 1.0f};
    int rc = bench(argc, argv, &o);
    free(o.isa_list);
    for (int i = 0; i < o.n_lv; i++) {
        free(o.lv_name[i]);
        free(o.lv_file[i]);
    }
    return rc;
}

const arv_command arv_cmd_bench = {"bench", "measure latency: benchmark_model's flags, GMAC/s, sweeps",
                                   run, usage};
