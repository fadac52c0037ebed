/* test_simd_elementwise.c — every SIMD kernel table's element-wise and
 * spatial kernels against the generic table: ADD/MUL/SUB with the
 * broadcasts our models use and others, PRELU, clamp, LOGISTIC, HARD_SWISH
 * (lengths around the vector width, in place), MAX/AVERAGE_POOL, MEAN and
 * RESIZE_BILINEAR and PAD with odd channel counts, row ranges. Error measure and tolerance:
 * support/ktest.h (1e-5); all but LOGISTIC are expected to be exact. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/kernels.h"
#include "runtime/cpu.h"
#include "support/ktest.h"

static const arv_kernel_table *tables[8];
static int n_tables;
#define REF (&arv_kernels_generic)

static void setup(void)
{
    const char *names[8];
    int n = arv_kernels_available(names, 8);
    n_tables = 0;
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], "generic") != 0)
            tables[n_tables++] = arv_kernels_select(names[i]);
}

static const int LENS[] = {1, 3, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 1000};
#define N_LENS ((int)(sizeof LENS / sizeof LENS[0]))

static void check(const char *kernel, const char *tname, const float *got, const float *want,
                  size_t n, int exact)
{
    const double err = kt_max_err_f(got, want, n);
    kt_err_note(kernel, err);
    ck_assert_msg(err <= KT_TOL, "%s/%s: n %zu max err %g", tname, kernel, n, err);
    if (exact)
        ck_assert_msg(memcmp(got, want, n * sizeof *got) == 0, "%s/%s: n %zu not bitwise",
                      tname, kernel, n);
}

START_TEST(unary_vs_generic)
{
    kt_rng r;
    kt_seed(&r, 100);
    for (int t = 0; t < n_tables; t++)
        for (int li = 0; li < N_LENS; li++) {
            const size_t n = (size_t)LENS[li];
            float *in = kt_alloc(n), *want = kt_alloc(n), *got = kt_alloc(n);
            /* Wide range for the sigmoid's tails, a few special values. */
            kt_fill(&r, in, n, -30.0f, 30.0f);
            in[0] = n > 1 ? -0.0f : in[0];
            if (n > 3) {
                in[1] = INFINITY;
                in[2] = -INFINITY;
                in[3] = 1e-30f;
            }
            const arv_kernel_table *k = tables[t];
            REF->logistic(n, in, want);
            k->logistic(n, in, got);
            check("logistic", k->name, got, want, n, 0);
            REF->hard_swish(n, in, want);
            k->hard_swish(n, in, got);
            check("hard_swish", k->name, got, want, n, 1);
            REF->clamp(n, in, 0.0f, 6.0f, want);
            k->clamp(n, in, 0.0f, 6.0f, got);
            check("clamp", k->name, got, want, n, 1);
            /* In place. */
            memcpy(got, in, n * sizeof *got);
            k->hard_swish(n, got, got);
            REF->hard_swish(n, in, want);
            check("hard_swish", k->name, got, want, n, 1);
            memcpy(got, in, n * sizeof *got);
            k->logistic(n, got, got);
            REF->logistic(n, in, want);
            check("logistic", k->name, got, want, n, 0);
            free(in);
            free(want);
            free(got);
        }
}
END_TEST

/* Broadcast shapes: same, per channel (both sides), scalar, and one the
 * fast paths do not take (per row). */
static void bshape(int kind, int c, arv_bcast4 *s)
{
    const int out[4] = {2, 3, 5, c};
    for (int d = 0; d < 4; d++)
        s->out[d] = s->a[d] = s->b[d] = out[d];
    switch (kind) {
    case 1: s->b[0] = s->b[1] = s->b[2] = 1; break;                 /* [1,1,1,C] */
    case 2: s->a[0] = s->a[1] = s->a[2] = 1; break;                 /* a per channel */
    case 3: s->b[0] = s->b[1] = s->b[2] = s->b[3] = 1; break;       /* scalar */
    case 4: s->b[3] = 1; s->b[0] = 1; break;                        /* odd one */
    default: break;
    }
}

static size_t count4(const int d[4]) { return (size_t)d[0] * d[1] * d[2] * d[3]; }

