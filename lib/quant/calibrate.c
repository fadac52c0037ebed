/* calibrate.c — activation ranges for quantization. The interpreter reuses
 * its arena, so ranges are taken while each op's output is live, through
 * the invoke observer (arv_options.observe). */
#include <math.h>
#include <stdlib.h>
#include "quant/quant.h"
#include "quant/hessian.h"
#include "model/tflite_model.h"

struct arv_calib {
    const arv_model *m;
    arv_interp *it;
    int n;
    float *mn, *mx;
    int *seen;
    int runs;
    /* Optional second pass: per tensor, a histogram over the range the
     * first pass found (values outside it land in the end bins). */
    int bins;
    float *hlo, *hhi;
    uint64_t **hist;
    /* Per channel (the last dimension) min and max of every tensor with
     * two or more dimensions, for cross-layer equalization. */
    int *nch;
    float **clo, **chi;
    /* Optional: input second moments of every conv, for GPTQ. */
    arv_hess *hess;
};

static void note(arv_calib *c, int ti, const arv_tensor *t)
{
    if (ti < 0 || ti >= c->n || t->type != ARV_FLOAT32 || !t->data)
        return;
    const float *p = t->data;
    size_t n = arv_tensor_elems(t);
    float lo = c->seen[ti] ? c->mn[ti] : INFINITY, hi = c->seen[ti] ? c->mx[ti] : -INFINITY;
    for (size_t i = 0; i < n; i++) {
        /* NaN compares false both ways and is skipped */
        if (p[i] < lo)
            lo = p[i];
        if (p[i] > hi)
            hi = p[i];
    }
    if (lo <= hi) {
        c->mn[ti] = lo;
        c->mx[ti] = hi;
        c->seen[ti] = 1;
    }
    if (c->nch && t->ndim >= 2 && t->dims[t->ndim - 1] > 0 && !c->hist) {
        const int C = t->dims[t->ndim - 1];
        if (!c->clo[ti] && !c->nch[ti]) {
            c->clo[ti] = malloc(sizeof(float) * (size_t)C);
            c->chi[ti] = malloc(sizeof(float) * (size_t)C);
            if (c->clo[ti] && c->chi[ti]) {
                c->nch[ti] = C;
                for (int k = 0; k < C; k++) {
                    c->clo[ti][k] = INFINITY;
                    c->chi[ti][k] = -INFINITY;
                }
            } else {
                free(c->clo[ti]);
                free(c->chi[ti]);
                c->clo[ti] = c->chi[ti] = NULL;
                c->nch[ti] = -1;   /* out of memory: no per-channel data */
            }
        }
        if (c->nch[ti] == C) {
            float *cl = c->clo[ti], *chh = c->chi[ti];
            for (size_t i = 0; i < n; i += (size_t)C)
                for (int k = 0; k < C && i + (size_t)k < n; k++) {
                    float v = p[i + (size_t)k];
                    if (v < cl[k])
                        cl[k] = v;
                    if (v > chh[k])
                        chh[k] = v;
                }
        }
    }
    uint64_t *h = c->hist ? c->hist[ti] : NULL;
    if (h) {
        const float base = c->hlo[ti], w = (c->hhi[ti] - c->hlo[ti]) / (float)c->bins;
        for (size_t i = 0; i < n; i++) {
            if (!(p[i] == p[i]))
                continue;
            float f = w > 0 ? (p[i] - base) / w : 0.0f;
            int b = f < 0 ? 0 : f >= (float)c->bins ? c->bins - 1 : (int)f;
            h[b]++;
        }
    }
}

static void observe(void *user, int ti, const arv_tensor *t)
{
    arv_calib *c = user;
    note(c, ti, t);
    if (c->hess)
        arv_hess_observe(c->hess, ti, t);
}

arv_status arv_calib_new(const arv_model *m, int num_threads, arv_calib **out, char *err)
{
    *out = NULL;
    arv_calib *c = calloc(1, sizeof *c);
    if (!c) {
        arv_set_err(err, "out of memory");
        return ARV_ERR_NOMEM;
    }
    c->m = m;
    c->n = m->g.n_tensors;
    c->mn = calloc((size_t)c->n + 1, sizeof *c->mn);
    c->mx = calloc((size_t)c->n + 1, sizeof *c->mx);
    c->seen = calloc((size_t)c->n + 1, sizeof *c->seen);
    c->nch = calloc((size_t)c->n + 1, sizeof *c->nch);
    c->clo = calloc((size_t)c->n + 1, sizeof *c->clo);
    c->chi = calloc((size_t)c->n + 1, sizeof *c->chi);
    if (!c->mn || !c->mx || !c->seen || !c->nch || !c->clo || !c->chi) {
        arv_calib_free(c);
        arv_set_err(err, "out of memory");
        return ARV_ERR_NOMEM;
    }
    arv_options opt = {.num_threads = num_threads, .observe = observe, .observe_user = c};
    arv_status s = arv_interp_new(m, &opt, &c->it, err);
    if (s != ARV_OK) {
        arv_calib_free(c);
        return s;
    }
    *out = c;
    return ARV_OK;
}

