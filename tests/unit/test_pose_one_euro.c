/* test_pose_one_euro.c — the One Euro filter (track/one_euro.h) against
 * values computed by hand from its definition:
 *   alpha(f, c) = 1 / (1 + tau / te), tau = 1 / (2 pi c), te = 1 / f.
 * At 10 Hz (0.1 s apart): alpha(10, 1) = 1 / (1 + 0.159155 / 0.1) = 0.385870.
 *   - beta 0 (a plain low-pass at 1 Hz): 1 then 2 -> 0.385870 * 2 + 0.614130 * 1
 *     = 1.385870;
 *   - beta 0.5: the first call feeds speed 0 to the derivative low-pass (as
 *     MediaPipe: no previous raw value yet); the step 1 -> 2 is 10 /s,
 *     filtered 0.385870 * 10 = 3.858695, cutoff 1 + 0.5 * 3.858695 =
 *     2.929348, alpha(10, 2.929348) = 0.647957, out 1.647957; then 2 again:
 *     speed 0, filtered 0.614130 * 3.858695 = 2.369742, cutoff 2.184871,
 *     alpha 0.578556, out 0.578556 * 2 + 0.421444 * 1.647957 = 1.851634;
 *   - value_scale 0.1 scales the speed: filtered 0.385870, cutoff 1.192935
 *     -> 1.428422;
 *   - a timestamp that does not increase returns the raw value;
 *   - the visibility low-pass: a v + (1 - a) previous, the first passes. */
#include <check.h>
#include "track/one_euro.h"

START_TEST(lowpass_only)
{
    arv_one_euro f = arv_one_euro_make(30, 1, 0, 1);
    ck_assert_float_eq_tol(arv_one_euro_apply(&f, 0, 1, 1), 1.0f, 1e-6f);
    ck_assert_float_eq_tol(arv_one_euro_apply(&f, 100000, 1, 2), 1.385870f, 1e-5f);
}
END_TEST

START_TEST(speed_adaptive)
{
    arv_one_euro f = arv_one_euro_make(30, 1, 0.5f, 1);
    ck_assert_float_eq_tol(arv_one_euro_apply(&f, 0, 1, 1), 1.0f, 1e-6f);
    ck_assert_float_eq_tol(arv_one_euro_apply(&f, 100000, 1, 2), 1.647957f, 1e-5f);
    ck_assert_float_eq_tol(arv_one_euro_apply(&f, 200000, 1, 2), 1.851634f, 1e-5f);
    /* same or earlier timestamp: raw value back, state unchanged */
    ck_assert_float_eq_tol(arv_one_euro_apply(&f, 200000, 1, 7), 7.0f, 1e-6f);
    ck_assert_float_eq_tol(arv_one_euro_apply(&f, 100000, 1, 7), 7.0f, 1e-6f);
}
END_TEST

START_TEST(value_scale)
{
    arv_one_euro f = arv_one_euro_make(30, 1, 0.5f, 1);
    arv_one_euro_apply(&f, 0, 0.1f, 1);
    ck_assert_float_eq_tol(arv_one_euro_apply(&f, 100000, 0.1f, 2), 1.428422f, 1e-5f);
}
END_TEST

START_TEST(visibility_lowpass)
{
    arv_lowpass lp = {0, 0, 0};
    ck_assert_float_eq_tol(arv_lowpass_apply(&lp, 0.8f, 0.1f), 0.8f, 1e-6f);
    ck_assert_float_eq_tol(arv_lowpass_apply(&lp, 0.0f, 0.1f), 0.72f, 1e-6f);
    ck_assert_float_eq_tol(arv_lowpass_apply(&lp, 1.0f, 0.1f), 0.748f, 1e-6f);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pose_one_euro");
    TCase *tc = tcase_create("one_euro");
    tcase_add_test(tc, lowpass_only);
    tcase_add_test(tc, speed_adaptive);
    tcase_add_test(tc, value_scale);
    tcase_add_test(tc, visibility_lowpass);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int nf = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nf ? 1 : 0;
}
