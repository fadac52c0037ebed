/* test_stats.c — src/util/stats: medians, type-7 percentiles (NumPy's
 * default), population standard deviation, run-order first/last. Expected
 * values worked out by hand (and agree with numpy.percentile / numpy.std). */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "util/stats.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

START_TEST(median_odd_even)
{
    double odd[] = {3, 1, 2}, even[] = {4, 1, 3, 2}, s[4];
    arv_stats st;
    ck_assert_int_eq(arv_stats_summarize(odd, N_OF(odd), s, &st), 0);
    ck_assert_double_eq(st.median, 2.0);
    ck_assert_int_eq(arv_stats_summarize(even, N_OF(even), s, &st), 0);
    ck_assert_double_eq(st.median, 2.5);   /* mean of the two middle values */
}
END_TEST

START_TEST(percentiles_type7)
{
    /* 1..10: p90 at h = 8.1 -> 9.1; p99 at h = 8.91 -> 9.91 (numpy.percentile) */
    double x[10], s[10];
    for (int i = 0; i < 10; i++)
        x[i] = 10 - i;   /* given in descending order: must sort */
    arv_stats st;
    ck_assert_int_eq(arv_stats_summarize(x, 10, s, &st), 0);
    ck_assert_double_eq_tol(st.p90, 9.1, 1e-12);
    ck_assert_double_eq_tol(st.p99, 9.91, 1e-12);
    ck_assert_double_eq_tol(st.median, 5.5, 1e-12);
    ck_assert_double_eq(st.min, 1.0);
    ck_assert_double_eq(st.max, 10.0);
    /* run order kept for first/last; the samples are not modified */
    ck_assert_double_eq(st.first, 10.0);
    ck_assert_double_eq(st.last, 1.0);
    ck_assert_double_eq(x[0], 10.0);
    ck_assert_uint_eq(st.count, 10);

    double sorted[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    ck_assert_double_eq(arv_stats_percentile_sorted(sorted, 10, 0.0), 1.0);
    ck_assert_double_eq(arv_stats_percentile_sorted(sorted, 10, 1.0), 10.0);
    ck_assert_double_eq(arv_stats_percentile_sorted(sorted, 10, -3.0), 1.0);   /* clamped */
    ck_assert_double_eq(arv_stats_percentile_sorted(sorted, 10, 7.0), 10.0);
    ck_assert_double_eq(arv_stats_percentile_sorted(sorted, 10, NAN), 1.0);
    ck_assert_double_eq_tol(arv_stats_percentile_sorted(sorted, 10, 0.25), 3.25, 1e-12);
    ck_assert_double_eq(arv_stats_percentile_sorted(sorted, 0, 0.5), 0.0);
}
END_TEST

START_TEST(mean_and_std)
{
    double x[] = {2, 4, 4, 4, 5, 5, 7, 9};
    ck_assert_double_eq_tol(arv_stats_mean(x, N_OF(x)), 5.0, 1e-12);
    ck_assert_double_eq_tol(arv_stats_std(x, N_OF(x)), 2.0, 1e-12);   /* population */
    ck_assert_double_eq(arv_stats_mean(x, 0), 0.0);
    ck_assert_double_eq(arv_stats_std(x, 1), 0.0);
    /* two-pass: no cancellation on a large offset */
    double y[] = {1e9, 1e9 + 1, 1e9 + 2};
    ck_assert_double_eq_tol(arv_stats_std(y, 3), sqrt(2.0 / 3.0), 1e-9);
}
END_TEST

START_TEST(one_and_none)
{
    double x[] = {7.25}, s[1];
    arv_stats st;
    ck_assert_int_eq(arv_stats_summarize(x, 1, s, &st), 0);
    ck_assert_double_eq(st.first, 7.25);
    ck_assert_double_eq(st.last, 7.25);
    ck_assert_double_eq(st.min, 7.25);
    ck_assert_double_eq(st.max, 7.25);
    ck_assert_double_eq(st.median, 7.25);
    ck_assert_double_eq(st.p99, 7.25);
    ck_assert_double_eq(st.std, 0.0);
    ck_assert_int_eq(arv_stats_summarize(x, 0, s, &st), -1);
    ck_assert_uint_eq(st.count, 0);
}
END_TEST

START_TEST(random_against_naive)
{
    /* percentiles of seeded random samples vs a selection-by-counting oracle
     * at the exact ranks (p = k/(n-1) hits sample k of the sorted order) */
    enum { N = 257 };
    double x[N], s[N], sorted[N];
    unsigned v = 12345u;
    for (int i = 0; i < N; i++) {
        v = v * 1103515245u + 12345u;
        x[i] = (double)(v >> 8) / 65536.0;
    }
    memcpy(sorted, x, sizeof x);
    arv_stats_sort(sorted, N);
    for (int i = 1; i < N; i++)
        ck_assert(sorted[i - 1] <= sorted[i]);
    for (int k = 0; k < N; k += 16) {
        /* oracle: the value with exactly k smaller elements (values are distinct here) */
        double want = 0;
        for (int i = 0; i < N; i++) {
            int below = 0;
            for (int j = 0; j < N; j++)
                below += x[j] < x[i];
            if (below == k)
                want = x[i];
        }
        ck_assert_double_eq_tol(arv_stats_percentile_sorted(sorted, N, (double)k / (N - 1)), want, 1e-9);
    }
    arv_stats st;
    ck_assert_int_eq(arv_stats_summarize(x, N, s, &st), 0);
    ck_assert_double_eq(st.median, sorted[N / 2]);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("stats");
    TCase *tc = tcase_create("stats");
    tcase_add_test(tc, median_odd_even);
    tcase_add_test(tc, percentiles_type7);
    tcase_add_test(tc, mean_and_std);
    tcase_add_test(tc, one_and_none);
    tcase_add_test(tc, random_against_naive);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
