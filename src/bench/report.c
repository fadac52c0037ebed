/* report.c — see report.h. Numbers in JSON are rounded to what the
 * timer can tell apart, so documents diff cleanly between runs. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench/report.h"
#include "util/shape.h"

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
    const arv_bench_op *x = *(const arv_bench_op *const *)a, *y = *(const arv_bench_op *const *)b;
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
static arv_bench_op **sorted_ops(const arv_bench_result *r)
{
    arv_bench_op **v = malloc(sizeof *v * (size_t)(r->n_ops ? r->n_ops : 1));
    if (!v)
        return NULL;
    for (int i = 0; i < r->n_ops; i++)
        v[i] = &r->ops[i];
    qsort(v, (size_t)r->n_ops, sizeof *v, cmp_ops_by_avg);
    return v;
}

/* Per node type: count, summed average time and MACs, the kernels that ran. */
static int by_type(const arv_bench_result *r, type_row *rows)
{
    int n = 0;
    for (int i = 0; i < r->n_ops; i++) {
        const arv_bench_op *op = &r->ops[i];
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

static void op_row_human(FILE *fp, const arv_bench_result *r, const arv_bench_op *op, double cdf)
{
    char g[32] = "-";
    if (op->macs)
        snprintf(g, sizeof g, "%.2f", gmacs_of(op->macs, op->avg));
    fprintf(fp, "%-28s %9.3f %9.3f %9.3f %7.2f%% %7.2f%% %9.1f %7zu  %-12s %8s %6d  %s\n", op->op,
            op->start, op->first, op->avg, pct_of(op->avg, r->ops_total_ms), cdf, op->mem_kb,
            r->inv.count, op->kernel, g, op->node, op->output);
}

void arv_bench_print_profile(FILE *fp, const arv_bench_result *r)
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
    arv_bench_op **s = sorted_ops(r);
    if (s) {
        fprintf(fp, "\n============================== Top by Computation Time ==============================\n");
        fprintf(fp, hdr, "[node type]", "[start]", "[first]", "[avg ms]", "[%]", "[cdf%]", "[mem KB]",
                "[times]", "[kernel]", "[GMAC/s]", "[node]", "[Name]");
        cdf = 0;
        for (int i = 0; i < r->n_ops && i < ARV_BENCH_TOP_N; i++) {
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

static void csv_op_row(FILE *fp, const arv_bench_result *r, const arv_bench_op *op, double cdf)
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
void arv_bench_print_profile_csv(FILE *fp, const arv_bench_result *res, int n)
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
        arv_bench_op **s = sorted_ops(&res[k]);
        double cdf = 0;
        for (int i = 0; s && i < res[k].n_ops && i < ARV_BENCH_TOP_N; i++) {
            cdf += pct_of(s[i]->avg, res[k].ops_total_ms);
            csv_op_row(fp, &res[k], s[i], cdf);
        }
        free(s);
    }
    fprintf(fp, "\n# by_node_type\nisa,threads,op,count,avg_ms,pct,cdf_pct,mem_kb,times_called,macs,"
                "gmacs_per_s,kernels\n");
    for (int k = 0; k < n; k++) {
        const arv_bench_result *r = &res[k];
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

static cJSON *op_json(const arv_bench_result *r, const arv_bench_op *op)
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
static void add_profile_json(cJSON *o, const arv_bench_result *r)
{
    cJSON *ops = cJSON_AddArrayToObject(o, "ops");
    for (int i = 0; i < r->n_ops; i++)
        cJSON_AddItemToArray(ops, op_json(r, &r->ops[i]));
    cJSON *top = cJSON_AddArrayToObject(o, "top_by_time");
    arv_bench_op **s = sorted_ops(r);
    for (int i = 0; s && i < r->n_ops && i < ARV_BENCH_TOP_N; i++)
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

cJSON *arv_bench_machine_json(const arv_machine *mc)
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

cJSON *arv_bench_result_json(const char *path, const arv_machine *mc,
                             const arv_bench_inputs *in, const arv_bench_result *r, const arv_bench_opts *o)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "model", path);
    if (r->isa_req)
        cJSON_AddStringToObject(j, "isa_requested", r->isa_req);
    else
        cJSON_AddNullToObject(j, "isa_requested");
    cJSON_AddNumberToObject(j, "threads_requested", r->threads_req);
    if (r->rc != ARV_BENCH_OK) {
        cJSON_AddStringToObject(j, "error", r->err);
        return j;
    }
    cJSON_AddStringToObject(j, "isa", r->isa);
    cJSON_AddNumberToObject(j, "threads", r->threads);
    cJSON_AddItemToObject(j, "machine", arv_bench_machine_json(mc));
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
    if (r->fma_share >= 0) {
        cJSON_AddNumberToObject(j, "measured_peak_gmacs_per_s", rnd(r->fma_peak_gmacs, 1e3));
        cJSON_AddNumberToObject(j, "measured_peak_share", rnd(r->fma_share, 1e5));
    } else {
        cJSON_AddNullToObject(j, "measured_peak_gmacs_per_s");
        cJSON_AddNullToObject(j, "measured_peak_share");
    }
    cJSON_AddStringToObject(j, "measured_peak_method", r->fma_note);
    if (o->profiling)
        add_profile_json(j, r);
    return j;
}

void arv_bench_print_human(FILE *fp, const char *path, const arv_machine *mc,
                           const arv_bench_inputs *in, const arv_bench_result *r, const arv_bench_opts *o, const arv_model *m)
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
        arv_shape_str(t->dims, t->ndim, sh, sizeof sh);
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
    if (r->fma_share >= 0)
        fprintf(fp, "measured peak  %.1f%% of %.1f GMAC/s = %d core%s x %.1f (%s)\n",
                100 * r->fma_share, r->fma_peak_gmacs, cores_used, cores_used == 1 ? "" : "s",
                r->fma_peak_gmacs / cores_used, r->fma_note);
}

void arv_bench_print_comparison(FILE *fp, const arv_bench_result *res, int n)
{
    const arv_bench_result *base = NULL;
    for (int i = 0; i < n && !base; i++)
        if (res[i].rc == ARV_BENCH_OK)
            base = &res[i];
    fprintf(fp, "\n============================== Comparison ==============================\n");
    fprintf(fp, "%-10s %7s %10s %10s %10s %9s %7s %8s\n", "[isa]", "[threads]", "[p50 ms]",
            "[avg ms]", "[p90 ms]", "[GMAC/s]", "[peak]", "[speed-up]");
    for (int i = 0; i < n; i++) {
        const arv_bench_result *r = &res[i];
        if (r->rc != ARV_BENCH_OK) {
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

cJSON *arv_bench_json(const char *path, const arv_machine *mc, const arv_bench_inputs *in,
                      const arv_bench_result *res, int n, const arv_bench_opts *o)
{
    if (n == 1)
        return arv_bench_result_json(path, mc, in, &res[0], o);
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "model", path);
    cJSON_AddItemToObject(root, "machine", arv_bench_machine_json(mc));
    cJSON *runs = cJSON_AddArrayToObject(root, "runs");
    for (int i = 0; i < n; i++)
        cJSON_AddItemToArray(runs, arv_bench_result_json(path, mc, in, &res[i], o));
    return root;
}

cJSON *arv_bench_profile_json(const char *path, const arv_bench_result *res, int n)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "model", path);
    cJSON *arr = cJSON_AddArrayToObject(root, "profiles");
    for (int k = 0; k < n; k++) {
        if (res[k].rc != ARV_BENCH_OK)
            continue;
        cJSON *p = cJSON_CreateObject();
        cJSON_AddStringToObject(p, "isa", res[k].isa);
        cJSON_AddNumberToObject(p, "threads", res[k].threads);
        cJSON_AddNumberToObject(p, "runs", (double)res[k].inv.count);
        add_profile_json(p, &res[k]);
        cJSON_AddItemToArray(arr, p);
    }
    return root;
}
