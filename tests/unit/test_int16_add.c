/* test_int16_add.c — the int16 ADD of every int8 table this machine runs
 * (arv_kernel_table_int8.add16) against the portable arv_q16_add.
 *
 * Criterion: equal output, element for element, and nothing written past
 * the output. Scales are random with input ratios up to 2^10 either way
 * and output scales from far below to above the inputs' (so the clamps
 * and the fused activations bite); all four activations; values random
 * over the whole int16 range or only the extremes; element counts 1..100
 * and longer (every tail of the 8- and 16-lane loops); operands of the
 * output's shape, one row of channels repeated, a single value, and a
 * broadcast the SIMD kernels hand back to the portable one. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "kernels/kernels_int8.h"
#include "model/tflite_schema.h"
#include "runtime/cpu.h"
#include "support/ktest.h"

typedef void (*add16_fn)(const arv_q_add *p, const arv_bcast4 *s, const int16_t *a,
                         const int16_t *b, int16_t *out);

typedef struct variant {
    const char *name;
    add16_fn f;
} variant;

static int variants(variant *v, int max)
{
    int n = 0;
    const char *names[8];
    const int k = arv_kernels_available(names, 8);
    for (int i = 0; i < k && n < max; i++) {
        const arv_kernel_table_int8 *t = arv_kernels_int8_for(arv_kernels_select(names[i]));
        if (t && t->add16)
            v[n++] = (variant){t->name, t->add16};
    }
    return n;
}

enum { SHAPE_SAME, SHAPE_ROW_B, SHAPE_ROW_A, SHAPE_ONE_B, SHAPE_ONE_A, SHAPE_ONE_BOTH,
       SHAPE_OTHER, SHAPE_COUNT };

static void set4(int *d, int n0, int n1, int n2, int n3)
{
    d[0] = n0;
    d[1] = n1;
    d[2] = n2;
    d[3] = n3;
}

static size_t count4(const int *d)
{
    return (size_t)d[0] * d[1] * d[2] * d[3];
}

/* out is {1, h, w, c}; each operand per the shape kind. */
static void make_shape(int kind, int h, int w, int c, arv_bcast4 *s)
{
    set4(s->out, 1, h, w, c);
    set4(s->a, 1, h, w, c);
    set4(s->b, 1, h, w, c);
    switch (kind) {
    case SHAPE_ROW_B: set4(s->b, 1, 1, 1, c); break;
    case SHAPE_ROW_A: set4(s->a, 1, 1, 1, c); break;
    case SHAPE_ONE_B: set4(s->b, 1, 1, 1, 1); break;
    case SHAPE_ONE_A: set4(s->a, 1, 1, 1, 1); break;
    case SHAPE_ONE_BOTH:
        set4(s->a, 1, 1, 1, 1);
        set4(s->b, 1, 1, 1, 1);
        break;
    case SHAPE_OTHER: set4(s->b, 1, h, 1, c); break;
    default: break;
    }
}

static void fill(kt_rng *r, int16_t *p, size_t n, int extremes)
{
    static const int ext[] = {-32768, -32767, -1, 0, 1, 32766, 32767};
    for (size_t i = 0; i < n; i++)
        p[i] = (int16_t)(extremes ? kt_pick(r, ext, 7) : kt_int(r, -32768, 32767));
}

static void random_params(kt_rng *r, arv_q_add *p)
{
    static const int acts[] = {TFL_ACT_NONE, TFL_ACT_RELU, TFL_ACT_RELU6, TFL_ACT_RELU_N1_TO_1};
    const float s1 = ldexpf(kt_uniform(r, 1.0f, 2.0f), kt_int(r, -16, -4));
    const float s2 = ldexpf(s1 * kt_uniform(r, 1.0f, 2.0f), kt_int(r, -10, 9));
    const float so = ldexpf((s1 > s2 ? s1 : s2) * kt_uniform(r, 1.0f, 2.0f), kt_int(r, -6, 2));
    arv_q16_add_prepare(s1, s2, so, kt_pick(r, acts, 4), p);
}

