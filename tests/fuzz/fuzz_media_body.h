/* fuzz_media_body.h — what the media fuzz targets (fuzz_image.c,
 * fuzz_video.c) do with one input, shared with the corpus replay test
 * (tests/unit/test_media_corpus.c) so the two can never drift apart.
 *
 * Each function returns NULL when the media layer kept its contract, or a
 * description of the breach: a failure without a one-line message that
 * starts with the input's name, or a "success" with impossible pixels.
 * Memory errors are for the sanitizers to see. *rc receives the outcome
 * (1 = decoded, 0 = refused cleanly) and *frames the frames decoded. */
#ifndef ARV_FUZZ_MEDIA_BODY_H
#define ARV_FUZZ_MEDIA_BODY_H

#include <stdio.h>
#include <string.h>
#include "media/image_io.h"
#include "media/video_in.h"
#include "media/y4m.h"

#define FZ_NAME "fuzz-input"
#define FZ_MAX_FRAMES 48

static inline const char *fz_check_err(const char *err)
{
    if (!err[0])
        return "failure with an empty message";
    if (strchr(err, '\n'))
        return "failure message has several lines";
    if (strncmp(err, FZ_NAME ": ", strlen(FZ_NAME) + 2) != 0)
        return "failure message does not start with the input's name";
    return NULL;
}

static inline const char *fz_check_image(const arv_image *im, int c, const arv_media_limits *lim)
{
    if (!im->data || im->w <= 0 || im->h <= 0 || im->c != c || im->stride < (size_t)im->w * c)
        return "success with an impossible image";
    if (im->w > lim->max_dim || im->h > lim->max_dim)
        return "image over the size limit";
    return NULL;
}

/* Decode as RGB and as RGBA, EXIF applied; limits small enough for fuzzing. */
static inline const char *fz_image(const uint8_t *data, size_t n, int *rc)
{
    const char *breach = NULL;
    *rc = 0;
    for (int c = 3; c <= 4 && !breach; c++) {
        arv_image_load_opts o = {.channels = c, .limits = {.max_dim = 4096, .max_pixels = 4 << 20}};
        arv_image im;
        char err[ARV_ERR_LEN] = "";
        if (arv_image_load_mem(data, n, FZ_NAME, &o, &im, err) == 0) {
            breach = fz_check_image(&im, c, &o.limits);
            arv_image_free(&im);
            *rc = 1;
        } else {
            breach = fz_check_err(err);
        }
    }
    return breach;
}

/* y4m through the stream reader, anything else through libavformat from
 * memory; at most FZ_MAX_FRAMES frames. */
static inline const char *fz_video(const uint8_t *data, size_t n, int *rc, int *frames)
{
    arv_media_limits lim = {.max_dim = 2048, .max_pixels = 1 << 20};
    char err[ARV_ERR_LEN] = "";
    *rc = 0;
    *frames = 0;
    if (n >= ARV_MEDIA_SNIFF_LEN && arv_media_sniff(data, n) == ARV_MEDIA_Y4M) {
        FILE *fp = fmemopen((void *)data, n, "rb");
        if (!fp)
            return NULL;
        arv_y4m_reader *r;
        const char *breach = NULL;
        if (arv_y4m_reader_open(fp, NULL, 0, FZ_NAME, &lim, &r, err) != 0) {
            breach = fz_check_err(err);
        } else {
            arv_frame f;
            int got = 0;
            *rc = 1;
            while (*frames < FZ_MAX_FRAMES && (got = arv_y4m_read(r, &f, err)) == 1) {
                breach = fz_check_image(&f.img, 3, &lim);
                arv_image_free(&f.img);
                ++*frames;
                if (breach)
                    break;
            }
            if (!breach && *frames < FZ_MAX_FRAMES && got < 0)
                breach = fz_check_err(err);
            arv_y4m_reader_close(r);
        }
        fclose(fp);
        return breach;
    }
    arv_video_in_opts o = {.threads = 1, .limits = lim};
    arv_video_in *v;
    if (arv_video_in_open_mem(data, n, FZ_NAME, &o, &v, err) != 0)
        return fz_check_err(err);
    *rc = 1;
    const char *breach = NULL;
    arv_frame f;
    int got = 0;
    while (*frames < FZ_MAX_FRAMES && (got = arv_video_in_read(v, &f, err)) == 1) {
        breach = fz_check_image(&f.img, 3, &lim);
        arv_image_free(&f.img);
        ++*frames;
        if (breach)
            break;
    }
    if (!breach && got < 0)
        breach = fz_check_err(err);
    arv_video_in_close(v);
    return breach;
}

#endif
