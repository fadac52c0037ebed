/* int16_dw_pack.c — the packed weight layout of the 16x8 depthwise conv
 * (kernels_int8.h describes it): two taps' int8 weights interleaved as
 * int16 pairs, so one vpmaddwd sums two taps of a channel into one int32
 * lane. Packed once, at interpreter creation; ISA-independent. */
#include "kernels/kernels_int8.h"

size_t arv_q16_dw_packed_size(const arv_conv_geom *g)
{
    const int taps = g->k_h * g->k_w;
    if (g->depth_mult != 1 || g->in_c < 1 || g->in_c > ARV_Q16_DW_MAX_C || taps < 1 ||
        taps > ARV_Q16_DW_MAX_TAPS)
        return 0;
    const size_t pairs = (size_t)(taps + 1) / 2, blocks = (size_t)(g->in_c + 31) / 32;
    return pairs * blocks * 64 * sizeof(int16_t);
}

void arv_q16_dw_pack(const arv_conv_geom *g, const int8_t *w, void *packed)
{
    const int taps = g->k_h * g->k_w, C = g->in_c;
    const int pairs = (taps + 1) / 2, blocks = (C + 31) / 32;
    int16_t *o = packed;
    for (int p = 0; p < pairs; p++)
        for (int b = 0; b < blocks; b++, o += 64)
            for (int h = 0; h < 2; h++)
                for (int l = 0; l < 4; l++)
                    for (int i = 0; i < 4; i++)
                        for (int s = 0; s < 2; s++) {
                            const int t = 2 * p + s, c = 32 * b + 8 * l + 4 * h + i;
                            o[h * 32 + l * 8 + i * 2 + s] =
                                t < taps && c < C ? w[(size_t)t * C + c] : 0;
                        }
}
