/* colour.h — colour statistics and transfer, for harmonizing a cut-out
 * person with a new background (Reinhard et al., "Color Transfer between
 * Images", 2001: match per-channel mean and standard deviation in a
 * decorrelated space; CIE L*a*b* here, or plain RGB).
 *
 * Lab is CIE 1976 L*a*b* of sRGB (IEC 61966-2-1 transfer curve, D65 white,
 * the sRGB primaries' RGB->XYZ matrix): L in [0, 100], a/b roughly
 * [-128, 127]. */
#ifndef ARV_COLOUR_H
#define ARV_COLOUR_H

#include "image/image.h"

typedef enum arv_colour_space { ARV_SPACE_RGB, ARV_SPACE_LAB } arv_colour_space;

void arv_srgb_to_lab(const uint8_t rgb[3], float lab[3]);
/* Out-of-gamut values are clamped to [0, 255]. */
void arv_lab_to_srgb(const float lab[3], uint8_t rgb[3]);

typedef struct arv_colour_stats {
    double mean[3], std[3];   /* per channel, in the chosen space */
    double weight;            /* sum of weights (pixel count when unweighted) */
} arv_colour_stats;

/* Weighted mean and (population) standard deviation per channel of an RGB
 * image. weight: NULL (all pixels weigh 1) or a plane of the image's size
 * clamped to [0, 1]; invert: use 1 - weight (the background of a mask).
 * Returns 0, or -1 on bad arguments; zero total weight gives zeros. */
int arv_colour_stats_compute(const arv_image *im, const arv_fimage *weight, int invert,
                             arv_colour_space space, arv_colour_stats *out);

/* Move im's colours from statistics `from` toward `to`:
 *   x' = to.mean + (x - from.mean) * clamp(to.std / from.std, 1/3, 3)
 *   x  <- x + strength * (x' - x)
 * per channel in the chosen space, on the pixels where mask > 0 (all if mask
 * is NULL). The ratio clamp keeps a nearly flat channel from exploding.
 * Returns 0 or -1. */
int arv_colour_transfer(arv_image *im, const arv_fimage *mask, const arv_colour_stats *from,
                        const arv_colour_stats *to, float strength, arv_colour_space space);

#endif