int arv_calib_num_inputs(const arv_calib *c) { return arv_interp_num_inputs(c->it); }
arv_tensor *arv_calib_input(arv_calib *c, int i) { return arv_interp_input(c->it, i); }
int arv_calib_runs(const arv_calib *c) { return c->runs; }

arv_status arv_calib_run(arv_calib *c, char *err)
{
    /* Inputs are read before invoke: some ops may run in place later. */
    for (int i = 0; i < c->m->g.n_inputs; i++) {
        note(c, c->m->g.inputs[i], arv_interp_input(c->it, i));
        if (c->hess)
            arv_hess_observe(c->hess, c->m->g.inputs[i], arv_interp_input(c->it, i));
    }
    arv_status s = arv_interp_invoke(c->it);
    if (s != ARV_OK) {
        arv_set_err(err, "calibration run failed: %s", arv_interp_error(c->it));
        return s;
    }
    c->runs++;
    return ARV_OK;
}

int arv_calib_range(const arv_calib *c, int ti, float *mn, float *mx)
{
    if (ti < 0 || ti >= c->n || !c->seen[ti] || !isfinite(c->mn[ti]) || !isfinite(c->mx[ti]))
        return 0;
    *mn = c->mn[ti];
    *mx = c->mx[ti];
    return 1;
}

arv_status arv_calib_start_histograms(arv_calib *c, int bins, char *err)
{
    if (c->hist || bins < 16) {
        arv_set_err(err, "histograms already started, or too few bins");
        return ARV_ERR_ARG;
    }
    c->bins = bins;
    c->hlo = calloc((size_t)c->n + 1, sizeof *c->hlo);
    c->hhi = calloc((size_t)c->n + 1, sizeof *c->hhi);
    c->hist = calloc((size_t)c->n + 1, sizeof *c->hist);
    if (!c->hlo || !c->hhi || !c->hist) {
        arv_set_err(err, "out of memory");
        return ARV_ERR_NOMEM;
    }
    for (int i = 0; i < c->n; i++) {
        float lo, hi;
        if (!arv_calib_range(c, i, &lo, &hi))
            continue;
        c->hlo[i] = lo;
        c->hhi[i] = hi;
        c->hist[i] = calloc((size_t)bins, sizeof(uint64_t));
        if (!c->hist[i]) {
            arv_set_err(err, "out of memory");
            return ARV_ERR_NOMEM;
        }
    }
    return ARV_OK;
}

arv_status arv_calib_start_hessians(arv_calib *c, char *err)
{
    if (c->hess)
        return ARV_OK;
    c->hess = arv_hess_new(&c->m->g);
    if (!c->hess) {
        arv_set_err(err, "out of memory for the GPTQ input statistics");
        return ARV_ERR_NOMEM;
    }
    return ARV_OK;
}

const double *arv_calib_hessian(const arv_calib *c, int node, int *k, int *groups,
                                uint64_t *samples)
{
    return arv_hess_get(c->hess, node, k, groups, samples);
}

int arv_calib_range_pct(const arv_calib *c, int ti, double pct, float *lo, float *hi)
{
    if (!arv_calib_range(c, ti, lo, hi))
        return 0;
    const uint64_t *h = c->hist && ti >= 0 && ti < c->n ? c->hist[ti] : NULL;
    if (!h || !(pct > 0.0 && pct < 100.0))
        return 1;
    uint64_t total = 0;
    for (int b = 0; b < c->bins; b++)
        total += h[b];
    if (total == 0)
        return 1;
    /* Drop (100 - pct)% of the values, half from each tail; the bin edges
     * that keep the rest become the range. */
    const double drop = (double)total * (100.0 - pct) / 200.0;
    const float w = (c->hhi[ti] - c->hlo[ti]) / (float)c->bins;
    uint64_t acc = 0;
    int b0 = 0, b1 = c->bins - 1;
    while (b0 < c->bins - 1 && (double)(acc + h[b0]) <= drop)
        acc += h[b0++];
    acc = 0;
    while (b1 > b0 && (double)(acc + h[b1]) <= drop)
        acc += h[b1--];
    /* bin edges are rounded: keep them inside the observed range */
    const float mn = *lo, mx = *hi;
    float a = c->hlo[ti] + w * (float)b0, z = c->hlo[ti] + w * (float)(b1 + 1);
    *lo = a < mn ? mn : a > mx ? mx : a;
    *hi = z > mx ? mx : z < *lo ? *lo : z;
    return 1;
}

