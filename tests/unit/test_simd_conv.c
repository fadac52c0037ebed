/* test_simd_conv.c — every SIMD kernel table's CONV_2D (packed and plain),
 * DEPTHWISE_CONV_2D and TRANSPOSE_CONV against the generic
 * table (the oracle) on random data: pixel counts below, at and above the
 * microkernel tile, odd channel counts on both sides of the vector width, a
 * reduction longer than the K block, strides 1 and 2, SAME and VALID, all
 * three activations, with and without bias, dense and 75%-zero filters,
 * and pruned 1x1 filters from 0 to 100% zeros (the sparse kernel), and
 * the packed conv's residual ADD + PRELU epilogue against the unfused ops.
 * Every table this machine runs
 * is tested. Error measure and tolerance: support/ktest.h (1e-5). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/kernels.h"
#include "runtime/cpu.h"
#include "support/ktest.h"

typedef struct cfg {
    int kh, kw, sh, sw, same;
} cfg;

/* The configurations of models.md section 5a, plus 1x1 stride 2. */
static const cfg CFGS[] = {
    {1, 1, 1, 1, 0}, {1, 1, 1, 1, 1}, {1, 1, 2, 2, 1}, {2, 2, 1, 1, 0}, {2, 2, 2, 2, 0},
    {3, 3, 1, 1, 1}, {3, 3, 2, 2, 1}, {3, 3, 2, 2, 0}, {3, 3, 1, 1, 0}, {5, 5, 1, 1, 1},
    {5, 5, 2, 2, 1}, {5, 5, 2, 2, 0},
};
#define N_CFGS ((int)(sizeof CFGS / sizeof CFGS[0]))

static const int IN_CHANS[] = {1, 3, 5, 8, 16, 17, 33, 64, 600};
static const int OUT_CHANS[] = {1, 3, 5, 8, 15, 16, 17, 24, 31, 32, 33, 40, 48, 65};
static const int DW_CHANS[] = {1, 3, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 48, 65};

static const arv_kernel_table *tables[8];
static int n_tables;

static void setup(void)
{
    const char *names[8];
    int n = arv_kernels_available(names, 8);
    n_tables = 0;
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], "generic") != 0)
            tables[n_tables++] = arv_kernels_select(names[i]);
}

static void random_geom(kt_rng *r, const cfg *c, int depthwise, arv_conv_geom *g)
{
    memset(g, 0, sizeof *g);
    g->batch = kt_int(r, 1, 2);
    g->in_h = kt_int(r, c->same ? 1 : c->kh, c->kh + 10);
    g->in_w = kt_int(r, c->same ? 1 : c->kw, c->kw + 14);
    if (depthwise) {
        g->in_c = g->out_c = kt_pick(r, DW_CHANS, sizeof DW_CHANS / sizeof DW_CHANS[0]);
    } else {
        /* The long reduction only with small images: the oracle is slow. */
        g->in_c = kt_pick(r, IN_CHANS, sizeof IN_CHANS / sizeof IN_CHANS[0] - 1);
        if (kt_int(r, 0, 7) == 0) {
            g->in_c = IN_CHANS[sizeof IN_CHANS / sizeof IN_CHANS[0] - 1];
            g->in_h = c->same ? 2 : c->kh + 1;
        }
        g->out_c = kt_pick(r, OUT_CHANS, sizeof OUT_CHANS / sizeof OUT_CHANS[0]);
    }
    g->depth_mult = 1;
    g->k_h = c->kh;
    g->k_w = c->kw;
    g->stride_h = c->sh;
    g->stride_w = c->sw;
    g->dil_h = g->dil_w = 1;
    kt_conv_axis(g->in_h, c->kh, c->sh, 1, c->same, &g->out_h, &g->pad_top);
    kt_conv_axis(g->in_w, c->kw, c->sw, 1, c->same, &g->out_w, &g->pad_left);
    kt_act(kt_int(r, 0, 2), &g->act_min, &g->act_max);
}

static void describe(char *buf, size_t len, const char *what, const arv_kernel_table *k,
                     const arv_conv_geom *g)
{
    snprintf(buf, len, "%s/%s: n%d in %dx%dx%d out %dx%dx%d k %dx%d s %d pad %d,%d act [%g,%g]",
             k->name, what, g->batch, g->in_h, g->in_w, g->in_c, g->out_h, g->out_w, g->out_c,
             g->k_h, g->k_w, g->stride_h, g->pad_top, g->pad_left, g->act_min, g->act_max);
}

