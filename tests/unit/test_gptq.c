/* test_gptq.c — GPTQ weight rounding (lib/quant/gptq.c) and the input
 * statistics it rounds against (lib/quant/hessian.c).
 * - With uncorrelated inputs (diagonal H) GPTQ has nothing to trade and
 *   must give exactly round-to-nearest's codes.
 * - With correlated inputs its output error over those inputs,
 *   sum (w - q s)^T H (w - q s), must be well below round-to-nearest's,
 *   with every code in [-127, 127].
 * - The equalization factors (colk) mean the same as scaling H by hand.
 * - A matrix that cannot be factored is refused and q is left alone.
 * - On a real model, the statistics of the first convolution equal a
 *   brute-force sum over its input patches. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "arv.h"
#include "model/tflite_model.h"
#include "model/tflite_schema.h"
#include "ops/ops.h"
#include "quant/gptq.h"
#include "quant/quant.h"
#include "support/testutil.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static double urand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (double)(rng >> 11) / 9007199254740992.0;
}

static double nrand(void)
{
    double u = urand() + 1e-12, v = urand();
    return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

static void row_scales(const float *w, int rows, int k, float *s)
{
    for (int r = 0; r < rows; r++) {
        float m = 0.0f;
        for (int i = 0; i < k; i++)
            m = fmaxf(m, fabsf(w[r * k + i]));
        s[r] = m / 127.0f;
    }
}

static void nearest(const float *w, int rows, int k, const float *s, int8_t *q)
{
    for (int r = 0; r < rows; r++)
        for (int i = 0; i < k; i++) {
            double c = round(w[r * k + i] / s[r]);
            q[r * k + i] = (int8_t)(c < -127 ? -127 : c > 127 ? 127 : c);
        }
}

static double out_err(const float *w, const int8_t *q, const float *s, const double *h, int rows,
                      int k)
{
    double t = 0.0;
    for (int r = 0; r < rows; r++)
        for (int i = 0; i < k; i++) {
            const double ei = w[r * k + i] - q[r * k + i] * (double)s[r];
            for (int j = 0; j < k; j++)
                t += ei * h[i * k + j] * (w[r * k + j] - q[r * k + j] * (double)s[r]);
        }
    return t;
}

START_TEST(diagonal_is_nearest)
{
    enum { R = 6, K = 40 };
    float w[R * K], s[R];
    double h[K * K] = {0};
    int8_t q[R * K], ref[R * K];
    for (int i = 0; i < R * K; i++)
        w[i] = (float)nrand();
    for (int i = 0; i < K; i++)
        h[i * K + i] = 0.5 + urand();
    row_scales(w, R, K, s);
    nearest(w, R, K, s, ref);
    ck_assert_int_eq(arv_gptq_round(w, q, R, K, K, 1, s, h, NULL), 0);
    ck_assert_mem_eq(q, ref, sizeof q);
}
END_TEST

START_TEST(correlated_inputs_lower_error)
{
    enum { R = 16, K = 48, N = 600 };
    static float w[R * K], x[N * K];
    static double h[K * K];
    float s[R];
    static int8_t q[R * K], ref[R * K];
    /* inputs from 8 hidden factors plus a little noise: strongly correlated */
    double mix[8][K];
    for (int f = 0; f < 8; f++)
        for (int i = 0; i < K; i++)
            mix[f][i] = nrand();
    for (int n = 0; n < N; n++) {
        double z[8];
        for (int f = 0; f < 8; f++)
            z[f] = nrand();
        for (int i = 0; i < K; i++) {
            double v = 0.1 * nrand();
            for (int f = 0; f < 8; f++)
                v += z[f] * mix[f][i];
            x[n * K + i] = (float)v;
        }
    }
    memset(h, 0, sizeof h);
    for (int n = 0; n < N; n++)
        for (int i = 0; i < K; i++)
            for (int j = 0; j < K; j++)
                h[i * K + j] += (double)x[n * K + i] * x[n * K + j];
    for (int i = 0; i < R * K; i++)
        w[i] = (float)(nrand() * 0.05);
    row_scales(w, R, K, s);
    nearest(w, R, K, s, ref);
    ck_assert_int_eq(arv_gptq_round(w, q, R, K, K, 1, s, h, NULL), 0);
    for (int i = 0; i < R * K; i++)
        ck_assert(q[i] >= -127 && q[i] <= 127);
    const double eg = out_err(w, q, s, h, R, K), er = out_err(w, ref, s, h, R, K);
    /* measured about 0.1 of nearest's error with these inputs */
    ck_assert_msg(eg < 0.5 * er, "GPTQ error %g, nearest %g", eg, er);
}
END_TEST

