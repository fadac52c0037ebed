/* test_tflite_write.c — the FlatBuffer writer round-trips every model of
 * models/: load → write → load again gives the same executed graph (ops,
 * versions, options, tensor names/types/shapes/quantization/constants,
 * graph inputs and outputs, mapped through the writer's tensor renumbering),
 * the written bytes pass our verifier, constant data is 16-byte aligned in
 * the file, writing the reloaded model gives the very same bytes, and both
 * models give bit-identical outputs on the same seeded random input.
 *
 * Without models/ the model tests print a note and pass; a small synthetic
 * graph is round-tripped in any case. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "arv.h"
#include "model/tflite_model.h"
#include "model/tflite_schema.h"
#include "model/tflite_write.h"
#include "ops/ops.h"
#include "util/xorshift.h"
#include "support/testutil.h"

static const char *MODELS[] = {
    "selfie_segmentation", "selfie_segmentation_landscape", "pose_detection",
    "pose_landmark_lite", "pose_landmark_full", "pose_landmark_heavy",
    "palm_detection_lite", "palm_detection_full", "hand_landmark_lite",
    "hand_landmark_full", "object_detection_ssd_mobilenetv2_oidv4_fp16",
};
#define N_MODELS ((int)(sizeof MODELS / sizeof MODELS[0]))

static void same_tensor(const arv_gtensor *a, const arv_gtensor *b, const char *what)
{
    ck_assert_msg(strcmp(a->t.name, b->t.name) == 0, "%s: name '%s' vs '%s'", what,
                  a->t.name, b->t.name);
    ck_assert_msg(a->t.type == b->t.type, "%s '%s': type", what, a->t.name);
    ck_assert_msg(a->t.ndim == b->t.ndim, "%s '%s': rank", what, a->t.name);
    for (int d = 0; d < a->t.ndim; d++)
        ck_assert_msg(a->t.dims[d] == b->t.dims[d], "%s '%s': dim %d", what, a->t.name, d);
    ck_assert_msg(a->t.scale == b->t.scale && a->t.zero_point == b->t.zero_point,
                  "%s '%s': quantization", what, a->t.name);
    ck_assert_msg(!a->const_data == !b->const_data, "%s '%s': constness", what, a->t.name);
    if (a->const_data) {
        ck_assert_msg(a->t.bytes == b->t.bytes, "%s '%s': bytes", what, a->t.name);
        ck_assert_msg(memcmp(a->const_data, b->const_data, a->t.bytes) == 0,
                      "%s '%s': constant data differs", what, a->t.name);
    }
}

/* Compare the executed graph of a with the graph of b read from a's
 * written form; map[i] is a's tensor i's index in b. */
static void same_graph(const arv_graph *a, const arv_graph *b, const int *map, const char *name)
{
    ck_assert_int_eq(a->n_inputs, b->n_inputs);
    ck_assert_int_eq(a->n_outputs, b->n_outputs);
    for (int i = 0; i < a->n_inputs; i++)
        ck_assert_int_eq(map[a->inputs[i]], b->inputs[i]);
    for (int i = 0; i < a->n_outputs; i++)
        ck_assert_int_eq(map[a->outputs[i]], b->outputs[i]);
    ck_assert_str_eq(a->description, b->description);
    int j = 0;
    for (int i = 0; i < a->n_nodes; i++) {
        const arv_node *x = &a->nodes[i];
        if (x->folded)
            continue;
        ck_assert_msg(j < b->n_nodes, "%s: written model has too few ops", name);
        const arv_node *y = &b->nodes[j++];
        ck_assert_msg(!y->folded, "%s: op %d folded after round trip", name, j - 1);
        ck_assert_msg(x->op == y->op && x->version == y->version,
                      "%s: op %d is %d v%d, was %d v%d", name, j - 1, y->op, y->version,
                      x->op, x->version);
        ck_assert_msg(memcmp(&x->p, &y->p, sizeof x->p) == 0, "%s: op %d (%s) options differ",
                      name, j - 1, x->def->name);
        ck_assert_int_eq(x->n_in, y->n_in);
        ck_assert_int_eq(x->n_out, y->n_out);
        for (int k = 0; k < x->n_in; k++) {
            if (x->in[k] < 0) {
                ck_assert_int_eq(y->in[k], -1);
                continue;
            }
            ck_assert_int_eq(map[x->in[k]], y->in[k]);
            same_tensor(&a->tensors[x->in[k]], &b->tensors[y->in[k]], name);
        }
        for (int k = 0; k < x->n_out; k++) {
            ck_assert_int_eq(map[x->out[k]], y->out[k]);
            same_tensor(&a->tensors[x->out[k]], &b->tensors[y->out[k]], name);
        }
    }
    ck_assert_msg(j == b->n_nodes, "%s: written model has %d ops, expected %d", name,
                  b->n_nodes, j);
}

