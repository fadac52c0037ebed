/* test_model_corpus.c — replay every file of tests/fuzz/corpus/model/ through
 * the fuzz target's own body (tests/support/fuzz_model_body.c), so a crash
 * the fuzzer once found stays found: `make test-san` runs this under ASan and
 * UBSan. Verdicts by file name (scripts/make-fuzz-corpus writes the files):
 *
 *   ok_*   load, get an interpreter and (when cheap) run, under both limits;
 *   bad_*  are rejected by arv_model_open_buffer under both limits, with the
 *          status and message words the rules below give for that file;
 *   any_*  may go either way.
 *
 * Every failure must keep the contract of arv.h: a non-empty one-line
 * message. The corpus is found under $ARV_SRCDIR (default: the current
 * directory, which `make test` sets to the repository root). */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "arv.h"
#include "support/fuzz_model_body.h"
#include "support/testutil.h"

#define CORPUS "tests/fuzz/corpus/model"
#define ANY_STATUS (-1)

/* What a bad_* file must produce: the status (or ANY_STATUS) and words of
 * which the message must hold at least one. The longest matching prefix
 * decides, so a file can have its own rule ahead of its category's. */
typedef struct rule {
    const char *prefix;
    int status;
    const char *words[6];
} rule;

static const rule RULES[] = {
    /* categories */
    {"bad_truncated_", ARV_ERR_FORMAT, {"too small", "out of bounds"}},
    {"bad_bitflip_", ARV_ERR_FORMAT, {"out of bounds"}},
    {"bad_huge_dim_", ARV_ERR_LIMIT, {"too large (limit 16777216 bytes)"}},
    {"bad_huge_rank_", ARV_ERR_UNSUPPORTED, {"rank 7 (max 6)"}},
    {"bad_negative_dim_", ARV_ERR_UNSUPPORTED, {"dynamic or negative dimension -"}},
    {"bad_wrong_type_", ARV_ERR_UNSUPPORTED, {"only float32 is supported", "not supported"}},
    {"bad_cyclic_", ARV_ERR_FORMAT, {"before any operator writes it (cycle or wrong order)"}},
    {"bad_order_", ARV_ERR_FORMAT, {"which is already a constant, an input or another",
                                    "is never written"}},
    {"bad_tensor_index_", ARV_ERR_FORMAT, {"refers to tensor", "no such tensor"}},
    {"bad_opcode_index_", ARV_ERR_FORMAT, {"out of range ("}},
    {"bad_unknown_builtin_", ARV_ERR_UNSUPPORTED, {"is not supported"}},
    {"bad_op_version_", ARV_ERR_UNSUPPORTED, {"is not supported (max "}},
    {"bad_custom_op_", ARV_ERR_UNSUPPORTED, {"custom op '"}},
    {"bad_sparsity_", ANY_STATUS, {"sparse", "sparsity", "traversal order", "dense_size",
                                   "dimension format"}},
    {"bad_buffer_", ARV_ERR_FORMAT, {"buffer holds", "beyond the file"}},
    {"bad_not_flatbuffer_", ARV_ERR_FORMAT, {"out of bounds", "no TFL3 identifier",
                                             "too small"}},
    /* single files, where the category says too little */
    {"bad_bitflip_file_identifier", ARV_ERR_FORMAT, {"no TFL3 identifier"}},
    {"bad_truncated_conv2d_at_0.", ARV_ERR_FORMAT, {"file too small to be a model (0 bytes)"}},
    {"bad_truncated_conv2d_at_4.", ARV_ERR_FORMAT, {"file too small to be a model (4 bytes)"}},
    {"bad_truncated_conv2d_at_7.", ARV_ERR_FORMAT, {"file too small to be a model (7 bytes)"}},
    {"bad_not_flatbuffer_empty", ARV_ERR_FORMAT, {"too small"}},
    {"bad_not_flatbuffer_png", ARV_ERR_FORMAT, {"no TFL3 identifier"}},
    {"bad_not_flatbuffer_text", ARV_ERR_FORMAT, {"no TFL3 identifier"}},
    {"bad_not_flatbuffer_tfl3_", ARV_ERR_FORMAT, {"root table out of bounds"}},
    {"bad_wrong_type_conv_filter_int32", ARV_ERR_UNSUPPORTED, {"filter 'filter' is INT32"}},
    {"bad_wrong_type_conv_input_string", ARV_ERR_UNSUPPORTED, {"type STRING not supported"}},
    {"bad_wrong_type_conv_input_type_200", ARV_ERR_UNSUPPORTED, {"type UNKNOWN not supported"}},
    {"bad_wrong_type_conv_output_int8", ARV_ERR_UNSUPPORTED, {"output 'output' is INT8"}},
    {"bad_wrong_type_densify_output_differs", ARV_ERR_FORMAT, {"output type differs"}},
    {"bad_tensor_index_required_input_absent", ARV_ERR_FORMAT, {"required input 1 is absent"}},
    {"bad_tensor_index_buffer_out_of_range", ARV_ERR_FORMAT, {"buffer index 77 out of range"}},
    {"bad_unknown_builtin_SOFTMAX", ARV_ERR_UNSUPPORTED, {"SOFTMAX (builtin code 25)"}},
    {"bad_unknown_builtin_BATCH_MATMUL", ARV_ERR_UNSUPPORTED, {"BATCH_MATMUL (builtin code 126)"}},
    {"bad_unknown_builtin_code_9999", ARV_ERR_UNSUPPORTED, {"(builtin code 9999)"}},
    {"bad_unknown_builtin_code_minus5", ARV_ERR_UNSUPPORTED, {"(builtin code -5)"}},
    {"bad_op_version_conv_v99", ARV_ERR_UNSUPPORTED, {"CONV_2D version 99 is not supported"}},
    {"bad_custom_op_MyCustomOp", ARV_ERR_UNSUPPORTED, {"custom op 'MyCustomOp' is not supported"}},
    {"bad_custom_op_newline_in_name", ARV_ERR_UNSUPPORTED, {"custom op 'Bad?Name?[31m'"}},
    {"bad_custom_op_unnamed", ARV_ERR_UNSUPPORTED, {"custom op '(unnamed)'"}},
    {"bad_custom_op_tconv_bias_short_options", ARV_ERR_FORMAT, {"custom options are 4 bytes"}},
    {"bad_custom_op_tconv_bias_bad_padding", ARV_ERR_FORMAT, {"unknown padding 7"}},
    {"bad_sparsity_segment", ARV_ERR_FORMAT, {"segments not monotonic or out of range",
                                              "sparse indices or values out of range"}},
    {"bad_sparsity_block_map", ARV_ERR_FORMAT, {"block-sparse tensors are not supported"}},
    {"bad_sparsity_read_without_densify", ARV_ERR_UNSUPPORTED, {"only DENSIFY can read it"}},
    {"bad_sparsity_float32_read_without_densify", ARV_ERR_UNSUPPORTED, {"only DENSIFY can read it"}},
    {"bad_sparsity_dequantize_without_densify", ARV_ERR_UNSUPPORTED, {"only DENSIFY can read it"}},
    {"bad_sparsity_model_output", ARV_ERR_UNSUPPORTED, {"model output 1 'w_sparse' is sparse"}},
    {"bad_buffer_size_filter_short_by_1", ARV_ERR_FORMAT, {"buffer holds 215 bytes, shape needs 216"}},
    {"bad_shape_add_", ARV_ERR_SHAPE, {"shapes do not broadcast"}},
    {"bad_shape_all_ops_concat_axis", ARV_ERR_UNSUPPORTED, {"axis -7 invalid for rank 4"}},
    {"bad_shape_all_ops_depth_to_space_block_3", ARV_ERR_UNSUPPORTED, {"block 3 does not divide"}},
    {"bad_shape_all_ops_mean_output", ARV_ERR_SHAPE, {"has shape [1,1,1,2], the op gives [1,2]"}},
    {"bad_shape_concat_axis_sum_overflow", ARV_ERR_LIMIT, {"too large"}},
    {"bad_shape_conv_activation_sign_bit", ARV_ERR_UNSUPPORTED, {"act SIGN_BIT"}},
    {"bad_shape_conv_bias_size", ARV_ERR_SHAPE, {"bias has 4 elements, filter has 3 outputs"}},
    {"bad_shape_conv_dilation_overflow", ARV_ERR_SHAPE, {"the op gives [1,-1,-1,3]"}},
    {"bad_shape_conv_four_inputs", ARV_ERR_FORMAT, {"4 inputs and 1 outputs (expected 2..3 and 1)"}},
    {"bad_shape_conv_no_output", ARV_ERR_FORMAT, {"never written"}},
    {"bad_shape_conv_output", ARV_ERR_SHAPE, {"has shape [1,5,5,4], the op gives [1,5,5,3]"}},
    {"bad_shape_conv_stride_0", ARV_ERR_UNSUPPORTED, {"unsupported shapes or options"}},
    {"bad_shape_conv_stride_int_max", ARV_ERR_SHAPE, {"the op gives [1,1,1,3]"}},
    {"bad_shape_conv_stride_and_dilation_huge_same", ARV_ERR_SHAPE, {"the op gives [1,-1,-1,3]"}},
    {"bad_shape_conv_dilation_int_max_same", ARV_ERR_SHAPE, {"the op gives [1,-1,-1,1]"}},
    {"bad_shape_depthwise_dilation_int_max_same", ARV_ERR_SHAPE, {"the op gives [1,-1,-1,1]"}},
    {"bad_shape_pool_filter_int_max_same", ARV_ERR_SHAPE, {"the op gives [1,-1,-1,1]"}},
    {"bad_shape_tconv_stride_huge", ARV_ERR_SHAPE,
     {"output_shape 8x8 does not match input 4x4 at stride 1073741824x1073741824"}},
    {"bad_shape_tconv_output_shape_mismatch", ARV_ERR_SHAPE,
     {"output_shape 8x8 does not match input 4x4 at stride 2x2"}},
    {"bad_shape_fc_keep_dims_scalar", ARV_ERR_UNSUPPORTED, {"(FULLY_CONNECTED): unsupported"}},
    {"bad_shape_fc_bias_size", ARV_ERR_SHAPE, {"bias does not match 3 outputs"}},
    {"bad_shape_fc_keep_dims_last_dim", ARV_ERR_UNSUPPORTED, {"(FULLY_CONNECTED): unsupported"}},
    /* found by the fuzzer */
    {"bad_fuzz_fc_keep_dims_last_dim_mismatch", ARV_ERR_UNSUPPORTED,
     {"(FULLY_CONNECTED): unsupported"}},
    {"bad_shape_pad_dim_overflow", ARV_ERR_LIMIT, {"too large"}},
    {"bad_shape_tconv_bias_output_overflow", ARV_ERR_SHAPE, {"output size out of range"}},
    {"bad_model_schema_version_2", ARV_ERR_UNSUPPORTED, {"schema version 2 (expected 3)"}},
    {"bad_model_two_subgraphs", ARV_ERR_UNSUPPORTED, {"model has 2 subgraphs"}},
    {"bad_model_input_is_constant", ARV_ERR_FORMAT, {"model input 1 'filter' has constant data"}},
    {"bad_model_no_subgraphs", ARV_ERR_FORMAT, {"model has no subgraph"}},
};
#define N_RULES ((int)(sizeof RULES / sizeof RULES[0]))

