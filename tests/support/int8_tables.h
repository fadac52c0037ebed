/* int8_tables.h — what the int8 SIMD tests share: the optimized int8 tables
 * this machine runs, and random int8 data with the zero points that break
 * kernels (the ends of the range and 0) drawn often. */
#ifndef INT8_TABLES_H
#define INT8_TABLES_H

#include <stddef.h>
#include <stdint.h>
#include "kernels/kernels_int8.h"
#include "support/ktest.h"

/* The distinct optimized int8 tables (not the generic one) reachable here,
 * at most max; prints which ones are tested and why others are skipped,
 * prefixed by who. Returns their number. */
int kt_int8_tables(const char *who, const arv_kernel_table_int8 **tables, int max);

void kt_fill8(kt_rng *r, int8_t *p, size_t n);   /* uniform over [-128, 127] */
int32_t kt_pick_zp(kt_rng *r);                   /* -128, 127, 0 or uniform */

#endif
