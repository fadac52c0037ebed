/* shape.c — see shape.h. */
#include <stdio.h>
#include "util/shape.h"

void arv_shape_str(const int *dims, int nd, char *buf, size_t len)
{
    size_t o = (size_t)snprintf(buf, len, "[");
    for (int d = 0; d < nd && o < len; d++)
        o += (size_t)snprintf(buf + o, len - o, "%s%d", d ? "," : "", dims[d]);
    if (o < len)
        snprintf(buf + o, len - o, "]");
}
