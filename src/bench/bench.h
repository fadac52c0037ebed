/* bench.h — what `arv bench` is asked to do and what one configuration
 * (ISA x thread count) measured; shared by the runner and the reports. */
#ifndef ARV_BENCH_H
#define ARV_BENCH_H

#include <stddef.h>
#include <stdint.h>
#include "arv.h"
#include "util/stats.h"

#define ARV_BENCH_MAX_INPUTS 16
#define ARV_BENCH_MAX_SWEEP 16
#define ARV_BENCH_TOP_N 10
/* "--isa NAME: reason" or "PATH: reason" with a 4096-byte path */
#define ARV_BENCH_ERR_LEN (4096 + ARV_ERR_LEN + 64)

typedef enum { ARV_PROF_STDOUT, ARV_PROF_CSV, ARV_PROF_JSON } arv_prof_mode;

/* How a configuration ended; the front end maps these to exit codes. */
typedef enum { ARV_BENCH_OK = 0, ARV_BENCH_FAIL_USAGE, ARV_BENCH_FAIL_IO } arv_bench_status;

typedef struct arv_bench_opts {
    int threads[ARV_BENCH_MAX_SWEEP];           /* 0 = all cores */
    int n_threads;
    char *isa_list;                             /* strdup of the --isa argument */
    const char *isas[ARV_BENCH_MAX_SWEEP];      /* NULL entry = default ISA */
    int n_isas;
    int warmup_runs, num_runs;
    double warmup_min_secs, min_secs, max_secs, run_delay;
    int profiling;
    arv_prof_mode mode;
    const char *prof_file;
    const char *inputs[ARV_BENCH_MAX_INPUTS];   /* --input, model-input order */
    int n_inputs;
    char *lv_name[ARV_BENCH_MAX_INPUTS];        /* --input_layer_value_files */
    char *lv_file[ARV_BENCH_MAX_INPUTS];
    int n_lv;
    long seed;
    float lo, hi;
    int json;
} arv_bench_opts;

typedef struct arv_bench_op {
    int node;
    char *op, *output, *kernel;
    uint64_t macs;
    double first, sum, min, max, avg, start;
    double mem_kb;
} arv_bench_op;

typedef struct arv_bench_result {
    const char *isa_req;              /* as asked; NULL = default */
    char isa[32];                     /* as the interpreter reports it */
    int threads_req, threads;
    arv_bench_status rc;
    char err[ARV_BENCH_ERR_LEN];
    double init_ms;
    arv_stats warm, inv;
    long peak_rss_kb;
    size_t arena;
    uint64_t macs;
    double gmacs, peak_gmacs, share;  /* share < 0: unknown */
    int mac_per_cycle;
    const char *mac_note;
    /* Peak measured on this core (bench/fma_peak.c) x cores used, and the
     * share of it achieved; share < 0: not measured. */
    double fma_peak_gmacs, fma_share;
    const char *fma_note;
    int n_ops;
    arv_bench_op *ops;
    double ops_total_ms;
} arv_bench_result;

#endif