typedef struct packed_call {
    const arv_kernel_table *k;
    const arv_conv_geom *g;
    const float *in;
    const void *packed;
} packed_call;

static void run_packed_rows(const void *ctx, float *out, int r0, int r1)
{
    const packed_call *c = ctx;
    c->k->conv2d_packed(c->g, c->in, c->packed, out, r0, r1);
}

typedef struct plain_call {
    void (*fn)(const arv_conv_geom *, const float *, const float *, const float *, float *,
               int, int);
    const arv_conv_geom *g;
    const float *in, *w, *bias;
} plain_call;

static void run_plain_rows(const void *ctx, float *out, int r0, int r1)
{
    const plain_call *c = ctx;
    c->fn(c->g, c->in, c->w, c->bias, out, r0, r1);
}

static void compare(const char *kname, const char *what, const float *got, const float *want,
                    size_t n)
{
    const double err = kt_max_err_f(got, want, n);
    kt_err_note(kname, err);
    ck_assert_msg(err <= KT_TOL, "%s: max err %g", what, err);
}

static void check_case(kt_rng *r, const arv_kernel_table *k, int depthwise,
                       const arv_conv_geom *g)
{
    char what[256];
    describe(what, sizeof what, depthwise ? "depthwise" : "conv2d", k, g);
    const size_t n_in = (size_t)g->batch * g->in_h * g->in_w * g->in_c;
    const size_t n_out = (size_t)g->batch * g->out_h * g->out_w * g->out_c;
    const size_t n_w = depthwise ? (size_t)g->k_h * g->k_w * g->out_c
                                 : (size_t)g->out_c * g->k_h * g->k_w * g->in_c;
    const int fan_in = depthwise ? g->k_h * g->k_w : g->k_h * g->k_w * g->in_c;
    float *in = kt_alloc(n_in), *w = kt_alloc(n_w), *bias = kt_alloc((size_t)g->out_c);
    float *want = kt_alloc(n_out), *got = kt_alloc(n_out);
    kt_fill(r, in, n_in, -1.0f, 1.0f);
    const float wa = 2.0f / sqrtf((float)fan_in);
    kt_fill(r, w, n_w, -wa, wa);
    /* A third of the filters 75% zeros, as pose_detection's. */
    if (!depthwise && kt_int(r, 0, 2) == 0)
        for (size_t i = 0; i < n_w; i++)
            if (kt_int(r, 0, 3) != 0)
                w[i] = 0.0f;
    kt_fill(r, bias, (size_t)g->out_c, -1.0f, 1.0f);
    const float *b = kt_int(r, 0, 3) == 0 ? NULL : bias;
    const int rows = g->batch * g->out_h;

    const arv_kernel_table *ref = &arv_kernels_generic;
    (depthwise ? ref->depthwise : ref->conv2d)(g, in, w, b, want, 0, rows);

    /* The table's plain entry. */
    plain_call pc = {depthwise ? k->depthwise : k->conv2d, g, in, w, b};
    pc.fn(g, in, w, b, got, 0, rows);
    compare(depthwise ? "depthwise" : "conv2d", what, got, want, n_out);
    const char *msg = kt_check_rows(r, run_plain_rows, &pc, rows, (size_t)g->out_w * g->out_c, got);
    ck_assert_msg(msg == NULL, "%s: %s", what, msg);

    /* The packed path, as the interpreter runs it. */
    size_t bytes = !depthwise && k->conv2d_packed_size ? k->conv2d_packed_size(g, w) : 0;
    if (bytes) {
        void *packed = aligned_alloc(64, (bytes + 63) & ~(size_t)63);
        ck_assert_ptr_nonnull(packed);
        k->conv2d_pack(g, w, b, packed);
        float *got2 = kt_alloc(n_out);
        k->conv2d_packed(g, in, packed, got2, 0, rows);
        compare("conv2d_packed", what, got2, want, n_out);
        packed_call kc = {k, g, in, packed};
        msg = kt_check_rows(r, run_packed_rows, &kc, rows, (size_t)g->out_w * g->out_c, got2);
        ck_assert_msg(msg == NULL, "%s packed: %s", what, msg);
        free(got2);
        free(packed);
    }
    free(in);
    free(w);
    free(bias);
    free(want);
    free(got);
}

