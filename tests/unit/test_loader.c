/* test_loader.c — the loader on the real models of models/ (`make models`):
 * each opens; its MAC count is the one tflite_inspect.py gives (research
 * notes, models.md §3b); every DEQUANTIZE and DENSIFY is folded at load; the
 * planned arena is non-empty and no larger than all activations side by
 * side; and each model cut short at random offsets is rejected with a clean
 * one-line error, from a buffer and from a file.
 *
 * Without models/ every test prints a note and passes: the models are
 * fetched, not committed. `make test` in CI has them. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "arv.h"
#include "model/tflite_model.h"
#include "support/testutil.h"

static const struct {
    const char *name;
    uint64_t macs;
} MODELS[] = {
    {"selfie_segmentation", 59215744},
    {"selfie_segmentation_landscape", 33324928},
    {"pose_detection", 429859360},
    {"pose_landmark_lite", 197822208},
    {"pose_landmark_full", 386148736},
    {"pose_landmark_heavy", 1927318656},
    {"palm_detection_lite", 283170816},
    {"palm_detection_full", 337333248},
    {"hand_landmark_lite", 145605824},
    {"hand_landmark_full", 330968800},
    {"object_detection_ssd_mobilenetv2_oidv4_fp16", 672993008},
};
#define N_MODELS ((int)(sizeof MODELS / sizeof MODELS[0]))
#define N_CUTS 10

static void model_path(int i, char *path, size_t len)
{
    snprintf(path, len, "%s/models/%s.tflite", tu_srcdir(), MODELS[i].name);
}

/* 1 if model i is present; otherwise says why it is skipped (once for a
 * missing models/ directory) and 0. */
static int have_model(int i)
{
    static int said_no_dir;
    char path[4096];
    model_path(i, path, sizeof path);
    if (access(path, R_OK) == 0)
        return 1;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/models", tu_srcdir());
    if (access(dir, F_OK) != 0) {
        if (!said_no_dir++)
            printf("test_loader: SKIP: %s does not exist (run `make models`)\n", dir);
        return 0;
    }
    printf("test_loader: SKIP %s: %s is missing (run `make models`)\n", MODELS[i].name, path);
    return 0;
}

/* The whole file; a test that cannot read a model it found is broken. */
static uint8_t *slurp(const char *path, size_t *len)
{
    uint8_t *buf = (uint8_t *)tu_slurp(path, len);
    ck_assert_msg(buf != NULL && *len > 0, "cannot read %s", path);
    return buf;
}

static void assert_clean_error(const char *what, arv_status s, const char *err)
{
    ck_assert_msg(s != ARV_OK, "%s: accepted", what);
    ck_assert_msg(err[0] != '\0', "%s: %s without a message", what, arv_status_name(s));
    ck_assert_msg(strchr(err, '\n') == NULL, "%s: message has several lines: %s", what, err);
}

START_TEST(opens)
{
    if (!have_model(_i))
        return;
    char path[4096], err[ARV_ERR_LEN] = "";
    model_path(_i, path, sizeof path);
    arv_model *m;
    arv_status s = arv_model_open(path, NULL, &m, err);
    ck_assert_msg(s == ARV_OK, "%s: %s: %s", path, arv_status_name(s), err);

    ck_assert_msg(arv_model_macs(m) == MODELS[_i].macs, "%s: %llu MACs, want %llu",
                  MODELS[_i].name, (unsigned long long)arv_model_macs(m),
                  (unsigned long long)MODELS[_i].macs);

    int constant_ops = 0;
    for (int k = 0; k < arv_model_num_ops(m); k++) {
        const arv_op_info *oi = arv_model_op(m, k);
        if (strcmp(oi->op_name, "DEQUANTIZE") == 0 || strcmp(oi->op_name, "DENSIFY") == 0) {
            ck_assert_msg(oi->folded == 1, "%s: op %d (%s -> '%s') not folded at load",
                          MODELS[_i].name, k, oi->op_name, oi->output_name);
            constant_ops++;
        }
    }
    /* All eleven store their weights as float16 behind DEQUANTIZE. */
    ck_assert_msg(constant_ops > 0, "%s: no DEQUANTIZE", MODELS[_i].name);

    /* Activations: every tensor that is not a constant (folded outputs
     * are constants now). Laid end to end they bound any sane plan. */
    size_t act = 0;
    for (int t = 0; t < m->g.n_tensors; t++)
        if (!m->g.tensors[t].const_data)
            act += m->g.tensors[t].t.bytes;
    size_t arena = 0;
    ck_assert(arv_model_plan_arena(m, &arena) == ARV_OK);
    ck_assert_msg(arena > 0 && arena <= act, "%s: arena %zu bytes, activations %zu",
                  MODELS[_i].name, arena, act);

    /* The interpreter plans the same arena. */
    arv_options opt = {.num_threads = 1};
    arv_interp *it;
    s = arv_interp_new(m, &opt, &it, err);
    ck_assert_msg(s == ARV_OK, "%s: interpreter: %s", MODELS[_i].name, err);
    ck_assert_uint_eq(arv_interp_arena_bytes(it), arena);
    arv_interp_free(it);
    arv_model_close(m);
}
END_TEST

