/* DEPTH_TO_SPACE, float32, TFLite's DCR order: the input channel group
 * (by*block + bx) becomes the output pixel (h*block + by, w*block + bx).
 * in_c is the input depth; each output pixel takes in_c/(block*block). */
#include "generic.h"

#include <string.h>

void arv_ref_depth_to_space_f32(int batch, int in_h, int in_w, int in_c,
                                int block, const float *in, float *out)
{
    const size_t oc = (size_t)(in_c / (block * block));
    float *o = out;
    /* Walking the output in order, each run of oc channels is contiguous in
     * the input too. */
    for (int n = 0; n < batch; n++)
        for (int h = 0; h < in_h; h++)
            for (int by = 0; by < block; by++)
                for (int w = 0; w < in_w; w++) {
                    const float *ip =
                        in + (((size_t)n * (size_t)in_h + (size_t)h) *
                                  (size_t)in_w + (size_t)w) * (size_t)in_c +
                        (size_t)by * (size_t)block * oc;
                    for (int bx = 0; bx < block; bx++, o += oc)
                        memcpy(o, ip + (size_t)bx * oc, oc * sizeof *o);
                }
}