START_TEST(conv2d_vs_generic)
{
    kt_rng r;
    kt_seed(&r, 5000 + (uint64_t)_i);
    for (int t = 0; t < n_tables; t++)
        for (int trial = 0; trial < 10; trial++) {
            arv_conv_geom g;
            random_geom(&r, &CFGS[_i], 0, &g);
            check_case(&r, tables[t], 0, &g);
        }
}
END_TEST

START_TEST(depthwise_vs_generic)
{
    kt_rng r;
    kt_seed(&r, 6000 + (uint64_t)_i);
    for (int t = 0; t < n_tables; t++)
        for (int trial = 0; trial < 12; trial++) {
            arv_conv_geom g;
            random_geom(&r, &CFGS[_i], 1, &g);
            check_case(&r, tables[t], 1, &g);
        }
}
END_TEST

/* A 1x1 conv the size of pose_landmark_heavy's (a few rows of 64x64,
 * 160 -> 960), so full tiles, long rows and every panel are exercised. */
/* Depthwise on rows wide enough for the column-reuse groups (8 and 4
 * pixels, the last group overlapping the one before), with explicit
 * unequal paddings as a folded PAD leaves them, and some dilated rows that
 * take the general path. */
START_TEST(depthwise_wide_rows)
{
    kt_rng r;
    kt_seed(&r, 6500);
    for (int t = 0; t < n_tables; t++)
        for (int trial = 0; trial < 80; trial++) {
            arv_conv_geom g;
            memset(&g, 0, sizeof g);
            g.batch = kt_int(&r, 1, 2);
            g.in_c = g.out_c = kt_pick(&r, DW_CHANS, sizeof DW_CHANS / sizeof DW_CHANS[0]);
            g.depth_mult = 1;
            g.k_h = g.k_w = kt_int(&r, 0, 1) ? 5 : 3;
            g.stride_h = g.stride_w = kt_int(&r, 1, 2);
            g.dil_h = g.dil_w = kt_int(&r, 0, 5) == 0 ? 2 : 1;
            g.in_h = kt_int(&r, 1, 8);
            g.in_w = kt_int(&r, 6, 60);
            g.pad_top = kt_int(&r, 0, g.k_h - 1);
            g.pad_left = kt_int(&r, 0, g.k_w - 1);
            const int span = (g.k_w - 1) * g.dil_w + 1;
            const int pad_b = kt_int(&r, 0, g.k_h - 1), pad_r = kt_int(&r, 0, g.k_w - 1);
            g.out_h = (g.in_h + g.pad_top + pad_b - ((g.k_h - 1) * g.dil_h + 1)) / g.stride_h + 1;
            g.out_w = (g.in_w + g.pad_left + pad_r - span) / g.stride_w + 1;
            if (g.out_h < 1 || g.out_w < 1)
                continue;
            kt_act(kt_int(&r, 0, 2), &g.act_min, &g.act_max);
            check_case(&r, tables[t], 1, &g);
        }
}
END_TEST

/* Deep, narrow depthwise inputs as at the end of the pose backbones: 5x5
 * windows there sweep channel slices (several, the last one partial) row by
 * row instead of whole rows. */
START_TEST(depthwise_deep_slices)
{
    static const int chans[] = {100, 200, 264, 531};
    kt_rng r;
    kt_seed(&r, 6600);
    for (int t = 0; t < n_tables; t++)
        for (int trial = 0; trial < 16; trial++) {
            arv_conv_geom g;
            memset(&g, 0, sizeof g);
            g.batch = 1;
            g.in_c = g.out_c = kt_pick(&r, chans, sizeof chans / sizeof chans[0]);
            g.depth_mult = 1;
            g.k_h = g.k_w = kt_int(&r, 0, 3) ? 5 : 3;
            g.stride_h = g.stride_w = kt_int(&r, 1, 2);
            g.dil_h = g.dil_w = 1;
            g.in_h = kt_int(&r, 3, 10);
            g.in_w = kt_int(&r, 3, 16);
            kt_conv_axis(g.in_h, g.k_h, g.stride_h, 1, 1, &g.out_h, &g.pad_top);
            kt_conv_axis(g.in_w, g.k_w, g.stride_w, 1, 1, &g.out_w, &g.pad_left);
            kt_act(kt_int(&r, 0, 2), &g.act_min, &g.act_max);
            check_case(&r, tables[t], 1, &g);
        }
}
END_TEST

