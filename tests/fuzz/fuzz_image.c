/* fuzz_image.c — libFuzzer target for still-image decoding: arbitrary bytes
 * into arv_image_load_mem (JPEG via libjpeg-turbo, PNG via libpng, EXIF
 * orientation), as RGB and as RGBA, with small limits. Besides sanitizer
 * reports, a failure without a one-line "NAME: problem" message aborts.
 *
 *   make fuzz
 *   rm -rf build-fuzz/corpus-image && cp -r tests/fuzz/corpus/image build-fuzz/corpus-image
 *   build-fuzz/fuzz/fuzz_image -max_total_time=300 -timeout=10 build-fuzz/corpus-image
 *
 * The body (tests/fuzz/fuzz_media_body.h) is shared with the corpus replay
 * test, tests/unit/test_media_corpus.c. */
#include <stdio.h>
#include <stdlib.h>
#include "fuzz_media_body.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__ubsan_default_options(void);

/* Make UBSan reports fatal so libFuzzer keeps the input (the fuzz rule
 * builds UBSan in its recoverable mode). */
const char *__ubsan_default_options(void)
{
    return "halt_on_error=1:print_stacktrace=1";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int rc;
    const char *breach = fz_image(data, size, &rc);
    if (breach) {
        fprintf(stderr, "fuzz_image: %s\n", breach);
        abort();
    }
    return 0;
}
