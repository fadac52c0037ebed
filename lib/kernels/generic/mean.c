/* MEAN over chosen axes of a 4-D tensor, float32, as TFLite's reference:
 * sum in float visiting the input in memory order, then divide by the count
 * of reduced elements. */
#include "generic.h"

void arv_ref_mean4_f32(const int in_dims[4], const int reduce[4],
                       const float *in, float *out)
{
    int od[4];
    size_t ostride[4];   /* 0 along reduced dims: they all fold onto one */
    size_t n_out = 1, count = 1;
    for (int d = 0; d < 4; d++) {
        od[d] = reduce[d] ? 1 : in_dims[d];
        n_out *= (size_t)od[d];
        if (reduce[d])
            count *= (size_t)in_dims[d];
    }
    size_t s = 1;
    for (int d = 3; d >= 0; d--) {
        ostride[d] = reduce[d] ? 0 : s;
        s *= (size_t)od[d];
    }

    for (size_t k = 0; k < n_out; k++)
        out[k] = 0.0f;
    const float *ip = in;
    for (int i0 = 0; i0 < in_dims[0]; i0++)
        for (int i1 = 0; i1 < in_dims[1]; i1++)
            for (int i2 = 0; i2 < in_dims[2]; i2++) {
                float *o = out + (size_t)i0 * ostride[0] +
                           (size_t)i1 * ostride[1] + (size_t)i2 * ostride[2];
                for (int i3 = 0; i3 < in_dims[3]; i3++)
                    o[(size_t)i3 * ostride[3]] += *ip++;
            }
    const float n = (float)count;
    for (size_t k = 0; k < n_out; k++)
        out[k] = out[k] / n;
}
