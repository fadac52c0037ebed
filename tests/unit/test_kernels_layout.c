/* Generic CONCATENATION, PAD, MEAN and DEPTH_TO_SPACE against naive
 * versions with direct index formulas (gather where the kernel copies runs,
 * scatter where the kernel gathers). Data-movement kernels must match
 * exactly; MEAN uses the tolerance of support/ktest.h. */
#include <check.h>
#include <math.h>
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

/* ---- CONCATENATION ---- */

START_TEST(concat_random)
{
    kt_rng r;
    kt_seed(&r, 7000);
    for (int t = 0; t < 200; t++) {
        const int n_in = kt_int(&r, 1, 5);
        const size_t outer = (size_t)kt_int(&r, 1, 6);
        const size_t inner = (size_t)kt_int(&r, 1, 9);
        int sizes[5], total = 0;
        float *ins[5];
        for (int i = 0; i < n_in; i++) {
            sizes[i] = kt_int(&r, 1, 7);
            total += sizes[i];
            ins[i] = kt_alloc(outer * (size_t)sizes[i] * inner);
            kt_fill(&r, ins[i], outer * (size_t)sizes[i] * inner, -1, 1);
        }
        const size_t n = outer * (size_t)total * inner;
        float *got = kt_alloc(n);
        KT->concat(n_in, (const float *const *)ins, sizes, outer, inner, got);
        for (size_t k = 0; k < n; k++) {
            const size_t o = k / ((size_t)total * inner);
            size_t rem = k % ((size_t)total * inner);
            int i = 0;
            while (rem >= (size_t)sizes[i] * inner) {
                rem -= (size_t)sizes[i] * inner;
                i++;
            }
            const float want = ins[i][o * (size_t)sizes[i] * inner + rem];
            ck_assert_msg(memcmp(&got[k], &want, sizeof want) == 0,
                          "concat case %d element %zu", t, k);
        }
        for (int i = 0; i < n_in; i++)
            free(ins[i]);
        free(got);
    }
}
END_TEST

START_TEST(concat_hand)
{
    /* Two rows (outer 2) of [1 elem | 2 elems]. */
    const float a[2] = { 1, 2 }, b[4] = { 10, 11, 20, 21 };
    const float *ins[2] = { a, b };
    const int sizes[2] = { 1, 2 };
    float out[6];
    KT->concat(2, ins, sizes, 2, 1, out);
    const float want[6] = { 1, 10, 11, 2, 20, 21 };
    for (int i = 0; i < 6; i++)
        ck_assert_float_eq(out[i], want[i]);
}
END_TEST

/* ---- PAD ---- */

START_TEST(pad_random)
{
    kt_rng r;
    kt_seed(&r, 7100);
    for (int t = 0; t < 200; t++) {
        int in_d[4], before[4], after[4], od[4];
        for (int d = 0; d < 4; d++) {
            in_d[d] = kt_int(&r, 1, d == 3 ? 17 : 5);
            before[d] = kt_int(&r, 0, 1) ? kt_int(&r, 0, 3) : 0;
            after[d] = kt_int(&r, 0, 1) ? kt_int(&r, 0, 3) : 0;
            od[d] = before[d] + in_d[d] + after[d];
        }
        const size_t n_in = count4(in_d), n = count4(od);
        float *in = kt_alloc(n_in), *got = kt_alloc(n);
        kt_fill(&r, in, n_in, 1, 2);   /* never 0, so padding is visible */
        KT->pad4(in_d, before, after, in, got);
        for (size_t k = 0; k < n; k++) {
            size_t rem = k, src = 0;
            int inside = 1;
            int c[4];
            for (int d = 3; d >= 0; d--) {
                c[d] = (int)(rem % (size_t)od[d]);
                rem /= (size_t)od[d];
            }
            for (int d = 0; d < 4; d++) {
                const int s = c[d] - before[d];
                if (s < 0 || s >= in_d[d])
                    inside = 0;
                src = src * (size_t)in_d[d] + (size_t)(inside ? s : 0);
            }
            const float want = inside ? in[src] : 0.0f;
            ck_assert_msg(memcmp(&got[k], &want, sizeof want) == 0,
                          "pad case %d element %zu: got %g want %g", t, k,
                          got[k], want);
        }
        free(in);
        free(got);
    }
}
END_TEST

