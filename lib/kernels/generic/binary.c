/* ADD / MUL / SUB with 4-D broadcasting, and PRELU, float32. */
#include "generic.h"

/* Row-major strides of a 4-D operand, with 0 for dims that broadcast so that
 * one output coordinate maps straight to the operand's element. */
static void bcast_strides(const int dims[4], const int out[4], size_t st[4])
{
    size_t s = 1;
    for (int d = 3; d >= 0; d--) {
        st[d] = (dims[d] == 1 && out[d] != 1) ? 0 : s;
        s *= (size_t)dims[d];
    }
}

/* Walks the output in order and hands each (a, b) element pair to `f`. The
 * callbacks keep the walk in one place for binary ops and PRELU alike. */
typedef float (*pair_fn)(float a, float b, const void *ctx);

static void bcast_walk(const arv_bcast4 *s, const float *a, const float *b,
                       pair_fn f, const void *ctx, float *out)
{
    size_t sa[4], sb[4];
    bcast_strides(s->a, s->out, sa);
    bcast_strides(s->b, s->out, sb);
    size_t k = 0;
    for (int i0 = 0; i0 < s->out[0]; i0++)
        for (int i1 = 0; i1 < s->out[1]; i1++)
            for (int i2 = 0; i2 < s->out[2]; i2++) {
                const float *pa = a + (size_t)i0 * sa[0] +
                                  (size_t)i1 * sa[1] + (size_t)i2 * sa[2];
                const float *pb = b + (size_t)i0 * sb[0] +
                                  (size_t)i1 * sb[1] + (size_t)i2 * sb[2];
                for (int i3 = 0; i3 < s->out[3]; i3++)
                    out[k++] = f(pa[(size_t)i3 * sa[3]],
                                 pb[(size_t)i3 * sb[3]], ctx);
            }
}

typedef struct bin_ctx {
    arv_binary_op op;
    float lo, hi;
} bin_ctx;

static float bin_one(float a, float b, const void *ctx)
{
    const bin_ctx *c = ctx;
    float v;
    switch (c->op) {
    case ARV_BIN_MUL: v = a * b; break;
    case ARV_BIN_SUB: v = a - b; break;
    case ARV_BIN_ADD:
    default: v = a + b; break;
    }
    return arv_ref_act(v, c->lo, c->hi);
}

void arv_ref_binary_f32(arv_binary_op op, const arv_bcast4 *s, const float *a,
                        const float *b, float act_min, float act_max,
                        float *out)
{
    const bin_ctx c = { op, act_min, act_max };
    bcast_walk(s, a, b, bin_one, &c, out);
}

static float prelu_one(float x, float alpha, const void *ctx)
{
    (void)ctx;
    return x >= 0.0f ? x : x * alpha;
}

void arv_ref_prelu_f32(const arv_bcast4 *s, const float *x, const float *alpha,
                       float *out)
{
    bcast_walk(s, x, alpha, prelu_one, NULL, out);
}
