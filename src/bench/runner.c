/* runner.c — see runner.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include "bench/fma_peak.h"
#include "bench/runner.h"
#include "util/clock.h"
#include "util/stats.h"

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
static int run_phase(arv_interp *it, const arv_bench_opts *o, int min_runs, double min_secs,
                     samples *s, arv_bench_result *r, int acc)
{
    double start = arv_now_ms(), now = start;
    for (int run = 0; (run < min_runs || now - start < min_secs * 1e3) && now - start <= o->max_secs * 1e3;
         run++) {
        double t0 = arv_now_ms();
        arv_status st = arv_interp_invoke(it);
        double t1 = arv_now_ms();
        if (st != ARV_OK) {
            snprintf(r->err, sizeof r->err, "invoke failed: %s", arv_interp_error(it));
            r->rc = ARV_BENCH_FAIL_IO;
            return -1;
        }
        if (push(s, t1 - t0) != 0) {
            snprintf(r->err, sizeof r->err, "out of memory");
            r->rc = ARV_BENCH_FAIL_IO;
            return -1;
        }
        if (acc && r->ops) {
            const arv_profile *p = arv_interp_profile(it);
            for (int i = 0; i < r->n_ops && i < p->count; i++) {
                double ms = p->entries[i].ms;
                arv_bench_op *op = &r->ops[i];
                if (s->n == 1) {
                    op->first = op->min = op->max = ms;
                } else {
                    op->min = ms < op->min ? ms : op->min;
                    op->max = ms > op->max ? ms : op->max;
                }
                op->sum += ms;
            }
        }
        arv_sleep_secs(o->run_delay);
        now = arv_now_ms();
    }
    return 0;
}

void arv_bench_result_free(arv_bench_result *r)
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

static int copy_profile(arv_interp *it, arv_bench_result *r)
{
    const arv_profile *p = arv_interp_profile(it);
    r->ops = calloc((size_t)(p->count > 0 ? p->count : 1), sizeof *r->ops);
    if (!r->ops)
        return -1;
    r->n_ops = p->count;
    for (int i = 0; i < p->count; i++) {
        const arv_profile_entry *e = &p->entries[i];
        arv_bench_op *op = &r->ops[i];
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

void arv_bench_run_config(const char *path, const arv_bench_opts *o, const arv_bench_inputs *in,
                          const arv_machine *mc, arv_bench_result *r)
{
    char err[ARV_ERR_LEN];
    arv_model *m = NULL;
    arv_interp *it = NULL;
    samples warm = {0}, timed = {0};
    r->threads = r->threads_req > 0 ? r->threads_req : mc->cores;

    double t0 = arv_now_ms();
    if (arv_model_open(path, NULL, &m, err) != ARV_OK) {
        snprintf(r->err, sizeof r->err, "%s: %s", path, err);
        r->rc = ARV_BENCH_FAIL_IO;
        return;
    }
    arv_options opt = {.num_threads = r->threads_req, .isa = r->isa_req,
                       .enable_profiling = o->profiling};
    arv_status s = arv_interp_new(m, &opt, &it, err);
    double t1 = arv_now_ms();
    if (s != ARV_OK) {
        if (s == ARV_ERR_ARG && r->isa_req)
            snprintf(r->err, sizeof r->err, "--isa %s: %s", r->isa_req, err);
        else
            snprintf(r->err, sizeof r->err, "%s: %s", path, err);
        r->rc = s == ARV_ERR_ARG ? ARV_BENCH_FAIL_USAGE : ARV_BENCH_FAIL_IO;
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
        r->rc = ARV_BENCH_FAIL_IO;
        goto done;
    }
    if (run_phase(it, o, o->warmup_runs, o->warmup_min_secs, &warm, r, 0) != 0 ||
        run_phase(it, o, o->num_runs, o->min_secs, &timed, r, 1) != 0)
        goto done;

    double *scratch = malloc((timed.n > warm.n ? timed.n : warm.n) * sizeof(double) + 1);
    if (!scratch) {
        snprintf(r->err, sizeof r->err, "out of memory");
        r->rc = ARV_BENCH_FAIL_IO;
        goto done;
    }
    arv_stats_summarize(warm.v, warm.n, scratch, &r->warm);
    arv_stats_summarize(timed.v, timed.n, scratch, &r->inv);
    free(scratch);

    struct rusage ru;
    r->peak_rss_kb = getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : 0;
    r->gmacs = r->inv.median > 0 ? (double)r->macs / (r->inv.median * 1e6) : 0.0;
    r->mac_per_cycle = arv_isa_mac_per_cycle(r->isa, &r->mac_note);
    int cores_used = r->threads < mc->cores ? r->threads : mc->cores;
    r->peak_gmacs = (double)cores_used * mc->mhz / 1e3 * r->mac_per_cycle;
    r->share = r->peak_gmacs > 0 ? r->gmacs / r->peak_gmacs : -1.0;
    r->fma_peak_gmacs = (double)cores_used * arv_fma_peak_gmacs(r->isa, &r->fma_note);
    r->fma_share = r->fma_peak_gmacs > 0 ? r->gmacs / r->fma_peak_gmacs : -1.0;

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
        arv_bench_op *op = &r->ops[i];
        op->avg = timed.n ? op->sum / (double)timed.n : 0.0;
        op->start = start;
        start += op->avg;
        r->ops_total_ms += op->avg;
    }
    r->rc = ARV_BENCH_OK;
done:
    free(warm.v);
    free(timed.v);
    arv_interp_free(it);
    arv_model_close(m);
}
