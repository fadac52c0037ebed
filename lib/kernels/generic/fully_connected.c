/* FULLY_CONNECTED, float32, as tflite::reference_ops::FullyConnected. */
#include "generic.h"

void arv_ref_fully_connected_f32(int batches, int in_dim, int out_dim,
                                 const float *in, const float *w,
                                 const float *bias, float act_min,
                                 float act_max, float *out, int row_begin,
                                 int row_end)
{
    (void)batches;   /* the row range already bounds the work */
    for (int b = row_begin; b < row_end; b++) {
        const float *x = in + (size_t)b * (size_t)in_dim;
        float *y = out + (size_t)b * (size_t)out_dim;
        for (int o = 0; o < out_dim; o++) {
            const float *wo = w + (size_t)o * (size_t)in_dim;
            float acc = 0.0f;
            for (int i = 0; i < in_dim; i++)
                acc += x[i] * wo[i];
            const float bv = bias ? bias[o] : 0.0f;
            y[o] = arv_ref_act(acc + bv, act_min, act_max);
        }
    }
}
