/* gptq.h — weight rounding that accounts for the inputs (GPTQ: Frantar et
 * al., "GPTQ: Accurate Post-Training Quantization for Generative
 * Pre-trained Transformers", 2022, itself after Optimal Brain Quantization).
 * Internal to lib/quant. */
#ifndef ARV_QUANT_GPTQ_H
#define ARV_QUANT_GPTQ_H

#include <stddef.h>
#include <stdint.h>

/* Round rows x k weights to int8 codes on each row's grid (code * scale[r],
 * codes in [-127, 127]) so that the rows' outputs over the calibration
 * inputs move as little as possible: weight (r, i) is w[r * rstride + i *
 * cstride], its code goes to the same place in q. h is the inputs' k x k
 * second-moment matrix (hessian.h); colk, if not NULL, scales input i by
 * colk[i] (equalization changed the inputs after h was taken: the matrix
 * becomes diag(colk) h diag(colk)). Returns 0, or -1 when out of memory or
 * the matrix cannot be factored (q is then untouched; round to nearest). */
int arv_gptq_round(const float *w, int8_t *q, int rows, int k, size_t rstride, size_t cstride,
                   const float *scale, const double *h, const float *colk);

#endif
