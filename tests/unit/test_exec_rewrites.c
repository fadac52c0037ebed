/* test_exec_rewrites.c — the interpreter's edits of its node list: it skips
 * a zero PAD that only feeds a float VALID convolution and lets the
 * convolution pad (graph/pad_fold.c), and a float CONV_2D runs the residual
 * ADD that alone reads its output (graph/residual_fuse.c), and a QUANTIZE
 * to int16 runs the int8 DEQUANTIZE feeding it (graph/dequant_fuse.c). On
 * every real model, float and int8, and every ISA: the ops skipped are exactly
 * those this test finds by its own reading of the graph, and the outputs
 * are bit for bit the ones the unedited graph gives (an observer turns
 * both off). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "arv.h"
#include "model/tflite_model.h"
#include "model/tflite_schema.h"
#include "runtime/cpu.h"
#include "support/testutil.h"

static void ignore(void *user, int ti, const arv_tensor *t)
{
    (void)user;
    (void)ti;
    (void)t;
}

/* PADs over height/width only whose output is read once, as input 0 of a
 * float VALID CONV_2D or DEPTHWISE_CONV_2D. */
static int foldable_pads(const arv_graph *g)
{
    int n = 0;
    for (int i = 0; i < g->n_nodes; i++) {
        const arv_node *p = &g->nodes[i];
        if (p->folded || p->op != TFL_PAD || g->tensors[p->out[0]].t.type != ARV_FLOAT32 ||
            g->tensors[p->out[0]].is_output)
            continue;
        const int32_t *pads = g->tensors[p->in[1]].const_data;
        if (g->tensors[p->in[0]].t.ndim != 4 || pads[0] || pads[1] || pads[6] || pads[7])
            continue;
        int readers = 0, ok = 0;
        for (int j = 0; j < g->n_nodes; j++) {
            const arv_node *c = &g->nodes[j];
            if (c->folded)
                continue;
            for (int k = 0; k < c->n_in; k++)
                if (c->in[k] == p->out[0]) {
                    readers++;
                    ok = k == 0 && (c->op == TFL_CONV_2D || c->op == TFL_DEPTHWISE_CONV_2D) &&
                         c->p.padding == TFL_PAD_VALID;
                }
        }
        n += readers == 1 && ok;
    }
    return n;
}

static int same_dims(const arv_tensor *a, const arv_tensor *b)
{
    return a->ndim == b->ndim && memcmp(a->dims, b->dims, sizeof(int) * (size_t)a->ndim) == 0;
}

static int readers_of(const arv_graph *g, int ti)
{
    int n = 0;
    for (int j = 0; j < g->n_nodes; j++)
        for (int k = 0; k < g->nodes[j].n_in; k++)
            n += !g->nodes[j].folded && g->nodes[j].in[k] == ti;
    return n;
}

/* Whether the ADD's output goes only to a float PRELU as its input, with a
 * constant alpha of one value per channel. */
static int prelu_follows(const arv_graph *g, const arv_node *a)
{
    const int t = a->out[0];
    if (g->tensors[t].is_output || readers_of(g, t) != 1)
        return 0;
    for (int j = 0; j < g->n_nodes; j++) {
        const arv_node *p = &g->nodes[j];
        if (p->folded || p->op != TFL_PRELU || p->in[0] != t || p->q8)
            continue;
        const arv_tensor *al = &g->tensors[p->in[1]].t;
        const arv_tensor *o = &g->tensors[t].t;
        size_t n = 1;
        for (int d = 0; d < al->ndim; d++)
            n *= (size_t)al->dims[d];
        return g->tensors[p->in[1]].const_data && al->type == ARV_FLOAT32 &&
               n == (size_t)o->dims[o->ndim - 1] && al->dims[al->ndim - 1] == (int)n;
    }
    return 0;
}

/* Float ADDs without broadcasting with one input written by a float
 * CONV_2D for this ADD alone, the other computed before that conv runs;
 * *prelus gets how many of them feed a PRELU the conv runs too. */
