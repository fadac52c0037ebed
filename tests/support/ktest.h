/* ktest.h — helpers for the kernel unit tests: a seeded RNG, buffers,
 * TFLite's padding formulas, and error measurement.
 *
 * Error measure used by every kernel test: for each element
 *     err = |got - want| / max(1, |want|)
 * (relative for large values, absolute below 1), and a check passes when the
 * maximum over the tensor is <= KT_TOL. NaN matches only NaN. */
#ifndef KTEST_H
#define KTEST_H

#include <stddef.h>
#include <stdint.h>

#define KT_TOL 1e-5

typedef struct kt_rng {
    uint64_t s;
} kt_rng;

void kt_seed(kt_rng *r, uint64_t seed);
uint32_t kt_u32(kt_rng *r);
int kt_int(kt_rng *r, int lo, int hi);              /* uniform in [lo, hi] */
float kt_uniform(kt_rng *r, float lo, float hi);    /* uniform in [lo, hi) */
int kt_pick(kt_rng *r, const int *choices, int n);  /* one of choices[] */

/* malloc that aborts on failure; kt_alloc fills with kt_sentinel() so that
 * unwritten elements are detectable. */
float *kt_alloc(size_t n);
double *kt_alloc_d(size_t n);
float kt_sentinel(void);
int kt_is_sentinel(float v);
void kt_fill(kt_rng *r, float *p, size_t n, float lo, float hi);

/* TFLite's SAME/VALID geometry for one spatial axis. */
void kt_conv_axis(int in, int k, int stride, int dil, int same, int *out,
                  int *pad_before);

/* The three fused activations as clamps: 0 none, 1 relu, 2 relu6. */
void kt_act(int which, float *lo, float *hi);
double kt_clampd(double x, double lo, double hi);

/* Max of |got - want| / max(1, |want|); INFINITY on a NaN mismatch. */
double kt_max_err(const float *got, const double *want, size_t n);
double kt_max_err_f(const float *got, const float *want, size_t n);
/* Index of the first element whose error exceeds tol, or -1. */
long kt_first_bad(const float *got, const double *want, size_t n, double tol);

/* Row-range check for kernels that take [row_begin, row_end). `run` computes
 * rows [r0, r1) of the output into `out`. Verifies that (1) computing all
 * `rows` in chunks of 2-3 rows reproduces `full` bit for bit, and (2) a call
 * on a random sub-range writes exactly those rows, bit-identical to `full`,
 * and leaves every other element untouched. Returns NULL on success or a
 * static message describing the first problem. */
typedef void (*kt_rows_fn)(const void *ctx, float *out, int r0, int r1);
const char *kt_check_rows(kt_rng *r, kt_rows_fn run, const void *ctx,
                          int rows, size_t row_elems, const float *full);

/* Per-kernel maximum error seen in this process, printed by kt_err_report. */
void kt_err_note(const char *kernel, double err);
void kt_err_report(void);

/* Runs the suite without forking (so kt_err_note survives), prints the error
 * summary and returns the process exit status. */
struct Suite;
int kt_run_suite(struct Suite *s);

#endif