START_TEST(pad_hand)
{
    /* [1,1,2,1] = {1,2}; one column before, one row after (dim 1), one
     * channel before -> [1,2,3,2]. */
    const int in_d[4] = { 1, 1, 2, 1 };
    const int before[4] = { 0, 0, 1, 1 };
    const int after[4] = { 0, 1, 0, 0 };
    const float in[2] = { 1, 2 };
    float out[12];
    KT->pad4(in_d, before, after, in, out);
    const float want[12] = { 0, 0, 0, 1, 0, 2, 0, 0, 0, 0, 0, 0 };
    for (int i = 0; i < 12; i++)
        ck_assert_float_eq(out[i], want[i]);
}
END_TEST

/* ---- MEAN ---- */

START_TEST(mean_random)
{
    kt_rng r;
    kt_seed(&r, 7200);
    for (int t = 0; t < 300; t++) {
        int in_d[4], red[4], od[4];
        for (int d = 0; d < 4; d++) {
            in_d[d] = kt_int(&r, 1, d == 3 ? 33 : 7);
            red[d] = kt_int(&r, 0, 1);
            od[d] = red[d] ? 1 : in_d[d];
        }
        if (t % 4 == 0) {   /* the common global-average-pool shape */
            red[0] = red[3] = 0;
            red[1] = red[2] = 1;
            od[0] = in_d[0];
            od[1] = od[2] = 1;
            od[3] = in_d[3];
        }
        const size_t n_in = count4(in_d), n = count4(od);
        float *in = kt_alloc(n_in), *got = kt_alloc(n);
        double *want = kt_alloc_d(n);
        kt_fill(&r, in, n_in, -4, 6);
        KT->mean4(in_d, red, in, got);
        /* For each output element, walk its reduced sub-box directly. */
        int lim[4];
        for (int d = 0; d < 4; d++)
            lim[d] = red[d] ? in_d[d] : 1;
        for (int o0 = 0; o0 < od[0]; o0++)
            for (int o1 = 0; o1 < od[1]; o1++)
                for (int o2 = 0; o2 < od[2]; o2++)
                    for (int o3 = 0; o3 < od[3]; o3++) {
                        double s = 0;
                        long cnt = 0;
                        for (int j0 = 0; j0 < lim[0]; j0++)
                            for (int j1 = 0; j1 < lim[1]; j1++)
                                for (int j2 = 0; j2 < lim[2]; j2++)
                                    for (int j3 = 0; j3 < lim[3]; j3++) {
                                        const size_t i =
                                            (((size_t)(o0 + j0) * in_d[1] +
                                              (size_t)(o1 + j1)) * in_d[2] +
                                             (size_t)(o2 + j2)) * in_d[3] +
                                            (size_t)(o3 + j3);
                                        s += in[i];
                                        cnt++;
                                    }
                        want[(((size_t)o0 * od[1] + o1) * od[2] + o2) * od[3] +
                             o3] = s / (double)cnt;
                    }
        const double err = kt_max_err(got, want, n);
        kt_err_note("mean4", err);
        ck_assert_msg(err <= KT_TOL,
                      "mean in [%d %d %d %d] reduce [%d %d %d %d]: err %g",
                      in_d[0], in_d[1], in_d[2], in_d[3], red[0], red[1],
                      red[2], red[3], err);
        free(in);
        free(got);
        free(want);
    }
}
END_TEST

