/* fuzz_model.c — libFuzzer target for the model loader: arbitrary bytes into
 * arv_model_open_buffer and, when accepted, an interpreter and one invoke.
 * Besides sanitizer reports, a failure whose message breaks the contract of
 * arv.h (empty, several lines) aborts, so the fuzzer keeps that too.
 *
 *   make fuzz
 *   rm -rf build-fuzz/corpus-model && cp -r tests/fuzz/corpus/model build-fuzz/corpus-model
 *   build-fuzz/fuzz/fuzz_model -max_total_time=300 build-fuzz/corpus-model
 *
 * The body is shared with the corpus replay test; it is included rather
 * than linked because the fuzz rule compiles one .c file per target. */
#include <stdio.h>
#include <stdlib.h>
#include "../support/fuzz_model_body.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__ubsan_default_options(void);

/* The fuzz rule builds UBSan in its default recoverable mode, where a
 * report is printed and the run goes on, so libFuzzer would never keep the
 * input. Make every report fatal, as SAN=1 builds are. */
const char *__ubsan_default_options(void)
{
    return "halt_on_error=1:print_stacktrace=1";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fm_result r;
    fm_run(data, size, &r);
    const char *breach = fm_contract(&r);
    if (breach) {
        fprintf(stderr, "fuzz_model: %s (status %s): \"%s\"\n", breach,
                arv_status_name(r.status), r.err);
        abort();
    }
    return 0;
}
