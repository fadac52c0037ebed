/* Generic binary ops (ADD, MUL, SUB with broadcasting), PRELU, and the unary
 * activations (clamp, logistic, hard_swish) against naive versions that
 * compute in double with direct index formulas. Error measure and tolerance:
 * see support/ktest.h. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/kernels.h"
#include "support/ktest.h"

#define KT (&arv_kernels_generic)

static size_t count4(const int d[4])
{
    return (size_t)d[0] * d[1] * d[2] * d[3];
}

/* Element of a broadcast operand for an output coordinate: a dim of size 1
 * always reads index 0, which `coord % 1` gives. */
static double bcast_at(const float *p, const int dims[4], const int c[4])
{
    size_t idx = 0;
    for (int d = 0; d < 4; d++)
        idx = idx * (size_t)dims[d] + (size_t)(c[d] % dims[d]);
    return p[idx];
}

static void unravel(size_t k, const int dims[4], int c[4])
{
    for (int d = 3; d >= 0; d--) {
        c[d] = (int)(k % (size_t)dims[d]);
        k /= (size_t)dims[d];
    }
}

/* A random broadcast pair: each operand dim is the output dim or 1, with
 * whole-operand scalars and equal shapes mixed in. */
static void random_bcast(kt_rng *r, arv_bcast4 *s)
{
    static const int DIMS[] = { 1, 2, 3, 5, 17 };
    const int mode = kt_int(r, 0, 5);
    for (int d = 0; d < 4; d++) {
        s->out[d] = kt_pick(r, DIMS, 5);
        s->a[d] = (mode == 0 || kt_int(r, 0, 2)) ? s->out[d] : 1;
        s->b[d] = (mode == 0 || kt_int(r, 0, 2)) ? s->out[d] : 1;
        if (mode == 1)
            s->b[d] = 1;   /* b is a scalar */
        if (mode == 2)
            s->a[d] = 1;   /* a is a scalar */
        if (mode == 3)
            s->b[d] = d == 3 ? s->out[d] : 1;   /* per-channel */
    }
    /* The output dims are the broadcast of the operand dims; make sure no
     * output dim is > 1 while both operands have 1 there. */
    for (int d = 0; d < 4; d++)
        if (s->a[d] == 1 && s->b[d] == 1)
            s->out[d] = 1;
}

static const char *op_name(arv_binary_op op)
{
    return op == ARV_BIN_ADD ? "add" : op == ARV_BIN_MUL ? "mul" : "sub";
}

START_TEST(binary_random)
{
    kt_rng r;
    kt_seed(&r, 6000);
    for (int t = 0; t < 300; t++) {
        arv_bcast4 s;
        random_bcast(&r, &s);
        const arv_binary_op op = (arv_binary_op)kt_int(&r, 0, 2);
        float lo, hi;
        kt_act(kt_int(&r, 0, 2), &lo, &hi);
        const size_t na = count4(s.a), nb = count4(s.b), n = count4(s.out);
        float *a = kt_alloc(na), *b = kt_alloc(nb), *got = kt_alloc(n);
        double *want = kt_alloc_d(n);
        kt_fill(&r, a, na, -10, 10);
        kt_fill(&r, b, nb, -10, 10);
        KT->binary(op, &s, a, b, lo, hi, got);
        for (size_t k = 0; k < n; k++) {
            int c[4];
            unravel(k, s.out, c);
            const double x = bcast_at(a, s.a, c), y = bcast_at(b, s.b, c);
            const double v = op == ARV_BIN_ADD ? x + y
                             : op == ARV_BIN_MUL ? x * y
                                                 : x - y;
            want[k] = kt_clampd(v, lo, hi);
        }
        const double err = kt_max_err(got, want, n);
        kt_err_note("binary", err);
        ck_assert_msg(err <= KT_TOL,
                      "%s out [%d %d %d %d] a [%d %d %d %d] b [%d %d %d %d] "
                      "act [%g,%g]: max err %g",
                      op_name(op), s.out[0], s.out[1], s.out[2], s.out[3],
                      s.a[0], s.a[1], s.a[2], s.a[3], s.b[0], s.b[1], s.b[2],
                      s.b[3], lo, hi, err);
        free(a);
        free(b);
        free(got);
        free(want);
    }
}
END_TEST

