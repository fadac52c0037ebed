/* stats.h — summary statistics of timing samples: pure functions, no I/O.
 *
 * Percentiles use linear interpolation between the closest ranks of the
 * sorted samples (Hyndman & Fan type 7, NumPy's default "linear"): for
 * fraction p in [0,1] and n sorted values x[0..n-1], h = (n-1)·p and
 * P = x[floor h] + (h - floor h)·(x[floor h + 1] - x[floor h]). So the
 * median of an even count is the mean of the two middle values, p = 0 is the
 * minimum and p = 1 the maximum. */
#ifndef ARV_STATS_H
#define ARV_STATS_H

#include <stddef.h>

typedef struct arv_stats {
    size_t count;
    double first, last;       /* samples[0], samples[n-1] in the given order */
    double min, max, mean;
    double std;               /* population standard deviation (divide by n),
                                 as TFLite's benchmark_model reports it */
    double median, p90, p99;
} arv_stats;

/* Mean of x[0..n-1]; 0 for n = 0. */
double arv_stats_mean(const double *x, size_t n);
/* Population standard deviation (two-pass, around the mean); 0 for n < 2. */
double arv_stats_std(const double *x, size_t n);
/* Percentile p (fraction, clamped to [0,1]) of ascending-sorted values; 0 for n = 0. */
double arv_stats_percentile_sorted(const double *sorted, size_t n, double p);
/* Sort x[0..n-1] ascending in place. */
void arv_stats_sort(double *x, size_t n);
/* Everything above for samples in run order (not modified). Needs a scratch
 * buffer of n doubles (the caller's, so this never allocates); returns -1 if
 * n = 0, else 0. */
int arv_stats_summarize(const double *samples, size_t n, double *scratch, arv_stats *out);

#endif
