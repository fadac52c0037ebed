/* CONCATENATION, float32: inputs interleaved along one axis. */
#include "generic.h"

#include <string.h>

void arv_ref_concat_f32(int n_inputs, const float *const *ins,
                        const int *sizes, size_t outer, size_t inner,
                        float *out)
{
    float *o = out;
    for (size_t k = 0; k < outer; k++) {
        for (int i = 0; i < n_inputs; i++) {
            const size_t run = (size_t)sizes[i] * inner;
            memcpy(o, ins[i] + k * run, run * sizeof *o);
            o += run;
        }
    }
}
