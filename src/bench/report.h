/* report.h — what `arv bench` prints: benchmark_model-style human tables,
 * the per-op profile as CSV, and JSON documents (cJSON). */
#ifndef ARV_BENCH_REPORT_H
#define ARV_BENCH_REPORT_H

#include <stdio.h>
#include <cjson/cJSON.h>
#include "bench/bench.h"
#include "bench/inputs.h"
#include "bench/machine.h"

/* One configuration's summary: model, machine, ISA, threads, inputs (shapes
 * from m), runs, init, warm-up and invoke statistics, memory, GMAC/s, peak share. */
void arv_bench_print_human(FILE *fp, const char *path, const arv_machine *mc,
                           const arv_bench_inputs *in, const arv_bench_result *r,
                           const arv_bench_opts *o, const arv_model *m);
/* Per-op tables: run order, top ARV_BENCH_TOP_N by time, summary by node type. */
void arv_bench_print_profile(FILE *fp, const arv_bench_result *r);
/* The sweep's table; speed-up relative to the first configuration that ran. */
void arv_bench_print_comparison(FILE *fp, const arv_bench_result *res, int n);
/* The per-op profile of every configuration as three CSV blocks. */
void arv_bench_print_profile_csv(FILE *fp, const arv_bench_result *res, int n);

cJSON *arv_bench_machine_json(const arv_machine *mc);
/* One configuration's document (its error only, when it failed). */
cJSON *arv_bench_result_json(const char *path, const arv_machine *mc,
                             const arv_bench_inputs *in, const arv_bench_result *r,
                             const arv_bench_opts *o);
/* --json: the one configuration's document, or model + machine + runs[]. */
cJSON *arv_bench_json(const char *path, const arv_machine *mc, const arv_bench_inputs *in,
                      const arv_bench_result *res, int n, const arv_bench_opts *o);
/* The json per-op profile: model + profiles[] of the configurations that ran. */
cJSON *arv_bench_profile_json(const char *path, const arv_bench_result *res, int n);

#endif