START_TEST(conv2d_model_sized)
{
    kt_rng r;
    kt_seed(&r, 7000);
    for (int t = 0; t < n_tables; t++) {
        arv_conv_geom g;
        memset(&g, 0, sizeof g);
        g.batch = 1;
        g.in_h = g.out_h = 3;
        g.in_w = g.out_w = 64;
        g.in_c = 160;
        g.out_c = 960;
        g.k_h = g.k_w = g.stride_h = g.stride_w = g.dil_h = g.dil_w = g.depth_mult = 1;
        kt_act(2, &g.act_min, &g.act_max);
        check_case(&r, tables[t], 0, &g);
        /* hand_landmark_full's last 1x1 convs: 49 pixels, 1152 -> 197
         * (three K blocks, an odd panel), which go panel-major. */
        g.in_h = g.out_h = g.in_w = g.out_w = 7;
        g.in_c = 1152;
        g.out_c = 197;
        check_case(&r, tables[t], 0, &g);
    }
}
END_TEST

/* Pruned 1x1 convs (pose_detection's are 75% zeros), which pack sparse
 * from 55% zeros on: zero fractions on both sides of that threshold, odd
 * channel counts on both sides of the vector width and the transpose tile,
 * one pixel to many, all activations. Whether the sparse layout was chosen
 * is read from the packed header's first word (PACK_SPARSE = 3 in
 * conv_gemm.inc), so the sparse kernel is known to run. */
START_TEST(conv2d_sparse)
{
    static const int ZERO_PCT[] = {0, 50, 60, 75, 90, 100};
    static const int SP_IN[] = {1, 5, 16, 17, 24, 33, 144, 1152};
    static const int SP_OUT[] = {4, 5, 8, 16, 17, 33, 65};
    static const int PIXELS[][2] = {{1, 1}, {1, 7}, {3, 11}, {2, 33}, {4, 40}};
    kt_rng r;
    kt_seed(&r, 9000);
    for (int t = 0; t < n_tables; t++)
        for (int trial = 0; trial < 90; trial++) {
            const arv_kernel_table *k = tables[t];
            arv_conv_geom g;
            memset(&g, 0, sizeof g);
            const int *px = PIXELS[trial % 5];
            g.batch = trial % 7 == 0 ? 2 : 1;
            g.in_h = g.out_h = px[0];
            g.in_w = g.out_w = px[1];
            g.in_c = trial < 8 ? SP_IN[trial] : kt_pick(&r, SP_IN, 8);
            if (g.in_c == 1152)
                g.in_h = g.out_h = 1;
            g.out_c = kt_pick(&r, SP_OUT, 7);
            g.k_h = g.k_w = g.stride_h = g.stride_w = g.dil_h = g.dil_w = g.depth_mult = 1;
            kt_act(trial % 3, &g.act_min, &g.act_max);
            const int zero_pct = ZERO_PCT[(trial / 5) % 6];
            const size_t n_in = (size_t)g.batch * g.in_h * g.in_w * g.in_c;
            const size_t n_out = (size_t)g.batch * g.out_h * g.out_w * g.out_c;
            const size_t n_w = (size_t)g.out_c * g.in_c;
            float *in = kt_alloc(n_in), *w = kt_alloc(n_w), *bias = kt_alloc((size_t)g.out_c);
            float *want = kt_alloc(n_out), *got = kt_alloc(n_out);
            kt_fill(&r, in, n_in, -1.0f, 1.0f);
            const float wa = 4.0f / sqrtf((float)g.in_c);
            kt_fill(&r, w, n_w, -wa, wa);
            size_t zeros = 0;
            for (size_t i = 0; i < n_w; i++)
                if (kt_int(&r, 0, 99) < zero_pct) {
                    w[i] = 0.0f;
                    zeros++;
                }
            kt_fill(&r, bias, (size_t)g.out_c, -1.0f, 1.0f);
            const float *b = trial % 4 == 3 ? NULL : bias;
            const int rows = g.batch * g.out_h;
            arv_kernels_generic.conv2d(&g, in, w, b, want, 0, rows);
            char what[256];
            describe(what, sizeof what, "conv2d_sparse", k, &g);
            const size_t bytes = k->conv2d_packed_size(&g, w);
            ck_assert_msg(bytes > 0, "%s: not packed", what);
            void *packed = aligned_alloc(64, (bytes + 63) & ~(size_t)63);
            ck_assert_ptr_nonnull(packed);
            k->conv2d_pack(&g, w, b, packed);
            const int sparse = *(const uint32_t *)packed == 3;
            if (g.out_c > 3)
                ck_assert_msg(sparse == ((n_w - zeros) * 20 <= n_w * 9),
                              "%s: %zu of %zu zeros, sparse %d", what, zeros, n_w, sparse);
            k->conv2d_packed(&g, in, packed, got, 0, rows);
            compare(sparse ? "conv2d_sparse" : "conv2d_packed", what, got, want, n_out);
            packed_call kc = {k, &g, in, packed};
            const char *msg = kt_check_rows(&r, run_packed_rows, &kc, rows,
                                            (size_t)g.out_w * g.out_c, got);
            ck_assert_msg(msg == NULL, "%s: %s", what, msg);
            free(packed);
            free(in);
            free(w);
            free(bias);
            free(want);
            free(got);
        }
}
END_TEST

