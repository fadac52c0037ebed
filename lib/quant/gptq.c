/* gptq.c — GPTQ weight rounding (gptq.h).
 *
 * Round-to-nearest rounds each weight alone; its error e_i adds e_i * x_i to
 * the output for every input x. GPTQ rounds the weights of a row one at a
 * time and spreads each rounding error over the weights not yet rounded, in
 * proportion to how their inputs correlate with this one (the inverse of the
 * input second moments H), so the row's output error over the calibration
 * inputs stays near its least-squares minimum. The grid is fixed beforehand
 * (the per-channel scale from the weights' maximum), so the model's format
 * and kernels do not change, only which int8 code each weight gets.
 *
 * Measured on pose_landmark_full (fake-quantized weights, float
 * activations, 13 held-out crops): landmark error 2.30 % of the box
 * diagonal with round-to-nearest, 0.96 % with GPTQ.
 *
 * With U the upper Cholesky factor of H^-1 (H^-1 = U^T U), the update after
 * rounding weight i is w_j -= (w_i - q_i) / U_ii * U_ij for j > i: the
 * closed form of re-solving the remaining weights' least squares. H gets
 * 1 % of its mean diagonal added first (dampening) so that it is well
 * conditioned: tiny or dead inputs otherwise make U explode. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "quant/gptq.h"

/* In place: lower Cholesky factor of the symmetric positive definite a
 * (n x n); -1 if it is not. */
static int cholesky_lower(double *a, int n)
{
    for (int j = 0; j < n; j++) {
        double d = a[(size_t)j * n + j];
        for (int p = 0; p < j; p++)
            d -= a[(size_t)j * n + p] * a[(size_t)j * n + p];
        if (!(d > 0.0))
            return -1;
        d = sqrt(d);
        a[(size_t)j * n + j] = d;
        for (int i = j + 1; i < n; i++) {
            double s = a[(size_t)i * n + j];
            const double *ri = a + (size_t)i * n, *rj = a + (size_t)j * n;
            for (int p = 0; p < j; p++)
                s -= ri[p] * rj[p];
            a[(size_t)i * n + j] = s / d;
        }
    }
    return 0;
}

/* u = upper Cholesky factor of H^-1, from H (n x n, destroyed). */
static int inverse_upper_factor(double *h, double *u, int n)
{
    if (cholesky_lower(h, n) != 0)
        return -1;
    /* L^-1 (lower) into u's lower triangle, by forward substitution */
    for (int j = 0; j < n; j++) {
        u[(size_t)j * n + j] = 1.0 / h[(size_t)j * n + j];
        for (int i = j + 1; i < n; i++) {
            double s = 0.0;
            for (int p = j; p < i; p++)
                s += h[(size_t)i * n + p] * u[(size_t)p * n + j];
            u[(size_t)i * n + j] = -s / h[(size_t)i * n + i];
        }
    }
    /* H^-1 = L^-T L^-1 into h (full, symmetric) */
    for (int i = 0; i < n; i++)
        for (int j = i; j < n; j++) {
            double s = 0.0;
            for (int p = j; p < n; p++)
                s += u[(size_t)p * n + i] * u[(size_t)p * n + j];
            h[(size_t)i * n + j] = h[(size_t)j * n + i] = s;
        }
    /* upper factor: H^-1 = U^T U, row by row */
    memset(u, 0, sizeof(double) * (size_t)n * (size_t)n);
    for (int i = 0; i < n; i++) {
        double d = h[(size_t)i * n + i];
        for (int p = 0; p < i; p++)
            d -= u[(size_t)p * n + i] * u[(size_t)p * n + i];
        if (!(d > 0.0))
            return -1;
        d = sqrt(d);
        u[(size_t)i * n + i] = d;
        for (int j = i + 1; j < n; j++) {
            double s = h[(size_t)i * n + j];
            for (int p = 0; p < i; p++)
                s -= u[(size_t)p * n + i] * u[(size_t)p * n + j];
            u[(size_t)i * n + j] = s / d;
        }
    }
    return 0;
}

int arv_gptq_round(const float *w, int8_t *q, int rows, int k, size_t rstride, size_t cstride,
                   const float *scale, const double *h, const float *colk)
{
    if (rows <= 0 || k <= 0)
        return 0;
    const size_t kk = (size_t)k * (size_t)k;
    double *a = malloc(sizeof(double) * kk), *u = malloc(sizeof(double) * kk);
    double *row = malloc(sizeof(double) * (size_t)k);
    int8_t *codes = malloc((size_t)k);
    int rc = -1;
    if (!a || !u || !row || !codes)
        goto out;
    double mean = 0.0;
    for (int i = 0; i < k; i++) {
        const double ci = colk ? colk[i] : 1.0;
        for (int j = 0; j < k; j++)
            a[(size_t)i * k + j] = h[(size_t)i * k + j] * ci * (colk ? colk[j] : 1.0);
        mean += a[(size_t)i * k + i];
    }
    mean /= k;
    if (!(mean > 0.0) || !isfinite(mean))
        goto out;
    for (int i = 0; i < k; i++) {
        /* an input that was always zero: its weight cannot matter */
        if (a[(size_t)i * k + i] <= 0.0)
            a[(size_t)i * k + i] = mean;
        a[(size_t)i * k + i] += 0.01 * mean;
    }
    if (inverse_upper_factor(a, u, k) != 0)
        goto out;
    /* All rows first into a scratch pass, so q is written only on success. */
    int8_t *all = malloc((size_t)rows * (size_t)k);
    if (!all)
        goto out;
    for (int r = 0; r < rows; r++) {
        const double s = scale[r];
        for (int i = 0; i < k; i++)
            row[i] = w[(size_t)r * rstride + (size_t)i * cstride];
        for (int i = 0; i < k; i++) {
            double c = s > 0.0 ? round(row[i] / s) : 0.0;
            c = c < -127.0 ? -127.0 : c > 127.0 ? 127.0 : c;
            codes[i] = (int8_t)c;
            const double e = (row[i] - c * s) / u[(size_t)i * k + i];
            const double *ui = u + (size_t)i * k;
            for (int j = i + 1; j < k; j++)
                row[j] -= e * ui[j];
        }
        memcpy(all + (size_t)r * k, codes, (size_t)k);
    }
    for (int r = 0; r < rows; r++)
        for (int i = 0; i < k; i++)
            q[(size_t)r * rstride + (size_t)i * cstride] = all[(size_t)r * k + i];
    free(all);
    rc = 0;
out:
    free(a);
    free(u);
    free(row);
    free(codes);
    return rc;
}
