/* arv_fp16_to_f32: every one of the 65536 bit patterns against a decoder
 * written from the binary16 definition with ldexp, plus named values. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/kernels.h"
#include "support/ktest.h"

static double naive_half(uint16_t h)
{
    const int sign = h >> 15, e = (h >> 10) & 31, m = h & 1023;
    double v;
    if (e == 31)
        v = m ? NAN : INFINITY;
    else if (e == 0)
        v = ldexp(m, -24);
    else
        v = ldexp(1024 + m, e - 25);
    return sign ? -v : v;
}

START_TEST(fp16_exhaustive)
{
    for (uint32_t i = 0; i < 65536; i++) {
        const uint16_t h = (uint16_t)i;
        const float got = arv_fp16_to_f32(h);
        const double want = naive_half(h);
        if (isnan(want)) {
            ck_assert_msg(isnan(got), "0x%04x should be NaN", i);
        } else {
            ck_assert_msg((double)got == want, "0x%04x: got %a want %a", i,
                          (double)got, want);
        }
        /* Also the sign of zeros and NaNs. */
        ck_assert_msg(!signbit(got) == !(h & 0x8000), "0x%04x sign", i);
    }
}
END_TEST

START_TEST(fp16_named)
{
    ck_assert(arv_fp16_to_f32(0x3c00) == 1.0f);
    ck_assert(arv_fp16_to_f32(0xc000) == -2.0f);
    ck_assert(arv_fp16_to_f32(0x7bff) == 65504.0f);
    ck_assert(arv_fp16_to_f32(0x0001) == 0x1p-24f);
    ck_assert(arv_fp16_to_f32(0x03ff) == 0x3ffp-24f);      /* largest subnormal */
    ck_assert(arv_fp16_to_f32(0x0400) == 0x1p-14f);        /* smallest normal */
    ck_assert(arv_fp16_to_f32(0x3555) == 0x1.554p-2f);     /* ~1/3 */
    ck_assert(arv_fp16_to_f32(0x7c00) == INFINITY);
    ck_assert(arv_fp16_to_f32(0xfc00) == -INFINITY);
    ck_assert(isnan(arv_fp16_to_f32(0x7e00)));
    ck_assert(isnan(arv_fp16_to_f32(0x7c01)));             /* signalling */
    ck_assert(isnan(arv_fp16_to_f32(0xfe00)));
    const float nz = arv_fp16_to_f32(0x8000);
    ck_assert(nz == 0.0f && signbit(nz));
    const float pz = arv_fp16_to_f32(0x0000);
    ck_assert(pz == 0.0f && !signbit(pz));
}
END_TEST

static Suite *fp16_suite(void)
{
    Suite *s = suite_create("kernels_fp16");
    TCase *tc = tcase_create("fp16");
    tcase_add_test(tc, fp16_exhaustive);
    tcase_add_test(tc, fp16_named);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return kt_run_suite(fp16_suite());
}
