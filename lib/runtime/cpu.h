/* cpu.h — kernel table selection (CPU features, ARV_ISA override). */
#ifndef ARV_CPU_H
#define ARV_CPU_H

#include "kernels/kernels.h"

/* The table for isa ("generic", "avx2", "avx512", "neon"; NULL, "" or
 * "auto" = best available, honouring $ARV_ISA). NULL if that ISA is unknown
 * or not available on this machine or in this build. */
const arv_kernel_table *arv_kernels_select(const char *isa);

/* Names of the tables this machine can run, best last; returns the count.
 * Tests use it to cover every path. */
int arv_kernels_available(const char **names, int max);

#endif