/* Each category the corpus promises, with how many files it must hold at
 * least (so that regenerating it with a broken script cannot empty one). */
static const struct {
    const char *prefix;
    int min;
} CATEGORIES[] = {
    {"ok_", 5}, {"bad_truncated_", 6}, {"bad_bitflip_", 10}, {"any_bitflip_random_", 10},
    {"bad_huge_dim_", 4}, {"bad_negative_dim_", 3}, {"bad_wrong_type_", 6}, {"bad_cyclic_", 3},
    {"bad_tensor_index_", 4}, {"bad_opcode_index_", 3}, {"bad_unknown_builtin_", 3},
    {"bad_op_version_", 3}, {"bad_custom_op_", 3}, {"bad_sparsity_", 6}, {"bad_buffer_", 3},
    {"bad_not_flatbuffer_", 4},
};
#define N_CATEGORIES ((int)(sizeof CATEGORIES / sizeof CATEGORIES[0]))

static char **names;
static int n_names;

static int starts_with(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names of the corpus files; -1 if the directory is missing. */
static int list_corpus(void)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/%s", tu_srcdir(), CORPUS);
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int cap = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        if (n_names == cap) {
            cap = cap ? 2 * cap : 256;
            names = realloc(names, sizeof *names * (size_t)cap);
        }
        if (!names || !(names[n_names] = strdup(e->d_name))) {
            fprintf(stderr, "test_model_corpus: out of memory\n");
            exit(EXIT_FAILURE);
        }
        n_names++;
    }
    closedir(d);
    qsort(names, (size_t)n_names, sizeof *names, by_name);
    return n_names;
}

