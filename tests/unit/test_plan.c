/* test_plan.c — the arena planner on every real model: tensors alive at the
 * same time never share bytes, every activation gets a 64-byte aligned slot,
 * and the arena is no larger than all activations laid end to end. Also the
 * per-op profile hook: one entry per executed op, times recorded. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "arv.h"
#include "model/tflite_model.h"
#include "runtime/plan.h"
#include "support/testutil.h"

/* Lifetime of tensor t as the planner must see it: [first write, last read]. */
static void lifetime(const arv_graph *g, int t, int *first, int *last)
{
    *first = g->tensors[t].is_input ? -1 : g->n_nodes + 1;
    *last = -2;
    for (int i = 0; i < g->n_nodes; i++) {
        const arv_node *n = &g->nodes[i];
        if (n->folded)
            continue;
        for (int k = 0; k < n->n_out; k++)
            if (n->out[k] == t) {
                if (i < *first) *first = i;
                if (i > *last) *last = i;
            }
        for (int k = 0; k < n->n_in; k++)
            if (n->in[k] == t && i > *last)
                *last = i;
    }
    if (g->tensors[t].is_output || g->tensors[t].is_input)
        *last = g->n_nodes;
}

static void check_model(const char *path, void *user)
{
    (void)user;
    arv_model *m;
    char err[ARV_ERR_LEN];
    ck_assert_msg(arv_model_open(path, NULL, &m, err) == ARV_OK, "%s: %s", path, err);
    const arv_graph *g = &m->g;
    size_t *off = malloc(sizeof(size_t) * (size_t)g->n_tensors);
    size_t bytes = 0, sum = 0;
    ck_assert_int_eq(arv_plan_arena(g, off, &bytes, err), ARV_OK);
    int *first = malloc(sizeof(int) * (size_t)g->n_tensors);
    int *last = malloc(sizeof(int) * (size_t)g->n_tensors);
    int placed = 0;
    for (int t = 0; t < g->n_tensors; t++) {
        lifetime(g, t, &first[t], &last[t]);
        if (off[t] == SIZE_MAX)
            continue;
        placed++;
        ck_assert_msg(!g->tensors[t].const_data, "%s: constant %d placed in arena", path, t);
        ck_assert_msg(off[t] % ARV_ARENA_ALIGN == 0, "%s: tensor %d misaligned", path, t);
        ck_assert_msg(off[t] + g->tensors[t].t.bytes <= bytes, "%s: tensor %d past the arena", path, t);
        sum += (g->tensors[t].t.bytes + ARV_ARENA_ALIGN - 1) & ~(size_t)(ARV_ARENA_ALIGN - 1);
    }
    for (int a = 0; a < g->n_tensors; a++)
        for (int b = a + 1; b < g->n_tensors; b++) {
            if (off[a] == SIZE_MAX || off[b] == SIZE_MAX)
                continue;
            if (last[a] < first[b] || last[b] < first[a])
                continue;
            int overlap = off[a] < off[b] + g->tensors[b].t.bytes &&
                          off[b] < off[a] + g->tensors[a].t.bytes;
            ck_assert_msg(!overlap, "%s: live tensors %d '%s' and %d '%s' share bytes", path, a,
                          g->tensors[a].t.name, b, g->tensors[b].t.name);
        }
    ck_assert_msg(placed > 0, "%s: nothing planned", path);
    ck_assert_msg(bytes <= sum + ARV_ARENA_TAIL, "%s: arena %zu > sum %zu", path, bytes, sum);
    printf("%-52s arena %9zu bytes, activations end to end %9zu (%.0f%%)\n", path, bytes, sum,
           100.0 * (double)bytes / (double)sum);

    /* profile hook: every executed op gets an entry with a time */
    arv_options opt = {.num_threads = 1, .enable_profiling = 1};
    arv_interp *it;
    ck_assert_int_eq(arv_interp_new(m, &opt, &it, err), ARV_OK);
    ck_assert_int_eq(arv_interp_invoke(it), ARV_OK);
    const arv_profile *p = arv_interp_profile(it);
    /* Skipped PADs and fused ADDs (test_exec_rewrites) do not run. */
    ck_assert_int_le(p->count, arv_model_num_exec_ops(m));
    double total = 0;
    for (int i = 0; i < p->count; i++) {
        ck_assert(p->entries[i].ms >= 0);
        ck_assert(p->entries[i].op_name && p->entries[i].output_name);
        ck_assert(i == 0 || p->entries[i].node > p->entries[i - 1].node);
        total += p->entries[i].ms;
    }
    ck_assert_msg(total > 0, "%s: profile recorded no time", path);
    arv_interp_free(it);
    free(off);
    free(first);
    free(last);
    arv_model_close(m);
}

START_TEST(test_plan_all_models)
{
    ck_assert_int_ge(tu_each_model(check_model, NULL), 11);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("plan");
    TCase *tc = tcase_create("models");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_plan_all_models);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
