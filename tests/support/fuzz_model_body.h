/* fuzz_model_body.h — one run of arbitrary bytes through the model loader
 * and, when it accepts them, an interpreter: the body of the libFuzzer
 * target tests/fuzz/fuzz_model.c and of the corpus replay in
 * tests/unit/test_model_corpus.c, so both exercise exactly the same path.
 *
 * The fuzz rule of the Makefile compiles a target's single .c file, so the
 * target #includes fuzz_model_body.c; the unit tests link it from
 * tests/support/ like every other support file. */
#ifndef FUZZ_MODEL_BODY_H
#define FUZZ_MODEL_BODY_H

#include <stddef.h>
#include <stdint.h>
#include "arv.h"

/* Invoke only when the estimated work (multiply-adds plus pooled and
 * element-wise elements) is below this: the loader and the op layer are
 * under test, not kernel speed, and a sanitized build runs ~10x slower. */
#define FM_MAX_WORK 4000000ull

typedef enum fm_stage {
    FM_OPEN,        /* arv_model_open_buffer failed */
    FM_INTERP,      /* arv_interp_new failed */
    FM_INVOKE,      /* arv_interp_invoke failed */
    FM_DONE         /* everything succeeded (invoke may have been skipped) */
} fm_stage;

typedef struct fm_result {
    /* The full run, with fm_limits(). */
    arv_status status;      /* of the failing call, ARV_OK when FM_DONE */
    fm_stage stage;
    int invoked;            /* invoke ran (0: failed earlier or too costly) */
    uint64_t work;          /* the estimate compared with FM_MAX_WORK */
    char err[ARV_ERR_LEN];  /* message of the failing call, "" on success */
    /* Opening only, with the library's default limits (NULL): tensors up to
     * 512 MiB reach the op layer's shape arithmetic with dimensions that the
     * small limits above stop early. */
    arv_status wide_status;
    char wide_err[ARV_ERR_LEN];
} fm_result;

/* The limits of the full run: small enough that no input can make it
 * allocate more than a few hundred MiB or run for long. */
void fm_limits(arv_limits *lim);

/* Open data[0..size) with default limits and close it; then open it with
 * fm_limits() and, if that works, build an interpreter with one thread,
 * zero the float inputs and invoke once; free everything. */
void fm_run(const uint8_t *data, size_t size, fm_result *r);

/* NULL if both opens keep the error contract of arv.h: a failure comes with
 * a non-empty message of one line without control characters. Otherwise a
 * static description of the breach. */
const char *fm_contract(const fm_result *r);

#endif
