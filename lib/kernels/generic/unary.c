/* Element-wise activations, float32. in == out is allowed: every element is
 * read before it is written and nothing else is read afterwards. */
#include "generic.h"

#include <math.h>

void arv_ref_clamp_f32(size_t n, const float *in, float lo, float hi,
                       float *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = arv_ref_act(in[i], lo, hi);
}

/* Sigmoid to full float precision everywhere, as TFLite's runtime kernels
 * (XNNPACK, the optimized path) compute it. TFLite's reference kernel returns
 * e^x below -9, which is off by a relative e^x (1.5e-4 at -8.8): visible on
 * the near-zero presence scores of the landmark models. e^-|x| never
 * overflows, so ±inf and ±1e30 give exactly 1 and 0. */
void arv_ref_logistic_f32(size_t n, const float *in, float *out)
{
    for (size_t i = 0; i < n; i++) {
        const float x = in[i];
        const float e = expf(-fabsf(x));
        const float y = 1.0f / (1.0f + e);     /* sigmoid(|x|) */
        out[i] = x >= 0.0f ? y : e * y;        /* sigmoid(-|x|) = e^-|x| sigmoid(|x|) */
    }
}

/* x * relu6(x + 3) / 6 with TFLite's operation order (multiply, then divide
 * by 6 rather than multiply by 1/6) and its std::min/std::max semantics. */
void arv_ref_hard_swish_f32(size_t n, const float *in, float *out)
{
    for (size_t i = 0; i < n; i++) {
        const float x = in[i];
        const float t = x + 3.0f;
        const float relu = (0.0f < t) ? t : 0.0f;    /* std::max(0, t) */
        const float relu6 = (relu < 6.0f) ? relu : 6.0f; /* std::min(6, .) */
        out[i] = x * relu6 / 6.0f;
    }
}