/* The file's bytes in a buffer of exactly its size, so ASan catches any
 * read past the end. */
static uint8_t *slurp(const char *name, size_t *len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s/%s", tu_srcdir(), CORPUS, name);
    FILE *fp = fopen(path, "rb");
    ck_assert_msg(fp != NULL, "cannot open %s", path);
    ck_assert(fseek(fp, 0, SEEK_END) == 0);
    long n = ftell(fp);
    ck_assert(n >= 0 && fseek(fp, 0, SEEK_SET) == 0);
    uint8_t *buf = malloc(n ? (size_t)n : 1);
    ck_assert(buf != NULL);
    ck_assert_msg(fread(buf, 1, (size_t)n, fp) == (size_t)n, "cannot read %s", path);
    fclose(fp);
    *len = (size_t)n;
    return buf;
}

static const rule *rule_for(const char *name)
{
    const rule *best = NULL;
    for (int i = 0; i < N_RULES; i++)
        if (starts_with(name, RULES[i].prefix) &&
            (!best || strlen(RULES[i].prefix) > strlen(best->prefix)))
            best = &RULES[i];
    return best;
}

static void check_words(const char *name, const rule *ru, const char *err)
{
    for (int k = 0; k < 6 && ru->words[k]; k++)
        if (strstr(err, ru->words[k]))
            return;
    ck_abort_msg("%s: message \"%s\" lacks \"%s\"%s (rule %s)", name, err, ru->words[0],
                 ru->words[1] ? " or the other words of its rule" : "", ru->prefix);
}

