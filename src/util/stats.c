/* stats.c — mean, standard deviation and percentiles of timing samples
 * (method in stats.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "util/stats.h"

double arv_stats_mean(const double *x, size_t n)
{
    if (n == 0)
        return 0.0;
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += x[i];
    return s / (double)n;
}

double arv_stats_std(const double *x, size_t n)
{
    if (n < 2)
        return 0.0;
    double m = arv_stats_mean(x, n), s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += (x[i] - m) * (x[i] - m);
    return sqrt(s / (double)n);
}

double arv_stats_percentile_sorted(const double *sorted, size_t n, double p)
{
    if (n == 0)
        return 0.0;
    if (!(p > 0.0))           /* also NaN */
        return sorted[0];
    if (p >= 1.0)
        return sorted[n - 1];
    double h = (double)(n - 1) * p;
    size_t lo = (size_t)floor(h);
    if (lo + 1 >= n)
        return sorted[n - 1];
    double frac = h - (double)lo;
    return sorted[lo] + frac * (sorted[lo + 1] - sorted[lo]);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void arv_stats_sort(double *x, size_t n)
{
    if (n > 1)
        qsort(x, n, sizeof *x, cmp_double);
}

int arv_stats_summarize(const double *samples, size_t n, double *scratch, arv_stats *out)
{
    memset(out, 0, sizeof *out);
    if (n == 0)
        return -1;
    memcpy(scratch, samples, n * sizeof *samples);
    arv_stats_sort(scratch, n);
    out->count = n;
    out->first = samples[0];
    out->last = samples[n - 1];
    out->min = scratch[0];
    out->max = scratch[n - 1];
    out->mean = arv_stats_mean(samples, n);
    out->std = arv_stats_std(samples, n);
    out->median = arv_stats_percentile_sorted(scratch, n, 0.50);
    out->p90 = arv_stats_percentile_sorted(scratch, n, 0.90);
    out->p99 = arv_stats_percentile_sorted(scratch, n, 0.99);
    return 0;
}
