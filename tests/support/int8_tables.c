/* int8_tables.c — see int8_tables.h. */
#include <stdio.h>
#include <string.h>
#include "runtime/cpu.h"
#include "support/int8_tables.h"

int kt_int8_tables(const char *who, const arv_kernel_table_int8 **tables, int max)
{
    static const char *const fp[] = {"avx2", "avx512"};
    int n = 0;
    for (int i = 0; i < 2; i++) {
        const arv_kernel_table *t = arv_kernels_select(fp[i]);
        if (!t) {
            printf("%s: no %s on this machine/build: its int8 table is skipped\n", who, fp[i]);
            continue;
        }
        const arv_kernel_table_int8 *q = arv_kernels_int8_for(t);
        int dup = q == &arv_kernels_int8_generic;
        for (int j = 0; j < n; j++)
            dup |= tables[j] == q;
        if (strcmp(fp[i], "avx512") == 0 && strcmp(q->name, "avx512vnni") != 0)
            printf("%s: AVX-512 without VNNI: the avx512vnni int8 table is skipped\n", who);
        if (!dup && n < max)
            tables[n++] = q;
    }
    for (int j = 0; j < n; j++)
        printf("%s: testing int8 table %s\n", who, tables[j]->name);
    return n;
}

void kt_fill8(kt_rng *r, int8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (int8_t)kt_int(r, -128, 127);
}

int32_t kt_pick_zp(kt_rng *r)
{
    switch (kt_int(r, 0, 4)) {
    case 0: return -128;
    case 1: return 127;
    case 2: return 0;
    default: return kt_int(r, -128, 127);
    }
}