START_TEST(binary_vs_generic)
{
    kt_rng r;
    kt_seed(&r, 200);
    for (int t = 0; t < n_tables; t++)
        for (int kind = 0; kind < 5; kind++)
            for (int li = 0; li < N_LENS - 1; li++) {
                arv_bcast4 s;
                bshape(kind, LENS[li], &s);
                const size_t na = count4(s.a), nb = count4(s.b), n = count4(s.out);
                float *a = kt_alloc(na), *b = kt_alloc(nb), *want = kt_alloc(n),
                      *got = kt_alloc(n);
                kt_fill(&r, a, na, -4.0f, 4.0f);
                kt_fill(&r, b, nb, -4.0f, 4.0f);
                const arv_kernel_table *k = tables[t];
                for (int op = ARV_BIN_ADD; op <= ARV_BIN_SUB; op++) {
                    float lo, hi;
                    kt_act(kt_int(&r, 0, 2), &lo, &hi);
                    REF->binary((arv_binary_op)op, &s, a, b, lo, hi, want);
                    k->binary((arv_binary_op)op, &s, a, b, lo, hi, got);
                    check("binary", k->name, got, want, n, 1);
                }
                REF->prelu(&s, a, b, want);
                k->prelu(&s, a, b, got);
                check("prelu", k->name, got, want, n, 1);
                if (kind == 0) {   /* in place: out is a */
                    float *a2 = kt_alloc(na);
                    memcpy(a2, a, na * sizeof *a);
                    k->binary(ARV_BIN_ADD, &s, a2, b, -INFINITY, INFINITY, a2);
                    REF->binary(ARV_BIN_ADD, &s, a, b, -INFINITY, INFINITY, want);
                    check("binary", k->name, a2, want, n, 1);
                    free(a2);
                }
                free(a);
                free(b);
                free(want);
                free(got);
            }
}
END_TEST

static const int CHANS[] = {1, 3, 5, 16, 17, 33};

typedef struct pool_call {
    void (*fn)(const arv_pool_geom *, const float *, float *, int, int);
    const arv_pool_geom *g;
    const float *in;
} pool_call;

static void run_pool_rows(const void *ctx, float *out, int r0, int r1)
{
    const pool_call *c = ctx;
    c->fn(c->g, c->in, out, r0, r1);
}

START_TEST(pool_vs_generic)
{
    /* 2x2 s2 SAME/VALID (the models' max pools), 3x3 s1 SAME, global. */
    static const int CFG[][4] = {{2, 2, 1, 0}, {2, 2, 0, 0}, {3, 1, 1, 0}, {0, 0, 0, 1}};
    kt_rng r;
    kt_seed(&r, 300);
    for (int t = 0; t < n_tables; t++)
        for (int ci = 0; ci < 4; ci++)
            for (int trial = 0; trial < 12; trial++) {
                arv_pool_geom g;
                memset(&g, 0, sizeof g);
                g.batch = kt_int(&r, 1, 2);
                g.in_h = kt_int(&r, 2, 9);
                g.in_w = kt_int(&r, 2, 9);
                g.c = CHANS[kt_int(&r, 0, 5)];
                const int global = CFG[ci][3];
                g.k_h = global ? g.in_h : CFG[ci][0];
                g.k_w = global ? g.in_w : CFG[ci][0];
                g.stride_h = g.stride_w = global ? 1 : CFG[ci][1];
                kt_conv_axis(g.in_h, g.k_h, g.stride_h, 1, CFG[ci][2], &g.out_h, &g.pad_top);
                kt_conv_axis(g.in_w, g.k_w, g.stride_w, 1, CFG[ci][2], &g.out_w, &g.pad_left);
                kt_act(kt_int(&r, 0, 2), &g.act_min, &g.act_max);
                const size_t n_in = (size_t)g.batch * g.in_h * g.in_w * g.c;
                const size_t n = (size_t)g.batch * g.out_h * g.out_w * g.c;
                float *in = kt_alloc(n_in), *want = kt_alloc(n), *got = kt_alloc(n);
                kt_fill(&r, in, n_in, -3.0f, 3.0f);
                const int rows = g.batch * g.out_h;
                const arv_kernel_table *k = tables[t];
                REF->max_pool(&g, in, want, 0, rows);
                k->max_pool(&g, in, got, 0, rows);
                check("max_pool", k->name, got, want, n, 1);
                pool_call pc = {k->max_pool, &g, in};
                const char *msg = kt_check_rows(&r, run_pool_rows, &pc, rows,
                                                (size_t)g.out_w * g.c, got);
                ck_assert_msg(msg == NULL, "%s max_pool: %s", k->name, msg);
                REF->avg_pool(&g, in, want, 0, rows);
                k->avg_pool(&g, in, got, 0, rows);
                check("avg_pool", k->name, got, want, n, 1);
                pc.fn = k->avg_pool;
                msg = kt_check_rows(&r, run_pool_rows, &pc, rows, (size_t)g.out_w * g.c, got);
                ck_assert_msg(msg == NULL, "%s avg_pool: %s", k->name, msg);
                free(in);
                free(want);
                free(got);
            }
}
END_TEST

typedef struct rb_call {
    const arv_kernel_table *k;
    const arv_resize_geom *g;
    const float *in;
} rb_call;

static void run_rb_rows(const void *ctx, float *out, int r0, int r1)
{
    const rb_call *c = ctx;
    c->k->resize_bilinear_rows(c->g, c->in, out, r0, r1);
}

typedef struct pad_call {
    const arv_kernel_table *k;
    const int *dims, *before, *after;
    const float *in;
} pad_call;

static void run_pad_rows(const void *ctx, float *out, int r0, int r1)
{
    const pad_call *c = ctx;
    c->k->pad4_rows(c->dims, c->before, c->after, c->in, out, r0, r1);
}

