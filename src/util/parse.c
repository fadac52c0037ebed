/* parse.c — see parse.h. */
#include <errno.h>
#include <stdlib.h>
#include "util/parse.h"

int arv_parse_double(const char *s, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (!*s || *end || errno || !(v >= lo && v <= hi))
        return -1;
    *out = v;
    return 0;
}

int arv_parse_float(const char *s, float lo, float hi, float *out)
{
    double v;
    if (arv_parse_double(s, lo, hi, &v) != 0)
        return -1;
    *out = (float)v;
    return 0;
}