int arv_calib_channels(const arv_calib *c, int ti, const float **lo, const float **hi)
{
    if (ti < 0 || ti >= c->n || !c->nch || c->nch[ti] <= 0)
        return 0;
    *lo = c->clo[ti];
    *hi = c->chi[ti];
    return c->nch[ti];
}

/* MSE-optimal range: the [lo, hi] (bin edges, lo <= 0 <= hi as int8
 * activations need) minimising the expected squared error of quantizing
 * the histogram's values to 256 levels: values inside cost step^2 / 12
 * (uniform rounding error), values outside cost their distance to the
 * clipped end. Prefix sums of count, count * x and count * x^2 make each
 * candidate O(1); all bin-edge pairs are tried. */
int arv_calib_range_mse(const arv_calib *c, int ti, float *lo, float *hi)
{
    if (!arv_calib_range(c, ti, lo, hi))
        return 0;
    const uint64_t *h = c->hist && ti >= 0 && ti < c->n ? c->hist[ti] : NULL;
    if (!h)
        return 1;
    const int nb = c->bins;
    const double base = c->hlo[ti], w = ((double)c->hhi[ti] - c->hlo[ti]) / nb;
    if (!(w > 0))
        return 1;
    double *P0 = malloc(sizeof(double) * 3 * (size_t)(nb + 1));
    if (!P0)
        return 1;
    double *P1 = P0 + nb + 1, *P2 = P1 + nb + 1;
    P0[0] = P1[0] = P2[0] = 0;
    for (int b = 0; b < nb; b++) {
        double x = base + ((double)b + 0.5) * w, n = (double)h[b];
        P0[b + 1] = P0[b] + n;
        P1[b + 1] = P1[b] + n * x;
        P2[b + 1] = P2[b] + n * x * x;
    }
    /* edges e = 0..nb are at base + e * w; the range must hold 0 */
    int z = (int)ceil(-base / w);
    z = z < 0 ? 0 : z > nb ? nb : z;
    int za = (int)floor(-base / w);
    za = za < 0 ? 0 : za > nb ? nb : za;
    double best = INFINITY;
    int be0 = 0, be1 = nb;
    for (int e0 = 0; e0 <= za; e0++) {
        const double a = base + e0 * w;
        /* below a: sum n (x - a)^2 = S2 - 2a S1 + a^2 S0 over bins < e0 */
        const double below = P2[e0] - 2 * a * P1[e0] + a * a * P0[e0];
        for (int e1 = z > e0 + 1 ? z : e0 + 1; e1 <= nb; e1++) {
            const double bnd = base + e1 * w, step = (bnd - a) / 255.0;
            const double s0 = P0[nb] - P0[e1], s1 = P1[nb] - P1[e1], s2 = P2[nb] - P2[e1];
            const double above = s2 - 2 * bnd * s1 + bnd * bnd * s0;
            const double inside = (P0[e1] - P0[e0]) * step * step / 12.0;
            const double err = below + above + inside;
            if (err < best) {
                best = err;
                be0 = e0;
                be1 = e1;
            }
        }
    }
    free(P0);
    const float mn = *lo, mx = *hi;
    float a = (float)(base + be0 * w), zz = (float)(base + be1 * w);
    *lo = a < mn ? mn : a > mx ? mx : a;
    *hi = zz > mx ? mx : zz < *lo ? *lo : zz;
    return 1;
}

void arv_calib_free(arv_calib *c)
{
    if (!c)
        return;
    if (c->hist)
        for (int i = 0; i < c->n; i++)
            free(c->hist[i]);
    free(c->hist);
    if (c->clo)
        for (int i = 0; i < c->n; i++) {
            free(c->clo[i]);
            free(c->chi[i]);
        }
    free(c->clo);
    free(c->chi);
    free(c->nch);
    free(c->hlo);
    free(c->hhi);
    arv_interp_free(c->it);
    arv_hess_free(c->hess);
    free(c->mn);
    free(c->mx);
    free(c->seen);
    free(c);
}
