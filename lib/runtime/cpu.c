/* cpu.c — choosing the kernel table. Today only the portable table exists;
 * the ISA tables (AVX2, AVX-512, NEON) plug in here behind CPUID checks, and
 * ARV_ISA or arv_options.isa force one. */
#include <stdlib.h>
#include <string.h>
#include "runtime/cpu.h"

const arv_kernel_table *arv_kernels_select(const char *isa)
{
    if (!isa || !*isa)
        isa = getenv("ARV_ISA");
    if (!isa || !*isa || strcmp(isa, "auto") == 0 || strcmp(isa, "generic") == 0)
        return &arv_kernels_generic;
    return NULL;
}