/* One case through every variant; a difference fails the test. */
static void check_case(kt_rng *r, const variant *v, int nv, int kind, int h, int w, int c,
                       int extremes)
{
    arv_bcast4 s;
    make_shape(kind, h, w, c, &s);
    arv_q_add p;
    random_params(r, &p);
    const size_t na = count4(s.a), nb = count4(s.b), no = count4(s.out);
    const size_t pad = 40;
    int16_t *a = malloc(sizeof *a * na), *b = malloc(sizeof *b * nb);
    int16_t *want = malloc(sizeof *want * no), *got = malloc(sizeof *got * (no + pad));
    ck_assert(a && b && want && got);
    fill(r, a, na, extremes);
    fill(r, b, nb, extremes);
    arv_q16_add(&p, &s, a, b, want);
    for (int i = 0; i < nv; i++) {
        for (size_t j = 0; j < no + pad; j++)
            got[j] = 0x5A5A;
        v[i].f(&p, &s, a, b, got);
        for (size_t j = 0; j < no; j++)
            ck_assert_msg(got[j] == want[j],
                          "%s shape %d (%d,%d,%d) element %zu: %d, portable %d (a %d b %d, "
                          "mults %d/%d %d/%d %d/%d, clamp %d..%d)",
                          v[i].name, kind, h, w, c, j, got[j], want[j],
                          a[kind == SHAPE_ONE_A || kind == SHAPE_ONE_BOTH ? 0
                            : kind == SHAPE_ROW_A                      ? j % (size_t)c
                                                                       : j],
                          b[kind == SHAPE_ONE_B || kind == SHAPE_ONE_BOTH ? 0
                            : kind == SHAPE_ROW_B                      ? j % (size_t)c
                            : kind == SHAPE_OTHER ? (j / ((size_t)w * c)) * c + j % (size_t)c
                                                  : j],
                          p.in1_mult, p.in1_shift, p.in2_mult, p.in2_shift, p.out_mult,
                          p.out_shift, p.act_min, p.act_max);
        for (size_t j = no; j < no + pad; j++)
            ck_assert_msg(got[j] == 0x5A5A, "%s shape %d (%d,%d,%d): wrote past the output",
                          v[i].name, kind, h, w, c);
    }
    free(a);
    free(b);
    free(want);
    free(got);
}

/* Flat runs of 1..100 and some longer ones, both operands full. */
START_TEST(same_shape_matches_portable)
{
    variant v[8];
    const int nv = variants(v, 8);
    kt_rng r;
    kt_seed(&r, 0x16add);
    for (int n = 1; n <= 100; n++)
        for (int rep = 0; rep < 4; rep++)
            check_case(&r, v, nv, SHAPE_SAME, 1, 1, n, rep == 3);
    static const int longer[] = {127, 128, 129, 255, 1000, 4099, 65536 + 7};
    for (int i = 0; i < 7; i++)
        for (int rep = 0; rep < 3; rep++)
            check_case(&r, v, nv, SHAPE_SAME, 1, 1, longer[i], rep == 2);
}
END_TEST

/* Every broadcast kind over a spread of row lengths and row counts. */
START_TEST(broadcasts_match_portable)
{
    variant v[8];
    const int nv = variants(v, 8);
    kt_rng r;
    kt_seed(&r, 0xb16ca57u + (uint64_t)_i);
    const int kind = _i;
    static const int cs[] = {1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 48, 64, 100, 129};
    for (int ci = 0; ci < 16; ci++)
        for (int rep = 0; rep < 6; rep++) {
            const int h = kt_int(&r, 1, 5), w = kt_int(&r, 1, 7);
            check_case(&r, v, nv, kind, h, w, cs[ci], rep == 5);
        }
}
END_TEST

/* Random parameters over many draws on one mid-sized tensor: catches a
 * rounding corner only some multipliers reach. */
START_TEST(many_scales_match_portable)
{
    variant v[8];
    const int nv = variants(v, 8);
    kt_rng r;
    kt_seed(&r, 0x5ca1e5);
    for (int rep = 0; rep < 2000; rep++)
        check_case(&r, v, nv, kt_int(&r, 0, SHAPE_COUNT - 1), kt_int(&r, 1, 3), kt_int(&r, 1, 4),
                   kt_int(&r, 1, 40), rep % 5 == 0);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("int16_add");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, same_shape_matches_portable);
    tcase_add_loop_test(tc, broadcasts_match_portable, 0, SHAPE_COUNT);
    tcase_add_test(tc, many_scales_match_portable);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    const int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