START_TEST(binary_hand)
{
    /* [2,3] (op) [3]: row-wise broadcast; SUB keeps operand order. */
    const arv_bcast4 s = { { 1, 1, 2, 3 }, { 1, 1, 2, 3 }, { 1, 1, 1, 3 } };
    const float a[6] = { 1, 2, 3, 4, 5, 6 };
    const float b[3] = { 10, 20, 30 };
    float out[6];
    KT->binary(ARV_BIN_ADD, &s, a, b, -INFINITY, INFINITY, out);
    const float add[6] = { 11, 22, 33, 14, 25, 36 };
    for (int i = 0; i < 6; i++)
        ck_assert_float_eq(out[i], add[i]);
    KT->binary(ARV_BIN_SUB, &s, a, b, -INFINITY, INFINITY, out);
    const float sub[6] = { -9, -18, -27, -6, -15, -24 };
    for (int i = 0; i < 6; i++)
        ck_assert_float_eq(out[i], sub[i]);
    KT->binary(ARV_BIN_MUL, &s, a, b, 0.0f, 6.0f, out);
    for (int i = 0; i < 6; i++)
        ck_assert_float_eq(out[i], 6.0f);

    /* [2,1] x [1,3] -> [2,3]: both operands broadcast. */
    const arv_bcast4 s2 = { { 1, 1, 2, 3 }, { 1, 1, 2, 1 }, { 1, 1, 1, 3 } };
    const float col[2] = { 1, -1 };
    KT->binary(ARV_BIN_MUL, &s2, col, b, 0.0f, INFINITY, out);
    const float mul[6] = { 10, 20, 30, 0, 0, 0 };
    for (int i = 0; i < 6; i++)
        ck_assert_float_eq(out[i], mul[i]);
}
END_TEST

START_TEST(prelu_random)
{
    kt_rng r;
    kt_seed(&r, 6100);
    for (int t = 0; t < 200; t++) {
        arv_bcast4 s;
        random_bcast(&r, &s);
        const size_t nx = count4(s.a), na = count4(s.b), n = count4(s.out);
        float *x = kt_alloc(nx), *alpha = kt_alloc(na), *got = kt_alloc(n);
        double *want = kt_alloc_d(n);
        kt_fill(&r, x, nx, -5, 5);
        kt_fill(&r, alpha, na, -1, 1);
        KT->prelu(&s, x, alpha, got);
        for (size_t k = 0; k < n; k++) {
            int c[4];
            unravel(k, s.out, c);
            const double v = bcast_at(x, s.a, c);
            want[k] = v < 0 ? v * bcast_at(alpha, s.b, c) : v;
        }
        const double err = kt_max_err(got, want, n);
        kt_err_note("prelu", err);
        ck_assert_msg(err <= KT_TOL, "prelu case %d: max err %g", t, err);
        free(x);
        free(alpha);
        free(got);
        free(want);
    }
}
END_TEST

START_TEST(prelu_hand)
{
    /* Per-channel alpha over a 2-pixel, 2-channel tensor. */
    const arv_bcast4 s = { { 1, 1, 2, 2 }, { 1, 1, 2, 2 }, { 1, 1, 1, 2 } };
    const float x[4] = { -2, -2, 3, 0 };
    const float alpha[2] = { 0.5f, -1 };
    float out[4];
    KT->prelu(&s, x, alpha, out);
    const float want[4] = { -1, 2, 3, 0 };
    for (int i = 0; i < 4; i++)
        ck_assert_float_eq(out[i], want[i]);
}
END_TEST

/* ---- unary ---- */

typedef void (*unary_fn)(size_t, const float *, float *);

/* Runs `fn` out of place and in place on the same data; both must agree bit
 * for bit. Returns the out-of-place result (caller frees). */
static float *run_unary(unary_fn fn, const float *in, size_t n)
{
    float *out = kt_alloc(n), *inplace = kt_alloc(n);
    memcpy(inplace, in, n * sizeof *in);
    fn(n, in, out);
    fn(n, inplace, inplace);
    ck_assert_msg(memcmp(out, inplace, n * sizeof *out) == 0,
                  "in-place result differs");
    free(inplace);
    return out;
}

START_TEST(clamp_random)
{
    kt_rng r;
    kt_seed(&r, 6200);
    for (int t = 0; t < 50; t++) {
        const size_t n = (size_t)kt_int(&r, 1, 1000);
        float lo, hi;
        kt_act(t % 3, &lo, &hi);
        if (t >= 30) {   /* arbitrary bounds too */
            lo = kt_uniform(&r, -3, 0);
            hi = kt_uniform(&r, 0, 3);
        }
        float *in = kt_alloc(n), *out = kt_alloc(n), *inplace = kt_alloc(n);
        double *want = kt_alloc_d(n);
        kt_fill(&r, in, n, -10, 10);
        for (size_t i = 0; i < n; i++)
            want[i] = fmin(fmax(in[i], lo), hi);
        KT->clamp(n, in, lo, hi, out);
        memcpy(inplace, in, n * sizeof *in);
        KT->clamp(n, inplace, lo, hi, inplace);
        const double err = kt_max_err(out, want, n);
        kt_err_note("clamp", err);
        ck_assert_msg(err <= KT_TOL, "clamp [%g,%g]: max err %g", lo, hi, err);
        ck_assert(memcmp(out, inplace, n * sizeof *out) == 0);
        free(in);
        free(out);
        free(inplace);
        free(want);
    }
}
END_TEST

START_TEST(clamp_hand)
{
    const float in[6] = { -7, -0.5f, 0.5f, 7, INFINITY, -INFINITY };
    float out[6];
    KT->clamp(6, in, 0.0f, 6.0f, out);
    const float want[6] = { 0, 0, 0.5f, 6, 6, 0 };
    for (int i = 0; i < 6; i++)
        ck_assert_float_eq(out[i], want[i]);
    /* As TFLite's std::min(std::max(x, lo), hi), a NaN passes through. */
    const float nan_in = NAN;
    KT->clamp(1, &nan_in, 0.0f, 6.0f, out);
    ck_assert(isnan(out[0]));
}
END_TEST