/* Every constant's data lies on a 16-byte boundary of the file. */
static void check_alignment(const uint8_t *p, size_t len, const char *name)
{
    fb_buf b = {p, len};
    fb_table mt, bt;
    fb_vec bufs, data;
    int bad = 0;
    ck_assert(fb_root(&b, &mt));
    ck_assert(memcmp(p + 4, "TFL3", 4) == 0);
    ck_assert(fb_get_vec(&mt, MODEL_BUFFERS, 4, &bufs, &bad));
    for (uint32_t i = 0; i < bufs.n; i++) {
        ck_assert(fb_vec_table(&b, &bufs, i, &bt));
        if (fb_get_vec(&bt, BUF_DATA, 1, &data, &bad) && data.n)
            ck_assert_msg(data.data % 16 == 0, "%s: buffer %u at %llu", name, i,
                          (unsigned long long)data.data);
    }
    ck_assert(!bad);
}

static void run_outputs(const arv_model *m, float **outs, size_t *bytes, int n_out)
{
    char err[ARV_ERR_LEN];
    arv_options opt = {.num_threads = 1};
    arv_interp *it;
    ck_assert_msg(arv_interp_new(m, &opt, &it, err) == ARV_OK, "%s", err);
    uint32_t st = arv_xorshift_init(1234);
    for (int i = 0; i < arv_interp_num_inputs(it); i++) {
        arv_tensor *t = arv_interp_input(it, i);
        ck_assert(t->type == ARV_FLOAT32);
        arv_xorshift_fill(&st, -1.0f, 1.0f, t->data, arv_tensor_elems(t));
    }
    ck_assert_int_eq(arv_interp_invoke(it), ARV_OK);
    ck_assert_int_eq(arv_interp_num_outputs(it), n_out);
    for (int i = 0; i < n_out; i++) {
        const arv_tensor *t = arv_interp_output(it, i);
        bytes[i] = t->bytes;
        outs[i] = malloc(t->bytes ? t->bytes : 1);
        ck_assert(outs[i]);
        memcpy(outs[i], t->data, t->bytes);
    }
    arv_interp_free(it);
}

/* The whole round trip on an open model; returns the written bytes. */
static void round_trip(arv_model *m1, const char *name)
{
    char err[ARV_ERR_LEN] = "";
    int *map = malloc(sizeof(int) * (size_t)(m1->g.n_tensors + 1));
    uint8_t *p, *p2;
    size_t len, len2;
    ck_assert(map);
    ck_assert_msg(arv_tflite_write(&m1->g, NULL, map, &p, &len, err) == ARV_OK, "%s: %s",
                  name, err);
    fb_buf fb = {p, len};
    ck_assert_msg(arv_tflite_verify(&fb, err), "%s: written model fails verify: %s", name, err);
    check_alignment(p, len, name);
    arv_model *m2;
    ck_assert_msg(arv_model_open_buffer(p, len, NULL, &m2, err) == ARV_OK,
                  "%s: written model does not load: %s", name, err);
    same_graph(&m1->g, &m2->g, map, name);

    /* Written again, a written model is a fixed point. */
    ck_assert(arv_tflite_write(&m2->g, NULL, NULL, &p2, &len2, err) == ARV_OK);
    ck_assert_msg(len2 == len && memcmp(p, p2, len) == 0, "%s: second write differs", name);
    free(p2);

    int n_out = m1->g.n_outputs;
    float *o1[16], *o2[16];
    size_t b1[16], b2[16];
    ck_assert(n_out <= 16);
    run_outputs(m1, o1, b1, n_out);
    run_outputs(m2, o2, b2, n_out);
    for (int i = 0; i < n_out; i++) {
        ck_assert_msg(b1[i] == b2[i] && memcmp(o1[i], o2[i], b1[i]) == 0,
                      "%s: output %d differs after round trip", name, i);
        free(o1[i]);
        free(o2[i]);
    }
    printf("%s: %d ops, %zu bytes written, outputs bit-identical\n", name, m2->g.n_nodes, len);
    arv_model_close(m2);
    free(p);
    free(map);
}