/* The residual epilogue (conv2d_packed_ep, the conv + ADD + PRELU of the
 * interpreter's residual fusion): bit for bit conv2d_packed followed by
 * the table's own ADD and PRELU kernels, on every geometry of the tables
 * above (tails of one and two vectors, K blocks, the sparse layout; the
 * small-N and narrow pointwise paths decline and must write nothing), both ADD operand orders,
 * with and without PRELU, the ADD's clamp infinite or RELU6, NaN and
 * infinities among the residuals, over whole and split row ranges. */
START_TEST(conv2d_packed_epilogue)
{
    kt_rng r;
    kt_seed(&r, 9500);
    for (int t = 0; t < n_tables; t++) {
        const arv_kernel_table *k = tables[t];
        ck_assert_ptr_nonnull(k->conv2d_packed_ep);
        int ran = 0, declined = 0, sparse = 0;
        for (int trial = 0; trial < 280; trial++) {
            arv_conv_geom g;
            /* the last 40: pruned 1x1 convs as pose_detection's (sparse) */
            const int pw_sparse = trial >= 240;
            random_geom(&r, &CFGS[pw_sparse ? 1 : trial % N_CFGS], 0, &g);
            if (pw_sparse) {
                static const int SP_C[] = {16, 17, 24, 33, 48, 65, 144};
                g.in_c = kt_pick(&r, SP_C, 7);
                g.out_c = kt_pick(&r, SP_C, 7);
            }
            if (trial % 5 == 0) {
                g.out_c = 32 + 8 * kt_int(&r, 0, 5);   /* palm's 32..256 and 8-lane tails */
                g.in_c = g.out_c;
            }
            const size_t n_in = (size_t)g.batch * g.in_h * g.in_w * g.in_c;
            const size_t n_out = (size_t)g.batch * g.out_h * g.out_w * g.out_c;
            const size_t n_w = (size_t)g.out_c * g.k_h * g.k_w * g.in_c;
            float *in = kt_alloc(n_in), *w = kt_alloc(n_w), *bias = kt_alloc((size_t)g.out_c);
            float *res = kt_alloc(n_out), *alpha = kt_alloc((size_t)g.out_c);
            float *want = kt_alloc(n_out), *got = kt_alloc(n_out);
            kt_fill(&r, in, n_in, -1.0f, 1.0f);
            kt_fill(&r, w, n_w, -1.0f / sqrtf((float)(g.k_h * g.k_w * g.in_c)),
                    1.0f / sqrtf((float)(g.k_h * g.k_w * g.in_c)));
            /* pruned: 1x1 ones pack sparse, with their own epilogue */
            if (trial % 7 == 3 || pw_sparse)
                for (size_t i = 0; i < n_w; i++)
                    if (kt_int(&r, 0, 4) != 0)
                        w[i] = 0.0f;
            kt_fill(&r, bias, (size_t)g.out_c, -1.0f, 1.0f);
            kt_fill(&r, res, n_out, -2.0f, 2.0f);
            kt_fill(&r, alpha, (size_t)g.out_c, -0.5f, 0.5f);
            if (n_out > 3) {
                res[kt_int(&r, 0, (int)n_out - 1)] = NAN;
                res[kt_int(&r, 0, (int)n_out - 1)] = INFINITY;
                res[kt_int(&r, 0, (int)n_out - 1)] = -INFINITY;
            }
            arv_conv_epilogue ep = {res, trial % 2 ? alpha : NULL, trial % 3 == 0, 0.0f, 0.0f};
            kt_act(trial % 4 == 1 ? 2 : 0, &ep.lo, &ep.hi);
            const size_t bytes = k->conv2d_packed_size(&g, w);
            if (!bytes)
                goto next;
            void *packed = aligned_alloc(64, (bytes + 63) & ~(size_t)63);
            ck_assert_ptr_nonnull(packed);
            k->conv2d_pack(&g, w, bias, packed);
            const int rows = g.batch * g.out_h;
            k->conv2d_packed(&g, in, packed, want, 0, rows);
            const arv_bcast4 flat = {{1, 1, 1, (int)n_out}, {1, 1, 1, (int)n_out},
                                     {1, 1, 1, (int)n_out}};
            if (ep.res_first)
                k->binary(ARV_BIN_ADD, &flat, res, want, ep.lo, ep.hi, want);
            else
                k->binary(ARV_BIN_ADD, &flat, want, res, ep.lo, ep.hi, want);
            if (ep.alpha) {
                const int c = g.out_c;
                const arv_bcast4 pc = {{1, 1, (int)(n_out / (size_t)c), c},
                                       {1, 1, (int)(n_out / (size_t)c), c}, {1, 1, 1, c}};
                k->prelu(&pc, want, alpha, want);
            }
            char what[256];
            describe(what, sizeof what, "conv2d_packed_ep", k, &g);
            const int split = kt_int(&r, 0, rows);
            const int a = k->conv2d_packed_ep(&g, in, packed, got, 0, split, &ep);
            const int b = k->conv2d_packed_ep(&g, in, packed, got, split, rows, &ep);
            ck_assert_msg(a == b || split == 0 || split == rows, "%s: halves disagree", what);
            if (a || b) {
                ran++;
                sparse += *(const uint32_t *)packed == 3;   /* PACK_SPARSE */
                for (size_t i = 0; i < n_out; i++)
                    ck_assert_msg(memcmp(&got[i], &want[i], sizeof(float)) == 0 ||
                                      (isnan(got[i]) && isnan(want[i])),
                                  "%s (res_first %d, prelu %d, [%g,%g], split %d): [%zu] %.9g, "
                                  "unfused %.9g", what, ep.res_first, ep.alpha != NULL,
                                  (double)ep.lo, (double)ep.hi, split, i, (double)got[i],
                                  (double)want[i]);
            } else {
                declined++;
                for (size_t i = 0; i < n_out; i++)
                    ck_assert_msg(kt_is_sentinel(got[i]), "%s: declined but wrote [%zu]", what, i);
            }
            free(packed);
        next:
            free(in);
            free(w);
            free(bias);
            free(res);
            free(alpha);
            free(want);
            free(got);
        }
        /* Most geometries run; few-output ones decline. */
        ck_assert_msg(ran >= 120 && declined >= 10 && sparse >= 10,
                      "%s: %d ran (%d sparse), %d declined", k->name, ran, sparse, declined);
    }
}
END_TEST

