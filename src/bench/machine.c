/* machine.c — see machine.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "bench/machine.h"

void arv_machine_read(arv_machine *mc)
{
    memset(mc, 0, sizeof *mc);
    strcpy(mc->cpu, "unknown");
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    mc->cores = n > 0 ? (int)n : 1;
    char line[512];
    FILE *fp = fopen("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq", "r");
    if (fp) {
        double khz;
        if (fscanf(fp, "%lf", &khz) == 1 && khz > 0) {
            mc->mhz = khz / 1000.0;
            mc->mhz_source = "cpufreq cpuinfo_max_freq";
        }
        fclose(fp);
    }
    if (!(fp = fopen("/proc/cpuinfo", "r")))
        return;
    int have_name = 0;
    while (fgets(line, sizeof line, fp)) {
        char *colon = strchr(line, ':');
        if (!colon)
            continue;
        char *val = colon + 1;
        while (*val == ' ' || *val == '\t')
            val++;
        val[strcspn(val, "\n")] = 0;
        if (!have_name && (!strncmp(line, "model name", 10) || !strncmp(line, "Hardware", 8) ||
                           !strncmp(line, "cpu model", 9)) && *val) {
            snprintf(mc->cpu, sizeof mc->cpu, "%s", val);
            have_name = 1;
        } else if (!mc->mhz && !strncmp(line, "cpu MHz", 7)) {
            double mhz = atof(val);
            if (mhz > 0) {
                mc->mhz = mhz;
                mc->mhz_source = "/proc/cpuinfo cpu MHz";
            }
        }
    }
    fclose(fp);
}

/* fp32 multiply-accumulates per cycle and core for a kernel set, by name
 * prefix. Assumptions, printed with the figure: two FMA pipes per core on
 * x86 and on big aarch64 cores; generic C counted as scalar. */
int arv_isa_mac_per_cycle(const char *isa, const char **note)
{
    if (!strncmp(isa, "avx512", 6)) {
        *note = "AVX-512: 2 FMA units x 16 fp32 lanes";
        return 32;
    }
    if (!strncmp(isa, "avx", 3)) {
        *note = "AVX2+FMA: 2 FMA units x 8 fp32 lanes";
        return 16;
    }
    if (!strncmp(isa, "neon", 4) || !strncmp(isa, "asimd", 5)) {
        *note = "NEON: 2 FMA units x 4 fp32 lanes";
        return 8;
    }
    *note = "generic C: assumed 1 scalar fp32 MAC/cycle, compiler vectorization not counted";
    return 1;
}
