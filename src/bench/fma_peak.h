/* fma_peak.h — this core's fp32 multiply-accumulate peak, measured: the
 * nominal figure (lanes x FMA units x clock) overstates cores that split a
 * 512-bit FMA in two (AMD Zen 4 issues one per cycle, not two), and the
 * clock the kernel reports is often not the one the core runs at. */
#ifndef ARV_BENCH_FMA_PEAK_H
#define ARV_BENCH_FMA_PEAK_H

/* GMAC/s of one thread running 12 independent chains of the kernel set's
 * widest FMA (best of a few ~10 ms runs); 0 when the set has no SIMD FMA
 * this build can issue (generic C). *how says what ran. */
double arv_fma_peak_gmacs(const char *isa, const char **how);

#endif