/* The verdict its name promises, for one model's bytes. */
static void judge(const char *name, const uint8_t *data, size_t len)
{
    fm_result r;
    fm_run(data, len, &r);

    const char *breach = fm_contract(&r);
    ck_assert_msg(breach == NULL, "%s: %s: \"%s\" / \"%s\"", name, breach, r.err, r.wide_err);

    if (starts_with(name, "ok_")) {
        ck_assert_msg(r.stage == FM_DONE, "%s: %s: %s", name, arv_status_name(r.status), r.err);
        ck_assert_msg(r.wide_status == ARV_OK, "%s (default limits): %s", name, r.wide_err);
        ck_assert_msg(r.invoked || r.work > FM_MAX_WORK, "%s: not invoked", name);
    } else if (starts_with(name, "bad_")) {
        const rule *ru = rule_for(name);
        ck_assert_msg(ru != NULL, "%s: no rule for this bad_ file; add one to %s", name,
                      __FILE__);
        ck_assert_msg(r.stage == FM_OPEN && r.status != ARV_OK,
                      "%s: accepted by arv_model_open_buffer (stopped at stage %d: %s)", name,
                      (int)r.stage, r.err);
        ck_assert_msg(r.wide_status != ARV_OK, "%s: accepted under the default limits", name);
        ck_assert_msg(ru->status == ANY_STATUS || (int)r.status == ru->status,
                      "%s: status '%s', want '%s' (%s)", name, arv_status_name(r.status),
                      arv_status_name((arv_status)ru->status), r.err);
        check_words(name, ru, r.err);
    } else {
        ck_assert_msg(starts_with(name, "any_"), "%s: corpus files are named ok_*, bad_* or "
                      "any_* (scripts/make-fuzz-corpus)", name);
    }
}

START_TEST(replay)
{
    size_t len;
    uint8_t *data = slurp(names[_i], &len);
    judge(names[_i], data, len);
    free(data);
}
END_TEST

/* Seeds of realistic structure, derived in memory from the fetched
 * selfie_segmentation.tflite (a fetched model stays out of git): the model
 * itself, truncations, and bit flips in its first 4 KiB, where its tables and
 * vectors are (scripts/make-fuzz-corpus --real-models writes the same kinds
 * of file for a fuzzing run). Each copy is exactly its size, for ASan. */
START_TEST(real_model)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/models/selfie_segmentation.tflite", tu_srcdir());
    size_t len = 0;
    char *model = tu_slurp(path, &len);
    ck_assert_msg(model != NULL, "%s: missing (run `make models`)", path);
    ck_assert(len > 8192);
    judge("ok_selfie_segmentation", (const uint8_t *)model, len);
    const size_t cuts[] = {0, 4, 7, 100, 4096, len / 2, len - 1};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        char name[64];
        snprintf(name, sizeof name, "bad_truncated_selfie_at_%zu", cuts[i]);
        uint8_t *part = malloc(cuts[i] ? cuts[i] : 1);
        ck_assert(part != NULL);
        memcpy(part, model, cuts[i]);
        judge(name, part, cuts[i]);
        free(part);
    }
    uint32_t seed = 20240611u;
    for (int k = 0; k < 8; k++) {
        char name[64];
        snprintf(name, sizeof name, "any_bitflip_random_selfie_%d", k);
        uint8_t *copy = malloc(len);
        ck_assert(copy != NULL);
        memcpy(copy, model, len);
        for (int f = 0; f < 4; f++) {
            seed = seed * 1664525u + 1013904223u;
            copy[(seed >> 8) % 4096] ^= (uint8_t)(1u << (seed & 7));
        }
        judge(name, copy, len);
        free(copy);
    }
    free(model);
}
END_TEST

