/* fuzz_video.c — libFuzzer target for the video input path: arbitrary bytes
 * demuxed and decoded from memory through a custom AVIOContext
 * (arv_video_in_open_mem: libavformat probing, libavcodec decoding,
 * swscale to RGB), or through the y4m reader when they start with
 * "YUV4MPEG2 ". At most 48 frames, frames limited to 2048 a side and 1 M
 * pixels, one decoder thread. A failure without a one-line "NAME: problem"
 * message aborts.
 *
 *   make fuzz
 *   rm -rf build-fuzz/corpus-video && cp -r tests/fuzz/corpus/video build-fuzz/corpus-video
 *   build-fuzz/fuzz/fuzz_video -max_total_time=300 -timeout=20 -rss_limit_mb=2048 build-fuzz/corpus-video
 *
 * libav* are the system's shared libraries, not built with sanitizers: a
 * memory error inside them shows only if it crashes. */
#include <stdio.h>
#include <stdlib.h>
#include "fuzz_media_body.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__ubsan_default_options(void);

const char *__ubsan_default_options(void)
{
    return "halt_on_error=1:print_stacktrace=1";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int rc, frames;
    const char *breach = fz_video(data, size, &rc, &frames);
    if (breach) {
        fprintf(stderr, "fuzz_video: %s\n", breach);
        abort();
    }
    return 0;
}
