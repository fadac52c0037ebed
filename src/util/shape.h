/* shape.h — tensor shapes as text for messages and reports. */
#ifndef ARV_SHAPE_H
#define ARV_SHAPE_H

#include <stddef.h>

/* "[1,224,224,3]" into buf (truncated to len, always terminated for len > 0). */
void arv_shape_str(const int *dims, int nd, char *buf, size_t len);

#endif
