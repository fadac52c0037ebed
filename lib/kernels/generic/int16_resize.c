/* int16_resize.c — RESIZE_BILINEAR on int16 as TensorFlow Lite runs it:
 * resize_bilinear.cc sends int16 to reference_ops::ResizeBilinearInteger
 * (XNNPACK takes no int16), the same integer scheme as int8's reference
 * kernel, from one template (resize_integer.inc). Input and output share
 * their scale (zero points 0). */
#include "kernels/kernels_int8.h"

#define RESIZE_T int16_t
#define RESIZE_FN arv_q16_resize_bilinear
#include "resize_integer.inc"