/* A small deterministic generator (xorshift64), so failures reproduce. */
static uint64_t next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

START_TEST(truncated_buffer)
{
    if (!have_model(_i))
        return;
    char path[4096], what[4200];
    model_path(_i, path, sizeof path);
    size_t len;
    uint8_t *whole = slurp(path, &len);
    uint64_t seed = 0x9e3779b97f4a7c15ull ^ (uint64_t)(_i + 1);
    for (int c = 0; c < N_CUTS; c++) {
        size_t cut = (size_t)(next(&seed) % len);
        /* A buffer of exactly the cut length: reading past it is an ASan
         * error, not a silent look at the rest of the model. */
        uint8_t *part = malloc(cut ? cut : 1);
        ck_assert(part != NULL);
        memcpy(part, whole, cut);
        char err[ARV_ERR_LEN] = "";
        arv_model *m;
        arv_status s = arv_model_open_buffer(part, cut, NULL, &m, err);
        snprintf(what, sizeof what, "%s cut at %zu of %zu", MODELS[_i].name, cut, len);
        if (s == ARV_OK)
            arv_model_close(m);
        assert_clean_error(what, s, err);
        ck_assert_msg(m == NULL, "%s: failure left a model", what);
        free(part);
    }
    free(whole);
}
END_TEST

/* The file path maps the file instead of reading a buffer; cut files must
 * fail there as cleanly, including those too short to hold a header. */
START_TEST(truncated_file)
{
    if (!have_model(0))
        return;
    char path[4096];
    model_path(0, path, sizeof path);
    size_t len;
    uint8_t *whole = slurp(path, &len);
    const size_t cuts[] = {0, 7, 8, 4096, len / 2, len - 1};
    for (size_t c = 0; c < sizeof cuts / sizeof cuts[0]; c++) {
        char tmp[512];
        tu_tmp_template(tmp, sizeof tmp, "arv-test-loader-");
        int fd = mkstemp(tmp);
        ck_assert_msg(fd >= 0, "mkstemp failed");
        ck_assert(write(fd, whole, cuts[c]) == (ssize_t)cuts[c]);
        close(fd);
        char err[ARV_ERR_LEN] = "", what[64];
        arv_model *m;
        arv_status s = arv_model_open(tmp, NULL, &m, err);
        unlink(tmp);
        snprintf(what, sizeof what, "file cut at %zu", cuts[c]);
        if (s == ARV_OK)
            arv_model_close(m);
        assert_clean_error(what, s, err);
        ck_assert_msg(cuts[c] >= 8 || strstr(err, "too small"), "%s: %s", what, err);
    }
    free(whole);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("loader");
    TCase *tc = tcase_create("real_models");
    tcase_set_timeout(tc, 600);
    tcase_add_loop_test(tc, opens, 0, N_MODELS);
    tcase_add_loop_test(tc, truncated_buffer, 0, N_MODELS);
    tcase_add_test(tc, truncated_file);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