typedef struct tc_call {
    const arv_kernel_table *k;
    const arv_conv_geom *g;
    const float *in, *w, *bias;
} tc_call;

static void run_tc_rows(const void *ctx, float *out, int r0, int r1)
{
    const tc_call *c = ctx;
    c->k->transpose_conv(c->g, c->in, c->w, c->bias, out, r0, r1);
}

/* Transposed convolution shapes as TFLite's converter produces them (see
 * test_kernels_conv.c), including the models' 2x2 stride 2 16 -> 1. */
START_TEST(transpose_conv_vs_generic)
{
    static const int KS[] = {1, 2, 3, 4, 5};
    kt_rng r;
    kt_seed(&r, 8000);
    for (int t = 0; t < n_tables; t++)
        for (int trial = 0; trial < 60; trial++) {
            arv_conv_geom g;
            memset(&g, 0, sizeof g);
            const int same = kt_int(&r, 0, 1);
            g.batch = kt_int(&r, 1, 2);
            g.in_h = kt_int(&r, 1, 9);
            g.in_w = kt_int(&r, 1, 9);
            g.in_c = kt_pick(&r, IN_CHANS, 7);
            g.out_c = kt_pick(&r, OUT_CHANS, 6);
            g.k_h = trial % 4 == 0 ? 2 : KS[kt_int(&r, 0, 4)];
            g.k_w = trial % 4 == 0 ? 2 : kt_int(&r, 0, 2) ? g.k_h : KS[kt_int(&r, 0, 4)];
            g.stride_h = trial % 4 == 0 ? 2 : kt_int(&r, 1, 3);
            g.stride_w = trial % 4 == 0 ? 2 : kt_int(&r, 0, 2) ? g.stride_h : kt_int(&r, 1, 3);
            g.dil_h = g.dil_w = g.depth_mult = 1;
            if (same) {
                g.out_h = g.in_h * g.stride_h;
                g.out_w = g.in_w * g.stride_w;
                const int th = (g.in_h - 1) * g.stride_h + g.k_h - g.out_h;
                const int tw = (g.in_w - 1) * g.stride_w + g.k_w - g.out_w;
                g.pad_top = th > 0 ? th / 2 : 0;
                g.pad_left = tw > 0 ? tw / 2 : 0;
            } else {
                g.out_h = (g.in_h - 1) * g.stride_h + g.k_h + kt_int(&r, 0, g.stride_h - 1);
                g.out_w = (g.in_w - 1) * g.stride_w + g.k_w + kt_int(&r, 0, g.stride_w - 1);
            }
            kt_act(kt_int(&r, 0, 2), &g.act_min, &g.act_max);
            const size_t n_in = (size_t)g.batch * g.in_h * g.in_w * g.in_c;
            const size_t n_out = (size_t)g.batch * g.out_h * g.out_w * g.out_c;
            const size_t n_w = (size_t)g.out_c * g.k_h * g.k_w * g.in_c;
            float *in = kt_alloc(n_in), *w = kt_alloc(n_w), *bias = kt_alloc((size_t)g.out_c);
            float *want = kt_alloc(n_out), *got = kt_alloc(n_out);
            kt_fill(&r, in, n_in, -1.0f, 1.0f);
            const float wa = 2.0f / sqrtf((float)(g.k_h * g.k_w * g.in_c));
            kt_fill(&r, w, n_w, -wa, wa);
            kt_fill(&r, bias, (size_t)g.out_c, -1.0f, 1.0f);
            const float *b = kt_int(&r, 0, 3) == 0 ? NULL : bias;
            const int rows = g.batch * g.out_h;
            arv_kernels_generic.transpose_conv(&g, in, w, b, want, 0, rows);
            const arv_kernel_table *k = tables[t];
            k->transpose_conv(&g, in, w, b, got, 0, rows);
            char what[256];
            describe(what, sizeof what, "transpose_conv", k, &g);
            compare("transpose_conv", what, got, want, n_out);
            tc_call tc = {k, &g, in, w, b};
            const char *msg = kt_check_rows(&r, run_tc_rows, &tc, rows,
                                            (size_t)g.out_w * g.out_c, got);
            ck_assert_msg(msg == NULL, "%s: %s", what, msg);
            free(in);
            free(w);
            free(bias);
            free(want);
            free(got);
        }
}
END_TEST

int main(void)
{
    setup();
    printf("tables under test:");
    for (int i = 0; i < n_tables; i++)
        printf(" %s", tables[i]->name);
    printf("%s\n", n_tables ? "" : " none (no SIMD table on this machine)");
    Suite *s = suite_create("simd_conv");
    TCase *tc = tcase_create("vs_generic");
    tcase_set_timeout(tc, 600);
    tcase_add_loop_test(tc, conv2d_vs_generic, 0, N_CFGS);
    tcase_add_loop_test(tc, depthwise_vs_generic, 0, N_CFGS);
    tcase_add_test(tc, depthwise_wide_rows);
    tcase_add_test(tc, depthwise_deep_slices);
    tcase_add_test(tc, conv2d_model_sized);
    tcase_add_test(tc, conv2d_sparse);
    tcase_add_test(tc, conv2d_packed_epilogue);
    tcase_add_test(tc, transpose_conv_vs_generic);
    suite_add_tcase(s, tc);
    return kt_run_suite(s);
}
