/* Generic MAX_POOL_2D and AVERAGE_POOL_2D against naive versions: max over
 * a -inf-padded copy of the input, average with an explicit per-cell bounds
 * test and double sums. Error measure and tolerance: see support/ktest.h. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/kernels.h"
#include "support/ktest.h"

#define KT (&arv_kernels_generic)

typedef struct cfg {
    int kh, kw, sh, sw, same;
} cfg;

static const cfg CFGS[] = {
    { 1, 1, 1, 1, 0 }, { 1, 1, 2, 2, 1 }, { 2, 2, 2, 2, 0 }, { 2, 2, 2, 2, 1 },
    { 2, 2, 1, 1, 1 }, { 3, 3, 1, 1, 1 }, { 3, 3, 2, 2, 1 }, { 3, 3, 1, 1, 0 },
    { 3, 3, 2, 2, 0 }, { 5, 5, 1, 1, 1 }, { 5, 5, 2, 2, 1 }, { 5, 5, 2, 2, 0 },
    { 3, 2, 2, 1, 1 }, { 1, 4, 1, 3, 0 }, { 7, 7, 1, 1, 0 },
};
#define N_CFGS ((int)(sizeof CFGS / sizeof CFGS[0]))

static const int CHANS[] = { 1, 3, 5, 17, 33 };

static void random_geom(kt_rng *r, const cfg *c, arv_pool_geom *g)
{
    memset(g, 0, sizeof *g);
    g->batch = kt_int(r, 1, 2);
    g->in_h = kt_int(r, c->same ? 1 : c->kh, c->kh + 8);
    g->in_w = kt_int(r, c->same ? 1 : c->kw, c->kw + 8);
    g->c = kt_pick(r, CHANS, 5);
    g->k_h = c->kh;
    g->k_w = c->kw;
    g->stride_h = c->sh;
    g->stride_w = c->sw;
    kt_conv_axis(g->in_h, c->kh, c->sh, 1, c->same, &g->out_h, &g->pad_top);
    kt_conv_axis(g->in_w, c->kw, c->sw, 1, c->same, &g->out_w, &g->pad_left);
    kt_act(kt_int(r, 0, 2), &g->act_min, &g->act_max);
}

static void naive_max(const arv_pool_geom *g, const float *in, double *out)
{
    /* Pad with -inf on every side by the largest amount any window needs. */
    const int ph = g->in_h + 2 * g->k_h, pw = g->in_w + 2 * g->k_w;
    const int oy0 = g->k_h, ox0 = g->k_w;   /* where input (0,0) lands */
    double *P = kt_alloc_d((size_t)g->batch * ph * pw * g->c);
    for (size_t i = 0; i < (size_t)g->batch * ph * pw * g->c; i++)
        P[i] = -INFINITY;
    for (int b = 0; b < g->batch; b++)
        for (int y = 0; y < g->in_h; y++)
            for (int x = 0; x < g->in_w; x++)
                for (int ch = 0; ch < g->c; ch++)
                    P[(((size_t)b * ph + y + oy0) * pw + x + ox0) * g->c + ch] =
                        in[(((size_t)b * g->in_h + y) * g->in_w + x) * g->c +
                           ch];
    for (int b = 0; b < g->batch; b++)
        for (int oy = 0; oy < g->out_h; oy++)
            for (int ox = 0; ox < g->out_w; ox++)
                for (int ch = 0; ch < g->c; ch++) {
                    double m = -INFINITY;
                    for (int ky = 0; ky < g->k_h; ky++)
                        for (int kx = 0; kx < g->k_w; kx++) {
                            const int py = oy * g->stride_h - g->pad_top + ky +
                                           oy0;
                            const int px = ox * g->stride_w - g->pad_left +
                                           kx + ox0;
                            m = fmax(m, P[(((size_t)b * ph + py) * pw + px) *
                                              g->c + ch]);
                        }
                    out[(((size_t)b * g->out_h + oy) * g->out_w + ox) * g->c +
                        ch] = kt_clampd(m, g->act_min, g->act_max);
                }
    free(P);
}

static void naive_avg(const arv_pool_geom *g, const float *in, double *out)
{
    for (int b = 0; b < g->batch; b++)
        for (int oy = 0; oy < g->out_h; oy++)
            for (int ox = 0; ox < g->out_w; ox++)
                for (int ch = 0; ch < g->c; ch++) {
                    double s = 0.0;
                    int n = 0;
                    for (int ky = 0; ky < g->k_h; ky++)
                        for (int kx = 0; kx < g->k_w; kx++) {
                            const int y = oy * g->stride_h - g->pad_top + ky;
                            const int x = ox * g->stride_w - g->pad_left + kx;
                            if (y < 0 || y >= g->in_h || x < 0 ||
                                x >= g->in_w)
                                continue;
                            s += in[(((size_t)b * g->in_h + y) * g->in_w + x) *
                                        g->c + ch];
                            n++;
                        }
                    out[(((size_t)b * g->out_h + oy) * g->out_w + ox) * g->c +
                        ch] = kt_clampd(s / n, g->act_min, g->act_max);
                }
}

typedef void (*pool_fn)(const arv_pool_geom *, const float *, float *, int,
                        int);

typedef struct pool_call {
    pool_fn fn;
    const arv_pool_geom *g;
    const float *in;
} pool_call;