START_TEST(categories)
{
    for (int c = 0; c < N_CATEGORIES; c++) {
        int n = 0;
        for (int i = 0; i < n_names; i++)
            n += starts_with(names[i], CATEGORIES[c].prefix);
        ck_assert_msg(n >= CATEGORIES[c].min, "corpus has %d %s* files, want at least %d "
                      "(run scripts/make-fuzz-corpus)", n, CATEGORIES[c].prefix,
                      CATEGORIES[c].min);
    }
}
END_TEST

/* Every specific rule names a file that exists, so a renamed case cannot
 * silently fall back to its looser category rule. */
START_TEST(rules_used)
{
    for (int k = 0; k < N_RULES; k++) {
        int used = 0;
        for (int i = 0; i < n_names && !used; i++)
            used = rule_for(names[i]) == &RULES[k];
        ck_assert_msg(used, "rule '%s' matches no corpus file", RULES[k].prefix);
    }
}
END_TEST

/* DENSIFY into a model output still folds (it has no invoke-time kernel:
 * the output used to stay all zeros); the DEQUANTIZE after it, also a model
 * output, runs at invoke. The sparse [4,4] matrix has non-zeros at (0,0),
 * (0,3), (1,1), (3,0), (3,2) (scripts/make-fuzz-corpus, net_densify). */
START_TEST(densify_to_output)
{
    static const int nonzero[16] = {1, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0};
    size_t len;
    uint8_t *data = slurp("ok_densify_dequantize_model_outputs.tflite", &len);
    char err[ARV_ERR_LEN] = "";
    arv_model *m;
    arv_interp *it;
    ck_assert_msg(arv_model_open_buffer(data, len, NULL, &m, err) == ARV_OK, "%s", err);
    ck_assert_str_eq(arv_model_op(m, 0)->op_name, "DENSIFY");
    ck_assert_int_eq(arv_model_op(m, 0)->folded, 1);
    ck_assert_int_eq(arv_model_op(m, 1)->folded, 0);
    arv_options opt = {.num_threads = 1};
    ck_assert_msg(arv_interp_new(m, &opt, &it, err) == ARV_OK, "%s", err);
    for (int i = 0; i < arv_interp_num_inputs(it); i++) {
        arv_tensor *t = arv_interp_input(it, i);
        memset(t->data, 0, t->bytes);
    }
    ck_assert(arv_interp_invoke(it) == ARV_OK);
    const arv_tensor *dense16 = arv_interp_output(it, 0), *dense = arv_interp_output(it, 1);
    ck_assert_int_eq(dense16->type, ARV_FLOAT16);
    ck_assert_int_eq(dense->type, ARV_FLOAT32);
    ck_assert_uint_eq(arv_tensor_elems(dense16), 16);
    ck_assert_uint_eq(arv_tensor_elems(dense), 16);
    for (int k = 0; k < 16; k++) {
        const uint8_t *h = (const uint8_t *)dense16->data + 2 * k;
        int h_nz = ((h[0] | h[1] << 8) & 0x7fff) != 0;
        float f = ((const float *)dense->data)[k];
        ck_assert_msg(h_nz == nonzero[k], "float16 element %d: %s", k, h_nz ? "set" : "zero");
        ck_assert_msg((f != 0.0f) == nonzero[k], "float32 element %d: %g", k, (double)f);
    }
    arv_interp_free(it);
    arv_model_close(m);
    free(data);
}
END_TEST

START_TEST(corpus_missing)
{
    ck_abort_msg("corpus directory %s/%s not found (set ARV_SRCDIR to the repository root)",
                 tu_srcdir(), CORPUS);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("model_corpus");
    TCase *tc = tcase_create("corpus");
    tcase_set_timeout(tc, 300);
    if (list_corpus() < 0) {
        tcase_add_test(tc, corpus_missing);
    } else {
        tcase_add_test(tc, categories);
        tcase_add_test(tc, rules_used);
        tcase_add_test(tc, densify_to_output);
        tcase_add_test(tc, real_model);
        tcase_add_loop_test(tc, replay, 0, n_names);
    }
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    for (int i = 0; i < n_names; i++)
        free(names[i]);
    free(names);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
