/* test_int16_models.c — models with int16 activations ("16x8": int16
 * activations, int8 weights, int64 bias) run by arv against TensorFlow Lite.
 *
 * testdata/int16/<case>.tflite are tiny one-op (or few-op) models written by
 * scripts/make-int16-cases; <case>.out is the raw output 0 TFLite's
 * WebAssembly build gave on the seeded inputs (scripts/make-golden
 * --int16-cases; seed and range as in scripts/golden/int16_cases.mjs).
 * Criterion: byte for byte equal, on every kernel set this machine runs,
 * with 1 and 2 threads. bad_<case>.tflite must fail at load, naming the op.
 * Plus the int16 kernels on random data where TFLite cannot serve as the
 * oracle (int8 -> int16 QUANTIZE, which its build refuses). */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "arv.h"
#include "kernels/kernels_int8.h"
#include "runtime/cpu.h"
#include "util/xorshift.h"
#include "support/testutil.h"

#define SEED 7
#define LO -6.0f
#define HI 6.0f

/* Output 0 of one run, malloc'ed; NULL (and a message) on failure. */
static void *run_case(const char *path, const char *isa, int threads, size_t *len, char *msg)
{
    char err[ARV_ERR_LEN] = "";
    arv_model *m = NULL;
    arv_interp *it = NULL;
    void *res = NULL;
    if (arv_model_open(path, NULL, &m, err) != ARV_OK) {
        snprintf(msg, 512, "%s: %s", path, err);
        return NULL;
    }
    arv_options opt = {.num_threads = threads, .isa = isa};
    if (arv_interp_new(m, &opt, &it, err) != ARV_OK) {
        snprintf(msg, 512, "%s (%s): %s", path, isa, err);
        arv_model_close(m);
        return NULL;
    }
    uint32_t x = arv_xorshift_init(SEED);
    for (int i = 0; i < arv_interp_num_inputs(it); i++) {
        arv_tensor *t = arv_interp_input(it, i);
        ck_assert_int_eq(t->type, ARV_FLOAT32);
        arv_xorshift_fill(&x, LO, HI, t->data, arv_tensor_elems(t));
    }
    if (arv_interp_invoke(it) != ARV_OK) {
        snprintf(msg, 512, "%s: invoke: %s", path, arv_interp_error(it));
    } else {
        const arv_tensor *o = arv_interp_output(it, 0);
        *len = arv_tensor_elems(o) * arv_dtype_size(o->type);
        res = malloc(*len ? *len : 1);
        memcpy(res, o->data, *len);
    }
    arv_interp_free(it);
    arv_model_close(m);
    return res;
}

static int has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), k = strlen(suf);
    return n >= k && !strcmp(s + n - k, suf);
}

START_TEST(test_int16_cases_match_tflite)
{
    char dir[4096], path[8192], gpath[8192], msg[512];
    snprintf(dir, sizeof dir, "%s/testdata/int16", tu_srcdir());
    const char *isas[8];
    const int n_isas = arv_kernels_available(isas, 8);
    DIR *d = opendir(dir);
    ck_assert_msg(d != NULL, "no %s", dir);
    struct dirent *e;
    int n_cases = 0, failures = 0;
    while ((e = readdir(d))) {
        if (!has_suffix(e->d_name, ".tflite") || !strncmp(e->d_name, "bad_", 4))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        snprintf(gpath, sizeof gpath, "%.*s.out", (int)(strlen(path) - 7), path);
        size_t glen = 0;
        char *golden = tu_slurp(gpath, &glen);
        ck_assert_msg(golden != NULL, "%s: no golden %s (scripts/make-golden --int16-cases)",
                      e->d_name, gpath);
        n_cases++;
        for (int k = 0; k < n_isas; k++)
            for (int threads = 1; threads <= 2; threads++) {
                size_t len = 0;
                msg[0] = 0;
                unsigned char *out = run_case(path, isas[k], threads, &len, msg);
                ck_assert_msg(out != NULL, "%s", msg);
                size_t diff = 0;
                if (len == glen)
                    for (size_t i = 0; i < len; i++)
                        diff += out[i] != (unsigned char)golden[i];
                if (len != glen || diff) {
                    printf("int16 %s %s %dt: %zu of %zu bytes differ (%zu golden)\n", e->d_name,
                           isas[k], threads, diff, len, glen);
                    failures++;
                }
                free(out);
            }
        free(golden);
    }
    closedir(d);
    printf("int16 cases: %d models x %d ISAs x 1,2 threads, %d failures\n", n_cases, n_isas,
           failures);
    ck_assert_int_ge(n_cases, 10);
    ck_assert_int_eq(failures, 0);
}
END_TEST