START_TEST(colk_scales_the_matrix)
{
    enum { R = 5, K = 12, N = 80 };
    float w[R * K], s[R], k[K];
    double h[K * K] = {0}, hs[K * K];
    int8_t q1[R * K], q2[R * K];
    float x[N * K];
    for (int i = 0; i < N * K; i++)
        x[i] = (float)(nrand() + 0.5 * nrand() * (i % K < 4));
    for (int n = 0; n < N; n++)
        for (int i = 0; i < K; i++)
            for (int j = 0; j < K; j++)
                h[i * K + j] += (double)x[n * K + i] * x[n * K + j];
    for (int i = 0; i < K; i++)
        k[i] = (float)(1.0 + 3.0 * urand());
    for (int i = 0; i < K; i++)
        for (int j = 0; j < K; j++)
            hs[i * K + j] = h[i * K + j] * k[i] * k[j];
    for (int i = 0; i < R * K; i++)
        w[i] = (float)nrand();
    row_scales(w, R, K, s);
    ck_assert_int_eq(arv_gptq_round(w, q1, R, K, K, 1, s, h, k), 0);
    ck_assert_int_eq(arv_gptq_round(w, q2, R, K, K, 1, s, hs, NULL), 0);
    ck_assert_mem_eq(q1, q2, sizeof q1);
}
END_TEST

START_TEST(bad_matrix_refused)
{
    enum { K = 4 };
    float w[K] = {0.1f, -0.2f, 0.3f, 0.05f}, s = 0.3f / 127.0f;
    double h[K * K] = {0};
    int8_t q[K] = {7, 7, 7, 7};
    h[0] = NAN;
    ck_assert_int_eq(arv_gptq_round(w, q, 1, K, K, 1, &s, h, NULL), -1);
    for (int i = 0; i < K; i++)
        ck_assert_int_eq(q[i], 7);
}
END_TEST

/* The model input feeds a CONV_2D in the selfie model: its statistics after
 * one run equal the sum over its patches, taken here independently. */
START_TEST(first_conv_statistics)
{
    char path[1024], err[ARV_ERR_LEN];
    snprintf(path, sizeof path, "%s/models/selfie_segmentation.tflite", tu_srcdir());
    arv_model *m;
    if (arv_model_open(path, NULL, &m, err) != ARV_OK) {
        fprintf(stderr, "test_gptq: skipping the model check: %s\n", err);
        return;
    }
    arv_calib *c;
    ck_assert_int_eq(arv_calib_new(m, 1, &c, err), ARV_OK);
    ck_assert_int_eq(arv_calib_start_hessians(c, err), ARV_OK);
    arv_tensor *in = arv_calib_input(c, 0);
    float *px = in->data;
    const size_t n = arv_tensor_elems(in);
    for (size_t i = 0; i < n; i++)
        px[i] = (float)urand();
    float *copy = malloc(n * sizeof(float));
    memcpy(copy, px, n * sizeof(float));
    ck_assert_int_eq(arv_calib_run(c, err), ARV_OK);
    const arv_graph *g = &m->g;
    int node = -1;
    for (int i = 0; i < g->n_nodes && node < 0; i++)
        if (!g->nodes[i].folded && g->nodes[i].op == TFL_CONV_2D &&
            g->nodes[i].in[0] == g->inputs[0])
            node = i;
    ck_assert_int_ge(node, 0);
    int K, G;
    uint64_t ns;
    const double *H = arv_calib_hessian(c, node, &K, &G, &ns);
    ck_assert_ptr_nonnull(H);
    const arv_node *nd = &g->nodes[node];
    arv_conv_geom geo;
    arv_conv_geom_fill(&g->tensors[nd->in[0]].t, &g->tensors[nd->in[1]].t,
                       &g->tensors[nd->out[0]].t, &nd->p, 0, &geo);
    ck_assert_int_eq(G, 1);
    ck_assert_int_eq(K, geo.k_h * geo.k_w * geo.in_c);
    ck_assert_uint_eq(ns, (uint64_t)geo.out_h * geo.out_w);
    double *ref = calloc((size_t)K * K, sizeof(double));
    float *v = malloc(sizeof(float) * (size_t)K);
    for (int oy = 0; oy < geo.out_h; oy++)
        for (int ox = 0; ox < geo.out_w; ox++) {
            int p = 0;
            for (int ky = 0; ky < geo.k_h; ky++)
                for (int kx = 0; kx < geo.k_w; kx++)
                    for (int ch = 0; ch < geo.in_c; ch++) {
                        int iy = oy * geo.stride_h - geo.pad_top + ky;
                        int ix = ox * geo.stride_w - geo.pad_left + kx;
                        v[p++] = iy < 0 || ix < 0 || iy >= geo.in_h || ix >= geo.in_w
                                     ? 0.0f
                                     : copy[((size_t)iy * geo.in_w + ix) * geo.in_c + ch];
                    }
            for (int i = 0; i < K; i++)
                for (int j = 0; j < K; j++)
                    ref[i * K + j] += (double)v[i] * v[j];
        }
    for (int i = 0; i < K * K; i++)
        ck_assert_msg(fabs(H[i] - ref[i]) <= 1e-9 * (1.0 + fabs(ref[i])), "entry %d: %g vs %g", i,
                      H[i], ref[i]);
    free(ref);
    free(v);
    free(copy);
    arv_calib_free(c);
    arv_model_close(m);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("gptq");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, diagonal_is_nearest);
    tcase_add_test(tc, correlated_inputs_lower_error);
    tcase_add_test(tc, colk_scales_the_matrix);
    tcase_add_test(tc, bad_matrix_refused);
    tcase_add_test(tc, first_conv_statistics);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
