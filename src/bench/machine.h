/* machine.h — the machine a benchmark ran on (CPU model, cores, clock) and
 * the peak fp32 MACs per cycle assumed for a kernel set. */
#ifndef ARV_BENCH_MACHINE_H
#define ARV_BENCH_MACHINE_H

typedef struct arv_machine {
    char cpu[128];
    int cores;
    double mhz;                       /* 0: unknown */
    const char *mhz_source;
} arv_machine;

/* From sysconf, cpufreq's cpuinfo_max_freq and /proc/cpuinfo; never fails
 * (unknown parts stay "unknown" / 0). */
void arv_machine_read(arv_machine *mc);

/* fp32 multiply-accumulates per cycle and core for a kernel set, by name
 * prefix; *note says the assumption, to print beside the figure. */
int arv_isa_mac_per_cycle(const char *isa, const char **note);

#endif