START_TEST(models)
{
    char path[4096], err[ARV_ERR_LEN] = "";
    snprintf(path, sizeof path, "%s/models/%s.tflite", tu_srcdir(), MODELS[_i]);
    if (access(path, R_OK) != 0) {
        printf("%s: not present (make models); skipped\n", path);
        return;
    }
    arv_model *m;
    ck_assert_msg(arv_model_open(path, NULL, &m, err) == ARV_OK, "%s: %s", path, err);
    round_trip(m, MODELS[_i]);
    arv_model_close(m);
}
END_TEST

/* A model written from scratch by hand-building the IR: one CONV_2D with
 * per-channel quantization metadata on its filter, checked through the
 * reader (scale[0]) and the verifier, so the test needs no models/. */
START_TEST(synthetic)
{
    static const float w[2 * 1 * 1 * 3] = {1, 2, 3, -1, -2, -3};
    static const float bias[2] = {0.5f, -0.5f};
    arv_graph g = {0};
    arv_gtensor t[4] = {0};
    int in[3] = {0, 1, 2}, out[1] = {3}, gin[1] = {0}, gout[1] = {3};
    t[0].t = (arv_tensor){.name = "x", .type = ARV_FLOAT32, .ndim = 4, .dims = {1, 4, 4, 3}};
    t[1].t = (arv_tensor){.name = "w", .type = ARV_FLOAT32, .ndim = 4, .dims = {2, 1, 1, 3},
                          .bytes = sizeof w};
    t[1].const_data = w;
    t[2].t = (arv_tensor){.name = "b", .type = ARV_FLOAT32, .ndim = 1, .dims = {2},
                          .bytes = sizeof bias};
    t[2].const_data = bias;
    t[3].t = (arv_tensor){.name = "y", .type = ARV_FLOAT32, .ndim = 4, .dims = {1, 4, 4, 2}};
    arv_node n = {.op = TFL_CONV_2D, .version = 1, .n_in = 3, .n_out = 1, .in = in, .out = out};
    n.p.stride_w = n.p.stride_h = n.p.dil_w = n.p.dil_h = 1;
    n.p.act = TFL_ACT_RELU6;
    g.n_tensors = 4;
    g.tensors = t;
    g.n_nodes = 1;
    g.nodes = &n;
    g.n_inputs = g.n_outputs = 1;
    g.inputs = gin;
    g.outputs = gout;
    snprintf(g.description, sizeof g.description, "synthetic");
    float sc[2] = {0.25f, 0.5f};
    int64_t zp[2] = {0, 0};
    arv_wquant q[4] = {{0}};
    q[1] = (arv_wquant){.n = 2, .scale = sc, .zero_point = zp, .quantized_dimension = 0};
    uint8_t *p;
    size_t len;
    char err[ARV_ERR_LEN] = "";
    ck_assert_msg(arv_tflite_write(&g, q, NULL, &p, &len, err) == ARV_OK, "%s", err);
    fb_buf fb = {p, len};
    ck_assert_msg(arv_tflite_verify(&fb, err), "%s", err);
    check_alignment(p, len, "synthetic");
    arv_model *m;
    ck_assert_msg(arv_model_open_buffer(p, len, NULL, &m, err) == ARV_OK, "%s", err);
    ck_assert_int_eq(m->g.n_nodes, 1);
    ck_assert_int_eq(m->g.nodes[0].p.act, TFL_ACT_RELU6);
    ck_assert(m->g.tensors[1].t.scale == 0.25f);
    ck_assert_str_eq(m->g.description, "synthetic");
    round_trip(m, "synthetic");
    arv_model_close(m);
    free(p);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("tflite_write");
    TCase *tc = tcase_create("round_trip");
    tcase_set_timeout(tc, 900);
    tcase_add_test(tc, synthetic);
    tcase_add_loop_test(tc, models, 0, N_MODELS);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