static int fusable_adds(const arv_graph *g, int *prelus)
{
    int n = 0;
    *prelus = 0;
    for (int i = 0; i < g->n_nodes; i++) {
        const arv_node *a = &g->nodes[i];
        if (a->folded || a->op != TFL_ADD || a->q8)
            continue;
        const arv_tensor *out = &g->tensors[a->out[0]].t;
        int ok = 0;
        for (int side = 0; side < 2 && !ok; side++) {
            const arv_gtensor *mid = &g->tensors[a->in[side]];
            const arv_gtensor *res = &g->tensors[a->in[1 - side]];
            if (out->type != ARV_FLOAT32 || mid->t.type != ARV_FLOAT32 ||
                res->t.type != ARV_FLOAT32 || !same_dims(&mid->t, out) ||
                !same_dims(&res->t, out) || mid->is_output || mid->producer < 0)
                continue;
            const arv_node *c = &g->nodes[mid->producer];
            ok = readers_of(g, a->in[side]) == 1 && c->op == TFL_CONV_2D && !c->q8 &&
                 res->producer < mid->producer;
        }
        n += ok;
        *prelus += ok && prelu_follows(g, a);
    }
    return n;
}

static void fill(arv_interp *it)
{
    for (int i = 0; i < arv_interp_num_inputs(it); i++) {
        arv_tensor *t = arv_interp_input(it, i);
        if (t->type != ARV_FLOAT32)
            continue;
        float *d = t->data;
        size_t n = t->bytes / sizeof(float);
        uint32_t s = 12345u + (uint32_t)i;
        for (size_t k = 0; k < n; k++) {
            s = s * 1664525u + 1013904223u;
            d[k] = (float)(s >> 8) / 16777216.0f;
        }
    }
}

/* QUANTIZEs to int16 reading, alone, a DEQUANTIZE of a per-tensor int8
 * activation (how an int16 region is entered). */
static int fusable_dequants(const arv_graph *g)
{
    int n = 0;
    for (int i = 0; i < g->n_nodes; i++) {
        const arv_node *q = &g->nodes[i];
        if (q->folded || q->op != TFL_QUANTIZE || g->tensors[q->out[0]].t.type != ARV_INT16)
            continue;
        const int mid = q->in[0];
        if (g->tensors[mid].is_output)
            continue;
        int readers = 0, d = -1;
        for (int j = 0; j < g->n_nodes; j++) {
            const arv_node *c = &g->nodes[j];
            for (int k = 0; k < c->n_in && !c->folded; k++)
                readers += c->in[k] == mid;
            if (!c->folded && c->n_out == 1 && c->out[0] == mid)
                d = j;
        }
        if (readers != 1 || d < 0 || g->nodes[d].op != TFL_DEQUANTIZE)
            continue;
        const arv_gtensor *src = &g->tensors[g->nodes[d].in[0]];
        n += src->t.type == ARV_INT8 && !src->const_data && src->q_n == 1;
    }
    return n;
}

typedef struct counts {
    int pads, adds, prelus, dequants;
} counts;

