#include "support/ktest.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void kt_seed(kt_rng *r, uint64_t seed)
{
    r->s = seed;
}

/* splitmix64: tiny, good enough, identical everywhere. */
uint32_t kt_u32(kt_rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return (uint32_t)((z ^ (z >> 31)) >> 32);
}

int kt_int(kt_rng *r, int lo, int hi)
{
    /* in 64 bits: hi - lo overflows int for ranges such as +-2^30 */
    return (int)(lo + (int64_t)(kt_u32(r) % (uint64_t)((int64_t)hi - lo + 1)));
}

float kt_uniform(kt_rng *r, float lo, float hi)
{
    return lo + (hi - lo) * (float)((double)(kt_u32(r) >> 8) / 16777216.0);
}

int kt_pick(kt_rng *r, const int *choices, int n)
{
    return choices[kt_int(r, 0, n - 1)];
}

static void *xmalloc(size_t bytes)
{
    void *p = malloc(bytes ? bytes : 1);
    if (!p) {
        fprintf(stderr, "ktest: out of memory\n");
        abort();
    }
    return p;
}

/* A NaN with a payload no kernel computes, so "never written" is exact. */
#define KT_SENTINEL_BITS 0x7fc0beefu

float kt_sentinel(void)
{
    uint32_t b = KT_SENTINEL_BITS;
    float f;
    memcpy(&f, &b, sizeof f);
    return f;
}

int kt_is_sentinel(float v)
{
    uint32_t b;
    memcpy(&b, &v, sizeof b);
    return b == KT_SENTINEL_BITS;
}

float *kt_alloc(size_t n)
{
    float *p = xmalloc(n * sizeof *p);
    const float s = kt_sentinel();
    for (size_t i = 0; i < n; i++)
        p[i] = s;
    return p;
}

double *kt_alloc_d(size_t n)
{
    double *p = xmalloc(n * sizeof *p);
    memset(p, 0, n * sizeof *p);
    return p;
}

void kt_fill(kt_rng *r, float *p, size_t n, float lo, float hi)
{
    for (size_t i = 0; i < n; i++)
        p[i] = kt_uniform(r, lo, hi);
}

void kt_conv_axis(int in, int k, int stride, int dil, int same, int *out,
                  int *pad_before)
{
    const int eff = (k - 1) * dil + 1;
    if (same) {
        *out = (in + stride - 1) / stride;
        int total = (*out - 1) * stride + eff - in;
        if (total < 0)
            total = 0;
        *pad_before = total / 2;
    } else {
        *out = (in - eff) / stride + 1;
        *pad_before = 0;
    }
}

void kt_act(int which, float *lo, float *hi)
{
    switch (which) {
    case 1: *lo = 0.0f; *hi = INFINITY; break;
    case 2: *lo = 0.0f; *hi = 6.0f; break;
    default: *lo = -INFINITY; *hi = INFINITY; break;
    }
}

double kt_clampd(double x, double lo, double hi)
{
    return x < lo ? lo : (x > hi ? hi : x);
}

static double elem_err(double got, double want)
{
    if (isnan(got) || isnan(want))
        return (isnan(got) && isnan(want)) ? 0.0 : INFINITY;
    if (got == want)   /* also covers equal infinities */
        return 0.0;
    const double scale = fabs(want) > 1.0 ? fabs(want) : 1.0;
    return fabs(got - want) / scale;
}

double kt_max_err(const float *got, const double *want, size_t n)
{
    double m = 0.0;
    for (size_t i = 0; i < n; i++) {
        const double e = elem_err(got[i], want[i]);
        if (!(e <= m))
            m = e;
    }
    return m;
}

double kt_max_err_f(const float *got, const float *want, size_t n)
{
    double m = 0.0;
    for (size_t i = 0; i < n; i++) {
        const double e = elem_err(got[i], want[i]);
        if (!(e <= m))
            m = e;
    }
    return m;
}

long kt_first_bad(const float *got, const double *want, size_t n, double tol)
{
    for (size_t i = 0; i < n; i++)
        if (!(elem_err(got[i], want[i]) <= tol))
            return (long)i;
    return -1;
}

#define KT_MAX_KERNELS 32

static struct {
    const char *name;
    double err;
    long checks;
} kt_errs[KT_MAX_KERNELS];
static int kt_n_errs;

void kt_err_note(const char *kernel, double err)
{
    for (int i = 0; i < kt_n_errs; i++) {
        if (strcmp(kt_errs[i].name, kernel) == 0) {
            if (!(err <= kt_errs[i].err))
                kt_errs[i].err = err;
            kt_errs[i].checks++;
            return;
        }
    }
    if (kt_n_errs < KT_MAX_KERNELS) {
        kt_errs[kt_n_errs].name = kernel;
        kt_errs[kt_n_errs].err = err;
        kt_errs[kt_n_errs].checks = 1;
        kt_n_errs++;
    }
}

void kt_err_report(void)
{
    for (int i = 0; i < kt_n_errs; i++)
        printf("  max err %-16s %.3g over %ld random cases\n",
               kt_errs[i].name, kt_errs[i].err, kt_errs[i].checks);
}

int kt_run_suite(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    const int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    kt_err_report();
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

const char *kt_check_rows(kt_rng *r, kt_rows_fn run, const void *ctx,
                          int rows, size_t row_elems, const float *full)
{
    const size_t n = (size_t)rows * row_elems;
    const char *msg = NULL;
    float *buf = kt_alloc(n);

    for (int r0 = 0; r0 < rows;) {
        int r1 = r0 + kt_int(r, 2, 3);
        if (r1 > rows)
            r1 = rows;
        run(ctx, buf, r0, r1);
        r0 = r1;
    }
    if (memcmp(buf, full, n * sizeof *buf) != 0)
        msg = "chunked rows differ from one full call";

    if (!msg) {
        const float s = kt_sentinel();
        for (size_t i = 0; i < n; i++)
            buf[i] = s;
        const int r0 = kt_int(r, 0, rows - 1);
        const int r1 = kt_int(r, r0 + 1, rows);
        run(ctx, buf, r0, r1);
        for (size_t i = 0; i < n && !msg; i++) {
            const int row = (int)(i / row_elems);
            if (row >= r0 && row < r1) {
                if (memcmp(&buf[i], &full[i], sizeof *buf) != 0)
                    msg = "sub-range row differs from the full call";
            } else if (!kt_is_sentinel(buf[i])) {
                msg = "element outside the row range was written";
            }
        }
    }
    free(buf);
    return msg;
}