START_TEST(mean_hand)
{
    /* [1,2,2,2] spatial mean per channel, and a full reduction. */
    const int in_d[4] = { 1, 2, 2, 2 };
    const float in[8] = { 1, 10, 2, 20, 3, 30, 4, 40 };
    const int spatial[4] = { 0, 1, 1, 0 };
    float out[2];
    KT->mean4(in_d, spatial, in, out);
    ck_assert_float_eq(out[0], 2.5f);
    ck_assert_float_eq(out[1], 25.0f);
    const int all[4] = { 1, 1, 1, 1 };
    KT->mean4(in_d, all, in, out);
    ck_assert_float_eq(out[0], 13.75f);
    /* Reducing only the channels. */
    const int chan[4] = { 0, 0, 0, 1 };
    float out4[4];
    KT->mean4(in_d, chan, in, out4);
    const float want[4] = { 5.5f, 11, 16.5f, 22 };
    for (int i = 0; i < 4; i++)
        ck_assert_float_eq(out4[i], want[i]);
}
END_TEST

/* ---- DEPTH_TO_SPACE ---- */

START_TEST(depth_to_space_random)
{
    kt_rng r;
    kt_seed(&r, 7300);
    for (int t = 0; t < 100; t++) {
        const int n = kt_int(&r, 1, 2), h = kt_int(&r, 1, 5),
                  w = kt_int(&r, 1, 5), bs = kt_int(&r, 1, 4),
                  c = kt_int(&r, 1, 5);
        const int in_c = c * bs * bs;
        const size_t total = (size_t)n * h * w * in_c;
        float *in = kt_alloc(total), *got = kt_alloc(total);
        float *want = kt_alloc(total);
        kt_fill(&r, in, total, -1, 1);
        KT->depth_to_space(n, h, w, in_c, bs, in, got);
        const int oh = h * bs, ow = w * bs;
        for (int b = 0; b < n; b++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    for (int ci = 0; ci < in_c; ci++) {
                        const int by = ci / c / bs, bx = ci / c % bs,
                                  co = ci % c;
                        want[(((size_t)b * oh + y * bs + by) * ow + x * bs +
                              bx) * c + co] =
                            in[(((size_t)b * h + y) * w + x) * in_c + ci];
                    }
        ck_assert_msg(memcmp(got, want, total * sizeof *got) == 0,
                      "depth_to_space n%d %dx%d c%d block %d", n, h, w, c, bs);
        free(in);
        free(got);
        free(want);
    }
}
END_TEST

START_TEST(depth_to_space_hand)
{
    /* 1x1x1x4, block 2 -> 2x2x1 in reading order. */
    const float in[4] = { 1, 2, 3, 4 };
    float out[16];
    KT->depth_to_space(1, 1, 1, 4, 2, in, out);
    for (int i = 0; i < 4; i++)
        ck_assert_float_eq(out[i], in[i]);
    /* 1x1x2x8, block 2, 2 output channels: DCR keeps channel pairs. */
    float in2[16];
    for (int i = 0; i < 16; i++)
        in2[i] = (float)i;
    KT->depth_to_space(1, 1, 2, 8, 2, in2, out);
    /* out [1][2][4][2]: row 0 = px0 groups 0,1 then px1 groups 0,1;
     * row 1 = px0 groups 2,3 then px1 groups 2,3. */
    const float want[16] = { 0, 1, 2, 3, 8, 9, 10, 11,
                             4, 5, 6, 7, 12, 13, 14, 15 };
    for (int i = 0; i < 16; i++)
        ck_assert_float_eq(out[i], want[i]);
}
END_TEST

static Suite *layout_suite(void)
{
    Suite *s = suite_create("kernels_layout");
    TCase *tc = tcase_create("layout");
    tcase_add_test(tc, concat_random);
    tcase_add_test(tc, concat_hand);
    tcase_add_test(tc, pad_random);
    tcase_add_test(tc, pad_hand);
    tcase_add_test(tc, mean_random);
    tcase_add_test(tc, mean_hand);
    tcase_add_test(tc, depth_to_space_random);
    tcase_add_test(tc, depth_to_space_hand);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return kt_run_suite(layout_suite());
}
