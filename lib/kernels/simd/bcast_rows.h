/* bcast_rows.h — how the SIMD element-wise int8 kernels walk a broadcast
 * binary op: as rows of one length, each operand either the output's shape,
 * one row of C repeated (per channel) or one value. ISA-independent; shared
 * by the AVX2 and AVX-512 tables. */
#ifndef ARV_KERNELS_BCAST_ROWS_H
#define ARV_KERNELS_BCAST_ROWS_H

#include <stddef.h>
#include "kernels/kernels.h"

static inline size_t arv_bcast_count(const arv_bcast4 *s)
{
    return (size_t)s->out[0] * s->out[1] * s->out[2] * s->out[3];
}

enum { ARV_OPD_FULL, ARV_OPD_ROW, ARV_OPD_ONE, ARV_OPD_OTHER };

static inline int arv_bcast_operand(const int d[4], const int out[4])
{
    if (d[0] == out[0] && d[1] == out[1] && d[2] == out[2] && d[3] == out[3])
        return ARV_OPD_FULL;
    if (d[0] == 1 && d[1] == 1 && d[2] == 1)
        return d[3] == out[3] ? ARV_OPD_ROW : d[3] == 1 ? ARV_OPD_ONE : ARV_OPD_OTHER;
    return ARV_OPD_OTHER;
}

/* Rows of length *len (the whole tensor when both operands span it); *sa /
 * *sb: an operand's step per row (0 for a repeated row), *oa / *ob: 1 for a
 * single value. -1 for layouts the row loops do not take (the caller runs
 * the generic kernel). */
static inline long arv_bcast_rows(const arv_bcast4 *s, size_t *len, size_t *sa, size_t *sb,
                                  int *oa, int *ob)
{
    const int ka = arv_bcast_operand(s->a, s->out), kb = arv_bcast_operand(s->b, s->out);
    if (ka == ARV_OPD_OTHER || kb == ARV_OPD_OTHER)
        return -1;
    const size_t n = arv_bcast_count(s), c = (size_t)s->out[3];
    *oa = ka == ARV_OPD_ONE;
    *ob = kb == ARV_OPD_ONE;
    if (ka != ARV_OPD_ROW && kb != ARV_OPD_ROW) {
        *len = n;
        *sa = *sb = 0;
        return n ? 1 : 0;
    }
    *len = c;
    *sa = ka == ARV_OPD_FULL ? c : 0;
    *sb = kb == ARV_OPD_FULL ? c : 0;
    return c ? (long)(n / c) : 0;
}

#endif