static void run_pool_rows(const void *ctx, float *out, int r0, int r1)
{
    const pool_call *c = ctx;
    c->fn(c->g, c->in, out, r0, r1);
}

static void check_pool(kt_rng *r, int is_max, const arv_pool_geom *g)
{
    char what[200];
    snprintf(what, sizeof what,
             "%s: n%d in %dx%dx%d out %dx%d k %dx%d s %d,%d pad %d,%d "
             "act [%g,%g]",
             is_max ? "max_pool" : "avg_pool", g->batch, g->in_h, g->in_w,
             g->c, g->out_h, g->out_w, g->k_h, g->k_w, g->stride_h,
             g->stride_w, g->pad_top, g->pad_left, g->act_min, g->act_max);
    const size_t n_in = (size_t)g->batch * g->in_h * g->in_w * g->c;
    const size_t n_out = (size_t)g->batch * g->out_h * g->out_w * g->c;
    float *in = kt_alloc(n_in), *got = kt_alloc(n_out);
    double *want = kt_alloc_d(n_out);
    /* Mostly negative inputs, so a kernel that let zero padding into the
     * max or the average would be caught. */
    kt_fill(r, in, n_in, -8.0f, 7.0f);
    pool_fn fn = is_max ? KT->max_pool : KT->avg_pool;
    const int rows = g->batch * g->out_h;
    fn(g, in, got, 0, rows);
    if (is_max)
        naive_max(g, in, want);
    else
        naive_avg(g, in, want);
    const double err = kt_max_err(got, want, n_out);
    kt_err_note(is_max ? "max_pool" : "avg_pool", err);
    ck_assert_msg(err <= KT_TOL, "%s: max err %g", what, err);
    const pool_call call = { fn, g, in };
    const char *msg = kt_check_rows(r, run_pool_rows, &call, rows,
                                    (size_t)g->out_w * g->c, got);
    ck_assert_msg(msg == NULL, "%s: %s", what, msg);
    free(in);
    free(got);
    free(want);
}

START_TEST(pool_random)
{
    kt_rng r;
    kt_seed(&r, 5000 + (uint64_t)_i);
    for (int t = 0; t < 16; t++) {
        arv_pool_geom g;
        random_geom(&r, &CFGS[_i], &g);
        check_pool(&r, t & 1, &g);
    }
}
END_TEST

static arv_pool_geom geom(int in_h, int in_w, int out_h, int out_w, int k,
                          int stride, int pad, float lo, float hi)
{
    arv_pool_geom g;
    memset(&g, 0, sizeof g);
    g.batch = 1;
    g.in_h = in_h;
    g.in_w = in_w;
    g.c = 1;
    g.out_h = out_h;
    g.out_w = out_w;
    g.k_h = g.k_w = k;
    g.stride_h = g.stride_w = stride;
    g.pad_top = g.pad_left = pad;
    g.act_min = lo;
    g.act_max = hi;
    return g;
}

static void expect_exact(const float *got, const float *want, int n,
                         const char *what)
{
    for (int i = 0; i < n; i++)
        ck_assert_msg(got[i] == want[i], "%s[%d]: got %g want %g", what, i,
                      got[i], want[i]);
}

START_TEST(pool_hand)
{
    const float in[9] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
    float out[9];

    /* 3x3 SAME stride 1: corner windows hold 4 cells, edges 6, centre 9. */
    arv_pool_geom g = geom(3, 3, 3, 3, 3, 1, 1, -INFINITY, INFINITY);
    KT->avg_pool(&g, in, out, 0, 3);
    expect_exact(out, (const float[]){ 3, 3.5f, 4, 4.5f, 5, 5.5f, 6, 6.5f, 7 },
                 9, "avg 3x3 same");
    KT->max_pool(&g, in, out, 0, 3);
    expect_exact(out, (const float[]){ 5, 6, 6, 8, 9, 9, 8, 9, 9 }, 9,
                 "max 3x3 same");

    /* 2x2 VALID stride 1 with relu6 (max) and relu (avg of negatives). */
    g = geom(3, 3, 2, 2, 2, 1, 0, 0.0f, 6.0f);
    KT->max_pool(&g, in, out, 0, 2);
    expect_exact(out, (const float[]){ 5, 6, 6, 6 }, 4, "max 2x2 relu6");

    const float neg[4] = { -1, -2, -3, -4 };
    g = geom(2, 2, 1, 1, 2, 2, 0, 0.0f, INFINITY);
    KT->avg_pool(&g, neg, out, 0, 1);
    expect_exact(out, (const float[]){ 0 }, 1, "avg relu");

    /* All-negative input with SAME padding: padding must not act as 0. */
    g = geom(2, 2, 1, 1, 3, 2, 1, -INFINITY, INFINITY);
    KT->max_pool(&g, neg, out, 0, 1);
    expect_exact(out, (const float[]){ -1 }, 1, "max ignores padding");
    KT->avg_pool(&g, neg, out, 0, 1);
    expect_exact(out, (const float[]){ -2.5f }, 1, "avg ignores padding");
}
END_TEST

static Suite *pool_suite(void)
{
    Suite *s = suite_create("kernels_pool");
    TCase *tc = tcase_create("pool");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, pool_random, 0, N_CFGS);
    tcase_add_test(tc, pool_hand);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return kt_run_suite(pool_suite());
}
