/* runner.h — one benchmark configuration: open the model (timed as init),
 * copy the inputs in, warm up, run timed, summarize, accumulate per-op times. */
#ifndef ARV_BENCH_RUNNER_H
#define ARV_BENCH_RUNNER_H

#include "bench/bench.h"
#include "bench/inputs.h"
#include "bench/machine.h"

/* Fill r (whose isa_req and threads_req the caller set) for the model at
 * path. r->rc says how it ended, r->err why it failed. */
void arv_bench_run_config(const char *path, const arv_bench_opts *o, const arv_bench_inputs *in,
                          const arv_machine *mc, arv_bench_result *r);
/* Free r's per-op profile (the rest of r holds no memory). */
void arv_bench_result_free(arv_bench_result *r);

#endif
