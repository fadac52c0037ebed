/* PAD with zeros, 4-D, float32. */
#include "generic.h"

#include <string.h>

void arv_ref_pad4_f32(const int in_dims[4], const int before[4],
                      const int after[4], const float *in, float *out)
{
    int od[4];
    for (int d = 0; d < 4; d++)
        od[d] = before[d] + in_dims[d] + after[d];
    const size_t row = (size_t)od[3];
    const size_t in_row = (size_t)in_dims[3];
    float *o = out;

    /* Output rows (the last dim) are either all padding or padding around
     * one contiguous input row. */
    for (int i0 = 0; i0 < od[0]; i0++) {
        const int s0 = i0 - before[0];
        for (int i1 = 0; i1 < od[1]; i1++) {
            const int s1 = i1 - before[1];
            for (int i2 = 0; i2 < od[2]; i2++, o += row) {
                const int s2 = i2 - before[2];
                if (s0 < 0 || s0 >= in_dims[0] || s1 < 0 ||
                    s1 >= in_dims[1] || s2 < 0 || s2 >= in_dims[2]) {
                    memset(o, 0, row * sizeof *o);
                    continue;
                }
                const float *ip =
                    in + (((size_t)s0 * (size_t)in_dims[1] + (size_t)s1) *
                              (size_t)in_dims[2] + (size_t)s2) * in_row;
                memset(o, 0, (size_t)before[3] * sizeof *o);
                memcpy(o + before[3], ip, in_row * sizeof *o);
                memset(o + (size_t)before[3] + in_row, 0,
                       (size_t)after[3] * sizeof *o);
            }
        }
    }
}