START_TEST(test_int16_unsupported_fails_at_load)
{
    const struct { const char *file, *op, *why; } bad[] = {
        {"bad_conv_int32_bias.tflite", "CONV_2D", "int64 bias"},
        {"bad_add_pot_scale.tflite", "ADD", "pot_scale_int16"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char path[4096], err[ARV_ERR_LEN] = "";
        snprintf(path, sizeof path, "%s/testdata/int16/%s", tu_srcdir(), bad[i].file);
        arv_model *m = NULL;
        arv_status s = arv_model_open(path, NULL, &m, err);
        if (s == ARV_OK) {
            arv_interp *it = NULL;
            s = arv_interp_new(m, NULL, &it, err);
            arv_interp_free(it);
            arv_model_close(m);
        }
        ck_assert_int_eq(s, ARV_ERR_UNSUPPORTED);
        ck_assert_msg(strstr(err, bad[i].op) && strstr(err, bad[i].why), "%s", err);
        printf("int16 load error: %s\n", err);
    }
}
END_TEST

/* TFLite's 64-bit MultiplyByQuantizedMultiplier, written out once more in
 * the form of its comment: x * round(q / 2^16) / 2^(15 - shift), rounded
 * half up. */
static int32_t mbqm64_ref(int64_t x, int32_t q, int shift)
{
    int64_t r = q >= 0x7FFF0000 ? 0x7FFF : (q + 32768) / 65536;
    const int total = 15 - shift;
    const int64_t p = x * r, half = (int64_t)1 << (total - 1);
    /* floor((p + half) / 2^total) without relying on >> of negatives */
    const int64_t num = p + half, den = (int64_t)1 << total;
    return (int32_t)(num >= 0 ? num / den : -((-num + den - 1) / den));
}

START_TEST(test_int16_mul_by_mult64)
{
    uint32_t x = arv_xorshift_init(99);
    for (int i = 0; i < 200000; i++) {
        x ^= x << 13; x ^= x >> 17; x ^= x << 5;
        const int32_t q = (int32_t)(0x40000000u | (x >> 2));
        x ^= x << 13; x ^= x >> 17; x ^= x << 5;
        const int shift = -(int)(x % 20) - 8;   /* results within int32, as TFLite assumes */
        x ^= x << 13; x ^= x >> 17; x ^= x << 5;
        const int64_t acc = (int64_t)(int32_t)x * (int64_t)(x % 4096 + 1) / 64;
        ck_assert_int_eq(arv_q16_mul_by_mult64(acc, q, shift), mbqm64_ref(acc, q, shift));
    }
    /* the saturated multiplier TFLite keeps at 0x7FFF */
    ck_assert_int_eq(arv_q16_mul_by_mult64(1 << 20, 0x7FFFFFFF, 0), 0x7FFF << 5);
}
END_TEST

/* int8 -> int16 requantization (QUANTIZE of an int8 tensor into an int16
 * region): the rounding of TFLite's Requantize, checked against the exact
 * rational value in double (the multiplier's own error is below 2^-30). */
START_TEST(test_int16_requantize_int8_to_int16)
{
    const float in_scale = 0.05f, out_scale = 1.0f / 5000.0f;
    int32_t mult;
    int shift;
    arv_q_quantize_mult((double)in_scale / (double)out_scale, &mult, &shift);
    int8_t in[256];
    int16_t out[256];
    for (int v = -128; v < 128; v++)
        in[v + 128] = (int8_t)v;
    arv_q16_requantize(256, in, 8, -5, mult, shift, 0, 16, out);
    for (int v = -128; v < 128; v++) {
        double want = (v + 5) * ((double)in_scale / (double)out_scale);
        want = want < -32768 ? -32768 : want > 32767 ? 32767 : want;
        ck_assert_msg(out[v + 128] >= (int)want - 1 && out[v + 128] <= (int)want + 1,
                      "%d -> %d, want ~%g", v, out[v + 128], want);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("int16_models");
    TCase *tc = tcase_create("tflite");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_int16_cases_match_tflite);
    tcase_add_test(tc, test_int16_unsupported_fails_at_load);
    tcase_add_test(tc, test_int16_mul_by_mult64);
    tcase_add_test(tc, test_int16_requantize_int8_to_int16);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