/* The models' pads (spatial 1 or 2, channel-only) and random ones. */
START_TEST(pad_vs_generic)
{
    kt_rng r;
    kt_seed(&r, 500);
    for (int t = 0; t < n_tables; t++)
        for (int trial = 0; trial < 60; trial++) {
            const arv_kernel_table *k = tables[t];
            if (!k->pad4_rows)
                continue;
            int dims[4] = {kt_int(&r, 1, 2), kt_int(&r, 1, 7), kt_int(&r, 1, 7),
                           CHANS[kt_int(&r, 0, 5)]};
            int before[4] = {0, 0, 0, 0}, after[4] = {0, 0, 0, 0};
            switch (trial % 3) {
            case 0: before[1] = before[2] = after[1] = after[2] = kt_int(&r, 1, 2); break;
            case 1: after[3] = kt_int(&r, 1, 40); break;
            default:
                for (int d = 0; d < 4; d++) {
                    before[d] = kt_int(&r, 0, 2);
                    after[d] = kt_int(&r, 0, 2);
                }
            }
            int od[4];
            for (int d = 0; d < 4; d++)
                od[d] = before[d] + dims[d] + after[d];
            const size_t n_in = count4(dims), n = count4(od);
            float *in = kt_alloc(n_in), *want = kt_alloc(n), *got = kt_alloc(n);
            kt_fill(&r, in, n_in, -3.0f, 3.0f);
            REF->pad4(dims, before, after, in, want);
            const int rows = od[0] * od[1] * od[2];
            k->pad4_rows(dims, before, after, in, got, 0, rows);
            check("pad4_rows", k->name, got, want, n, 1);
            pad_call pc = {k, dims, before, after, in};
            const char *msg = kt_check_rows(&r, run_pad_rows, &pc, rows, (size_t)od[3], got);
            ck_assert_msg(msg == NULL, "%s pad4_rows: %s", k->name, msg);
            free(in);
            free(want);
            free(got);
        }
}
END_TEST

START_TEST(mean_resize_vs_generic)
{
    kt_rng r;
    kt_seed(&r, 400);
    for (int t = 0; t < n_tables; t++)
        for (int trial = 0; trial < 40; trial++) {
            const arv_kernel_table *k = tables[t];
            int dims[4] = {kt_int(&r, 1, 2), kt_int(&r, 1, 9), kt_int(&r, 1, 9),
                           CHANS[kt_int(&r, 0, 5)]};
            const size_t n_in = count4(dims);
            float *in = kt_alloc(n_in);
            kt_fill(&r, in, n_in, -3.0f, 3.0f);
            /* Spatial mean (the models'), then a random other axis set. */
            int reduce[4] = {0, 1, 1, 0};
            if (trial % 2)
                for (int d = 0; d < 4; d++)
                    reduce[d] = kt_int(&r, 0, 1);
            float *want = kt_alloc(n_in), *got = kt_alloc(n_in);
            size_t n_out = 1;
            for (int d = 0; d < 4; d++)
                n_out *= reduce[d] ? 1 : (size_t)dims[d];
            REF->mean4(dims, reduce, in, want);
            k->mean4(dims, reduce, in, got);
            check("mean4", k->name, got, want, n_out, 1);
            free(want);
            free(got);

            arv_resize_geom rg = {dims[0], dims[1], dims[2], dims[3], dims[1] * 2, dims[2] * 2,
                                  0, 1};
            if (trial % 3 == 1) {
                rg.out_h = kt_int(&r, 1, 20);
                rg.out_w = kt_int(&r, 1, 20);
                rg.half_pixel_centers = kt_int(&r, 0, 1);
                rg.align_corners = !rg.half_pixel_centers && kt_int(&r, 0, 1);
            }
            const size_t n_rs = (size_t)rg.batch * rg.out_h * rg.out_w * rg.c;
            want = kt_alloc(n_rs);
            got = kt_alloc(n_rs);
            REF->resize_bilinear(&rg, in, want);
            k->resize_bilinear(&rg, in, got);
            check("resize_bilinear", k->name, got, want, n_rs, 1);
            if (k->resize_bilinear_rows) {
                rb_call rc = {k, &rg, in};
                const char *msg = kt_check_rows(&r, run_rb_rows, &rc, rg.batch * rg.out_h,
                                                (size_t)rg.out_w * rg.c, got);
                ck_assert_msg(msg == NULL, "%s resize_bilinear_rows: %s", k->name, msg);
            }
            free(want);
            free(got);
            free(in);
        }
}
END_TEST

int main(void)
{
    setup();
    Suite *s = suite_create("simd_elementwise");
    TCase *tc = tcase_create("vs_generic");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, unary_vs_generic);
    tcase_add_test(tc, binary_vs_generic);
    tcase_add_test(tc, pool_vs_generic);
    tcase_add_test(tc, mean_resize_vs_generic);
    tcase_add_test(tc, pad_vs_generic);
    suite_add_tcase(s, tc);
    return kt_run_suite(s);
}
