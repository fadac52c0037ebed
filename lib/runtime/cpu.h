/* cpu.h — kernel table selection (CPU features, ARV_ISA override). */
#ifndef ARV_CPU_H
#define ARV_CPU_H

#include "kernels/kernels.h"

/* The table for isa ("generic", ...; NULL or "auto" = best available,
 * honouring $ARV_ISA). NULL if that ISA is unknown or not available here. */
const arv_kernel_table *arv_kernels_select(const char *isa);

#endif
