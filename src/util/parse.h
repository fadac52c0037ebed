/* parse.h — option values as numbers: the whole string or nothing, so that
 * "1.5x" or "" is an error rather than a silent 1.5 or 0. */
#ifndef ARV_PARSE_H
#define ARV_PARSE_H

/* A decimal in [lo, hi] (NaN, inf and out-of-range values fail). Returns 0
 * and sets *out, or -1 leaving *out alone. */
int arv_parse_double(const char *s, double lo, double hi, double *out);
int arv_parse_float(const char *s, float lo, float hi, float *out);

#endif
