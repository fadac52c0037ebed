/* test_media_corpus.c — replay every file of tests/fuzz/corpus/image/ and
 * tests/fuzz/corpus/video/ through the media fuzz targets' own bodies
 * (tests/fuzz/fuzz_media_body.h), so an input that once broke the decoders
 * stays covered; `make test-san` runs this under ASan and UBSan. Verdicts
 * by file name (tests/fuzz/gen_media_corpus.c writes the seeds):
 *
 *   ok_*   decode (videos: at least one frame);
 *   bad_*  are refused with a clean one-line message;
 *   any_*  either way (e.g. inputs the fuzzers found: *_fuzz_*).
 *
 * Every outcome must keep the contract checked by the bodies. The corpus
 * is found under $ARV_SRCDIR (default: the current directory). */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz/fuzz_media_body.h"
#include "support/testutil.h"

typedef const char *(*body_fn)(const uint8_t *data, size_t n, int *rc, int *frames);

static const char *image_body(const uint8_t *data, size_t n, int *rc, int *frames)
{
    *frames = 0;
    return fz_image(data, n, rc);
}

static void replay(const char *sub, body_fn body, int min_files)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s/tests/fuzz/corpus/%s", tu_srcdir(), sub);
    DIR *d = opendir(dir);
    ck_assert_msg(d != NULL, "corpus directory %s not found (set ARV_SRCDIR to the repository root)",
                  dir);
    int files = 0, ok = 0, bad = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        char path[1024], err[ARV_ERR_LEN];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        uint8_t *data;
        size_t n;
        ck_assert_msg(arv_read_file(path, 1 << 24, &data, &n, err) == 0, "%s", err);
        int rc, frames;
        const char *breach = body(data, n, &rc, &frames);
        free(data);
        ck_assert_msg(breach == NULL, "%s: %s", e->d_name, breach);
        if (strncmp(e->d_name, "ok_", 3) == 0) {
            ck_assert_msg(rc == 1, "%s: refused, should decode", e->d_name);
            ck_assert_msg(body == image_body || frames > 0, "%s: no frame decoded", e->d_name);
            ok++;
        } else if (strncmp(e->d_name, "bad_", 4) == 0) {
            ck_assert_msg(rc == 0, "%s: decoded, should be refused", e->d_name);
            bad++;
        } else {
            ck_assert_msg(strncmp(e->d_name, "any_", 4) == 0, "%s: name must start with ok_, bad_ "
                          "or any_", e->d_name);
        }
        files++;
    }
    closedir(d);
    ck_assert_msg(files >= min_files, "%s: only %d files", dir, files);
    ck_assert(ok > 0 && bad > 0);
}

START_TEST(image_corpus)
{
    replay("image", image_body, 30);
}
END_TEST

START_TEST(video_corpus)
{
    replay("video", fz_video, 10);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("media_corpus");
    TCase *tc = tcase_create("corpus");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, image_corpus);
    tcase_add_test(tc, video_corpus);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