START_TEST(logistic_random)
{
    kt_rng r;
    kt_seed(&r, 6300);
    for (int t = 0; t < 30; t++) {
        const size_t n = (size_t)kt_int(&r, 1, 2000);
        float *in = kt_alloc(n);
        double *want = kt_alloc_d(n);
        const float range = t < 15 ? 8.0f : 30.0f;
        kt_fill(&r, in, n, -range, range);
        for (size_t i = 0; i < n; i++)
            want[i] = 1.0 / (1.0 + exp(-(double)in[i]));
        float *got = run_unary(KT->logistic, in, n);
        const double err = kt_max_err(got, want, n);
        kt_err_note("logistic", err);
        ck_assert_msg(err <= KT_TOL, "logistic range %g: max err %g", range,
                      err);
        free(in);
        free(got);
        free(want);
    }
}
END_TEST

START_TEST(logistic_hand)
{
    const float in[7] = { 0, INFINITY, -INFINITY, 1e30f, -1e30f, 100, -100 };
    float out[7];
    KT->logistic(7, in, out);
    ck_assert_float_eq(out[0], 0.5f);
    ck_assert_float_eq(out[1], 1.0f);
    ck_assert_float_eq(out[2], 0.0f);
    ck_assert_float_eq(out[3], 1.0f);
    ck_assert_float_eq(out[4], 0.0f);
    ck_assert_float_eq(out[5], 1.0f);
    /* Far in the tail the result is tiny but finite (denormal-range). */
    ck_assert(out[6] >= 0.0f && out[6] < 1e-40f);
    /* The negative tail is relatively accurate, not just absolutely: the
     * presence scores of landmark models live there (sigmoid(-11.6) ~ 1e-5). */
    for (float x = -30.0f; x <= -5.0f; x += 0.37f) {
        float y;
        KT->logistic(1, &x, &y);
        const double want = 1.0 / (1.0 + exp(-(double)x));
        ck_assert_msg(fabs(y - want) <= 1e-6 * want, "logistic(%g) = %.9g, want %.9g", x, y, want);
    }
    /* Symmetry around 0 to float precision. */
    const float pm[2] = { 2.5f, -2.5f };
    KT->logistic(2, pm, out);
    ck_assert_float_eq_tol(out[0] + out[1], 1.0f, 1e-6f);
    ck_assert_float_eq_tol(out[0], 0.924141819979f, 1e-6f);
}
END_TEST

static double hard_swish_d(double x)
{
    if (x <= -3.0)
        return 0.0;
    if (x >= 3.0)
        return x;
    return x * (x + 3.0) / 6.0;
}

START_TEST(hard_swish_random)
{
    kt_rng r;
    kt_seed(&r, 6400);
    for (int t = 0; t < 30; t++) {
        const size_t n = (size_t)kt_int(&r, 1, 2000);
        float *in = kt_alloc(n);
        double *want = kt_alloc_d(n);
        kt_fill(&r, in, n, -8, 8);
        for (size_t i = 0; i < n; i++)
            want[i] = hard_swish_d(in[i]);
        float *got = run_unary(KT->hard_swish, in, n);
        const double err = kt_max_err(got, want, n);
        kt_err_note("hard_swish", err);
        ck_assert_msg(err <= KT_TOL, "hard_swish: max err %g", err);
        free(in);
        free(got);
        free(want);
    }
}
END_TEST

START_TEST(hard_swish_hand)
{
    const float in[8] = { -4, -3, -1.5f, 0, 1, 3, 4, 1e30f };
    const float want[8] = { 0, 0, -0.375f, 0, 4.0f / 6.0f, 3, 4, 1e30f };
    float out[8];
    KT->hard_swish(8, in, out);
    for (int i = 0; i < 8; i++)
        ck_assert_msg(fabs((double)out[i] - want[i]) <=
                          1e-7 * fmax(1.0, fabs((double)want[i])),
                      "hard_swish(%g) = %g, want %g", in[i], out[i], want[i]);
    const float big = INFINITY;
    KT->hard_swish(1, &big, out);
    ck_assert(isinf(out[0]) && out[0] > 0);
}
END_TEST

static Suite *elementwise_suite(void)
{
    Suite *s = suite_create("kernels_elementwise");
    TCase *tc = tcase_create("elementwise");
    tcase_add_test(tc, binary_random);
    tcase_add_test(tc, binary_hand);
    tcase_add_test(tc, prelu_random);
    tcase_add_test(tc, prelu_hand);
    tcase_add_test(tc, clamp_random);
    tcase_add_test(tc, clamp_hand);
    tcase_add_test(tc, logistic_random);
    tcase_add_test(tc, logistic_hand);
    tcase_add_test(tc, hard_swish_random);
    tcase_add_test(tc, hard_swish_hand);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return kt_run_suite(elementwise_suite());
}
