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

/* TFLite's reference logistic: past the cutoffs 1/(1+e^-x) is 1.0f in float
 * anyway (upper), or e^x is the sigmoid to within float precision (lower);
 * using them means exp never overflows, so ±inf and ±1e30 give 1 and 0. */
void arv_ref_logistic_f32(size_t n, const float *in, float *out)
{
    const float cutoff_upper = 16.619047164916992188f;
    const float cutoff_lower = -9.0f;
    for (size_t i = 0; i < n; i++) {
        const float x = in[i];
        float y;
        if (x > cutoff_upper)
            y = 1.0f;
        else if (x < cutoff_lower)
            y = expf(x);
        else
            y = 1.0f / (1.0f + expf(-x));
        out[i] = y;
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
