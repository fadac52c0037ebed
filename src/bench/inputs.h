/* inputs.h — the values a benchmark feeds its model, filled once and copied
 * into every configuration's interpreter so all of them see the same data. */
#ifndef ARV_BENCH_INPUTS_H
#define ARV_BENCH_INPUTS_H

#include "arv.h"
#include "bench/bench.h"

typedef struct arv_bench_inputs {
    int n;
    float *data[ARV_BENCH_MAX_INPUTS];
    char desc[ARV_BENCH_MAX_INPUTS][160];   /* file name or "random (seed ...)" */
} arv_bench_inputs;

/* Fill every input of m: from o->inputs (model order), from o->lv_* (by
 * name), else from one seeded xorshift stream over the remaining inputs in
 * model order. path names the model in messages. On failure err
 * (ARV_BENCH_ERR_LEN bytes) holds a one-line reason; what was filled stays
 * in `in` for arv_bench_inputs_free. */
arv_bench_status arv_bench_inputs_load(const arv_model *m, const arv_bench_opts *o,
                                       arv_bench_inputs *in, const char *path, char *err);
void arv_bench_inputs_free(arv_bench_inputs *in);

#endif