static counts check_model(const char *path, const char *isa)
{
    arv_model *m;
    char err[ARV_ERR_LEN];
    ck_assert_msg(arv_model_open(path, NULL, &m, err) == ARV_OK, "%s: %s", path, err);
    counts expect = {foldable_pads(&m->g), 0, 0, fusable_dequants(&m->g)};
    expect.adds = fusable_adds(&m->g, &expect.prelus);
    arv_options fo = {.num_threads = 1, .isa = isa, .enable_profiling = 1};
    arv_options uo = fo;
    uo.observe = ignore;
    arv_interp *f, *u;
    ck_assert_int_eq(arv_interp_new(m, &fo, &f, err), ARV_OK);
    ck_assert_int_eq(arv_interp_new(m, &uo, &u, err), ARV_OK);
    fill(f);
    fill(u);
    ck_assert_int_eq(arv_interp_invoke(f), ARV_OK);
    ck_assert_int_eq(arv_interp_invoke(u), ARV_OK);
    ck_assert_int_eq(arv_interp_profile(u)->count, arv_model_num_exec_ops(m));
    const arv_profile *fp = arv_interp_profile(f);
    ck_assert_msg(fp->count == arv_model_num_exec_ops(m) - expect.pads - expect.adds -
                                   expect.prelus - expect.dequants,
                  "%s: %d ops ran, want %d - %d foldable PADs - %d fusable ADDs - %d PRELUs "
                  "- %d DEQUANTIZEs", path, fp->count, arv_model_num_exec_ops(m), expect.pads,
                  expect.adds, expect.prelus, expect.dequants);
    int fused = 0, with_prelu = 0, dequants = 0;
    for (int e = 0; e < fp->count; e++) {
        fused += strncmp(fp->entries[e].op_name, "CONV_2D+ADD", 11) == 0;
        with_prelu += strcmp(fp->entries[e].op_name, "CONV_2D+ADD+PRELU") == 0;
        dequants += strcmp(fp->entries[e].op_name, "DEQUANTIZE+QUANTIZE") == 0;
    }
    ck_assert_int_eq(fused, expect.adds);
    ck_assert_int_eq(with_prelu, expect.prelus);
    ck_assert_int_eq(dequants, expect.dequants);
    for (int o = 0; o < arv_interp_num_outputs(f); o++) {
        const arv_tensor *a = arv_interp_output(f, o), *b = arv_interp_output(u, o);
        ck_assert_uint_eq(a->bytes, b->bytes);
        if (a->type != ARV_FLOAT32)
            continue;
        const float *x = a->data, *y = b->data;
        for (size_t k = 0; k < a->bytes / sizeof(float); k++)
            ck_assert_msg(x[k] == y[k], "%s [%s]: output %d[%zu] %.9g folded, %.9g unfolded",
                          path, isa, o, k, (double)x[k], (double)y[k]);
    }
    arv_interp_free(f);
    arv_interp_free(u);
    arv_model_close(m);
    return expect;
}

static void check_all_isas(const char *path, void *user)
{
    const char *isas[8];
    const int n_isas = arv_kernels_available(isas, 8);
    counts k = {0, 0, 0, 0};
    for (int s = 0; s < n_isas; s++)
        k = check_model(path, isas[s]);
    printf("%-72s %d PADs folded, %d ADDs fused (%d with their PRELU), %d DEQUANTIZEs\n",
           path, k.pads, k.adds, k.prelus, k.dequants);
    counts *total = user;
    total->pads += k.pads;
    total->adds += k.adds;
    total->prelus += k.prelus;
    total->dequants += k.dequants;
}

START_TEST(test_exec_rewrites_all_models)
{
    counts total = {0, 0, 0, 0};
    ck_assert_int_ge(tu_each_model(check_all_isas, &total), 11);
    /* pose_detection and the three pose landmark models pad by hand before
     * their stride-2 convolutions. */
    ck_assert_int_ge(total.pads, 15);
    /* Their inverted-bottleneck blocks end in conv + residual ADD. */
    ck_assert_int_ge(total.adds, 50);
    /* The palm detectors' blocks end in conv + ADD + PRELU. */
    ck_assert_int_ge(total.prelus, 20);
}
END_TEST

/* The int8 models (make models): their int16 regions are entered through
 * DEQUANTIZE + QUANTIZE, which run as one table lookup. */
START_TEST(test_exec_rewrites_int8_models)
{
    counts total = {0, 0, 0, 0};
    ck_assert_int_ge(tu_each_model_in("models/int8", check_all_isas, &total), 11);
    /* pose_landmark_lite's int16 trunk is entered twice, and each pose
     * landmark model's regression branch at least once */
    ck_assert_int_ge(total.dequants, 5);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("exec_rewrites");
    TCase *tc = tcase_create("models");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_exec_rewrites_all_models);
    tcase_add_test(tc, test_exec_rewrites_int8_models);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
